//! Open data: the essential data of signed conventions in SCDL « subventions »
//! 2.1.1 (décret n° 2017-779 du 5 mai 2017, arrêté du 17 novembre 2017).
//!
//! One row per signed convention (`convention.signature.date` set) whose aid
//! exceeds 23 000 € in at least one year, the aid of a year being the funding
//! plus the value of the in-kind aid of that year, and one row per signed
//! avenant that changes the amount (from the archive of signed acts,
//! `PROG/signed/<id>/`: a convention is published as signed, never from a
//! draft avenant in today's data). Every row is checked against
//! the Table Schema shipped in `docs/scdl/` (embedded here, read at run time:
//! types, patterns, enums, lengths, bounds, required fields, and the schema's
//! custom checks: SIRET check digits and « idBeneficiaire or rnaBeneficiaire »)
//! before anything is written; a row that would not validate is an error that
//! names the convention and the field.
//!
//! How a convention maps to the fields (docs/interface.md says the same):
//! - `montant`: the total attributed over the whole convention (every year's
//!   funding plus every year's in-kind value), since the décret publishes the
//!   amount of the attribution, not of one year;
//! - `datesPeriodeVersement`: `FIRST-01-01/LAST-12-31`, the convention's years
//!   (the exact payment dates are not known when the convention is signed);
//! - `nature`: « aide en numéraire », « aide en nature », or both;
//! - `conditionsVersement`: « unique » for one payment (a one-year convention
//!   paid at once, advance 0 % or 100 %), « échelonné » otherwise (advance and
//!   balance, or one payment per year);
//! - `notificationUE`: « non »: none of the regimes charta writes (outside state
//!   aid, de minimis, SIEG under decision 2012/21/EU or regulation 2023/2832) is
//!   notified to the Commission;
//! - `pourcentageSubvention`: 1.00 (one beneficiary per convention);
//! - an avenant's row: `dateConvention` is the avenant's signature date,
//!   `referenceDecision` the deliberation that approved it, `montant` the
//!   total attributed as amended (not the difference), `objet` the project
//!   followed by « (avenant n° k à la convention REF) »; the other fields as
//!   for the convention, from the data the avenant was signed with.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::ids;
use crate::load::Programme;
use crate::model::{Amount, AssociationFile, ProgrammeFile};
use crate::tr;

/// The SCDL subventions 2.1.1 Table Schema, as published (a copy of
/// `docs/scdl/scdl-subventions-2.1.1.schema.json`).
pub const SCHEMA_JSON: &str = include_str!("../../docs/scdl/scdl-subventions-2.1.1.schema.json");

/// The aid of one year above which the essential data must be published (in cents):
/// 23 000 € (loi n° 2000-321, art. 10, décret n° 2006-887).
pub const THRESHOLD_CENTS: i64 = 2_300_000;

/// Longest `objet` the schema accepts (characters).
const OBJET_MAX: usize = 256;

/// One field of the Table Schema, with what charta checks.
#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pattern: Option<regex::Regex>,
    pub pattern_text: Option<String>,
    pub max_length: Option<usize>,
    pub allowed: Option<Vec<String>>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub true_values: Vec<String>,
    pub false_values: Vec<String>,
}

/// The parsed schema: fields in order, and the columns of its custom checks.
#[derive(Debug)]
pub struct Schema {
    pub fields: Vec<Field>,
    pub siret_columns: Vec<String>,
    pub one_of_required: Vec<(String, String)>,
}

/// The embedded schema, parsed once.
pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| parse_schema(SCHEMA_JSON).expect("the embedded SCDL schema is valid"))
}

fn strings(v: Option<&serde_json::Value>) -> Option<Vec<String>> {
    v.and_then(|v| v.as_array()).map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    })
}

