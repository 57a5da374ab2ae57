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
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostic::{Code, Diagnostic, Severity, Sink, Text};
use crate::emit::{self, EmitOptions, Emitter, Format};
use crate::load::{AssociationEntry, Programme};
use crate::out::manifest::{JOURNAL, Journal, Store};
use crate::out::remove_stale_temporaries;
use crate::render::Engine;
use crate::tr;

mod job;
use job::run_job;

use crate::digest::sha256_hex;
use crate::out::{Entry, MANIFEST, Status};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub out: PathBuf,
    /// The formats to write, by name (see [`emit::FORMATS`]): `md`, `pdf`, `odt`, `docx`.
    pub formats: Vec<String>,
    pub only: Vec<String>,
    pub jobs: usize,
    pub force: bool,
    pub keep_typst: bool,
    /// `--shard i/n`: only the share `i` of `n` of the programme (by association id).
    pub shard: Option<crate::out::shard::Shard>,
}

impl BuildOptions {
    /// Options with the default formats (md, pdf), every core, no `--only`.
    pub fn new(out: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions {
            out: out.into(),
            formats: emit::DEFAULT_FORMATS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            only: Vec::new(),
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            force: false,
            keep_typst: false,
            shard: None,
        }
    }
}

/// The outcome of a build. Its diagnostics went to the [`Sink`] as they were
/// found; the report counts them.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub outcomes: Vec<(String, Status)>,
    /// The errors and the warnings handed to the sink.
    pub errors: usize,
    pub warnings: usize,
    /// Conventions that failed on a fault that is not their data's: a bug (a
    /// panic) or a write that failed (a full disk).
    pub internal_errors: usize,
}

impl BuildReport {
    pub fn count(&self, s: Status) -> usize {
        self.outcomes.iter().filter(|(_, x)| *x == s).count()
    }
    pub fn has_errors(&self) -> bool {
        self.errors > 0 || self.count(Status::Failed) + self.count(Status::Refused) > 0
    }
}

/// A build's report with every diagnostic kept (see [`run_collected`]).
#[derive(Debug, Default)]
pub struct Collected {
    pub report: BuildReport,
    /// Every problem, association by association (in id order).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::ops::Deref for Collected {
    type Target = BuildReport;
    fn deref(&self) -> &BuildReport {
        &self.report
    }
}

/// [`run`] keeping every diagnostic: for a small programme (the tests, the examples).
pub fn run_collected(
    prog: &Programme,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Collected, Diagnostic> {
    let mut diagnostics = Vec::new();
    let report = run(prog, opts, progress, &mut diagnostics)?;
    Ok(Collected {
        report,
        diagnostics,
    })
}

/// Counts what goes through it to the sink.
struct Counted<'a> {
    sink: &'a mut (dyn Sink + Send),
    errors: usize,
    warnings: usize,
}

impl Sink for Counted<'_> {
    fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        self.sink.push(d);
    }
}

/// A format chosen for a build and its emitter.
type Registered = (&'static Format, Box<dyn Emitter>);

/// The emitters of the formats asked for, in registry order; an unknown name is an error.
fn emitters(prog: &Programme, opts: &BuildOptions) -> Result<Vec<Registered>, Diagnostic> {
    for name in &opts.formats {
        if emit::format(name).is_none() {
            let names = emit::names().join(", ");
            return Err(Diagnostic::error(
                Code::GEN_001,
                tr!(
                    "format de sortie inconnu `{name}`\u{a0}; charta écrit {names}",
                    "unknown output format `{name}`; charta writes {names}"
                ),
            ));
        }
    }
    let options = EmitOptions {
        layout: prog.library.layout.as_ref().map(|(s, _)| s.clone()),
        keep_typst: opts.keep_typst,
        signature: prog.file.signature.clone(),
    };
    Ok(emit::FORMATS
        .iter()
        .filter(|f| opts.formats.iter().any(|n| n == f.name))
        .map(|f| (f, (f.new)(&options)))
        .collect())
}

/// Progress callbacks, so the binary can draw a bar and the library never prints.
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn done(&self, _id: &str, _status: Status) {}
}

