//! The yearly review (`charta review`): what each association achieved in a
//! year against the targets of its dashboard, its financial ratios with early
//! warnings, one report per association (Markdown and PDF) and a synthesis of
//! the programme (Markdown, PDF, CSV); and the review files to fill in
//! (`charta review --template`).
//!
//! - `data`: reading and validating `PROG/reviews/<year>/<id>.json`
//! - here: rates, statuses, alerts, the documents and writing them
//!
//! Nothing is ever assumed: a value left out is « non renseigné », a ratio
//! whose terms are unknown is not computed, an alert needs its facts. Output
//! is reproducible (no clock: the date of a document is the review's `date`,
//! else 31 December of the year) and written atomically, only once every input
//! read has passed its checks.

pub mod in_force;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Text, has_errors};
use crate::document::{Chart, Meta};
use crate::emit::pdf::PdfEngine;
use crate::french;
use crate::load::Programme;
use crate::model::{AssociationFile, Direction, Indicator, IndicatorType, ReviewConfig, Target};
use crate::out::write_atomic;
use crate::render::escape_markdown;
use crate::tr;

pub use crate::check::review::{Finances, Payment, PaymentKind, QualStatus, Reported, Review};

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
const PERCENT_EPSILON: f64 = 1e-7;

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
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn euros(v: f64) -> String {
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
    pub date: (i32, u8, u8),
    pub lines: Vec<Line>,
    pub finances: Finances,
    pub alerts: Vec<Alert>,
    pub narrative: Option<String>,
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
        date,
        lines,
        finances: review.finances.clone(),
        alerts,
        narrative: review.narrative.clone(),
    }
}

