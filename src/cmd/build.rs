//! `charta build [PROG]`: every convention rendered into the output folder,
//! with a progress bar on a terminal and a summary.

use std::time::Instant;

use charta::build::{self, BuildOptions};
use charta::diagnostic::{Sink, Text};
use charta::french::count;
use charta::load;
use charta::out::Status;

use super::runner;
use super::shown::Shown;
use super::{Exit, Ui, jobs, prog_dir, report_load, seconds};
use crate::cli::{BuildArgs, ShardArg};

pub fn run(a: BuildArgs, ui: &Ui) -> Exit {
    let shard = match a.shard {
        None => None,
        Some(ShardArg::Given(s)) => Some(s),
        // `--shard auto`: the environment is read here, never by the library.
        Some(ShardArg::Auto(count)) => match runner::resolve(count, &|k| std::env::var(k).ok()) {
            Ok(found) => {
                ui.say(&found.said);
                Some(found.shard)
            }
            Err(d) => {
                ui.diagnostics(&[d]);
                return Exit::Fault;
            }
        },
    };
    let dir = prog_dir(a.prog.as_deref());
    // Each association file is read when its convention is built, not all at
    // once: memory stays flat however large the programme.
    let (prog, load_diags) = match report_load(load::load_programme_lazy(&dir), ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        formats: a.format,
        only: a.only,
        jobs: jobs(a.jobs),
        force: a.force,
        keep_typst: a.keep_typst,
        shard,
    };
    let progress = Bar::new(ui);
    // Each diagnostic is printed or counted as the build finds it, none kept.
    let mut shown = Shown::new(ui, a.warnings).with_bar(progress.bar.clone());
    load_diags.into_iter().for_each(|d| shown.push(d));
    let started = Instant::now();
    let report = match build::run(&prog, &opts, &progress, &mut shown) {
        Ok(r) => r,
        Err(d) => {
            progress.finish();
            shown.finish();
            ui.diagnostics(&[d]);
            return Exit::Fault;
        }
    };
    progress.finish();
    let errors_shown = shown.has_errors();
    shown.finish();
    for line in charta::avenant::summary(&prog, &opts.out, &report.outcomes) {
        ui.line(line);
    }
    let (r, u, x, f) = (
        report.count(Status::Rendered),
        report.count(Status::Unchanged),
        report.count(Status::Refused),
        report.count(Status::Failed),
    );
    let (secs, out) = (
        seconds(started.elapsed().as_secs_f64(), ui.lang()),
        opts.out.display(),
    );
    ui.say(&Text::new(
        format!(
            "{}, {}, {}, {f} en échec en {secs} s → {out}",
            count(r, "établie", "établies"),
            count(u, "inchangée", "inchangées"),
            count(x, "refusée", "refusées"),
        ),
        format!("{r} rendered, {u} unchanged, {x} refused, {f} failed in {secs} s → {out}"),
    ));
    // The délibérations charta.toml describes, from the same data: after a
    // whole build that refused nothing (not for a share, nor `--only`).
    let clean = !(report.internal_errors > 0 || report.has_errors() || errors_shown);
    let deliberations = if clean && opts.shard.is_none() && opts.only.is_empty() {
        super::deliberation::after_build(&prog, &opts.out, &opts.formats, ui)
    } else {
        Exit::Ok
    };
    if report.internal_errors > 0 {
        Exit::Fault
    } else if report.has_errors() || errors_shown {
        Exit::Problems.max(deliberations)
    } else {
        deliberations
    }
}

/// The progress of a build: a bar on a terminal, else one line per convention.
struct Bar<'u> {
    ui: &'u Ui,
    bar: Option<indicatif::ProgressBar>,
}

impl<'u> Bar<'u> {
    fn new(ui: &'u Ui) -> Bar<'u> {
        let bar = ui.stderr_is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
        Bar { ui, bar }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl build::Progress for Bar<'_> {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
        }
    }
    fn done(&self, id: &str, status: Status) {
        match &self.bar {
            Some(b) => {
                b.set_message(id.to_string());
                b.inc(1);
            }
            None => self
                .ui
                .line(format!("{:<10} {id}", status_word(status, self.ui))),
        }
    }
}

/// What became of one convention, for the progress lines.
fn status_word(status: Status, ui: &Ui) -> &'static str {
    match status {
        Status::Rendered => ui.t("établie", "rendered"),
        Status::Unchanged => ui.t("inchangée", "unchanged"),
        Status::Refused => ui.t("refusée", "refused"),
        Status::Failed => ui.t("échec", "failed"),
    }
}
