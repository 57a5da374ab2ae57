//! The two sides of `charta diff`, read and compared, and the report in the
//! format asked for, as bytes (the command writes them: `src/cmd/diff.rs`).
//!
//! OLD and NEW are two rendered `.md` files (with their `<id>.data.json`
//! snapshots, when both have one), two build folders, or a rendered `.md`
//! and an edited copy of it (`.odt` or `.docx`, compared clause by clause).
//! A side that cannot be read or compared is a fault, reported as a
//! diagnostic (`DIF-001`).

use std::path::{Path, PathBuf};

use super::folder::{FolderDiff, about, diff_folders, parse_at, read_data};
use super::office::{self, OfficeFormat};
use super::report::{self, Report};
use super::{ConventionDiff, data_changes, pdf, tracked};
use crate::diagnostic::{Code, Diagnostic, Lang, Text};
use crate::document::Meta;
use crate::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Pdf,
    Json,
    /// The new version with the changes as tracked changes.
    Odt,
    Docx,
}

/// How the report is written, besides its format.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions<'a> {
    /// Colours in the text report (the command decides: a terminal, NO_COLOR…).
    pub colour: bool,
    /// Author of the tracked changes (`--format odt|docx`).
    pub author: Option<&'a str>,
    /// Language of the text report (the Markdown, PDF and office reports are French).
    pub lang: Lang,
    /// The day of the comparison, printed on the PDF report (the command reads the clock).
    pub today: (i32, u8, u8),
}

fn read(path: &Path) -> Result<String, Text> {
    std::fs::read_to_string(path).map_err(|e| super::folder::cannot_read(path, &e))
}

/// Compares two rendered conventions, and their data snapshots when both exist.
pub fn diff_files(old: &Path, new: &Path) -> Result<ConventionDiff, Text> {
    let (a, b) = (read(old)?, read(new)?);
    let mut diff = ConventionDiff::of(&parse_at(old, &a)?, &parse_at(new, &b)?);
    if let (Some(x), Some(y)) = (read_data(old)?, read_data(new)?) {
        diff.data = data_changes(&x, &y);
    }
    Ok(diff)
}

/// Compares a rendered convention with an edited copy of its ODT or DOCX,
/// clause by clause (see [`office`]).
pub fn diff_edited(md: &Path, edited: &Path, format: OfficeFormat) -> Result<ConventionDiff, Text> {
    let conv = parse_at(md, &read(md)?)?;
    let bytes = std::fs::read(edited).map_err(|e| super::folder::cannot_read(edited, &e))?;
    let found = office::read_edited(&bytes, format, &conv).map_err(|e| about(edited, e))?;
    if found.clauses.is_empty() && !conv.clauses.is_empty() {
        return Err(tr!(
            "{}\u{a0}: aucune clause de {} n'y est marquée (ni section `clause:…` ni \
             signet `c_…`)\u{a0}: est-ce bien une copie de cette convention écrite par charta\u{202f}?",
            "{}: none of the clauses of {} is marked in it (no section `clause:…` nor \
             bookmark `c_…`): is it a copy of that convention written by charta?",
            edited.display(),
            md.display()
        ));
    }
    let (old, new) = office::as_edited(&conv, &found);
    Ok(ConventionDiff::of(&old, &new))
}

