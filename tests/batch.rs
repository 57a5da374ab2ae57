//! Batch builds: incremental, atomic, resumable, and never silently changing a
//! signed convention.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::Path;

use charta::batch::{self, BuildOptions, BuildReport, Manifest, Status};
use charta::load::load_programme;

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
    }
}

fn build(dir: &Path, pdf: bool) -> BuildReport {
    let (prog, diags) = load_programme(dir).expect("loads");
    assert!(diags.is_empty(), "{diags:?}");
    batch::build(&prog, &opts(&dir.join("out"), pdf), &()).expect("build runs")
}

fn with_status(r: &BuildReport, s: Status) -> BTreeSet<String> {
    r.outcomes
        .iter()
        .filter(|(_, x)| *x == s)
        .map(|(id, _)| id.clone())
        .collect()
}

/// Every manifest entry describes the files on disk exactly.
fn assert_manifest_true(out: &Path) {
    let m = Manifest::read(out).expect("manifest");
    for e in &m.conventions {
        for f in e.outputs.values() {
            let bytes =
                std::fs::read(out.join(&f.file)).unwrap_or_else(|_| panic!("{} missing", f.file));
            assert_eq!(batch::sha256_hex(&bytes), f.sha256, "{} altered", f.file);
        }
    }
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
    let tmp = example_copy();
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
        d.message.contains("signed on 2026-02-10 would change"),
        "{}",
        d.message
    );
    assert!(
        d.message.contains("contribution-financiere"),
        "says what changed: {}",
        d.message
    );
    assert!(d.hint.as_deref().unwrap().contains("amendment (avenant)"));
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
    let forced = batch::build(&prog, &o, &()).unwrap();
    assert_eq!(
        with_status(&forced, Status::Refused),
        BTreeSet::from([signed.to_string()])
    );
}

#[test]
fn a_signed_convention_keeps_its_files_when_only_the_layout_changes() {
    let tmp = example_copy();
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
    let layout = charta::pdf::BUILTIN_LAYOUT.replace("#1f3a5f", "#5f1f3a");
    assert_ne!(layout, charta::pdf::BUILTIN_LAYOUT);
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
    let forced = batch::build(&prog, &o, &()).unwrap();
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
fn a_build_killed_midway_resumes_to_complete_files_and_a_true_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let gen_status = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        .arg("--version")
        .status()
        .unwrap();
    assert!(gen_status.success());
    // 24 generated associations: the example's programme with copies of its files.
    copy_programme(&example_dir(), dir);
    for e in std::fs::read_dir(example_dir().join("associations")).unwrap() {
        let p = e.unwrap().path();
        for k in 1..3 {
            let stem = p.file_stem().unwrap().to_string_lossy();
            let target = dir.join(format!("associations/{stem}-{k}.json"));
            std::fs::copy(&p, &target).unwrap();
            edit_json(&target, |v| {
                v["convention"]["signature"]["date"] = serde_json::Value::Null
            });
        }
    }
    let out = dir.join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        .args(["build", dir.to_str().unwrap(), "--jobs", "2"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as a few PDFs are out.
    let started = std::time::Instant::now();
    loop {
        let pdfs = std::fs::read_dir(&out)
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "pdf")
                })
                .count()
            })
            .unwrap_or(0);
        if pdfs >= 3 || started.elapsed().as_secs() > 120 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Every output present is complete (temporary files are hidden and cleaned by the next build).
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".charta-tmp-") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        if name.ends_with(".pdf") {
            assert!(
                bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                "{name} truncated"
            );
        } else if name.ends_with(".md") {
            assert!(
                bytes.ends_with(b"\n")
                    && String::from_utf8(bytes).unwrap().contains("part:signature"),
                "{name} truncated"
            );
        }
    }
    // A manifest flushed during the build lists only conventions whose files are complete.
    if out.join("manifest.json").exists() {
        assert_manifest_true(&out);
    }
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        .args(["build", dir.to_str().unwrap(), "--jobs", "2"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_manifest_true(&out);
    let m = Manifest::read(&out).unwrap();
    assert_eq!(m.conventions.len(), 24);
    assert!(
        m.conventions
            .iter()
            .all(|e| e.output("md").is_some() && e.output("pdf").is_some())
    );
    let leftovers = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".charta-tmp-")
        })
        .count();
    assert_eq!(leftovers, 0);
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
            .filter(|d| d.contains("no association file"))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("`recyclerie-vaudrecourt` has no association file any more")
                && warnings[0].contains(
                    "`recyclerie-vaudrecourt.md` is left in place and keeps its manifest entry"
                )
                && warnings[0].contains("delete it if the convention is withdrawn"),
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
            .any(|d| d.message.contains("no association file")),
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

/// `charta build` with the debug-build failpoint that panics while typesetting
/// the convention whose reference is `panic_on`.
fn build_cli(dir: &Path, panic_on: Option<&str>) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charta"));
    cmd.arg("build").arg(dir).env("NO_COLOR", "1");
    if let Some(reference) = panic_on {
        cmd.env("CHARTA_TEST_PANIC", reference);
    }
    let out = cmd.output().expect("charta runs");
    (
        out.status.code().expect("exit status"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bug_in_one_convention_fails_only_that_one_and_loses_nothing() {
    let tmp = example_copy();
    let dir = tmp.path();
    let out = dir.join("out");
    let id = "recyclerie-vaudrecourt";
    let reference = "RVM-ESS-2026-006";
    let stray = |out: &Path| {
        std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".charta-tmp"))
            .collect::<Vec<_>>()
    };

    // A panic while typesetting one convention: the seven others are built,
    // the manifest is written, and the exit status says it is a fault of the
    // program (2), not of the data.
    let (code, err) = build_cli(dir, Some(reference));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "error: {id}: internal error while building this convention \
             (CHARTA_TEST_PANIC failpoint); its previous files are left in place"
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: this is a bug of charta or of Typst"),
        "{err}"
    );
    assert!(
        err.contains("7 rendered, 0 unchanged, 0 refused, 1 failed"),
        "{err}"
    );
    assert!(!out.join(format!("{id}.md")).exists());
    assert!(stray(&out).is_empty(), "{:?}", stray(&out));
    let m = Manifest::read(&out).expect("manifest written");
    assert_eq!(m.conventions.len(), 7);
    assert_manifest_true(&out);

    // Without the bug, the next build finishes the work.
    let (code, err) = build_cli(dir, None);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 rendered, 7 unchanged"), "{err}");
    let md = std::fs::read(out.join(format!("{id}.md"))).unwrap();
    let pdf = std::fs::read(out.join(format!("{id}.pdf"))).unwrap();

    // A change, then the bug again: the previous files stay as they were.
    edit_json(&dir.join(format!("associations/{id}.json")), |v| {
        v["association"]["acronym"] = serde_json::json!("RVX");
    });
    let (code, err) = build_cli(dir, Some(reference));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("0 rendered, 7 unchanged, 0 refused, 1 failed"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join(format!("{id}.md"))).unwrap(), md);
    assert_eq!(std::fs::read(out.join(format!("{id}.pdf"))).unwrap(), pdf);
    assert!(stray(&out).is_empty(), "{:?}", stray(&out));
    assert_manifest_true(&out);
}
