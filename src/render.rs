//! From a loaded library and one association's data to the convention in Markdown.
//!
//! Order matters and is legal: conditions are evaluated first, then the parts
//! that have clauses are numbered (« Article 1er », « Annexe II »), then every
//! clause body is rendered and its citations resolved to final numbers. Data
//! reaches the text only through Tera expressions, whose output is always
//! escaped for Markdown: template code in data is never evaluated.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use tera::{Context, Tera};

use crate::anchor;
use crate::diagnostic::{Diagnostic, Text};
use crate::document::{Chart, Meta};
use crate::french;
use crate::load::{Clause, Library, Origin, Part, PartKind, Template};
use crate::model::{AssociationFile, IndicatorType, ProgrammeFile};
use crate::tr;

const REF_OPEN: char = '\u{E000}';
const REF_CLOSE: char = '\u{E001}';

/// A clause that went into a convention, for the manifest and the diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClauseUse {
    pub id: String,
    pub version: String,
    pub origin: Origin,
}

/// One rendered convention.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub id: String,
    pub markdown: String,
    pub template: String,
    pub clauses: Vec<ClauseUse>,
    pub pdf_meta: Meta,
}

/// What a convention is made of, before rendering: its template and clauses.
#[derive(Clone)]
pub struct Plan<'a> {
    pub id: String,
    pub template: &'a Template,
    /// Applicable clauses by part, parts in template order, clauses in order.
    pub selected: Vec<(&'a Part, Vec<&'a Clause>)>,
    context: Value,
}

impl Plan<'_> {
    /// The clauses that will be rendered, in document order.
    pub fn clauses(&self) -> Vec<ClauseUse> {
        self.selected
            .iter()
            .flat_map(|(_, cs)| cs.iter())
            .map(|c| ClauseUse {
                id: c.meta.id.clone(),
                version: c.meta.version.clone(),
                origin: c.origin,
            })
            .collect()
    }
}

/// The clause library compiled once, rendered many times (`Send + Sync`).
pub struct Engine {
    tera: Tera,
    library: Library,
}

fn body_name(id: &str) -> String {
    format!("clause/{id}.md")
}

fn cond_name(id: &str) -> String {
    format!("condition/{id}.md")
}

