//! Association files to and from a workbook: the sheets, their French headers,
//! and the import with every error located as a spreadsheet user finds it
//! (« Indicateurs!F12 », the value, what is wrong, the fix).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::sheet::{Cell, Kind, ReadTable, Table, cell_ref};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::ids;
use crate::model::*;
use crate::tr;

pub mod budget;

pub const ASSOCIATIONS: &str = "Associations";
pub const FINANCEMENTS: &str = "Financements";
pub const EN_NATURE: &str = "Aides en nature";
pub const DE_MINIMIS: &str = "Aides de minimis";
pub const ACTIONS: &str = "Actions";
pub const OBJECTIFS: &str = "Objectifs";
pub const INDICATEURS: &str = "Indicateurs";
pub const CLAUSES: &str = "Clauses";

const ID: &str = "Identifiant";

/// One column of a sheet after « Identifiant »: its header, how its cells are
/// written (text, identifier, number, date), and the cell of one row of an
/// association file. `R` says which row: `()` for the one row of an
/// association, a year, an index into a list… The import reads the same
/// headers ([`find_sheet`] requires them all, save [`OPTIONAL_COLUMNS`]).
struct Col<R> {
    header: &'static str,
    kind: Kind,
    write: fn(&AssociationFile, &R) -> Cell,
}

const fn col<R>(
    header: &'static str,
    kind: Kind,
    write: fn(&AssociationFile, &R) -> Cell,
) -> Col<R> {
    Col {
        header,
        kind,
        write,
    }
}

/// « Associations »: one row per association.
const ASSOC_COLS: &[Col<()>] = &[
    col("Nom", Kind::Text, |d, _| text(&d.association.name)),
    col("Sigle", Kind::Text, |d, _| opt(&d.association.acronym)),
    col("Forme juridique", Kind::Text, |d, _| {
        text(&d.association.legal_form)
    }),
    col("RNA", Kind::Id, |d, _| opt(&d.association.rna)),
    col("SIRET", Kind::Id, |d, _| text(&d.association.siret)),
    col("Adresse", Kind::Text, |d, _| {
        text(&d.association.address.street)
    }),
    col("Code postal", Kind::Id, |d, _| {
        text(&d.association.address.postcode)
    }),
    col("Commune", Kind::Text, |d, _| {
        text(&d.association.address.city)
    }),
    col("Représentant : civilité", Kind::Text, |d, _| {
        text(&d.association.representative.civility)
    }),
    col("Représentant : nom", Kind::Text, |d, _| {
        text(&d.association.representative.name)
    }),
    col("Représentant : qualité", Kind::Text, |d, _| {
        text(&d.association.representative.role)
    }),
    col("IBAN", Kind::Id, |d, _| {
        some(d.association.bank.as_ref(), |b| text(&b.iban))
    }),
    col("BIC", Kind::Id, |d, _| {
        some(d.association.bank.as_ref(), |b| text(&b.bic))
    }),
    col("CER souscrit le", Kind::Date, |d, _| {
        date(&d.association.cer_signed_on)
    }),
    col("CER présumé : fondement", Kind::Id, |d, _| {
        some(d.association.cer_deemed.as_ref(), |x| {
            text(&enum_str(&x.basis))
        })
    }),
    col("CER présumé : acte", Kind::Text, |d, _| {
        some(d.association.cer_deemed.as_ref(), |x| text(&x.reference))
    }),
    col("Registre : tribunal", Kind::Text, |d, _| {
        some(d.association.register.as_ref(), |r| text(&r.court))
    }),
    col("Registre : volume", Kind::Id, |d, _| {
        some(d.association.register.as_ref(), |r| opt(&r.volume))
    }),
    col("Registre : folio", Kind::Id, |d, _| {
        some(d.association.register.as_ref(), |r| opt(&r.folio))
    }),
    col("Registre : numéro", Kind::Id, |d, _| {
        some(d.association.register.as_ref(), |r| opt(&r.number))
    }),
    col(ELECTED, Kind::Text, |d, _| {
        text(&elected_text(&d.association.elected_board_members))
    }),
    col(budget::CLOSING, Kind::Id, |d, _| budget::closing_cell(d)),
    col("Convention : nature", Kind::Id, |d, _| {
        text(d.convention.kind.as_str())
    }),
    col("Convention : référence", Kind::Id, |d, _| {
        text(&d.convention.reference)
    }),
    col("Convention : années", Kind::Id, |d, _| {
        let years: Vec<String> = d.convention.years.iter().map(i32::to_string).collect();
        text(&years.join(", "))
    }),
    col("Régime", Kind::Id, |d, _| {
        text(&enum_str(&d.convention.regime))
    }),
    col("Avance (%)", Kind::Number, |d, _| {
        some(d.convention.payment.as_ref(), |p| {
            Cell::Number(p.advance_percent)
        })
    }),
    col("Décision : instance", Kind::Text, |d, _| {
        text(&d.convention.decision.body)
    }),
    col("Décision : date", Kind::Date, |d, _| {
        Cell::Date(d.convention.decision.date.clone())
    }),
    col("Décision : numéro", Kind::Id, |d, _| {
        text(&d.convention.decision.number)
    }),
    col("Signature : lieu", Kind::Text, |d, _| {
        text(&d.convention.signature.place)
    }),
    col("Signature : date", Kind::Date, |d, _| {
        date(&d.convention.signature.date)
    }),
    col("Part non consommée", Kind::Id, |d, _| {
        some(d.convention.unspent.as_ref(), |u| text(&enum_str(u)))
    }),
    col("Juridiction", Kind::Text, |d, _| opt(&d.convention.court)),
    col("Production agricole primaire", Kind::Id, |d, _| {
        text(if d.convention.primary_agriculture {
            "oui"
        } else {
            "non"
        })
    }),
    col("SIEG : fondement", Kind::Id, |d, _| {
        some(d.convention.sieg.as_ref(), |s| text(&enum_str(&s.basis)))
    }),
    col("SIEG : bénéfice raisonnable (%)", Kind::Number, |d, _| {
        some(d.convention.sieg.as_ref(), |s| {
            Cell::Number(s.reasonable_profit_percent)
        })
    }),
    col("Projet : intitulé", Kind::Text, |d, _| {
        text(&d.project.title)
    }),
    col("Projet : présentation", Kind::Text, |d, _| {
        text(&d.project.summary)
    }),
];

/// « Financements »: one row per year that any per-year amount mentions.
const FIN_COLS: &[Col<String>] = &[
    col("Année", Kind::Number, |_, y| year_cell(y)),
    col("Contribution (€)", Kind::Number, |d, y| {
        amount(d.convention.funding.as_ref().and_then(|m| m.get(y)))
    }),
    col("Coût éligible (€)", Kind::Number, |d, y| {
        amount(d.convention.eligible_cost.as_ref().and_then(|m| m.get(y)))
    }),
    col(
        "Autres subventions publiques (€)",
        Kind::Number,
        |d, y| {
            amount(
                d.association
                    .other_public_subsidies
                    .as_ref()
                    .and_then(|m| m.get(y)),
            )
        },
    ),
    col("SIEG : charges (€)", Kind::Number, |d, y| {
        amount(d.convention.sieg.as_ref().and_then(|s| s.costs.get(y)))
    }),
    col("SIEG : produits (€)", Kind::Number, |d, y| {
        amount(d.convention.sieg.as_ref().and_then(|s| s.revenues.get(y)))
    }),
];

/// The amount columns of « Financements », in the order of [`Funding`].
const FIN_AMOUNTS: [&str; 5] = [
    "Contribution (€)",
    "Coût éligible (€)",
    "Autres subventions publiques (€)",
    "SIEG : charges (€)",
    "SIEG : produits (€)",
];

/// « Aides en nature »: one row per aid (its index) and year.
const INKIND_COLS: &[Col<(usize, String)>] = &[
    col("N°", Kind::Number, |_, (n, _)| {
        Cell::Number((n + 1) as f64)
    }),
    col("Description", Kind::Text, |d, (n, _)| {
        text(&d.convention.in_kind[*n].description)
    }),
    col("Année", Kind::Number, |_, (_, y)| year_cell(y)),
    col("Valeur (€)", Kind::Number, |d, (n, y)| {
        amount(d.convention.in_kind[*n].values.get(y))
    }),
];

/// « Autorité » of the one row of « Aides de minimis » that says the
/// association declared it received none (no row: nothing declared).
pub const NONE_DECLARED: &str = "aucune";

/// « Aides de minimis »: one row per declared aid (its index), or one row
/// « aucune » (`None`) when the association declared none.
const DEMIN_COLS: &[Col<Option<usize>>] = &[
    col("Autorité", Kind::Text, |d, i| match i {
        Some(i) => text(&declared(d)[*i].grantor),
        None => text(NONE_DECLARED),
    }),
    col("Date d'octroi", Kind::Date, |d, i| {
        some(i.as_ref(), |i| {
            Cell::Date(declared(d)[*i].granted_on.clone())
        })
    }),
    col("Montant (€)", Kind::Number, |d, i| {
        some(i.as_ref(), |i| {
            Cell::Number(declared(d)[*i].amount.euros_f64())
        })
    }),
    col("Règlement", Kind::Id, |d, i| {
        some(i.as_ref(), |i| text(&enum_str(&declared(d)[*i].regulation)))
    }),
];

