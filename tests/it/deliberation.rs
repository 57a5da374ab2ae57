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
    assert!(
        single.contains("pour l'exercice 2026, adopté par"),
        "{single}"
    );
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
    assert!(md.contains("pour l'exercice 2027, adopté par"), "{md}");
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

/// The items of the CP schedule of `md`: « - exercice 2026 : 152 500 € ; ».
fn schedule(md: &str, years: &[(i32, &str)]) -> String {
    let mut want = String::new();
    for (i, (y, amount)) in years.iter().enumerate() {
        let end = if i + 1 == years.len() {
            "."
        } else {
            "\u{202f};"
        };
        want.push_str(&format!("- exercice {y}\u{a0}: {amount}\u{a0}€{end}\n"));
    }
    assert!(md.contains(&want), "{want}\n---\n{md}");
    want
}

#[test]
fn the_payment_schedule_follows_the_conventions_payment_clauses() {
    // Second reading, point 4. By hand, from each convention's advance rate
    // (`payment.advance_percent`): the advance in the year, the balance the
    // next year (after the compte rendu). CP-2026-01-08:
    //   atelier 60 % of 30 000 ×3: 18 000 | 12 000 + 18 000 | 12 000 + 18 000 | 12 000
    //   mobilité 50 % of 68/70/72 000: 34 000 | 34 000 + 35 000 | 35 000 + 36 000 | 36 000
    //   recyclerie 50 % of 38/40/42 000: 19 000 | 19 000 + 20 000 | 20 000 + 21 000 | 21 000
    //   réseau 40 % of 160/165/170/170 000: 64 000 | 96 000 + 66 000 | 99 000 + 68 000
    //     | 102 000 + 68 000 | 102 000
    //   tiers-lieu 70 % of 25 000 ×2: 17 500 | 7 500 + 17 500 | 7 500
    //   2026: 152 500; 2027: 325 000; 2028: 316 500; 2029: 239 000; 2030: 102 000.
    let tmp = example_copy();
    write(tmp.path(), &[]);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    schedule(
        &md,
        &[
            (2026, "152\u{202f}500"),
            (2027, "325\u{202f}000"),
            (2028, "316\u{202f}500"),
            (2029, "239\u{202f}000"),
            (2030, "102\u{202f}000"),
        ],
    );
    assert!(md.contains("pour la période 2026-2030, en application de l'article L.\u{a0}4312-4 du code général des collectivités territoriales"), "{md}");
    assert!(md.contains("échéancier prévisionnel"), "{md}");
    assert!(
        md.contains("sont, pour chaque exercice, des montants maximaux"),
        "{md}"
    );
    assert!(!md.contains("postérieurs à"), "{md}");
    // CP-2026-01-07, 50 % of 45 000 / 45 000 / 47 500,50 (the signed amounts).
    let single = read(tmp.path(), "cp-2026-01-07.md");
    schedule(
        &single,
        &[
            (2026, "22\u{202f}500"),
            (2027, "45\u{202f}000"),
            (2028, "46\u{202f}250,25"),
            (2029, "23\u{202f}750,25"),
        ],
    );
    assert!(single.contains("pour la période 2026-2029"), "{single}");
    // CP-2027-03-12: 50 % of the 3 000 € complement in 2027, the rest in 2028.
    let avenant = read(tmp.path(), "cp-2027-03-12.md");
    schedule(&avenant, &[(2027, "1\u{202f}500"), (2028, "1\u{202f}500")]);
    // A Département cites L. 3312-4 instead.
    let toml = tmp.path().join("charta.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("kind = \"region\"", "kind = \"departement\""),
    )
    .unwrap();
    write(tmp.path(), &[SESSION]);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    assert!(md.contains("l'article L.\u{a0}3312-4 du code"), "{md}");
    assert!(!md.contains("4312-4"), "{md}");
}

