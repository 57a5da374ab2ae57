//! Same inputs, same bytes, across processes: a full build, a build with one
//! worker, and conventions built one process each in reverse order with
//! `--only` give byte-identical files. (Block file ids come from a pool that
//! lives as long as the process, and Typst's caches too: a comparison inside
//! one process cannot see what depends on them.)

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;

#[test]
fn builds_in_separate_processes_are_byte_identical() {
    let tmp = example_copy();
    let dir = tmp.path();
    let folder = |name: &str| dir.join(name).to_str().unwrap().to_string();

    let full = charta_build(dir, &["--out", &folder("full"), "--jobs", "2"], None);
    assert_eq!(full.code, 0, "{}", full.stderr);
    let one = charta_build(dir, &["--out", &folder("one"), "--jobs", "1"], None);
    assert_eq!(one.code, 0, "{}", one.stderr);
    // One process per convention, the last id first.
    let ids = association_ids(dir);
    for id in ids.iter().rev() {
        let r = charta_build(dir, &["--out", &folder("only"), "--only", id], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.with("rendered"), BTreeSet::from([id.clone()]));
    }

    let reference: BTreeMap<String, Vec<u8>> = out_files(&dir.join("full"));
    // md, pdf and data.json each, and the example's draft avenant and
    // consolidated version (md and pdf each), its signed PDF kept by
    // `charta verify --keep`, and the lettre de notification (md and pdf) of
    // each of its three signed conventions.
    assert_eq!(
        reference.len(),
        3 * ids.len() + 11,
        "{:?}",
        reference.keys()
    );
    for other in ["one", "only"] {
        let files = out_files(&dir.join(other));
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>()
        );
        for (name, bytes) in &reference {
            assert!(
                files[name] == *bytes,
                "{other}/{name} differs from full/{name}"
            );
        }
        assert_eq!(
            manifest_entries(&dir.join(other)),
            manifest_entries(&dir.join("full"))
        );
    }
}
