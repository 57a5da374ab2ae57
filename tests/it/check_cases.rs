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
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
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
                    got.retain(|f| !f.message.contains("est aussi employée par") && !f.message.contains("est aussi celui de"));
                    let mut want: Vec<Found> = vec![$($f),*];
                    want.retain(|f| !f.message.contains("est aussi employée par") && !f.message.contains("est aussi celui de"));
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
        E("`eligible_cost` a un montant pour 2029, qui n'est pas une année de la convention", "20:71", "convention.eligible_cost.2029"),
    ];
    annee_reference_apres: "annee-reference-apres" => [
        E("l'année de référence 2027 de l'indicateur `O2-I1` est postérieure à la première année de la convention (2026)", "52:94", "dashboard.objectives[1].indicators[0].baseline_year"),
    ];
    annee_manquante: "annee-manquante" => [
        E("`funding` n'a pas de montant pour 2028", "19:5", "convention.funding"),
    ];
    annees_non_consecutives: "annees-non-consecutives" => [
        E("les années ne se suivent pas\u{a0}: 2026 est suivie de 2028", "17:21", "convention.years[1]"),
        E("`other_public_subsidies` a un montant pour 2027, qui n'est pas une année de la convention", "9:146", "association.other_public_subsidies.2027"),
        W("`other_public_subsidies` n'a pas de montant pour 2029\u{a0}: cette année, le seuil de 153 000 € n'est apprécié que sur cette contribution", "9:104", "association.other_public_subsidies"),
    ];
    annuelle_deux_ans: "annuelle-deux-ans" => [
        E("une convention annuelle couvre une seule année\u{a0}; celle-ci en couvre 3 [2026, 2027, 2028]", "17:14", "convention.years"),
    ];
    avance_hors_bornes: "avance-hors-bornes" => [
        E("une avance de 120\u{a0}% n'est pas comprise entre 0 et 100\u{a0}%", "21:36", "convention.payment.advance_percent"),
    ];
    banque_absente: "banque-absente" => [
        E("une convention cpo requiert les coordonnées bancaires de l'association", "3:3", "association.bank"),
    ];
    bic_format: "bic-format" => [
        E("le BIC `CCOPFRP` n'est pas fait de 8 ou 11 majuscules et chiffres", "11:60", "association.bank.bic"),
    ];
    cadre_avec_financement: "cadre-avec-financement" => [
        W("`funding` est ignoré dans une convention cadre, qui ne comporte pas d'engagement financier", "19:5", "convention.funding"),
        W("`eligible_cost` est ignoré dans une convention cadre, qui ne comporte pas d'engagement financier", "20:5", "convention.eligible_cost"),
        W("`payment` est ignoré dans une convention cadre, qui ne comporte pas d'engagement financier", "21:5", "convention.payment"),
    ];
    cer_absent: "cer-absent" => [
        E("date de souscription du contrat d'engagement républicain absente\u{a0}: la convention ne peut pas l'inventer", "3:3", "association.cer_signed_on"),
    ];
    cer_date_invalide: "cer-date-invalide" => [
        E("`cer_signed_on` `17/10/2025` n'est pas une date valide", "12:22", "association.cer_signed_on"),
    ];
    champ_inconnu: "champ-inconnu" => [
        E("champ inconnu `fundng`", "19:5", "convention.fundng"),
    ];
    champ_manquant: "champ-manquant" => [
        E("champ `siret` manquant dans `association`", "3:3", "association"),
    ];
    cible_manquante: "cible-manquante" => [
        E("l'indicateur `O2-I1` n'a pas de cible pour 2028", "52:28", "dashboard.objectives[1].indicators[0].targets"),
    ];
    cible_nombre: "cible-nombre" => [
        E("l'indicateur qualitatif `O1-I2` a une cible en nombre pour 2027", "43:61", "dashboard.objectives[0].indicators[1].targets.2027"),
    ];
    cible_texte: "cible-texte" => [
        E("l'indicateur quantitatif `O1-I1` a une cible en texte pour 2027", "41:62", "dashboard.objectives[0].indicators[0].targets.2027"),
    ];
    clause_ajout_non_optionnelle: "clause-ajout-non-optionnelle" => [
        E("la clause `objet-projet` n'est pas facultative\u{a0}: elle ne peut pas être ajoutée", "24:54", "convention.clauses.add[1]"),
    ];
    clause_inconnue: "clause-inconnue" => [
        E("la clause `mise-a-dispo-locaux` (dans `clauses.add`) n'existe pas", "24:25", "convention.clauses.add[0]"),
    ];
    clause_retrait_citee: "clause-retrait-citee" => [
        E("la clause `cout-adaptation` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
        E("la clause `contribution-annualite` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
        E("la clause `versement-modalites` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
        E("la clause `versement-delai` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
        E("la clause `sanctions-financieres` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
        E("la clause `evaluation-annuelle` cite `justificatifs`, qui ne fait pas partie de cette convention", "24:66", "convention.clauses.remove[0]"),
    ];
    clause_retrait_optionnelle: "clause-retrait-optionnelle" => [
        E("la clause `comite-de-suivi` est facultative\u{a0}: il n'y a rien à retirer", "24:66", "convention.clauses.remove[0]"),
    ];
    cle_en_double: "cle-en-double" => [
        E("`2027` est donné deux fois", "19:47", "convention.funding.2027"),
    ];
    cpo_longue: "cpo-longue" => [
        W("cette cpo couvre 5 ans\u{a0}; la circulaire du 29 septembre 2015 recommande 4 ans au plus", "17:14", "convention.years"),
    ];
    cpo_un_an: "cpo-un-an" => [
        E("une cpo couvre au moins deux ans\u{a0}; celle-ci couvre 1 an [2026]", "17:14", "convention.years"),
        E("`funding` a un montant pour 2027, qui n'est pas une année de la convention", "19:32", "convention.funding.2027"),
        E("`funding` a un montant pour 2028, qui n'est pas une année de la convention", "19:47", "convention.funding.2028"),
        E("`eligible_cost` a un montant pour 2027, qui n'est pas une année de la convention", "20:39", "convention.eligible_cost.2027"),
        E("`eligible_cost` a un montant pour 2028, qui n'est pas une année de la convention", "20:55", "convention.eligible_cost.2028"),
        E("`other_public_subsidies` a un montant pour 2027, qui n'est pas une année de la convention", "9:146", "association.other_public_subsidies.2027"),
        E("`other_public_subsidies` a un montant pour 2028, qui n'est pas une année de la convention", "9:161", "association.other_public_subsidies.2028"),
        E("l'indicateur `O1-I1` a une cible pour 2027, qui n'est pas une année de la convention", "41:54", "dashboard.objectives[0].indicators[0].targets.2027"),
        E("l'indicateur `O1-I1` a une cible pour 2028, qui n'est pas une année de la convention", "41:67", "dashboard.objectives[0].indicators[0].targets.2028"),
        E("l'indicateur `O1-I2` a une cible pour 2027, qui n'est pas une année de la convention", "43:53", "dashboard.objectives[0].indicators[1].targets.2027"),
        E("l'indicateur `O1-I2` a une cible pour 2028, qui n'est pas une année de la convention", "43:89", "dashboard.objectives[0].indicators[1].targets.2028"),
        E("l'indicateur `O2-I1` a une cible pour 2027, qui n'est pas une année de la convention", "52:52", "dashboard.objectives[1].indicators[0].targets.2027"),
        E("l'indicateur `O2-I1` a une cible pour 2028, qui n'est pas une année de la convention", "52:64", "dashboard.objectives[1].indicators[0].targets.2028"),
    ];
    date_decision_invalide: "date-decision-invalide" => [
        E("la date de décision `2026-02-30` n'est pas une date valide", "22:59", "convention.decision.date"),
    ];
    de_minimis_sans_declaration: "de-minimis-sans-declaration" => [
        E("aide de minimis (règlement (UE) 2023/2831) sans déclaration des aides de minimis reçues par l'association\u{a0}: la convention ne peut affirmer ni leur montant ni le respect du plafond de 300\u{202f}000\u{a0}€", "3:3", "association.de_minimis_declared"),
    ];
    date_signature_invalide: "date-signature-invalide" => [
        E("la date de signature `10 février 2026` n'est pas une date valide", "23:59", "convention.signature.date"),
    ];
    financement_absent: "financement-absent" => [
        E("une convention cpo requiert `funding`", "14:3", "convention.funding"),
    ];
    financement_superieur: "financement-superieur" => [
        E("le financement de 2027 (45\u{202f}000\u{a0}€) dépasse le coût éligible (42\u{202f}000\u{a0}€)", "19:40", "convention.funding.2027"),
    ];
    iban_en_double: "iban-en-double" => [
        W("l'IBAN FR76 4255 9100 0008 0135 7924 652 est aussi celui de associations/bonne-association.json\u{a0}: deux associations recevraient leurs versements sur le même compte", "11:22", "association.bank.iban"),
    ];
    iban_cle_rib: "iban-cle-rib" => [
        E("IBAN FR6842559100000801357924699\u{a0}: la clé RIB 99 ne correspond pas aux codes banque, guichet et numéro de compte", "11:22", "association.bank.iban"),
    ];
    iban_longueur: "iban-longueur" => [
        E("l'IBAN FR764255910000080135792465 compte 26 caractères\u{a0}; un IBAN FR en compte 27", "11:22", "association.bank.iban"),
    ];
    iban_mod97: "iban-mod97" => [
        E("l'IBAN FR7642559100000801357924653 ne passe pas le contrôle modulo 97", "11:22", "association.bank.iban"),
    ];
    indicateur_en_double: "indicateur-en-double" => [
        E("l'identifiant d'indicateur `O1-I1` est employé deux fois (aussi dashboard.objectives[0].indicators[0])", "51:18", "dashboard.objectives[1].indicators[0].id"),
    ];
    indicateur_sans_definition: "indicateur-sans-definition" => [
        W("l'indicateur quantitatif `O2-I1` n'a pas de définition", "51:11", "dashboard.objectives[1].indicators[0].definition"),
    ];
    indicateur_sans_nature: "indicateur-sans-nature" => [
        W("l'indicateur quantitatif `O1-I1` ne dit pas si ses cibles sont des flux annuels ou des stocks", "40:11", "dashboard.objectives[0].indicators[0].measure"),
    ];
    indicateur_sans_unite: "indicateur-sans-unite" => [
        E("l'indicateur quantitatif `O2-I1` n'a pas d'unité", "51:11", "dashboard.objectives[1].indicators[0].unit"),
    ];
    montant_decimales: "montant-decimales" => [
        E("le montant 47500.555 a plus de deux décimales", "19:55", "convention.funding.2028"),
    ];
    montant_negatif: "montant-negatif" => [
        E("le montant -152000 est négatif", "20:47", "convention.eligible_cost.2027"),
    ];
    objectif_en_double: "objectif-en-double" => [
        E("l'identifiant d'objectif `O1` est employé deux fois (aussi dashboard.objectives[0])", "47:15", "dashboard.objectives[1].id"),
    ];
    plusieurs_problemes: "plusieurs-problemes" => [
        E("champ inconnu `legal_from`", "6:5", "association.legal_from"),
        E("le SIRET 80214763700029 ne passe pas le contrôle de Luhn", "8:14", "association.siret"),
        E("un texte attendu, trouvé le nombre 55900", "9:63", "association.address.postcode"),
        E("l'IBAN FR7642559100000801357924653 ne passe pas le contrôle modulo 97", "11:22", "association.bank.iban"),
        E("le montant 47500.555 a plus de deux décimales", "19:55", "convention.funding.2028"),
        E("une avance de 120\u{a0}% n'est pas comprise entre 0 et 100\u{a0}%", "21:36", "convention.payment.advance_percent"),
        E("l'indicateur quantitatif `O1-I1` a une cible en texte pour 2027", "41:62", "dashboard.objectives[0].indicators[0].targets.2027"),
        E("l'objectif `O2` renvoie à la priorité `P9`, que charta.toml ne définit pas", "48:21", "dashboard.objectives[1].priority"),
    ];
    priorite_inconnue: "priorite-inconnue" => [
        E("l'objectif `O2` renvoie à la priorité `P9`, que charta.toml ne définit pas", "48:21", "dashboard.objectives[1].priority"),
    ];
    reference_en_double: "reference-en-double" => [
        W("la référence de convention `RVM-TEST-2026-001` est aussi employée par associations/bonne-association.json", "16:18", "convention.reference"),
    ];
    obligations_hors_sieg: "obligations-hors-sieg" => [
        W("l'action n°\u{a0}1 a des obligations de service public, qui ne sont lues qu'en régime sieg", "30:201", "project.actions[0].public_service_obligations"),
    ];
    reference_sans_annee: "reference-sans-annee" => [
        W("l'indicateur `O1-I1` a une valeur de départ mais pas de `baseline_year`", "40:11", "dashboard.objectives[0].indicators[0].baseline_year"),
    ];
    rna_alsace_moselle: "rna-alsace-moselle" => [
        W("le siège (57000) est en Alsace-Moselle (département 57)\u{a0}: une association qui y a son siège est en principe de droit local, inscrite au tribunal judiciaire et non au RNA", "7:12", "association.rna"),
    ];
    rna_droit_local: "rna-droit-local" => [
        E("une association de droit local (`legal_form`) n'est pas inscrite au répertoire national des associations, or un numéro RNA (W553001247) est donné", "7:12", "association.rna"),
    ];
    rna_absent: "rna-absent" => [
        E("le numéro RNA manque", "7:5", "association.rna"),
    ];
    rna_format: "rna-format" => [
        E("le numéro RNA `553001247` n'est pas un W suivi de 9 chiffres", "7:12", "association.rna"),
    ];
    signature_avant_decision: "signature-avant-decision" => [
        W("la date de signature 2026-01-10 précède la décision du 2026-01-23", "23:59", "convention.signature.date"),
    ];
    siren_luhn: "siren-luhn" => [
        E("le SIRET 10000000000008\u{a0}: son SIREN 100000000 ne passe pas le contrôle de Luhn", "8:14", "association.siret"),
    ];
    siret_en_double: "siret-en-double" => [
        W("le SIRET 80214763700028 est aussi celui de associations/bonne-association.json", "8:14", "association.siret"),
    ];
    siret_longueur: "siret-longueur" => [
        E("le SIRET `8021476370002` compte 13 chiffres au lieu de 14", "8:14", "association.siret"),
    ];
    siret_luhn: "siret-luhn" => [
        E("le SIRET 80214763700029 ne passe pas le contrôle de Luhn", "8:14", "association.siret"),
    ];
    sous_23000: "sous-23000" => [
        W("le financement ne dépasse jamais 23\u{a0}000\u{a0}€ par an (au plus 23\u{202f}000\u{a0}€)\u{a0}: sous ce seuil, une convention n'est pas obligatoire", "19:5", "convention.funding"),
    ];
    syntaxe_json: "syntaxe-json" => [
        E("`,` ou `}` attendu", "6:5", "association"),
    ];
    tableau_vide: "tableau-vide" => [
        W("le tableau de bord n'a aucun objectif", "34:19", "dashboard.objectives"),
    ];
    texte_vide: "texte-vide" => [
        E("`reference` est vide", "16:18", "convention.reference"),
    ];
    type_errone: "type-errone" => [
        E("un texte attendu, trouvé le nombre 55900", "9:63", "association.address.postcode"),
    ];
    valeur_inconnue: "valeur-inconnue" => [
        E("valeur inconnue `non-economique`, valeurs possibles\u{a0}: `non-economic`, `de-minimis`, `de-minimis-agricole`, `sieg`", "18:15", "convention.regime"),
    ];
    valeur_sans_glyphe: "valeur-sans-glyphe" => [
        E("le caractère «\u{a0}🏠\u{a0}» (U+1F3E0, caractère 24 du texte) n'est dans aucune police embarquée\u{a0}: le PDF ne peut pas l'afficher", "4:13", "association.name"),
        E("un caractère de contrôle (U+0007, caractère 20 du texte) n'est pas du texte\u{a0}: une convention ne peut pas l'imprimer", "9:80", "association.address.city"),
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
            "la clause `clause-test` cite `locaux` (remplie par `mise-a-disposition-locaux`), qui peut manquer quand `clause-test` s'applique\u{a0}: `mise-a-disposition-locaux` est facultative",
            "10:74",
        ),
        (
            "citation-inconnue",
            "error",
            "clauses/clause-test.md",
            "la clause `clause-test` cite `versment`, qui n'est ni une clause ni une partie",
            "10:37",
        ),
        (
            "citation-mauvaise-fonction",
            "error",
            "clauses/clause-test.md",
            "la clause `clause-test` cite `annexe-budget` avec `article()`, mais c'est une annexe",
            "10:33",
        ),
        (
            "condition-champ-inconnu",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`\u{a0}: sa condition nomme `convention.knd`, que le contexte ne comporte pas",
            "9:1",
        ),
        (
            "corps-champ-inconnu",
            "error",
            "clauses/clause-test.md",
            "la clause `clause-test` emploie `asso.nmo`, que le contexte ne comporte pas",
            "10:18",
        ),
        (
            "front-matter",
            "error",
            "clauses/clause-test.md",
            "en-tête de clause invalide\u{a0}: champ inconnu `titel`, champs possibles\u{a0}: `id`, `version`, `title`, `summary`, `source`, `part`, `order`, `condition`, `optional`",
            "4:1",
        ),
        (
            "id-en-double",
            "error",
            "clauses/clause-test.md",
            "l'identifiant de clause `clause-test` est défini deux fois dans le programme",
            ":",
        ),
        (
            "partie-en-double",
            "error",
            "templates/cpo.toml",
            "le gabarit `cpo` a deux parties d'identifiant `duree`",
            "35:1",
        ),
        (
            "partie-inconnue",
            "error",
            "clauses/clause-test.md",
            "la clause `clause-test` remplit la partie `autres-engagement`, qu'aucun gabarit ne comporte",
            "7:1",
        ),
        (
            "rendu-echoue",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`\u{a0}: Failed to render 'body': Filter 'majuscules' not found (convention cpo d'exemple, non-economic)",
            "10:37",
        ),
        (
            "syntaxe-tera",
            "error",
            "clauses/clause-test.md",
            "clause `clause-test`\u{a0}: Failed to parse 'body':  --> 1:31",
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
            "citation-inconnue" => assert_eq!(hint, "vouliez-vous dire `versement`\u{a0}?"),
            "condition-champ-inconnu" => assert!(
                hint.starts_with("vouliez-vous dire `convention.kind`\u{a0}?"),
                "{hint}"
            ),
            "corps-champ-inconnu" => {
                assert_eq!(
                    hint,
                    "`asso` comporte\u{a0}: droit_local, nom, rep_feminine, rep_le"
                )
            }
            "front-matter" => assert_eq!(hint, "vouliez-vous dire `title`\u{a0}?"),
            "partie-inconnue" => assert_eq!(hint, "vouliez-vous dire `autres-engagements`\u{a0}?"),
            _ => {}
        }
    }
}

#[test]
fn charta_toml_rules() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "siret-financeur",
            "le SIRET du financeur 20009917400018 ne passe pas le contrôle de Luhn",
            "14:9",
            "funder.siret",
        ),
        (
            "date-charte",
            "la date de la charte `2024-06-31` n'est pas une date valide",
            "6:16",
            "programme.charter_date",
        ),
        (
            "priorite-en-double",
            "l'identifiant de priorité `P1` est employé deux fois (aussi priorities[0])",
            "24:6",
            "priorities[1].id",
        ),
        (
            "epci-sans-interet-public",
            "l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`)\u{a0}: \
             un EPCI ne peut subventionner qu'un projet d'intérêt public local relevant de ses compétences",
            "3:1",
            "programme",
        ),
        (
            "pourcentages-trois-decimales",
            "`percent_decimals = 3`\u{a0}: un pourcentage s'écrit avec au plus deux décimales",
            "8:20",
            "programme.percent_decimals",
        ),
        (
            "titre-sans-glyphe",
            "le caractère «\u{a0}🌱\u{a0}» (U+1F331, caractère 31 du texte) n'est dans aucune police embarquée\u{a0}: \
             le PDF ne peut pas l'afficher",
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
            "severity", "code", "file", "line", "column", "path", "message", "hint"
        ]
    );
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "champ inconnu `legal_from`");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(d["path"], "association.legal_from");
    assert_eq!(d["hint"], "vouliez-vous dire `legal_form`\u{a0}?");
}

