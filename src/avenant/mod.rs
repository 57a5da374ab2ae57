//! Avenants: what changed between the text in force of a signed convention
//! and the text today's data gives, and the two documents that follow from
//! it: the avenant (only what changed, article by article, in the clause
//! library's wording) and the consolidated version (the convention as
//! amended, a working document with no legal value).
//!
//! Both texts are read with the typed document model ([`crate::document`]):
//! parts are compared by id, never by position, and the current text is
//! rendered with the numbers of the text in force
//! ([`crate::render::Engine::render_plan_numbered`]), so that an inserted
//! article is « 6 bis » and no article of the convention is renumbered.

pub mod job;
pub mod notification;
pub mod printed;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::anchor::{self, PartKind};
use crate::diagnostic::Diagnostic;
use crate::document::{Convention, Part};
use crate::french;
use crate::model::{Amendment, AssociationFile};
use crate::render::{Engine, escape_markdown};

/// Blocks an avenant does not amend: the avenant names its own parties,
/// states its own agreement and is signed on its own; the convention's visas
/// and préambule are those of the act signed and stay so (a new legal basis
/// is cited in the avenant's own visas, its motive in its own préambule).
const OWN_BLOCKS: [&str; 5] = ["parties", "visas", "preambule", "convenu", "signature"];

/// Blocks of the signed convention that the consolidated version keeps as signed.
const SIGNED_BLOCKS: [&str; 2] = ["visas", "preambule"];

/// The visas the data gives today that the text in force does not have (a
/// new legal basis): cited in the avenant's own visas, never by replacing the
/// convention's.
pub fn new_visas(in_force: &Convention, current: &Convention) -> Vec<String> {
    current
        .clauses_of("visas")
        .filter(|c| !in_force.clauses_of("visas").any(|o| o.id == c.id))
        .map(|c| c.text.clone())
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// The clauses of the avenant's wording (`clauses/avenant/`).
pub const CLAUSE_PARTIES_FINANCEUR: &str = "avenant-parties-financeur";
pub const CLAUSE_VISAS: &str = "avenant-visas";
pub const CLAUSE_PREAMBULE: &str = "avenant-preambule";
pub const CLAUSE_CONVENU: &str = "avenant-convenu";
pub const CLAUSE_MODIFICATION: &str = "avenant-changement";
pub const CLAUSE_DISPOSITIONS: &str = "avenant-dispositions";
pub const CLAUSE_SIGNATURE: &str = "avenant-signature";
pub const CLAUSE_CONSOLIDEE: &str = "avenant-consolidee";

/// What an avenant does to one part of the convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Replaced by the new text (an annex: by the one attached).
    Replace,
    /// A new article or annex, numbered after the one before it (« 6 bis »).
    Insert,
    /// Removed: « supprimé » (a contract stipulation is deleted, not
    /// abrogated, which is said of a regulatory act).
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Replace => "replace",
            Action::Insert => "insert",
            Action::Delete => "delete",
        }
    }
}

/// One change of an avenant.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: Action,
    /// Part id.
    pub id: String,
    pub kind: PartKind,
    /// « 4 », « 6 bis », « III » (for blocks: empty).
    pub number: String,
    /// The part's title (« Contribution financière »), the new one unless abrogated.
    pub title: String,
    /// The heading as rendered (« Article 4 – Contribution financière »).
    pub heading: String,
    /// The new text (Markdown, as rendered), empty when abrogated.
    pub body: String,
    /// For an insertion: the part it follows (« l'article 6 »), if any.
    pub after: Option<String>,
}

impl Change {
    /// « l'article 4 », « l'annexe III », « le préambule », « les visas ».
    pub fn label(&self) -> String {
        part_label(self.kind, &self.id, &self.number)
    }
}

fn part_label(kind: PartKind, id: &str, number: &str) -> String {
    match kind {
        PartKind::Article => format!("l'article{}{number}", french::NBSP),
        PartKind::Annex => format!("l'annexe{}{number}", french::NBSP),
        PartKind::Block => match id {
            "visas" => "les visas".to_string(),
            "preambule" => "le préambule".to_string(),
            other => format!("la partie « {other} »"),
        },
    }
}

