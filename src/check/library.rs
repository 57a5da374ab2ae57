//! Rules on the clause library and the templates that no single association
//! reveals: parts that exist and are unique, conditions and bodies that name
//! fields the context does not have, citations that are wrong or can break
//! under some data, and a render of every template over sample data.
//!
//! Front matter and Tera syntax errors are found earlier (`load`,
//! `render::Engine::new`); this module reads the Tera AST and renders only
//! through the `Engine`, never writing anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};
use tera::ast::{Expr, ExprVal, LogicOperator, Node};

use crate::diagnostic::{Code, Diagnostic, Text, line_col};
use crate::load::{Clause, Library, PartKind, Programme, Template};
use crate::model::AssociationFile;
use crate::render::Engine;
use crate::tr;

use super::structure::closest;

/// A full association file (every optional field given), for the context's
/// field names and for sample renders. Fictitious.
const SAMPLE: &str = r#"{
  "association": {
    "name": "Association exemple", "acronym": "AE",
    "legal_form": "association déclarée (loi du 1er juillet 1901)",
    "rna": "W081001234", "siret": "44306184100047",
    "address": {"street": "1 rue de l'Exemple", "postcode": "08300", "city": "Rethel"},
    "representative": {"civility": "Mme", "name": "Claire Exemple", "role": "présidente"},
    "bank": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP"},
    "cer_signed_on": "2025-11-03",
    "cer_deemed": null, "register": null,
    "other_public_subsidies": {"2026": 20000, "2027": 20000, "2028": 20000},
    "de_minimis_declared": [{"grantor": "Commune exemple", "granted_on": "2025-03-01", "amount": 1000}]
  },
  "convention": {
    "kind": "cpo", "reference": "EX-2026-001", "years": [2026, 2027, 2028],
    "regime": "non-economic",
    "funding": {"2026": 45000, "2027": 45000, "2028": 160000.5},
    "eligible_cost": {"2026": 150000, "2027": 152000, "2028": 400000},
    "payment": {"advance_percent": 50},
    "decision": {"body": "Commission permanente", "date": "2026-01-23", "number": "CP-2026-01-01"},
    "signature": {"place": "Rethel", "date": "2026-02-10"},
    "clauses": {"add": [], "remove": []},
    "unspent": "keep-reasonable",
    "in_kind": [{"description": "Locaux", "values": {"2026": 1000, "2027": 1000, "2028": 1000}}],
    "court": "Tribunal administratif de Châlons-en-Champagne",
    "sieg": {"basis": "decision-2012-21", "costs": {"2026": 150000, "2027": 152000, "2028": 400000},
             "revenues": {"2026": 0, "2027": 0, "2028": 0}, "reasonable_profit_percent": 1},
    "primary_agriculture": false
  },
  "project": {
    "title": "Projet exemple", "summary": "Un projet conçu par l'association.",
    "actions": [{"title": "Action", "description": "Description.", "public": "Tout public", "territory": "Rethélois"}]
  },
  "dashboard": {"objectives": [{"id": "O1", "priority": "P1", "title": "Objectif",
    "indicators": [
      {"id": "O1-I1", "label": "Personnes", "type": "quantitative", "unit": "personnes",
       "definition": "Personnes distinctes reçues dans l'année", "measure": "flow",
       "baseline": 10, "baseline_year": 2025,
       "targets": {"2026": 12, "2027": 14, "2028": 16}, "source": "Registre"},
      {"id": "O1-I2", "label": "Qualité", "type": "qualitative",
       "definition": "Fonctionnement du comité des usagers", "baseline": "Aucun comité", "baseline_year": 2025,
       "targets": {"2026": "Comité", "2027": "Réunions", "2028": "Charte"}, "source": "Comptes rendus"}
    ]}]}
}"#;

