//! Reads charta's own sources as text: which top-level module imports which
//! (`crate::x` paths, `use crate::{x, y}` groups, the crate's exported
//! macros), and how long each function is. Shared by `examples/house.rs`
//! (the figures a person reads) and the test that keeps the layers
//! (`tests/it/house.rs`), through `#[path]`.
//!
//! A small lexer, not a parser: comments, strings (raw ones too), character
//! literals and lifetimes are told apart so that a `crate::` or a brace inside
//! them never counts. Good enough for rustfmt-formatted code, which is what
//! CI keeps.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One source file: its path under `src/`, its top-level module, its code with
/// comments and literals blanked (same length, same lines).
pub struct Source {
    pub path: PathBuf,
    pub module: String,
    pub code: String,
}

/// A function and its length in lines, from the `fn` line to its closing brace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Function {
    pub lines: usize,
    pub file: String,
    pub line: usize,
    pub name: String,
}

/// Every `.rs` file under `src/`, read and blanked.
pub fn sources(src: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    walk(src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file reads");
            let rel = path.strip_prefix(src).expect("under src").to_path_buf();
            Source {
                module: top_module(&rel),
                code: blank(&text),
                path: rel,
            }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src reads") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `render/mod.rs` → `render`; `lib.rs`, `main.rs` → themselves.
fn top_module(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .expect("a path")
        .as_os_str()
        .to_string_lossy()
        .to_string();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The text with comments, string and character literals replaced by spaces
/// (newlines kept), so that offsets and line numbers stay those of the file.
pub fn blank(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let wipe = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p);
            wipe(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let end = block_comment_end(b, i);
            wipe(&mut out, i, end);
            i = end;
        } else if let Some(end) = raw_string_end(b, i) {
            wipe(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let end = string_end(b, i + 1);
            wipe(&mut out, i + 1, end - 1);
            i = end;
        } else if b[i] == b'\'' {
            match char_literal_end(b, i) {
                Some(end) => {
                    wipe(&mut out, i + 1, end - 1);
                    i = end;
                }
                None => i += 1, // a lifetime
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn block_comment_end(b: &[u8], start: usize) -> usize {
    let (mut depth, mut i) = (0usize, start);
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// `r"…"`, `r#"…"#`, `br"…"`: the end of the literal starting at `i`, if one does.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    if ident_before {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    let body = j + 1;
    let end = b[body..]
        .windows(closing.len())
        .position(|w| w == closing.as_slice())
        .map_or(b.len(), |p| body + p + closing.len());
    Some(end)
}

/// The end (past the closing quote) of a string whose body starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of a character literal at `i` (`'a'`, `'\n'`, `'\u{a0}'`, `'é'`),
/// or `None` for a lifetime or a label (`'a`, `'static`).
fn char_literal_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        let close = b[i + 2..].iter().position(|&c| c == b'\'')?;
        return Some(i + 2 + close + 1);
    }
    // One character (up to four UTF-8 bytes) then a quote.
    let len = match b.get(i + 1)? {
        c if *c < 0x80 => 1,
        c if *c >= 0xF0 => 4,
        c if *c >= 0xE0 => 3,
        _ => 2,
    };
    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 2 + len)
}

/// The crate's exported macros and the module that defines each.
const MACROS: [(&str, &str); 1] = [("tr", "diagnostic")];

/// The top-level modules a file reaches through `crate::` (itself excluded).
pub fn imports(s: &Source) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code = s.code.as_str();
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` inside a macro of ours is the crate too.
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in top_level_items(&group[..end]) {
                found.insert(item);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    let mut modules = BTreeSet::new();
    for name in found {
        let module = MACROS
            .iter()
            .find(|(m, _)| *m == name)
            .map_or(name.clone(), |(_, module)| module.to_string());
        if !module.is_empty() && module != s.module {
            modules.insert(module);
        }
    }
    modules
}

/// `a, b::c, d::{e, f}` → `a`, `b`, `d` (a nested group is skipped whole).
fn top_level_items(group: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            current.push(c);
        }
    }
    items.push(current);
    items
        .iter()
        .map(|i| {
            i.trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|i| !i.is_empty() && i != "self")
        .collect()
}

/// Module → the modules it imports, over every file.
pub fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in sources {
        let entry = g.entry(s.module.clone()).or_default();
        entry.extend(imports(s));
    }
    g
}

/// The cycles of the graph: its strongly connected components of more than
/// one module (Tarjan's algorithm), each sorted.
pub fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.g.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.g.contains_key(w) {
                    continue;
                }
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out.sort();
    t.out
}

/// Every function with a body, and its length in lines.
pub fn functions(sources: &[Source]) -> Vec<Function> {
    let mut out = Vec::new();
    for s in sources {
        let code = s.code.as_bytes();
        let mut i = 0;
        while let Some(p) = find_fn(code, i) {
            i = p + 2;
            let name: String = s.code[p + 3..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                continue; // `fn(` : a function pointer type
            }
            let Some(open) = body_start(code, p) else {
                continue;
            };
            let close = matching_brace(code, open);
            let line = line_of(code, p);
            out.push(Function {
                lines: line_of(code, close) - line + 1,
                file: format!("src/{}", s.path.display()),
                line,
                name,
            });
        }
    }
    out.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.cmp(b)));
    out
}

/// The next `fn` keyword at or after `from`.
fn find_fn(code: &[u8], from: usize) -> Option<usize> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    (from..code.len().saturating_sub(2)).find(|&i| {
        &code[i..i + 2] == b"fn"
            && (i == 0 || !word(code[i - 1]))
            && code.get(i + 2).is_some_and(|c| c.is_ascii_whitespace())
    })
}

/// The `{` opening the body of the function at `p`, or `None` for a
/// declaration without body (a trait's `fn f();`).
fn body_start(code: &[u8], p: usize) -> Option<usize> {
    let mut depth = 0i32; // parentheses and angle brackets of the signature
    for (i, &c) in code.iter().enumerate().skip(p) {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'{' if depth == 0 => return Some(i),
            b';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

fn matching_brace(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    code.len() - 1
}

fn line_of(code: &[u8], at: usize) -> usize {
    code[..at].iter().filter(|&&c| c == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_comments_are_blanked() {
        let t = "let a = \"crate::x {\"; // crate::y\nlet c = '{'; let l: &'a str = r#\"}\"#;";
        let b = blank(t);
        assert!(!b.contains("crate::"));
        assert!(!b.contains('{') && !b.contains('}'));
        assert!(b.contains("&'a str"));
        assert_eq!(b.len(), t.len());
    }
}