impl Progress for () {}

struct Job<'a> {
    entry: &'a AssociationEntry,
    /// Its entry in the manifest, read when the job starts.
    previous: Option<Entry>,
}

/// Builds every (selected) association of the programme into `opts.out`.
/// Each diagnostic goes to `sink` as soon as it is known and its turn comes:
/// the library's first, then each convention's, in id order (a convention
/// finished early waits for those before it), so the same inputs give the
/// same sequence; none is kept here.
pub fn run(
    prog: &Programme,
    opts: &BuildOptions,
    progress: &dyn Progress,
    sink: &mut (dyn Sink + Send),
) -> Result<BuildReport, Diagnostic> {
    let emitters = prepare_out(prog, opts)?;
    let mut store = previous_store(&opts.out)?;
    let mut report = BuildReport::default();
    let mut sink = Counted {
        sink,
        errors: 0,
        warnings: 0,
    };
    let (engine, lib_diags) = Engine::new(&prog.library);
    let first = lib_diags
        .into_iter()
        .chain(crate::check::check_library(prog, &engine))
        .chain(unknown_only(prog, opts));
    first.for_each(|d| sink.push(d));
    let jobs: Vec<&AssociationEntry> = prog
        .associations
        .iter()
        .filter(|a| opts.only.is_empty() || opts.only.contains(&a.id))
        .filter(|a| opts.shard.is_none_or(|s| s.selects(&a.id)))
        .collect();
    progress.start(jobs.len());
    let ctx = JobContext::new(prog, opts, &engine, &emitters);
    for d in keep_orphans(prog, &opts.out, &mut store) {
        sink.push(d);
    }
    store.charta = env!("CARGO_PKG_VERSION").to_string();
    store.programme = prog.file.programme.name.clone();
    let journal = Journal::create(&opts.out, &store.charta, &store.programme)
        .map_err(|e| manifest_unwritable(e, opts.out.join(JOURNAL)))?;
    // The store is read by the workers (each job's previous entry) and
    // written by the collector only (see [`collect`]).
    let store = Mutex::new(store);
    let (mut outcomes, flush_error) = schedule(&ctx, &jobs, &store, journal, progress, &mut sink)?;
    (report.errors, report.warnings) = (sink.errors, sink.warnings);
    outcomes.sort_by(|a, b| a.id.cmp(&b.id));
    for r in outcomes {
        report.outcomes.push((r.id, r.status));
        report.internal_errors += usize::from(r.internal);
    }
    if let Some(d) = flush_error {
        return Err(d);
    }
    store
        .into_inner()
        .expect("workers finished")
        .write(&opts.out)
        .map_err(|e| manifest_unwritable(e, opts.out.join(MANIFEST)))?;
    Ok(report)
}

/// Creates OUT, removes the temporaries a killed build left, and returns
/// the emitters of the formats asked for.
fn prepare_out(prog: &Programme, opts: &BuildOptions) -> Result<Vec<Registered>, Diagnostic> {
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        Diagnostic::error(
            Code::FIC_007,
            tr!(
                "impossible de créer le dossier de sortie\u{a0}: {e}",
                "cannot create the output folder: {e}"
            ),
        )
        .in_file(&opts.out)
    })?;
    remove_stale_temporaries(&opts.out);
    emitters(prog, opts)
}

/// The previous manifest, either format, with the journal of a killed
/// build replayed and compacted now (this build starts its own journal).
fn previous_store(out: &Path) -> Result<Store, Diagnostic> {
    let store = Store::read(out).ok().flatten().unwrap_or_default();
    if out.join(JOURNAL).is_file() {
        store
            .write(out)
            .map_err(|e| manifest_unwritable(e, out.join(MANIFEST)))?;
    }
    Ok(store)
}

