//! The house keeps its shape: the import layers of `docs/dev/ARCHITECTURE.md`
//! hold, and the library neither prints nor reads the clock. Reads `src/` as
//! text, with the lexer of `examples/house.rs`.

use std::collections::BTreeMap;
use std::path::Path;

#[path = "../../examples/support/house.rs"]
mod lexer;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The modules of the « Allowed imports » block, each with its rank.
fn allowed_order() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(root().join("docs/dev/ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("## Allowed imports")
        .nth(1)
        .expect("ARCHITECTURE.md has « ## Allowed imports »");
    let block = section
        .split("```text")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```text block lists the layers");
    let mut rank = BTreeMap::new();
    for line in block.lines() {
        let Some((_, modules)) = line.split_once(':') else {
            continue;
        };
        for m in modules.split_whitespace() {
            let n = rank.len();
            assert!(rank.insert(m.to_string(), n).is_none(), "{m} listed twice");
        }
    }
    rank
}

/// The binary: it may use every module of the library.
const BINARY: [&str; 4] = ["main", "cli", "cmd", "lib"];

#[test]
fn every_import_goes_down_the_layers() {
    let rank = allowed_order();
    let sources = lexer::sources(&root().join("src"));
    let graph = lexer::graph(&sources);
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        if BINARY.contains(&module.as_str()) {
            continue;
        }
        let Some(&r) = rank.get(module) else {
            wrong.push(format!("{module}: not in the « Allowed imports » block"));
            continue;
        };
        for i in imports {
            match rank.get(i) {
                Some(&ri) if ri < r => {}
                _ => wrong.push(format!("{module} imports {i}")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against docs/dev/ARCHITECTURE.md:\n{}",
        wrong.join("\n")
    );
    assert!(lexer::cycles(&graph).is_empty());
}

/// Printing, the clock and the terminal belong to the binary. Two exceptions:
/// `failpoint`'s stall message (tests kill the process when they read it on
/// stderr), and the desk (`serve`), a front end that may time what it runs
/// for its page (it prints nothing either).
#[test]
fn the_library_neither_prints_nor_reads_the_clock() {
    let forbidden = [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "dbg!(",
        "Instant::now",
        "SystemTime::now",
        "now_utc",
        "now_local",
        "Utc::now",
        "Local::now",
        "is_terminal",
        "io::stdout",
        "io::stderr",
    ];
    let mut found = Vec::new();
    for s in lexer::sources(&root().join("src")) {
        if BINARY.contains(&s.module.as_str()) {
            continue;
        }
        // Unit tests may do what they like.
        let code = s.code.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            for f in forbidden {
                let stall = s.module == "failpoint" && f.contains("println!");
                let desk_clock = s.module == "serve" && f.ends_with("::now");
                if line.contains(f) && !stall && !desk_clock {
                    found.push(format!("src/{}:{}: {f}", s.path.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// One reading of the rendered Markdown (issue 27): the Markdown parser is
/// used in `document/tree.rs` only, and every writer (Typst, HTML, ODT,
/// DOCX) and the review walk the tree it reads.
#[test]
fn only_the_document_tree_reads_markdown() {
    let readers: Vec<String> = lexer::sources(&root().join("src"))
        .iter()
        .filter(|s| s.code.contains("pulldown_cmark"))
        .map(|s| s.path.display().to_string())
        .collect();
    assert_eq!(readers, ["document/tree.rs"], "files using pulldown_cmark");
}

#[test]
fn the_lexer_blanks_comments_and_literals() {
    let t = "let a = \"crate::x {\"; // crate::y\nlet c = '{'; let l: &'a str = r#\"}\"#;";
    let b = lexer::blank(t);
    assert!(!b.contains("crate::"));
    assert!(!b.contains('{') && !b.contains('}'));
    assert!(b.contains("&'a str"));
    assert_eq!(b.len(), t.len());
}

/// Functions fit on a screen: none over 150 lines, at most five over 100
/// (`cargo run --example house 100` lists them). Clippy's `too_many_lines`
/// (`clippy.toml`) holds the first bound for every function, tests included.
#[test]
fn functions_fit_on_a_screen() {
    let sources = lexer::sources(&root().join("src"));
    let fns = lexer::functions(&sources);
    let over = |n: usize| -> Vec<String> {
        fns.iter()
            .filter(|f| f.lines > n)
            .map(|f| format!("{} lines: {}:{} {}", f.lines, f.file, f.line, f.name))
            .collect()
    };
    let (long, longer) = (over(100), over(150));
    assert!(
        longer.is_empty(),
        "functions over 150 lines:\n{}",
        longer.join("\n")
    );
    assert!(
        long.len() <= 5,
        "{} functions over 100 lines (at most 5):\n{}",
        long.len(),
        long.join("\n")
    );
}
