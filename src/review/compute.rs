//! The review's figures: rates, statuses, alerts, one association assessed.

#[allow(unused_imports)]
use super::*;

/// Why a rate of achievement cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRate {
    /// `up` with a target of zero: actual ÷ 0.
    ZeroTarget,
    /// `down` with an actual of zero: target ÷ 0.
    ZeroActual,
    /// A negative target or actual: the ratio would mean nothing.
    Negative,
}

impl NoRate {
    /// Why, in French, for the cell « non calculable (…) ».
    pub fn reason(self) -> &'static str {
        match self {
            NoRate::ZeroTarget => "cible nulle",
            NoRate::ZeroActual => "réalisé nul",
            NoRate::Negative => "valeur négative",
        }
    }
}

/// The rate of achievement of a quantitative indicator, as a fraction (1.0 =
/// 100 %): `up` (higher is better) actual ÷ target, `down` (lower is better)
/// target ÷ actual. Not computable when the divisor is zero or a value is
/// negative; the status then compares actual and target alone (see
/// [`quantitative_status`]). A rate is never negative.
pub fn rate(direction: Direction, target: f64, actual: f64) -> Result<f64, NoRate> {
    if target < 0.0 || actual < 0.0 {
        return Err(NoRate::Negative);
    }
    match direction {
        Direction::Up if target == 0.0 => Err(NoRate::ZeroTarget),
        Direction::Up => Ok(actual / target),
        Direction::Down if actual == 0.0 => Err(NoRate::ZeroActual),
        Direction::Down => Ok(target / actual),
    }
}

/// The progression from the baseline towards the target, as a fraction (1.0
/// = the target reached): `up` (actual − baseline) ÷ (target − baseline),
/// `down` (baseline − actual) ÷ (baseline − target). Only with a baseline
/// that differs from the target; negative when the actual moved away from
/// the target. It does not decide the status.
pub fn progression(
    direction: Direction,
    baseline: Option<f64>,
    target: f64,
    actual: f64,
) -> Option<f64> {
    let b = baseline.filter(|b| *b != target)?;
    Some(match direction {
        Direction::Up => (actual - b) / (target - b),
        Direction::Down => (b - actual) / (b - target),
    })
}

/// Tolerance on a percentage, so that 0.57 × 100 (56.999…) counts as 57 %.
pub(super) const PERCENT_EPSILON: f64 = 1e-7;

/// A fraction as a percentage rounded down to a tenth (0.99998 → 99.9): a
/// rate shown as 100 % is never below the target. The status compares with
/// the same tolerance, so that the figure and the status always agree.
pub fn percent_tenths_down(fraction: f64) -> f64 {
    ((fraction * 100.0 + PERCENT_EPSILON) * 10.0).floor() / 10.0
}

/// Where an indicator stands at the end of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Atteint,
    Partiel,
    NonAtteint,
    /// The association left the value empty or out.
    NonRenseigne,
    /// The dashboard has no target for the year: nothing to measure against.
    SansCible,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Atteint => "atteint",
            Status::Partiel => "partiellement atteint",
            Status::NonAtteint => "non atteint",
            Status::NonRenseigne => "non renseigné",
            Status::SansCible => "sans cible pour l'année",
        }
    }
}

impl From<QualStatus> for Status {
    fn from(q: QualStatus) -> Self {
        match q {
            QualStatus::Atteint => Status::Atteint,
            QualStatus::Partiel => Status::Partiel,
            QualStatus::NonAtteint => Status::NonAtteint,
        }
    }
}

/// Rate and status of a quantitative indicator (`None` rate: no actual or no
/// target): « atteint » from a rate of `achieved_percent`, « partiellement
/// atteint » from `partial_percent`, else « non atteint »; with a rate not
/// computable, « atteint » when the actual is at least as good as the target
/// (≥ for `up`, ≤ for `down`), else « non atteint ».
pub fn quantitative_status(
    direction: Direction,
    target: Option<f64>,
    actual: Option<f64>,
    cfg: &ReviewConfig,
) -> (Option<Result<f64, NoRate>>, Status) {
    let Some(actual) = actual else {
        return (None, Status::NonRenseigne);
    };
    let Some(target) = target else {
        return (None, Status::SansCible);
    };
    let r = rate(direction, target, actual);
    let status = match r {
        Ok(r) => {
            let pct = r * 100.0 + PERCENT_EPSILON;
            if pct >= cfg.achieved_percent {
                Status::Atteint
            } else if pct >= cfg.partial_percent {
                Status::Partiel
            } else {
                Status::NonAtteint
            }
        }
        Err(_) => {
            let good = match direction {
                Direction::Up => actual >= target,
                Direction::Down => actual <= target,
            };
            if good {
                Status::Atteint
            } else {
                Status::NonAtteint
            }
        }
    };
    (Some(r), status)
}

