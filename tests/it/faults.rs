//! Faults that are not the data's, injected with `CHARTA_FAILPOINT` (it
//! works in every build profile): a panic in each stage of one convention,
//! a full disk in the middle of each file. The convention fails alone, with
//! exit status 2, and nothing is lost: its previous files stay byte for byte,
//! no temporary file is left, the manifest tells the truth, and the next
//! build finishes the work.

use std::path::Path;

use crate::common::*;

const ID: &str = "recyclerie-vaudrecourt";

/// The example built (Markdown and PDF), then `ID` changed.
fn built_then_changed() -> tempfile::TempDir {
    let tmp = example_copy();
    let first = charta_build(tmp.path(), &[], None);
    assert_eq!(first.code, 0, "{}", first.stderr);
    edit_json(&tmp.path().join(format!("associations/{ID}.json")), |v| {
        v["association"]["acronym"] = serde_json::json!("RVX");
    });
    tmp
}

fn assert_nothing_lost(out: &Path, before: &std::collections::BTreeMap<String, Vec<u8>>) {
    let now = out_files(out);
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in before {
        assert!(now[name] == *bytes, "{name} changed");
    }
    assert!(temporaries(out).is_empty(), "{:?}", temporaries(out));
    assert_manifest_true(out);
}

/// A build of `dir` with `failpoint` that fails `ID` alone: exit 2, `said`
/// on stderr, the others unchanged, nothing of `before` lost. Its run.
fn fails_alone(
    dir: &Path,
    failpoint: &str,
    said: &str,
    before: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Run {
    let r = charta_build(dir, &[], Some(failpoint));
    assert_eq!(r.code, 2, "{failpoint}: {}", r.stderr);
    assert!(r.stderr.contains(said), "{failpoint}: {}", r.stderr);
    assert!(
        r.stderr
            .contains("0 établie, 7 inchangées, 0 refusée, 1 en échec"),
        "{failpoint}: {}",
        r.stderr
    );
    assert_nothing_lost(&dir.join("out"), before);
    r
}

/// A build of `dir` with `failpoint` on the manifest or its journal: exit 2,
/// said, the previous manifest whole and every output there.
fn manifest_not_written(dir: &Path, failpoint: &str) {
    let out = dir.join("out");
    let manifest_before = std::fs::read(out.join("manifest.json")).unwrap();
    let r = charta_build(dir, &[], Some(failpoint));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("erreur [FIC-008]\u{a0}: impossible d'écrire le manifeste\u{a0}: no space left on device"),
        "{}",
        r.stderr
    );
    assert!(std::fs::read(out.join("manifest.json")).unwrap() == manifest_before);
    assert_outputs_complete(&out);
}

#[test]
fn a_panic_in_any_stage_fails_that_convention_only_and_keeps_its_files() {
    let tmp = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let before = out_files(&out);
    for at in [
        format!("render:{ID}"),
        format!("pdf:{ID}"),
        format!("write:{ID}.md"),
        format!("write:{ID}.data.json"),
        format!("write:{ID}.pdf"),
    ] {
        let said = format!(
            "erreur [GEN-005]\u{a0}: {ID}\u{a0}: erreur interne en établissant cette convention \
             (CHARTA_FAILPOINT panic at {at})\u{a0}; ses fichiers précédents restent en place"
        );
        let r = fails_alone(dir, &format!("panic:{at}"), &said, &before);
        assert!(
            r.stderr
                .contains("aide\u{a0}: c'est un défaut de charta ou de Typst"),
            "{}",
            r.stderr
        );
    }
    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("1 établie, 7 inchangées"), "{}", r.stderr);
}

#[test]
fn a_panic_on_a_first_build_writes_the_others_and_no_file_of_its_own() {
    let tmp = example_copy();
    let dir = tmp.path();
    let out = dir.join("out");
    for (k, at) in [format!("render:{ID}"), format!("pdf:{ID}")]
        .iter()
        .enumerate()
    {
        if k > 0 {
            std::fs::remove_dir_all(&out).unwrap();
        }
        let r = charta_build(dir, &[], Some(format!("panic:{at}").as_str()));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("7 établies, 0 inchangée, 0 refusée, 1 en échec"),
            "{}",
            r.stderr
        );
        assert!(!out.join(format!("{ID}.md")).exists());
        assert!(!out.join(format!("{ID}.pdf")).exists());
        let m = charta::out::Manifest::read(&out).expect("manifest written");
        assert_eq!(m.conventions.len(), 7);
        assert_manifest_true(&out);
        assert!(temporaries(&out).is_empty());
    }
}

#[test]
fn a_full_disk_fails_the_write_with_exit_2_and_loses_nothing() {
    let tmp = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let before = out_files(&out);
    for file in [
        format!("{ID}.md"),
        format!("{ID}.data.json"),
        format!("{ID}.pdf"),
    ] {
        // A full disk is no fault of the data: 2, not 1.
        let said = format!(
            "erreur [FIC-009]\u{a0}: {ID}\u{a0}: impossible d'écrire le fichier de sortie\u{a0}: no space left on device"
        );
        fails_alone(dir, &format!("fail:write:{file}"), &said, &before);
    }

    // The manifest cannot be written: the build says so (2), the previous
    // manifest stays whole, and the next build takes what the journal
    // recorded (nothing is lost, nothing rendered twice).
    manifest_not_written(dir, "fail:write:manifest.json");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));

    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 établie, 8 inchangées"), "{}", r.stderr);
    assert_manifest_true(&out);

    // The journal cannot be written either: the same, and this time the
    // convention is rendered again by the next build.
    edit_json(&dir.join(format!("associations/{ID}.json")), |v| {
        v["project"]["title"] = serde_json::json!("Projet relancé");
    });
    manifest_not_written(dir, "fail:write:manifest.journal");
    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("1 établie, 7 inchangées"), "{}", r.stderr);
    assert_manifest_true(&out);
}