/// The last day of the association's exercice `year`. For now the exercice
/// is the calendar year (31 December); an association's own closing date
/// (`association.fiscal_year_end`) is to be read here.
pub fn exercice_end(_data: &AssociationFile, year: i32) -> (i32, u8, u8) {
    (year, 12, 31)
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

fn days_in_month(y: i32, m: u8) -> u8 {
    time::Month::try_from(m).map_or(31, |m| time::util::days_in_month(m, y))
}

/// The total of the payments recorded, in cents; `None` when none is.
pub fn paid_total(payments: &[Payment]) -> Option<i64> {
    (!payments.is_empty()).then(|| payments.iter().map(|p| p.amount).sum())
}

/// One indicator of year `year`, assessed against its target.
fn assess_line(
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

/// Escapes data for one table cell or one line (line breaks become spaces).
fn cell(s: &str) -> String {
    escape_markdown(&s.replace(['\r', '\n'], " "))
}

fn number(v: f64, unit: &str) -> String {
    let n = french::decimal(v, 2);
    if unit.is_empty() {
        n
    } else if unit == "%" {
        format!("{n}\u{a0}%")
    } else {
        format!("{n}\u{a0}{}", cell(unit))
    }
}

fn signed(v: f64, unit: &str) -> String {
    if v > 0.0 {
        format!("+{}", number(v, unit))
    } else {
        number(v, unit)
    }
}

fn target_text(t: &Option<Target>, unit: &str) -> String {
    match t {
        Some(Target::Number(n)) => number(*n, unit),
        Some(Target::Text(s)) => cell(s),
        None => "—".to_string(),
    }
}

const NR: &str = "*non renseigné*";

fn period(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

fn money_line(v: Option<f64>) -> String {
    v.map(euros).unwrap_or_else(|| NR.to_string())
}

/// The Markdown report of one association.
pub fn report_markdown(prog: &Programme, a: &Assessment) -> String {
    let y = a.year;
    let mut md = String::new();
    md.push_str(&format!("# Bilan annuel {y}\n\n"));
    identification(&mut md, prog, a);
    md.push_str("<!-- part:indicateurs kind=block -->\n\n## Indicateurs quantitatifs\n\n");
    let quant: Vec<&Line> = a
        .lines
        .iter()
        .filter(|l| l.kind == IndicatorType::Quantitative)
        .collect();
    if quant.is_empty() {
        md.push_str("La convention n'a pas d'indicateur quantitatif.\n\n");
    } else {
        quantitative_table(&mut md, y, &quant);
        md.push_str(&rate_note(&prog.file.review));
    }
    qualitative_table(&mut md, a);
    let comments: Vec<&Line> = a.lines.iter().filter(|l| l.comment.is_some()).collect();
    if !comments.is_empty() {
        md.push_str("## Commentaires de l'association\n\n");
        for l in comments {
            md.push_str(&format!(
                "- **{}** : {}\n",
                cell(&l.id),
                cell(l.comment.as_deref().unwrap_or_default())
            ));
        }
        md.push('\n');
    }
    if !quant.is_empty() {
        trajectories(&mut md, a, &quant);
    }
    finances_part(&mut md, prog, a);
    md.push_str("<!-- part:recit kind=block -->\n\n## Récit de l'association\n\n");
    match &a.narrative {
        Some(n) => {
            md.push_str(&escape_markdown(n));
            md.push('\n');
        }
        None => md.push_str("*Non renseigné.*\n"),
    }
    md
}

/// The part « identification »: the parties, the convention, the year's
/// subsidy and the text in force, whether a review was received.
fn identification(md: &mut String, prog: &Programme, a: &Assessment) {
    let y = a.year;
    md.push_str("<!-- part:identification kind=block -->\n\n");
    md.push_str(&format!(
        "**Association :** {}  \n**Financeur :** {}  \n**Convention :** {} (période {})  \n**Programme :** {}  \n**Subvention attribuée pour {y} :** {}\n\n",
        cell(&a.name),
        cell(&prog.file.funder.name),
        cell(&a.reference),
        period(&a.years),
        cell(&prog.file.programme.name),
        a.funding
            .map(french::euros)
            .unwrap_or_else(|| "aucune (convention sans engagement financier)".to_string()),
    ));
    if let Some(b) = &a.basis {
        md.push_str(&format!(
            "**Cibles et subvention\u{a0}:** {}.\n\n",
            cell(&in_force::describe(b))
        ));
    }
    if !a.received {
        md.push_str(&format!(
            "Aucun bilan n'a été reçu pour {y} : tous les indicateurs sont non renseignés. Faute de fichier de bilan daté, le présent bilan est daté du {}, fin de l'année examinée.\n\n",
            date_text(a.date)
        ));
    }
    md.push_str(&format!(
        "Indicateurs : {}, {}, {}, {}.\n\n",
        counted(a.count(Status::Atteint), "atteint", "atteints"),
        counted(
            a.count(Status::Partiel),
            "partiellement atteint",
            "partiellement atteints"
        ),
        counted(a.count(Status::NonAtteint), "non atteint", "non atteints"),
        counted(
            a.count(Status::NonRenseigne),
            "non renseigné",
            "non renseignés"
        ),
    ));
}

/// The qualitative indicators and the status the association declared.
fn qualitative_table(md: &mut String, a: &Assessment) {
    md.push_str("## Indicateurs qualitatifs\n\n");
    let qual: Vec<&Line> = a
        .lines
        .iter()
        .filter(|l| l.kind == IndicatorType::Qualitative)
        .collect();
    if qual.is_empty() {
        md.push_str("La convention n'a pas d'indicateur qualitatif.\n\n");
        return;
    }
    md.push_str(&format!(
        "| Indicateur | Cible {} | Statut déclaré |\n|---|---|---|\n",
        a.year
    ));
    for l in &qual {
        md.push_str(&format!(
            "| **{}** {} | {} | {} |\n",
            cell(&l.id),
            cell(&l.label),
            target_text(&l.target, ""),
            status_cell(l.status)
        ));
    }
    md.push('\n');
}

/// The part « trajectoires »: target and actual of each year of the convention.
fn trajectories(md: &mut String, a: &Assessment, quant: &[&Line]) {
    md.push_str("<!-- part:trajectoires kind=block -->\n\n## Trajectoires\n\n");
    md.push_str("Cible / réalisé par année (réalisé : bilans reçus jusqu'à l'année examinée).\n\n");
    md.push_str("| Indicateur | Référence |");
    for yy in &a.years {
        md.push_str(&format!(" {yy} |"));
    }
    md.push_str("\n|---|---:|");
    for _ in &a.years {
        md.push_str("---:|");
    }
    md.push('\n');
    for l in quant {
        md.push_str(&format!(
            "| **{}** | {} |",
            cell(&l.id),
            target_text(&l.baseline, &l.unit)
        ));
        for (yy, t, act) in &l.trajectory {
            let t = t
                .map(|v| french::decimal(v, 2))
                .unwrap_or_else(|| "—".into());
            let act = match act {
                Some(v) => french::decimal(*v, 2),
                None if *yy <= a.year => "n. r.".to_string(),
                None => "…".to_string(),
            };
            md.push_str(&format!(" {t} / {act} |"));
        }
        md.push('\n');
    }
    md.push_str("\nn. r. : non renseigné ; … : année à venir.\n\n");
}

/// The part « finances »: the figures of the year, the payments recorded,
/// the alerts and their thresholds.
fn finances_part(md: &mut String, prog: &Programme, a: &Assessment) {
    let y = a.year;
    md.push_str("<!-- part:finances kind=block -->\n\n## Situation financière\n\n");
    let f = &a.finances;
    md.push_str(&format!("| Poste | {y} |\n|---|---:|\n"));
    md.push_str(&format!("| Produits | {} |\n", money_line(f.produits)));
    md.push_str(&format!("| Charges | {} |\n", money_line(f.charges)));
    md.push_str(&format!(
        "| Résultat | {} |\n",
        match resultat(f) {
            Some((r, false)) => euros(r),
            Some((r, true)) => format!("{} (calculé : produits − charges)", euros(r)),
            None => NR.to_string(),
        }
    ));
    md.push_str(&format!(
        "| Fonds propres | {} |\n",
        money_line(f.fonds_propres)
    ));
    md.push_str(&format!(
        "| Trésorerie (en jours de charges) | {} |\n",
        f.tresorerie_jours
            .map(|d| french::decimal(d, 1))
            .unwrap_or_else(|| NR.to_string())
    ));
    md.push_str(&format!(
        "| Subvention {} comptée dans les produits (déclarée par l'association) | {} |\n",
        cell(&french::with_de(&funder_le(prog))),
        money_line(f.subvention_versee)
    ));
    md.push_str(&format!(
        "| Part de la subvention dans les produits | {} |\n\n",
        funder_share(f)
            .map(|s| french::percent(round1(s)))
            .unwrap_or_else(|| "non calculable".to_string())
    ));
    payments_table(md, a);
    md.push_str("### Alertes\n\n");
    if a.alerts.is_empty() {
        md.push_str("Aucune alerte.\n\n");
    } else {
        for al in &a.alerts {
            md.push_str(&format!("- **Alerte :** {}\n", cell(&al.message(y))));
        }
        md.push('\n');
    }
    let c = &prog.file.review;
    md.push_str(&format!(
        "Seuils d'alerte\u{a0}: trésorerie inférieure à {} jours de charges\u{202f}; part des produits financée par {} supérieure à {}.\n\n",
        french::decimal(c.cash_days_min, 1),
        cell(&funder_le(prog)),
        french::percent(c.funder_share_max_percent),
    ));
}

/// The table of quantitative indicators of year `y`.
fn quantitative_table(md: &mut String, y: i32, quant: &[&Line]) {
    md.push_str(&format!(
        "| Indicateur | Référence | Cible {y} | Réalisé | Écart | Taux de réalisation | Progression | Statut |\n|---|---:|---:|---:|---:|---:|---:|---|\n"
    ));
    for l in quant {
        let mut name = format!("**{}** {}", cell(&l.id), cell(&l.label));
        if l.direction == Direction::Down {
            name.push_str(" (à la baisse)");
        }
        md.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            target_text(&l.baseline, &l.unit),
            target_text(&l.target, &l.unit),
            l.actual
                .map(|v| number(v, &l.unit))
                .unwrap_or_else(|| NR.to_string()),
            l.gap
                .map(|v| signed(v, &l.unit))
                .unwrap_or_else(|| "—".to_string()),
            rate_cell(l.rate),
            progression_cell(l.progression),
            status_cell(l.status),
        ));
    }
    md.push('\n');
}

/// « 96,3 % », « non calculable (cible nulle) », « — » (no actual or no target).
fn rate_cell(r: Option<Result<f64, NoRate>>) -> String {
    match r {
        Some(Ok(r)) => french::percent(percent_tenths_down(r)),
        Some(Err(why)) => format!("non calculable ({})", why.reason()),
        None => "—".to_string(),
    }
}

/// « 37,5 % », « -140 % (recul) », « — » (not computed).
fn progression_cell(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.0 => format!("{} (recul)", french::percent(percent_tenths_down(p))),
        Some(p) => french::percent(percent_tenths_down(p)),
        None => "—".to_string(),
    }
}