/// The de minimis aids an association declared (none when it declared nothing).
fn declared(d: &AssociationFile) -> &[DeclaredAid] {
    d.association.de_minimis_declared.as_deref().unwrap_or(&[])
}

/// The public-service obligations of an action (SIEG): a column a workbook
/// written before it existed may lack.
const PSO: &str = "Obligations de service public";

/// Columns added after the first version of the workbook: optional on import.
const OPTIONAL_COLUMNS: &[&str] = &[PSO, ELECTED, budget::CLOSING];

/// The élus on the association's board, one cell: « M. A (representant) ; Mme B (personnel) ».
const ELECTED: &str = "Élus du financeur siégeant (representant ou personnel)";

fn elected_text(members: &[crate::model::ElectedMember]) -> String {
    members
        .iter()
        .map(|m| format!("{} ({})", m.name, enum_str(&m.capacity)))
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The élus of [`ELECTED`], each « name (capacity) »; a capacity other than
/// `representant` or `personnel` is an error.
fn elected_of(r: &RowRef, e: &mut Errors) -> Vec<crate::model::ElectedMember> {
    let Some(cell) = r.opt_text(ELECTED) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let parsed = part
            .strip_suffix(')')
            .and_then(|p| p.rsplit_once('('))
            .and_then(|(name, cap)| {
                let cap = serde_json::Value::String(cap.trim().to_string());
                Some(crate::model::ElectedMember {
                    name: name.trim().to_string(),
                    capacity: serde_json::from_value(cap).ok()?,
                })
            });
        match parsed {
            Some(m) => out.push(m),
            None => e.invalid(
                r.at(ELECTED),
                part,
                tr!("élu illisible", "unreadable élu"),
                tr!(
                    "écrivez «\u{a0}M. Prénom Nom (representant)\u{a0}» ou «\u{a0}(personnel)\u{a0}», séparés par «\u{a0};\u{a0}»",
                    "write \"M. First Last (representant)\" or \"(personnel)\", separated by \";\""
                ),
            ),
        }
    }
    out
}

/// « Actions »: one row per action (its index).
const ACTION_COLS: &[Col<usize>] = &[
    col("Intitulé", Kind::Text, |d, i| {
        text(&d.project.actions[*i].title)
    }),
    col("Description", Kind::Text, |d, i| {
        text(&d.project.actions[*i].description)
    }),
    col("Public", Kind::Text, |d, i| {
        opt(&d.project.actions[*i].public)
    }),
    col("Territoire", Kind::Text, |d, i| {
        opt(&d.project.actions[*i].territory)
    }),
    col(PSO, Kind::Text, |d, i| {
        opt(&d.project.actions[*i].public_service_obligations)
    }),
];

/// « Objectifs »: one row per objective (its index).
const OBJ_COLS: &[Col<usize>] = &[
    col("Objectif", Kind::Id, |d, o| {
        text(&d.dashboard.objectives[*o].id)
    }),
    col("Priorité", Kind::Id, |d, o| {
        text(&d.dashboard.objectives[*o].priority)
    }),
    col("Intitulé", Kind::Text, |d, o| {
        text(&d.dashboard.objectives[*o].title)
    }),
];

/// « Indicateurs »: one row per indicator (objective and indicator indexes),
/// then one column « Cible <année> » per year of any convention or target.
const IND_COLS: &[Col<(usize, usize)>] = &[
    col("Objectif", Kind::Id, |d, (o, _)| {
        text(&d.dashboard.objectives[*o].id)
    }),
    col("Indicateur", Kind::Id, |d, oi| text(&indicator(d, oi).id)),
    col("Libellé", Kind::Text, |d, oi| {
        text(&indicator(d, oi).label)
    }),
    col("Type", Kind::Id, |d, oi| {
        text(&enum_str(&indicator(d, oi).kind))
    }),
    col("Unité", Kind::Text, |d, oi| opt(&indicator(d, oi).unit)),
    col("Valeur de référence", Kind::Text, |d, oi| {
        some(indicator(d, oi).baseline.as_ref(), target_cell)
    }),
    col("Source", Kind::Text, |d, oi| opt(&indicator(d, oi).source)),
    col("Définition", Kind::Text, |d, oi| {
        opt(&indicator(d, oi).definition)
    }),
    col("Nature de la cible", Kind::Id, |d, oi| {
        some(indicator(d, oi).measure.as_ref(), |m| text(&enum_str(m)))
    }),
    col("Année de référence", Kind::Number, |d, oi| {
        some(indicator(d, oi).baseline_year, |y| {
            Cell::Number(f64::from(y))
        })
    }),
    col("Sens", Kind::Id, |d, oi| {
        some(indicator(d, oi).direction.as_ref(), |x| text(&enum_str(x)))
    }),
];

fn indicator<'d>(d: &'d AssociationFile, (o, i): &(usize, usize)) -> &'d Indicator {
    &d.dashboard.objectives[*o].indicators[*i]
}

/// « Clauses »: one row per clause added or removed, with the choice.
const CLAUSE_COLS: &[Col<(String, &'static str)>] = &[
    col("Clause", Kind::Id, |_, (cl, _)| text(cl)),
    col("Choix", Kind::Id, |_, (_, choice)| text(choice)),
];

const ADDED: &str = "ajoutée";
const REMOVED: &str = "retirée";
const TARGET_PREFIX: &str = "Cible ";

/// The headers of a sheet: « Identifiant », then its columns.
fn headers<R>(cols: &[Col<R>]) -> Vec<(String, Kind)> {
    std::iter::once((ID.to_string(), Kind::Id))
        .chain(cols.iter().map(|c| (c.header.to_string(), c.kind)))
        .collect()
}

/// The header names of a sheet, as the import requires them.
fn names<R>(cols: &[Col<R>]) -> Vec<&'static str> {
    std::iter::once(ID)
        .chain(cols.iter().map(|c| c.header))
        .collect()
}

