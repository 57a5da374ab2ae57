//! Helpers shared by the integration tests: load the example programme and
//! render one association, optionally with its data changed.
#![allow(dead_code)]

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
        .and_then(|a| a.data.clone())
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

/// `(part id, number)` of every numbered part, in order (read with charta's anchor grammar).
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
