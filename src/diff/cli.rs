//! `charta diff`: read the two sides, compare, write the report, set the exit status.
//!
//! OLD and NEW are two rendered `.md` files (with their `<id>.data.json`
//! snapshots, when both have one), two build folders, or a rendered `.md`
//! and an edited copy of it (`.odt` or `.docx`, compared clause by clause).
//! Exit status: 0 no difference, 1 differences, 2 a fault (unreadable input,
//! not a convention, mixed file and folder, output not writable), reported as
//! a diagnostic (`DIF-001`).

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::folder::{diff_folders, read_data};
use super::office::{self, OfficeFormat};
use super::report::{self, Report};
use super::{Convention, ConventionDiff, data_changes, pdf, tracked};
use crate::diagnostic::{Diagnostic, Lang, Text};
use crate::pdf::PdfMeta;
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

/// Options of `charta diff` besides the two sides.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub format: Format,
    /// Write there instead of stdout.
    pub out: Option<&'a Path>,
    /// Author of the tracked changes (`--format odt|docx`).
    pub author: Option<&'a str>,
    /// Language of the text report (the Markdown, PDF and office reports are French).
    pub lang: Lang,
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Compares two rendered conventions, and their data snapshots when both exist.
pub fn diff_files(old: &Path, new: &Path) -> Result<ConventionDiff, String> {
    let (a, b) = (read(old)?, read(new)?);
    let parse = |text: &str, path: &Path| {
        Convention::parse(text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut diff = ConventionDiff::of(&parse(&a, old)?, &parse(&b, new)?);
    if let (Some(x), Some(y)) = (read_data(old)?, read_data(new)?) {
        diff.data = data_changes(&x, &y);
    }
    Ok(diff)
}

/// Compares a rendered convention with an edited copy of its ODT or DOCX,
/// clause by clause (see [`office`]).
pub fn diff_edited(
    md: &Path,
    edited: &Path,
    format: OfficeFormat,
) -> Result<ConventionDiff, String> {
    let conv = Convention::parse(&read(md)?).map_err(|e| format!("{}: {e}", md.display()))?;
    let bytes =
        std::fs::read(edited).map_err(|e| format!("cannot read {}: {e}", edited.display()))?;
    let found = office::read_edited(&bytes, format, &conv)
        .map_err(|e| format!("{}: {e}", edited.display()))?;
    if found.clauses.is_empty() && !conv.clauses.is_empty() {
        return Err(format!(
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
    let conv = Convention::parse(&new_md).map_err(|e| format!("{}: {e}", new.display()))?;
    let revision = tracked::revision(new, author)?;
    let data = read_data(new)?.unwrap_or_default();
    let years: Vec<i64> = data["convention"]["years"]
        .as_array()
        .map(|a| a.iter().filter_map(|y| y.as_i64()).collect())
        .unwrap_or_default();
    let meta = PdfMeta {
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
    let marked = tracked::redlined_markdown(&new_md, diff);
    Ok(match format {
        Format::Odt => crate::emit::odt::write(&marked, &meta, &revision),
        _ => crate::emit::docx::write(&marked, &meta, &revision),
    })
}

fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<(), Text> {
    match out {
        Some(path) => crate::out::write_atomic(path, bytes).map_err(|e| {
            tr!(
                "impossible d'écrire {}\u{a0}: {e}",
                "cannot write {}: {e}",
                path.display()
            )
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| {
                    tr!(
                        "impossible d'écrire le rapport\u{a0}: {e}",
                        "cannot write the report: {e}"
                    )
                })
        }
    }
}

fn emit(report: &Report, opts: Options) -> Result<(), Text> {
    let Options { format, out, .. } = opts;
    let bytes = match format {
        Format::Text => {
            // Colour only for a person looking at a terminal (anstream also
            // honours NO_COLOR and CLICOLOR_FORCE).
            let colour = out.is_none()
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            report::text(report, colour, opts.lang).into_bytes()
        }
        Format::Markdown => report::markdown(report).into_bytes(),
        Format::Json => report::json(report).into_bytes(),
        Format::Pdf => {
            if out.is_none() && std::io::stdout().is_terminal() {
                return Err(Text::new(
                    "un PDF ne s'affiche pas dans un terminal\u{a0}: donnez --out FICHIER.pdf (ou redirigez la sortie)",
                    "a PDF is not for a terminal: give --out FILE.pdf (or redirect the output)",
                ));
            }
            pdf::render(report).map_err(|e| {
                tr!(
                    "impossible de composer le PDF des modifications\u{a0}: {e}",
                    "cannot typeset the PDF redline: {e}"
                )
            })?
        }
        Format::Odt | Format::Docx => {
            if out.is_none() && std::io::stdout().is_terminal() {
                return Err(Text::new(
                    "un document bureautique ne s'affiche pas dans un terminal\u{a0}: donnez --out FICHIER (ou redirigez la sortie)",
                    "an office document is not for a terminal: give --out FILE (or redirect the output)",
                ));
            }
            tracked_document(report, format, opts.author)?
        }
    };
    write_out(out, &bytes)
}

fn compare(old: &Path, new: &Path, opts: Options) -> Result<bool, Text> {
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
        (true, true) => {
            let f = diff_folders(old, new)?;
            let report = Report::Folder(&f);
            emit(&report, opts)?;
            Ok(report.has_differences())
        }
        (false, false) => {
            let d = match OfficeFormat::of(new) {
                Some(f) => diff_edited(old, new, f)?,
                None => diff_files(old, new)?,
            };
            let report = Report::Pair { old, new, diff: &d };
            emit(&report, opts)?;
            Ok(report.has_differences())
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

/// Runs the command: `Ok(true)` if the two sides differ, `Ok(false)` if they
/// do not, or the diagnostic of a fault (unreadable input, not a convention,
/// mixed file and folder, output not writable). The binary prints it.
pub fn run(old: &Path, new: &Path, opts: Options) -> Result<bool, Diagnostic> {
    compare(old, new, opts).map_err(|e| {
        Diagnostic::error(e)
            .code("DIF-001")
            .with_hint(Text::new(
                "comparez deux fichiers .md établis par charta, un .md et sa copie .odt/.docx modifiée, ou deux dossiers de sortie",
                "compare two .md files written by charta, a .md and its edited .odt/.docx copy, or two build folders",
            ))
    })
}
