//! The PDF stage: charta's rendered Markdown typeset to PDF/A-2b with Typst
//! (used as a library).
//!
//! This module owns the [`PdfEngine`] (Typst library and embedded fonts,
//! built once and shared by every thread), the Markdown → Typst converter
//! ([`convert`]), the sandboxed Typst world ([`world`]) and the built-in
//! layout (`templates/convention.typ`). It must not read files, the clock or
//! the network while building (the world serves three virtual files; the
//! date comes from [`Meta::date`]), and it must never let text from the
//! Markdown or the metadata reach Typst as code: the Markdown is escaped into
//! markup, the metadata travels as JSON data (`/meta.json`).

mod convert;
mod emitter;
pub mod fields;
mod world;

use std::collections::HashMap;
use std::ops::Range;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{DiagSpan, FileId, Source};
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::diagnostic::{Code, Diagnostic, Text};
pub use crate::document::{Chart, Meta};
use crate::emit::Unmade;
pub use convert::markdown_to_typst;
pub(crate) use emitter::FORMAT;
use world::{DocWorld, LAYOUT, MAIN, Shared};

/// The built-in layout of review documents.
pub const REVIEW_LAYOUT: &str = include_str!("../../../templates/review.typ");

/// The built-in layout, used when a programme does not provide its own.
pub const BUILTIN_LAYOUT: &str = include_str!("../../../templates/convention.typ");

/// A typeset convention.
#[derive(Debug)]
pub struct PdfOutput {
    pub pdf: Vec<u8>,
    /// The generated `/main.typ` (for debugging and `--emit typst`).
    pub typst_source: String,
    /// Number of pages.
    pub pages: usize,
}

/// The generated source's name in a typesetting error ([`PdfEngine::render`]).
pub const MAIN_TYP: &str = "main.typ";

/// A typesetting error as one line: « Typst: main.typ:LINE:COLUMN: message ».
pub fn typst_error(d: &Diagnostic) -> String {
    match (d.line, d.column) {
        (Some(line), Some(column)) => {
            format!("Typst: {MAIN_TYP}:{line}:{column}: {}", d.message.en)
        }
        _ => format!("Typst: {}", d.message.en),
    }
}

/// The typesetter: Typst's standard library, the embedded fonts and the
/// layout, built once; `Send + Sync`, shared by all threads.
pub struct PdfEngine {
    shared: Shared,
    /// `[signature]` of `charta.toml`: tags and fields for a signature desk.
    signing: Option<fields::Signing>,
}

impl PdfEngine {
    /// `None`: the built-in `templates/convention.typ`; `Some(source)`: a
    /// programme's own layout, which must define `convention`,
    /// `convention-title` and `part` (see the built-in one).
    pub fn new(layout: Option<String>) -> Self {
        let mut fonts = FontStore::new();
        fonts.extend(typst_kit::fonts::embedded());
        let layout = layout.unwrap_or_else(|| BUILTIN_LAYOUT.to_string());
        Self {
            shared: Shared {
                library: typst::utils::LazyHash::new(Library::builder().build()),
                fonts,
                layout: Source::new(*LAYOUT, layout),
            },
            signing: None,
        }
    }

    /// The engine that prints the positioning tags and adds the empty
    /// signature fields of `signing` (see [`fields`]).
    #[must_use]
    pub fn with_signing(mut self, signing: Option<fields::Signing>) -> Self {
        self.signing = signing;
        self
    }

    /// Typesets one convention. Deterministic: the same Markdown and metadata
    /// give the same bytes. A failure is the first Typst error (GEN-007,
    /// Typst's own message, in [`MAIN_TYP`] at the line and column of the
    /// generated source when the error or the call that led to it is there;
    /// Typst's hints follow the message, one `hint: …` line each; an error in
    /// the layout names `/layout.typ:line:column`), with the generated source
    /// as its `typ` file to keep.
    pub fn render(&self, markdown: &str, meta: &Meta) -> Result<PdfOutput, Box<Unmade>> {
        self.render_with_warnings(markdown, meta).0
    }

