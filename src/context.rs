//! The Tera context of one convention: the raw data of `charta.toml` and of the
//! association file, plus the values every clause needs derived once (the
//! funder's French designation, totals, shares, the dashboard grouped by
//! priority). See `docs/design.md` for the list clause writers rely on.

use serde_json::{Map, Value, json};

pub mod signatories;

use crate::french::capitalise;
use crate::model::{
    AssociationFile, ConventionKind, FunderKind, PerYear, ProgrammeFile, SiegBasis, Target, Unspent,
};

/// How the act names the funder, with its agreeing articles.
pub fn funder_designation(prog: &ProgrammeFile) -> Value {
    let f = &prog.funder;
    let (designation, default_fem) = match (&f.designation, f.kind) {
        (Some(d), _) => (d.trim().to_string(), f.feminine.unwrap_or(true)),
        (None, FunderKind::Region) => ("la Région".to_string(), true),
        (None, FunderKind::Departement) => ("le Département".to_string(), false),
        (None, FunderKind::Commune) => ("la Commune".to_string(), true),
        (None, FunderKind::Epci) => ("la Communauté d'agglomération".to_string(), true),
        (None, FunderKind::Etat) => ("l'État".to_string(), false),
    };
    let (article, nom) = split_article(&designation);
    let feminine = match article {
        "la" => true,
        "le" => false,
        _ => f.feminine.unwrap_or(default_fem),
    };
    let (le, du, au, ce) = match article {
        "la" => (
            format!("la {nom}"),
            format!("de la {nom}"),
            format!("à la {nom}"),
            format!("cette {nom}"),
        ),
        "le" => (
            format!("le {nom}"),
            format!("du {nom}"),
            format!("au {nom}"),
            format!("ce {nom}"),
        ),
        // A plural designation (« les Communes associées »): « des », « aux ».
        "les" => (
            format!("les {nom}"),
            format!("des {nom}"),
            format!("aux {nom}"),
            format!("ces {nom}"),
        ),
        "l'" => (
            format!("l'{nom}"),
            format!("de l'{nom}"),
            format!("à l'{nom}"),
            format!("{} {nom}", if feminine { "cette" } else { "cet" }),
        ),
        _ => (
            nom.to_string(),
            format!("de {nom}"),
            format!("à {nom}"),
            nom.to_string(),
        ),
    };
    json!({
        "nom": nom,
        "le": le,
        "Le": capitalise(&le),
        "du": du,
        "Du": capitalise(&du),
        "au": au,
        "ce": ce,
        "feminine": feminine,
        "kind": f.kind,
    })
}

fn split_article(designation: &str) -> (&'static str, &str) {
    if let Some(r) = designation
        .strip_prefix("les ")
        .or_else(|| designation.strip_prefix("Les "))
    {
        ("les", r)
    } else if let Some(r) = designation
        .strip_prefix("la ")
        .or_else(|| designation.strip_prefix("La "))
    {
        ("la", r)
    } else if let Some(r) = designation
        .strip_prefix("le ")
        .or_else(|| designation.strip_prefix("Le "))
    {
        ("le", r)
    } else if let Some(r) = ["l'", "L'", "l’", "L’"]
        .iter()
        .find_map(|p| designation.strip_prefix(p))
    {
        ("l'", r)
    } else {
        ("", designation)
    }
}

fn is_feminine_civility(civility: &str) -> bool {
    let c = civility.trim().trim_end_matches('.').to_lowercase();
    matches!(c.as_str(), "mme" | "madame" | "mlle" | "mademoiselle")
}

fn with_article(civility: &str, role: &str) -> String {
    let art = if is_feminine_civility(civility) {
        "la"
    } else {
        "le"
    };
    format!("{art} {}", role.trim())
}

/// « tribunal administratif de Nancy » in running text, however the data
/// capitalises its first words (Lexique des règles typographiques).
fn court_in_text(name: &str) -> String {
    let name = name.trim();
    let head = "tribunal administratif";
    match name.get(..head.len()) {
        Some(h) if h.eq_ignore_ascii_case(head) => format!("{head}{}", &name[head.len()..]),
        _ => name.to_string(),
    }
}

