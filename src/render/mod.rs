//! From a loaded library and one association's data to the convention in Markdown.
//!
//! Order matters and is legal: conditions are evaluated first, then the parts
//! that have clauses are numbered (« Article 1er », « Annexe II »), then every
//! clause body is rendered and its citations resolved to final numbers. Data
//! reaches the text only through Tera expressions, whose output is always
//! escaped for Markdown: template code in data is never evaluated.
//!
//! The module by role: [`engine`] compiles the library and chooses a
//! convention's clauses, [`numbered`] numbers its parts and writes it,
//! [`citations`] resolves `article(id=…)`, [`filters`] are the Tera filters
//! over [`crate::french`], [`escape`] makes data literal Markdown, [`meta`]
//! is the files' metadata, [`errors`] the diagnostics of Tera's errors.

mod citations;
mod engine;
mod errors;
mod escape;
mod filters;
mod meta;
mod numbered;

use serde::Serialize;
use serde_json::Value;
use tera::Tera;

use crate::document::Meta;
use crate::load::{Clause, Library, Origin, Part, Template};

pub use errors::error_chain;
pub use escape::{escape_data, escape_markdown};
pub use meta::pdf_meta;

/// A clause that went into a convention, for the manifest and the diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClauseUse {
    pub id: String,
    pub version: String,
    pub origin: Origin,
}

/// One rendered convention.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub id: String,
    pub markdown: String,
    pub template: String,
    pub clauses: Vec<ClauseUse>,
    pub pdf_meta: Meta,
}

/// What a convention is made of, before rendering: its template and clauses.
#[derive(Clone)]
pub struct Plan<'a> {
    pub id: String,
    pub template: &'a Template,
    /// Applicable clauses by part, parts in template order, clauses in order.
    pub selected: Vec<(&'a Part, Vec<&'a Clause>)>,
    context: Value,
}

impl Plan<'_> {
    /// The clauses that will be rendered, in document order.
    pub fn clauses(&self) -> Vec<ClauseUse> {
        self.selected
            .iter()
            .flat_map(|(_, cs)| cs.iter())
            .map(|c| ClauseUse {
                id: c.meta.id.clone(),
                version: c.meta.version.clone(),
                origin: c.origin,
            })
            .collect()
    }
}

/// The clause library compiled once, rendered many times (`Send + Sync`).
pub struct Engine {
    tera: Tera,
    library: Library,
}