/// The cells of one row: the association's id, then each column.
fn row<R>(cols: &[Col<R>], id: &str, d: &AssociationFile, r: &R) -> Vec<Cell> {
    std::iter::once(text(id))
        .chain(cols.iter().map(|c| (c.write)(d, r)))
        .collect()
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

/// The cell of an optional value, empty when there is none.
fn some<T>(v: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
    v.map(cell).unwrap_or(Cell::Empty)
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

/// A year key as a number cell (as text if it is not a number).
fn year_cell(y: &str) -> Cell {
    y.parse::<f64>()
        .map(Cell::Number)
        .unwrap_or_else(|_| text(y))
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

/// Every year of a set of association files: of a convention or of a target.
fn all_years(assocs: &[(String, AssociationFile)]) -> Vec<String> {
    let mut all: BTreeSet<String> = BTreeSet::new();
    for (_, d) in assocs {
        all.extend(d.convention.years.iter().map(i32::to_string));
        for o in &d.dashboard.objectives {
            for i in &o.indicators {
                all.extend(i.targets.keys().cloned());
            }
        }
    }
    all.into_iter().collect()
}

/// The years of « Financements » for one association: every year any per-year
/// amount mentions.
fn funding_years(d: &AssociationFile) -> BTreeSet<String> {
    let (a, c) = (&d.association, &d.convention);
    let mut years: BTreeSet<String> = BTreeSet::new();
    years.extend(c.funding.iter().flat_map(|m| m.keys().cloned()));
    years.extend(c.eligible_cost.iter().flat_map(|m| m.keys().cloned()));
    years.extend(
        a.other_public_subsidies
            .iter()
            .flat_map(|m| m.keys().cloned()),
    );
    if let Some(s) = &c.sieg {
        years.extend(s.costs.keys().cloned());
        years.extend(s.revenues.keys().cloned());
    }
    years
}

/// The rows of « Aides de minimis »: no row, no declaration; one row
/// « aucune », none declared; else one row per aid.
fn de_minimis_rows(d: &AssociationFile) -> Vec<Option<usize>> {
    match &d.association.de_minimis_declared {
        Some(list) if list.is_empty() => vec![None],
        Some(list) => (0..list.len()).map(Some).collect(),
        None => Vec::new(),
    }
}

/// The rows of « Aides en nature »: each aid, each of its years.
fn in_kind_rows(d: &AssociationFile) -> Vec<(usize, String)> {
    let aids = d.convention.in_kind.iter().enumerate();
    aids.flat_map(|(n, k)| k.values.keys().map(move |y| (n, y.clone())))
        .collect()
}

/// The rows of « Clauses »: the clauses added, then those removed.
fn clause_rows(d: &AssociationFile) -> Vec<(String, &'static str)> {
    let c = &d.convention.clauses;
    let added = c.add.iter().map(|cl| (cl.clone(), ADDED));
    added
        .chain(c.remove.iter().map(|cl| (cl.clone(), REMOVED)))
        .collect()
}

/// The rows of « Indicateurs »: the columns, then the target of each year.
fn indicator_rows(id: &str, d: &AssociationFile, years: &[String]) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for (o, obj) in d.dashboard.objectives.iter().enumerate() {
        for (i, ind) in obj.indicators.iter().enumerate() {
            let mut cells = row(IND_COLS, id, d, &(o, i));
            cells.extend(years.iter().map(|y| some(ind.targets.get(y), target_cell)));
            rows.push(cells);
        }
    }
    rows
}

/// One sheet: its rows for every association, from the rows of each.
fn sheet<R>(
    name: &str,
    cols: &[Col<R>],
    assocs: &[(String, AssociationFile)],
    rows_of: impl Fn(&AssociationFile) -> Vec<R>,
) -> Table {
    let rows = assocs
        .iter()
        .flat_map(|(id, d)| {
            rows_of(d)
                .into_iter()
                .map(|r| row(cols, id, d, &r))
                .collect::<Vec<_>>()
        })
        .collect();
    Table {
        name: name.into(),
        headers: headers(cols),
        rows,
    }
}

/// The tables of a set of association files, in the order given.
pub fn to_tables(assocs: &[(String, AssociationFile)]) -> Vec<Table> {
    let years = all_years(assocs);
    let mut ind_headers = headers(IND_COLS);
    for y in &years {
        ind_headers.push((format!("{TARGET_PREFIX}{y}"), Kind::Text));
    }
    let indicators = Table {
        name: INDICATEURS.into(),
        headers: ind_headers,
        rows: assocs
            .iter()
            .flat_map(|(id, d)| indicator_rows(id, d, &years))
            .collect(),
    };
    vec![
        sheet(ASSOCIATIONS, ASSOC_COLS, assocs, |_| vec![()]),
        sheet(FINANCEMENTS, FIN_COLS, assocs, |d| {
            funding_years(d).into_iter().collect()
        }),
        budget::table(assocs),
        sheet(EN_NATURE, INKIND_COLS, assocs, in_kind_rows),
        sheet(DE_MINIMIS, DEMIN_COLS, assocs, de_minimis_rows),
        sheet(ACTIONS, ACTION_COLS, assocs, |d| {
            (0..d.project.actions.len()).collect()
        }),
        sheet(OBJECTIFS, OBJ_COLS, assocs, |d| {
            (0..d.dashboard.objectives.len()).collect()
        }),
        indicators,
        sheet(CLAUSES, CLAUSE_COLS, assocs, clause_rows),
    ]
}
// ---------------------------------------------------------------- import

/// Collects located errors while reading the tables. Each kind of problem has
/// its code (see `docs/diagnostics.md`, ECH).
struct Errors<'a> {
    file: &'a Path,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn push(&mut self, code: Code, at: String, value: &str, what: Text, fix: Text) {
        self.list.push(super::sheet::cell_error(
            code, self.file, at, value, what, fix,
        ));
    }
    /// A cell whose value does not read: not a number, a date, a known choice…
    fn invalid(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_007, at, value, what, fix);
    }
    /// A required cell left empty.
    fn missing(&mut self, at: String, what: Text, fix: Text) {
        self.push(Code::ECH_020, at, "", what, fix);
    }
    /// A sheet, a column or a header the workbook lacks or misspells.
    fn structure(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_021, at, value, what, fix);
    }
    /// A SIRET, RNA number or postcode that cannot be right.
    fn bad_id(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_022, at, value, what, fix);
    }
    /// The same association, year, objective or indicator on two rows.
    fn duplicate(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_023, at, value, what, fix);
    }
    /// A row that names an association, objective or clause that does not exist.
    fn unknown(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_024, at, value, what, fix);
    }
    /// Cells that contradict each other.
    fn inconsistent(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_025, at, value, what, fix);
    }
    /// A year of the convention without its contribution or target.
    fn uncovered(&mut self, at: String, value: &str, what: Text, fix: Text) {
        self.push(Code::ECH_026, at, value, what, fix);
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

/// A number written as text: spaces dropped, a decimal comma read as a point.
fn parse_number(raw: &str) -> Option<f64> {
    let norm: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect::<String>()
        .replace(',', ".");
    norm.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date written `2026-02-10` or `10/02/2026`, as ISO.
fn parse_date(raw: &str) -> Option<String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let fr = time::macros::format_description!("[day]/[month]/[year]");
    let d = time::Date::parse(raw, &fmt)
        .or_else(|_| time::Date::parse(raw, &fr))
        .ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        u8::from(d.month()),
        d.day()
    ))
}

const YEAR_FIX: (&str, &str) = (
    "saisissez l'année sur quatre chiffres (2026)",
    "enter the year in four digits (2026)",
);

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
    /// A cell that must be filled in; `what` says with what (French, English).
    fn required(&self, h: &str, e: &mut Errors, what: (&str, &str)) -> String {
        match self.opt_text(h) {
            Some(s) => s,
            None => {
                e.missing(
                    self.at(h),
                    tr!(
                        "la cellule «\u{a0}{}\u{a0}» est vide",
                        "cell \"{}\" is empty",
                        h
                    ),
                    Text::new(
                        format!(
                            "saisissez {}\u{a0}: charta n'invente pas une donnée absente",
                            what.0
                        ),
                        format!("enter {}: charta does not make up missing data", what.1),
                    ),
                );
                String::new()
            }
        }
    }
    /// A cell whose absence is reported by `missing` (what, fix) when its value
    /// did not read either (a value that does not read is already reported).
    fn present<T>(
        &self,
        h: &str,
        v: Option<T>,
        e: &mut Errors,
        missing: (Text, Text),
    ) -> Option<T> {
        if v.is_none() && self.opt_id(h).is_none() {
            e.missing(self.at(h), missing.0, missing.1);
        }
        v
    }
    /// An amount that must be given: `missing` (what, fix) when the cell is empty.
    fn required_amount(&self, h: &str, e: &mut Errors, missing: (Text, Text)) -> Option<Amount> {
        let v = self.amount(h, e);
        if v.is_none() && self.opt_text(h).is_none() {
            e.missing(self.at(h), missing.0, missing.1);
        }
        v
    }
    fn number(&self, h: &str, e: &mut Errors, what: (&str, &str)) -> Option<f64> {
        match self.cell(h) {
            Cell::Empty => None,
            Cell::Number(n) => Some(*n),
            c => {
                let raw = cell_text(c);
                let n = parse_number(&raw);
                if n.is_none() {
                    e.invalid(
                        self.at(h),
                        &raw,
                        Text::new(
                            format!("{} attendu, ce n'est pas un nombre", what.0),
                            format!("{} expected, this is not a number", what.1),
                        ),
                        tr!(
                            "saisissez un nombre seul (45000 ou 45000,50), sans texte ni symbole €",
                            "enter a number alone (45000 or 45000,50), without text or € sign"
                        ),
                    );
                }
                n
            }
        }
    }
    fn amount(&self, h: &str, e: &mut Errors) -> Option<Amount> {
        let n = self.number(h, e, ("un montant en euros", "an amount in euros"))?;
        let cents = n * 100.0;
        if n < 0.0 || (cents - cents.round()).abs() > 1e-6 {
            e.invalid(
                self.at(h),
                &cell_text(self.cell(h)),
                tr!(
                    "un montant est positif, en euros et centimes (deux décimales au plus)",
                    "an amount is positive, in euros and cents (two decimals at most)"
                ),
                tr!("arrondissez au centime", "round to the cent"),
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
                e.missing(
                    self.at(h),
                    tr!("l'année manque", "the year is missing"),
                    Text::new(YEAR_FIX.0, YEAR_FIX.1),
                );
                None
            }
            _ => {
                e.invalid(
                    self.at(h),
                    raw.as_deref().unwrap_or(""),
                    tr!("ce n'est pas une année", "this is not a year"),
                    Text::new(YEAR_FIX.0, YEAR_FIX.1),
                );
                None
            }
        }
    }
    fn date(&self, h: &str, e: &mut Errors) -> Option<String> {
        let raw = self.opt_id(h)?;
        let d = parse_date(&raw);
        if d.is_none() {
            e.invalid(
                self.at(h),
                &raw,
                tr!(
                    "ce n'est pas une date existante",
                    "this is not an existing date"
                ),
                tr!(
                    "saisissez une date (2026-02-10 ou 10/02/2026)",
                    "enter a date (2026-02-10 or 10/02/2026)"
                ),
            );
        }
        d
    }
    fn choice<T: DeserializeOwned>(&self, h: &str, e: &mut Errors, allowed: &[&str]) -> Option<T> {
        let raw = self.opt_id(h)?;
        match serde_json::from_value(serde_json::Value::String(raw.clone())) {
            Ok(v) => Some(v),
            Err(_) => {
                e.invalid(
                    self.at(h),
                    &raw,
                    tr!("valeur inconnue", "unknown value"),
                    choose(allowed),
                );
                None
            }
        }
    }
    /// A choice that must be made: `missing` says what is missing.
    fn required_choice<T: DeserializeOwned>(
        &self,
        h: &str,
        e: &mut Errors,
        allowed: &[&str],
        missing: Text,
    ) -> Option<T> {
        let v = self.choice(h, e, allowed);
        self.present(h, v, e, (missing, choose(allowed)))
    }
}