/// GEN-002 for each `--only` id that names no association.
fn unknown_only(prog: &Programme, opts: &BuildOptions) -> Vec<Diagnostic> {
    opts.only
        .iter()
        .filter(|id| !prog.associations.iter().any(|a| &a.id == *id))
        .map(|id| {
            Diagnostic::error(
                Code::GEN_002,
                tr!(
                    "--only {id}\u{a0}: aucun fichier d'association `associations/{id}.json`",
                    "--only {id}: no association file `associations/{id}.json`"
                ),
            )
            .in_file(prog.root.join("associations"))
        })
        .collect()
}

/// The manifest under construction: previous entries of associations that still
/// exist (their files are untouched until re-rendered), replaced as jobs finish.
/// Each finished convention is appended to the journal (`manifest.journal`),
/// so a killed build loses nothing it finished; the manifest is compacted at
/// the end. An entry always describes files fully written before it.
///
/// An entry whose association left the programme keeps its place while its
/// files are in OUT (the manifest tells the truth about the folder, and a
/// withdrawn convention is never deleted behind the user's back); each
/// build warns about it (returned) until its files are removed.
fn keep_orphans(prog: &Programme, out: &Path, store: &mut Store) -> Vec<Diagnostic> {
    let known: std::collections::HashSet<&str> =
        prog.associations.iter().map(|a| a.id.as_str()).collect();
    let gone: Vec<String> = store
        .ids()
        .filter(|id| !known.contains(id))
        .map(str::to_string)
        .collect();
    let mut warnings = Vec::new();
    for id in gone {
        if let Some(e) = store.get(&id)
            && let Some(d) = orphan_warning(out, &e)
        {
            warnings.push(d);
        } else {
            store.remove(&id);
        }
    }
    warnings
}

/// Runs `jobs` on the pool of `--jobs` threads, the collector beside them;
/// returns what [`collect`] returns.
///
/// One long-lived job per thread of a dedicated rayon pool, each taking the
/// next convention from a shared counter. Conventions are never rayon jobs:
/// an outer `par_iter` would let a thread that waits inside Typst (which uses
/// rayon within one document) steal and start other conventions, nesting
/// them on its stack (stack overflows, gigabytes of half-finished
/// documents). But Typst's own parallel work does run in this pool: a worker
/// that waits for it helps instead of sleeping, and the pool's threads are
/// the only ones competing for the cores (about 5 % faster than plain
/// threads handing that work to rayon's global pool).
fn schedule(
    ctx: &JobContext,
    jobs: &[&AssociationEntry],
    store: &Mutex<Store>,
    journal: Journal,
    progress: &dyn Progress,
    sink: &mut Counted,
) -> Result<(Vec<Outcome>, Option<Diagnostic>), Diagnostic> {
    let next = AtomicUsize::new(0);
    // As many threads as `--jobs`, even with fewer conventions: a thread that
    // finds no convention left stays in the pool and takes part in Typst's
    // work on the others (one convention alone still uses every core).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(ctx.opts.jobs.max(1))
        // Typst's layout recurses deeply (nested tables, grids): a spawned
        // thread's default 2 MiB is not enough.
        .stack_size(16 * 1024 * 1024)
        .thread_name(|n| format!("charta-{n}"))
        .build()
        .map_err(threads_failed)?;
    std::thread::scope(|scope| {
        let (finished, received) = std::sync::mpsc::channel::<(usize, JobResult)>();
        let collector = std::thread::Builder::new()
            .name("charta-manifest".into())
            .spawn_scoped(scope, || {
                collect(received, store, journal, ctx.opts, jobs.len(), sink)
            })
            .map_err(threads_failed)?;
        // Runs `work` once on each thread of the pool; a panic is raised again here.
        pool.broadcast(|_| work(ctx, jobs, &next, store, progress, &finished));
        drop(finished);
        Ok(collector
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// A worker: takes the next convention until none is left, builds it, and
/// sends its result to the collector.
fn work(
    ctx: &JobContext,
    jobs: &[&AssociationEntry],
    next: &AtomicUsize,
    store: &Mutex<Store>,
    progress: &dyn Progress,
    finished: &std::sync::mpsc::Sender<(usize, JobResult)>,
) {
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&stub) = jobs.get(i) else { break };
        // Read now (a programme loaded for a build keeps no file) and
        // dropped when the convention is done.
        let loaded = ctx.prog.entry(stub);
        let entry: &AssociationEntry = &loaded;
        let previous = store
            .lock()
            .expect("no panic while holding the lock")
            .get(&entry.id);
        let job = &Job { entry, previous };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job(ctx, job)))
            .unwrap_or_else(|panic| panicked(job, panic.as_ref()));
        progress.done(&job.entry.id, r.status);
        // The collector outlives every worker: a send cannot fail.
        let _ = finished.send((i, r));
    }
}

