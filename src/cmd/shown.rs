//! The diagnostics of `build` and `check` as the terminal shows them: every
//! error, and of each code's warnings the first [`FIRST`] in full, then one
//! line saying how many more there are (`--warnings all`: every one, printed
//! as soon as it comes). What is kept is bounded by the errors and the
//! codes, never by the number of warnings: a programme of 3,000 conventions
//! with 50,000 warnings prints a page, not 28 MB.

use std::collections::BTreeMap;
use std::path::PathBuf;

use charta::diagnostic::{Code, Diagnostic, Sink, Text};
use charta::french::{count, count_en, group_thousands};

use super::Ui;
use crate::cli::WarningsShown;

/// How many warnings of one code are printed in full (the first places).
pub const FIRST: usize = 3;

/// A [`Sink`] that prints: see the module's documentation.
pub struct Shown<'u> {
    ui: &'u Ui,
    all: bool,
    /// Suspended while a diagnostic is printed during a build (`--warnings all`).
    bar: Option<indicatif::ProgressBar>,
    /// What the summary prints at the end: every error, each code's first warnings.
    kept: Vec<Diagnostic>,
    /// The number of warnings of each code.
    warnings: BTreeMap<Code, usize>,
    errors: usize,
    /// The file last read for a source line, and its text.
    source: Option<(PathBuf, Option<String>)>,
}

impl<'u> Shown<'u> {
    pub fn new(ui: &'u Ui, shown: WarningsShown) -> Shown<'u> {
        Shown {
            ui,
            all: shown == WarningsShown::All,
            bar: None,
            kept: Vec::new(),
            warnings: BTreeMap::new(),
            errors: 0,
            source: None,
        }
    }

    /// The progress bar drawn while diagnostics come.
    pub fn with_bar(mut self, bar: Option<indicatif::ProgressBar>) -> Shown<'u> {
        self.bar = bar;
        self
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// How many errors and warnings came.
    pub fn counts(&self) -> (usize, usize) {
        (self.errors, self.warnings.values().sum())
    }

    /// Prints what the summary kept (grouped by file, as [`Ui::diagnostics`]
    /// does), then, for each code with more warnings than it printed, how
    /// many more.
    pub fn finish(self) {
        self.ui.diagnostics(&self.kept);
        if self.all {
            return;
        }
        for (code, &n) in &self.warnings {
            if n > FIRST {
                self.ui.say(&more(*code, n));
            }
        }
    }

    /// One diagnostic now, with its source line (the file read once for the
    /// diagnostics of one file that come together).
    fn print(&mut self, d: &Diagnostic) {
        let source = match (&d.file, d.line) {
            (Some(f), Some(_)) => {
                if self.source.as_ref().is_none_or(|(p, _)| p != f) {
                    let text = std::fs::read(f)
                        .ok()
                        .map(|b| String::from_utf8_lossy(&b).into_owned());
                    self.source = Some((f.clone(), text));
                }
                self.source.as_ref().and_then(|(_, t)| t.as_deref())
            }
            _ => None,
        };
        let text = charta::diagnostic::render(d, self.ui.lang(), source);
        let ui = self.ui;
        match &self.bar {
            Some(b) => b.suspend(|| ui.line(format!("{text}\n"))),
            None => ui.line(format!("{text}\n")),
        }
    }
}

impl Sink for Shown<'_> {
    fn push(&mut self, d: Diagnostic) {
        if d.is_error() {
            self.errors += 1;
        } else {
            let n = self.warnings.entry(d.code).or_default();
            *n += 1;
            if !self.all && *n > FIRST {
                return;
            }
        }
        if self.all {
            self.print(&d);
        } else {
            self.kept.push(d);
        }
    }
}

/// « DON-038 : 12 004 autres avertissements semblables (12 007 en tout) ; … »
fn more(code: Code, n: usize) -> Text {
    let rest = n - FIRST;
    let (fr, en) = (
        group_thousands(n as u64),
        group_thousands(n as u64).replace('\u{202f}', ","),
    );
    Text::new(
        format!(
            "{code}\u{a0}: {} ({fr} en tout)\u{a0}; `--warnings all` les affiche tous",
            count(
                rest,
                "autre avertissement semblable",
                "autres avertissements semblables"
            ),
        ),
        format!(
            "{code}: {} ({en} in all); `--warnings all` shows every one",
            count_en(rest, "more similar warning", "more similar warnings"),
        ),
    )
}
