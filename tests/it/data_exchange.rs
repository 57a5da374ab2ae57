//! Data exchange: the SCDL open-data export (checked by an independent Table
//! Schema validator, Python `frictionless`), and spreadsheets in and out.

use std::path::{Path, PathBuf};
use std::process::Command;

fn charta() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_charta"));
    // French, as a user without an English locale reads it.
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    c
}

fn scdl_schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scdl/scdl-subventions-2.1.1.schema.json")
}

/// A copy of a folder (the examples are never written to).
fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The economie-solidaire example in a temporary folder.
pub(crate) fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let prog = tmp.path().join("prog");
    copy_dir(&crate::common::example_dir(), &prog);
    (tmp, prog)
}

/// Edits one association file of a programme as JSON.
pub(crate) fn edit(prog: &Path, id: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let path = prog.join("associations").join(format!("{id}.json"));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// Validates a CSV against the SCDL schema with frictionless (the Table Schema
/// reference implementation) plus the schema's two custom checks written again
/// here in Python (SIRET Luhn with the La Poste exception, one of idBeneficiaire
/// or rnaBeneficiaire), so nothing of charta's own check is reused.
/// Returns the problems, empty when the file is valid.
fn frictionless(csv: &Path) -> Vec<String> {
    frictionless_with(&scdl_schema(), csv)
}

/// [`frictionless`] against another Table Schema (the registers' tests).
pub(crate) fn frictionless_with(schema: &Path, csv: &Path) -> Vec<String> {
    const SCRIPT: &str = r#"
import csv, sys
from frictionless import validate, system
schema, path = sys.argv[1], sys.argv[2]
with system.use_context(trusted=True):
    report = validate(path, schema=schema)
problems = [str(e) for e in report.flatten(["rowNumber", "fieldName", "type", "note"])]
def siret_ok(s):
    if len(s) != 14 or not s.isdigit():
        return False
    if s.startswith("356000000"):
        return sum(int(c) for c in s) % 5 == 0
    def luhn(d):
        t = 0
        for i, c in enumerate(reversed(d)):
            x = int(c) * (2 if i % 2 else 1)
            t += x - 9 if x > 9 else x
        return t % 10 == 0
    return luhn(s) and luhn(s[:9])
with open(path, encoding="utf-8", newline="") as f:
    for n, row in enumerate(csv.DictReader(f), start=2):
        for col in ("idAttribuant", "idBeneficiaire"):
            if row.get(col) and not siret_ok(row[col]):
                problems.append(f"[{n}, '{col}', 'french-siret-value', {row[col]!r}]")
        if not row.get("idBeneficiaire") and not row.get("rnaBeneficiaire"):
            problems.append(f"[{n}, 'idBeneficiaire', 'one-of-required', '']")
for p in problems:
    print(p)
print("VALID" if not problems else "INVALID")
"#;
    let python = crate::clients::python().expect("a Python with frictionless");
    let out = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(schema)
        .arg(csv)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim_end().ends_with("VALID"),
        "the validator did not run (scripts/setup installs frictionless):\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| *l != "VALID" && *l != "INVALID")
        .map(str::to_string)
        .collect()
}

pub(crate) fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn run_scdl(prog: &Path, out: &Path) -> std::process::Output {
    charta()
        .args(["export", "scdl"])
        .arg(prog)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn scdl_export_validates_with_frictionless_and_maps_the_convention() {
    let (tmp, prog) = example_copy();
    // Sign three more conventions, one of them under the threshold every year.
    for id in [
        "atelier-velo-thionvaux",
        "reseau-insertion-emploi",
        "tiers-lieu-les-communs",
    ] {
        edit(&prog, id, |v| {
            v["convention"]["signature"]["date"] = "2026-03-02".into();
        });
    }
    let out = tmp.path().join("subventions.csv");
    let o = run_scdl(&prog, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The check by an independent validator (charta's own mapping is checked below).
    if crate::clients::present(crate::clients::Client::Frictionless) {
        let problems = frictionless(&out);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let rows = read_csv(&out);
    let p = crate::common::example();
    let expected: Vec<String> = {
        let mut v: Vec<(String, String)> = p
            .associations
            .iter()
            .filter_map(|e| {
                let mut d = e.data.clone()?;
                if [
                    "atelier-velo-thionvaux",
                    "reseau-insertion-emploi",
                    "tiers-lieu-les-communs",
                ]
                .contains(&e.id.as_str())
                {
                    d.convention.signature.date = Some("2026-03-02".into());
                }
                charta::exchange::scdl::is_published(&d)
                    .then(|| (d.convention.reference.clone(), d.association.siret.clone()))
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, s)| s).collect()
    };
    assert!(expected.len() >= 2, "the test needs several published rows");
    assert_eq!(
        rows.iter()
            .map(|r| r["idBeneficiaire"].clone())
            .collect::<Vec<_>>(),
        expected,
        "one row per published convention, sorted by reference"
    );
    // A signed convention under 23 000 € every year is not published.
    let small = crate::common::data(&p, "tiers-lieu-les-communs");
    let per = charta::exchange::scdl::aid_per_year(&small);
    assert_eq!(
        per.values().any(|&c| c > 2_300_000),
        rows.iter()
            .any(|r| r["idBeneficiaire"] == small.association.siret)
    );

    let msm = rows
        .iter()
        .find(|r| r["idBeneficiaire"] == "80214763700028")
        .expect("the signed example is published");
    // 45 000 + 45 000 + 47 500.50 of funding, 9 600 + 9 600 + 9 800 in kind.
    assert_eq!(msm["montant"], "166500.50");
    assert_eq!(msm["nature"], "aide en numéraire;aide en nature");
    assert_eq!(msm["conditionsVersement"], "échelonné");
    assert_eq!(msm["datesPeriodeVersement"], "2026-01-01/2028-12-31");
    assert_eq!(msm["dateConvention"], "2026-02-10");
    assert_eq!(msm["referenceDecision"], "CP-2026-01-07");
    assert_eq!(msm["idAttribuant"], "20009917400019");
    assert_eq!(msm["nomAttribuant"], "Région Val-de-Meuse");
    assert_eq!(msm["rnaBeneficiaire"], "W553001247");
    assert_eq!(msm["notificationUE"], "non");
    assert_eq!(msm["pourcentageSubvention"], "1.00");

    // Reproducible: the same bytes again.
    let again = tmp.path().join("again.csv");
    assert!(run_scdl(&prog, &again).status.success());
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
}

#[test]
fn a_signed_avenant_that_changes_the_amount_is_a_row_frictionless_validates() {
    let (tmp, prog) = example_copy();
    let id = "maison-solidarites-montvalon";
    let build = |prog: &Path| {
        let o = charta()
            .args(["build", "--format", "md", "--out"])
            .arg(tmp.path().join("out"))
            .arg(prog)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    // The example's draft avenant n° 1 (2027: 48 000 € instead of 45 000 €), signed.
    build(&prog);
    edit(&prog, id, |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = "2027-03-20".into();
    });
    build(&prog);
    let out = tmp.path().join("subventions.csv");
    let o = run_scdl(&prog, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The check by an independent validator (charta's own mapping is checked below).
    if crate::clients::present(crate::clients::Client::Frictionless) {
        let problems = frictionless(&out);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let rows: Vec<_> = read_csv(&out)
        .into_iter()
        .filter(|r| r["idBeneficiaire"] == "80214763700028")
        .collect();
    assert_eq!(rows.len(), 2, "the convention, then its avenant: {rows:#?}");
    assert_eq!(rows[0]["dateConvention"], "2026-02-10");
    assert_eq!(rows[0]["montant"], "166500.50");
    assert_eq!(rows[1]["dateConvention"], "2027-03-20");
    assert_eq!(rows[1]["referenceDecision"], "CP-2027-03-12");
    assert_eq!(rows[1]["montant"], "169500.50");
}

#[test]
fn the_independent_validator_rejects_a_broken_export() {
    if !crate::clients::present(crate::clients::Client::Frictionless) {
        return;
    }
    let (tmp, prog) = example_copy();
    let out = tmp.path().join("subventions.csv");
    assert!(run_scdl(&prog, &out).status.success());
    let good = std::fs::read_to_string(&out).unwrap();
    assert!(frictionless(&out).is_empty());
    for (from, to, field) in [
        ("2026-02-10", "10/02/2026", "dateConvention"),
        ("166500.50", "\"166500,50\"", "montant"),
        (",non,", ",false,", "notificationUE"),
        ("80214763700028", "80214763700029", "idBeneficiaire"),
    ] {
        assert!(good.contains(from), "{from}");
        std::fs::write(&out, good.replacen(from, to, 1)).unwrap();
        let problems = frictionless(&out);
        assert!(
            problems.iter().any(|p| p.contains(field)),
            "{field}: {problems:?}"
        );
    }
}

#[test]
fn scdl_export_refuses_a_row_that_would_not_validate_and_writes_nothing() {
    let (tmp, prog) = example_copy();
    // The convention as signed, before it was archived.
    let signed = prog.join("signed/maison-solidarites-montvalon");
    std::fs::copy(
        signed.join("convention.data.json"),
        prog.join("associations/maison-solidarites-montvalon.json"),
    )
    .unwrap();
    std::fs::remove_dir_all(prog.join("signed")).unwrap();
    edit(&prog, "maison-solidarites-montvalon", |v| {
        v["association"]["siret"] = "80214763700029".into();
        v["convention"]["signature"]["date"] = "2026-02-30".into();
    });
    let out = tmp.path().join("subventions.csv");
    let o = run_scdl(&prog, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "nothing written");
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "convention RVM-ESS-2026-001 (maison-solidarites-montvalon)\u{a0}: champ SCDL «\u{a0}idBeneficiaire\u{a0}» = «\u{a0}80214763700029\u{a0}»",
        "clé de contrôle du SIRET",
        "champ SCDL «\u{a0}dateConvention\u{a0}» = «\u{a0}2026-02-30\u{a0}»",
        "à\u{a0}: association.siret",
        "à\u{a0}: convention.signature.date",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
}

// ------------------------------------------------------------ spreadsheets

use charta::exchange::sheet::{self, Cell};
use charta::exchange::workbook::{self, Change};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("charta.toml").is_file())
        .collect();
    v.sort();
    assert!(v.len() >= 2);
    v
}

fn load(prog: &Path) -> charta::load::Programme {
    let (p, diags) = charta::load::load_programme(prog).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    p
}

fn values(prog: &charta::load::Programme) -> Vec<(String, serde_json::Value)> {
    charta::exchange::associations(prog)
        .unwrap()
        .into_iter()
        .map(|(id, d)| (id, serde_json::to_value(d).unwrap()))
        .collect()
}

/// Imports `file` into `prog` and asserts that every association comes back the same.
fn assert_round_trip(file: &Path, prog: &charta::load::Programme) {
    let plan = charta::exchange::import(file, prog).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(plan.len(), prog.associations.len());
    for (id, _, change, text) in &plan {
        assert_eq!(
            *change,
            Change::Unchanged,
            "{id} changed through {}",
            file.display()
        );
        let back: charta::model::AssociationFile = serde_json::from_str(text).unwrap();
        let orig = prog.associations.iter().find(|a| &a.id == id).unwrap();
        assert_eq!(
            serde_json::to_value(back).unwrap(),
            serde_json::to_value(orig.data.clone().unwrap()).unwrap()
        );
    }
}

fn export_xlsx(prog: &Path, out: &Path) {
    let o = charta()
        .args(["export", "xlsx"])
        .arg(prog)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn xlsx_round_trip_on_every_example() {
    for ex in examples() {
        let tmp = tempfile::tempdir().unwrap();
        let xlsx = tmp.path().join("programme.xlsx");
        export_xlsx(&ex, &xlsx);
        let prog = load(&ex);
        assert_round_trip(&xlsx, &prog);

        // Into an empty programme: every file is created, with the same data.
        let empty = tmp.path().join("empty");
        copy_dir(&ex, &empty);
        std::fs::remove_dir_all(empty.join("associations")).unwrap();
        let o = charta()
            .arg("import")
            .arg(&xlsx)
            .arg(&empty)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stderr).contains("créée"));
        // The workbook does not carry the avenants (`convention.amendments`):
        // into an empty folder, they are not there.
        let without_avenants = |mut v: Vec<(String, serde_json::Value)>| {
            for (_, x) in &mut v {
                if let Some(c) = x.get_mut("convention").and_then(|c| c.as_object_mut()) {
                    c.remove("amendments");
                }
            }
            v
        };
        assert_eq!(
            without_avenants(values(&load(&empty))),
            without_avenants(values(&prog)),
            "{}",
            ex.display()
        );

        // Reproducible bytes.
        let again = tmp.path().join("again.xlsx");
        export_xlsx(&ex, &again);
        assert_eq!(
            std::fs::read(&xlsx).unwrap(),
            std::fs::read(&again).unwrap()
        );
    }
}

#[test]
fn xlsx_identifiers_are_text_and_dates_are_dates() {
    use calamine::{Data, Reader};
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = tmp.path().join("p.xlsx");
    export_xlsx(&crate::common::example_dir(), &xlsx);
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let r = wb.worksheet_range("Associations").unwrap();
    let header: Vec<String> = r
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let row = r.rows().nth(1).unwrap();
    assert!(
        matches!(&row[col("SIRET")], Data::String(s) if s.len() == 14),
        "{:?}",
        row[col("SIRET")]
    );
    assert!(matches!(&row[col("Code postal")], Data::String(_)));
    assert!(
        matches!(&row[col("Décision : date")], Data::DateTime(_)),
        "{:?}",
        row[col("Décision : date")]
    );
    assert_eq!(
        wb.sheet_names(),
        [
            "Associations",
            "Financements",
            "Budget",
            "Aides en nature",
            "Aides de minimis",
            "Actions",
            "Objectifs",
            "Indicateurs",
            "Clauses"
        ]
    );
}

#[test]
fn ods_from_libreoffice_imports_to_the_same_data() {
    if !crate::clients::present(crate::clients::Client::Calc) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let xlsx = tmp.path().join("programme.xlsx");
    export_xlsx(&crate::common::example_dir(), &xlsx);
    let profile = tmp.path().join("lo-profile");
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "ods", "--outdir"])
        .arg(tmp.path())
        .arg(&xlsx)
        .output()
        .expect("LibreOffice (soffice) runs: scripts/setup installs libreoffice-calc-nogui");
    let ods = tmp.path().join("programme.ods");
    assert!(
        ods.is_file(),
        "soffice did not convert: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_round_trip(&ods, &crate::common::example());
}

#[test]
fn csv_folder_round_trip_with_and_without_bom_comma_or_semicolon() {
    let prog = crate::common::example();
    let list = charta::exchange::associations(&prog).unwrap();
    let tables = workbook::to_tables(&list);
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let excel = tmp.path().join("excel");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&excel).unwrap();
    for t in &tables {
        let bytes = sheet::to_csv(t);
        std::fs::write(plain.join(format!("{}.csv", t.name)), &bytes).unwrap();
        // As a French spreadsheet saves it: BOM, semicolons, decimal commas.
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(Vec::new());
        w.write_record(t.headers.iter().map(|(h, _)| h.as_str()))
            .unwrap();
        for row in &t.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Empty => String::new(),
                Cell::Text(s) | Cell::Date(s) => s.clone(),
                Cell::Number(n) => n.to_string().replace('.', ","),
            }))
            .unwrap();
        }
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(w.into_inner().unwrap());
        std::fs::write(excel.join(format!("{}.csv", t.name)), bom).unwrap();
    }
    assert_round_trip(&plain, &prog);
    assert_round_trip(&excel, &prog);
}