/// The warning for a manifest entry whose association file is gone, or
/// `None` when none of its files is left in OUT (the entry is then dropped).
fn orphan_warning(out: &Path, e: &Entry) -> Option<Diagnostic> {
    let left: Vec<&str> = e
        .outputs
        .values()
        .map(|f| f.file.as_str())
        .filter(|f| out.join(f).is_file())
        .collect();
    if left.is_empty() {
        return None;
    }
    let quoted: Vec<String> = left.iter().map(|f| format!("`{f}`")).collect();
    let (files_fr, files_en) = (quoted.join(" et "), quoted.join(" and "));
    let (signed_fr, signed_en) = if e.signed {
        (" signée", "signed ")
    } else {
        ("", "")
    };
    let (left_fr, left_en, them_fr, them_en) = if left.len() == 1 {
        (
            "reste en place et garde son entrée au manifeste",
            "is left in place and keeps its manifest entry",
            "supprimez-le",
            "delete it",
        )
    } else {
        (
            "restent en place et gardent leur entrée au manifeste",
            "are left in place and keep their manifest entry",
            "supprimez-les",
            "delete them",
        )
    };
    let id = &e.id;
    Some(
        Diagnostic::warning(Code::GEN_004, tr!(
            "la convention{signed_fr} `{id}` n'a plus de fichier d'association \
             (`associations/{id}.json`)\u{a0}; {files_fr} {left_fr}",
            "the {signed_en}convention `{id}` has no association file any more \
             (`associations/{id}.json`); {files_en} {left_en}"
        ))
        .in_file(out)
        .with_hint(if e.signed {
            Text::new(
                "un acte signé prend fin selon ses propres termes (résiliation ou échéance), \
                 pas en supprimant son fichier\u{a0}; rétablissez le fichier d'association pour continuer à l'établir",
                "a signed act is ended by its own terms (termination or expiry), \
                 not by deleting its file; restore the association file to keep \
                 building it",
            )
        } else {
            tr!(
                "rétablissez le fichier d'association, ou {them_fr} si la \
                 convention est retirée\u{a0}: l'entrée disparaît à la prochaine génération",
                "restore the association file, or {them_en} if the \
                 convention is withdrawn: the entry goes at the next build"
            )
        }),
    )
}

/// The worker threads or the collector could not be started.
fn threads_failed(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Code::GEN_003,
        tr!(
            "impossible de lancer les fils de calcul\u{a0}: {e}",
            "cannot start the worker threads: {e}"
        ),
    )
}

