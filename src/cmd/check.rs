//! `charta check [PROG]`: every problem of the programme, as text or JSON.

use charta::diagnostic::has_errors;
use charta::diagnostic::{Sink, Text};
use charta::french::{count, count_en};
use charta::load;

use super::shown::Shown;
use super::{Exit, Ui, prog_dir};
use crate::cli::{CheckArgs, ReportFormat};

pub fn run(a: CheckArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let loaded = load::load_programme(&dir);
    match a.format {
        ReportFormat::Json => {
            let (diags, files) = match loaded {
                Ok((p, mut diags)) => {
                    charta::check::check_programme_into(&p, &mut diags);
                    (diags, p.associations.len())
                }
                Err(d) => (d, 0),
            };
            let v = charta::check::json_report(&diags, files, ui.lang());
            ui.out(serde_json::to_string_pretty(&v).expect("serialises"));
            if has_errors(&diags) {
                Exit::Problems
            } else {
                Exit::Ok
            }
        }
        ReportFormat::Text => {
            // Each problem printed or counted as it comes, never all kept.
            let mut shown = Shown::new(ui, a.warnings);
            let files = match loaded {
                Ok((p, diags)) => {
                    diags.into_iter().for_each(|d| shown.push(d));
                    charta::check::check_programme_into(&p, &mut shown);
                    p.associations.len()
                }
                Err(d) => {
                    d.into_iter().for_each(|d| shown.push(d));
                    0
                }
            };
            let (errors, warnings) = shown.counts();
            shown.finish();
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
            if errors > 0 { Exit::Problems } else { Exit::Ok }
        }
    }
}