/// An early warning on the association's situation.
#[derive(Debug, Clone, PartialEq)]
pub enum Alert {
    /// No review file for the year, at the date of the review (`date`); it
    /// was due by `deadline`, six months after the end of the exercice
    /// (`exercice_end`).
    ReviewMissing {
        date: (i32, u8, u8),
        deadline: (i32, u8, u8),
        exercice_end: (i32, u8, u8),
    },
    /// A negative result this year and the year before.
    ConsecutiveDeficits { previous: f64, current: f64 },
    /// Negative fonds propres.
    NegativeEquity(f64),
    /// Cash covering fewer days of expenses than the threshold.
    LowCash { days: f64, min: f64 },
    /// This funder's subsidy above the threshold share of the produits.
    FunderShare { percent: f64, max: f64 },
    /// The payments recorded exceed the subsidy granted for the year (cents).
    OverPaid { paid: i64, granted: Option<i64> },
    /// The association declares a subsidy of this funder received (cents)
    /// while the convention is not signed: nothing could be paid under it.
    ReceivedUnsigned(i64),
}

impl Alert {
    /// The alert in French, for the report and the synthesis.
    pub fn message(&self, year: i32) -> String {
        match self {
            Alert::ReviewMissing {
                date,
                deadline,
                exercice_end,
            } => format!(
                "bilan {year} non remis à la date du bilan, le {} (date limite de remise\u{a0}: {}, six mois après la clôture de l'exercice le {}, délai {})",
                date_text(*date),
                date_text(*deadline),
                date_text(*exercice_end),
                if date > deadline {
                    "expiré"
                } else {
                    "non expiré"
                }
            ),
            Alert::ConsecutiveDeficits { previous, current } => format!(
                "deux exercices déficitaires consécutifs ({} : {} ; {year} : {})",
                year - 1,
                euros(*previous),
                euros(*current)
            ),
            Alert::NegativeEquity(v) => format!("fonds propres négatifs ({})", euros(*v)),
            Alert::LowCash { days, min } => format!(
                "trésorerie de {} jours de charges, sous le seuil de {} jours",
                french::decimal(*days, 1),
                french::decimal(*min, 1)
            ),
            Alert::FunderShare { percent, max } => format!(
                "la subvention représente {} des produits, au-delà du seuil de {}",
                french::percent(round1(*percent)),
                french::percent(*max)
            ),
            Alert::OverPaid { paid, granted } => format!(
                "versements enregistrés ({}) supérieurs à la subvention attribuée pour {year} ({})",
                french::euros(*paid),
                granted
                    .map(french::euros)
                    .unwrap_or_else(|| "aucune".to_string())
            ),
            Alert::ReceivedUnsigned(cents) => format!(
                "l'association déclare avoir reçu {} de subvention alors que la convention n'est pas signée\u{a0}: à vérifier",
                french::euros(*cents)
            ),
        }
    }
}

pub(super) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

pub(super) fn euros(v: f64) -> String {
    french::euros((v * 100.0).round() as i64)
}

/// The result of the year: `resultat` if given, else `produits − charges`
/// when both are (second member: computed).
pub fn resultat(f: &Finances) -> Option<(f64, bool)> {
    match (f.resultat, f.produits, f.charges) {
        (Some(r), _, _) => Some((r, false)),
        (None, Some(p), Some(c)) => Some((p - c, true)),
        _ => None,
    }
}

/// The share of the produits this funder paid, in %, when both are known and produits > 0.
pub fn funder_share(f: &Finances) -> Option<f64> {
    match (f.subvention_versee, f.produits) {
        (Some(s), Some(p)) if p > 0.0 => Some(s * 100.0 / p),
        _ => None,
    }
}

