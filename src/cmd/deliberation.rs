//! `charta deliberation [PROG] --decision NUMBER | --all`: the délibération,
//! its annex and its rapport, into OUT/deliberations/.

use std::path::Path;
use std::time::Instant;

use charta::deliberation::{self, Options, Outcome};
use charta::diagnostic::{Diagnostic, Text};
use charta::french::{count, count_en, euros};
use charta::load::Programme;

use super::{Exit, Ui, load_or_report, prog_dir, seconds};
use crate::cli::DeliberationArgs;

pub fn run(a: DeliberationArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, load_diags) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let opts = Options {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        formats: a.format,
        numbers: if a.all { Vec::new() } else { a.decision },
    };
    let started = Instant::now();
    let outcome = deliberation::run(&prog, &opts);
    let mut diags: Vec<Diagnostic> = load_diags;
    diags.extend(outcome.diagnostics.iter().cloned());
    ui.diagnostics(&diags);
    tell(&outcome, &opts.out, started.elapsed().as_secs_f64(), ui);
    Exit::of(&diags)
}

/// Writes the délibérations `charta.toml` describes after a build (`charta
/// build`): their problems printed, the exit status they call for.
pub fn after_build(prog: &Programme, out: &Path, formats: &[String], ui: &Ui) -> Exit {
    if prog.file.deliberations.is_empty() {
        return Exit::Ok;
    }
    let opts = Options {
        out: out.to_path_buf(),
        formats: formats.to_vec(),
        numbers: Vec::new(),
    };
    let started = Instant::now();
    let outcome = deliberation::run(prog, &opts);
    ui.diagnostics(&outcome.diagnostics);
    tell(&outcome, out, started.elapsed().as_secs_f64(), ui);
    Exit::of(&outcome.diagnostics)
}

/// One line per décision written, then the count.
fn tell(outcome: &Outcome, out: &Path, secs: f64, ui: &Ui) {
    for m in &outcome.made {
        let total: i64 = m.rows.iter().map(|r| r.total()).sum();
        let n = m.rows.len();
        let (locked_fr, locked_en) = if m.locked {
            (" (adoptée, archivée)", " (adopted, archived)")
        } else {
            ("", "")
        };
        ui.say(&Text::new(
            format!(
                "délibération n°\u{a0}{}{locked_fr}\u{a0}: {}, {}",
                m.number,
                count(n, "acte", "actes"),
                euros(total)
            ),
            format!(
                "délibération no. {}{locked_en}: {}, {}",
                m.number,
                count_en(n, "act", "acts"),
                euros(total)
            ),
        ));
    }
    let (k, secs, out) = (outcome.made.len(), seconds(secs, ui.lang()), out.display());
    ui.say(&Text::new(
        format!(
            "{} en {secs} s → {out}/deliberations",
            count(k, "délibération écrite", "délibérations écrites")
        ),
        format!(
            "{} written in {secs} s → {out}/deliberations",
            count_en(k, "délibération", "délibérations")
        ),
    ));
}
