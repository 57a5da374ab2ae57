//! Building many conventions: in parallel, incremental, atomic, never
//! overwriting a signed act.
//!
//! `OUT/manifest.json` records for each convention the hashes of its inputs and
//! outputs. A convention is rendered again only when an input changed, when an
//! output is missing or was altered, or with `force`. Every file is written to a
//! temporary file in OUT and renamed, and the manifest is renamed last, so a
//! killed build leaves complete files and a manifest that tells the truth about
//! what it lists; the next build finishes the work.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, has_errors};
use crate::load::{AssociationEntry, Programme};
use crate::pdf::PdfEngine;
use crate::render::Engine;

pub const MANIFEST: &str = "manifest.json";
const TMP_PREFIX: &str = ".charta-tmp-";

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub out: PathBuf,
    pub markdown: bool,
    pub pdf: bool,
    pub only: Vec<String>,
    pub jobs: usize,
    pub force: bool,
    pub keep_typst: bool,
}

/// What happened to one convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Rendered,
    Unchanged,
    Refused,
    Failed,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutputFile {
    pub file: String,
    pub sha256: String,
    pub size: u64,
    /// Modification time (ns since the epoch) when written: an unchanged size and
    /// time spare the next build from hashing the file again.
    #[serde(default)]
    pub modified_ns: u64,
}

impl OutputFile {
    fn written(out: &Path, file: String, bytes: &[u8]) -> OutputFile {
        let modified_ns = modified_ns(&out.join(&file)).unwrap_or(0);
        OutputFile {
            file,
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            modified_ns,
        }
    }
}

fn modified_ns(path: &Path) -> Option<u64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as u64)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClauseInput {
    pub id: String,
    pub version: String,
    pub origin: crate::load::Origin,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Inputs {
    /// The association file.
    pub data: String,
    /// `charta.toml` (funder, priorities).
    pub programme: String,
    pub template: String,
    /// The Typst layout (only when a PDF is built).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
    pub engine: String,
    pub clauses: Vec<ClauseInput>,
}

/// One convention in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub status: Status,
    pub signed: bool,
    pub inputs: Inputs,
    /// Hash of `inputs`, compared by the next build.
    pub inputs_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md: Option<OutputFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<OutputFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub charta: String,
    pub programme: String,
    pub conventions: Vec<Entry>,
}

impl Manifest {
    pub fn read(out: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(out.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// The outcome of a build.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub outcomes: Vec<(String, Status)>,
    /// Every problem, association by association (in id order).
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Conventions that failed on a fault that is not their data's: a bug (a
    /// panic) or a write that failed (a full disk).
    pub internal_errors: usize,
}

impl BuildReport {
    pub fn count(&self, s: Status) -> usize {
        self.outcomes.iter().filter(|(_, x)| *x == s).count()
    }
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
            || self.count(Status::Failed) + self.count(Status::Refused) > 0
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage_atomic(path, bytes)?
        .persist(path)
        .map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, to be renamed to `path`
/// (dropped, it is removed).
fn stage_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX);
    // Outputs are documents to share, not secrets: the usual 0644, not tempfile's 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir)?;
    let (first, second) = bytes.split_at(bytes.len() / 2);
    tmp.write_all(first)?;
    // `CHARTA_FAILPOINT=fail:write:<file>` (a full disk), `panic:` or `stall:`
    // with half the bytes in the temporary file.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    crate::failpoint::write(&name)?;
    tmp.write_all(second)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Progress callbacks, so the binary can draw a bar and the library never prints.
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn done(&self, _id: &str, _status: Status) {}
}

impl Progress for () {}

struct Job<'a> {
    entry: &'a AssociationEntry,
    previous: Option<&'a Entry>,
}

