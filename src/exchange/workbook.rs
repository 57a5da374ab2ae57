//! Association files to and from a workbook: the sheets, their French headers,
//! and the import with every error located as a spreadsheet user finds it
//! (« Indicateurs!F12 », the value, what is wrong, the fix).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::sheet::{Cell, Kind, ReadTable, Table, cell_ref};
use crate::diagnostic::Diagnostic;
use crate::ids;
use crate::model::*;

pub const ASSOCIATIONS: &str = "Associations";
pub const FINANCEMENTS: &str = "Financements";
pub const EN_NATURE: &str = "Aides en nature";
pub const DE_MINIMIS: &str = "Aides de minimis";
pub const ACTIONS: &str = "Actions";
pub const OBJECTIFS: &str = "Objectifs";
pub const INDICATEURS: &str = "Indicateurs";
pub const CLAUSES: &str = "Clauses";

const ID: &str = "Identifiant";

const ASSOC_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Nom", Kind::Text),
    ("Sigle", Kind::Text),
    ("Forme juridique", Kind::Text),
    ("RNA", Kind::Id),
    ("SIRET", Kind::Id),
    ("Adresse", Kind::Text),
    ("Code postal", Kind::Id),
    ("Commune", Kind::Text),
    ("Représentant : civilité", Kind::Text),
    ("Représentant : nom", Kind::Text),
    ("Représentant : qualité", Kind::Text),
    ("IBAN", Kind::Id),
    ("BIC", Kind::Id),
    ("CER souscrit le", Kind::Date),
    ("CER présumé : fondement", Kind::Id),
    ("CER présumé : acte", Kind::Text),
    ("Registre : tribunal", Kind::Text),
    ("Registre : volume", Kind::Id),
    ("Registre : folio", Kind::Id),
    ("Registre : numéro", Kind::Id),
    ("Convention : nature", Kind::Id),
    ("Convention : référence", Kind::Id),
    ("Convention : années", Kind::Id),
    ("Régime", Kind::Id),
    ("Avance (%)", Kind::Number),
    ("Décision : instance", Kind::Text),
    ("Décision : date", Kind::Date),
    ("Décision : numéro", Kind::Id),
    ("Signature : lieu", Kind::Text),
    ("Signature : date", Kind::Date),
    ("Part non consommée", Kind::Id),
    ("Juridiction", Kind::Text),
    ("Production agricole primaire", Kind::Id),
    ("SIEG : fondement", Kind::Id),
    ("SIEG : bénéfice raisonnable (%)", Kind::Number),
    ("Projet : intitulé", Kind::Text),
    ("Projet : présentation", Kind::Text),
];

const FIN_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Année", Kind::Number),
    ("Contribution (€)", Kind::Number),
    ("Coût éligible (€)", Kind::Number),
    ("Autres subventions publiques (€)", Kind::Number),
    ("SIEG : charges (€)", Kind::Number),
    ("SIEG : produits (€)", Kind::Number),
];

const INKIND_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("N°", Kind::Number),
    ("Description", Kind::Text),
    ("Année", Kind::Number),
    ("Valeur (€)", Kind::Number),
];

/// « Autorité » of the one row of « Aides de minimis » that says the
/// association declared it received none (no row: nothing declared).
pub const NONE_DECLARED: &str = "aucune";

const DEMIN_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Autorité", Kind::Text),
    ("Date d'octroi", Kind::Date),
    ("Montant (€)", Kind::Number),
    ("Règlement", Kind::Id),
];

const ACTION_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Intitulé", Kind::Text),
    ("Description", Kind::Text),
    ("Public", Kind::Text),
    ("Territoire", Kind::Text),
    (PSO, Kind::Text),
];

/// The public-service obligations of an action (SIEG): a column a workbook
/// written before it existed may lack.
const PSO: &str = "Obligations de service public";

/// Columns added after the first version of the workbook: optional on import.
const OPTIONAL_COLUMNS: &[&str] = &[PSO];

const OBJ_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Objectif", Kind::Id),
    ("Priorité", Kind::Id),
    ("Intitulé", Kind::Text),
];

const IND_COLS: &[(&str, Kind)] = &[
    (ID, Kind::Id),
    ("Objectif", Kind::Id),
    ("Indicateur", Kind::Id),
    ("Libellé", Kind::Text),
    ("Type", Kind::Id),
    ("Unité", Kind::Text),
    ("Valeur de référence", Kind::Text),
    ("Source", Kind::Text),
    ("Définition", Kind::Text),
    ("Nature de la cible", Kind::Id),
    ("Année de référence", Kind::Number),
    ("Sens", Kind::Id),
];

const CLAUSE_COLS: &[(&str, Kind)] = &[(ID, Kind::Id), ("Clause", Kind::Id), ("Choix", Kind::Id)];

const ADDED: &str = "ajoutée";
const REMOVED: &str = "retirée";
const TARGET_PREFIX: &str = "Cible ";