/// The note under the table: what the columns mean, how the status follows.
fn rate_note(c: &ReviewConfig) -> String {
    format!(
        "*Écart*\u{a0}: réalisé − cible de l'année.\n\n\
         *Taux de réalisation*\u{a0}: réalisé ÷ cible de l'année\u{202f}; pour un indicateur à la baisse, \
         cible ÷ réalisé. À 100\u{a0}%, la cible est atteinte\u{a0}; au-delà, elle est dépassée. \
         Le taux est arrondi au dixième inférieur\u{a0}: un taux affiché de 100\u{a0}% n'est jamais en deçà de la cible. \
         Il est «\u{a0}non calculable\u{a0}» lorsque la cible est nulle (indicateur à la hausse), \
         lorsque le réalisé est nul (indicateur à la baisse) ou lorsqu'une valeur est négative\u{a0}; \
         le statut résulte alors de la seule comparaison du réalisé à la cible.\n\n\
         *Statut*\u{a0}: «\u{a0}atteint\u{a0}» pour un taux de réalisation d'au moins {}, \
         «\u{a0}partiellement atteint\u{a0}» d'au moins {}, «\u{a0}non atteint\u{a0}» en deçà.\n\n\
         *Progression*\u{a0}: part du chemin parcouru de la valeur de référence vers la cible, \
         soit (réalisé − référence) ÷ (cible − référence)\u{202f}; pour un indicateur à la baisse, \
         (référence − réalisé) ÷ (référence − cible). À 100\u{a0}%, la cible est atteinte\u{a0}; \
         au-delà, elle est dépassée. Une progression négative («\u{a0}recul\u{a0}») signifie que le réalisé \
         s'est éloigné de la cible par rapport à la valeur de référence. Elle n'est calculée que si \
         la valeur de référence est connue et différente de la cible (sinon «\u{a0}—\u{a0}») et \
         n'entre pas dans le statut.\n\n",
        french::percent(c.achieved_percent),
        french::percent(c.partial_percent),
    )
}

