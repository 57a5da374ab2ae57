//! Helpers shared by the integration tests: load the example programme and
//! render one association, optionally with its data changed.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use charta::load::{Programme, load_programme};
use charta::model::AssociationFile;
use charta::render::{Engine, Rendered};

pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/economie-solidaire")
}

pub fn example() -> Programme {
    let (p, diags) = load_programme(&example_dir()).expect("example loads");
    assert!(diags.is_empty(), "{diags:?}");
    p
}

pub fn data(prog: &Programme, id: &str) -> AssociationFile {
    prog.associations
        .iter()
        .find(|a| a.id == id)
        .and_then(|a| a.data.as_deref().cloned())
        .unwrap_or_else(|| panic!("no association {id}"))
}

pub fn render(prog: &Programme, id: &str, data: &AssociationFile) -> Rendered {
    let (engine, diags) = Engine::new(&prog.library);
    assert!(diags.is_empty(), "{diags:?}");
    engine
        .render(&prog.file, id, data, Path::new("test.json"))
        .unwrap_or_else(|d| panic!("{id}: {d:?}"))
}

/// The plain text of a Markdown document, as pulldown-cmark reads it back.
pub fn markdown_text(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut out = String::new();
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// `(part id, number)` of every numbered part, in order.
pub fn numbered_parts(md: &str) -> Vec<(String, String)> {
    md.lines()
        .filter_map(|l| match charta::anchor::parse(l)? {
            charta::anchor::Anchor::Part {
                id,
                number: Some(n),
                ..
            } => Some((id.to_string(), n.to_string())),
            _ => None,
        })
        .collect()
}

/// Copies the example programme (charta.toml, associations/) into a new temporary folder.
pub fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_programme(&example_dir(), tmp.path());
    tmp
}

pub fn copy_programme(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("associations")).unwrap();
    std::fs::copy(from.join("charta.toml"), to.join("charta.toml")).unwrap();
    for e in std::fs::read_dir(from.join("associations")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join("associations").join(p.file_name().unwrap())).unwrap();
    }
    // The archive of signed acts (signed/<id>/…), as written (read-only).
    copy_tree(&from.join("signed"), &to.join("signed"));
}

