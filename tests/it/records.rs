//! `charta import RECORD.json`: the association records of API Entreprise
//! (issue 32, « In »). The sandbox payloads of `tests/fixtures/api-entreprise/`
//! (etalab/siade_staging_data, MIT) are each validated against the endpoint's
//! OpenAPI schema before they are imported (Python's
//! `openapi-schema-validator`, a client: skipped with a message when missing,
//! a failure under `CHARTA_REQUIRE_CLIENTS=1`).

use std::path::{Path, PathBuf};
use std::process::Command;

use charta::model::AssociationFile;
use serde_json::{Value, json};

use crate::clients::{Client, present, python_openapi};
use crate::common::{SIGNED_ID, charta, data, example_copy, render};

const DATE: &str = "2026-12-01";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api-entreprise")
}

/// The problems the OpenAPI schema finds in `records` (empty: all valid);
/// `None` when the validator is not installed.
fn schema_problems(records: &[&Path]) -> Option<String> {
    if !present(Client::OpenApi) {
        return None;
    }
    let dir = fixtures();
    let out = Command::new(python_openapi().expect("present"))
        .arg(dir.join("validate.py"))
        .arg(dir.join("openapi-association.yaml"))
        .args(records)
        .output()
        .expect("python runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.success(), text.trim().is_empty(), "{text}");
    Some(text)
}

/// The fixture `name`, validated against the schema first.
fn validated(name: &str) -> PathBuf {
    let path = fixtures().join(name);
    if let Some(problems) = schema_problems(&[&path]) {
        assert!(
            problems.is_empty(),
            "{name} against the OpenAPI schema:\n{problems}"
        );
    }
    path
}

/// `charta import RECORD PROG --date DATE`: (exit status, stdout + stderr).
fn import(record: &Path, prog: &Path) -> (i32, String) {
    let (code, out, err) = import_on(record, prog, DATE);
    (code, out + &err)
}

/// `charta import RECORD PROG --date date`: (exit status, stdout, stderr).
fn import_on(record: &Path, prog: &Path, date: &str) -> (i32, String, String) {
    charta(&[
        "import",
        record.to_str().unwrap(),
        prog.to_str().unwrap(),
        "--date",
        date,
    ])
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn source() -> Value {
    json!({"source": "API Entreprise (DJEPVA)", "date": DATE})
}

#[test]
fn every_payload_is_valid_against_the_openapi_schema_and_a_broken_one_is_not() {
    let dir = fixtures();
    let names = [
        "association.json",
        "association_regime_alsace_moselle.json",
        "association_sans_siren.json",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let Some(problems) = schema_problems(&refs) else {
        return;
    };
    assert!(problems.is_empty(), "{problems}");
    // The validator is not blind: a SIREN as a number, a name missing.
    let tmp = tempfile::tempdir().unwrap();
    let mut v = read(&paths[0]);
    v["data"]["siren"] = json!(389486242);
    v["data"].as_object_mut().unwrap().remove("nom");
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, v.to_string()).unwrap();
    let problems = schema_problems(&[&broken]).unwrap();
    assert!(problems.contains("data.siren"), "{problems}");
    assert!(
        problems.contains("'nom' is a required property"),
        "{problems}"
    );
}

#[test]
fn the_standard_record_imports_field_by_field() {
    let tmp = example_copy();
    let (code, out) = import(&validated("association.json"), tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("créée      association-sportive-salindroise"),
        "{out}"
    );
    // The siège is not among the établissements: said, and which one was used.
    assert!(
        out.contains("ECH-044") && out.contains("38948624200040"),
        "{out}"
    );
    let file = read(
        &tmp.path()
            .join("associations/association-sportive-salindroise.json"),
    );
    let keys: Vec<&String> = file.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["association"], "the association alone");
    let a = &file["association"];
    assert_eq!(a["name"], "ASSOCIATION SPORTIVE SALINDROISE");
    assert_eq!(
        a["acronym"],
        Value::Null,
        "a sigle equal to the name is no acronym"
    );
    assert_eq!(
        a["legal_form"],
        "association déclarée (loi du 1er juillet 1901)"
    );
    assert_eq!(a["rna"], "W301000624");
    assert_eq!(a["siret"], "38948624200032");
    assert_eq!(
        a["address"],
        json!({"street": "rue de Cambis", "postcode": "30340", "city": "Salindres"})
    );
    assert_eq!(
        a["representative"],
        json!({"civility": "M.", "name": "Prénom NOM", "role": "président"})
    );
    assert_eq!(a["register"], Value::Null);
    assert_eq!(a["cer_deemed"], Value::Null);
    assert_eq!(a["bank"], Value::Null);
    assert_eq!(
        a["other_public_subsidies"],
        Value::Null,
        "never from the accounts"
    );
    assert_eq!(
        a["accounts"],
        json!({
            "2021": {"volunteers": 10, "civic_volunteers": 0, "employees": 1, "employees_fte": 1.0, "members": 107},
            "2022": {"volunteers": 10, "civic_volunteers": 0, "employees": 2, "employees_fte": 1.0, "members": 110}
        })
    );
    let sourced: Vec<&String> = a["sources"].as_object().unwrap().keys().collect();
    assert_eq!(
        sourced,
        [
            "accounts",
            "address",
            "legal_form",
            "name",
            "representative",
            "rna",
            "siret"
        ]
    );
    assert!(
        a["sources"]
            .as_object()
            .unwrap()
            .values()
            .all(|s| *s == source())
    );
}

#[test]
fn the_alsace_moselle_record_imports_field_by_field() {
    let tmp = example_copy();
    let (code, out) = import(
        &validated("association_regime_alsace_moselle.json"),
        tmp.path(),
    );
    assert_eq!(code, 0, "{out}");
    // The record names a court abolished in 2020: kept as given, and said.
    assert!(
        out.contains("ECH-044") && out.contains("tribunal judiciaire"),
        "{out}"
    );
    let a = read(
        &tmp.path()
            .join("associations/association-socio-culturelle-le-repere.json"),
    )["association"]
        .clone();
    assert_eq!(a["name"], "ASSOCIATION SOCIO-CULTURELLE - LE REPERE");
    assert_eq!(a["legal_form"], "association inscrite de droit local");
    assert_eq!(a["rna"], Value::Null);
    assert_eq!(a["siret"], "42417936400023");
    assert_eq!(
        a["register"],
        json!({"court": "tribunal d'instance de Molsheim", "volume": "009", "folio": "015", "number": null})
    );
    assert_eq!(
        a["address"],
        json!({"street": "MAIRIE MAIRIE, 169 place GRAND RUE", "postcode": "67130", "city": "SCHIRMECK"})
    );
    assert_eq!(
        a["representative"],
        json!({"civility": "Mme", "name": "Prénom NOM", "role": "présidente"})
    );
    // The CAF's agrément is not the State's: no CER exemption from it.
    assert_eq!(a["cer_deemed"], Value::Null);
    assert_eq!(
        a["accounts"]["2019"],
        json!({
            "charges": 146298, "products": 137586, "result": -8712.0, "subsidies": 21300,
            "subsidies_three_years": 21300, "donations": 1500, "auditor": false,
            "volunteers": 62, "civic_volunteers": 0, "employees": 0, "employees_fte": 0.0, "members": 34
        })
    );
    let years: Vec<&String> = a["accounts"].as_object().unwrap().keys().collect();
    assert_eq!(years, ["2019", "2020", "2021", "2022"]);
    assert_eq!(
        a["other_public_subsidies"],
        Value::Null,
        "never from the accounts"
    );
    assert_eq!(a["sources"]["register"], source());
}

#[test]
fn the_record_without_siren_imports_with_what_it_lacks_said() {
    let tmp = example_copy();
    let (code, out) = import(&validated("association_sans_siren.json"), tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("inactive ou dissoute"), "{out}");
    assert!(out.contains("pas de président"), "{out}");
    assert!(out.contains("pas de SIRET"), "{out}");
    let a = read(
        &tmp.path()
            .join("associations/pole-position-la-securite-routiere-en-premiere-ligne.json"),
    )["association"]
        .clone();
    assert_eq!(
        a["name"],
        "POLE POSITION : LA SECURITE ROUTIERE EN PREMIERE LIGNE"
    );
    assert_eq!(a["acronym"], "POLE POSITION : LA SECURITE ROUTIER...");
    assert_eq!(a["rna"], "W604004799");
    assert_eq!(a["siret"], "", "left to fill in");
    assert_eq!(
        a["representative"],
        json!({"civility": "", "name": "", "role": ""})
    );
    assert_eq!(
        a["address"],
        json!({"street": "11 rue Bachaumont", "postcode": "75002", "city": "Paris"})
    );
    assert_eq!(a["accounts"], Value::Null);
    let sourced: Vec<&String> = a["sources"].as_object().unwrap().keys().collect();
    assert_eq!(sourced, ["acronym", "address", "legal_form", "name", "rna"]);
}

#[test]
fn a_file_in_preparation_is_listed_by_check_and_left_out_of_builds_and_exports() {
    let tmp = example_copy();
    let (code, out) = import(&validated("association.json"), tmp.path());
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = charta(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 0, "a warning, not an error: {err}");
    assert!(
        err.contains("DON-160")
            && err.contains("association `association-sportive-salindroise` en préparation"),
        "{err}"
    );
    for lazy in [false, true] {
        let (prog, diags) = if lazy {
            charta::load::load_programme_lazy(tmp.path()).unwrap()
        } else {
            charta::load::load_programme(tmp.path()).unwrap()
        };
        assert!(
            diags
                .iter()
                .any(|d| d.code == charta::diagnostic::Code::DON_160)
        );
        assert_eq!(
            prog.associations.len(),
            8,
            "the example's eight, not the ninth"
        );
        assert_eq!(prog.preparing.len(), 1);
        assert_eq!(prog.preparing[0].id, "association-sportive-salindroise");
        if !lazy {
            let all = charta::exchange::associations(&prog).expect("the export reads");
            assert!(
                all.iter()
                    .all(|(id, _)| id != "association-sportive-salindroise")
            );
        }
    }
}

#[test]
fn the_alsace_moselle_register_formula_is_in_the_rendered_convention() {
    let tmp = example_copy();
    let (code, out) = import(
        &validated("association_regime_alsace_moselle.json"),
        tmp.path(),
    );
    assert_eq!(code, 0, "{out}");
    let prog = crate::common::example();
    // The convention filled in: another association's, for the imported association.
    let mut file = data(&prog, "recyclerie-vaudrecourt");
    let imported = read(
        &tmp.path()
            .join("associations/association-socio-culturelle-le-repere.json"),
    );
    let was = file.association.clone();
    file.association = serde_json::from_value(imported["association"].clone()).unwrap();
    // What the record does not give, filled in with the convention.
    file.association.bank = was.bank;
    file.association.cer_signed_on = was.cer_signed_on;
    file.association.cer_deemed = was.cer_deemed;
    file.association.de_minimis_declared = was.de_minimis_declared;
    let md = render(&prog, "association-socio-culturelle-le-repere", &file).markdown;
    let text = crate::common::markdown_text(&md);
    assert!(
        text.contains("association inscrite de droit local")
            && text.contains(
                "dont l'inscription figure au registre des associations du tribunal d'instance de Molsheim, volume 009, folio 015,"
            ),
        "{text}"
    );
    assert!(
        !text.contains("répertoire national des associations"),
        "{text}"
    );
}

#[test]
fn a_re_import_shows_the_diff_and_changes_nothing_when_equal() {
    let tmp = example_copy();
    let record = validated("association.json");
    let path = tmp
        .path()
        .join("associations/association-sportive-salindroise.json");
    assert_eq!(import(&record, tmp.path()).0, 0);
    let first = std::fs::read(&path).unwrap();
    // Equal: nothing changes, not even the dates of the sources (another day).
    let (code, out, err) = import_on(&record, tmp.path(), "2027-01-15");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("0 créée, 0 modifiée, 1 inchangée"),
        "{out}{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), first);
    // Changed by hand: the record puts its value back, says where, and dates
    // it; what the record cannot give (the IBAN) stays.
    crate::common::edit_json(&path, |v| {
        v["association"]["address"]["street"] = json!("12 rue de Cambis");
        v["association"]["bank"] =
            json!({"iban": "FR7630006000011234567890189", "bic": "AGRIFRPPXXX"});
    });
    let (code, out, err) = import_on(&record, tmp.path(), "2027-01-15");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("modifiée   association-sportive-salindroise\u{a0}: association.address.street, association.sources.address.date"),
        "{out}{err}"
    );
    let a = read(&path)["association"].clone();
    assert_eq!(a["address"]["street"], "rue de Cambis");
    assert_eq!(a["sources"]["address"]["date"], "2027-01-15");
    assert_eq!(
        a["sources"]["name"]["date"], DATE,
        "unchanged values keep their date"
    );
    assert_eq!(a["bank"]["iban"], "FR7630006000011234567890189");
}

