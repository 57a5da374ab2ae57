//! Batch builds: incremental, atomic, resumable, and never silently changing a
//! signed convention.

use crate::common::*;

use std::collections::BTreeSet;
use std::path::Path;

use charta::build::{self, BuildOptions, BuildReport, Collected};
use charta::load::load_programme;
use charta::out::{Manifest, Status};

fn opts(out: &Path, pdf: bool) -> BuildOptions {
    BuildOptions {
        out: out.to_path_buf(),
        formats: if pdf {
            vec!["md".into(), "pdf".into()]
        } else {
            vec!["md".into()]
        },
        only: vec![],
        jobs: 2,
        force: false,
        keep_typst: false,
        shard: None,
    }
}

fn build(dir: &Path, pdf: bool) -> Collected {
    let (prog, diags) = load_programme(dir).expect("loads");
    assert!(diags.is_empty(), "{diags:?}");
    build::run_collected(&prog, &opts(&dir.join("out"), pdf), &()).expect("build runs")
}

fn with_status(r: &BuildReport, s: Status) -> BTreeSet<String> {
    r.outcomes
        .iter()
        .filter(|(_, x)| *x == s)
        .map(|(id, _)| id.clone())
        .collect()
}

#[test]
fn unchanged_inputs_are_skipped_and_missing_or_altered_outputs_rebuilt() {
    let tmp = example_copy();
    let dir = tmp.path();
    let first = build(dir, true);
    let n = first.outcomes.len();
    assert_eq!(first.count(Status::Rendered), n, "{:?}", first.diagnostics);
    assert_manifest_true(&dir.join("out"));

    let second = build(dir, true);
    assert_eq!(second.count(Status::Unchanged), n);

    std::fs::remove_file(dir.join("out/tiers-lieu-les-communs.pdf")).unwrap();
    let mut md = std::fs::read_to_string(dir.join("out/recyclerie-vaudrecourt.md")).unwrap();
    md.push_str("ajout manuel\n");
    std::fs::write(dir.join("out/recyclerie-vaudrecourt.md"), md).unwrap();
    let third = build(dir, true);
    assert_eq!(
        with_status(&third, Status::Rendered),
        BTreeSet::from([
            "recyclerie-vaudrecourt".to_string(),
            "tiers-lieu-les-communs".to_string()
        ])
    );
    assert_eq!(third.count(Status::Unchanged), n - 2);
    assert!(dir.join("out/tiers-lieu-les-communs.pdf").is_file());
    assert_manifest_true(&dir.join("out"));
}

#[test]
fn a_changed_clause_rerenders_exactly_the_conventions_that_use_it() {
    let tmp = example_copy();
    let dir = tmp.path();
    build(dir, false);
    // The programme overrides the optional `comite-de-suivi` clause with a new version.
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("clauses/options/comite-de-suivi.md"),
    )
    .unwrap();
    let changed = builtin.replace("version = \"1.0.0\"", "version = \"1.1.0\"")
        + "\nLe comité se réunit au moins deux fois par an.\n";
    std::fs::create_dir_all(dir.join("clauses")).unwrap();
    std::fs::write(dir.join("clauses/comite-de-suivi.md"), changed).unwrap();

    let users: BTreeSet<String> = std::fs::read_dir(dir.join("associations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("\"comite-de-suivi\"")
        })
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(users.len() >= 2 && users.len() < 8, "{users:?}");
    let r = build(dir, false);
    assert_eq!(with_status(&r, Status::Rendered), users);
    let m = Manifest::read(&dir.join("out")).unwrap();
    for e in m.conventions.iter().filter(|e| users.contains(&e.id)) {
        let c = e
            .inputs
            .clauses
            .iter()
            .find(|c| c.id == "comite-de-suivi")
            .unwrap();
        assert_eq!(c.version, "1.1.0");
        assert_eq!(c.origin, charta::load::Origin::Programme);
    }
}

