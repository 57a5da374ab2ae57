//! The figures of one décision, from its rows: counts, totals by exercice,
//! by nature, by regime and by priority. Every amount of the délibération,
//! of its annex and of its rapport comes from here, in cents.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::collect::{Nature, Row};
use crate::french;
use crate::model::{BoardCapacity, ConventionKind, Deliberation, FunderKind};

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
    /// The conventions' crédits de paiement by exercice, as their payment
    /// clauses schedule them ([`payments`]).
    pub cp_per_year: BTreeMap<i32, i64>,
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
                    for (y, v) in payments(&r.funding, r.advance_percent) {
                        *f.cp_per_year.entry(y).or_default() += v;
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

/// When `funding` is paid under the convention's payment clause: in each
/// exercice the advance (`advance_percent` of its amount, rounded to the cent
/// as the notification rounds it), the balance in the next exercice, after the
/// compte rendu of the year (due within six months of its close).
pub fn payments(funding: &BTreeMap<i32, i64>, advance_percent: f64) -> BTreeMap<i32, i64> {
    let mut out: BTreeMap<i32, i64> = BTreeMap::new();
    for (y, c) in funding {
        let advance = ((*c as f64) * advance_percent.clamp(0.0, 100.0) / 100.0).round() as i64;
        for (year, v) in [(*y, advance), (y + 1, c - advance)] {
            if v != 0 {
                *out.entry(year).or_default() += v;
            }
        }
    }
    out
}

/// The article of the CGCT on autorisations d'engagement and crédits de
/// paiement for the funder's kind; none known here for an EPCI or the State.
pub fn ae_cp_article(funder: FunderKind) -> Option<&'static str> {
    match funder {
        FunderKind::Region => Some("L. 4312-4"),
        FunderKind::Departement => Some("L. 3312-4"),
        FunderKind::Commune => Some("L. 2311-3"),
        FunderKind::Epci | FunderKind::Etat => None,
    }
}

fn schedule(m: &BTreeMap<i32, i64>) -> Vec<Value> {
    m.iter()
        .map(|(y, c)| json!({"year": y, "amount": french::euros(*c)}))
        .collect()
}

/// The `deliberation` object of the clauses' context.
pub fn context(
    number: &str,
    (d, funder): (&Deliberation, FunderKind),
    rows: &[Row],
    f: &Figures,
) -> Value {
    let years = f.years();
    let first = years.first().copied().or_else(|| year_of(&d.date));
    let last = years.last().copied().or(first);
    let per_year: Vec<Value> = f
        .conventions_per_year
        .iter()
        .map(|(y, c)| json!({"year": y, "amount": french::euros(*c)}))
        .collect();
    let acts = match (f.conventions, f.avenants) {
        (c, 0) => named(c, "convention", "conventions"),
        (0, a) => named(a, "avenant", "avenants"),
        (c, a) => format!(
            "{} et {}",
            named(c, "convention", "conventions"),
            named(a, "avenant", "avenants")
        ),
    };
    let mut out = json!({
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
        "funded_named": named(f.funded, "association", "associations"),
        "conventions_named": named(f.conventions, "convention", "conventions"),
        "avenants_named": named(f.avenants, "avenant", "avenants"),
        "associations": f.associations,
        "session_year": year_of(&d.date).or(first),
        "assembly": assembly(&d.body, funder),
        "complements": complements(rows),
        "complements_ae": complements_ae(rows),
        "amended": amended(rows),
        "avenants": f.avenants,
        "cadre": f.cadre,
        "associations_named": named(f.associations, "association", "associations"),
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
        "separate": separate(rows),
        "attribution": attribution(rows),
    });
    // Second reading (points 4, 9, 10, 15), apart: the macro's recursion limit.
    let more = json!({
        "budget": d.budget,
        "vote": d.vote,
        "cp_per_year": schedule(&f.cp_per_year),
        "cp_first_year": f.cp_per_year.keys().next(),
        "cp_last_year": f.cp_per_year.keys().next_back(),
        "ae_cp_article": ae_cp_article(funder),
        "in_kind": in_kind(rows),
        "sieg": sieg(rows),
    });
    if let (Value::Object(o), Value::Object(m)) = (&mut out, more) {
        o.extend(m);
    }
    out
}

/// « cinq associations », « une convention », « un avenant »: up to sixteen
/// in letters, beyond in figures (`french::count`).
fn named(n: usize, one: &str, many: &str) -> String {
    const WORDS: [&str; 17] = [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
        "onze", "douze", "treize", "quatorze", "quinze", "seize",
    ];
    let feminine = !one.starts_with("avenant");
    match n {
        1 if feminine => format!("une {one}"),
        1 => format!("un {one}"),
        n if n < WORDS.len() => format!("{} {many}", WORDS[n]),
        n => french::count(n, one, many),
    }
}

