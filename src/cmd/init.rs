//! `charta init DIR`: a new programme folder holding the built-in example.

use std::path::Path;

use charta::diagnostic::{Code, Diagnostic, Text};
use charta::tr;

use super::{Exit, Ui};

pub fn run(dir: &Path, ui: &Ui) -> Exit {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        ui.diagnostics(&[Diagnostic::error(
            Code::CLI_001,
            tr!(
                "{} existe et n'est pas vide",
                "{} exists and is not empty",
                dir.display()
            ),
        )
        .with_hint(Text::new(
            "choisissez un nouveau nom de dossier\u{a0}; charta init ne remplace jamais un fichier",
            "choose a new folder name; charta init never overwrites files",
        ))]);
        return Exit::Fault;
    }
    match charta::scaffold::write_example(dir) {
        Ok(n) => {
            let d = dir.display();
            ui.say(&tr!(
                "{d} créé ({n} fichiers)\u{a0}; ensuite\u{a0}: charta build {d}",
                "created {d} ({n} files); next: charta build {d}"
            ));
            Exit::Ok
        }
        Err(e) => {
            ui.diagnostics(&[Diagnostic::error(
                Code::FIC_005,
                tr!(
                    "impossible de créer le programme\u{a0}: {e}",
                    "cannot create the programme: {e}"
                ),
            )
            .in_file(dir)]);
            Exit::Fault
        }
    }
}
