//! Review files, `PROG/reviews/<year>/<id>.json`: reading and validating them.
//!
//! A review file is read as a `serde_json::Value` and walked by hand, so that
//! every problem is reported at once, at its JSON path (file, line, column),
//! with a hint: an unknown indicator id, a value of the wrong kind, an unknown
//! status, a year outside the convention are errors; an indicator left out or
//! left empty is a warning (the report says « non renseigné »). Nothing is
//! ever assumed for a missing value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::check::Sink;
use crate::check::structure::{Point, closest};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::load::Programme;
use crate::locate::{self, JsonPath};
use crate::model::{AssociationFile, Indicator, IndicatorType, ReviewConfig};
use crate::tr;

/// The status of a qualitative indicator, as the association reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QualStatus {
    Atteint,
    Partiel,
    NonAtteint,
}

impl QualStatus {
    pub const WORDS: [&'static str; 3] = ["atteint", "partiellement atteint", "non atteint"];

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "atteint" => Some(QualStatus::Atteint),
            "partiellement atteint" => Some(QualStatus::Partiel),
            "non atteint" => Some(QualStatus::NonAtteint),
            _ => None,
        }
    }
}

/// What the association reported for one indicator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reported {
    /// Quantitative: the value achieved (`None`: left empty).
    pub value: Option<f64>,
    /// Qualitative: the status (`None`: left empty).
    pub status: Option<QualStatus>,
    pub comment: Option<String>,
}

/// The financial figures of the year, each optional (amounts in euros).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finances {
    pub produits: Option<f64>,
    pub charges: Option<f64>,
    pub resultat: Option<f64>,
    pub fonds_propres: Option<f64>,
    pub tresorerie_jours: Option<f64>,
    pub subvention_versee: Option<f64>,
}

pub const FINANCE_KEYS: [&str; 6] = [
    "produits",
    "charges",
    "resultat",
    "fonds_propres",
    "tresorerie_jours",
    "subvention_versee",
];

/// What a payment of the year's subsidy was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    /// `avance`: paid before the year's review.
    Avance,
    /// `solde`: the balance, the last payment of the year's subsidy.
    Solde,
}

impl PaymentKind {
    pub const WORDS: [&'static str; 2] = ["avance", "solde"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "avance" => Some(PaymentKind::Avance),
            "solde" => Some(PaymentKind::Solde),
            _ => None,
        }
    }

    /// « Avance », « Solde ».
    pub fn label(self) -> &'static str {
        match self {
            PaymentKind::Avance => "Avance",
            PaymentKind::Solde => "Solde",
        }
    }
}

/// One payment of the year's subsidy the funder made, as the review file
/// records it (`payments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub date: (i32, u8, u8),
    /// In cents.
    pub amount: i64,
    pub kind: PaymentKind,
}

/// One association's review of one year, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    /// Date of the review (`date`, AAAA-MM-JJ), if given.
    pub date: Option<(i32, u8, u8)>,
    /// By indicator id; an indicator absent from the file is absent here.
    pub indicators: BTreeMap<String, Reported>,
    pub finances: Finances,
    /// The payments of the year's subsidy, as recorded (none: nothing is said
    /// of what was paid).
    pub payments: Vec<Payment>,
    pub narrative: Option<String>,
}

/// `PROG/reviews/<year>/<id>.json`.
pub fn review_path(root: &Path, year: i32, id: &str) -> PathBuf {
    root.join("reviews")
        .join(year.to_string())
        .join(format!("{id}.json"))
}

/// Every indicator of a dashboard, in order.
pub fn indicators(data: &AssociationFile) -> impl Iterator<Item = &Indicator> {
    data.dashboard
        .objectives
        .iter()
        .flat_map(|o| o.indicators.iter())
}

const ROOT_KEYS: [&str; 6] = [
    "$schema",
    "date",
    "indicators",
    "finances",
    "payments",
    "narrative",
];
const ENTRY_KEYS: [&str; 4] = ["value", "status", "comment", "target"];
const PAYMENT_KEYS: [&str; 3] = ["date", "amount", "kind"];

pub(crate) fn unknown_key(s: &mut Sink, path: JsonPath, key: &str, allowed: &[&str]) {
    let hint = match closest(key, allowed.iter().copied()) {
        Some(k) => tr!("vouliez-vous dire `{k}`\u{202f}?", "did you mean `{k}`?"),
        None => possible_fields(allowed),
    };
    s.error(
        Code::BIL_004,
        path,
        Point::Key,
        tr!("champ inconnu `{key}`", "unknown field `{key}`"),
        hint,
    );
}

