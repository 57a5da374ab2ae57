//! Every rule on the inputs: structure, identifiers, years, sums, thresholds,
//! references, the clause library and the templates.
//!
//! Rules never stop at the first problem: each returns all the diagnostics it
//! finds, located by file, line and column, and JSON path, with a hint on how
//! to fix it. `build` runs `check_library` and `check_association` and skips an
//! association that has errors; `check_programme` (the `check` command) adds
//! `charta.toml` and a dry render of every association that passes, so that
//! `check` finds all that `build` would.
//!
//! This module never prints, never writes a file and never evaluates data as
//! code: data reaches Tera only as context values, in dry renders through
//! `render::Engine`.
//!
//! - `structure`: the walk against the JSON Schema (unknown and missing fields, types)
//! - `association`: the rules on one file's typed data
//! - `library`: clauses and templates
//! - `programme`: `charta.toml` and rules across files
//! - `glyphs`: characters that no embedded font has

pub mod amendments;
pub mod association;
pub mod budget;
pub mod courts;
pub mod crf;
pub mod deliberations;
pub mod glyphs;
pub mod legal;
pub mod library;
pub mod programme;
pub mod public_law;
pub mod review;
pub mod signatories;
pub mod structure;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic, Lang, Severity, Text, has_errors, line_col};
use crate::load::{AssociationEntry, Programme};
use crate::locate::{self, JsonPath};
use crate::tr;

use structure::{Point, Structure};

/// Collects the diagnostics of one association file, locating each JSON path in
/// the source text and keeping quiet about what the structural walk already reported.
pub struct Sink<'a> {
    file: &'a Path,
    text: &'a str,
    structure: Option<&'a Structure>,
    pub out: Vec<Diagnostic>,
}

/// 1-based line and column of `path` in `text`: its key or its value; if the
/// text does not have it, its nearest ancestor that it has.
pub fn locate_point(text: &str, path: &JsonPath, point: Point) -> Option<(usize, usize)> {
    let mut p = path.clone();
    let mut exact = true;
    loop {
        if let Some(span) = locate::locate(text, &p) {
            let off = if exact && point == Point::Value {
                span.value
            } else {
                span.start()
            };
            return Some(line_col(text, off));
        }
        p = p.parent()?;
        exact = false;
    }
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a Path, text: &'a str, structure: Option<&'a Structure>) -> Self {
        Sink {
            file,
            text,
            structure,
            out: Vec::new(),
        }
    }

    fn located(&self, d: Diagnostic, path: &JsonPath, point: Point) -> Diagnostic {
        let src = self
            .structure
            .map(|s| s.source_path(path))
            .unwrap_or_else(|| path.clone());
        let mut d = d.in_file(self.file);
        if !src.is_root() {
            d = d.at_path(src.to_string());
        }
        match locate_point(self.text, &src, point) {
            Some((l, c)) => d.at(l, c),
            None => d,
        }
    }

    fn emit(&mut self, d: Diagnostic, path: JsonPath, point: Point) {
        if self.structure.is_some_and(|s| s.is_tainted(&path)) {
            return;
        }
        let d = self.located(d, &path, point);
        self.out.push(d);
    }

    /// A located error: `code` from `docs/diagnostics.md`, the message and the hint
    /// (`tr!("…", "…")` for French and English).
    pub fn error(
        &mut self,
        code: Code,
        path: JsonPath,
        point: Point,
        message: impl Into<Text>,
        hint: impl Into<Text>,
    ) {
        self.emit(
            Diagnostic::error(code, message).with_hint(hint),
            path,
            point,
        );
    }

    /// A located warning: `code` from `docs/diagnostics.md`, the message and the hint
    /// (`tr!("…", "…")` for French and English).
    pub fn warning(
        &mut self,
        code: Code,
        path: JsonPath,
        point: Point,
        message: impl Into<Text>,
        hint: impl Into<Text>,
    ) {
        self.emit(
            Diagnostic::warning(code, message).with_hint(hint),
            path,
            point,
        );
    }
}