/// Parses a Table Schema (the subset SCDL uses).
pub fn parse_schema(text: &str) -> Result<Schema, Text> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| crate::messages::parser_message(&e.to_string()))?;
    let mut fields = Vec::new();
    let no_fields = || {
        tr!(
            "le schéma n'a pas de `fields`",
            "the schema has no `fields`"
        )
    };
    for f in v["fields"].as_array().ok_or_else(no_fields)? {
        let c = &f["constraints"];
        let pattern_text = c["pattern"].as_str().map(str::to_string);
        let pattern = match &pattern_text {
            Some(p) => Some(regex::Regex::new(p).map_err(|e| Text::verbatim(e.to_string()))?),
            None => None,
        };
        let nameless = || {
            tr!(
                "un champ du schéma n'a pas de nom",
                "a field of the schema has no name"
            )
        };
        fields.push(Field {
            name: f["name"].as_str().ok_or_else(nameless)?.to_string(),
            kind: f["type"].as_str().unwrap_or("string").to_string(),
            required: c["required"].as_bool().unwrap_or(false),
            pattern,
            pattern_text,
            max_length: c["maxLength"].as_u64().map(|n| n as usize),
            allowed: strings(c.get("enum")),
            minimum: c["minimum"].as_f64(),
            maximum: c["maximum"].as_f64(),
            // Table Schema defaults when the field does not say.
            true_values: strings(f.get("trueValues"))
                .unwrap_or_else(|| vec!["true".into(), "True".into(), "TRUE".into(), "1".into()]),
            false_values: strings(f.get("falseValues")).unwrap_or_else(|| {
                vec!["false".into(), "False".into(), "FALSE".into(), "0".into()]
            }),
        });
    }
    let mut siret_columns = Vec::new();
    let mut one_of_required = Vec::new();
    for c in v["custom_checks"].as_array().into_iter().flatten() {
        let p = &c["params"];
        match c["name"].as_str() {
            Some("french-siret-value") => {
                if let Some(col) = p["column"].as_str() {
                    siret_columns.push(col.to_string());
                }
            }
            Some("one-of-required") => {
                if let (Some(a), Some(b)) = (p["column1"].as_str(), p["column2"].as_str()) {
                    one_of_required.push((a.to_string(), b.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(Schema {
        fields,
        siret_columns,
        one_of_required,
    })
}

/// One row of the export: the convention it comes from and its values by field.
#[derive(Debug, Clone)]
pub struct Row {
    /// The association's id (file stem).
    pub id: String,
    /// The convention's reference.
    pub reference: String,
    pub file: PathBuf,
    pub values: BTreeMap<&'static str, String>,
    /// The act's aid of each year (funding plus in-kind values), in cents:
    /// what the export per exercice splits `montant` into.
    pub per_year: BTreeMap<String, i64>,
}

/// `12345.60` from cents.
fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn sum(values: &BTreeMap<String, Amount>) -> i64 {
    values.values().map(|a| a.cents()).sum()
}

/// The aid of each year (funding plus in-kind values), in cents.
pub fn aid_per_year(data: &AssociationFile) -> BTreeMap<String, i64> {
    let c = &data.convention;
    let mut per: BTreeMap<String, i64> = BTreeMap::new();
    for (y, a) in c.funding.iter().flatten() {
        *per.entry(y.clone()).or_default() += a.cents();
    }
    for k in &c.in_kind {
        for (y, a) in &k.values {
            *per.entry(y.clone()).or_default() += a.cents();
        }
    }
    per
}

/// Whether the convention is published: signed, and above 23 000 € in some year.
pub fn is_published(data: &AssociationFile) -> bool {
    data.convention
        .signature
        .date
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty())
        && aid_per_year(data).values().any(|&c| c > THRESHOLD_CENTS)
}

/// The title, cut at a word to at most 256 characters with « … ».
pub fn objet(title: &str) -> String {
    let t = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= OBJET_MAX {
        return t;
    }
    let mut out = String::new();
    for w in t.split(' ') {
        let candidate_len = out.chars().count() + usize::from(!out.is_empty()) + w.chars().count();
        // Room for the « … » (one character) after the last word kept.
        if candidate_len + 1 > OBJET_MAX {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        // One word longer than the limit: cut inside it.
        out = t.chars().take(OBJET_MAX - 1).collect();
    }
    let out = out.trim_end_matches([',', ';', ':', '.', ' ']).to_string();
    out + "…"
}

/// The row of one published convention, before the schema check. `Err` when the
/// data lacks what the row needs (a fact charta will not invent).
fn row(
    prog: &ProgrammeFile,
    id: &str,
    file: &PathBuf,
    data: &AssociationFile,
) -> Result<Row, Vec<Diagnostic>> {
    let c = &data.convention;
    let a = &data.association;
    let mut errors = Vec::new();
    let funding = c.funding.as_ref().map(sum).unwrap_or(0);
    let in_kind: i64 = c.in_kind.iter().map(|k| sum(&k.values)).sum();
    let nature = match (funding > 0, in_kind > 0) {
        (true, true) => "aide en numéraire;aide en nature",
        (false, true) => "aide en nature",
        _ => "aide en numéraire",
    };
    let years_count = c.years.len();
    let conditions = if funding == 0 {
        // Nothing is paid: the aid is only made available in kind.
        "autre : aide en nature mise à disposition sur la durée de la convention, sans versement"
            .to_string()
    } else {
        match &c.payment {
            Some(p)
                if years_count == 1 && (p.advance_percent <= 0.0 || p.advance_percent >= 100.0) =>
            {
                "unique".to_string()
            }
            Some(_) => "échelonné".to_string(),
            None => {
                errors.push(
                    Diagnostic::error(Code::ECH_004, crate::tr!(
                        "convention {} ({})\u{a0}: les modalités de versement manquent, le champ SCDL «\u{a0}conditionsVersement\u{a0}» ne peut pas être déduit",
                        "convention {} ({}): the payment terms are missing, the SCDL field \"conditionsVersement\" cannot be derived",
                        c.reference,
                        id
                    ))
                    .in_file(file)
                    .at_path("convention.payment")
                    .with_hint(crate::tr!(
                        "ajoutez `\"payment\": {{\"advance_percent\": …}}` à la convention, comme elle a été signée",
                        "add `\"payment\": {{\"advance_percent\": …}}` to the convention, as it was signed"
                    )),
                );
                String::new()
            }
        }
    };
    let period = match (c.years.iter().min(), c.years.iter().max()) {
        (Some(first), Some(last)) => format!("{first:04}-01-01/{last:04}-12-31"),
        _ => String::new(),
    };
    let mut values = BTreeMap::new();
    values.insert("nomAttribuant", prog.funder.name.trim().to_string());
    values.insert("idAttribuant", ids::compact(&prog.funder.siret));
    values.insert(
        "dateConvention",
        c.signature
            .date
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
    );
    values.insert("referenceDecision", c.decision.number.trim().to_string());
    values.insert("nomBeneficiaire", a.name.trim().to_string());
    values.insert("idBeneficiaire", ids::compact(&a.siret));
    values.insert(
        "rnaBeneficiaire",
        a.rna.as_deref().map(ids::compact).unwrap_or_default(),
    );
    values.insert("objet", objet(&data.project.title));
    values.insert("montant", decimal(funding + in_kind));
    values.insert("nature", nature.to_string());
    values.insert("conditionsVersement", conditions);
    values.insert("datesPeriodeVersement", period);
    values.insert("idRAE", String::new());
    values.insert("notificationUE", "non".to_string());
    values.insert("pourcentageSubvention", "1.00".to_string());
    values.insert("dispositifAide", String::new());
    if errors.is_empty() {
        Ok(Row {
            id: id.to_string(),
            reference: c.reference.clone(),
            file: file.clone(),
            values,
            per_year: aid_per_year(data),
        })
    } else {
        Err(errors)
    }
}

/// One signed act to publish: the convention, or an avenant that changes the amount.
struct SignedAct {
    /// The data it was signed with (from the archive when there is one).
    data: AssociationFile,
    file: PathBuf,
    /// `Some(k)` for avenant n° k.
    avenant: Option<usize>,
}

impl SignedAct {
    /// An avenant's row: its own date and decision, the amended amount.
    fn apply(&self, mut r: Row) -> Row {
        let Some(k) = self.avenant else {
            return r;
        };
        let a = &self.data.convention.amendments[k - 1];
        r.id = format!("{}.avenant-{k}", r.id);
        r.file = self.file.clone();
        r.values.insert(
            "dateConvention",
            a.signature
                .date
                .clone()
                .unwrap_or_default()
                .trim()
                .to_string(),
        );
        r.values
            .insert("referenceDecision", a.decision.number.trim().to_string());
        r.values.insert(
            "objet",
            objet(&format!(
                "{} (avenant n° {k} à la convention {})",
                self.data.project.title, self.data.convention.reference
            )),
        );
        r
    }
}

/// The total aid of a convention's data (funding and in kind, every year), in cents.
fn total_aid(data: &AssociationFile) -> i64 {
    aid_per_year(data).values().sum()
}

/// The acts of one association to publish: its signed convention as signed
/// (the archive's data when it is archived: today's data may carry a draft
/// avenant), then each signed avenant whose amount differs from the act
/// before it, when the convention or the avenant is above the threshold.
fn signed_acts(
    prog: &Programme,
    id: &str,
    file: &std::path::Path,
    data: &AssociationFile,
) -> Result<Vec<SignedAct>, Diagnostic> {
    let archive = crate::out::signed::Archive::open(&prog.root, id);
    let Some(archive) = archive else {
        if !data.convention.amendments.is_empty() && data.convention.signature.date.is_some() {
            return Err(Diagnostic::error(Code::ECH_010, crate::tr!(
                "convention {} ({})\u{a0}: elle a des avenants, mais son texte signé n'est pas archivé (signed/{}/)\u{a0}: les données essentielles de l'acte signé ne peuvent pas être établies",
                "convention {} ({}): it has amendments, but its signed text is not archived (signed/{}/): the essential data of the signed act cannot be established",
                data.convention.reference,
                id,
                id
            ))
            .in_file(file)
            .at_path("convention.amendments")
            .with_hint(crate::tr!(
                "lancez `charta build`\u{a0}: la construction archive la convention signée et ses avenants, puis relancez l'export",
                "run `charta build`: the build archives the signed convention and its amendments; then export again"
            )));
        }
        return Ok(if is_published(data) {
            vec![SignedAct {
                data: data.clone(),
                file: file.to_path_buf(),
                avenant: None,
            }]
        } else {
            Vec::new()
        });
    };
    let read = |act: crate::out::signed::Act| -> Result<(AssociationFile, PathBuf), Diagnostic> {
        let path = archive.path(act, "data.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(Code::ECH_011, crate::tr!(
                "convention {} ({})\u{a0}: les données de l'acte signé manquent à l'archive\u{a0}: {}",
                "convention {} ({}): the archive lacks the data of the signed act: {}",
                data.convention.reference,
                id,
                e
            ))
            .in_file(&path)
        })?;
        let d = crate::load::parse_association(&text, &path)?;
        Ok((d, path))
    };
    let mut acts = Vec::new();
    let (signed, path) = read(crate::out::signed::Act::Convention)?;
    let published = is_published(&signed);
    let mut previous_total = total_aid(&signed);
    if published {
        acts.push(SignedAct {
            data: signed,
            file: path,
            avenant: None,
        });
    }
    for k in archive.avenants() {
        let (d, path) = read(crate::out::signed::Act::Avenant(k))?;
        let total = total_aid(&d);
        let changes_amount = total != previous_total;
        previous_total = total;
        let signed_avenant = d
            .convention
            .amendments
            .get(k - 1)
            .is_some_and(|a| a.signature.date.is_some());
        if changes_amount && signed_avenant && (published || is_published(&d)) {
            acts.push(SignedAct {
                data: d,
                file: path,
                avenant: Some(k),
            });
        }
    }
    Ok(acts)
}

/// Where a field comes from in the association file, for the hint.
fn source_of(field: &str) -> &'static str {
    match field {
        "nomAttribuant" => "funder.name de charta.toml",
        "idAttribuant" => "funder.siret de charta.toml",
        "dateConvention" => "convention.signature.date",
        "referenceDecision" => "convention.decision.number",
        "nomBeneficiaire" => "association.name",
        "idBeneficiaire" => "association.siret",
        "rnaBeneficiaire" => "association.rna",
        "objet" => "project.title",
        "montant" => "convention.funding et convention.in_kind",
        "datesPeriodeVersement" => "convention.years",
        "conditionsVersement" => "convention.payment",
        _ => "les données de la convention",
    }
}

fn is_number(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$").expect("valid")
    })
    .is_match(s)
}