#[test]
fn text_report_tells_where_and_how() {
    let prog = programme(&[case_file("champ-inconnu"), case_file("sous-23000")]);
    let (code, out, err) = charta(&["check", prog.path().to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let file = prog.path().join("associations/champ-inconnu.json");
    let expected = format!(
        "erreur [DON-092]\u{a0}: champ inconnu `fundng`\n  --> {}:19:5\n   |\n19 |     \"fundng\": {{\"2026\": 45000, \"2027\": 45000, \"2028\": 47500.5}},\n   |     ^\n  = à\u{a0}: convention.fundng\n  = aide\u{a0}: vouliez-vous dire `funding`\u{a0}?\n",
        file.display()
    );
    assert!(err.contains(&expected), "{err}");
    assert!(
        err.contains("avertissement [DON-022]\u{a0}: le financement ne dépasse jamais 23\u{a0}000\u{a0}€ par an"),
        "{err}"
    );
    assert!(
        err.ends_with("3 fichiers d'association vérifiés\u{a0}: 1 erreur, 1 avertissement\n"),
        "{err}"
    );
    // Grouped by file: champ-inconnu comes before the warning's file (sous-23000).
    assert!(
        err.find("erreur [DON-092]\u{a0}: champ inconnu")
            .expect("error")
            < err
                .find("avertissement [DON-022]\u{a0}: le financement ne dépasse jamais")
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
            "clause `clause-syntaxe-tera`\u{a0}: Failed to parse 'body'",
        ),
        (
            "front-matter",
            "en-tête de clause invalide\u{a0}: champ inconnu `titel`",
        ),
        (
            "corps-champ-inconnu",
            "la clause `clause-corps-champ-inconnu` emploie `asso.nmo`, que le contexte ne comporte pas",
        ),
        (
            "citation-inconnue",
            "la clause `clause-citation-inconnue` cite `versment`, qui n'est ni une clause ni une partie",
        ),
        (
            "partie-inconnue",
            "la clause `clause-partie-inconnue` remplit la partie `autres-engagement`, qu'aucun gabarit ne comporte",
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
            "la date de la charte `2024-06-31` n'est pas une date valide",
            "le SIRET du financeur 20009917400018 ne passe pas le contrôle de Luhn",
            "le caractère «\u{a0}🌱\u{a0}» (U+1F331, caractère 31 du texte) n'est dans aucune police embarquée\u{a0}: \
             le PDF ne peut pas l'afficher",
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
        ["le gabarit `cpo` a deux parties d'identifiant `duree`"]
    );
    assert_eq!(
        errors_in("associations/annee-manquante.json"),
        ["`funding` n'a pas de montant pour 2028"]
    );
    assert_eq!(
        errors_in("associations/bic-format.json"),
        ["le BIC `CCOPFRP` n'est pas fait de 8 ou 11 majuscules et chiffres"]
    );
}
