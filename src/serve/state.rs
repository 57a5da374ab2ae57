//! What the desk holds between requests: the programme (loaded once, each
//! association file re-read only when its size or modification time
//! changed), one summary row per convention, the rendering engine, the token
//! and the state of the running build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, AssociationEntry, Programme};
use crate::render::Engine;

use super::{Options, ServeError};

/// Where a convention stands, for the programme page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Signed,
    AmendmentToSign,
    Errors,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Draft => "brouillon",
            Status::Signed => "signee",
            Status::AmendmentToSign => "avenant",
            Status::Errors => "erreurs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "brouillon",
            Status::Signed => "signée",
            Status::AmendmentToSign => "avenant à signer",
            Status::Errors => "erreurs",
        }
    }
}

/// One row of the programme page.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub years: String,
    /// Sum of `convention.funding`, in cents.
    pub total_cents: i64,
    pub status: Status,
    pub signed: bool,
    pub errors: usize,
    pub warnings: usize,
}

/// The file as last seen: to know when to read it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

struct Cached {
    stamp: Option<Stamp>,
    row: Row,
}

/// Progress of the build started from the desk.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildState {
    pub running: bool,
    /// Whether a build ran since the desk started.
    pub started: bool,
    pub total: usize,
    pub done: usize,
    pub current: String,
    pub rendered: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub failed: usize,
    /// The closing sentence, in French.
    pub message: String,
    /// The problems the build reported (French or English as the library words them).
    pub problems: Vec<String>,
}

pub struct State {
    pub out: PathBuf,
    prog: RwLock<Programme>,
    rows: Mutex<BTreeMap<String, Cached>>,
    pub engine: Engine,
    token: String,
    port: AtomicU16,
    pub build: Arc<Mutex<BuildState>>,
}

impl State {
    pub fn open(opts: &Options) -> Result<State, ServeError> {
        let (prog, _) = load::load_programme(&opts.root).map_err(ServeError::Input)?;
        let (engine, _) = Engine::new(&prog.library);
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| {
            ServeError::Fault(vec![
                Diagnostic::error(crate::tr!(
                    "impossible de tirer le jeton du bureau au hasard\u{a0}: {}",
                    "cannot draw the desk's token at random: {}",
                    e
                ))
                .code("BUR-001"),
            ])
        })?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let rows = {
            use rayon::prelude::*;
            let computed: Vec<(String, Cached)> = prog
                .associations
                .par_iter()
                .map(|e| {
                    (
                        e.id.clone(),
                        Cached {
                            stamp: stamp(&e.path),
                            row: row_of(&prog, e),
                        },
                    )
                })
                .collect();
            computed.into_iter().collect()
        };
        Ok(State {
            out: opts.out.clone(),
            prog: RwLock::new(prog),
            rows: Mutex::new(rows),
            engine,
            token,
            port: AtomicU16::new(opts.port),
            build: Arc::new(Mutex::new(BuildState::default())),
        })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn set_port(&self, port: u16) {
        self.port.store(port, Ordering::Relaxed);
    }

    /// The `Host` headers of the desk's own address.
    pub fn host_allowed(&self, host: &str) -> bool {
        let port = self.port.load(Ordering::Relaxed);
        host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
    }

    pub fn root(&self) -> PathBuf {
        self.prog.read().expect("lock").root.clone()
    }

    /// Reads the programme under the lock (after [`State::refresh`]).
    pub fn with_programme<T>(&self, f: impl FnOnce(&Programme) -> T) -> T {
        f(&self.prog.read().expect("lock"))
    }