fn headers(cols: &[(&str, Kind)]) -> Vec<(String, Kind)> {
    cols.iter().map(|(h, k)| (h.to_string(), *k)).collect()
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn opt(s: &Option<String>) -> Cell {
    s.as_deref().map(text).unwrap_or(Cell::Empty)
}

fn date(s: &Option<String>) -> Cell {
    match s.as_deref() {
        Some(d) if !d.is_empty() => Cell::Date(d.to_string()),
        _ => Cell::Empty,
    }
}

fn amount(a: Option<&Amount>) -> Cell {
    a.map(|a| Cell::Number(a.euros_f64()))
        .unwrap_or(Cell::Empty)
}

/// The JSON spelling of a unit enum value (`non-economic`).
fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn target_cell(t: &Target) -> Cell {
    match t {
        Target::Number(n) => Cell::Number(*n),
        Target::Text(s) => Cell::Text(s.clone()),
    }
}

/// The tables of a set of association files, in the order given.
pub fn to_tables(assocs: &[(String, AssociationFile)]) -> Vec<Table> {
    let mut a_rows = Vec::new();
    let mut f_rows = Vec::new();
    let mut k_rows = Vec::new();
    let mut m_rows = Vec::new();
    let mut act_rows = Vec::new();
    let mut o_rows = Vec::new();
    let mut i_rows = Vec::new();
    let mut c_rows = Vec::new();
    let mut all_years: BTreeSet<String> = BTreeSet::new();
    for (_, d) in assocs {
        all_years.extend(d.convention.years.iter().map(i32::to_string));
        for o in &d.dashboard.objectives {
            for i in &o.indicators {
                all_years.extend(i.targets.keys().cloned());
            }
        }
    }
    let all_years: Vec<String> = all_years.into_iter().collect();
    for (id, d) in assocs {
        let a = &d.association;
        let c = &d.convention;
        a_rows.push(vec![
            text(id),
            text(&a.name),
            opt(&a.acronym),
            text(&a.legal_form),
            opt(&a.rna),
            text(&a.siret),
            text(&a.address.street),
            text(&a.address.postcode),
            text(&a.address.city),
            text(&a.representative.civility),
            text(&a.representative.name),
            text(&a.representative.role),
            a.bank
                .as_ref()
                .map(|b| text(&b.iban))
                .unwrap_or(Cell::Empty),
            a.bank.as_ref().map(|b| text(&b.bic)).unwrap_or(Cell::Empty),
            date(&a.cer_signed_on),
            a.cer_deemed
                .as_ref()
                .map(|x| text(&enum_str(&x.basis)))
                .unwrap_or(Cell::Empty),
            a.cer_deemed
                .as_ref()
                .map(|x| text(&x.reference))
                .unwrap_or(Cell::Empty),
            a.register
                .as_ref()
                .map(|r| text(&r.court))
                .unwrap_or(Cell::Empty),
            a.register
                .as_ref()
                .map(|r| opt(&r.volume))
                .unwrap_or(Cell::Empty),
            a.register
                .as_ref()
                .map(|r| opt(&r.folio))
                .unwrap_or(Cell::Empty),
            a.register
                .as_ref()
                .map(|r| opt(&r.number))
                .unwrap_or(Cell::Empty),
            text(c.kind.as_str()),
            text(&c.reference),
            text(
                &c.years
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            text(&enum_str(&c.regime)),
            c.payment
                .as_ref()
                .map(|p| Cell::Number(p.advance_percent))
                .unwrap_or(Cell::Empty),
            text(&c.decision.body),
            Cell::Date(c.decision.date.clone()),
            text(&c.decision.number),
            text(&c.signature.place),
            date(&c.signature.date),
            c.unspent
                .as_ref()
                .map(|u| text(&enum_str(u)))
                .unwrap_or(Cell::Empty),
            opt(&c.court),
            text(if c.primary_agriculture { "oui" } else { "non" }),
            c.sieg
                .as_ref()
                .map(|s| text(&enum_str(&s.basis)))
                .unwrap_or(Cell::Empty),
            c.sieg
                .as_ref()
                .map(|s| Cell::Number(s.reasonable_profit_percent))
                .unwrap_or(Cell::Empty),
            text(&d.project.title),
            text(&d.project.summary),
        ]);
        // Financements: every year any per-year amount mentions.
        let mut years: BTreeSet<&String> = BTreeSet::new();
        years.extend(c.funding.iter().flat_map(|m| m.keys()));
        years.extend(c.eligible_cost.iter().flat_map(|m| m.keys()));
        years.extend(a.other_public_subsidies.iter().flat_map(|m| m.keys()));
        if let Some(s) = &c.sieg {
            years.extend(s.costs.keys());
            years.extend(s.revenues.keys());
        }
        for y in years {
            f_rows.push(vec![
                text(id),
                y.parse::<f64>()
                    .map(Cell::Number)
                    .unwrap_or_else(|_| text(y)),
                amount(c.funding.as_ref().and_then(|m| m.get(y))),
                amount(c.eligible_cost.as_ref().and_then(|m| m.get(y))),
                amount(a.other_public_subsidies.as_ref().and_then(|m| m.get(y))),
                amount(c.sieg.as_ref().and_then(|s| s.costs.get(y))),
                amount(c.sieg.as_ref().and_then(|s| s.revenues.get(y))),
            ]);
        }
        for (n, k) in c.in_kind.iter().enumerate() {
            for (y, v) in &k.values {
                k_rows.push(vec![
                    text(id),
                    Cell::Number((n + 1) as f64),
                    text(&k.description),
                    y.parse::<f64>()
                        .map(Cell::Number)
                        .unwrap_or_else(|_| text(y)),
                    Cell::Number(v.euros_f64()),
                ]);
            }
        }
        // No row: no declaration; one row « aucune »: none declared.
        if a.de_minimis_declared.as_ref().is_some_and(Vec::is_empty) {
            m_rows.push(vec![
                text(id),
                text(NONE_DECLARED),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        for m in a.de_minimis_declared.iter().flatten() {
            m_rows.push(vec![
                text(id),
                text(&m.grantor),
                Cell::Date(m.granted_on.clone()),
                Cell::Number(m.amount.euros_f64()),
                text(&enum_str(&m.regulation)),
            ]);
        }
        for x in &d.project.actions {
            act_rows.push(vec![
                text(id),
                text(&x.title),
                text(&x.description),
                opt(&x.public),
                opt(&x.territory),
                opt(&x.public_service_obligations),
            ]);
        }
        for o in &d.dashboard.objectives {
            o_rows.push(vec![
                text(id),
                text(&o.id),
                text(&o.priority),
                text(&o.title),
            ]);
            for i in &o.indicators {
                let mut row = vec![
                    text(id),
                    text(&o.id),
                    text(&i.id),
                    text(&i.label),
                    text(&enum_str(&i.kind)),
                    opt(&i.unit),
                    i.baseline.as_ref().map(target_cell).unwrap_or(Cell::Empty),
                    opt(&i.source),
                    opt(&i.definition),
                    i.measure
                        .map(|m| text(&enum_str(&m)))
                        .unwrap_or(Cell::Empty),
                    i.baseline_year
                        .map(|y| Cell::Number(f64::from(y)))
                        .unwrap_or(Cell::Empty),
                    i.direction
                        .map(|d| text(&enum_str(&d)))
                        .unwrap_or(Cell::Empty),
                ];
                for y in &all_years {
                    row.push(i.targets.get(y).map(target_cell).unwrap_or(Cell::Empty));
                }
                i_rows.push(row);
            }
        }
        for (list, choice) in [(&c.clauses.add, ADDED), (&c.clauses.remove, REMOVED)] {
            for cl in list {
                c_rows.push(vec![text(id), text(cl), text(choice)]);
            }
        }
    }
    let mut ind_headers = headers(IND_COLS);
    for y in &all_years {
        ind_headers.push((format!("{TARGET_PREFIX}{y}"), Kind::Text));
    }
    vec![
        Table {
            name: ASSOCIATIONS.into(),
            headers: headers(ASSOC_COLS),
            rows: a_rows,
        },
        Table {
            name: FINANCEMENTS.into(),
            headers: headers(FIN_COLS),
            rows: f_rows,
        },
        Table {
            name: EN_NATURE.into(),
            headers: headers(INKIND_COLS),
            rows: k_rows,
        },
        Table {
            name: DE_MINIMIS.into(),
            headers: headers(DEMIN_COLS),
            rows: m_rows,
        },
        Table {
            name: ACTIONS.into(),
            headers: headers(ACTION_COLS),
            rows: act_rows,
        },
        Table {
            name: OBJECTIFS.into(),
            headers: headers(OBJ_COLS),
            rows: o_rows,
        },
        Table {
            name: INDICATEURS.into(),
            headers: ind_headers,
            rows: i_rows,
        },
        Table {
            name: CLAUSES.into(),
            headers: headers(CLAUSE_COLS),
            rows: c_rows,
        },
    ]
}

// ---------------------------------------------------------------- import

/// A row « aucune » of « Aides de minimis » (see [`NONE_DECLARED`]): its id,
/// if it says nothing else.
fn declared_none(r: &RowRef, id: Option<String>, e: &mut Errors) -> Option<String> {
    for h in ["Date d'octroi", "Montant (€)", "Règlement"] {
        if let Some(v) = r.opt_text(h) {
            e.push(
                r.at(h),
                &v,
                "une ligne « aucune » déclare qu'aucune aide de minimis n'a été reçue : elle n'a ni date, ni montant, ni règlement",
                "videz cette cellule, ou écrivez l'autorité qui a octroyé l'aide à la place de « aucune »",
            );
        }
    }
    id
}

/// One declared de minimis aid of « Aides de minimis », every error pushed.
fn declared_aid(r: &RowRef, e: &mut Errors) -> Option<DeclaredAid> {
    let grantor = r.required("Autorité", e, "l'autorité qui a octroyé l'aide");
    let granted_on = r.date("Date d'octroi", e);
    if granted_on.is_none() && r.opt_id("Date d'octroi").is_none() {
        e.push(
            r.at("Date d'octroi"),
            "",
            "la date d'octroi manque",
            "saisissez la date d'octroi de l'aide",
        );
    }
    let amount = r.amount("Montant (€)", e);
    if amount.is_none() && r.opt_text("Montant (€)").is_none() {
        e.push(
            r.at("Montant (€)"),
            "",
            "le montant manque",
            "saisissez le montant en équivalent-subvention brut",
        );
    }
    let regulation = r
        .choice::<DeMinimisKind>("Règlement", e, &["general", "agricole", "sieg"])
        .unwrap_or_default();
    Some(DeclaredAid {
        grantor,
        granted_on: granted_on?,
        amount: amount?,
        regulation,
    })
}

/// Collects located errors while reading the tables.
struct Errors<'a> {
    file: &'a Path,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn push(&mut self, at: String, value: &str, what: &str, fix: &str) {
        let msg = if value.is_empty() {
            format!("{at} : {what}")
        } else {
            format!("{at} : « {value} » : {what}")
        };
        self.list.push(
            Diagnostic::error(msg)
                .code("ECH-007")
                .in_file(self.file)
                .at_path(at)
                .with_hint(fix.to_string()),
        );
    }
}

/// A sheet with its columns found by header.
struct Sheet<'t> {
    t: &'t ReadTable,
    cols: BTreeMap<String, usize>,
}

/// A row of a sheet, for reading cells by header.
struct RowRef<'s, 't> {
    s: &'s Sheet<'t>,
    n: usize,
    cells: &'t [Cell],
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Date(s) => s.clone(),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
    }
}

impl<'s, 't> RowRef<'s, 't> {
    fn col(&self, h: &str) -> usize {
        self.s.cols[h]
    }
    fn at(&self, h: &str) -> String {
        cell_ref(&self.s.t.name, self.col(h), self.n)
    }
    fn cell(&self, h: &str) -> &'t Cell {
        // An optional column may be absent from the sheet: its cells are empty.
        self.s
            .cols
            .get(h)
            .and_then(|&i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }
    /// Free text as written (`None` when empty).
    fn opt_text(&self, h: &str) -> Option<String> {
        match self.cell(h) {
            Cell::Empty => None,
            c => Some(cell_text(c)),
        }
    }
    /// An identifier: trimmed text, a number written without decimals.
    fn opt_id(&self, h: &str) -> Option<String> {
        self.opt_text(h)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }
    fn required(&self, h: &str, e: &mut Errors, what: &str) -> String {
        match self.opt_text(h) {
            Some(s) => s,
            None => {
                e.push(
                    self.at(h),
                    "",
                    &format!("la cellule « {h} » est vide"),
                    &format!("saisissez {what} : charta n'invente pas une donnée absente"),
                );
                String::new()
            }
        }
    }
    fn number(&self, h: &str, e: &mut Errors, what: &str) -> Option<f64> {
        match self.cell(h) {
            Cell::Empty => None,
            Cell::Number(n) => Some(*n),
            c => {
                let raw = cell_text(c);
                let norm: String = raw
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
                    .collect::<String>()
                    .replace(',', ".");
                match norm.parse::<f64>() {
                    Ok(n) if n.is_finite() => Some(n),
                    _ => {
                        e.push(
                            self.at(h),
                            &raw,
                            &format!("{what} attendu, ce n'est pas un nombre"),
                            "saisissez un nombre seul (45000 ou 45000,50), sans texte ni symbole €",
                        );
                        None
                    }
                }
            }
        }
    }
    fn amount(&self, h: &str, e: &mut Errors) -> Option<Amount> {
        let n = self.number(h, e, "un montant en euros")?;
        let cents = n * 100.0;
        if n < 0.0 || (cents - cents.round()).abs() > 1e-6 {
            e.push(
                self.at(h),
                &cell_text(self.cell(h)),
                "un montant est positif, en euros et centimes (deux décimales au plus)",
                "arrondissez au centime",
            );
            return None;
        }
        Some(Amount(cents.round() as i64))
    }
    fn year(&self, h: &str, e: &mut Errors) -> Option<String> {
        let raw = self.opt_id(h);
        match raw.as_deref().map(str::parse::<i32>) {
            Some(Ok(y)) if (1900..=2200).contains(&y) => Some(y.to_string()),
            None => {
                e.push(
                    self.at(h),
                    "",
                    "l'année manque",
                    "saisissez l'année sur quatre chiffres (2026)",
                );
                None
            }
            _ => {
                e.push(
                    self.at(h),
                    raw.as_deref().unwrap_or(""),
                    "ce n'est pas une année",
                    "saisissez l'année sur quatre chiffres (2026)",
                );
                None
            }
        }
    }
    fn date(&self, h: &str, e: &mut Errors) -> Option<String> {
        let raw = self.opt_id(h)?;
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        let fr = time::macros::format_description!("[day]/[month]/[year]");
        if let Ok(d) = time::Date::parse(&raw, &fmt) {
            return Some(format!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            ));
        }
        if let Ok(d) = time::Date::parse(&raw, &fr) {
            return Some(format!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            ));
        }
        e.push(
            self.at(h),
            &raw,
            "ce n'est pas une date existante",
            "saisissez une date (2026-02-10 ou 10/02/2026)",
        );
        None
    }
    fn choice<T: DeserializeOwned>(&self, h: &str, e: &mut Errors, allowed: &[&str]) -> Option<T> {
        let raw = self.opt_id(h)?;
        match serde_json::from_value(serde_json::Value::String(raw.clone())) {
            Ok(v) => Some(v),
            Err(_) => {
                e.push(
                    self.at(h),
                    &raw,
                    "valeur inconnue",
                    &format!("choisissez parmi : {}", allowed.join(", ")),
                );
                None
            }
        }
    }
}

