//! Tables of cells, as spreadsheets hold them: written as an `.xlsx` workbook
//! (rust_xlsxwriter) or `.csv` files, read from `.xlsx`/`.ods` (calamine) or a
//! folder of `.csv` files (UTF-8 with or without BOM, comma or semicolon).

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::tr;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date, ISO `AAAA-MM-JJ`.
    Date(String),
}

/// How a column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// An identifier: a text cell even when it is all digits (SIRET, code postal).
    Id,
    Number,
    Date,
}

/// A sheet: name, headers (row 1), rows (from row 2).
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub headers: Vec<(String, Kind)>,
    pub rows: Vec<Vec<Cell>>,
}

/// A sheet as read: headers, and each non-empty row with its 1-based row number.
#[derive(Debug, Clone)]
pub struct ReadTable {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// An error at a spreadsheet cell: `at` « Budget!F12 » or « atelier-velo!D12 »,
/// `value` as written (empty: not shown), what is wrong and the fix.
pub fn cell_error(
    code: Code,
    file: &Path,
    at: String,
    value: &str,
    what: Text,
    fix: Text,
) -> Diagnostic {
    let msg = if value.is_empty() {
        Text::new(
            format!("{at}\u{a0}: {}", what.fr),
            format!("{at}: {}", what.en),
        )
    } else {
        Text::new(
            format!("{at}\u{a0}: «\u{a0}{value}\u{a0}»\u{a0}: {}", what.fr),
            format!("{at}: \"{value}\": {}", what.en),
        )
    };
    Diagnostic::error(code, msg)
        .in_file(file)
        .at_path(at)
        .with_hint(fix)
}

/// `A`, `B`, …, `Z`, `AA`… for a 0-based column.
pub fn column_letters(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// `Feuille!F12` for a 0-based column and a 1-based row.
pub fn cell_ref(sheet: &str, col: usize, row: usize) -> String {
    format!("{sheet}!{}{row}", column_letters(col))
}

fn ymd(iso: &str) -> Option<(u16, u8, u8)> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(iso, &fmt).ok()?;
    Some((u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day()))
}

/// A new workbook titled `title`, with fixed document properties (no clock:
/// the same bytes from the same inputs).
pub(crate) fn workbook(
    title: &str,
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut wb = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&fixed)
            .set_author("charta")
            .set_title(title),
    );
    Ok(wb)
}

/// The workbook bytes: one worksheet per table, headers in bold, identifiers as
/// text cells, dates as date cells; fixed document properties (no clock).
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let mut wb = workbook("Associations et conventions")?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let amount = Format::new().set_num_format("General");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.name)?;
        for (c, (h, kind)) in t.headers.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, h, &bold)?;
            let width = match kind {
                Kind::Text => 30.0,
                Kind::Id => 18.0,
                Kind::Number => 14.0,
                Kind::Date => 12.0,
            };
            ws.set_column_width(c, width)?;
            if *kind == Kind::Id {
                // Typed later by a user, an identifier stays text (no 2.0004E+13).
                ws.set_column_format(c, &text)?;
            }
        }
        ws.set_freeze_panes(1, 1)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        if t.headers[c as usize].1 == Kind::Id {
                            ws.write_string_with_format(r, c, s, &text)?;
                        } else {
                            ws.write_string(r, c, s)?;
                        }
                    }
                    Cell::Number(n) => {
                        ws.write_number_with_format(r, c, *n, &amount)?;
                    }
                    Cell::Date(iso) => match ymd(iso) {
                        Some((y, m, d)) => {
                            ws.write_datetime_with_format(
                                r,
                                c,
                                ExcelDateTime::from_ymd(y, m, d)?,
                                &date,
                            )?;
                        }
                        // Not a real date: the data is kept as it is, as text.
                        None => {
                            ws.write_string(r, c, iso)?;
                        }
                    },
                }
            }
        }
    }
    wb.save_to_buffer()
}

/// One table as CSV (comma, UTF-8, no BOM); numbers in Rust's shortest form.
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(t.headers.iter().map(|(h, _)| h.as_str()))
        .expect("memory");
    for row in &t.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Date(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
        }))
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

/// An Excel serial day (1900 system) as an ISO date.
fn serial_to_iso(serial: f64) -> Option<String> {
    let base = time::macros::date!(1899 - 12 - 30);
    let d = base.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        u8::from(d.month()),
        d.day()
    ))
}

fn from_calamine(d: &calamine::Data) -> Cell {
    use calamine::Data;
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "oui" } else { "non" }.to_string()),
        Data::DateTime(dt) => match serial_to_iso(dt.as_f64()) {
            Some(s) => Cell::Date(s),
            None => Cell::Text(dt.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => Cell::Date(s.chars().take(10).collect()),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn is_blank(row: &[Cell]) -> bool {
    row.iter().all(|c| *c == Cell::Empty)
}

fn read_rows(name: &str, grid: Vec<(usize, Vec<Cell>)>) -> Option<ReadTable> {
    let mut it = grid.into_iter();
    let (_, header) = it.next()?;
    let headers = header
        .into_iter()
        .map(|c| match c {
            Cell::Text(s) | Cell::Date(s) => s.trim().to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        })
        .collect();
    Some(ReadTable {
        name: name.to_string(),
        headers,
        rows: it.filter(|(_, r)| !is_blank(r)).collect(),
    })
}

/// Reads every sheet of an `.xlsx` or `.ods` workbook.
pub fn read_workbook(path: &Path) -> Result<Vec<ReadTable>, Text> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| Text::verbatim(e.to_string()))?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| Text::verbatim(e.to_string()))?;
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let (r0, c0) = (r0 as usize, c0 as usize);
        // Rows and columns from A1, whatever the first used cell.
        let mut grid: Vec<(usize, Vec<Cell>)> = (0..r0).map(|r| (r + 1, Vec::new())).collect();
        for (i, row) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; c0];
            cells.extend(row.iter().map(from_calamine));
            grid.push((r0 + i + 1, cells));
        }
        // Header must be row 1: drop leading empty rows only if row 1 is empty.
        while grid.first().is_some_and(|(_, r)| is_blank(r)) {
            grid.remove(0);
        }
        if let Some(t) = read_rows(&name, grid) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Reads every `<Feuille>.csv` of a folder: UTF-8 with or without BOM, comma or
/// semicolon (whichever the header line has more of). Every cell is text.
pub fn read_csv_dir(dir: &Path) -> Result<Vec<ReadTable>, Text> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Text::verbatim(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for p in files {
        let at = |e: &dyn std::fmt::Display| {
            let d = p.display();
            tr!("{d}\u{a0}: {e}", "{d}: {e}")
        };
        let bytes = std::fs::read(&p).map_err(|e| at(&e))?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| {
            let d = p.display();
            tr!(
                "{d} n'est pas en UTF-8\u{a0}: enregistrez-le en «\u{a0}CSV UTF-8\u{a0}»",
                "{d} is not UTF-8: save it as “CSV UTF-8”"
            )
        })?;
        let first = text.lines().next().unwrap_or("");
        let sep = if first.matches(';').count() > first.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut r = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut grid = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| at(&e))?;
            grid.push((
                i + 1,
                rec.iter()
                    .map(|s| {
                        if s.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s.to_string())
                        }
                    })
                    .collect(),
            ));
        }
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(t) = read_rows(&name, grid) {
            out.push(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_serials() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(cell_ref("Indicateurs", 5, 12), "Indicateurs!F12");
        assert_eq!(serial_to_iso(46063.0).as_deref(), Some("2026-02-10"));
    }
}