/// The subject of « DÉCIDE »: « LA COMMISSION PERMANENTE DU CONSEIL
/// RÉGIONAL » from the body and the funder's kind.
fn assembly(body: &str, funder: FunderKind) -> String {
    let body = body.trim();
    let lower = body.to_lowercase();
    let council = match funder {
        FunderKind::Region => "du conseil régional",
        FunderKind::Departement => "du conseil départemental",
        _ => "",
    };
    let of = if lower.starts_with("commission permanente") && !lower.contains(" du ") {
        format!(" {council}")
    } else {
        String::new()
    };
    let feminine = ["commission", "assemblée", "délégation"]
        .iter()
        .any(|w| lower.starts_with(w));
    let article = if feminine { "la" } else { "le" };
    format!("{article} {body}{of}").trim_end().to_uppercase()
}

/// Per avenant raising its total: the complement of subsidy it grants.
fn complements(rows: &[Row]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in rows {
        let (Nature::Avenant(k), Some(before)) = (r.nature, &r.previous) else {
            continue;
        };
        let old: i64 = before.values().sum();
        let more = r.total() - old;
        if more <= 0 {
            continue;
        }
        let years: Vec<i32> = raised(before, &r.funding)
            .into_iter()
            .map(|(y, _)| y)
            .collect();
        out.push(json!({
            "association": r.name,
            "reference": r.reference,
            "avenant": k,
            "amount": french::euros(more),
            "letters": french::euros_in_letters(more),
            "years": years,
            "total": french::euros(r.total()),
        }));
    }
    out
}

/// The exercices an avenant raises, and by how much.
fn raised(before: &BTreeMap<i32, i64>, after: &BTreeMap<i32, i64>) -> Vec<(i32, i64)> {
    after
        .iter()
        .filter_map(|(y, v)| {
            let more = v - before.get(y).copied().unwrap_or(0);
            (more > 0).then_some((*y, more))
        })
        .collect()
}

/// The additional autorisation d'engagement of the complements, by exercice.
fn complements_ae(rows: &[Row]) -> Value {
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    let mut total = 0;
    for r in rows {
        let (Nature::Avenant(_), Some(before)) = (r.nature, &r.previous) else {
            continue;
        };
        let more = r.total() - before.values().sum::<i64>();
        if more <= 0 {
            continue;
        }
        total += more;
        let raised: BTreeMap<i32, i64> = raised(before, &r.funding).into_iter().collect();
        for (y, v) in payments(&raised, r.advance_percent) {
            *per_year.entry(y).or_default() += v;
        }
    }
    if total == 0 {
        return Value::Null;
    }
    let years: Vec<Value> = per_year
        .iter()
        .map(|(y, c)| json!({"year": y, "amount": french::euros(*c)}))
        .collect();
    json!({
        "amount": french::euros(total),
        "letters": french::euros_in_letters(total),
        "per_year": years,
    })
}

/// Per avenant: the convention it amends (its décision, its signature) and
/// the avenant's reason, for the visas and the considérants.
fn amended(rows: &[Row]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in rows {
        let (Nature::Avenant(k), Some((decision, signed))) = (r.nature, &r.amends) else {
            continue;
        };
        let reason = r.reason.as_deref().map(|s| {
            let s = s.trim();
            let body = s.trim_end_matches([',', '.', ';']).trim_end();
            if s.ends_with(',') {
                // « À la demande de l'association, … » introduces the avenant.
                let mut c = body.chars();
                let first: String = c.next().into_iter().flat_map(char::to_lowercase).collect();
                format!("est proposé {first}{}", c.as_str())
            } else {
                format!("a pour motif\u{a0}: « {body} »")
            }
        });
        let changes: Vec<String> = r
            .previous
            .iter()
            .flat_map(|before| {
                let years: BTreeSet<&i32> = before.keys().chain(r.funding.keys()).collect();
                years
                    .into_iter()
                    .filter(|y| before.get(y) != r.funding.get(y))
                    .map(|y| {
                        let a =
                            |m: &BTreeMap<i32, i64>| french::euros(m.get(y).copied().unwrap_or(0));
                        format!("la contribution {y} de {} à {}", a(before), a(&r.funding))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        out.push(json!({
            "association": r.name,
            "reference": r.reference,
            "avenant": k,
            "decision_number": decision.number,
            "decision_body": decision.body,
            "decision_date": decision.date,
            "signed": signed,
            "reason": reason,
            "changes": changes.join(" et "),
        }));
    }
    out
}

/// The in-kind aid the conventions grant, line by line: what is made
/// available, to whom, valued by exercice and in total.
fn in_kind(rows: &[Row]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in rows
        .iter()
        .filter(|r| matches!(r.nature, Nature::Convention(_)))
    {
        for (what, values) in &r.in_kind_lines {
            let total: i64 = values.values().sum();
            if total == 0 {
                continue;
            }
            let parts: Vec<String> = values
                .iter()
                .map(|(y, c)| format!("{} en {y}", french::euros(*c)))
                .collect();
            let valued = match parts.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
                None => String::new(),
            };
            out.push(json!({
                "association": r.name,
                "description": what.trim().trim_end_matches(['.', ';']),
                "valued": valued,
                "years": values.len(),
                "total": french::euros(total),
            }));
        }
    }
    out
}

/// The conventions that entrust a SIEG under décision 2012/21/UE.
fn sieg(rows: &[Row]) -> Vec<Value> {
    rows.iter()
        .filter(|r| matches!(r.nature, Nature::Convention(_)) && r.sieg_decision)
        .map(|r| json!({"association": r.name, "reference": r.reference}))
        .collect()
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
                "feminine": e.name.trim_start().starts_with("Mme"),
                "capacity": capacity,
                "association": r.name,
                "line": i + 1,
            }));
        }
    }
    out
}

