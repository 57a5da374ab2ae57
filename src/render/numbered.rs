//! A plan written out: its parts numbered (or kept at the numbers of a signed
//! text), each clause body rendered, its citations resolved.

use std::collections::{BTreeMap, HashMap};

use tera::Context;

use super::citations::resolve_citations;
use super::engine::body_name;
use super::errors::template_diag;
use super::escape::{escape_markdown, tidy};
use super::{ClauseUse, Engine, Plan, Rendered, pdf_meta};
use crate::anchor;
use crate::diagnostic::{Code, Diagnostic};
use crate::french;
use crate::load::{Clause, Origin, Part, PartKind, Template};
use crate::model::{AssociationFile, ProgrammeFile};
use crate::tr;

/// Part or clause id → (kind, number): what a citation resolves to.
type Labels = HashMap<String, (PartKind, String)>;

impl Engine {
    /// Renders a plan with the numbers of a signed text: a part of `fixed`
    /// (part id → number, « 4 », « III ») keeps its number, a part it does not
    /// have is numbered after the one before it (« 6 bis », « 6 ter »), and
    /// citations follow. An avenant never renumbers the convention.
    pub fn render_plan_numbered(
        &self,
        prog: &ProgrammeFile,
        data: &AssociationFile,
        plan: Plan<'_>,
        fixed: Option<&BTreeMap<String, String>>,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let Plan {
            id,
            template,
            selected,
            context: mut value,
        } = plan;
        let id = id.as_str();
        let in_use: Vec<String> = selected
            .iter()
            .flat_map(|(_, cs)| cs.iter().map(|c| c.meta.id.clone()))
            .collect();
        value["clauses_in_use"] = serde_json::json!(in_use);
        value["charter_wording"] = serde_json::json!(charter_wording(&selected));
        let ctx = Context::from_value(value).expect("context is an object");
        let (labels, numbers) = number_parts(&selected, fixed);

        let mut diags = Vec::new();
        let mut md = title_block(id, data, template);
        let mut uses = Vec::new();
        for (part, clauses) in &selected {
            md.push_str(&part_heading(part, &numbers[&part.id]));
            for clause in clauses {
                let Some(body) = self.clause_body(id, clause, template, &ctx, &labels, &mut diags)
                else {
                    continue;
                };
                let m = &clause.meta;
                md.push_str(&anchor::clause(&m.id, &m.version));
                md.push_str(&body);
                md.push_str("\n\n");
                uses.push(ClauseUse {
                    id: m.id.clone(),
                    version: m.version.clone(),
                    origin: clause.origin,
                });
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let markdown = md.trim_end().to_string() + "\n";
        Ok(Rendered {
            id: id.to_string(),
            markdown,
            template: template.file.kind.clone(),
            clauses: uses,
            pdf_meta: pdf_meta(prog, data, &template.file.title),
        })
    }

    /// One clause's body, rendered over `ctx`, citations resolved, tidied;
    /// `None` (with its diagnostics) when it cannot be.
    fn clause_body(
        &self,
        id: &str,
        clause: &Clause,
        template: &Template,
        ctx: &Context,
        labels: &Labels,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let body = match self.tera.render(&body_name(&clause.meta.id), ctx) {
            Ok(b) => b,
            Err(e) => {
                let mut d = template_diag(clause, &e, clause.body_line);
                d.message = d.message.clone().map(|m| format!("{id}: {m}"));
                diags.push(d);
                return None;
            }
        };
        let body = match resolve_citations(&body, labels) {
            Ok(b) => b,
            Err(missing) => {
                for cited in missing {
                    let known = self.library.clauses.contains_key(&cited)
                        || template.file.parts.iter().any(|p| p.id == cited);
                    diags.push(missing_citation(id, clause, &cited, known));
                }
                return None;
            }
        };
        // The one place for no-break spaces after « n° », « M. »…: the
        // rendered clause, literal text and data alike.
        let body = french::nest_quotes(&tidy(&body));
        Some(french::bind_abbreviations(&body).trim().to_string())
    }
}

/// BIB-016: a clause cites a part or clause that is not in this convention.
fn missing_citation(id: &str, clause: &Clause, cited: &str, known: bool) -> Diagnostic {
    let (wfr, wen) = if known {
        (
            "qui ne fait pas partie de cette convention",
            "which is not part of this convention",
        )
    } else {
        ("qui n'existe pas", "which does not exist")
    };
    let cid = &clause.meta.id;
    Diagnostic::error(Code::BIB_016, tr!(
        "{id}\u{a0}: la clause `{cid}` cite `{cited}`, {wfr}",
        "{id}: clause `{cid}` cites `{cited}`, {wen}"
    ))
    .in_file(&clause.path)
    .with_hint(tr!(
        "ajoutez `{cited}` à cette convention, ou rendez la citation dans `{cid}` conditionnelle à `'{cited}' in clauses_in_use`",
        "add `{cited}` to this convention, or make the citation in `{cid}` conditional on `'{cited}' in clauses_in_use`"
    ))
}

/// The convention's anchor, title and reference line.
fn title_block(id: &str, data: &AssociationFile, template: &Template) -> String {
    let kind = data.convention.kind.as_str();
    let mut md = String::new();
    md.push_str(&anchor::convention(id, kind, &template.file.kind));
    md.push_str(&format!("# {}\n\n", escape_markdown(&template.file.title)));
    md.push_str(&format!(
        "Convention n°{}{} — {}\n\n",
        french::NBSP,
        escape_markdown(&data.convention.reference),
        period_words(&data.convention.years)
    ));
    md
}

/// A part's anchor and heading (« Article 4 – Montant », « Annexe II – … »).
fn part_heading(part: &Part, number: &str) -> String {
    let anchor_kind = match part.kind {
        PartKind::Block => anchor::PartKind::Block,
        PartKind::Article => anchor::PartKind::Article,
        PartKind::Annex => anchor::PartKind::Annex,
    };
    let mut md = anchor::part(&part.id, anchor_kind, Some(number));
    let title = part.title.as_deref().unwrap_or("");
    let heading = match part.kind {
        PartKind::Article => Some(format!("Article {number} – {title}")),
        PartKind::Annex => Some(format!("Annexe {number} – {title}")),
        PartKind::Block => part.heading.clone(),
    };
    if let Some(h) = heading {
        let h = french::punctuation(h.trim_end_matches([' ', '–']));
        md.push_str(&format!("## {}\n\n", french::bind_abbreviations(&h)));
    }
    md
}

/// Numbers the parts that have at least one applicable clause: every part
/// and clause id to its part's kind and number (a block's is empty), for
/// citations; every part id to its number, for headings.
fn number_parts(
    selected: &[(&Part, Vec<&Clause>)],
    fixed: Option<&BTreeMap<String, String>>,
) -> (Labels, HashMap<String, String>) {
    let (mut labels, mut numbers) = (Labels::new(), HashMap::new());
    let (mut n_art, mut n_annex) = (0usize, 0usize);
    // With fixed numbers: the last fixed number of each kind and how many
    // parts were inserted after it.
    let mut after: HashMap<u8, (String, usize)> = HashMap::new();
    for (part, clauses) in selected {
        let number = match (fixed, part.kind) {
            (_, PartKind::Block) => String::new(),
            (Some(fixed), kind) => {
                let slot = after.entry(kind as u8).or_insert((String::new(), 0));
                kept_number(fixed.get(&part.id), kind, slot)
            }
            (None, PartKind::Article) => {
                n_art += 1;
                french::article_number(n_art)
            }
            (None, PartKind::Annex) => {
                n_annex += 1;
                french::roman(n_annex)
            }
        };
        labels.insert(part.id.clone(), (part.kind, number.clone()));
        for c in clauses {
            labels.insert(c.meta.id.clone(), (part.kind, number.clone()));
        }
        numbers.insert(part.id.clone(), number);
    }
    (labels, numbers)
}

/// The number of a part under the numbers of a signed text: its own if it
/// had one, else the last fixed number of its kind with « bis », « ter »…
/// (« 1er A », « I A » before the first one). `slot` is that last number and
/// how many parts followed it.
fn kept_number(signed: Option<&String>, kind: PartKind, slot: &mut (String, usize)) -> String {
    if let Some(n) = signed {
        *slot = (n.clone(), 0);
        return n.clone();
    }
    slot.1 += 1;
    if slot.0.is_empty() {
        let first = match kind {
            PartKind::Annex => "I",
            _ => "1er",
        };
        format!("{first} {}", french::letter_suffix(slot.1))
    } else {
        format!("{} {}", slot.0, french::latin_ordinal_suffix(slot.1))
    }
}

/// Whose wording the charter commitments of a convention are: `programme` when
/// every commitment comes from the programme's own library (its charter's text),
/// `builtin` when none does (charta's wording, drawn from the national charter of
/// 14 February 2014), `mixed` otherwise. The introductions attribute them accordingly.
fn charter_wording(selected: &[(&Part, Vec<&Clause>)]) -> &'static str {
    let origins: Vec<Origin> = selected
        .iter()
        .filter(|(p, _)| p.id.starts_with("engagements-"))
        .flat_map(|(_, cs)| cs.iter())
        .filter(|c| !c.meta.id.ends_with("-intro"))
        .map(|c| c.origin)
        .collect();
    if !origins.is_empty() && origins.iter().all(|o| *o == Origin::Programme) {
        "programme"
    } else if origins.contains(&Origin::Programme) {
        "mixed"
    } else {
        "builtin"
    }
}
/// « années 2026 à 2028 », « année 2026 ».
fn period_words(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("années {a} à {b}"),
        (Some(a), _) => format!("année {a}"),
        _ => String::new(),
    }
}