/// Builds every (selected) association of the programme into `opts.out`.
pub fn build(
    prog: &Programme,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, Diagnostic> {
    let started = Instant::now();
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        Diagnostic::error(format!("cannot create the output folder: {e}")).in_file(&opts.out)
    })?;
    remove_stale_temporaries(&opts.out);
    let previous = Manifest::read(&opts.out).unwrap_or_default();
    let prev_by_id: BTreeMap<&str, &Entry> = previous
        .conventions
        .iter()
        .map(|e| (e.id.as_str(), e))
        .collect();

    let mut report = BuildReport::default();
    let (engine, lib_diags) = Engine::new(&prog.library);
    report.diagnostics.extend(lib_diags);
    report
        .diagnostics
        .extend(crate::check::check_library(prog, &engine));
    let pdf_engine = opts
        .pdf
        .then(|| PdfEngine::new(prog.library.layout.as_ref().map(|(s, _)| s.clone())));

    let mut unknown_only = Vec::new();
    for id in &opts.only {
        if !prog.associations.iter().any(|a| &a.id == id) {
            unknown_only.push(
                Diagnostic::error(format!(
                    "--only {id}: no association file `associations/{id}.json`"
                ))
                .in_file(prog.root.join("associations")),
            );
        }
    }
    report.diagnostics.extend(unknown_only);

    let jobs: Vec<Job> = prog
        .associations
        .iter()
        .filter(|a| opts.only.is_empty() || opts.only.contains(&a.id))
        .map(|entry| Job {
            entry,
            previous: prev_by_id.get(entry.id.as_str()).copied(),
        })
        .collect();
    progress.start(jobs.len());

    let programme_hash = sha256_hex(prog.toml_text.as_bytes());
    let layout_hash = prog
        .library
        .layout
        .as_ref()
        .map(|(s, _)| sha256_hex(s.as_bytes()))
        .unwrap_or_else(|| sha256_hex(crate::pdf::BUILTIN_LAYOUT.as_bytes()));
    let ctx = JobContext {
        prog,
        opts,
        engine: &engine,
        pdf: pdf_engine.as_ref(),
        programme_hash,
        layout_hash,
        clause_hashes: engine
            .library()
            .clauses
            .iter()
            .map(|(id, c)| (id.clone(), sha256_hex(c.raw.as_bytes())))
            .collect(),
    };

    // The manifest under construction: previous entries of associations that still
    // exist (their files are untouched until re-rendered), replaced as jobs finish.
    // It is flushed every second or so, so a killed build loses little work, and
    // at the end. An entry always describes files fully written before it.
    //
    // An entry whose association left the programme keeps its place while its
    // files are in OUT (the manifest tells the truth about the folder, and a
    // withdrawn convention is never deleted behind the user's back); each
    // build warns about it until its files are removed.
    let mut initial: BTreeMap<String, Entry> = BTreeMap::new();
    for e in &previous.conventions {
        if prog.associations.iter().any(|a| a.id == e.id) {
            initial.insert(e.id.clone(), e.clone());
        } else if let Some(d) = orphan_warning(&opts.out, e) {
            report.diagnostics.push(d);
            initial.insert(e.id.clone(), e.clone());
        }
    }
    let state = Mutex::new(Progressive {
        entries: initial,
        last_flush: Instant::now(),
        flush_error: None,
    });
    let results: Mutex<Vec<JobResult>> = Mutex::new(Vec::with_capacity(jobs.len()));
    // One long-lived job per thread of a dedicated rayon pool, each taking the
    // next convention from a shared counter. Conventions are never rayon jobs:
    // an outer `par_iter` would let a thread that waits inside Typst (which uses
    // rayon within one document) steal and start other conventions, nesting
    // them on its stack (stack overflows, gigabytes of half-finished
    // documents). But Typst's own parallel work does run in this pool: a worker
    // that waits for it helps instead of sleeping, and the pool's threads are
    // the only ones competing for the cores (about 5 % faster than plain
    // threads handing that work to rayon's global pool).
    let next = AtomicUsize::new(0);
    let worker = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            let mut r =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job(&ctx, job)))
                    .unwrap_or_else(|panic| panicked(job, panic.as_ref()));
            progress.done(&job.entry.id, r.status);
            {
                let mut st = state.lock().expect("no panic while holding the lock");
                if let Some(e) = r.entry.take() {
                    st.entries.insert(r.id.clone(), e);
                }
                if st.last_flush.elapsed() > Duration::from_secs(1) {
                    let res = write_manifest(prog, &opts.out, &st.entries);
                    st.last_flush = Instant::now();
                    if let Err(d) = res {
                        st.flush_error = Some(d);
                    }
                }
            }
            results
                .lock()
                .expect("no panic while holding the lock")
                .push(r);
        }
    };
    // As many threads as `--jobs`, even with fewer conventions: a thread that
    // finds no convention left stays in the pool and takes part in Typst's
    // work on the others (one convention alone still uses every core).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        // Typst's layout recurses deeply (nested tables, grids): a spawned
        // thread's default 2 MiB is not enough.
        .stack_size(16 * 1024 * 1024)
        .thread_name(|n| format!("charta-{n}"))
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the worker threads: {e}")))?;
    // Runs `worker` once on each thread of the pool; a panic is raised again here.
    pool.broadcast(|_| worker());
    let mut results = results.into_inner().expect("workers finished");
    results.sort_by(|a, b| a.id.cmp(&b.id));
    for r in results {
        report.outcomes.push((r.id, r.status));
        report.diagnostics.extend(r.diagnostics);
        report.internal_errors += usize::from(r.internal);
    }
    let st = state.into_inner().expect("workers finished");
    if let Some(d) = st.flush_error {
        return Err(d);
    }
    write_manifest(prog, &opts.out, &st.entries)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The warning for a manifest entry whose association file is gone, or