/// The payments of the year's subsidy, only when the review file records
/// some: nothing is said of what was paid otherwise.
fn payments_table(md: &mut String, a: &Assessment) {
    let Some(total) = paid_total(&a.payments) else {
        return;
    };
    let y = a.year;
    md.push_str(&format!(
        "### Versements de la subvention {y}\n\n| Versement | Montant |\n|---|---:|\n"
    ));
    for p in &a.payments {
        let paid = match p.kind {
            PaymentKind::Avance => "versée",
            PaymentKind::Solde => "versé",
        };
        md.push_str(&format!(
            "| {} {paid} le {} | {} |\n",
            p.kind.label(),
            date_text(p.date),
            french::euros(p.amount)
        ));
    }
    md.push_str(&format!(
        "| **Total versé** | **{}** |\n| Subvention attribuée pour {y} | {} |\n\n",
        french::euros(total),
        a.funding
            .map(french::euros)
            .unwrap_or_else(|| "aucune".to_string())
    ));
}

/// « 0 bilan », « 1 bilan », « 2 bilans » (French: under two, singular).
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n < 2 { one } else { many })
}

/// « 15 mars 2026 ».
fn date_text((y, m, d): (i32, u8, u8)) -> String {
    french::date_fr(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or_default()
}

fn status_cell(s: Status) -> String {
    match s {
        Status::NonRenseigne => NR.to_string(),
        Status::NonAtteint => "**non atteint**".to_string(),
        other => other.label().to_string(),
    }
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

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The synthesis as CSV (`;`-separated, decimal comma, UTF-8): one row per association.
pub fn synthesis_csv(rows: &[Assessment]) -> String {
    let mut out = String::from(
        "id;association;reference;subvention_attribuee;total_verse;atteints;partiels;non_atteints;non_renseignes;alertes\n",
    );
    for a in rows {
        let alerts: Vec<String> = a.alerts.iter().map(|al| al.message(a.year)).collect();
        out.push_str(&format!(
            "{};{};{};{};{};{};{};{};{};{}\n",
            csv_field(&a.id),
            csv_field(&a.name),
            csv_field(&a.reference),
            a.funding.map(csv_amount).unwrap_or_default(),
            paid_total(&a.payments).map(csv_amount).unwrap_or_default(),
            a.count(Status::Atteint),
            a.count(Status::Partiel),
            a.count(Status::NonAtteint),
            a.count(Status::NonRenseigne),
            csv_field(&alerts.join(" ; ").replace(['\u{a0}', '\u{202f}'], " ")),
        ));
    }
    out
}

/// Cents as a CSV amount: « 45000 », « 47500,50 ».
fn csv_amount(c: i64) -> String {
    if c % 100 == 0 {
        (c / 100).to_string()
    } else {
        format!("{},{:02}", c / 100, c % 100)
    }
}

/// The synthesis in Markdown.
pub fn synthesis_markdown(prog: &Programme, year: i32, rows: &[Assessment]) -> String {
    let mut md = format!("# Synthèse des bilans {year}\n\n<!-- part:synthese kind=block -->\n\n");
    let with_alerts = rows.iter().filter(|a| !a.alerts.is_empty()).count();
    let received = rows.iter().filter(|a| a.received).count();
    let total: i64 = rows.iter().filter_map(|a| a.funding).sum();
    let paid: Vec<i64> = rows
        .iter()
        .filter_map(|a| paid_total(&a.payments))
        .collect();
    let paid_text = match paid.len() {
        0 => String::new(),
        n => format!(
            " ; versements enregistrés dans {} : {}",
            counted(n, "bilan", "bilans"),
            french::euros(paid.iter().sum())
        ),
    };
    md.push_str(&format!(
        "**Programme :** {}  \n**Financeur :** {}\n\n{} couvrant {year} ; {} ; {} en alerte ; subventions attribuées pour {year} : {}{paid_text}.\n\n",
        cell(&prog.file.programme.name),
        cell(&prog.file.funder.name),
        counted(rows.len(), "convention", "conventions"),
        counted(received, "bilan reçu", "bilans reçus"),
        counted(with_alerts, "association", "associations"),
        french::euros(total),
    ));
    if rows.is_empty() {
        md.push_str("Aucune convention ne couvre cette année.\n");
        return md;
    }
    // « Versé » only when some review file records payments.
    let with_paid = !paid.is_empty();
    let (paid_head, paid_rule) = if with_paid {
        (" Versé |", "---:|")
    } else {
        ("", "")
    };
    md.push_str(&format!("| Association | Subvention attribuée pour {year} |{paid_head} Atteints | Partiels | Non atteints | Non renseignés | Alertes |\n|---|---:|{paid_rule}---:|---:|---:|---:|---|\n"));
    for a in rows {
        let alerts = if a.alerts.is_empty() {
            "—".to_string()
        } else {
            a.alerts
                .iter()
                .map(|al| cell(&al.message(year)))
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        let paid_cell = match (with_paid, paid_total(&a.payments)) {
            (false, _) => String::new(),
            (true, Some(p)) => format!(" {} |", french::euros(p)),
            (true, None) => " — |".to_string(),
        };
        md.push_str(&format!(
            "| **{}** {} | {} |{paid_cell} {} | {} | {} | {} | {} |\n",
            cell(&a.id),
            cell(&a.name),
            a.funding.map(french::euros).unwrap_or_else(|| "—".into()),
            a.count(Status::Atteint),
            a.count(Status::Partiel),
            a.count(Status::NonAtteint),
            a.count(Status::NonRenseigne),
            alerts
        ));
    }
    if with_paid {
        md.push_str("\nVersé\u{a0}: total des versements de la subvention de l'année enregistrés dans le fichier de bilan (avance, solde)\u{202f}; «\u{a0}—\u{a0}»\u{a0}: aucun versement enregistré.\n");
    }
    md
}

/// The PDF metadata of one report: the charts carry targets and actuals.
pub fn report_meta(prog: &Programme, a: &Assessment) -> Meta {
    let charts = a
        .lines
        .iter()
        .filter(|l| l.kind == IndicatorType::Quantitative)
        .map(|l| {
            let mut points = Vec::new();
            if let Some(b) = l.baseline.as_ref().and_then(Target::as_number) {
                points.push(("Référence".to_string(), b));
            }
            points.extend(
                l.trajectory
                    .iter()
                    .filter_map(|(y, t, _)| t.map(|t| (y.to_string(), t))),
            );
            Chart {
                indicator: l.id.clone(),
                label: l.label.clone(),
                unit: l.unit.clone(),
                points,
                actuals: l
                    .trajectory
                    .iter()
                    .filter_map(|(y, _, a)| a.map(|a| (y.to_string(), a)))
                    .collect(),
            }
        })
        .collect();
    Meta {
        title: format!("Bilan annuel {}", a.year),
        reference: format!("{} — bilan {}", a.reference, a.year),
        funder: prog.file.funder.name.clone(),
        association: a.name.clone(),
        period: a.year.to_string(),
        date: a.date,
        charts,
    }
}

/// What `charta review` is asked to do.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// The output folder: documents go to `OUT/review-<year>/`.
    pub out: PathBuf,
    pub year: i32,
    /// Also typeset the PDFs.
    pub pdf: bool,
    /// Worker threads (at least one).
    pub jobs: usize,
}

/// What `charta review` did.
#[derive(Debug, Default)]
pub struct ReviewReport {
    /// `OUT/review-<year>`.
    pub dir: PathBuf,
    /// Associations reported on, in synthesis order.
    pub rows: Vec<Assessment>,
    /// Warnings (review files: missing indicators…).
    pub diagnostics: Vec<Diagnostic>,
    pub files_written: usize,
}

/// Every association's reviews: by association id, then by year.
pub type Reviews = BTreeMap<String, BTreeMap<i32, Review>>;

/// Reads every review up to `year`, validated; `Err` with every problem if one has an error.
pub fn load_reviews(
    prog: &Programme,
    year: i32,
) -> Result<(Reviews, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = crate::check::review::check_config(prog);
    let files = crate::check::review::review_files(&prog.root, &mut diags);
    let loaded: Vec<_> = files
        .par_iter()
        .filter(|(y, _, _)| *y <= year)
        .map(|(y, id, path)| {
            (
                *y,
                id.clone(),
                crate::check::review::load_one(prog, *y, id, path),
            )
        })
        .collect();
    let mut by_id = Reviews::new();
    for (y, id, (review, d)) in loaded {
        // Earlier years only feed the charts and the two-deficits rule: their warnings are for `check`.
        if y == year {
            diags.extend(d.iter().cloned());
        } else {
            diags.extend(d.iter().filter(|d| d.is_error()).cloned());
        }
        if let Some(r) = review {
            by_id.entry(id).or_default().insert(y, r);
        }
    }
    if has_errors(&diags) {
        crate::check::sort(&mut diags);
        return Err(diags);
    }
    Ok((by_id, diags))
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(tr!(
        "impossible d'écrire {}\u{a0}: {e}",
        "cannot write {}: {e}",
        path.display()
    ))
    .code("FIC-003")
    .in_file(path)
    .with_hint(Text::new(
        "vérifiez que le dossier de sortie est accessible en écriture et que le disque n'est pas plein",
        "check that the output folder is writable and that the disk is not full",
    ))
}

/// Why `charta review` wrote nothing, or not everything.
#[derive(Debug)]
pub enum ReviewError {
    /// Errors in the review files or `[review]`: nothing was written.
    Input(Vec<Diagnostic>),
    /// A file could not be written or typeset (not a fault of the data).
    Fault(Vec<Diagnostic>),
}

/// `charta review`: assesses every association whose convention covers the
/// year, writes its report and the synthesis.
pub fn run(prog: &Programme, opts: &ReviewOptions) -> Result<ReviewReport, ReviewError> {
    let year = opts.year;
    let (reviews, mut diags) = load_reviews(prog, year).map_err(ReviewError::Input)?;
    for e in &prog.associations {
        if e.data.is_none() {
            diags.push(
                Diagnostic::warning(format!(
                    "association `{}` ignorée : son fichier ne peut pas être lu",
                    e.id
                ))
                .code("BIL-024")
                .in_file(&e.path)
                .with_hint("lancez `charta check` pour voir les erreurs"),
            );
        }
    }
    let mut rows = assess_all(prog, year, &reviews).map_err(|errors| {
        diags.extend(errors);
        crate::check::sort(&mut diags);
        ReviewError::Input(std::mem::take(&mut diags))
    })?;
    synthesis_order(&mut rows);
    let dir = opts.out.join(format!("review-{year}"));
    std::fs::create_dir_all(&dir).map_err(|e| ReviewError::Fault(vec![io_error(&dir, e)]))?;
    let engine = opts
        .pdf
        .then(|| PdfEngine::new(Some(crate::emit::pdf::REVIEW_LAYOUT.to_string())));
    let write = |name: String, bytes: &[u8]| -> Result<(), Diagnostic> {
        let p = dir.join(name);
        write_atomic(&p, bytes).map_err(|e| io_error(&p, e))
    };
    let typeset = |md: &str, meta: &Meta, name: &str| -> Result<Option<Vec<u8>>, Diagnostic> {
        match &engine {
            None => Ok(None),
            Some(engine) => engine.render(md, meta).map(|o| Some(o.pdf)).map_err(|e| {
                Diagnostic::error(format!("{name} : la mise en page PDF a échoué : {e}")).code("BIL-025")
                    .with_hint("c'est un défaut de charta ou de sa mise en page, pas des données : signalez-le")
            }),
        }
    };
    // As in `build::run`: one long-lived worker per thread of a dedicated
    // pool with large stacks, each taking the next association from a shared
    // counter. Reports are never rayon jobs: a thread waiting inside Typst
    // (which uses rayon) would steal and nest other reports on its stack.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .stack_size(16 * 1024 * 1024)
        .thread_name(|n| format!("charta-review-{n}"))
        .build()
        .map_err(|e| {
            ReviewError::Fault(vec![
                Diagnostic::error(format!(
                    "impossible de démarrer les threads de travail : {e}"
                ))
                .code("BIL-026"),
            ])
        })?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<usize, Diagnostic>>> = Mutex::new(Vec::new());
    let one = |a: &Assessment| -> Result<usize, Diagnostic> {
        let md = report_markdown(prog, a);
        let pdf = typeset(&md, &report_meta(prog, a), &a.id)?;
        write(format!("{}.md", a.id), md.as_bytes())?;
        let mut n = 1;
        if let Some(pdf) = pdf {
            write(format!("{}.pdf", a.id), &pdf)?;
            n += 1;
        }
        Ok(n)
    };
    pool.broadcast(|_| {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(a) = rows.get(i) else { break };
            let r = one(a);
            results
                .lock()
                .expect("no panic while holding the lock")
                .push(r);
        }
    });
    let results = results.into_inner().expect("workers finished");
    let mut errors = Vec::new();
    let mut files_written = 0;
    for r in results {
        match r {
            Ok(n) => files_written += n,
            Err(d) => errors.push(d),
        }
    }
    let md = synthesis_markdown(prog, year, &rows);
    let meta = Meta {
        title: format!("Synthèse des bilans {year}"),
        reference: format!("synthèse {year}"),
        funder: prog.file.funder.name.clone(),
        association: prog.file.programme.name.clone(),
        period: year.to_string(),
        date: rows
            .iter()
            .filter(|a| a.received)
            .map(|a| a.date)
            .max()
            .unwrap_or((year, 12, 31)),
        charts: Vec::new(),
    };
    let csv = synthesis_csv(&rows);
    let synth = pool
        .install(|| typeset(&md, &meta, "synthese"))
        .and_then(|pdf| {
            write("synthese.md".to_string(), md.as_bytes())?;
            write("synthese.csv".to_string(), csv.as_bytes())?;
            match pdf {
                Some(pdf) => write("synthese.pdf".to_string(), &pdf).map(|()| 3),
                None => Ok(2),
            }
        });
    match synth {
        Ok(n) => files_written += n,
        Err(d) => errors.push(d),
    }
    if !errors.is_empty() {
        diags.extend(errors);
        return Err(ReviewError::Fault(diags));
    }
    Ok(ReviewReport {
        dir,
        rows,
        diagnostics: diags,
        files_written,
    })
}

/// The text in force of every association whose convention in force covers
/// `year`, by id in the programme's order; `Err` with every convention (of
/// those whose data covers the year) whose text in force cannot be established.
pub fn in_force_all(
    prog: &Programme,
    year: i32,
) -> Result<Vec<(String, in_force::InForce)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for e in &prog.associations {
        let Some(d) = e.data.as_deref() else { continue };
        match in_force::in_force(&prog.root, &e.id, &e.path, d) {
            Ok(f) if f.data.convention.years.contains(&year) => out.push((e.id.clone(), f)),
            Ok(_) => {}
            Err(err) if d.convention.years.contains(&year) => errors.push(err),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Assesses every association whose convention in force covers `year`,
/// against its text in force.
fn assess_all(
    prog: &Programme,
    year: i32,
    reviews: &Reviews,
) -> Result<Vec<Assessment>, Vec<Diagnostic>> {
    let empty = BTreeMap::new();
    let rows = in_force_all(prog, year)?
        .into_iter()
        .map(|(id, f)| {
            let r = reviews.get(&id).unwrap_or(&empty);
            let mut a = assess(&id, &f.data, year, r, &prog.file.review);
            a.basis = Some(f.basis);
            a
        })
        .collect();
    Ok(rows)
}

/// What `charta review --template` did for one association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateOutcome {
    Written(PathBuf),
    /// A review file already exists: left as it is.
    Exists(PathBuf),
}

/// The review file to fill in for one association and year: every indicator
/// with its target as a reminder (`target`, ignored when read back) and its
/// value or status empty (null), every financial figure empty.
pub fn template_json(data: &AssociationFile, year: i32) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let y = year.to_string();
    let mut ind = Map::new();
    for i in crate::check::review::indicators(data) {
        let target = i
            .targets
            .get(&y)
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null))
            .unwrap_or(Value::Null);
        let entry = match i.kind {
            IndicatorType::Quantitative => {
                json!({ "target": target, "value": null, "comment": null })
            }
            IndicatorType::Qualitative => {
                json!({ "target": target, "status": null, "comment": null })
            }
        };
        ind.insert(i.id.clone(), entry);
    }
    let mut fin = Map::new();
    for k in crate::check::review::FINANCE_KEYS {
        fin.insert(k.to_string(), Value::Null);
    }
    json!({
        "date": null,
        "indicators": ind,
        "finances": fin,
        "narrative": null,
    })
}

