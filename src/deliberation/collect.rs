//! Which conventions and avenants a décision carries, with their amounts: the
//! rows of the annex. A convention whose data have errors is held back, as
//! `charta build` holds it back (a warning says so); a signed convention's
//! amounts are those of its archived text, an avenant's those of the
//! convention as it amends it, beside those it replaces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, has_errors};
use crate::french;
use crate::load::Programme;
use crate::model::{
    Amount, AssociationFile, ConventionKind, Decision, ElectedMember, PerYear, Regime, SiegBasis,
    Target,
};
use crate::out::signed;
use crate::tr;

/// What a row of the annex approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    Convention(ConventionKind),
    /// Avenant n° k (from 1).
    Avenant(usize),
}

impl Nature {
    /// « CPO », « Convention annuelle », « Convention-cadre », « avenant n° 2 » (the annex's column).
    pub fn label(self) -> String {
        match self {
            Nature::Convention(ConventionKind::Cpo) => "CPO".to_string(),
            Nature::Convention(ConventionKind::Annuelle) => "Convention annuelle".to_string(),
            Nature::Convention(ConventionKind::Cadre) => "Convention-cadre".to_string(),
            Nature::Avenant(k) => format!("avenant n°{}{k}", french::NBSP),
        }
    }

    /// The heading of its group in the rapport.
    pub fn group(self) -> &'static str {
        match self {
            Nature::Convention(ConventionKind::Cpo) => "Conventions pluriannuelles d'objectifs",
            Nature::Convention(ConventionKind::Annuelle) => "Conventions annuelles",
            Nature::Convention(ConventionKind::Cadre) => "Conventions-cadres",
            Nature::Avenant(_) => "Avenants",
        }
    }
}

/// One line of the annex: a convention or an avenant of the décision.
#[derive(Debug, Clone)]
pub struct Row {
    /// The association file's id.
    pub id: String,
    pub name: String,
    /// « SIRET 816 302 970 00016 », and the register of a local-law association.
    pub identification: String,
    pub siret: String,
    /// Alsace-Moselle: « tribunal judiciaire de Thionvaux, volume XLII, folio 117 ».
    pub register: Option<String>,
    /// The project's title.
    pub object: String,
    pub reference: String,
    pub nature: Nature,
    pub regime: &'static str,
    /// Maximum funding by exercice, in cents.
    pub funding: BTreeMap<i32, i64>,
    /// In-kind aid valued, by exercice, in cents.
    pub in_kind: BTreeMap<i32, i64>,
    /// An avenant's funding in force before it (from the archive), if known.
    pub previous: Option<BTreeMap<i32, i64>>,
    /// The priority of the first objective of the dashboard.
    pub priority: Option<String>,
    pub elected: Vec<ElectedMember>,
    /// An avenant's reason (`amendments[].summary`), if the data give one.
    pub reason: Option<String>,
    /// An avenant's convention: the décision that approved it, its signature date.
    pub amends: Option<(Decision, Option<String>)>,
    /// The advance paid in each exercice, in % of its funding (`convention.payment`,
    /// as the convention's payment clause and the notification read it): the
    /// balance follows in the next exercice.
    pub advance_percent: f64,
    /// The in-kind aid, line by line: what is made available, valued by exercice.
    pub in_kind_lines: Vec<(String, BTreeMap<i32, i64>)>,
    /// An avenant's changed targets against the text in force (« cible 2027 de
    /// l'indicateur « … » portée de 720 à 740 personnes »).
    pub target_changes: Vec<String>,
    /// A SIEG compensation under décision 2012/21/UE: the convention entrusts the service.
    pub sieg_decision: bool,
}

impl Row {
    pub fn total(&self) -> i64 {
        self.funding.values().sum()
    }
    pub fn in_kind_total(&self) -> i64 {
        self.in_kind.values().sum()
    }
}

/// The rows of every décision asked for, and the warnings of those held back.
#[derive(Debug, Default)]
pub struct Collected {
    pub rows: BTreeMap<String, Vec<Row>>,
    pub warnings: Vec<Diagnostic>,
}