fn is_date(s: &str) -> bool {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, &fmt).is_ok()
}

/// Values in French quotes, separated by commas.
fn quoted(values: &[&String]) -> String {
    let q: Vec<String> = values
        .iter()
        .map(|v| format!("«\u{a0}{v}\u{a0}»"))
        .collect();
    q.join(", ")
}

/// What is wrong with `value` for `field`, if anything.
pub fn field_problem(field: &Field, value: &str) -> Option<Text> {
    if value.is_empty() {
        return field.required.then(|| {
            tr!(
                "le champ est obligatoire et il est vide",
                "the field is required and it is empty"
            )
        });
    }
    match field.kind.as_str() {
        "number" => {
            if !is_number(value) {
                return Some(tr!(
                    "ce n'est pas un nombre décimal avec un point",
                    "this is not a decimal number with a point"
                ));
            }
            let n: f64 = value.parse().unwrap_or(f64::NAN);
            if let Some(min) = field.minimum
                && n < min
            {
                return Some(tr!(
                    "la valeur est inférieure au minimum {min}",
                    "the value is below the minimum {min}"
                ));
            }
            if let Some(max) = field.maximum
                && n > max
            {
                return Some(tr!(
                    "la valeur est supérieure au maximum {max}",
                    "the value is above the maximum {max}"
                ));
            }
        }
        // Data.Subvention's `exercice`: a four-digit year.
        "year" if !(value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit())) => {
            return Some(tr!(
                "ce n'est pas une année sur quatre chiffres",
                "this is not a four-digit year"
            ));
        }
        "date" if !is_date(value) => {
            return Some(tr!(
                "ce n'est pas une date AAAA-MM-JJ existante",
                "this is not an existing YYYY-MM-DD date"
            ));
        }
        "boolean"
            if !field
                .true_values
                .iter()
                .chain(&field.false_values)
                .any(|v| v == value) =>
        {
            let values: Vec<&String> = field
                .true_values
                .iter()
                .chain(&field.false_values)
                .collect();
            return Some(tr!(
                "valeur booléenne attendue parmi {}",
                "a boolean value expected among {}",
                quoted(&values)
            ));
        }
        _ => {}
    }
    if let Some(max) = field.max_length
        && value.chars().count() > max
    {
        return Some(tr!(
            "{} caractères, au-delà du maximum de {max}",
            "{} characters, beyond the maximum of {max}",
            value.chars().count()
        ));
    }
    if let Some(p) = &field.pattern
        && !p.is_match(value)
    {
        return Some(tr!(
            "la valeur ne suit pas le motif {}",
            "the value does not follow the pattern {}",
            field.pattern_text.as_deref().unwrap_or("")
        ));
    }
    if let Some(allowed) = &field.allowed
        && !allowed.iter().any(|a| a == value)
    {
        let values: Vec<&String> = allowed.iter().collect();
        return Some(tr!(
            "valeur hors de la liste autorisée ({})",
            "a value outside the allowed list ({})",
            quoted(&values)
        ));
    }
    None
}

