//! The workbook of the comptes rendus financiers, read back (see `crf_sheet`):
//! every row found by its key in column A, every value checked at its cell.

use std::collections::BTreeSet;

use crate::check::crf::{self, Crf};
use crate::diagnostic::{Code, Text};
use crate::exchange::sheet::{Cell, ReadTable};
use crate::tr;

use super::crf_sheet::{
    ACTUAL, EXPLAIN, Errors, KEY, MARKER, ReadSheet, SUMMARY, VALUE, at, is_shown, shown,
};

/// The exercice, from « Sommaire »'s row `exercice`.
pub(crate) fn year(tables: &[ReadTable], e: &mut Errors) -> Option<i32> {
    let t = tables.iter().find(|t| t.name == SUMMARY)?;
    let row = t.rows.iter().find(|(_, r)| key_of(r) == "exercice");
    let (n, cell) = match row {
        Some((n, r)) => (*n, r.get(VALUE).cloned().unwrap_or(Cell::Empty)),
        None => (2, Cell::Empty),
    };
    let y = match &cell {
        Cell::Number(f) if f.fract() == 0.0 && (2000.0..=2100.0).contains(f) => Some(*f as i32),
        Cell::Text(s) => s
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y)),
        _ => None,
    };
    if y.is_none() {
        e.push(
            Code::ECH_067,
            at(t, VALUE, n),
            &shown(&cell),
            tr!(
                "l'exercice du classeur n'est pas une année",
                "the workbook's exercice is not a year"
            ),
            tr!(
                "rétablissez l'année de l'exercice (2026), ou refaites le classeur avec `charta review --template --format xlsx`",
                "restore the exercice's year (2026), or make the workbook again with `charta review --template --format xlsx`"
            ),
        );
    }
    y
}

fn key_of(r: &[Cell]) -> String {
    r.get(KEY)
        .map(|c| shown(c).trim().to_string())
        .unwrap_or_default()
}

fn cell(r: &[Cell], c: usize) -> &Cell {
    r.get(c).unwrap_or(&Cell::Empty)
}

/// A number typed as text: spaces and « € » dropped, a decimal comma read as a point.
fn parse_number(raw: &str) -> Option<f64> {
    let norm: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '€'))
        .collect::<String>()
        .replace(',', ".");
    norm.parse::<f64>().ok().filter(|n| n.is_finite())
}

const AMOUNT_FIX: (&str, &str) = (
    "saisissez un montant en euros, positif ou nul, au plus deux décimales (12500 ou 12500,50), ou laissez la cellule vide",
    "enter an amount in euros, zero or more, at most two decimals (12500 or 12500.50), or leave the cell empty",
);

/// An amount in cents: ECH-060 not a number, ECH-061 negative, ECH-062 more than two decimals.
fn amount(t: &ReadTable, n: usize, c: &Cell, e: &mut Errors) -> Option<i64> {
    let at = at(t, ACTUAL, n);
    let fix = || Text::new(AMOUNT_FIX.0, AMOUNT_FIX.1);
    let value = match c {
        Cell::Empty => return None,
        Cell::Number(f) => Some(*f),
        Cell::Text(s) => parse_number(s),
        Cell::Date(_) => None,
    };
    let Some(f) = value else {
        let what = tr!("ce n'est pas un montant", "this is not an amount");
        e.push(Code::ECH_060, at, &shown(c), what, fix());
        return None;
    };
    let cents = f * 100.0;
    if f < 0.0 {
        let what = tr!(
            "un montant ne peut être négatif",
            "an amount cannot be negative"
        );
        e.push(Code::ECH_061, at, &shown(c), what, fix());
        None
    } else if (cents - cents.round()).abs() > 1e-6 {
        let what = tr!(
            "plus de deux décimales\u{a0}: un montant s'arrête au centime",
            "more than two decimals: an amount stops at the cent"
        );
        e.push(Code::ECH_062, at, &shown(c), what, fix());
        None
    } else {
        Some(cents.round() as i64)
    }
}

/// « Reçu le »: a date cell, or a text `AAAA-MM-JJ` or `JJ/MM/AAAA` (ECH-063).
fn received(t: &ReadTable, n: usize, c: &Cell, e: &mut Errors) -> Option<(i32, u8, u8)> {
    let parsed = match c {
        Cell::Empty => return None,
        Cell::Date(s) => crate::french::parse_date(s),
        Cell::Text(s) => {
            let s = s.trim();
            crate::french::parse_date(s).or_else(|| {
                let fr = time::macros::format_description!("[day]/[month]/[year]");
                time::Date::parse(s, &fr)
                    .ok()
                    .map(|d| (d.year(), d.month() as u8, d.day()))
            })
        }
        Cell::Number(_) => None,
    };
    if parsed.is_none() {
        e.push(
            Code::ECH_063,
            at(t, VALUE, n),
            &shown(c),
            tr!(
                "«\u{a0}Reçu le\u{a0}» n'est pas une date",
                "“Reçu le” (received on) is not a date"
            ),
            tr!(
                "saisissez la date de réception (12/04/2027 ou 2027-04-12), ou laissez la cellule vide tant qu'il n'est pas reçu",
                "enter the date of receipt (12/04/2027 or 2027-04-12), or leave the cell empty while it is not received"
            ),
        );
    }
    parsed
}

