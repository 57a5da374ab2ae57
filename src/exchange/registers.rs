//! Two registers rebuilt from the conventions, as CSV (UTF-8 without BOM,
//! comma, CRLF, amounts in euros with a decimal point and two decimals):
//!
//! - **the de minimis register** (`charta export de-minimis`): one row per
//!   signed convention whose aid falls under a de minimis regulation
//!   (`crate::de_minimis::kind`: 2023/2831 general, 2023/2832 SIEG,
//!   1408/2013 agricultural), the aid granted in full at signature (cash and
//!   the grant-equivalent of the aid in kind, every year), and where the
//!   association then stands against the regulation's ceiling over three
//!   rolling years: the aid it declared under the same regulation in the three
//!   years before the grant (`crate::de_minimis::position`, the computation
//!   `charta check` and the clause use: an aid granted exactly three years
//!   before is out of the window), this aid, their sum, the ceiling, the margin;
//!   without a declaration the totals are left empty, never guessed;
//! - **the L. 612-4 statement** (`charta export l612-4`): per convention and
//!   exercice, the public subsidies in cash the association receives (this
//!   funder's funding of the year plus `other_public_subsidies`, every other
//!   public funder), against the 153 000 € of the code de commerce (art.
//!   L. 612-4, décret n° 2006-335): above it (strictly), the association must
//!   have its accounts certified by a commissaire aux comptes and publish them
//!   with the report, for that exercice. Aid in kind does not count. When the
//!   other subsidies are not known and this funding alone is not above, the
//!   answer is « indéterminé ».

use crate::de_minimis;
use crate::diagnostic::Diagnostic;
use crate::load::Programme;
use crate::model::{AssociationFile, ConventionKind, DeMinimisKind, ProgrammeFile};

/// The threshold of public cash subsidies of an exercice (code de commerce
/// L. 612-4, décret n° 2006-335), in cents.
pub const L612_4_CENTS: i64 = 15_300_000;

/// `12345.60` from cents, `-0.01` below zero (a margin past the ceiling).
fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

fn csv_bytes(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).expect("writes to memory");
    for r in rows {
        w.write_record(r).expect("writes to memory");
    }
    w.into_inner().expect("writes to memory")
}

/// The regulation's number and the sector it covers.
fn regulation(kind: DeMinimisKind) -> (&'static str, &'static str) {
    match kind {
        DeMinimisKind::General => ("2023/2831", "général"),
        DeMinimisKind::Agricole => ("1408/2013", "production agricole primaire"),
        DeMinimisKind::Sieg => ("2023/2832", "service d'intérêt économique général"),
    }
}

fn sum_values<'a>(m: impl Iterator<Item = &'a crate::model::Amount>) -> i64 {
    m.map(|a| a.cents()).sum()
}

/// The columns of the de minimis register.
pub const DE_MINIMIS_HEADER: [&str; 19] = [
    "identifiant_aide",
    "siren",
    "siret",
    "beneficiaire",
    "montant_numeraire",
    "equivalent_subvention_nature",
    "montant_aide",
    "date_octroi",
    "autorite_octroi",
    "siret_autorite",
    "reglement",
    "secteur",
    "declaration_aides_anterieures",
    "aides_declarees_3_ans",
    "cumul_3_ans",
    "plafond",
    "marge",
    "plafond_respecte",
    "id_association",
];

/// The register's row of one association, if its convention is a signed de
/// minimis aid.
pub fn de_minimis_row(
    prog: &ProgrammeFile,
    id: &str,
    data: &AssociationFile,
) -> Option<Vec<String>> {
    let kind = de_minimis::kind(data)?;
    let c = &data.convention;
    let signed_on = c.signature.date.as_deref().map(str::trim)?;
    if signed_on.is_empty() {
        return None;
    }
    let cash = c
        .funding
        .as_ref()
        .map(|f| sum_values(f.values()))
        .unwrap_or(0);
    let in_kind: i64 = c
        .in_kind
        .iter()
        .map(|k| sum_values(k.values.values()))
        .sum();
    let (ceiling, _) = de_minimis::ceiling(kind);
    let (reg, sector) = regulation(kind);
    let siret = crate::ids::compact(&data.association.siret);
    let mut row = vec![
        c.reference.clone(),
        siret.chars().take(9).collect(),
        siret.clone(),
        data.association.name.trim().to_string(),
        decimal(cash),
        decimal(in_kind),
        decimal(cash + in_kind),
        signed_on.to_string(),
        prog.funder.name.trim().to_string(),
        crate::ids::compact(&prog.funder.siret),
        reg.to_string(),
        sector.to_string(),
    ];
    match de_minimis::position(data) {
        Some(p) => row.extend([
            "déclarée".to_string(),
            decimal(p.declared),
            decimal(p.cumulative()),
            decimal(ceiling),
            decimal(ceiling - p.cumulative()),
            if p.cumulative() <= ceiling {
                "oui"
            } else {
                "non"
            }
            .to_string(),
        ]),
        None => row.extend([
            "non déclarée".to_string(),
            String::new(),
            String::new(),
            decimal(ceiling),
            String::new(),
            String::new(),
        ]),
    }
    row.push(id.to_string());
    Some(row)
}

