//! `charta export scdl|xlsx [PROG] --out FILE`: open data, or the workbook to edit;
//! `concours`, `de-minimis`, `l612-4`: the registers (`registers.rs`).

use std::path::Path;

use charta::diagnostic::Text;
use charta::french::{count, count_en};

use super::{Exit, Ui, load_or_report, prog_dir, write_or_report};
use crate::cli::{ExportArgs, ExportCommand, ScdlArgs};

pub fn run(c: ExportCommand, ui: &Ui) -> Exit {
    match c {
        ExportCommand::Scdl(a) => scdl(a, ui),
        ExportCommand::Xlsx(a) => xlsx(a, ui),
        ExportCommand::Concours(a) => super::registers::concours(a, ui),
        ExportCommand::DeMinimis(a) => super::registers::de_minimis(a, ui),
        ExportCommand::L6124(a) => super::registers::l612_4(a, ui),
    }
}

fn scdl(s: ScdlArgs, ui: &Ui) -> Exit {
    let a = s.export;
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let exported = if s.par_exercice {
        charta::exchange::par_exercice::export(&prog)
    } else {
        charta::exchange::scdl::export(&prog)
    };
    let (bytes, n) = match exported {
        Ok(x) => x,
        Err(diags) => {
            ui.diagnostics(&diags);
            not_written(diags.len(), &a.out, ui);
            return Exit::Problems;
        }
    };
    if let Err(code) = write_or_report(&a.out, &bytes, ui) {
        return code;
    }
    let out = a.out.display();
    if s.par_exercice {
        ui.say(&Text::new(
            format!(
                "{} → {out} (SCDL subventions 2.1.1 et colonne exercice)",
                count(n, "ligne par exercice", "lignes par exercice")
            ),
            format!(
                "{} → {out} (SCDL subventions 2.1.1 and the exercice column)",
                count_en(n, "row per exercice", "rows per exercice")
            ),
        ));
        return Exit::Ok;
    }
    ui.say(&Text::new(
        format!(
            "{} au-delà de 23\u{a0}000\u{a0}€ par an → {out} (SCDL subventions 2.1.1)",
            count(n, "convention signée", "conventions signées")
        ),
        format!(
            "{} above 23 000 € a year → {out} (SCDL subventions 2.1.1)",
            count_en(n, "signed convention", "signed conventions")
        ),
    ));
    Exit::Ok
}

fn xlsx(a: ExportArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bytes = match charta::exchange::export_xlsx(&prog) {
        Ok(b) => b,
        Err(diags) => {
            ui.diagnostics(&diags);
            not_written(diags.len(), &a.out, ui);
            return Exit::Problems;
        }
    };
    if let Err(code) = write_or_report(&a.out, &bytes, ui) {
        return code;
    }
    ui.line(format!(
        "{} association(s) → {}",
        prog.associations.len(),
        a.out.display()
    ));
    Exit::Ok
}

/// « N erreur(s) : OUT n'est pas écrit ».
pub(super) fn not_written(n: usize, out: &Path, ui: &Ui) {
    let out = out.display();
    ui.say(&Text::new(
        format!(
            "{}\u{a0}: {out} n'est pas écrit",
            count(n, "erreur", "erreurs")
        ),
        format!("{}: {out} is not written", count_en(n, "error", "errors")),
    ));
}
