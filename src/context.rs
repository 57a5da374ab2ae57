//! The Tera context of one convention: the raw data of `charta.toml` and of the
//! association file, plus the values every clause needs derived once (the
//! funder's French designation, totals, shares, the dashboard grouped by
//! priority). See `docs/design.md` for the list clause writers rely on.

use serde_json::{Map, Value, json};

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

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
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
    ctx.insert("f".into(), funder_designation(prog));
    let rep = &prog.funder.representative;
    ctx.insert(
        "funder_rep".into(),
        json!({
            "le": with_article(&rep.civility, &rep.role),
            "civility": rep.civility,
            "name": rep.name,
            "role": rep.role,
            "feminine": is_feminine_civility(&rep.civility),
        }),
    );
    let a = &data.association;
    let legal = a.legal_form.to_lowercase();
    ctx.insert(
        "asso".into(),
        json!({
            "nom": match &a.acronym {
                Some(ac) if !ac.trim().is_empty() => format!("{} ({})", a.name, ac),
                _ => a.name.clone(),
            },
            "droit_local": legal.contains("inscrite") || legal.contains("droit local"),
            "rep_le": with_article(&a.representative.civility, &a.representative.role),
            "rep_feminine": is_feminine_civility(&a.representative.civility),
        }),
    );

    let c = &data.convention;
    let years: Vec<i32> = c.years.clone();
    let first = years.first().copied().unwrap_or(0);
    let last = years.last().copied().unwrap_or(0);
    ctx.insert("years".into(), json!(years));
    ctx.insert("years_count".into(), json!(years.len()));
    ctx.insert("first_year".into(), json!(first));
    ctx.insert("last_year".into(), json!(last));
    ctx.insert("multi_year".into(), json!(years.len() > 1));
    ctx.insert("start_date".into(), json!(format!("{first:04}-01-01")));
    ctx.insert("end_date".into(), json!(format!("{last:04}-12-31")));

    let get = |m: Option<&PerYear<crate::model::Amount>>, y: i32| -> i64 {
        m.and_then(|m| m.get(&y.to_string()))
            .map(|a| a.cents())
            .unwrap_or(0)
    };
    let mut budget = Vec::new();
    let (mut tot_f, mut tot_e, mut max_f) = (0i64, 0i64, 0i64);
    for &y in &years {
        let (fu, el) = (get(c.funding.as_ref(), y), get(c.eligible_cost.as_ref(), y));
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
    // One number of decimals for every percentage of the document (« 30,00 % »
    // beside « 31,25 % »): the most any of them needs, at most two.
    let mut percents: Vec<f64> = Vec::new();
    for b in &budget {
        percents.extend(b["share"].as_f64());
    }
    ctx.insert("budget".into(), Value::Array(budget));
    ctx.insert(
        "budget_total".into(),
        json!({ "funding": amount_to_json(tot_f), "eligible_cost": amount_to_json(tot_e), "share": share(tot_f, tot_e) }),
    );
    percents.extend(share(tot_f, tot_e).as_f64());
    if c.kind != ConventionKind::Cadre
        && let Some(p) = &c.payment
    {
        percents.push(p.advance_percent);
    }
    if c.kind != ConventionKind::Cadre
        && let Some(t) = &c.sieg
    {
        percents.push(t.reasonable_profit_percent);
    }
    let percent_decimals = percents
        .iter()
        .map(|v| crate::french::decimals_needed(*v, 2))
        .max()
        .unwrap_or(0);
    ctx.insert("percent_decimals".into(), json!(percent_decimals));
    ctx.insert("max_funding_year".into(), amount_to_json(max_f));

    // Aid in kind: a subsidy too (loi n° 2000-321, art. 9-1), stated in figures
    // and letters, counted for the 23 000 € threshold and the de minimis ceilings.
    let funded = c.kind != ConventionKind::Cadre;
    let mut in_kind = Vec::new();
    let mut kind_by_year = vec![0i64; years.len()];
    for k in c.in_kind.iter().filter(|_| funded) {
        let values: Vec<Value> = years
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let v = get(Some(&k.values), y);
                kind_by_year[i] += v;
                json!({ "year": y, "value": amount_to_json(v) })
            })
            .collect();
        let total: i64 = years.iter().map(|&y| get(Some(&k.values), y)).sum();
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
        .map(|(i, &y)| get(c.funding.as_ref(), y) + kind_by_year[i])
        .max()
        .unwrap_or(0);
    ctx.insert("above_23k".into(), json!(max_aid > 2_300_000));
    ctx.insert("aid_total".into(), amount_to_json(tot_f + kind_total));
    ctx.insert("de_minimis".into(), crate::de_minimis::context(prog, data));

    // Code de commerce L. 612-4: all public cash subsidies of a year, from every funder.
    let other = data.association.other_public_subsidies.as_ref();
    let public_cash: Vec<i64> = years
        .iter()
        .map(|&y| get(c.funding.as_ref(), y) + get(other, y))
        .collect();
    let max_public = public_cash.iter().copied().max().unwrap_or(0);
    ctx.insert(
        "above_153k".into(),
        json!(funded && max_public > 15_300_000),
    );
    ctx.insert(
        "above_153k_alone".into(),
        json!(funded && max_f > 15_300_000),
    );
    ctx.insert("other_public_known".into(), json!(other.is_some()));

    // What happens to an unspent subsidy: the convention's choice, else the programme's.
    let unspent = c.unspent.or(prog.programme.unspent).map(|u| match u {
        Unspent::KeepReasonable => "keep-reasonable",
        Unspent::Repay => "repay",
    });
    ctx.insert("unspent".into(), json!(unspent));
    ctx.insert(
        "court".into(),
        json!(c.court.as_deref().unwrap_or(&prog.funder.court)),
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
    let sieg_rows: Vec<Value> = match &c.sieg {
        Some(t) if funded => years
            .iter()
            .map(|&y| {
                let costs = get(Some(&t.costs), y);
                let revenues = get(Some(&t.revenues), y);
                let net = costs - revenues;
                json!({
                    "year": y,
                    "costs": amount_to_json(costs),
                    "revenues": amount_to_json(revenues),
                    "net_cost": amount_to_json(net.max(0)),
                    "funding": amount_to_json(get(c.funding.as_ref(), y)),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    ctx.insert("sieg_budget".into(), Value::Array(sieg_rows));
    // Who wrote the charter commitments: set by the renderer once the clauses are chosen.
    ctx.insert("charter_wording".into(), json!("builtin"));
    ctx.insert(
        "long_cpo".into(),
        json!(c.kind == ConventionKind::Cpo && years.len() > 4),
    );

    // The dashboard, grouped by the funder's priorities in their declared order,
    // objectives in the natural order of their ids (O2 before O10).
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
            .map(|o| objective_json(o, &years))
            .collect();
        if !objectives.is_empty() {
            groups.push(json!({ "priority": p, "objectives": objectives }));
        }
    }
    ctx.insert("dashboard_groups".into(), Value::Array(groups));
    ctx.insert("clauses_in_use".into(), json!(clauses_in_use));
    ctx.insert("exemplaires".into(), json!(2));
    Value::Object(ctx)
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
    fn ids_in_natural_order() {
        let mut ids = vec!["O10", "O2", "O1", "O1-I10", "O1-I2", "A", "O02"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["A", "O1", "O1-I2", "O1-I10", "O02", "O2", "O10"]);
    }
}