/// « 6 bis » from the anchor's `6bis` (« 1er », « III » stay as they are).
pub fn display_number(anchor_number: &str) -> String {
    // « I A » (an annex inserted before annex I): a capital that is no Roman digit.
    if let Some(last) = anchor_number.chars().last()
        && anchor_number.len() > 1
        && last.is_ascii_uppercase()
        && !"IVXLCDM".contains(last)
    {
        let head = &anchor_number[..anchor_number.len() - 1];
        return format!("{} {last}", display_number(head));
    }
    let Some(i) = anchor_number.find(|c: char| c.is_ascii_lowercase()) else {
        return anchor_number.to_string();
    };
    let i = if anchor_number[i..].starts_with("er") {
        i + 2
    } else {
        i
    };
    if i == 0 || i >= anchor_number.len() {
        return anchor_number.to_string();
    }
    format!("{} {}", &anchor_number[..i], &anchor_number[i..])
}

/// « n°\u{a0}1 », « n°\u{a0}1 et 2 », « n°\u{a0}1, 2 et 3 »: avenants named, never « 1 à 2 ».
pub fn numbers_list(numbers: &[usize]) -> String {
    let items: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    let list = match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    };
    format!("n°{}{list}", french::NBSP)
}

/// « l'avenant n° 1 », « les avenants n° 1 et 2 ».
pub fn avenants_named(numbers: &[usize]) -> String {
    if numbers.len() > 1 {
        format!("les avenants {}", numbers_list(numbers))
    } else {
        format!("l'avenant {}", numbers_list(numbers))
    }
}

/// The numbers of a text's articles and annexes, by part id: what the current
/// text is rendered with so that nothing is renumbered.
pub fn numbering(text: &Convention) -> BTreeMap<String, String> {
    text.parts
        .iter()
        .filter_map(|p| Some((p.id.clone(), display_number(p.number.as_deref()?))))
        .collect()
}

fn number_of(p: &Part) -> String {
    p.number.as_deref().map(display_number).unwrap_or_default()
}

/// What changes from `old` (the text in force) to `new` (the text the data
/// gives, rendered with the numbers of `old`), in the order of the new text,
/// an abrogated part where it stood.
pub fn compare(old: &Convention, new: &Convention) -> Vec<Change> {
    let mut changes = Vec::new();
    let amendable = |p: &&Part| !(p.kind == "block" && OWN_BLOCKS.contains(&p.id.as_str()));
    let old_parts: Vec<&Part> = old.parts.iter().filter(amendable).collect();
    let new_parts: Vec<&Part> = new.parts.iter().filter(amendable).collect();
    let mut old_i = 0;
    let mut previous_numbered: Option<String> = None;
    for p in &new_parts {
        // Parts of the old text that the new one no longer has, up to this one.
        if let Some(pos) = old_parts.iter().position(|o| o.id == p.id) {
            while old_i < pos {
                let o = old_parts[old_i];
                if new.part(&o.id).is_none() {
                    changes.push(deleted(o));
                }
                old_i += 1;
            }
            old_i = old_i.max(pos + 1);
        }
        let label = || part_label(p.part_kind(), &p.id, &number_of(p));
        match old.part(&p.id) {
            Some(o) => {
                if o.heading != p.heading || old.part_body(&o.id) != new.part_body(&p.id) {
                    changes.push(changed(new, p, Action::Replace, None));
                }
            }
            None => changes.push(changed(new, p, Action::Insert, previous_numbered.clone())),
        }
        if p.number.is_some() {
            previous_numbered = Some(label());
        }
    }
    for o in &old_parts[old_i.min(old_parts.len())..] {
        if new.part(&o.id).is_none() {
            changes.push(deleted(o));
        }
    }
    changes
}

fn changed(doc: &Convention, p: &Part, action: Action, after: Option<String>) -> Change {
    Change {
        action,
        id: p.id.clone(),
        kind: p.part_kind(),
        number: number_of(p),
        title: p.title().unwrap_or("").to_string(),
        heading: p.heading.clone().unwrap_or_default(),
        body: doc.part_body(&p.id),
        after,
    }
}

fn deleted(o: &Part) -> Change {
    Change {
        action: Action::Delete,
        id: o.id.clone(),
        kind: o.part_kind(),
        number: number_of(o),
        title: o.title().unwrap_or("").to_string(),
        heading: o.heading.clone().unwrap_or_default(),
        body: String::new(),
        after: None,
    }
}

