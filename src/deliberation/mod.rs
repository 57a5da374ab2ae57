//! The assembly's act: the délibération that grants the subsidies and
//! approves the conventions and avenants of one décision, its annex (also as
//! CSV) and its rapport, from the same data as the conventions.
//!
//! ```text
//! OUT/deliberations/<slug>.md, .pdf …          the délibération and its annex
//! OUT/deliberations/<slug>.rapport.md, .pdf …  the rapport to the assembly
//! OUT/deliberations/<slug>.annexe.csv          the annex, one row per act
//! PROG/signed/deliberations/<slug>.*           an adopted délibération, locked
//! ```
//!
//! `<slug>` is the décision number made safe for a file name
//! (« CP-2026-01-07 » → `cp-2026-01-07`). The rows are [`collect`]ed once for
//! every décision asked for; the figures ([`figures`]) add them up; the text
//! is the clause library's ([`text`]); an adopted décision is settled against
//! its archive ([`lock`]).

pub mod collect;
mod figures;
mod lock;
mod sheet;
mod text;
mod visas;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::document::Meta;
use crate::emit::{self, Document, EmitOptions};
use crate::french;
use crate::load::Programme;
use crate::model::{AssociationFile, Deliberation};
use crate::render::Engine;
use crate::tr;

pub use collect::{Nature, Row};
pub use figures::Figures;

/// The folder of the délibérations in OUT (and in `PROG/signed/`).
pub const FOLDER: &str = "deliberations";

/// What to write.
#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    /// Formats by name (`emit::FORMATS`): md, pdf, odt, docx.
    pub formats: Vec<String>,
    /// The décision numbers; empty: every one `charta.toml` describes.
    pub numbers: Vec<String>,
}

/// One décision written.
#[derive(Debug, Clone)]
pub struct Made {
    pub number: String,
    /// The files written, relative to OUT.
    pub files: Vec<String>,
    /// Its conventions and avenants.
    pub rows: Vec<Row>,
    /// Adopted: its text is the archived one.
    pub locked: bool,
}

/// What [`run`] did, and every problem it met (warnings included).
#[derive(Debug, Default)]
pub struct Outcome {
    pub made: Vec<Made>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The file stem of a décision number: lower-case letters, digits and single
/// dashes (« CP 2026/01 n° 7 » → `cp-2026-01-n-7`); `decision` if nothing is left.
pub fn slug(number: &str) -> String {
    let mut s = String::new();
    for c in number.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "decision".to_string()
    } else {
        s
    }
}

/// The rows of décision `number`, and the warnings of the conventions held
/// back (for the tests and the desk: no file written).
pub fn rows(prog: &Programme, number: &str) -> (Vec<Row>, Vec<Diagnostic>) {
    let mut c = collect::collect(prog, &|n| n == number);
    (c.rows.remove(number).unwrap_or_default(), c.warnings)
}

/// Writes the délibérations asked for into `OUT/deliberations/`.
pub fn run(prog: &Programme, opts: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    let numbers: Vec<String> = if opts.numbers.is_empty() {
        prog.file.deliberations.keys().cloned().collect()
    } else {
        opts.numbers.clone()
    };
    let wanted: BTreeSet<&str> = numbers.iter().map(String::as_str).collect();
    let mut collected = collect::collect(prog, &|n| wanted.contains(n));
    outcome.diagnostics.append(&mut collected.warnings);
    let (engine, _) = Engine::new(&prog.library);
    let mut samples = samples(prog, &wanted);
    for number in &numbers {
        let rows = collected.rows.remove(number).unwrap_or_default();
        let Some(d) = prog
            .file
            .deliberations
            .get(number)
            .filter(|_| !rows.is_empty())
        else {
            // `--all`: a décision no convention carries (yet) is not written.
            if opts.numbers.is_empty() && prog.file.deliberations.contains_key(number) {
                continue;
            }
            outcome
                .diagnostics
                .push(unknown(prog, number, rows.is_empty()));
            continue;
        };
        let sample = samples.remove(number).unwrap_or_default();
        match one(prog, &engine, opts, (number, d), rows, &sample) {
            Ok(made) => outcome.made.push(made),
            Err(mut diags) => outcome.diagnostics.append(&mut diags),
        }
    }
    outcome
}

