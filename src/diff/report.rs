//! Writes a diff for its reader: a terminal (text, coloured or with
//! `[-…-]{+…+}` marks), a legal service (Markdown in French with
//! `<del>`/`<ins>`, also the source of the PDF redline) or a script (JSON).
//!
//! The text report is for the person who ran the command, in English like the
//! rest of the CLI, and shows only the lines that changed; the Markdown report
//! is a document in French and shows each changed clause whole. Text and JSON
//! of identical inputs are empty (no output, or empty lists), so that scripts
//! can test for emptiness as well as for the exit status.

use std::fmt::Write as _;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::ConventionDiff;
use super::compare::{Change, ChangeKind, Target};
use super::folder::{ConventionStatus, FolderDiff};
use super::redline::{Op, Segment};
use crate::anchor;
use crate::diagnostic::{Lang, Text};
use crate::french::capitalise;
use crate::render::escape_markdown;
use crate::tr;

/// What is being reported: one pair of conventions, or two build folders.
#[derive(Debug, Clone, Copy)]
pub enum Report<'a> {
    Pair {
        old: &'a Path,
        new: &'a Path,
        diff: &'a ConventionDiff,
    },
    Folder(&'a FolderDiff),
}

impl Report<'_> {
    pub fn has_differences(&self) -> bool {
        match self {
            Report::Pair { diff, .. } => !diff.is_empty(),
            Report::Folder(f) => f.has_differences(),
        }
    }
}

/// « article 5 », « annexe II », « bloc visas » (« block visas » in English).
pub fn part_label(
    kind: Option<&str>,
    number: Option<&str>,
    id: Option<&str>,
    lang: Lang,
) -> String {
    match (kind, number) {
        (Some("article"), Some(n)) => format!("article {n}"),
        (Some("annex"), Some(n)) => format!("annexe {n}"),
        _ => format!("{} {}", lang.pick("bloc", "block"), id.unwrap_or("?")),
    }
}

/// « Article 5 », « Annexe II », « Préambule »: the French name of a part,
/// `None` for the title and a block without one (the caller names them).
pub fn named_part_fr(kind: Option<&str>, number: Option<&str>, id: Option<&str>) -> Option<String> {
    Some(match (kind, number) {
        (Some("article"), Some(n)) => format!("Article {n}"),
        (Some("annex"), Some(n)) => format!("Annexe {n}"),
        _ => match id.unwrap_or("") {
            "parties" => "Parties",
            "visas" => "Visas",
            "preambule" => "Préambule",
            "convenu" => "Formule d'engagement",
            "signature" => "Signature",
            _ => return None,
        }
        .to_string(),
    })
}

/// « Article 5 », « Annexe II », « Préambule », « Titre », « Bloc … ».
fn place_fr(kind: Option<&str>, number: Option<&str>, id: Option<&str>) -> String {
    named_part_fr(kind, number, id).unwrap_or_else(|| match id.unwrap_or("") {
        "" => "Titre".to_string(),
        other => format!("Bloc {other}"),
    })
}

// ---------------------------------------------------------------- text

struct Paint {
    colour: bool,
}

