//! The yearly closing of a convention (issue #31): the compte rendu
//! financier against the budget prévisionnel (gaps in euros and in percent,
//! explained or flagged), its receipt against the deadline, the part of the
//! contribution not consumed (« à due proportion »), the SIEG
//! overcompensation check (décision 2012/21/UE, art. 5-6), and the balance
//! still to pay or the sum to recover.
//!
//! Every figure is in cents and computed in integers; nothing depends on the
//! clock: a compte rendu not received is late only against the date of the
//! review given (`--on`).

use super::*;
use crate::check::crf::{Crf, line_keys};
use crate::model::{FunderKind, Regime, SiegBasis, Unspent};

/// Where the compte rendu financier stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    /// Received by the deadline.
    OnTime((i32, u8, u8)),
    /// Received after the deadline: « en retard » from its own date.
    Late((i32, u8, u8)),
    /// Not received; `Some(true)`: late at the date of the review (`--on`),
    /// `Some(false)`: not yet due then, `None`: no date of review given.
    Missing(Option<bool>),
}

/// One line of the budget, forecast against actual.
#[derive(Debug, Clone, PartialEq)]
pub struct GapLine {
    pub key: String,
    pub label: &'static str,
    pub forecast: i64,
    /// `None`: left empty in the compte rendu.
    pub actual: Option<i64>,
    /// Actual − forecast.
    pub gap: Option<i64>,
    /// The gap in % of the forecast (`None` when the forecast is zero).
    pub gap_percent: Option<f64>,
    pub explanation: Option<String>,
    /// Above the threshold and not explained.
    pub flagged: bool,
}

/// What the closing decides on the part not consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `repay`: what is not due is withheld from the balance, what was paid beyond it repaid.
    Repay,
    /// `keep-reasonable`: the unconsumed part paid is shown for the funder to decide.
    KeepReasonable,
    /// SIEG compensation (décision 2012/21/UE): the overcompensation check decides.
    Sieg,
}

/// The overcompensation check of a SIEG compensation (décision 2012/21/UE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiegCheck {
    /// Actual charges of the service.
    pub costs: i64,
    /// Actual produits other than this compensation.
    pub revenues: i64,
    /// Reasonable profit: the act's percentage of the actual charges.
    pub profit: i64,
    /// Net cost + reasonable profit: the ceiling of the compensation.
    pub ceiling: i64,
    /// Compensation beyond the ceiling (0 when none).
    pub over: i64,
    /// Carried forward to the next period (art. 6 § 2: within 10 % of the average yearly compensation).
    pub carried: bool,
}

/// The closing of one association's year.
#[derive(Debug, Clone, PartialEq)]
pub struct Closing {
    pub exercice_end: (i32, u8, u8),
    pub deadline: (i32, u8, u8),
    pub receipt: Receipt,
    /// The date of the review (`--on`), if given.
    pub on: Option<(i32, u8, u8)>,
    /// The budget's lines (charges, then produits), when the convention has a budget for the year.
    pub lines: Vec<GapLine>,
    /// Forecast and actual totals: charges, produits.
    pub charges: (i64, Option<i64>),
    pub produits: (i64, Option<i64>),
    pub fonds_dedies: Option<i64>,
    /// The year's amount (maximum) of the convention.
    pub amount: i64,
    pub rule: Rule,
    /// The contribution due for the year (`None` until the compte rendu gives the actual charges).
    pub due: Option<i64>,
    pub sieg: Option<SiegCheck>,
    /// Total paid for the year (recorded payments).
    pub paid: i64,
    /// Still to pay: the balance (`None` until the due is known).
    pub balance: Option<i64>,
    /// The date by which the balance is due: sixty days after receipt of the compte rendu.
    pub balance_due_by: Option<(i32, u8, u8)>,
    /// Paid beyond the due: to recover (`repay`, SIEG not carried) or for
    /// the funder to decide (`keep-reasonable`).
    pub beyond: i64,
    /// The convention's clause the reversement letter quotes (set when there is something to recover).
    pub cited: Option<super::closing_text::Cited>,
    /// The convention's clause that reduces the contribution « à due
    /// proportion » (`contribution-plafond`), quoted with it (not for SIEG).
    pub proportion: Option<super::closing_text::Cited>,
    /// The article of the convention that gives the association a month for
    /// its observations before the contribution is reduced (`sanctions-financieres`).
    pub observations: Option<String>,
    /// The reversement letter (Markdown), rendered from the clause library
    /// when there is something to recover.
    pub letter: Option<Result<String, Diagnostic>>,
    /// SIEG: the check over the whole period, once every year's compte rendu is received.
    pub period: Option<PeriodCheck>,
    /// The convention is not signed: none of its clauses is in force, so
    /// neither a balance nor a reversement can be founded on it.
    pub unsigned: bool,
}

impl Closing {
    /// The sum to recover by a titre de recettes (the reversement letter):
    /// none under an unsigned convention.
    pub fn to_recover(&self) -> i64 {
        if self.unsigned {
            return 0;
        }
        match self.rule {
            Rule::Repay => self.beyond,
            Rule::Sieg if !self.sieg.is_some_and(|s| s.carried) => self.beyond,
            _ => 0,
        }
    }
    /// The unconsumed part: the year's amount less the contribution due.
    pub fn unspent(&self) -> Option<i64> {
        self.due.map(|d| self.amount - d)
    }
}

