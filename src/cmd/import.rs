//! `charta import FILE [PROG]`: association files from a workbook, or one
//! association from its API Entreprise record (`--date`), and what changed in each.

use std::path::Path;

use charta::diagnostic::{Code, Diagnostic, Text};
use charta::exchange::record;
use charta::exchange::workbook::Change;
use charta::french::{count, count_en};
use charta::tr;

use super::{Exit, Ui, load_or_report, prog_dir};

pub fn run(file: &Path, prog: Option<&Path>, date: Option<&str>, ui: &Ui) -> Exit {
    let dir = prog_dir(prog);
    let (prog, _) = match load_or_report(&dir, ui) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if charta::exchange::crf_sheet::is_crf_workbook(file) {
        return crf_workbook(file, &prog, ui);
    }
    let planned = if record::is_record(file) {
        record::plan(file, &prog, date).map(|p| {
            ui.diagnostics(&p.notes);
            if let Change::RefusedSigned(paths) = &p.change {
                refused_record(&p.id, &p.path, paths, ui);
                return Vec::new();
            }
            vec![(p.id, p.path, p.change, p.text)]
        })
    } else {
        charta::exchange::import(file, &prog)
    };
    let plan = match planned {
        Ok(p) => p,
        Err(diags) => {
            ui.diagnostics(&diags);
            let n = diags.len();
            ui.say(&Text::new(
                format!(
                    "{}\u{a0}: aucun fichier n'a été écrit",
                    count(n, "erreur", "erreurs")
                ),
                format!("{}: no file was written", count_en(n, "error", "errors")),
            ));
            return Exit::Problems;
        }
    };
    if let Err(e) = std::fs::create_dir_all(prog.root.join("associations")) {
        ui.diagnostics(&[Diagnostic::error(
            Code::FIC_006,
            tr!(
                "impossible de créer le dossier associations\u{a0}: {e}",
                "cannot create the associations folder: {e}"
            ),
        )
        .in_file(prog.root.join("associations"))]);
        return Exit::Fault;
    }
    let writes: Vec<(&Path, &[u8])> = plan
        .iter()
        .filter(|(_, _, c, _)| matches!(c, Change::Created | Change::Modified(_)))
        .map(|(_, path, _, text)| (path.as_path(), text.as_bytes()))
        .collect();
    if let Err((path, e)) = charta::exchange::write_all_atomic(&writes) {
        ui.diagnostics(&[charta::encoding::write_error(&path, &e)]);
        return Exit::Fault;
    }
    report(&plan, ui);
    Exit::Ok
}

/// The workbook of the comptes rendus financiers: each `reviews/Y/<id>.crf.json`,
/// all written at once or none.
fn crf_workbook(file: &Path, prog: &charta::load::Programme, ui: &Ui) -> Exit {
    let (year, plan) = match charta::exchange::crf_sheet::import(file, prog) {
        Ok(x) => x,
        Err(diags) => {
            let n = diags.len();
            let fault = diags.iter().any(Diagnostic::is_fault);
            ui.diagnostics(&diags);
            ui.say(&Text::new(
                format!(
                    "{}\u{a0}: aucun fichier n'a été écrit",
                    count(n, "erreur", "erreurs")
                ),
                format!("{}: no file was written", count_en(n, "error", "errors")),
            ));
            return if fault { Exit::Fault } else { Exit::Problems };
        }
    };
    let dir = prog.root.join("reviews").join(year.to_string());
    let writes: Vec<(&Path, &[u8])> = plan
        .iter()
        .filter(|(_, _, c, _)| matches!(c, Change::Created | Change::Modified(_)))
        .map(|(_, path, _, text)| (path.as_path(), text.as_bytes()))
        .collect();
    let written = std::fs::create_dir_all(&dir)
        .map_err(|e| (dir.clone(), e))
        .and_then(|()| charta::exchange::write_all_atomic(&writes));
    if let Err((path, e)) = written {
        ui.diagnostics(&[charta::encoding::write_error(&path, &e)]);
        return Exit::Fault;
    }
    let (mut created, mut modified) = (0, 0);
    for (id, _, change, _) in &plan {
        match change {
            Change::Created => {
                created += 1;
                ui.line(format!("{:<10} {id}", ui.t("créé", "created")));
            }
            Change::Modified(paths) => {
                modified += 1;
                let sep = ui.t("\u{a0}:", ":");
                ui.line(format!(
                    "{:<10} {id}{sep} {}",
                    ui.t("modifié", "modified"),
                    paths.join(", ")
                ));
            }
            Change::Unchanged | Change::RefusedSigned(_) => {}
        }
    }
    let unchanged = plan.len() - created - modified;
    ui.say(&Text::new(
        format!(
            "comptes rendus financiers {year}\u{a0}: {}, {}, {}",
            count(created, "créé", "créés"),
            count(modified, "modifié", "modifiés"),
            count(unchanged, "inchangé", "inchangés"),
        ),
        format!("comptes rendus financiers {year}: {created} created, {modified} modified, {unchanged} unchanged"),
    ));
    Exit::Ok
}