/// The sample association for `kind`, `regime`, with `add` as optional clauses
/// and the programme's first priority.
fn sample(prog: &Programme, kind: &str, regime: &str, add: &[String]) -> AssociationFile {
    let mut v: Value = serde_json::from_str(SAMPLE).expect("sample is JSON");
    let c = &mut v["convention"];
    c["kind"] = json!(kind);
    // `sieg:<basis>`: the SIEG regime under one legal basis.
    let (regime, basis) = regime.split_once(':').unwrap_or((regime, ""));
    c["regime"] = json!(regime);
    if regime == "sieg" && !basis.is_empty() {
        c["sieg"]["basis"] = json!(basis);
    } else {
        c.as_object_mut().expect("object").remove("sieg");
    }
    if regime == "de-minimis-agricole" {
        c["primary_agriculture"] = json!(true);
    }
    c["clauses"]["add"] = json!(add);
    let years: Vec<i32> = match kind {
        "annuelle" => vec![2026],
        _ => vec![2026, 2027, 2028],
    };
    c["years"] = json!(years);
    if kind == "cadre" {
        let o = c.as_object_mut().expect("object");
        o.remove("funding");
        o.remove("eligible_cost");
        o.remove("payment");
        o.remove("in_kind");
        o.remove("unspent");
    } else {
        for m in ["funding", "eligible_cost"] {
            if let Some(o) = c[m].as_object_mut() {
                o.retain(|k, _| years.iter().any(|y| &y.to_string() == k));
            }
        }
        let keep = |m: Option<&mut Value>| {
            if let Some(o) = m.and_then(Value::as_object_mut) {
                o.retain(|k, _| years.iter().any(|y| &y.to_string() == k));
            }
        };
        keep(c.pointer_mut("/in_kind/0/values"));
        keep(c.pointer_mut("/sieg/costs"));
        keep(c.pointer_mut("/sieg/revenues"));
        keep(v.pointer_mut("/association/other_public_subsidies"));
    }
    if let Some(p) = prog.file.priorities.first() {
        v["dashboard"]["objectives"][0]["priority"] = json!(p.id);
    }
    for ind in v["dashboard"]["objectives"][0]["indicators"]
        .as_array_mut()
        .expect("indicators")
    {
        if let Some(t) = ind["targets"].as_object_mut() {
            t.retain(|k, _| years.iter().any(|y| &y.to_string() == k));
        }
    }
    serde_json::from_value(v).expect("sample fits the model")
}

/// The names a clause may use: top-level keys of the context, and for objects the keys below.
pub struct ContextNames {
    top: BTreeMap<String, Option<BTreeSet<String>>>,
}

impl ContextNames {
    /// From a context built on the sample data, with every optional funder field given.
    pub fn new(prog: &Programme) -> Self {
        let mut file = prog.file.clone();
        file.funder
            .designation
            .get_or_insert_with(|| "la Région".into());
        file.funder.feminine.get_or_insert(true);
        let data = sample(prog, "cpo", "non-economic", &[]);
        let ctx = crate::context::build(&file, "exemple", &data, &[]);
        let mut top = BTreeMap::new();
        if let Value::Object(m) = ctx {
            for (k, v) in m {
                let below = v.as_object().map(|o| o.keys().cloned().collect());
                top.insert(k, below);
            }
        }
        top.insert(
            "deliberation".to_string(),
            Some(
                crate::context::deliberation_names()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            ),
        );
        for (name, below) in crate::context::avenant_names()
            .into_iter()
            .chain(crate::context::letter_names())
        {
            top.insert(
                name.to_string(),
                Some(below.into_iter().map(str::to_string).collect()),
            );
        }
        ContextNames { top }
    }

