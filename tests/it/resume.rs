//! A build killed with `kill -9` at a chosen moment (`CHARTA_FAILPOINT=stall:…`
//! stops it there, then the test kills it): the build was interrupted, every
//! file in OUT is whole, the manifest describes only finished work, the next
//! build renders exactly what is missing, and the result is byte for byte the
//! result of a build never interrupted.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

/// The example programme built once, in its own process, then three of its
/// unsigned associations changed (the first, one in the middle and the last
/// in id order).
fn built_then_changed() -> (tempfile::TempDir, BTreeSet<String>) {
    let tmp = draft_copy();
    let first = charta_build(tmp.path(), &[], None);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let changed = [
        "atelier-velo-thionvaux",
        "recyclerie-vaudrecourt",
        "tiers-lieu-les-communs",
    ];
    for id in changed {
        edit_json(&tmp.path().join(format!("associations/{id}.json")), |v| {
            v["project"]["title"] = serde_json::json!(format!("Projet renouvelé {id}"));
        });
    }
    (tmp, changed.iter().map(|s| s.to_string()).collect())
}

/// After the kill: whole files, then the next build renders exactly the
/// conventions the manifest does not record as done, and OUT equals a
/// folder built in one go by another process.
fn resume_and_compare(dir: &Path) -> Run {
    let out = dir.join("out");
    assert_outputs_complete(&out);
    let done = done_by_the_manifest(dir, &out);
    assert!(!done.is_empty(), "the manifest records finished work");
    let all = association_ids(dir);
    let resumed = charta_build(dir, &["--jobs", "2"], None);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(resumed.with("unchanged"), done, "{}", resumed.stderr);
    assert_eq!(
        resumed.with("rendered"),
        all.difference(&done).cloned().collect::<BTreeSet<_>>(),
        "{}",
        resumed.stderr
    );
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    assert_manifest_true(&out);

    let reference = dir.join("reference");
    let r = charta_build(dir, &["--out", reference.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (a, b) = (out_files(&out), out_files(&reference));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            *bytes == b[name],
            "{name} differs from a build never interrupted"
        );
    }
    assert_eq!(manifest_entries(&out), manifest_entries(&reference));
    resumed
}

#[test]
fn killed_while_typesetting_resumes_with_exactly_what_is_missing() {
    let (tmp, changed) = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let before = out_files(&out);
    // One worker, conventions in id order: killed inside Typst on the
    // second changed convention; the first is done, the last not started.
    let printed = build_killed_at(dir, &["--jobs", "1"], "pdf:recyclerie-vaudrecourt");
    let at_kill = statuses(&printed);
    assert_eq!(
        at_kill.get("atelier-velo-thionvaux").map(String::as_str),
        Some("rendered"),
        "{printed}"
    );
    assert!(!at_kill.contains_key("recyclerie-vaudrecourt"), "{printed}");
    assert!(!at_kill.contains_key("tiers-lieu-les-communs"), "{printed}");
    let now = out_files(&out);
    for f in [
        "recyclerie-vaudrecourt.md",
        "recyclerie-vaudrecourt.pdf",
        "tiers-lieu-les-communs.md",
        "tiers-lieu-les-communs.pdf",
    ] {
        assert!(now[f] == before[f], "{f} changed before its turn");
    }
    assert!(now["atelier-velo-thionvaux.md"] != before["atelier-velo-thionvaux.md"]);
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));

    let resumed = resume_and_compare(dir);
    // Never the conventions that did not change.
    assert!(resumed.with("rendered").is_subset(&changed));
    assert!(resumed.with("rendered").contains("tiers-lieu-les-communs"));
}

#[test]
fn killed_while_writing_the_manifest_resumes_with_exactly_what_is_missing() {
    let (tmp, changed) = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let manifest_before = std::fs::read(out.join("manifest.json")).unwrap();
    // One worker: nothing else is written while the manifest is.
    build_killed_at(dir, &["--jobs", "1"], "write:manifest.json");
    // Half a manifest in a hidden temporary file; the manifest itself is the
    // previous one, whole.
    let tmps = temporaries(&out);
    assert_eq!(tmps.len(), 1, "{tmps:?}");
    let partial = std::fs::read(out.join(&tmps[0])).unwrap();
    assert!(partial.starts_with(b"{\n  \"charta\""), "a manifest");
    assert!(
        partial.windows(11).any(|w| w == b"\"format\": 2"),
        "format 2"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&partial).is_err());
    assert!(std::fs::read(out.join("manifest.json")).unwrap() == manifest_before);

    // The changed conventions were written and the journal says so: the
    // manifest is compacted from it, nothing is rendered again.
    assert!(out.join("manifest.journal").is_file());
    let resumed = resume_and_compare(dir);
    assert_eq!(resumed.with("rendered"), BTreeSet::new());
    assert_eq!(resumed.with("unchanged"), association_ids(dir));
    let _ = changed;
}

#[test]
fn killed_while_appending_to_the_journal_resumes_with_exactly_what_is_missing() {
    let (tmp, changed) = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let manifest_before = std::fs::read(out.join("manifest.json")).unwrap();
    // One worker, in id order: the first journal line is that of the first
    // changed convention, killed halfway through it.
    build_killed_at(dir, &["--jobs", "1"], "write:manifest.journal");
    let journal = std::fs::read_to_string(out.join("manifest.journal")).unwrap();
    let last = journal.lines().last().unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(last).is_err(),
        "a torn line: {last}"
    );
    assert!(std::fs::read(out.join("manifest.json")).unwrap() == manifest_before);
    // Its files were renamed in place but its line is torn: it is rendered
    // again, with the two changed conventions not reached.
    let resumed = resume_and_compare(dir);
    assert_eq!(resumed.with("rendered"), changed);
}

#[test]
fn killed_while_writing_a_pdf_leaves_the_previous_files_whole() {
    let (tmp, _) = built_then_changed();
    let dir = tmp.path();
    let out = dir.join("out");
    let before = out_files(&out);
    let id = "recyclerie-vaudrecourt";
    build_killed_at(dir, &["--jobs", "1"], &format!("write:{id}.pdf"));
    // Half of the new PDF is in a temporary file…
    let halves: Vec<Vec<u8>> = temporaries(&out)
        .iter()
        .map(|t| std::fs::read(out.join(t)).unwrap())
        .filter(|b| b.starts_with(b"%PDF-"))
        .collect();
    assert_eq!(halves.len(), 1);
    assert!(!halves[0].trim_ascii_end().ends_with(b"%%EOF"));
    // …and the convention's files in OUT are its previous ones, all of them:
    // never a new Markdown beside an old PDF.
    let now = out_files(&out);
    for f in [
        format!("{id}.md"),
        format!("{id}.pdf"),
        format!("{id}.data.json"),
    ] {
        assert!(now[&f] == before[&f], "{f} is not the previous one");
    }
    let resumed = resume_and_compare(dir);
    assert!(resumed.with("rendered").contains(id));
}
