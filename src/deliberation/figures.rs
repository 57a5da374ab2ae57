//! The figures of one décision, from its rows: counts, totals by exercice,
//! by nature, by regime and by priority. Every amount of the délibération,
//! of its annex and of its rapport comes from here, in cents.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::collect::{Nature, Row};
use crate::french;
use crate::model::{BoardCapacity, ConventionKind, Deliberation};

/// What a décision grants, added up.
#[derive(Debug, Default)]
pub struct Figures {
    pub conventions: usize,
    pub avenants: usize,
    pub cadre: usize,
    pub associations: usize,
    /// Every row's funding, all exercices.
    pub total: i64,
    pub conventions_total: i64,
    pub avenants_total: i64,
    /// The avenants' funding in force before them, when every one is archived.
    pub avenants_before: Option<i64>,
    pub per_year: BTreeMap<i32, i64>,
    /// The conventions' funding by exercice (what the décision commits).
    pub conventions_per_year: BTreeMap<i32, i64>,
    /// Conventions with some funding.
    pub funded: usize,
    pub in_kind_per_year: BTreeMap<i32, i64>,
    pub in_kind_total: i64,
    /// Some convention covers more than one exercice.
    pub multi_year: bool,
}

impl Figures {
    pub fn of(rows: &[Row]) -> Figures {
        let mut f = Figures::default();
        let mut before = Some(0);
        let ids: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        f.associations = ids.len();
        for r in rows {
            match r.nature {
                Nature::Avenant(_) => {
                    f.avenants += 1;
                    f.avenants_total += r.total();
                    before = before
                        .zip(r.previous.as_ref())
                        .map(|(b, p)| b + p.values().sum::<i64>());
                }
                Nature::Convention(k) => {
                    f.conventions += 1;
                    f.conventions_total += r.total();
                    f.cadre += usize::from(k == ConventionKind::Cadre);
                    f.funded += usize::from(r.total() > 0);
                    f.multi_year |= r.funding.len() > 1;
                    for (y, v) in &r.funding {
                        *f.conventions_per_year.entry(*y).or_default() += v;
                    }
                }
            }
            for (y, v) in &r.funding {
                *f.per_year.entry(*y).or_default() += v;
            }
            for (y, v) in &r.in_kind {
                *f.in_kind_per_year.entry(*y).or_default() += v;
            }
            f.total += r.total();
            f.in_kind_total += r.in_kind_total();
        }
        f.avenants_before = before.filter(|_| f.avenants > 0);
        f
    }

    /// Every exercice a row covers, funded or in kind.
    pub fn years(&self) -> Vec<i32> {
        let all: BTreeSet<i32> = (self.per_year.keys())
            .chain(self.in_kind_per_year.keys())
            .copied()
            .collect();
        all.into_iter().collect()
    }
}

/// The `deliberation` object of the clauses' context.
pub fn context(number: &str, d: &Deliberation, rows: &[Row], f: &Figures) -> Value {
    let years = f.years();
    let first = years.first().copied().or_else(|| year_of(&d.date));
    let last = years.last().copied().or(first);
    let per_year: Vec<Value> = f
        .conventions_per_year
        .iter()
        .map(|(y, c)| json!({"year": y, "amount": french::euros(*c)}))
        .collect();
    let acts = match (f.conventions, f.avenants) {
        (c, 0) => french::count(c, "convention", "conventions"),
        (0, a) => french::count(a, "avenant", "avenants"),
        (c, a) => format!(
            "{} et {}",
            french::count(c, "convention", "conventions"),
            french::count(a, "avenant", "avenants")
        ),
    };
    json!({
        "number": number,
        "body": d.body,
        "date": d.date,
        "rapporteur": d.rapporteur,
        "imputation": d.imputation,
        "visas": d.visas,
        "considerants": d.considerants,
        "ae_cp": d.ae_cp,
        "first_year": first,
        "last_year": last,
        "multi_year": f.multi_year,
        "conventions": f.conventions,
        "funded": f.funded,
        "funded_named": french::count(f.funded, "association", "associations"),
        "avenants": f.avenants,
        "cadre": f.cadre,
        "associations_named": french::count(f.associations, "association", "associations"),
        "acts_named": acts,
        "total": french::euros(f.total),
        "total_letters": french::euros_in_letters(f.total),
        "conventions_total": french::euros(f.conventions_total),
        "conventions_total_letters": french::euros_in_letters(f.conventions_total),
        "avenants_total": french::euros(f.avenants_total),
        "avenants_total_letters": french::euros_in_letters(f.avenants_total),
        "avenants_before": f.avenants_before.map(french::euros),
        "avenants_change": f.avenants_before.map(|b| signed_euros(f.avenants_total - b)),
        "in_kind_total": (f.in_kind_total > 0).then(|| french::euros(f.in_kind_total)),
        "per_year": per_year,
        "deport": deport(rows),
    })
}

/// The élus who take no part in the vote: one entry per élu and line.
fn deport(rows: &[Row]) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        for e in &r.elected {
            let capacity = match e.capacity {
                BoardCapacity::Representant => "representant",
                BoardCapacity::Personnel => "personnel",
            };
            out.push(json!({
                "name": e.name,
                "capacity": capacity,
                "association": r.name,
                "line": i + 1,
            }));
        }
    }
    out
}

/// « une augmentation de 3 000 € », « une diminution de 1 500 € ».
fn signed_euros(cents: i64) -> String {
    match cents {
        0 => "un montant inchangé".to_string(),
        c if c > 0 => format!("une augmentation de {}", french::euros(c)),
        c => format!("une diminution de {}", french::euros(-c)),
    }
}

fn year_of(date: &str) -> Option<i32> {
    french::parse_date(date).map(|(y, _, _)| y)
}
