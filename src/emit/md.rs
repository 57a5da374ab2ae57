//! Markdown: the rendered convention as it is (CommonMark + GFM tables, with
//! its anchors). The diff reads it back.

use super::{Document, Emitted, Emitter, Format};

pub(super) const FORMAT: Format = Format {
    name: "md",
    extension: "md",
    about: "Markdown, with the anchors `charta diff` aligns on",
    mime: "text/markdown; charset=utf-8",
    label: "Markdown (.md)",
    new: |_| Box::new(Markdown),
};

struct Markdown;

impl Emitter for Markdown {
    fn name(&self) -> &'static str {
        FORMAT.name
    }

    fn emit(&self, doc: &Document) -> Result<Emitted, Box<super::Unmade>> {
        Ok(Emitted::bytes(doc.markdown.as_bytes().to_vec()))
    }
}
