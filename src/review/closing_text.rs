//! The closing in words: the report's part « compte rendu financier et
//! solde », the reversement letter, and the finance service's to-do list
//! (Markdown in the synthesis, and `a-faire.csv`).

use super::closing::{Closing, Receipt, Rule};
use super::text::{cell, csv_amount, csv_field, date_text, funder_le};
use super::*;

fn pct(p: Option<f64>) -> String {
    match p {
        Some(p) => {
            let r = (p * 10.0).round() / 10.0;
            let s = french::decimal(r.abs(), 1);
            let s = s.strip_suffix(",0").unwrap_or(&s).to_string();
            let sign = if r > 0.0 {
                "+"
            } else if r < 0.0 {
                "−"
            } else {
                ""
            };
            format!("{sign}{s}\u{a0}%")
        }
        None => "—".to_string(),
    }
}

fn signed_euros(c: i64) -> String {
    match c.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", french::euros(c)),
        std::cmp::Ordering::Less => format!("−{}", french::euros(-c)),
        std::cmp::Ordering::Equal => french::euros(0),
    }
}

/// The receipt of the compte rendu, in words.
pub fn receipt_text(c: &Closing, year: i32) -> String {
    let deadline = date_text(c.deadline);
    match c.receipt {
        Receipt::OnTime(r) => format!(
            "reçu le {}, dans le délai (date limite\u{a0}: {deadline})",
            date_text(r)
        ),
        // Under a convention not signed nothing is owed yet: never late.
        Receipt::Late(r) if c.unsigned => format!(
            "reçu le {} (date limite prévue\u{a0}: {deadline})",
            date_text(r)
        ),
        Receipt::Late(r) => format!(
            "**en retard**\u{a0}: reçu le {}, après la date limite du {deadline}",
            date_text(r)
        ),
        // Nothing is owed under a convention not signed: no compte rendu is
        // late yet.
        Receipt::Missing(_) if c.unsigned => format!(
            "non reçu\u{a0}; la convention n'étant pas signée, il n'est pas encore dû (date limite prévue\u{a0}: {deadline})"
        ),
        Receipt::Missing(Some(true)) => format!(
            "**non reçu, en retard** à la date du bilan, le {} (date limite\u{a0}: {deadline})",
            date_text(c.on.unwrap_or(c.deadline))
        ),
        Receipt::Missing(_) => format!(
            "non reçu (date limite\u{a0}: {deadline}, six mois après la clôture de l'exercice {year} le {})",
            date_text(c.exercice_end)
        ),
    }
}

/// The report's part on the closing.
pub fn closing_part(md: &mut String, prog: &Programme, a: &Assessment) {
    let Some(c) = &a.closing else { return };
    let y = a.year;
    md.push_str("<!-- part:cloture kind=block -->\n\n## Compte rendu financier et solde\n\n");
    md.push_str(&format!(
        "**Compte rendu financier {y}\u{a0}:** {}.\n\n",
        receipt_text(c, y)
    ));
    if !c.lines.is_empty() {
        gap_table(md, prog, c, y);
    } else if c.charges.1.is_some() {
        md.push_str(&format!(
            "La convention n'a pas de budget prévisionnel détaillé pour {y}\u{a0}: seuls les totaux sont comparés.\n\n| Poste | Prévu | Réalisé | Écart | Écart en % |\n|---|---:|---:|---:|---:|\n"
        ));
        total_row(md, "Total des charges", c.charges);
        // Without a detailed budget the convention gives no forecast produits.
        total_row(md, "Total des produits", (None, c.produits.1));
        md.push('\n');
    }
    if let Some(f) = c.fonds_dedies {
        md.push_str(&format!("Fonds dédiés\u{a0}: {}.\n\n", french::euros(f)));
    }
    if let Some((project, association)) = project_over_association(a) {
        md.push_str(&format!(
            "**À vérifier\u{a0}:** les charges réalisées du projet ({}) dépassent le total des charges de l'association déclaré dans son bilan ({})\u{a0}: un projet ne coûte pas plus que l'association qui le porte. L'un des deux chiffres est à corriger avant que la contribution ne soit arrêtée sur le premier.\n\n",
            french::euros(project),
            french::euros(association)
        ));
    }
    contribution_part(md, prog, c, y, !a.payments.is_empty());
}