/// The avenant to write: its number, its entry in the data and the acts before it.
pub struct AvenantSpec<'a> {
    pub id: &'a str,
    pub number: usize,
    pub amendment: &'a Amendment,
    /// The signed avenants before it (n° 1 … number-1).
    pub earlier: &'a [Amendment],
    /// « Convention pluriannuelle d'objectifs » (the convention's title).
    pub convention_title: &'a str,
    /// The numbers, in the signed text, of the article on avenants and of the
    /// article providing for the dashboard's adjustment by avenant (see [`cited_articles`]).
    pub cited: Vec<String>,
    /// What the data changes, from the text in force to this avenant (see [`facts`]).
    pub facts: Vec<Value>,
    /// New legal bases the avenant's visas cite (see [`new_visas`]).
    pub new_visas: Vec<String>,
}

/// The clauses whose article an avenant's visa cites: the article on
/// avenants, the one that provides for the dashboard's adjustment by avenant.
const CITED_CLAUSES: [&str; 2] = ["avenant-modification", "evaluation-annuelle"];

/// The numbers, in the signed text `signed`, of the articles the avenant's
/// visa cites (« notamment ses articles 13 et 16 »), in the text's order:
/// resolved by clause id, never by position.
pub fn cited_articles(signed: &Convention) -> Vec<String> {
    signed
        .parts
        .iter()
        .filter(|p| p.part_kind() == PartKind::Article && p.number.is_some())
        .filter(|p| {
            signed
                .clauses_of(&p.id)
                .any(|c| CITED_CLAUSES.contains(&c.id.as_str()))
        })
        .map(number_of)
        .collect()
}

fn number_fr(v: f64) -> String {
    let places = french::decimals_needed(v, 2);
    if places == 0 && v.abs() < 1e15 {
        let n = v.round() as i64;
        let sign = if n < 0 { "-" } else { "" };
        format!("{sign}{}", french::group_thousands(n.unsigned_abs()))
    } else {
        french::decimal(v, places)
    }
}

/// The changes the data states from `old` (the data of the text in force) to
/// `new`, as facts « de X à Y » the préambule can state: the contribution of
/// a year (`what` = `funding`) and the numeric target of an indicator for a
/// year (`what` = `target`). Only years both data give; nothing is inferred.
pub fn facts(old: &AssociationFile, new: &AssociationFile) -> Vec<Value> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (&old.convention.funding, &new.convention.funding) {
        for (year, to) in b {
            if let Some(from) = a.get(year)
                && from.cents() != to.cents()
            {
                out.push(json!({
                    "what": "funding",
                    "year": year,
                    "from": french::euros(from.cents()),
                    "to": french::euros(to.cents()),
                }));
            }
        }
    }
    for o in &new.dashboard.objectives {
        for i in &o.indicators {
            let Some(old_i) = old
                .dashboard
                .objectives
                .iter()
                .flat_map(|o| &o.indicators)
                .find(|x| x.id == i.id)
            else {
                continue;
            };
            for (year, to) in &i.targets {
                let (Some(to), Some(from)) = (
                    to.as_number(),
                    old_i.targets.get(year).and_then(|t| t.as_number()),
                ) else {
                    continue;
                };
                if from != to {
                    out.push(json!({
                        "what": "target",
                        "year": year,
                        "indicator": i.label,
                        "unit": i.unit,
                        "from": number_fr(from),
                        "to": number_fr(to),
                    }));
                }
            }
        }
    }
    out
}

