//! `charta review [PROG] --year Y`: the yearly review, or its files to fill in.

use std::time::Instant;

use charta::diagnostic::Diagnostic;
use charta::diagnostic::Text;
use charta::french::{count, count_en};
use charta::load::Programme;
use charta::review::{self, TemplateOutcome};
use charta::tr;

use super::{Exit, Ui, jobs, load_or_report, prog_dir, seconds};
use crate::cli::{ReviewArgs, ReviewFormat};

pub fn run(a: ReviewArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, load_diags) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if a.template {
        ui.diagnostics(&load_diags);
        let code = templates(&prog, a.year, ui);
        if code == Exit::Ok && a.format.contains(&ReviewFormat::Xlsx) {
            return workbook(&prog, a.year, ui);
        }
        return code;
    }
    let on = match a.on.as_deref().map(|d| (d, charta::french::parse_date(d))) {
        None => None,
        Some((_, Some(d))) => Some(d),
        Some((d, None)) => {
            ui.diagnostics(&[Diagnostic::error(
                charta::diagnostic::Code::BIL_124,
                tr!("`--on {d}` n'est pas une date", "`--on {d}` is not a date"),
            )
            .with_hint(Text::new(
                "donnez la date du bilan au format AAAA-MM-JJ, par exemple --on 2027-09-15",
                "give the date of the review as YYYY-MM-DD, e.g. --on 2027-09-15",
            ))]);
            return Exit::Fault;
        }
    };
    let opts = review::ReviewOptions {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        year: a.year,
        pdf: a.format.contains(&ReviewFormat::Pdf),
        jobs: jobs(a.jobs),
        force: a.force,
        on,
    };
    let start = Instant::now();
    match review::run(&prog, &opts) {
        Ok(report) => {
            let mut diags = load_diags;
            diags.extend(report.diagnostics.iter().cloned());
            ui.diagnostics(&diags);
            ui.say(&summary(&report, a.year, start.elapsed().as_secs_f64(), ui));
            Exit::Ok
        }
        Err(diags) => {
            let code = exit_for(&diags);
            let mut all: Vec<Diagnostic> = load_diags;
            all.extend(diags);
            ui.diagnostics(&all);
            code
        }
    }
}

/// « bilan 2026 : 8 associations, 3 en alerte ; 1 rapport réécrit, 7 à jour,
/// synthèse réécrite ; 3 fichiers écrits en 0,4 s → … »
fn summary(report: &review::ReviewReport, year: i32, secs: f64, ui: &Ui) -> Text {
    let alerts = report.rows.iter().filter(|r| !r.alerts.is_empty()).count();
    let (n, files) = (report.rows.len(), report.files_written);
    let (rewritten, fresh) = (report.rewritten, report.up_to_date);
    let (secs, dir) = (seconds(secs, ui.lang()), report.dir.display());
    let (synthese, synthesis) = if report.synthesis_rewritten {
        ("synthèse réécrite", "synthesis rewritten")
    } else {
        ("synthèse à jour", "synthesis up to date")
    };
    Text::new(
        format!(
            "bilan {year}\u{a0}: {}, {alerts} en alerte\u{a0}; {}, {fresh} à jour, {synthese}\u{a0}; {} en {secs} s → {dir}",
            count(n, "association", "associations"),
            count(rewritten, "rapport réécrit", "rapports réécrits"),
            count(files, "fichier écrit", "fichiers écrits"),
        ),
        format!(
            "review {year}: {}, {alerts} with alerts; {} rewritten, {fresh} up to date, {synthesis}; {} written in {secs} s → {dir}",
            count_en(n, "association", "associations"),
            count_en(rewritten, "report", "reports"),
            count_en(files, "file", "files"),
        ),
    )
}

/// `--template`: the review files to fill in, never replacing one.
fn templates(prog: &Programme, year: i32, ui: &Ui) -> Exit {
    let done = match review::write_templates(prog, year) {
        Ok(done) => done,
        Err(d) => {
            ui.diagnostics(&d);
            return exit_for(&d);
        }
    };
    let mut written = 0;
    for (id, outcome) in &done {
        match outcome {
            TemplateOutcome::Written(p) => {
                written += 1;
                ui.line(format!("{:<10} {}", ui.t("écrit", "written"), p.display()));
            }
            TemplateOutcome::Exists(p) => ui.say(&tr!(
                "conservé   {}\u{a0}: le fichier de bilan de `{id}` existe déjà, il n'est pas remplacé",
                "kept       {}: the review file of `{id}` exists, it is not replaced",
                p.display()
            )),
        }
    }
    // The comptes rendus financiers (`<id>.crf.json`) are counted apart.
    let is_crf = |o: &TemplateOutcome| match o {
        TemplateOutcome::Written(p) | TemplateOutcome::Exists(p) => {
            p.to_string_lossy().ends_with(charta::check::crf::SUFFIX)
        }
    };
    let crf_written = done
        .iter()
        .filter(|(_, o)| is_crf(o) && matches!(o, TemplateOutcome::Written(_)))
        .count();
    let crfs = done.iter().filter(|(_, o)| is_crf(o)).count();
    let written = written - crf_written;
    let kept = done.len() - crfs - written;
    ui.say(&Text::new(
        format!(
            "{} de bilan {year} à remplir, {}\u{a0}; {} à remplir",
            count(written, "fichier", "fichiers"),
            count(kept, "existant conservé", "existants conservés"),
            count(
                crf_written,
                "compte rendu financier",
                "comptes rendus financiers"
            ),
        ),
        format!(
            "{} {year} to fill in, {kept} existing kept; {} to fill in",
            count_en(written, "review file", "review files"),
            count_en(
                crf_written,
                "compte rendu financier",
                "comptes rendus financiers"
            ),
        ),
    ));
    Exit::Ok
}

/// `--template --format xlsx`: the workbook of the comptes rendus financiers, never replacing one.
fn workbook(prog: &Programme, year: i32, ui: &Ui) -> Exit {
    match charta::exchange::crf_sheet::write_template(prog, year) {
        Ok(TemplateOutcome::Written(p)) => {
            ui.line(format!("{:<10} {}", ui.t("écrit", "written"), p.display()));
            Exit::Ok
        }
        Ok(TemplateOutcome::Exists(p)) => {
            ui.say(&tr!(
                "conservé   {}\u{a0}: le classeur des comptes rendus existe déjà, il n'est pas remplacé (importez-le avec `charta import`, ou déplacez-le pour en écrire un nouveau)",
                "kept       {}: the workbook of the comptes rendus exists, it is not replaced (import it with `charta import`, or move it to write a new one)",
                p.display()
            ));
            Exit::Ok
        }
        Err(d) => {
            ui.diagnostics(&d);
            exit_for(&d)
        }
    }
}

/// Exit status 2 for a fault (a write, a typesetting), 1 for errors of the data.
fn exit_for(diags: &[Diagnostic]) -> Exit {
    if review::is_fault(diags) {
        Exit::Fault
    } else {
        Exit::Problems
    }
}