/// « choisissez parmi : … » the allowed values.
fn choose(allowed: &[&str]) -> Text {
    let list = allowed.join(", ");
    tr!("choisissez parmi\u{a0}: {}", "choose among: {}", list)
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

/// The sheet `name` with every header of `cols`; `None` when it lacks one, or
/// when it is absent (an error if it is `required`).
fn find_sheet<'t>(
    tables: &'t [ReadTable],
    name: &str,
    cols: &[&str],
    required: bool,
    e: &mut Errors,
) -> Option<Sheet<'t>> {
    let Some(t) = tables.iter().find(|t| t.name == name) else {
        if required {
            e.structure(
                format!("{name}!A1"),
                "",
                tr!(
                    "la feuille «\u{a0}{}\u{a0}» manque",
                    "sheet \"{}\" is missing",
                    name
                ),
                tr!(
                    "repartez d'un classeur écrit par `charta export xlsx`",
                    "start again from a workbook written by `charta export xlsx`"
                ),
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
    for h in cols {
        if !map.contains_key(*h) && !OPTIONAL_COLUMNS.contains(h) {
            ok = false;
            e.structure(
                cell_ref(name, t.headers.len(), 1),
                "",
                tr!(
                    "la colonne «\u{a0}{}\u{a0}» manque",
                    "column \"{}\" is missing",
                    h
                ),
                tr!(
                    "rétablissez l'en-tête exact en ligne 1 (celui de `charta export xlsx`)",
                    "restore the exact header in row 1 (as written by `charta export xlsx`)"
                ),
            );
        }
    }
    ok.then_some(Sheet { t, cols: map })
}

/// The sheets of a workbook, each with its required columns.
struct Sheets<'t> {
    assoc: Sheet<'t>,
    fin: Sheet<'t>,
    in_kind: Option<Sheet<'t>>,
    de_minimis: Option<Sheet<'t>>,
    actions: Sheet<'t>,
    objectives: Sheet<'t>,
    indicators: Sheet<'t>,
    clauses: Option<Sheet<'t>>,
}

/// Every sheet, or `None` when a required one is missing or lacks a column
/// (every such error is pushed).
fn open_sheets<'t>(tables: &'t [ReadTable], e: &mut Errors) -> Option<Sheets<'t>> {
    let assoc = find_sheet(tables, ASSOCIATIONS, &names(ASSOC_COLS), true, e);
    let fin = find_sheet(tables, FINANCEMENTS, &names(FIN_COLS), true, e);
    let in_kind = find_sheet(tables, EN_NATURE, &names(INKIND_COLS), false, e);
    let de_minimis = find_sheet(tables, DE_MINIMIS, &names(DEMIN_COLS), false, e);
    let actions = find_sheet(tables, ACTIONS, &names(ACTION_COLS), true, e);
    let objectives = find_sheet(tables, OBJECTIFS, &names(OBJ_COLS), true, e);
    let indicators = find_sheet(tables, INDICATEURS, &names(IND_COLS), true, e);
    let clauses = find_sheet(tables, CLAUSES, &names(CLAUSE_COLS), false, e);
    Some(Sheets {
        assoc: assoc?,
        fin: fin?,
        in_kind,
        de_minimis,
        actions: actions?,
        objectives: objectives?,
        indicators: indicators?,
        clauses,
    })
}

/// Reads the tables back into association files, keyed by id, with every error.
pub fn from_tables(
    tables: &[ReadTable],
    file: &Path,
    known_clauses: &BTreeSet<String>,
    funder: FunderKind,
) -> Result<BTreeMap<String, AssociationFile>, Vec<Diagnostic>> {
    let mut e = Errors {
        file,
        list: Vec::new(),
    };
    let Some(s) = open_sheets(tables, &mut e) else {
        return Err(e.list);
    };
    let mut read = read_associations(&s.assoc, &mut e);
    let known = Known(read.out.keys().cloned().collect());
    read_funding(&s, &known, &mut read, &mut e);
    budget::read(tables, &known, funder, &mut read, &mut e);
    if let Some(k) = &s.in_kind {
        read_in_kind(k, &known, &mut read, &mut e);
    }
    if let Some(m) = &s.de_minimis {
        read_de_minimis(m, &known, &mut read, &mut e);
    }
    read_actions(&s.actions, &known, &mut read, &mut e);
    read_objectives(&s.objectives, &known, &mut read, &mut e);
    read_indicators(&s.indicators, &known, &mut read, &mut e);
    if let Some(c) = &s.clauses {
        read_clauses(c, &known, known_clauses, &mut read, &mut e);
    }
    if e.list.is_empty() {
        Ok(read.out.into_iter().map(|(k, (_, d))| (k, d)).collect())
    } else {
        Err(e.list)
    }
}

/// What the import has read so far: each association with its row in
/// « Associations », and the years of its convention with the cell that gives them.
struct Read {
    out: BTreeMap<String, (usize, AssociationFile)>,
    years_of: BTreeMap<String, (String, Vec<i32>)>,
}

impl Read {
    fn data(&mut self, id: &str) -> &mut AssociationFile {
        &mut self.out.get_mut(id).expect("known").1
    }
}

/// « Associations »: one association file per row, every error pushed.
fn read_associations(sheet: &Sheet, e: &mut Errors) -> Read {
    let mut read = Read {
        out: BTreeMap::new(),
        years_of: BTreeMap::new(),
    };
    for r in sheet.rows() {
        let Some(id) = new_id(&r, &read, e) else {
            continue;
        };
        let (data, years) = association_row(&r, e);
        read.years_of
            .insert(id.clone(), (r.at("Convention : années"), years));
        read.out.insert(id, (r.n, data));
    }
    read
}

/// The id of a row of « Associations », if it is given and not already read.
fn new_id(r: &RowRef, read: &Read, e: &mut Errors) -> Option<String> {
    let Some(id) = r.opt_id(ID) else {
        e.missing(
            r.at(ID),
            tr!("l'identifiant manque", "the identifier is missing"),
            tr!(
                "saisissez l'identifiant de l'association (le nom de son fichier, sans .json)",
                "enter the association's identifier (its file name, without .json)"
            ),
        );
        return None;
    };
    if read.out.contains_key(&id) {
        e.duplicate(
            r.at(ID),
            &id,
            tr!(
                "cet identifiant est déjà sur une autre ligne",
                "this identifier is already on another row"
            ),
            tr!(
                "une association par ligne\u{a0}: supprimez le doublon",
                "one association per row: delete the duplicate"
            ),
        );
        return None;
    }
    Some(id)
}