/// `name` without a leading designation (« Communauté d'agglomération du Val
/// de Moselle » → « Val de Moselle »), for matching the role against it.
fn strip_designation<'a>(name: &'a str, nom: &str) -> &'a str {
    let n = name.trim();
    if nom.is_empty() || !n.to_lowercase().starts_with(&nom.to_lowercase()) {
        return "";
    }
    let rest = n[nom.len()..].trim_start();
    ["de la ", "de l'", "de l’", "du ", "des ", "de ", "d'", "d’"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest)
        .trim()
}

/// The role cut before a complement that names the funder again
/// (« Présidente de la Communauté d'agglomération du Val de Moselle » →
/// « Présidente »); a role whose complement names something else, such as
/// its assembly (« Président du Conseil régional »), is kept whole. Names
/// are matched as whole words, ignoring case.
pub fn role_without_funder(role: &str, names: &[&str]) -> String {
    let role = role.trim();
    let lower = role.to_lowercase();
    if lower.len() != role.len() {
        // Offsets in the lower-case text would not be offsets in the role.
        return role.to_string();
    }
    let is_word_char = |c: char| c.is_alphanumeric() || c == '-';
    let mut cut: Option<usize> = None;
    for name in names.iter().map(|n| n.trim().to_lowercase()) {
        if name.chars().count() < 3 {
            continue;
        }
        for (i, _) in lower.match_indices(&name) {
            let before_ok = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let after_ok = lower[i + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c));
            if before_ok && after_ok {
                cut = Some(cut.map_or(i, |c| c.min(i)));
            }
        }
    }
    let Some(at) = cut else {
        return role.to_string();
    };
    // Back to the preposition that opens the complement.
    let head = &role[..at];
    let trimmed = [
        " de la ", " de l'", " de l’", " du ", " des ", " de ", " d'", " d’",
    ]
    .iter()
    .filter_map(|p| head.to_lowercase().rfind(p).map(|j| (j, p.len())))
    .filter(|(j, len)| j + len == head.len() || head[j + len..].trim().is_empty())
    .map(|(j, _)| j)
    .max();
    match trimmed {
        Some(j) if !role[..j].trim().is_empty() => role[..j].trim().to_string(),
        _ => role.to_string(),
    }
}

/// « 2026 », « 2026 et 2028 », « 2026, 2027 et 2029 ».
fn french_list(items: &[i32]) -> String {
    let words: Vec<String> = items.iter().map(i32::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
    }
}

fn amount_to_json(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        json!(cents as f64 / 100.0)
    }
}

fn share(funding: i64, eligible: i64) -> Value {
    if eligible == 0 {
        Value::Null
    } else {
        json!(((funding as f64) * 10000.0 / eligible as f64).round() / 100.0)
    }
}

fn target_json(t: Option<&Target>) -> Value {
    match t {
        Some(Target::Number(n)) => json!(n),
        Some(Target::Text(s)) => json!(s),
        None => Value::Null,
    }
}

/// The number of decimals of every percentage of the programme's conventions
/// (`[programme] percent_decimals`, 2 when absent, at most 2).
pub fn programme_percent_decimals(prog: &ProgrammeFile) -> usize {
    usize::from(prog.programme.percent_decimals.unwrap_or(2).min(2))
}

