//! The lettre de notification: each signed act (convention or avenant)
//! whose signature date is set gets one (`OUT/<id>.notification.*`,
//! `OUT/<id>.avenant-<k>.notification.*`), from the funder to the
//! association, in every format of the build, recorded in the manifest.

use crate::common::*;

use std::path::Path;

use charta::build::Collected;

fn build_with(dir: &Path, formats: &[&str]) -> Collected {
    let r = build_collected(dir, formats);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    r
}

/// The letter's Markdown, its no-break spaces as plain spaces.
fn letter(dir: &Path, stem: &str) -> String {
    let path = dir.join(format!("out/{stem}.notification.md"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace(['\u{a0}', '\u{202f}'], " ")
}

fn notifications(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".notification."))
        .collect();
    names.sort();
    names
}

#[test]
fn the_signed_convention_is_notified_with_its_references_amount_and_schedule() {
    let tmp = example_copy();
    let dir = tmp.path();
    build_with(dir, &["md", "pdf"]);
    let md = letter(dir, SIGNED_ID);
    for expected in [
        "Objet : notification de la convention n° RVM-ESS-2026-001.",
        "délibération n° CP-2026-01-07 du 23 janvier 2026 (Commission permanente)",
        "signée par les deux parties le 10 février 2026",
        "Pour l'année 2026, la contribution financière de la Région s'élève à 45 000 € (quarante-cinq mille euros).",
        "une avance de 50,00 % du montant de l'année 2026, soit 22 500 €, est versée dans un délai de soixante jours à compter de la présente notification",
        "le solde, soit 22 500 €, est versé",
        "dans les six mois suivant la clôture de chaque exercice",
        "compte rendu financier",
        "Pour la Région, le Président du Conseil régional,",
        "M. Jean-Baptiste Aubertin",
    ] {
        assert!(md.contains(expected), "missing « {expected} » in:\n{md}");
    }
    let pdf = std::fs::read(dir.join(format!("out/{SIGNED_ID}.notification.pdf"))).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let entry = manifest_entries(&dir.join("out"))
        .into_iter()
        .find(|e| e.id == SIGNED_ID)
        .unwrap();
    for key in ["notification.md", "notification.pdf"] {
        let f = entry
            .outputs
            .get(key)
            .unwrap_or_else(|| panic!("{key} recorded"));
        assert_eq!(f.file, format!("{SIGNED_ID}.{key}"));
    }
    // The example's two other signed conventions have theirs, dated as
    // signed; the drafts none.
    let mut expected = Vec::new();
    for id in [
        "atelier-velo-thionvaux",
        "epicerie-solidaire-brecourt",
        SIGNED_ID,
    ] {
        expected.push(format!("{id}.notification.md"));
        expected.push(format!("{id}.notification.pdf"));
    }
    assert_eq!(notifications(dir), expected);
    assert!(
        letter(dir, "atelier-velo-thionvaux")
            .contains("signée par les deux parties le 27 février 2026")
    );
    assert!(
        letter(dir, "epicerie-solidaire-brecourt")
            .contains("signée par les deux parties le 2 avril 2026")
    );
}

#[test]
fn an_unsigned_convention_gets_no_letter_a_signed_one_gets_it_at_its_first_build() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["signature"]["date"] = serde_json::Value::Null
    });
    build_with(dir, &["md"]);
    assert_eq!(notifications(dir), Vec::<String>::new());
    // Dated: the build that first sees it signed writes its letter.
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["signature"]["date"] = serde_json::json!("2026-02-10")
    });
    build_with(dir, &["md"]);
    assert_eq!(notifications(dir), [format!("{SIGNED_ID}.notification.md")]);
    assert!(letter(dir, SIGNED_ID).contains("le 10 février 2026"));
}

#[test]
fn a_signed_avenant_gets_its_own_letter_a_draft_none() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    build_with(dir, &["md"]);
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"] = serde_json::json!([{
            "decision": {"body": "Commission permanente", "date": "2027-03-12", "number": "CP-2027-03-12"},
            "signature": {"place": "Montvalon-sur-Meuse", "date": null},
            "summary": "La fréquentation des permanences a dépassé les prévisions."
        }]);
        v["convention"]["funding"]["2027"] = serde_json::json!(52000);
    });
    build_with(dir, &["md"]);
    assert_eq!(notifications(dir), [format!("{SIGNED_ID}.notification.md")]);
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = serde_json::json!("2027-03-20")
    });
    build_with(dir, &["md"]);
    assert_eq!(
        notifications(dir),
        [
            format!("{SIGNED_ID}.avenant-1.notification.md"),
            format!("{SIGNED_ID}.notification.md"),
        ]
    );
    let md = letter(dir, &format!("{SIGNED_ID}.avenant-1"));
    for expected in [
        "Objet : notification de l'avenant n° 1 à la convention n° RVM-ESS-2026-001.",
        "délibération n° CP-2027-03-12 du 12 mars 2027",
        "signé par les deux parties le 20 mars 2027",
        "Pour l'année 2027, la contribution financière de la Région s'élève à 52 000 € (cinquante-deux mille euros).",
    ] {
        assert!(md.contains(expected), "missing « {expected} » in:\n{md}");
    }
    // The convention's letter is unchanged: the data it was signed with.
    assert!(letter(dir, SIGNED_ID).contains("45 000 €"));
    let entry = manifest_entries(&dir.join("out"))
        .into_iter()
        .find(|e| e.id == SIGNED_ID)
        .unwrap();
    assert!(entry.outputs.contains_key("avenant-1.notification.md"));
    // Built again: the archived avenant's letter stays.
    build_with(dir, &["md"]);
    assert!(letter(dir, &format!("{SIGNED_ID}.avenant-1")).contains("52 000 €"));
}

