//! Structural problems of an association file, all of them at once: unknown
//! fields (with « did you mean »), missing fields, wrong types, unknown values,
//! invalid amounts, blank texts, keys written twice.
//!
//! serde stops at the first error; this walk goes over the whole `serde_json::Value`
//! against the JSON Schema that `schema` generates from `model`, so the two can
//! never disagree on what a field is. It also *repairs* a copy of the value
//! where the intent is clear (a misspelt field renamed, an unknown one dropped,
//! an amount rounded) so that the semantic rules can still run on the rest of
//! the file; whatever it repaired is *tainted* and the semantic rules stay
//! silent about it. It reads and judges structure only: no identifier or
//! business rule here (that is `check::association`).

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Lang, Text};
use crate::locate::JsonPath;
use crate::tr;

/// Where a caret should point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// At the key of the member (`"fundng"`), or the value if it has no key.
    Key,
    /// At the value itself.
    Value,
}

/// One structural problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: JsonPath,
    pub point: Point,
    /// The stable code (`docs/diagnostics.md`).
    pub code: Code,
    pub message: Text,
    pub hint: Option<Text>,
}

/// The outcome of the walk.
#[derive(Debug, Clone)]
pub struct Structure {
    pub problems: Vec<Problem>,
    /// The value with what could be repaired repaired.
    pub repaired: Value,
    /// Paths (in repaired naming) of what was wrong or repaired: the semantic
    /// rules say nothing at, above or below them.
    pub tainted: Vec<JsonPath>,
    /// Renamed members: (path in repaired naming, path in the source text).
    pub renames: Vec<(JsonPath, JsonPath)>,
}

impl Structure {
    /// The path as written in the source text (undoing renames).
    pub fn source_path(&self, p: &JsonPath) -> JsonPath {
        for (new, old) in &self.renames {
            if new.is_prefix_of(p) {
                let mut segs = old.0.clone();
                segs.extend_from_slice(&p.0[new.0.len()..]);
                return JsonPath(segs);
            }
        }
        p.clone()
    }

    /// True if a semantic diagnostic at `p` would only repeat a structural one.
    pub fn is_tainted(&self, p: &JsonPath) -> bool {
        self.tainted
            .iter()
            .any(|t| t.is_prefix_of(p) || p.is_prefix_of(t))
    }
}

/// Walks `value` against `schema` (draft 2020-12, the subset schemars emits).
pub fn walk(schema: &Value, value: &Value) -> Structure {
    let mut w = Walker {
        defs: schema.get("$defs").and_then(Value::as_object),
        problems: Vec::new(),
        tainted: Vec::new(),
        renames: Vec::new(),
    };
    let mut repaired = value.clone();
    w.walk(schema, &mut repaired, &JsonPath::root(), None);
    Structure {
        problems: w.problems,
        repaired,
        tainted: w.tainted,
        renames: w.renames,
    }
}

/// What the parent should do with a value the walk could not repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    /// Unusable as it is: an optional member is dropped, a map entry removed.
    Drop,
}

struct Walker<'s> {
    defs: Option<&'s Map<String, Value>>,
    problems: Vec<Problem>,
    tainted: Vec<JsonPath>,
    renames: Vec<(JsonPath, JsonPath)>,
}

/// « une chaîne », « un objet »… for messages.
fn type_words(t: &str) -> Text {
    let (fr, en) = match t {
        "object" => ("un objet", "an object"),
        "array" => ("une liste", "an array"),
        "string" => ("un texte", "a string"),
        "number" => ("un nombre", "a number"),
        "integer" => ("un nombre entier", "a whole number"),
        "boolean" => ("true ou false", "true or false"),
        "null" => ("null", "null"),
        _ => ("une valeur", "a value"),
    };
    Text::new(fr, en)
}