/// The new version of `report` (a pair of `.md` files) as an ODT or DOCX
/// with the changes tracked.
fn tracked_document(
    report: &Report,
    format: Format,
    author: Option<&str>,
) -> Result<Vec<u8>, Text> {
    let Report::Pair { new, diff, .. } = report else {
        return Err(Text::new(
            "les modifications suivies s'écrivent pour une convention\u{a0}: comparez deux fichiers .md établis, \
             pas deux dossiers",
            "tracked changes are written for one convention: compare two rendered .md files, \
             not two folders",
        ));
    };
    if OfficeFormat::of(new).is_some() {
        return Err(tr!(
            "{}\u{a0}: la nouvelle version doit être un fichier .md établi pour l'écrire avec les modifications suivies",
            "{}: the new version must be a rendered .md file to write it with tracked changes",
            new.display()
        ));
    }
    let new_md = read(new)?;
    let conv = parse_at(new, &new_md)?;
    let revision = tracked::revision(new, author)?;
    let data = read_data(new)?.unwrap_or_default();
    let years: Vec<i64> = data["convention"]["years"]
        .as_array()
        .map(|a| a.iter().filter_map(|y| y.as_i64()).collect())
        .unwrap_or_default();
    let meta = Meta {
        title: conv.heading().to_string(),
        reference: data["convention"]["reference"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        funder: revision.author.clone(),
        association: data["association"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        period: match (years.first(), years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        },
        date: revision.date,
        charts: Vec::new(),
    };
    let name = match format {
        Format::Odt => "odt",
        _ => "docx",
    };
    tracked::document(name, &new_md, diff, &meta, &revision).ok_or_else(|| {
        tr!(
            "le format {} n'écrit pas de modifications suivies",
            "the {} format writes no tracked changes",
            name
        )
    })
}

/// The report of `compared` in `format`.
pub fn report_bytes(
    compared: &Compared,
    format: Format,
    opts: ReportOptions,
) -> Result<Vec<u8>, Diagnostic> {
    let report = compared.report();
    let bytes = match format {
        Format::Text => Ok(report::text(&report, opts.colour, opts.lang).into_bytes()),
        Format::Markdown => Ok(report::markdown(&report).into_bytes()),
        Format::Json => Ok(report::json(&report).into_bytes()),
        Format::Pdf => pdf::render(&report, opts.today).map_err(|e| {
            tr!(
                "impossible de composer le PDF des modifications\u{a0}: {e}",
                "cannot typeset the PDF redline: {e}"
            )
        }),
        Format::Odt | Format::Docx => tracked_document(&report, format, opts.author),
    };
    bytes.map_err(fault)
}

/// The two sides compared.
pub enum Compared {
    /// Two conventions (or a convention and its edited copy).
    Pair {
        old: PathBuf,
        new: PathBuf,
        diff: ConventionDiff,
    },
    /// Two build folders.
    Folders(FolderDiff),
}

impl Compared {
    /// The report's view of the comparison.
    pub fn report(&self) -> Report<'_> {
        match self {
            Compared::Pair { old, new, diff } => Report::Pair { old, new, diff },
            Compared::Folders(f) => Report::Folder(f),
        }
    }

    pub fn has_differences(&self) -> bool {
        self.report().has_differences()
    }
}

/// Reads and compares OLD and NEW: two rendered `.md` files, a `.md` and an
/// edited `.odt`/`.docx` copy of it, or two build folders.
pub fn compare(old: &Path, new: &Path) -> Result<Compared, Diagnostic> {
    compare_sides(old, new).map_err(fault)
}

fn compare_sides(old: &Path, new: &Path) -> Result<Compared, Text> {
    for p in [old, new] {
        if !p.exists() {
            return Err(tr!(
                "{}\u{a0}: aucun fichier ni dossier de ce nom",
                "{}: no such file or folder",
                p.display()
            ));
        }
    }
    match (old.is_dir(), new.is_dir()) {
        (true, true) => Ok(Compared::Folders(diff_folders(old, new)?)),
        (false, false) => {
            let diff = match OfficeFormat::of(new) {
                Some(f) => diff_edited(old, new, f)?,
                None => diff_files(old, new)?,
            };
            Ok(Compared::Pair {
                old: old.to_path_buf(),
                new: new.to_path_buf(),
                diff,
            })
        }
        _ => {
            let kind = |p: &Path| {
                if p.is_dir() {
                    ("un dossier", "folder")
                } else {
                    ("un fichier", "file")
                }
            };
            let (o, n) = (kind(old), kind(new));
            Err(Text::new(
                format!(
                    "{} est {} mais {} est {}\u{a0}: comparez deux fichiers .md établis ou deux dossiers de sortie",
                    old.display(),
                    o.0,
                    new.display(),
                    n.0
                ),
                format!(
                    "{} is a {} but {} is a {}: compare two rendered .md files or two build folders",
                    old.display(),
                    o.1,
                    new.display(),
                    n.1
                ),
            ))
        }
    }
}

/// A fault of `charta diff`: what went wrong, and what the command compares.
pub fn fault(message: Text) -> Diagnostic {
    Diagnostic::error(Code::DIF_001, message)
        .with_hint(Text::new(
            "comparez deux fichiers .md établis par charta, un .md et sa copie .odt/.docx modifiée, ou deux dossiers de sortie",
            "compare two .md files written by charta, a .md and its edited .odt/.docx copy, or two build folders",
        ))
}