/// Every problem of `row` against `schema`, each naming the convention and the field.
pub fn check_row(schema: &Schema, row: &Row) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let diag = |field: &str, value: &str, what: Text| {
        Diagnostic::error(Code::ECH_005, Text::new(
            format!(
                "convention {} ({})\u{a0}: champ SCDL «\u{a0}{field}\u{a0}» = «\u{a0}{value}\u{a0}»\u{a0}: {}",
                row.reference, row.id, what.fr
            ),
            format!(
                "convention {} ({}): SCDL field \"{field}\" = \"{value}\": {}",
                row.reference, row.id, what.en
            ),
        ))
        .in_file(&row.file)
        .at_path(source_of(field))
        .with_hint(tr!(
            "corrigez {}\u{a0}: un fichier SCDL qui ne valide pas contre le schéma subventions 2.1.1 n'est pas écrit",
            "correct {}: an SCDL file that does not validate against the subventions 2.1.1 schema is not written",
            source_of(field)
        ))
    };
    for key in row.values.keys() {
        if !schema.fields.iter().any(|f| f.name == *key) {
            out.push(diag(
                key,
                "",
                tr!(
                    "ce champ n'existe pas dans le schéma",
                    "this field is not in the schema"
                ),
            ));
        }
    }
    for f in &schema.fields {
        let v = row
            .values
            .get(f.name.as_str())
            .map(String::as_str)
            .unwrap_or("");
        if let Some(p) = field_problem(f, v) {
            out.push(diag(&f.name, v, p));
        }
    }
    for col in &schema.siret_columns {
        let v = row
            .values
            .get(col.as_str())
            .map(String::as_str)
            .unwrap_or("");
        if v.is_empty() {
            continue;
        }
        if let Err(p) = ids::check_siret(v) {
            let what = match p {
                ids::SiretProblem::NotDigits => tr!(
                    "un SIRET ne contient que des chiffres",
                    "a SIRET has only digits"
                ),
                ids::SiretProblem::Length(n) => tr!(
                    "un SIRET a 14 chiffres, pas {n}",
                    "a SIRET has 14 digits, not {n}"
                ),
                ids::SiretProblem::Luhn => tr!(
                    "la clé de contrôle du SIRET est fausse (Luhn)",
                    "the SIRET's check digit is wrong (Luhn)"
                ),
                ids::SiretProblem::SirenLuhn => tr!(
                    "la clé de contrôle du SIREN (9 premiers chiffres) est fausse (Luhn)",
                    "the SIREN's check digit (first 9 digits) is wrong (Luhn)"
                ),
            };
            out.push(diag(col, v, what));
        }
    }
    for (a, b) in &schema.one_of_required {
        let empty = |k: &str| row.values.get(k).is_none_or(|v| v.is_empty());
        if empty(a) && empty(b) {
            out.push(diag(
                a,
                "",
                tr!(
                    "«\u{a0}{a}\u{a0}» ou «\u{a0}{b}\u{a0}» doit être renseigné",
                    "\"{a}\" or \"{b}\" must be filled in"
                ),
            ));
        }
    }
    out
}

