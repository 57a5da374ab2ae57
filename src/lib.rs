//! charta turns a charter of reciprocal commitments into French multi-year
//! objective conventions, one per association, in Markdown, PDF, ODT and DOCX.
//!
//! The pipeline, one way: `load` (programme folder, clause library, templates)
//! → `check` (every rule on the data) → `render` (conditions, numbering,
//! citations, Tera with French filters → Markdown, with the `anchor`s) →
//! `emit` (one emitter per output format: Markdown, PDF through `pdf`
//! (Markdown → Typst → PDF), ODT, DOCX) → `batch` (parallel, incremental,
//! manifest) into the output folder `out` (layout, manifest, atomic writes).
//! `diff` compares two versions by clause id.

// A `Diagnostic` (file, location, path, message, hint) is the error of the input
// paths; it is returned rarely and never in a hot loop, so its size is fine.
#![allow(clippy::result_large_err)]

pub mod anchor;
pub mod avenant;
pub mod build;
pub mod check;
pub mod context;
pub mod de_minimis;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod document;
pub mod emit;
pub mod encoding;
pub mod exchange;
pub mod failpoint;
pub mod french;
pub mod ids;
pub mod load;
pub mod locate;
pub mod messages;
pub mod model;
pub mod out;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod schema;
pub mod serve;