    /// `None` if `ident` (a Tera identifier, `a.b[0].c`) exists as far as we can tell;
    /// else the unknown part and a hint (« did you mean », or the names there are).
    fn unknown(&self, ident: &str, scope: &[String]) -> Option<(String, Option<Text>)> {
        let first_end = ident.find(['.', '[']).unwrap_or(ident.len());
        let first = &ident[..first_end];
        if scope.iter().any(|s| s == first) || first == "__tera_context" {
            return None;
        }
        let Some(below) = self.top.get(first) else {
            let c = closest(first, self.top.keys().map(String::as_str))
                .map(|c| tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"));
            return Some((first.to_string(), c));
        };
        let rest = &ident[first_end..];
        let rest = rest.strip_prefix('.')?;
        let second = &rest[..rest.find(['.', '[']).unwrap_or(rest.len())];
        match below {
            Some(keys) if !keys.contains(second) => {
                let hint = match closest(second, keys.iter().map(String::as_str)) {
                    Some(c) => tr!(
                        "vouliez-vous dire `{first}.{c}`\u{a0}?",
                        "did you mean `{first}.{c}`?"
                    ),
                    None => {
                        let keys = keys.iter().cloned().collect::<Vec<_>>().join(", ");
                        tr!("`{first}` comporte\u{a0}: {keys}", "`{first}` has: {keys}")
                    }
                };
                Some((format!("{first}.{second}"), Some(hint)))
            }
            _ => None,
        }
    }
}

/// Parses a Tera source into its AST (`None`: a syntax error, reported elsewhere).
fn parse(src: &str) -> Option<Vec<Node>> {
    tera::Template::new("check", None, src).ok().map(|t| t.ast)
}

/// A condition's AST expression.
fn condition_expr(cond: &str) -> Option<Expr> {
    let ast = parse(&format!("{{% if {cond} %}}1{{% endif %}}"))?;
    ast.into_iter().find_map(|n| match n {
        Node::If(i, _) => i.conditions.into_iter().next().map(|(_, e, _)| e),
        _ => None,
    })
}

/// The top-level `and` operands of an expression.
fn conjuncts(e: &Expr) -> Vec<Expr> {
    match &e.val {
        ExprVal::Logic(l)
            if !e.negated && e.filters.is_empty() && l.operator == LogicOperator::And =>
        {
            let mut v = conjuncts(&l.lhs);
            v.extend(conjuncts(&l.rhs));
            v
        }
        _ => vec![e.clone()],
    }
}

/// For `convention.kind == 'x'` / `!=`: its truth when the convention's kind is `kind`.
fn kind_atom(e: &Expr, kind: &str) -> Option<bool> {
    let ExprVal::Logic(l) = &e.val else {
        return None;
    };
    if !e.filters.is_empty() || !matches!(l.operator, LogicOperator::Eq | LogicOperator::NotEq) {
        return None;
    }
    let side = |a: &Expr, b: &Expr| -> Option<bool> {
        match (&a.val, &b.val) {
            (ExprVal::Ident(i), ExprVal::String(s))
                if i == "convention.kind" && !a.negated && !b.negated =>
            {
                Some(s == kind)
            }
            _ => None,
        }
    };
    let eq = side(&l.lhs, &l.rhs).or_else(|| side(&l.rhs, &l.lhs))?;
    let v = if l.operator == LogicOperator::Eq {
        eq
    } else {
        !eq
    };
    Some(v != e.negated)
}

/// A clause's condition as conjuncts (empty: always true).
fn clause_conjuncts(c: &Clause) -> Vec<Expr> {
    c.meta
        .condition
        .as_deref()
        .and_then(condition_expr)
        .map(|e| conjuncts(&e))
        .unwrap_or_default()
}

/// One `article(id=…)` / `annexe(id=…)` call in a body.
#[derive(Debug, Clone)]
struct Citation {
    function: String,
    id: String,
    /// What the enclosing `{% if %}` branches establish: (expression, its truth).
    facts: Vec<(Expr, bool)>,
}

impl Citation {
    /// Clause ids named by enclosing `{% if 'x' in clauses_in_use %}`.
    fn guards(&self) -> Vec<String> {
        self.facts
            .iter()
            .filter(|(_, t)| *t)
            .flat_map(|(e, _)| guards_of(e))
            .collect()
    }

    /// False if the citation sits in a branch that a `kind` convention never takes.
    fn reachable(&self, kind: &str) -> bool {
        self.facts
            .iter()
            .all(|(e, t)| kind_atom(e, kind) != Some(!*t))
    }

