//! charta turns a charter of reciprocal commitments into French multi-year
//! objective conventions, one per association, in Markdown, PDF, ODT and DOCX.
//!
//! The pipeline, in layers that import only downwards (the allowed order is
//! written in `docs/dev/ARCHITECTURE.md` and checked by a test): the vocabulary
//! (`diagnostic`, `french`, `model`, `ids`, `anchor`…) → input (`load`,
//! `schema`, `context`) → the document (`render`: clauses, numbering, Tera →
//! Markdown; `document`: that Markdown read once into blocks and metadata) →
//! the rules (`check`) → the writers (`emit`: Markdown, PDF through Typst, ODT,
//! DOCX, HTML) → the output folder (`out`: layout, manifest, signed archive,
//! shards) → the workflows (`build`, `avenant`, `review`, `diff`, `exchange`,
//! `scaffold`) → the desk (`serve`). The library never prints and never reads
//! the clock: it returns values and [`diagnostic::Diagnostic`]s, and the
//! binary (`src/cmd/`) prints them.

pub mod anchor;
pub mod avenant;
pub mod build;
pub mod check;
pub mod context;
pub mod de_minimis;
pub mod deliberation;
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
