//! « Budget »: the budget prévisionnel of each convention (`convention.budget`,
//! issue #31), one row per association and exercice, one column per line of
//! the request form (the labels annex II prints); and the closing date of the
//! association's exercice (`association.fiscal_year_end`), one column of
//! « Associations » written « JJ/MM ». The import reads both back with every
//! error at its cell, and the rules of `charta check` on a budget (DON-120 to
//! DON-124) located on the row. A workbook written before them (no « Budget »
//! sheet, no closing column) leaves the files' values as they are ([`carried`]).

use std::collections::BTreeMap;

use super::{Errors, ID, Known, Read, RowRef, find_sheet, year_cell};
use crate::diagnostic::Code;
use crate::exchange::sheet::{Cell, Kind, ReadTable, Table, cell_ref};
use crate::french::euros;
use crate::model::{
    Amount, AssociationFile, Budget, CHARGE_LABELS, ConventionKind, FunderKind, PRODUIT_LABELS,
};
use crate::tr;

/// The sheet's name.
pub const BUDGET: &str = "Budget";
/// The exercice of a row (the year the exercice ends in).
pub const EXERCICE: &str = "Exercice";
/// The column of « Associations » with `fiscal_year_end`.
pub const CLOSING: &str = "Clôture de l'exercice (JJ/MM, vide : 31/12)";
/// The in-kind contributions, on both sides of the budget.
const EN_NATURE: &str = "Contributions volontaires en nature (€)";

/// The amount columns, in the order of [`amounts`]: the charges, the produits
/// (each subvention by the funder's kind), the contributions in kind.
pub fn amount_headers() -> Vec<String> {
    let charges = CHARGE_LABELS
        .iter()
        .map(|(_, l)| format!("Charges : {l} (€)"));
    let produits = PRODUIT_LABELS
        .iter()
        .map(|(_, l)| format!("Produits : {l} (€)"));
    charges
        .chain(produits)
        .chain(std::iter::once(EN_NATURE.to_string()))
        .collect()
}

/// The amounts of a budget, in the order of [`amount_headers`].
fn amounts(b: &Budget) -> Vec<Amount> {
    let mut v = b.charges.amounts().to_vec();
    v.extend(b.produits.amounts());
    v.push(b.en_nature);
    v
}

/// The budget of the amounts of one row, in the order of [`amount_headers`].
fn budget_of(a: &[Amount]) -> Budget {
    let mut b = Budget::default();
    let slots = (b.charges.amounts_mut().into_iter())
        .chain(b.produits.amounts_mut())
        .chain([&mut b.en_nature]);
    for (slot, v) in slots.zip(a) {
        *slot = *v;
    }
    b
}

/// The exercices of an association's rows: those of its budget, and every
/// year of its convention (an empty row to fill in), save for a convention-cadre.
fn years(d: &AssociationFile) -> std::collections::BTreeSet<String> {
    let c = &d.convention;
    let mut years: std::collections::BTreeSet<String> =
        c.budget.iter().flat_map(|b| b.keys().cloned()).collect();
    if c.kind != ConventionKind::Cadre {
        years.extend(c.years.iter().map(i32::to_string));
    }
    years
}

/// The « Budget » sheet of a set of association files.
pub fn table(assocs: &[(String, AssociationFile)]) -> Table {
    let mut headers = vec![
        (ID.to_string(), Kind::Id),
        (EXERCICE.to_string(), Kind::Number),
    ];
    headers.extend(amount_headers().into_iter().map(|h| (h, Kind::Number)));
    let width = headers.len() - 2;
    let mut rows = Vec::new();
    for (id, d) in assocs {
        for y in years(d) {
            let mut cells = vec![Cell::Text(id.clone()), year_cell(&y)];
            match d.convention.budget.as_ref().and_then(|b| b.get(&y)) {
                Some(b) => cells.extend(amounts(b).iter().map(|a| Cell::Number(a.euros_f64()))),
                None => cells.extend((0..width).map(|_| Cell::Empty)),
            }
            rows.push(cells);
        }
    }
    Table {
        name: BUDGET.into(),
        headers,
        rows,
    }
}