/// GEN-031: `number` is not described in `charta.toml`, or no convention carries it.
fn unknown(prog: &Programme, number: &str, no_rows: bool) -> Diagnostic {
    let described = prog.file.deliberations.contains_key(number);
    let message = if described && no_rows {
        tr!(
            "la décision n°\u{a0}{number} n'approuve aucune convention ni aucun avenant sans erreur",
            "décision no. {number} approves no convention nor avenant free of errors"
        )
    } else {
        tr!(
            "la décision n°\u{a0}{number} n'est pas décrite dans charta.toml",
            "décision no. {number} is not described in charta.toml"
        )
    };
    Diagnostic::error(Code::GEN_031, message)
        .in_file(prog.root.join("charta.toml"))
        .with_hint(tr!(
            "ajoutez `[deliberations.\"{number}\"]` (body, date, imputation) et vérifiez le numéro que citent les conventions (`convention.decision.number`, `amendments[].decision.number`)",
            "add `[deliberations.\"{number}\"]` (body, date, imputation) and check the number the conventions cite (`convention.decision.number`, `amendments[].decision.number`)"
        ))
}

/// For each décision, one association file per kind, regime and SIEG basis
/// among those it carries: what decides which visas the conventions cite.
fn samples(
    prog: &Programme,
    wanted: &BTreeSet<&str>,
) -> BTreeMap<String, Vec<(String, AssociationFile)>> {
    let mut out: BTreeMap<String, BTreeMap<String, (String, AssociationFile)>> = BTreeMap::new();
    for stub in &prog.associations {
        let entry = prog.entry(stub);
        let Some(data) = entry.data.as_deref() else {
            continue;
        };
        let c = &data.convention;
        let key = format!(
            "{:?}/{:?}/{:?}",
            c.kind,
            c.regime,
            c.sieg.as_ref().map(|s| s.basis)
        );
        let numbers = std::iter::once(&c.decision.number)
            .chain(c.amendments.iter().map(|a| &a.decision.number));
        for n in numbers.filter(|n| wanted.contains(n.as_str())) {
            out.entry(n.clone())
                .or_default()
                .entry(key.clone())
                .or_insert_with(|| (entry.id.clone(), data.clone()));
        }
    }
    out.into_iter()
        .map(|(n, m)| (n, m.into_values().collect()))
        .collect()
}

/// The two documents of one décision, in Markdown, with their metadata.
struct Texts {
    deliberation: String,
    rapport: String,
    meta: Meta,
    csv: String,
}

/// Writes décision `number`: composes, emits, settles an adopted one, writes.
fn one(
    prog: &Programme,
    engine: &Engine,
    opts: &Options,
    (number, d): (&str, &Deliberation),
    rows: Vec<Row>,
    sample: &[(String, AssociationFile)],
) -> Result<Made, Vec<Diagnostic>> {
    let texts = compose(prog, engine, (number, d), &rows, sample)?;
    let stem = slug(number);
    let files = emitted(&stem, &texts, &opts.formats).map_err(|d| vec![d])?;
    let dir = opts.out.join(FOLDER);
    let files = if d.adopted {
        lock::settle(&prog.root, &dir, (number, &stem), files).map_err(|d| vec![d])?
    } else {
        files
    };
    let mut written = Vec::new();
    for (name, bytes) in &files {
        if !wanted_in_out(name, &stem, &opts.formats) {
            continue;
        }
        let path = dir.join(name);
        std::fs::create_dir_all(&dir)
            .and_then(|()| crate::out::write_atomic(&path, bytes))
            .map_err(|e| vec![unwritable(number, &path, &e.to_string())])?;
        written.push(format!("{FOLDER}/{name}"));
    }
    Ok(Made {
        number: number.to_string(),
        files: written,
        rows,
        locked: d.adopted,
    })
}

/// Whether OUT gets `name`: the formats asked for and the CSV (the Markdown
/// is always made, for the archive of an adopted décision).
fn wanted_in_out(name: &str, stem: &str, formats: &[String]) -> bool {
    let ext = name.rsplit('.').next().unwrap_or("");
    name == format!("{stem}.annexe.csv")
        || formats
            .iter()
            .any(|f| emit::format(f).is_some_and(|x| x.extension == ext))
}