/// `None` when none of its files is left in OUT (the entry is then dropped).
fn orphan_warning(out: &Path, e: &Entry) -> Option<Diagnostic> {
    let left: Vec<&str> = [&e.md, &e.pdf]
        .into_iter()
        .flatten()
        .map(|f| f.file.as_str())
        .filter(|f| out.join(f).is_file())
        .collect();
    if left.is_empty() {
        return None;
    }
    let files = left
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let signed = if e.signed { "signed " } else { "" };
    let (left_in_place, them) = if left.len() == 1 {
        ("is left in place and keeps its manifest entry", "it")
    } else {
        ("are left in place and keep their manifest entry", "them")
    };
    Some(
        Diagnostic::warning(format!(
            "the {signed}convention `{id}` has no association file any more \
             (`associations/{id}.json`); {files} {left_in_place}",
            id = e.id,
        ))
        .in_file(out)
        .with_hint(if e.signed {
            "a signed act is ended by its own terms (termination or expiry), \
             not by deleting its file; restore the association file to keep \
             building it"
                .to_string()
        } else {
            format!(
                "restore the association file, or delete {them} if the \
                 convention is withdrawn: the entry goes at the next build"
            )
        }),
    )
}

struct Progressive {
    entries: BTreeMap<String, Entry>,
    last_flush: Instant,
    flush_error: Option<Diagnostic>,
}