#[test]
fn a_signed_convention_is_never_silently_changed() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    build(dir, true);
    let signed = "maison-solidarites-montvalon";
    let md_before = std::fs::read(dir.join(format!("out/{signed}.md"))).unwrap();
    let pdf_before = std::fs::read(dir.join(format!("out/{signed}.pdf"))).unwrap();
    edit_json(&dir.join(format!("associations/{signed}.json")), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(48000);
    });
    // Another association changes too, and is rebuilt.
    edit_json(&dir.join("associations/tiers-lieu-les-communs.json"), |v| {
        v["project"]["title"] = serde_json::json!("Un tiers-lieu rural renouvelé");
    });
    let r = build(dir, true);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([signed.to_string()])
    );
    assert_eq!(
        with_status(&r, Status::Rendered),
        BTreeSet::from(["tiers-lieu-les-communs".to_string()])
    );
    assert!(r.has_errors());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with(signed))
        .expect("a diagnostic names it");
    assert!(
        d.message
            .contains("la convention signée le 2026-02-10 changerait"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("l'article\u{a0}4"),
        "says what changed: {}",
        d.message
    );
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .contains("une convention signée ne change que par avenant")
    );
    assert_eq!(
        std::fs::read(dir.join(format!("out/{signed}.md"))).unwrap(),
        md_before
    );
    assert_eq!(
        std::fs::read(dir.join(format!("out/{signed}.pdf"))).unwrap(),
        pdf_before
    );
    assert_manifest_true(&dir.join("out"));
    // --force does not bypass the protection either.
    let (prog, _) = load_programme(dir).unwrap();
    let mut o = opts(&dir.join("out"), false);
    o.force = true;
    let forced = build::run_collected(&prog, &o, &()).unwrap();
    assert_eq!(
        with_status(&forced, Status::Refused),
        BTreeSet::from([signed.to_string()])
    );
}

#[test]
fn a_signed_convention_keeps_its_files_when_only_the_layout_changes() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    build(dir, true);
    let read = |file: &str| std::fs::read(dir.join("out").join(file)).unwrap();
    let signed = "maison-solidarites-montvalon";
    let other = "tiers-lieu-les-communs";
    let (signed_md, signed_pdf, other_pdf) = (
        read(&format!("{signed}.md")),
        read(&format!("{signed}.pdf")),
        read(&format!("{other}.pdf")),
    );
    // The programme gets its own layout: another accent colour. Every
    // convention's pages would change; the signed one's text does not.
    let layout = charta::emit::pdf::BUILTIN_LAYOUT.replace("#1f3a5f", "#5f1f3a");
    assert_ne!(layout, charta::emit::pdf::BUILTIN_LAYOUT);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/convention.typ"), layout).unwrap();

    let r = build(dir, true);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert!(with_status(&r, Status::Unchanged).contains(signed));
    assert!(with_status(&r, Status::Rendered).contains(other));
    assert_ne!(read(&format!("{other}.pdf")), other_pdf);
    assert_eq!(read(&format!("{signed}.md")), signed_md);
    assert_eq!(read(&format!("{signed}.pdf")), signed_pdf);
    assert_manifest_true(&dir.join("out"));

    // Nor does --force redo it; a deleted signed PDF is made again.
    let (prog, _) = load_programme(dir).unwrap();
    let mut o = opts(&dir.join("out"), true);
    o.force = true;
    o.only = vec![signed.to_string()];
    let forced = build::run_collected(&prog, &o, &()).unwrap();
    assert_eq!(
        with_status(&forced, Status::Unchanged),
        BTreeSet::from([signed.to_string()])
    );
    assert_eq!(read(&format!("{signed}.pdf")), signed_pdf);
    std::fs::remove_file(dir.join(format!("out/{signed}.pdf"))).unwrap();
    let again = build(dir, true);
    assert_eq!(
        with_status(&again, Status::Rendered),
        BTreeSet::from([signed.to_string()])
    );
    assert_manifest_true(&dir.join("out"));
}

#[test]
fn a_removed_association_keeps_its_files_and_is_reported_until_they_go() {
    let tmp = example_copy();
    let dir = tmp.path();
    let out = dir.join("out");
    let first = build(dir, false);
    let n = first.outcomes.len();
    std::fs::remove_file(dir.join("associations/recyclerie-vaudrecourt.json")).unwrap();

    // Its convention stays in OUT and in the manifest, with a warning (not an
    // error: the other conventions are built and the exit status is 0).
    for _ in 0..2 {
        let r = build(dir, false);
        assert_eq!(r.count(Status::Unchanged), n - 1);
        assert!(!r.has_errors(), "{:?}", r.diagnostics);
        let warnings: Vec<String> = r
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .filter(|d| d.contains("n'a plus de fichier d'association"))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("`recyclerie-vaudrecourt` n'a plus de fichier d'association")
                && warnings[0].contains(
                    "`recyclerie-vaudrecourt.md` reste en place et garde son entrée au manifeste"
                )
                && warnings[0].contains("supprimez-le si la convention est retirée"),
            "{}",
            warnings[0]
        );
        assert!(out.join("recyclerie-vaudrecourt.md").is_file());
        let m = Manifest::read(&out).unwrap();
        assert!(
            m.conventions
                .iter()
                .any(|e| e.id == "recyclerie-vaudrecourt")
        );
        assert_manifest_true(&out);
    }

    // Once its files are deleted, the entry goes and nothing is reported.
    std::fs::remove_file(out.join("recyclerie-vaudrecourt.md")).unwrap();
    let r = build(dir, false);
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.message.contains("n'a plus de fichier d'association")),
        "{:?}",
        r.diagnostics
    );
    let m = Manifest::read(&out).unwrap();
    assert_eq!(m.conventions.len(), n - 1);
    assert!(
        !m.conventions
            .iter()
            .any(|e| e.id == "recyclerie-vaudrecourt")
    );
}

