//! Where a de minimis aid stands against its ceiling at grant: the aid the
//! association declared under the same regulation over the three years
//! before the grant, this aid, their sum. One computation for the rule of
//! `charta check` (the ceiling) and for the clause that states it, so that
//! the act prints exactly what was checked, from the declaration the data
//! records, never more.

use crate::french::parse_date;
use crate::model::{
    Amount, AssociationFile, ConventionKind, DeMinimisKind, DeclaredAid, PerYear, ProgrammeFile,
    Regime, SiegBasis,
};

/// The de minimis regulation the convention's aid falls under, if any: the
/// general one, the agricultural one, or the SIEG one (a `sieg` regime on
/// regulation 2023/2832). A framework convention grants nothing.
pub fn kind(data: &AssociationFile) -> Option<DeMinimisKind> {
    let c = &data.convention;
    if c.kind == ConventionKind::Cadre {
        return None;
    }
    match (c.regime, c.sieg.as_ref().map(|t| t.basis)) {
        (Regime::DeMinimis, _) => Some(DeMinimisKind::General),
        (Regime::DeMinimisAgricole, _) => Some(DeMinimisKind::Agricole),
        (Regime::Sieg, Some(SiegBasis::Reglement20232832)) => Some(DeMinimisKind::Sieg),
        _ => None,
    }
}

/// The ceiling over three years, in cents, and the regulation that sets it.
pub fn ceiling(kind: DeMinimisKind) -> (i64, &'static str) {
    match kind {
        DeMinimisKind::General => (30_000_000, "règlement (UE) 2023/2831"),
        DeMinimisKind::Agricole => (5_000_000, "règlement (UE) n° 1408/2013"),
        DeMinimisKind::Sieg => (75_000_000, "règlement (UE) 2023/2832"),
    }
}

/// A de minimis aid at grant.
#[derive(Debug, Clone)]
pub struct Position<'a> {
    pub kind: DeMinimisKind,
    /// The grant date: the signature's (the decision's while a draft).
    pub granted_on: String,
    /// The aid declared under the same regulation, granted in the three
    /// years before, in the order of the declaration.
    pub counted: Vec<&'a DeclaredAid>,
    /// Their sum, in cents.
    pub declared: i64,
    /// This aid (cash and in kind, every year), in cents.
    pub this_aid: i64,
}

impl Position<'_> {
    /// Declared aid and this one, in cents.
    pub fn cumulative(&self) -> i64 {
        self.declared + self.this_aid
    }
}

fn per_year_total(m: Option<&PerYear<Amount>>) -> i64 {
    m.map(|m| m.values().map(|a| a.cents()).sum()).unwrap_or(0)
}

/// The position of the convention's aid, when it is a de minimis aid whose
/// grant date is valid and whose declaration the data records.
pub fn position(data: &AssociationFile) -> Option<Position<'_>> {
    let kind = kind(data)?;
    let c = &data.convention;
    let declared = data.association.de_minimis_declared.as_ref()?;
    // The aid is granted, in full, when the right arises: at signature (the
    // decision date while the act is a draft).
    let granted_on = c.signature.date.as_deref().unwrap_or(&c.decision.date);
    let grant = parse_date(granted_on)?;
    let three_years_before = (grant.0 - 3, grant.1, grant.2);
    let counted: Vec<&DeclaredAid> = declared
        .iter()
        .filter(|d| d.regulation == kind)
        .filter(|d| parse_date(&d.granted_on).is_some_and(|g| g > three_years_before && g <= grant))
        .collect();
    let this_aid = per_year_total(c.funding.as_ref())
        + c.in_kind
            .iter()
            .map(|k| per_year_total(Some(&k.values)))
            .sum::<i64>();
    Some(Position {
        kind,
        granted_on: granted_on.to_string(),
        declared: counted.iter().map(|d| d.amount.cents()).sum(),
        counted,
        this_aid,
    })
}

/// Euros as the context gives amounts: a whole number, else two decimals.
fn money(cents: i64) -> serde_json::Value {
    if cents % 100 == 0 {
        serde_json::json!(cents / 100)
    } else {
        serde_json::json!(cents as f64 / 100.0)
    }
}

/// The `de_minimis` object of the clauses' context: the declared aid
/// counted (`aids`: `grantor`, `granted_on`, `amount`), their `count` and
/// `declared_total`, `this_aid`, `cumulative`, the regulation's `ceiling`
/// (euros), and `register` (the funder records its de minimis aid in the
/// national register). Null when the aid is not de minimis or the data
/// records no declaration: the clauses then state nothing about it.
pub fn context(prog: &ProgrammeFile, data: &AssociationFile) -> serde_json::Value {
    let Some(p) = position(data) else {
        return serde_json::Value::Null;
    };
    let aids: Vec<serde_json::Value> = (p.counted.iter())
        .map(|d| {
            serde_json::json!({
                "grantor": d.grantor,
                "granted_on": d.granted_on,
                "amount": money(d.amount.cents()),
            })
        })
        .collect();
    serde_json::json!({
        "aids": aids,
        "count": p.counted.len(),
        "declared_total": money(p.declared),
        "this_aid": money(p.this_aid),
        "cumulative": money(p.cumulative()),
        "ceiling": money(ceiling(p.kind).0),
        "register": prog.funder.de_minimis_register,
    })
}
