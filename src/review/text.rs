//! The review's documents: each report and the synthesis, in Markdown and CSV.

#[allow(unused_imports)]
use super::*;

/// Escapes data for one table cell or one line (line breaks become spaces).
pub(super) fn cell(s: &str) -> String {
    escape_markdown(&s.replace(['\r', '\n'], " "))
}

pub(super) fn number(v: f64, unit: &str) -> String {
    // The minus sign, not a hyphen (« −8 personnes »).
    let n = french::decimal(v, 2).replacen('-', "\u{2212}", 1);
    if unit.is_empty() {
        n
    } else if unit == "%" {
        format!("{n}\u{a0}%")
    } else {
        format!("{n}\u{a0}{}", cell(unit))
    }
}

/// A gap with its sign; between two percentages, in points (« −4 points »).
pub(super) fn signed(v: f64, unit: &str) -> String {
    let n = if unit == "%" {
        // The number shown is rounded to the hundredth: its plural too.
        let points = if (v.abs() * 100.0).round() < 200.0 {
            "point"
        } else {
            "points"
        };
        number(v, points)
    } else {
        number(v, unit)
    };
    if v > 0.0 { format!("+{n}") } else { n }
}

pub(super) fn target_text(t: &Option<Target>, unit: &str) -> String {
    match t {
        Some(Target::Number(n)) => number(*n, unit),
        Some(Target::Text(s)) => cell(s),
        None => "—".to_string(),
    }
}

pub(super) const NR: &str = "*non renseigné*";

pub(super) fn period(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

pub(super) fn money_line(v: Option<f64>) -> String {
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
    super::closing_text::closing_part(&mut md, prog, a);
    md.push_str("<!-- part:recit kind=block -->\n\n## Récit de l'association\n\n");
    match &a.narrative {
        Some(n) => {
            md.push_str(&escape_markdown(n));
            md.push('\n');
        }
        None => md.push_str("*Non renseigné.*\n"),
    }
    // French spacing before « : ; ! ? » in every line, labels and data alike.
    french::punctuation(&md)
}

/// The part « identification »: the parties, the convention, the year's
/// subsidy and the text in force, whether a review was received.
pub(super) fn identification(md: &mut String, prog: &Programme, a: &Assessment) {
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
        let owed = if a.basis == Some(in_force::Basis::Unsigned) {
            " La convention n'étant pas signée, aucun bilan n'est encore dû."
        } else {
            ""
        };
        // The document's date, as its PDF states it (never before a compte
        // rendu it judges).
        let date = report_date(a);
        let when = match &a.closing {
            _ if date == (y, 12, 31) => "fin de l'année examinée",
            Some(c) if c.on == Some(date) => "date de l'examen",
            Some(_) => "date de réception du compte rendu financier",
            None => "date de l'examen",
        };
        md.push_str(&format!(
            "Aucun bilan n'a été reçu pour {y} : tous les indicateurs sont non renseignés.{owed} Faute de bilan daté, le présent document est daté du {}, {when}.\n\n",
            date_text(date)
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
pub(super) fn qualitative_table(md: &mut String, a: &Assessment) {
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
pub(super) fn trajectories(md: &mut String, a: &Assessment, quant: &[&Line]) {
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
pub(super) fn finances_part(md: &mut String, prog: &Programme, a: &Assessment) {
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
pub(super) fn quantitative_table(md: &mut String, y: i32, quant: &[&Line]) {
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
pub(super) fn rate_cell(r: Option<Result<f64, NoRate>>) -> String {
    match r {
        Some(Ok(r)) => french::percent(percent_tenths_down(r)),
        Some(Err(why)) => format!("non calculable ({})", why.reason()),
        None => "—".to_string(),
    }
}

/// « 37,5 % », « -140 % (recul) », « — » (not computed).
pub(super) fn progression_cell(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.0 => format!(
            "{} (recul)",
            french::percent(percent_tenths_down(p)).replacen('-', "\u{2212}", 1)
        ),
        Some(p) => french::percent(percent_tenths_down(p)),
        None => "—".to_string(),
    }
}

/// The note under the table: what the columns mean, how the status follows.
pub(super) fn rate_note(c: &ReviewConfig) -> String {
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
pub(super) fn payments_table(md: &mut String, a: &Assessment) {
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
pub(super) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n < 2 { one } else { many })
}

/// « 15 mars 2026 ».
pub(super) fn date_text((y, m, d): (i32, u8, u8)) -> String {
    french::date_fr(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or_default()
}

pub(super) fn status_cell(s: Status) -> String {
    match s {
        Status::NonRenseigne => NR.to_string(),
        Status::NonAtteint => "**non atteint**".to_string(),
        other => other.label().to_string(),
    }
}

pub(super) fn csv_field(s: &str) -> String {
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
pub(super) fn csv_amount(c: i64) -> String {
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
    let signed: i64 = rows
        .iter()
        .filter(|a| a.basis != Some(in_force::Basis::Unsigned))
        .filter_map(|a| a.funding)
        .sum();
    let signed_text = if signed == total {
        String::new()
    } else {
        format!(
            " (dont {} au titre des conventions signées)",
            french::euros(signed)
        )
    };
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
        "**Programme :** {}  \n**Financeur :** {}\n\n{} couvrant {year} ; {} ; {} en alerte ; subventions attribuées pour {year} : {}{signed_text}{paid_text}.\n\n",
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
    super::closing_text::todo_markdown(&mut md, rows);
    french::punctuation(&md)
}

/// The date of a report: the date of the review (`--on`) when given; else
/// the review file's date, or the compte rendu's receipt when later: a report
/// is never dated before what it judges.
pub(super) fn report_date(a: &Assessment) -> (i32, u8, u8) {
    use closing::Receipt;
    let Some(c) = &a.closing else {
        return a.date;
    };
    match (c.on, c.receipt) {
        (Some(on), _) => on,
        (None, Receipt::OnTime(r) | Receipt::Late(r)) => a.date.max(r),
        (None, Receipt::Missing(_)) => a.date,
    }
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
        date: report_date(a),
        charts,
    }
}

/// How the act names the funder after « à »: « à la Région », « au Département ».
pub(super) fn funder_au(prog: &Programme) -> String {
    crate::context::funder_designation(&prog.file)["au"]
        .as_str()
        .map_or_else(|| format!("à {}", prog.file.funder.name), str::to_string)
}

/// How the act names the funder after a preposition: « la Région », « le Département ».
pub(super) fn funder_le(prog: &Programme) -> String {
    crate::context::funder_designation(&prog.file)["le"]
        .as_str()
        .unwrap_or(&prog.file.funder.name)
        .to_string()
}