/// The project's actual charges (compte rendu) and the association's total
/// charges (review file), in cents, when the first exceeds the second: one of
/// the two figures is wrong.
fn project_over_association(a: &Assessment) -> Option<(i64, i64)> {
    let project = a.closing.as_ref()?.charges.1?;
    let association = (a.finances.charges? * 100.0).round() as i64;
    (project > association).then_some((project, association))
}

/// A row of totals: forecast (`None`: not given), actual, gap in euros and in percent.
fn total_row(md: &mut String, label: &str, (f, a): (impl Into<Option<i64>>, Option<i64>)) {
    let f: Option<i64> = f.into();
    let dash = || "—".to_string();
    let gap = f.zip(a).map(|(f, a)| a - f);
    let percent = f
        .zip(gap)
        .map(|(f, g)| pct((f != 0).then(|| g as f64 * 100.0 / f as f64)));
    md.push_str(&format!(
        "| **{label}** | **{}** | **{}** | **{}** | **{}** |\n",
        f.map(french::euros).unwrap_or_else(dash),
        a.map(french::euros).unwrap_or_else(dash),
        gap.map(signed_euros).unwrap_or_else(dash),
        percent.unwrap_or_else(dash),
    ));
}

fn gap_table(md: &mut String, prog: &Programme, c: &Closing, y: i32) {
    md.push_str(&format!(
        "| Ligne | Prévu {y} | Réalisé | Écart | Écart en % |\n|---|---:|---:|---:|---:|\n"
    ));
    for l in &c.lines {
        let flag = if l.flagged { " **à expliquer**" } else { "" };
        md.push_str(&format!(
            "| {} | {} | {} | {} | {}{flag} |\n",
            cell(l.label),
            french::euros(l.forecast),
            l.actual.map(french::euros).unwrap_or_else(|| "—".into()),
            l.gap.map(signed_euros).unwrap_or_else(|| "—".into()),
            pct(l.gap_percent),
        ));
    }
    total_row(md, "Total des charges", c.charges);
    total_row(md, "Total des produits", c.produits);
    md.push('\n');
    let threshold = french::percent(prog.file.review.gap_percent);
    md.push_str(&format!(
        "Écart\u{a0}: réalisé − prévu\u{202f}; au-delà de {threshold} du prévu, l'écart est expliqué par l'association ou signalé «\u{a0}à expliquer\u{a0}».\n\n"
    ));
    let explained: Vec<_> = c.lines.iter().filter(|l| l.explanation.is_some()).collect();
    if !explained.is_empty() {
        md.push_str("Explications de l'association\u{a0}:\n\n");
        for l in explained {
            md.push_str(&format!(
                "- **{}**\u{a0}: {}\n",
                cell(l.label),
                cell(l.explanation.as_deref().unwrap_or_default())
            ));
        }
        md.push('\n');
    }
}