/// The context of the avenant's clauses: the convention's context (today's
/// data) plus `avenant`.
pub fn context(base: &Value, spec: &AvenantSpec, changes: &[Change]) -> Value {
    let mut ctx = base.clone();
    let a = spec.amendment;
    let earlier: Vec<Value> = spec
        .earlier
        .iter()
        .enumerate()
        .map(|(i, e)| {
            json!({
                "number": i + 1,
                "decision": e.decision,
                "signature": e.signature,
            })
        })
        .collect();
    let changes_json: Vec<Value> = changes.iter().map(change_json).collect();
    let signed: Vec<Value> = earlier
        .iter()
        .cloned()
        .chain(a.signature.date.is_some().then(
            || json!({"number": spec.number, "decision": a.decision, "signature": a.signature}),
        ))
        .collect();
    let signed_numbers: Vec<usize> = (1..=signed.len()).collect();
    let earlier_numbers: Vec<usize> = (1..=earlier.len()).collect();
    let summary = a.summary.as_deref().unwrap_or("").trim();
    ctx["avenant"] = json!({
        "number": spec.number,
        "draft": a.signature.date.is_none(),
        "signed": signed,
        "signed_named": avenants_named(&signed_numbers),
        "earlier_named": avenants_named(&earlier_numbers),
        "cited": spec.cited,
        "new_visas": spec.new_visas,
        "facts": spec.facts,
        "motive_inline": summary.ends_with(','),
        "decision": a.decision,
        "signature": a.signature,
        "summary": a.summary,
        "earlier": earlier,
        "convention_title": lower_first(spec.convention_title),
        "changes": changes_json,
    });
    // The signature block of the avenant is its own.
    ctx["signature"] = json!(a.signature);
    // Its signatories: its own list, else the representatives (not the
    // convention's list: who signs an avenant is who represents at its date).
    ctx["signatories"] = match &a.signatories {
        Some(list) => {
            crate::context::signatories::listed(list, ctx["f"]["le"].as_str().unwrap_or(""))
        }
        None => ctx["signatories_default"].clone(),
    };
    ctx
}