#[test]
fn a_record_updates_a_complete_file_but_never_a_signed_convention() {
    let tmp = example_copy();
    let record = validated("association.json");
    // An unsigned convention of the same association (by its RNA): the
    // association is updated, the convention kept.
    let unsigned = tmp.path().join("associations/recyclerie-vaudrecourt.json");
    crate::common::edit_json(&unsigned, |v| v["association"]["rna"] = json!("W301000624"));
    let before = read(&unsigned);
    let (code, out) = import(&record, tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("modifiée   recyclerie-vaudrecourt"), "{out}");
    let after = read(&unsigned);
    // The same data (the file is written again by charta: its own layout).
    let parsed = |v: &Value| {
        serde_json::to_value(serde_json::from_value::<AssociationFile>(v.clone()).unwrap()).unwrap()
    };
    let (before, after) = (parsed(&before), parsed(&after));
    for part in ["convention", "project", "dashboard"] {
        assert_eq!(after[part], before[part], "{part}");
    }
    assert_eq!(after["association"]["bank"], before["association"]["bank"]);
    assert_eq!(after["association"]["siret"], "38948624200032");
    // A signed convention of the same association: left as it is, said.
    crate::common::edit_json(&unsigned, |v| v["association"]["rna"] = json!("W551002394"));
    let signed = tmp.path().join(format!("associations/{SIGNED_ID}.json"));
    crate::common::edit_json(&signed, |v| v["association"]["rna"] = json!("W301000624"));
    let bytes = std::fs::read(&signed).unwrap();
    let (code, out) = import(&record, tmp.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ECH-043") && out.contains("convention signée, fichier laissé tel quel"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(&signed).unwrap(),
        bytes,
        "the signed file untouched"
    );
}

