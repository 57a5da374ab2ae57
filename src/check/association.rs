//! The rules on one association file's typed data: identifiers, years and
//! per-year maps, amounts, dates, kinds of convention, clause choices, the
//! dashboard. Each rule reports every case it finds, with the JSON path of the
//! value at fault and a hint on how to fix it.
//!
//! It judges parsed data only (structure is `check::structure`) and never
//! renders: a rule that needs the clause library reads `Programme::library`.

use std::collections::{BTreeMap, BTreeSet};

use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, ConventionKind, Indicator, IndicatorType, Target};

use super::Sink;
use super::ids::{self, IbanProblem, SiretProblem};
use super::structure::{Point, closest};

/// Message and hint for a SIRET, or `None` if it is valid. `whose`: « SIRET » or « funder SIRET ».
pub fn siret_problem(whose: &str, s: &str) -> Option<(String, String)> {
    let compact = ids::compact(s);
    Some(match ids::check_siret(s).err()? {
        SiretProblem::NotDigits => (
            format!("{whose} `{s}` is not made of digits"),
            "a SIRET is 14 digits (spaces allowed), e.g. 443 061 841 00047".to_string(),
        ),
        SiretProblem::Length(n) => (
            format!("{whose} `{s}` has {n} digits instead of 14"),
            "a SIRET is the 9-digit SIREN followed by the 5-digit establishment number; copy it from the INSEE SIRENE record".to_string(),
        ),
        SiretProblem::Luhn => (
            format!("{whose} {compact} fails the Luhn check"),
            "check the 14 digits against the INSEE SIRENE record; the last digit is a check digit".to_string(),
        ),
        SiretProblem::SirenLuhn => (
            format!(
                "{whose} {compact}: its SIREN {} fails the Luhn check",
                &compact[..9]
            ),
            "check the first 9 digits (the SIREN) against the INSEE SIRENE record".to_string(),
        ),
    })
}

/// Message and hint for a date that is not `YYYY-MM-DD`, or `None` if valid.
pub fn date_problem(what: &str, s: &str) -> Option<(String, String)> {
    if crate::french::parse_date(s).is_some() {
        return None;
    }
    Some((
        format!("{what} `{s}` is not a valid date"),
        "write an existing calendar date as YYYY-MM-DD, e.g. 2026-01-23".to_string(),
    ))
}

/// BIC country codes that go with a French IBAN (overseas departments and
/// communities have their own BIC country code but French IBANs).
const FRENCH_BIC_COUNTRIES: &[&str] = &[
    "FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "MC",
];

fn years_list(years: &[i32]) -> String {
    format!(
        "[{}]",
        years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn amount_words(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{} €", cents / 100)
    } else {
        format!("{}.{:02} €", cents / 100, cents % 100)
    }
}

/// Every rule on the typed data of one association file.
pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    association(data, s);
    convention(data, s);
    clause_choice(prog, data, s);
    dashboard(prog, data, s);
}