/// `recorded`: whether the review file records payments (none recorded is
/// said so, never « 0 € versé »: nothing is inferred).
fn contribution_part(md: &mut String, prog: &Programme, c: &Closing, y: i32, recorded: bool) {
    let le = funder_le(prog);
    let amount = french::euros(c.amount);
    md.push_str(&format!("### Contribution {y} et solde\n\n"));
    match (c.due, c.rule, &c.sieg) {
        (None, _, _) => md.push_str(&format!(
            "Contribution maximale pour {y}\u{a0}: {amount}. La contribution due sera établie au vu du compte rendu financier.\n\n"
        )),
        (Some(due), Rule::Sieg, Some(s)) => {
            md.push_str(&format!(
                "Compensation de service public (décision 2012/21/UE, art. 5 et 6)\u{a0}: charges réelles {} − produits hors compensation {} + bénéfice raisonnable {} = coût net augmenté du bénéfice raisonnable {}\u{202f}; compensation {amount}.\n\n",
                french::euros(s.costs),
                french::euros(s.revenues),
                french::euros(s.profit),
                french::euros(s.ceiling),
            ));
            if s.over == 0 {
                md.push_str("Aucune surcompensation.\n\n");
            } else if s.carried {
                md.push_str(&format!(
                    "**Surcompensation de {}**, au plus 10\u{a0}% de la compensation annuelle moyenne\u{a0}: reportée sur la période suivante et déduite de la compensation due au titre de celle-ci (décision 2012/21/UE, art. 6, § 2).\n\n",
                    french::euros(s.over)
                ));
            } else {
                md.push_str(&format!(
                    "**Surcompensation de {}**, au-delà de 10\u{a0}% de la compensation annuelle moyenne\u{a0}: elle est remboursée\u{202f}; compensation due\u{a0}: {}.\n\n",
                    french::euros(s.over),
                    french::euros(due)
                ));
            }
            if let Some(p) = &c.period {
                period_text(md, p);
            }
        }
        (Some(due), _, _) => {
            let (forecast, actual) = (c.charges.0, c.charges.1.unwrap_or(0));
            md.push_str(&format!(
                "Contribution justifiée, à due proportion des charges réalisées\u{a0}: {amount} × {} ÷ {} = **{}**{}\u{202f}; part non consommée\u{a0}: {}.\n\n",
                french::euros(actual),
                french::euros(forecast),
                french::euros(due),
                if actual > forecast { " (plafonnée au montant de la convention)" } else { "" },
                french::euros(c.amount - due),
            ));
        }
    }
    if recorded {
        md.push_str(&format!(
            "Versé pour {y}\u{a0}: {}.\n\n",
            french::euros(c.paid)
        ));
    } else {
        let assumed = if c.unsigned {
            ""
        } else {
            "\u{202f}; le solde qui suit le suppose nul"
        };
        md.push_str(&format!(
            "Versé pour {y}\u{a0}: aucun versement enregistré dans le bilan{assumed}.\n\n"
        ));
    }
    if c.unsigned {
        unsigned_text(md, c);
        return;
    }
    let au = funder_au(prog);
    balance_text(md, c, &le, &au);
    if c.beyond > 0 {
        let beyond = french::euros(c.beyond);
        match c.rule {
            Rule::KeepReasonable => md.push_str(&format!(
                "**Part non consommée déjà versée\u{a0}: {beyond}** (versé {} − dû {}). L'association peut la conserver comme excédent raisonnable\u{a0}: {KEEP_CONDITIONS} À défaut, elle la reverse. Il appartient {} d'en décider.\n\n",
                french::euros(c.paid),
                french::euros(c.due.unwrap_or(0)),
                cell(&au),
            )),
            _ if c.to_recover() > 0 => md.push_str(&format!(
                "**Somme à reverser\u{a0}: {beyond}** (versé {} − dû {})\u{a0}: voir la lettre de demande de reversement.\n\n",
                french::euros(c.paid),
                french::euros(c.due.unwrap_or(0)),
            )),
            _ => {}
        }
    }
}

/// The balance still to pay, its date, and under `keep-reasonable` the
/// balance if the funder leaves the part not consumed to the association.
fn balance_text(md: &mut String, c: &Closing, le: &str, au: &str) {
    if let Some(b) = c.balance {
        match (b, c.balance_due_by) {
            (0, _) => md.push_str("Solde à verser\u{a0}: aucun.\n\n"),
            (b, Some(by)) => md.push_str(&format!(
                "**Solde à verser\u{a0}: {}**, au plus tard le {} si les autres documents que demande la convention ont été reçus avec le compte rendu financier\u{a0}: le délai de soixante jours court de la réception des documents complets.\n\n",
                french::euros(b),
                date_text(by)
            )),
            (b, None) => md.push_str(&format!("**Solde à verser\u{a0}: {}**.\n\n", french::euros(b))),
        }
        if let Some(full) = kept_balance(c) {
            md.push_str(&format!(
                "Ce solde tient compte de la réduction à due proportion, que la convention permet sans l'imposer. **Il est de {}** si {} laisse à l'association la part non consommée ({}) comme excédent raisonnable\u{a0}: {KEEP_CONDITIONS} Il appartient {} d'en décider.\n\n",
                french::euros(full),
                cell(le),
                french::euros(c.amount - c.due.unwrap_or(c.amount)),
                cell(au),
            ));
        }
    } else {
        md.push_str(&format!(
            "Reste à verser au plus\u{a0}: {}, après réception et examen du compte rendu financier.\n\n",
            french::euros((c.amount - c.paid).max(0))
        ));
    }
}