/// One association file from its row, and the years of its convention (the
/// cells are read, and their errors pushed, in a fixed order).
fn association_row(r: &RowRef, e: &mut Errors) -> (AssociationFile, Vec<i32>) {
    let ids = identifiers(r, e);
    let years = convention_years(r, e);
    let bank = bank(r, e);
    let cer_deemed = r
        .choice::<CerBasis>("CER présumé : fondement", e, &["rup", "agrement"])
        .map(|basis| CerDeemed {
            basis,
            reference: r.required(
                "CER présumé : acte",
                e,
                (
                    "l'acte qui fonde la présomption",
                    "the act the presumption rests on",
                ),
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
    let terms = terms(r, e, years.clone());
    let association = association(r, e, ids, bank, cer_deemed, register);
    let convention = convention(r, e, terms);
    let project = Project {
        title: r.required(
            "Projet : intitulé",
            e,
            ("l'intitulé du projet", "the project's title"),
        ),
        summary: r.required(
            "Projet : présentation",
            e,
            ("la présentation du projet", "the project's presentation"),
        ),
        actions: Vec::new(),
    };
    let data = AssociationFile {
        schema: None,
        association,
        convention,
        project,
        dashboard: Dashboard {
            objectives: Vec::new(),
        },
    };
    (data, years)
}

/// The SIRET, RNA number and postcode of a row, each checked.
struct Identifiers {
    siret: String,
    rna: Option<String>,
    postcode: String,
}

fn identifiers(r: &RowRef, e: &mut Errors) -> Identifiers {
    let siret = r.required(
        "SIRET",
        e,
        ("le SIRET (14 chiffres)", "the SIRET (14 digits)"),
    );
    if !siret.is_empty()
        && let Err(p) = ids::check_siret(&siret)
    {
        let what = match p {
            ids::SiretProblem::NotDigits => tr!(
                "un SIRET ne contient que des chiffres",
                "a SIRET has only digits"
            ),
            ids::SiretProblem::Length(n) => tr!(
                "un SIRET a 14 chiffres, celui-ci en a {}",
                "a SIRET has 14 digits, this one has {}",
                n
            ),
            ids::SiretProblem::Luhn | ids::SiretProblem::SirenLuhn => tr!(
                "la clé de contrôle du SIRET est fausse (Luhn)\u{a0}: un chiffre est erroné ou inversé",
                "the SIRET's check digit is wrong (Luhn): a digit is wrong or swapped"
            ),
        };
        e.bad_id(
            r.at("SIRET"),
            &siret,
            what,
            tr!(
                "recopiez le SIRET depuis l'avis de situation INSEE ou annuaire-entreprises.data.gouv.fr",
                "copy the SIRET from the INSEE notice or annuaire-entreprises.data.gouv.fr"
            ),
        );
    }
    let rna = r.opt_id("RNA");
    if let Some(x) = &rna
        && !ids::rna_ok(x)
    {
        e.bad_id(
            r.at("RNA"),
            x,
            tr!(
                "un numéro RNA est W suivi de 9 chiffres",
                "an RNA number is W followed by 9 digits"
            ),
            tr!(
                "recopiez-le du récépissé de déclaration, ou laissez la cellule vide (association de droit local)",
                "copy it from the declaration receipt, or leave the cell empty (local-law association)"
            ),
        );
    }
    let postcode = r.required("Code postal", e, ("le code postal", "the postcode"));
    let postcode_ok = postcode.len() == 5 && postcode.bytes().all(|b| b.is_ascii_digit());
    if !postcode.is_empty() && !postcode_ok {
        e.bad_id(
            r.at("Code postal"),
            &postcode,
            tr!(
                "un code postal a cinq chiffres",
                "a postcode has five digits"
            ),
            tr!(
                "saisissez-le comme texte (01000, pas 1000)",
                "enter it as text (01000, not 1000)"
            ),
        );
    }
    Identifiers {
        siret,
        rna,
        postcode,
    }
}

/// « Convention : années »: a list of years, separated by commas.
fn convention_years(r: &RowRef, e: &mut Errors) -> Vec<i32> {
    const H: &str = "Convention : années";
    let fix = || {
        tr!(
            "saisissez les années séparées par des virgules (2026, 2027, 2028)",
            "enter the years separated by commas (2026, 2027, 2028)"
        )
    };
    let years_raw = r.opt_id(H).unwrap_or_default();
    let mut years = Vec::new();
    for y in years_raw.split([',', ';', ' ']).filter(|s| !s.is_empty()) {
        match y.parse::<i32>() {
            Ok(v) => years.push(v),
            Err(_) => e.invalid(
                r.at(H),
                &years_raw,
                tr!("liste d'années attendue", "a list of years expected"),
                fix(),
            ),
        }
    }
    if years.is_empty() && years_raw.is_empty() {
        e.missing(
            r.at(H),
            tr!(
                "les années de la convention manquent",
                "the convention's years are missing"
            ),
            fix(),
        );
    }
    years
}

/// IBAN and BIC: both or neither.
fn bank(r: &RowRef, e: &mut Errors) -> Option<Bank> {
    let both = || tr!("saisissez les deux, ou aucun", "enter both, or neither");
    match (r.opt_id("IBAN"), r.opt_id("BIC")) {
        (Some(iban), Some(bic)) => Some(Bank { iban, bic }),
        (None, None) => None,
        (Some(_), None) => {
            e.inconsistent(
                r.at("BIC"),
                "",
                tr!(
                    "l'IBAN est saisi mais pas le BIC",
                    "the IBAN is given but not the BIC"
                ),
                both(),
            );
            None
        }
        (None, Some(_)) => {
            e.inconsistent(
                r.at("IBAN"),
                "",
                tr!(
                    "le BIC est saisi mais pas l'IBAN",
                    "the BIC is given but not the IBAN"
                ),
                both(),
            );
            None
        }
    }
}

/// The terms of a convention read before the rest of its row.
struct Terms {
    kind: Option<ConventionKind>,
    years: Vec<i32>,
    regime: Option<Regime>,
    payment: Option<Payment>,
    decision_date: Option<String>,
    primary_agriculture: bool,
    sieg: Option<SiegTerms>,
}

fn terms(r: &RowRef, e: &mut Errors, years: Vec<i32>) -> Terms {
    let kind = r.required_choice::<ConventionKind>(
        "Convention : nature",
        e,
        &["cpo", "annuelle", "cadre"],
        tr!(
            "la nature de la convention manque",
            "the kind of convention is missing"
        ),
    );
    let regime = r.required_choice::<Regime>(
        "Régime",
        e,
        &["non-economic", "de-minimis", "de-minimis-agricole", "sieg"],
        tr!(
            "le régime d'aides d'État manque",
            "the State aid regime is missing"
        ),
    );
    let payment = r
        .number("Avance (%)", e, ("un pourcentage", "a percentage"))
        .map(|advance_percent| Payment { advance_percent });
    let decision_date = r.date("Décision : date", e);
    let decision_date = r.present(
        "Décision : date",
        decision_date,
        e,
        (
            tr!(
                "la date de la délibération manque",
                "the date of the decision is missing"
            ),
            tr!(
                "saisissez la date de la décision qui autorise la signature",
                "enter the date of the decision that authorises the signature"
            ),
        ),
    );
    Terms {
        kind,
        years,
        regime,
        payment,
        decision_date,
        primary_agriculture: primary_agriculture(r, e),
        sieg: sieg(r, e),
    }
}

/// « Production agricole primaire »: oui or non (empty: non).
fn primary_agriculture(r: &RowRef, e: &mut Errors) -> bool {
    const H: &str = "Production agricole primaire";
    match r.opt_id(H).as_deref() {
        None | Some("non") => false,
        Some("oui") => true,
        Some(x) => {
            e.invalid(
                r.at(H),
                x,
                tr!("valeur inconnue", "unknown value"),
                tr!("saisissez oui ou non", "enter oui (yes) or non (no)"),
            );
            false
        }
    }
}

/// The SIEG terms: a basis, and then a reasonable profit.
fn sieg(r: &RowRef, e: &mut Errors) -> Option<SiegTerms> {
    const PROFIT: &str = "SIEG : bénéfice raisonnable (%)";
    let basis = r.choice::<SiegBasis>(
        "SIEG : fondement",
        e,
        &["decision-2012-21", "reglement-2023-2832"],
    );
    let profit = r.number(PROFIT, e, ("un pourcentage", "a percentage"));
    let basis = basis?;
    let reasonable_profit_percent = profit.unwrap_or_else(|| {
        e.missing(
            r.at(PROFIT),
            tr!(
                "le bénéfice raisonnable manque",
                "the reasonable profit is missing"
            ),
            tr!(
                "saisissez 0 si aucun bénéfice n'est admis",
                "enter 0 if no profit is allowed"
            ),
        );
        0.0
    });
    Some(SiegTerms {
        basis,
        costs: PerYear::new(),
        revenues: PerYear::new(),
        reasonable_profit_percent,
    })
}

fn association(
    r: &RowRef,
    e: &mut Errors,
    ids: Identifiers,
    bank: Option<Bank>,
    cer_deemed: Option<CerDeemed>,
    register: Option<LocalRegister>,
) -> Association {
    Association {
        name: r.required(
            "Nom",
            e,
            ("la dénomination statutaire", "the statutory name"),
        ),
        acronym: r.opt_text("Sigle"),
        legal_form: r.required(
            "Forme juridique",
            e,
            ("la forme juridique", "the legal form"),
        ),
        rna: ids.rna,
        siret: ids.siret,
        address: Address {
            street: r.required(
                "Adresse",
                e,
                ("le numéro et la voie", "the number and street"),
            ),
            postcode: ids.postcode,
            city: r.required("Commune", e, ("la commune", "the town")),
        },
        representative: Person {
            civility: r.required(
                "Représentant : civilité",
                e,
                ("«\u{a0}M.\u{a0}» ou «\u{a0}Mme\u{a0}»", "\"M.\" or \"Mme\""),
            ),
            name: r.required(
                "Représentant : nom",
                e,
                ("le prénom et le nom", "the first name and name"),
            ),
            role: r.required(
                "Représentant : qualité",
                e,
                ("la qualité (présidente…)", "the capacity (présidente…)"),
            ),
        },
        bank,
        cer_signed_on: r.date("CER souscrit le", e),
        cer_deemed,
        register,
        other_public_subsidies: None,
        de_minimis_declared: None,
        accounts: None,
        sources: BTreeMap::new(),
        fiscal_year_end: budget::closing(r, e),
        elected_board_members: elected_of(r, e),
    }
}

fn convention(r: &RowRef, e: &mut Errors, t: Terms) -> Convention {
    Convention {
        kind: t.kind.unwrap_or(ConventionKind::Cpo),
        reference: r.required(
            "Convention : référence",
            e,
            (
                "la référence de la convention",
                "the convention's reference",
            ),
        ),
        years: t.years,
        regime: t.regime.unwrap_or(Regime::NonEconomic),
        funding: None,
        eligible_cost: None,
        payment: t.payment,
        decision: Decision {
            body: r.required(
                "Décision : instance",
                e,
                ("l'instance qui a délibéré", "the body that decided"),
            ),
            date: t.decision_date.unwrap_or_default(),
            number: r.required(
                "Décision : numéro",
                e,
                ("le numéro de la délibération", "the decision's number"),
            ),
        },
        signature: Signature {
            place: r.required(
                "Signature : lieu",
                e,
                ("le lieu de signature", "the place of signature"),
            ),
            date: r.date("Signature : date", e),
        },
        clauses: ClauseChoice::default(),
        unspent: r.choice::<Unspent>("Part non consommée", e, &["keep-reasonable", "repay"]),
        in_kind: Vec::new(),
        court: r.opt_text("Juridiction"),
        sieg: t.sieg,
        primary_agriculture: t.primary_agriculture,
        amendments: Vec::new(),
        signatories: None,
        budget: None,
    }
}

/// The ids of « Associations »: a row of another sheet must name one of them.
struct Known(BTreeSet<String>);

impl Known {
    /// The association a row names, if it is one of « Associations ».
    fn id(&self, r: &RowRef, e: &mut Errors) -> Option<String> {
        match r.opt_id(ID) {
            Some(id) if self.0.contains(&id) => Some(id),
            Some(id) => {
                e.unknown(
                    r.at(ID),
                    &id,
                    tr!(
                        "aucune association de ce nom dans la feuille «\u{a0}Associations\u{a0}»",
                        "no association of this name in sheet \"Associations\""
                    ),
                    tr!(
                        "corrigez l'identifiant, ou ajoutez l'association dans «\u{a0}Associations\u{a0}»",
                        "correct the identifier, or add the association to \"Associations\""
                    ),
                );
                None
            }
            None => {
                e.missing(
                    r.at(ID),
                    tr!("l'identifiant manque", "the identifier is missing"),
                    tr!(
                        "saisissez l'identifiant de l'association",
                        "enter the association's identifier"
                    ),
                );
                None
            }
        }
    }
}

/// The amounts of « Financements » of one association, in the order of
/// [`FIN_AMOUNTS`]: funding, eligible cost, other public subsidies, SIEG costs
/// and revenues.
type Funding = [PerYear<Amount>; 5];

/// « Financements », then each association's per-year amounts, checked
/// against the years of its convention.
fn read_funding(sheets: &Sheets, known: &Known, read: &mut Read, e: &mut Errors) {
    let errors_before = e.list.len();
    let (mut maps, contribution_at) = funding_rows(&sheets.fin, known, e);
    let fin_errors = e.list.len() > errors_before;
    for (id, (row, data)) in read.out.iter_mut() {
        let m = maps.remove(id).unwrap_or_default();
        let [funding, eligible, other, costs, revenues] = m;
        if !funding.is_empty() {
            let (years_at, years) = &read.years_of[id];
            let cells = Cells {
                years_at,
                contribution_at: &contribution_at,
                fin_errors,
            };
            funding_covers_years(id, &funding, years, &cells, e);
        }
        let c = &mut data.convention;
        c.funding = (!funding.is_empty()).then_some(funding);
        c.eligible_cost = (!eligible.is_empty()).then_some(eligible);
        data.association.other_public_subsidies = (!other.is_empty()).then_some(other);
        match &mut data.convention.sieg {
            Some(s) => {
                s.costs = costs;
                s.revenues = revenues;
            }
            None if !costs.is_empty() || !revenues.is_empty() => e.inconsistent(
                cell_ref(ASSOCIATIONS, sheets.assoc.cols["SIEG : fondement"], *row),
                "",
                tr!(
                    "des charges ou produits SIEG sont saisis mais pas le fondement",
                    "SIEG costs or revenues are given but not the basis"
                ),
                tr!(
                    "choisissez decision-2012-21 ou reglement-2023-2832",
                    "choose decision-2012-21 or reglement-2023-2832"
                ),
            ),
            None => {}
        }
    }
}

/// The rows of « Financements »: the amounts of each association, and the
/// cell of each (association, year) contribution.
fn funding_rows(
    fin: &Sheet,
    known: &Known,
    e: &mut Errors,
) -> (
    BTreeMap<String, Funding>,
    BTreeMap<(String, String), String>,
) {
    let mut maps: BTreeMap<String, Funding> = BTreeMap::new();
    let mut seen_year: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut contribution_at: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in fin.rows() {
        let id = known.id(&r, e);
        let year = r.year("Année", e);
        let (Some(id), Some(year)) = (id, year) else {
            continue;
        };
        if let Some(first) = seen_year.insert((id.clone(), year.clone()), r.at("Année")) {
            e.duplicate(
                r.at("Année"),
                &year,
                tr!(
                    "l'année {} de {} est déjà sur la ligne de {}",
                    "year {} of {} is already on the row of {}",
                    year,
                    id,
                    first
                ),
                tr!(
                    "une ligne par association et par année\u{a0}: fusionnez-les",
                    "one row per association and year: merge them"
                ),
            );
            continue;
        }
        contribution_at.insert((id.clone(), year.clone()), r.at("Contribution (€)"));
        let m = maps.entry(id).or_default();
        for (i, h) in FIN_AMOUNTS.iter().enumerate() {
            if let Some(a) = r.amount(h, e) {
                m[i].insert(year.clone(), a);
            }
        }
    }
    (maps, contribution_at)
}

/// Where to report a year without its contribution: the years of the
/// convention, the contribution cell of each (association, year) row; nothing
/// about an empty cell when a cell of « Financements » did not read.
struct Cells<'a> {
    years_at: &'a str,
    contribution_at: &'a BTreeMap<(String, String), String>,
    fin_errors: bool,
}

/// Each year of a convention with a funding has its contribution.
fn funding_covers_years(
    id: &str,
    funding: &PerYear<Amount>,
    years: &[i32],
    cells: &Cells,
    e: &mut Errors,
) {
    let (years_at, contribution_at) = (cells.years_at, cells.contribution_at);
    for y in years {
        let key = (id.to_string(), y.to_string());
        if funding.contains_key(&key.1) {
            continue;
        }
        match contribution_at.get(&key) {
            // A cell that does not read is already reported.
            Some(_) if cells.fin_errors => {}
            Some(at) => e.uncovered(
                at.clone(),
                "",
                tr!(
                    "la contribution de l'année {}, année de la convention, manque",
                    "the contribution of {}, a year of the convention, is missing",
                    y
                ),
                tr!(
                    "saisissez la contribution {} de {}",
                    "enter the {} contribution of {}",
                    y,
                    id
                ),
            ),
            None => e.uncovered(
                years_at.to_string(),
                &y.to_string(),
                tr!(
                    "l'année {} de la convention n'a pas de ligne dans «\u{a0}{}\u{a0}»",
                    "year {} of the convention has no row in \"{}\"",
                    y,
                    FINANCEMENTS
                ),
                tr!(
                    "ajoutez dans «\u{a0}{}\u{a0}» une ligne {}, {} avec sa contribution, ou retirez {} des années",
                    "add to \"{}\" a row {}, {} with its contribution, or remove {} from the years",
                    FINANCEMENTS,
                    id,
                    y,
                    y
                ),
            ),
        }
    }
}

/// « Aides en nature »: the rows of one aid (same N°) grouped, one value a year.
fn read_in_kind(k: &Sheet, known: &Known, read: &mut Read, e: &mut Errors) {
    let mut groups: BTreeMap<(String, i64), InKind> = BTreeMap::new();
    for r in k.rows() {
        let id = known.id(&r, e);
        let n = r.number("N°", e, ("un numéro d'aide", "an aid number"));
        let year = r.year("Année", e);
        let value = r.amount("Valeur (€)", e);
        let desc = r.required(
            "Description",
            e,
            ("ce qui est mis à disposition", "what is made available"),
        );
        if value.is_none() && r.opt_text("Valeur (€)").is_none() {
            e.missing(
                r.at("Valeur (€)"),
                tr!("la valeur manque", "the value is missing"),
                tr!(
                    "saisissez la valeur de l'aide en nature pour cette année",
                    "enter the value of the aid in kind for this year"
                ),
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
            e.inconsistent(
                r.at("Description"),
                &desc,
                tr!(
                    "l'aide n°\u{a0}{} a une autre description sur une ligne précédente",
                    "aid no. {} has another description on a previous row",
                    n
                ),
                tr!(
                    "une même aide garde la même description\u{a0}; changez le N° pour une autre aide",
                    "an aid keeps the same description; change the N° for another aid"
                ),
            );
        }
        g.values.insert(year, value);
    }
    for ((id, _), g) in groups {
        if let Some((_, d)) = read.out.get_mut(&id) {
            d.convention.in_kind.push(g);
        }
    }
}

/// « Aides de minimis »: the aids each association declared, or « aucune ».
fn read_de_minimis(m: &Sheet, known: &Known, read: &mut Read, e: &mut Errors) {
    let mut declared: BTreeMap<String, Vec<DeclaredAid>> = BTreeMap::new();
    let mut none_at: BTreeMap<String, String> = BTreeMap::new();
    for r in m.rows() {
        let id = known.id(&r, e);
        if r.opt_id("Autorité")
            .is_some_and(|a| a.eq_ignore_ascii_case(NONE_DECLARED))
        {
            if let Some(id) = declared_none(&r, id, e) {
                none_at.insert(id.clone(), r.at("Autorité"));
                declared.entry(id).or_default();
            }
            continue;
        }
        if let (Some(id), Some(aid)) = (id, declared_aid(&r, e)) {
            declared.entry(id).or_default().push(aid);
        }
    }
    for (id, aids) in declared {
        if let Some(at) = none_at.get(&id).filter(|_| !aids.is_empty()) {
            e.inconsistent(
                at.clone(),
                NONE_DECLARED,
                tr!(
                    "l'association a déclaré à la fois aucune aide de minimis et des aides sur d'autres lignes",
                    "the association declared both no de minimis aid and aids on other rows"
                ),
                tr!(
                    "gardez la ligne «\u{a0}aucune\u{a0}» seule, ou supprimez-la et gardez une ligne par aide",
                    "keep the row \"aucune\" alone, or delete it and keep one row per aid"
                ),
            );
        }
        read.data(&id).association.de_minimis_declared = Some(aids);
    }
}

/// A row « aucune » of « Aides de minimis » (see [`NONE_DECLARED`]): its id,
/// if it says nothing else.
fn declared_none(r: &RowRef, id: Option<String>, e: &mut Errors) -> Option<String> {
    for h in ["Date d'octroi", "Montant (€)", "Règlement"] {
        if let Some(v) = r.opt_text(h) {
            e.inconsistent(
                r.at(h),
                &v,
                tr!(
                    "une ligne «\u{a0}aucune\u{a0}» déclare qu'aucune aide de minimis n'a été reçue\u{a0}: elle n'a ni date, ni montant, ni règlement",
                    "a row \"aucune\" declares that no de minimis aid was received: it has no date, amount or regulation"
                ),
                tr!(
                    "videz cette cellule, ou écrivez l'autorité qui a octroyé l'aide à la place de «\u{a0}aucune\u{a0}»",
                    "empty this cell, or write the authority that granted the aid instead of \"aucune\""
                ),
            );
        }
    }
    id
}

/// One declared de minimis aid of « Aides de minimis », every error pushed.
fn declared_aid(r: &RowRef, e: &mut Errors) -> Option<DeclaredAid> {
    let grantor = r.required(
        "Autorité",
        e,
        (
            "l'autorité qui a octroyé l'aide",
            "the authority that granted the aid",
        ),
    );
    let granted_on = r.date("Date d'octroi", e);
    let granted_on = r.present(
        "Date d'octroi",
        granted_on,
        e,
        (
            tr!("la date d'octroi manque", "the date of grant is missing"),
            tr!(
                "saisissez la date d'octroi de l'aide",
                "enter the date the aid was granted"
            ),
        ),
    );
    let amount = r.required_amount(
        "Montant (€)",
        e,
        (
            tr!("le montant manque", "the amount is missing"),
            tr!(
                "saisissez le montant en équivalent-subvention brut",
                "enter the amount in gross grant equivalent"
            ),
        ),
    );
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

/// « Actions »: the actions of each project, in row order.
fn read_actions(sheet: &Sheet, known: &Known, read: &mut Read, e: &mut Errors) {
    for r in sheet.rows() {
        let id = known.id(&r, e);
        let a = Action {
            title: r.required(
                "Intitulé",
                e,
                ("l'intitulé de l'action", "the action's title"),
            ),
            description: r.required(
                "Description",
                e,
                ("la description de l'action", "the action's description"),
            ),
            public: r.opt_text("Public"),
            territory: r.opt_text("Territoire"),
            public_service_obligations: r.opt_text(PSO),
        };
        if let Some(id) = id {
            read.data(&id).project.actions.push(a);
        }
    }
}

/// « Objectifs »: the objectives of each dashboard, each id once.
fn read_objectives(sheet: &Sheet, known: &Known, read: &mut Read, e: &mut Errors) {
    for r in sheet.rows() {
        let id = known.id(&r, e);
        let oid = r.opt_id("Objectif");
        if oid.is_none() {
            e.missing(
                r.at("Objectif"),
                tr!(
                    "l'identifiant de l'objectif manque",
                    "the objective's identifier is missing"
                ),
                tr!(
                    "saisissez un identifiant (O1, O2…)",
                    "enter an identifier (O1, O2…)"
                ),
            );
        }
        let o = Objective {
            id: oid.clone().unwrap_or_default(),
            priority: r
                .required(
                    "Priorité",
                    e,
                    (
                        "l'identifiant de la priorité du financeur (P1…)",
                        "the identifier of the funder's priority (P1…)",
                    ),
                )
                .trim()
                .to_string(),
            title: r.required(
                "Intitulé",
                e,
                ("l'intitulé de l'objectif", "the objective's title"),
            ),
            indicators: Vec::new(),
        };
        let (Some(id), Some(oid)) = (id, oid) else {
            continue;
        };
        let d = read.data(&id);
        if d.dashboard.objectives.iter().any(|x| x.id == oid) {
            e.duplicate(
                r.at("Objectif"),
                &oid,
                tr!(
                    "l'objectif {} de {} est déjà sur une autre ligne",
                    "objective {} of {} is already on another row",
                    oid,
                    id
                ),
                tr!(
                    "donnez à chaque objectif son identifiant",
                    "give each objective its own identifier"
                ),
            );
            continue;
        }
        d.dashboard.objectives.push(o);
    }
}

/// The target columns of « Indicateurs »: (year, column), each header checked.
fn target_columns(ind: &Sheet, e: &mut Errors) -> Vec<(String, usize)> {
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
            e.structure(
                cell_ref(INDICATEURS, *i, 1),
                &format!("{TARGET_PREFIX}{y}"),
                tr!(
                    "l'en-tête d'une colonne de cibles est «\u{a0}Cible\u{a0}» suivi de l'année",
                    "the header of a target column is \"Cible\" followed by the year"
                ),
                tr!(
                    "corrigez l'en-tête (Cible 2026)",
                    "correct the header (Cible 2026)"
                ),
            );
        }
    }
    target_cols
}

/// A target or baseline cell: a number for a quantitative indicator, else text.
fn read_target(
    c: &Cell,
    kind: Option<IndicatorType>,
    at: String,
    e: &mut Errors,
) -> Option<Target> {
    match (c, kind) {
        (Cell::Empty, _) => None,
        (Cell::Number(n), _) => Some(Target::Number(*n)),
        (c, Some(IndicatorType::Quantitative)) => {
            let raw = cell_text(c);
            let n = parse_number(&raw);
            if n.is_none() {
                e.invalid(
                    at,
                    &raw,
                    tr!(
                        "un indicateur quantitatif a une cible chiffrée",
                        "a quantitative indicator has a numeric target"
                    ),
                    tr!(
                        "saisissez un nombre, ou passez l'indicateur en qualitative",
                        "enter a number, or make the indicator qualitative"
                    ),
                );
            }
            n.map(Target::Number)
        }
        (c, _) => Some(Target::Text(cell_text(c))),
    }
}

/// « Indicateurs »: the indicators of each objective, with a target for every
/// year of the convention.
fn read_indicators(ind: &Sheet, known: &Known, read: &mut Read, e: &mut Errors) {
    let target_cols = target_columns(ind, e);
    let mut ind_ids: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in ind.rows() {
        let id = known.id(&r, e);
        let Some((oid, indicator)) = indicator_row(&r, &target_cols, e) else {
            continue;
        };
        let Some(id) = id else {
            continue;
        };
        let iid = indicator.id.clone();
        if let Some(first) = ind_ids.insert((id.clone(), iid.clone()), r.at("Indicateur")) {
            e.duplicate(
                r.at("Indicateur"),
                &iid,
                tr!(
                    "l'indicateur {} de {} est déjà en {}",
                    "indicator {} of {} is already at {}",
                    iid,
                    id,
                    first
                ),
                tr!(
                    "donnez à chaque indicateur son identifiant",
                    "give each indicator its own identifier"
                ),
            );
            continue;
        }
        let (_, years) = &read.years_of[&id];
        targets_cover_years(&r, &indicator, years, &target_cols, e);
        attach_indicator(&r, &id, &oid, indicator, read, e);
    }
}

/// One indicator of « Indicateurs » with its objective; `None` when its id,
/// objective or type is missing (every error pushed). The label is read later,
/// once the indicator is attached.
fn indicator_row(
    r: &RowRef,
    target_cols: &[(String, usize)],
    e: &mut Errors,
) -> Option<(String, Indicator)> {
    let oid = r.opt_id("Objectif");
    let iid = r.opt_id("Indicateur");
    if iid.is_none() {
        e.missing(
            r.at("Indicateur"),
            tr!(
                "l'identifiant de l'indicateur manque",
                "the indicator's identifier is missing"
            ),
            tr!(
                "saisissez un identifiant (O1-I1…)",
                "enter an identifier (O1-I1…)"
            ),
        );
    }
    let kind = r.required_choice::<IndicatorType>(
        "Type",
        e,
        &["quantitative", "qualitative"],
        tr!(
            "le type de l'indicateur manque",
            "the indicator's type is missing"
        ),
    );
    let measure = r.choice::<Measure>("Nature de la cible", e, &["flow", "stock"]);
    let direction = r.choice::<Direction>("Sens", e, &["up", "down"]);
    let baseline_year = r
        .opt_id("Année de référence")
        .and_then(|_| r.year("Année de référence", e))
        .and_then(|y| y.parse::<i32>().ok());
    let baseline = read_target(
        r.cell("Valeur de référence"),
        kind,
        r.at("Valeur de référence"),
        e,
    );
    let mut targets = PerYear::new();
    for (y, i) in target_cols {
        let c = r.cells.get(*i).unwrap_or(&Cell::Empty);
        if let Some(t) = read_target(c, kind, cell_ref(INDICATEURS, *i, r.n), e) {
            targets.insert(y.clone(), t);
        }
    }
    if oid.is_none() {
        e.missing(
            r.at("Objectif"),
            tr!(
                "l'objectif de l'indicateur manque",
                "the indicator's objective is missing"
            ),
            tr!(
                "saisissez l'identifiant d'un objectif de la feuille «\u{a0}Objectifs\u{a0}» (O1…)",
                "enter the identifier of an objective of sheet \"Objectifs\" (O1…)"
            ),
        );
    }
    let indicator = Indicator {
        id: iid?,
        label: String::new(),
        kind: kind?,
        unit: None,
        definition: None,
        measure,
        baseline,
        baseline_year,
        targets,
        source: None,
        direction,
    };
    Some((oid?, indicator))
}

/// An indicator has a target for each year of its convention.
fn targets_cover_years(
    r: &RowRef,
    indicator: &Indicator,
    years: &[i32],
    target_cols: &[(String, usize)],
    e: &mut Errors,
) {
    let iid = &indicator.id;
    for y in years {
        let ys = y.to_string();
        if indicator.targets.contains_key(&ys) {
            continue;
        }
        let at = match target_cols.iter().find(|(cy, _)| *cy == ys) {
            Some((_, i)) => cell_ref(INDICATEURS, *i, r.n),
            None => cell_ref(INDICATEURS, r.s.t.headers.len(), 1),
        };
        e.uncovered(
            at,
            "",
            tr!(
                "la cible de l'indicateur {} pour {}, année de la convention, manque",
                "the target of indicator {} for {}, a year of the convention, is missing",
                iid,
                y
            ),
            tr!(
                "saisissez la cible {} (ajoutez la colonne «\u{a0}{}{}\u{a0}» s'il n'y en a pas)",
                "enter the {} target (add column \"{}{}\" if there is none)",
                y,
                TARGET_PREFIX,
                y
            ),
        );
    }
}

/// Puts an indicator under its objective, with the cells read last.
fn attach_indicator(
    r: &RowRef,
    id: &str,
    oid: &str,
    mut indicator: Indicator,
    read: &mut Read,
    e: &mut Errors,
) {
    let d = read.data(id);
    let Some(o) = d.dashboard.objectives.iter_mut().find(|o| o.id == oid) else {
        let iid = &indicator.id;
        e.unknown(
            r.at("Objectif"),
            oid,
            tr!(
                "l'indicateur {} renvoie à un objectif inconnu\u{a0}: {} n'a pas d'objectif {} dans «\u{a0}{}\u{a0}»",
                "indicator {} refers to an unknown objective: {} has no objective {} in \"{}\"",
                iid,
                id,
                oid,
                OBJECTIFS
            ),
            tr!(
                "corrigez l'objectif, ou ajoutez l'objectif {} dans «\u{a0}{}\u{a0}»",
                "correct the objective, or add objective {} to \"{}\"",
                oid,
                OBJECTIFS
            ),
        );
        return;
    };
    indicator.label = r.required(
        "Libellé",
        e,
        ("le libellé de l'indicateur", "the indicator's label"),
    );
    indicator.unit = r.opt_text("Unité");
    indicator.definition = r.opt_text("Définition");
    indicator.source = r.opt_text("Source");
    o.indicators.push(indicator);
}

/// « Clauses »: the clauses each convention adds or removes, each known to
/// the library.
fn read_clauses(
    c: &Sheet,
    known: &Known,
    known_clauses: &BTreeSet<String>,
    read: &mut Read,
    e: &mut Errors,
) {
    for r in c.rows() {
        let id = known.id(&r, e);
        let clause = r.opt_id("Clause");
        let choice = r.opt_id("Choix");
        if let Some(cl) = &clause
            && !known_clauses.is_empty()
            && !known_clauses.contains(cl)
        {
            unknown_clause(&r, cl, known_clauses, e);
            continue;
        }
        if clause.is_none() {
            e.missing(
                r.at("Clause"),
                tr!(
                    "l'identifiant de la clause manque",
                    "the clause's identifier is missing"
                ),
                tr!(
                    "`charta clauses` liste les clauses",
                    "`charta clauses` lists the clauses"
                ),
            );
        }
        let (Some(id), Some(cl)) = (id, clause) else {
            continue;
        };
        let d = read.data(&id);
        match choice.as_deref() {
            Some(ADDED) => d.convention.clauses.add.push(cl),
            Some(REMOVED) => d.convention.clauses.remove.push(cl),
            other => e.invalid(
                r.at("Choix"),
                other.unwrap_or(""),
                tr!("choix inconnu", "unknown choice"),
                tr!(
                    "saisissez {} ou {}",
                    "enter {} (added) or {} (removed)",
                    ADDED,
                    REMOVED
                ),
            ),
        }
    }
}

/// A clause the library does not have, with the nearest name.
fn unknown_clause(r: &RowRef, cl: &str, known_clauses: &BTreeSet<String>, e: &mut Errors) {
    let near = known_clauses
        .iter()
        .max_by(|a, b| strsim::jaro_winkler(cl, a).total_cmp(&strsim::jaro_winkler(cl, b)));
    let fix = match near {
        Some(n) => tr!(
            "vouliez-vous dire «\u{a0}{}\u{a0}»\u{202f}? (`charta clauses` les liste)",
            "did you mean \"{}\"? (`charta clauses` lists them)",
            n
        ),
        None => tr!(
            "`charta clauses` liste les clauses",
            "`charta clauses` lists the clauses"
        ),
    };
    e.unknown(
        r.at("Clause"),
        cl,
        tr!(
            "aucune clause de ce nom dans la bibliothèque",
            "no clause of this name in the library"
        ),
        fix,
    );
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

/// The sources of `old`'s values that `new` keeps as they are: a value the
/// workbook changes is no longer the record's.
fn kept_sources(old: &Association, new: &Association) -> BTreeMap<String, ValueSource> {
    let (o, n) = (
        serde_json::to_value(old).expect("serialises"),
        serde_json::to_value(new).expect("serialises"),
    );
    old.sources
        .iter()
        .filter(|(k, _)| o.get(k.as_str()) == n.get(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A file in preparation at `path` (the association alone, created by
/// `charta import` of a record) completed by the workbook's `new`, which
/// keeps what the record gave as information (`accounts`, `sources`).
fn complete_preparing(path: &Path, new: &AssociationFile) -> Option<(Change, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let alone: crate::model::PreparingFile = serde_json::from_str(&text).ok()?;
    let mut new = new.clone();
    new.association.accounts = alone.association.accounts.clone();
    new.association.sources = kept_sources(&alone.association, &new.association);
    let before = serde_json::to_value(&alone).expect("serialises");
    let after = serde_json::to_value(&new).expect("serialises");
    let text = serde_json::to_string_pretty(&new).expect("serialises") + "\n";
    Some((Change::Modified(changed_paths(&before, &after)), text))
}

/// The plan of an import into a programme's `associations/` folder: for each
/// association of the workbook, the file, the change, and the new JSON text.
pub fn plan(
    dir: &Path,
    imported: &BTreeMap<String, AssociationFile>,
) -> Result<Plan, Vec<Diagnostic>> {
    let all = budget::Carried {
        budget: true,
        closing: true,
    };
    plan_carrying(dir, imported, all)
}

/// [`plan`] for a workbook that may lack the budget or the closing date
/// ([`budget::carried`]): the files' own are then kept.
pub fn plan_carrying(
    dir: &Path,
    imported: &BTreeMap<String, AssociationFile>,
    carried: budget::Carried,
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
        if matches!(old, Some(Err(_)))
            && let Some((change, text)) = complete_preparing(&path, new)
        {
            out.push((id.clone(), path, change, text));
            continue;
        }
        // The workbook does not carry the avenants (`convention.amendments`):
        // those of the existing file are kept as they are.
        let mut new = new.clone();
        if let Some(Ok(old)) = &old {
            new.convention.amendments = old.convention.amendments.clone();
            // Nor what a record import keeps as information (`charta import RECORD.json`).
            new.association.accounts = old.association.accounts.clone();
            new.association.sources = kept_sources(&old.association, &new.association);
            // Nor, from a workbook written before them, the budget and the
            // closing date of the exercice (issue #31).
            if !carried.budget {
                new.convention.budget = old.convention.budget.clone();
            }
            if !carried.closing {
                new.association.fiscal_year_end = old.association.fiscal_year_end.clone();
            }
        }
        let new_v = serde_json::to_value(&new).expect("serialises");
        let text = serde_json::to_string_pretty(&new).expect("serialises") + "\n";
        let change = if let Some(old) = old {
            match old {
                Err(err) => {
                    errors.push(
                        Diagnostic::error(Code::ECH_008, tr!(
                            "{}\u{a0}: le fichier existant ne se lit pas ({})\u{202f}; l'import ne l'écrase pas",
                            "{}: the existing file does not read ({}); the import does not overwrite it",
                            id,
                            err
                        ))
                        .in_file(&path)
                        .with_hint(tr!(
                            "corrigez ou déplacez ce fichier (`charta check`), puis relancez l'import",
                            "correct or move this file (`charta check`), then run the import again"
                        )),
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
