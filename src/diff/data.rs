//! Field-by-field changes between two association files, in French:
//! « cible 2027 de l'indicateur O1-I1 : 135 → 150 », « contribution 2028 :
//! 45 000 € → 47 500 € ».
//!
//! Works on JSON values, not on the typed model, so that a snapshot written by
//! an older or newer charta (a field added, a field renamed) still compares.
//! Objectives and indicators are matched by their `id`, actions by their
//! title, so that reordering a list is never a change of its items; per-year
//! maps are matched by year.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::french;

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataChange {
    /// Where, in the file: `dashboard.objectives[O1].indicators[O1-I1].targets.2027`.
    pub path: String,
    /// In French: « cible 2027 de l'indicateur O1-I1 ».
    pub label: String,
    /// `null` when the field (or the item) did not exist.
    pub old: Value,
    pub new: Value,
    /// The whole line: « cible 2027 de l'indicateur O1-I1 : 135 → 150 ».
    pub text: String,
}

/// One step of a path: an object key, or a list item known by its id (or title).
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(String),
}

fn path_string(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Item(id) => {
                s.push('[');
                s.push_str(id);
                s.push(']');
            }
        }
    }
    s
}

/// Path with items flattened to plain strings, for matching with slice patterns.
fn words(path: &[Step]) -> Vec<String> {
    path.iter()
        .map(|s| match s {
            Step::Key(k) | Step::Item(k) => k.clone(),
        })
        .collect()
}

/// The French name of a field.
fn label(path: &[Step]) -> String {
    let w = words(path);
    let w: Vec<&str> = w.iter().map(String::as_str).collect();
    let person = |who: &str, field: &str| match field {
        "civility" => format!("civilité du représentant {who}"),
        "name" => format!("nom du représentant {who}"),
        "role" => format!("qualité du représentant {who}"),
        other => format!("représentant {who} ({other})"),
    };
    match w.as_slice() {
        ["association"] => "association".into(),
        ["association", "name"] => "dénomination de l'association".into(),
        ["association", "acronym"] => "sigle de l'association".into(),
        ["association", "legal_form"] => "forme juridique de l'association".into(),
        ["association", "rna"] => "numéro RNA".into(),
        ["association", "siret"] => "numéro SIRET".into(),
        ["association", "address"] => "adresse du siège".into(),
        ["association", "address", "street"] => "adresse du siège (voie)".into(),
        ["association", "address", "postcode"] => "code postal du siège".into(),
        ["association", "address", "city"] => "commune du siège".into(),
        ["association", "representative"] => "représentant de l'association".into(),
        ["association", "representative", f] => person("de l'association", f),
        ["association", "bank"] => "coordonnées bancaires".into(),
        ["association", "bank", "iban"] => "IBAN".into(),
        ["association", "bank", "bic"] => "BIC".into(),
        ["association", "cer_signed_on"] => {
            "date de souscription du contrat d'engagement républicain".into()
        }
        ["convention", "kind"] => "nature de la convention".into(),
        ["convention", "reference"] => "référence de la convention".into(),
        ["convention", "years"] => "années de la convention".into(),
        ["convention", "regime"] => "régime d'aides d'État".into(),
        ["convention", "funding"] => "contribution".into(),
        ["convention", "funding", y] => format!("contribution {y}"),
        ["convention", "eligible_cost"] => "coût éligible".into(),
        ["convention", "eligible_cost", y] => format!("coût éligible {y}"),
        ["convention", "payment"] => "modalités de versement".into(),
        ["convention", "payment", "advance_percent"] => "avance (% de la contribution)".into(),
        ["convention", "decision", "body"] => "instance de la décision".into(),
        ["convention", "decision", "date"] => "date de la décision".into(),
        ["convention", "decision", "number"] => "numéro de la décision".into(),
        ["convention", "signature", "place"] => "lieu de signature".into(),
        ["convention", "signature", "date"] => "date de signature".into(),
        ["convention", "clauses", "add"] => "clauses optionnelles ajoutées".into(),
        ["convention", "clauses", "remove"] => "clauses par défaut retirées".into(),
        ["project", "title"] => "intitulé du projet".into(),
        ["project", "summary"] => "présentation du projet".into(),
        ["project", "actions", a] => format!("action « {a} »"),
        ["project", "actions", a, f] => {
            let what = match *f {
                "title" => "intitulé",
                "description" => "description",
                "public" => "public visé",
                "territory" => "territoire",
                other => other,
            };
            format!("{what} de l'action « {a} »")
        }
        ["dashboard", "objectives", o] => format!("objectif {o}"),
        ["dashboard", "objectives", o, f] => {
            let what = match *f {
                "title" => "intitulé",
                "priority" => "priorité",
                other => other,
            };
            format!("{what} de l'objectif {o}")
        }
        ["dashboard", "objectives", _, "indicators", i] => format!("indicateur {i}"),
        ["dashboard", "objectives", _, "indicators", i, "targets", y] => {
            format!("cible {y} de l'indicateur {i}")
        }
        ["dashboard", "objectives", _, "indicators", i, "targets"] => {
            format!("cibles de l'indicateur {i}")
        }
        ["dashboard", "objectives", _, "indicators", i, f] => {
            let what = match *f {
                "label" => "libellé",
                "type" => "type",
                "unit" => "unité",
                "baseline" => "valeur de référence",
                "baseline_year" => "année de la valeur de référence",
                "definition" => "définition",
                "measure" => "nature de la cible (flux annuel ou stock)",
                "source" => "source",
                other => other,
            };
            format!("{what} de l'indicateur {i}")
        }
        _ => path_string(path),
    }
}

