//! What a document says about itself besides its text: title, reference,
//! parties, period, date (from the data, never the clock) and the charts of
//! its dashboard. Every writer reads it (the PDF layout as `/meta.json`,
//! the ODT and DOCX document properties and headers).

use serde::Serialize;

/// Metadata of one convention, handed to the layout as `/meta.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// « Convention pluriannuelle d'objectifs ».
    pub title: String,
    /// « CR-ESS-2026-014 »: running header, PDF keywords and PDF identifier.
    pub reference: String,
    /// PDF author; title block.
    pub funder: String,
    /// Title block.
    pub association: String,
    /// « 2026-2028 » or « 2026 ».
    pub period: String,
    /// The document date (year, month, day) from the data (decision date),
    /// never the clock: PDF metadata and Typst's `datetime.today()`.
    pub date: (i32, u8, u8),
    /// One chart per quantitative indicator, drawn in the dashboard annex.
    pub charts: Vec<Chart>,
}

/// The trajectory of one quantitative indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Indicator id, e.g. « O1-I1 ».
    pub indicator: String,
    pub label: String,
    pub unit: String,
    /// `("Référence", 110.0)`, `("2026", 120.0)`…: a label starting with
    /// « Réf » is drawn as the baseline. A non-finite value is shown as « — ».
    pub points: Vec<(String, f64)>,
    /// The values achieved so far, by year (`("2026", 418.0)`): drawn next to
    /// the targets by the review layout (`templates/review.typ`); empty in a
    /// convention, whose layout ignores it.
    pub actuals: Vec<(String, f64)>,
}