/// The rule the closing follows: SIEG terms first, else the convention's
/// (or the programme's) choice for the part not consumed, `repay` by default.
fn rule_of(sieg: bool, unspent: Option<Unspent>) -> Rule {
    match (sieg, unspent) {
        (true, _) => Rule::Sieg,
        (false, Some(Unspent::KeepReasonable)) => Rule::KeepReasonable,
        (false, _) => Rule::Repay,
    }
}

/// The last day of exercice `year` of an association closing on `fiscal_year_end`.
pub fn exercice_end_of(data: &AssociationFile, year: i32) -> (i32, u8, u8) {
    let (m, d) = crate::model::fiscal_year_end(&data.association).unwrap_or((12, 31));
    (year, m, d)
}

/// `date` + `days`.
pub fn add_days((y, m, d): (i32, u8, u8), days: i64) -> (i32, u8, u8) {
    let month = time::Month::try_from(m).unwrap_or(time::Month::January);
    match time::Date::from_calendar_date(y, month, d) {
        Ok(date) => {
            let n = date + time::Duration::days(days);
            (n.year(), n.month() as u8, n.day())
        }
        Err(_) => (y, m, d),
    }
}

/// `a × b ÷ c` rounded to the nearest cent (half up), in integers.
pub fn pro_rata(a: i64, b: i64, c: i64) -> i64 {
    if c <= 0 {
        return a;
    }
    let n = i128::from(a) * i128::from(b);
    let c = i128::from(c);
    ((2 * n + c) / (2 * c)) as i64
}

/// The key of this funder's line of subsidy (« produits.subventions.region »).
pub fn funder_key(kind: FunderKind) -> String {
    let (_, k) = crate::model::BudgetSubventions::default().of(kind);
    format!("produits.subventions.{k}")
}

/// The closing of `data`'s year `year`: `crf` the compte rendu if any,
/// `payments` those recorded, `on` the date of the review.
pub fn close(
    prog: &Programme,
    data: &AssociationFile,
    year: i32,
    crf: Option<&Crf>,
    payments: &[Payment],
    on: Option<(i32, u8, u8)>,
) -> Option<Closing> {
    let c = &data.convention;
    let y = year.to_string();
    let amount = c.funding.as_ref()?.get(&y)?.cents();
    let exercice_end = exercice_end_of(data, year);
    let deadline = review_deadline(exercice_end);
    let receipt = match crf.and_then(|c| c.received_on) {
        Some(r) if r > deadline => Receipt::Late(r),
        Some(r) => Receipt::OnTime(r),
        None => Receipt::Missing(on.map(|d| d > deadline)),
    };
    let received = crf.filter(|c| c.received_on.is_some());
    let budget = c.budget.as_ref().and_then(|b| b.get(&y));
    let forecast_charges = budget
        .map(|b| b.charges.total())
        .or_else(|| {
            c.eligible_cost
                .as_ref()
                .and_then(|e| e.get(&y))
                .map(|a| a.cents())
        })
        .unwrap_or(0);
    let lines = budget
        .map(|b| gap_lines(b, received, prog.file.review.gap_percent))
        .unwrap_or_default();
    let actual_charges = received.and_then(|c| c.total("charges"));
    let actual_produits = received.and_then(|c| c.total("produits"));
    let sieg_terms = sieg_terms_of(c);
    let rule = rule_of(
        sieg_terms.is_some(),
        c.unspent.or(prog.file.programme.unspent),
    );
    let mut sieg = None;
    let due = match (rule, actual_charges, received) {
        (_, None, _) | (_, _, None) => None,
        (Rule::Sieg, Some(_), Some(crf)) => {
            let terms = sieg_terms.expect("a SIEG rule has its terms");
            let (costs, revenues, profit, ceiling) = sieg_year(prog, terms, crf)?;
            let over = (amount - ceiling).max(0);
            // Art. 6 § 2 of the décision, as the act provides (clause
            // `sieg-surcompensation`, unless the convention removed it).
            // Within 10 % of the *average* yearly compensation of the act
            // (art. 6 § 2), not of this year's.
            let provided = !c.clauses.remove.iter().any(|r| r == "sieg-surcompensation");
            let (total, years) = average_compensation(c);
            let carried = provided && over > 0 && years > 0 && over * 10 * years <= total;
            sieg = Some(SiegCheck {
                costs,
                revenues,
                profit,
                ceiling,
                over,
                carried,
            });
            Some(if carried { amount } else { amount - over })
        }
        (_, Some(actual), _) => Some(pro_rata(amount, actual, forecast_charges).min(amount)),
    };
    let paid: i64 = payments.iter().map(|p| p.amount).sum();
    let balance = due.map(|d| (d - paid).max(0));
    let beyond = due.map_or(0, |d| (paid - d).max(0));
    let balance_due_by = match (balance, received.and_then(|c| c.received_on)) {
        (Some(b), Some(r)) if b > 0 => Some(add_days(r, 60)),
        _ => None,
    };
    Some(Closing {
        exercice_end,
        deadline,
        receipt,
        on,
        lines,
        charges: (forecast_charges, actual_charges),
        produits: (
            budget.map_or(forecast_charges, |b| b.produits.total()),
            actual_produits,
        ),
        fonds_dedies: received.and_then(|c| c.fonds_dedies),
        amount,
        rule,
        due,
        sieg,
        paid,
        balance,
        balance_due_by,
        beyond,
        cited: None,
        proportion: None,
        observations: None,
        letter: None,
        period: None,
        unsigned: false,
    })
}