/// The whole context of one convention.
pub fn build(
    prog: &ProgrammeFile,
    id: &str,
    data: &AssociationFile,
    clauses_in_use: &[String],
) -> Value {
    let mut ctx = Map::new();
    ctx.insert("id".into(), json!(id));
    ctx.insert("programme".into(), json!(prog.programme));
    ctx.insert("funder".into(), json!(prog.funder));
    ctx.insert("priorities".into(), json!(prog.priorities));
    ctx.insert("association".into(), json!(data.association));
    ctx.insert("convention".into(), json!(data.convention));
    ctx.insert("project".into(), json!(data.project));
    ctx.insert("dashboard".into(), json!(data.dashboard));
    parties(&mut ctx, prog, data);
    let c = &data.convention;
    let years = &c.years;
    period(&mut ctx, years);
    let (total_funding, max_funding) = budget(&mut ctx, prog, data);
    aid_in_kind(&mut ctx, prog, data, total_funding);
    public_subsidies(&mut ctx, data, max_funding);
    terms(&mut ctx, prog, data);
    ctx.insert("sieg_budget".into(), sieg_budget(data));
    ctx.insert("budget_detail".into(), budget_detail(data));
    // Who wrote the charter commitments: set by the renderer once the clauses are chosen.
    ctx.insert("charter_wording".into(), json!("builtin"));
    ctx.insert(
        "long_cpo".into(),
        json!(c.kind == ConventionKind::Cpo && years.len() > 4),
    );
    ctx.insert("dashboard_groups".into(), dashboard_groups(prog, data));
    ctx.insert("clauses_in_use".into(), json!(clauses_in_use));
    ctx.insert("exemplaires".into(), json!(2));
    Value::Object(ctx)
}

/// A per-year amount of `year`, in cents (0 when absent).
fn cents_in(m: Option<&PerYear<crate::model::Amount>>, year: i32) -> i64 {
    m.and_then(|m| m.get(&year.to_string()))
        .map(|a| a.cents())
        .unwrap_or(0)
}

/// Whether the convention funds anything (a framework convention does not).
fn funded(data: &AssociationFile) -> bool {
    data.convention.kind != ConventionKind::Cadre
}

/// The funder's representative as the acts name and sign (`funder_rep`;
/// the reversement letter's `signataire`).
pub fn funder_signatory(prog: &ProgrammeFile) -> Value {
    let rep = &prog.funder.representative;
    json!({
        "le": with_article(&rep.civility, &rep.role),
        // The signature block already says « Pour la Communauté
        // d'agglomération »: the role without the funder's name again.
        "signature_le": with_article(&rep.civility, &signing_role(prog)),
        "civility": rep.civility,
        "name": rep.name,
        "role": rep.role,
        "feminine": is_feminine_civility(&rep.civility),
    })
}

/// The funder's representative's role without the funder's name.
fn signing_role(prog: &ProgrammeFile) -> String {
    let designation = funder_designation(prog);
    let nom = designation["nom"].as_str().unwrap_or("");
    role_without_funder(
        &prog.funder.representative.role,
        &[
            nom,
            &prog.funder.name,
            strip_designation(&prog.funder.name, nom),
        ],
    )
}

/// The parties as the act names them: `f` (the funder's designation),
/// `funder_rep` and `asso`.
fn parties(ctx: &mut Map<String, Value>, prog: &ProgrammeFile, data: &AssociationFile) {
    ctx.insert("f".into(), funder_designation(prog));
    ctx.insert("funder_rep".into(), funder_signatory(prog));
    let a = &data.association;
    let legal = a.legal_form.to_lowercase();
    ctx.insert(
        "asso".into(),
        json!({
            "nom": match &a.acronym {
                Some(ac) if !ac.trim().is_empty() => format!("{} ({})", a.name, ac),
                _ => a.name.clone(),
            },
            "droit_local": crate::model::says_local_law(&legal),
            "rep_le": with_article(&a.representative.civility, &a.representative.role),
            "rep_feminine": is_feminine_civility(&a.representative.civility),
        }),
    );
    let designation = funder_designation(prog);
    let funder_le = designation["le"].as_str().unwrap_or("");
    signatories::insert(ctx, prog, data, &signing_role(prog), funder_le);
}

/// The years of the convention and its first and last days.
fn period(ctx: &mut Map<String, Value>, years: &[i32]) {
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(0);
    ctx.insert("years".into(), json!(years));
    ctx.insert("years_count".into(), json!(years.len()));
    ctx.insert("first_year".into(), json!(first));
    ctx.insert("last_year".into(), json!(last));
    ctx.insert("multi_year".into(), json!(years.len() > 1));
    ctx.insert("start_date".into(), json!(format!("{first:04}-01-01")));
    ctx.insert("end_date".into(), json!(format!("{last:04}-12-31")));
}