/// The cell of [`CLOSING`]: `fiscal_year_end` « MM-JJ » written « JJ/MM »
/// (as it is when it is not « MM-JJ »), empty when absent (31 December).
pub fn closing_cell(d: &AssociationFile) -> Cell {
    match d.association.fiscal_year_end.as_deref() {
        None => Cell::Empty,
        Some(v) => match v.split_once('-') {
            Some((m, day)) => Cell::Text(format!("{day}/{m}")),
            None => Cell::Text(v.to_string()),
        },
    }
}

/// What a workbook carries of the budget: a workbook written before the
/// « Budget » sheet or the closing column keeps the files' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    pub budget: bool,
    pub closing: bool,
}

/// Whether `tables` have the « Budget » sheet and the closing column.
pub fn carried(tables: &[ReadTable]) -> Carried {
    let has = |name: &str| tables.iter().find(|t| t.name == name);
    Carried {
        budget: has(BUDGET).is_some(),
        closing: has(super::ASSOCIATIONS).is_some_and(|t| t.headers.iter().any(|h| h == CLOSING)),
    }
}

// ---------------------------------------------------------------- import

/// « JJ/MM » (or a date cell, which a spreadsheet makes of « 30/06 ») as
/// `fiscal_year_end` « MM-JJ »; `Err` with the text when it is no closing date
/// (29 February is not one: it is not every year's, as DON-124 says).
fn parse_closing(c: &Cell) -> Result<String, String> {
    let raw = super::cell_text(c).trim().to_string();
    let (day, month) = match c {
        Cell::Date(iso) => {
            let mut p = iso.split('-').skip(1).map(str::to_string);
            let month = p.next();
            (p.next(), month)
        }
        _ => match raw.split_once('/') {
            Some((d, m)) => (Some(d.trim().to_string()), Some(m.trim().to_string())),
            None => (None, None),
        },
    };
    let num = |s: Option<String>| {
        s.filter(|s| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u8>().ok())
    };
    let (Some(d), Some(m)) = (num(day), num(month)) else {
        return Err(raw);
    };
    let max = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return Err(raw),
    };
    if (1..=max).contains(&d) {
        Ok(format!("{m:02}-{d:02}"))
    } else {
        Err(raw)
    }
}

/// The closing date of a row of « Associations » (`None`: empty, 31 December).
pub(super) fn closing(r: &RowRef, e: &mut Errors) -> Option<String> {
    let cell = r.cell(CLOSING);
    if super::cell_text(cell).trim().is_empty() {
        return None;
    }
    match parse_closing(cell) {
        Ok(v) => Some(v),
        Err(raw) => {
            e.push(
                Code::DON_124,
                r.at(CLOSING),
                &raw,
                tr!(
                    "ce n'est pas une date de clôture «\u{a0}JJ/MM\u{a0}»",
                    "this is not a closing date \"DD/MM\""
                ),
                tr!(
                    "écrivez le jour et le mois de la clôture de l'exercice, par exemple «\u{a0}30/06\u{a0}» (le 29/02 n'existe pas chaque année\u{a0}: écrivez «\u{a0}28/02\u{a0}»)\u{a0}; vide, c'est le 31/12",
                    "write the day and month the exercice closes, e.g. \"30/06\" (29/02 is not every year's: write \"28/02\"); empty means 31/12"
                ),
            );
            None
        }
    }
}

/// A header of « Budget » that is none of its columns, with the closest one.
fn unknown_columns(t: &ReadTable, names: &[&str], e: &mut Errors) {
    for (i, h) in t.headers.iter().enumerate() {
        if h.is_empty() || names.contains(&h.as_str()) {
            continue;
        }
        let fix = match crate::check::structure::closest(h, names.iter().copied()) {
            Some(n) => tr!(
                "vouliez-vous dire «\u{a0}{}\u{a0}»\u{202f}? Rétablissez l'en-tête exact de `charta export xlsx`",
                "did you mean \"{}\"? Restore the exact header of `charta export xlsx`",
                n
            ),
            None => tr!(
                "supprimez cette colonne, ou rétablissez l'en-tête exact de `charta export xlsx`",
                "delete this column, or restore the exact header of `charta export xlsx`"
            ),
        };
        e.structure(
            cell_ref(BUDGET, i, 1),
            h,
            tr!(
                "colonne inconnue de la feuille «\u{a0}{}\u{a0}»",
                "unknown column of sheet \"{}\"",
                BUDGET
            ),
            fix,
        );
    }
}