fn association(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let kind = data.convention.kind;

    if let Some((m, h)) = siret_problem("SIRET", &a.siret) {
        s.error(base.key("siret"), Point::Value, m, h);
    }

    let legal = a.legal_form.to_lowercase();
    let droit_local = legal.contains("inscrite") || legal.contains("droit local");
    match &a.rna {
        Some(r) if !ids::rna_ok(r) => s.error(
            base.key("rna"),
            Point::Value,
            format!("RNA number `{r}` is not W followed by 9 digits"),
            "copy the number from the association's record in the Répertoire national des associations (e.g. W081001234); an association declared before 2010 may have an old-style number only: ask the prefecture for its W number",
        ),
        None if !droit_local => s.error(
            base.key("rna"),
            Point::Key,
            "RNA number is missing",
            "give the association's RNA number (W followed by 9 digits); only an Alsace-Moselle association registered under local law has none: then say so in `legal_form` (« association inscrite de droit local »)",
        ),
        _ => {}
    }

    match &a.bank {
        Some(b) => {
            let ib = base.key("bank").key("iban");
            let compact = ids::compact(&b.iban).to_ascii_uppercase();
            match ids::check_iban(&b.iban) {
                Ok(()) => {}
                Err(IbanProblem::Format) => s.error(
                    ib.clone(),
                    Point::Value,
                    format!("IBAN `{}` is not an IBAN", b.iban),
                    "an IBAN is two letters (country), two check digits, then the account (e.g. FR76 3000 6000 0112 3456 7890 189); copy it from the association's RIB",
                ),
                Err(IbanProblem::Length {
                    country,
                    expected,
                    got,
                }) => s.error(
                    ib.clone(),
                    Point::Value,
                    format!("IBAN {compact} has {got} characters; a {country} IBAN has {expected}"),
                    "copy the IBAN from the association's RIB: a character is missing or extra",
                ),
                Err(IbanProblem::GeneralLength(n)) => s.error(
                    ib.clone(),
                    Point::Value,
                    format!("IBAN {compact} has {n} characters; an IBAN has 15 to 34"),
                    "copy the IBAN from the association's RIB",
                ),
                Err(IbanProblem::Mod97) => s.error(
                    ib.clone(),
                    Point::Value,
                    format!("IBAN {compact} fails the mod-97 check"),
                    "copy the IBAN from the association's RIB: a character is wrong or two are swapped",
                ),
                Err(IbanProblem::RibKey) => s.error(
                    ib.clone(),
                    Point::Value,
                    format!(
                        "IBAN {compact}: the RIB key {} does not match the bank, branch and account numbers",
                        &compact[compact.len() - 2..]
                    ),
                    "copy the IBAN from the association's RIB: the bank, branch or account number is wrong",
                ),
            }
            let bic = b.bic.trim();
            let bp = base.key("bank").key("bic");
            if !ids::bic_ok(bic) {
                s.error(
                    bp,
                    Point::Value,
                    format!("BIC `{}` is not 8 or 11 capital letters and digits", b.bic),
                    "a BIC is 4 letters (bank), 2 letters (country), 2 characters (place) and optionally 3 (branch), e.g. AGRIFRPP or AGRIFRPP867; copy it from the RIB",
                );
            } else if compact.len() >= 2 && compact.is_ascii() {
                let (ic, bc) = (&compact[..2], &bic[4..6]);
                let french = ic == "FR" && FRENCH_BIC_COUNTRIES.contains(&bc);
                if ic != bc && !french {
                    s.warning(
                        bp,
                        Point::Value,
                        format!("BIC {bic} is from country {bc} but the IBAN is from {ic}"),
                        "check that the IBAN and the BIC come from the same RIB",
                    );
                }
            }
        }
        None if kind != ConventionKind::Cadre => s.error(
            base.key("bank"),
            Point::Key,
            format!(
                "a {} convention needs the association's bank details",
                kind.as_str()
            ),
            "add `\"bank\": {\"iban\": \"FR76…\", \"bic\": \"…\"}` from the association's RIB: the payment article gives them",
        ),
        None => {}
    }

    if let Some(d) = &a.cer_signed_on
        && let Some((m, h)) = date_problem("`cer_signed_on`", d)
    {
        s.error(base.key("cer_signed_on"), Point::Value, m, h);
    }

    let pc = a.address.postcode.trim();
    if pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()) {
        s.error(
            base.key("address").key("postcode"),
            Point::Value,
            format!("postcode `{}` is not 5 digits", a.address.postcode),
            "write the French postcode as 5 digits, in quotes (\"08300\")",
        );
    }
}