    /// [`PdfEngine::render`], plus Typst's warnings (messages only): the
    /// tests require none from the built-in layout (a layout that does not
    /// converge, an unknown font… are warnings, not errors).
    fn render_with_warnings(
        &self,
        markdown: &str,
        meta: &Meta,
    ) -> (Result<PdfOutput, Box<Unmade>>, Vec<String>) {
        let (typst_source, blocks) = convert::markdown_to_typst_blocks(markdown);
        let split = Split::new(&typst_source, blocks);
        let fail = |message: String| failure(message, None, typst_source.clone());
        let meta_json = match serde_json::to_vec(&MetaJson {
            meta,
            signing: self.signing.as_ref(),
        }) {
            Ok(json) => json,
            Err(e) => {
                return (
                    Err(fail(format!("cannot serialise the metadata: {e}"))),
                    vec![],
                );
            }
        };
        let (year, month, day) = meta.date;
        let world = DocWorld {
            shared: &self.shared,
            main: Source::new(*MAIN, split.main),
            chunks: split
                .chunks
                .iter()
                .map(|chunk| (chunk.id, chunk.source.clone()))
                .collect(),
            meta: Bytes::new(meta_json),
            today: Datetime::from_ymd(year, month, day),
        };
        let standards = match PdfStandards::new(&[PdfStandard::A_2b]) {
            Ok(standards) => standards,
            Err(e) => return (Err(fail(format!("PDF/A-2b: {}", e.message()))), vec![]),
        };
        let options = PdfOptions {
            // A stable identifier (hashed by Typst) instead of one derived
            // from title and author: the same reference keeps its PDF id.
            ident: Smart::Custom(format!("charta:{}", meta.reference)),
            // No clock: the date comes from `set document(date: …)`.
            timestamp: None,
            standards,
            ..PdfOptions::default()
        };

        let (result, warnings) = {
            let _guard = MemoGuard;
            // `CHARTA_FAILPOINT=panic:pdf:<id>`: a panic in the middle of
            // typesetting, as a bug of Typst would raise (see `failpoint`).
            crate::failpoint::stage(crate::failpoint::Stage::Pdf);
            let compiled = typst::compile::<PagedDocument>(&world);
            let fields = self.signing.as_ref().is_some_and(|s| s.fields);
            let result = compiled.output.and_then(|document| {
                let boxes = if fields {
                    field_boxes(&document)
                } else {
                    Vec::new()
                };
                typst_pdf::pdf(&document, &options).map(|pdf| (pdf, document.pages().len(), boxes))
            });
            (result, compiled.warnings)
        };
        let warnings = warnings.iter().map(|w| w.message.to_string()).collect();
        let result = match result {
            Ok((pdf, pages, boxes)) => match fields::add_fields(&pdf, &boxes) {
                Ok(pdf) => Ok(PdfOutput {
                    pdf,
                    typst_source,
                    pages,
                }),
                Err(e) => Err(failure(
                    format!("signature fields: {e}"),
                    None,
                    typst_source,
                )),
            },
            Err(diagnostics) => Err(to_error(&world, &split.origins, &diagnostics, typst_source)),
        };
        (result, warnings)
    }
}

/// `/meta.json`: the metadata, and `signing` when `[signature]` is set.
#[derive(serde::Serialize)]
struct MetaJson<'a> {
    #[serde(flatten)]
    meta: &'a Meta,
    #[serde(skip_serializing_if = "Option::is_none")]
    signing: Option<&'a fields::Signing>,
}

/// The label the layout puts on each signature block's box when fields are
/// asked for: `metadata((n, width, height))` in points, at its top left corner.
const FIELD_LABEL: &str = "charta-sign-field";

/// Where the layout placed each signature block (see [`FIELD_LABEL`]).
fn field_boxes(document: &PagedDocument) -> Vec<fields::FieldBox> {
    use typst::foundations::{Label, Selector, Value};
    use typst::introspection::MetadataElem;
    let Some(label) = Label::new(typst::utils::PicoStr::intern(FIELD_LABEL)) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    let mut boxes = Vec::new();
    for content in introspector.elements().query(&Selector::Label(label)) {
        let (Some(meta), Some(location)) =
            (content.to_packed::<MetadataElem>(), content.location())
        else {
            continue;
        };
        let Value::Array(values) = &meta.value else {
            continue;
        };
        let values: Vec<f64> = values.iter().filter_map(number).collect();
        let (Some(position), &[n, width, height]) = (introspector.position(location), &values[..])
        else {
            continue;
        };
        let page = position.page.get();
        let Some(frame) = document.pages().get(page - 1) else {
            continue;
        };
        boxes.push(fields::FieldBox {
            n: n as usize,
            page,
            x: position.point.x.to_pt(),
            y: position.point.y.to_pt(),
            width,
            height,
            page_height: frame.frame.height().to_pt(),
        });
    }
    boxes
}

/// `/main.typ` as Typst reads it: the generated source with each top-level
/// block replaced by an `#include` of its own file (see [`world::Chunk`]
/// for why), padded with as many newlines as the block had, so that every
/// line outside the blocks keeps its number and column.
struct Split {
    main: String,
    chunks: Vec<world::Chunk>,
    /// Where each block's file starts in the generated source (0-based line
    /// and column), to report its errors there (a text that occurs twice,
    /// hence one file, at its first place).
    origins: HashMap<FileId, (usize, usize)>,
}

impl Split {
    fn new(source: &str, mut blocks: Vec<Range<usize>>) -> Self {
        if blocks.len() > world::MAX_CHUNKS_PER_DOCUMENT {
            blocks.clear();
        }
        let texts: Vec<&str> = blocks.iter().map(|r| &source[r.clone()]).collect();
        let chunks = world::chunks(&texts);
        let mut main = String::with_capacity(source.len());
        let mut origins = HashMap::new();
        let mut cursor = 0;
        let (mut line, mut line_start) = (0, 0);
        for (range, chunk) in blocks.iter().zip(&chunks) {
            let before = &source[cursor..range.start];
            main.push_str(before);
            for (i, _) in before.match_indices('\n') {
                line += 1;
                line_start = cursor + i + 1;
            }
            let column = source[line_start..range.start].chars().count();
            origins.entry(chunk.id).or_insert((line, column));
            main.push_str("#include ");
            main.push_str(&convert::typst_string(chunk.id.vpath().get_with_slash()));
            let text = &source[range.clone()];
            for (i, _) in text.match_indices('\n') {
                main.push('\n');
                line += 1;
                line_start = range.start + i + 1;
            }
            cursor = range.end;
        }
        main.push_str(&source[cursor..]);
        Self {
            main,
            chunks,
            origins,
        }
    }
}