/// A record that would change a signed convention: nothing written.
fn refused_record(id: &str, path: &Path, paths: &[String], ui: &Ui) {
    ui.diagnostics(&[Diagnostic::warning(
        Code::ECH_043,
        tr!(
            "{}\u{a0}: convention signée, fichier laissé tel quel\u{a0}; la fiche change {}",
            "{}: signed convention, file left as it is; the record changes {}",
            id,
            paths.join(", ")
        ),
    )
    .in_file(path)
    .with_hint(Text::new(
        "une convention signée ne change que par avenant\u{a0}: les valeurs de la fiche ne s'y reportent pas",
        "a signed convention changes only by amendment (avenant): the record's values are not carried into it",
    ))]);
}

/// One line per association created or modified, a warning per signed one
/// left as it is, and the counts.
fn report(plan: &charta::exchange::workbook::Plan, ui: &Ui) {
    let show = |paths: &[String]| {
        let mut s = paths.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
        if paths.len() > 6 {
            s.push_str(&format!(
                ", … ({} {})",
                paths.len(),
                ui.t("en tout", "in all")
            ));
        }
        s
    };
    let (mut created, mut modified, mut unchanged, mut refused) = (0, 0, 0, 0);
    for (id, path, change, _) in plan {
        match change {
            Change::Unchanged => unchanged += 1,
            Change::RefusedSigned(paths) => {
                refused += 1;
                ui.diagnostics(&[Diagnostic::warning(Code::ECH_009, tr!(
                    "{id}\u{a0}: convention signée, fichier laissé tel quel\u{a0}; le classeur change {}",
                    "{id}: signed convention, file left as it is; the workbook changes {}",
                    show(paths)
                ))
                .in_file(path)
                .with_hint(Text::new(
                    "une convention signée ne change que par avenant\u{a0}: rétablissez ses valeurs dans le classeur",
                    "a signed convention changes only by amendment (avenant): restore its values in the workbook",
                ))]);
            }
            Change::Created => {
                created += 1;
                ui.line(format!("{:<10} {id}", ui.t("créée", "created")));
            }
            Change::Modified(paths) => {
                modified += 1;
                ui.line(format!(
                    "{:<10} {id}{} {}",
                    ui.t("modifiée", "modified"),
                    ui.t("\u{a0}:", ":"),
                    show(paths)
                ));
            }
        }
    }
    ui.say(&Text::new(
        format!(
            "{}, {}, {}, {}",
            count(created, "créée", "créées"),
            count(modified, "modifiée", "modifiées"),
            count(unchanged, "inchangée", "inchangées"),
            count(refused, "signée laissée telle quelle", "signées laissées telles quelles"),
        ),
        format!(
            "{created} created, {modified} modified, {unchanged} unchanged, {refused} signed left as they are"
        ),
    ));
}
