//! The JSON endpoints the page's script calls, and the downloads.
//!
//! Every handler names an association by an id that must be in the
//! programme's listing (`State::knows`); the file it maps to is the one the
//! programme loaded, never a path built from the request.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::Reply;
use super::state::{BuildState, State, signed_in};
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
                "le fichier de l'association ne se lit pas : voyez les contrôles des données"
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
            "Ce fichier n'a pas encore été généré : lancez la génération de la convention.",
        );
    };
    Reply {
        status: 200,
        content_type: match f.name {
            "pdf" => "application/pdf",
            "md" => "text/markdown; charset=utf-8",
            "odt" => "application/vnd.oasis.opendocument.text",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            _ => "application/octet-stream",
        },
        body: bytes,
        attachment: Some(name),
    }
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
/// hash of the file (sent back on save), signed or not, its diagnostics.
pub fn convention(state: &State, id: &str) -> Reply {
    state.refresh();
    if !state.knows(id) {
        return Reply::not_found();
    }
    state.with_programme(|prog| {
        let Some(entry) = prog.associations.iter().find(|e| e.id == id) else {
            return Reply::not_found();
        };
        let diags = crate::check::check_one(prog, &state.engine, entry);
        let data: Option<Value> = serde_json::from_str(&entry.text).ok();
        Reply::json(
            200,
            &json!({
                "id": id,
                "donnees": data,
                "texte": if data.is_none() { Some(&entry.text) } else { None },
                "empreinte": crate::digest::sha256_hex(entry.text.as_bytes()),
                "signee": data.as_ref().is_some_and(signed_in),
                "diagnostics": diags_json(&diags),
            }),
        )
    })
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
            &format!("Le corps de la requête n'est pas du JSON valide : {e}"),
        )
    })
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

/// Save: `{"empreinte": <hash of the file as opened>, "donnees": <data>}`.
/// Refuses a file changed since it was opened (409), a signed convention
/// (403), data with errors (422, with the diagnostics); writes atomically.
pub fn save(state: &State, id: &str, body: &[u8]) -> Reply {
    state.refresh();
    if !state.knows(id) {
        return Reply::not_found();
    }
    let req = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (Some(hash), Some(data)) = (
        req.get("empreinte").and_then(Value::as_str),
        req.get("donnees"),
    ) else {
        return Reply::error(
            400,
            "Requête incomplète : il faut l'empreinte du fichier ouvert et les données.",
        );
    };
    let Some(path) = state.with_programme(|p| {
        p.associations
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.path.clone())
    }) else {
        return Reply::not_found();
    };
    // The file as it is now on disk, not as the desk last saw it.
    let current = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            return Reply::error(
                500,
                &format!("Impossible de relire le fichier de l'association : {e}"),
            );
        }
    };
    if !super::constant_time_eq(
        crate::digest::sha256_hex(&current).as_bytes(),
        hash.as_bytes(),
    ) {
        return Reply::json(
            409,
            &json!({ "erreur": "Le fichier a changé sur le disque depuis que vous l'avez ouvert (par une autre personne ou un autre outil). \
                                Rien n'a été enregistré : rechargez la page pour repartir de la version actuelle, puis refaites vos modifications." }),
        );
    }
    if serde_json::from_slice::<Value>(&current)
        .ok()
        .is_some_and(|v| signed_in(&v))
    {
        return Reply::json(
            403,
            &json!({ "erreur": "Convention signée : ses données ne se modifient plus. Rien n'a été enregistré. \
                                Pour la changer, préparez un avenant (convention.amendments)." }),
        );
    }
    let Some(diags) = check_data(state, id, data) else {
        return Reply::not_found();
    };
    if has_errors(&diags) {
        let n = diags.iter().filter(|d| d.is_error()).count();
        return Reply::json(
            422,
            &json!({
                "erreur": format!("Rien n'a été enregistré : les données ont {n} erreur(s), signalée(s) à côté des champs concernés."),
                "diagnostics": diags_json(&diags),
            }),
        );
    }
    let text = file_text(data);
    if let Err(e) = crate::out::write_atomic(&path, text.as_bytes()) {
        return Reply::error(500, &format!("Impossible d'écrire le fichier : {e}"));
    }
    state.refresh();
    Reply::json(
        200,
        &json!({
            "message": "Enregistré.",
            "empreinte": crate::digest::sha256_hex(text.as_bytes()),
            "diagnostics": diags_json(&diags),
        }),
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

/// Starts a build (`{"seulement": "<id>"}` for one convention, every output
/// format) in a thread; 409 if one is running.
pub fn build(state: &State, body: &[u8]) -> Reply {
    let req = if body.is_empty() {
        json!({})
    } else {
        match parse_body(body) {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
    state.refresh();
    let only: Vec<String> = match req.get("seulement").and_then(Value::as_str) {
        Some("") | None => Vec::new(),
        Some(id) if state.knows(id) => vec![id.to_string()],
        Some(_) => return Reply::not_found(),
    };
    {
        let mut s = state.build.lock().expect("lock");
        if s.running {
            return Reply::error(
                409,
                "Une génération est déjà en cours : attendez qu'elle se termine.",
            );
        }
        *s = BuildState {
            running: true,
            started: true,
            message: "Génération en cours…".to_string(),
            ..BuildState::default()
        };
    }
    let prog = state.with_programme(Clone::clone);
    let mut opts = BuildOptions::new(state.out.clone());
    opts.formats = crate::emit::names().iter().map(|s| s.to_string()).collect();
    opts.only = only;
    let shared = state.build.clone();
    let started = std::time::Instant::now();
    std::thread::spawn(move || {
        let live = Live(shared.clone());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            build::run(&prog, &opts, &live)
        }));
        let mut s = shared.lock().expect("lock");
        s.running = false;
        match result {
            Ok(Ok(report)) => {
                s.problems = report
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.message.fr.clone())
                    .collect();
                s.message = format!(
                    "Génération terminée en {:.1} s : {} produite(s), {} inchangée(s), {} refusée(s), {} en échec.",
                    started.elapsed().as_secs_f64(),
                    report.count(Status::Rendered),
                    report.count(Status::Unchanged),
                    report.count(Status::Refused),
                    report.count(Status::Failed),
                );
            }
            Ok(Err(d)) => s.message = format!("La génération n'a pas pu commencer : {}", d.message),
            Err(_) => s.message = "La génération s'est arrêtée sur une erreur interne.".to_string(),
        }
    });
    Reply::json(202, &json!({ "message": "Génération lancée." }))
}

pub fn build_status(state: &State) -> Reply {
    let s = state.build.lock().expect("lock").clone();
    Reply::json(200, &serde_json::to_value(&s).expect("serialises"))
}