/// `charta import` of `record` (a JSON value): exit 1, nothing written, the output.
fn refused(record: &Value, date: Option<&str>) -> String {
    let tmp = example_copy();
    let file = tmp.path().join("record.json");
    std::fs::write(&file, serde_json::to_string_pretty(record).unwrap()).unwrap();
    let before = crate::common::tree(&tmp.path().join("associations"));
    let mut args = vec![
        "import",
        file.to_str().unwrap(),
        tmp.path().to_str().unwrap(),
    ];
    if let Some(d) = date {
        args.extend(["--date", d]);
    }
    let (code, out, err) = charta(&args);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("aucun fichier n'a été écrit"), "{err}");
    assert_eq!(
        crate::common::tree(&tmp.path().join("associations")),
        before
    );
    err
}

#[test]
fn empty_and_partial_records_give_located_errors_all_at_once() {
    let err = refused(&json!({}), Some(DATE));
    assert!(
        err.contains("ECH-040") && err.contains("= à\u{a0}: data\n"),
        "{err}"
    );
    let err = refused(&json!({"data": {}}), Some(DATE));
    for path in ["data.nom", "data.siren", "data.adresse_siege"] {
        assert!(
            err.contains(&format!("= à\u{a0}: {path}\n")),
            "{path}: {err}"
        );
    }
    assert!(err.contains("3 erreurs"), "{err}");
    // The standard record with its name, postcode and the Alsace-Moselle
    // tribunal (the regime changed) taken out: each located, line and column.
    let mut v = read(&fixtures().join("association.json"));
    v["data"].as_object_mut().unwrap().remove("nom");
    v["data"]["adresse_siege"]["code_postal"] = json!("3034");
    v["data"]["regime"] = json!("Alsace-Moselle");
    v["data"]["siret_siege"] = json!("38948624200033");
    let err = refused(&v, Some(DATE));
    for path in [
        "data.nom",
        "data.adresse_siege.code_postal",
        "data.alsace_moselle.tribunal_instance",
        "data.siret_siege",
    ] {
        assert!(
            err.contains(&format!("= à\u{a0}: {path}\n")),
            "{path}: {err}"
        );
    }
    assert!(err.contains("4 erreurs"), "{err}");
    assert!(
        err.contains("record.json:2:3"),
        "the missing name at its object: {err}"
    );
    assert!(
        err.contains("«\u{a0}3034\u{a0}» n'est pas un code postal"),
        "{err}"
    );
}