    /// Expressions known true where the citation sits.
    fn known(&self) -> impl Iterator<Item = &Expr> {
        self.facts.iter().filter(|(_, t)| *t).map(|(e, _)| e)
    }
}

/// What a body walk collects.
#[derive(Default)]
struct BodyFacts {
    citations: Vec<Citation>,
    /// Identifiers read from the context, with the names in scope where they are read.
    idents: Vec<(String, Vec<String>)>,
}

fn guards_of(e: &Expr) -> Vec<String> {
    conjuncts(e)
        .iter()
        .filter_map(|c| match &c.val {
            ExprVal::In(i) if !c.negated && !i.negated => match (&i.lhs.val, &i.rhs.val) {
                (ExprVal::String(s), ExprVal::Ident(r)) if r == "clauses_in_use" => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

struct BodyWalk<'f> {
    facts: &'f mut BodyFacts,
    scope: Vec<String>,
    branch: Vec<(Expr, bool)>,
}

impl BodyWalk<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &Node) {
        match n {
            Node::VariableBlock(_, e) => self.expr(e),
            Node::Set(_, s) => {
                self.expr(&s.value);
                self.scope.push(s.key.clone());
            }
            Node::FilterSection(_, f, _) => {
                for a in f.filter.args.values() {
                    self.expr(a);
                }
                self.nodes(&f.body);
            }
            Node::Block(_, b, _) => self.nodes(&b.body),
            Node::MacroDefinition(_, m, _) => {
                let saved = self.scope.len();
                self.scope.extend(m.args.keys().cloned());
                self.nodes(&m.body);
                self.scope.truncate(saved);
            }
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                let saved = self.scope.len();
                self.scope.push(f.value.clone());
                self.scope.push("loop".into());
                if let Some(k) = &f.key {
                    self.scope.push(k.clone());
                }
                self.nodes(&f.body);
                self.scope.truncate(saved);
                if let Some(b) = &f.empty_body {
                    self.nodes(b);
                }
            }
            Node::If(i, _) => {
                // Earlier branches not taken: a single-atom condition is known false.
                let mut not_taken: Vec<(Expr, bool)> = Vec::new();
                for (_, cond, body) in &i.conditions {
                    self.expr(cond);
                    let saved = self.branch.len();
                    self.branch.extend(not_taken.iter().cloned());
                    let atoms = conjuncts(cond);
                    self.branch.extend(atoms.iter().map(|a| (a.clone(), true)));
                    self.nodes(body);
                    self.branch.truncate(saved);
                    if let [single] = atoms.as_slice() {
                        not_taken.push((single.clone(), false));
                    }
                }
                if let Some((_, body)) = &i.otherwise {
                    let saved = self.branch.len();
                    self.branch.extend(not_taken);
                    self.nodes(body);
                    self.branch.truncate(saved);
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        let defaulted = e.has_default_filter();
        for f in &e.filters {
            for a in f.args.values() {
                self.expr(a);
            }
        }
        match &e.val {
            ExprVal::Ident(i) if !defaulted => {
                self.facts.idents.push((i.clone(), self.scope.clone()))
            }
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::Test(t) => {
                if t.name != "defined" && t.name != "undefined" {
                    self.facts
                        .idents
                        .push((t.ident.clone(), self.scope.clone()));
                }
                for a in &t.args {
                    self.expr(a);
                }
            }
            ExprVal::MacroCall(m) => m.args.values().for_each(|a| self.expr(a)),
            ExprVal::FunctionCall(f) => {
                if (f.name == "article" || f.name == "annexe")
                    && let Some(ExprVal::String(id)) = f.args.get("id").map(|a| &a.val)
                {
                    self.facts.citations.push(Citation {
                        function: f.name.clone(),
                        id: id.clone(),
                        facts: self.branch.clone(),
                    });
                }
                f.args.values().for_each(|a| self.expr(a));
            }
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a)),
            ExprVal::StringConcat(s) => {
                for v in &s.values {
                    if let ExprVal::Ident(i) = v {
                        self.facts.idents.push((i.clone(), self.scope.clone()));
                    }
                }
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            _ => {}
        }
    }
}

fn body_facts(src: &str) -> Option<BodyFacts> {
    let ast = parse(src)?;
    let mut facts = BodyFacts::default();
    BodyWalk {
        facts: &mut facts,
        scope: Vec::new(),
        branch: Vec::new(),
    }
    .nodes(&ast);
    Some(facts)
}

/// 1-based line and column in the clause file of the first occurrence of `needle`
/// in the body (the front matter is skipped), or of the body's first line.
fn body_position(c: &Clause, needle: &str) -> (usize, usize) {
    let body_start = c
        .raw
        .match_indices('\n')
        .nth(c.body_line.saturating_sub(2))
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    match c.raw[body_start..].find(needle) {
        Some(i) => line_col(&c.raw, body_start + i),
        None => (c.body_line, 1),
    }
}

fn at_front_matter(d: Diagnostic, c: &Clause, key: &str) -> Diagnostic {
    match c.front_matter_line(key) {
        Some(l) => d.at(l, 1),
        None => d,
    }
}

/// Every problem of the library and templates.
pub fn check(prog: &Programme, engine: &Engine) -> Vec<Diagnostic> {
    let lib = engine.library();
    let mut out = Vec::new();
    templates(lib, &mut out);
    let names = ContextNames::new(prog);
    let mut flagged: BTreeSet<String> = BTreeSet::new();
    for clause in lib.clauses.values() {
        let before = out.len();
        clause_part(lib, clause, &mut out);
        fields(&names, clause, &mut out);
        citations(lib, clause, &mut out);
        if out.len() > before {
            flagged.insert(clause.meta.id.clone());
        }
    }
    // With a broken charta.toml every render fails, and not for the clauses' sake.
    if !crate::diagnostic::has_errors(&super::programme::check(prog)) {
        sample_renders(prog, engine, &flagged, &mut out);
    }
    out
}

fn templates(lib: &Library, out: &mut Vec<Diagnostic>) {
    for t in lib.templates.values() {
        let mut seen = BTreeSet::new();
        for p in &t.file.parts {
            if !seen.insert(p.id.as_str()) {
                let line = t
                    .raw
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| {
                        l.trim_start().starts_with("id") && l.contains(&format!("\"{}\"", p.id))
                    })
                    .nth(1)
                    .map(|(i, _)| i + 1);
                let mut d = Diagnostic::error(
                    Code::BIB_001,
                    tr!(
                        "le gabarit `{}` a deux parties d'identifiant `{}`",
                        "template `{}` has two parts with id `{}`",
                        t.file.kind,
                        p.id
                    ),
                )
                .in_file(&t.path)
                .with_hint(Text::new(
                    "donnez à chaque partie d'un gabarit son propre identifiant",
                    "give each part of a template its own id",
                ));
                if let Some(l) = line {
                    d = d.at(l, 1);
                }
                out.push(d);
            }
            if p.kind != PartKind::Block && p.title.as_deref().is_none_or(|s| s.trim().is_empty()) {
                out.push(
                    Diagnostic::warning(Code::BIB_002, tr!("gabarit `{}`\u{a0}: {} `{}` n'a pas de titre", "template `{}`: {} `{}` has no title",
                        t.file.kind,
                        p.kind.as_str(),
                        p.id
                    ))
                    .in_file(&t.path)
                    .with_hint(
                        Text::new("donnez-lui un `title`\u{a0}: il s'imprime après «\u{a0}Article N –\u{a0}» ou «\u{a0}Annexe N –\u{a0}»", "give it a `title`: it is printed after « Article N – » or « Annexe N – »"),
                    ),
                );
            }
        }
        if ![
            "cpo",
            "annuelle",
            "cadre",
            "avenant",
            "deliberation",
            "reversement",
            "notification",
        ]
        .contains(&t.file.kind.as_str())
        {
            out.push(
                Diagnostic::warning(Code::BIB_003, tr!("le type de gabarit `{}` n'est pas un type de convention (cpo, annuelle, cadre)\u{a0}: il n'est jamais employé", "template kind `{}` is not a kind of convention (cpo, annuelle, cadre): it is never used",
                    t.file.kind
                ))
                .in_file(&t.path)
                .at(1, 1)
                .with_hint(Text::new("donnez à `kind` la valeur cpo, annuelle ou cadre", "set `kind` to cpo, annuelle or cadre")),
            );
        }
    }
}

fn clause_part(lib: &Library, clause: &Clause, out: &mut Vec<Diagnostic>) {
    let part = &clause.meta.part;
    if !lib
        .templates
        .values()
        .any(|t| t.file.parts.iter().any(|p| &p.id == part))
    {
        let parts: BTreeSet<&str> = lib
            .templates
            .values()
            .flat_map(|t| t.file.parts.iter().map(|p| p.id.as_str()))
            .collect();
        let hint = match closest(part, parts.iter().copied()) {
            Some(c) => tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"),
            None => Text::new(
                "donnez à `part` l'identifiant d'un article, d'un bloc ou d'une annexe de templates/<type>.toml",
                "set `part` to the id of an article, block or annex of templates/<kind>.toml",
            ),
        };
        out.push(at_front_matter(
            Diagnostic::error(
                Code::BIB_004,
                tr!(
                    "la clause `{}` remplit la partie `{part}`, qu'aucun gabarit ne comporte",
                    "clause `{}` fills part `{part}`, which no template has",
                    clause.meta.id
                ),
            )
            .in_file(&clause.path)
            .with_hint(hint),
            clause,
            "part",
        ));
    }
}

fn fields(names: &ContextNames, clause: &Clause, out: &mut Vec<Diagnostic>) {
    let id = &clause.meta.id;
    if let Some(cond) = &clause.meta.condition
        && let Some(facts) = body_facts(&format!("{{% if {cond} %}}1{{% endif %}}"))
    {
        let mut seen = BTreeSet::new();
        for (ident, scope) in &facts.idents {
            if let Some((unknown, suggestion)) = names.unknown(ident, scope)
                && seen.insert(unknown.clone())
            {
                out.push(at_front_matter(
                    Diagnostic::error(Code::BIB_005, tr!("clause `{id}`\u{a0}: sa condition nomme `{unknown}`, que le contexte ne comporte pas", "clause `{id}`: its condition names `{unknown}`, which the context does not have"
                    ))
                    .in_file(&clause.path)
                    .with_hint({
                        let s = suggestion.unwrap_or_else(|| Text::new("employez un champ du contexte décrit dans docs/design.md", "use a field of the context listed in docs/design.md"));
                        Text::new(format!("{} (un nom inconnu vaut faux, sans avertissement, dans une condition)", s.fr), format!("{} (an unknown name is silently false in a condition)", s.en))
                    }),
                    clause,
                    "condition",
                ));
            }
        }
    }
    if let Some(facts) = body_facts(&clause.body) {
        let mut seen = BTreeSet::new();
        for (ident, scope) in &facts.idents {
            if let Some((unknown, suggestion)) = names.unknown(ident, scope)
                && seen.insert(unknown.clone())
            {
                let (l, c) = body_position(clause, ident);
                out.push(
                    Diagnostic::error(Code::BIB_006, tr!("la clause `{id}` emploie `{unknown}`, que le contexte ne comporte pas", "clause `{id}` uses `{unknown}`, which the context does not have"
                    ))
                    .in_file(&clause.path)
                    .at(l, c)
                    .with_hint(suggestion.unwrap_or_else(|| {
                        Text::new("employez un champ du contexte décrit dans docs/design.md, ou testez-le avec `is defined`", "use a field of the context listed in docs/design.md, or test it with `is defined`")
                    })),
                );
            }
        }
    }
}

/// Conditions known to hold in a template of kind `kind` when `known` holds: is `cond` implied?
fn implied(cond: &[Expr], known: &[Expr], kind: &str) -> bool {
    cond.iter()
        .all(|c| known.contains(c) || kind_atom(c, kind) == Some(true))
}

/// The citations of a clause (`article(id=…)`, `annexe(id=…)`), each checked
/// against every template that can hold the clause: a cited id that exists
/// (BIB-007), a part the convention has (BIB-008), cited with the right
/// function (BIB-009), filled by some clause (BIB-010) whenever the citing
/// clause applies (BIB-011). One diagnostic per cited id.
fn citations(lib: &Library, clause: &Clause, out: &mut Vec<Diagnostic>) {
    let Some(facts) = body_facts(&clause.body) else {
        return;
    };
    if facts.citations.is_empty() {
        return;
    }
    let all_ids: BTreeSet<&str> = lib
        .clauses
        .keys()
        .map(String::as_str)
        .chain(
            lib.templates
                .values()
                .flat_map(|t| t.file.parts.iter().map(|p| p.id.as_str())),
        )
        .collect();
    let mut c = Citing {
        lib,
        clause,
        known: clause_conjuncts(clause),
        at: (0, 0),
        reported: BTreeSet::new(),
    };
    for cit in &facts.citations {
        let needle = format!("id=\"{}\"", cit.id);
        c.at = body_position(clause, &needle);
        if !all_ids.contains(cit.id.as_str()) {
            if c.reported.insert(cit.id.clone()) {
                out.push(c.here(cited_id_unknown(clause, cit, &all_ids)));
            }
            continue;
        }
        for t in lib.templates.values() {
            citation_in_template(&mut c, cit, t, out);
        }
    }
}

/// A clause whose citations are checked: what its condition says, where the
/// citation at hand is, and the cited ids already reported.
struct Citing<'a> {
    lib: &'a Library,
    clause: &'a Clause,
    known: Vec<Expr>,
    at: (usize, usize),
    reported: BTreeSet<String>,
}

impl Citing<'_> {
    /// The diagnostic, at the citation.
    fn here(&self, d: Diagnostic) -> Diagnostic {
        d.in_file(&self.clause.path).at(self.at.0, self.at.1)
    }
    /// Whether `id` is reported for the first time (and now marked reported).
    fn first(&mut self, id: &str) -> bool {
        self.reported.insert(id.to_string())
    }
}

