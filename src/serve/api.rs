//! The JSON endpoints the page's script calls, and the downloads.
//!
//! Every handler names an association by an id that must be in the
//! programme's listing (`State::knows`); the file it maps to is the one the
//! programme loaded, never a path built from the request.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::state::{BuildState, State, signed_in};
use super::{BuildSummary, Reply};
use crate::build::{self, BuildOptions, Progress};
use crate::diagnostic::{Diagnostic, has_errors};
use crate::load::AssociationEntry;
use crate::out::Status;

/// The convention as Markdown from the data on disk, or the messages that say why not.
pub fn render_markdown(state: &State, id: &str) -> Result<String, Vec<String>> {
    state.with_programme(|prog| {
        let Some(entry) = prog.associations.iter().find(|e| e.id == id) else {
            return Err(vec!["association inconnue".to_string()]);
        };
        let Some(data) = &entry.data else {
            return Err(vec![
                "le fichier de l'association ne se lit pas\u{a0}: voyez les contrôles des données"
                    .to_string(),
            ]);
        };
        state
            .engine
            .render(&prog.file, id, data, &entry.path)
            .map(|r| r.markdown)
            .map_err(|d| d.into_iter().map(|d| d.message.fr).collect())
    })
}

pub fn download(state: &State, id: &str, format: &str) -> Reply {
    if !state.knows(id) {
        return Reply::not_found();
    }
    let Some(f) = crate::emit::format(format) else {
        return Reply::not_found();
    };
    let name = crate::out::file_name(id, f.extension);
    let Ok(bytes) = std::fs::read(state.out.join(&name)) else {
        return Reply::error(
            404,
            "Ce fichier n'a pas encore été généré\u{a0}: lancez la génération de la convention.",
        );
    };
    let mut r = Reply::with(200, f.mime, bytes);
    r.attachment = Some(name);
    r
}

pub fn schema() -> Reply {
    Reply::json(200, crate::schema::cached())
}

/// A diagnostic for the page: where (JSON path), what, how to fix it.
fn diag_json(d: &Diagnostic) -> Value {
    json!({
        "severite": if d.is_error() { "erreur" } else { "avertissement" },
        "chemin": d.path,
        "ligne": d.line,
        "colonne": d.column,
        "code": d.code,
        "message": d.message.fr,
        "conseil": d.hint.as_ref().map(|h| &h.fr),
    })
}

fn diags_json(diags: &[Diagnostic]) -> Value {
    Value::Array(diags.iter().map(diag_json).collect())
}

/// The data of one association as the form starts from it: the JSON, the
/// sha256 of the file's bytes (sent back on save), signed or not, its
/// diagnostics.
pub fn convention(state: &State, id: &str) -> Reply {
    state.refresh_one(id);
    if !state.knows(id) {
        return Reply::not_found();
    }
    state
        .with_entry(id, |prog, entry, hash| {
            let diags = crate::check::check_one(prog, &state.engine, entry);
            let data: Option<Value> = serde_json::from_str(&entry.text).ok();
            Reply::json(
                200,
                &json!({
                    "id": id,
                    "donnees": data,
                    "texte": if data.is_none() { Some(&entry.text) } else { None },
                    "empreinte": hash,
                    "signee": data.as_ref().is_some_and(signed_in),
                    "diagnostics": diags_json(&diags),
                }),
            )
        })
        .unwrap_or_else(Reply::not_found)
}

/// The text a save writes: pretty JSON (keys in the order given), a final newline.
fn file_text(data: &Value) -> String {
    let mut s = serde_json::to_string_pretty(data).expect("JSON serialises");
    s.push('\n');
    s
}

/// Checks `data` as the file of association `id`, with every rule of `charta check`.
fn check_data(state: &State, id: &str, data: &Value) -> Option<Vec<Diagnostic>> {
    let text = file_text(data);
    state.with_programme(|prog| {
        let path = prog.associations.iter().find(|e| e.id == id)?.path.clone();
        let (parsed, diagnostics) = match crate::load::parse_association(&text, &path) {
            Ok(d) => (Some(d), Vec::new()),
            Err(d) => (None, vec![d]),
        };
        let entry = AssociationEntry {
            id: id.to_string(),
            path,
            text,
            data: parsed.map(Box::new),
            diagnostics,
        };
        Some(crate::check::check_one(prog, &state.engine, &entry))
    })
}

fn parse_body(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|e| {
        Reply::error(
            400,
            &format!("Le corps de la requête n'est pas du JSON valide\u{a0}: {e}"),
        )
    })
}

/// « 1 erreur », « 2 erreurs » (French: 0 and 1 take the singular).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n}\u{a0}{}", if n > 1 { many } else { one })
}

/// Live check: the edited data, checked as `charta check` would check the file.
pub fn check(state: &State, id: &str, body: &[u8]) -> Reply {
    if !state.knows(id) {
        return Reply::not_found();
    }
    let data = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    match check_data(state, id, &data) {
        Some(d) => Reply::json(
            200,
            &json!({ "erreurs": d.iter().filter(|x| x.is_error()).count(), "diagnostics": diags_json(&d) }),
        ),
        None => Reply::not_found(),
    }
}