/// The financial alerts of a year (`previous`: the year before, if reviewed).
/// A rule whose facts are not all known raises nothing.
pub fn alerts(current: &Finances, previous: Option<&Finances>, cfg: &ReviewConfig) -> Vec<Alert> {
    let mut out = Vec::new();
    if let (Some((cur, _)), Some((prev, _))) = (resultat(current), previous.and_then(resultat))
        && cur < 0.0
        && prev < 0.0
    {
        out.push(Alert::ConsecutiveDeficits {
            previous: prev,
            current: cur,
        });
    }
    if let Some(fp) = current.fonds_propres
        && fp < 0.0
    {
        out.push(Alert::NegativeEquity(fp));
    }
    if let Some(days) = current.tresorerie_jours
        && days < cfg.cash_days_min
    {
        out.push(Alert::LowCash {
            days,
            min: cfg.cash_days_min,
        });
    }
    if let Some(share) = funder_share(current)
        && share > cfg.funder_share_max_percent
    {
        out.push(Alert::FunderShare {
            percent: share,
            max: cfg.funder_share_max_percent,
        });
    }
    out
}

/// One indicator of the year, assessed.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: IndicatorType,
    pub direction: Direction,
    pub baseline: Option<Target>,
    pub target: Option<Target>,
    pub actual: Option<f64>,
    pub gap: Option<f64>,
    /// Actual ÷ target (`down`: target ÷ actual); `None` without an actual or a target.
    pub rate: Option<Result<f64, NoRate>>,
    /// From the baseline towards the target; `None` without a baseline that
    /// differs from the target, an actual or a target.
    pub progression: Option<f64>,
    pub status: Status,
    pub comment: Option<String>,
    /// `(year, target, actual)` over the convention, actuals up to the year reviewed.
    pub trajectory: Vec<(i32, Option<f64>, Option<f64>)>,
}

/// One association's year, assessed.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub id: String,
    pub name: String,
    pub reference: String,
    pub years: Vec<i32>,
    pub year: i32,
    /// The subsidy granted for the year by the text in force (cents), `None`
    /// for a convention-cadre.
    pub funding: Option<i64>,
    /// The payments of the year's subsidy the review file records.
    pub payments: Vec<Payment>,
    /// Whether a review file was received for the year.
    pub received: bool,
    /// The text the targets and the amount come from (`None`: not said,
    /// when the caller assessed data of its own).
    pub basis: Option<in_force::Basis>,
    /// The sha256 of the signed act's data the text in force was read from,
    /// when archived (see [`in_force::InForce`]): an input of the report.
    pub in_force_sha256: Option<String>,
    pub date: (i32, u8, u8),
    pub lines: Vec<Line>,
    pub finances: Finances,
    pub alerts: Vec<Alert>,
    pub narrative: Option<String>,
    /// The closing of the year (compte rendu financier, unspent part,
    /// balance), for a funded convention; set by the programme's review.
    pub closing: Option<super::closing::Closing>,
}

impl Assessment {
    pub fn count(&self, s: Status) -> usize {
        self.lines.iter().filter(|l| l.status == s).count()
    }
}

/// Assesses one association's year from its reviews (`reviews`: by year, up
/// to `year`). `data` is the text in force: its dashboard gives the targets,
/// its funding the year's amount.
pub fn assess(
    id: &str,
    data: &AssociationFile,
    year: i32,
    reviews: &BTreeMap<i32, Review>,
    cfg: &ReviewConfig,
) -> Assessment {
    let y = year.to_string();
    let empty = Review::default();
    let this = reviews.get(&year);
    let review = this.unwrap_or(&empty);
    let lines = crate::check::review::indicators(data)
        .map(|i| assess_line(i, &data.convention.years, year, reviews, cfg))
        .collect();
    let funding = data
        .convention
        .funding
        .as_ref()
        .and_then(|f| f.get(&y))
        .map(|a| a.cents());
    let date = review.date.unwrap_or((year, 12, 31));
    let mut alerts = Vec::new();
    if this.is_none() {
        let exercice_end = exercice_end(data, year);
        alerts.push(Alert::ReviewMissing {
            date,
            deadline: review_deadline(exercice_end),
            exercice_end,
        });
    }
    alerts.extend(self::alerts(
        &review.finances,
        reviews.get(&(year - 1)).map(|r| &r.finances),
        cfg,
    ));
    let paid = paid_total(&review.payments);
    if let Some(paid) = paid
        && paid > funding.unwrap_or(0)
    {
        alerts.push(Alert::OverPaid {
            paid,
            granted: funding,
        });
    }
    Assessment {
        id: id.to_string(),
        name: data.association.name.clone(),
        reference: data.convention.reference.clone(),
        years: data.convention.years.clone(),
        year,
        funding,
        payments: review.payments.clone(),
        received: this.is_some(),
        basis: None,
        in_force_sha256: None,
        date,
        lines,
        finances: review.finances.clone(),
        alerts,
        narrative: review.narrative.clone(),
        closing: None,
    }
}

