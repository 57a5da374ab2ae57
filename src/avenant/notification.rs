//! The lettre de notification of a signed act (convention or avenant), from
//! the funder to the association: the act's references and décision, its
//! date of signature, the amount for the year in figures and letters, the
//! payment schedule the convention sets, what the association sends and
//! when. Its wording is the clause library's (`clauses/notification/`,
//! template `notification`), overridable like any clause; it is rendered as
//! Markdown with the anchors of an act, so every emitter writes it.

use serde_json::{Value, json};

use crate::anchor::{self, PartKind};
use crate::diagnostic::Diagnostic;
use crate::document::Meta;
use crate::model::{AssociationFile, ProgrammeFile};
use crate::render::Engine;

/// The clauses of the letter, in order, each its own part.
pub const CLAUSES: [&str; 5] = [
    "notification-objet",
    "notification-montant",
    "notification-versements",
    "notification-obligations",
    "notification-signature",
];

/// The act notified: the convention, or its avenant `k`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Notified {
    Convention,
    Avenant(usize),
}

impl Notified {
    /// The stem of its files: `<id>.notification`, `<id>.avenant-<k>.notification`.
    pub fn stem(self, id: &str) -> String {
        match self {
            Notified::Convention => format!("{id}.notification"),
            Notified::Avenant(k) => format!("{}.notification", crate::out::avenant_stem(id, k)),
        }
    }

    /// The prefix of its manifest keys: `notification.`, `avenant-<k>.notification.`.
    pub fn key_prefix(self) -> String {
        match self {
            Notified::Convention => "notification.".to_string(),
            Notified::Avenant(k) => format!("avenant-{k}.notification."),
        }
    }
}

/// The letter notifying `act` as `data` give it (for an avenant, data whose
/// amendment `k` is signed), with its PDF metadata; `None` when the act has
/// no signature date (nothing to notify).
pub fn render(
    engine: &Engine,
    prog: &ProgrammeFile,
    id: &str,
    data: &AssociationFile,
    act: Notified,
) -> Option<Result<(String, Meta), Vec<Diagnostic>>> {
    let c = &data.convention;
    let (decision, signature, title) = match act {
        Notified::Convention => (
            &c.decision,
            &c.signature,
            format!("Notification de la convention n° {}", c.reference),
        ),
        Notified::Avenant(k) => {
            let a = c.amendments.get(k.checked_sub(1)?)?;
            (
                &a.decision,
                &a.signature,
                format!(
                    "Notification de l'avenant n° {k} à la convention n° {}",
                    c.reference
                ),
            )
        }
    };
    let date = signature.date.as_deref()?;
    let signed_year: Option<i32> = date.get(..4).and_then(|y| y.parse().ok());
    let year = signed_year
        .filter(|y| c.years.contains(y))
        .or_else(|| c.years.first().copied());
    let cents = year
        .and_then(|y| c.funding.as_ref()?.get(&y.to_string()).map(|a| a.cents()))
        .unwrap_or(0);
    let advance_percent = c
        .payment
        .as_ref()
        .map_or(0.0, |p| p.advance_percent.clamp(0.0, 100.0));
    let advance = ((cents as f64) * advance_percent / 100.0).round() as i64;
    let mut ctx = crate::context::build(prog, id, data, &[]);
    ctx["notification"] = json!({
        "act": match act { Notified::Convention => "convention", Notified::Avenant(_) => "avenant" },
        "number": match act { Notified::Convention => 0, Notified::Avenant(k) => k },
        "reference": c.reference,
        "decision": decision,
        "signature": signature,
        "year": year,
        "amount": euros_json(cents),
        "advance_percent": advance_percent,
        "advance": euros_json(advance),
        "balance": euros_json(cents - advance),
        "dear": crate::french::salutation(&data.association.representative.civility),
        "later_years": year.is_some_and(|y| c.years.iter().any(|&z| z > y)),
    });
    Some(markdown(engine, id, act, &title, &ctx).map(|md| {
        let mut meta = crate::render::pdf_meta(prog, data, &title);
        if let Some(d) = crate::french::parse_date(date) {
            meta.date = d;
        }
        meta.charts.clear();
        (md, meta)
    }))
}

/// The letter's Markdown: its title, then one part per clause.
fn markdown(
    engine: &Engine,
    id: &str,
    act: Notified,
    title: &str,
    ctx: &Value,
) -> Result<String, Vec<Diagnostic>> {
    let mut md = anchor::convention(&act.stem(id), "notification", "notification");
    md.push_str(&format!(
        "# {}\n\n",
        crate::render::escape_markdown(&crate::french::bind_abbreviations(title))
    ));
    let mut diags = Vec::new();
    for clause in CLAUSES {
        // The last part is the letter's signature block, laid out as an act's.
        let part = if clause == "notification-signature" {
            "signature"
        } else {
            clause
        };
        md.push_str(&anchor::part(part, PartKind::Block, None));
        let version = engine
            .clause(clause)
            .map(|c| c.meta.version.clone())
            .unwrap_or_else(|| "0".to_string());
        md.push_str(&anchor::clause(clause, &version));
        match engine.render_clause(clause, ctx) {
            Ok(text) => md.push_str(&text),
            Err(d) => diags.push(d),
        }
        md.push_str("\n\n");
    }
    if diags.is_empty() {
        Ok(md.trim_end().to_string() + "\n")
    } else {
        Err(diags)
    }
}

/// An amount in cents as the templates take it (euros, a whole number when it is one).
fn euros_json(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        json!(cents as f64 / 100.0)
    }
}