/// How many evictions an entry of Typst's memoisation cache survives unused.
///
/// The cache is global and kept from one document to the next: with the
/// blocks served from their own files ([`world::Chunk`]) and a layout whose
/// styles hold no per-document value, a clause shared by many conventions
/// is laid out once. Each finished document evicts the entries that no
/// document used during the last `MEMO_AGE` evictions: entries of shared
/// clauses, hit by every document, stay; those of a document's own text go
/// a few documents later. Without eviction the cache grows by about 19 MiB
/// per document. Measured on 200 generated conventions with 2 workers: ages
/// 2 to 4 are equally fast; 1 is about 15 % slower (shared entries are lost
/// between two documents), 6 slower and larger.
///
/// `comemo::evict` is safe while other threads compile (read in comemo 0.5.1:
/// it takes the cache's write lock and only drops entries; a build in
/// progress keeps the outputs it already cloned, re-inserts what it computes,
/// and its accelerator lookups fall back to hashing), so correctness never
/// depends on this policy, only speed and memory.
const MEMO_AGE: usize = 3;

/// Evicts old entries of Typst's memoisation cache when a build ends
/// (success, error or panic: it is a drop guard).
struct MemoGuard;

impl Drop for MemoGuard {
    fn drop(&mut self) {
        // `typst::comemo` is the very comemo typst memoises with.
        typst::comemo::evict(MEMO_AGE);
    }
}

impl Drop for PdfEngine {
    /// The engine's documents are done: their cache entries are no use to
    /// anyone else (another engine, in another thread, only recomputes).
    fn drop(&mut self) {
        typst::comemo::evict(0);
    }
}

/// A line and column (0-based) of a span in its file; a block's file counts
/// as `/main.typ`, at the block's place in the generated source.
fn locate(
    world: &dyn World,
    origins: &HashMap<FileId, (usize, usize)>,
    span: DiagSpan,
) -> Option<(FileId, usize, usize)> {
    let id = span.id()?;
    let range = world.range(span)?;
    let source = world.source(id).ok()?;
    let (line, column) = source.lines().byte_to_line_column(range.start)?;
    match origins.get(&id) {
        Some(&(first_line, first_column)) if line == 0 => {
            Some((*MAIN, first_line, first_column + column))
        }
        Some(&(first_line, _)) => Some((*MAIN, first_line + line, column)),
        None => Some((id, line, column)),
    }
}

/// The first error (or the first diagnostic), located in `/main.typ`: at its
/// own span, or — when it lies in the layout — at the innermost call in
/// `/main.typ` that led to it, the layout position being named in the message.
fn to_error(
    world: &dyn World,
    origins: &HashMap<FileId, (usize, usize)>,
    diagnostics: &[SourceDiagnostic],
    typst_source: String,
) -> Box<Unmade> {
    let Some(diagnostic) = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .or_else(|| diagnostics.first())
    else {
        return failure(
            "Typst failed without a diagnostic".into(),
            None,
            typst_source,
        );
    };
    let mut message = diagnostic.message.to_string();
    let mut position = None;
    match locate(world, origins, diagnostic.span) {
        Some((id, line, column)) if id == *MAIN => position = Some((line, column)),
        Some((id, line, column)) => {
            message.push_str(&format!(
                " (at {}:{}:{})",
                id.vpath().get_with_slash(),
                line + 1,
                column + 1
            ));
        }
        None => {}
    }
    if position.is_none() {
        // The trace goes from the innermost call outwards.
        position = diagnostic.trace.iter().find_map(|point| {
            match locate(world, origins, point.span.into()) {
                Some((id, line, column)) if id == *MAIN => Some((line, column)),
                _ => None,
            }
        });
    }
    for hint in &diagnostic.hints {
        message.push_str("\nhint: ");
        message.push_str(&hint.v);
    }
    failure(
        message,
        position.map(|(line, column)| (line + 1, column + 1)),
        typst_source,
    )
}

/// GEN-007 with Typst's message, at `position` (1-based) in [`MAIN_TYP`].
fn failure(message: String, position: Option<(usize, usize)>, source: String) -> Box<Unmade> {
    let mut diagnostic =
        Diagnostic::error(Code::GEN_007, Text::verbatim(message)).in_file(MAIN_TYP);
    if let Some((line, column)) = position {
        diagnostic = diagnostic.at(line, column);
    }
    Box::new(Unmade {
        diagnostic,
        extra: vec![("typ", source.into_bytes())],
    })
}

#[cfg(test)]
mod tests;