/// Whether the values at `path` are amounts in euros.
fn is_amount(path: &[Step]) -> bool {
    matches!(
        words(path)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["convention", "funding" | "eligible_cost", _]
    )
}

fn is_date(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Key(k)) if k == "date" || k == "cer_signed_on")
}

/// A value as a French reader expects it.
fn show(path: &[Step], v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if is_amount(path) {
                french::euros((f * 100.0).round() as i64)
            } else if matches!(path.last(), Some(Step::Key(k)) if k == "advance_percent") {
                french::percent(f)
            } else if matches!(path.last(), Some(Step::Key(k)) if k == "years" || k == "baseline_year")
            {
                n.to_string()
            } else {
                french::decimal(f, 2)
            }
        }
        Value::String(s) => {
            if is_date(path)
                && let Some(d) = french::date_fr(s)
            {
                return d;
            }
            format!("« {s} »")
        }
        Value::Array(items) => {
            if items.is_empty() {
                return "(aucune)".to_string();
            }
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                })
                .collect();
            parts.join(", ")
        }
        Value::Object(o) => {
            // An item added or removed: name it by its title or label.
            for k in ["title", "label", "name"] {
                if let Some(Value::String(s)) = o.get(k) {
                    return format!("« {s} »");
                }
            }
            v.to_string()
        }
    }
}

fn line(path: &[Step], old: &Value, new: &Value) -> String {
    let label = label(path);
    match (old, new) {
        (Value::Null, Value::Object(_)) => format!("{label} ajouté : {}", show(path, new)),
        (Value::Object(_), Value::Null) => format!("{label} supprimé : {}", show(path, old)),
        _ => format!("{label} : {} → {}", show(path, old), show(path, new)),
    }
}

fn push(out: &mut Vec<DataChange>, path: &[Step], old: &Value, new: &Value) {
    out.push(DataChange {
        path: path_string(path),
        label: label(path),
        old: old.clone(),
        new: new.clone(),
        text: line(path, old, new),
    });
}

/// The key that identifies an item of a list, if the list is one of items.
fn item_key(list: &str, v: &Value) -> Option<String> {
    let o = v.as_object()?;
    let field = if list == "actions" { "title" } else { "id" };
    o.get(field)?.as_str().map(str::to_string)
}

fn walk(out: &mut Vec<DataChange>, path: &mut Vec<Step>, old: &Value, new: &Value) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                if k == "$schema" {
                    continue;
                }
                path.push(Step::Key(k.clone()));
                walk(out, path, va, b.get(k).unwrap_or(&Value::Null));
                path.pop();
            }
            for (k, vb) in b {
                if a.contains_key(k) || k == "$schema" {
                    continue;
                }
                path.push(Step::Key(k.clone()));
                walk(out, path, &Value::Null, vb);
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let list = match path.last() {
                Some(Step::Key(k)) => k.clone(),
                _ => String::new(),
            };
            let keyed = |xs: &[Value]| -> Option<Vec<String>> {
                xs.iter().map(|x| item_key(&list, x)).collect()
            };
            match (keyed(a), keyed(b)) {
                (Some(ka), Some(kb)) if !a.is_empty() || !b.is_empty() => {
                    walk_items(out, path, (a, &ka), (b, &kb));
                }
                _ => push(out, path, old, new),
            }
        }
        // An object added or removed as a whole is one change; so is a scalar.
        _ => push(out, path, old, new),
    }
}