/// The funding and eligible cost by year, their totals and shares; returns
/// the total funding and the largest year's, in cents.
fn budget(
    ctx: &mut Map<String, Value>,
    prog: &ProgrammeFile,
    data: &AssociationFile,
) -> (i64, i64) {
    let c = &data.convention;
    let mut budget = Vec::new();
    let (mut tot_f, mut tot_e, mut max_f) = (0i64, 0i64, 0i64);
    for &y in &c.years {
        let (fu, el) = (
            cents_in(c.funding.as_ref(), y),
            cents_in(c.eligible_cost.as_ref(), y),
        );
        tot_f += fu;
        tot_e += el;
        max_f = max_f.max(fu);
        budget.push(json!({
            "year": y,
            "funding": amount_to_json(fu),
            "eligible_cost": amount_to_json(el),
            "share": share(fu, el),
        }));
    }
    ctx.insert("budget".into(), Value::Array(budget));
    ctx.insert(
        "budget_total".into(),
        json!({ "funding": amount_to_json(tot_f), "eligible_cost": amount_to_json(tot_e), "share": share(tot_f, tot_e) }),
    );
    // One number of decimals for every percentage of every convention of the
    // programme (« 30,00 % » beside « 31,25 % »), whatever this one's shares need.
    ctx.insert(
        "percent_decimals".into(),
        json!(programme_percent_decimals(prog)),
    );
    ctx.insert("max_funding_year".into(), amount_to_json(max_f));
    (tot_f, max_f)
}

/// Aid in kind: a subsidy too (loi n° 2000-321, art. 9-1), stated in figures
/// and letters, counted for the 23 000 € threshold and the de minimis ceilings.
fn aid_in_kind(
    ctx: &mut Map<String, Value>,
    prog: &ProgrammeFile,
    data: &AssociationFile,
    total_funding: i64,
) {
    let c = &data.convention;
    let years = &c.years;
    let mut in_kind = Vec::new();
    let mut kind_by_year = vec![0i64; years.len()];
    for k in c.in_kind.iter().filter(|_| funded(data)) {
        let values: Vec<Value> = years
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let v = cents_in(Some(&k.values), y);
                kind_by_year[i] += v;
                json!({ "year": y, "value": amount_to_json(v) })
            })
            .collect();
        let total: i64 = years.iter().map(|&y| cents_in(Some(&k.values), y)).sum();
        in_kind.push(json!({
            "description": k.description,
            "values": values,
            "total": amount_to_json(total),
        }));
    }
    let kind_total: i64 = kind_by_year.iter().sum();
    ctx.insert("in_kind".into(), Value::Array(in_kind));
    ctx.insert("in_kind_total".into(), amount_to_json(kind_total));
    let max_aid = years
        .iter()
        .enumerate()
        .map(|(i, &y)| cents_in(c.funding.as_ref(), y) + kind_by_year[i])
        .max()
        .unwrap_or(0);
    ctx.insert("above_23k".into(), json!(max_aid > 2_300_000));
    ctx.insert(
        "aid_total".into(),
        amount_to_json(total_funding + kind_total),
    );
    ctx.insert("de_minimis".into(), crate::de_minimis::context(prog, data));
}