impl Paint {
    fn style(&self, style: Style, text: &str) -> String {
        if self.colour && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn del(&self, text: &str) -> String {
        if self.colour {
            let s = Style::new()
                .fg_color(Some(AnsiColor::Red.into()))
                .strikethrough();
            self.style(s, text)
        } else {
            format!("[-{text}-]")
        }
    }

    fn ins(&self, text: &str) -> String {
        if self.colour {
            let s = Style::new()
                .fg_color(Some(AnsiColor::Green.into()))
                .underline();
            self.style(s, text)
        } else {
            format!("{{+{text}+}}")
        }
    }

    fn head(&self, kind: ChangeKind, text: &str) -> String {
        let colour = match kind {
            ChangeKind::Added => AnsiColor::Green,
            ChangeKind::Removed => AnsiColor::Red,
            ChangeKind::Moved => AnsiColor::Magenta,
            ChangeKind::Modified => AnsiColor::Yellow,
        };
        self.style(Style::new().fg_color(Some(colour.into())).bold(), text)
    }

    fn bold(&self, text: &str) -> String {
        self.style(Style::new().bold(), text)
    }
}

/// The redline cut into lines: each line a list of (op, text) pieces.
fn lines(segments: &[Segment]) -> Vec<Vec<(Op, &str)>> {
    let mut out: Vec<Vec<(Op, &str)>> = vec![Vec::new()];
    for s in segments {
        for (i, piece) in s.text.split('\n').enumerate() {
            if i > 0 {
                out.push(Vec::new());
            }
            if !piece.is_empty() {
                out.last_mut()
                    .expect("one line at least")
                    .push((s.op, piece));
            }
        }
    }
    out
}

/// The title line of one change: « ~ modifiée : article 4 (id) », « ~ modified article 4 (id) ».
fn change_title(c: &Change, lang: Lang) -> String {
    let place = part_label(
        c.part_kind.as_deref(),
        match c.kind {
            ChangeKind::Removed => c.old_number.as_deref(),
            _ => c.new_number.as_deref(),
        },
        c.part.as_deref(),
        lang,
    );
    let formerly = match (&c.old_number, &c.new_number, c.kind) {
        (Some(o), Some(n), ChangeKind::Modified) if o != n => {
            tr!(", anciennement {o}", ", formerly {o}")
                .get(lang)
                .to_string()
        }
        _ => String::new(),
    };
    let id = c.clause.as_deref().unwrap_or("");
    let title = match (c.target, c.kind) {
        (Target::Title, _) => Text::new("~ bloc de titre modifié", "~ modified title block"),
        (Target::Heading, _) => tr!(
            "~ intitulé de {place} modifié{formerly}",
            "~ modified heading of {place}{formerly}"
        ),
        (_, ChangeKind::Added) => {
            let w = whole(c, true);
            let w = w.get(lang);
            tr!(
                "+ ajoutée\u{a0}: {place} ({id}){w}",
                "+ added {place} ({id}){w}"
            )
        }
        (_, ChangeKind::Removed) => {
            let w = whole(c, false);
            let w = w.get(lang);
            tr!(
                "- supprimée\u{a0}: {place} ({id}){w}",
                "- removed {place} ({id}){w}"
            )
        }
        (_, ChangeKind::Modified) => tr!(
            "~ modifiée\u{a0}: {place}{formerly} ({id})",
            "~ modified {place}{formerly} ({id})"
        ),
        (_, ChangeKind::Moved) => return moved_title(c, &place, lang),
    };
    title.get(lang).to_string()
}

/// « > déplacée : id de l'article 4 à l'annexe II, désormais en tête ».
fn moved_title(c: &Change, place: &str, lang: Lang) -> String {
    let id = c.clause.as_deref().unwrap_or("");
    let to = the(place, lang);
    let from_to = match &c.old_part {
        Some(op) => {
            let from = part_label(
                c.old_part_kind.as_deref(),
                c.old_number.as_deref(),
                Some(op),
                lang,
            );
            let from = the(&from, lang);
            tr!("de {from} à {to}", "from {from} to {to}")
        }
        None => tr!("dans {to}", "within {to}"),
    };
    let now = match &c.after {
        Some(a) => tr!(", désormais après {a}", ", now after {a}"),
        None => Text::new(", désormais en tête", ", now first"),
    };
    let text = if c.text_changed {
        Text::new(", texte modifié", ", text modified")
    } else {
        Text::new("", "")
    };
    let (from_to, now, text) = (from_to.get(lang), now.get(lang), text.get(lang));
    tr!(
        "> déplacée\u{a0}: {id} {from_to}{now}{text}",
        "> moved {id} {from_to}{now}{text}"
    )
    .get(lang)
    .to_string()
}

/// « l'article 4 », « l'annexe II », « le bloc visas » (English: the place as it is).
fn the(place: &str, lang: Lang) -> String {
    match lang {
        Lang::En => place.to_string(),
        Lang::Fr if place.starts_with("article") || place.starts_with("annexe") => {
            format!("l'{place}")
        }
        Lang::Fr => format!("le {place}"),
    }
}

/// « , tout l'article » when a clause came or went with its part.
fn whole(c: &Change, added: bool) -> Text {
    let (fr, en) = match (c.whole_part, c.part_kind.as_deref(), added) {
        (true, Some("article"), true) => (", un nouvel article", ", a new article"),
        (true, Some("annex"), true) => (", une nouvelle annexe", ", a new annex"),
        (true, _, true) => (", un nouveau bloc", ", a new block"),
        (true, Some("article"), false) => (", tout l'article", ", the whole article"),
        (true, Some("annex"), false) => (", toute l'annexe", ", the whole annex"),
        (true, _, false) => (", tout le bloc", ", the whole block"),
        _ => ("", ""),
    };
    Text::new(fr, en)
}

fn text_change(out: &mut String, c: &Change, p: &Paint, lang: Lang) {
    let _ = writeln!(out, "{}", p.head(c.kind, &change_title(c, lang)));
    let whole = matches!(c.kind, ChangeKind::Added | ChangeKind::Removed);
    let mut skipped = false;
    for line in lines(&c.redline) {
        let edited = line.iter().any(|(op, _)| *op != Op::Equal);
        if line.is_empty() {
            continue;
        }
        if !edited && !whole {
            skipped = true;
            continue;
        }
        if skipped {
            let _ = writeln!(out, "    …");
            skipped = false;
        }
        let mut s = String::from("    ");
        for (op, t) in line {
            s.push_str(&match op {
                Op::Equal => t.to_string(),
                Op::Delete => p.del(t),
                Op::Insert => p.ins(t),
            });
        }
        let _ = writeln!(out, "{s}");
    }
    if skipped {
        let _ = writeln!(out, "    …");
    }
}

fn text_diff(out: &mut String, d: &ConventionDiff, p: &Paint, lang: Lang) {
    for c in &d.changes {
        out.push('\n');
        text_change(out, c, p, lang);
    }
    if !d.data.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold(lang.pick("données\u{a0}:", "data:")));
        for x in &d.data {
            let _ = writeln!(out, "  {}", x.text);
        }
    }
}