/// The rows of the décisions `wanted` says yes to, in association id order
/// (the file's conventions before its avenants).
pub fn collect(prog: &Programme, wanted: &dyn Fn(&str) -> bool) -> Collected {
    let mut out = Collected::default();
    let mut entries: Vec<_> = prog.associations.iter().collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    for stub in entries {
        let entry = prog.entry(stub);
        let Some(data) = entry.data.as_deref() else {
            continue;
        };
        let numbers = cited(data, wanted);
        if numbers.is_empty() {
            continue;
        }
        if has_errors(&crate::check::check_association(prog, &entry)) {
            for n in numbers {
                out.warnings.push(held_back(&entry.id, n, &entry.path));
            }
            continue;
        }
        for row in rows_of(&prog.root, &entry.id, data, wanted) {
            let number = match row.nature {
                Nature::Convention(_) => data.convention.decision.number.clone(),
                Nature::Avenant(k) => data.convention.amendments[k - 1].decision.number.clone(),
            };
            out.rows.entry(number).or_default().push(row);
        }
    }
    out
}

/// The décision numbers of `data` that `wanted` asks for.
fn cited<'d>(data: &'d AssociationFile, wanted: &dyn Fn(&str) -> bool) -> BTreeSet<&'d str> {
    let c = &data.convention;
    std::iter::once(c.decision.number.as_str())
        .chain(c.amendments.iter().map(|a| a.decision.number.as_str()))
        .filter(|n| wanted(n))
        .collect()
}

fn held_back(id: &str, number: &str, path: &Path) -> Diagnostic {
    Diagnostic::warning(
        Code::GEN_034,
        tr!(
            "{id}\u{a0}: la convention porte la décision n°\u{a0}{number} mais ses données ont des erreurs\u{a0}: elle est écartée de la délibération",
            "{id}: the convention carries décision no. {number} but its data have errors: it is left out of the délibération"
        ),
    )
    .in_file(path)
    .with_hint(tr!(
        "corrigez ce que `charta check` signale pour ce fichier, puis écrivez la délibération à nouveau",
        "fix what `charta check` reports for this file, then write the délibération again"
    ))
}

