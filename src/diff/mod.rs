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

pub mod cli;
mod compare;
mod data;
use crate::document as doc;
mod folder;
pub mod office;
mod pdf;
mod redline;
mod report;
mod tokens;
pub mod tracked;

use serde::{Deserialize, Serialize};

pub use compare::{Change, ChangeKind, Target, VersionChange, compare, version_changes};
pub use data::{DataChange, data_changes};
pub use doc::{Clause, Convention, Part, is_convention};
pub use folder::{ConventionStatus, FolderDiff, FolderEntry, diff_folders};
pub use redline::{Op, Segment, edit_count};
pub use report::{Report, json, markdown, markdown_redline, text};

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

    /// One line: « 2 clauses modified (a, b), 1 clause removed (c); data: contribution 2028 : … ».
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (kind, what) in [
            (ChangeKind::Modified, "modified"),
            (ChangeKind::Added, "added"),
            (ChangeKind::Removed, "removed"),
            (ChangeKind::Moved, "moved"),
        ] {
            let ids: Vec<&str> = self
                .changes
                .iter()
                .filter(|c| c.kind == kind && c.target == Target::Clause)
                .filter_map(|c| c.clause.as_deref())
                .collect();
            if !ids.is_empty() {
                parts.push(format!(
                    "{} clause{} {what} ({})",
                    ids.len(),
                    if ids.len() > 1 { "s" } else { "" },
                    list(&ids, 6)
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
                )
            })
            .collect();
        if !headings.is_empty() {
            let h: Vec<&str> = headings.iter().map(String::as_str).collect();
            parts.push(format!(
                "heading{} of {} modified",
                if h.len() > 1 { "s" } else { "" },
                list(&h, 4)
            ));
        }
        if self.changes.iter().any(|c| c.target == Target::Title) {
            parts.push("title block modified".to_string());
        }
        let mut line = parts.join(", ");
        if !self.data.is_empty() {
            let shown: Vec<&str> = self.data.iter().take(3).map(|d| d.text.as_str()).collect();
            let more = self.data.len().saturating_sub(shown.len());
            if !line.is_empty() {
                line.push_str("; ");
            }
            line.push_str("data: ");
            line.push_str(&shown.join("; "));
            if more > 0 {
                line.push_str(&format!(" (+{more} more)"));
            }
        }
        if line.is_empty() {
            "no differences".to_string()
        } else {
            line
        }
    }
}

/// « a, b, c, +2 more ».
fn list(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{}, +{} more", ids[..max].join(", "), ids.len() - max)
    }
}

/// Compares two rendered conventions; the error says which side is not one.
pub fn diff_markdown(old_md: &str, new_md: &str) -> Result<ConventionDiff, String> {
    let old = Convention::parse(old_md).map_err(|e| format!("old version: {e}"))?;
    let new = Convention::parse(new_md).map_err(|e| format!("new version: {e}"))?;
    Ok(ConventionDiff::of(&old, &new))
}

/// One line that says what changed between two versions: « 2 clauses modified (x, y), 1 clause added (z) ».
pub fn summary_line(old_md: &str, new_md: &str) -> String {
    match diff_markdown(old_md, new_md) {
        Ok(d) if d.is_empty() && old_md != new_md => {
            "only the numbering or the anchors differ".to_string()
        }
        Ok(d) => d.summary(),
        Err(_) => "its text differs".to_string(),
    }
}
