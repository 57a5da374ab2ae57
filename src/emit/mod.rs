//! Output formats: one emitter per format behind one interface, and the
//! registry of them ([`FORMATS`]).
//!
//! An emitter turns one rendered convention (its Markdown, which carries the
//! anchors of [`crate::anchor`], and its metadata) into the bytes of one file.
//! It must be deterministic (same inputs, same bytes: no clock, no machine
//! state) and must treat every piece of text as data. `batch` asks the
//! emitters of the formats chosen with `--format` for their bytes, writes
//! them as `OUT/<id>.<extension>` and records each in the manifest under the
//! format's name.
//!
//! A new format is one new file in this folder (an [`Emitter`] and its
//! [`Format`]) and one line in [`FORMATS`].

pub mod docx;
pub mod html;
mod md;
pub mod odt;
pub mod pdf;
pub mod xml;
pub mod zip;

use crate::diagnostic::Diagnostic;
use crate::document::Meta;

/// One rendered convention, as every emitter receives it.
pub struct Document<'a> {
    pub id: &'a str,
    /// The rendered Markdown, anchors included.
    pub markdown: &'a str,
    /// Title, reference, funder, association, period, date (from the data).
    pub meta: &'a Meta,
}

/// What an emitter made of one convention.
#[derive(Debug)]
pub struct Emitted {
    /// The file `OUT/<id>.<extension>`.
    pub bytes: Vec<u8>,
    /// Number of pages, when the format knows it (the PDF).
    pub pages: Option<usize>,
    /// Other files to write beside it, by extension (`typ` under `--keep-typst`).
    pub extra: Vec<(&'static str, Vec<u8>)>,
}

impl Emitted {
    pub fn bytes(bytes: Vec<u8>) -> Emitted {
        Emitted {
            bytes,
            pages: None,
            extra: Vec::new(),
        }
    }
}

/// A file an emitter could not make: why, as the one diagnostic type (its
/// `file`, when set, is the generated file at fault relative to the output
/// folder: `<id>.typ`), and the files to write all the same, by extension
/// (the Typst source under `--keep-typst`).
pub struct Unmade {
    pub diagnostic: Diagnostic,
    pub extra: Vec<(&'static str, Vec<u8>)>,
}

/// The diagnostic, and the files to write by extension and size (not their bytes).
impl std::fmt::Debug for Unmade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let extra: Vec<(&str, usize)> = self.extra.iter().map(|(e, b)| (*e, b.len())).collect();
        f.debug_struct("Unmade")
            .field("diagnostic", &self.diagnostic)
            .field("extra", &extra)
            .finish()
    }
}

impl Unmade {
    pub fn new(diagnostic: Diagnostic) -> Box<Unmade> {
        Box::new(Unmade {
            diagnostic,
            extra: Vec::new(),
        })
    }

    /// The file of extension `ext` to write anyway, if any.
    pub fn extra(&self, ext: &str) -> Option<&[u8]> {
        self.extra
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|(_, b)| b.as_slice())
    }
}

/// What a build tells every emitter when it creates it.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// The programme's own Typst layout (`None`: the built-in one).
    pub layout: Option<String>,
    /// Keep the generated Typst source (`OUT/<id>.typ`).
    pub keep_typst: bool,
    /// `[signature]` of `charta.toml`: the PDF's tags and signature fields.
    pub signature: Option<crate::model::SignatureConfig>,
}

/// The interface of every format. `Send + Sync`: one emitter serves every
/// worker thread of a build.
pub trait Emitter: Send + Sync {
    /// The format's name: `--format` value and manifest key.
    fn name(&self) -> &'static str;

    /// Hash of what shapes the output besides the Markdown, the metadata and
    /// charta's own version (the PDF's Typst layout), so that a change of it
    /// renders the convention again.
    fn layout_hash(&self) -> Option<String> {
        None
    }

    /// The file of one convention.
    fn emit(&self, doc: &Document) -> Result<Emitted, Box<Unmade>>;

    /// The writer of this format's tracked changes, if it has them (ODT, DOCX).
    fn tracked(&self) -> Option<&dyn TrackedWriter> {
        None
    }
}

/// A format that shows a redline as tracked changes: the document's
/// `<del>`/`<ins>` marks (see [`crate::document::redline`]) become changes
/// by `revision`'s author at its date, which the reader accepts or rejects
/// one by one (`charta diff --format odt|docx`).
pub trait TrackedWriter {
    fn write_tracked(&self, doc: &Document, revision: &Revision) -> Vec<u8>;
}

/// A format written by hand from the flat blocks, whose redline marks become
/// tracked changes (ODT, DOCX): its name and its writer (the Markdown, the
/// metadata, the revision of the changes).
struct Editable {
    name: &'static str,
    write: fn(&str, &Meta, &Revision) -> Vec<u8>,
}

impl Emitter for Editable {
    fn name(&self) -> &'static str {
        self.name
    }

    fn emit(&self, doc: &Document) -> Result<Emitted, Box<Unmade>> {
        let revision = Revision::of(doc.meta);
        Ok(Emitted::bytes((self.write)(
            doc.markdown,
            doc.meta,
            &revision,
        )))
    }

    fn tracked(&self) -> Option<&dyn TrackedWriter> {
        Some(self)
    }
}

impl TrackedWriter for Editable {
    fn write_tracked(&self, doc: &Document, revision: &Revision) -> Vec<u8> {
        (self.write)(doc.markdown, doc.meta, revision)
    }
}

/// Who made the changes of a redline, and when (from the data, never the clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub author: String,
    /// `YYYY-MM-DD`.
    pub date: (i32, u8, u8),
}

impl Revision {
    /// The funder, on the document's date.
    pub fn of(meta: &Meta) -> Revision {
        Revision {
            author: meta.funder.clone(),
            date: meta.date,
        }
    }

    /// `2026-01-23T00:00:00`.
    pub fn datetime(&self) -> String {
        let (y, m, d) = self.date;
        format!("{y:04}-{m:02}-{d:02}T00:00:00")
    }
}

/// The document `doc` (a redline's Markdown) written by format `name` with
/// its marks as tracked changes; `None` if the format has none.
pub fn write_tracked(name: &str, doc: &Document, revision: &Revision) -> Option<Vec<u8>> {
    let emitter = (format(name)?.new)(&EmitOptions::default());
    Some(emitter.tracked()?.write_tracked(doc, revision))
}

/// One registered format.
pub struct Format {
    /// `--format` value and manifest key: `md`, `pdf`, `odt`, `docx`.
    pub name: &'static str,
    /// File extension of `OUT/<id>.<extension>`.
    pub extension: &'static str,
    /// One line for `--help` and the docs.
    pub about: &'static str,
    /// The media type of the file (the desk's downloads).
    pub mime: &'static str,
    /// The file's name for a person, as the desk's download list shows it.
    pub label: &'static str,
    /// Creates the emitter, once per build.
    pub new: fn(&EmitOptions) -> Box<dyn Emitter>,
}

/// Every format charta writes, in the order a build writes them.
pub static FORMATS: &[Format] = &[md::FORMAT, pdf::FORMAT, odt::FORMAT, docx::FORMAT];

/// The formats of a build without `--format`.
pub const DEFAULT_FORMATS: &[&str] = &["md", "pdf"];

/// The format called `name`.
pub fn format(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The names of every format, in registry order.
pub fn names() -> Vec<&'static str> {
    FORMATS.iter().map(|f| f.name).collect()
}
