//! What the desk holds between requests: the programme (loaded once; the
//! programme page reads every association file again, a convention's page,
//! data, save or build read its own file again, and a file is parsed again
//! only when its bytes changed: size and modification time are not trusted,
//! a rewrite can keep both), one summary row per convention, the rendering
//! engine, the secrets, a lock per association file for saves, and the state
//! of the running build.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::load::{self, AssociationEntry, Programme};
use crate::render::Engine;

use super::access::Access;
use super::{Events, Options};

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

/// An association file as last read: its bytes (to see a change), their
/// sha256 (the fingerprint a save must show), its row.
struct Cached {
    raw: Option<Vec<u8>>,
    hash: String,
    row: Row,
}

impl Cached {
    fn new(prog: &Programme, e: &AssociationEntry, raw: Option<Vec<u8>>) -> Cached {
        Cached {
            hash: crate::digest::sha256_hex(raw.as_deref().unwrap_or_default()),
            raw,
            row: row_of(prog, e),
        }
    }

    /// Whether the file still holds these bytes (an unreadable file never does).
    fn holds(&self, now: &std::io::Result<Vec<u8>>) -> bool {
        matches!((&self.raw, now), (Some(a), Ok(b)) if a == b)
    }
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
    pub access: Access,
    port: u16,
    /// One lock per association id: a save checks the fingerprint and
    /// writes under it, so two saves of one file are one after the other.
    saving: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    pub build: Arc<Mutex<BuildState>>,
    pub events: Events,
}

/// The `*.json` files of `dir`, as (id, path), in path order.
fn listing(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut seen: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .filter_map(|p| Some((p.file_stem()?.to_string_lossy().into_owned(), p)))
                .collect()
        })
        .unwrap_or_default();
    seen.sort_by(|a, b| a.1.cmp(&b.1));
    seen
}

impl State {
    pub fn open(
        opts: &Options,
        port: u16,
        events: Events,
    ) -> Result<State, Vec<crate::diagnostic::Diagnostic>> {
        let access = Access::new(opts.token).map_err(|d| vec![d])?;
        let (prog, _) = load::load_programme(&opts.root)?;
        let (engine, _) = Engine::new(&prog.library);
        let rows = {
            use rayon::prelude::*;
            let computed: Vec<(String, Cached)> = prog
                .associations
                .par_iter()
                .map(|e| {
                    let raw = std::fs::read(&e.path).ok();
                    (e.id.clone(), Cached::new(&prog, e, raw))
                })
                .collect();
            computed.into_iter().collect()
        };
        Ok(State {
            out: opts.out.clone(),
            prog: RwLock::new(prog),
            rows: Mutex::new(rows),
            engine,
            access,
            port,
            saving: Mutex::new(HashMap::new()),
            build: Arc::new(Mutex::new(BuildState::default())),
            events,
        })
    }

    /// The port the desk listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn root(&self) -> PathBuf {
        self.prog.read().expect("lock").root.clone()
    }

    /// Reads the programme under the lock (after [`State::refresh`]).
    pub fn with_programme<T>(&self, f: impl FnOnce(&Programme) -> T) -> T {
        f(&self.prog.read().expect("lock"))
    }

    /// The entry of `id` and the fingerprint of the bytes it was parsed
    /// from, read together (the same version of the file).
    pub fn with_entry<T>(
        &self,
        id: &str,
        f: impl FnOnce(&Programme, &AssociationEntry, &str) -> T,
    ) -> Option<T> {
        let rows = self.rows.lock().expect("lock");
        let hash = rows.get(id)?.hash.clone();
        let prog = self.prog.read().expect("lock");
        let entry = prog.associations.iter().find(|e| e.id == id)?;
        Some(f(&prog, entry, &hash))
    }

    /// The lock that saves of association `id` take.
    pub fn save_lock(&self, id: &str) -> Arc<Mutex<()>> {
        self.saving
            .lock()
            .expect("lock")
            .entry(id.to_string())
            .or_default()
            .clone()
    }

    /// Reads every association file again and parses those whose bytes
    /// changed, new or gone ones included: a change is seen even when it
    /// keeps the file's size and modification time. The files are read in
    /// parallel; nothing is parsed when nothing changed.
    pub fn refresh(&self) {
        use rayon::prelude::*;
        let dir = self.root().join("associations");
        let read: Vec<(String, PathBuf, std::io::Result<Vec<u8>>)> = listing(&dir)
            .into_par_iter()
            .map(|(id, p)| {
                let bytes = std::fs::read(&p);
                (id, p, bytes)
            })
            .collect();
        let mut rows = self.rows.lock().expect("lock");
        let same_ids =
            rows.len() == read.len() && read.iter().all(|(id, _, _)| rows.contains_key(id));
        let present: std::collections::HashSet<String> =
            read.iter().map(|(id, _, _)| id.clone()).collect();
        let changed: Vec<(String, PathBuf, std::io::Result<Vec<u8>>)> = read
            .into_iter()
            .filter(|(id, _, b)| rows.get(id).is_none_or(|c| !c.holds(b)))
            .collect();
        if same_ids && changed.is_empty() {
            return;
        }
        let mut prog = self.prog.write().expect("lock");
        let mut by_id: BTreeMap<String, AssociationEntry> = std::mem::take(&mut prog.associations)
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect();
        by_id.retain(|id, _| present.contains(id));
        rows.retain(|id, _| by_id.contains_key(id));
        let mut raws = Vec::new();
        for (id, path, bytes) in changed {
            raws.push((id.clone(), bytes.as_ref().ok().cloned()));
            by_id.insert(id.clone(), load::association_from(&id, &path, bytes));
        }
        let mut entries: Vec<AssociationEntry> = by_id.into_values().collect();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        prog.associations = entries;
        for (id, raw) in raws {
            if let Some(e) = prog.associations.iter().find(|e| e.id == id) {
                rows.insert(id, Cached::new(&prog, e, raw));
            }
        }
    }

    /// Reads the file of association `id` again and parses it if its bytes
    /// changed: what a convention's page, its data, a save or a build of it
    /// need, without reading the whole programme. An id the desk does not
    /// hold, or a file that cannot be read, makes it a whole [`State::refresh`]
    /// (a file added or removed).
    pub fn refresh_one(&self, id: &str) {
        let path = self.with_programme(|p| {
            p.associations
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.path.clone())
        });
        let Some(path) = path else {
            return self.refresh();
        };
        let bytes = std::fs::read(&path);
        if bytes.is_err() {
            return self.refresh();
        }
        let mut rows = self.rows.lock().expect("lock");
        if rows.get(id).is_some_and(|c| c.holds(&bytes)) {
            return;
        }
        let raw = bytes.as_ref().ok().cloned();
        let entry = load::association_from(id, &path, bytes);
        let mut prog = self.prog.write().expect("lock");
        if let Some(slot) = prog.associations.iter_mut().find(|e| e.id == id) {
            *slot = entry;
        }
        if let Some(e) = prog.associations.iter().find(|e| e.id == id) {
            rows.insert(id.to_string(), Cached::new(&prog, e, raw));
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
        crate::anchor::is_slug(id) && self.rows.lock().expect("lock").contains_key(id)
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
