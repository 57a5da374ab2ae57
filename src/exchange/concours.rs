//! The budget annex of the concours attribués to associations (CGCT
//! L. 2313-1 and its equivalents for départements and régions): `charta
//! export concours [PROG] --exercice Y --out FILE.xml` writes the
//! `DATA_CONCOURS` fragment of the TOTEM budget document (`FILE.xml`) and the
//! same rows as a table (`FILE.csv`).
//!
//! One `CONCOURS` per convention with an aid in the exercice (a framework
//! convention grants nothing), from today's data (the amounts the assembly
//! voted, avenants included), in the order of the beneficiary's name then the
//! convention's reference. Its elements, in the order of the schema
//! (`CommunAnnexe.xsd`, as a real compte administratif writes them, see
//! `tests/fixtures/totem/`), each with its value in the attribute `V`:
//! - `CodNatJurBenefCA`: `P1` (« Associations »): every beneficiary of charta
//!   is an association (the code list: P1 associations, P2 entreprises, P3
//!   personnes physiques, P4 autres personnes de droit privé, U1 régions, U2
//!   départements, U3 communes, U4 établissements de droit public, U5 État,
//!   U6 autres personnes de droit public);
//! - `LibOrgaBenef`: the association's name;
//! - `MtSubv`: the cash aid of the exercice, in euros with a decimal point
//!   and the fewest decimals (« 45000.0 », « 47500.5 », « 132925.76 »), as the
//!   budget files write it; « 0.0 » for an aid in kind only;
//! - `LibPrestaNat` (when there is aid in kind): its value and what it is
//!   (« 9 600 € Mise à disposition gratuite de locaux… »), as the budget files
//!   describe the prestations en nature;
//! - `ObjSubv`: the project's title;
//! - `Siret`: the association's SIRET (14 digits).
//!
//! `CodArticle` (the budget account) and `CodInvFonc` are left out: the
//! funder's nomenclature is not in the data, and the schema makes them
//! optional.

use crate::diagnostic::Diagnostic;
use crate::load::Programme;
use crate::model::{Amount, AssociationFile, ConventionKind, PerYear};

/// The namespace of the TOTEM budget document.
pub const NAMESPACE: &str = "http://www.minefi.gouv.fr/cp/demat/docbudgetaire";

/// The nature of the beneficiary of every convention charta writes.
pub const NATURE: (&str, &str) = ("P1", "Associations");

/// One concours of the annex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concours {
    /// The association's id (file stem).
    pub id: String,
    /// The convention's reference.
    pub reference: String,
    pub beneficiary: String,
    pub siret: String,
    pub object: String,
    /// Cash aid of the exercice, in cents.
    pub cash: i64,
    /// Value of the aid in kind of the exercice, in cents.
    pub in_kind: i64,
    /// What the aid in kind is, with its value; empty without one.
    pub in_kind_text: String,
}

fn cents_of(m: Option<&PerYear<Amount>>, year: &str) -> i64 {
    m.and_then(|m| m.get(year)).map(|a| a.cents()).unwrap_or(0)
}