/// « Budget », when the workbook has it: each association's budget from its
/// rows (none without a filled row), every error pushed.
pub(super) fn read(
    tables: &[ReadTable],
    known: &Known,
    funder: FunderKind,
    read: &mut Read,
    e: &mut Errors,
) {
    let heads = amount_headers();
    let names: Vec<&str> = [ID, EXERCICE]
        .into_iter()
        .chain(heads.iter().map(String::as_str))
        .collect();
    let Some(t) = tables.iter().find(|t| t.name == BUDGET) else {
        return;
    };
    unknown_columns(t, &names, e);
    let Some(sheet) = find_sheet(tables, BUDGET, &names, false, e) else {
        return;
    };
    let mut budgets: BTreeMap<String, BTreeMap<String, Budget>> = BTreeMap::new();
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in sheet.rows() {
        let Some((id, year, budget)) = row(&r, &heads, known, &mut seen, e) else {
            continue;
        };
        let Some(budget) = budget else { continue };
        if in_years(&r, &id, &year, read, e) {
            let data = read.data(&id);
            rules(&r, &heads, &year, &budget, data, funder, e);
            budgets.entry(id).or_default().insert(year, budget);
        }
    }
    for (id, (_, data)) in read.out.iter_mut() {
        data.convention.budget = budgets.remove(id);
    }
}

/// One row: the association, the exercice, and its budget (`None`: the row
/// is empty, no budget that year); `None` when a cell does not read.
fn row(
    r: &RowRef,
    heads: &[String],
    known: &Known,
    seen: &mut BTreeMap<(String, String), String>,
    e: &mut Errors,
) -> Option<(String, String, Option<Budget>)> {
    let id = known.id(r, e);
    let year = r.year(EXERCICE, e);
    let before = e.list.len();
    let read: Vec<Option<Amount>> = heads.iter().map(|h| r.amount(h, e)).collect();
    let (id, year) = (id?, year?);
    if let Some(first) = seen.insert((id.clone(), year.clone()), r.at(EXERCICE)) {
        e.duplicate(
            r.at(EXERCICE),
            &year,
            tr!(
                "l'exercice {} de {} est déjà sur la ligne de {}",
                "exercice {} of {} is already on the row of {}",
                year,
                id,
                first
            ),
            tr!(
                "une ligne par association et par exercice\u{a0}: fusionnez-les",
                "one row per association and exercice: merge them"
            ),
        );
        return None;
    }
    if e.list.len() > before {
        return None;
    }
    let empty = heads.iter().all(|h| matches!(r.cell(h), Cell::Empty));
    let amounts: Vec<Amount> = read.into_iter().map(Option::unwrap_or_default).collect();
    Some((id, year, (!empty).then(|| budget_of(&amounts))))
}

/// Whether a filled row's exercice is a year of its convention (DON-123).
fn in_years(r: &RowRef, id: &str, year: &str, read: &Read, e: &mut Errors) -> bool {
    let years = &read.years_of[id].1;
    let cadre = read.out[id].1.convention.kind == ConventionKind::Cadre;
    if !cadre && years.iter().any(|y| y.to_string() == year) {
        return true;
    }
    let list: Vec<String> = years.iter().map(i32::to_string).collect();
    e.push(
        Code::DON_123,
        r.at(EXERCICE),
        year,
        tr!(
            "budget prévisionnel pour {}, année que la convention de {} ne couvre pas ({})",
            "budget for {}, a year the convention of {} does not cover ({})",
            year,
            id,
            list.join(", ")
        ),
        tr!(
            "un budget par année de la convention (aucun pour une convention-cadre)\u{a0}: corrigez l'exercice ou videz la ligne",
            "one budget per year of the convention (none for a convention-cadre): correct the exercice or empty the row"
        ),
    );
    false
}

