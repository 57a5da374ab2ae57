//! `charta schema`: a JSON Schema (draft 2020-12) of association files that an
//! editor can use. Checked here with a small validator written apart from
//! `check::structure` (so the two cross-check each other): every property has a
//! French description, the example files and the corpus' valid files validate,
//! and the corpus' structural cases do not.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use serde_json::Value;

fn schema() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_charta"))
        .arg("schema")
        .output()
        .expect("charta schema runs");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

/// Validates `v` against `s` (the draft 2020-12 keywords the schema uses); returns the problems.
fn validate(root: &Value, s: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local ref");
        validate(root, &root["$defs"][name], v, at, out);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("type"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            other => panic!("type {other}"),
        });
        if !ok {
            out.push(format!("{at}: not {types:?}"));
            return;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = s.get(key).and_then(Value::as_array) {
            let passing = branches
                .iter()
                .filter(|b| {
                    let mut o = Vec::new();
                    validate(root, b, v, at, &mut o);
                    o.is_empty()
                })
                .count();
            if passing == 0 || (key == "oneOf" && passing > 1) {
                out.push(format!("{at}: {key} ({passing} branches pass)"));
            }
        }
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        out.push(format!("{at}: not {c}"));
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < min
    {
        out.push(format!("{at}: below {min}"));
    }
    if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), v.as_f64())
        && n > max
    {
        out.push(format!("{at}: above {max}"));
    }
    if let (Some(m), Some(n)) = (s.get("multipleOf").and_then(Value::as_f64), v.as_f64()) {
        let q = n / m;
        if (q - q.round()).abs() > 1e-6 {
            out.push(format!("{at}: not a multiple of {m}"));
        }
    }
    if let Some(text) = v.as_str() {
        if let Some(p) = s.get("pattern").and_then(Value::as_str)
            && !Regex::new(p).expect("pattern compiles").is_match(text)
        {
            out.push(format!("{at}: does not match {p}"));
        }
        if s.get("format").and_then(Value::as_str) == Some("date")
            && charta::french::parse_date(text).is_none()
        {
            out.push(format!("{at}: not a date"));
        }
        if let Some(n) = s.get("minLength").and_then(Value::as_u64)
            && (text.chars().count() as u64) < n
        {
            out.push(format!("{at}: shorter than {n}"));
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(is) = s.get("items") {
            for (i, x) in items.iter().enumerate() {
                validate(root, is, x, &format!("{at}[{i}]"), out);
            }
        }
        if let Some(n) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < n
        {
            out.push(format!("{at}: fewer than {n} items"));
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true))
            && (1..items.len()).any(|i| items[..i].contains(&items[i]))
        {
            out.push(format!("{at}: repeated items"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(r.as_str().expect("name")) {
                out.push(format!("{at}: missing {r}"));
            }
        }
        for (k, x) in obj {
            let here = format!("{at}.{k}");
            if let Some(names) = s.get("propertyNames") {
                validate(root, names, &Value::String(k.clone()), &here, out);
            }
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => validate(root, ps, x, &here, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{here}: not allowed")),
                (None, Some(a @ Value::Object(_))) => validate(root, a, x, &here, out),
                _ => {}
            }
        }
    }
}

fn problems(schema: &Value, file: &Path) -> Vec<String> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("read"))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut out = Vec::new();
    validate(schema, schema, &v, "", &mut out);
    out
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn schema_is_draft_2020_12_and_is_what_the_library_generates() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s, charta::schema::association_schema());
    // A `$schema` key is allowed in data files, for editors.
    assert_eq!(s["properties"]["$schema"]["type"], "string");
    assert!(s["properties"]["$schema"].get("writeOnly").is_none());
}

/// Every property, everywhere in the schema, has a description, in French.
#[test]
fn every_property_has_a_french_description() {
    fn walk(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    for (k, p) in props {
                        let d = p.get("description").and_then(Value::as_str).unwrap_or("");
                        let english = ["A ", "An ", "The ", "Per-", "How ", "Path "]
                            .iter()
                            .any(|w| d.starts_with(w));
                        if d.trim().is_empty() || english {
                            out.push(format!("{at}.{k}: {d:?}"));
                        }
                    }
                }
                for (k, x) in m {
                    walk(x, &format!("{at}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let s = schema();
    let mut missing = Vec::new();
    walk(&s, "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without a French description: {missing:#?}"
    );
    for (name, def) in s["$defs"].as_object().expect("defs") {
        let d = def.get("description").and_then(Value::as_str).unwrap_or("");
        assert!(!d.is_empty() && !d.starts_with("A "), "$defs.{name}: {d:?}");
    }
}

#[test]
fn example_and_valid_files_validate() {
    let s = schema();
    let mut files = Vec::new();
    for prog in [
        "examples/economie-solidaire",
        "examples/departement-minimal",
    ] {
        files.extend(json_files(&root().join(prog).join("associations")));
    }
    files.extend(json_files(
        &root().join("tests/check-cases/programme/associations"),
    ));
    files.extend(json_files(&root().join("tests/check-cases/valid")));
    assert!(files.len() >= 14);
    for f in files {
        let p = problems(&s, &f);
        assert!(p.is_empty(), "{}: {p:#?}", f.display());
    }
}

/// What the schema can say, it says: the structural cases of the corpus (and those whose
/// rule is a pattern, a bound or a date format) fail it too, so an editor flags them.
#[test]
fn structural_cases_fail_the_schema() {
    let s = schema();
    let cases = root().join("tests/check-cases/associations");
    for case in [
        "champ-inconnu",
        "champ-manquant",
        "type-errone",
        "valeur-inconnue",
        "montant-decimales",
        "montant-negatif",
        "texte-vide",
        "siret-longueur",
        "rna-format",
        "bic-format",
        "avance-hors-bornes",
        "date-decision-invalide",
        "date-signature-invalide",
        "cer-date-invalide",
        "plusieurs-problemes",
    ] {
        let p = problems(&s, &cases.join(format!("{case}.json")));
        assert!(!p.is_empty(), "{case} passes the schema");
    }
    // Rules the schema cannot express (checksums, references, years, the programme's clause
    // ids: the schema only suggests the built-in ones) are charta check's alone.
    for case in [
        "siret-luhn",
        "iban-mod97",
        "priorite-inconnue",
        "annee-manquante",
        "clause-inconnue",
    ] {
        let p = problems(&s, &cases.join(format!("{case}.json")));
        assert!(p.is_empty(), "{case}: {p:?}");
    }
}