impl<'t> Sheet<'t> {
    fn rows(&self) -> impl Iterator<Item = RowRef<'_, 't>> {
        self.t.rows.iter().map(move |(n, cells)| RowRef {
            s: self,
            n: *n,
            cells,
        })
    }
}

fn find_sheet<'t>(
    tables: &'t [ReadTable],
    name: &str,
    cols: &[(&str, Kind)],
    required: bool,
    e: &mut Errors,
) -> Option<Sheet<'t>> {
    let Some(t) = tables.iter().find(|t| t.name == name) else {
        if required {
            e.push(
                format!("{name}!A1"),
                "",
                &format!("la feuille « {name} » manque"),
                "repartez d'un classeur écrit par `charta export xlsx`",
            );
        }
        return None;
    };
    let mut map = BTreeMap::new();
    for (i, h) in t.headers.iter().enumerate() {
        if !h.is_empty() {
            map.insert(h.clone(), i);
        }
    }
    let mut ok = true;
    for (h, _) in cols {
        if !map.contains_key(*h) && !OPTIONAL_COLUMNS.contains(h) {
            ok = false;
            e.push(
                cell_ref(name, t.headers.len(), 1),
                "",
                &format!("la colonne « {h} » manque"),
                "rétablissez l'en-tête exact en ligne 1 (celui de `charta export xlsx`)",
            );
        }
    }
    ok.then_some(Sheet { t, cols: map })
}