/// Copies the folder `from` into `to`, recursively (nothing if `from` is absent).
pub fn copy_tree(from: &Path, to: &Path) {
    let Ok(rd) = std::fs::read_dir(from) else {
        return;
    };
    std::fs::create_dir_all(to).unwrap();
    for e in rd {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The example's signed convention.
pub const SIGNED_ID: &str = "maison-solidarites-montvalon";

/// The example programme as it was when its convention `SIGNED_ID` was
/// signed: that association's data is the data of the signed text (from its
/// archive, without `amendments`), the épicerie and the atelier, signed
/// later, are drafts, and nothing is archived yet.
pub fn example_copy_at_signature() -> tempfile::TempDir {
    let tmp = draft_copy();
    let dir = tmp.path();
    let signed = dir.join("signed").join(SIGNED_ID);
    let data = std::fs::read(signed.join("convention.data.json")).expect("archived data");
    std::fs::write(
        dir.join("associations").join(format!("{SIGNED_ID}.json")),
        data,
    )
    .unwrap();
    std::fs::remove_dir_all(dir.join("signed")).unwrap();
    tmp
}

/// The example's conventions signed for the yearly closing (its letter and
/// its balance), and the date each was signed.
pub const SIGNED_FOR_CLOSING: [(&str, &str); 2] = [
    ("epicerie-solidaire-brecourt", "2026-04-02"),
    ("atelier-velo-thionvaux", "2026-02-27"),
];

/// [`example_copy`] with the épicerie and the atelier as drafts again
/// ([`unsign_closing`]): the tests that negotiate, date or edit a convention
/// still unsigned.
pub fn draft_copy() -> tempfile::TempDir {
    let tmp = example_copy();
    unsign_closing(tmp.path());
    tmp
}

/// Makes the convention `id` of a copied programme a draft again: no
/// signature date, no archive. For the tests that edit the example's
/// épicerie or atelier as a convention still under negotiation. The file is
/// changed on that one line only, as a user would edit it.
pub fn unsign(dir: &Path, id: &str) {
    let path = dir.join("associations").join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, date) = SIGNED_FOR_CLOSING
        .iter()
        .find(|(i, _)| *i == id)
        .unwrap_or_else(|| panic!("{id} is not signed in the example"));
    let signed = format!("\"date\": \"{date}\"}}");
    assert!(text.contains(&signed), "{id}: no signature date {date}");
    std::fs::write(&path, text.replacen(&signed, "\"date\": null}", 1)).unwrap();
    let archive = dir.join("signed").join(id);
    if archive.exists() {
        std::fs::remove_dir_all(&archive).unwrap();
    }
}

/// Dates the convention `id` of a copied programme (signed, not archived:
/// what a review reads as signed, from today's data).
pub fn sign_in_data(dir: &Path, id: &str, date: &str) {
    edit_json(&dir.join("associations").join(format!("{id}.json")), |v| {
        v["convention"]["signature"]["date"] = serde_json::json!(date)
    });
}

/// [`unsign`] for both conventions the example signs for the closing.
pub fn unsign_closing(dir: &Path) {
    for (id, _) in SIGNED_FOR_CLOSING {
        unsign(dir, id);
    }
}

/// Edits one association file as JSON.
pub fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// Runs the binary without colours; returns (exit status, stdout, stderr).
pub fn charta(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("charta runs");
    (
        out.status.code().expect("exit status"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `charta build DIR ARGS…` in its own process, with `CHARTA_FAILPOINT` set
/// when `failpoint` is: exit status, stderr, and the status printed for each
/// convention (stderr is not a terminal: one `<status> <id>` line each).
pub struct Run {
    pub code: i32,
    pub stderr: String,
    pub statuses: BTreeMap<String, String>,
}

impl Run {
    /// The ids printed with `status` (« rendered », « unchanged »…).
    pub fn with(&self, status: &str) -> BTreeSet<String> {
        self.statuses
            .iter()
            .filter(|(_, s)| s.as_str() == status)
            .map(|(id, _)| id.clone())
            .collect()
    }
}

pub fn statuses(stderr: &str) -> BTreeMap<String, String> {
    stderr
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (status, id) = (words.next()?, words.next()?);
            // The French words the binary prints, under the names the tests use.
            let status = match status {
                "établie" => "rendered",
                "inchangée" => "unchanged",
                "refusée" => "refused",
                "échec" => "failed",
                _ => return None,
            };
            words
                .next()
                .is_none()
                .then(|| (id.to_string(), status.to_string()))
        })
        .collect()
}

pub fn charta_build(dir: &Path, args: &[&str], failpoint: Option<&str>) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_charta"));
    // French, as a user without an English locale reads it.
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    cmd.arg("build").arg(dir).args(args).env("NO_COLOR", "1");
    match failpoint {
        Some(f) => cmd.env("CHARTA_FAILPOINT", f),
        None => cmd.env_remove("CHARTA_FAILPOINT"),
    };
    let out = cmd.output().expect("charta runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Run {
        code: out.status.code().expect("exit status"),
        statuses: statuses(&stderr),
        stderr,
    }
}

/// Starts `charta build DIR ARGS…` with `CHARTA_FAILPOINT=stall:<at>`, waits
/// until it stops there, checks that it is still running (the build was
/// interrupted, not finished), and kills it with SIGKILL (`kill -9`).
/// Returns what it printed before.
pub fn build_killed_at(dir: &Path, args: &[&str], at: &str) -> String {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .arg("build")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("CHARTA_FAILPOINT", format!("stall:{at}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("charta starts");
    let stderr = std::io::BufReader::new(child.stderr.take().expect("piped"));
    let mut before = String::new();
    let mut stalled = false;
    for line in stderr.lines() {
        let line = line.expect("stderr is text");
        if line == format!("charta failpoint: stalled at {at}") {
            stalled = true;
            break;
        }
        before.push_str(&line);
        before.push('\n');
    }
    assert!(stalled, "the build ended before reaching {at}:\n{before}");
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the build is still running when killed"
    );
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reaped");
    assert_eq!(status.code(), None, "killed by a signal, not exited");
    before
}

/// Every file of OUT but the manifest and the temporaries: name → bytes.
pub fn out_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .expect("OUT exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .filter(|(n, _)| {
            n != "manifest.json" && n != "manifest.journal" && !n.starts_with(".charta-tmp-")
        })
        .map(|(n, p)| (n, std::fs::read(p).expect("readable")))
        .collect()
}