/// The terminal report in `lang`; `colour` uses ANSI styles instead of `[-…-]{+…+}`.
pub fn text(report: &Report, colour: bool, lang: Lang) -> String {
    let colon = lang.pick("\u{a0}:", ":");
    let p = Paint { colour };
    let mut out = String::new();
    match report {
        Report::Pair { diff, .. } => {
            if diff.is_empty() {
                return out;
            }
            let id = if diff.id.is_empty() {
                "convention"
            } else {
                &diff.id
            };
            let _ = writeln!(out, "{}{colon} {}", p.bold(id), diff.summary_in(lang));
            text_diff(&mut out, diff, &p, lang);
        }
        Report::Folder(f) => {
            for e in &f.conventions {
                let (mark, kind) = match e.status {
                    ConventionStatus::Added => ("+", Some(ChangeKind::Added)),
                    ConventionStatus::Removed => ("-", Some(ChangeKind::Removed)),
                    ConventionStatus::Changed => ("~", Some(ChangeKind::Modified)),
                    ConventionStatus::Unchanged => (" ", None),
                };
                let head = format!("{mark} {}", e.id);
                let head = match kind {
                    Some(k) => p.head(k, &head),
                    None => head,
                };
                let _ = writeln!(out, "{head}{colon} {}", e.summary.get(lang));
            }
            let _ = writeln!(out, "{}", f.totals_in(lang));
        }
    }
    out
}

// ---------------------------------------------------------------- JSON

#[derive(Serialize)]
struct PairJson<'a> {
    old: &'a Path,
    new: &'a Path,
    id: &'a str,
    differences: bool,
    summary: String,
    changes: &'a [Change],
    data: &'a [super::DataChange],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    versions: &'a [super::VersionChange],
}