/// The last day of the association's exercice `year`: the one that closes
/// in `year`, on `association.fiscal_year_end` (31 December when absent).
pub fn exercice_end(data: &AssociationFile, year: i32) -> (i32, u8, u8) {
    super::closing::exercice_end_of(data, year)
}

/// The date by which the review of an exercice ending on `end` is due: six
/// months later (loi n° 2000-321, art. 10, and arrêté du 11 octobre 2006:
/// « dans les six mois suivant la fin de l'exercice »), on the last day of
/// the month when `end` is the last day of its own (31 December → 30 June).
pub fn review_deadline(end: (i32, u8, u8)) -> (i32, u8, u8) {
    let (y, m, d) = end;
    let months = i32::from(m) - 1 + 6;
    let (ny, nm) = (y + months / 12, (months % 12 + 1) as u8);
    let last = days_in_month(ny, nm);
    let day = if d == days_in_month(y, m) {
        last
    } else {
        d.min(last)
    };
    (ny, nm, day)
}

pub(super) fn days_in_month(y: i32, m: u8) -> u8 {
    time::Month::try_from(m).map_or(31, |m| time::util::days_in_month(m, y))
}

/// The total of the payments recorded, in cents; `None` when none is.
pub fn paid_total(payments: &[Payment]) -> Option<i64> {
    (!payments.is_empty()).then(|| payments.iter().map(|p| p.amount).sum())
}

/// One indicator of year `year`, assessed against its target.
pub(super) fn assess_line(
    i: &Indicator,
    years: &[i32],
    year: i32,
    reviews: &BTreeMap<i32, Review>,
    cfg: &ReviewConfig,
) -> Line {
    let direction = i.direction.unwrap_or_default();
    let reported = reviews.get(&year).and_then(|r| r.indicators.get(&i.id));
    let target = i.targets.get(&year.to_string()).cloned();
    let mut line = Line {
        id: i.id.clone(),
        label: i.label.clone(),
        unit: i.unit.clone().unwrap_or_default(),
        kind: i.kind,
        direction,
        baseline: i.baseline.clone(),
        target: target.clone(),
        actual: None,
        gap: None,
        rate: None,
        progression: None,
        status: Status::NonRenseigne,
        comment: reported.and_then(|r| r.comment.clone()),
        trajectory: Vec::new(),
    };
    match i.kind {
        IndicatorType::Quantitative => {
            let actual = reported.and_then(|r| r.value);
            let t = target.as_ref().and_then(Target::as_number);
            let b = i.baseline.as_ref().and_then(Target::as_number);
            let (r, s) = quantitative_status(direction, t, actual, cfg);
            line.actual = actual;
            line.gap = actual.zip(t).map(|(a, t)| a - t);
            line.rate = r;
            line.progression = actual
                .zip(t)
                .and_then(|(a, t)| progression(direction, b, t, a));
            line.status = s;
            line.trajectory = years
                .iter()
                .map(|yy| {
                    let t = i.targets.get(&yy.to_string()).and_then(Target::as_number);
                    let a = (*yy <= year)
                        .then(|| reviews.get(yy))
                        .flatten()
                        .and_then(|r| r.indicators.get(&i.id))
                        .and_then(|r| r.value);
                    (*yy, t, a)
                })
                .collect();
        }
        IndicatorType::Qualitative => {
            line.status = match reported.and_then(|r| r.status) {
                Some(q) => q.into(),
                None => Status::NonRenseigne,
            };
        }
    }
    line
}

/// The synthesis rows: associations with alerts first, then by id.
pub fn synthesis_order(rows: &mut [Assessment]) {
    rows.sort_by(|a, b| {
        a.alerts
            .is_empty()
            .cmp(&b.alerts.is_empty())
            .then_with(|| a.id.cmp(&b.id))
    });
}
