//! The comptes rendus financiers of one exercice as a workbook (issue #31):
//! `charta review --template --year Y --format xlsx` writes
//! `PROG/reviews/Y/comptes-rendus.xlsx`, a « Sommaire » sheet then one sheet
//! per funded association whose convention covers Y, in the form's order
//! (Cerfa n° 15059; arrêté du 11 octobre 2006); `charta import` of that
//! workbook writes each `reviews/Y/<id>.crf.json` back.
//!
//! Every row carries its key in the hidden column A (`charges.personnel`,
//! `received_on`…): rows are found by their key, not by their place, so a
//! row inserted by hand moves nothing. Columns: A key, B label, C forecast
//! (« Prévu », or the header's value), D actual (« Réalisé »), E explanation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::check::crf::{self, Crf};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::exchange::sheet::{Cell, ReadTable, cell_ref};
use crate::exchange::workbook::{Change, Plan};
use crate::load::Programme;
use crate::model::{AssociationFile, Budget};
use crate::review::TemplateOutcome;
use crate::tr;

/// The workbook's file name in `PROG/reviews/Y/`.
pub const FILE_NAME: &str = "comptes-rendus.xlsx";
/// The first sheet's name.
pub const SUMMARY: &str = "Sommaire";
/// The marker in cell A1 of the summary and of every association sheet.
pub const MARKER: &str = "charta-comptes-rendus";

/// Column indexes (0-based).
pub(crate) const KEY: usize = 0;
pub(crate) const LABEL: usize = 1;
pub(crate) const FORECAST: usize = 2;
pub(crate) const ACTUAL: usize = 3;
pub(crate) const EXPLAIN: usize = 4;
/// The header's values are in the forecast column.
pub(crate) const VALUE: usize = FORECAST;

/// The keys of rows written for display only: read back, they are ignored.
const SHOWN: [&str; 9] = [
    MARKER,
    "association",
    "convention",
    "exercice",
    "deadline",
    "entete",
    "section.charges",
    "section.produits",
    "total",
];

/// `PROG/reviews/Y/comptes-rendus.xlsx`.
pub fn workbook_path(root: &Path, year: i32) -> PathBuf {
    root.join("reviews").join(year.to_string()).join(FILE_NAME)
}

/// One association's sheet, as the template writes it.
pub(crate) struct Entry<'a> {
    pub sheet: String,
    pub id: &'a str,
    pub data: &'a AssociationFile,
    pub crf: Option<Crf>,
}

/// Sheet names: the id cut to 31 characters, made unique (`…~2`), never « Sommaire ».
pub fn sheet_names(ids: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::from([SUMMARY.to_lowercase()]);
    ids.iter()
        .map(|id| {
            let cut = |n: usize| id.chars().take(n).collect::<String>();
            let mut name = cut(31);
            let mut k = 2;
            while taken.contains(&name.to_lowercase()) {
                let tail = format!("~{k}");
                name = format!("{}{tail}", cut(31 - tail.len()));
                k += 1;
            }
            taken.insert(name.to_lowercase());
            name
        })
        .collect()
}