#[derive(Serialize)]
struct Counts {
    changed: usize,
    added: usize,
    removed: usize,
    unchanged: usize,
}

#[derive(Serialize)]
struct FolderJson<'a> {
    old: &'a Path,
    new: &'a Path,
    differences: bool,
    counts: Counts,
    conventions: Vec<EntryJson<'a>>,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: &'a str,
    status: ConventionStatus,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a [Change]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a [super::DataChange]>,
}

/// The change list for scripts (pretty-printed JSON, one trailing newline).
pub fn json(report: &Report) -> String {
    let mut s = match report {
        Report::Pair { old, new, diff } => serde_json::to_string_pretty(&PairJson {
            old,
            new,
            id: &diff.id,
            differences: !diff.is_empty(),
            summary: if diff.is_empty() {
                String::new()
            } else {
                diff.summary()
            },
            changes: &diff.changes,
            data: &diff.data,
            versions: &diff.versions,
        }),
        Report::Folder(f) => serde_json::to_string_pretty(&FolderJson {
            old: &f.old,
            new: &f.new,
            differences: f.has_differences(),
            counts: Counts {
                changed: f.count(ConventionStatus::Changed),
                added: f.count(ConventionStatus::Added),
                removed: f.count(ConventionStatus::Removed),
                unchanged: f.count(ConventionStatus::Unchanged),
            },
            conventions: f
                .conventions
                .iter()
                .map(|e| EntryJson {
                    id: &e.id,
                    status: e.status,
                    summary: &e.summary.en,
                    changes: e.diff.as_ref().map(|d| d.changes.as_slice()),
                    data: e.diff.as_ref().map(|d| d.data.as_slice()),
                })
                .collect(),
        }),
    }
    .expect("the report serialises");
    s.push('\n');
    s
}

// ---------------------------------------------------------------- Markdown

/// Whether `s` is the content of a line that would be a list item marker.
fn list_marker_len(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    for m in ["- ", "* ", "+ "] {
        if rest.starts_with(m) {
            return indent + 2;
        }
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && rest[digits..].starts_with(". ") {
        return indent + digits + 2;
    }
    0
}

/// Wraps `run` in `<tag>…</tag>`, spaces left outside.
fn wrap(out: &mut String, run: &str, tag: &str) {
    let core = run.trim();
    if core.is_empty() {
        out.push_str(run);
        return;
    }
    let lead = &run[..run.len() - run.trim_start().len()];
    let trail = &run[run.trim_end().len()..];
    let _ = write!(out, "{lead}<{tag}>{core}</{tag}>{trail}");
}

/// Emits inserted text (or whole deleted lines) keeping its Markdown
/// structure as structure: line breaks, list markers, table pipes and `**`
/// stay outside the marks, so the redline has the shape of the document.
fn structured(out: &mut String, text: &str, tag: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        if out.is_empty() || out.ends_with('\n') {
            let m = list_marker_len(rest);
            out.push_str(&rest[..m]);
            rest = &rest[m..];
        }
        let mut run = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    run.push(c);
                    if let Some(n) = chars.next() {
                        run.push(n);
                    }
                }
                '|' => {
                    wrap(out, &run, tag);
                    run.clear();
                    out.push('|');
                }
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    wrap(out, &run, tag);
                    run.clear();
                    out.push_str("**");
                }
                _ => run.push(c),
            }
        }
        wrap(out, &run, tag);
    }
}

/// Emits deleted text inside a line: its markup neutralised (it is no longer
/// structure), its line breaks turned into spaces.
fn inline_deleted(out: &mut String, text: &str) {
    let mut s = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                s.push(c);
                if let Some(n) = chars.next() {
                    s.push(n);
                }
            }
            '\n' => s.push(' '),
            '*' | '_' | '|' | '<' | '>' | '[' | ']' | '`' | '#' | '~' => {
                s.push('\\');
                s.push(c);
            }
            _ => s.push(c),
        }
    }
    // A deletion of spaces alone leaves nothing visible to mark.
    if !s.trim().is_empty() {
        wrap(out, &s, "del");
    }
}

