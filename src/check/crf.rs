//! Comptes rendus financiers, `PROG/reviews/<year>/<id>.crf.json` (arrêté du
//! 11 octobre 2006, Cerfa n° 15059; issue #31): the actual charges and
//! produits of the project, under the keys of the budget prévisionnel
//! (`convention.budget`), the date it was received, the fonds dédiés and the
//! explanations of the gaps. Walked by hand like the review files, so that
//! every problem is reported at once, at its JSON path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::check::Sink;
use crate::check::structure::{Point, closest};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, CHARGE_LABELS, PRODUIT_LABELS};
use crate::tr;

use super::review::{YearFile, open_year_file, read_year_file, type_name, unknown_key};

/// The end of a compte rendu financier's file name.
pub const SUFFIX: &str = ".crf.json";

const ROOT_KEYS: [&str; 7] = [
    "$schema",
    "received_on",
    "charges",
    "produits",
    "en_nature",
    "fonds_dedies",
    "explications",
];

/// One compte rendu financier, validated. Amounts in cents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Crf {
    /// The date the funder received it (`None`: not yet).
    pub received_on: Option<(i32, u8, u8)>,
    /// The actual amount of each line, by its key (« charges.personnel »,
    /// « produits.subventions.region »); `None`: left empty.
    pub actual: BTreeMap<String, Option<i64>>,
    pub en_nature: Option<i64>,
    pub fonds_dedies: Option<i64>,
    /// The explanation of a gap, by the key of its line.
    pub explications: BTreeMap<String, String>,
}

impl Crf {
    /// The total of one side (`charges`, `produits`), the lines left empty
    /// counting for nothing; `None` when every line of the side is empty.
    pub fn total(&self, side: &str) -> Option<i64> {
        let prefix = format!("{side}.");
        let given: Vec<i64> = self
            .actual
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, v)| *v)
            .collect();
        (!given.is_empty()).then(|| given.iter().sum())
    }
}

/// Every line key of a budget, in the form's order: `charges.<k>`, then `produits.<k>`.
pub fn line_keys() -> Vec<(String, &'static str)> {
    CHARGE_LABELS
        .iter()
        .map(|(k, l)| (format!("charges.{k}"), *l))
        .chain(
            PRODUIT_LABELS
                .iter()
                .map(|(k, l)| (format!("produits.{k}"), *l)),
        )
        .collect()
}

/// `PROG/reviews/<year>/<id>.crf.json`.
pub fn crf_path(root: &Path, year: i32, id: &str) -> PathBuf {
    root.join("reviews")
        .join(year.to_string())
        .join(format!("{id}{SUFFIX}"))
}

/// Reads and validates the compte rendu of `id` for `year`, if there is one.
pub fn load(prog: &Programme, year: i32, id: &str) -> Option<(Option<Crf>, Vec<Diagnostic>)> {
    let path = crf_path(&prog.root, year, id);
    if !path.exists() {
        return None;
    }
    Some(read_year_file(prog, id, &path, |text, data| {
        validate(&path, text, year, id, data)
    }))
}

/// Every compte rendu of `year` in `PROG/reviews/<year>/`, by id.
pub fn files(root: &Path, year: i32) -> Vec<(String, PathBuf)> {
    let dir = root.join("reviews").join(year.to_string());
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = rd
        .filter_map(Result::ok)
        .filter_map(|f| {
            let name = f.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(SUFFIX)?.to_string();
            Some((id, f.path()))
        })
        .collect();
    out.sort();
    out
}

/// Validates one compte rendu financier.
pub fn validate(
    path: &Path,
    text: &str,
    year: i32,
    id: &str,
    data: Option<&AssociationFile>,
) -> (Option<Crf>, Vec<Diagnostic>) {
    let (obj, mut s) = match open_year_file(path, text, year, id, data, YearFile::Crf) {
        Ok(opened) => opened,
        Err(d) => return (None, d),
    };
    let root = JsonPath::root();
    let mut crf = Crf::default();
    for (k, v) in &obj {
        let p = root.key(k);
        match k.as_str() {
            "$schema" => {}
            "received_on" => crf.received_on = received_on(&mut s, p, v),
            "charges" => side(&mut s, p, v, "charges", &mut crf.actual),
            "produits" => side(&mut s, p, v, "produits", &mut crf.actual),
            "en_nature" => crf.en_nature = amount(&mut s, p, v),
            "fonds_dedies" => crf.fonds_dedies = amount(&mut s, p, v),
            "explications" => crf.explications = explications(&mut s, p, v),
            _ => unknown_key(&mut s, p, k, &ROOT_KEYS),
        }
    }
    (Some(crf), s.out)
}

fn received_on(s: &mut Sink, path: JsonPath, v: &Value) -> Option<(i32, u8, u8)> {
    if v.is_null() {
        return None;
    }
    let parsed = v.as_str().and_then(crate::french::parse_date);
    if parsed.is_none() {
        s.error(
            Code::BIL_122,
            path,
            Point::Value,
            tr!(
                "`received_on` n'est pas une date valide",
                "`received_on` is not a valid date"
            ),
            Text::new(
                "écrivez la date de réception entre guillemets au format AAAA-MM-JJ, ou null tant qu'il n'est pas reçu",
                "write the date of receipt in quotes as YYYY-MM-DD, or null while it is not received",
            ),
        );
    }
    parsed
}