/// The rules of `charta check` on one year's budget (DON-120 to DON-122), on its row.
fn rules(
    r: &RowRef,
    heads: &[String],
    year: &str,
    b: &Budget,
    d: &AssociationFile,
    funder: FunderKind,
    e: &mut Errors,
) {
    let (ch, pr) = (b.charges.total(), b.produits.total());
    if ch != pr {
        e.push(
            Code::DON_120,
            r.at(EXERCICE),
            year,
            tr!(
                "budget déséquilibré\u{a0}: charges {}, produits {} (écart {})",
                "unbalanced budget: charges {}, produits {} (gap {})",
                euros(ch),
                euros(pr),
                euros((ch - pr).abs())
            ),
            tr!(
                "un budget prévisionnel est présenté en équilibre\u{a0}: le total des produits de la ligne égale celui des charges",
                "a budget is presented balanced: the row's total produits equal its total charges"
            ),
        );
    }
    let c = &d.convention;
    if let Some(cost) = c.eligible_cost.as_ref().and_then(|m| m.get(year))
        && cost.cents() != ch
    {
        e.push(
            Code::DON_121,
            r.at(EXERCICE),
            year,
            tr!(
                "les charges du budget ({}) diffèrent du coût éligible de l'année dans «\u{a0}{}\u{a0}» ({})",
                "the budget's charges ({}) differ from the year's eligible cost in \"{}\" ({})",
                euros(ch),
                super::FINANCEMENTS,
                euros(cost.cents())
            ),
            tr!(
                "le coût éligible est le total des charges du projet\u{a0}: corrigez le budget ou le coût éligible",
                "the eligible cost is the project's total charges: correct the budget or the eligible cost"
            ),
        );
    }
    let (line, key) = b.produits.subventions.of(funder);
    let amount = c
        .funding
        .as_ref()
        .and_then(|f| f.get(year))
        .map_or(0, |a| a.cents());
    if line.cents() != amount {
        let label = PRODUIT_LABELS
            .iter()
            .position(|(k, _)| k.strip_prefix("subventions.") == Some(key))
            .expect("every funder's kind has its line");
        let h = &heads[CHARGE_LABELS.len() + label];
        e.push(
            Code::DON_122,
            r.at(h),
            &super::cell_text(r.cell(h)),
            tr!(
                "la ligne du financeur ({}) diffère de la contribution de l'année dans «\u{a0}{}\u{a0}» ({})",
                "the funder's line ({}) differs from the year's contribution in \"{}\" ({})",
                euros(line.cents()),
                super::FINANCEMENTS,
                euros(amount)
            ),
            tr!(
                "la ligne du financeur est la contribution de l'année\u{a0}: écrivez {} ou corrigez la contribution",
                "the funder's line is the year's contribution: write {} or correct the contribution",
                euros(amount)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_reads_back_from_its_amounts_in_order() {
        let a: Vec<Amount> = (1..=21).map(Amount).collect();
        assert_eq!(amounts(&budget_of(&a)), a);
        assert_eq!(amount_headers().len(), 21);
    }

    #[test]
    fn closing_dates_read_as_check_reads_them() {
        let t = |s: &str| parse_closing(&Cell::Text(s.into()));
        assert_eq!(t("30/06"), Ok("06-30".into()));
        assert_eq!(t("1/7"), Ok("07-01".into()));
        assert_eq!(t("28/02"), Ok("02-28".into()));
        assert!(t("29/02").is_err());
        assert!(t("31/02").is_err());
        assert!(t("31/04").is_err());
        assert!(t("06-30").is_err());
        assert!(t("00/01").is_err());
        assert!(t("01/13").is_err());
        let d = |s: &str| parse_closing(&Cell::Date(s.into()));
        assert_eq!(d("2026-06-30"), Ok("06-30".into()));
        assert!(d("2028-02-29").is_err());
    }
}