fn convention(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let kind = c.kind;
    let yp = base.key("years");

    // Years: at least one, consecutive, in order.
    let mut years_ok = true;
    if c.years.is_empty() {
        years_ok = false;
        s.error(
            yp.clone(),
            Point::Value,
            "`years` is empty",
            "list the years the convention covers, e.g. [2026, 2027, 2028]",
        );
    }
    for (i, w) in c.years.windows(2).enumerate() {
        if w[1] != w[0] + 1 {
            years_ok = false;
            s.error(
                yp.index(i + 1),
                Point::Value,
                format!(
                    "years are not consecutive: {} is followed by {}",
                    w[0], w[1]
                ),
                "list consecutive years in order, e.g. [2026, 2027, 2028]",
            );
            break;
        }
    }
    let n = c.years.len();
    match kind {
        ConventionKind::Cpo if n < 2 => s.error(
            yp.clone(),
            Point::Value,
            format!(
                "a cpo covers at least two years; this one covers {n} {}",
                years_list(&c.years)
            ),
            "add the following year, or make it `\"kind\": \"annuelle\"`",
        ),
        ConventionKind::Cpo if n > 4 => s.warning(
            yp.clone(),
            Point::Value,
            format!(
                "this cpo covers {n} years; the circular of 29 September 2015 recommends at most 4"
            ),
            "check that the duration is intended; the act adds a mid-term review clause",
        ),
        ConventionKind::Annuelle if n != 1 => s.error(
            yp.clone(),
            Point::Value,
            format!(
                "an annuelle convention covers exactly one year; this one covers {n} {}",
                years_list(&c.years)
            ),
            "keep one year, or make it `\"kind\": \"cpo\"`",
        ),
        _ => {}
    }

    // Financial parts: required with funding, ignored in a framework convention.
    let parts: [(&str, bool, &str); 3] = [
        (
            "funding",
            c.funding.is_some(),
            "add `\"funding\": {\"2026\": …}`: the maximum contribution for each year",
        ),
        (
            "eligible_cost",
            c.eligible_cost.is_some(),
            "add `\"eligible_cost\": {\"2026\": …}`: the eligible cost of the action for each year",
        ),
        (
            "payment",
            c.payment.is_some(),
            "add `\"payment\": {\"advance_percent\": 50}`",
        ),
    ];
    for (name, present, hint) in parts {
        match (kind, present) {
            (ConventionKind::Cadre, true) => s.warning(
                base.key(name),
                Point::Key,
                format!(
                    "`{name}` is ignored in a cadre convention, which has no financial commitment"
                ),
                "remove it, or make the convention a `cpo` or an `annuelle`",
            ),
            (ConventionKind::Cpo | ConventionKind::Annuelle, false) => s.error(
                base.key(name),
                Point::Key,
                format!("a {} convention needs `{name}`", kind.as_str()),
                hint,
            ),
            _ => {}
        }
    }

    // Per-year maps cover exactly the years.
    if years_ok {
        if let Some(m) = &c.funding {
            cover(
                s,
                &c.years,
                &base.key("funding"),
                "`funding` has no amount",
                "`funding` has an amount",
                m.keys(),
            );
        }
        if let Some(m) = &c.eligible_cost {
            cover(
                s,
                &c.years,
                &base.key("eligible_cost"),
                "`eligible_cost` has no amount",
                "`eligible_cost` has an amount",
                m.keys(),
            );
        }
    }

    if kind != ConventionKind::Cadre {
        if let (Some(f), Some(e)) = (&c.funding, &c.eligible_cost) {
            for (y, a) in f {
                if let Some(b) = e.get(y)
                    && a.cents() > b.cents()
                {
                    s.error(
                        base.key("funding").key(y),
                        Point::Value,
                        format!(
                            "funding for {y} ({}) exceeds the eligible cost ({})",
                            amount_words(a.cents()),
                            amount_words(b.cents())
                        ),
                        format!("the contribution cannot exceed the eligible cost of the action: lower it or correct `eligible_cost.{y}`"),
                    );
                }
            }
        }
        if let Some(f) = &c.funding {
            // Aid in kind is a subsidy too: it counts for the threshold.
            let in_kind = |y: &String| -> i64 {
                c.in_kind
                    .iter()
                    .filter_map(|k| k.values.get(y))
                    .map(|a| a.cents())
                    .sum()
            };
            let max = f
                .iter()
                .map(|(y, a)| a.cents() + in_kind(y))
                .max()
                .unwrap_or(0);
            if !f.is_empty() && max <= 2_300_000 {
                s.warning(
                    base.key("funding"),
                    Point::Key,
                    format!(
                        "the funding never exceeds 23 000 € a year (at most {}): below this threshold a convention is not compulsory",
                        amount_words(max)
                    ),
                    "décret n° 2001-495 requires a convention above 23 000 € a year; below it a convention is allowed: check that it is intended",
                );
            }
        }
        if let Some(p) = &c.payment
            && !(0.0..=100.0).contains(&p.advance_percent)
        {
            s.error(
                base.key("payment").key("advance_percent"),
                Point::Value,
                format!("advance of {} % is not between 0 and 100 %", p.advance_percent),
                "`advance_percent` is the share of each year's contribution paid in advance, from 0 to 100",
            );
        }
    }

    // Dates.
    let decision = crate::french::parse_date(&c.decision.date);
    if let Some((m, h)) = date_problem("decision date", &c.decision.date) {
        s.error(base.key("decision").key("date"), Point::Value, m, h);
    }
    if let Some(d) = &c.signature.date {
        match crate::french::parse_date(d) {
            None => {
                let (m, h) = date_problem("signature date", d).expect("invalid");
                s.error(base.key("signature").key("date"), Point::Value, m, h);
            }
            Some(sig) => {
                if let Some(dec) = decision
                    && sig < dec
                {
                    s.warning(
                        base.key("signature").key("date"),
                        Point::Value,
                        format!(
                            "the signature date {d} precedes the decision of {}",
                            c.decision.date
                        ),
                        "the act is signed after the decision that authorises it: check both dates",
                    );
                }
            }
        }
    }
}