/// The conditions under which the clause `excedent-raisonnable` lets the
/// association keep the part not consumed.
const KEEP_CONDITIONS: &str = "la convention le permet si le projet a été réalisé et ses objectifs atteints pour l'essentiel, si l'excédent résulte d'une gestion maîtrisée qui n'a pas nui au projet et s'il demeure raisonnable au regard du coût total du projet.";

/// Under `keep-reasonable`, the balance still to pay when the funder leaves
/// the part not consumed to the association (the year's amount less what was
/// paid), when it differs from the reduced balance.
fn kept_balance(c: &Closing) -> Option<i64> {
    let full = (c.amount - c.paid).max(0);
    (c.rule == Rule::KeepReasonable && !c.unsigned && c.balance.is_some_and(|b| b < full))
        .then_some(full)
}

/// The to-do list's action for a balance: the full balance beside it under
/// `keep-reasonable`, and its date passed at the date of the review (`--on`).
fn balance_action(c: &Closing) -> String {
    let mut action = "solde à verser".to_string();
    if let Some(full) = kept_balance(c) {
        action.push_str(&format!(
            " ({} si la part non consommée est laissée à l'association\u{a0}: à décider)",
            french::euros(full)
        ));
    }
    if let (Some(on), Some(by)) = (c.on, c.balance_due_by)
        && on > by
    {
        action.push_str(", échéance dépassée à la date de l'examen si le dossier était complet");
    }
    action
}

/// An unsigned convention: nothing of it is in force, so the figures above
/// found neither a balance nor a reversement (loi n° 2000-321, art. 10: the
/// convention precedes the payment above 23 000 €; below, the act the funder
/// chose to sign all the same).
fn unsigned_text(md: &mut String, c: &Closing) {
    md.push_str("**La convention n'est pas signée**\u{a0}: aucune de ses clauses n'est en vigueur, et les montants ci-dessus, calculés sur le projet de convention, sont indicatifs\u{a0}: ni le versement d'un solde ni une demande de reversement ne peuvent être fondés sur elle avant sa signature.");
    if c.paid > 0 {
        md.push_str(&format!(
            " Des versements sont pourtant enregistrés ({})\u{a0}: à vérifier.",
            french::euros(c.paid)
        ));
    }
    md.push_str("\n\n");
}

/// The SIEG check over the whole period (décision 2012/21/UE, art. 6 § 1).
fn period_text(md: &mut String, p: &super::closing::PeriodCheck) {
    md.push_str(&format!(
        "Sur la période de {} à {} (décision 2012/21/UE, art. 6, § 1)\u{a0}: compensations {}, coût net augmenté du bénéfice raisonnable {}\u{202f}; ",
        p.first,
        p.last,
        french::euros(p.compensation),
        french::euros(p.ceiling),
    ));
    if p.over == 0 {
        md.push_str("aucune surcompensation sur la période.\n\n");
    } else {
        md.push_str(&format!(
            "**surcompensation sur la période de {}**, à rembourser.\n\n",
            french::euros(p.over)
        ));
    }
}

/// The clause of the convention that asks for the repayment: its article and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited {
    pub article: Option<String>,
    pub text: String,
}

/// The article number and text of clause `clause` in a rendered convention.
pub fn cited_clause(markdown: &str, clause: &str) -> Option<Cited> {
    let mut article = None;
    let mut text = String::new();
    let mut inside = false;
    let mark = format!("<!-- clause:{clause} ");
    for line in markdown.lines() {
        if inside {
            if line.starts_with("<!--") || line.starts_with('#') {
                break;
            }
            text.push_str(line);
            text.push('\n');
        } else if let Some(rest) = line.strip_prefix("<!-- part:") {
            article = rest
                .split(' ')
                .find_map(|w| w.strip_prefix("number="))
                .filter(|_| rest.contains("kind=article"))
                .map(|n| n.trim_end_matches("-->").trim().to_string());
        } else if line.starts_with(&mark) {
            inside = true;
        }
    }
    inside.then(|| Cited {
        article,
        text: text.trim().to_string(),
    })
}

/// The clause of the library that words the reversement letter.
pub const LETTER_CLAUSE: &str = "reversement-lettre";