/// `(y, m, d)` as `AAAA-MM-JJ`.
pub(crate) fn iso((y, m, d): (i32, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// « 2026, du 1er janvier 2026 au 31 décembre 2026 ».
pub(crate) fn exercice_text(data: &AssociationFile, year: i32) -> String {
    let end = crate::review::closing::exercice_end_of(data, year);
    let start = crate::review::closing::add_days((year - 1, end.1, end.2), 1);
    let fr = |d| crate::french::date_fr(&iso(d)).unwrap_or_else(|| iso(d));
    format!("{year}, du {} au {}", fr(start), fr(end))
}

/// The deadline of the compte rendu: six months after the end of the exercice.
pub(crate) fn deadline(data: &AssociationFile, year: i32) -> (i32, u8, u8) {
    crate::review::review_deadline(crate::review::closing::exercice_end_of(data, year))
}

/// The forecast of every line key, and of `en_nature`, in cents (empty without a budget).
pub(crate) fn forecast(budget: Option<&Budget>) -> BTreeMap<String, i64> {
    let Some(b) = budget else {
        return BTreeMap::new();
    };
    let amounts = b
        .charges
        .amounts()
        .into_iter()
        .chain(b.produits.amounts())
        .map(|a| a.cents());
    let mut out: BTreeMap<String, i64> = crf::line_keys()
        .into_iter()
        .map(|(k, _)| k)
        .zip(amounts)
        .collect();
    out.insert("en_nature".into(), b.en_nature.cents());
    out
}

/// The workbook to fill in for `year`: the funded associations whose
/// convention (its text in force) covers it, prefilled with their
/// `<id>.crf.json` when there is one.
pub fn template(prog: &Programme, year: i32) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let in_force: Vec<_> = crate::review::in_force_all(prog, year)?
        .into_iter()
        .filter(|(_, f)| f.data.convention.funding.is_some())
        .collect();
    let ids: Vec<&str> = in_force.iter().map(|(id, _)| id.as_str()).collect();
    let entries: Vec<Entry> = sheet_names(&ids)
        .into_iter()
        .zip(&in_force)
        .map(|(sheet, (id, f))| Entry {
            sheet,
            id,
            data: &f.data,
            crf: crf::load(prog, year, id).and_then(|(c, _)| c),
        })
        .collect();
    super::crf_sheet_write::to_xlsx(&entries, year).map_err(|e| {
        vec![Diagnostic::error(
            Code::ECH_069,
            tr!(
                "le classeur des comptes rendus ne s'écrit pas\u{a0}: {}",
                "the workbook of the comptes rendus cannot be written: {}",
                e
            ),
        )]
    })
}

/// `charta review --template --format xlsx`: writes the workbook unless one
/// is already there (never overwrites).
pub fn write_template(prog: &Programme, year: i32) -> Result<TemplateOutcome, Vec<Diagnostic>> {
    let path = workbook_path(&prog.root, year);
    if path.exists() {
        return Ok(TemplateOutcome::Exists(path));
    }
    let bytes = template(prog, year)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let fault = |p: &Path, e: std::io::Error| vec![crate::encoding::write_error(p, &e)];
    std::fs::create_dir_all(dir).map_err(|e| fault(dir, e))?;
    let tmp = dir.join(".charta-tmp-comptes-rendus.xlsx");
    std::fs::write(&tmp, &bytes).map_err(|e| fault(&tmp, e))?;
    // A hard link fails if the file appeared meanwhile: never a replacement.
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(TemplateOutcome::Written(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(TemplateOutcome::Exists(path))
        }
        Err(e) => Err(fault(&path, e)),
    }
}

/// Whether `path` is a workbook of comptes rendus: an `.xlsx` or `.ods` file
/// whose « Sommaire » sheet has the marker in A1.
pub fn is_crf_workbook(path: &Path) -> bool {
    use calamine::Reader;
    if !path.is_file() {
        return false;
    }
    let Ok(mut wb) = calamine::open_workbook_auto(path) else {
        return false;
    };
    if !wb.sheet_names().iter().any(|n| n == SUMMARY) {
        return false;
    }
    wb.worksheet_range(SUMMARY).is_ok_and(|r| {
        r.get_value((0, 0))
            .is_some_and(|v| v.to_string().trim() == MARKER)
    })
}

/// Every error of a reading, each at its cell.
pub(crate) struct Errors<'a> {
    pub file: &'a Path,
    pub list: Vec<Diagnostic>,
}

impl Errors<'_> {
    /// `at` « atelier-velo!D12 », `value` as written (empty: not shown).
    pub fn push(&mut self, code: Code, at: String, value: &str, what: Text, fix: Text) {
        self.list.push(super::sheet::cell_error(
            code, self.file, at, value, what, fix,
        ));
    }
}

/// A cell as the user sees it.
pub(crate) fn shown(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Date(s) => s.clone(),
        Cell::Number(n) => n.to_string(),
    }
}

/// One association's sheet, read: its id (and where), and its compte rendu.
pub(crate) struct ReadSheet {
    pub id: String,
    pub id_at: String,
    pub crf: Crf,
}