const SIGNED: &str = "maison-solidarites-montvalon";

/// The signed convention's Markdown and PDF in OUT.
fn signed_files(out: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(out.join(format!("{SIGNED}.md"))).unwrap(),
        std::fs::read(out.join(format!("{SIGNED}.pdf"))).unwrap(),
    )
}

/// Changes the signed convention's funding for 2028 (its text changes).
fn change_signed_text(dir: &Path) {
    edit_json(&dir.join(format!("associations/{SIGNED}.json")), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(48000);
    });
}

#[test]
fn a_refused_rebuild_exits_1_and_says_what_changed() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    let first = charta_build(dir, &[], None);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = signed_files(&dir.join("out"));
    change_signed_text(dir);
    let r = charta_build(dir, &[], None);
    // A refusal is a problem of the inputs: 1.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.with("refused"),
        BTreeSet::from([SIGNED.to_string()]),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            // The example's convention has its signed archive: the avenant step refuses (GEN-006).
            "erreur [GEN-006]\u{a0}: {SIGNED}\u{a0}: la convention signée le 2026-02-10 changerait"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("0 établie, 7 inchangées, 1 refusée, 0 en échec"),
        "{}",
        r.stderr
    );
    assert!(signed_files(&dir.join("out")) == before);
}

#[test]
fn a_signed_convention_is_protected_even_without_its_manifest() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    let out = dir.join("out");
    build(dir, true);
    let before = signed_files(&out);
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    change_signed_text(dir);
    let r = build(dir, true);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([SIGNED.to_string()]),
        "{:?}",
        r.diagnostics
    );
    assert!(signed_files(&out) == before);
    assert_manifest_true(&out);

    // Its text restored but the layout changed, still without a manifest:
    // the files in OUT are the signed ones, kept byte for byte.
    let original = dir.join(format!("signed/{SIGNED}/convention.data.json"));
    std::fs::copy(original, dir.join(format!("associations/{SIGNED}.json"))).unwrap();
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("templates/convention.typ"),
        charta::emit::pdf::BUILTIN_LAYOUT.replace("#1f3a5f", "#5f1f3a"),
    )
    .unwrap();
    let r = build(dir, true);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert!(with_status(&r, Status::Unchanged).contains(SIGNED));
    assert!(signed_files(&out) == before);
    assert_manifest_true(&out);
}

#[test]
fn a_signed_convention_built_as_pdf_only_is_still_protected() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    let out = dir.join("out");
    let (prog, _) = load_programme(dir).unwrap();
    let mut o = opts(&out, true);
    o.formats = vec!["pdf".to_string()];
    let first = build::run_collected(&prog, &o, &()).unwrap();
    assert!(!first.has_errors(), "{:?}", first.diagnostics);
    let pdf_before = std::fs::read(out.join(format!("{SIGNED}.pdf"))).unwrap();
    assert!(!out.join(format!("{SIGNED}.md")).exists());

    change_signed_text(dir);
    let r = build(dir, true);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([SIGNED.to_string()]),
        "{:?}",
        r.diagnostics
    );
    assert!(std::fs::read(out.join(format!("{SIGNED}.pdf"))).unwrap() == pdf_before);
    assert!(!out.join(format!("{SIGNED}.md")).exists());
}

