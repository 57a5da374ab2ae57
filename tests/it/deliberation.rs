//! The assembly's act (issue #30): `charta deliberation` on the example, the
//! three rules between the conventions and `[deliberations]` at their
//! boundaries, and the lock of an adopted délibération.

use std::path::Path;

use charta::deliberation::{self, Nature, Options};
use charta::diagnostic::{Code, Diagnostic};
use charta::load::load_programme;

use crate::common::{SIGNED_ID, charta, data, edit_json, example, example_copy};

const SESSION: &str = "CP-2026-01-08";
const SIX: [&str; 6] = [
    "atelier-velo-thionvaux",
    "collectif-ess-val-de-meuse",
    "mobilite-solidaire-rurale",
    "recyclerie-vaudrecourt",
    "reseau-insertion-emploi",
    "tiers-lieu-les-communs",
];

/// Writes `numbers` (all when empty) of the programme at `dir` into `dir/out`, md only.
fn write(dir: &Path, numbers: &[&str]) -> deliberation::Outcome {
    let (prog, _) = load_programme(dir).expect("loads");
    deliberation::run(
        &prog,
        &Options {
            out: dir.join("out"),
            formats: vec!["md".to_string()],
            numbers: numbers.iter().map(|s| s.to_string()).collect(),
        },
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("out/deliberations").join(name)).unwrap()
}

fn codes(diags: &[Diagnostic]) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn the_session_lists_exactly_its_conventions_with_their_amounts() {
    let prog = example();
    let (rows, warnings) = deliberation::rows(&prog, SESSION);
    assert!(warnings.is_empty(), "{warnings:?}");
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, SIX);
    // Each exercice's amount is the convention's own.
    for r in &rows {
        let d = data(&prog, &r.id);
        for (year, amount) in d.convention.funding.iter().flatten() {
            let y: i32 = year.parse().unwrap();
            assert_eq!(r.funding.get(&y), Some(&amount.cents()), "{} {y}", r.id);
        }
        assert_eq!(
            r.funding.len(),
            d.convention.funding.as_ref().map_or(0, |f| f.len())
        );
    }
    let total: i64 = rows.iter().map(|r| r.total()).sum();
    assert_eq!(total, 113_500_000);
    let tmp = example_copy();
    let out = write(tmp.path(), &[SESSION, "CP-2026-01-07"]);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    assert!(
        md.contains("1\u{202f}015\u{202f}000\u{a0}€ (un million quinze mille euros)"),
        "{md}"
    );
    // Exactly six rows and a totals row in the annex.
    let lines: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(lines.len(), 2 + 6 + 1, "{lines:#?}");
    assert!(
        lines[8].contains("**321\u{202f}000\u{a0}€**"),
        "{}",
        lines[8]
    );
    assert!(
        md.contains("- exercice 2029\u{a0}: 170\u{202f}000\u{a0}€."),
        "{md}"
    );
    // Findings 6, 11, 12: plurals, small counts in letters, annex labels.
    assert!(md.contains("aux quatre associations figurant"), "{md}");
    assert!(
        md.contains("des cinq conventions figurant en annexe (hors la ligne 4)"),
        "{md}"
    );
    assert!(
        md.contains("## Article 3 – Approbation des conventions"),
        "{md}"
    );
    assert!(
        md.contains("Convention-cadre n°\u{a0}RVM-ESS-2026-004"),
        "{md}"
    );
    let single = read(tmp.path(), "cp-2026-01-07.md");
    assert!(
        single.contains("## Article 1er – Attribution de la subvention"),
        "{single}"
    );
    assert!(
        single.contains("## Article 2 – Approbation de la convention\n"),
        "{single}"
    );
    assert!(single.contains("pour l'exercice 2026\u{202f};"), "{single}");
    let csv = read(tmp.path(), "cp-2026-01-08.annexe.csv");
    assert_eq!(csv.lines().count(), 1 + 6, "{csv}");
    assert!(
        csv.contains(",160000.00,165000.00,170000.00,170000.00,665000.00,"),
        "{csv}"
    );
}

#[test]
fn a_convention_with_errors_is_held_back() {
    let tmp = example_copy();
    let broken = tmp.path().join("associations/recyclerie-vaudrecourt.json");
    edit_json(&broken, |v| {
        v["association"]["siret"] = "79352148500012".into()
    });
    let (prog, _) = load_programme(tmp.path()).unwrap();
    let (rows, warnings) = deliberation::rows(&prog, SESSION);
    assert!(rows.iter().all(|r| r.id != "recyclerie-vaudrecourt"));
    assert_eq!(rows.len(), 5);
    assert_eq!(codes(&warnings), [Code::GEN_034]);
    // Its élu goes with it.
    let out = write(tmp.path(), &[SESSION]);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    assert!(!md.contains("Recyclerie"), "{md}");
    assert!(!md.contains("ne prend part"), "{md}");
    assert_eq!(codes(&out.diagnostics), [Code::GEN_034]);
}

