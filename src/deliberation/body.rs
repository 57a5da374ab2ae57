//! The order of the two documents: which parts, which clauses, which tables.

use std::collections::BTreeMap;

use serde_json::Value;

use super::collect::{Nature, Row};
use super::figures::Figures;
use super::text::{Writer, affairs, annex_table, avenant_changes, decided, summary_table};
use crate::anchor;
use crate::diagnostic::Diagnostic;
use crate::french;
use crate::load::Programme;
use crate::model::Deliberation;
use crate::render::{Engine, escape_markdown};

/// The heading of both documents: the anchor, the title, the session.
fn head(slug: &str, title: &str, funder: &str, (d, date_fr): (&Deliberation, &str)) -> String {
    format!(
        "{}# {title}\n\n{} — {} du {date_fr}\n\n",
        anchor::convention(slug, "deliberation", "deliberation"),
        escape_markdown(funder),
        escape_markdown(&d.body),
    )
}

/// The projet de délibération and its annex.
pub fn deliberation(
    engine: &Engine,
    ctx: &Value,
    (number, d, date_fr): (&str, &Deliberation, &str),
    rows: &[Row],
    f: &Figures,
    visas: &[String],
) -> Result<String, Vec<Diagnostic>> {
    let mut w = Writer::new(engine, ctx.clone());
    let funder = ctx["funder"]["name"].as_str().unwrap_or_default();
    let title = format!("Délibération n°\u{a0}{}", escape_markdown(number));
    w.md = head(&super::slug(number), &title, funder, (d, date_fr));
    let mut ids = vec!["deliberation-assemblee"];
    ids.extend(visas.iter().map(String::as_str));
    ids.push("deliberation-visas");
    super::visas::block(&mut w, "deliberation-visas", &ids);
    w.block(
        "deliberation-considerants",
        None,
        &["deliberation-considerants"],
    );
    w.block("deliberation-decide", None, &["deliberation-decide"]);
    let one = |n: usize, singular: &str, plural: &str| {
        if n == 1 {
            singular.to_string()
        } else {
            plural.to_string()
        }
    };
    let together = w.ctx["deliberation"]["attribution"]["funded"]
        .as_u64()
        .unwrap_or(0);
    if together > 0 {
        let t = one(
            usize::try_from(together).unwrap_or(usize::MAX),
            "Attribution de la subvention",
            "Attribution des subventions",
        );
        w.article("deliberation-attribution", &t);
    }
    let separate = w.ctx["deliberation"]["separate"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for s in separate {
        let title = format!(
            "Attribution de la subvention et approbation de la convention de la ligne {} (vote distinct)",
            s["line"]
        );
        w.ctx["deliberation"]["current"] = s;
        w.article("deliberation-attribution-distincte", &title);
    }
    let approved = w.ctx["deliberation"]["attribution"]["approved"]
        .as_u64()
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    if approved > 0 {
        let t = one(
            approved,
            "Approbation de la convention",
            "Approbation des conventions",
        );
        w.article("deliberation-conventions", &t);
    }
    let in_kind = w.ctx["deliberation"]["in_kind"]
        .as_array()
        .map_or(0, Vec::len);
    if in_kind > 0 {
        let t = one(in_kind, "Aide en nature", "Aides en nature");
        w.article("deliberation-nature", &t);
    }
    let complements = w.ctx["deliberation"]["complements"]
        .as_array()
        .map_or(0, Vec::len);
    if complements > 0 {
        let t = one(
            complements,
            "Attribution d'un complément de subvention",
            "Attribution de compléments de subvention",
        );
        w.article("deliberation-complement", &t);
        if d.ae_cp {
            w.article(
                "deliberation-complement-ae",
                "Autorisation d'engagement complémentaire",
            );
        }
    }
    if f.avenants > 0 {
        let t = one(
            f.avenants,
            "Approbation de l'avenant",
            "Approbation des avenants",
        );
        w.article("deliberation-avenants", &t);
    }
    if f.multi_year || (d.ae_cp && f.cp_per_year.len() > 1) {
        w.article("deliberation-engagement", "Engagement pluriannuel");
    }
    w.article("deliberation-signature", "Autorisation de signer");
    if d.imputation
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        w.article("deliberation-imputation", "Imputation budgétaire");
    }
    if rows.iter().any(|r| !r.elected.is_empty()) {
        w.ctx["deliberation"]["current"] = Value::Null;
        w.block("deliberation-deport", None, &["deliberation-deport"]);
    }
    w.block("deliberation-vote", None, &["deliberation-vote"]);
    w.annex(
        "deliberation-annexe",
        "I",
        &annex_title(f, complements),
        &annex_table(rows, f),
    );
    w.finish()
}