/// The rows of one association file for the décisions wanted.
fn rows_of(
    root: &Path,
    id: &str,
    data: &AssociationFile,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<Row> {
    let c = &data.convention;
    let archived = |stem: &str| archived_data(root, id, stem);
    let mut rows = Vec::new();
    if wanted(&c.decision.number) {
        // A signed convention since amended: its own amounts are the archived ones.
        let own = (!c.amendments.is_empty())
            .then(|| archived("convention"))
            .flatten();
        let d = own.as_ref().unwrap_or(data);
        rows.push(row(id, d, Nature::Convention(d.convention.kind), None));
    }
    let last = c.amendments.len();
    for (i, a) in c.amendments.iter().enumerate() {
        if !wanted(&a.decision.number) {
            continue;
        }
        let k = i + 1;
        let amended = (k < last)
            .then(|| archived(&format!("avenant-{k}")))
            .flatten();
        let before = if k == 1 {
            archived("convention")
        } else {
            archived(&format!("avenant-{}", k - 1))
        };
        let d = amended.as_ref().unwrap_or(data);
        let previous = before
            .as_ref()
            .map(|b| cents(b.convention.funding.as_ref()));
        let mut r = row(id, d, Nature::Avenant(k), previous);
        r.target_changes = before.map(|b| target_changes(&b, d)).unwrap_or_default();
        r.reason = a.summary.clone().filter(|s| !s.trim().is_empty());
        r.amends = Some((c.decision.clone(), c.signature.date.clone()));
        rows.push(r);
    }
    rows
}

/// `PROG/signed/<id>/<stem>.data.json`, if archived and readable.
fn archived_data(root: &Path, id: &str, stem: &str) -> Option<AssociationFile> {
    let path = signed::dir(root, id).join(format!("{stem}.data.json"));
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn cents(per_year: Option<&PerYear<Amount>>) -> BTreeMap<i32, i64> {
    per_year
        .into_iter()
        .flatten()
        .filter_map(|(y, a)| Some((y.parse().ok()?, a.cents())))
        .collect()
}

fn row(
    id: &str,
    data: &AssociationFile,
    nature: Nature,
    previous: Option<BTreeMap<i32, i64>>,
) -> Row {
    let (a, c) = (&data.association, &data.convention);
    let mut in_kind: BTreeMap<i32, i64> = BTreeMap::new();
    let mut in_kind_lines = Vec::new();
    for k in &c.in_kind {
        let values = cents(Some(&k.values));
        for (y, v) in &values {
            *in_kind.entry(*y).or_default() += v;
        }
        in_kind_lines.push((k.description.clone(), values));
    }
    let register = a.register.as_ref().map(|r| {
        let at = match (&r.volume, &r.folio, &r.number) {
            (Some(v), Some(f), _) => format!(", volume {v}, folio {f}"),
            (_, _, Some(n)) => format!(", n°{}{n}", french::NBSP),
            _ => String::new(),
        };
        format!("{}{at}", r.court)
    });
    let siret = french::siret(&a.siret);
    let identification = match &register {
        Some(r) => format!("SIRET {siret}\u{a0}; registre des associations du {r}"),
        None => format!("SIRET {siret}"),
    };
    Row {
        id: id.to_string(),
        name: a.name.clone(),
        identification,
        siret: a.siret.clone(),
        register,
        object: data.project.title.clone(),
        reference: c.reference.clone(),
        nature,
        regime: regime_label(c.regime, c.sieg.as_ref().map(|s| s.basis)),
        funding: cents(c.funding.as_ref()),
        in_kind,
        previous,
        priority: data
            .dashboard
            .objectives
            .first()
            .map(|o| o.priority.clone()),
        elected: a.elected_board_members.clone(),
        reason: None,
        amends: None,
        advance_percent: c
            .payment
            .as_ref()
            .map_or(0.0, |p| p.advance_percent.clamp(0.0, 100.0)),
        in_kind_lines,
        target_changes: Vec::new(),
        sieg_decision: c.regime == Regime::Sieg
            && c.sieg.as_ref().map(|s| s.basis) == Some(SiegBasis::Decision201221),
    }
}

/// « « texte » » for a target in words, « 720 » for a number.
fn quoted(t: &Target) -> String {
    match t {
        Target::Number(n) => french::decimal(*n, 2),
        Target::Text(s) => format!("«\u{a0}{s}\u{a0}»"),
    }
}

/// The targets `after` changes against `before`, indicator by indicator and
/// year by year, in the dashboard's order.
fn target_changes(before: &AssociationFile, after: &AssociationFile) -> Vec<String> {
    let old: BTreeMap<&str, &crate::model::Indicator> = (before.dashboard.objectives.iter())
        .flat_map(|o| &o.indicators)
        .map(|i| (i.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for i in after
        .dashboard
        .objectives
        .iter()
        .flat_map(|o| &o.indicators)
    {
        let Some(was) = old.get(i.id.as_str()) else {
            continue;
        };
        for (year, t) in &i.targets {
            let Some(w) = was.targets.get(year).filter(|w| *w != t) else {
                continue;
            };
            let unit = i.unit.as_deref().map_or(String::new(), |u| format!(" {u}"));
            let (from, to) = match (w, t) {
                (Target::Number(a), Target::Number(b)) => (
                    french::decimal(*a, 2),
                    format!("{}{unit}", french::decimal(*b, 2)),
                ),
                _ => (quoted(w), quoted(t)),
            };
            out.push(format!(
                "cible {year} de l'indicateur «\u{a0}{}\u{a0}» portée de {from} à {to}",
                i.label
            ));
        }
    }
    out
}

/// The State-aid regime as the annex names it.
pub fn regime_label(regime: Regime, basis: Option<SiegBasis>) -> &'static str {
    match (regime, basis) {
        (Regime::NonEconomic, _) => "hors aides d'État (activité non économique)",
        (Regime::DeMinimis, _) => "de minimis (règlement (UE) 2023/2831)",
        (Regime::DeMinimisAgricole, _) => "de minimis agricole (règlement (UE) n°\u{a0}1408/2013)",
        (Regime::Sieg, Some(SiegBasis::Reglement20232832)) => {
            "de minimis SIEG (règlement (UE) 2023/2832)"
        }
        (Regime::Sieg, _) => "SIEG (décision 2012/21/UE)",
    }
}
