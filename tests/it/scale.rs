//! The batch at scale: the manifest's format 2 (shared inputs once, a
//! journal during the build), a manifest of format 1 read without losing a
//! signed convention's lock, and a programme built in shards then merged,
//! equal byte for byte to one build.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

const SIGNED: &str = "maison-solidarites-montvalon";

/// The manifest of `out` rewritten in format 1 (every clause repeated in
/// every entry), as charta wrote it before format 2.
fn downgrade_manifest(out: &Path) -> Vec<u8> {
    let m = charta::out::Manifest::read(out).expect("manifest");
    let old = serde_json::to_vec_pretty(&m).unwrap();
    std::fs::write(out.join("manifest.json"), &old).unwrap();
    old
}

/// Removes the programme's archive of signed acts (read-only files).
fn remove_archive(dir: &Path) {
    let signed = dir.join("signed");
    for e in walkdir::WalkDir::new(&signed).into_iter().flatten() {
        let mut p = e.metadata().unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        p.set_readonly(false);
        std::fs::set_permissions(e.path(), p).unwrap();
    }
    std::fs::remove_dir_all(&signed).unwrap();
}

#[test]
fn an_old_manifest_is_read_upgraded_and_keeps_a_signed_lock() {
    // The data as signed, no archive yet: the first build archives it.
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    let out = dir.join("out");
    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new_format = std::fs::read(out.join("manifest.json")).unwrap();
    assert!(new_format.windows(13).any(|w| w == b"\"format\": 2,\n"));
    let signed_md = std::fs::read(out.join(format!("{SIGNED}.md"))).unwrap();
    let signed_hash = charta::digest::sha256_hex(&signed_md);

    // The format of before: no `format`, clauses inline in each entry.
    let old = downgrade_manifest(&out);
    let v: serde_json::Value = serde_json::from_slice(&old).unwrap();
    assert!(v.get("format").is_none());
    assert!(v["conventions"][0]["inputs"]["clauses"][0]["sha256"].is_string());
    assert!(
        old.len() > new_format.len() * 2,
        "format 2 is smaller: {} vs {}",
        new_format.len(),
        old.len()
    );

    // Read as it is: nothing rendered again, and written in format 2.
    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.with("rendered"), BTreeSet::new(), "{}", r.stderr);
    assert_eq!(r.with("unchanged"), association_ids(dir));
    let upgraded = std::fs::read(out.join("manifest.json")).unwrap();
    assert!(
        upgraded == new_format,
        "the same format-2 manifest as a fresh build"
    );
    assert_manifest_true(&out);

    // The signed lock came across: with its Markdown gone from OUT and its
    // archive gone from the programme, only the manifest knows the signed
    // text, and a change is still refused.
    downgrade_manifest(&out);
    std::fs::remove_file(out.join(format!("{SIGNED}.md"))).unwrap();
    remove_archive(dir);
    edit_json(&dir.join(format!("associations/{SIGNED}.json")), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(48000);
    });
    let r = charta_build(dir, &[], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.with("refused"), BTreeSet::from([SIGNED.to_string()]));
    assert!(
        r.stderr
            .contains("la convention signée le 2026-02-10 changerait"),
        "{}",
        r.stderr
    );
    let m = charta::out::Manifest::read(&out).unwrap();
    let e = m.conventions.iter().find(|e| e.id == SIGNED).unwrap();
    assert!(e.signed);
    assert_eq!(e.output("md").unwrap().sha256, signed_hash);
    // And again, from the format-2 manifest the refused build wrote.
    let r = charta_build(dir, &[], None);
    assert_eq!(r.with("refused"), BTreeSet::from([SIGNED.to_string()]));
}