#[test]
fn the_avenant_decision_lists_the_avenant_with_its_new_amounts() {
    let prog = example();
    let (rows, _) = deliberation::rows(&prog, "CP-2027-03-12");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.id.as_str(), r.nature), (SIGNED_ID, Nature::Avenant(1)));
    assert_eq!(r.funding.get(&2027), Some(&4_800_000));
    assert_eq!(
        r.previous.as_ref().and_then(|p| p.get(&2027)),
        Some(&4_500_000)
    );
    // The convention's own décision keeps the signed amounts.
    let (own, _) = deliberation::rows(&prog, "CP-2026-01-07");
    assert_eq!(
        own[0].nature,
        Nature::Convention(charta::model::ConventionKind::Cpo)
    );
    assert_eq!(own[0].funding.get(&2027), Some(&4_500_000));
    let tmp = example_copy();
    write(tmp.path(), &["CP-2027-03-12"]);
    let md = read(tmp.path(), "cp-2027-03-12.md");
    assert!(
        md.contains("avenant n°\u{a0}1 à la convention n°\u{a0}RVM-ESS-2026-001"),
        "{md}"
    );
    assert!(
        md.contains("de 137\u{202f}500,50\u{a0}€ à 140\u{202f}500,50\u{a0}€"),
        "{md}"
    );
    // Finding 1: the complement is granted, and covered by an additional AE.
    assert!(
        md.contains("## Article 1er – Attribution d'un complément de subvention"),
        "{md}"
    );
    assert!(
        md.contains("un complément de subvention de 3\u{202f}000\u{a0}€ (trois mille euros) au titre de l'exercice 2027"),
        "{md}"
    );
    assert!(
        md.contains("autorisation d'engagement complémentaire de 3\u{202f}000\u{a0}€"),
        "{md}"
    );
    assert!(
        md.contains("## Article 3 – Approbation de l'avenant\n"),
        "{md}"
    );
    // Finding 2: the session's exercice, and the act it amends.
    assert!(md.contains("pour l'exercice 2027\u{202f};"), "{md}");
    assert!(
        md.contains("Vu la délibération n°\u{a0}CP-2026-01-07 de la Commission permanente du 23 janvier 2026"),
        "{md}"
    );
    // Finding 3: the avenant's reason, from the data.
    assert!(
        md.contains("est proposé à la demande de l'association, dont les permanences"),
        "{md}"
    );
    assert!(
        md.contains("le projet présenté par l'association figurant"),
        "{md}"
    );
    // Finding 7: the assembly is the subject of « DÉCIDE ».
    assert!(
        md.contains("**LA COMMISSION PERMANENTE DU CONSEIL RÉGIONAL,**"),
        "{md}"
    );
    assert!(md.contains("Annexe I – Complément de subvention attribué et avenant approuvé"));
    let rapport = read(tmp.path(), "cp-2027-03-12.rapport.md");
    assert!(
        rapport.contains("contribution 2027 portée de 45\u{202f}000\u{a0}€ à 48\u{202f}000\u{a0}€"),
        "{rapport}"
    );
}

#[test]
fn the_conflict_sentence_appears_only_where_the_data_says_so() {
    let tmp = example_copy();
    write(tmp.path(), &[]);
    let session = read(tmp.path(), "cp-2026-01-08.md");
    assert_eq!(
        session
            .matches("ne prend part ni aux débats ni au vote")
            .count(),
        1
    );
    assert!(session.contains(
        "M.\u{a0}Hervé Laurent, qui siège dans les instances de l'association La Recyclerie"
    ));
    assert!(session.contains("L.\u{a0}1111-6"), "{session}");
    assert!(session.contains("(ligne 4 de l'annexe)"), "{session}");
    // Finding 5: the line is voted in its own article; the sentence names the
    // association; a representative also cites loi 2013-907 and art. 432-12.
    assert!(
        session.contains("## Article 2 – Attribution de la subvention et approbation de la convention de la ligne 4 (vote distinct)"),
        "{session}"
    );
    assert!(
        session.contains("120\u{202f}000\u{a0}€ (cent vingt mille euros)"),
        "{session}"
    );
    assert!(
        session.contains("sur la subvention attribuée à l'association La Recyclerie"),
        "{session}"
    );
    assert!(session.contains("loi n°\u{a0}2013-907"), "{session}");
    assert!(
        session.contains("en qualité de représentant de la Région"),
        "{session}"
    );
    for other in ["cp-2026-01-07.md", "cp-2026-03-22.md", "cp-2027-03-12.md"] {
        assert!(
            !read(tmp.path(), other).contains("ne prend part"),
            "{other}"
        );
    }
    // « Mme »: the feminine.
    let file = tmp.path().join("associations/recyclerie-vaudrecourt.json");
    edit_json(&file, |v| {
        v["association"]["elected_board_members"][0]["name"] = "Mme Hélène Laurent".into()
    });
    write(tmp.path(), &[SESSION]);
    let session = read(tmp.path(), "cp-2026-01-08.md");
    assert!(
        session.contains("en qualité de représentante de la Région"),
        "{session}"
    );
    // A personal seat cites the rules on conflicts of interest instead.
    edit_json(&file, |v| {
        v["association"]["elected_board_members"][0]["capacity"] = "personnel".into()
    });
    write(tmp.path(), &[SESSION]);
    let session = read(tmp.path(), "cp-2026-01-08.md");
    assert!(session.contains("loi n°\u{a0}2013-907"), "{session}");
    assert!(session.contains("art.\u{a0}432-12"), "{session}");
    assert!(!session.contains("L.\u{a0}1111-6"), "{session}");
}