/// Problems of one association file: every structural problem (not only the
/// first one serde meets), then the rules on its data.
pub fn check_association(prog: &Programme, entry: &AssociationEntry) -> Vec<Diagnostic> {
    let mut out = entry.diagnostics.clone();
    // serde_path_to_error marks an unknown position with `?` (`association.?`): keep what is known.
    for d in &mut out {
        if let Some(p) = &d.path
            && (p == "?" || p.ends_with(".?"))
        {
            d.path = p.strip_suffix(".?").map(str::to_string);
        }
    }
    // Unreadable file or JSON syntax error: `load` said where; nothing more can be read.
    let Ok(value) = serde_json::from_str::<Value>(&entry.text) else {
        return out;
    };
    let st = structure::walk(crate::schema::cached(), &value);
    let mut sink = Sink::new(&entry.path, &entry.text, Some(&st));
    let mut own = Vec::new();
    for p in &st.problems {
        let mut d = Diagnostic::error(p.code, p.message.clone());
        if let Some(h) = &p.hint {
            d = d.with_hint(h.clone());
        }
        own.push(sink.located(d, &p.path, p.point));
    }
    for (path, at) in locate::duplicate_keys(&entry.text) {
        let (l, c) = line_col(&entry.text, at);
        let key = path.last_key().unwrap_or_default().to_string();
        own.push(
            Diagnostic::error(
                Code::DON_079,
                tr!("`{key}` est donné deux fois", "`{key}` is given twice"),
            )
            .in_file(&entry.path)
            .at(l, c)
            .at_path(path.to_string())
            .with_hint(Text::new(
                "supprimez l'un des deux\u{a0}: seul le dernier compterait",
                "remove one of them: only the last one would count",
            )),
        );
    }
    for u in glyphs::scan(&value) {
        let (message, hint) = (u.message(), u.hint());
        sink.error(u.code(), u.path, Point::Value, message, hint);
    }
    if entry.data.is_none()
        && !own.is_empty()
        && let Err(first) = crate::load::parse_association(&entry.text, &entry.path)
    {
        // The walk reports serde's first error and all the others, better located.
        out.retain(|d| {
            (&d.message, d.line, d.column) != (&first.message, first.line, first.column)
        });
    }
    out.extend(own);
    let repaired;
    let data = match &entry.data {
        Some(d) => Some(d),
        None => {
            repaired = serde_json::from_value(st.repaired.clone()).ok();
            repaired.as_ref()
        }
    };
    if let Some(data) = data {
        association::rules(prog, data, &mut sink);
        legal::rules(prog, data, &mut sink);
        public_law::rules(prog, data, &mut sink);
        amendments::rules(data, &mut sink);
        signatories::rules(data, &mut sink);
        budget::rules(prog, data, &mut sink);
        programme::duplicates(prog, entry, data, &mut sink);
        deliberations::rules(prog, data, &mut sink);
    }
    out.extend(sink.out);
    // A programme whose act would be outside the funder's competence refuses
    // every convention (told against charta.toml).
    out.extend(programme::competence(prog, true));
    if entry.data.is_none() && !has_errors(&out) {
        // Never let a file that does not parse pass.
        if let Err(d) = crate::load::parse_association(&entry.text, &entry.path) {
            out.push(d);
        }
    }
    out
}

/// Problems of the clause library and templates that no single association reveals.
pub fn check_library(prog: &Programme, engine: &crate::render::Engine) -> Vec<Diagnostic> {
    library::check(prog, engine)
}

