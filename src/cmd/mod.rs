//! The commands of the binary, one file each: `run(args, &Ui) -> Exit`.
//!
//! A command reads its arguments, calls the library, and tells the user what
//! happened through the [`Ui`], the only thing in charta that prints. The
//! library returns values and diagnostics; it never prints, never reads the
//! clock and never asks whether a stream is a terminal: that is done here.

pub mod build;
pub mod check;
pub mod clauses;
pub mod deliberation;
pub mod diff;
pub mod export;
pub mod import;
pub mod init;
pub mod manifest;
pub mod registers;
pub mod review;
pub mod runner;
pub mod schema;
pub mod serve;
pub mod shown;
pub mod verify;

use std::fmt::Display;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use charta::diagnostic::{Diagnostic, Lang, Text, has_errors};
use charta::load::{self, Programme};

use crate::cli::Command;

/// The exit status of every command (see docs/interface.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Exit {
    /// Success; for `diff`, no difference.
    Ok = 0,
    /// Problems in the inputs (errors reported, nothing wrong written); for `diff`, differences.
    Problems = 1,
    /// A usage error or a fault that is not the inputs' (unwritable output, internal error).
    Fault = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

impl Exit {
    /// `Fault` if an error is a fault (its code's kind), else `Problems` if
    /// any diagnostic is an error, else `Ok`.
    pub fn of(diags: &[Diagnostic]) -> Exit {
        if diags.iter().any(Diagnostic::is_fault) {
            Exit::Fault
        } else if has_errors(diags) {
            Exit::Problems
        } else {
            Exit::Ok
        }
    }
}

/// Runs one command.
pub fn run(command: Command, ui: &Ui) -> Exit {
    match command {
        Command::Init { dir } => init::run(&dir, ui),
        Command::Check(a) => check::run(a, ui),
        Command::Build(a) => build::run(a, ui),
        Command::Review(a) => review::run(a, ui),
        Command::Deliberation(a) => deliberation::run(a, ui),
        Command::Diff(a) => diff::run(a, ui),
        Command::Schema => schema::run(ui),
        Command::Clauses { prog } => clauses::run(prog.as_deref(), ui),
        Command::Export(c) => export::run(c, ui),
        Command::Import { file, prog, date } => {
            import::run(&file, prog.as_deref(), date.as_deref(), ui)
        }
        Command::Serve(a) => serve::run(a, ui),
        Command::Manifest(c) => manifest::run(c, ui),
        Command::Verify(a) => verify::run(a, ui),
    }
}

/// The user's side of a run: the language, standard output and standard error.
pub struct Ui {
    lang: Lang,
}

impl Ui {
    pub fn new(lang: Lang) -> Ui {
        Ui { lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The French or the English of a pair.
    pub fn t<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(fr, en)
    }

    /// A line for the person running the command (standard error).
    pub fn say(&self, text: &Text) {
        eprintln!("{}", text.get(self.lang));
    }

    /// A line that is not a sentence (a status column, a table row) on standard error.
    pub fn line(&self, line: impl Display) {
        eprintln!("{line}");
    }

    /// A line of the command's result (standard output).
    pub fn out(&self, line: impl Display) {
        use std::io::Write;
        if let Err(e) = writeln!(std::io::stdout().lock(), "{line}")
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            // The reader stopped (`charta clauses | head`): nothing more to say to it.
            std::process::exit(0);
        }
    }

    /// Whether standard error is a terminal (for a progress bar).
    pub fn stderr_is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }

    /// Whether standard output is a terminal (no PDF to a terminal, colours).
    pub fn stdout_is_terminal(&self) -> bool {
        std::io::stdout().is_terminal()
    }

    /// Prints diagnostics (`charta::diagnostic::render` in the run's language),
    /// grouped by file, with the source line and a caret.
    pub fn diagnostics(&self, diags: &[Diagnostic]) {
        let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
        sorted.sort_by(|a, b| (&a.file, a.line, a.severity).cmp(&(&b.file, b.line, b.severity)));
        for d in sorted {
            let source = match (&d.file, d.line) {
                (Some(f), Some(_)) => std::fs::read(f)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                _ => None,
            };
            eprintln!(
                "{}\n",
                charta::diagnostic::render(d, self.lang, source.as_deref())
            );
        }
    }
}

/// The programme folder: the one given, else the current folder.
pub fn prog_dir(p: Option<&Path>) -> PathBuf {
    p.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The programme at `dir`, read whole, or its problems printed.
pub fn load_or_report(dir: &Path, ui: &Ui) -> Result<(Programme, Vec<Diagnostic>), Exit> {
    report_load(load::load_programme(dir), ui)
}

/// A programme loaded, or its problems printed (exit status 1).
pub fn report_load(
    loaded: Result<(Programme, Vec<Diagnostic>), Vec<Diagnostic>>,
    ui: &Ui,
) -> Result<(Programme, Vec<Diagnostic>), Exit> {
    loaded.map_err(|d| {
        ui.diagnostics(&d);
        Exit::Problems
    })
}

/// `--jobs`, else the number of cores.
pub fn jobs(asked: Option<usize>) -> usize {
    asked.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// Seconds as the summaries print them: « 0,14 » in French, « 0.14 » in English.
pub fn seconds(secs: f64, lang: Lang) -> String {
    let s = format!("{secs:.2}");
    match lang {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// Writes `bytes` to `path` atomically, or prints why not (exit status 2).
pub fn write_or_report(path: &Path, bytes: &[u8], ui: &Ui) -> Result<(), Exit> {
    charta::out::write_atomic(path, bytes).map_err(|e| {
        ui.diagnostics(&[charta::encoding::write_error(path, &e)]);
        Exit::Fault
    })
}