/// `charta review --template`: one review file per association whose
/// convention covers `year`, never overwriting an existing one.
pub fn write_templates(
    prog: &Programme,
    year: i32,
) -> Result<Vec<(String, TemplateOutcome)>, ReviewError> {
    let dir = prog.root.join("reviews").join(year.to_string());
    let mut out = Vec::new();
    let fault = |d| ReviewError::Fault(vec![d]);
    // The targets recalled are those of the text in force, never a draft avenant's.
    for (id, f) in in_force_all(prog, year).map_err(ReviewError::Input)? {
        let path = crate::check::review::review_path(&prog.root, year, &id);
        if path.exists() {
            out.push((id, TemplateOutcome::Exists(path)));
            continue;
        }
        std::fs::create_dir_all(&dir).map_err(|err| fault(io_error(&dir, err)))?;
        let mut text =
            serde_json::to_string_pretty(&template_json(&f.data, year)).expect("serialises");
        text.push('\n');
        // Never overwrite: create_new fails if the file appeared meanwhile.
        let tmp = dir.join(format!(".charta-tmp-{id}.json"));
        std::fs::write(&tmp, text.as_bytes()).map_err(|err| fault(io_error(&tmp, err)))?;
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {
                let _ = std::fs::remove_file(&tmp);
                out.push((id, TemplateOutcome::Written(path)));
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&tmp);
                out.push((id, TemplateOutcome::Exists(path)));
            }
            Err(err) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(fault(io_error(&path, err)));
            }
        }
    }
    Ok(out)
}

