//! `charta check` and `charta build` over the corpus of `tests/check-cases/`:
//! one association file per rule beside a good one (`bonne-association.json`),
//! each case asserting every diagnostic of its file (severity, message,
//! line:column, JSON path), the exit status of `check`, and that `build` still
//! rendered the good association while refusing the bad one. Then the library,
//! charta.toml and cross-file rules, valid edge cases, a run over the whole
//! corpus at once, and the text and JSON reports.
//!
//! The case files are `bonne-association.json` with one change each; they are
//! written by `tests/check-cases/make_cases.py` (see the README there).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check-cases")
}

fn charta(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_charta"))
        .args(args)
        .output()
        .expect("charta runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("under");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A programme in a temporary folder: the corpus' charta.toml and good association, plus `extra`
/// association files.
fn programme(extra: &[PathBuf]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&corpus().join("programme"), dir.path());
    for f in extra {
        std::fs::copy(
            f,
            dir.path()
                .join("associations")
                .join(f.file_name().expect("name")),
        )
        .expect("copy case");
    }
    dir
}

fn case_file(case: &str) -> PathBuf {
    corpus().join("associations").join(format!("{case}.json"))
}

/// `charta check DIR --format json`: exit status and report.
fn check_json(dir: &Path) -> (i32, Value) {
    let (code, out, err) = charta(&["check", dir.to_str().expect("utf-8"), "--format", "json"]);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report)
}