/// The letter asking for the repayment (Markdown), when there is something to
/// recover: the clause `reversement-lettre` of the library (overridable by the
/// programme's own) rendered over the closing's figures, under the title of
/// the template `reversement`.
pub fn letter_markdown(
    engine: &crate::render::Engine,
    prog: &Programme,
    a: &Assessment,
) -> Option<Result<String, Diagnostic>> {
    let c = a.closing.as_ref()?;
    let sum = c.to_recover();
    if sum <= 0 {
        return None;
    }
    let ctx = serde_json::json!({ "lettre": letter_context(prog, a, c, sum) });
    let title = prog
        .library
        .templates
        .get("reversement")
        .map_or("Demande de reversement", |t| t.file.title.as_str());
    Some(
        engine
            .render_letter_clause(LETTER_CLAUSE, &ctx)
            .map(|body| format!("# {title} – contribution {}\n\n{body}\n", a.year)),
    )
}

/// The lines whose gap is above the threshold and not explained, as the
/// letter lists them (« Ventes … (−16,1 %) »); `None` when there is none.
fn unexplained_gaps(c: &Closing) -> Option<String> {
    let gaps: Vec<String> = c
        .lines
        .iter()
        .filter(|l| l.flagged)
        .map(|l| {
            // A forecast of zero has no percentage: the gap in euros.
            let gap = match (l.gap_percent, l.gap) {
                (None, Some(g)) => signed_euros(g),
                _ => pct(l.gap_percent),
            };
            format!("{} ({gap})", french::lower_initial(l.label))
        })
        .collect();
    (!gaps.is_empty()).then(|| gaps.join("\u{202f}; "))
}

/// `text` as a Markdown quotation (`> ` lines).
fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the letter quotes, in the convention's order: the clause that reduces
/// the contribution « à due proportion », then the one that asks for the
/// repayment; one quotation per article (`article`, `texte`).
fn citations(c: &Closing) -> Vec<serde_json::Value> {
    let mut out: Vec<(Option<String>, String)> = Vec::new();
    for q in [&c.proportion, &c.cited].into_iter().flatten() {
        match out.last_mut() {
            Some((article, text)) if *article == q.article && article.is_some() => {
                text.push_str("\n\n");
                text.push_str(&q.text);
            }
            _ => out.push((q.article.clone(), q.text.clone())),
        }
    }
    out.into_iter()
        .map(|(article, text)| serde_json::json!({ "article": article, "texte": quoted(&text) }))
        .collect()
}

/// The figures of the letter, formatted: amounts and dates are Markdown-safe
/// (`| safe` in the clause), names are data (escaped by the engine).
fn letter_context(prog: &Programme, a: &Assessment, c: &Closing, sum: i64) -> serde_json::Value {
    let f = &prog.file.funder;
    let le = funder_le(prog);
    let due = c.due.unwrap_or(0);
    let debtor = prog
        .associations
        .iter()
        .find(|e| e.id == a.id)
        .and_then(|e| e.data.as_deref())
        .map(|d| &d.association);
    let quote = c.cited.as_ref().map(|q| quoted(&q.text));
    serde_json::json!({
        "annee": a.year,
        "financeur": {
            "nom": f.name,
            "rue": f.address.street,
            "code_postal": f.address.postcode,
            "ville": f.address.city,
        },
        "association": a.name,
        "reference": a.reference,
        "recu_le": match c.receipt {
            Receipt::OnTime(r) | Receipt::Late(r) => Some(date_text(r)),
            Receipt::Missing(_) => None,
        },
        "le_majuscule": french::capitalise(&le),
        "le": le,
        "due": french::euros(due),
        "due_en_lettres": french::euros_in_letters(due),
        "montant": french::euros(c.amount),
        "verse": french::euros(c.paid),
        "sieg": matches!((c.rule, &c.sieg), (Rule::Sieg, Some(_))),
        "surcompensation": c.sieg.map(|s| french::euros(s.over)),
        "plafond": c.sieg.map(|s| french::euros(s.ceiling)),
        "charges_realisees": french::euros(c.charges.1.unwrap_or(0)),
        // The contribution reduced for charges below the forecast; else what
        // was paid exceeds the contribution itself.
        "reduite": c.charges.1.is_some_and(|a| a < c.charges.0),
        "charges_prevues": french::euros(c.charges.0),
        "somme": french::euros(sum),
        "somme_en_lettres": french::euros_in_letters(sum),
        "clause": quote,
        "article": c.cited.as_ref().and_then(|q| q.article.clone()),
        "article_proportion": c.proportion.as_ref().and_then(|q| q.article.clone()),
        "article_observations": c.observations,
        // The gaps the association has not explained: its observations may.
        "ecarts": unexplained_gaps(c),
        "seuil": french::percent(prog.file.review.gap_percent),
        "madame": debtor.map(|d| french::salutation(&d.representative.civility)),
        "citations": citations(c),
        // The débiteur as the titre de recettes names it, from the
        // association's file; the letter's date is the date of the review
        // (`--on`), never the clock: without it, no date.
        "adresse": debtor.map(|d| format!(
            "{}, {} {}",
            d.address.street, d.address.postcode, d.address.city
        )),
        "siret": debtor.map(|d| french::siret(&d.siret)),
        "date": c.on.map(date_text),
        "signataire": crate::context::funder_signatory(&prog.file),
    })
}