#[test]
fn a_template_or_programme_change_reaching_a_signed_text_is_refused() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    let out = dir.join("out");
    build(dir, true);
    let before = signed_files(&out);
    let toml = std::fs::read_to_string(dir.join("charta.toml")).unwrap();

    // charta.toml: a comment changes no text; the signed files stay as they
    // are (the others are rendered again: their inputs changed).
    std::fs::write(
        dir.join("charta.toml"),
        format!("{toml}\n# Relu en commission.\n"),
    )
    .unwrap();
    let r = build(dir, true);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(
        with_status(&r, Status::Unchanged),
        BTreeSet::from([SIGNED.to_string()])
    );
    assert!(signed_files(&out) == before);

    // charta.toml: the funder's name changes the text.
    std::fs::write(
        dir.join("charta.toml"),
        toml.replace(
            "name = \"Région Val-de-Meuse\"",
            "name = \"Région Val-de-Meuse-et-Argonne\"",
        ),
    )
    .unwrap();
    // The signed files are written from the archive: they stay as signed.
    // The funder is named in the parties block, which each act (the
    // convention, an avenant) states for itself: no avenant is drafted.
    let r = build(dir, true);
    assert!(
        !with_status(&r, Status::Rendered).contains(SIGNED),
        "{:?}",
        r.outcomes
    );
    assert!(signed_files(&out) == before);
    assert!(!out.join(format!("{SIGNED}.avenant-1.md")).exists());
    std::fs::write(dir.join("charta.toml"), &toml).unwrap();

    // A template: the title of an article changes the text.
    let cpo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/cpo.toml"))
            .unwrap();
    let changed = cpo.replace(
        "title = \"Objet de la convention\"",
        "title = \"Objet et champ de la convention\"",
    );
    assert_ne!(changed, cpo);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/cpo.toml"), changed).unwrap();
    let r = build(dir, true);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([SIGNED.to_string()]),
        "{:?}",
        r.diagnostics
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with(SIGNED))
        .expect("a diagnostic names it");
    assert!(d.message.contains("changerait"), "{}", d.message);
    assert!(signed_files(&out) == before);
    assert_manifest_true(&out);
}

/// The example's signed convention as a draft: its signature date blank.
fn as_draft(dir: &Path) {
    edit_json(&dir.join(format!("associations/{SIGNED}.json")), |v| {
        v["convention"]["signature"]["date"] = serde_json::Value::Null;
    });
}

/// Dates the signed convention, 10 February 2026.
fn date_it(dir: &Path) {
    edit_json(&dir.join(format!("associations/{SIGNED}.json")), |v| {
        v["convention"]["signature"]["date"] = serde_json::json!("2026-02-10");
    });
}

/// The signature line of a convention: « Fait à …, le …, en … ».
fn signature_line(md: &str) -> &str {
    md.lines()
        .find(|l| l.starts_with("Fait à"))
        .expect("a signature line")
}

#[test]
fn a_draft_built_then_dated_is_archived_as_printed_with_its_date() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    as_draft(dir);
    let r = build(dir, false);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let draft = std::fs::read_to_string(dir.join(format!("out/{SIGNED}.md"))).unwrap();
    assert_eq!(
        signature_line(&draft),
        "Fait à Montvalon-sur-Meuse, le ………………, en deux exemplaires originaux."
    );
    assert!(!dir.join("signed").exists(), "a draft is not archived");

    // Printed, signed on paper on 10 February 2026: the date alone is set.
    date_it(dir);
    let r = build(dir, false);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(
        with_status(&r, Status::Rendered),
        BTreeSet::from([SIGNED.to_string()])
    );
    let archived =
        std::fs::read_to_string(dir.join(format!("signed/{SIGNED}/convention.md"))).unwrap();
    assert_eq!(
        signature_line(&archived),
        "Fait à Montvalon-sur-Meuse, le 10 février 2026, en deux exemplaires originaux."
    );
    assert_eq!(
        archived.replacen("le 10 février 2026,", "le ………………,", 1),
        draft,
        "the archived text is the draft printed, its date filled in"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(format!("out/{SIGNED}.md"))).unwrap(),
        archived
    );
    // From now on it is built from its archive.
    let again = build(dir, false);
    assert_eq!(with_status(&again, Status::Unchanged), association_ids(dir));
}