fn write_manifest(
    prog: &Programme,
    out: &Path,
    entries: &BTreeMap<String, Entry>,
) -> Result<(), Diagnostic> {
    let manifest = Manifest {
        charta: env!("CARGO_PKG_VERSION").to_string(),
        programme: prog.file.programme.name.clone(),
        conventions: entries.values().cloned().collect(),
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
    write_atomic(&out.join(MANIFEST), &json).map_err(|e| {
        Diagnostic::error(format!("cannot write the manifest: {e}")).in_file(out.join(MANIFEST))
    })
}

fn remove_stale_temporaries(out: &Path) {
    if let Ok(rd) = std::fs::read_dir(out) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

struct JobContext<'a> {
    prog: &'a Programme,
    opts: &'a BuildOptions,
    engine: &'a Engine,
    pdf: Option<&'a PdfEngine>,
    programme_hash: String,
    layout_hash: String,
    /// Hash of every clause file, computed once per build.
    clause_hashes: BTreeMap<String, String>,
}

struct JobResult {
    id: String,
    status: Status,
    entry: Option<Entry>,
    diagnostics: Vec<Diagnostic>,
    /// A fault that is not the data's: a bug (a panic) or a failed write.
    internal: bool,
}

/// A panic while building one convention (a bug of charta or of Typst, never
/// a fault of the data) fails that convention only: the others are built, the
/// manifest is written, and the previous files of this one stay in place
/// (every write goes through a temporary file, removed as the panic unwinds).
fn panicked(job: &Job, panic: &(dyn std::any::Any + Send)) -> JobResult {
    let id = job.entry.id.clone();
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    JobResult {
        diagnostics: vec![
            Diagnostic::error(format!(
                "{id}: internal error while building this convention ({what}); \
                 its previous files are left in place"
            ))
            .in_file(&job.entry.path)
            .with_hint(
                "this is a bug of charta or of Typst, not a fault of the data: please \
                 report it with this association file; the other conventions were built",
            ),
        ],
        id,
        status: Status::Failed,
        entry: None,
        internal: true,
    }
}

fn output_intact(out: &Path, f: &Option<OutputFile>) -> bool {
    let Some(f) = f else { return false };
    let path = out.join(&f.file);
    match std::fs::metadata(&path) {
        Ok(m) if m.len() == f.size => {
            f.modified_ns != 0 && modified_ns(&path) == Some(f.modified_ns)
                || std::fs::read(&path)
                    .map(|b| sha256_hex(&b) == f.sha256)
                    .unwrap_or(false)
        }
        _ => false,
    }
}

fn run_job(ctx: &JobContext, job: &Job) -> JobResult {
    let entry = job.entry;
    let id = entry.id.clone();
    let _failpoint = crate::failpoint::convention(&id);
    let fail = |diagnostics: Vec<Diagnostic>| JobResult {
        id: id.clone(),
        status: Status::Failed,
        entry: None,
        diagnostics,
        internal: false,
    };
    let mut diags = crate::check::check_association(ctx.prog, entry);
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.drain(..).partition(Diagnostic::is_error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        return fail(all);
    }
    let data = entry.data.as_ref().expect("checked: parsed");
    let plan = match ctx.engine.plan(&ctx.prog.file, &id, data, &entry.path) {
        Ok(p) => p,
        Err(d) => return fail(d),
    };
    let inputs = Inputs {
        data: sha256_hex(entry.text.as_bytes()),
        programme: ctx.programme_hash.clone(),
        template: sha256_hex(plan.template.raw.as_bytes()),
        layout: ctx.opts.pdf.then(|| ctx.layout_hash.clone()),
        engine: env!("CARGO_PKG_VERSION").to_string(),
        clauses: plan
            .clauses()
            .into_iter()
            .map(|c| ClauseInput {
                sha256: ctx.clause_hashes[&c.id].clone(),
                id: c.id,
                version: c.version,
                origin: c.origin,
            })
            .collect(),
    };
    let inputs_sha256 = sha256_hex(&serde_json::to_vec(&inputs).expect("inputs serialise"));
    let signed = data.convention.signature.date.is_some();
    let out = &ctx.opts.out;

    // The previous files stand for this build: nothing to write.
    let kept = |prev: &Entry, warnings: Vec<Diagnostic>| JobResult {
        id: id.clone(),
        status: Status::Unchanged,
        entry: Some(prev.clone()),
        diagnostics: warnings,
        internal: false,
    };
    let intact = |prev: &Entry| {
        prev.status != Status::Failed
            && (!ctx.opts.markdown || output_intact(out, &prev.md))
            && (!ctx.opts.pdf || output_intact(out, &prev.pdf))
    };
    if let Some(prev) = job.previous
        && !ctx.opts.force
        && prev.inputs_sha256 == inputs_sha256
        && intact(prev)
    {
        return kept(prev, warnings);
    }

    crate::failpoint::stage(crate::failpoint::Stage::Render);
    let rendered = match ctx.engine.render_plan(&ctx.prog.file, data, plan) {
        Ok(r) => r,
        Err(d) => return fail(d),
    };
    let md_bytes = rendered.markdown.as_bytes();
    let md_hash = sha256_hex(md_bytes);
    // A signed convention keeps its text: a change needs an amendment (avenant).
    // Its signed text is the Markdown the manifest records or, when the
    // manifest is gone or records none, the Markdown found in OUT.
    let md_file = format!("{id}.md");
    let signed_text = signed
        .then(|| {
            job.previous
                .and_then(|p| p.md.as_ref())
                .map(|md| md.sha256.clone())
                .or_else(|| {
                    std::fs::read(out.join(&md_file))
                        .ok()
                        .map(|b| sha256_hex(&b))
                })
        })
        .flatten();
    let refuse = |what: String, warnings: Vec<Diagnostic>| {
        let mut d = vec![
            Diagnostic::error(format!(
                "{id}: convention signed on {} would change ({what}); files left untouched",
                data.convention.signature.date.as_deref().unwrap_or("?")
            ))
            .in_file(&entry.path)
            .at_path("convention.signature.date")
            .with_hint("a signed convention is changed only by an amendment (avenant): draft it as a new convention, or restore the inputs of the signed version"),
        ];
        d.extend(warnings);
        JobResult {
            id: id.clone(),
            status: Status::Refused,
            entry: None,
            diagnostics: d,
            internal: false,
        }
    };
    if let Some(signed_hash) = &signed_text
        && *signed_hash != md_hash
    {
        let old = std::fs::read_to_string(out.join(&md_file)).ok();
        let what = old
            .map(|o| crate::diff::summary_line(&o, &rendered.markdown))
            .unwrap_or_else(|| "its text differs from the signed version".to_string());
        return refuse(what, warnings);
    }
    // Its PDF is in OUT but its text is recorded nowhere (a PDF-only build):
    // unless its inputs are those the PDF was made from, nothing shows that
    // the text is the same.
    if signed
        && signed_text.is_none()
        && out.join(format!("{id}.pdf")).is_file()
        && job
            .previous
            .is_none_or(|p| p.inputs_sha256 != inputs_sha256)
    {
        return refuse(
            "its inputs changed and OUT has no Markdown of the signed version to compare \
             with"
                .to_string(),
            warnings,
        );
    }
    // Same text: the signed files stay byte for byte, even if the layout,
    // a template or charta changed (its pages could move) and under
    // `--force`. Its entry keeps the inputs it was made from; without an
    // entry, the files found in OUT stand for these inputs.
    if signed_text.as_ref() == Some(&md_hash) {
        if let Some(prev) = job.previous
            && prev.md.is_some()
            && intact(prev)
        {
            return kept(prev, warnings);
        }
        let found = |file: String| {
            let bytes = std::fs::read(out.join(&file)).ok()?;
            Some(OutputFile::written(out, file, &bytes))
        };
        let md = ctx.opts.markdown.then(|| found(md_file.clone()));
        let pdf = ctx.opts.pdf.then(|| found(format!("{id}.pdf")));
        if job.previous.is_none_or(|p| p.md.is_none())
            && md.as_ref().is_none_or(Option::is_some)
            && pdf.as_ref().is_none_or(Option::is_some)
        {
            let in_out = Entry {
                id: id.clone(),
                status: Status::Rendered,
                signed,
                inputs: inputs.clone(),
                inputs_sha256: inputs_sha256.clone(),
                md: md.flatten(),
                pdf: pdf.flatten(),
                pages: None,
            };
            return kept(&in_out, warnings);
        }
    }

    let mut new_entry = Entry {
        id: id.clone(),
        status: Status::Rendered,
        signed,
        inputs,
        inputs_sha256,
        md: None,
        pdf: None,
        pages: None,
    };
    // A write that fails is no fault of the data (exit status 2).
    let io_fail = |file: &Path, e: std::io::Error| JobResult {
        id: id.clone(),
        status: Status::Failed,
        entry: None,
        diagnostics: vec![
            Diagnostic::error(format!("{id}: cannot write the output: {e}")).in_file(file),
        ],
        internal: true,
    };
    // Render the PDF before writing anything, so that a typesetting error leaves
    // the previous files in place.
    let mut pdf_out = None;
    if let Some(pdf) = ctx.pdf {
        match pdf.render(&rendered.markdown, &rendered.pdf_meta) {
            Ok(o) => pdf_out = Some(o),
            Err(e) => {
                let mut d = Diagnostic::error(format!("{id}: typesetting failed: {}", e.message))
                    .in_file(out.join(format!("{id}.typ")));
                if let (Some(l), Some(c)) = (e.line, e.column) {
                    d = d.at(l, c);
                }
                if ctx.opts.keep_typst {
                    let _ = write_atomic(&out.join(format!("{id}.typ")), e.typst_source.as_bytes());
                } else {
                    d = d.with_hint(
                        "run `charta build --keep-typst` to keep the generated Typst source",
                    );
                }
                return fail(vec![d]);
            }
        }
    }
    // Every file goes to its temporary file first, then all are renamed: a
    // failure or a panic before the renames leaves the previous files, all of
    // them (never a new Markdown beside an old PDF).
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    if ctx.opts.markdown {
        files.push((out.join(format!("{id}.md")), md_bytes));
        // The data the convention was rendered from, so that `charta diff` of two
        // build folders can tell data changes field by field.
        files.push((out.join(format!("{id}.data.json")), entry.text.as_bytes()));
    }
    if let Some(o) = &pdf_out {
        files.push((out.join(format!("{id}.pdf")), &o.pdf));
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        match stage_atomic(path, bytes) {
            Ok(tmp) => staged.push((path, tmp)),
            Err(e) => return io_fail(path, e),
        }
    }
    for (path, tmp) in staged {
        if let Err(e) = tmp.persist(path) {
            return io_fail(path, e.error);
        }
    }
    if ctx.opts.markdown {
        new_entry.md = Some(OutputFile::written(out, format!("{id}.md"), md_bytes));
    }
    if let Some(o) = pdf_out {
        if ctx.opts.keep_typst {
            let _ = write_atomic(&out.join(format!("{id}.typ")), o.typst_source.as_bytes());
        }
        new_entry.pdf = Some(OutputFile::written(out, format!("{id}.pdf"), &o.pdf));
        new_entry.pages = Some(o.pages);
    }
    JobResult {
        id,
        status: Status::Rendered,
        entry: Some(new_entry),
        diagnostics: warnings,
        internal: false,
    }
}
