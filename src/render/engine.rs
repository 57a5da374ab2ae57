//! The compiled library: clause bodies and conditions compiled once, the
//! applicable clauses of a convention chosen from its data.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use tera::{Context, Tera};

use super::errors::{error_chain, template_diag};
use super::escape::{escape_data, tidy};
use super::filters::register_filters;
use super::{Engine, Plan, Rendered};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::french;
use crate::load::{Clause, Library, Part, Template};
use crate::model::{AssociationFile, ProgrammeFile};
use crate::tr;

pub(super) fn body_name(id: &str) -> String {
    format!("clause/{id}.md")
}

fn cond_name(id: &str) -> String {
    format!("condition/{id}.md")
}

impl Engine {
    /// Compiles every clause body and condition; returns the problems found.
    pub fn new(library: &Library) -> (Engine, Vec<Diagnostic>) {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".md"]);
        tera.set_escape_fn(escape_data);
        register_filters(&mut tera);
        let mut diags = Vec::new();
        let mut lib = library.clone();
        let mut broken = Vec::new();
        for clause in library.clauses.values() {
            let id = &clause.meta.id;
            if let Err(e) = tera.add_raw_template(&body_name(id), &clause.body) {
                diags.push(template_diag(clause, &e, clause.body_line));
                broken.push(id.clone());
                continue;
            }
            if let Some(cond) = &clause.meta.condition {
                let src = format!("{{% if {cond} %}}1{{% endif %}}");
                if let Err(e) = tera.add_raw_template(&cond_name(id), &src) {
                    let chain = error_chain(&e);
                    let mut d = Diagnostic::error(Code::BIB_013, tr!(
                        "clause `{id}`\u{a0}: condition invalide `{cond}`\u{a0}: {chain}",
                        "clause `{id}`: invalid condition `{cond}`: {chain}"
                    ))
                    .in_file(&clause.path)
                    .with_hint(Text::new(
                        "une condition est une expression Tera comme `convention.regime == 'sieg'` ou `above_153k`",
                        "a condition is a Tera expression such as `convention.regime == 'sieg'` or `above_153k`",
                    ));
                    if let Some(line) = clause.front_matter_line("condition") {
                        d = d.at(line, 1);
                    }
                    diags.push(d);
                    broken.push(id.clone());
                }
            }
        }
        for id in broken {
            lib.clauses.remove(&id);
        }
        (Engine { tera, library: lib }, diags)
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Renders the body of clause `id` of the library over `context` (a
    /// convention's context with what an avenant adds), tidied as in a
    /// convention: no-break spaces bound, blank lines collapsed. Citations
    /// (`article(id=…)`) are not resolved: the avenant's clauses cite none.
    pub fn render_clause(&self, id: &str, context: &Value) -> Result<String, Diagnostic> {
        self.render_body(id, context, true)
    }

    /// Renders the body of clause `id` as written, lines untidied: a letter's
    /// hard line breaks (two trailing spaces) kept (the reversement letter).
    pub fn render_letter_clause(&self, id: &str, context: &Value) -> Result<String, Diagnostic> {
        self.render_body(id, context, false)
    }

    fn render_body(&self, id: &str, context: &Value, tidied: bool) -> Result<String, Diagnostic> {
        let Some(clause) = self.library.clauses.get(id) else {
            return Err(Diagnostic::error(Code::BIB_023, tr!(
                "la clause `{}` manque à la bibliothèque de clauses",
                "clause `{}` is missing from the clause library",
                id
            ))
            .with_hint(tr!(
                "elle est fournie par charta (clauses/avenant/)\u{a0}: rétablissez-la, ou écrivez la vôtre dans le dossier clauses/ du programme",
                "charta provides it (clauses/avenant/): restore it, or write your own in the programme's clauses/ folder"
            )));
        };
        let ctx = Context::from_value(context.clone()).map_err(|e| {
            Diagnostic::error(
                Code::BIB_024,
                tr!(
                    "contexte invalide pour la clause `{}`\u{a0}: {}",
                    "invalid context for clause `{}`: {}",
                    id,
                    e
                ),
            )
        })?;
        let body = self
            .tera
            .render(&body_name(id), &ctx)
            .map_err(|e| template_diag(clause, &e, clause.body_line))?;
        let body = french::nest_quotes(&if tidied { tidy(&body) } else { body });
        Ok(french::bind_abbreviations(&body).trim().to_string())
    }

    /// The clause `id` of the library, if any.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.library.clauses.get(id)
    }

    /// Applicable clauses of a template, by part, in order.
    fn select<'a>(
        &'a self,
        template: &'a Template,
        data: &AssociationFile,
        ctx: &Context,
    ) -> Result<Vec<(&'a Part, Vec<&'a Clause>)>, Vec<Diagnostic>> {
        let choice = &data.convention.clauses;
        let mut diags = Vec::new();
        let mut by_part: BTreeMap<&str, Vec<&Clause>> = BTreeMap::new();
        for clause in self.library.clauses.values() {
            let m = &clause.meta;
            if !template.file.parts.iter().any(|p| p.id == m.part) {
                continue;
            }
            if m.optional && !choice.add.contains(&m.id) {
                continue;
            }
            if choice.remove.contains(&m.id) {
                continue;
            }
            if m.condition.is_some() {
                match self.tera.render(&cond_name(&m.id), ctx) {
                    Ok(s) if s == "1" => {}
                    Ok(_) => continue,
                    Err(e) => {
                        diags.push(
                            Diagnostic::error(Code::BIB_014, {
                                let (cid, chain) = (&m.id, error_chain(&e));
                                tr!(
                                    "clause `{cid}`\u{a0}: sa condition ne peut pas être évaluée\u{a0}: {chain}",
                                    "clause `{cid}`: its condition cannot be evaluated: {chain}"
                                )
                            })
                            .in_file(&clause.path),
                        );
                        continue;
                    }
                }
            }
            by_part.entry(m.part.as_str()).or_default().push(clause);
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(template
            .file
            .parts
            .iter()
            .filter_map(|p| {
                let mut list = by_part.remove(p.id.as_str())?;
                list.sort_by(|a, b| (a.meta.order, &a.meta.id).cmp(&(b.meta.order, &b.meta.id)));
                Some((p, list))
            })
            .collect())
    }

    /// Renders one convention to Markdown.
    pub fn render(
        &self,
        prog: &ProgrammeFile,
        id: &str,
        data: &AssociationFile,
        file: &Path,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let plan = self.plan(prog, id, data, file)?;
        self.render_plan(prog, data, plan)
    }

    /// Chooses the template and the applicable clauses (conditions evaluated),
    /// without rendering anything: enough to know a convention's inputs.
    pub fn plan<'a>(
        &'a self,
        prog: &ProgrammeFile,
        id: &str,
        data: &AssociationFile,
        file: &Path,
    ) -> Result<Plan<'a>, Vec<Diagnostic>> {
        let kind = data.convention.kind.as_str();
        let Some(template) = self.library.templates.get(kind) else {
            return Err(vec![
                Diagnostic::error(Code::BIB_015, tr!(
                    "aucun gabarit pour le type de convention `{kind}`",
                    "no template for convention kind `{kind}`"
                ))
                .in_file(file)
                .at_path("convention.kind")
                .with_hint(Text::new(
                    "ajoutez templates/<type>.toml au programme, ou employez cpo, annuelle ou cadre",
                    "add templates/<kind>.toml to the programme or use cpo, annuelle or cadre",
                )),
            ]);
        };
        // Conditions see the data, not which other clauses apply.
        let base = crate::context::build(prog, id, data, &[]);
        let ctx = Context::from_value(base.clone()).expect("context is an object");
        let selected = self.select(template, data, &ctx).map_err(|mut d| {
            for x in &mut d {
                x.message = x.message.clone().map(|m| format!("{id}: {m}"));
            }
            d
        })?;
        Ok(Plan {
            id: id.to_string(),
            template,
            selected,
            context: base,
        })
    }

    /// Renders a plan: numbering, clause bodies, citations.
    pub fn render_plan(
        &self,
        prog: &ProgrammeFile,
        data: &AssociationFile,
        plan: Plan<'_>,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        self.render_plan_numbered(prog, data, plan, None)
    }
}