/// The cited id is neither a clause nor a part (BIB-007).
fn cited_id_unknown(clause: &Clause, cit: &Citation, all_ids: &BTreeSet<&str>) -> Diagnostic {
    let a = &clause.meta;
    Diagnostic::error(
        Code::BIB_007,
        tr!(
            "la clause `{}` cite `{}`, qui n'est ni une clause ni une partie",
            "clause `{}` cites `{}`, which is neither a clause nor a part",
            a.id,
            cit.id
        ),
    )
    .with_hint(match closest(&cit.id, all_ids.iter().copied()) {
        Some(c) => tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"),
        None => Text::new(
            "citez l'identifiant d'une partie du gabarit (par exemple `versement`) ou d'une clause",
            "cite the id of a part of the template (e.g. `versement`) or of a clause",
        ),
    })
}

/// One citation in one template that can hold the clause: the part is
/// there, of the kind cited, and filled whenever the clause applies.
fn citation_in_template(c: &mut Citing, cit: &Citation, t: &Template, out: &mut Vec<Diagnostic>) {
    let a = &c.clause.meta;
    let want = if cit.function == "article" {
        PartKind::Article
    } else {
        PartKind::Annex
    };
    if !t.file.parts.iter().any(|p| p.id == a.part) {
        return;
    }
    let kind = t.file.kind.as_str();
    if c.known.iter().any(|x| kind_atom(x, kind) == Some(false)) || !cit.reachable(kind) {
        return;
    }
    let guards = cit.guards();
    let mut known_here = c.known.clone();
    known_here.extend(cit.known().cloned());
    let (target_part, fillers): (Option<&crate::load::Part>, Vec<&Clause>) =
        match c.lib.clauses.get(&cit.id) {
            Some(b) => (part_of(t, &b.meta.part), vec![b]),
            None => (
                part_of(t, &cit.id),
                c.lib
                    .clauses
                    .values()
                    .filter(|x| x.meta.part == cit.id)
                    .collect(),
            ),
        };
    let guarded = guards
        .iter()
        .any(|g| g == &cit.id || fillers.iter().any(|f| &f.meta.id == g));
    let Some(target) = target_part else {
        if !guarded && c.first(&cit.id) {
            out.push(c.here(part_never_there(c.clause, cit, kind)));
        }
        return;
    };
    if target.kind != want {
        if c.first(&cit.id) {
            out.push(c.here(wrong_function(c.clause, cit, target.kind)));
        }
        return;
    }
    let safe = guarded
        || fillers
            .iter()
            .any(|f| !f.meta.optional && implied(&clause_conjuncts(f), &known_here, kind));
    if safe {
        return;
    }
    if fillers.is_empty() {
        if c.first(&cit.id) {
            out.push(c.here(part_unfilled(c.clause, cit)));
        }
        return;
    }
    if c.first(&cit.id) {
        out.push(c.here(may_be_absent(c.clause, cit, &fillers)));
    }
}