    /// Re-reads the association files that changed on disk, new or gone ones
    /// included. Cheap when nothing changed: one `stat` per file.
    pub fn refresh(&self) {
        let dir = self.root().join("associations");
        let mut seen: Vec<(String, PathBuf, Option<Stamp>)> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                    .filter_map(|p| {
                        let id = p.file_stem()?.to_string_lossy().into_owned();
                        let s = stamp(&p);
                        Some((id, p, s))
                    })
                    .collect()
            })
            .unwrap_or_default();
        seen.sort_by(|a, b| a.1.cmp(&b.1));
        let mut rows = self.rows.lock().expect("lock");
        let same_ids =
            rows.len() == seen.len() && seen.iter().all(|(id, _, _)| rows.contains_key(id));
        let changed: Vec<&(String, PathBuf, Option<Stamp>)> = seen
            .iter()
            .filter(|(id, _, s)| rows.get(id).is_none_or(|c| c.stamp != *s || s.is_none()))
            .collect();
        if same_ids && changed.is_empty() {
            return;
        }
        let mut prog = self.prog.write().expect("lock");
        let mut by_id: BTreeMap<String, AssociationEntry> = std::mem::take(&mut prog.associations)
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        by_id.retain(|id, _| seen.iter().any(|(s, _, _)| s == id));
        rows.retain(|id, _| seen.iter().any(|(s, _, _)| s == id));
        for (id, path, _) in &changed {
            by_id.insert(id.clone(), load::load_association(id, path));
        }
        let mut entries: Vec<AssociationEntry> = by_id.into_values().collect();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        prog.associations = entries;
        for (id, _, s) in &changed {
            if let Some(e) = prog.associations.iter().find(|e| &e.id == id) {
                rows.insert(
                    id.clone(),
                    Cached {
                        stamp: *s,
                        row: row_of(&prog, e),
                    },
                );
            }
        }
    }

    /// Every row, in id order.
    pub fn rows(&self) -> Vec<Row> {
        self.rows
            .lock()
            .expect("lock")
            .values()
            .map(|c| c.row.clone())
            .collect()
    }

    pub fn row(&self, id: &str) -> Option<Row> {
        self.rows
            .lock()
            .expect("lock")
            .get(id)
            .map(|c| c.row.clone())
    }

    /// Whether `id` is an association of the programme (the only names a request may use).
    pub fn knows(&self, id: &str) -> bool {
        load::is_slug(id) && self.rows.lock().expect("lock").contains_key(id)
    }
}

/// The convention of an association file, read tolerantly from its JSON
/// (the file may not parse as the model).
pub fn signed_in(v: &Value) -> bool {
    v.pointer("/convention/signature/date")
        .is_some_and(|d| d.as_str().is_some_and(|s| !s.trim().is_empty()))
}

/// A last amendment whose signature date is null: an avenant to sign.
/// (`convention.amendments`, read from the JSON so that it works before and after the model has it.)
pub fn amendment_to_sign(v: &Value) -> bool {
    v.pointer("/convention/amendments")
        .and_then(Value::as_array)
        .and_then(|a| a.last())
        .is_some_and(|last| {
            last.pointer("/signature/date")
                .is_none_or(|d| d.as_str().is_none_or(|s| s.trim().is_empty()))
        })
}

fn row_of(prog: &Programme, e: &AssociationEntry) -> Row {
    let diags = crate::check::check_association(prog, e);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let v: Value = serde_json::from_str(&e.text).unwrap_or(Value::Null);
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let years: Vec<i64> = v
        .pointer("/convention/years")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let years = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    };
    let total_cents = v
        .pointer("/convention/funding")
        .and_then(Value::as_object)
        .map(|m| {
            m.values()
                .filter_map(Value::as_f64)
                .map(|x| (x * 100.0).round() as i64)
                .sum()
        })
        .unwrap_or(0);
    let signed = signed_in(&v);
    let status = if errors > 0 {
        Status::Errors
    } else if amendment_to_sign(&v) {
        Status::AmendmentToSign
    } else if signed {
        Status::Signed
    } else {
        Status::Draft
    };
    Row {
        id: e.id.clone(),
        name: s("/association/name"),
        kind: s("/convention/kind"),
        years,
        total_cents,
        status,
        signed,
        errors,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_read_tolerantly_from_the_json() {
        let draft = json!({"convention": {"signature": {"place": "X", "date": null}}});
        let signed = json!({"convention": {"signature": {"place": "X", "date": "2026-02-01"}}});
        assert!(!signed_in(&draft));
        assert!(signed_in(&signed));
        assert!(!amendment_to_sign(&signed));
        let mut with = signed.clone();
        with["convention"]["amendments"] = json!([
            {"decision": {}, "signature": {"place": "X", "date": "2026-09-01"}, "summary": "1"},
            {"decision": {}, "signature": {"place": "X", "date": null}, "summary": "2"}
        ]);
        assert!(amendment_to_sign(&with));
        with["convention"]["amendments"][1]["signature"]["date"] = json!("2027-01-05");
        assert!(!amendment_to_sign(&with));
    }
}