/// Sets a cell of an exported table, by header and association row (0-based data row).
fn set(tables: &mut [sheet::Table], name: &str, row: usize, header: &str, v: Cell) -> String {
    let t = tables.iter_mut().find(|t| t.name == name).unwrap();
    let c = t.headers.iter().position(|(h, _)| h == header).unwrap();
    t.rows[row][c] = v;
    sheet::cell_ref(name, c, row + 2)
}

#[test]
fn import_errors_are_located_all_at_once_and_nothing_is_written() {
    let (tmp, prog_dir) = example_copy();
    let prog = load(&prog_dir);
    let before: Vec<Vec<u8>> = prog
        .associations
        .iter()
        .map(|a| std::fs::read(&a.path).unwrap())
        .collect();
    let mut tables = workbook::to_tables(&charta::exchange::associations(&prog).unwrap());
    let siret = set(
        &mut tables,
        "Associations",
        1,
        "SIRET",
        Cell::Text("80214763700029".into()),
    );
    let amount = set(
        &mut tables,
        "Financements",
        2,
        "Contribution (€)",
        Cell::Text("environ 45000".into()),
    );
    let objective = set(
        &mut tables,
        "Indicateurs",
        0,
        "Objectif",
        Cell::Text("O9".into()),
    );
    let target = set(&mut tables, "Indicateurs", 1, "Cible 2027", Cell::Empty);
    let xlsx = tmp.path().join("bad.xlsx");
    std::fs::write(&xlsx, sheet::to_xlsx(&tables).unwrap()).unwrap();

    let o = charta()
        .arg("import")
        .arg(&xlsx)
        .arg(&prog_dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        format!(
            "{siret}\u{a0}: «\u{a0}80214763700029\u{a0}»\u{a0}: la clé de contrôle du SIRET est fausse"
        ),
        format!("{amount}\u{a0}: «\u{a0}environ 45000\u{a0}»\u{a0}: un montant en euros attendu"),
        format!("{objective}\u{a0}: «\u{a0}O9\u{a0}»\u{a0}: l'indicateur"),
        "objectif inconnu".to_string(),
        format!("{target}\u{a0}: la cible de l'indicateur"),
        "pour 2027, année de la convention, manque".to_string(),
        "4 erreurs\u{a0}: aucun fichier n'a été écrit".to_string(),
        "aide\u{a0}: saisissez un nombre seul".to_string(),
    ] {
        assert!(err.contains(&needle), "{needle}\n{err}");
    }
    let after: Vec<Vec<u8>> = prog
        .associations
        .iter()
        .map(|a| std::fs::read(&a.path).unwrap())
        .collect();
    assert_eq!(before, after, "nothing written");
}

