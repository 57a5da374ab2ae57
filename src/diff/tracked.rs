//! The new version of a convention with the changes as tracked changes
//! (`charta diff OLD NEW --format odt|docx`): the document the association's
//! lawyer opens in LibreOffice or Word and accepts or rejects change by change.
//!
//! The new version's Markdown is rewritten with `<del>`/`<ins>` marks: a
//! modified clause gets its word-level redline, an added clause is inserted
//! whole, a removed clause is deleted whole at the end of the part that held
//! it (or of the document, when its part is gone). The ODT and DOCX emitters
//! turn the marks into real tracked changes by one author at one date, both
//! from the data: never the clock.

use std::path::Path;

use super::report::markdown_redline;
use super::{ChangeKind, ConventionDiff, Op, Target};
use crate::anchor::{self, Anchor};
use crate::diagnostic::Text;
use crate::document::Meta;
use crate::emit::{Document, Revision};
use crate::tr;

/// `new_md` with the clause changes of `diff` as tracked changes by
/// `revision`, written by the emitter of format `name` (`odt`, `docx`);
/// `None` if that format has no tracked changes.
pub fn document(
    name: &str,
    new_md: &str,
    diff: &ConventionDiff,
    meta: &Meta,
    revision: &Revision,
) -> Option<Vec<u8>> {
    let marked = redlined_markdown(new_md, diff);
    let doc = Document {
        id: meta.reference.as_str(),
        markdown: &marked,
        meta,
    };
    crate::emit::write_tracked(name, &doc, revision)
}

/// `new_md` with the clause changes of `diff` marked.
pub fn redlined_markdown(new_md: &str, diff: &ConventionDiff) -> String {
    let clause_changes = || {
        diff.changes
            .iter()
            .filter(|c| c.target == Target::Clause && c.clause.is_some())
    };
    let replacement = |id: &str| {
        clause_changes()
            .find(|c| c.clause.as_deref() == Some(id) && c.kind != ChangeKind::Removed)
            .filter(|c| c.text_changed && c.redline.iter().any(|s| s.op != Op::Equal))
            .map(|c| markdown_redline(&c.redline))
    };
    let removed: Vec<_> = clause_changes()
        .filter(|c| c.kind == ChangeKind::Removed)
        .collect();
    let removed_in = |part: &str| {
        removed
            .iter()
            .filter(|c| c.part.as_deref() == Some(part))
            .map(|c| markdown_redline(&c.redline))
            .collect::<Vec<_>>()
    };
    let mut parts_seen = Vec::new();
    let mut out = String::with_capacity(new_md.len() * 2);
    let mut part: Option<String> = None;
    let mut skipping = false;
    let flush_removed = |out: &mut String, part: &Option<String>| {
        if let Some(p) = part {
            for text in removed_in(p) {
                out.push_str(&text);
                out.push_str("\n\n");
            }
        }
    };
    for line in new_md.split_inclusive('\n') {
        match anchor::parse(line) {
            Some(Anchor::Part { id, .. }) => {
                flush_removed(&mut out, &part);
                part = Some(id.to_string());
                parts_seen.push(id.to_string());
                skipping = false;
                out.push_str(line);
            }
            Some(Anchor::Clause { id, .. }) => {
                out.push_str(line);
                match replacement(id) {
                    Some(text) => {
                        out.push_str(&text);
                        out.push_str("\n\n");
                        skipping = true;
                    }
                    None => skipping = false,
                }
            }
            _ if skipping => {}
            _ => out.push_str(line),
        }
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    flush_removed(&mut out, &part);
    for c in &removed {
        if !c.part.as_ref().is_some_and(|p| parts_seen.contains(p)) {
            out.push_str(&markdown_redline(&c.redline));
            out.push_str("\n\n");
        }
    }
    out.trim_end().to_string() + "\n"
}

/// The author and date of the tracked changes: `author` if given, else
/// « charta »; the date of the new version's data (its signature date, else
/// its decision date, from the `<id>.data.json` snapshot beside it).
pub fn revision(new_md: &Path, author: Option<&str>) -> Result<Revision, Text> {
    let data = super::folder::read_data(new_md)?.ok_or_else(|| {
        tr!(
            "{}\u{a0}: pas de données à côté (`<id>.data.json`, écrit par `charta build`)\u{a0}: \
             la date des modifications suivies vient des données",
            "{}: no data snapshot beside it (`<id>.data.json`, written by `charta build`): \
             the date of the tracked changes comes from the data",
            new_md.display()
        )
    })?;
    let convention = &data["convention"];
    let date = [
        &convention["signature"]["date"],
        &convention["decision"]["date"],
    ]
    .into_iter()
    .filter_map(|v| v.as_str())
    .find_map(crate::french::parse_date)
    .ok_or_else(|| {
        tr!(
            "{}\u{a0}: ses données n'ont ni date de signature ni date de décision pour les modifications suivies",
            "{}: its data snapshot has no signature or decision date for the tracked changes",
            new_md.display()
        )
    })?;
    Ok(Revision {
        author: author.unwrap_or("charta").to_string(),
        date,
    })
}
