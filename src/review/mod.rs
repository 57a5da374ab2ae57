//! The yearly review (`charta review`): what each association achieved in a
//! year against the targets of its dashboard, its financial ratios with early
//! warnings, one report per association (Markdown and PDF) and a synthesis of
//! the programme (Markdown, PDF, CSV); and the review files to fill in
//! (`charta review --template`).
//!
//! - `data`: reading and validating `PROG/reviews/<year>/<id>.json`
//! - `compute`: rates, statuses, alerts (the figures)
//! - `text`: the reports and the synthesis (Markdown, CSV)
//! - `write`: `charta review` writing them, and `--template`
//! - `manifest`: what the last run wrote (`OUT/review-<year>/manifest.json`), so
//!   that the next one rewrites only what changed
//! - here: reading every review, the texts in force, assessing them all
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

pub mod closing;
pub mod closing_text;
mod compute;
pub mod manifest;
mod text;
mod write;

pub use compute::*;
pub use text::*;
pub use write::*;

/// The comptes rendus financiers of a year, by association id.
pub type Crfs = BTreeMap<String, crate::check::crf::Crf>;

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

/// Every compte rendu financier of `year` (`reviews/<year>/<id>.crf.json`),
/// validated, by id; `Err` with every problem if one has an error.
pub fn load_crfs(prog: &Programme, year: i32) -> Result<(Crfs, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out = BTreeMap::new();
    let mut diags = Vec::new();
    for (id, _) in crate::check::crf::files(&prog.root, year) {
        if let Some((crf, d)) = crate::check::crf::load(prog, year, &id) {
            diags.extend(d);
            if let Some(c) = crf {
                out.insert(id, c);
            }
        }
    }
    if has_errors(&diags) {
        crate::check::sort(&mut diags);
        return Err(diags);
    }
    Ok((out, diags))
}

/// The comptes rendus of every year of `data`'s period: `year`'s from
/// `crfs`, the others read from `reviews/<y>/<id>.crf.json` (unreadable: left out).
fn period_crfs(
    prog: &Programme,
    id: &str,
    data: &AssociationFile,
    year: i32,
    crfs: &Crfs,
) -> BTreeMap<i32, crate::check::crf::Crf> {
    data.convention
        .years
        .iter()
        .filter_map(|&y| {
            let crf = if y == year {
                crfs.get(id).cloned()
            } else {
                crate::check::crf::load(prog, y, id)
                    .filter(|(_, d)| !has_errors(d))
                    .and_then(|(c, _)| c)
            };
            crf.map(|c| (y, c))
        })
        .collect()
}

/// Assesses every association whose convention in force covers `year`,
/// against its text in force, with its closing (`crfs`: the comptes rendus
/// financiers of the year; `on`: the date of the review, if given).
fn assess_all(
    prog: &Programme,
    year: i32,
    reviews: &Reviews,
    crfs: &Crfs,
    on: Option<(i32, u8, u8)>,
) -> Result<Vec<Assessment>, Vec<Diagnostic>> {
    let empty = BTreeMap::new();
    let engine = std::sync::OnceLock::new();
    // In parallel: a letter renders its convention (rayon keeps the order).
    let rows = in_force_all(prog, year)?
        .into_par_iter()
        .map(|(id, f)| {
            let r = reviews.get(&id).unwrap_or(&empty);
            let mut a = assess(&id, &f.data, year, r, &prog.file.review);
            a.basis = Some(f.basis.clone());
            settle_missing_review(&mut a, on);
            a.in_force_sha256 = f.archived_sha256.clone();
            a.closing = closing::close(prog, &f.data, year, crfs.get(&id), &a.payments, on);
            if let Some(c) = a.closing.as_mut() {
                c.unsigned = a.basis == Some(in_force::Basis::Unsigned);
            }
            if let Some(c) = a.closing.as_mut()
                && c.rule == closing::Rule::Sieg
            {
                c.period = closing::sieg_period(
                    prog,
                    &f.data,
                    &period_crfs(prog, &id, &f.data, year, crfs),
                );
            }
            if let Some(c) = a.closing.as_mut()
                && c.to_recover() > 0
            {
                // The letter quotes the convention's own clause.
                let engine = engine.get_or_init(|| crate::render::Engine::new(&prog.library).0);
                let text = text_in_force(prog, engine, &id, &f);
                let text = text.as_deref().unwrap_or_default();
                let sieg = c.rule == closing::Rule::Sieg;
                let clause = if sieg {
                    "sieg-surcompensation"
                } else {
                    "excedent-reversement"
                };
                c.cited = closing_text::cited_clause(text, clause);
                c.proportion = (!sieg)
                    .then(|| closing_text::cited_clause(text, "contribution-plafond"))
                    .flatten();
                c.observations = closing_text::cited_clause(text, "sanctions-financieres")
                    .and_then(|q| q.article);
                let letter = closing_text::letter_markdown(engine, prog, &a);
                if let Some(c) = a.closing.as_mut() {
                    c.letter = letter;
                }
            }
            a
        })
        .collect();
    Ok(rows)
}