#[test]
fn shards_merged_equal_one_build_byte_for_byte() {
    let tmp = example_copy();
    let dir = tmp.path();
    let full = dir.join("full");
    let r = charta_build(dir, &["--out", full.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let n = 3;
    let mut shards = Vec::new();
    let mut seen = BTreeSet::new();
    for i in 1..=n {
        let o = dir.join(format!("part-{i}"));
        let shard = format!("{i}/{n}");
        let r = charta_build(
            dir,
            &["--shard", &shard, "--out", o.to_str().unwrap()],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let built = r.with("rendered");
        assert!(seen.is_disjoint(&built), "shards overlap: {built:?}");
        seen.extend(built);
        shards.push(o);
    }
    assert_eq!(seen, association_ids(dir), "every association in one shard");

    let merged = dir.join("merged");
    let mut args = vec!["manifest", "merge", merged.to_str().unwrap()];
    args.extend(shards.iter().map(|p| p.to_str().unwrap()));
    let (code, _, stderr) = charta(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("8 conventions réunies depuis 3 dossiers"),
        "{stderr}"
    );

    let (a, b) = (out_files(&merged), out_files(&full));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(*bytes == b[name], "{name} differs from one build");
    }
    assert_eq!(manifest_entries(&merged), manifest_entries(&full));
    assert_manifest_true(&merged);

    // The merged folder is a build folder like any: nothing rendered again.
    let r = charta_build(dir, &["--out", merged.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.with("rendered"), BTreeSet::new(), "{}", r.stderr);
    assert_eq!(r.with("unchanged"), association_ids(dir));
}

#[test]
fn a_merge_refuses_two_different_copies_of_one_convention() {
    let tmp = example_copy();
    let dir = tmp.path();
    let (a, b) = (dir.join("a"), dir.join("b"));
    let only = "recyclerie-vaudrecourt";
    let build_into = |out: &Path| {
        let r = charta_build(
            dir,
            &[
                "--only",
                only,
                "--format",
                "md",
                "--out",
                out.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    build_into(&a);
    edit_json(&dir.join(format!("associations/{only}.json")), |v| {
        v["project"]["title"] = serde_json::json!("Un autre projet");
    });
    build_into(&b);
    let dest = dir.join("dest");
    let (code, _, stderr) = charta(&[
        "manifest",
        "merge",
        dest.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("la convention `{only}` figure dans")),
        "{stderr}"
    );
    assert!(!dest.exists(), "nothing written");

    let (code, _, stderr) = charta(&["build", "--shard", "4/3"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("écrivez `i/n`, avec 1 ≤ i ≤ n"), "{stderr}");
}

/// A build reads each association file when its convention's turn comes and
/// keeps none (memory stays flat), yet still tells that a file copies the
/// reference and the SIRET of an earlier one, as `charta check` does, and
/// reads each file as it is when its turn comes.
#[test]
fn a_build_keeps_no_association_file_and_still_sees_copies() {
    let tmp = example_copy();
    let dir = tmp.path();
    let original = dir.join("associations/atelier-velo-thionvaux.json");
    // Later in file order than its original: the warning is told on the copy.
    std::fs::copy(&original, dir.join("associations/zz-copie-atelier.json")).unwrap();

    let (lazy, _) = charta::load::load_programme_lazy(dir).expect("loads");
    let ids = association_ids(dir);
    assert_eq!(lazy.associations.len(), ids.len());
    assert!(
        lazy.associations
            .iter()
            .all(|e| e.text.is_empty() && e.data.is_none()),
        "a programme loaded for a build keeps no file"
    );
    let e = lazy.entry(&lazy.associations[0]);
    assert!(e.data.is_some(), "{:?}", e.diagnostics);

    let copy_warnings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains("PRG-010") || l.contains("PRG-011"))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let (_, _, checked) = charta(&["check", dir.to_str().unwrap()]);
    let r = charta_build(dir, &["--format", "md"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (from_check, from_build) = (copy_warnings(&checked), copy_warnings(&r.stderr));
    assert_eq!(from_check.len(), 2, "{checked}");
    assert_eq!(from_build, from_check, "{}", r.stderr);
    for (code, text) in [
        (
            "PRG-010",
            "est aussi employée par associations/atelier-velo-thionvaux.json",
        ),
        (
            "PRG-011",
            "est aussi celui de associations/atelier-velo-thionvaux.json",
        ),
    ] {
        assert!(r.stderr.contains(text), "{code}: {}", r.stderr);
    }
    assert_eq!(r.with("rendered"), ids, "{}", r.stderr);
}

/// `charta build DIR --format md ARGS…` with exactly the job runner's
/// variables `vars` (those of the machine running the tests removed).
fn build_under(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charta"));
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1");
    for (k, _) in std::env::vars() {
        if k.starts_with("SLURM_") || k.starts_with("PARALLEL_") || k.starts_with("CHARTA_") {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("JOB_COMPLETION_INDEX")
        .envs(vars.iter().copied());
    let out = cmd
        .arg("build")
        .arg(dir)
        .args(["--format", "md"])
        .args(args)
        .output()
        .expect("charta runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Run {
        code: out.status.code().expect("exit status"),
        statuses: statuses(&stderr),
        stderr,
    }
}

#[test]
fn shard_auto_reads_kubernetes_slurm_and_gnu_parallel_and_says_which() {
    let tmp = example_copy();
    let dir = tmp.path();
    let out = |name: &str| dir.join(name).to_str().unwrap().to_string();
    // The last share of three, given by hand.
    let fixed = build_under(dir, &["--shard", "3/3", "--out", &out("fixed")], &[]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let last = fixed.with("rendered");
    assert!(!last.is_empty());
    for (name, args, vars, line) in [
        (
            "k8s",
            "auto/3",
            vec![("JOB_COMPLETION_INDEX", "2")],
            "part 3/3 d'après Kubernetes (JOB_COMPLETION_INDEX=2, --shard auto/3)",
        ),
        (
            "slurm",
            "auto",
            vec![
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            "part 3/3 d'après Slurm (SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_COUNT=3)",
        ),
        (
            "parallel",
            "auto",
            vec![("PARALLEL_SEQ", "3"), ("CHARTA_SHARD_COUNT", "3")],
            "part 3/3 d'après GNU parallel (PARALLEL_SEQ=3, CHARTA_SHARD_COUNT=3)",
        ),
    ] {
        let r = build_under(dir, &["--shard", args, "--out", &out(name)], &vars);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(r.stderr.lines().any(|l| l == line), "{name}: {}", r.stderr);
        assert_eq!(r.with("rendered"), last, "{name}: the same share as 3/3");
    }
}

#[test]
fn shard_auto_refuses_an_index_at_the_count_and_no_runner() {
    let tmp = example_copy();
    let dir = tmp.path();
    let o = dir.join("out");
    let o = o.to_str().unwrap();
    for (vars, args, needle) in [
        (
            vec![("JOB_COMPLETION_INDEX", "3")],
            "auto/3",
            "JOB_COMPLETION_INDEX=3, or l'index compte à partir de 0\u{a0}: avec 3 parts il va de 0 à 2",
        ),
        (
            vec![("PARALLEL_SEQ", "0")],
            "auto/3",
            "PARALLEL_SEQ=0, or le numéro de tâche compte à partir de 1",
        ),
        (
            vec![("PARALLEL_SEQ", "4")],
            "auto/3",
            "PARALLEL_SEQ=4, or le numéro de tâche compte à partir de 1",
        ),
        (
            vec![
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            "auto",
            "la tâche 3 n'a pas de place",
        ),
        (vec![], "auto/3", "CLI-020"),
    ] {
        let r = build_under(dir, &["--shard", args, "--out", o], &vars);
        assert_eq!(r.code, 2, "{vars:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{vars:?}: {}", r.stderr);
        assert!(
            r.statuses.is_empty() && !dir.join("out").exists(),
            "nothing built"
        );
    }
}