/// How the act names the funder after a preposition: « la Région », « le Département ».
fn funder_le(prog: &Programme) -> String {
    crate::context::funder_designation(&prog.file)["le"]
        .as_str()
        .unwrap_or(&prog.file.funder.name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: char = '\u{a0}';

    #[test]
    fn rate_cells_say_why_there_is_no_rate() {
        assert_eq!(rate_cell(Some(Ok(1.0))), format!("100{NB}%"));
        assert_eq!(rate_cell(Some(Ok(839.99 / 840.0))), format!("99,9{NB}%"));
        assert_eq!(
            rate_cell(Some(Err(NoRate::ZeroTarget))),
            "non calculable (cible nulle)"
        );
        assert_eq!(
            rate_cell(Some(Err(NoRate::ZeroActual))),
            "non calculable (réalisé nul)"
        );
        assert_eq!(
            rate_cell(Some(Err(NoRate::Negative))),
            "non calculable (valeur négative)"
        );
        assert_eq!(rate_cell(None), "—");
    }

    #[test]
    fn six_months_after_a_month_end_is_a_month_end() {
        assert_eq!(review_deadline((2026, 12, 31)), (2027, 6, 30));
        assert_eq!(review_deadline((2027, 8, 31)), (2028, 2, 29));
        assert_eq!(review_deadline((2026, 2, 28)), (2026, 8, 31));
        assert_eq!(review_deadline((2026, 1, 30)), (2026, 7, 30));
        assert_eq!(days_in_month(2028, 2), 29);
    }

    #[test]
    fn a_negative_progression_says_it_went_back() {
        assert_eq!(progression_cell(Some(0.375)), format!("37,5{NB}%"));
        assert_eq!(progression_cell(Some(-1.4)), format!("-140{NB}% (recul)"));
        assert_eq!(progression_cell(Some(0.0)), format!("0{NB}%"));
        assert_eq!(progression_cell(None), "—");
    }
}