/// Code de commerce L. 612-4: all public cash subsidies of a year, from every
/// funder, against the 153 000 € threshold of the statutory auditor.
fn public_subsidies(ctx: &mut Map<String, Value>, data: &AssociationFile, max_funding: i64) {
    let c = &data.convention;
    let (years, funded) = (&c.years, funded(data));
    let other = data.association.other_public_subsidies.as_ref();
    let public_cash: Vec<i64> = years
        .iter()
        .map(|&y| cents_in(c.funding.as_ref(), y) + cents_in(other, y))
        .collect();
    let max_public = public_cash.iter().copied().max().unwrap_or(0);
    ctx.insert(
        "above_153k".into(),
        json!(funded && max_public > 15_300_000),
    );
    ctx.insert(
        "above_153k_alone".into(),
        json!(funded && max_funding > 15_300_000),
    );
    // The years whose public cash subsidies are above the threshold: the
    // auditor's report is due for those exercices only.
    let years_above: Vec<i32> = years
        .iter()
        .zip(&public_cash)
        .filter(|(_, cents)| funded && **cents > 15_300_000)
        .map(|(y, _)| *y)
        .collect();
    ctx.insert(
        "years_above_153k_text".into(),
        json!(french_list(&years_above)),
    );
    ctx.insert("years_above_153k".into(), json!(years_above));
    ctx.insert(
        "every_year_above_153k".into(),
        json!(!years_above.is_empty() && years_above.len() == years.len()),
    );
    ctx.insert("other_public_known".into(), json!(other.is_some()));
}

/// The terms the data chooses: the fate of an unspent subsidy (the
/// convention's choice, else the programme's), the court, the funder's
/// nature, the SIEG basis.
fn terms(ctx: &mut Map<String, Value>, prog: &ProgrammeFile, data: &AssociationFile) {
    let c = &data.convention;
    let unspent = c.unspent.or(prog.programme.unspent).map(|u| match u {
        Unspent::KeepReasonable => "keep-reasonable",
        Unspent::Repay => "repay",
    });
    ctx.insert("unspent".into(), json!(unspent));
    ctx.insert(
        "court".into(),
        json!(court_in_text(
            c.court.as_deref().unwrap_or(&prog.funder.court)
        )),
    );
    ctx.insert(
        "collectivite".into(),
        json!(prog.funder.kind != FunderKind::Etat),
    );
    ctx.insert(
        "sieg_basis".into(),
        json!(c.sieg.as_ref().map(|t| match t.basis {
            SiegBasis::Decision201221 => "decision-2012-21",
            SiegBasis::Reglement20232832 => "reglement-2023-2832",
        })),
    );
}