#[test]
fn the_rapport_presents_each_affair() {
    // Second reading, point 8.
    let tmp = example_copy();
    write(tmp.path(), &[]);
    let session = read(tmp.path(), "cp-2026-01-08.rapport.md");
    // One item per line of the annex, with its object, nature and amount.
    assert!(
        session.contains("4. **La Recyclerie du Pays de Vaudrecourt**"),
        "{session}"
    );
    assert!(
        session.contains("convention pluriannuelle d'objectifs n°\u{a0}RVM-ESS-2026-"),
        "{session}"
    );
    assert!(
        session.contains(
            "pour un montant maximal de 120\u{202f}000\u{a0}€ sur les exercices 2026 à 2028"
        ),
        "{session}"
    );
    assert!(
        session.contains("convention-cadre n°\u{a0}RVM-ESS-2026-004, sans engagement financier"),
        "{session}"
    );
    assert!(
        session.contains("M.\u{a0}Hervé Laurent, qui siège dans les instances de l'association en qualité de représentant de la Région, ne prend part ni aux débats ni au vote"),
        "{session}"
    );
    assert!(
        session
            .trim_end()
            .ends_with("Le Président du Conseil régional"),
        "{session}"
    );
    // The avenant: the complement and the changed target, not only the new total.
    let avenant = read(tmp.path(), "cp-2027-03-12.rapport.md");
    assert!(
        avenant.contains("un complément de 3\u{202f}000\u{a0}€ sur l'exercice 2027, portant la contribution de 137\u{202f}500,50\u{a0}€ à 140\u{202f}500,50\u{a0}€"),
        "{avenant}"
    );
    assert!(
        avenant.contains("cible 2027 de l'indicateur «\u{a0}Personnes reçues en permanence d'accès aux droits\u{a0}» portée de 720 à 740 personnes"),
        "{avenant}"
    );
    assert!(
        avenant.contains(
            "pour un complément de subvention de 3\u{202f}000\u{a0}€ (trois mille euros)"
        ),
        "{avenant}"
    );
    assert!(!avenant.contains("montant total de 140"), "{avenant}");
    assert!(
        avenant.contains("| Avenants | 1 | 3\u{202f}000\u{a0}€ |"),
        "{avenant}"
    );
}

#[test]
fn the_in_kind_aid_is_decided_explicitly() {
    // Second reading, point 9: 9 600 + 9 600 + 9 800 = 29 000 €.
    let tmp = example_copy();
    write(tmp.path(), &["CP-2026-01-07"]);
    let md = read(tmp.path(), "cp-2026-01-07.md");
    assert!(md.contains("## Article 3 – Aide en nature\n"), "{md}");
    assert!(
        md.contains("D'approuver, au bénéfice de l'association Maison des Solidarités de Montvalon, la mise à disposition gratuite de locaux de 140 m²"),
        "{md}"
    );
    assert!(
        md.contains("pour une valeur de 9\u{202f}600\u{a0}€ en 2026, 9\u{202f}600\u{a0}€ en 2027 et 9\u{202f}800\u{a0}€ en 2028, soit 29\u{202f}000\u{a0}€ au total."),
        "{md}"
    );
    assert!(
        md.contains("l'article 59 de la loi n°\u{a0}2014-856"),
        "{md}"
    );
    assert!(!md.contains("dans les mêmes conditions"), "{md}");
    // An avenant does not decide the in-kind aid again.
    write(tmp.path(), &["CP-2027-03-12"]);
    assert!(!read(tmp.path(), "cp-2027-03-12.md").contains("Aide en nature"));
}

#[test]
fn the_visas_cite_each_text_once_in_numeric_order() {
    // Second reading, point 14.
    let tmp = example_copy();
    write(tmp.path(), &[SESSION]);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    let visas = &md[..md.find("DÉCIDE").unwrap()];
    assert!(
        visas.contains("Vu le code général des collectivités territoriales, notamment ses articles L.\u{a0}1611-4, L.\u{a0}4221-1, L.\u{a0}4221-5, L.\u{a0}4251-12 et L.\u{a0}4312-4\u{202f};"),
        "{visas}"
    );
    assert_eq!(
        visas
            .matches("code général des collectivités territoriales")
            .count(),
        1,
        "{visas}"
    );
    assert!(
        visas.contains(
            "relative à l'économie sociale et solidaire, notamment ses articles 7 et 59\u{202f};"
        ),
        "{visas}"
    );
    assert_eq!(visas.matches("2014-856").count(), 1, "{visas}");
    assert!(
        visas.contains(
            "Vu la délibération n°\u{a0}CR-2021-07-02 du Conseil régional du 2 juillet 2021"
        ),
        "{visas}"
    );
}