/// The check of the programme at `dir`, the codes of its diagnostics on `id`.
fn checked(dir: &Path, id: &str) -> Vec<Code> {
    let (prog, _) = load_programme(dir).unwrap();
    let file = dir.join("associations").join(format!("{id}.json"));
    charta::check::check_programme(&prog)
        .into_iter()
        .filter(|d| d.file.as_deref() == Some(file.as_path()))
        .filter(|d| d.code.as_str().starts_with("PRG-02"))
        .map(|d| d.code)
        .collect()
}

/// Sets the date of décision `number` in the copy's charta.toml.
fn set_decision_date(dir: &Path, number: &str, date: &str) {
    let p = dir.join("charta.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let head = format!("[deliberations.\"{number}\"]\nbody = \"Commission permanente\"\ndate = \"");
    let at = text.find(&head).unwrap() + head.len();
    let text = format!("{}{date}{}", &text[..at], &text[at + 10..]);
    std::fs::write(&p, text).unwrap();
}

#[test]
fn a_decision_after_the_signature_is_refused_the_same_day_accepted() {
    let tmp = example_copy();
    let dir = tmp.path();
    let id = "epicerie-solidaire-brecourt";
    let file = dir.join(format!("associations/{id}.json"));
    let sign = |on: &str| {
        edit_json(&file, |v| v["convention"]["signature"]["date"] = on.into());
    };
    // The délibération of 2026-03-13, the convention's own decision the same.
    sign("2026-03-13");
    assert!(checked(dir, id).is_empty());
    sign("2026-03-14");
    assert!(checked(dir, id).is_empty());
    // charta.toml's date one day after the signature (and after the convention's).
    sign("2026-03-13");
    set_decision_date(dir, "CP-2026-03-22", "2026-03-14");
    edit_json(&file, |v| {
        v["convention"]["decision"]["date"] = "2026-03-14".into()
    });
    sign("2026-03-13");
    let c = checked(dir, id);
    assert!(c.contains(&Code::PRG_026), "{c:?}");
    sign("2026-03-14");
    assert!(checked(dir, id).is_empty());
}

#[test]
fn a_decision_cited_with_another_date_or_body_is_an_error() {
    let tmp = example_copy();
    let dir = tmp.path();
    let id = "tiers-lieu-les-communs";
    let file = dir.join(format!("associations/{id}.json"));
    assert!(checked(dir, id).is_empty());
    edit_json(&file, |v| {
        v["convention"]["decision"]["date"] = "2026-01-24".into()
    });
    assert_eq!(checked(dir, id), [Code::PRG_027]);
    edit_json(&file, |v| {
        v["convention"]["decision"]["date"] = "2026-01-23".into();
        v["convention"]["decision"]["body"] = "Conseil régional".into();
    });
    assert_eq!(checked(dir, id), [Code::PRG_027]);
    edit_json(&file, |v| {
        v["convention"]["decision"]["body"] = "Commission permanente".into();
        v["convention"]["decision"]["number"] = "CP-2026-01-99".into();
    });
    assert_eq!(checked(dir, id), [Code::PRG_025]);
    // A programme that describes no délibération is not asked to.
    let p = dir.join("charta.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let cut = text
        .split("\n# Les délibérations")
        .next()
        .unwrap()
        .to_string();
    std::fs::write(&p, cut).unwrap();
    assert!(checked(dir, id).is_empty());
}

/// Marks décision `number` adopted in the copy's charta.toml.
fn adopt(dir: &Path, number: &str) {
    let p = dir.join("charta.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let head = format!("[deliberations.\"{number}\"]\n");
    let text = text.replacen(&head, &format!("{head}adopted = true\n"), 1);
    std::fs::write(&p, text).unwrap();
}

#[test]
fn an_adopted_deliberation_is_archived_and_never_changes() {
    let tmp = example_copy();
    let dir = tmp.path();
    let n = "CP-2026-03-22";
    let projet = write(dir, &[n]);
    assert!(projet.diagnostics.is_empty());
    adopt(dir, n);
    let first = write(dir, &[n]);
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
    assert!(first.made[0].locked);
    let archive = dir.join("signed/deliberations");
    let archived = std::fs::read_to_string(archive.join("cp-2026-03-22.md")).unwrap();
    assert_eq!(archived, read(dir, "cp-2026-03-22.md"));
    assert!(archive.join("cp-2026-03-22.annexe.csv").is_file());
    assert!(
        std::fs::metadata(archive.join("cp-2026-03-22.md"))
            .unwrap()
            .permissions()
            .readonly()
    );
    // The same data: the same files, nothing refused.
    assert!(write(dir, &[n]).diagnostics.is_empty());
    // Another amount: refused, nothing replaced.
    let file = dir.join("associations/epicerie-solidaire-brecourt.json");
    edit_json(&file, |v| {
        // The amount and its line of the budget, which stays balanced.
        v["convention"]["funding"]["2026"] = 13000.into();
        v["convention"]["budget"]["2026"]["produits"]["subventions"]["region"] = 13000.into();
        v["convention"]["budget"]["2026"]["produits"]["dons"] = 1500.into();
    });
    let refused = write(dir, &[n]);
    assert_eq!(codes(&refused.diagnostics), [Code::GEN_032]);
    assert!(refused.made.is_empty());
    assert_eq!(read(dir, "cp-2026-03-22.md"), archived);
    assert_eq!(
        std::fs::read_to_string(archive.join("cp-2026-03-22.md")).unwrap(),
        archived
    );
}

#[test]
fn adopting_a_text_other_than_the_projet_is_refused() {
    let tmp = example_copy();
    let dir = tmp.path();
    let n = "CP-2026-03-22";
    write(dir, &[n]);
    let file = dir.join("associations/epicerie-solidaire-brecourt.json");
    edit_json(&file, |v| {
        // The amount and its line of the budget, which stays balanced.
        v["convention"]["funding"]["2026"] = 13000.into();
        v["convention"]["budget"]["2026"]["produits"]["subventions"]["region"] = 13000.into();
        v["convention"]["budget"]["2026"]["produits"]["dons"] = 1500.into();
    });
    adopt(dir, n);
    let refused = write(dir, &[n]);
    assert_eq!(codes(&refused.diagnostics), [Code::GEN_032]);
    assert!(
        !dir.join("signed/deliberations")
            .join("cp-2026-03-22.md")
            .exists()
    );
}

#[test]
fn the_command_writes_a_decision_and_refuses_an_unknown_one() {
    let tmp = example_copy();
    let dir = tmp.path().to_str().unwrap();
    let (code, _, err) = charta(&[
        "deliberation",
        dir,
        "--decision",
        SESSION,
        "--format",
        "md,docx",
    ]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "cp-2026-01-08.md",
        "cp-2026-01-08.docx",
        "cp-2026-01-08.rapport.docx",
        "cp-2026-01-08.annexe.csv",
    ] {
        assert!(
            tmp.path().join("out/deliberations").join(f).is_file(),
            "{f}"
        );
    }
    assert!(
        err.contains("délibération n°\u{a0}CP-2026-01-08\u{a0}: 6\u{a0}actes")
            || err.contains("6 actes"),
        "{err}"
    );
    let (code, _, err) = charta(&["deliberation", dir, "--decision", "CP-2099-01-01"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("GEN-031"), "{err}");
}

#[test]
fn the_build_writes_the_deliberations_charta_toml_describes() {
    let tmp = example_copy();
    let dir = tmp.path().to_str().unwrap();
    let (code, _, err) = charta(&["build", dir, "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    for n in [
        "cp-2026-01-07",
        "cp-2026-01-08",
        "cp-2026-03-22",
        "cp-2027-03-12",
    ] {
        assert!(
            tmp.path()
                .join(format!("out/deliberations/{n}.md"))
                .is_file(),
            "{n}: {err}"
        );
    }
}

#[test]
fn slugs_are_safe_file_names() {
    assert_eq!(deliberation::slug("CP-2026-01-08"), "cp-2026-01-08");
    assert_eq!(deliberation::slug("CP 2026/01 n° 7"), "cp-2026-01-n-7");
    assert_eq!(deliberation::slug("../.."), "decision");
}