#[test]
fn a_draft_dated_with_another_change_in_the_same_edit_is_refused() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    as_draft(dir);
    let first = charta_build(dir, &["--format", "md,pdf"], None);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let out_before = out_files(&dir.join("out"));
    // Dated, and the 2028 amount changed in the same edit: that amount was
    // not on the paper signed.
    date_it(dir);
    change_signed_text(dir);
    let r = charta_build(dir, &["--format", "md,pdf"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.with("refused"), BTreeSet::from([SIGNED.to_string()]));
    let flat = r.stderr.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        flat.contains(&format!(
            "erreur [GEN-028] : {SIGNED} : la convention datée du 2026-02-10 n'est pas le projet établi par la dernière génération (2 clauses modifiées (contribution-financiere, budget-previsionnel)), qui est le texte imprimé pour signature ; rien n'est archivé, fichiers laissés intacts"
        )),
        "names the change: {}",
        r.stderr
    );
    assert!(flat.contains("= à : convention.signature.date"), "{flat}");
    assert!(
        flat.contains(
            "la modification passe ensuite par l'avenant n° 1, à ajouter à `convention.amendments`"
        ),
        "{flat}"
    );
    assert_eq!(out_files(&dir.join("out")), out_before, "OUT untouched");
    assert!(!dir.join("signed").exists(), "nothing archived");

    // The amount as printed: the convention is archived as signed.
    edit_json(&dir.join(format!("associations/{SIGNED}.json")), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(47500.5);
    });
    let r = charta_build(dir, &["--format", "md,pdf"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        dir.join(format!("signed/{SIGNED}/convention.pdf"))
            .is_file()
    );
}

#[test]
fn a_draft_found_in_out_without_its_manifest_is_the_text_printed() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    as_draft(dir);
    assert!(!build(dir, false).has_errors());
    std::fs::remove_file(dir.join("out/manifest.json")).unwrap();
    date_it(dir);
    let r = build(dir, false);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert!(dir.join(format!("signed/{SIGNED}/convention.md")).is_file());

    // Dated with a change, the manifest gone again: the draft in OUT is
    // not the signed text, and today's is neither.
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    as_draft(dir);
    assert!(!build(dir, false).has_errors());
    std::fs::remove_file(dir.join("out/manifest.json")).unwrap();
    date_it(dir);
    change_signed_text(dir);
    let r = build(dir, false);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([SIGNED.to_string()])
    );
    assert!(!dir.join("signed").exists());
}

#[test]
fn a_text_that_the_signature_date_changes_beyond_its_signature_block_is_refused() {
    // A de minimis aid: the declared aid counted are those of the three years
    // before the grant, the decision date (23 January 2026) while a draft,
    // the signature date once signed.
    let velo = "atelier-velo-thionvaux";
    let tmp = draft_copy();
    let dir = tmp.path();
    let file = dir.join(format!("associations/{velo}.json"));
    edit_json(&file, |v| {
        v["association"]["de_minimis_declared"] = serde_json::json!([
            {"grantor": "Commune de Thionvaux", "granted_on": "2023-02-01", "amount": 10000}
        ]);
    });
    assert!(!build(dir, false).has_errors());
    let draft = std::fs::read_to_string(dir.join(format!("out/{velo}.md"))).unwrap();
    assert!(
        draft.contains("une aide de minimis de 10\u{202f}000\u{a0}€"),
        "{draft}"
    );
    let before = out_files(&dir.join("out"));
    // Signed on 10 February 2026: that aid is more than three years old then,
    // and the text with its date would not state it. The paper does.
    edit_json(&file, |v| {
        v["convention"]["signature"]["date"] = serde_json::json!("2026-02-10");
    });
    let r = build(dir, false);
    assert_eq!(
        with_status(&r, Status::Refused),
        BTreeSet::from([velo.to_string()])
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "GEN-030")
        .expect("GEN-030");
    assert_eq!(d.path.as_deref(), Some("convention.signature.date"));
    assert!(
        d.message
            .contains("la date change aussi le reste du texte (1 clause modifiée (de-minimis))"),
        "{}",
        d.message
    );
    assert_eq!(out_files(&dir.join("out")), before, "OUT untouched");
    assert!(
        !dir.join(format!("signed/{velo}")).exists(),
        "nothing archived"
    );

    // An aid within both periods: the date changes the signature block only.
    edit_json(&file, |v| {
        v["convention"]["signature"]["date"] = serde_json::Value::Null;
        v["association"]["de_minimis_declared"][0]["granted_on"] = serde_json::json!("2024-02-01");
    });
    assert!(!build(dir, false).has_errors());
    edit_json(&file, |v| {
        v["convention"]["signature"]["date"] = serde_json::json!("2026-02-10");
    });
    let r = build(dir, false);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert!(dir.join(format!("signed/{velo}/convention.md")).is_file());
}