/// The compensations of every year of the act and their count: the average
/// yearly compensation is `total ÷ count` (kept as a fraction, so that the
/// 10 % comparison is exact to the cent).
fn average_compensation(c: &crate::model::Convention) -> (i64, i64) {
    let amounts: Vec<i64> = c
        .years
        .iter()
        .filter_map(|y| c.funding.as_ref()?.get(&y.to_string()).map(|a| a.cents()))
        .collect();
    (amounts.iter().sum(), amounts.len() as i64)
}

/// The SIEG terms of a compensation under décision 2012/21/UE, if it is one.
fn sieg_terms_of(c: &crate::model::Convention) -> Option<&crate::model::SiegTerms> {
    c.sieg
        .as_ref()
        .filter(|s| c.regime == Regime::Sieg && s.basis == SiegBasis::Decision201221)
}

/// One year of a SIEG compensation from its compte rendu: actual charges,
/// produits other than this funder's line, reasonable profit (the act's
/// percentage of the charges) and the ceiling (net cost + reasonable profit).
fn sieg_year(
    prog: &Programme,
    terms: &crate::model::SiegTerms,
    crf: &Crf,
) -> Option<(i64, i64, i64, i64)> {
    let costs = crf.total("charges")?;
    let own = crf
        .actual
        .get(&funder_key(prog.file.funder.kind))
        .copied()
        .flatten()
        .unwrap_or(0);
    let revenues = crf.total("produits").unwrap_or(0) - own;
    let profit = (costs as f64 * terms.reasonable_profit_percent / 100.0).round() as i64;
    Some((costs, revenues, profit, (costs - revenues + profit).max(0)))
}

/// The overcompensation check over the whole period of the entrustment
/// (décision 2012/21/UE, art. 6 § 1: compensation ≤ net cost + reasonable
/// profit over the period too, a year over made good by a year under).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodCheck {
    pub first: i32,
    pub last: i32,
    /// The compensations of every year of the period.
    pub compensation: i64,
    /// The sum of the yearly ceilings (net cost + reasonable profit).
    pub ceiling: i64,
    /// Compensation beyond the ceiling over the period (0 when none).
    pub over: i64,
}

/// The period check of a SIEG compensation under décision 2012/21/UE, when
/// the comptes rendus of every year of the period are received (`crfs` by
/// year); `None` otherwise.
pub fn sieg_period(
    prog: &Programme,
    data: &AssociationFile,
    crfs: &BTreeMap<i32, Crf>,
) -> Option<PeriodCheck> {
    let c = &data.convention;
    let terms = sieg_terms_of(c)?;
    let (mut compensation, mut ceiling) = (0, 0);
    for y in &c.years {
        compensation += c.funding.as_ref()?.get(&y.to_string())?.cents();
        let crf = crfs.get(y).filter(|c| c.received_on.is_some())?;
        ceiling += sieg_year(prog, terms, crf)?.3;
    }
    Some(PeriodCheck {
        first: *c.years.iter().min()?,
        last: *c.years.iter().max()?,
        compensation,
        ceiling,
        over: (compensation - ceiling).max(0),
    })
}

/// The budget's lines with a forecast or an actual, against the compte rendu.
fn gap_lines(b: &crate::model::Budget, crf: Option<&Crf>, threshold: f64) -> Vec<GapLine> {
    let forecasts: Vec<i64> = b
        .charges
        .amounts()
        .iter()
        .chain(b.produits.amounts().iter())
        .map(|a| a.cents())
        .collect();
    line_keys()
        .into_iter()
        .zip(forecasts)
        .filter_map(|((key, label), forecast)| {
            let actual = crf.and_then(|c| c.actual.get(&key).copied().flatten());
            if forecast == 0 && actual.unwrap_or(0) == 0 {
                return None;
            }
            let gap = crf.map(|_| actual.unwrap_or(0) - forecast);
            let gap_percent = gap
                .filter(|_| forecast != 0)
                .map(|g| g as f64 * 100.0 / forecast as f64);
            let explanation = crf.and_then(|c| c.explications.get(&key).cloned());
            let above = match (gap, gap_percent) {
                (Some(_), Some(p)) => p.abs() > threshold + PERCENT_EPSILON,
                (Some(g), None) => g != 0,
                _ => false,
            };
            Some(GapLine {
                flagged: above && explanation.is_none(),
                key,
                label,
                forecast,
                actual,
                gap,
                gap_percent,
                explanation,
            })
        })
        .collect()
}