#[test]
fn import_never_changes_a_signed_convention_but_writes_the_others() {
    let (tmp, prog_dir) = example_copy();
    crate::common::unsign(&prog_dir, "atelier-velo-thionvaux");
    let prog = load(&prog_dir);
    let list = charta::exchange::associations(&prog).unwrap();
    let signed = list
        .iter()
        .position(|(id, _)| id == "maison-solidarites-montvalon")
        .unwrap();
    let other = list
        .iter()
        .position(|(id, _)| id == "atelier-velo-thionvaux")
        .unwrap();
    let mut tables = workbook::to_tables(&list);
    set(
        &mut tables,
        "Associations",
        signed,
        "Commune",
        Cell::Text("Ailleurs".into()),
    );
    set(
        &mut tables,
        "Associations",
        other,
        "Commune",
        Cell::Text("Thionvaux-Plage".into()),
    );
    let xlsx = tmp.path().join("edit.xlsx");
    std::fs::write(&xlsx, sheet::to_xlsx(&tables).unwrap()).unwrap();
    let signed_path = prog_dir.join("associations/maison-solidarites-montvalon.json");
    let signed_before = std::fs::read(&signed_path).unwrap();

    let o = charta()
        .arg("import")
        .arg(&xlsx)
        .arg(&prog_dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("maison-solidarites-montvalon\u{a0}: convention signée, fichier laissé tel quel\u{a0}; le classeur change association.address.city"), "{err}");
    assert!(
        err.contains("modifiée   atelier-velo-thionvaux\u{a0}: association.address.city"),
        "{err}"
    );
    assert_eq!(std::fs::read(&signed_path).unwrap(), signed_before);
    let now = load(&prog_dir);
    assert_eq!(
        crate::common::data(&now, "atelier-velo-thionvaux")
            .association
            .address
            .city,
        "Thionvaux-Plage"
    );
}

