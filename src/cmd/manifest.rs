//! `charta manifest merge DEST OUT…`: the shares of a distributed build joined.

use std::path::{Path, PathBuf};

use charta::tr;

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
            ui.say(&tr!(
                "{n} convention(s) réunie(s) depuis {k} dossier(s), {c} fichier(s) copié(s) → {d}",
                "{n} convention(s) merged from {k} folder(s), {c} file(s) copied → {d}"
            ));
            Exit::Ok
        }
        Err(diags) => {
            ui.diagnostics(&diags);
            Exit::of(&diags)
        }
    }
}
