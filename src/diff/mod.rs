//! Comparing two versions of a convention, aligned by clause id (never by
//! position), and two build folders.
//!
//! The pipeline: `doc` reads a rendered convention back into parts and
//! clauses through its anchors; `compare` aligns the two versions by id and
//! lists the clauses added, removed, moved and modified, each with a
//! word-level `redline` over the `tokens` of its text; `data` compares the
//! association files that produced them (the `<id>.data.json` snapshot a
//! build writes beside `<id>.md`); `folder` does it for every convention of
//! two build folders; `office` reads an edited ODT or DOCX back, clause by
//! clause; `report` and `pdf` write the result for a terminal, in Markdown,
//! JSON or PDF, and `tracked` as an ODT or DOCX with tracked changes; `cli`
//! is `charta diff`.

mod compare;
mod data;
pub mod sides;
use crate::document as doc;
mod folder;
pub mod office;
mod pdf;
mod redline;
mod report;
mod tokens;
pub mod tracked;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Lang, Text};

pub use compare::{Change, ChangeKind, Target, VersionChange, compare, version_changes};
pub use data::{DataChange, data_changes};
pub use doc::{Clause, Convention, Part, is_convention};
pub use folder::{ConventionStatus, FolderDiff, FolderEntry, diff_folders};
pub use redline::{Op, Segment, edit_count};
pub use report::{Report, json, markdown, markdown_redline, named_part_fr, text};

/// Everything that differs between two versions of one convention.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConventionDiff {
    /// The convention id (from the new version's header, else the old one's).
    pub id: String,
    /// The text: clauses, headings, title block, in the new version's order.
    pub changes: Vec<Change>,
    /// The data, field by field (only when both data snapshots are known).
    pub data: Vec<DataChange>,
    /// Clauses whose library version changed (informative: a new version with
    /// the same text is no difference in the act).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionChange>,
}

impl ConventionDiff {
    /// Compares two parsed conventions (no data).
    pub fn of(old: &Convention, new: &Convention) -> ConventionDiff {
        ConventionDiff {
            id: new.id().or(old.id()).unwrap_or_default().to_string(),
            changes: compare(old, new),
            data: Vec::new(),
            versions: version_changes(old, new),
        }
    }

    /// No difference in the act nor in its data.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.data.is_empty()
    }

    /// One line in English (the JSON report's `summary`): « 2 clauses modified (a, b),
    /// 1 clause removed (c); data: contribution 2028 : … ».
    pub fn summary(&self) -> String {
        self.summary_in(Lang::En)
    }

    /// One line in `lang`: « 2 clauses modifiées (a, b), 1 clause supprimée (c) ; données : … ».
    pub fn summary_in(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let mut parts = Vec::new();
        for (kind, what) in [
            (ChangeKind::Modified, lang.pick("modifiée", "modified")),
            (ChangeKind::Added, lang.pick("ajoutée", "added")),
            (ChangeKind::Removed, lang.pick("supprimée", "removed")),
            (ChangeKind::Moved, lang.pick("déplacée", "moved")),
        ] {
            let ids: Vec<&str> = self
                .changes
                .iter()
                .filter(|c| c.kind == kind && c.target == Target::Clause)
                .filter_map(|c| c.clause.as_deref())
                .collect();
            if !ids.is_empty() {
                let s = if ids.len() > 1 { "s" } else { "" };
                let what_s = if fr { s } else { "" };
                parts.push(format!(
                    "{} clause{s} {what}{what_s} ({})",
                    ids.len(),
                    list(&ids, 6, lang)
                ));
            }
        }
        let headings: Vec<String> = self
            .changes
            .iter()
            .filter(|c| c.target == Target::Heading)
            .map(|c| {
                report::part_label(
                    c.part_kind.as_deref(),
                    c.new_number.as_deref(),
                    c.part.as_deref(),
                    lang,
                )
            })
            .collect();
        if !headings.is_empty() {
            let h: Vec<&str> = headings.iter().map(String::as_str).collect();
            let s = if h.len() > 1 { "s" } else { "" };
            parts.push(match lang {
                Lang::Fr => format!("intitulé{s} de {} modifié{s}", list(&h, 4, lang)),
                Lang::En => format!("heading{s} of {} modified", list(&h, 4, lang)),
            });
        }
        if self.changes.iter().any(|c| c.target == Target::Title) {
            parts.push(
                lang.pick("bloc de titre modifié", "title block modified")
                    .to_string(),
            );
        }
        let mut line = parts.join(", ");
        if !self.data.is_empty() {
            let shown: Vec<&str> = self.data.iter().take(3).map(|d| d.text.as_str()).collect();
            let more = self.data.len().saturating_sub(shown.len());
            if !line.is_empty() {
                line.push_str(lang.pick("\u{a0}; ", "; "));
            }
            line.push_str(lang.pick("données\u{a0}: ", "data: "));
            line.push_str(&shown.join(lang.pick("\u{a0}; ", "; ")));
            if more > 0 {
                line.push_str(&match lang {
                    Lang::Fr => format!(" (+{more} autres)"),
                    Lang::En => format!(" (+{more} more)"),
                });
            }
        }
        if line.is_empty() {
            lang.pick("aucune différence", "no differences").to_string()
        } else {
            line
        }
    }
}

/// « a, b, c, +2 more ».
fn list(ids: &[&str], max: usize, lang: Lang) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!(
            "{}, +{} {}",
            ids[..max].join(", "),
            ids.len() - max,
            lang.pick("autres", "more")
        )
    }
}

/// Compares two rendered conventions; the error says which side is not one.
pub fn diff_markdown(old_md: &str, new_md: &str) -> Result<ConventionDiff, Text> {
    let side = |fr: &str, en: &str, e: Text| {
        Text::new(format!("{fr}\u{a0}: {}", e.fr), format!("{en}: {}", e.en))
    };
    let old = Convention::parse(old_md).map_err(|e| side("ancienne version", "old version", e))?;
    let new = Convention::parse(new_md).map_err(|e| side("nouvelle version", "new version", e))?;
    Ok(ConventionDiff::of(&old, &new))
}

/// One line that says what changed between two versions, in French and English:
/// « 2 clauses modifiées (x, y), 1 clause ajoutée (z) ».
pub fn summary_line(old_md: &str, new_md: &str) -> Text {
    match diff_markdown(old_md, new_md) {
        Ok(d) if d.is_empty() && old_md != new_md => Text::new(
            "seules la numérotation ou les ancres diffèrent",
            "only the numbering or the anchors differ",
        ),
        Ok(d) => Text::new(d.summary_in(Lang::Fr), d.summary_in(Lang::En)),
        Err(_) => Text::new("son texte diffère", "its text differs"),
    }
}