/// The redline of one text as Markdown with `<del>` and `<ins>`.
pub fn markdown_redline(segments: &[Segment]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        match s.op {
            Op::Equal => out.push_str(&s.text),
            Op::Insert => structured(&mut out, &s.text, "ins"),
            Op::Delete => {
                let next = segments[i + 1..].iter().find(|x| x.op == Op::Equal);
                let next_starts_line = next.is_none_or(|n| n.text.starts_with('\n'));
                let at_line_start = out.is_empty() || out.ends_with('\n');
                let whole_lines = (at_line_start && (s.text.ends_with('\n') || next_starts_line))
                    || (s.text.starts_with('\n') && next_starts_line);
                if whole_lines {
                    structured(&mut out, &s.text, "del");
                } else {
                    inline_deleted(&mut out, &s.text);
                }
            }
        }
    }
    out
}

fn kind_fr(c: &Change) -> String {
    // « clause » is feminine, « titre » and « intitulé » masculine.
    if c.target != Target::Clause {
        return "modifié".to_string();
    }
    let base = match c.kind {
        ChangeKind::Added => "ajoutée",
        ChangeKind::Removed => "supprimée",
        ChangeKind::Modified => "modifiée",
        ChangeKind::Moved => "déplacée",
    };
    let mut s = base.to_string();
    if c.whole_part {
        s.push_str(match c.part_kind.as_deref() {
            Some("article") => ", avec son article",
            Some("annex") => ", avec son annexe",
            _ => "",
        });
    }
    if c.kind == ChangeKind::Moved {
        if let Some(op) = &c.old_part {
            let _ = write!(
                s,
                " (auparavant : {})",
                place_fr(
                    c.old_part_kind.as_deref(),
                    c.old_number.as_deref(),
                    Some(op)
                )
            );
        }
        match &c.after {
            Some(a) => {
                let _ = write!(s, ", désormais après la clause {a}");
            }
            None => s.push_str(", désormais en tête"),
        }
        if c.text_changed {
            s.push_str(", texte modifié");
        }
    }
    s
}

fn place_of(c: &Change) -> String {
    let number = match c.kind {
        ChangeKind::Removed => c.old_number.as_deref(),
        _ => c.new_number.as_deref(),
    };
    let mut s = place_fr(c.part_kind.as_deref(), number, c.part.as_deref());
    if c.target == Target::Title {
        return "Titre".to_string();
    }
    match (&c.old_number, &c.new_number, c.kind) {
        (Some(o), Some(n), ChangeKind::Modified) if o != n => {
            let _ = write!(s, " (anciennement {o})");
        }
        (_, _, ChangeKind::Removed) if c.old_number.is_some() => {
            s.push_str(" (ancienne numérotation)")
        }
        _ => {}
    }
    s
}

fn what_fr(c: &Change) -> String {
    match c.target {
        Target::Title => "titre de la convention".to_string(),
        Target::Heading => "intitulé".to_string(),
        Target::Clause => format!("clause {}", c.clause.as_deref().unwrap_or("")),
    }
}

/// « 2 clauses modifiées, 1 clause supprimée ; 1 donnée modifiée ».
fn summary_fr(d: &ConventionDiff) -> String {
    let mut parts = Vec::new();
    for (kind, one, many) in [
        (ChangeKind::Modified, "clause modifiée", "clauses modifiées"),
        (ChangeKind::Added, "clause ajoutée", "clauses ajoutées"),
        (
            ChangeKind::Removed,
            "clause supprimée",
            "clauses supprimées",
        ),
        (ChangeKind::Moved, "clause déplacée", "clauses déplacées"),
    ] {
        let n = d
            .changes
            .iter()
            .filter(|c| c.kind == kind && c.target == Target::Clause)
            .count();
        if n > 0 {
            parts.push(crate::french::count(n, one, many));
        }
    }
    let h = d
        .changes
        .iter()
        .filter(|c| c.target == Target::Heading)
        .count();
    if h > 0 {
        parts.push(crate::french::count(
            h,
            "intitulé modifié",
            "intitulés modifiés",
        ));
    }
    if d.changes.iter().any(|c| c.target == Target::Title) {
        parts.push("titre modifié".to_string());
    }
    if !d.data.is_empty() {
        parts.push(crate::french::count(
            d.data.len(),
            "donnée modifiée",
            "données modifiées",
        ));
    }
    if parts.is_empty() {
        "aucune différence".to_string()
    } else {
        parts.join(", ")
    }
}