/// The rows of every published convention, sorted by reference then id, each
/// checked against the schema. `Err` with every problem when one row (or one
/// association file) is not right.
pub fn rows(prog: &Programme) -> Result<Vec<Row>, Vec<Diagnostic>> {
    let schema = schema();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for e in &prog.associations {
        let Some(data) = &e.data else {
            errors.push(
                Diagnostic::error(Code::ECH_006, tr!(
                    "{} ne se lit pas\u{a0}: impossible de savoir si sa convention est à publier",
                    "{} does not read: whether its convention is to be published cannot be told",
                    e.path.display()
                ))
                .in_file(&e.path)
                .with_hint(tr!(
                    "corrigez ce fichier (`charta check`) puis relancez l'export",
                    "correct this file (`charta check`) then run the export again"
                )),
            );
            errors.extend(e.diagnostics.iter().cloned());
            continue;
        };
        let acts = match signed_acts(prog, &e.id, &e.path, data) {
            Ok(a) => a,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        for act in acts {
            match row(&prog.file, &e.id, &act.file, &act.data).map(|r| act.apply(r)) {
                Ok(r) => {
                    let problems = check_row(schema, &r);
                    if problems.is_empty() {
                        rows.push(r);
                    } else {
                        errors.extend(problems);
                    }
                }
                Err(d) => errors.extend(d),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    rows.sort_by(|a, b| (&a.reference, &a.id).cmp(&(&b.reference, &b.id)));
    Ok(rows)
}

/// The CSV text of `rows`: UTF-8 without BOM, comma, header of the schema's field names.
pub fn to_csv(rows: &[Row]) -> Vec<u8> {
    to_csv_with(schema(), rows)
}

/// The CSV text of `rows` with the columns of `schema`.
pub fn to_csv_with(schema: &Schema, rows: &[Row]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(schema.fields.iter().map(|f| f.name.as_str()))
        .expect("writes to memory");
    for r in rows {
        w.write_record(schema.fields.iter().map(|f| {
            r.values
                .get(f.name.as_str())
                .map(String::as_str)
                .unwrap_or("")
        }))
        .expect("writes to memory");
    }
    w.into_inner().expect("writes to memory")
}

/// The whole export: the CSV bytes and the number of rows, or every problem.
pub fn export(prog: &Programme) -> Result<(Vec<u8>, usize), Vec<Diagnostic>> {
    let rows = rows(prog)?;
    Ok((to_csv(&rows), rows.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objet_is_cut_at_a_word_with_an_ellipsis() {
        let long = "mot ".repeat(100);
        let o = objet(&long);
        assert!(o.chars().count() <= OBJET_MAX, "{}", o.chars().count());
        assert!(o.ends_with("mot…"), "{o}");
        assert_eq!(objet("  Un  projet "), "Un projet");
    }

    #[test]
    fn schema_fields_and_checks_are_read() {
        let s = schema();
        assert_eq!(s.fields.len(), 16);
        assert_eq!(s.siret_columns, ["idAttribuant", "idBeneficiaire"]);
        let b = s
            .fields
            .iter()
            .find(|f| f.name == "notificationUE")
            .unwrap();
        assert_eq!(field_problem(b, "non"), None);
        assert!(field_problem(b, "false").is_some());
        let p = s
            .fields
            .iter()
            .find(|f| f.name == "pourcentageSubvention")
            .unwrap();
        assert_eq!(field_problem(p, "1.00"), None);
        assert!(field_problem(p, "1,00").is_some());
        assert!(field_problem(p, "1.5").is_some());
        let d = s
            .fields
            .iter()
            .find(|f| f.name == "dateConvention")
            .unwrap();
        assert!(field_problem(d, "2026-02-30").is_some());
        assert!(field_problem(d, "").is_some());
    }
}