/// The 409 of a save: the file as it is now, for the page to reload.
fn conflict(current: &[u8]) -> Reply {
    let data: Option<Value> = serde_json::from_slice(current).ok();
    Reply::json(
        409,
        &json!({
            "erreur": "Le fichier a changé sur le disque depuis que vous l'avez ouvert (par une autre personne, un autre onglet ou un autre outil). \
                       Rien n'a été enregistré\u{a0}: rechargez la version actuelle, puis refaites vos modifications.",
            "empreinte": crate::digest::sha256_hex(current),
            "donnees": data,
            "signee": data.as_ref().is_some_and(signed_in),
        }),
    )
}

/// Save: `{"empreinte": <sha256 of the file as opened>, "donnees": <data>,
/// "confirmer_signature": true|false}`. Under the file's lock, so that the
/// check of the fingerprint and the write are one step: refuses a file
/// changed since it was opened (409, with the file as it is now), a signed
/// convention (403), a signature date set without `confirmer_signature`
/// (428), data with errors (422, with the diagnostics); writes atomically.
pub fn save(state: &State, id: &str, body: &[u8]) -> Reply {
    if !state.knows(id) {
        return Reply::not_found();
    }
    let (hash, data, confirmed) = match save_request(body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let Some(path) = state.with_programme(|p| {
        p.associations
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.path.clone())
    }) else {
        return Reply::not_found();
    };
    let lock = state.save_lock(id);
    let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
    // The file as it is now on disk, not as the desk last saw it.
    let current = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            return Reply::error(
                500,
                &format!("Impossible de relire le fichier de l'association\u{a0}: {e}"),
            );
        }
    };
    if let Some(refusal) = refused_over(&current, &hash, &data, confirmed) {
        return refusal;
    }
    let Some(diags) = check_data(state, id, &data) else {
        return Reply::not_found();
    };
    if has_errors(&diags) {
        return with_errors(&diags);
    }
    let text = file_text(&data);
    if let Err(e) = crate::out::write_atomic(&path, text.as_bytes()) {
        return Reply::error(500, &format!("Impossible d'écrire le fichier\u{a0}: {e}"));
    }
    state.refresh_one(id);
    Reply::json(
        200,
        &json!({
            "message": if signed_in(&data) { "Enregistré\u{a0}: la convention est signée." } else { "Enregistré." },
            "empreinte": crate::digest::sha256_hex(text.as_bytes()),
            "signee": signed_in(&data),
            "diagnostics": diags_json(&diags),
        }),
    )
}

/// The fingerprint, the data and the confirmation of a signature that a save sends.
fn save_request(body: &[u8]) -> Result<(String, Value, bool), Reply> {
    let mut req = parse_body(body)?;
    let confirmed = req.get("confirmer_signature") == Some(&Value::Bool(true));
    match (
        req.get("empreinte")
            .and_then(Value::as_str)
            .map(str::to_string),
        req.get_mut("donnees").map(Value::take),
    ) {
        (Some(hash), Some(data)) => Ok((hash, data, confirmed)),
        _ => Err(Reply::error(
            400,
            "Requête incomplète\u{a0}: il faut l'empreinte du fichier ouvert et les données.",
        )),
    }
}

/// Why a save may not write over the file that holds `current`: another
/// version (409), a signed convention (403), a signature not confirmed (428).
fn refused_over(current: &[u8], hash: &str, data: &Value, confirmed: bool) -> Option<Reply> {
    let current_hash = crate::digest::sha256_hex(current);
    if !super::constant_time_eq(current_hash.as_bytes(), hash.as_bytes()) {
        return Some(conflict(current));
    }
    if serde_json::from_slice::<Value>(current)
        .ok()
        .is_some_and(|v| signed_in(&v))
    {
        return Some(Reply::json(
            403,
            &json!({ "erreur": "Convention signée\u{a0}: ses données ne se modifient plus. Rien n'a été enregistré. \
                                Pour la changer, préparez un avenant." }),
        ));
    }
    if signed_in(data) && !confirmed {
        return Some(Reply::json(
            428,
            &json!({ "erreur": "Rien n'a été enregistré\u{a0}: une date de signature rend la convention définitive. \
                                Confirmez la signature pour l'enregistrer.", "confirmation": "signature" }),
        ));
    }
    None
}

/// The 422 of a save: how many errors, each next to its field.
fn with_errors(diags: &[Diagnostic]) -> Reply {
    let n = diags.iter().filter(|d| d.is_error()).count();
    let message = if n > 1 {
        format!(
            "Rien n'a été enregistré\u{a0}: les données ont {n}\u{a0}erreurs, signalées à côté des champs concernés."
        )
    } else {
        "Rien n'a été enregistré\u{a0}: les données ont une erreur, signalée à côté du champ concerné.".to_string()
    };
    Reply::json(
        422,
        &json!({ "erreur": message, "diagnostics": diags_json(diags) }),
    )
}