/// « champs possibles : … ».
fn possible_fields(allowed: &[&str]) -> Text {
    let list = allowed.join(", ");
    tr!("champs possibles\u{a0}: {list}", "possible fields: {list}")
}

/// What a JSON value is, in French and in English.
pub(crate) fn type_names(v: &Value) -> (&'static str, &'static str) {
    match v {
        Value::Null => ("null", "null"),
        Value::Bool(_) => ("un booléen", "a boolean"),
        Value::Number(_) => ("un nombre", "a number"),
        Value::String(_) => ("un texte", "a text"),
        Value::Array(_) => ("une liste", "a list"),
        Value::Object(_) => ("un objet", "an object"),
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    type_names(v).0
}

/// « `x` doit être un nombre, pas un texte »: `fr` and `en` say what is
/// expected, the value says what was found.
fn must_be(v: &Value, fr: &str, en: &str) -> Text {
    let (f, e) = type_names(v);
    Text::new(format!("{fr}, pas {f}"), format!("{en}, not {e}"))
}

fn text_or_null(s: &mut Sink, path: JsonPath, v: &Value, what: &str) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(t) if t.trim().is_empty() => None,
        Value::String(t) => Some(t.clone()),
        other => {
            s.error(
                Code::BIL_005,
                path,
                Point::Value,
                must_be(
                    other,
                    &format!("{what} doit être un texte"),
                    &format!("{what} must be a text"),
                ),
                Text::new(
                    "écrivez-le entre guillemets, ou mettez null",
                    "write it in quotes, or null",
                ),
            );
            None
        }
    }
}

/// Validates one review file of `year` for association `id` (`data`: its
/// association file, `None` when there is none or it does not parse). Returns
/// the review (when the JSON could be read) and every problem.
pub fn validate(
    path: &Path,
    text: &str,
    year: i32,
    id: &str,
    data: Option<&AssociationFile>,
) -> (Option<Review>, Vec<Diagnostic>) {
    let (obj, mut s) = match open_year_file(path, text, year, id, data, YearFile::Review) {
        Ok(opened) => opened,
        Err(d) => return (None, d),
    };
    let mut review = top_keys(&obj, &mut s);
    if let Some(data) = data {
        review.indicators = indicators_given(&obj, data, &mut s);
    }
    (Some(review), s.out)
}

/// The JSON files of `reviews/<year>/`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum YearFile {
    /// `<id>.json`.
    Review,
    /// `<id>.crf.json` (`check::crf`).
    Crf,
}

/// A JSON file of `reviews/<year>/` read up to its root object: not JSON
/// (BIL-001), a key given twice (BIL-006), a root that is not an object
/// (BIL-007, BIL-120), then the association and its years (BIL-008,
/// BIL-009). `Err`: every problem, the file cannot be read further.
pub(crate) fn open_year_file<'a>(
    path: &'a Path,
    text: &'a str,
    year: i32,
    id: &str,
    data: Option<&AssociationFile>,
    kind: YearFile,
) -> Result<(Map<String, Value>, Sink<'a>), Vec<Diagnostic>> {
    let value: Value = serde_json::from_str(text).map_err(|e| vec![not_json(path, &e)])?;
    let mut s = Sink::new(path, text, None);
    duplicate_keys(text, &mut s);
    let found = type_name(&value);
    let Value::Object(obj) = value else {
        let (code, message) = match kind {
            YearFile::Review => (
                Code::BIL_007,
                tr!(
                    "un fichier de bilan est un objet JSON, pas {}",
                    "a review file is a JSON object, not {}",
                    found
                ),
            ),
            YearFile::Crf => (
                Code::BIL_120,
                tr!(
                    "un compte rendu financier est un objet JSON, pas {}",
                    "a compte rendu financier is a JSON object, not {}",
                    found
                ),
            ),
        };
        s.error(
            code,
            JsonPath::root(),
            Point::Value,
            message,
            Text::new(
                "voir `charta review --template` pour un fichier à remplir",
                "see `charta review --template` for a file to fill in",
            ),
        );
        return Err(s.out);
    };
    association_covers(data, year, id, &mut s);
    Ok((obj, s))
}