/// Reads the workbook at `path` and plans the writing of every
/// `reviews/Y/<id>.crf.json`: all errors at once, nothing planned on any.
/// Returns the exercice and the plan.
pub fn import(path: &Path, prog: &Programme) -> Result<(i32, Plan), Vec<Diagnostic>> {
    let tables = super::read_tables(path).map_err(|d| vec![d])?;
    let mut e = Errors {
        file: path,
        list: Vec::new(),
    };
    let year = super::crf_sheet_read::year(&tables, &mut e);
    let mut sheets = Vec::new();
    for t in tables.iter().filter(|t| t.name != SUMMARY) {
        if let Some(s) = super::crf_sheet_read::sheet(t, &mut e) {
            sheets.push(s);
        }
    }
    let Some(year) = year else {
        return Err(e.list);
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for s in &sheets {
        covers(prog, year, s, &mut e);
        if let Some(first) = seen.insert(s.id.clone(), s.id_at.clone()) {
            e.push(
                Code::ECH_067,
                s.id_at.clone(),
                &s.id,
                tr!(
                    "l'association a déjà sa feuille ({first})",
                    "the association already has its sheet ({first})"
                ),
                tr!(
                    "gardez une seule feuille par association",
                    "keep one sheet per association"
                ),
            );
        }
    }
    if !e.list.is_empty() {
        return Err(e.list);
    }
    plan(prog, year, &sheets)
}

/// ECH-064, ECH-065: the sheet's association exists, is funded, and its
/// convention covers `year`.
fn covers(prog: &Programme, year: i32, s: &ReadSheet, e: &mut Errors) {
    let data = prog
        .associations
        .iter()
        .find(|a| a.id == s.id)
        .and_then(|a| a.data.as_deref());
    match data {
        None => e.push(
            Code::ECH_064,
            s.id_at.clone(),
            &s.id,
            tr!(
                "aucune association de ce nom dans le programme",
                "no association of this id in the programme"
            ),
            tr!(
                "l'identifiant est le nom du fichier associations/<id>.json\u{a0}: rétablissez-le, ou retirez la feuille",
                "the id is the name of the file associations/<id>.json: restore it, or remove the sheet"
            ),
        ),
        Some(d) if !d.convention.years.contains(&year) || d.convention.funding.is_none() => {
            let years = d
                .convention
                .years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            e.push(
                Code::ECH_065,
                s.id_at.clone(),
                &s.id,
                tr!(
                    "la convention de cette association ne finance pas l'exercice {year} (années\u{a0}: {years})",
                    "the convention of this association does not fund exercice {year} (years: {years})"
                ),
                tr!(
                    "retirez la feuille, ou faites le classeur de l'exercice couvert (`charta review --template --year …`)",
                    "remove the sheet, or make the workbook of a covered exercice (`charta review --template --year …`)"
                ),
            );
        }
        Some(_) => {}
    }
}

/// An amount in cents as the JSON number of euros (12500, 12500.5).
fn euros_value(cents: i64) -> Value {
    if cents % 100 == 0 {
        Value::from(cents / 100)
    } else {
        Value::from(cents as f64 / 100.0)
    }
}

/// Sets `path` (« produits.subventions.region ») in `obj`, making the objects on the way.
fn set(obj: &mut Map<String, Value>, path: &str, v: Value) {
    match path.split_once('.') {
        None => {
            obj.insert(path.to_string(), v);
        }
        Some((head, rest)) => {
            let next = obj
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !next.is_object() {
                *next = Value::Object(Map::new());
            }
            if let Value::Object(m) = next {
                set(m, rest, v);
            }
        }
    }
}

/// The compte rendu's JSON: `base` (the existing file, else the template)
/// with every value of `c` put in place, its other keys kept as they are.
pub fn to_json(base: Value, c: &Crf) -> Value {
    let mut obj = match base {
        Value::Object(m) => m,
        _ => match crf::template_json() {
            Value::Object(m) => m,
            _ => Map::new(),
        },
    };
    let received = c.received_on.map_or(Value::Null, |d| Value::from(iso(d)));
    obj.insert("received_on".into(), received);
    for (k, _) in crf::line_keys() {
        let v = c.actual.get(&k).copied().flatten();
        set(&mut obj, &k, v.map_or(Value::Null, euros_value));
    }
    obj.insert(
        "en_nature".into(),
        c.en_nature.map_or(Value::Null, euros_value),
    );
    obj.insert(
        "fonds_dedies".into(),
        c.fonds_dedies.map_or(Value::Null, euros_value),
    );
    let mut ex = Map::new();
    for (k, _) in crf::line_keys() {
        if let Some(t) = c.explications.get(&k) {
            ex.insert(k, Value::from(t.clone()));
        }
    }
    obj.insert("explications".into(), Value::Object(ex));
    Value::Object(obj)
}

/// What differs between two comptes rendus, as JSON paths.
pub fn changes(old: &Crf, new: &Crf) -> Vec<String> {
    let mut out = Vec::new();
    if old.received_on != new.received_on {
        out.push("received_on".to_string());
    }
    for (k, _) in crf::line_keys() {
        let get = |c: &Crf| c.actual.get(&k).copied().flatten();
        if get(old) != get(new) {
            out.push(k.clone());
        }
    }
    if old.en_nature != new.en_nature {
        out.push("en_nature".into());
    }
    if old.fonds_dedies != new.fonds_dedies {
        out.push("fonds_dedies".into());
    }
    for (k, _) in crf::line_keys() {
        if old.explications.get(&k) != new.explications.get(&k) {
            out.push(format!("explications.{k}"));
        }
    }
    out
}

/// For each sheet, the file, the change, the new text: validated as a
/// compte rendu (BIL-120…124) before anything is written.
fn plan(prog: &Programme, year: i32, sheets: &[ReadSheet]) -> Result<(i32, Plan), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for s in sheets {
        let path = crf::crf_path(&prog.root, year, &s.id);
        let data = prog
            .associations
            .iter()
            .find(|a| a.id == s.id)
            .and_then(|a| a.data.as_deref());
        let existed = path.exists();
        let old_text = existed.then(|| crate::encoding::read_text(&path));
        let (base, old) = match old_text {
            None => (crf::template_json(), None),
            Some(Err(d)) => {
                errors.push(d);
                continue;
            }
            Some(Ok(text)) => match serde_json::from_str::<Value>(&text) {
                Ok(v) => {
                    let (c, diags) = crf::validate(&path, &text, year, &s.id, data);
                    let valid = diags.iter().all(|d| !d.is_error());
                    (v, c.filter(|_| valid))
                }
                Err(err) => {
                    errors.push(unreadable(&path, &s.id, &err));
                    continue;
                }
            },
        };
        // Compared by value: a key left out of the file is the same as a null.
        if old.as_ref().is_some_and(|o| changes(o, &s.crf).is_empty()) {
            out.push((s.id.clone(), path, Change::Unchanged, String::new()));
            continue;
        }
        let text = serde_json::to_string_pretty(&to_json(base, &s.crf)).expect("serialises") + "\n";
        let (_, diags) = crf::validate(&path, &text, year, &s.id, data);
        errors.extend(diags.into_iter().filter(Diagnostic::is_error));
        let change = match old {
            Some(old) => Change::Modified(changes(&old, &s.crf)),
            None if existed => Change::Modified(changes(&Crf::default(), &s.crf)),
            None => Change::Created,
        };
        out.push((s.id.clone(), path, change, text));
    }
    if errors.is_empty() {
        Ok((year, out))
    } else {
        Err(errors)
    }
}

/// ECH-068: the existing compte rendu is not JSON: the import does not overwrite it.
fn unreadable(path: &Path, id: &str, err: &serde_json::Error) -> Diagnostic {
    Diagnostic::error(
        Code::ECH_068,
        tr!(
            "{id}\u{a0}: le compte rendu existant ne se lit pas ({err})\u{a0}; l'import ne l'écrase pas",
            "{id}: the existing compte rendu does not read ({err}); the import does not overwrite it"
        ),
    )
    .in_file(path)
    .with_hint(tr!(
        "corrigez ou déplacez ce fichier, puis relancez l'import",
        "correct or move this file, then run the import again"
    ))
}

/// Where a row's key is, for a message: « atelier-velo!A12 ».
pub(crate) fn at(t: &ReadTable, col: usize, row: usize) -> String {
    cell_ref(&t.name, col, row)
}

/// Whether `key` is one of the rows written for display only.
pub(crate) fn is_shown(key: &str) -> bool {
    SHOWN.contains(&key) || key.starts_with("total.")
}
