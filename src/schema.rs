//! The JSON Schema (draft 2020-12) of association files, generated from the
//! types of `model` so that it can never drift from what charta accepts, then
//! refined with what the types cannot say (formats, patterns, bounds) so that
//! an editor flags and completes what `charta check` would.
//!
//! This module only describes; it validates nothing itself (`check::structure`
//! walks data against this schema). Every property carries a French
//! description: the doc comments of `model`.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::model::AssociationFile;

/// The schema as a JSON value.
pub fn association_schema() -> Value {
    let schema = schemars::schema_for!(AssociationFile);
    let mut v = serde_json::to_value(schema).expect("schema serialises");
    refine(&mut v);
    suggest_clauses(&mut v);
    v
}

/// The built-in clause ids as completion suggestions (`examples`, not an enumeration:
/// a programme can add its own clauses): optional ones for `add`, the others for `remove`.
fn suggest_clauses(root: &mut Value) {
    let mut diags = Vec::new();
    let lib = crate::load::load_library(None, &mut diags);
    for (list, optional) in [("add", true), ("remove", false)] {
        let ids: Vec<&str> = lib
            .clauses
            .values()
            .filter(|c| c.meta.optional == optional)
            .map(|c| c.meta.id.as_str())
            .collect();
        if let Some(items) = def_mut(root, "ClauseChoice")
            .and_then(|d| d.pointer_mut(&format!("/properties/{list}/items")))
            .and_then(Value::as_object_mut)
        {
            items.insert("examples".into(), json!(ids));
        }
    }
}

/// The schema, built once per process.
pub fn cached() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(association_schema)
}

/// The schema, pretty-printed.
pub fn association_schema_json() -> String {
    serde_json::to_string_pretty(&association_schema()).expect("schema serialises")
}

/// Keywords merged into `$defs.<def>.properties.<property>` (`def` empty: the root).
/// Every entry must apply: a unit test fails if a property is renamed.
fn refinements() -> Vec<(&'static str, &'static str, Value)> {
    let date = json!({ "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    let per_year = json!({ "propertyNames": { "pattern": "^[0-9]{4}$" } });
    vec![
        (
            "",
            "$schema",
            json!({ "type": "string", "format": "uri-reference" }),
        ),
        (
            "Association",
            "siret",
            json!({ "pattern": "^\\s*([0-9]\\s*){14}$" }),
        ),
        ("Association", "rna", json!({ "pattern": "^W[0-9]{9}$" })),
        ("Association", "cer_signed_on", date.clone()),
        (
            "Bank",
            "iban",
            json!({ "pattern": "^\\s*[A-Za-z]{2}[0-9]{2}(\\s*[A-Za-z0-9]){11,30}\\s*$" }),
        ),
        (
            "Bank",
            "bic",
            json!({ "pattern": "^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$" }),
        ),
        ("Address", "postcode", json!({ "pattern": "^[0-9]{5}$" })),
        (
            "Convention",
            "years",
            json!({ "minItems": 1, "uniqueItems": true }),
        ),
        ("Convention", "funding", per_year.clone()),
        ("Convention", "eligible_cost", per_year.clone()),
        (
            "Payment",
            "advance_percent",
            json!({ "minimum": 0, "maximum": 100 }),
        ),
        ("Decision", "date", date.clone()),
        ("Signature", "date", date),
        ("Indicator", "targets", per_year),
        (
            "ClauseChoice",
            "add",
            json!({ "uniqueItems": true, "items": { "type": "string", "pattern": "^[a-z0-9-]+$" } }),
        ),
        (
            "ClauseChoice",
            "remove",
            json!({ "uniqueItems": true, "items": { "type": "string", "pattern": "^[a-z0-9-]+$" } }),
        ),
    ]
}

/// The object schema of `def` (`""`: the root).
fn def_mut<'a>(root: &'a mut Value, def: &str) -> Option<&'a mut Value> {
    if def.is_empty() {
        Some(root)
    } else {
        root.get_mut("$defs")?.get_mut(def)
    }
}

fn refine(root: &mut Value) {
    for (def, prop, extra) in refinements() {
        let Some(p) = def_mut(root, def)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(prop))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        p.remove("writeOnly");
        if let Value::Object(extra) = extra {
            for (k, v) in extra {
                p.insert(k, v);
            }
        }
    }
    // A required text may not be blank: the act would have a hole.
    let defs = root.as_object_mut().and_then(|o| o.remove("$defs"));
    require_text(root);
    if let Some(mut defs) = defs {
        if let Value::Object(map) = &mut defs {
            map.values_mut().for_each(require_text);
        }
        if let Some(o) = root.as_object_mut() {
            o.insert("$defs".into(), defs);
        }
    }
}

/// `minLength: 1` and a non-blank pattern on every required string property of an object schema.
fn require_text(object: &mut Value) {
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(props)) = object.get_mut("properties") {
        for name in required {
            if let Some(Value::Object(p)) = props.get_mut(&name)
                && p.get("type") == Some(&json!("string"))
            {
                p.entry("minLength").or_insert(json!(1));
                // Not blank either: some character that is not a space.
                p.entry("pattern").or_insert(json!("\\S"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refinement names a property that exists.
    #[test]
    fn refinements_apply() {
        let raw = serde_json::to_value(schemars::schema_for!(AssociationFile)).unwrap();
        let mut raw = raw;
        for (def, prop, _) in refinements() {
            assert!(
                def_mut(&mut raw, def)
                    .and_then(|d| d.get("properties"))
                    .and_then(|p| p.get(prop))
                    .is_some(),
                "refinement of {def}.{prop} names no property"
            );
        }
    }
}
