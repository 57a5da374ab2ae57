//! The workbook of the comptes rendus financiers, written (see `crf_sheet`):
//! the « Sommaire » sheet, then one sheet per association. Fixed document
//! properties: the same programme gives the same bytes.

use rust_xlsxwriter::{Color, ExcelDateTime, Format, Formula, Worksheet, XlsxError};

use crate::check::crf::Crf;
use crate::model::{CHARGE_LABELS, PRODUIT_LABELS};

use super::crf_sheet::{
    ACTUAL, EXPLAIN, Entry, FORECAST, KEY, LABEL, MARKER, SUMMARY, VALUE, deadline, exercice_text,
    forecast,
};

/// The formats of a sheet.
struct Looks {
    bold: Format,
    title: Format,
    /// Read-only look: the forecast, the header's values.
    given: Format,
    given_date: Format,
    /// To fill in: actual amounts, explanations, the date of receipt.
    fill: Format,
    fill_text: Format,
    fill_date: Format,
    total: Format,
}

impl Looks {
    fn new() -> Self {
        let grey = Color::RGB(0x00EE_EEEE);
        let yellow = Color::RGB(0x00FF_F8DC);
        let amount = "#,##0.00";
        let date = "dd/mm/yyyy";
        Looks {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(13),
            given: Format::new()
                .set_background_color(grey)
                .set_num_format(amount),
            given_date: Format::new()
                .set_background_color(grey)
                .set_num_format(date),
            fill: Format::new()
                .set_background_color(yellow)
                .set_num_format(amount),
            fill_text: Format::new().set_background_color(yellow).set_text_wrap(),
            fill_date: Format::new()
                .set_background_color(yellow)
                .set_num_format(date),
            total: Format::new().set_bold().set_num_format(amount),
        }
    }
}

fn date(d: (i32, u8, u8)) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(u16::try_from(d.0).unwrap_or(1900), d.1, d.2)
}

fn col(c: usize) -> u16 {
    c as u16
}

/// The workbook's bytes.
pub(crate) fn to_xlsx(entries: &[Entry], year: i32) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::sheet::workbook("Comptes rendus financiers")?;
    let looks = Looks::new();
    summary(wb.add_worksheet(), entries, year, &looks)?;
    for e in entries {
        association(wb.add_worksheet(), e, year, &looks)?;
    }
    wb.save_to_buffer()
}

/// « Sommaire »: the marker, the exercice, then sheet → association.
fn summary(ws: &mut Worksheet, entries: &[Entry], year: i32, l: &Looks) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY)?;
    ws.write_string(0, col(KEY), MARKER)?;
    ws.write_string_with_format(
        0,
        col(LABEL),
        format!("Comptes rendus financiers de l'exercice {year}"),
        &l.title,
    )?;
    ws.write_string(1, col(KEY), "exercice")?;
    ws.write_string(1, col(LABEL), "Exercice")?;
    ws.write_number_with_format(1, col(VALUE), f64::from(year), &l.bold)?;
    let heads = [
        "Feuille",
        "Association",
        "Convention",
        "Exercice",
        "Date limite du compte rendu",
    ];
    ws.write_string(3, col(KEY), "entete")?;
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, col(LABEL + i), *h, &l.bold)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, col(KEY), "feuille")?;
        ws.write_string(r, col(LABEL), &e.sheet)?;
        ws.write_string(r, col(LABEL + 1), &e.data.association.name)?;
        ws.write_string(r, col(LABEL + 2), &e.data.convention.reference)?;
        ws.write_string(r, col(LABEL + 3), exercice_text(e.data, year))?;
        ws.write_datetime_with_format(
            r,
            col(LABEL + 4),
            date(deadline(e.data, year))?,
            &l.given_date,
        )?;
    }
    ws.set_column_hidden(col(KEY))?;
    for (c, w) in [
        (LABEL, 32.0),
        (LABEL + 1, 45.0),
        (LABEL + 2, 22.0),
        (LABEL + 3, 48.0),
        (LABEL + 4, 16.0),
    ] {
        ws.set_column_width(col(c), w)?;
    }
    Ok(())
}

/// One row of the header block: key, label, value (text or date).
fn head(ws: &mut Worksheet, r: u32, key: &str, label: &str, l: &Looks) -> Result<(), XlsxError> {
    ws.write_string(r, col(KEY), key)?;
    ws.write_string_with_format(r, col(LABEL), label, &l.bold)?;
    Ok(())
}