/// GEN-033: a file of décision `number` cannot be written.
fn unwritable(number: &str, path: &Path, e: &str) -> Diagnostic {
    Diagnostic::error(
        Code::GEN_033,
        tr!(
            "la délibération n°\u{a0}{number} ne peut pas être écrite\u{a0}: {e}",
            "délibération no. {number} cannot be written: {e}"
        ),
    )
    .in_file(path)
    .with_hint(tr!(
        "vérifiez les droits du dossier et la place sur le disque",
        "check the folder's permissions and the free space on the disk"
    ))
}

/// The files of both documents in every format asked for (and Markdown), and the CSV.
fn emitted(
    stem: &str,
    t: &Texts,
    formats: &[String],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let options = EmitOptions {
        layout: Some(emit::pdf::REVIEW_LAYOUT.to_string()),
        keep_typst: false,
        signature: None,
    };
    let mut rapport_meta = t.meta.clone();
    rapport_meta.title = format!("Rapport – {}", t.meta.title);
    let docs = [
        (stem.to_string(), &t.deliberation, &t.meta),
        (format!("{stem}.rapport"), &t.rapport, &rapport_meta),
    ];
    let mut files = Vec::new();
    for f in emit::FORMATS {
        if f.name != "md" && !formats.iter().any(|n| n == f.name) {
            continue;
        }
        let emitter = (f.new)(&options);
        for (name, md, meta) in &docs {
            let doc = Document {
                id: name,
                markdown: md,
                meta,
            };
            let made = emitter.emit(&doc).map_err(|e| {
                let p = Path::new(FOLDER).join(format!("{name}.{}", f.extension));
                let mut d = unwritable(&t.meta.reference, &p, &e.diagnostic.message.fr);
                d.hint = e.diagnostic.hint;
                d
            })?;
            files.push((format!("{name}.{}", f.extension), made.bytes));
        }
    }
    files.push((format!("{stem}.annexe.csv"), t.csv.clone().into_bytes()));
    Ok(files)
}

/// The délibération, its rapport and its CSV annex.
fn compose(
    prog: &Programme,
    engine: &Engine,
    (number, d): (&str, &Deliberation),
    rows: &[Row],
    sample: &[(String, AssociationFile)],
) -> Result<Texts, Vec<Diagnostic>> {
    let f = Figures::of(rows);
    let years = f.years();
    let mut ctx = match sample.first() {
        Some((id, data)) => crate::context::build(&prog.file, id, data, &[]),
        None => Value::Object(Default::default()),
    };
    ctx["deliberation"] = figures::context(number, (d, prog.file.funder.kind), rows, &f);
    let date_fr = french::date_fr(&d.date).unwrap_or_else(|| d.date.clone());
    let period = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let meta = Meta {
        title: format!("Délibération n°\u{a0}{number}"),
        reference: number.to_string(),
        funder: prog.file.funder.name.clone(),
        association: format!("{} du {date_fr}", d.body),
        period,
        date: french::parse_date(&d.date).unwrap_or((years.first().copied().unwrap_or(2000), 1, 1)),
        charts: Vec::new(),
    };
    let visas = visa_ids(prog, engine, sample);
    let deliberation = body::deliberation(engine, &ctx, (number, d, &date_fr), rows, &f, &visas)?;
    let rapport = body::rapport(engine, &ctx, prog, (number, d, &date_fr), rows, &f)?;
    Ok(Texts {
        deliberation,
        rapport,
        meta,
        csv: sheet::csv(rows, &years),
    })
}

/// The visas the conventions of the décision cite that are not their own
/// (their décision, the association's request): the union over the samples,
/// in the library's order.
fn visa_ids(
    prog: &Programme,
    engine: &Engine,
    sample: &[(String, AssociationFile)],
) -> Vec<String> {
    let mut found: BTreeMap<(i64, String), ()> = BTreeMap::new();
    for (id, data) in sample {
        let Ok(plan) = engine.plan(&prog.file, id, data, Path::new(id)) else {
            continue;
        };
        for (part, clauses) in &plan.selected {
            if part.id != "visas" {
                continue;
            }
            for c in clauses {
                if !matches!(c.meta.id.as_str(), "visa-decision" | "visa-demande") {
                    found.insert((c.meta.order, c.meta.id.clone()), ());
                }
            }
        }
    }
    found.into_keys().map(|(_, id)| id).collect()
}

mod body;