/// The summary table, data changes and redline of one convention, under headings of `level`.
fn md_sections(out: &mut String, d: &ConventionDiff, level: usize) {
    let h = "#".repeat(level);
    let _ = writeln!(out, "{}.\n", capitalise(&summary_fr(d)));
    if !d.changes.is_empty() {
        out.push_str("| Emplacement | Élément | Modification |\n| --- | --- | --- |\n");
        for c in &d.changes {
            let _ = writeln!(out, "| {} | {} | {} |", place_of(c), what_fr(c), kind_fr(c));
        }
        out.push('\n');
    }
    if !d.data.is_empty() {
        let _ = writeln!(out, "{h} Données modifiées\n");
        for x in &d.data {
            let _ = writeln!(out, "- {}", escape_markdown(&x.text));
        }
        out.push('\n');
    }
    if d.changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "{h} Texte comparé\n");
    for c in &d.changes {
        let number = match c.kind {
            ChangeKind::Removed => c.old_number.as_deref(),
            _ => c.new_number.as_deref(),
        };
        let mut title = place_fr(c.part_kind.as_deref(), number, c.part.as_deref());
        if c.kind == ChangeKind::Removed && number.is_some() {
            title.push_str(" (ancienne numérotation)");
        }
        if c.target == Target::Title {
            title = "Titre".to_string();
        } else if let Some(t) = &c.part_title
            && c.part_kind.as_deref() != Some("block")
        {
            let _ = write!(title, " – {t}");
        }
        let _ = writeln!(out, "{h}# {title}\n");
        let _ = writeln!(out, "*{} : {}.*\n", capitalise(&what_fr(c)), kind_fr(c));
        if c.redline.is_empty() {
            out.push_str("Texte inchangé.\n\n");
            continue;
        }
        let body = markdown_redline(&c.redline);
        // A title block holds `# ` lines: shown as text, not as headings.
        let body = if c.target == Target::Title {
            body.lines()
                .map(|l| l.strip_prefix("# ").unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            body
        };
        out.push_str(body.trim_end());
        out.push_str("\n\n");
    }
}

fn status_fr(s: ConventionStatus) -> &'static str {
    match s {
        ConventionStatus::Added => "ajoutée",
        ConventionStatus::Removed => "supprimée",
        ConventionStatus::Changed => "modifiée",
        ConventionStatus::Unchanged => "inchangée",
    }
}