/// Matches list items by key; for actions, items whose title changed are
/// then paired by position among the unmatched ones.
fn walk_items(
    out: &mut Vec<DataChange>,
    path: &mut Vec<Step>,
    (a, ka): (&[Value], &[String]),
    (b, kb): (&[Value], &[String]),
) {
    let by_title = matches!(path.last(), Some(Step::Key(k)) if k == "actions");
    let mut unmatched_a: Vec<usize> = (0..a.len()).filter(|&i| !kb.contains(&ka[i])).collect();
    let mut unmatched_b: Vec<usize> = (0..b.len()).filter(|&j| !ka.contains(&kb[j])).collect();
    for (i, k) in ka.iter().enumerate() {
        if let Some(j) = kb.iter().position(|x| x == k) {
            path.push(Step::Item(k.clone()));
            walk(out, path, &a[i], &b[j]);
            path.pop();
        }
    }
    if by_title {
        // A renamed action is the same action, not one removed and one added.
        let n = unmatched_a.len().min(unmatched_b.len());
        for (i, j) in unmatched_a.drain(..n).zip(unmatched_b.drain(..n)) {
            path.push(Step::Item(kb[j].clone()));
            walk(out, path, &a[i], &b[j]);
            path.pop();
        }
    }
    for i in unmatched_a {
        path.push(Step::Item(ka[i].clone()));
        push(out, path, &a[i], &Value::Null);
        path.pop();
    }
    for j in unmatched_b {
        path.push(Step::Item(kb[j].clone()));
        push(out, path, &Value::Null, &b[j]);
        path.pop();
    }
}

/// Every field that differs between two association files, in file order.
pub fn data_changes(old: &Value, new: &Value) -> Vec<DataChange> {
    let mut out = Vec::new();
    walk(&mut out, &mut Vec::new(), old, new);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "convention": {
                "years": [2026, 2027, 2028],
                "funding": {"2026": 45000, "2027": 45000, "2028": 45000},
                "signature": {"place": "Reims", "date": null},
                "clauses": {"add": ["comite-de-suivi"], "remove": []}
            },
            "project": {"actions": [{"title": "A", "description": "x"}, {"title": "B", "description": "y"}]},
            "dashboard": {"objectives": [
                {"id": "O1", "priority": "P1", "title": "T1", "indicators": [
                    {"id": "O1-I1", "label": "L", "targets": {"2026": 120, "2027": 135, "2028": 150}},
                    {"id": "O1-I2", "label": "Q", "targets": {"2026": "a", "2027": "b", "2028": "c"}}
                ]},
                {"id": "O2", "priority": "P2", "title": "T2", "indicators": []}
            ]}
        })
    }

    fn texts(a: &Value, b: &Value) -> Vec<String> {
        data_changes(a, b).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn identical_is_empty() {
        assert!(data_changes(&sample(), &sample()).is_empty());
    }

    #[test]
    fn target_and_amount() {
        let a = sample();
        let mut b = sample();
        b["dashboard"]["objectives"][0]["indicators"][0]["targets"]["2027"] = json!(150);
        b["convention"]["funding"]["2028"] = json!(47500);
        assert_eq!(
            texts(&a, &b),
            [
                "contribution 2028 : 45\u{202F}000\u{A0}€ → 47\u{202F}500\u{A0}€",
                "cible 2027 de l'indicateur O1-I1 : 135 → 150",
            ]
        );
        let c = &data_changes(&a, &b)[1];
        assert_eq!(
            c.path,
            "dashboard.objectives[O1].indicators[O1-I1].targets.2027"
        );
    }

    #[test]
    fn objectives_match_by_id_not_position() {
        let a = sample();
        let mut b = sample();
        b["dashboard"]["objectives"]
            .as_array_mut()
            .unwrap()
            .reverse();
        assert!(data_changes(&a, &b).is_empty());
        let objs = b["dashboard"]["objectives"].as_array_mut().unwrap();
        objs.push(json!({"id": "O3", "priority": "P1", "title": "Nouveau", "indicators": []}));
        objs.retain(|o| o["id"] != "O2");
        assert_eq!(
            texts(&a, &b),
            [
                "objectif O2 supprimé : « T2 »",
                "objectif O3 ajouté : « Nouveau »"
            ]
        );
    }

    #[test]
    fn renamed_action_and_signature_date() {
        let a = sample();
        let mut b = sample();
        b["project"]["actions"][1]["title"] = json!("B2");
        b["convention"]["signature"]["date"] = json!("2026-03-01");
        assert_eq!(
            texts(&a, &b),
            [
                "date de signature : — → 1er mars 2026",
                "intitulé de l'action « B2 » : « B » → « B2 »"
            ]
        );
    }
}