/// Reports the years a per-year map misses and the keys it has that are not years of the convention.
fn cover<'a>(
    s: &mut Sink,
    years: &[i32],
    path: &JsonPath,
    missing_msg: &str,
    extra_msg: &str,
    keys: impl Iterator<Item = &'a String>,
) {
    let keys: Vec<&String> = keys.collect();
    let wanted: BTreeSet<String> = years.iter().map(i32::to_string).collect();
    for y in &wanted {
        if !keys.contains(&y) {
            s.error(
                path.clone(),
                Point::Key,
                format!("{missing_msg} for {y}"),
                format!(
                    "give a value for every year of `convention.years` {}",
                    years_list(years)
                ),
            );
        }
    }
    for k in keys {
        if !wanted.contains(k) {
            s.error(
                path.key(k),
                Point::Key,
                format!("{extra_msg} for {k}, which is not a year of the convention"),
                format!(
                    "remove it, or add it to `convention.years` {}",
                    years_list(years)
                ),
            );
        }
    }
}

fn clause_choice(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let lib = &prog.library.clauses;
    let base = JsonPath::root().key("convention").key("clauses");
    let ids: Vec<&str> = lib.keys().map(String::as_str).collect();
    let choice = &data.convention.clauses;
    for (list, ids_in, want_optional) in [
        ("add", &choice.add, true),
        ("remove", &choice.remove, false),
    ] {
        let mut seen = BTreeSet::new();
        for (i, id) in ids_in.iter().enumerate() {
            let p = base.key(list).index(i);
            if !seen.insert(id) {
                s.warning(
                    p,
                    Point::Value,
                    format!("clause `{id}` is listed twice in `clauses.{list}`"),
                    "remove the repetition",
                );
                continue;
            }
            match lib.get(id) {
                None => {
                    let hint = match closest(id, ids.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "run `charta clauses PROG` to list the clause ids".to_string(),
                    };
                    s.error(
                        p,
                        Point::Value,
                        format!("clause `{id}` (in `clauses.{list}`) does not exist"),
                        hint,
                    );
                }
                Some(c) if c.meta.optional != want_optional => {
                    if want_optional {
                        s.error(
                            p,
                            Point::Value,
                            format!("clause `{id}` is not optional: it cannot be added"),
                            "remove it from `clauses.add`: it is already part of every convention whose conditions it meets",
                        );
                    } else {
                        s.error(
                            p,
                            Point::Value,
                            format!("clause `{id}` is optional: there is nothing to remove"),
                            "remove it from `clauses.remove`; an optional clause is only included when listed in `clauses.add`",
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}

fn dashboard(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let base = JsonPath::root().key("dashboard").key("objectives");
    let objectives = &data.dashboard.objectives;
    let years = &data.convention.years;
    let mut priorities: Vec<&str> = Vec::new();
    for p in &prog.file.priorities {
        if !priorities.contains(&p.id.as_str()) {
            priorities.push(&p.id);
        }
    }
    if objectives.is_empty() {
        s.warning(
            base.clone(),
            Point::Value,
            "the dashboard has no objective",
            "add at least one objective hanging from a priority of charta.toml (annexe III)",
        );
    }
    let mut objective_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut indicator_ids: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, o) in objectives.iter().enumerate() {
        let op = base.index(i);
        if let Some(first) = objective_ids.insert(o.id.as_str(), i) {
            objective_ids.insert(o.id.as_str(), first);
            s.error(
                op.key("id"),
                Point::Value,
                format!(
                    "objective id `{}` is used twice (also dashboard.objectives[{first}])",
                    o.id
                ),
                "give each objective its own id (O1, O2…)",
            );
        }
        if !priorities.contains(&o.priority.as_str()) {
            let list = if priorities.is_empty() {
                "charta.toml defines no [[priorities]]".to_string()
            } else {
                format!(
                    "the priorities of charta.toml are: {}",
                    priorities.join(", ")
                )
            };
            let hint = match closest(&o.priority, priorities.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? ({list})"),
                None => list,
            };
            s.error(
                op.key("priority"),
                Point::Value,
                format!(
                    "objective `{}` refers to priority `{}`, which charta.toml does not define",
                    o.id, o.priority
                ),
                hint,
            );
        }
        if o.indicators.is_empty() {
            s.warning(
                op.key("indicators"),
                Point::Value,
                format!("objective `{}` has no indicator", o.id),
                "add at least one indicator with a target for each year",
            );
        }
        for (j, ind) in o.indicators.iter().enumerate() {
            let ip = op.key("indicators").index(j);
            if let Some((fi, fj)) = indicator_ids.insert(ind.id.as_str(), (i, j)) {
                indicator_ids.insert(ind.id.as_str(), (fi, fj));
                s.error(
                    ip.key("id"),
                    Point::Value,
                    format!(
                        "indicator id `{}` is used twice (also dashboard.objectives[{fi}].indicators[{fj}])",
                        ind.id
                    ),
                    "give each indicator its own id (O1-I1, O1-I2…)",
                );
            }
            let tp = ip.key("targets");
            if !years.is_empty() && years.windows(2).all(|w| w[1] == w[0] + 1) {
                cover(
                    s,
                    years,
                    &tp,
                    &format!("indicator `{}` has no target", ind.id),
                    &format!("indicator `{}` has a target", ind.id),
                    ind.targets.keys(),
                );
            }
            baseline_rules(ind, &ip, years.first().copied(), s);
            match ind.kind {
                IndicatorType::Quantitative => {
                    if ind
                        .definition
                        .as_deref()
                        .is_none_or(|d| d.trim().is_empty())
                    {
                        s.warning(
                            ip.key("definition"),
                            Point::Key,
                            format!("quantitative indicator `{}` has no definition", ind.id),
                            "add `\"definition\"`: what is counted and how it is computed (e.g. « nombre de personnes distinctes reçues au moins une fois dans l'année, d'après le registre d'accueil »), so that both parties measure it the same way",
                        );
                    }
                    if ind.measure.is_none() {
                        s.warning(
                            ip.key("measure"),
                            Point::Key,
                            format!(
                                "quantitative indicator `{}` does not say whether its targets are annual flows or stocks",
                                ind.id
                            ),
                            "add `\"measure\": \"flow\"` when each year's target counts what is done during that year, or `\"measure\": \"stock\"` when it is a cumulative value reached at the end of the year",
                        );
                    }
                    if ind.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
                        s.error(
                            ip.key("unit"),
                            Point::Key,
                            format!("quantitative indicator `{}` has no unit", ind.id),
                            "add `\"unit\"`, e.g. \"personnes\", \"%\" or \"tonnes\"",
                        );
                    }
                    for (y, t) in &ind.targets {
                        if let Target::Text(_) = t {
                            s.error(
                                tp.key(y),
                                Point::Value,
                                format!(
                                    "quantitative indicator `{}` has a text target for {y}",
                                    ind.id
                                ),
                                "write a number, or make the indicator `\"type\": \"qualitative\"`",
                            );
                        }
                    }
                    if let Some(Target::Text(_)) = &ind.baseline {
                        s.error(
                            ip.key("baseline"),
                            Point::Value,
                            format!("quantitative indicator `{}` has a text baseline", ind.id),
                            "write the starting value as a number",
                        );
                    }
                }
                IndicatorType::Qualitative => {
                    if ind.measure.is_some() {
                        s.warning(
                            ip.key("measure"),
                            Point::Key,
                            format!(
                                "`measure` is ignored for qualitative indicator `{}`",
                                ind.id
                            ),
                            "remove it: only a quantitative target is an annual flow or a stock",
                        );
                    }
                    for (y, t) in &ind.targets {
                        match t {
                            Target::Number(_) => s.error(
                                tp.key(y),
                                Point::Value,
                                format!("qualitative indicator `{}` has a number target for {y}", ind.id),
                                "describe the target in words, or make the indicator `\"type\": \"quantitative\"` with a unit",
                            ),
                            Target::Text(t) if t.trim().is_empty() => s.error(
                                tp.key(y),
                                Point::Value,
                                format!("qualitative indicator `{}` has an empty target for {y}", ind.id),
                                "describe what the partnership should reach that year",
                            ),
                            _ => {}
                        }
                    }
                    if let Some(Target::Number(_)) = &ind.baseline {
                        s.error(
                            ip.key("baseline"),
                            Point::Value,
                            format!("qualitative indicator `{}` has a number baseline", ind.id),
                            "describe the starting situation in words, or make the indicator quantitative",
                        );
                    }
                }
            }
        }
    }
}

/// The baseline and its year: a baseline says when it was measured, and that
/// year is not after the convention's first year (the baseline is the
/// situation the partnership starts from).
fn baseline_rules(ind: &Indicator, ip: &JsonPath, first_year: Option<i32>, s: &mut Sink) {
    match (&ind.baseline, ind.baseline_year) {
        (Some(_), None) => s.warning(
            ip.key("baseline_year"),
            Point::Key,
            format!(
                "indicator `{}` has a baseline but no `baseline_year`",
                ind.id
            ),
            "add `\"baseline_year\"`, the year the baseline was measured (e.g. the year before the convention): the dashboard shows it beside the value",
        ),
        (None, Some(_)) => s.warning(
            ip.key("baseline_year"),
            Point::Key,
            format!(
                "indicator `{}` has a `baseline_year` but no baseline",
                ind.id
            ),
            "give the starting value in `\"baseline\"`, or remove `baseline_year`",
        ),
        _ => {}
    }
    if let (Some(y), Some(first)) = (ind.baseline_year, first_year)
        && y > first
    {
        s.error(
            ip.key("baseline_year"),
            Point::Value,
            format!(
                "the baseline year {y} of indicator `{}` is after the first year of the convention ({first})",
                ind.id
            ),
            format!(
                "the baseline is the situation the partnership starts from: give a year up to {first}, usually {}",
                first - 1
            ),
        );
    }
}