/// The first letter in capitals (« la mise à disposition » → « La mise… »).
fn capitalised(s: &str) -> String {
    let mut c = s.trim().chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The concours of one association in `year`, if it has an aid then.
pub fn concours(id: &str, data: &AssociationFile, year: i32) -> Option<Concours> {
    let c = &data.convention;
    if c.kind == ConventionKind::Cadre {
        return None;
    }
    let y = year.to_string();
    let cash = cents_of(c.funding.as_ref(), &y);
    let kinds: Vec<(i64, &str)> = c
        .in_kind
        .iter()
        .map(|k| (cents_of(Some(&k.values), &y), k.description.as_str()))
        .filter(|(v, _)| *v > 0)
        .collect();
    let in_kind: i64 = kinds.iter().map(|(v, _)| v).sum();
    if cash == 0 && in_kind == 0 {
        return None;
    }
    let in_kind_text = kinds
        .iter()
        .map(|(v, d)| format!("{} {}", crate::french::euros(*v), capitalised(d)))
        .collect::<Vec<_>>()
        .join(" ; ");
    Some(Concours {
        id: id.to_string(),
        reference: c.reference.clone(),
        beneficiary: data.association.name.trim().to_string(),
        siret: crate::ids::compact(&data.association.siret),
        object: data
            .project
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        cash,
        in_kind,
        in_kind_text,
    })
}

/// Every concours of `year`, by beneficiary then reference; `Err` when an
/// association file does not read (the annex would be incomplete).
pub fn rows(prog: &Programme, year: i32) -> Result<Vec<Concours>, Vec<Diagnostic>> {
    let list = super::associations(prog)?;
    let mut out: Vec<Concours> = list
        .iter()
        .filter_map(|(id, d)| concours(id, d, year))
        .collect();
    out.sort_by(|a, b| {
        (&a.beneficiary, &a.reference, &a.id).cmp(&(&b.beneficiary, &b.reference, &b.id))
    });
    Ok(out)
}

/// Euros as the budget files write them: a decimal point, the fewest
/// decimals, at least one (« 45000.0 », « 47500.5 », « 132925.76 »).
pub fn budget_number(cents: i64) -> String {
    let (e, c) = (cents / 100, cents % 100);
    if c % 10 == 0 {
        format!("{e}.{}", c / 10)
    } else {
        format!("{e}.{c:02}")
    }
}

/// `12345.60` from cents (the CSV, as the SCDL export).
fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A value for the attribute `V`.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The `DATA_CONCOURS` fragment (UTF-8), to put in the budget document's `Annexes`.
pub fn to_xml(rows: &[Concours]) -> Vec<u8> {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!("<DATA_CONCOURS xmlns=\"{NAMESPACE}\">\n"));
    let el = |x: &mut String, name: &str, v: &str| {
        x.push_str(&format!("      <{name} V=\"{}\"/>\n", attr(v)));
    };
    for r in rows {
        x.push_str("   <CONCOURS>\n");
        el(&mut x, "CodNatJurBenefCA", NATURE.0);
        el(&mut x, "LibOrgaBenef", &r.beneficiary);
        el(&mut x, "MtSubv", &budget_number(r.cash));
        if !r.in_kind_text.is_empty() {
            el(&mut x, "LibPrestaNat", &r.in_kind_text);
        }
        el(&mut x, "ObjSubv", &r.object);
        el(&mut x, "Siret", &r.siret);
        x.push_str("   </CONCOURS>\n");
    }
    x.push_str("</DATA_CONCOURS>\n");
    x.into_bytes()
}

/// The same rows as a table: UTF-8 without BOM, comma, CRLF, amounts with a
/// decimal point and two decimals.
pub fn to_csv(year: i32, rows: &[Concours]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "exercice",
        "beneficiaire",
        "siret",
        "nature_juridique",
        "nature_juridique_libelle",
        "objet",
        "montant_numeraire",
        "aide_en_nature_valeur",
        "aide_en_nature",
        "reference_convention",
    ])
    .expect("writes to memory");
    for r in rows {
        w.write_record([
            year.to_string().as_str(),
            &r.beneficiary,
            &r.siret,
            NATURE.0,
            NATURE.1,
            &r.object,
            &decimal(r.cash),
            &decimal(r.in_kind),
            &r.in_kind_text,
            &r.reference,
        ])
        .expect("writes to memory");
    }
    w.into_inner().expect("writes to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_numbers_have_the_fewest_decimals() {
        assert_eq!(budget_number(72_200_000), "722000.0");
        assert_eq!(budget_number(4_750_050), "47500.5");
        assert_eq!(budget_number(13_292_576), "132925.76");
        assert_eq!(budget_number(0), "0.0");
        assert_eq!(budget_number(1), "0.01");
        assert_eq!(budget_number(10), "0.1");
    }

    #[test]
    fn attribute_values_are_escaped() {
        assert_eq!(
            attr("A & \"B\" <C>\n"),
            "A &amp; &quot;B&quot; &lt;C&gt;&#10;"
        );
    }
}