/// Reads a file of `reviews/<year>/` of association `id` and validates it
/// with `validate` (its text, the association's data), unless the
/// association file does not parse: its own errors say why, and without it
/// this file cannot be judged.
pub(crate) fn read_year_file<T>(
    prog: &Programme,
    id: &str,
    path: &Path,
    validate: impl FnOnce(&str, Option<&AssociationFile>) -> (Option<T>, Vec<Diagnostic>),
) -> (Option<T>, Vec<Diagnostic>) {
    let text = match crate::encoding::read_text(path) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let entry = prog.associations.iter().find(|a| a.id == id);
    if entry.is_some_and(|e| e.data.is_none()) {
        return (None, Vec::new());
    }
    validate(&text, entry.and_then(|a| a.data.as_deref()))
}

/// BIL-001: the file is not JSON.
pub(crate) fn not_json(path: &Path, e: &serde_json::Error) -> Diagnostic {
    Diagnostic::error(
        Code::BIL_001,
        tr!(
            "le fichier de bilan n'est pas du JSON valide\u{a0}: {e}",
            "the review file is not valid JSON: {e}"
        ),
    )
    .in_file(path)
    .at(e.line().max(1), e.column().max(1))
    .with_hint(Text::new(
        "corrigez la syntaxe JSON (virgule, guillemet ou accolade manquants)",
        "fix the JSON syntax (a missing comma, quote or bracket)",
    ))
}

/// BIL-006: a key given twice (only the last would count).
pub(crate) fn duplicate_keys(text: &str, s: &mut Sink) {
    for (p, _) in locate::duplicate_keys(text) {
        let key = p.last_key().unwrap_or_default().to_string();
        s.error(
            Code::BIL_006,
            p,
            Point::Key,
            tr!("`{key}` est donné deux fois", "`{key}` is given twice"),
            Text::new(
                "supprimez l'un des deux\u{a0}: seul le dernier compterait",
                "remove one of them: only the last one would count",
            ),
        );
    }
}

/// BIL-008, BIL-009: the association exists and its convention covers `year`.
pub(crate) fn association_covers(
    data: Option<&AssociationFile>,
    year: i32,
    id: &str,
    s: &mut Sink,
) {
    let root = JsonPath::root();
    match data {
        None => s.error(Code::BIL_008,
            root,
            Point::Value,
            tr!("aucune association `{id}` dans le programme", "no association `{id}` in the programme"),
            tr!("le nom du fichier est l'identifiant de l'association\u{a0}: il faut associations/{id}.json (valide), ou renommer ce fichier", "the file name is the association's id: associations/{id}.json (valid) is needed, or rename this file"
            ),
        ),
        Some(d) if !d.convention.years.contains(&year) => {
            let years = d
                .convention
                .years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            s.error(
                Code::BIL_009,
                root,
                Point::Value,
                tr!(
                    "l'année {year} n'est pas une année de la convention de `{id}` ({years})",
                    "{year} is not a year of the convention of `{id}` ({years})"
                ),
                Text::new(
                    "placez le bilan dans reviews/<année>/ d'une année couverte par la convention",
                    "put the review in reviews/<year>/ of a year the convention covers",
                ),
            )
        }
        Some(_) => {}
    }
}

/// The keys of the file's top level but `indicators` (read with the data).
fn top_keys(obj: &Map<String, Value>, s: &mut Sink) -> Review {
    let mut review = Review::default();
    for (k, v) in obj {
        let p = JsonPath::root().key(k);
        match k.as_str() {
            "$schema" | "indicators" => {}
            "date" => review.date = date(s, p, v),
            "narrative" => review.narrative = text_or_null(s, p, v, "`narrative`"),
            "finances" => review.finances = finances(s, p, v),
            "payments" => review.payments = payments(s, p, v),
            _ => unknown_key(s, p, k, &ROOT_KEYS),
        }
    }
    review
}

/// `date`: a calendar date (BIL-010).
fn date(s: &mut Sink, p: JsonPath, v: &Value) -> Option<(i32, u8, u8)> {
    let t = text_or_null(s, p.clone(), v, "`date`")?;
    let d = crate::french::parse_date(&t);
    if d.is_none() {
        s.error(
            Code::BIL_010,
            p,
            Point::Value,
            tr!(
                "`date` «\u{a0}{t}\u{a0}» n'est pas une date valide",
                "`date` « {t} » is not a valid date"
            ),
            Text::new(
                "écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2027-03-15",
                "write an existing calendar date as YYYY-MM-DD, e.g. 2027-03-15",
            ),
        );
    }
    d
}