/// The cited part is not in a convention of this kind (BIB-008).
fn part_never_there(clause: &Clause, cit: &Citation, kind: &str) -> Diagnostic {
    let a = &clause.meta;
    Diagnostic::error(Code::BIB_008, tr!("la clause `{}` cite `{}`, qu'une convention `{kind}` ne comporte jamais", "clause `{}` cites `{}`, which a `{kind}` convention never has",
        a.id, cit.id
    ))
    .with_hint(tr!("ajoutez la partie à templates/{kind}.toml, ou donnez à `{}` une condition qui exclut les conventions {kind}", "add the part to templates/{kind}.toml, or give `{}` a condition that excludes {kind} conventions",
        a.id
    ))
}

/// The part is cited with `article()` but is an annex, or the reverse, or is
/// a block (BIB-009).
fn wrong_function(clause: &Clause, cit: &Citation, target: PartKind) -> Diagnostic {
    let a = &clause.meta;
    let (right, wfr, wen) = match target {
        PartKind::Article => ("article", "un article", "an article"),
        PartKind::Annex => ("annexe", "une annexe", "an annex"),
        PartKind::Block => (
            "",
            "un bloc, qui n'a pas de numéro",
            "a block, which has no number",
        ),
    };
    let hint = if right.is_empty() {
        Text::new(
            "citez un article ou une annexe",
            "cite an article or an annex",
        )
    } else {
        tr!(
            "écrivez `{right}(id=\"{}\")`",
            "write `{right}(id=\"{}\")`",
            cit.id
        )
    };
    Diagnostic::error(
        Code::BIB_009,
        tr!(
            "la clause `{}` cite `{}` avec `{}()`, mais c'est {wfr}",
            "clause `{}` cites `{}` with `{}()`, but it is {wen}",
            a.id,
            cit.id,
            cit.function
        ),
    )
    .with_hint(hint)
}