fn change_json(c: &Change) -> Value {
    json!({
        "action": c.action.as_str(),
        "id": c.id,
        "kind": c.kind.as_str(),
        "number": c.number,
        "title": c.title,
        "label": c.label(),
        "after": c.after,
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `text` quoted: « opening the first paragraph, » closing the last (on a
/// paragraph of its own after a table or a list, which a quote mark would break).
fn quoted(heading: &str, body: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("«{}", french::NBSP));
    if heading.is_empty() {
        out.push_str(body.trim());
    } else {
        out.push_str(heading.trim());
        if !body.trim().is_empty() {
            out.push_str("\n\n");
            out.push_str(body.trim());
        }
    }
    let last = out.lines().last().unwrap_or("").trim_start();
    let opens_block = last.starts_with('|')
        || last.starts_with("- ")
        || last.starts_with("* ")
        || last.chars().next().is_some_and(|c| c.is_ascii_digit()) && last.contains(". ");
    if opens_block {
        out.push_str("\n\n»");
    } else {
        out.push_str(&format!("{}»", french::NBSP));
    }
    out
}

/// The avenant in Markdown, with the same anchors as a convention (so every
/// emitter writes it and `charta diff` compares two of them).
pub fn render_avenant(
    engine: &Engine,
    base: &Value,
    spec: &AvenantSpec,
    changes: &[Change],
    current: &Convention,
    reference: &str,
) -> Result<String, Vec<Diagnostic>> {
    let mut w = AvenantWriter {
        engine,
        ctx: context(base, spec, changes),
        diags: Vec::new(),
        md: String::new(),
    };
    let k = spec.number;
    w.md.push_str(&anchor::convention(
        &format!("{}-avenant-{k}", spec.id),
        "avenant",
        "avenant",
    ));
    w.md.push_str(&format!(
        "# Avenant n°{nb}{k} à la {} n°{nb}{}\n\n",
        escape_markdown(&lower_first(spec.convention_title)),
        escape_markdown(reference),
        nb = french::NBSP
    ));
    w.block(
        "parties",
        Some("Entre les soussignés"),
        &[CLAUSE_PARTIES_FINANCEUR, "parties-association"],
    );
    w.block("visas", None, &[CLAUSE_VISAS]);
    w.block("preambule", Some("Préambule"), &[CLAUSE_PREAMBULE]);
    w.block("convenu", None, &[CLAUSE_CONVENU]);
    for (i, c) in changes.iter().enumerate() {
        w.modification(i + 1, c);
    }
    w.final_article(changes.len() + 1);
    w.block("signature", None, &[CLAUSE_SIGNATURE]);
    // Annexes replaced or added: attached as rendered, with their numbers.
    for c in changes
        .iter()
        .filter(|c| c.kind == PartKind::Annex && c.action != Action::Delete)
    {
        w.md.push_str(&attached_annex(current, c, k));
    }
    if !w.diags.is_empty() {
        return Err(w.diags);
    }
    Ok(w.md.trim_end().to_string() + "\n")
}

/// An avenant being written: its clauses' context, their errors, its Markdown.
struct AvenantWriter<'a> {
    engine: &'a Engine,
    ctx: Value,
    diags: Vec<Diagnostic>,
    md: String,
}

impl AvenantWriter<'_> {
    /// Clause `id` rendered with `ctx`; an error is kept and gives no text.
    fn clause(&mut self, id: &str, ctx: &Value) -> String {
        match self.engine.render_clause(id, ctx) {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(d);
                String::new()
            }
        }
    }

    fn version(&self, id: &str) -> String {
        self.engine
            .clause(id)
            .map(|c| c.meta.version.clone())
            .unwrap_or_else(|| "0".to_string())
    }

    /// A part of clauses `ids`, under `heading` if any.
    fn block(&mut self, part: &str, heading: Option<&str>, ids: &[&str]) {
        self.md.push_str(&anchor::part(part, PartKind::Block, None));
        if let Some(h) = heading {
            self.md.push_str(&format!("## {h}\n\n"));
        }
        let ctx = self.ctx.clone();
        for id in ids {
            let text = self.clause(id, &ctx);
            let version = self.version(id);
            self.md.push_str(&anchor::clause(id, &version));
            self.md.push_str(&text);
            self.md.push_str("\n\n");
        }
    }

    /// Article `n`: what change `c` does, and the whole new text quoted (an
    /// annex is attached instead).
    fn modification(&mut self, n: usize, c: &Change) {
        let number = french::article_number(n);
        let part_id = format!("modification-{}", c.id);
        (self.md).push_str(&anchor::part(&part_id, PartKind::Article, Some(&number)));
        let title = match (c.action, c.kind) {
            (Action::Delete, _) => format!("Suppression de {}", c.label()),
            (Action::Insert, PartKind::Annex) => format!("Ajout de {}", c.label()),
            (Action::Insert, _) => format!("Insertion de {}", c.label()),
            (Action::Replace, PartKind::Annex) => format!("Remplacement de {}", c.label()),
            (Action::Replace, _) => format!("Modification de {}", c.label()),
        };
        self.md.push_str(&format!(
            "## Article {number} – {}\n\n",
            french::bind_abbreviations(&title)
        ));
        let mut one = self.ctx.clone();
        one["change"] = change_json(c);
        let text = self.clause(CLAUSE_MODIFICATION, &one);
        let version = self.version(CLAUSE_MODIFICATION);
        self.md.push_str(&anchor::clause(
            &format!("{CLAUSE_MODIFICATION}-{}", c.id),
            &version,
        ));
        self.md.push_str(&text);
        self.md.push_str("\n\n");
        if c.action != Action::Delete && c.kind != PartKind::Annex {
            self.md.push_str(&quoted(&c.heading, &c.body));
            self.md.push_str("\n\n");
        }
    }

    /// Article `n`: the other stipulations stand, and the avenant's effect.
    fn final_article(&mut self, n: usize) {
        let number = french::article_number(n);
        self.md.push_str(&anchor::part(
            "dispositions-finales",
            PartKind::Article,
            Some(&number),
        ));
        self.md.push_str(&format!(
            "## Article {number} – Autres stipulations et prise d'effet\n\n"
        ));
        let version = self.version(CLAUSE_DISPOSITIONS);
        self.md
            .push_str(&anchor::clause(CLAUSE_DISPOSITIONS, &version));
        let ctx = self.ctx.clone();
        let text = self.clause(CLAUSE_DISPOSITIONS, &ctx);
        self.md.push_str(&text);
        self.md.push_str("\n\n");
    }
}

/// Annex `c` of `current` as avenant `k` attaches it, its heading saying so:
/// « Annexe II de la convention (rédaction issue de l'avenant n° 1) – Budget
/// prévisionnel », « Annexe III bis de la convention (ajoutée par l'avenant n° 1) – … ».
fn attached_annex(current: &Convention, c: &Change, k: usize) -> String {
    let mut part = current.part_markdown(&c.id);
    if let Some(h) = current.part(&c.id).and_then(|p| p.heading.clone()) {
        let word = format!("Annexe {}", c.number);
        if let Some(rest) = h.strip_prefix(&word) {
            let how = if c.action == Action::Insert {
                "ajoutée par"
            } else {
                "rédaction issue de"
            };
            let new = format!(
                "{word} de la convention ({how} l'avenant n°{}{k}){rest}",
                french::NBSP
            );
            part = part.replacen(&format!("## {h}\n"), &format!("## {new}\n"), 1);
        }
    }
    part
}

/// The avenants that touched each part, by part id, and how (« modifié »,
/// « créé », « abrogé »).
pub type History = BTreeMap<String, Vec<(usize, Action)>>;