#[test]
fn the_budget_visa_and_the_vote_are_left_to_complete_without_data() {
    // Second reading, point 15.
    let tmp = example_copy();
    write(tmp.path(), &["CP-2027-03-12"]);
    let md = read(tmp.path(), "cp-2027-03-12.md");
    assert!(
        md.contains("Vu le budget de la Région pour l'exercice 2027, adopté par délibération n°\u{a0}CR-2026-12-11 du Conseil régional du 11 décembre 2026\u{202f};"),
        "{md}"
    );
    assert!(
        md.contains("Résultat du vote\u{a0}: … [à compléter]."),
        "{md}"
    );
    let (prog, _) = load_programme(tmp.path()).unwrap();
    let warned = |prog: &charta::load::Programme| {
        charta::check::check_programme(prog)
            .into_iter()
            .filter(|d| d.code == Code::PRG_028)
            .count()
    };
    assert_eq!(warned(&prog), 0);
    // Without `budget`: a mention to complete, and a warning per décision.
    let toml = tmp.path().join("charta.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("budget = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = text.replace(
        "[deliberations.\"CP-2026-01-08\"]\n",
        "[deliberations.\"CP-2026-01-08\"]\nvote = \"adoptée à l'unanimité des suffrages exprimés\"\n",
    );
    std::fs::write(&toml, text).unwrap();
    let (prog, _) = load_programme(tmp.path()).unwrap();
    assert_eq!(warned(&prog), 4);
    write(tmp.path(), &["CP-2027-03-12", SESSION]);
    let md = read(tmp.path(), "cp-2027-03-12.md");
    assert!(
        md.contains("Vu le budget primitif de la Région pour l'exercice 2027, adopté par délibération n°\u{a0}… du … [à compléter]\u{202f};"),
        "{md}"
    );
    assert!(!md.contains("CR-2026-12-11"), "{md}");
    let session = read(tmp.path(), "cp-2026-01-08.md");
    assert!(
        session.contains("Résultat du vote\u{a0}: adoptée à l'unanimité des suffrages exprimés."),
        "{session}"
    );
    assert!(
        session.contains("Ligne 4 de l'annexe, vote distinct\u{a0}: M.\u{a0}Hervé Laurent n'a pris part ni aux débats ni au vote [à confirmer à l'extrait]."),
        "{session}"
    );
}

#[test]
fn a_sieg_entrusted_by_its_convention_is_stated_in_a_considerant() {
    // Second reading, point 10: only the compensation under décision 2012/21/UE
    // (the réseau), not the SIEG de minimis of règlement 2023/2832 (Roulons Ensemble).
    let tmp = example_copy();
    write(tmp.path(), &[SESSION, "CP-2026-01-07"]);
    let md = read(tmp.path(), "cp-2026-01-08.md");
    assert!(
        md.contains("Considérant que la convention n°\u{a0}RVM-ESS-2026-002 charge l'association Réseau Territorial pour l'Insertion et l'Emploi de la gestion d'un service d'intérêt économique général"),
        "{md}"
    );
    assert!(
        md.contains("(décision 2012/21/UE de la Commission du 20 décembre 2011, art.\u{a0}4 et 5)"),
        "{md}"
    );
    assert_eq!(md.matches("charge l'association").count(), 1, "{md}");
    assert!(!md.contains("L.\u{a0}1511-2"), "{md}");
    assert!(!read(tmp.path(), "cp-2026-01-07.md").contains("charge l'association"));
}