/// « Subvention attribuée et convention approuvée », « Avenant approuvé »…
fn annex_title(f: &Figures, complements: usize) -> String {
    fn pick(n: usize, one: &'static str, many: &'static str) -> &'static str {
        if n == 1 { one } else { many }
    }
    let mut parts = Vec::new();
    if f.conventions_total > 0 {
        parts.push(pick(
            f.funded,
            "subvention attribuée",
            "subventions attribuées",
        ));
    }
    if complements > 0 {
        parts.push(pick(
            complements,
            "complément de subvention attribué",
            "compléments de subvention attribués",
        ));
    }
    if f.conventions > 0 {
        parts.push(pick(
            f.conventions,
            "convention approuvée",
            "conventions approuvées",
        ));
    }
    if f.avenants > 0 {
        parts.push(pick(f.avenants, "avenant approuvé", "avenants approuvés"));
    }
    let text = match parts.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
        None => String::new(),
    };
    french::capitalise(&text)
}

/// The rapport to the assembly: what the session decides, in numbers.
pub fn rapport(
    engine: &Engine,
    ctx: &Value,
    prog: &Programme,
    (number, d, date_fr): (&str, &Deliberation, &str),
    rows: &[Row],
    f: &Figures,
) -> Result<String, Vec<Diagnostic>> {
    let mut w = Writer::new(engine, ctx.clone());
    let title = format!("Rapport à la {}", escape_markdown(&d.body));
    let slug = format!("{}-rapport", super::slug(number));
    w.md = head(&slug, &title, &prog.file.funder.name, (d, date_fr));
    w.block("rapport-objet", None, &["rapport-objet"]);
    w.block(
        "rapport-affaires",
        Some("Les affaires proposées"),
        &["rapport-affaires"],
    );
    let funder_of = ctx["f"]["du"].as_str().unwrap_or_default().to_string();
    w.push(&affairs(rows, &funder_of));
    w.block(
        "rapport-synthese",
        Some("La session en chiffres"),
        &["rapport-synthese"],
    );
    // What the session decides: an avenant counts for its change.
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for r in rows {
        for (y, v) in decided(r) {
            *by_year.entry(y).or_default() += v;
        }
    }
    let mut per_year = String::from("| Exercice | Montant |\n| --- | ---: |\n");
    for (y, c) in &by_year {
        per_year.push_str(&format!("| {y} | {} |\n", french::euros(*c)));
    }
    let total: i64 = by_year.values().sum();
    per_year.push_str(&format!("| **Total** | **{}** |\n", french::euros(total)));
    w.push(&per_year);
    let (mut nature, mut regime, mut priority) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for r in rows {
        let add = |m: &mut BTreeMap<String, (usize, i64)>, k: String| {
            let e = m.entry(k).or_default();
            e.0 += 1;
            e.1 += decided(r).values().sum::<i64>();
        };
        let group = match r.nature {
            Nature::Avenant(_) => Nature::Avenant(1).group(),
            n => n.group(),
        };
        add(&mut nature, group.to_string());
        add(&mut regime, french::capitalise(r.regime));
        let p = r.priority.as_deref().map_or_else(
            || "Sans priorité".to_string(),
            |id| match prog.file.priorities.iter().find(|p| p.id == id) {
                Some(p) => format!("{} – {}", escape_markdown(&p.id), escape_markdown(&p.title)),
                None => escape_markdown(id),
            },
        );
        add(&mut priority, p);
    }
    w.push(&summary_table("Nature", &nature));
    w.push(&summary_table("Régime au regard des aides d'État", &regime));
    w.push(&summary_table("Priorité", &priority));
    if f.avenants > 0 {
        w.block(
            "rapport-avenants",
            Some("Les avenants"),
            &["rapport-avenants"],
        );
        w.push(&avenant_changes(rows));
    }
    w.block("rapport-proposition", None, &["rapport-proposition"]);
    w.block("rapport-signature", None, &["rapport-signature"]);
    w.finish()
}
