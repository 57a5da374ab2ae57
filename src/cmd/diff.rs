//! `charta diff OLD NEW`: what changed, as text, Markdown, PDF, JSON or a
//! document with tracked changes; exit 0 without differences, 1 with.

use std::io::Write;
use std::path::Path;

use charta::diagnostic::Text;
use charta::diff::sides::{self, Format, ReportOptions};
use charta::tr;

use super::{Exit, Ui};
use crate::cli::{DiffArgs, DiffFormat};

pub fn run(a: DiffArgs, ui: &Ui) -> Exit {
    let format = format(a.format);
    let out = a.out.as_deref();
    let compared = match sides::compare(&a.old, &a.new) {
        Ok(c) => c,
        Err(d) => {
            ui.diagnostics(&[d]);
            return Exit::Fault;
        }
    };
    if out.is_none() && ui.stdout_is_terminal() {
        let refused = match format {
            Format::Pdf => Some(Text::new(
                "un PDF ne s'affiche pas dans un terminal\u{a0}: donnez --out FICHIER.pdf (ou redirigez la sortie)",
                "a PDF is not for a terminal: give --out FILE.pdf (or redirect the output)",
            )),
            Format::Odt | Format::Docx => Some(Text::new(
                "un document bureautique ne s'affiche pas dans un terminal\u{a0}: donnez --out FICHIER (ou redirigez la sortie)",
                "an office document is not for a terminal: give --out FILE (or redirect the output)",
            )),
            _ => None,
        };
        if let Some(message) = refused {
            ui.diagnostics(&[sides::fault(message)]);
            return Exit::Fault;
        }
    }
    let opts = ReportOptions {
        // Colour only for a person looking at a terminal (anstream also
        // honours NO_COLOR and CLICOLOR_FORCE).
        colour: out.is_none()
            && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
        author: a.author.as_deref(),
        lang: ui.lang(),
        today: today(),
    };
    let written = sides::report_bytes(&compared, format, opts)
        .and_then(|bytes| write(out, &bytes).map_err(sides::fault));
    match written {
        Ok(()) if compared.has_differences() => Exit::Problems,
        Ok(()) => Exit::Ok,
        Err(d) => {
            ui.diagnostics(&[d]);
            Exit::Fault
        }
    }
}

fn format(f: DiffFormat) -> Format {
    match f {
        DiffFormat::Text => Format::Text,
        DiffFormat::Md => Format::Markdown,
        DiffFormat::Pdf => Format::Pdf,
        DiffFormat::Json => Format::Json,
        DiffFormat::Odt => Format::Odt,
        DiffFormat::Docx => Format::Docx,
    }
}

/// The report to `out`, atomically, or to standard output.
fn write(out: Option<&Path>, bytes: &[u8]) -> Result<(), Text> {
    match out {
        Some(path) => charta::out::write_atomic(path, bytes).map_err(|e| {
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

/// Today's date (UTC), printed on the PDF report of a comparison.
fn today() -> (i32, u8, u8) {
    let now = time::OffsetDateTime::now_utc().date();
    (now.year(), now.month() as u8, now.day())
}