/// A funded convention on whose board an élu sits: voted in its own article.
fn conflicted(r: &Row) -> bool {
    matches!(r.nature, Nature::Convention(_)) && r.total() > 0 && !r.elected.is_empty()
}

/// The lines voted separately (an élu takes no part): one article each.
fn separate(rows: &[Row]) -> Vec<Value> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| conflicted(r))
        .map(|(i, r)| {
            let names: Vec<&str> = r.elected.iter().map(|e| e.name.as_str()).collect();
            json!({
                "line": i + 1,
                "association": r.name,
                "reference": r.reference,
                "amount": french::euros(r.total()),
                "letters": french::euros_in_letters(r.total()),
                "multi_year": r.funding.len() > 1,
                "elected": names,
            })
        })
        .collect()
}

/// The subsidies voted together (article « Attribution »): every funded
/// convention but those voted separately.
fn attribution(rows: &[Row]) -> Value {
    let together: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.nature, Nature::Convention(_)) && r.total() > 0 && !conflicted(r))
        .collect();
    let except: Vec<String> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| conflicted(r))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    let total: i64 = together.iter().map(|r| r.total()).sum();
    let except_text = match except.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
        None => String::new(),
    };
    let approved = rows
        .iter()
        .filter(|r| matches!(r.nature, Nature::Convention(_)) && !conflicted(r))
        .count();
    json!({
        "approved": approved,
        "approved_named": named(approved, "convention", "conventions"),
        "funded": together.len(),
        "funded_named": named(together.len(), "association", "associations"),
        "total": french::euros(total),
        "letters": french::euros_in_letters(total),
        "conventions": together.len(),
        "except": except_text,
        "except_count": except.len(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(i32, i64)]) -> BTreeMap<i32, i64> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn the_advance_in_the_year_the_balance_the_next() {
        // Réseau insertion emploi, by hand: 40 % of 160 000, 165 000, 170 000, 170 000 €.
        let funding = m(&[
            (2026, 16_000_000),
            (2027, 16_500_000),
            (2028, 17_000_000),
            (2029, 17_000_000),
        ]);
        assert_eq!(
            payments(&funding, 40.0),
            m(&[
                (2026, 6_400_000),
                (2027, 9_600_000 + 6_600_000),
                (2028, 9_900_000 + 6_800_000),
                (2029, 10_200_000 + 6_800_000),
                (2030, 10_200_000),
            ])
        );
        // At the bounds: no advance, all of it; and a cent rounded as the notification rounds it.
        assert_eq!(payments(&m(&[(2026, 100)]), 0.0), m(&[(2027, 100)]));
        assert_eq!(payments(&m(&[(2026, 100)]), 100.0), m(&[(2026, 100)]));
        assert_eq!(payments(&m(&[(2026, 1)]), 50.0), m(&[(2026, 1)]));
        assert_eq!(payments(&m(&[(2026, 1)]), 49.0), m(&[(2027, 1)]));
    }

    #[test]
    fn the_ae_cp_article_is_the_funders_own() {
        assert_eq!(ae_cp_article(FunderKind::Region), Some("L. 4312-4"));
        assert_eq!(ae_cp_article(FunderKind::Departement), Some("L. 3312-4"));
        assert_eq!(ae_cp_article(FunderKind::Commune), Some("L. 2311-3"));
        assert_eq!(ae_cp_article(FunderKind::Epci), None);
    }
}