/// Position in a Tera parse error (« --> 3:5 »), relative to the template.
fn tera_error_location(e: &tera::Error) -> Option<(usize, usize)> {
    let text = error_chain(e);
    let i = text.find("--> ")?;
    let rest = &text[i + 4..];
    let end = rest.find(|c: char| !c.is_ascii_digit() && c != ':')?;
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// Tera's error and all its causes, one per line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
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
                    let mut d = Diagnostic::error(tr!(
                        "clause `{id}`\u{a0}: condition invalide `{cond}`\u{a0}: {chain}",
                        "clause `{id}`: invalid condition `{cond}`: {chain}"
                    ))
                    .code("BIB-013")
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
        let Some(clause) = self.library.clauses.get(id) else {
            return Err(Diagnostic::error(tr!(
                "la clause `{}` manque à la bibliothèque de clauses",
                "clause `{}` is missing from the clause library",
                id
            ))
            .code("BIB-023")
            .with_hint(tr!(
                "elle est fournie par charta (clauses/avenant/)\u{a0}: rétablissez-la, ou écrivez la vôtre dans le dossier clauses/ du programme",
                "charta provides it (clauses/avenant/): restore it, or write your own in the programme's clauses/ folder"
            )));
        };
        let ctx = Context::from_value(context.clone()).map_err(|e| {
            Diagnostic::error(tr!(
                "contexte invalide pour la clause `{}`\u{a0}: {}",
                "invalid context for clause `{}`: {}",
                id,
                e
            ))
            .code("BIB-024")
        })?;
        let body = self
            .tera
            .render(&body_name(id), &ctx)
            .map_err(|e| template_diag(clause, &e, clause.body_line))?;
        let body = french::nest_quotes(&tidy(&body));
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
                            Diagnostic::error({
                                let (cid, chain) = (&m.id, error_chain(&e));
                                tr!(
                                    "clause `{cid}`\u{a0}: sa condition ne peut pas être évaluée\u{a0}: {chain}",
                                    "clause `{cid}`: its condition cannot be evaluated: {chain}"
                                )
                            })
                            .code("BIB-014")
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
                Diagnostic::error(tr!(
                    "aucun gabarit pour le type de convention `{kind}`",
                    "no template for convention kind `{kind}`"
                ))
                .code("BIB-015")
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
        let kind = data.convention.kind.as_str();
        let in_use: Vec<String> = selected
            .iter()
            .flat_map(|(_, cs)| cs.iter().map(|c| c.meta.id.clone()))
            .collect();
        value["clauses_in_use"] = serde_json::json!(in_use);
        value["charter_wording"] = serde_json::json!(charter_wording(&selected));
        let ctx = Context::from_value(value).expect("context is an object");

        // Numbering: only parts that have at least one applicable clause.
        let mut labels: HashMap<String, (PartKind, String)> = HashMap::new();
        let (mut n_art, mut n_annex) = (0usize, 0usize);
        let mut numbers: HashMap<&str, String> = HashMap::new();
        // With fixed numbers: the last fixed number of each kind and how many
        // parts were inserted after it.
        let mut after: HashMap<u8, (String, usize)> = HashMap::new();
        for (part, clauses) in &selected {
            let part_id = &part.id;
            let number = match (fixed, part.kind) {
                (_, PartKind::Block) => String::new(),
                (Some(fixed), kind) => {
                    let slot = after.entry(kind as u8).or_insert((String::new(), 0));
                    match fixed.get(part_id) {
                        Some(n) => {
                            *slot = (n.clone(), 0);
                            n.clone()
                        }
                        None => {
                            slot.1 += 1;
                            if slot.0.is_empty() {
                                // Before the first one: « 1er A », « 1er B » (« I A »).
                                let first = match kind {
                                    PartKind::Annex => "I",
                                    _ => "1er",
                                };
                                format!("{first} {}", crate::french::letter_suffix(slot.1))
                            } else {
                                format!("{} {}", slot.0, french::latin_ordinal_suffix(slot.1))
                            }
                        }
                    }
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
            labels.insert(part_id.clone(), (part.kind, number.clone()));
            for c in clauses {
                labels.insert(c.meta.id.clone(), (part.kind, number.clone()));
            }
            numbers.insert(part_id.as_str(), number);
        }

        let mut diags = Vec::new();
        let mut md = String::new();
        md.push_str(&anchor::convention(id, kind, &template.file.kind));
        md.push_str(&format!("# {}\n\n", escape_markdown(&template.file.title)));
        md.push_str(&format!(
            "Convention n°{}{} — {}\n\n",
            french::NBSP,
            escape_markdown(&data.convention.reference),
            period_words(&data.convention.years)
        ));
        let mut uses = Vec::new();
        for (part, clauses) in &selected {
            let part_id = &part.id;
            let number = &numbers[part_id.as_str()];
            let anchor_kind = match part.kind {
                PartKind::Block => anchor::PartKind::Block,
                PartKind::Article => anchor::PartKind::Article,
                PartKind::Annex => anchor::PartKind::Annex,
            };
            md.push_str(&anchor::part(&part.id, anchor_kind, Some(number.as_str())));
            let heading = match part.kind {
                PartKind::Article => Some(format!(
                    "Article {number} – {}",
                    part.title.as_deref().unwrap_or("")
                )),
                PartKind::Annex => Some(format!(
                    "Annexe {number} – {}",
                    part.title.as_deref().unwrap_or("")
                )),
                PartKind::Block => part.heading.clone(),
            };
            if let Some(h) = heading {
                let h = french::punctuation(h.trim_end_matches([' ', '–']));
                md.push_str(&format!("## {}\n\n", french::bind_abbreviations(&h)));
            }
            for clause in clauses {
                let m = &clause.meta;
                let body = match self.tera.render(&body_name(&m.id), &ctx) {
                    Ok(b) => b,
                    Err(e) => {
                        let mut d = template_diag(clause, &e, clause.body_line);
                        d.message = d.message.clone().map(|m| format!("{id}: {m}"));
                        diags.push(d);
                        continue;
                    }
                };
                let body = match resolve_citations(&body, &labels) {
                    Ok(b) => b,
                    Err(missing) => {
                        for cited in missing {
                            let known = self.library.clauses.contains_key(&cited)
                                || template.file.parts.iter().any(|p| p.id == cited);
                            let (wfr, wen) = if known {
                                (
                                    "qui ne fait pas partie de cette convention",
                                    "which is not part of this convention",
                                )
                            } else {
                                ("qui n'existe pas", "which does not exist")
                            };
                            let cid = &m.id;
                            diags.push(
                                Diagnostic::error(tr!(
                                    "{id}: la clause `{cid}` cite `{cited}`, {wfr}",
                                    "{id}: clause `{cid}` cites `{cited}`, {wen}"
                                ))
                                .code("BIB-016")
                                .in_file(&clause.path)
                                .with_hint(tr!(
                                    "ajoutez `{cited}` à cette convention, ou rendez la citation dans `{cid}` conditionnelle à `'{cited}' in clauses_in_use`",
                                    "add `{cited}` to this convention, or make the citation in `{cid}` conditional on `'{cited}' in clauses_in_use`"
                                )),
                            );
                        }
                        continue;
                    }
                };
                md.push_str(&anchor::clause(&m.id, &m.version));
                // The one place for no-break spaces after « n° », « M. »…: the
                // rendered clause, literal text and data alike.
                let body = french::nest_quotes(&tidy(&body));
                md.push_str(french::bind_abbreviations(&body).trim());
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

fn template_diag(clause: &Clause, e: &tera::Error, body_line: usize) -> Diagnostic {
    let (cid, chain) = (
        &clause.meta.id,
        error_chain(e).replace(&body_name(&clause.meta.id), "body"),
    );
    let mut d = Diagnostic::error(tr!(
        "clause `{cid}`\u{a0}: {chain}",
        "clause `{cid}`: {chain}"
    ))
    .code("BIB-017")
    .in_file(&clause.path);
    if let Some((l, c)) = tera_error_location(e) {
        d = d.at(body_line + l - 1, c);
    }
    d
}

/// « années 2026 à 2028 », « année 2026 ».
fn period_words(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("années {a} à {b}"),
        (Some(a), _) => format!("année {a}"),
        _ => String::new(),
    }
}

/// Data for the PDF's metadata, on one line: it reaches the layout as strings,
/// not through the Markdown, and a tab is a character no font draws (the
/// PDF/A export fails on it). Line breaks and tabs become spaces, as in the
/// Markdown.
fn one_line(text: &str) -> String {
    text.split(['\t', '\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The metadata of a convention's files (title, reference, parties, period,
/// date, the dashboard's charts), from its data.
pub fn pdf_meta(prog: &ProgrammeFile, data: &AssociationFile, title: &str) -> Meta {
    let c = &data.convention;
    let date = c
        .signature
        .date
        .as_deref()
        .and_then(french::parse_date)
        .or_else(|| french::parse_date(&c.decision.date))
        .unwrap_or((c.years.first().copied().unwrap_or(2000), 1, 1));
    let period = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    // The charts follow the dashboard table: priorities in their declared
    // order, objectives in the natural order of their ids.
    let mut objectives: Vec<&crate::model::Objective> = Vec::new();
    for p in &prog.priorities {
        let start = objectives.len();
        objectives.extend(
            data.dashboard
                .objectives
                .iter()
                .filter(|o| o.priority == p.id),
        );
        objectives[start..].sort_by(|a, b| crate::context::natural_cmp(&a.id, &b.id));
    }
    let mut charts = Vec::new();
    for o in objectives {
        for i in &o.indicators {
            if i.kind != IndicatorType::Quantitative {
                continue;
            }
            let mut points = Vec::new();
            if let Some(b) = i.baseline.as_ref().and_then(|b| b.as_number()) {
                points.push(("Référence".to_string(), b));
            }
            for y in &c.years {
                if let Some(v) = i.targets.get(&y.to_string()).and_then(|t| t.as_number()) {
                    points.push((y.to_string(), v));
                }
            }
            charts.push(Chart {
                indicator: i.id.clone(),
                label: one_line(&i.label),
                unit: one_line(i.unit.as_deref().unwrap_or_default()),
                points,
                actuals: Vec::new(),
            });
        }
    }
    Meta {
        title: title.to_string(),
        reference: one_line(&c.reference),
        funder: one_line(&prog.funder.name),
        association: one_line(&data.association.name),
        period,
        date,
        charts,
    }
}

/// Replaces citation markers with final numbers; returns the ids that are not rendered.
fn resolve_citations(
    body: &str,
    labels: &HashMap<String, (PartKind, String)>,
) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(body.len());
    let mut missing = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(REF_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + REF_OPEN.len_utf8()..];
        let Some(j) = after.find(REF_CLOSE) else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let marker = &after[..j];
        rest = &after[j + REF_CLOSE.len_utf8()..];
        let mut it = marker.splitn(3, ':');
        let (what, id, cap) = (
            it.next().unwrap_or(""),
            it.next().unwrap_or(""),
            it.next() == Some("1"),
        );
        match labels.get(id) {
            Some((kind, number))
                if (what == "a" && *kind == PartKind::Article)
                    || (what == "x" && *kind == PartKind::Annex) =>
            {
                let word = match (what, cap) {
                    ("a", false) => "article",
                    ("a", true) => "Article",
                    (_, false) => "annexe",
                    (_, true) => "Annexe",
                };
                out.push_str(&format!("{word}\u{a0}{number}"));
            }
            _ => missing.push(id.to_string()),
        }
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// Drops trailing spaces, collapses runs of blank lines and doubled spaces left by
/// conditional template text.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        let indent = line.len() - line.trim_start().len();
        out.push_str(&line[..indent]);
        let mut prev_space = false;
        for ch in line[indent..].chars() {
            if ch == ' ' && prev_space {
                continue;
            }
            prev_space = ch == ' ';
            out.push(ch);
        }
    }
    out
}

/// The escape of every value a clause prints (`{{ … }}`): French spacing of
/// the text ([`french::typeset_data`]: no-break spaces before « : ; ! ? », inside
/// « », in figures), then escaped for Markdown. The data file is unchanged.
pub fn escape_data(input: &str) -> String {
    escape_markdown(&french::typeset_data(input))
}

/// Escapes text so that CommonMark reads it back literally: ASCII punctuation
/// that can start markup is backslash-escaped, and characters that only matter at
/// the start of a line are escaped there. Every line break becomes a space, a
/// blank line too: data never creates a block, which in a table cell would
/// end the row and in a list item or `**…**` would spill template markup.
pub fn escape_markdown(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let joined = input
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let p = joined.as_str();
    let mut chars = p.char_indices().peekable();
    let mut at_start = true;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '|' | '&' | '$' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                // « 1. » or « 1) » at the start of a paragraph would open a list.
                let digits_end = p[i..]
                    .find(|ch: char| !ch.is_ascii_digit())
                    .map(|k| i + k)
                    .unwrap_or(p.len());
                out.push_str(&p[i..digits_end]);
                while chars.peek().is_some_and(|(k, _)| *k < digits_end) {
                    chars.next();
                }
                if let Some(&(_, d)) = chars.peek()
                    && (d == '.' || d == ')')
                {
                    out.push('\\');
                    out.push(d);
                    chars.next();
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

fn num_arg(value: &Value, filter: &str) -> tera::Result<f64> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| tera::Error::msg(format!("`{filter}`: not a number"))),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| tera::Error::msg(format!("`{filter}` expects a number, got `{s}`"))),
        Value::Null => Err(tera::Error::msg(format!("`{filter}` got an empty value"))),
        other => Err(tera::Error::msg(format!(
            "`{filter}` expects a number, got {other}"
        ))),
    }
}

fn str_arg<'a>(value: &'a Value, filter: &str) -> tera::Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("`{filter}` expects a string, got {value}")))
}