struct Live(Arc<Mutex<BuildState>>);

impl Progress for Live {
    fn start(&self, total: usize) {
        self.0.lock().expect("lock").total = total;
    }
    fn done(&self, id: &str, status: Status) {
        let mut s = self.0.lock().expect("lock");
        s.done += 1;
        s.current = id.to_string();
        match status {
            Status::Rendered => s.rendered += 1,
            Status::Unchanged => s.unchanged += 1,
            Status::Refused => s.refused += 1,
            Status::Failed => s.failed += 1,
        }
    }
}

/// « Génération terminée en 1,2 s : 1 convention produite, 3 inchangées. »
fn closing_sentence(secs: f64, s: &BuildSummary) -> String {
    let mut parts = vec![
        plural(s.rendered, "convention produite", "conventions produites"),
        plural(s.unchanged, "inchangée", "inchangées"),
    ];
    if s.refused > 0 {
        parts.push(plural(s.refused, "refusée", "refusées"));
    }
    if s.failed > 0 {
        parts.push(format!("{}\u{a0}en échec", s.failed));
    }
    format!(
        "Génération terminée en {}\u{a0}s\u{a0}: {}.",
        format!("{secs:.1}").replace('.', ","),
        parts.join(", ")
    )
}

/// Starts a build (`{"seulement": "<id>"}` for one convention, every output
/// format) in a thread; 409 if one is running. The build loads the
/// programme from disk when it starts (charta.toml, the clauses, every
/// association file): it builds what is on disk, never what the desk holds.
pub fn build(state: &State, body: &[u8]) -> Reply {
    let req = if body.is_empty() {
        json!({})
    } else {
        match parse_body(body) {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
    let only: Vec<String> = match req.get("seulement").and_then(Value::as_str) {
        Some("") | None => Vec::new(),
        Some(id) => {
            state.refresh_one(id);
            if !state.knows(id) {
                return Reply::not_found();
            }
            vec![id.to_string()]
        }
    };
    {
        let mut s = state.build.lock().expect("lock");
        if s.running {
            return Reply::error(
                409,
                "Une génération est déjà en cours\u{a0}: attendez qu'elle se termine.",
            );
        }
        *s = BuildState {
            running: true,
            started: true,
            message: "Génération en cours…".to_string(),
            ..BuildState::default()
        };
    }
    let root = state.root();
    let mut opts = BuildOptions::new(state.out.clone());
    opts.formats = crate::emit::names().iter().map(|s| s.to_string()).collect();
    opts.only = only;
    let (shared, events) = (state.build.clone(), state.events.clone());
    std::thread::spawn(move || {
        // The desk, a front end, times its builds (the library reads no clock).
        let started = std::time::Instant::now();
        let live = Live(shared.clone());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (prog, _) = crate::load::load_programme_lazy(&root).map_err(|d| {
                d.into_iter()
                    .next()
                    .map(|d| d.message.fr)
                    .unwrap_or_default()
            })?;
            let mut errors = Errors::default();
            let report = build::run(&prog, &opts, &live, &mut errors).map_err(|d| d.message.fr)?;
            Ok((report, errors.0))
        }));
        let summary = finish(&shared, result, started.elapsed().as_secs_f64());
        events(super::Event::BuildEnded(summary));
    });
    Reply::json(202, &json!({ "message": "Génération lancée." }))
}

/// What the desk keeps of a build's diagnostics: the errors' French messages
/// (the warnings, however many, are not kept).
#[derive(Default)]
struct Errors(Vec<String>);

impl crate::diagnostic::Sink for Errors {
    fn push(&mut self, d: Diagnostic) {
        if d.is_error() {
            self.0.push(d.message.fr);
        }
    }
}

/// Records the end of a build in the shared state; its summary for the terminal.
fn finish(
    shared: &Mutex<BuildState>,
    result: std::thread::Result<Result<(build::BuildReport, Vec<String>), String>>,
    seconds: f64,
) -> BuildSummary {
    let mut s = shared.lock().expect("lock");
    s.running = false;
    match result {
        Ok(Ok((report, errors))) => {
            s.problems = errors;
            let summary = BuildSummary {
                rendered: report.count(Status::Rendered),
                unchanged: report.count(Status::Unchanged),
                refused: report.count(Status::Refused),
                failed: report.count(Status::Failed),
                problem: None,
            };
            s.message = closing_sentence(seconds, &summary);
            summary
        }
        Ok(Err(why)) => {
            s.message = format!("La génération n'a pas pu commencer\u{a0}: {why}");
            BuildSummary {
                problem: Some(why),
                ..BuildSummary::default()
            }
        }
        Err(_) => {
            s.message = "La génération s'est arrêtée sur une erreur interne.".to_string();
            BuildSummary {
                problem: Some(s.message.clone()),
                ..BuildSummary::default()
            }
        }
    }
}

pub fn build_status(state: &State) -> Reply {
    let s = state.build.lock().expect("lock").clone();
    Reply::json(200, &serde_json::to_value(&s).expect("serialises"))
}