/// Reads the tables back into association files, keyed by id, with every error.
pub fn from_tables(
    tables: &[ReadTable],
    file: &Path,
    known_clauses: &BTreeSet<String>,
) -> Result<BTreeMap<String, AssociationFile>, Vec<Diagnostic>> {
    let mut e = Errors {
        file,
        list: Vec::new(),
    };
    let assoc = find_sheet(tables, ASSOCIATIONS, ASSOC_COLS, true, &mut e);
    let fin = find_sheet(tables, FINANCEMENTS, FIN_COLS, true, &mut e);
    let kind = find_sheet(tables, EN_NATURE, INKIND_COLS, false, &mut e);
    let demin = find_sheet(tables, DE_MINIMIS, DEMIN_COLS, false, &mut e);
    let act = find_sheet(tables, ACTIONS, ACTION_COLS, true, &mut e);
    let obj = find_sheet(tables, OBJECTIFS, OBJ_COLS, true, &mut e);
    let ind = find_sheet(tables, INDICATEURS, IND_COLS, true, &mut e);
    let cla = find_sheet(tables, CLAUSES, CLAUSE_COLS, false, &mut e);
    let (Some(assoc), Some(fin), Some(act), Some(obj), Some(ind)) = (assoc, fin, act, obj, ind)
    else {
        return Err(e.list);
    };

    // Associations, with the row of each (for errors about the whole association).
    let mut out: BTreeMap<String, (usize, AssociationFile)> = BTreeMap::new();
    let mut years_of: BTreeMap<String, (String, Vec<i32>)> = BTreeMap::new();
    for r in assoc.rows() {
        let Some(id) = r.opt_id(ID) else {
            e.push(
                r.at(ID),
                "",
                "l'identifiant manque",
                "saisissez l'identifiant de l'association (le nom de son fichier, sans .json)",
            );
            continue;
        };
        if out.contains_key(&id) {
            e.push(
                r.at(ID),
                &id,
                "cet identifiant est déjà sur une autre ligne",
                "une association par ligne : supprimez le doublon",
            );
            continue;
        }
        let siret = r.required("SIRET", &mut e, "le SIRET (14 chiffres)");
        if !siret.is_empty()
            && let Err(p) = ids::check_siret(&siret)
        {
            let what = match p {
                ids::SiretProblem::NotDigits => "un SIRET ne contient que des chiffres".to_string(),
                ids::SiretProblem::Length(n) => format!("un SIRET a 14 chiffres, celui-ci en a {n}"),
                ids::SiretProblem::Luhn | ids::SiretProblem::SirenLuhn => {
                    "la clé de contrôle du SIRET est fausse (Luhn) : un chiffre est erroné ou inversé".to_string()
                }
            };
            e.push(r.at("SIRET"), &siret, &what, "recopiez le SIRET depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr");
        }
        let rna = r.opt_id("RNA");
        if let Some(x) = &rna
            && !ids::rna_ok(x)
        {
            e.push(r.at("RNA"), x, "un numéro RNA est W suivi de 9 chiffres", "recopiez-le du récépissé de déclaration, ou laissez la cellule vide (association de droit local)");
        }
        let postcode = r.required("Code postal", &mut e, "le code postal");
        let postcode_ok = postcode.len() == 5 && postcode.bytes().all(|b| b.is_ascii_digit());
        if !postcode.is_empty() && !postcode_ok {
            e.push(
                r.at("Code postal"),
                &postcode,
                "un code postal a cinq chiffres",
                "saisissez-le comme texte (01000, pas 1000)",
            );
        }
        let years_raw = r.opt_id("Convention : années").unwrap_or_default();
        let mut years = Vec::new();
        for y in years_raw.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
            match y.parse::<i32>() {
                Ok(v) => years.push(v),
                Err(_) => e.push(
                    r.at("Convention : années"),
                    &years_raw,
                    "liste d'années attendue",
                    "saisissez les années séparées par des virgules (2026, 2027, 2028)",
                ),
            }
        }
        if years.is_empty() && years_raw.is_empty() {
            e.push(
                r.at("Convention : années"),
                "",
                "les années de la convention manquent",
                "saisissez les années séparées par des virgules (2026, 2027, 2028)",
            );
        }
        let iban = r.opt_id("IBAN");
        let bic = r.opt_id("BIC");
        let bank = match (iban, bic) {
            (Some(iban), Some(bic)) => Some(Bank { iban, bic }),
            (None, None) => None,
            (Some(_), None) => {
                e.push(
                    r.at("BIC"),
                    "",
                    "l'IBAN est saisi mais pas le BIC",
                    "saisissez les deux, ou aucun",
                );
                None
            }
            (None, Some(_)) => {
                e.push(
                    r.at("IBAN"),
                    "",
                    "le BIC est saisi mais pas l'IBAN",
                    "saisissez les deux, ou aucun",
                );
                None
            }
        };
        let cer_deemed = r
            .choice::<CerBasis>("CER présumé : fondement", &mut e, &["rup", "agrement"])
            .map(|basis| CerDeemed {
                basis,
                reference: r.required(
                    "CER présumé : acte",
                    &mut e,
                    "l'acte qui fonde la présomption",
                ),
            });
        let register = r
            .opt_text("Registre : tribunal")
            .map(|court| LocalRegister {
                court,
                volume: r.opt_id("Registre : volume"),
                folio: r.opt_id("Registre : folio"),
                number: r.opt_id("Registre : numéro"),
            });
        let kind = r.choice::<ConventionKind>(
            "Convention : nature",
            &mut e,
            &["cpo", "annuelle", "cadre"],
        );
        if kind.is_none() && r.opt_id("Convention : nature").is_none() {
            e.push(
                r.at("Convention : nature"),
                "",
                "la nature de la convention manque",
                "choisissez parmi : cpo, annuelle, cadre",
            );
        }
        let regime = r.choice::<Regime>(
            "Régime",
            &mut e,
            &["non-economic", "de-minimis", "de-minimis-agricole", "sieg"],
        );
        if regime.is_none() && r.opt_id("Régime").is_none() {
            e.push(
                r.at("Régime"),
                "",
                "le régime d'aides d'État manque",
                "choisissez parmi : non-economic, de-minimis, de-minimis-agricole, sieg",
            );
        }
        let payment = r
            .number("Avance (%)", &mut e, "un pourcentage")
            .map(|advance_percent| Payment { advance_percent });
        let decision_date = r.date("Décision : date", &mut e);
        if decision_date.is_none() && r.opt_id("Décision : date").is_none() {
            e.push(
                r.at("Décision : date"),
                "",
                "la date de la délibération manque",
                "saisissez la date de la décision qui autorise la signature",
            );
        }
        let agri = match r.opt_id("Production agricole primaire").as_deref() {
            None | Some("non") => false,
            Some("oui") => true,
            Some(x) => {
                e.push(
                    r.at("Production agricole primaire"),
                    x,
                    "valeur inconnue",
                    "saisissez oui ou non",
                );
                false
            }
        };
        let sieg_basis = r.choice::<SiegBasis>(
            "SIEG : fondement",
            &mut e,
            &["decision-2012-21", "reglement-2023-2832"],
        );
        let sieg_profit = r.number("SIEG : bénéfice raisonnable (%)", &mut e, "un pourcentage");
        let sieg = sieg_basis.map(|basis| SiegTerms {
            basis,
            costs: PerYear::new(),
            revenues: PerYear::new(),
            reasonable_profit_percent: sieg_profit.unwrap_or_else(|| {
                e.push(
                    r.at("SIEG : bénéfice raisonnable (%)"),
                    "",
                    "le bénéfice raisonnable manque",
                    "saisissez 0 si aucun bénéfice n'est admis",
                );
                0.0
            }),
        });
        let data = AssociationFile {
            schema: None,
            association: Association {
                name: r.required("Nom", &mut e, "la dénomination statutaire"),
                acronym: r.opt_text("Sigle"),
                legal_form: r.required("Forme juridique", &mut e, "la forme juridique"),
                rna,
                siret,
                address: Address {
                    street: r.required("Adresse", &mut e, "le numéro et la voie"),
                    postcode,
                    city: r.required("Commune", &mut e, "la commune"),
                },
                representative: Person {
                    civility: r.required("Représentant : civilité", &mut e, "« M. » ou « Mme »"),
                    name: r.required("Représentant : nom", &mut e, "le prénom et le nom"),
                    role: r.required("Représentant : qualité", &mut e, "la qualité (présidente…)"),
                },
                bank,
                cer_signed_on: r.date("CER souscrit le", &mut e),
                cer_deemed,
                register,
                other_public_subsidies: None,
                de_minimis_declared: None,
            },
            convention: Convention {
                kind: kind.unwrap_or(ConventionKind::Cpo),
                reference: r.required(
                    "Convention : référence",
                    &mut e,
                    "la référence de la convention",
                ),
                years: years.clone(),
                regime: regime.unwrap_or(Regime::NonEconomic),
                funding: None,
                eligible_cost: None,
                payment,
                decision: Decision {
                    body: r.required("Décision : instance", &mut e, "l'instance qui a délibéré"),
                    date: decision_date.unwrap_or_default(),
                    number: r.required("Décision : numéro", &mut e, "le numéro de la délibération"),
                },
                signature: Signature {
                    place: r.required("Signature : lieu", &mut e, "le lieu de signature"),
                    date: r.date("Signature : date", &mut e),
                },
                clauses: ClauseChoice::default(),
                unspent: r.choice::<Unspent>(
                    "Part non consommée",
                    &mut e,
                    &["keep-reasonable", "repay"],
                ),
                in_kind: Vec::new(),
                court: r.opt_text("Juridiction"),
                sieg,
                primary_agriculture: agri,
                amendments: Vec::new(),
            },
            project: Project {
                title: r.required("Projet : intitulé", &mut e, "l'intitulé du projet"),
                summary: r.required("Projet : présentation", &mut e, "la présentation du projet"),
                actions: Vec::new(),
            },
            dashboard: Dashboard {
                objectives: Vec::new(),
            },
        };
        years_of.insert(id.clone(), (r.at("Convention : années"), years));
        out.insert(id, (r.n, data));
    }

    // A row of another sheet must name an association of the first sheet.
    let ids: BTreeSet<String> = out.keys().cloned().collect();
    let known = |r: &RowRef, e: &mut Errors| -> Option<String> {
        let id = r.opt_id(ID);
        match id {
            Some(id) if ids.contains(&id) => Some(id),
            Some(id) => {
                e.push(
                    r.at(ID),
                    &id,
                    "aucune association de ce nom dans la feuille « Associations »",
                    "corrigez l'identifiant, ou ajoutez l'association dans « Associations »",
                );
                None
            }
            None => {
                e.push(
                    r.at(ID),
                    "",
                    "l'identifiant manque",
                    "saisissez l'identifiant de l'association",
                );
                None
            }
        }
    };
    let mut maps: BTreeMap<String, [PerYear<Amount>; 5]> = BTreeMap::new();
    let mut seen_year: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut contribution_at: BTreeMap<(String, String), String> = BTreeMap::new();
    let errors_before_fin = e.list.len();
    for r in fin.rows() {
        let id = known(&r, &mut e);
        let year = r.year("Année", &mut e);
        let (Some(id), Some(year)) = (id, year) else {
            continue;
        };
        if let Some(first) = seen_year.insert((id.clone(), year.clone()), r.at("Année")) {
            e.push(
                r.at("Année"),
                &year,
                &format!("l'année {year} de {id} est déjà sur la ligne de {first}"),
                "une ligne par association et par année : fusionnez-les",
            );
            continue;
        }
        contribution_at.insert((id.clone(), year.clone()), r.at("Contribution (€)"));
        let m = maps.entry(id).or_default();
        for (i, h) in [
            "Contribution (€)",
            "Coût éligible (€)",
            "Autres subventions publiques (€)",
            "SIEG : charges (€)",
            "SIEG : produits (€)",
        ]
        .iter()
        .enumerate()
        {
            if let Some(a) = r.amount(h, &mut e) {
                m[i].insert(year.clone(), a);
            }
        }
    }
    let fin_errors = e.list.len() > errors_before_fin;
    for (id, (row, data)) in out.iter_mut() {
        let m = maps.remove(id).unwrap_or_default();
        let [funding, eligible, other, costs, revenues] = m;
        let (years_at, years) = &years_of[id];
        if !funding.is_empty() {
            for y in years {
                let key = (id.clone(), y.to_string());
                if funding.contains_key(&key.1) {
                    continue;
                }
                match contribution_at.get(&key) {
                    // A cell that does not read is already reported.
                    Some(_) if fin_errors => {}
                    Some(at) => e.push(at.clone(), "", &format!("la contribution de l'année {y}, année de la convention, manque"), &format!("saisissez la contribution {y} de {id}")),
                    None => e.push(years_at.clone(), &y.to_string(), &format!("l'année {y} de la convention n'a pas de ligne dans « {FINANCEMENTS} »"), &format!("ajoutez dans « {FINANCEMENTS} » une ligne {id}, {y} avec sa contribution, ou retirez {y} des années")),
                }
            }
        }
        data.convention.funding = (!funding.is_empty()).then_some(funding);
        data.convention.eligible_cost = (!eligible.is_empty()).then_some(eligible);
        data.association.other_public_subsidies = (!other.is_empty()).then_some(other);
        match &mut data.convention.sieg {
            Some(s) => {
                s.costs = costs;
                s.revenues = revenues;
            }
            None if !costs.is_empty() || !revenues.is_empty() => {
                e.push(
                    cell_ref(ASSOCIATIONS, assoc.cols["SIEG : fondement"], *row),
                    "",
                    "des charges ou produits SIEG sont saisis mais pas le fondement",
                    "choisissez decision-2012-21 ou reglement-2023-2832",
                );
            }
            None => {}
        }
    }

    if let Some(k) = &kind {
        let mut groups: BTreeMap<(String, i64), InKind> = BTreeMap::new();
        for r in k.rows() {
            let id = known(&r, &mut e);
            let n = r.number("N°", &mut e, "un numéro d'aide");
            let year = r.year("Année", &mut e);
            let value = r.amount("Valeur (€)", &mut e);
            let desc = r.required("Description", &mut e, "ce qui est mis à disposition");
            if value.is_none() && r.opt_text("Valeur (€)").is_none() {
                e.push(
                    r.at("Valeur (€)"),
                    "",
                    "la valeur manque",
                    "saisissez la valeur de l'aide en nature pour cette année",
                );
            }
            let (Some(id), Some(n), Some(year), Some(value)) = (id, n, year, value) else {
                continue;
            };
            let g = groups.entry((id, n as i64)).or_insert_with(|| InKind {
                description: desc.clone(),
                values: PerYear::new(),
            });
            if g.description != desc {
                e.push(
                    r.at("Description"),
                    &desc,
                    &format!("l'aide n° {n} a une autre description sur une ligne précédente"),
                    "une même aide garde la même description ; changez le N° pour une autre aide",
                );
            }
            g.values.insert(year, value);
        }
        for ((id, _), g) in groups {
            if let Some((_, d)) = out.get_mut(&id) {
                d.convention.in_kind.push(g);
            }
        }
    }
    if let Some(m) = &demin {
        let mut declared: BTreeMap<String, Vec<DeclaredAid>> = BTreeMap::new();
        let mut none_at: BTreeMap<String, String> = BTreeMap::new();
        for r in m.rows() {
            let id = known(&r, &mut e);
            if r.opt_id("Autorité")
                .is_some_and(|a| a.eq_ignore_ascii_case(NONE_DECLARED))
            {
                if let Some(id) = declared_none(&r, id, &mut e) {
                    none_at.insert(id.clone(), r.at("Autorité"));
                    declared.entry(id).or_default();
                }
                continue;
            }
            if let (Some(id), Some(aid)) = (id, declared_aid(&r, &mut e)) {
                declared.entry(id).or_default().push(aid);
            }
        }
        for (id, aids) in declared {
            if let Some(at) = none_at.get(&id).filter(|_| !aids.is_empty()) {
                e.push(
                    at.clone(),
                    NONE_DECLARED,
                    "l'association a déclaré à la fois aucune aide de minimis et des aides sur d'autres lignes",
                    "gardez la ligne « aucune » seule, ou supprimez-la et gardez une ligne par aide",
                );
            }
            out.get_mut(&id)
                .expect("known")
                .1
                .association
                .de_minimis_declared = Some(aids);
        }
    }
    for r in act.rows() {
        let id = known(&r, &mut e);
        let a = Action {
            title: r.required("Intitulé", &mut e, "l'intitulé de l'action"),
            description: r.required("Description", &mut e, "la description de l'action"),
            public: r.opt_text("Public"),
            territory: r.opt_text("Territoire"),
            public_service_obligations: r.opt_text(PSO),
        };
        if let Some(id) = id {
            out.get_mut(&id).expect("known").1.project.actions.push(a);
        }
    }
    for r in obj.rows() {
        let id = known(&r, &mut e);
        let oid = r.opt_id("Objectif");
        if oid.is_none() {
            e.push(
                r.at("Objectif"),
                "",
                "l'identifiant de l'objectif manque",
                "saisissez un identifiant (O1, O2…)",
            );
        }
        let o = Objective {
            id: oid.clone().unwrap_or_default(),
            priority: r
                .required(
                    "Priorité",
                    &mut e,
                    "l'identifiant de la priorité du financeur (P1…)",
                )
                .trim()
                .to_string(),
            title: r.required("Intitulé", &mut e, "l'intitulé de l'objectif"),
            indicators: Vec::new(),
        };
        if let (Some(id), Some(oid)) = (id, oid) {
            let d = &mut out.get_mut(&id).expect("known").1;
            if d.dashboard.objectives.iter().any(|x| x.id == oid) {
                e.push(
                    r.at("Objectif"),
                    &oid,
                    &format!("l'objectif {oid} de {id} est déjà sur une autre ligne"),
                    "donnez à chaque objectif son identifiant",
                );
                continue;
            }
            d.dashboard.objectives.push(o);
        }
    }
    let target_cols: Vec<(String, usize)> = ind
        .t
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            h.strip_prefix(TARGET_PREFIX)
                .map(|y| (y.trim().to_string(), i))
        })
        .collect();
    for (y, i) in &target_cols {
        if y.parse::<i32>().is_err() {
            e.push(
                cell_ref(INDICATEURS, *i, 1),
                &format!("{TARGET_PREFIX}{y}"),
                "l'en-tête d'une colonne de cibles est « Cible » suivi de l'année",
                "corrigez l'en-tête (Cible 2026)",
            );
        }
    }
    let mut ind_ids: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in ind.rows() {
        let id = known(&r, &mut e);
        let oid = r.opt_id("Objectif");
        let iid = r.opt_id("Indicateur");
        if iid.is_none() {
            e.push(
                r.at("Indicateur"),
                "",
                "l'identifiant de l'indicateur manque",
                "saisissez un identifiant (O1-I1…)",
            );
        }
        let kind = r.choice::<IndicatorType>("Type", &mut e, &["quantitative", "qualitative"]);
        if kind.is_none() && r.opt_id("Type").is_none() {
            e.push(
                r.at("Type"),
                "",
                "le type de l'indicateur manque",
                "choisissez parmi : quantitative, qualitative",
            );
        }
        let read_target = |c: &Cell, at: String, e: &mut Errors| -> Option<Target> {
            match (c, kind) {
                (Cell::Empty, _) => None,
                (Cell::Number(n), _) => Some(Target::Number(*n)),
                (c, Some(IndicatorType::Quantitative)) => {
                    let raw = cell_text(c);
                    let norm: String = raw
                        .chars()
                        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
                        .collect::<String>()
                        .replace(',', ".");
                    match norm.parse::<f64>() {
                        Ok(n) if n.is_finite() => Some(Target::Number(n)),
                        _ => {
                            e.push(
                                at,
                                &raw,
                                "un indicateur quantitatif a une cible chiffrée",
                                "saisissez un nombre, ou passez l'indicateur en qualitative",
                            );
                            None
                        }
                    }
                }
                (c, _) => Some(Target::Text(cell_text(c))),
            }
        };
        let measure = r.choice::<Measure>("Nature de la cible", &mut e, &["flow", "stock"]);
        let direction = r.choice::<Direction>("Sens", &mut e, &["up", "down"]);
        let baseline_year = r
            .opt_id("Année de référence")
            .and_then(|_| r.year("Année de référence", &mut e))
            .and_then(|y| y.parse::<i32>().ok());
        let baseline = read_target(
            r.cell("Valeur de référence"),
            r.at("Valeur de référence"),
            &mut e,
        );
        let mut targets = PerYear::new();
        for (y, i) in &target_cols {
            let c = r.cells.get(*i).unwrap_or(&Cell::Empty);
            if let Some(t) = read_target(c, cell_ref(INDICATEURS, *i, r.n), &mut e) {
                targets.insert(y.clone(), t);
            }
        }
        let (Some(id), Some(oid), Some(iid), Some(kind)) = (id, oid.clone(), iid, kind) else {
            if oid.is_none() {
                e.push(
                    r.at("Objectif"),
                    "",
                    "l'objectif de l'indicateur manque",
                    "saisissez l'identifiant d'un objectif de la feuille « Objectifs » (O1…)",
                );
            }
            continue;
        };
        if let Some(first) = ind_ids.insert((id.clone(), iid.clone()), r.at("Indicateur")) {
            e.push(
                r.at("Indicateur"),
                &iid,
                &format!("l'indicateur {iid} de {id} est déjà en {first}"),
                "donnez à chaque indicateur son identifiant",
            );
            continue;
        }
        let (_, years) = &years_of[&id];
        for y in years {
            let ys = y.to_string();
            if !targets.contains_key(&ys) {
                let at = match target_cols.iter().find(|(cy, _)| *cy == ys) {
                    Some((_, i)) => cell_ref(INDICATEURS, *i, r.n),
                    None => cell_ref(INDICATEURS, ind.t.headers.len(), 1),
                };
                e.push(at, "", &format!("la cible de l'indicateur {iid} pour {y}, année de la convention, manque"), &format!("saisissez la cible {y} (ajoutez la colonne « {TARGET_PREFIX}{y} » s'il n'y en a pas)"));
            }
        }
        let d = &mut out.get_mut(&id).expect("known").1;
        let Some(o) = d.dashboard.objectives.iter_mut().find(|o| o.id == oid) else {
            e.push(r.at("Objectif"), &oid, &format!("l'indicateur {iid} renvoie à un objectif inconnu : {id} n'a pas d'objectif {oid} dans « {OBJECTIFS} »"), &format!("corrigez l'objectif, ou ajoutez l'objectif {oid} dans « {OBJECTIFS} »"));
            continue;
        };
        o.indicators.push(Indicator {
            id: iid,
            label: r.required("Libellé", &mut e, "le libellé de l'indicateur"),
            kind,
            unit: r.opt_text("Unité"),
            definition: r.opt_text("Définition"),
            measure,
            baseline,
            baseline_year,
            targets,
            source: r.opt_text("Source"),
            direction,
        });
    }
    if let Some(c) = &cla {
        for r in c.rows() {
            let id = known(&r, &mut e);
            let clause = r.opt_id("Clause");
            let choice = r.opt_id("Choix");
            if let Some(cl) = &clause
                && !known_clauses.is_empty()
                && !known_clauses.contains(cl)
            {
                let near = known_clauses.iter().max_by(|a, b| {
                    strsim::jaro_winkler(cl, a).total_cmp(&strsim::jaro_winkler(cl, b))
                });
                e.push(
                    r.at("Clause"),
                    cl,
                    "aucune clause de ce nom dans la bibliothèque",
                    &match near {
                        Some(n) => {
                            format!("vouliez-vous dire « {n} » ? (`charta clauses` les liste)")
                        }
                        None => "`charta clauses` liste les clauses".to_string(),
                    },
                );
                continue;
            }
            if clause.is_none() {
                e.push(
                    r.at("Clause"),
                    "",
                    "l'identifiant de la clause manque",
                    "`charta clauses` liste les clauses",
                );
            }
            let (Some(id), Some(cl)) = (id, clause) else {
                continue;
            };
            let d = &mut out.get_mut(&id).expect("known").1;
            match choice.as_deref() {
                Some(ADDED) => d.convention.clauses.add.push(cl),
                Some(REMOVED) => d.convention.clauses.remove.push(cl),
                other => e.push(
                    r.at("Choix"),
                    other.unwrap_or(""),
                    "choix inconnu",
                    &format!("saisissez {ADDED} ou {REMOVED}"),
                ),
            }
        }
    }
    if e.list.is_empty() {
        Ok(out.into_iter().map(|(k, (_, d))| (k, d)).collect())
    } else {
        Err(e.list)
    }
}