/// The collector: records each finished convention in the journal and the
/// store, hands its diagnostics to the sink in the order of `jobs` (those of
/// a convention finished early wait in `pending` for the ones before it: as
/// many as the others finish while the slowest convention before them is
/// typeset, a few in practice, all of them at worst), and keeps what the
/// report needs, until every worker is done.
///
/// It runs on a thread of its own so that everything kept until the end of
/// the build (the store's entries, the outcomes) is allocated here and not
/// among a worker's short-lived data: the allocator serves each thread from
/// its own arena or cache, and one long-lived entry left on a page of a
/// worker's would keep that page resident after Typst freed the rest of it. Outcomes are copied
/// for the same reason. Returns the outcomes and the first journal write error.
fn collect(
    received: std::sync::mpsc::Receiver<(usize, JobResult)>,
    store: &Mutex<Store>,
    mut journal: Journal,
    opts: &BuildOptions,
    expected: usize,
    sink: &mut Counted,
) -> (Vec<Outcome>, Option<Diagnostic>) {
    let mut outcomes = Vec::with_capacity(expected);
    let mut flush_error = None;
    let mut pending: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
    let mut turn = 0;
    for (i, r) in received {
        if let Some(e) = r.entry {
            // The store keeps its own copy, made here.
            let changed = store
                .lock()
                .expect("no panic while holding the lock")
                .insert(e.clone());
            if changed && let Err(err) = journal.record(&e) {
                flush_error.get_or_insert(manifest_unwritable(err, opts.out.join(JOURNAL)));
            }
        }
        outcomes.push(Outcome {
            id: r.id.as_str().to_owned(),
            status: r.status,
            internal: r.internal,
        });
        // Copied here, like the outcomes: what the sink keeps (the errors,
        // each code's first warnings) must not hold a worker's pages.
        pending.insert(i, r.diagnostics.to_vec());
        while let Some(diags) = pending.remove(&turn) {
            diags.into_iter().for_each(|d| sink.push(d));
            turn += 1;
        }
    }
    drop(journal);
    (outcomes, flush_error)
}

/// What the report keeps of a finished convention.
struct Outcome {
    id: String,
    status: Status,
    internal: bool,
}

struct JobContext<'a> {
    prog: &'a Programme,
    opts: &'a BuildOptions,
    engine: &'a Engine,
    emitters: &'a [Registered],
    programme_hash: String,
    /// The layouts of the emitters that have one (`+`-joined), if any.
    layout_hash: Option<String>,
    /// Hash of every clause file, computed once per build.
    clause_hashes: BTreeMap<String, String>,
}

impl<'a> JobContext<'a> {
    fn new(
        prog: &'a Programme,
        opts: &'a BuildOptions,
        engine: &'a Engine,
        emitters: &'a [Registered],
    ) -> JobContext<'a> {
        let layouts: Vec<String> = emitters
            .iter()
            .filter_map(|(_, e)| e.layout_hash())
            .collect();
        JobContext {
            prog,
            opts,
            engine,
            emitters,
            programme_hash: sha256_hex(prog.toml_text.as_bytes()),
            layout_hash: (!layouts.is_empty()).then(|| layouts.join("+")),
            clause_hashes: engine
                .library()
                .clauses
                .iter()
                .map(|(id, c)| (id.clone(), sha256_hex(c.raw.as_bytes())))
                .collect(),
        }
    }
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
            Diagnostic::error(Code::GEN_005, tr!(
                "{id}\u{a0}: erreur interne en établissant cette convention ({what})\u{a0}; \
                 ses fichiers précédents restent en place",
                "{id}: internal error while building this convention ({what}); \
                 its previous files are left in place"
            ))
            .in_file(&job.entry.path)
            .with_hint(Text::new(
                "c'est un défaut de charta ou de Typst, pas une faute des données\u{a0}: \
                 signalez-le avec ce fichier d'association\u{a0}; les autres conventions ont été établies",
                "this is a bug of charta or of Typst, not a fault of the data: please \
                 report it with this association file; the other conventions were built",
            )),
        ],
        id,
        status: Status::Failed,
        entry: None,
        internal: true,
    }
}

/// The manifest (or its journal) at `file` cannot be written.
fn manifest_unwritable(e: impl std::fmt::Display, file: PathBuf) -> Diagnostic {
    Diagnostic::error(
        Code::FIC_008,
        tr!(
            "impossible d'écrire le manifeste\u{a0}: {}",
            "cannot write the manifest: {}",
            e
        ),
    )
    .in_file(file)
}