/// Every file under `dir` (recursively): path → bytes; empty if absent.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return files;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            for (k, v) in tree(&p) {
                files.insert(
                    format!("{}/{k}", p.file_name().unwrap().to_string_lossy()),
                    v,
                );
            }
        } else {
            files.insert(
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            );
        }
    }
    files
}

/// The hidden temporary files left in OUT.
pub fn temporaries(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".charta-tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every output in OUT is whole: a PDF from `%PDF-` to `%%EOF`, a convention
/// down to its signature part and final newline, JSON that parses.
pub fn assert_outputs_complete(out: &Path) {
    for (name, bytes) in out_files(out) {
        if name.ends_with(".pdf") {
            assert!(
                bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                "{name} truncated"
            );
        } else if name.ends_with(".md") {
            let text = String::from_utf8(bytes).expect("utf-8");
            assert!(
                text.ends_with('\n') && text.contains("<!-- part:signature"),
                "{name} truncated"
            );
        } else if name.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{name} truncated: {e}"));
        }
    }
    if out.join("manifest.json").exists() {
        charta::out::Manifest::read(out).expect("the manifest is whole");
    }
}

/// Every manifest entry describes the files on disk exactly.
pub fn assert_manifest_true(out: &Path) {
    let m = charta::out::Manifest::read(out).expect("manifest");
    for e in &m.conventions {
        for f in e.outputs.values() {
            let bytes =
                std::fs::read(out.join(&f.file)).unwrap_or_else(|_| panic!("{} missing", f.file));
            assert_eq!(
                charta::digest::sha256_hex(&bytes),
                f.sha256,
                "{} altered",
                f.file
            );
        }
    }
}

/// The conventions a build need not redo, by the manifest in OUT: an entry
/// made from the association file as it is now, whose Markdown and PDF are
/// on disk as it records them.
pub fn done_by_the_manifest(dir: &Path, out: &Path) -> BTreeSet<String> {
    let Some(m) = charta::out::Manifest::read(out) else {
        return BTreeSet::new();
    };
    m.conventions
        .iter()
        .filter(|e| {
            let data = std::fs::read(dir.join(format!("associations/{}.json", e.id)));
            let data_same = data.is_ok_and(|d| charta::digest::sha256_hex(&d) == e.inputs.data);
            let files_same = ["md", "pdf"].into_iter().all(|format| {
                e.output(format).is_some_and(|f| {
                    std::fs::read(out.join(&f.file))
                        .is_ok_and(|b| charta::digest::sha256_hex(&b) == f.sha256)
                })
            });
            data_same && files_same
        })
        .map(|e| e.id.clone())
        .collect()
}

/// The manifest's entries, modification times aside (they differ from one
/// folder to another).
pub fn manifest_entries(out: &Path) -> Vec<charta::out::Entry> {
    let mut m = charta::out::Manifest::read(out).expect("manifest");
    for e in &mut m.conventions {
        for f in e.outputs.values_mut() {
            f.modified_ns = 0;
        }
    }
    m.conventions
}

/// The association ids of a programme folder.
pub fn association_ids(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir.join("associations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// `dir` loaded, without any diagnostic, and built into `dir/out` in
/// `formats` (every convention, two jobs, nothing forced): the report.
pub fn build_collected(dir: &Path, formats: &[&str]) -> charta::build::Collected {
    let (prog, diags) = load_programme(dir).expect("loads");
    assert!(diags.is_empty(), "{diags:?}");
    let opts = charta::build::BuildOptions {
        out: dir.join("out"),
        formats: formats.iter().map(|s| s.to_string()).collect(),
        only: vec![],
        jobs: 2,
        force: false,
        keep_typst: false,
        shard: None,
    };
    charta::build::run_collected(&prog, &opts, &()).expect("build runs")
}

/// The data file of the example's signed convention in the programme `dir`.
pub fn signed_data_path(dir: &Path) -> PathBuf {
    dir.join("associations").join(format!("{SIGNED_ID}.json"))
}