/// What a value is, for messages: « le texte "2026" ».
fn found_words(v: &Value) -> Text {
    match v {
        Value::Null => Text::verbatim("null"),
        Value::Bool(b) => Text::verbatim(format!("`{b}`")),
        Value::Number(n) => tr!("le nombre {n}", "the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ell = if short.len() < s.len() { "…" } else { "" };
            tr!("le texte \"{short}{ell}\"", "the string \"{short}{ell}\"")
        }
        Value::Array(_) => Text::new("une liste", "an array"),
        Value::Object(_) => Text::new("un objet", "an object"),
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn join_or(words: &[Text]) -> Text {
    let join = |lang: Lang, or: &str| match words {
        [] => String::new(),
        [a] => a.get(lang).to_string(),
        [rest @ .., last] => format!(
            "{} {or} {}",
            rest.iter()
                .map(|w| w.get(lang))
                .collect::<Vec<_>>()
                .join(", "),
            last.get(lang)
        ),
    };
    Text::new(join(Lang::Fr, "ou"), join(Lang::En, "or"))
}

/// « attendu : DESCRIPTION » (the schema's descriptions are French in both languages).
fn expected_desc(d: &str) -> Text {
    tr!("attendu\u{a0}: {d}", "expected: {d}")
}

/// The closest of `candidates` to `word`, if close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lw = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lw, &c.to_lowercase()), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str)
}

impl<'s> Walker<'s> {
    fn problem(
        &mut self,
        code: Code,
        path: &JsonPath,
        point: Point,
        message: impl Into<Text>,
        hint: Option<Text>,
    ) {
        let message = message.into();
        self.tainted.push(path.clone());
        self.problems.push(Problem {
            path: path.clone(),
            point,
            code,
            message,
            hint,
        });
    }

    fn resolve(&self, schema: &'s Value) -> (&'s Value, Option<&'s str>) {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or(r);
                match self.defs.and_then(|d| d.get(name)) {
                    Some(def) => (def, Some(name)),
                    None => (schema, None),
                }
            }
            None => (schema, None),
        }
    }

    /// `label` is the member's schema (for its description) when walking a member.
    fn walk(
        &mut self,
        schema: &'s Value,
        value: &mut Value,
        path: &JsonPath,
        label: Option<&'s Value>,
    ) -> Fate {
        let (schema, def) = self.resolve(schema);
        let label = label.or(Some(schema));
        if def == Some("Montant") {
            return self.amount(value, path);
        }
        if let Some(branches) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            return self.alternatives(branches, value, path, label);
        }
        let types = types_of(schema);
        if !types.is_empty() && !types.iter().any(|t| has_type(value, t)) {
            let expected: Vec<Text> = types.iter().map(|t| type_words(t)).collect();
            let hint = match (types.as_slice(), &*value) {
                (t, Value::String(s))
                    if (t.contains(&"number") || t.contains(&"integer"))
                        && s.trim().parse::<f64>().is_ok() =>
                {
                    Some(tr!(
                        "écrivez le nombre sans guillemets\u{a0}: {}",
                        "write the number without quotes: {}",
                        s.trim()
                    ))
                }
                (t, Value::Number(n)) if t.contains(&"string") => Some(tr!(
                    "mettez la valeur entre guillemets\u{a0}: \"{n}\"",
                    "put the value in quotes: \"{n}\""
                )),
                (t, Value::Number(n)) if t.contains(&"integer") => {
                    let d = description(label.unwrap_or(schema))
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    Some(tr!(
                        "{n} n'est pas un nombre entier{d}",
                        "{n} is not a whole number{d}"
                    ))
                }
                _ => description(label.unwrap_or(schema)).map(expected_desc),
            };
            self.problem(
                Code::DON_082,
                path,
                Point::Value,
                {
                    let (e, f) = (join_or(&expected), found_words(value));
                    Text::new(
                        format!("{} attendu, trouvé {}", e.fr, f.fr),
                        format!("expected {}, found {}", e.en, f.en),
                    )
                },
                hint,
            );
            // Read it as meant (a postcode written as a number), so that the other rules still run.
            let coerced = match &*value {
                Value::Number(n) if types.contains(&"string") => Some(Value::String(n.to_string())),
                Value::String(s) if types.contains(&"number") => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
                Value::String(s) if types.contains(&"integer") => {
                    s.trim().parse::<i64>().ok().map(Value::from)
                }
                _ => None,
            };
            return match coerced {
                Some(v) => {
                    *value = v;
                    Fate::Keep
                }
                None => Fate::Drop,
            };
        }
        if let Some(i) = value.as_i64()
            && schema.get("format").and_then(Value::as_str) == Some("int32")
            && i32::try_from(i).is_err()
        {
            self.problem(
                Code::DON_083,
                path,
                Point::Value,
                tr!("{i} est hors limites", "{i} is out of range"),
                description(label.unwrap_or(schema)).map(expected_desc),
            );
            return Fate::Drop;
        }
        if let Some(c) = schema.get("const")
            && c != value
        {
            self.problem(
                Code::DON_084,
                path,
                Point::Value,
                {
                    let f = found_words(value);
                    Text::new(
                        format!("{c} attendu, trouvé {}", f.fr),
                        format!("expected {c}, found {}", f.en),
                    )
                },
                None,
            );
            return Fate::Drop;
        }
        match value {
            Value::Object(map) => self.object(schema, map, path),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let mut fates = Vec::new();
                    for (i, item) in items.iter_mut().enumerate() {
                        fates.push(self.walk(item_schema, item, &path.index(i), None));
                    }
                    if fates.contains(&Fate::Drop) {
                        // Removing an item would shift the indexes of the others.
                        return Fate::Drop;
                    }
                }
                Fate::Keep
            }
            Value::String(s) => {
                if schema.get("minLength").and_then(Value::as_u64) == Some(1) && s.trim().is_empty()
                {
                    let name = path.last_key().unwrap_or("text").to_string();
                    self.problem(
                        Code::DON_085,
                        path,
                        Point::Value,
                        tr!("`{name}` est vide", "`{name}` is empty"),
                        description(label.unwrap_or(schema)).map(expected_desc),
                    );
                }
                Fate::Keep
            }
            _ => Fate::Keep,
        }
    }

    fn amount(&mut self, value: &mut Value, path: &JsonPath) -> Fate {
        let Some(v) = value.as_f64() else {
            let hint = match &*value {
                Value::String(s) if s.trim().replace(',', ".").parse::<f64>().is_ok() => tr!(
                    "écrivez le montant comme un nombre JSON, sans guillemets ni espaces\u{a0}: {}",
                    "write the amount as a JSON number, without quotes or spaces: {}",
                    s.trim().replace(',', ".")
                ),
                _ => Text::new(
                    "écrivez le montant en euros comme un nombre JSON, par exemple 45000 ou 47500.5",
                    "write the amount in euros as a JSON number, e.g. 45000 or 47500.5",
                ),
            };
            self.problem(
                Code::DON_086,
                path,
                Point::Value,
                {
                    let f = found_words(value);
                    Text::new(
                        format!("un montant en euros (un nombre) attendu, trouvé {}", f.fr),
                        format!("expected an amount in euros (a number), found {}", f.en),
                    )
                },
                Some(hint),
            );
            return Fate::Drop;
        };
        let cents = v * 100.0;
        if (cents - cents.round()).abs() > 1e-6 {
            let rounded = cents.round() / 100.0;
            self.problem(
                Code::DON_087,
                path,
                Point::Value,
                tr!(
                    "le montant {v} a plus de deux décimales",
                    "amount {v} has more than two decimals"
                ),
                Some(tr!(
                    "les montants sont en euros et centimes\u{a0}: écrivez {rounded}",
                    "amounts are euros and cents: write {rounded}"
                )),
            );
            *value = serde_json::json!(rounded.abs());
        }
        if v < 0.0 {
            self.problem(
                Code::DON_088,
                path,
                Point::Value,
                tr!("le montant {v} est négatif", "amount {v} is negative"),
                Some(Text::new(
                    "les montants sont des euros, nuls ou positifs",
                    "amounts are euros, zero or more",
                )),
            );
            *value = serde_json::json!(v.abs());
        }
        Fate::Keep
    }

    fn alternatives(
        &mut self,
        branches: &'s [Value],
        value: &mut Value,
        path: &JsonPath,
        label: Option<&'s Value>,
    ) -> Fate {
        let resolved: Vec<&'s Value> = branches.iter().map(|b| self.resolve(b).0).collect();
        // An enumeration of strings.
        let consts: Vec<&str> = resolved
            .iter()
            .filter_map(|b| b.get("const").and_then(Value::as_str))
            .collect();
        if !consts.is_empty() && consts.len() == resolved.len() {
            if let Some(s) = value.as_str() {
                if consts.contains(&s) {
                    return Fate::Keep;
                }
                let list = consts
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let suggestion = closest(s, consts.iter().copied());
                self.problem(
                    Code::DON_089,
                    path,
                    Point::Value,
                    tr!(
                        "valeur inconnue `{s}`, valeurs possibles\u{a0}: {list}",
                        "unknown value `{s}`, expected one of {list}"
                    ),
                    Some(match suggestion {
                        Some(c) => tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"),
                        None => tr!(
                            "écrivez l'une de ces valeurs\u{a0}: {list}",
                            "write one of {list}"
                        ),
                    }),
                );
                if let Some(c) = suggestion {
                    *value = Value::String(c.to_string());
                    return Fate::Keep;
                }
                return Fate::Drop;
            }
            self.problem(
                Code::DON_090,
                path,
                Point::Value,
                {
                    let list = consts
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let f = found_words(value);
                    Text::new(
                        format!("l'une des valeurs {} attendue, trouvé {}", list, f.fr),
                        format!("expected one of {}, found {}", list, f.en),
                    )
                },
                None,
            );
            return Fate::Drop;
        }
        if value.is_null() && resolved.iter().any(|b| types_of(b) == ["null"]) {
            return Fate::Keep;
        }
        let non_null: Vec<&'s Value> = resolved
            .iter()
            .copied()
            .filter(|b| types_of(b) != ["null"])
            .collect();
        if let [only] = non_null.as_slice() {
            let pick = branches
                .iter()
                .find(|b| types_of(self.resolve(b).0) != ["null"])
                .unwrap_or(only);
            return self.walk(pick, value, path, label);
        }
        // Several typed alternatives (a target: a number or a text).
        if non_null
            .iter()
            .any(|b| types_of(b).iter().any(|t| has_type(value, t)))
        {
            return Fate::Keep;
        }
        let mut expected: Vec<Text> = non_null
            .iter()
            .flat_map(|b| types_of(b))
            .map(type_words)
            .collect();
        expected.dedup();
        self.problem(
            Code::DON_091,
            path,
            Point::Value,
            {
                let (e, f) = (join_or(&expected), found_words(value));
                Text::new(
                    format!("{} attendu, trouvé {}", e.fr, f.fr),
                    format!("expected {}, found {}", e.en, f.en),
                )
            },
            label.and_then(description).map(expected_desc),
        );
        Fate::Drop
    }

    fn object(&mut self, schema: &'s Value, map: &mut Map<String, Value>, path: &JsonPath) -> Fate {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = schema.get("additionalProperties");
        let closed = additional == Some(&Value::Bool(false));

        // Unknown members: renamed to the field they misspell when it is missing, else dropped.
        if closed {
            let unknown: Vec<String> = map
                .keys()
                .filter(|k| !props.contains_key(*k))
                .cloned()
                .collect();
            for key in unknown {
                let missing: Vec<&str> = props
                    .keys()
                    .map(String::as_str)
                    .filter(|p| !map.contains_key(*p))
                    .collect();
                let to_missing = closest(&key, missing.iter().copied());
                let to_any = closest(&key, props.keys().map(String::as_str));
                let kpath = path.key(&key);
                let hint = match (to_missing, to_any) {
                    (Some(p), _) => tr!("vouliez-vous dire `{p}`\u{a0}?", "did you mean `{p}`?"),
                    (None, Some(p)) => tr!(
                        "vouliez-vous dire `{p}`\u{a0}? (il est déjà donné\u{a0}: supprimez celui-ci)",
                        "did you mean `{p}`? (it is already given: remove this one)"
                    ),
                    (None, None) => {
                        let names: Vec<&str> = props
                            .keys()
                            .map(String::as_str)
                            .filter(|k| *k != "$schema")
                            .collect();
                        let names = names.join(", ");
                        tr!(
                            "supprimez-le\u{a0}; les champs possibles ici sont\u{a0}: {names}",
                            "remove it; the fields here are: {names}"
                        )
                    }
                };
                self.problem(
                    Code::DON_092,
                    &kpath,
                    Point::Key,
                    tr!("champ inconnu `{key}`", "unknown field `{key}`"),
                    Some(hint),
                );
                let v = map.remove(&key).expect("listed");
                if let Some(p) = to_missing {
                    let npath = path.key(p);
                    self.renames.push((npath.clone(), kpath));
                    self.tainted.push(npath);
                    map.insert(p.to_string(), v);
                }
            }
        }

        let mut fate = Fate::Keep;
        for r in &required {
            if !map.contains_key(*r) {
                let what = props
                    .get(*r)
                    .and_then(|p| description(p).or_else(|| description(self.resolve(p).0)));
                let hint = match what {
                    Some(d) => tr!("ajoutez `\"{r}\"`\u{a0}: {d}", "add `\"{r}\"`: {d}"),
                    None => tr!("ajoutez `\"{r}\"`", "add `\"{r}\"`"),
                };
                let at = if path.is_root() {
                    Text::new("au premier niveau", "at the top level")
                } else {
                    let parent = path
                        .last_key()
                        .map(str::to_string)
                        .unwrap_or_else(|| path.to_string());
                    tr!("dans `{parent}`", "in `{parent}`")
                };
                self.problem(
                    Code::DON_093,
                    path,
                    Point::Key,
                    Text::new(
                        format!("champ `{r}` manquant {}", at.fr),
                        format!("missing field `{r}` {}", at.en),
                    ),
                    Some(hint),
                );
                self.tainted.push(path.key(r));
                fate = Fate::Drop;
            }
        }

        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let child_path = path.key(&key);
            let child_schema = match props.get(&key) {
                Some(s) => s,
                None => match additional {
                    Some(s @ Value::Object(_)) => s,
                    _ => continue,
                },
            };
            let is_member = props.contains_key(&key);
            let child = map.get_mut(&key).expect("listed");
            let f = self.walk(
                child_schema,
                child,
                &child_path,
                if is_member { Some(child_schema) } else { None },
            );
            if f == Fate::Drop {
                if is_member && required.contains(&key.as_str()) {
                    fate = Fate::Drop;
                } else {
                    map.remove(&key);
                }
            }
        }
        // A dropped required member makes the object unusable; the parent decides.
        if fate == Fate::Drop && !path.is_root() {
            return Fate::Drop;
        }
        Fate::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(v: Value) -> Vec<String> {
        let s = walk(crate::schema::cached(), &v);
        s.problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message.en))
            .collect()
    }

    #[test]
    fn reports_every_structural_problem() {
        let v = json!({
            "association": {"name": "", "legal_form": "x", "siret": 123, "adress": {}, "representative": {"civility": "M.", "name": "A", "role": "président"}},
            "convention": {"kind": "cpos", "reference": "R", "years": "2026", "regime": "sieg",
                           "funding": {"2026": -1, "2027": 1.005}, "decision": {"body": "b", "date": "d", "number": "n"},
                           "signature": {"place": "p", "date": null}, "fundng": {}},
            "project": {"title": "t", "summary": "s"},
            "dashboard": {"objectives": [{"id": "O1", "priority": "P1", "title": "t", "indicators": [{"id": "i", "label": "l", "type": "quantitative", "targets": {"2026": [1]}}]}]}
        });
        let p = problems(v);
        assert_eq!(
            p,
            vec![
                "association.adress: unknown field `adress`",
                "association.name: `name` is empty",
                "association.siret: expected a string, found the number 123",
                // The misspelt member is read as `address`: what it lacks is reported too.
                "association.address: missing field `street` in `address`",
                "association.address: missing field `postcode` in `address`",
                "association.address: missing field `city` in `address`",
                "convention.fundng: unknown field `fundng`",
                "convention.kind: unknown value `cpos`, expected one of `cpo`, `annuelle`, `cadre`",
                "convention.years: expected an array, found the string \"2026\"",
                "convention.funding.2026: amount -1 is negative",
                "convention.funding.2027: amount 1.005 has more than two decimals",
                "dashboard.objectives[0].indicators[0].targets.2026: expected a number or a string, found an array",
            ]
        );
    }
}