/// The de minimis register: its CSV and its number of rows.
pub fn de_minimis_export(prog: &Programme) -> Result<(Vec<u8>, usize), Vec<Diagnostic>> {
    let list = super::associations(prog)?;
    let mut rows: Vec<Vec<String>> = list
        .iter()
        .filter_map(|(id, d)| de_minimis_row(&prog.file, id, d))
        .collect();
    // By grant date, then reference.
    rows.sort_by(|a, b| (&a[7], &a[0], &a[18]).cmp(&(&b[7], &b[0], &b[18])));
    Ok((csv_bytes(&DE_MINIMIS_HEADER, &rows), rows.len()))
}

/// The columns of the L. 612-4 statement.
pub const L612_4_HEADER: [&str; 14] = [
    "exercice",
    "beneficiaire",
    "siret",
    "reference_convention",
    "convention_signee",
    "subvention_numeraire",
    "autres_subventions_publiques_connues",
    "autres_subventions_publiques",
    "total_subventions_publiques_numeraire",
    "seuil",
    "seuil_depasse",
    "certification_commissaire_aux_comptes",
    "publication_comptes_rapport",
    "id_association",
];

/// Whether the public cash subsidies of a year pass the threshold: « oui »,
/// « non », or « indéterminé » (others unknown, this funding alone not above).
pub fn crossed(own: i64, other: Option<i64>) -> &'static str {
    match other {
        Some(o) if own + o > L612_4_CENTS => "oui",
        Some(_) => "non",
        None if own > L612_4_CENTS => "oui",
        None => "indéterminé",
    }
}

/// The statement's rows of one association: one per year of its convention.
pub fn l612_4_rows(id: &str, data: &AssociationFile) -> Vec<Vec<String>> {
    let c = &data.convention;
    if c.kind == ConventionKind::Cadre {
        return Vec::new();
    }
    let signed = c
        .signature
        .date
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty());
    let others = data.association.other_public_subsidies.as_ref();
    c.years
        .iter()
        .map(|y| {
            let y = y.to_string();
            let own = c
                .funding
                .as_ref()
                .and_then(|f| f.get(&y))
                .map(|a| a.cents())
                .unwrap_or(0);
            let other = others.and_then(|m| m.get(&y)).map(|a| a.cents());
            let answer = crossed(own, other);
            vec![
                y,
                data.association.name.trim().to_string(),
                crate::ids::compact(&data.association.siret),
                c.reference.clone(),
                if signed { "oui" } else { "non" }.to_string(),
                decimal(own),
                if other.is_some() { "oui" } else { "non" }.to_string(),
                other.map(decimal).unwrap_or_default(),
                decimal(own + other.unwrap_or(0)),
                decimal(L612_4_CENTS),
                answer.to_string(),
                answer.to_string(),
                answer.to_string(),
                id.to_string(),
            ]
        })
        .collect()
}

/// The L. 612-4 statement: its CSV and its number of rows.
pub fn l612_4_export(prog: &Programme) -> Result<(Vec<u8>, usize), Vec<Diagnostic>> {
    let list = super::associations(prog)?;
    let mut rows: Vec<Vec<String>> = list.iter().flat_map(|(id, d)| l612_4_rows(id, d)).collect();
    // By exercice, then beneficiary, then reference.
    rows.sort_by(|a, b| (&a[0], &a[1], &a[3], &a[13]).cmp(&(&b[0], &b[1], &b[3], &b[13])));
    Ok((csv_bytes(&L612_4_HEADER, &rows), rows.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_crossed_strictly_above_153_000() {
        assert_eq!(crossed(15_300_000, Some(0)), "non");
        assert_eq!(crossed(15_299_999, Some(1)), "non");
        assert_eq!(crossed(15_300_000, Some(1)), "oui");
        assert_eq!(crossed(10_000_000, Some(5_300_001)), "oui");
        assert_eq!(crossed(15_300_001, None), "oui");
        assert_eq!(crossed(15_300_000, None), "indéterminé");
    }

    #[test]
    fn a_margin_past_the_ceiling_is_negative() {
        assert_eq!(decimal(-1), "-0.01");
        assert_eq!(decimal(-12_345), "-123.45");
        assert_eq!(decimal(30_000_000), "300000.00");
    }
}