/// Adds the changes of avenant `k` to `history`.
pub fn record(history: &mut History, k: usize, changes: &[Change]) {
    for c in changes {
        history.entry(c.id.clone()).or_default().push((k, c.action));
    }
}

/// « (modifié par l'avenant n° 1) », « (remplacée par l'avenant n° 1) »,
/// « (modifié par les avenants n° 1 et 2) », « (modifié par le projet
/// d'avenant n° 3) » while `draft` is that avenant's number.
fn history_note(kind: PartKind, acts: &[(usize, Action)], draft: Option<usize>) -> String {
    let annex = kind == PartKind::Annex;
    let verb = |a: Action| match (a, annex) {
        (Action::Replace, true) => "remplacée",
        (Action::Replace, false) => "modifié",
        (Action::Insert, true) => "ajoutée",
        (Action::Insert, false) => "inséré",
        (Action::Delete, true) => "supprimée",
        (Action::Delete, false) => "supprimé",
    };
    // Consecutive acts of the same kind are named together.
    let mut groups: Vec<(Action, Vec<usize>)> = Vec::new();
    for &(k, a) in acts {
        match groups.last_mut() {
            Some((last, ks)) if *last == a => ks.push(k),
            _ => groups.push((a, vec![k])),
        }
    }
    let notes: Vec<String> = groups
        .iter()
        .map(|(a, ks)| {
            let (signed, projet): (Vec<usize>, Vec<usize>) =
                ks.iter().partition(|k| Some(**k) != draft);
            let mut by = Vec::new();
            if !signed.is_empty() {
                by.push(avenants_named(&signed));
            }
            if let Some(k) = projet.first() {
                by.push(format!("le projet d'avenant n°{}{k}", french::NBSP));
            }
            format!("{} par {}", verb(*a), by.join(" et par "))
        })
        .collect();
    format!("({})", notes.join(", "))
}