/// An amount in euros, zero or more, at most two decimals; `null`: left empty.
fn amount(s: &mut Sink, path: JsonPath, v: &Value) -> Option<i64> {
    if v.is_null() {
        return None;
    }
    let cents = v.as_f64().filter(|x| x.is_finite()).map(|x| x * 100.0);
    match cents {
        Some(c) if c >= 0.0 && (c - c.round()).abs() <= 1e-6 => Some(c.round() as i64),
        _ => {
            let shown = match v {
                Value::Number(n) => n.to_string(),
                other => type_name(other).to_string(),
            };
            s.error(
                Code::BIL_121,
                path,
                Point::Value,
                tr!(
                    "{shown} n'est pas un montant en euros positif ou nul",
                    "{shown} is not an amount in euros, zero or more"
                ),
                Text::new(
                    "écrivez un nombre en euros, au plus deux décimales (12500 ou 12500.5), ou null",
                    "write a number in euros, at most two decimals (12500 or 12500.5), or null",
                ),
            );
            None
        }
    }
}

/// `charges` or `produits`: every line of the budget's keys.
fn side(
    s: &mut Sink,
    path: JsonPath,
    v: &Value,
    name: &str,
    out: &mut BTreeMap<String, Option<i64>>,
) {
    let keys: Vec<String> = line_keys()
        .into_iter()
        .filter_map(|(k, _)| k.strip_prefix(&format!("{name}.")).map(str::to_string))
        .collect();
    walk(s, path, v, name, &keys, out);
}

/// An object of amounts whose keys are `keys` (dotted for a nested object).
fn walk(
    s: &mut Sink,
    path: JsonPath,
    v: &Value,
    prefix: &str,
    keys: &[String],
    out: &mut BTreeMap<String, Option<i64>>,
) {
    let Some(m): Option<&Map<String, Value>> = v.as_object() else {
        if !v.is_null() {
            s.error(
                Code::BIL_120,
                path,
                Point::Value,
                tr!(
                    "`{prefix}` doit être un objet, pas {}",
                    "`{prefix}` must be an object, not {}",
                    type_name(v)
                ),
                Text::new(
                    "voir `charta review --template` pour un fichier à remplir",
                    "see `charta review --template` for a file to fill in",
                ),
            );
        }
        return;
    };
    let heads: Vec<&str> = keys
        .iter()
        .map(|k| k.split('.').next().unwrap_or(k))
        .collect();
    for (k, v) in m {
        let p = path.key(k);
        let nested: Vec<String> = keys
            .iter()
            .filter_map(|x| x.strip_prefix(&format!("{k}.")).map(str::to_string))
            .collect();
        if !nested.is_empty() {
            walk(s, p, v, &format!("{prefix}.{k}"), &nested, out);
        } else if keys.iter().any(|x| x == k) {
            out.insert(format!("{prefix}.{k}"), amount(s, p, v));
        } else {
            let mut allowed = heads.clone();
            allowed.dedup();
            unknown_key(s, p, k, &allowed);
        }
    }
}

/// `explications`: a text by line key (« charges.personnel »).
fn explications(s: &mut Sink, path: JsonPath, v: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(m) = v.as_object() else {
        if !v.is_null() {
            s.error(
                Code::BIL_123,
                path,
                Point::Value,
                tr!(
                    "`explications` doit être un objet, pas {}",
                    "`explications` must be an object, not {}",
                    type_name(v)
                ),
                Text::new(
                    "écrivez { \"charges.personnel\": \"un poste vacant six mois\" }",
                    "write { \"charges.personnel\": \"un poste vacant six mois\" }",
                ),
            );
        }
        return out;
    };
    let keys = line_keys();
    for (k, v) in m {
        let p = path.key(k);
        if !keys.iter().any(|(x, _)| x == k) {
            let hint = match closest(k, keys.iter().map(|(x, _)| x.as_str())) {
                Some(c) => tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"),
                None => Text::new(
                    "la clé est celle de la ligne expliquée, par exemple `charges.personnel`",
                    "the key is the line's, e.g. `charges.personnel`",
                ),
            };
            s.error(
                Code::BIL_123,
                p,
                Point::Key,
                tr!(
                    "`{k}` n'est pas une ligne du budget",
                    "`{k}` is not a line of the budget"
                ),
                hint,
            );
            continue;
        }
        match v {
            Value::Null => {}
            Value::String(t) if t.trim().is_empty() => {}
            Value::String(t) => {
                out.insert(k.clone(), t.trim().to_string());
            }
            other => s.error(
                Code::BIL_123,
                p,
                Point::Value,
                tr!(
                    "l'explication de `{k}` doit être un texte, pas {}",
                    "the explanation of `{k}` must be a text, not {}",
                    type_name(other)
                ),
                Text::new(
                    "écrivez-la entre guillemets, ou mettez null",
                    "write it in quotes, or null",
                ),
            ),
        }
    }
    out
}

/// The compte rendu to fill in: every line empty (null), nothing received yet.
pub fn template_json() -> Value {
    use serde_json::json;
    let mut charges = Map::new();
    for (k, _) in CHARGE_LABELS {
        charges.insert(k.to_string(), Value::Null);
    }
    let mut produits = Map::new();
    let mut subventions = Map::new();
    for (k, _) in PRODUIT_LABELS {
        match k.strip_prefix("subventions.") {
            Some(sub) => {
                subventions.insert(sub.to_string(), Value::Null);
                if !produits.contains_key("subventions") {
                    produits.insert("subventions".into(), Value::Null);
                }
            }
            None => {
                produits.insert(k.to_string(), Value::Null);
            }
        }
    }
    produits.insert("subventions".into(), Value::Object(subventions));
    json!({
        "received_on": null,
        "charges": charges,
        "produits": produits,
        "en_nature": null,
        "fonds_dedies": null,
        "explications": {},
    })
}
