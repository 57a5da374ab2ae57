//! The délibération and its rapport in Markdown, with the anchors of a
//! convention (so that every writer prints them): the clauses of
//! `clauses/deliberation/` (and the visas the conventions cite, from
//! `clauses/visas/`) rendered by the same engine, the tables written here
//! from the rows, their data escaped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::collect::{Nature, Row};
use super::figures::Figures;
use crate::anchor::{self, PartKind};
use crate::diagnostic::Diagnostic;
use crate::french;
use crate::model::ConventionKind;
use crate::render::{Engine, escape_markdown};

/// A document being written: its clauses' context, their errors, its Markdown.
pub struct Writer<'a> {
    pub engine: &'a Engine,
    pub ctx: Value,
    pub diags: Vec<Diagnostic>,
    pub md: String,
    articles: usize,
}

impl<'a> Writer<'a> {
    pub fn new(engine: &'a Engine, ctx: Value) -> Writer<'a> {
        Writer {
            engine,
            ctx,
            diags: Vec::new(),
            md: String::new(),
            articles: 0,
        }
    }

    /// The Markdown, or every clause that failed.
    pub fn finish(self) -> Result<String, Vec<Diagnostic>> {
        if self.diags.is_empty() {
            Ok(self.md.trim_end().to_string() + "\n")
        } else {
            Err(self.diags)
        }
    }

    /// Clause `id` with its anchor; an error is kept and gives no text.
    fn clause(&mut self, id: &str) {
        match self.engine.render_clause(id, &self.ctx) {
            Ok(text) => {
                let version = self
                    .engine
                    .clause(id)
                    .map_or_else(|| "0".to_string(), |c| c.meta.version.clone());
                self.md.push_str(&anchor::clause(id, &version));
                self.md.push_str(&text);
                self.md.push_str("\n\n");
            }
            Err(d) => self.diags.push(d),
        }
    }

    /// A block of clauses `ids`, under `heading` if any.
    pub fn block(&mut self, part: &str, heading: Option<&str>, ids: &[&str]) {
        self.md.push_str(&anchor::part(part, PartKind::Block, None));
        if let Some(h) = heading {
            self.md.push_str(&format!("## {h}\n\n"));
        }
        for id in ids {
            self.clause(id);
        }
    }

    /// The next numbered article: its heading and its clause (same id).
    pub fn article(&mut self, id: &str, title: &str) {
        self.articles += 1;
        let number = french::article_number(self.articles);
        (self.md).push_str(&anchor::part(id, PartKind::Article, Some(&number)));
        self.md
            .push_str(&format!("## Article {number} – {title}\n\n"));
        self.clause(id);
    }

    /// The annex `number`: its heading, its clause, then `table`.
    pub fn annex(&mut self, id: &str, number: &str, title: &str, table: &str) {
        self.md
            .push_str(&anchor::part(id, PartKind::Annex, Some(number)));
        self.md
            .push_str(&format!("## Annexe {number} – {title}\n\n"));
        self.clause(id);
        self.md.push_str(table);
        self.md.push('\n');
    }

    /// Raw Markdown written here (tables, lists), already escaped.
    pub fn push(&mut self, md: &str) {
        self.md.push_str(md);
        self.md.push('\n');
    }
}

/// An amount or a dash.
fn amount(cents: Option<&i64>) -> String {
    match cents {
        Some(c) => french::euros(*c),
        None => "—".to_string(),
    }
}

/// The annex's table: one row per convention or avenant, then the totals.
pub fn annex_table(rows: &[Row], f: &Figures) -> String {
    let years = f.years();
    let with_kind = f.in_kind_total > 0;
    let mut head = vec!["N°", "Bénéficiaire", "Objet", "Nature", "Régime"]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    head.extend(years.iter().map(|y| y.to_string()));
    head.push("Total".to_string());
    if with_kind {
        head.push("Aides en nature".to_string());
    }
    let mut t = format!("| {} |\n", head.join(" | "));
    let align: Vec<&str> = (0..head.len())
        .map(|i| if i == 0 || i >= 5 { "---:" } else { "---" })
        .collect();
    t.push_str(&format!("| {} |\n", align.join(" | ")));
    for (i, r) in rows.iter().enumerate() {
        let mut cells = vec![
            (i + 1).to_string(),
            format!(
                "{} ({})",
                escape_markdown(&r.name),
                escape_markdown(&r.identification)
            ),
            escape_markdown(&r.object),
            nature_cell(r),
            r.regime.to_string(),
        ];
        cells.extend(years.iter().map(|y| amount(r.funding.get(y))));
        cells.push(french::euros(r.total()));
        if with_kind {
            cells.push(match r.in_kind_total() {
                0 => "—".to_string(),
                c => french::euros(c),
            });
        }
        t.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let mut total = vec![
        "".to_string(),
        "**Total**".to_string(),
        String::new(),
        String::new(),
        String::new(),
    ];
    total.extend(
        years
            .iter()
            .map(|y| format!("**{}**", amount(f.per_year.get(y)))),
    );
    total.push(format!("**{}**", french::euros(f.total)));
    if with_kind {
        total.push(format!("**{}**", french::euros(f.in_kind_total)));
    }
    t.push_str(&format!("| {} |\n", total.join(" | ")));
    t
}

/// « CPO n° REF », « avenant n° 1 à la convention n° REF ».
fn nature_cell(r: &Row) -> String {
    let reference = escape_markdown(&r.reference);
    match r.nature {
        Nature::Avenant(_) => format!("{} à la convention n°\u{a0}{reference}", r.nature.label()),
        Nature::Convention(_) => format!("{} n°\u{a0}{reference}", r.nature.label()),
    }
}

/// A two-column summary (label, count, amount) in the rapport.
pub fn summary_table(first: &str, groups: &BTreeMap<String, (usize, i64)>) -> String {
    let mut t = format!("| {first} | Actes | Montant |\n| --- | ---: | ---: |\n");
    for (label, (n, c)) in groups {
        t.push_str(&format!("| {label} | {n} | {} |\n", french::euros(*c)));
    }
    t
}

/// What each avenant changes against the convention in force, one item each.
pub fn avenant_changes(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows
        .iter()
        .filter(|r| matches!(r.nature, Nature::Avenant(_)))
    {
        let head = format!(
            "- {}, {} à la convention n°{}{}",
            escape_markdown(&r.name),
            r.nature.label(),
            french::NBSP,
            escape_markdown(&r.reference)
        );
        let Some(before) = &r.previous else {
            out.push_str(&format!(
                "{head}\u{a0}: montant total de {} (le texte en vigueur n'est pas archivé\u{a0}: pas de comparaison).\n",
                french::euros(r.total())
            ));
            continue;
        };
        let changed: Vec<String> = before
            .keys()
            .chain(r.funding.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|y| before.get(y) != r.funding.get(y))
            .map(|y| {
                format!(
                    "contribution {y} portée de {} à {}",
                    amount(before.get(y)),
                    amount(r.funding.get(y))
                )
            })
            .collect();
        let old: i64 = before.values().sum();
        let what = if changed.is_empty() {
            "montants inchangés".to_string()
        } else {
            changed.join(", ")
        };
        out.push_str(&format!(
            "{head}\u{a0}: {what}\u{a0}; total de {} à {}.\n",
            french::euros(old),
            french::euros(r.total())
        ));
    }
    out
}

/// What row `r` decides, in cents, by exercice: a convention's funding, an
/// avenant's change against the text in force (its whole funding when that
/// text is not archived).
pub fn decided(r: &Row) -> BTreeMap<i32, i64> {
    match (r.nature, &r.previous) {
        (Nature::Avenant(_), Some(before)) => {
            let years: BTreeSet<&i32> = before.keys().chain(r.funding.keys()).collect();
            years
                .into_iter()
                .map(|y| {
                    let get = |m: &BTreeMap<i32, i64>| m.get(y).copied().unwrap_or(0);
                    (*y, get(&r.funding) - get(before))
                })
                .filter(|(_, v)| *v != 0)
                .collect()
        }
        _ => r.funding.clone(),
    }
}

/// « sur l'exercice 2027 », « sur les exercices 2026 à 2028 ».
fn on_years(years: &BTreeMap<i32, i64>) -> String {
    match (years.keys().next(), years.keys().next_back()) {
        (Some(a), Some(b)) if a != b => format!("sur les exercices {a} à {b}"),
        (Some(a), _) => format!("sur l'exercice {a}"),
        _ => String::new(),
    }
}

/// The affairs of the session, one numbered item per line of the annex: the
/// beneficiary, the object, the nature and the amount, what an avenant
/// changes (complement, targets), the élus who take no part in the vote.
pub fn affairs(rows: &[Row], funder_of: &str) -> String {
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let reference = escape_markdown(&r.reference);
        let nature = match r.nature {
            Nature::Convention(k) => format!("{} n°\u{a0}{reference}", long_label(k)),
            Nature::Avenant(_) => {
                format!("{} à la convention n°\u{a0}{reference}", r.nature.label())
            }
        };
        let what = match (r.nature, &r.previous) {
            (Nature::Convention(_), _) if r.total() == 0 => "sans engagement financier".to_string(),
            (Nature::Convention(_), _) => format!(
                "pour un montant maximal de {} {}",
                french::euros(r.total()),
                on_years(&r.funding)
            ),
            (Nature::Avenant(_), Some(before)) => {
                let change = decided(r);
                let delta: i64 = change.values().sum();
                let old: i64 = before.values().sum();
                let total = french::euros(r.total());
                match delta {
                    0 if change.is_empty() => format!("montants inchangés ({total})"),
                    0 => format!(
                        "montant total inchangé ({total}), réparti autrement entre les exercices"
                    ),
                    d if d > 0 => format!(
                        "un complément de {} {}, portant la contribution de {} à {total}",
                        french::euros(d),
                        on_years(&change),
                        french::euros(old)
                    ),
                    d => format!(
                        "une diminution de {} {}, ramenant la contribution de {} à {total}",
                        french::euros(-d),
                        on_years(&change),
                        french::euros(old)
                    ),
                }
            }
            (Nature::Avenant(_), None) => format!(
                "montant total de {} (le texte en vigueur n'est pas archivé\u{a0}: pas de comparaison)",
                french::euros(r.total())
            ),
        };
        let mut item = format!(
            "{}. **{}** ({})\u{a0}: «\u{a0}{}\u{a0}»\u{a0}; {nature}, {what}",
            i + 1,
            escape_markdown(&r.name),
            escape_markdown(&r.identification),
            escape_markdown(r.object.trim()),
        );
        for c in &r.target_changes {
            item.push_str(&format!("\u{a0}; {}", escape_markdown(c)));
        }
        if r.in_kind_total() > 0 && matches!(r.nature, Nature::Convention(_)) {
            item.push_str(&format!(
                "\u{a0}; aide en nature d'une valeur de {}",
                french::euros(r.in_kind_total())
            ));
        }
        item.push('.');
        for e in &r.elected {
            let seat = match e.capacity {
                crate::model::BoardCapacity::Representant => {
                    let f = e.name.trim_start().starts_with("Mme");
                    format!(
                        "en qualité de {} {funder_of}",
                        if f { "représentante" } else { "représentant" }
                    )
                }
                crate::model::BoardCapacity::Personnel => "à titre personnel".to_string(),
            };
            item.push_str(&format!(
                " {}, qui siège dans les instances de l'association {seat}, ne prend part ni aux débats ni au vote sur cette ligne, votée séparément.",
                escape_markdown(&e.name)
            ));
        }
        out.push_str(&french::bind_abbreviations(&item));
        out.push('\n');
    }
    out
}

/// « Convention pluriannuelle d'objectifs », « Convention annuelle »…
fn long_label(k: ConventionKind) -> &'static str {
    match k {
        ConventionKind::Cpo => "convention pluriannuelle d'objectifs",
        ConventionKind::Annuelle => "convention annuelle",
        ConventionKind::Cadre => "convention-cadre",
    }
}
