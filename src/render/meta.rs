//! The metadata of a convention's files, from its data.

use crate::document::{Chart, Meta};
use crate::french;
use crate::model::{AssociationFile, IndicatorType, ProgrammeFile};

/// Data for the PDF's metadata, on one line: it reaches the layout as strings,
/// not through the Markdown, and a tab is a character no font draws (the
/// PDF/A export fails on it). Line breaks and tabs become spaces, as in the
/// Markdown.
fn one_line(text: &str) -> String {
    text.split(['\t', '\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The metadata of a convention's files (title, reference, parties, period,
/// date, the dashboard's charts), from its data.
pub fn pdf_meta(prog: &ProgrammeFile, data: &AssociationFile, title: &str) -> Meta {
    let c = &data.convention;
    // Signed electronically (`[signature]`): the PDF is sent before its
    // signature date is known, and must not change once it is.
    let date = (c.signature.date.as_deref())
        .filter(|_| prog.signature.is_none())
        .and_then(french::parse_date)
        .or_else(|| french::parse_date(&c.decision.date))
        .unwrap_or((c.years.first().copied().unwrap_or(2000), 1, 1));
    let period = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    // The charts follow the dashboard table: priorities in their declared
    // order, objectives in the natural order of their ids.
    let mut objectives: Vec<&crate::model::Objective> = Vec::new();
    for p in &prog.priorities {
        let start = objectives.len();
        objectives.extend(
            data.dashboard
                .objectives
                .iter()
                .filter(|o| o.priority == p.id),
        );
        objectives[start..].sort_by(|a, b| crate::context::natural_cmp(&a.id, &b.id));
    }
    let mut charts = Vec::new();
    for o in objectives {
        for i in &o.indicators {
            if i.kind != IndicatorType::Quantitative {
                continue;
            }
            let mut points = Vec::new();
            if let Some(b) = i.baseline.as_ref().and_then(|b| b.as_number()) {
                points.push(("Référence".to_string(), b));
            }
            for y in &c.years {
                if let Some(v) = i.targets.get(&y.to_string()).and_then(|t| t.as_number()) {
                    points.push((y.to_string(), v));
                }
            }
            charts.push(Chart {
                indicator: i.id.clone(),
                label: one_line(&i.label),
                unit: one_line(i.unit.as_deref().unwrap_or_default()),
                points,
                actuals: Vec::new(),
            });
        }
    }
    Meta {
        title: title.to_string(),
        reference: one_line(&c.reference),
        funder: one_line(&prog.funder.name),
        association: one_line(&data.association.name),
        period,
        date,
        charts,
    }
}