#[test]
fn letters_are_byte_identical_twice() {
    let (a, b) = (example_copy(), example_copy());
    build_with(a.path(), &["md", "pdf"]);
    build_with(b.path(), &["md", "pdf"]);
    for name in notifications(a.path()) {
        assert_eq!(
            std::fs::read(a.path().join("out").join(&name)).unwrap(),
            std::fs::read(b.path().join("out").join(&name)).unwrap(),
            "{name}"
        );
    }
    // Three signed conventions, a letter each in two formats.
    assert_eq!(notifications(a.path()).len(), 6);
}

#[test]
fn a_letter_sent_stays_as_sent_and_an_altered_one_is_made_again() {
    let tmp = example_copy();
    let dir = tmp.path();
    build_with(dir, &["md"]);
    let path = dir.join(format!("out/{SIGNED_ID}.notification.md"));
    let sent = std::fs::read(&path).unwrap();
    // The funder renamed: the letter already sent does not change.
    let toml = std::fs::read_to_string(dir.join("charta.toml")).unwrap();
    let renamed = toml.replace(
        "name = \"Région Val-de-Meuse\"",
        "name = \"Région Val-de-Meuse-et-Argonne\"",
    );
    assert_ne!(renamed, toml);
    std::fs::write(dir.join("charta.toml"), renamed).unwrap();
    build_with(dir, &["md"]);
    assert_eq!(std::fs::read(&path).unwrap(), sent);
    // Altered in OUT (the manifest records other bytes): made again.
    std::fs::write(dir.join("charta.toml"), toml).unwrap();
    let mut altered = sent.clone();
    altered.extend_from_slice(b"x");
    std::fs::write(&path, &altered).unwrap();
    build_with(dir, &["md"]);
    assert_eq!(std::fs::read(&path).unwrap(), sent);
}

#[test]
fn the_letter_names_the_parties_fully_and_dates_the_compte_rendu_only_for_a_calendar_exercice() {
    // The association's address (a notification is sent to its seat); the
    // funder with its article (« conclue entre la Région », not « entre Région
    // Val-de-Meuse »); the deadline of the compte rendu stated as a date only
    // when the exercice is the calendar year, without hedging.
    let tmp = example_copy();
    let dir = tmp.path();
    build_with(dir, &["md"]);
    let md = letter(dir, SIGNED_ID);
    for expected in [
        "Maison des Solidarités de Montvalon, 14 rue du Pont-Levis, 55900 Montvalon-sur-Meuse, à l'attention de Mme Claire-Hélène Vasseur, présidente.",
        "la convention n° RVM-ESS-2026-001 conclue entre la Région et l'association Maison des Solidarités de Montvalon, approuvée",
        "chaque exercice pour lequel la contribution a été attribuée, soit au plus tard le 30 juin 2027 pour l'exercice 2026 :",
    ] {
        assert!(md.contains(expected), "missing « {expected} » in:\n{md}");
    }
    assert!(!md.contains("s'il coïncide"), "{md}");
    // An exercice closing on 30 June: no 30 June date (that would be 31 December).
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    edit_json(&signed_data_path(dir), |v| {
        v["association"]["fiscal_year_end"] = serde_json::json!("06-30")
    });
    build_with(dir, &["md"]);
    let md = letter(dir, SIGNED_ID);
    assert!(
        md.contains("chaque exercice pour lequel la contribution a été attribuée :"),
        "{md}"
    );
    assert!(!md.contains("30 juin 2027"), "{md}");
}

#[test]
fn an_avenant_letter_keeps_the_conventions_calendar_and_deducts_what_was_paid() {
    // The avenant raises 2027 from 48 000 € to 52 000 € on 20 March 2027: the
    // convention pays later years' advances before 31 March and part of 2027
    // may already be paid; the letter must not announce a new 26 000 € advance
    // « dans un délai de soixante jours à compter de la présente notification ».
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    build_with(dir, &["md"]);
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"] = serde_json::json!([{
            "decision": {"body": "Commission permanente", "date": "2027-03-12", "number": "CP-2027-03-12"},
            "signature": {"place": "Montvalon-sur-Meuse", "date": null},
            "summary": "La fréquentation des permanences a dépassé les prévisions."
        }]);
        v["convention"]["funding"]["2027"] = serde_json::json!(52000);
    });
    build_with(dir, &["md"]);
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = serde_json::json!("2027-03-20")
    });
    build_with(dir, &["md"]);
    let md = letter(dir, &format!("{SIGNED_ID}.avenant-1"));
    assert!(
        md.contains("Les versements de l'année 2027 interviennent selon le calendrier que fixe la convention, appliqué au montant de l'année tel que le fixe l'avenant, sous déduction des sommes déjà versées au titre de cette année : l'avance de 50,00 % s'établit à 26 000 € et le solde à 26 000 €."),
        "{md}"
    );
    assert!(
        !md.contains("à compter de la présente notification"),
        "{md}"
    );
    // The convention's own letter keeps the 60-day advance of its first year.
    assert!(letter(dir, SIGNED_ID).contains(
        "est versée dans un délai de soixante jours à compter de la présente notification"
    ));
}