/// The header block, rows 1 to 9; returns the next row (0-based).
fn header(ws: &mut Worksheet, e: &Entry, year: i32, l: &Looks) -> Result<u32, XlsxError> {
    let d = e.data;
    ws.write_string(0, col(KEY), MARKER)?;
    ws.write_string_with_format(
        0,
        col(LABEL),
        format!("Compte rendu financier de l'exercice {year} (Cerfa n° 15059)"),
        &l.title,
    )?;
    head(ws, 1, "association", "Association", l)?;
    ws.write_string_with_format(1, col(VALUE), &d.association.name, &l.given)?;
    head(ws, 2, "id", "Identifiant", l)?;
    ws.write_string_with_format(2, col(VALUE), e.id, &l.given)?;
    head(ws, 3, "convention", "Convention", l)?;
    ws.write_string_with_format(3, col(VALUE), &d.convention.reference, &l.given)?;
    head(ws, 4, "exercice", "Exercice", l)?;
    ws.write_string_with_format(4, col(VALUE), exercice_text(d, year), &l.given)?;
    head(ws, 5, "deadline", "À remettre au plus tard le", l)?;
    ws.write_datetime_with_format(5, col(VALUE), date(deadline(d, year))?, &l.given_date)?;
    head(ws, 6, "received_on", "Reçu le", l)?;
    match e.crf.as_ref().and_then(|c| c.received_on) {
        Some(r) => ws.write_datetime_with_format(6, col(VALUE), date(r)?, &l.fill_date)?,
        None => ws.write_blank(6, col(VALUE), &l.fill_date)?,
    };
    ws.write_string(8, col(KEY), "entete")?;
    let heads = ["Libellé", "Prévu", "Réalisé", "Explication de l'écart"];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(8, col(LABEL + i), *h, &l.bold)?;
    }
    Ok(9)
}

/// One amount line: key, label, forecast, actual and its explanation.
fn line(
    ws: &mut Worksheet,
    r: u32,
    key: &str,
    label: &str,
    e: &Entry,
    prevu: Option<i64>,
    l: &Looks,
) -> Result<(), XlsxError> {
    let c: Option<&Crf> = e.crf.as_ref();
    ws.write_string(r, col(KEY), key)?;
    ws.write_string(r, col(LABEL), label)?;
    match prevu {
        Some(p) => ws.write_number_with_format(r, col(FORECAST), p as f64 / 100.0, &l.given)?,
        None => ws.write_blank(r, col(FORECAST), &l.given)?,
    };
    let actual = c.and_then(|c| match key {
        "en_nature" => c.en_nature,
        "fonds_dedies" => c.fonds_dedies,
        k => c.actual.get(k).copied().flatten(),
    });
    match actual {
        Some(a) => ws.write_number_with_format(r, col(ACTUAL), a as f64 / 100.0, &l.fill)?,
        None => ws.write_blank(r, col(ACTUAL), &l.fill)?,
    };
    if key.contains('.') {
        match c.and_then(|c| c.explications.get(key)) {
            Some(t) => ws.write_string_with_format(r, col(EXPLAIN), t, &l.fill_text)?,
            None => ws.write_blank(r, col(EXPLAIN), &l.fill_text)?,
        };
    }
    Ok(())
}

/// A total row: the forecast's sum, and a formula over the actual amounts.
fn total(
    ws: &mut Worksheet,
    r: u32,
    side: &str,
    first: u32,
    sum: i64,
    e: &Entry,
    l: &Looks,
) -> Result<(), XlsxError> {
    ws.write_string(r, col(KEY), format!("total.{side}"))?;
    ws.write_string_with_format(r, col(LABEL), format!("Total des {side}"), &l.bold)?;
    ws.write_number_with_format(r, col(FORECAST), sum as f64 / 100.0, &l.total)?;
    let actual = e.crf.as_ref().and_then(|c| c.total(side)).unwrap_or(0);
    let range = format!("D{}:D{}", first + 1, r);
    let f = Formula::new(format!("=SUM({range})")).set_result((actual as f64 / 100.0).to_string());
    ws.write_formula_with_format(r, col(ACTUAL), f, &l.total)?;
    Ok(())
}

/// An association's sheet.
fn association(ws: &mut Worksheet, e: &Entry, year: i32, l: &Looks) -> Result<(), XlsxError> {
    ws.set_name(&e.sheet)?;
    let budget = e
        .data
        .convention
        .budget
        .as_ref()
        .and_then(|b| b.get(&year.to_string()));
    let prevu = forecast(budget);
    let mut r = header(ws, e, year, l)?;
    for (side, title, labels) in [
        ("charges", "Charges", &CHARGE_LABELS[..]),
        ("produits", "Produits", &PRODUIT_LABELS[..]),
    ] {
        ws.write_string(r, col(KEY), format!("section.{side}"))?;
        ws.write_string_with_format(r, col(LABEL), title, &l.bold)?;
        r += 1;
        let first = r;
        let mut sum = 0;
        for (k, label) in labels {
            let key = format!("{side}.{k}");
            let p = prevu.get(&key).copied();
            sum += p.unwrap_or(0);
            line(ws, r, &key, label, e, p, l)?;
            r += 1;
        }
        total(ws, r, side, first, sum, e, l)?;
        r += 2;
    }
    line(
        ws,
        r,
        "en_nature",
        "Contributions volontaires en nature (86 et 87)",
        e,
        prevu.get("en_nature").copied(),
        l,
    )?;
    line(ws, r + 1, "fonds_dedies", "Fonds dédiés", e, None, l)?;
    ws.set_column_hidden(col(KEY))?;
    for (c, w) in [
        (LABEL, 45.0),
        (FORECAST, 16.0),
        (ACTUAL, 16.0),
        (EXPLAIN, 60.0),
    ] {
        ws.set_column_width(col(c), w)?;
    }
    ws.set_freeze_panes(9, 2)?;
    Ok(())
}