fn cents_of(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

type FilterArgs = HashMap<String, Value>;

fn register_filters(tera: &mut Tera) {
    tera.register_filter("euros", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::euros(cents_of(num_arg(v, "euros")?))))
    });
    tera.register_filter("euros_en_lettres", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::euros_in_letters(cents_of(num_arg(
            v,
            "euros_en_lettres",
        )?))))
    });
    tera.register_filter("nombre", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::decimal(num_arg(v, "nombre")?, 2)))
    });
    tera.register_filter("nombre_en_lettres", |v: &Value, _: &FilterArgs| {
        let n = num_arg(v, "nombre_en_lettres")?;
        if n < 0.0 || n.fract() != 0.0 {
            return Err(tera::Error::msg(format!(
                "`nombre_en_lettres` expects a whole number, got {n}"
            )));
        }
        Ok(Value::String(french::cardinal(n as u64)))
    });
    // `pourcentage(decimales=percent_decimals)`: the number of decimals the
    // context computed for the whole document; without it, at most two.
    tera.register_filter("pourcentage", |v: &Value, args: &FilterArgs| {
        let n = num_arg(v, "pourcentage")?;
        match args.get("decimales") {
            None => Ok(Value::String(french::percent(n))),
            Some(d) => match d.as_u64() {
                Some(places @ 0..=4) => {
                    Ok(Value::String(french::percent_fixed(n, places as usize)))
                }
                _ => Err(tera::Error::msg(format!(
                    "`pourcentage(decimales=…)` expects a whole number from 0 to 4, got {d}"
                ))),
            },
        }
    });
    tera.register_filter("date_fr", |v: &Value, _: &FilterArgs| {
        let s = str_arg(v, "date_fr")?;
        french::date_fr(s)
            .map(Value::String)
            .ok_or_else(|| tera::Error::msg(format!("`date_fr`: `{s}` is not a date YYYY-MM-DD")))
    });
    tera.register_filter("siret", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::siret(str_arg(v, "siret")?)))
    });
    tera.register_filter("siren", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::siren(str_arg(v, "siren")?)))
    });
    tera.register_filter("iban", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::iban(str_arg(v, "iban")?)))
    });
    tera.register_filter("rna", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::rna(str_arg(v, "rna")?)))
    });
    // « de » / « à » before a name, contracted with its article (« des Amis »,
    // « au Mans »): `{{ asso.nom | de }}`, `{{ convention.signature.place | a }}`.
    tera.register_filter("de", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::with_de(str_arg(v, "de")?)))
    });
    tera.register_filter("a", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::with_a(str_arg(v, "a")?)))
    });
    // A sentence from the data continued after « : »: its first letter in
    // lower case, unless the word is an acronym (« RSA »).
    tera.register_filter("minuscule_initiale", |v: &Value, _: &FilterArgs| {
        Ok(Value::String(french::lower_initial(str_arg(
            v,
            "minuscule_initiale",
        )?)))
    });
    tera.register_function("article", |args: &FilterArgs| citation(args, 'a'));
    tera.register_function("annexe", |args: &FilterArgs| citation(args, 'x'));
}

fn citation(args: &FilterArgs, what: char) -> tera::Result<Value> {
    let name = if what == 'a' { "article" } else { "annexe" };
    let id = args.get("id").and_then(Value::as_str).ok_or_else(|| {
        tera::Error::msg(format!(
            "`{name}(id=\"…\")` needs the id of a clause or part"
        ))
    })?;
    let cap = args
        .get("majuscule")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Value::String(format!(
        "{REF_OPEN}{what}:{id}:{}{REF_CLOSE}",
        if cap { 1 } else { 0 }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_roundtrip_examples() {
        assert_eq!(escape_markdown("a*b_c"), "a\\*b\\_c");
        assert_eq!(escape_markdown("1. premier"), "1\\. premier");
        assert_eq!(escape_markdown("- tiret"), "\\- tiret");
        assert_eq!(escape_markdown("2026"), "2026");
    }

    #[test]
    fn tidy_collapses() {
        assert_eq!(tidy("a  b \n\n\n\nc"), "a b\n\nc");
    }
}