/// ECH-066: a value where charta reads nothing would be lost.
fn stray(t: &ReadTable, n: usize, col: usize, c: &Cell, e: &mut Errors) {
    e.push(
        Code::ECH_066,
        at(t, col, n),
        &shown(c),
        tr!(
            "charta ne lit pas cette cellule\u{a0}: sa valeur serait perdue",
            "charta does not read this cell: its value would be lost"
        ),
        tr!(
            "portez la valeur sur une ligne du formulaire (colonne «\u{a0}Réalisé\u{a0}» ou «\u{a0}Explication de l'écart\u{a0}»), ou videz la cellule",
            "put the value on a line of the form (column “Réalisé” or “Explication de l'écart”), or empty the cell"
        ),
    );
}

/// Reads one association's sheet; `None` when it cannot be (its errors reported).
pub(crate) fn sheet(t: &ReadTable, e: &mut Errors) -> Option<ReadSheet> {
    if t.headers.get(KEY).map(|h| h.trim()) != Some(MARKER) {
        e.push(
            Code::ECH_064,
            at(t, KEY, 1),
            "",
            tr!(
                "charta ne connaît pas cette feuille\u{a0}: ce n'est pas celle d'une association",
                "charta does not know this sheet: it is not an association's"
            ),
            tr!(
                "retirez la feuille, ou copiez ses valeurs dans la feuille de l'association",
                "remove the sheet, or copy its values into the association's sheet"
            ),
        );
        return None;
    }
    let keys: Vec<(String, &str)> = crf::line_keys();
    let mut id: Option<(String, String)> = None;
    let mut c = Crf::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (n, r) in &t.rows {
        let (n, key) = (*n, key_of(r));
        if !key.is_empty() && !is_shown(&key) && !seen.insert(key.clone()) {
            let what = tr!(
                "la ligne `{key}` est en double",
                "line `{key}` is there twice"
            );
            let fix = tr!("gardez une seule de ces lignes", "keep one of these lines");
            e.push(Code::ECH_067, at(t, KEY, n), "", what, fix);
            continue;
        }
        // Nothing is read right of the explanation: a value there would be lost.
        if !key.is_empty()
            && let Some((i, v)) = r
                .iter()
                .enumerate()
                .skip(EXPLAIN + 1)
                .find(|(_, v)| **v != Cell::Empty)
        {
            stray(t, n, i, v, e);
        }
        match key.as_str() {
            "" => {
                if let Some((i, v)) = r.iter().enumerate().find(|(_, v)| **v != Cell::Empty) {
                    stray(t, n, i, v, e);
                }
            }
            "id" => {
                let v = shown(cell(r, VALUE)).trim().to_string();
                id = (!v.is_empty()).then(|| (v, at(t, VALUE, n)));
            }
            "received_on" => c.received_on = received(t, n, cell(r, VALUE), e),
            "en_nature" | "fonds_dedies" => {
                let v = amount(t, n, cell(r, ACTUAL), e);
                if key == "en_nature" {
                    c.en_nature = v;
                } else {
                    c.fonds_dedies = v;
                }
                if *cell(r, EXPLAIN) != Cell::Empty {
                    stray(t, n, EXPLAIN, cell(r, EXPLAIN), e);
                }
            }
            k if keys.iter().any(|(x, _)| x == k) => {
                c.actual
                    .insert(k.to_string(), amount(t, n, cell(r, ACTUAL), e));
                let text = shown(cell(r, EXPLAIN)).trim().to_string();
                if !text.is_empty() {
                    c.explications.insert(k.to_string(), text);
                }
            }
            k if is_shown(k) => {}
            _ => stray(t, n, KEY, cell(r, KEY), e),
        }
    }
    missing(t, &keys, &seen, e);
    let Some((id, id_at)) = id else {
        let what = tr!(
            "l'identifiant de l'association manque (ligne «\u{a0}Identifiant\u{a0}»)",
            "the association's id is missing (row “Identifiant”)"
        );
        let fix = tr!(
            "rétablissez l'identifiant, le nom de son fichier associations/<id>.json",
            "restore the id, the name of its file associations/<id>.json"
        );
        e.push(Code::ECH_067, at(t, VALUE, 1), "", what, fix);
        return None;
    };
    Some(ReadSheet { id, id_at, crf: c })
}

/// ECH-067: every line of the form is in the sheet (a row deleted by hand is not read as empty).
fn missing(t: &ReadTable, keys: &[(String, &str)], seen: &BTreeSet<String>, e: &mut Errors) {
    let wanted = keys.iter().map(|(k, l)| (k.as_str(), *l)).chain([
        ("received_on", "Reçu le"),
        ("en_nature", "Contributions volontaires en nature"),
        ("fonds_dedies", "Fonds dédiés"),
    ]);
    for (k, label) in wanted {
        if !seen.contains(k) {
            e.push(
                Code::ECH_067,
                at(t, KEY, 1),
                "",
                tr!(
                    "la ligne «\u{a0}{label}\u{a0}» manque à la feuille",
                    "line “{label}” is missing from the sheet"
                ),
                tr!(
                    "rétablissez la ligne (annulez sa suppression), ou refaites le classeur avec `charta review --template --format xlsx`",
                    "restore the line (undo its deletion), or make the workbook again with `charta review --template --format xlsx`"
                ),
            );
        }
    }
}
