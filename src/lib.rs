//! charta turns a charter of reciprocal commitments into French multi-year
//! objective conventions, one per association, in Markdown and PDF.
//!
//! The pipeline, one way: `load` (programme folder, clause library, templates)
//! → `check` (every rule on the data) → `render` (conditions, numbering,
//! citations, Tera with French filters → Markdown) → `pdf` (Markdown → Typst →
//! PDF) → `batch` (parallel, incremental, atomic writes, manifest). `diff`
//! compares two versions by clause id.

// A `Diagnostic` (file, location, path, message, hint) is the error of the input
// paths; it is returned rarely and never in a hot loop, so its size is fine.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod check;
pub mod context;
pub mod diagnostic;
pub mod diff;
pub mod exchange;
pub mod french;
pub mod load;
pub mod locate;
pub mod model;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod schema;
