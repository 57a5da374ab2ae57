//! Open data per exercice: `charta export scdl --par-exercice`.
//!
//! The same acts as the SCDL export (signed conventions above 23 000 € in a
//! year, signed avenants that change the amount), one row per act and per
//! exercice instead of one per act: `montant` is the aid of that exercice
//! (funding plus the value of the in-kind aid of that year), and a first
//! column `exercice` (the year, four digits) says which. That column is the
//! one the national subsidy platform (Data.Subvention) reads to spread a
//! multi-year grant over its years (its SCDL reader,
//! `betagouv/api-subventions-asso`, `scdl.mapper.ts`: `exercice`, a four-digit
//! year; without it, the year of `dateConvention` takes the whole amount).
//!
//! The sixteen SCDL 2.1.1 fields are unchanged; the schema of the file is
//! SCDL 2.1.1 plus `exercice`, shipped in
//! `docs/scdl/scdl-subventions-2.1.1-exercice.schema.json` (a documented
//! extension) and checked row by row before anything is written. A year
//! whose aid is nil is no row. The rows of one act sum to its single-row
//! `montant`.

use std::sync::OnceLock;

use super::scdl::{self, Row, Schema};
use crate::diagnostic::Diagnostic;
use crate::load::Programme;

/// SCDL subventions 2.1.1 with the `exercice` column first.
pub const SCHEMA_JSON: &str =
    include_str!("../../docs/scdl/scdl-subventions-2.1.1-exercice.schema.json");

/// The embedded extended schema, parsed once.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        scdl::parse_schema(SCHEMA_JSON).expect("the embedded SCDL per-exercice schema is valid")
    })
}

/// `12345.60` from cents.
fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The rows of one act, one per exercice with an aid.
pub fn split(row: &Row) -> Vec<Row> {
    row.per_year
        .iter()
        .filter(|(_, c)| **c > 0)
        .map(|(year, cents)| {
            let mut r = row.clone();
            r.values.insert("exercice", year.clone());
            r.values.insert("montant", decimal(*cents));
            r.per_year = [(year.clone(), *cents)].into_iter().collect();
            r
        })
        .collect()
}

/// Every row per exercice, sorted by reference, act, then exercice, each
/// checked against the extended schema; `Err` with every problem.
pub fn rows(prog: &Programme) -> Result<Vec<Row>, Vec<Diagnostic>> {
    let schema = schema();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for act in scdl::rows(prog)? {
        for r in split(&act) {
            let problems = scdl::check_row(schema, &r);
            if problems.is_empty() {
                out.push(r);
            } else {
                errors.extend(problems);
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The whole export: the CSV bytes and the number of rows, or every problem.
pub fn export(prog: &Programme) -> Result<(Vec<u8>, usize), Vec<Diagnostic>> {
    let rows = rows(prog)?;
    Ok((scdl::to_csv_with(schema(), &rows), rows.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extended_schema_is_scdl_2_1_1_plus_exercice_first() {
        let base = scdl::schema();
        let ext = schema();
        assert_eq!(ext.fields.len(), base.fields.len() + 1);
        assert_eq!(ext.fields[0].name, "exercice");
        assert_eq!(ext.fields[0].kind, "year");
        assert!(ext.fields[0].required);
        for (a, b) in base.fields.iter().zip(&ext.fields[1..]) {
            assert_eq!(
                (&a.name, &a.kind, a.required, &a.pattern_text, &a.allowed),
                (&b.name, &b.kind, b.required, &b.pattern_text, &b.allowed)
            );
        }
        assert_eq!(ext.siret_columns, base.siret_columns);
        let year = &ext.fields[0];
        assert_eq!(scdl::field_problem(year, "2026"), None);
        assert!(scdl::field_problem(year, "226").is_some());
        assert!(scdl::field_problem(year, "20260").is_some());
        assert!(scdl::field_problem(year, "").is_some());
    }

    #[test]
    fn an_act_splits_into_its_exercices_and_sums_back() {
        let row = Row {
            id: "a".into(),
            reference: "R".into(),
            file: "a.json".into(),
            values: [("montant", "100000.01".to_string())].into_iter().collect(),
            per_year: [
                ("2026".to_string(), 5_000_000),
                ("2027".to_string(), 0),
                ("2028".to_string(), 5_000_001),
            ]
            .into_iter()
            .collect(),
        };
        let rows = split(&row);
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.values["exercice"].as_str(), r.values["montant"].as_str()))
            .collect();
        assert_eq!(got, [("2026", "50000.00"), ("2028", "50000.01")]);
    }
}