/// `charta build DIR --format md --out DIR/out`: exit status and output folder.
fn build_md(dir: &Path) -> (i32, PathBuf, String) {
    let out = dir.join("out");
    let (code, _, err) = charta(&[
        "build",
        dir.to_str().expect("utf-8"),
        "--format",
        "md",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    (code, out, err)
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    severity: String,
    message: String,
    at: String,
    path: String,
}

#[allow(non_snake_case)]
fn E(message: &str, at: &str, path: &str) -> Found {
    Found {
        severity: "error".into(),
        message: message.into(),
        at: at.into(),
        path: path.into(),
    }
}

#[allow(non_snake_case)]
fn W(message: &str, at: &str, path: &str) -> Found {
    Found {
        severity: "warning".into(),
        message: message.into(),
        at: at.into(),
        path: path.into(),
    }
}

fn found(d: &Value) -> Found {
    let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let n = |k: &str| {
        d.get(k)
            .and_then(Value::as_u64)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    Found {
        severity: s("severity"),
        message: s("message"),
        at: format!("{}:{}", n("line"), n("column")),
        path: s("path"),
    }
}

/// The diagnostics of the report about the file named `name`, by file name.
fn by_file(report: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        let f = d
            .get("file")
            .and_then(Value::as_str)
            .and_then(|f| Path::new(f).file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        m.entry(f).or_default().push(d.clone());
    }
    m
}

/// One rule: exactly `expected` for the case file, nothing for the good one; exit 1 iff an
/// error; `build` renders the good association, refuses the bad one iff it has an error.
fn run_case(case: &str, expected: &[Found]) {
    let prog = programme(&[case_file(case)]);
    let (code, report) = check_json(prog.path());
    let files = by_file(&report);
    let name = format!("{case}.json");
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        vec![&name],
        "only the case file has problems: {report:#}"
    );
    let mut got: Vec<Found> = files[&name].iter().map(found).collect();
    let mut want = expected.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{case}");
    for d in &files[&name] {
        assert!(
            d.get("hint")
                .and_then(Value::as_str)
                .is_some_and(|h| !h.is_empty()),
            "every problem says how to fix it: {d}"
        );
    }
    let has_error = expected.iter().any(|f| f.severity == "error");
    assert_eq!(code, i32::from(has_error), "{case}: exit status of check");

    let (bcode, out, err) = build_md(prog.path());
    assert!(
        out.join("bonne-association.md").is_file(),
        "{case}: the good association is rendered\n{err}"
    );
    assert_eq!(
        out.join(format!("{case}.md")).is_file(),
        !has_error,
        "{case}: bad data is never rendered\n{err}"
    );
    assert_eq!(
        bcode,
        i32::from(has_error),
        "{case}: exit status of build\n{err}"
    );
    if has_error {
        let first = &expected
            .iter()
            .find(|f| f.severity == "error")
            .expect("error")
            .message;
        assert!(
            err.contains(first.as_str()),
            "{case}: build prints the problems\n{err}"
        );
    }
}

macro_rules! cases {
    ($($name:ident: $case:literal => [$($f:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                run_case($case, &[$($f),*]);
            }
        )*

        /// Every case file of the corpus has its test (and no test names a missing file).
        #[test]
        fn every_case_file_is_tested() {
            let mut tested = vec![$($case),*];
            tested.sort();
            let mut on_disk: Vec<String> = std::fs::read_dir(corpus().join("associations"))
                .expect("corpus")
                .map(|e| e.expect("entry").path().file_stem().expect("stem").to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            assert_eq!(tested, on_disk);
        }

        /// All the cases in one programme: one run reports every problem of every file.
        #[test]
        fn all_problems_of_all_files_in_one_run() {
            let cases = [$($case),*];
            let prog = programme(&cases.iter().map(|c| case_file(c)).collect::<Vec<_>>());
            let (code, report) = check_json(prog.path());
            assert_eq!(code, 1);
            let files = by_file(&report);
            $(
                {
                    let mut got: Vec<Found> = files
                        .get(&format!("{}.json", $case))
                        .map(|v| v.iter().map(found).collect())
                        .unwrap_or_default();
                    // In one programme the copies share a reference and a SIRET with each other.
                    got.retain(|f| !f.message.contains("is also used by") && !f.message.contains("is also the SIRET of"));
                    let mut want: Vec<Found> = vec![$($f),*];
                    want.retain(|f| !f.message.contains("is also used by") && !f.message.contains("is also the SIRET of"));
                    got.sort();
                    want.sort();
                    assert_eq!(got, want, "{}", $case);
                }
            )*
            // Grouped by file: each file's diagnostics are contiguous, files in order.
            let order: Vec<String> = report["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .map(|d| d["file"].as_str().unwrap_or("").to_string())
                .collect();
            let mut grouped = order.clone();
            grouped.dedup();
            let mut sorted = grouped.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(grouped, sorted, "diagnostics grouped by file, files in order");
            assert_eq!(report["associations"], cases.len() + 1);
        }
    };
}

cases! {
    annee_en_trop: "annee-en-trop" => [
        E("`eligible_cost` has an amount for 2029, which is not a year of the convention", "20:71", "convention.eligible_cost.2029"),
    ];
    annee_reference_apres: "annee-reference-apres" => [
        E("the baseline year 2027 of indicator `O2-I1` is after the first year of the convention (2026)", "52:94", "dashboard.objectives[1].indicators[0].baseline_year"),
    ];
    annee_manquante: "annee-manquante" => [
        E("`funding` has no amount for 2028", "19:5", "convention.funding"),
    ];
    annees_non_consecutives: "annees-non-consecutives" => [
        E("years are not consecutive: 2026 is followed by 2028", "17:21", "convention.years[1]"),
        E("`other_public_subsidies` a un montant pour 2027, qui n'est pas une année de la convention", "9:146", "association.other_public_subsidies.2027"),
        W("`other_public_subsidies` n'a pas de montant pour 2029 : cette année, le seuil de 153 000 € n'est apprécié que sur cette contribution", "9:104", "association.other_public_subsidies"),
    ];
    annuelle_deux_ans: "annuelle-deux-ans" => [
        E("an annuelle convention covers exactly one year; this one covers 3 [2026, 2027, 2028]", "17:14", "convention.years"),
    ];
    avance_hors_bornes: "avance-hors-bornes" => [
        E("advance of 120 % is not between 0 and 100 %", "21:36", "convention.payment.advance_percent"),
    ];
    banque_absente: "banque-absente" => [
        E("a cpo convention needs the association's bank details", "3:3", "association.bank"),
    ];
    bic_format: "bic-format" => [
        E("BIC `CCOPFRP` is not 8 or 11 capital letters and digits", "11:60", "association.bank.bic"),
    ];
    cadre_avec_financement: "cadre-avec-financement" => [
        W("`funding` is ignored in a cadre convention, which has no financial commitment", "19:5", "convention.funding"),
        W("`eligible_cost` is ignored in a cadre convention, which has no financial commitment", "20:5", "convention.eligible_cost"),
        W("`payment` is ignored in a cadre convention, which has no financial commitment", "21:5", "convention.payment"),
    ];
    cer_absent: "cer-absent" => [
        E("date de souscription du contrat d'engagement républicain absente : la convention ne peut pas l'inventer", "3:3", "association.cer_signed_on"),
    ];
    cer_date_invalide: "cer-date-invalide" => [
        E("`cer_signed_on` `17/10/2025` is not a valid date", "12:22", "association.cer_signed_on"),
    ];
    champ_inconnu: "champ-inconnu" => [
        E("unknown field `fundng`", "19:5", "convention.fundng"),
    ];
    champ_manquant: "champ-manquant" => [
        E("missing field `siret` in `association`", "3:3", "association"),
    ];
    cible_manquante: "cible-manquante" => [
        E("indicator `O2-I1` has no target for 2028", "52:28", "dashboard.objectives[1].indicators[0].targets"),
    ];
    cible_nombre: "cible-nombre" => [
        E("qualitative indicator `O1-I2` has a number target for 2027", "43:61", "dashboard.objectives[0].indicators[1].targets.2027"),
    ];
    cible_texte: "cible-texte" => [
        E("quantitative indicator `O1-I1` has a text target for 2027", "41:62", "dashboard.objectives[0].indicators[0].targets.2027"),
    ];
    clause_ajout_non_optionnelle: "clause-ajout-non-optionnelle" => [
        E("clause `objet-projet` is not optional: it cannot be added", "24:54", "convention.clauses.add[1]"),
    ];
    clause_inconnue: "clause-inconnue" => [
        E("clause `mise-a-dispo-locaux` (in `clauses.add`) does not exist", "24:25", "convention.clauses.add[0]"),
    ];
    clause_retrait_citee: "clause-retrait-citee" => [
        E("clause `cout-adaptation` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
        E("clause `contribution-annualite` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
        E("clause `versement-modalites` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
        E("clause `versement-delai` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
        E("clause `sanctions-financieres` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
        E("clause `evaluation-annuelle` cites `justificatifs`, which is not part of this convention", "24:66", "convention.clauses.remove[0]"),
    ];
    clause_retrait_optionnelle: "clause-retrait-optionnelle" => [
        E("clause `comite-de-suivi` is optional: there is nothing to remove", "24:66", "convention.clauses.remove[0]"),
    ];
    cle_en_double: "cle-en-double" => [
        E("`2027` is given twice", "19:47", "convention.funding.2027"),
    ];
    cpo_longue: "cpo-longue" => [
        W("this cpo covers 5 years; the circular of 29 September 2015 recommends at most 4", "17:14", "convention.years"),
    ];
    cpo_un_an: "cpo-un-an" => [
        E("a cpo covers at least two years; this one covers 1 [2026]", "17:14", "convention.years"),
        E("`funding` has an amount for 2027, which is not a year of the convention", "19:32", "convention.funding.2027"),
        E("`funding` has an amount for 2028, which is not a year of the convention", "19:47", "convention.funding.2028"),
        E("`eligible_cost` has an amount for 2027, which is not a year of the convention", "20:39", "convention.eligible_cost.2027"),
        E("`eligible_cost` has an amount for 2028, which is not a year of the convention", "20:55", "convention.eligible_cost.2028"),
        E("`other_public_subsidies` a un montant pour 2027, qui n'est pas une année de la convention", "9:146", "association.other_public_subsidies.2027"),
        E("`other_public_subsidies` a un montant pour 2028, qui n'est pas une année de la convention", "9:161", "association.other_public_subsidies.2028"),
        E("indicator `O1-I1` has a target for 2027, which is not a year of the convention", "41:54", "dashboard.objectives[0].indicators[0].targets.2027"),
        E("indicator `O1-I1` has a target for 2028, which is not a year of the convention", "41:67", "dashboard.objectives[0].indicators[0].targets.2028"),
        E("indicator `O1-I2` has a target for 2027, which is not a year of the convention", "43:53", "dashboard.objectives[0].indicators[1].targets.2027"),
        E("indicator `O1-I2` has a target for 2028, which is not a year of the convention", "43:89", "dashboard.objectives[0].indicators[1].targets.2028"),
        E("indicator `O2-I1` has a target for 2027, which is not a year of the convention", "52:52", "dashboard.objectives[1].indicators[0].targets.2027"),
        E("indicator `O2-I1` has a target for 2028, which is not a year of the convention", "52:64", "dashboard.objectives[1].indicators[0].targets.2028"),
    ];
    date_decision_invalide: "date-decision-invalide" => [
        E("decision date `2026-02-30` is not a valid date", "22:59", "convention.decision.date"),
    ];
    date_signature_invalide: "date-signature-invalide" => [
        E("signature date `10 février 2026` is not a valid date", "23:59", "convention.signature.date"),
    ];
    financement_absent: "financement-absent" => [
        E("a cpo convention needs `funding`", "14:3", "convention.funding"),
    ];
    financement_superieur: "financement-superieur" => [
        E("funding for 2027 (45000 €) exceeds the eligible cost (42000 €)", "19:40", "convention.funding.2027"),
    ];
    iban_cle_rib: "iban-cle-rib" => [
        E("IBAN FR6842559100000801357924699: the RIB key 99 does not match the bank, branch and account numbers", "11:22", "association.bank.iban"),
    ];
    iban_longueur: "iban-longueur" => [
        E("IBAN FR764255910000080135792465 has 26 characters; a FR IBAN has 27", "11:22", "association.bank.iban"),
    ];
    iban_mod97: "iban-mod97" => [
        E("IBAN FR7642559100000801357924653 fails the mod-97 check", "11:22", "association.bank.iban"),
    ];
    indicateur_en_double: "indicateur-en-double" => [
        E("indicator id `O1-I1` is used twice (also dashboard.objectives[0].indicators[0])", "51:18", "dashboard.objectives[1].indicators[0].id"),
    ];
    indicateur_sans_definition: "indicateur-sans-definition" => [
        W("quantitative indicator `O2-I1` has no definition", "51:11", "dashboard.objectives[1].indicators[0].definition"),
    ];
    indicateur_sans_nature: "indicateur-sans-nature" => [
        W("quantitative indicator `O1-I1` does not say whether its targets are annual flows or stocks", "40:11", "dashboard.objectives[0].indicators[0].measure"),
    ];
    indicateur_sans_unite: "indicateur-sans-unite" => [
        E("quantitative indicator `O2-I1` has no unit", "51:11", "dashboard.objectives[1].indicators[0].unit"),
    ];
    montant_decimales: "montant-decimales" => [
        E("amount 47500.555 has more than two decimals", "19:55", "convention.funding.2028"),
    ];
    montant_negatif: "montant-negatif" => [
        E("amount -152000 is negative", "20:47", "convention.eligible_cost.2027"),
    ];
    objectif_en_double: "objectif-en-double" => [
        E("objective id `O1` is used twice (also dashboard.objectives[0])", "47:15", "dashboard.objectives[1].id"),
    ];
    plusieurs_problemes: "plusieurs-problemes" => [
        E("unknown field `legal_from`", "6:5", "association.legal_from"),
        E("SIRET 80214763700029 fails the Luhn check", "8:14", "association.siret"),
        E("expected a string, found the number 55900", "9:63", "association.address.postcode"),
        E("IBAN FR7642559100000801357924653 fails the mod-97 check", "11:22", "association.bank.iban"),
        E("amount 47500.555 has more than two decimals", "19:55", "convention.funding.2028"),
        E("advance of 120 % is not between 0 and 100 %", "21:36", "convention.payment.advance_percent"),
        E("quantitative indicator `O1-I1` has a text target for 2027", "41:62", "dashboard.objectives[0].indicators[0].targets.2027"),
        E("objective `O2` refers to priority `P9`, which charta.toml does not define", "48:21", "dashboard.objectives[1].priority"),
    ];
    priorite_inconnue: "priorite-inconnue" => [
        E("objective `O2` refers to priority `P9`, which charta.toml does not define", "48:21", "dashboard.objectives[1].priority"),
    ];
    reference_en_double: "reference-en-double" => [
        W("convention reference `RVM-TEST-2026-001` is also used by associations/bonne-association.json", "16:18", "convention.reference"),
    ];
    reference_sans_annee: "reference-sans-annee" => [
        W("indicator `O1-I1` has a baseline but no `baseline_year`", "40:11", "dashboard.objectives[0].indicators[0].baseline_year"),
    ];
    rna_absent: "rna-absent" => [
        E("RNA number is missing", "7:5", "association.rna"),
    ];
    rna_format: "rna-format" => [
        E("RNA number `553001247` is not W followed by 9 digits", "7:12", "association.rna"),
    ];
    signature_avant_decision: "signature-avant-decision" => [
        W("the signature date 2026-01-10 precedes the decision of 2026-01-23", "23:59", "convention.signature.date"),
    ];
    siren_luhn: "siren-luhn" => [
        E("SIRET 10000000000008: its SIREN 100000000 fails the Luhn check", "8:14", "association.siret"),
    ];
    siret_en_double: "siret-en-double" => [
        W("SIRET 80214763700028 is also the SIRET of associations/bonne-association.json", "8:14", "association.siret"),
    ];
    siret_longueur: "siret-longueur" => [
        E("SIRET `8021476370002` has 13 digits instead of 14", "8:14", "association.siret"),
    ];
    siret_luhn: "siret-luhn" => [
        E("SIRET 80214763700029 fails the Luhn check", "8:14", "association.siret"),
    ];
    sous_23000: "sous-23000" => [
        W("the funding never exceeds 23 000 € a year (at most 23000 €): below this threshold a convention is not compulsory", "19:5", "convention.funding"),
    ];
    syntaxe_json: "syntaxe-json" => [
        E("expected `,` or `}`", "6:5", "association"),
    ];
    tableau_vide: "tableau-vide" => [
        W("the dashboard has no objective", "34:19", "dashboard.objectives"),
    ];
    texte_vide: "texte-vide" => [
        E("`reference` is empty", "16:18", "convention.reference"),
    ];
    type_errone: "type-errone" => [
        E("expected a string, found the number 55900", "9:63", "association.address.postcode"),
    ];
    valeur_inconnue: "valeur-inconnue" => [
        E("unknown value `non-economique`, expected one of `non-economic`, `de-minimis`, `de-minimis-agricole`, `sieg`", "18:15", "convention.regime"),
    ];
    valeur_sans_glyphe: "valeur-sans-glyphe" => [
        E("the character « 🏠 » (U+1F3E0, character 24 of the text) is in no embedded font: the PDF cannot show it", "4:13", "association.name"),
        E("a control character (U+0007, character 20 of the text) is not text: a convention cannot print it", "9:80", "association.address.city"),
    ];
}

/// A programme with the corpus' good association and the clause library or templates of
/// `tests/check-cases/library/<case>/` (or another charta.toml).
fn programme_with_dir(extra: &Path) -> TempDir {
    let dir = programme(&[]);
    copy_dir(extra, dir.path());
    dir
}

/// (file relative to the programme, severity, message, line:column) of every diagnostic.
fn located(report: &Value, root: &Path) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let f = found(d);
            let file = d["file"].as_str().unwrap_or("");
            let file = Path::new(file)
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| file.to_string());
            (file, f.severity, f.message, f.at)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn clause_library_and_template_rules() {
    // (case, severity, file, message (its start, for Tera's long ones), line:column)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "citation-fragile",
            "warning",
            "clauses/clause-test.md",
            "clause `clause-test` cites `locaux` (filled by `mise-a-disposition-locaux`), which can be absent when `clause-test` applies: `mise-a-disposition-locaux` is optional",
            "10:74",
        ),
        (
            "citation-inconnue",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test` cites `versment`, which is neither a clause nor a part",
            "10:37",
        ),
        (
            "citation-mauvaise-fonction",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test` cites `annexe-budget` with `article()`, but it is an annex",
            "10:33",
        ),
        (
            "condition-champ-inconnu",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`: its condition names `convention.knd`, which the context does not have",
            "9:1",
        ),
        (
            "corps-champ-inconnu",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test` uses `asso.nmo`, which the context does not have",
            "10:18",
        ),
        (
            "front-matter",
            "error",
            "clauses/clause-test.md",
            "invalid clause front matter: unknown field `titel`, expected one of `id`, `version`, `title`, `summary`, `source`, `part`, `order`, `condition`, `optional`",
            "4:1",
        ),
        (
            "id-en-double",
            "error",
            "clauses/clause-test.md",
            "clause id `clause-test` is defined twice in the programme",
            ":",
        ),
        (
            "partie-en-double",
            "error",
            "templates/cpo.toml",
            "template `cpo` has two parts with id `duree`",
            "35:1",
        ),
        (
            "partie-inconnue",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test` fills part `autres-engagement`, which no template has",
            "7:1",
        ),
        (
            "rendu-echoue",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`: Failed to render 'body': Filter 'majuscules' not found (sample cpo convention, non-economic)",
            "10:37",
        ),
        (
            "syntaxe-tera",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`: Failed to parse 'body':  --> 1:31",
            "10:31",
        ),
    ];
    let on_disk: Vec<String> = std::fs::read_dir(corpus().join("library"))
        .expect("library cases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk.len(), cases.len(), "every library case is tested");
    for (case, severity, file, message, at) in cases {
        let prog = programme_with_dir(&corpus().join("library").join(case));
        let (code, report) = check_json(prog.path());
        let got = located(&report, prog.path());
        assert_eq!(got.len(), 1, "{case}: {got:#?}");
        let (f, s, m, a) = &got[0];
        assert_eq!(
            (f.as_str(), s.as_str(), a.as_str()),
            (*file, *severity, *at),
            "{case}"
        );
        assert!(m.starts_with(message), "{case}: {m}");
        assert_eq!(code, i32::from(*severity == "error"), "{case}: exit status");
        let hint = report["diagnostics"][0]["hint"].as_str().unwrap_or("");
        match *case {
            "citation-fragile" => assert!(
                hint.contains("{% if 'mise-a-disposition-locaux' in clauses_in_use %}"),
                "{hint}"
            ),
            "citation-inconnue" => assert_eq!(hint, "did you mean `versement`?"),
            "condition-champ-inconnu" => assert!(
                hint.starts_with("did you mean `convention.kind`?"),
                "{hint}"
            ),
            "corps-champ-inconnu" => {
                assert_eq!(hint, "`asso` has: droit_local, nom, rep_feminine, rep_le")
            }
            "front-matter" => assert_eq!(hint, "did you mean `title`?"),
            "partie-inconnue" => assert_eq!(hint, "did you mean `autres-engagements`?"),
            _ => {}
        }
    }
}

#[test]
fn charta_toml_rules() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "siret-financeur",
            "funder SIRET 20009917400018 fails the Luhn check",
            "14:9",
            "funder.siret",
        ),
        (
            "date-charte",
            "charter date `2024-06-31` is not a valid date",
            "6:16",
            "programme.charter_date",
        ),
        (
            "priorite-en-double",
            "priority id `P1` is used twice (also priorities[0])",
            "24:6",
            "priorities[1].id",
        ),
        (
            "titre-sans-glyphe",
            "the character « 🌱 » (U+1F331, character 31 of the text) is in no embedded font: \
             the PDF cannot show it",
            "25:9",
            "priorities[1].title",
        ),
    ];
    for (case, message, at, path) in cases {
        let prog = programme(&[]);
        std::fs::copy(
            corpus().join("charta-toml").join(format!("{case}.toml")),
            prog.path().join("charta.toml"),
        )
        .expect("copy");
        let (code, report) = check_json(prog.path());
        assert_eq!(code, 1, "{case}");
        let toml: Vec<Found> = by_file(&report)
            .remove("charta.toml")
            .unwrap_or_default()
            .iter()
            .map(found)
            .collect();
        assert_eq!(toml, vec![E(message, at, path)], "{case}");
    }
}

/// Edge cases that must pass: La Poste's SIRET exception, an Alsace-Moselle association
/// without RNA, identifiers written in groups, Tera and Typst code in the data (printed as
/// text, never evaluated), a `$schema` key (in every file of the corpus).
#[test]
fn valid_edge_cases_pass_and_data_is_never_code() {
    let valid: Vec<PathBuf> = std::fs::read_dir(corpus().join("valid"))
        .expect("valid cases")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(valid.len(), 4);
    let prog = programme(&valid);
    let (code, report) = check_json(prog.path());
    assert_eq!(report["diagnostics"], Value::Array(vec![]), "{report:#}");
    assert_eq!(code, 0);
    let (bcode, out, err) = build_md(prog.path());
    assert_eq!(bcode, 0, "{err}");
    for f in &valid {
        let stem = f.file_stem().expect("stem").to_string_lossy();
        assert!(out.join(format!("{stem}.md")).is_file(), "{stem} rendered");
    }
    let md = std::fs::read_to_string(out.join("code-dans-les-donnees.md")).expect("md");
    assert!(
        md.contains(r"Projet {{ 7 \* 7 }} {% if true %}évalué{% endif %}"),
        "Tera in data stays text"
    );
    assert!(!md.contains("Projet 49"));
    assert!(
        md.contains(r#"\#eval("1 + 1") \#set page(width: 1cm)"#),
        "Typst in data stays text"
    );
}

#[test]
fn example_programmes_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (prog, warnings) in [("economie-solidaire", 2), ("departement-minimal", 0)] {
        let (code, report) = check_json(&root.join(prog));
        assert_eq!(report["errors"], 0, "{prog}: {report:#}");
        assert_eq!(report["warnings"], warnings, "{prog}: {report:#}");
        assert_eq!(code, 0, "{prog}");
    }
}

#[test]
fn json_report_format() {
    let prog = programme(&[case_file("plusieurs-problemes"), case_file("sous-23000")]);
    let (code, report) = check_json(prog.path());
    assert_eq!(code, 1);
    assert_eq!(report["errors"], 8);
    assert_eq!(report["warnings"], 1);
    assert_eq!(report["associations"], 3);
    let files = report["files"].as_array().expect("files");
    let summary: Vec<(String, u64, u64)> = files
        .iter()
        .map(|f| {
            (
                Path::new(f["file"].as_str().expect("file"))
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                f["errors"].as_u64().expect("errors"),
                f["warnings"].as_u64().expect("warnings"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("plusieurs-problemes.json".to_string(), 8, 0),
            ("sous-23000.json".to_string(), 0, 1)
        ]
    );
    let d = &report["diagnostics"][0];
    let keys: Vec<&str> = d
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "severity", "file", "line", "column", "path", "message", "hint"
        ]
    );
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown field `legal_from`");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(d["path"], "association.legal_from");
    assert_eq!(d["hint"], "did you mean `legal_form`?");
}

#[test]
fn text_report_tells_where_and_how() {
    let prog = programme(&[case_file("champ-inconnu"), case_file("sous-23000")]);
    let (code, out, err) = charta(&["check", prog.path().to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let file = prog.path().join("associations/champ-inconnu.json");
    let expected = format!(
        "error: unknown field `fundng`\n  --> {}:19:5\n   |\n19 |     \"fundng\": {{\"2026\": 45000, \"2027\": 45000, \"2028\": 47500.5}},\n   |     ^\n  = at: convention.fundng\n  = hint: did you mean `funding`?\n",
        file.display()
    );
    assert!(err.contains(&expected), "{err}");
    assert!(
        err.contains("warning: the funding never exceeds 23 000 € a year"),
        "{err}"
    );
    assert!(
        err.ends_with("checked 3 association file(s): 1 error(s), 1 warning(s)\n"),
        "{err}"
    );
    // Grouped by file: champ-inconnu comes before the warning's file (sous-23000).
    assert!(
        err.find("error: unknown field").expect("error")
            < err
                .find("warning: the funding never exceeds")
                .expect("warning")
    );
}

/// « Every problem at once » holds across sources too: broken clauses, a
/// broken template, three mistakes in charta.toml and a bad association file,
/// all reported by one run, each in its own file.
#[test]
fn one_run_reports_the_problems_of_charta_toml_the_library_and_the_data() {
    let prog = programme(&[case_file("annee-manquante"), case_file("bic-format")]);
    let root = prog.path();
    let toml = std::fs::read_to_string(corpus().join("programme/charta.toml")).expect("toml");
    let toml = toml
        .replace(
            "charter_date = \"2024-06-14\"",
            "charter_date = \"2024-06-31\"",
        )
        .replace("siret = \"20009917400019\"", "siret = \"20009917400018\"")
        .replace(
            "title = \"Renforcer la cohésion sociale\"",
            "title = \"Renforcer la cohésion sociale 🌱\"",
        );
    std::fs::write(root.join("charta.toml"), toml).expect("write");
    // Five broken clauses, each under an id of its own, and a template.
    let clauses = [
        (
            "syntaxe-tera",
            "clause `clause-syntaxe-tera`: Failed to parse 'body'",
        ),
        (
            "front-matter",
            "invalid clause front matter: unknown field `titel`",
        ),
        (
            "corps-champ-inconnu",
            "clause `clause-corps-champ-inconnu` uses `asso.nmo`, which the context does not have",
        ),
        (
            "citation-inconnue",
            "clause `clause-citation-inconnue` cites `versment`, which is neither a clause nor a part",
        ),
        (
            "partie-inconnue",
            "clause `clause-partie-inconnue` fills part `autres-engagement`, which no template has",
        ),
    ];
    std::fs::create_dir_all(root.join("clauses")).expect("mkdir");
    for (case, _) in clauses {
        let body = std::fs::read_to_string(
            corpus().join(format!("library/{case}/clauses/clause-test.md")),
        )
        .expect("case");
        std::fs::write(
            root.join(format!("clauses/{case}.md")),
            body.replace("clause-test", &format!("clause-{case}")),
        )
        .expect("write");
    }
    copy_dir(&corpus().join("library/partie-en-double"), root);

    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let got = located(&report, root);
    let errors_in = |file: &str| -> Vec<String> {
        got.iter()
            .filter(|(f, s, _, _)| f == file && s == "error")
            .map(|(_, _, m, _)| m.clone())
            .collect()
    };
    let mut toml_errors = errors_in("charta.toml");
    toml_errors.sort();
    assert_eq!(
        toml_errors,
        [
            "charter date `2024-06-31` is not a valid date",
            "funder SIRET 20009917400018 fails the Luhn check",
            "the character « 🌱 » (U+1F331, character 31 of the text) is in no embedded font: \
             the PDF cannot show it",
        ],
        "{got:#?}"
    );
    for (case, message) in clauses {
        let found = errors_in(&format!("clauses/{case}.md"));
        assert_eq!(found.len(), 1, "{case}: {got:#?}");
        assert!(found[0].starts_with(message), "{case}: {}", found[0]);
    }
    assert_eq!(
        errors_in("templates/cpo.toml"),
        ["template `cpo` has two parts with id `duree`"]
    );
    assert_eq!(
        errors_in("associations/annee-manquante.json"),
        ["`funding` has no amount for 2028"]
    );
    assert_eq!(
        errors_in("associations/bic-format.json"),
        ["BIC `CCOPFRP` is not 8 or 11 capital letters and digits"]
    );
}