/// The consolidated version: the text `current` (the text in force after the
/// last avenant, draft included), each part an avenant touched noting it, an
/// abrogated part kept in its place with its number, under a title and a
/// warning that it has no legal value.
pub fn render_consolidated(
    engine: &Engine,
    base: &Value,
    spec: &AvenantSpec,
    current: &Convention,
    signed: &Convention,
    deleted: &[Change],
    history: &History,
) -> Result<String, Vec<Diagnostic>> {
    let ctx = context(base, spec, &[]);
    let draft = spec
        .amendment
        .signature
        .date
        .is_none()
        .then_some(spec.number);
    let warning = engine
        .render_clause(CLAUSE_CONSOLIDEE, &ctx)
        .map_err(|d| vec![d])?;
    let version = engine
        .clause(CLAUSE_CONSOLIDEE)
        .map(|c| c.meta.version.clone())
        .unwrap_or_default();
    let get = |k: &str| {
        current
            .attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let mut md = anchor::convention(
        &format!("{}-consolidee", spec.id),
        get("kind"),
        get("template"),
    );
    let mut title_lines = current.title.lines();
    let first = title_lines.next().unwrap_or("");
    md.push_str(&format!("{first} — version consolidée\n"));
    let rest: Vec<&str> = title_lines.collect();
    md.push_str(&rest.join("\n"));
    md.push_str("\n\n");
    md.push_str(&anchor::part("consolidation", PartKind::Block, None));
    md.push_str(&anchor::clause(CLAUSE_CONSOLIDEE, &version));
    md.push_str(&warning);
    md.push_str("\n\n");
    let mut pending: Vec<&Change> = deleted.iter().collect();
    for p in &current.parts {
        // An abrogated part goes back before the first part numbered after it.
        pending.retain(|a| {
            let before = a.kind == p.part_kind() && p.number.is_some() && {
                let n = numbering_key(&number_of(p));
                numbering_key(&a.number) < n
            };
            if before {
                md.push_str(&deleted_part(a, history, draft));
            }
            !before
        });
        let mut part = if p.number.is_none() && SIGNED_BLOCKS.contains(&p.id.as_str()) {
            signed.part_markdown(&p.id)
        } else {
            current.part_markdown(&p.id)
        };
        if let (Some(h), Some(acts)) = (&p.heading, history.get(&p.id)) {
            let note = history_note(p.part_kind(), acts, draft);
            part = part.replacen(&format!("## {h}\n"), &format!("## {h} {note}\n"), 1);
        }
        if p.id == "signature" {
            // Signed by no one: the place and date of the signed act, never
            // its signature table (nor, in the PDF, room to sign or initials).
            part = part
                .lines()
                .filter(|l| !l.trim_start().starts_with('|'))
                .collect::<Vec<_>>()
                .join("\n");
            md.push_str(part.trim_end());
            md.push_str("\n\n");
            md.push_str(&acts_after_signature(base, spec));
        } else {
            md.push_str(&part);
        }
    }
    for a in pending {
        md.push_str(&deleted_part(a, history, draft));
    }
    Ok(md.trim_end().to_string() + "\n")
}

/// After the signature block of the consolidated version, one line per
/// avenant it integrates: « Avenant n° 1 : approuvé par la délibération n° …
/// du …, signé le …. », « Avenant n° 2 : projet approuvé par la délibération
/// n° … du …, non encore signé. »
fn acts_after_signature(base: &Value, spec: &AvenantSpec) -> String {
    let decision_word = if base["f"]["kind"] == "etat" {
        "la décision"
    } else {
        "la délibération"
    };
    let date = |d: &str| french::date_fr(d).unwrap_or_else(|| d.to_string());
    let nb = french::NBSP;
    let mut md = String::new();
    for (i, a) in spec
        .earlier
        .iter()
        .chain(std::iter::once(spec.amendment))
        .enumerate()
    {
        let k = i + 1;
        let decision = format!(
            "{decision_word} n°{nb}{} du {}",
            escape_markdown(&a.decision.number),
            date(&a.decision.date)
        );
        let line = match a.signature.date.as_deref() {
            Some(s) => format!(
                "Avenant n°{nb}{k}{nb}: approuvé par {decision}, signé le {}.",
                date(s)
            ),
            None => {
                format!("Avenant n°{nb}{k}{nb}: projet approuvé par {decision}, non encore signé.")
            }
        };
        md.push_str(&line);
        md.push_str("\n\n");
    }
    md
}

/// A deleted part in the consolidated version, kept in its place with its
/// number: « Article supprimé par l'avenant n° 1. »
fn deleted_part(a: &Change, history: &History, draft: Option<usize>) -> String {
    let mut md = anchor::part(&a.id, a.kind, Some(&a.number));
    let (word, e) = if a.kind == PartKind::Annex {
        ("Annexe", "e")
    } else {
        ("Article", "")
    };
    md.push_str(&format!(
        "## {word} {} – {}\n\n",
        a.number,
        escape_markdown(&a.title)
    ));
    let k = history
        .get(&a.id)
        .and_then(|acts| acts.iter().rev().find(|(_, x)| *x == Action::Delete))
        .map(|(k, _)| *k);
    let by = match k {
        Some(k) if Some(k) == draft => format!(" par le projet d'avenant n°{}{k}", french::NBSP),
        Some(k) => format!(" par l'avenant n°{}{k}", french::NBSP),
        None => String::new(),
    };
    md.push_str(&format!("{word} supprimé{e}{by}.\n\n"));
    md
}

/// Orders « 4 », « 4 bis », « 5 », « III »: by the leading number (Arabic or
/// Roman), then the suffix's rank.
fn numbering_key(n: &str) -> (u32, i64) {
    let (head, tail) = n.split_once(' ').unwrap_or((n, ""));
    let head = head.trim_end_matches("er");
    let value = head.parse::<u32>().unwrap_or_else(|_| roman_value(head));
    let rank = if tail.is_empty() {
        0
    } else if let Some(i) = (1..=26).find(|i| french::letter_suffix(*i) == tail) {
        // « 1er A » comes before « 1er ».
        i as i64 - 100
    } else {
        (1..=12)
            .find(|i| french::latin_ordinal_suffix(*i) == tail)
            .map(|i| i as i64)
            .unwrap_or(99)
    };
    (value, rank)
}

fn roman_value(s: &str) -> u32 {
    let v = |c| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        _ => 0,
    };
    let chars: Vec<u32> = s.chars().map(v).collect();
    let mut total = 0i64;
    for (i, &c) in chars.iter().enumerate() {
        if chars.get(i + 1).is_some_and(|&n| n > c) {
            total -= c as i64;
        } else {
            total += c as i64;
        }
    }
    total.max(0) as u32
}