/// The finance service's to-do list, in the synthesis: balances to pay,
/// sums to recover, comptes rendus missing or late.
pub fn todo_markdown(md: &mut String, rows: &[Assessment]) {
    let todo = todo_rows(rows);
    if todo.is_empty() {
        return;
    }
    md.push_str("\n## À faire pour le service financier\n\n| Association | Action | Montant | Échéance |\n|---|---|---:|---|\n");
    for (a, action, amount, by) in &todo {
        md.push_str(&format!(
            "| **{}** | {action} | {} | {} |\n",
            cell(&a.id),
            amount.map(french::euros).unwrap_or_else(|| "—".into()),
            by.map(date_text).unwrap_or_else(|| "—".into()),
        ));
    }
}

type Todo<'a> = (
    &'a Assessment,
    std::borrow::Cow<'static, str>,
    Option<i64>,
    Option<(i32, u8, u8)>,
);

fn todo_rows(rows: &[Assessment]) -> Vec<Todo<'_>> {
    let mut out = Vec::new();
    for a in rows {
        let Some(c) = &a.closing else { continue };
        if c.unsigned {
            out.push((
                a,
                "convention non signée\u{a0}: rien à payer ni à recouvrer avant sa signature"
                    .into(),
                None,
                None,
            ));
        } else if let Some(b) = c.balance.filter(|b| *b > 0 || kept_balance(c).is_some()) {
            out.push((a, balance_action(c).into(), Some(b), c.balance_due_by));
        }
        if c.to_recover() > 0 {
            out.push((
                a,
                "somme à reverser (titre de recettes)".into(),
                Some(c.to_recover()),
                None,
            ));
        }
        if c.rule == Rule::KeepReasonable && c.beyond > 0 && !c.unsigned {
            out.push((
                a,
                "excédent à apprécier (conservé ou reversé)".into(),
                Some(c.beyond),
                None,
            ));
        }
        if let Some((project, _)) = project_over_association(a) {
            out.push((
                a,
                "compte rendu financier à vérifier\u{a0}: charges du projet au-delà de celles de l'association".into(),
                Some(project),
                None,
            ));
        }
        match c.receipt {
            // Under an unsigned convention no compte rendu is due yet.
            _ if c.unsigned => {}
            Receipt::Late(_) => out.push((
                a,
                "compte rendu financier reçu en retard".into(),
                None,
                Some(c.deadline),
            )),
            Receipt::Missing(Some(true)) => out.push((
                a,
                "compte rendu financier non reçu, en retard".into(),
                None,
                Some(c.deadline),
            )),
            Receipt::Missing(_) => out.push((
                a,
                "compte rendu financier non reçu".into(),
                None,
                Some(c.deadline),
            )),
            Receipt::OnTime(_) => {}
        }
    }
    out
}

/// The to-do list as CSV (`a-faire.csv`: `;`-separated, decimal comma).
pub fn todo_csv(rows: &[Assessment]) -> String {
    let mut out = String::from("id;association;action;montant;echeance\n");
    for (a, action, amount, by) in todo_rows(rows) {
        out.push_str(&format!(
            "{};{};{};{};{}\n",
            csv_field(&a.id),
            csv_field(&a.name),
            csv_field(&action),
            amount.map(csv_amount).unwrap_or_default(),
            by.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
                .unwrap_or_default(),
        ));
    }
    out
}
