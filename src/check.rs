//! Every rule on the inputs: identifiers, years, sums, thresholds, references.
//!
//! Rules never stop at the first problem: each returns all the diagnostics it
//! finds, located by file and JSON path. `build` runs the same checks and skips
//! an association that has errors.

use crate::diagnostic::Diagnostic;
use crate::load::{AssociationEntry, Programme};

/// Problems of one association file (its parse errors included).
pub fn check_association(prog: &Programme, entry: &AssociationEntry) -> Vec<Diagnostic> {
    let mut out = entry.diagnostics.clone();
    let Some(data) = &entry.data else {
        return out;
    };
    let c = &data.convention;
    for (i, o) in data.dashboard.objectives.iter().enumerate() {
        if !prog.file.priorities.iter().any(|p| p.id == o.priority) {
            out.push(
                Diagnostic::error(format!(
                    "objective `{}` refers to priority `{}`, which charta.toml does not define",
                    o.id, o.priority
                ))
                .in_file(&entry.path)
                .at_path(format!("dashboard.objectives[{i}].priority")),
            );
        }
    }
    let years: Vec<String> = c.years.iter().map(|y| y.to_string()).collect();
    let mut check_map = |path: String, keys: Vec<&String>| {
        let have: Vec<&str> = keys.iter().map(|s| s.as_str()).collect();
        let want: Vec<&str> = years.iter().map(String::as_str).collect();
        if have != want {
            out.push(
                Diagnostic::error(format!(
                    "{path} covers years [{}] but the convention covers [{}]",
                    have.join(", "),
                    want.join(", ")
                ))
                .in_file(&entry.path)
                .at_path(path),
            );
        }
    };
    if let Some(m) = &c.funding {
        check_map("convention.funding".into(), m.keys().collect());
    }
    if let Some(m) = &c.eligible_cost {
        check_map("convention.eligible_cost".into(), m.keys().collect());
    }
    for (i, o) in data.dashboard.objectives.iter().enumerate() {
        for (j, ind) in o.indicators.iter().enumerate() {
            check_map(
                format!("dashboard.objectives[{i}].indicators[{j}].targets"),
                ind.targets.keys().collect(),
            );
        }
    }
    out
}

/// Problems of the clause library and templates that no single association reveals.
pub fn check_library(_prog: &Programme, engine: &crate::render::Engine) -> Vec<Diagnostic> {
    let lib = engine.library();
    let mut out = Vec::new();
    for clause in lib.clauses.values() {
        let part = &clause.meta.part;
        if !lib
            .templates
            .values()
            .any(|t| t.file.parts.iter().any(|p| &p.id == part))
        {
            out.push(
                Diagnostic::error(format!(
                    "clause `{}` fills part `{part}`, which no template has",
                    clause.meta.id
                ))
                .in_file(&clause.path)
                .with_hint(
                    "set `part` to the id of an article, block or annex of templates/<kind>.toml",
                ),
            );
        }
    }
    out
}

/// Every problem of the programme: library, templates and each association file.
pub fn check_programme(prog: &Programme) -> Vec<Diagnostic> {
    let (engine, mut out) = crate::render::Engine::new(&prog.library);
    out.extend(check_library(prog, &engine));
    for entry in &prog.associations {
        out.extend(check_association(prog, entry));
    }
    out
}