/// Renders one association that passed its checks, without writing anything:
/// what `build` would still refuse (a citation of a removed clause, a condition
/// that cannot be evaluated) is reported against the association file.
fn dry_render(
    prog: &Programme,
    engine: &crate::render::Engine,
    entry: &AssociationEntry,
) -> Vec<Diagnostic> {
    let Some(data) = &entry.data else {
        return Vec::new();
    };
    let Err(diags) = engine.render(&prog.file, &entry.id, data, &entry.path) else {
        return Vec::new();
    };
    let prefixes = [format!("{}\u{a0}: ", entry.id), format!("{}: ", entry.id)];
    let removed = &data.convention.clauses.remove;
    diags
        .into_iter()
        .map(|d| {
            let message = d.message.clone().map(|m| {
                prefixes
                    .iter()
                    .find_map(|p| m.strip_prefix(p.as_str()))
                    .unwrap_or(m)
                    .to_string()
            });
            // The render's own code: the problem is the same, located in the association file.
            let mut nd = Diagnostic::error(d.code, message.clone()).in_file(&entry.path);
            // A citation broken by `clauses.remove`: point at the removal.
            let named: Vec<&str> = message.fr.split('`').skip(1).step_by(2).collect();
            let culprit = removed.iter().position(|r| {
                named.contains(&r.as_str())
                    || prog
                        .library
                        .clauses
                        .get(r)
                        .is_some_and(|c| named.contains(&c.meta.part.as_str()))
            });
            let path = match culprit {
                Some(i) => JsonPath::root()
                    .key("convention")
                    .key("clauses")
                    .key("remove")
                    .index(i),
                None => JsonPath::root(),
            };
            if !path.is_root() {
                nd = nd.at_path(path.to_string());
            }
            if let Some((l, c)) = locate_point(&entry.text, &path, Point::Value) {
                nd = nd.at(l, c);
            }
            let (ofr, oen) = d
                .file
                .as_ref()
                .map(|f| {
                    (
                        format!(" (dans {})", f.display()),
                        format!(" (in {})", f.display()),
                    )
                })
                .unwrap_or_default();
            nd.with_hint(match (culprit, d.hint) {
                (Some(_), _) => tr!(
                    "gardez cette clause, ou retirez les clauses qui la citent{ofr}",
                    "keep this clause, or remove the clauses that cite it{oen}"
                ),
                (None, Some(h)) => Text::new(format!("{}{ofr}", h.fr), format!("{}{oen}", h.en)),
                (None, None) => tr!(
                    "la convention ne peut pas être établie avec ces données{ofr}",
                    "the convention cannot be rendered with this data{oen}"
                ),
            })
        })
        .collect()
}

/// Every problem of one association file that `check` reports: its rules, then
/// a dry render if it passed (what `charta serve` checks as the user types).
pub fn check_one(
    prog: &Programme,
    engine: &crate::render::Engine,
    entry: &AssociationEntry,
) -> Vec<Diagnostic> {
    let mut d = check_association(prog, entry);
    if !has_errors(&d) {
        d.extend(dry_render(prog, engine, entry));
    }
    sort(&mut d);
    d
}

/// Every problem of the programme: `charta.toml`, library, templates, each
/// association file (checked, then rendered dry if it passed), grouped by
/// file in order ([`sort`]), each told once.
pub fn check_programme(prog: &Programme) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_programme_into(prog, &mut out);
    out
}

/// How many association files are checked at once before their problems go
/// to the sink: enough for both workers, few enough to keep little.
const CHECKED_AT_ONCE: usize = 64;

