//! The command line as a user meets it: `init` gives a programme that checks and
//! builds, exit statuses follow the contract (0 / 1 / 2), `--keep-typst` keeps
//! the generated source.

use std::process::{Command, Output};

fn charta(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charta"))
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn init_scaffolds_a_programme_that_checks_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("programme");
    let d = dir.to_str().unwrap();
    let out = charta(&["init", d]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("charta.toml").is_file());
    let files = std::fs::read_dir(dir.join("associations")).unwrap().count();
    assert!(files >= 6, "{files} association files");
    assert!(!dir.join("out").exists());

    let check = charta(&["check", d]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let build = charta(&["build", d, "--format", "md", "--keep-typst"]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let md = std::fs::read_to_string(dir.join("out/maison-solidarites-montvalon.md")).unwrap();
    assert!(md.contains("## Article 1er – Objet de la convention"));
    assert!(dir.join("out/manifest.json").is_file());

    // Never over an existing programme.
    let again = charta(&["init", d]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("existe et n'est pas vide"));
}

#[test]
fn keep_typst_writes_the_generated_source() {
    let tmp = tempfile::tempdir().unwrap();
    let prog =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/departement-minimal");
    let out = tmp.path().join("out");
    let r = charta(&[
        "build",
        prog.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--keep-typst",
    ]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let typ = std::fs::read_to_string(out.join("jardins-du-vallon.typ")).unwrap();
    assert!(typ.contains("#part("));
    assert!(out.join("jardins-du-vallon.pdf").is_file());
    let md = std::fs::read_to_string(out.join("jardins-du-vallon.md")).unwrap();
    assert!(md.contains("le Département"), "another funder kind");
}

#[test]
fn usage_errors_and_missing_programmes_have_their_exit_status() {
    let bad = charta(&["build", "--format", "rtf"]);
    assert_eq!(bad.status.code(), Some(2));
    let none = charta(&["check", "/nonexistent/programme"]);
    assert_eq!(none.status.code(), Some(1));
    let err = String::from_utf8_lossy(&none.stderr);
    assert!(err.contains("impossible de lire charta.toml"), "{err}");
    assert!(err.contains("charta init"), "{err}");
    let help = charta(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    for cmd in ["init", "check", "build", "diff", "schema", "clauses"] {
        assert!(String::from_utf8_lossy(&help.stdout).contains(cmd), "{cmd}");
    }
}

#[test]
fn schema_is_json_schema_draft_2020_12() {
    let out = charta(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(v["properties"]["convention"].is_object());
}

/// `charta clauses | head -1`: the reader goes away; charta stops quietly
/// (exit status 0, no panic) instead of failing on the broken pipe.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    let dir = crate::common::example_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_charta"))
        .arg("clauses")
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("charta runs");
    // The reader is gone before charta writes its first line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