/// `indicators`: an object of the dashboard's indicators (BIL-011), each
/// one given or warned about (BIL-012).
fn indicators_given(
    obj: &Map<String, Value>,
    data: &AssociationFile,
    s: &mut Sink,
) -> BTreeMap<String, Reported> {
    let ind_path = JsonPath::root().key("indicators");
    let given = match obj.get("indicators") {
        Some(Value::Object(m)) => entries(s, &ind_path, m, data),
        Some(Value::Null) | None => BTreeMap::new(),
        Some(other) => {
            s.error(
                Code::BIL_011,
                ind_path.clone(),
                Point::Value,
                tr!(
                    "`indicators` doit être un objet, pas {}",
                    "`indicators` must be an object, not {}",
                    type_name(other)
                ),
                Text::new(
                    "un objet dont les clés sont les identifiants des indicateurs («\u{a0}O1-I1\u{a0}»)",
                    "an object whose keys are the indicator ids (« O1-I1 »)",
                ),
            );
            BTreeMap::new()
        }
    };
    let present =
        |id: &str| matches!(obj.get("indicators"), Some(Value::Object(m)) if m.contains_key(id));
    let at = if obj.contains_key("indicators") {
        ind_path
    } else {
        JsonPath::root()
    };
    for i in indicators(data).filter(|i| !present(&i.id)) {
        let (id, label) = (&i.id, &i.label);
        let example = match i.kind {
            IndicatorType::Quantitative => "\"value\": …",
            IndicatorType::Qualitative => "\"status\": \"atteint\"",
        };
        s.warning(
            Code::BIL_012,
            at.clone(),
            Point::Key,
            tr!(
                "l'indicateur `{id}` ({label}) n'est pas renseigné",
                "indicator `{id}` ({label}) is not filled in"
            ),
            tr!(
                "ajoutez `\"{id}\": {{ {example} }}`\u{202f}; le bilan le dira «\u{a0}non renseigné\u{a0}»",
                "add `\"{id}\": {{ {example} }}`; the review will say « not filled in »"
            ),
        );
    }
    given
}

fn finances(s: &mut Sink, path: JsonPath, v: &Value) -> Finances {
    let mut f = Finances::default();
    let m = match v {
        Value::Null => return f,
        Value::Object(m) => m,
        other => {
            s.error(
                Code::BIL_013,
                path,
                Point::Value,
                must_be(
                    other,
                    "`finances` doit être un objet",
                    "`finances` must be an object",
                ),
                possible_fields(&FINANCE_KEYS),
            );
            return f;
        }
    };
    for (k, v) in m {
        let p = path.key(k);
        let slot = match k.as_str() {
            "produits" => &mut f.produits,
            "charges" => &mut f.charges,
            "resultat" => &mut f.resultat,
            "fonds_propres" => &mut f.fonds_propres,
            "tresorerie_jours" => &mut f.tresorerie_jours,
            "subvention_versee" => &mut f.subvention_versee,
            _ => {
                unknown_key(s, p, k, &FINANCE_KEYS);
                continue;
            }
        };
        match v {
            Value::Null => {}
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                let may_be_negative = matches!(k.as_str(), "resultat" | "fonds_propres");
                if !x.is_finite() {
                    s.error(Code::BIL_014, p, Point::Value, tr!("`{k}` n'est pas un nombre fini", "`{k}` is not a finite number"), Text::new("écrivez un nombre", "write a number"));
                } else if x < 0.0 && !may_be_negative {
                    s.error(Code::BIL_015,
                        p,
                        Point::Value,
                        tr!("`{k}` est négatif ({x})", "`{k}` is negative ({x})"),
                        Text::new("seuls `resultat` et `fonds_propres` peuvent être négatifs", "only `resultat` and `fonds_propres` may be negative"),
                    );
                } else {
                    *slot = Some(x);
                }
            }
            other => s.error(Code::BIL_016,
                p,
                Point::Value,
                must_be(other, &format!("`{k}` doit être un nombre"), &format!("`{k}` must be a number")),
                Text::new("écrivez le montant sans guillemets ni symbole (12500.50), ou null s'il n'est pas connu", "write the amount without quotes or symbol (12500.50), or null if it is not known"),
            ),
        }
    }
    f
}