/// One line per avenant a build wrote (« avenant   <id> : n° 1, projet →
/// OUT/<id>.avenant-1.md »), for the build summary: the avenants of the
/// conventions rendered by this build, from the manifest.
pub fn summary(
    prog: &crate::load::Programme,
    out: &std::path::Path,
    outcomes: &[(String, crate::out::Status)],
) -> Vec<String> {
    // The manifest as stored (shared inputs once), each entry expanded only
    // when its convention was rendered: a summary of 10,000 conventions
    // holds one entry at a time.
    let Ok(Some(store)) = crate::out::manifest::Store::read(out) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (id, _) in outcomes
        .iter()
        .filter(|(_, s)| *s == crate::out::Status::Rendered)
    {
        let Some(e) = store.get(id).filter(|e| !e.avenants.is_empty()) else {
            continue;
        };
        let loaded = prog
            .associations
            .iter()
            .find(|a| a.id == e.id)
            .map(|a| prog.entry(a));
        let data = loaded.as_ref().and_then(|a| a.data.as_ref());
        for &k in &e.avenants {
            let signed = data
                .and_then(|d| d.convention.amendments.get(k - 1))
                .and_then(|a| a.signature.date.clone());
            let state = match signed {
                Some(d) => format!("signé le {d}"),
                None => "projet à signer".to_string(),
            };
            let file = crate::out::file_name(&crate::out::avenant_stem(&e.id, k), "md");
            lines.push(format!(
                "avenant    {} : n° {k}, {state} → {}",
                e.id,
                out.join(file).display()
            ));
        }
    }
    lines
}

/// The number of the next avenant and the entry to add to
/// `convention.amendments` for it, as JSON.
pub fn entry_json(data: &AssociationFile) -> (usize, String) {
    let k = data.convention.amendments.len() + 1;
    let entry = format!(
        "{{\"decision\": {{\"body\": \"Commission permanente\", \"date\": \"AAAA-MM-JJ\", \"number\": \"…\"}}, \
         \"signature\": {{\"place\": \"{}\", \"date\": null}}, \"summary\": \"…\"}}",
        data.convention.signature.place.replace('"', "\\\"")
    );
    (k, entry)
}

/// The entry to add to `convention.amendments` for the next avenant, as JSON
/// (the hint of a refused build).
pub fn entry_hint(data: &AssociationFile) -> crate::diagnostic::Text {
    let (k, entry) = entry_json(data);
    crate::diagnostic::Text::new(
        format!(
            "une convention signée ne change que par avenant\u{a0}: ajoutez l'avenant n°\u{a0}{k} à `convention.amendments`, \
             {entry}, et charta rédige le projet d'avenant\u{202f}; ou rétablissez les données du texte signé"
        ),
        format!(
            "a signed convention is changed only by an amendment (avenant): add amendment no. {k} to `convention.amendments`, \
             {entry}, and charta drafts the avenant; or restore the data of the signed text"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back() {
        assert_eq!(display_number("6bis"), "6 bis");
        assert_eq!(display_number("1er"), "1er");
        assert_eq!(display_number("IIIter"), "III ter");
        assert_eq!(display_number("12"), "12");
        assert_eq!(display_number("11bis"), "11 bis");
        assert_eq!(display_number("1erbis"), "1er bis");
        assert!(numbering_key("4 bis") > numbering_key("4"));
        assert!(numbering_key("4 bis") < numbering_key("5"));
        assert!(numbering_key("IV") > numbering_key("III bis"));
        assert_eq!(numbering_key("1er"), (1, 0));
        // Before the first article: « 1er A », never « 0 bis ».
        assert_eq!(display_number("1erA"), "1er A");
        assert_eq!(display_number("1erB"), "1er B");
        assert_eq!(display_number("IA"), "I A");
        assert_eq!(display_number("IV"), "IV");
        assert!(numbering_key("1er A") < numbering_key("1er"));
        assert!(numbering_key("1er A") < numbering_key("1er B"));
    }

    #[test]
    fn avenants_are_named_not_ranged() {
        assert_eq!(avenants_named(&[1]), "l'avenant n°\u{a0}1");
        assert_eq!(avenants_named(&[1, 2]), "les avenants n°\u{a0}1 et 2");
        assert_eq!(avenants_named(&[1, 2, 3]), "les avenants n°\u{a0}1, 2 et 3");
    }
}