/// The report as a French Markdown document, with `<del>`/`<ins>`; part
/// anchors (`resume`, `texte`) let the PDF layout put the summary on its own page.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let path = |p: &Path| escape_markdown(&p.display().to_string());
    match report {
        Report::Pair { old, new, diff } => {
            let _ = writeln!(
                out,
                "# Comparaison de deux versions{}\n",
                if diff.id.is_empty() {
                    String::new()
                } else {
                    format!(" de la convention {}", diff.id)
                }
            );
            out.push_str(&anchor::part("resume", anchor::PartKind::Block, None));
            out.push_str("## Résumé\n\n");
            let _ = writeln!(
                out,
                "- Ancienne version : {}\n- Nouvelle version : {}\n",
                path(old),
                path(new)
            );
            if diff.is_empty() {
                out.push_str("Aucune différence.\n");
                return out;
            }
            out.push_str(
                "Les suppressions sont barrées, les ajouts soulignés ; une renumérotation seule n'est pas une modification.\n\n",
            );
            let mut body = String::new();
            md_sections(&mut body, diff, 2);
            // The redline starts on its own page in the PDF.
            if let Some(at) = body.find("## Texte comparé") {
                body.insert_str(at, &anchor::part("texte", anchor::PartKind::Block, None));
            }
            out.push_str(&body);
        }
        Report::Folder(f) => {
            out.push_str("# Comparaison de deux lots de conventions\n\n");
            out.push_str(&anchor::part("resume", anchor::PartKind::Block, None));
            out.push_str("## Résumé\n\n");
            let _ = writeln!(
                out,
                "- Ancien dossier : {}\n- Nouveau dossier : {}\n",
                path(&f.old),
                path(&f.new)
            );
            let _ = writeln!(
                out,
                "{} : {}, {}, {}, {}.\n",
                crate::french::count(f.conventions.len(), "convention", "conventions"),
                crate::french::count(f.count(ConventionStatus::Changed), "modifiée", "modifiées"),
                crate::french::count(f.count(ConventionStatus::Added), "ajoutée", "ajoutées"),
                crate::french::count(
                    f.count(ConventionStatus::Removed),
                    "supprimée",
                    "supprimées"
                ),
                crate::french::count(
                    f.count(ConventionStatus::Unchanged),
                    "inchangée",
                    "inchangées"
                ),
            );
            if !f.conventions.is_empty() {
                out.push_str("| Convention | État | Ce qui change |\n| --- | --- | --- |\n");
                for e in &f.conventions {
                    let what = match &e.diff {
                        Some(d) => summary_fr(d),
                        None => String::new(),
                    };
                    let _ = writeln!(out, "| {} | {} | {} |", e.id, status_fr(e.status), what);
                }
                out.push('\n');
            }
            let changed: Vec<_> = f.conventions.iter().filter(|e| e.diff.is_some()).collect();
            if !changed.is_empty() {
                out.push_str(&anchor::part("texte", anchor::PartKind::Block, None));
                out.push_str("## Détail des conventions modifiées\n\n");
                for e in changed {
                    let _ = writeln!(out, "### Convention {}\n", e.id);
                    if let Some(d) = &e.diff {
                        md_sections(&mut out, d, 4);
                    }
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(op: Op, text: &str) -> Segment {
        Segment {
            op,
            text: text.to_string(),
        }
    }

    #[test]
    fn inline_changes_are_marked() {
        let md = markdown_redline(&[
            seg(Op::Equal, "un montant de "),
            seg(Op::Delete, "45 000 €"),
            seg(Op::Insert, "47 500 €"),
            seg(Op::Equal, ", soit."),
        ]);
        assert_eq!(
            md,
            "un montant de <del>45 000 €</del><ins>47 500 €</ins>, soit."
        );
    }

    #[test]
    fn table_structure_stays_structure() {
        let md = markdown_redline(&[
            seg(Op::Equal, "| 2027 | 1 |\n"),
            seg(Op::Insert, "| 2028 | **2** |\n"),
            seg(Op::Equal, "| Total | 3 |"),
        ]);
        assert_eq!(
            md,
            "| 2027 | 1 |\n| <ins>2028</ins> | **<ins>2</ins>** |\n| Total | 3 |"
        );
    }

    #[test]
    fn whole_deleted_lines_keep_their_shape_and_inline_deletions_are_escaped() {
        let md = markdown_redline(&[
            seg(Op::Equal, "Liste :\n\n"),
            seg(Op::Delete, "- premier *point* ;\n"),
            seg(Op::Equal, "- second."),
        ]);
        assert_eq!(md, "Liste :\n\n- <del>premier *point* ;</del>\n- second.");
        let md = markdown_redline(&[
            seg(Op::Equal, "a "),
            seg(Op::Delete, "b | *c*\nd"),
            seg(Op::Equal, " e"),
        ]);
        assert_eq!(md, "a <del>b \\| \\*c\\* d</del> e");
    }
}