/// [`check_programme`], each problem handed to `sink` in the same order
/// without keeping them all: the problems of an association file go as soon
/// as the files before it are done. Those of other files (`charta.toml`, the
/// library, the review files, and what an association's rules say of them)
/// are few; they are kept, sorted and told once, before the association
/// files or after them as their place in [`sort`] says.
pub fn check_programme_into(prog: &Programme, sink: &mut dyn crate::diagnostic::Sink) {
    let (engine, mut others) = crate::render::Engine::new(&prog.library);
    others.extend(check_library(prog, &engine));
    others.extend(programme::check(prog));
    others.extend(deliberations::described(prog));
    // A broken library or charta.toml would fail every render: say it once, not once per association.
    let library_broken = has_errors(&others);
    others.extend(crate::check::review::check_reviews(prog));
    let mut entries: Vec<&AssociationEntry> = prog.associations.iter().collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let before_files = |d: &Diagnostic| match (&d.file, entries.first()) {
        (None, _) => true,
        (Some(f), Some(first)) => f < &first.path,
        (Some(_), None) => false,
    };
    let (mut before, mut after): (Vec<Diagnostic>, Vec<Diagnostic>) =
        others.into_iter().partition(|d| before_files(d));
    let mut after_keys: std::collections::HashSet<Key> = after.iter().map(key).collect();
    // The problems told before the association files, once they are (their keys: few).
    let mut told_before: Option<std::collections::HashSet<Key>> = None;
    for chunk in entries.chunks(CHECKED_AT_ONCE) {
        let per_file: Vec<Vec<Diagnostic>> = chunk
            .par_iter()
            .map(|entry| {
                let mut d = check_association(prog, entry);
                if !has_errors(&d) && !library_broken {
                    d.extend(dry_render(prog, &engine, entry));
                }
                sort(&mut d);
                dedup(&mut d);
                d
            })
            .collect();
        for (entry, diags) in chunk.iter().zip(per_file) {
            for d in diags {
                if d.file.as_ref() == Some(&entry.path) {
                    if told_before.is_none() {
                        told_before = Some(tell_all(&mut before, sink));
                    }
                    sink.push(d);
                } else if !before_files(&d) {
                    // A rule on charta.toml that every association file repeats: kept once.
                    if after_keys.insert(key(&d)) {
                        after.push(d);
                    }
                } else if let Some(told) = &mut told_before {
                    // Its place was before the association files: told now, late, rather than lost.
                    if told.insert(key(&d)) {
                        sink.push(d);
                    }
                } else {
                    before.push(d);
                }
            }
        }
    }
    if told_before.is_none() {
        tell_all(&mut before, sink);
    }
    tell_all(&mut after, sink);
}

/// What makes two diagnostics the same problem told twice.
type Key = (
    Code,
    Option<PathBuf>,
    Option<usize>,
    Option<usize>,
    Option<String>,
    String,
);

fn key(d: &Diagnostic) -> Key {
    (
        d.code,
        d.file.clone(),
        d.line,
        d.column,
        d.path.clone(),
        d.message.fr.clone(),
    )
}

/// Sorts `diags`, hands each to `sink` once, and gives back what was told.
fn tell_all(
    diags: &mut Vec<Diagnostic>,
    sink: &mut dyn crate::diagnostic::Sink,
) -> std::collections::HashSet<Key> {
    sort(diags);
    dedup(diags);
    let told = diags.iter().map(key).collect();
    for d in diags.drain(..) {
        sink.push(d);
    }
    told
}

/// Drops a diagnostic told twice (a rule on charta.toml that every
/// association file repeats), keeping the first.
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(key(d)));
}

/// Groups diagnostics by file (files in order, then by line, column, severity).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity).cmp(&(&b.file, b.line, b.column, b.severity))
    });
}

/// The `--format json` report: counts, a summary per file, and every diagnostic
/// (grouped by file, in order).
/// The report of `charta check --format json`, messages and hints in `lang`.
pub fn json_report(diags: &[Diagnostic], associations: usize, lang: Lang) -> Value {
    let mut sorted = diags.to_vec();
    sort(&mut sorted);
    let errors = sorted.iter().filter(|d| d.is_error()).count();
    let mut files: Vec<(Option<PathBuf>, usize, usize)> = Vec::new();
    for d in &sorted {
        if files.last().is_none_or(|(f, _, _)| f != &d.file) {
            files.push((d.file.clone(), 0, 0));
        }
        let last = files.last_mut().expect("pushed");
        match d.severity {
            Severity::Error => last.1 += 1,
            Severity::Warning => last.2 += 1,
        }
    }
    let files: Vec<Value> = files
        .into_iter()
        .map(|(f, e, w)| json!({ "file": f, "errors": e, "warnings": w }))
        .collect();
    json!({
        "errors": errors,
        "warnings": sorted.len() - errors,
        "associations": associations,
        "files": files,
        "lang": lang.as_str(),
        "diagnostics": sorted.iter().map(|d| d.to_json(lang)).collect::<Vec<_>>(),
    })
}
