//! The délibération and its rapport in Markdown, with the anchors of a
//! convention (so that every writer prints them): the clauses of
//! `clauses/deliberation/` (and the visas the conventions cite, from
//! `clauses/visas/`) rendered by the same engine, the tables written here
//! from the rows, their data escaped.

use std::collections::BTreeMap;

use serde_json::Value;

use super::collect::{Nature, Row};
use super::figures::Figures;
use crate::anchor::{self, PartKind};
use crate::diagnostic::Diagnostic;
use crate::french;
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