/// `payments`: a list of `{ "date", "amount", "kind" }`, every member
/// required; every problem is reported at its JSON path.
fn payments(s: &mut Sink, path: JsonPath, v: &Value) -> Vec<Payment> {
    let list = match v {
        Value::Null => return Vec::new(),
        Value::Array(list) => list,
        other => {
            s.error(
                Code::BIL_027,
                path,
                Point::Value,
                tr!(
                    "`payments` doit être une liste, pas {}",
                    "`payments` must be a list, not {}",
                    type_name(other)
                ),
                Text::new(
                    "écrivez [{ \"date\": \"2026-03-15\", \"amount\": 15000, \"kind\": \"avance\" }], ou [] si aucun versement n'est enregistré",
                    "write [{ \"date\": \"2026-03-15\", \"amount\": 15000, \"kind\": \"avance\" }], or [] when no payment is recorded",
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        if let Some(p) = payment(s, path.index(i), v) {
            out.push(p);
        }
    }
    let soldes: Vec<usize> = (0..list.len())
        .filter(|i| list[*i].get("kind").and_then(Value::as_str) == Some("solde"))
        .collect();
    for i in soldes.iter().skip(1) {
        s.error(
            Code::BIL_033,
            path.index(*i).key("kind"),
            Point::Value,
            tr!(
                "un deuxième solde pour l'année (le premier est `payments[{}]`)",
                "a second balance for the year (the first is `payments[{}]`)",
                soldes[0]
            ),
            Text::new(
                "le solde est le dernier versement de la subvention de l'année\u{a0}: écrivez les autres versements comme «\u{a0}avance\u{a0}»",
                "the balance is the last payment of the year's subsidy: write the other payments as «\u{a0}avance\u{a0}»",
            ),
        );
    }
    out
}

/// One entry of `payments`.
fn payment(s: &mut Sink, path: JsonPath, v: &Value) -> Option<Payment> {
    let Value::Object(m) = v else {
        s.error(
            Code::BIL_028,
            path,
            Point::Value,
            tr!(
                "un versement est un objet, pas {}",
                "a payment is an object, not {}",
                type_name(v)
            ),
            Text::new(
                "écrivez { \"date\": \"2026-03-15\", \"amount\": 15000, \"kind\": \"avance\" }",
                "write { \"date\": \"2026-03-15\", \"amount\": 15000, \"kind\": \"avance\" }",
            ),
        );
        return None;
    };
    for k in m.keys().filter(|k| !PAYMENT_KEYS.contains(&k.as_str())) {
        unknown_key(s, path.key(k), k, &PAYMENT_KEYS);
    }
    for k in PAYMENT_KEYS.iter().filter(|k| !m.contains_key(**k)) {
        s.error(
            Code::BIL_029,
            path.clone(),
            Point::Value,
            tr!(
                "le versement n'a pas de `{k}`",
                "the payment has no `{k}`"
            ),
            Text::new(
                "un versement donne sa date (`date`, AAAA-MM-JJ), son montant (`amount`, en euros) et sa nature (`kind`\u{a0}: «\u{a0}avance\u{a0}» ou «\u{a0}solde\u{a0}»)",
                "a payment gives its date (`date`, YYYY-MM-DD), its amount (`amount`, in euros) and its kind (`kind`: «\u{a0}avance\u{a0}» or «\u{a0}solde\u{a0}»)",
            ),
        );
    }
    let date = m
        .get("date")
        .and_then(|v| payment_date(s, path.key("date"), v));
    let amount = m
        .get("amount")
        .and_then(|v| payment_amount(s, path.key("amount"), v));
    let kind = m
        .get("kind")
        .and_then(|v| payment_kind(s, path.key("kind"), v));
    Some(Payment {
        date: date?,
        amount: amount?,
        kind: kind?,
    })
}

fn payment_date(s: &mut Sink, path: JsonPath, v: &Value) -> Option<(i32, u8, u8)> {
    let parsed = v.as_str().and_then(crate::french::parse_date);
    if parsed.is_none() {
        let shown = match v {
            Value::String(t) => format!("«\u{a0}{t}\u{a0}»"),
            other => type_name(other).to_string(),
        };
        s.error(
            Code::BIL_030,
            path,
            Point::Value,
            tr!(
                "la date du versement ({shown}) n'est pas une date valide",
                "the payment's date ({shown}) is not a valid date"
            ),
            Text::new(
                "écrivez la date du versement entre guillemets au format AAAA-MM-JJ, par exemple \"2026-03-15\"",
                "write the payment's date in quotes as YYYY-MM-DD, e.g. \"2026-03-15\"",
            ),
        );
    }
    parsed
}

fn payment_amount(s: &mut Sink, path: JsonPath, v: &Value) -> Option<i64> {
    let x = v.as_f64().filter(|x| x.is_finite());
    let cents = x.map(|x| x * 100.0);
    match (x, cents) {
        (Some(x), Some(c)) if x > 0.0 && (c - c.round()).abs() <= 1e-6 => Some(c.round() as i64),
        _ => {
            let shown = match v {
                Value::Number(n) => n.to_string(),
                other => type_name(other).to_string(),
            };
            s.error(
                Code::BIL_031,
                path,
                Point::Value,
                tr!(
                    "le montant du versement ({shown}) n'est pas un montant en euros positif",
                    "the payment's amount ({shown}) is not a positive amount in euros"
                ),
                Text::new(
                    "écrivez le montant versé en euros, sans guillemets ni symbole, au plus deux décimales (12345.67)",
                    "write the amount paid in euros, without quotes or symbol, at most two decimals (12345.67)",
                ),
            );
            None
        }
    }
}

fn payment_kind(s: &mut Sink, path: JsonPath, v: &Value) -> Option<PaymentKind> {
    let parsed = v.as_str().and_then(PaymentKind::parse);
    if parsed.is_none() {
        let (shown, hint) = match v {
            Value::String(t) => (
                format!("«\u{a0}{t}\u{a0}»"),
                closest(t, PaymentKind::WORDS).map(|c| {
                    tr!(
                        "vouliez-vous dire «\u{a0}{c}\u{a0}»\u{202f}?",
                        "did you mean «\u{a0}{c}\u{a0}»?"
                    )
                }),
            ),
            other => (type_name(other).to_string(), None),
        };
        s.error(
            Code::BIL_032,
            path,
            Point::Value,
            tr!(
                "nature de versement inconnue ({shown})",
                "unknown kind of payment ({shown})"
            ),
            hint.unwrap_or_else(|| {
                Text::new(
                    "natures possibles\u{a0}: «\u{a0}avance\u{a0}», «\u{a0}solde\u{a0}»",
                    "possible kinds: «\u{a0}avance\u{a0}», «\u{a0}solde\u{a0}»",
                )
            }),
        );
    }
    parsed
}

fn entries(
    s: &mut Sink,
    path: &JsonPath,
    m: &Map<String, Value>,
    data: &AssociationFile,
) -> BTreeMap<String, Reported> {
    let mut out = BTreeMap::new();
    let known: Vec<&Indicator> = indicators(data).collect();
    for (id, v) in m {
        let p = path.key(id);
        let Some(ind) = known.iter().find(|i| &i.id == id) else {
            let hint = match closest(id, known.iter().map(|i| i.id.as_str())) {
                Some(c) => tr!("vouliez-vous dire `{c}`\u{202f}?", "did you mean `{c}`?"),
                None => {
                    let ids = known
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    tr!(
                        "les indicateurs du tableau de bord sont\u{a0}: {ids}",
                        "the dashboard's indicators are: {ids}"
                    )
                }
            };
            s.error(Code::BIL_017,
                p,
                Point::Key,
                tr!("indicateur inconnu `{id}`\u{a0}: il n'est pas dans le tableau de bord de la convention", "unknown indicator `{id}`: it is not in the convention's dashboard"),
                hint,
            );
            continue;
        };
        let Value::Object(e) = v else {
            s.error(
                Code::BIL_018,
                p,
                Point::Value,
                must_be(
                    v,
                    &format!("l'indicateur `{id}` doit être un objet"),
                    &format!("indicator `{id}` must be an object"),
                ),
                match ind.kind {
                    IndicatorType::Quantitative => {
                        Text::new("écrivez { \"value\": 12 }", "write { \"value\": 12 }")
                    }
                    IndicatorType::Qualitative => Text::new(
                        "écrivez { \"status\": \"atteint\" }",
                        "write { \"status\": \"atteint\" }",
                    ),
                },
            );
            continue;
        };
        let mut r = Reported::default();
        for (k, v) in e {
            let kp = p.key(k);
            match (k.as_str(), ind.kind) {
                ("comment", _) => r.comment = text_or_null(s, kp, v, "`comment`"),
                ("target", _) => {}
                ("value", IndicatorType::Quantitative) => match v {
                    Value::Null => {}
                    Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => {
                        r.value = n.as_f64()
                    }
                    other => s.error(Code::BIL_019,
                        kp,
                        Point::Value,
                        must_be(
                            other,
                            &format!("la valeur de `{id}` doit être un nombre"),
                            &format!("the value of `{id}` must be a number"),
                        ),
                        Text::new("écrivez le nombre sans guillemets ni unité (418 ou 52.5), ou null s'il n'est pas connu", "write the number without quotes or unit (418 or 52.5), or null if it is not known"),
                    ),
                },
                ("status", IndicatorType::Qualitative) => match v {
                    Value::Null => {}
                    Value::String(t) => match QualStatus::parse(t) {
                        Some(st) => r.status = Some(st),
                        None => s.error(Code::BIL_020,
                            kp,
                            Point::Value,
                            tr!("statut inconnu «\u{a0}{t}\u{a0}» pour `{id}`", "unknown status « {t} » for `{id}`"),
                            match closest(t, QualStatus::WORDS) {
                                Some(c) => tr!("vouliez-vous dire «\u{a0}{c}\u{a0}»\u{202f}?", "did you mean « {c} »?"),
                                None => Text::new("statuts possibles\u{a0}: «\u{a0}atteint\u{a0}», «\u{a0}partiellement atteint\u{a0}», «\u{a0}non atteint\u{a0}»", "possible statuses: « atteint », « partiellement atteint », « non atteint »"),
                            },
                        ),
                    },
                    other => s.error(Code::BIL_021,
                        kp,
                        Point::Value,
                        must_be(other, &format!("le statut de `{id}` doit être un texte"), &format!("the status of `{id}` must be a text")),
                        Text::new("statuts possibles\u{a0}: «\u{a0}atteint\u{a0}», «\u{a0}partiellement atteint\u{a0}», «\u{a0}non atteint\u{a0}»", "possible statuses: « atteint », « partiellement atteint », « non atteint »"),
                    ),
                },
                ("value", IndicatorType::Qualitative) => s.error(Code::BIL_022,
                    kp,
                    Point::Key,
                    tr!("`{id}` est un indicateur qualitatif\u{a0}: il prend un `status`, pas une `value`", "`{id}` is a qualitative indicator: it takes a `status`, not a `value`"),
                    Text::new("écrivez dans `\"status\"`\u{a0}: «\u{a0}atteint\u{a0}», «\u{a0}partiellement atteint\u{a0}» ou «\u{a0}non atteint\u{a0}»", "write \"status\": « atteint », « partiellement atteint » or « non atteint »"),
                ),
                ("status", IndicatorType::Quantitative) => s.error(Code::BIL_023,
                    kp,
                    Point::Key,
                    tr!("`{id}` est un indicateur quantitatif\u{a0}: il prend une `value` (un nombre), pas un `status`", "`{id}` is a quantitative indicator: it takes a `value` (a number), not a `status`"),
                    Text::new("écrivez la valeur réalisée dans `\"value\"`\u{202f}; le statut est calculé à partir de la cible", "write \"value\": the value reached; the status is computed from the target"),
                ),
                _ => unknown_key(s, kp, k, &ENTRY_KEYS),
            }
        }
        out.insert(id.clone(), r);
    }
    out
}

/// Every year folder of `PROG/reviews/`, `(year, path)`, sorted; folders
/// under `reviews/` that are not a year are reported.
pub fn year_folders(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(i32, PathBuf)> {
    let mut out = Vec::new();
    let Ok(years) = std::fs::read_dir(root.join("reviews")) else {
        return out;
    };
    for y in years.filter_map(Result::ok) {
        let p = y.path();
        if !p.is_dir() {
            continue;
        }
        let name = y.file_name().to_string_lossy().into_owned();
        match name.parse::<i32>() {
            Ok(v) if name.len() == 4 => out.push((v, p)),
            _ => diags.push(
                Diagnostic::error(Code::BIL_002, tr!("le dossier reviews/{name} n'est pas une année", "the folder reviews/{name} is not a year"
                ))
                .in_file(&p)
                .with_hint(Text::new("les bilans vont dans reviews/<année>/<association>.json, par exemple reviews/2026/", "reviews go in reviews/<year>/<association>.json, e.g. reviews/2026/")),
            ),
        }
    }
    out.sort();
    out
}

/// The review files of `years` (from [`year_folders`]): `(year, id, path)`, sorted.
fn review_files_in(years: &[(i32, PathBuf)]) -> Vec<(i32, String, PathBuf)> {
    let mut out = Vec::new();
    for (year, p) in years {
        let Ok(files) = std::fs::read_dir(p) else {
            continue;
        };
        for f in files.filter_map(Result::ok) {
            let fp = f.path();
            // `<id>.crf.json` is the compte rendu financier (`check::crf`).
            if fp.extension().is_some_and(|e| e == "json")
                && !fp.to_string_lossy().ends_with(crate::check::crf::SUFFIX)
            {
                let id = fp
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.push((*year, id, fp));
            }
        }
    }
    out.sort();
    out
}

/// Every review file of the programme: `(year, id, path)`, sorted; folders
/// under `reviews/` that are not a year are reported.
pub fn review_files(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(i32, String, PathBuf)> {
    review_files_in(&year_folders(root, diags))
}

/// Reads and validates one review file.
pub fn load_one(
    prog: &Programme,
    year: i32,
    id: &str,
    path: &Path,
) -> (Option<Review>, Vec<Diagnostic>) {
    read_year_file(prog, id, path, |text, data| {
        validate(path, text, year, id, data)
    })
}

/// The rules on `[review]` of `charta.toml`.
pub fn check_config(prog: &Programme) -> Vec<Diagnostic> {
    let c: &ReviewConfig = &prog.file.review;
    let file = prog.root.join("charta.toml");
    let mut out = Vec::new();
    let mut bad = |key: &str, message: Text, hint: Text| {
        let path = JsonPath::root().key("review").key(key);
        out.push(crate::check::programme::diag_at(
            Diagnostic::error(Code::BIL_003, message).with_hint(hint),
            &file,
            &prog.toml_text,
            &path,
        ));
    };
    for (k, v) in [
        ("achieved_percent", c.achieved_percent),
        ("partial_percent", c.partial_percent),
        ("cash_days_min", c.cash_days_min),
        ("funder_share_max_percent", c.funder_share_max_percent),
        ("gap_percent", c.gap_percent),
    ] {
        if !v.is_finite() || v < 0.0 {
            bad(
                k,
                tr!(
                    "`review.{k}` doit être un nombre positif ou nul ({v})",
                    "`review.{k}` must be a number, zero or more ({v})"
                ),
                Text::new(
                    "voir docs/interface.md, table [review]",
                    "see docs/interface.md, table [review]",
                ),
            );
        }
    }
    if c.partial_percent > c.achieved_percent {
        bad(
            "partial_percent",
            tr!(
                "`review.partial_percent` ({}) dépasse `review.achieved_percent` ({})",
                "`review.partial_percent` ({}) exceeds `review.achieved_percent` ({})",
                c.partial_percent,
                c.achieved_percent
            ),
            Text::new(
                "le seuil «\u{a0}partiellement atteint\u{a0}» doit être inférieur ou égal au seuil «\u{a0}atteint\u{a0}»",
                "the « partiellement atteint » threshold must be at most the « atteint » threshold",
            ),
        );
    }
    out
}

/// Every problem of every review file, and of `[review]` (the `check` command).
pub fn check_reviews(prog: &Programme) -> Vec<Diagnostic> {
    let mut out = check_config(prog);
    let years = year_folders(&prog.root, &mut out);
    for (year, id, path) in review_files_in(&years) {
        out.extend(load_one(prog, year, &id, &path).1);
    }
    // The comptes rendus financiers (`<id>.crf.json`) of every year folder,
    // with or without review files beside them.
    for &(year, _) in &years {
        for (id, _) in crate::check::crf::files(&prog.root, year) {
            if let Some((_, d)) = crate::check::crf::load(prog, year, &id) {
                out.extend(d);
            }
        }
    }
    out
}
