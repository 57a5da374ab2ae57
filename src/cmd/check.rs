//! `charta check [PROG]`: every problem of the programme, as text or JSON.

use charta::diagnostic::has_errors;
use charta::diagnostic::{Sink, Text};
use charta::french::{count, count_en};
use charta::load;

use super::shown::Shown;
use super::{Exit, Ui, prog_dir};
use crate::cli::{CheckArgs, ReportFormat, WarningsShown};

pub fn run(a: CheckArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (diags, files) = match load::load_programme(&dir) {
        Ok((p, mut diags)) => {
            let report = charta::check::check_programme(&p);
            diags.extend(report);
            (diags, p.associations.len())
        }
        Err(d) => (d, 0),
    };
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match a.format {
        ReportFormat::Json => {
            let v = charta::check::json_report(&diags, files, ui.lang());
            ui.out(serde_json::to_string_pretty(&v).expect("serialises"));
        }
        ReportFormat::Text => {
            if a.warnings == WarningsShown::All {
                ui.diagnostics(&diags);
            } else {
                let mut shown = Shown::new(ui, a.warnings);
                diags.iter().for_each(|d| shown.push(d.clone()));
                shown.finish();
            }
            ui.say(&Text::new(
                format!(
                    "{}\u{a0}: {}, {}",
                    count(
                        files,
                        "fichier d'association vérifié",
                        "fichiers d'association vérifiés"
                    ),
                    count(errors, "erreur", "erreurs"),
                    count(warnings, "avertissement", "avertissements"),
                ),
                format!(
                    "checked {}: {}, {}",
                    count_en(files, "association file", "association files"),
                    count_en(errors, "error", "errors"),
                    count_en(warnings, "warning", "warnings"),
                ),
            ));
        }
    }
    if has_errors(&diags) {
        Exit::Problems
    } else {
        Exit::Ok
    }
}
