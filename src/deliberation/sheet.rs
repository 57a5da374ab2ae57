//! The annex as CSV (RFC 4180, UTF-8, comma, amounts in euros with a point
//! and two decimals): one row per convention or avenant, no totals row.

use super::collect::Row;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn euros(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The CSV of `rows` with one amount column per exercice of `years`.
pub fn csv(rows: &[Row], years: &[i32]) -> String {
    let mut head: Vec<String> = [
        "ligne",
        "beneficiaire",
        "siret",
        "registre",
        "objet",
        "reference",
        "nature",
        "regime",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    head.extend(years.iter().map(|y| format!("montant_{y}")));
    head.push("montant_total".to_string());
    head.push("aides_en_nature".to_string());
    let mut out = head.join(",") + "\r\n";
    for (i, r) in rows.iter().enumerate() {
        let mut cells = vec![
            (i + 1).to_string(),
            field(&r.name),
            r.siret.clone(),
            field(r.register.as_deref().unwrap_or("")),
            field(&r.object),
            field(&r.reference),
            field(&r.nature.label()),
            field(r.regime),
        ];
        cells.extend(
            years
                .iter()
                .map(|y| r.funding.get(y).map(|c| euros(*c)).unwrap_or_default()),
        );
        cells.push(euros(r.total()));
        cells.push(euros(r.in_kind_total()));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