/// The SIEG's costs, revenues and net cost by year (empty without a SIEG).
fn sieg_budget(data: &AssociationFile) -> Value {
    let c = &data.convention;
    let rows: Vec<Value> = match &c.sieg {
        Some(t) if funded(data) => c
            .years
            .iter()
            .map(|&y| {
                let costs = cents_in(Some(&t.costs), y);
                let revenues = cents_in(Some(&t.revenues), y);
                let net = costs - revenues;
                json!({
                    "year": y,
                    "costs": amount_to_json(costs),
                    "revenues": amount_to_json(revenues),
                    "net_cost": amount_to_json(net.max(0)),
                    "funding": amount_to_json(cents_in(c.funding.as_ref(), y)),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    Value::Array(rows)
}

/// The dashboard, grouped by the funder's priorities in their declared order,
/// objectives in the natural order of their ids (O2 before O10).
fn dashboard_groups(prog: &ProgrammeFile, data: &AssociationFile) -> Value {
    let mut groups = Vec::new();
    for p in &prog.priorities {
        let mut objectives: Vec<&crate::model::Objective> = data
            .dashboard
            .objectives
            .iter()
            .filter(|o| o.priority == p.id)
            .collect();
        objectives.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        let objectives: Vec<Value> = objectives
            .into_iter()
            .map(|o| objective_json(o, &data.convention.years))
            .collect();
        if !objectives.is_empty() {
            groups.push(json!({ "priority": p, "objectives": objectives }));
        }
    }
    Value::Array(groups)
}

fn objective_json(o: &crate::model::Objective, years: &[i32]) -> Value {
    let indicators: Vec<Value> = o
        .indicators
        .iter()
        .map(|i| {
            let mut v = json!(i);
            let list: Vec<Value> = years
                .iter()
                .map(|y| target_json(i.targets.get(&y.to_string())))
                .collect();
            v["target_list"] = Value::Array(list);
            v
        })
        .collect();
    json!({ "id": o.id, "priority": o.priority, "title": o.title, "indicators": indicators })
}

/// The names an avenant adds to a convention's context, with the names below
/// them: `avenant` (every avenant clause), `change` (the clause of one
/// modification) and `notification` (the lettre de notification), for
/// `charta check`.
pub fn avenant_names() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "avenant",
            vec![
                "number",
                "decision",
                "signature",
                "summary",
                "earlier",
                "convention_title",
                "changes",
                "draft",
                "signed",
                "signed_named",
                "earlier_named",
                "cited",
                "new_visas",
                "facts",
                "motive_inline",
            ],
        ),
        (
            "change",
            vec!["action", "id", "kind", "number", "title", "label", "after"],
        ),
        // The lettre de notification (crate::avenant::notification).
        (
            "notification",
            vec![
                "act",
                "number",
                "reference",
                "decision",
                "signature",
                "year",
                "amount",
                "advance_percent",
                "advance",
                "balance",
                "dear",
                "later_years",
            ],
        ),
    ]
}

/// The names of the `deliberation` object the clauses of `clauses/deliberation/`
/// see (`charta deliberation`), for the library's check of clause fields.
pub fn deliberation_names() -> Vec<&'static str> {
    vec![
        "number",
        "body",
        "date",
        "rapporteur",
        "imputation",
        "visas",
        "considerants",
        "ae_cp",
        "first_year",
        "last_year",
        "multi_year",
        "conventions",
        "funded",
        "funded_named",
        "conventions_named",
        "avenants_named",
        "associations",
        "session_year",
        "assembly",
        "complements",
        "complements_ae",
        "amended",
        "separate",
        "attribution",
        "current",
        "avenants",
        "cadre",
        "associations_named",
        "acts_named",
        "total",
        "total_letters",
        "conventions_total",
        "conventions_total_letters",
        "avenants_total",
        "avenants_total_letters",
        "avenants_before",
        "avenants_change",
        "in_kind_total",
        "per_year",
        "deport",
        // Issue 30, second reading (points 4, 9, 15).
        "cp_per_year",
        "cp_first_year",
        "cp_last_year",
        "ae_cp_article",
        "in_kind",
        "budget",
        "vote",
        "sieg",
    ]
}

/// The names the reversement letter's clause (`reversement-lettre`) reads, below `lettre`.
pub fn letter_names() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![(
        "lettre",
        vec![
            "annee",
            "financeur",
            "association",
            "reference",
            "recu_le",
            "le",
            "le_majuscule",
            "due",
            "due_en_lettres",
            "montant",
            "verse",
            "sieg",
            "surcompensation",
            "plafond",
            "charges_realisees",
            "charges_prevues",
            "somme",
            "somme_en_lettres",
            "clause",
            "article",
            "article_proportion",
            "article_observations",
            "reduite",
            "ecarts",
            "seuil",
            "madame",
            "citations",
            "adresse",
            "siret",
            "date",
            "signataire",
        ],
    )]
}

/// Compares ids as a reader would: runs of digits by their value, the rest
/// character by character (« O2 » < « O10 », « O1-I2 » < « O1-I10 »). Ties
/// (« O01 » and « O1 ») fall back to the plain text, so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a, b);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let split = |s: &str| {
                    let end = s.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(s.len());
                    (s[..end].trim_start_matches('0').to_string(), end)
                };
                let ((nx, ex), (ny, ey)) = (split(x), split(y));
                let ord = nx.len().cmp(&ny.len()).then_with(|| nx.cmp(&ny));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[ex..];
                y = &y[ey..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x = &x[c.len_utf8()..];
                y = &y[d.len_utf8()..];
            }
        }
    }
}

