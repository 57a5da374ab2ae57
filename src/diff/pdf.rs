//! The PDF redline: the Markdown report typeset by the PDF stage with a
//! layout of its own (`redline.typ`): the summary first, then the compared
//! text from a new page, deletions struck through in red and insertions
//! underlined in blue.
//!
//! Nothing here writes Typst: the report goes through the same Markdown →
//! Typst converter as a convention (and so the same escaping), which maps
//! `<del>` and `<ins>` to `strike` and `underline`; the colours are the
//! layout's.

use crate::document::Meta;
use crate::emit::pdf::PdfEngine;

use super::report::{self, Report};

/// The built-in layout of a comparison report.
pub const LAYOUT: &str = include_str!("redline.typ");

/// Typesets the report, dated `date` (a comparison is dated when it is made,
/// unlike a convention: the command gives the day); the error is Typst's
/// message.
pub fn render(report: &Report, date: (i32, u8, u8)) -> Result<Vec<u8>, crate::diagnostic::Text> {
    let markdown = report::markdown(report);
    let (title, reference, old, new) = match report {
        Report::Pair { old, new, diff } => (
            "Comparaison de deux versions".to_string(),
            if diff.id.is_empty() {
                "convention".to_string()
            } else {
                diff.id.clone()
            },
            old.display().to_string(),
            new.display().to_string(),
        ),
        Report::Folder(f) => (
            "Comparaison de deux lots de conventions".to_string(),
            "lot".to_string(),
            f.old.display().to_string(),
            f.new.display().to_string(),
        ),
    };
    let (y, m, d) = date;
    // Meta is the convention layout's; this layout reads the old and new
    // paths from `funder` and `association`, the date in words from `period`.
    let meta = Meta {
        title,
        reference,
        funder: old,
        association: new,
        period: crate::french::date_fr(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or_default(),
        date,
        charts: Vec::new(),
    };
    PdfEngine::new(Some(LAYOUT.to_string()))
        .render(&markdown, &meta)
        .map(|o| o.pdf)
        .map_err(|e| {
            crate::diagnostic::Text::verbatim(crate::emit::pdf::typst_error(&e.diagnostic))
        })
}