/// Without a review file, the date of the review is `--on` when given (the
/// report's and the alert's); under an unsigned convention no review is owed
/// yet: no « bilan non remis » alert.
fn settle_missing_review(a: &mut Assessment, on: Option<(i32, u8, u8)>) {
    if a.basis == Some(in_force::Basis::Unsigned) {
        a.alerts
            .retain(|al| !matches!(al, compute::Alert::ReviewMissing { .. }));
        // Nothing can have been paid under it: a subsidy declared received is
        // to check (paid under another act, or counted before it was due).
        if let Some(v) = a.finances.subvention_versee.filter(|v| *v > 0.0) {
            a.alerts
                .push(compute::Alert::ReceivedUnsigned((v * 100.0).round() as i64));
        }
    }
    let Some(on) = on else { return };
    if !a.received {
        a.date = on;
    }
    for alert in &mut a.alerts {
        if let compute::Alert::ReviewMissing { date, .. } = alert {
            *date = on;
        }
    }
}

/// The text the reversement letter quotes: the signed convention as
/// archived (`signed/<id>/convention.md`) while no avenant amends it; else the
/// text in force rendered from its data (the consolidated version).
fn text_in_force(
    prog: &Programme,
    engine: &crate::render::Engine,
    id: &str,
    f: &in_force::InForce,
) -> Option<String> {
    use crate::out::signed::{Act, Archive};
    if let in_force::Basis::Signed { avenants, .. } = &f.basis
        && avenants.is_empty()
        && let Some(archive) = Archive::open(&prog.root, id)
        && let Ok(md) = std::fs::read_to_string(archive.path(Act::Convention, "md"))
    {
        return Some(md);
    }
    engine
        .render(&prog.file, id, &f.data, Path::new(id))
        .ok()
        .map(|r| r.markdown)
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
    fn a_gap_between_percentages_is_in_points_singular_under_two() {
        // 31 % against 35 %: −4 points; French keeps the singular under 2.
        assert_eq!(signed(-4.0, "%"), format!("\u{2212}4{NB}points"));
        assert_eq!(signed(2.0, "%"), format!("+2{NB}points"));
        assert_eq!(signed(1.99, "%"), format!("+1,99{NB}point"));
        assert_eq!(signed(-1.0, "%"), format!("\u{2212}1{NB}point"));
        // Shown rounded to 2: plural.
        assert_eq!(signed(1.996, "%"), format!("+2{NB}points"));
        assert_eq!(signed(-7.0, "foyers"), format!("\u{2212}7{NB}foyers"));
    }

    #[test]
    fn a_negative_progression_says_it_went_back() {
        assert_eq!(progression_cell(Some(0.375)), format!("37,5{NB}%"));
        assert_eq!(
            progression_cell(Some(-1.4)),
            format!("\u{2212}140{NB}% (recul)")
        );
        assert_eq!(progression_cell(Some(0.0)), format!("0{NB}%"));
        assert_eq!(progression_cell(None), "—");
    }
}