/// The detailed budget prévisionnel of each year (`convention.budget`), for
/// annex II: rows of charges beside rows of produits (lines at zero left out,
/// the funder's own line always shown), totals, contributions in kind; `[]`
/// without a budget.
fn budget_detail(data: &AssociationFile) -> Value {
    use crate::model::{CHARGE_LABELS, PRODUIT_LABELS};
    let Some(budget) = &data.convention.budget else {
        return json!([]);
    };
    let years = budget.iter().map(|(y, b)| {
        let side = |labels: &[(&str, &str)], amounts: &[crate::model::Amount]| {
            labels
                .iter()
                .zip(amounts)
                .filter(|(_, a)| a.cents() != 0)
                .map(|((_, l), a)| (l.to_string(), amount_to_json(a.cents())))
                .collect::<Vec<_>>()
        };
        let charges = side(&CHARGE_LABELS, &b.charges.amounts());
        let produits = side(&PRODUIT_LABELS, &b.produits.amounts());
        let rows: Vec<Value> = (0..charges.len().max(produits.len()))
            .map(|i| {
                let (c, ca) = charges.get(i).cloned().unwrap_or_default();
                let (p, pa) = produits.get(i).cloned().unwrap_or_default();
                json!({ "charge": c, "charge_amount": ca, "produit": p, "produit_amount": pa })
            })
            .collect();
        json!({
            "year": y,
            "rows": rows,
            "charges_total": amount_to_json(b.charges.total()),
            "produits_total": amount_to_json(b.produits.total()),
            "en_nature": amount_to_json(b.en_nature.cents()),
            "has_en_nature": b.en_nature.cents() != 0,
            "total_charges": amount_to_json(b.charges.total() + b.en_nature.cents()),
            "total_produits": amount_to_json(b.produits.total() + b.en_nature.cents()),
        })
    });
    Value::Array(years.collect())
}

#[cfg(test)]
mod tests {
    use super::{funder_designation, natural_cmp};

    #[test]
    fn a_plural_designation_contracts_with_de_and_a() {
        let mut prog: crate::model::ProgrammeFile = toml::from_str(
            r#"
            [programme]
            name = "P"
            charter = "Charte"
            charter_date = "2014-02-14"
            [funder]
            name = "Communes associées du Val"
            kind = "epci"
            siret = "20009917400018"
            address = { street = "1 rue", postcode = "55000", city = "Ville" }
            representative = { civility = "M.", name = "A B", role = "Président" }
            court = "Tribunal administratif"
            designation = "les Communes associées"
            feminine = true
            "#,
        )
        .unwrap();
        let f = funder_designation(&prog);
        assert_eq!(f["du"], "des Communes associées");
        assert_eq!(f["au"], "aux Communes associées");
        assert_eq!(f["Le"], "Les Communes associées");
        prog.funder.designation = Some("le Syndicat mixte".into());
        let f = funder_designation(&prog);
        assert_eq!(f["du"], "du Syndicat mixte");
        assert_eq!(f["au"], "au Syndicat mixte");
    }

    #[test]
    fn the_signing_role_does_not_name_the_funder_again() {
        let epci = [
            "Communauté d'agglomération",
            "Communauté d'agglomération du Val de Moselle",
            "Val de Moselle",
        ];
        assert_eq!(
            super::role_without_funder(
                "Présidente de la Communauté d'agglomération du Val de Moselle",
                &epci
            ),
            "Présidente"
        );
        assert_eq!(
            super::role_without_funder(
                "Maire de Saint-Aubry",
                &["Commune", "Commune de Saint-Aubry", "Saint-Aubry"]
            ),
            "Maire"
        );
        // The assembly is not the funder: kept (« régional » is not « Région »).
        let region = ["Région", "Région Val-de-Meuse", "Val-de-Meuse"];
        assert_eq!(
            super::role_without_funder("Président du Conseil régional", &region),
            "Président du Conseil régional"
        );
        assert_eq!(
            super::role_without_funder("Présidente", &epci),
            "Présidente"
        );
    }

    #[test]
    fn ids_in_natural_order() {
        let mut ids = vec!["O10", "O2", "O1", "O1-I10", "O1-I2", "A", "O02"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["A", "O1", "O1-I2", "O1-I10", "O02", "O2", "O10"]);
    }
}