/// No clause fills the cited part (BIB-010).
fn part_unfilled(clause: &Clause, cit: &Citation) -> Diagnostic {
    let a = &clause.meta;
    Diagnostic::error(
        Code::BIB_010,
        tr!(
            "la clause `{}` cite la partie `{}`, qu'aucune clause ne remplit",
            "clause `{}` cites part `{}`, which no clause fills",
            a.id,
            cit.id
        ),
    )
    .with_hint(Text::new(
        "ajoutez une clause avec cette `part`, ou retirez la citation",
        "add a clause with this `part`, or remove the citation",
    ))
}

/// A warning when the part cited may be absent when the citing clause applies (BIB-011).
fn may_be_absent(clause: &Clause, cit: &Citation, fillers: &[&Clause]) -> Diagnostic {
    let a = &clause.meta;
    let b = fillers
        .iter()
        .find(|f| !f.meta.optional)
        .unwrap_or(&fillers[0]);
    let bid = &b.meta.id;
    let why = match (&b.meta.condition, b.meta.optional) {
        (_, true) => tr!("`{bid}` est facultative", "`{bid}` is optional"),
        (Some(c), false) => tr!(
            "`{bid}` a la condition `{c}`",
            "`{bid}` has the condition `{c}`"
        ),
        (None, false) => tr!("`{bid}` peut manquer", "`{bid}` may be absent"),
    };
    let cited = if cit.id == b.meta.id {
        Text::verbatim(format!("`{}`", cit.id))
    } else {
        tr!(
            "`{}` (remplie par `{bid}`)",
            "`{}` (filled by `{bid}`)",
            cit.id
        )
    };
    let aid = &a.id;
    Diagnostic::warning(Code::BIB_011, Text::new(format!("la clause `{aid}` cite {}, qui peut manquer quand `{aid}` s'applique\u{a0}: {}", cited.fr, why.fr), format!("clause `{aid}` cites {}, which can be absent when `{aid}` applies: {}", cited.en, why.en)))
    .with_hint(tr!(
        "protégez la citation par `{{% if '{bid}' in clauses_in_use %}}…{{% endif %}}`, ou donnez à `{aid}` une condition qui implique celle de `{bid}`",
        "guard the citation with `{{% if '{bid}' in clauses_in_use %}}…{{% endif %}}`, or give `{aid}` a condition that implies the one of `{bid}`"
    ))
}