#[test]
fn a_de_minimis_declaration_of_none_is_a_row_aucune_and_no_declaration_no_row() {
    let (tmp, prog_dir) = example_copy();
    let prog = load(&prog_dir);
    let list = charta::exchange::associations(&prog).unwrap();
    let mut tables = workbook::to_tables(&list);
    let rows_of = |tables: &[sheet::Table], id: &str| -> Vec<Vec<Cell>> {
        let t = tables
            .iter()
            .find(|t| t.name == workbook::DE_MINIMIS)
            .unwrap();
        t.rows
            .iter()
            .filter(|r| r[0] == Cell::Text(id.into()))
            .cloned()
            .collect()
    };
    // Declared none: one row « aucune »; no declaration: no row; one aid: its row.
    assert_eq!(
        rows_of(&tables, "atelier-velo-thionvaux"),
        [vec![
            Cell::Text("atelier-velo-thionvaux".into()),
            Cell::Text("aucune".into()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]]
    );
    assert!(rows_of(&tables, "maison-solidarites-montvalon").is_empty());
    assert_eq!(rows_of(&tables, "recyclerie-vaudrecourt").len(), 1);
    // Read back as written: `[]`, absent, one aid.
    let xlsx = tmp.path().join("p.xlsx");
    std::fs::write(&xlsx, sheet::to_xlsx(&tables).unwrap()).unwrap();
    let plan = charta::exchange::import(&xlsx, &prog).unwrap_or_else(|d| panic!("{d:#?}"));
    let declared = |id: &str| {
        let (_, _, _, text) = plan.iter().find(|(i, ..)| i == id).unwrap();
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["association"].get("de_minimis_declared").cloned()
    };
    assert_eq!(
        declared("atelier-velo-thionvaux"),
        Some(serde_json::json!([]))
    );
    assert_eq!(declared("maison-solidarites-montvalon"), None);
    assert_eq!(
        declared("recyclerie-vaudrecourt")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // « aucune » says nothing else, and is never beside an aid.
    let t = tables
        .iter_mut()
        .find(|t| t.name == workbook::DE_MINIMIS)
        .unwrap();
    let aucune = t
        .rows
        .iter()
        .position(|r| r[0] == Cell::Text("atelier-velo-thionvaux".into()))
        .unwrap();
    t.rows[aucune][3] = Cell::Number(1000.0);
    t.rows.push(vec![
        Cell::Text("mobilite-solidaire-rurale".into()),
        Cell::Text("Commune de Vaudrecourt".into()),
        Cell::Date("2025-04-01".into()),
        Cell::Number(5000.0),
        Cell::Text("sieg".into()),
    ]);
    let bad = tmp.path().join("bad.xlsx");
    std::fs::write(&bad, sheet::to_xlsx(&tables).unwrap()).unwrap();
    let errors = charta::exchange::import(&bad, &prog).expect_err("refused");
    let messages: Vec<String> = errors.iter().map(|d| d.message.fr.clone()).collect();
    let cell = |col: &str, row: usize| format!("{}!{col}{row}", workbook::DE_MINIMIS);
    assert!(
        messages.iter().any(|m| m.starts_with(&format!(
            "{}\u{a0}: «\u{a0}1000\u{a0}»\u{a0}: une ligne «\u{a0}aucune\u{a0}»",
            cell("D", aucune + 2)
        ))),
        "{messages:#?}"
    );
    let mobilite = t_row(&tables, "mobilite-solidaire-rurale", "aucune");
    assert!(
        messages.iter().any(|m| m.starts_with(&format!("{}\u{a0}: «\u{a0}aucune\u{a0}»\u{a0}: l'association a déclaré à la fois aucune aide de minimis et des aides", cell("B", mobilite + 2)))),
        "{messages:#?}"
    );
}

/// The data row (0-based) of `id` in « Aides de minimis » whose « Autorité » is `grantor`.
fn t_row(tables: &[sheet::Table], id: &str, grantor: &str) -> usize {
    tables
        .iter()
        .find(|t| t.name == workbook::DE_MINIMIS)
        .unwrap()
        .rows
        .iter()
        .position(|r| r[0] == Cell::Text(id.into()) && r[1] == Cell::Text(grantor.into()))
        .unwrap()
}