#[test]
fn the_date_of_the_record_is_required_and_must_be_a_real_day() {
    let v = read(&fixtures().join("association.json"));
    let err = refused(&v, None);
    assert!(
        err.contains("ECH-042") && err.contains("--date AAAA-MM-JJ"),
        "{err}"
    );
    let err = refused(&v, Some("2026-02-29"));
    assert!(err.contains("ECH-042"), "not a day of 2026: {err}");
    let tmp = example_copy();
    let file = fixtures().join("association.json");
    let (code, _, err) = import_on(&file, tmp.path(), "2028-02-29");
    assert_eq!(code, 0, "a leap day: {err}");
}

#[test]
fn a_workbook_completes_a_file_in_preparation_and_keeps_what_the_record_gave() {
    use charta::exchange::workbook::{Change, plan};
    let tmp = example_copy();
    let (code, out) = import(&validated("association.json"), tmp.path());
    assert_eq!(code, 0, "{out}");
    // The workbook's row for this association: a convention like another's.
    let mut file = data(&crate::common::example(), "recyclerie-vaudrecourt");
    file.association.name = "ASSOCIATION SPORTIVE SALINDROISE".into();
    let id = "association-sportive-salindroise".to_string();
    let rows = std::collections::BTreeMap::from([(id.clone(), file)]);
    let planned =
        plan(&tmp.path().join("associations"), &rows).expect("a file in preparation reads");
    let (_, _, change, text) = &planned[0];
    let Change::Modified(paths) = change else {
        panic!("{change:?}")
    };
    assert!(paths.iter().any(|p| p == "convention"), "{paths:?}");
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["convention"]["reference"], "RVM-ESS-2026-006");
    // The values the workbook keeps keep their source; those it changes lose it.
    let sourced: Vec<&String> = v["association"]["sources"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(sourced, ["accounts", "legal_form", "name"]);
    assert_eq!(v["association"]["sources"]["name"], source());
    assert_eq!(v["association"]["accounts"]["2022"]["members"], 110);
}
