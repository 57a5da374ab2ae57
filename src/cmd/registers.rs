//! `charta export concours|de-minimis|l612-4`: the registers the law asks the
//! funder to keep or publish, rebuilt from the conventions.

use std::path::Path;

use charta::diagnostic::{Diagnostic, Text};
use charta::french::{count, count_en};
use charta::load::Programme;

use super::export::not_written;
use super::{Exit, Ui, load_or_report, prog_dir, write_or_report};
use crate::cli::{ConcoursArgs, ExportArgs};

type Export = Result<(Vec<u8>, usize), Vec<Diagnostic>>;

/// Loads the programme, makes the file, writes it; the count of rows said.
fn one_file(
    prog: Option<&Path>,
    out: &Path,
    ui: &Ui,
    make: impl FnOnce(&Programme) -> Export,
    say: impl FnOnce(usize, &str) -> Text,
) -> Exit {
    let dir = prog_dir(prog);
    let (prog, _) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (bytes, n) = match make(&prog) {
        Ok(x) => x,
        Err(diags) => {
            ui.diagnostics(&diags);
            not_written(diags.len(), out, ui);
            return Exit::Problems;
        }
    };
    if let Err(code) = write_or_report(out, &bytes, ui) {
        return code;
    }
    ui.say(&say(n, &out.display().to_string()));
    Exit::Ok
}

pub fn de_minimis(a: ExportArgs, ui: &Ui) -> Exit {
    one_file(
        a.prog.as_deref(),
        &a.out,
        ui,
        charta::exchange::registers::de_minimis_export,
        |n, out| {
            Text::new(
                format!(
                    "{} → {out} (registre des aides de minimis)",
                    count(n, "aide de minimis signée", "aides de minimis signées")
                ),
                format!(
                    "{} → {out} (de minimis register)",
                    count_en(n, "signed de minimis aid", "signed de minimis aids")
                ),
            )
        },
    )
}

pub fn l612_4(a: ExportArgs, ui: &Ui) -> Exit {
    one_file(
        a.prog.as_deref(),
        &a.out,
        ui,
        charta::exchange::registers::l612_4_export,
        |n, out| {
            Text::new(
                format!(
                    "{} → {out} (code de commerce, art. L.\u{a0}612-4)",
                    count(n, "ligne par exercice", "lignes par exercice")
                ),
                format!(
                    "{} → {out} (code de commerce, art. L. 612-4)",
                    count_en(n, "row per exercice", "rows per exercice")
                ),
            )
        },
    )
}

pub fn concours(a: ConcoursArgs, ui: &Ui) -> Exit {
    if a.out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        ui.say(&Text::new(
            "--out nomme le fichier XML (le CSV s'écrit à côté)\u{a0}: donnez FICHIER.xml",
            "--out names the XML file (the CSV is written beside it): give FILE.xml",
        ));
        return Exit::Fault;
    }
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let rows = match charta::exchange::concours::rows(&prog, a.exercice) {
        Ok(r) => r,
        Err(diags) => {
            ui.diagnostics(&diags);
            not_written(diags.len(), &a.out, ui);
            return Exit::Problems;
        }
    };
    let csv_path = a.out.with_extension("csv");
    let xml = charta::exchange::concours::to_xml(&rows);
    let csv = charta::exchange::concours::to_csv(a.exercice, &rows);
    for (path, bytes) in [(&a.out, &xml), (&csv_path, &csv)] {
        if let Err(code) = write_or_report(path, bytes, ui) {
            return code;
        }
    }
    let (xml, csv, y) = (a.out.display(), csv_path.display(), a.exercice);
    ui.say(&Text::new(
        format!(
            "{} en {y} → {xml} et {csv}",
            count(rows.len(), "concours attribué", "concours attribués")
        ),
        format!(
            "{} in {y} → {xml} and {csv}",
            count_en(rows.len(), "concours attributed", "concours attributed")
        ),
    ));
    Exit::Ok
}