/// For each association of a workbook: id, file, change, new JSON text.
pub type Plan = Vec<(String, PathBuf, Change, String)>;

/// What an import does to one association file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Created,
    /// The changed JSON paths.
    Modified(Vec<String>),
    Unchanged,
    /// Signed convention whose data differs: its file is left as it is.
    RefusedSigned(Vec<String>),
}

/// Leaf paths where two JSON values differ.
pub fn changed_paths(old: &serde_json::Value, new: &serde_json::Value) -> Vec<String> {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: String, out: &mut Vec<String>) {
        use serde_json::Value::{Array, Null, Object};
        match (a, b) {
            (Object(x), Object(y)) => {
                let keys: BTreeSet<&std::string::String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(x.get(k).unwrap_or(&Null), y.get(k).unwrap_or(&Null), p, out);
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => {
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    walk(u, v, format!("{path}[{i}]"), out);
                }
            }
            _ if a != b => out.push(path),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(old, new, String::new(), &mut out);
    out
}

/// The plan of an import into a programme's `associations/` folder: for each
/// association of the workbook, the file, the change, and the new JSON text.
pub fn plan(
    dir: &Path,
    imported: &BTreeMap<String, AssociationFile>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (id, new) in imported {
        let path = dir.join(format!("{id}.json"));
        let old = path.exists().then(|| {
            std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    serde_json::from_str::<AssociationFile>(&t).map_err(|e| e.to_string())
                })
        });
        // The workbook does not carry the avenants (`convention.amendments`):
        // those of the existing file are kept as they are.
        let mut new = new.clone();
        if let Some(Ok(old)) = &old {
            new.convention.amendments = old.convention.amendments.clone();
        }
        let new_v = serde_json::to_value(&new).expect("serialises");
        let text = serde_json::to_string_pretty(&new).expect("serialises") + "\n";
        let change = if let Some(old) = old {
            match old {
                Err(err) => {
                    errors.push(
                        Diagnostic::error(format!("{id} : le fichier existant ne se lit pas ({err}) ; l'import ne l'écrase pas")).code("ECH-008")
                            .in_file(&path)
                            .with_hint("corrigez ou déplacez ce fichier (`charta check`), puis relancez l'import"),
                    );
                    continue;
                }
                Ok(old) => {
                    let paths =
                        changed_paths(&serde_json::to_value(&old).expect("serialises"), &new_v);
                    if paths.is_empty() {
                        Change::Unchanged
                    } else if old
                        .convention
                        .signature
                        .date
                        .as_deref()
                        .is_some_and(|d| !d.trim().is_empty())
                    {
                        Change::RefusedSigned(paths)
                    } else {
                        Change::Modified(paths)
                    }
                }
            }
        } else {
            Change::Created
        };
        out.push((id.clone(), path, change, text));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