fn part_of<'t>(t: &'t Template, id: &str) -> Option<&'t crate::load::Part> {
    t.file.parts.iter().find(|p| p.id == id)
}

/// Renders every template over sample data (each regime; without and with every
/// optional clause): what fails there fails for real associations too.
fn sample_renders(
    prog: &Programme,
    engine: &Engine,
    flagged: &BTreeSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let lib = engine.library();
    let optional: Vec<String> = lib
        .clauses
        .values()
        .filter(|c| c.meta.optional)
        .map(|c| c.meta.id.clone())
        .collect();
    let mut seen = BTreeSet::new();
    for kind in ["cpo", "annuelle", "cadre"] {
        if !lib.templates.contains_key(kind) {
            continue;
        }
        for regime in [
            "non-economic",
            "de-minimis",
            "de-minimis-agricole",
            "sieg:decision-2012-21",
            "sieg:reglement-2023-2832",
        ] {
            for add in [&[][..], &optional[..]] {
                let data = sample(prog, kind, regime, add);
                let Err(diags) =
                    engine.render(&prog.file, "exemple", &data, Path::new("exemple.json"))
                else {
                    continue;
                };
                for d in diags {
                    let text = d
                        .message
                        .clone()
                        .map(|m| m.strip_prefix("exemple: ").unwrap_or(m).to_string());
                    let message = text.fr.clone();
                    let culprit = lib
                        .clauses
                        .values()
                        .find(|c| text.en.starts_with(&format!("clause `{}`", c.meta.id)));
                    if culprit.is_some_and(|c| flagged.contains(&c.meta.id))
                        || !seen.insert(message.clone())
                    {
                        continue;
                    }
                    let (ofr, oen) = if add.is_empty() {
                        ("", "")
                    } else {
                        (
                            ", toutes les clauses facultatives",
                            ", every optional clause",
                        )
                    };
                    let mut nd = Diagnostic::error(
                        d.code,
                        Text::new(
                            format!("{} (convention {kind} d'exemple, {regime}{ofr})", text.fr),
                            format!("{} (sample {kind} convention, {regime}{oen})", text.en),
                        ),
                    );
                    nd.file = d.file.clone();
                    nd.line = d.line;
                    nd.column = d.column;
                    // Tera names what failed in quotes (« Filter 'majuscules' not found »): point at it.
                    if let (None, Some(c)) = (d.line, culprit) {
                        let quoted = message
                            .split('\'')
                            .skip(1)
                            .step_by(2)
                            .filter(|w| *w != "body");
                        if let Some((l, col)) = quoted
                            .filter(|w| !w.is_empty() && c.body.contains(*w))
                            .map(|w| body_position(c, w))
                            .next()
                        {
                            nd = nd.at(l, col);
                        }
                    }
                    nd.hint = Some(d.hint.clone().unwrap_or_else(|| {
                        Text::new("la clause échoue sur des données valides\u{a0}: corrigez son texte ou sa condition", "the clause fails on valid data: fix its body or its condition")
                    }));
                    out.push(nd);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conjunct_and_kind_atoms() {
        let e = condition_expr("multi_year and convention.kind != 'cadre'").unwrap();
        let c = conjuncts(&e);
        assert_eq!(c.len(), 2);
        assert_eq!(kind_atom(&c[1], "cpo"), Some(true));
        assert_eq!(kind_atom(&c[1], "cadre"), Some(false));
        assert_eq!(kind_atom(&c[0], "cpo"), None);
        let k = condition_expr("'cadre' == convention.kind").unwrap();
        assert_eq!(kind_atom(&k, "cadre"), Some(true));
        let b = condition_expr("convention.kind != 'cadre'").unwrap();
        assert!(implied(&conjuncts(&b), &c, "annuelle"));
        assert!(!implied(&c, &conjuncts(&b), "cpo"));
    }

    #[test]
    fn guards_and_citations_found() {
        let f = body_facts(
            "{% if 'b' in clauses_in_use and x %}{{ article(id=\"p\") }}{% endif %} {{ annexe(id=\"q\", majuscule=true) }}{% for o in list %}{{ o.id }}{% endfor %}",
        )
        .unwrap();
        assert_eq!(f.citations.len(), 2);
        assert_eq!(f.citations[0].guards(), vec!["b".to_string()]);
        assert!(f.citations[1].guards().is_empty());
        let g = body_facts(
            "{% if convention.kind == 'cadre' %}x{% else %}{{ article(id=\"p\") }}{% endif %}",
        )
        .unwrap();
        assert!(g.citations[0].reachable("cpo"));
        assert!(!g.citations[0].reachable("cadre"));
        let idents: Vec<&str> = f.idents.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(idents, vec!["clauses_in_use", "x", "list", "o.id"]);
    }
}
