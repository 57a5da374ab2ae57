//! `charta clauses [PROG]`: the clause library, one clause per line.

use std::path::Path;

use charta::load;

use super::{Exit, Ui, prog_dir};

pub fn run(prog: Option<&Path>, ui: &Ui) -> Exit {
    let dir = prog_dir(prog);
    let mut diags = Vec::new();
    let root = dir.join("charta.toml").is_file().then_some(dir.as_path());
    let lib = load::load_library(root, &mut diags);
    ui.out(format!(
        "{:<36} {:<8} {:<10} {:<26} {:<44} {}",
        "ID",
        "VERSION",
        ui.t("ORIGINE", "ORIGIN"),
        ui.t("PARTIE", "PART"),
        "CONDITION",
        ui.t("TITRE", "TITLE")
    ));
    for c in lib.clauses.values() {
        let m = &c.meta;
        let cond = match (&m.condition, m.optional) {
            (Some(c), true) => format!("{}, {c}", ui.t("facultative", "optional")),
            (Some(c), false) => c.clone(),
            (None, true) => ui.t("facultative", "optional").to_string(),
            (None, false) => ui.t("toujours", "always").to_string(),
        };
        ui.out(format!(
            "{:<36} {:<8} {:<10} {:<26} {:<44} {}",
            m.id,
            m.version,
            c.origin.to_string(),
            m.part,
            cond,
            m.title
        ));
    }
    ui.line(format!("{} clause(s)", lib.clauses.len()));
    ui.diagnostics(&diags);
    Exit::of(&diags)
}
