//! `charta manifest merge DEST OUT…`: the shares of a distributed build joined.

use std::path::{Path, PathBuf};

use charta::diagnostic::Text;
use charta::french::{count, count_en};

use super::{Exit, Ui};
use crate::cli::ManifestCommand;

pub fn run(c: ManifestCommand, ui: &Ui) -> Exit {
    match c {
        ManifestCommand::Merge { dest, outs } => merge(&dest, &outs, ui),
    }
}

fn merge(dest: &Path, outs: &[PathBuf], ui: &Ui) -> Exit {
    match charta::out::shard::merge(dest, outs) {
        Ok(r) => {
            let (n, k, c, d) = (r.conventions, outs.len(), r.copied, dest.display());
            ui.say(&Text::new(
                format!(
                    "{} depuis {}, {} → {d}",
                    count(n, "convention réunie", "conventions réunies"),
                    count(k, "dossier", "dossiers"),
                    count(c, "fichier copié", "fichiers copiés"),
                ),
                format!(
                    "{} merged from {}, {} copied → {d}",
                    count_en(n, "convention", "conventions"),
                    count_en(k, "folder", "folders"),
                    count_en(c, "file", "files"),
                ),
            ));
            Exit::Ok
        }
        Err(diags) => {
            ui.diagnostics(&diags);
            Exit::of(&diags)
        }
    }
}
