//! `charta diff`: read the two sides, compare, write the report, set the exit status.
//!
//! OLD and NEW are two rendered `.md` files (with their `<id>.data.json`
//! snapshots, when both have one) or two build folders. Exit status: 0 no
//! difference, 1 differences, 2 a fault (unreadable input, not a convention,
//! mixed file and folder, output not writable), with an `error:` line.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::folder::{diff_folders, read_data};
use super::report::{self, Report};
use super::{Convention, ConventionDiff, data_changes, pdf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Pdf,
    Json,
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

fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match out {
        Some(path) => crate::out::write_atomic(path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    }
}

fn emit(report: &Report, format: Format, out: Option<&Path>) -> Result<(), String> {
    let bytes = match format {
        Format::Text => {
            // Colour only for a person looking at a terminal (anstream also
            // honours NO_COLOR and CLICOLOR_FORCE).
            let colour = out.is_none()
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            report::text(report, colour).into_bytes()
        }
        Format::Markdown => report::markdown(report).into_bytes(),
        Format::Json => report::json(report).into_bytes(),
        Format::Pdf => {
            if out.is_none() && std::io::stdout().is_terminal() {
                return Err(
                    "a PDF is not for a terminal: give --out FILE.pdf (or redirect the output)"
                        .to_string(),
                );
            }
            pdf::render(report).map_err(|e| format!("cannot typeset the PDF redline: {e}"))?
        }
    };
    write_out(out, &bytes)
}

fn compare(old: &Path, new: &Path, format: Format, out: Option<&Path>) -> Result<bool, String> {
    for p in [old, new] {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    match (old.is_dir(), new.is_dir()) {
        (true, true) => {
            let f = diff_folders(old, new)?;
            let report = Report::Folder(&f);
            emit(&report, format, out)?;
            Ok(report.has_differences())
        }
        (false, false) => {
            let d = diff_files(old, new)?;
            let report = Report::Pair { old, new, diff: &d };
            emit(&report, format, out)?;
            Ok(report.has_differences())
        }
        _ => Err(format!(
            "{} is a {} but {} is a {}: compare two rendered .md files or two build folders",
            old.display(),
            if old.is_dir() { "folder" } else { "file" },
            new.display(),
            if new.is_dir() { "folder" } else { "file" },
        )),
    }
}

/// Runs the command; returns the exit status (0 same, 1 different, 2 fault).
pub fn run(old: &Path, new: &Path, format: Format, out: Option<&Path>) -> u8 {
    match compare(old, new, format, out) {
        Ok(false) => 0,
        Ok(true) => 1,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
