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

use crate::avenant::printed::{Draft, beyond_signature, dated_text_differs, not_as_printed};
use crate::diagnostic::{Diagnostic, Text, has_errors};
use crate::emit::{self, Document, EmitOptions, Emitted, Emitter, Format};
use crate::load::{AssociationEntry, Programme};
use crate::out::manifest::{JOURNAL, Journal, Store};
use crate::out::signed::Act;
use crate::out::{self, remove_stale_temporaries};
use crate::render::Engine;
use crate::tr;

use crate::digest::sha256_hex;
use crate::out::{ClauseInput, Entry, Inputs, MANIFEST, OutputFile, Status, write_atomic};

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

/// The outcome of a build.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub outcomes: Vec<(String, Status)>,
    /// Every problem, association by association (in id order).
    pub diagnostics: Vec<Diagnostic>,
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

/// A format chosen for a build and its emitter.
type Registered = (&'static Format, Box<dyn Emitter>);

/// The emitters of the formats asked for, in registry order; an unknown name is an error.
fn emitters(prog: &Programme, opts: &BuildOptions) -> Result<Vec<Registered>, Diagnostic> {
    for name in &opts.formats {
        if emit::format(name).is_none() {
            let names = emit::names().join(", ");
            return Err(Diagnostic::error(tr!(
                "format de sortie inconnu `{name}`\u{a0}; charta écrit {names}",
                "unknown output format `{name}`; charta writes {names}"
            ))
            .code("GEN-001"));
        }
    }
    let options = EmitOptions {
        layout: prog.library.layout.as_ref().map(|(s, _)| s.clone()),
        keep_typst: opts.keep_typst,
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
pub fn run(
    prog: &Programme,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, Diagnostic> {
    std::fs::create_dir_all(&opts.out).map_err(|e| {
        Diagnostic::error(tr!(
            "impossible de créer le dossier de sortie\u{a0}: {e}",
            "cannot create the output folder: {e}"
        ))
        .code("FIC-007")
        .in_file(&opts.out)
    })?;
    remove_stale_temporaries(&opts.out);
    let emitters = emitters(prog, opts)?;
    // The previous manifest, either format, with the journal of a killed
    // build replayed and compacted now (this build starts its own journal).
    let mut store = Store::read(&opts.out).unwrap_or_default();
    if opts.out.join(JOURNAL).is_file() {
        store
            .write(&opts.out)
            .map_err(|e| manifest_unwritable(e, opts.out.join(MANIFEST)))?;
    }

    let mut report = BuildReport::default();
    let (engine, lib_diags) = Engine::new(&prog.library);
    report.diagnostics.extend(lib_diags);
    report
        .diagnostics
        .extend(crate::check::check_library(prog, &engine));

    let mut unknown_only = Vec::new();
    for id in &opts.only {
        if !prog.associations.iter().any(|a| &a.id == id) {
            unknown_only.push(
                Diagnostic::error(tr!(
                    "--only {id}\u{a0}: aucun fichier d'association `associations/{id}.json`",
                    "--only {id}: no association file `associations/{id}.json`"
                ))
                .code("GEN-002")
                .in_file(prog.root.join("associations")),
            );
        }
    }
    report.diagnostics.extend(unknown_only);

    let jobs: Vec<&AssociationEntry> = prog
        .associations
        .iter()
        .filter(|a| opts.only.is_empty() || opts.only.contains(&a.id))
        .filter(|a| opts.shard.is_none_or(|s| s.selects(&a.id)))
        .collect();
    progress.start(jobs.len());

    let programme_hash = sha256_hex(prog.toml_text.as_bytes());
    let layouts: Vec<String> = emitters
        .iter()
        .filter_map(|(_, e)| e.layout_hash())
        .collect();
    let ctx = JobContext {
        prog,
        opts,
        engine: &engine,
        emitters: &emitters,
        programme_hash,
        layout_hash: (!layouts.is_empty()).then(|| layouts.join("+")),
        clause_hashes: engine
            .library()
            .clauses
            .iter()
            .map(|(id, c)| (id.clone(), sha256_hex(c.raw.as_bytes())))
            .collect(),
    };

    // The manifest under construction: previous entries of associations that still
    // exist (their files are untouched until re-rendered), replaced as jobs finish.
    // Each finished convention is appended to the journal (`manifest.journal`),
    // so a killed build loses nothing it finished; the manifest is compacted at
    // the end. An entry always describes files fully written before it.
    //
    // An entry whose association left the programme keeps its place while its
    // files are in OUT (the manifest tells the truth about the folder, and a
    // withdrawn convention is never deleted behind the user's back); each
    // build warns about it until its files are removed.
    let known: std::collections::HashSet<&str> =
        prog.associations.iter().map(|a| a.id.as_str()).collect();
    let gone: Vec<String> = store
        .ids()
        .filter(|id| !known.contains(id))
        .map(str::to_string)
        .collect();
    for id in gone {
        if let Some(e) = store.get(&id)
            && let Some(d) = orphan_warning(&opts.out, &e)
        {
            report.diagnostics.push(d);
        } else {
            store.remove(&id);
        }
    }
    store.charta = env!("CARGO_PKG_VERSION").to_string();
    store.programme = prog.file.programme.name.clone();
    let journal = Journal::create(&opts.out, &store.charta, &store.programme)
        .map_err(|e| manifest_unwritable(e, opts.out.join(JOURNAL)))?;
    // The store is read by the workers (each job's previous entry) and
    // written by the collector only (see [`collect`]).
    let store = Mutex::new(store);
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
    let worker = |finished: &std::sync::mpsc::Sender<JobResult>| {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&stub) = jobs.get(i) else { break };
            // Read now (a programme loaded for a build keeps no file) and
            // dropped when the convention is done.
            let loaded = prog.entry(stub);
            let entry: &AssociationEntry = &loaded;
            let previous = store
                .lock()
                .expect("no panic while holding the lock")
                .get(&entry.id);
            let job = &Job { entry, previous };
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job(&ctx, job)))
                .unwrap_or_else(|panic| panicked(job, panic.as_ref()));
            progress.done(&job.entry.id, r.status);
            // The collector outlives every worker: a send cannot fail.
            let _ = finished.send(r);
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
        .map_err(threads_failed)?;
    let collected = std::thread::scope(|scope| {
        let (finished, received) = std::sync::mpsc::channel::<JobResult>();
        let collector = std::thread::Builder::new()
            .name("charta-manifest".into())
            .spawn_scoped(scope, || {
                collect(received, &store, journal, opts, jobs.len())
            })
            .map_err(threads_failed)?;
        // Runs `worker` once on each thread of the pool; a panic is raised again here.
        pool.broadcast(|_| worker(&finished));
        drop(finished);
        Ok(collector
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })?;
    let (mut outcomes, flush_error) = collected;
    outcomes.sort_by(|a, b| a.id.cmp(&b.id));
    for r in outcomes {
        report.outcomes.push((r.id, r.status));
        report.diagnostics.extend(r.diagnostics);
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
        Diagnostic::warning(tr!(
            "la convention{signed_fr} `{id}` n'a plus de fichier d'association \
             (`associations/{id}.json`)\u{a0}; {files_fr} {left_fr}",
            "the {signed_en}convention `{id}` has no association file any more \
             (`associations/{id}.json`); {files_en} {left_en}"
        ))
        .code("GEN-004")
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
    Diagnostic::error(tr!(
        "impossible de lancer les fils de calcul\u{a0}: {e}",
        "cannot start the worker threads: {e}"
    ))
    .code("GEN-003")
}

/// The collector: records each finished convention in the journal and the
/// store, and keeps what the report needs, until every worker is done.
///
/// It runs on a thread of its own so that everything kept until the end of
/// the build (the store's entries, the outcomes) is allocated here and not
/// among a worker's short-lived data: the allocator serves each thread from
/// its own arena or cache, and one long-lived entry left on a page of a
/// worker's would keep that page resident after Typst freed the rest of it. Outcomes are copied
/// for the same reason. Returns the outcomes and the first journal write error.
fn collect(
    received: std::sync::mpsc::Receiver<JobResult>,
    store: &Mutex<Store>,
    mut journal: Journal,
    opts: &BuildOptions,
    expected: usize,
) -> (Vec<Outcome>, Option<Diagnostic>) {
    let mut outcomes = Vec::with_capacity(expected);
    let mut flush_error = None;
    for r in received {
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
            diagnostics: r.diagnostics.to_vec(),
            internal: r.internal,
        });
    }
    drop(journal);
    (outcomes, flush_error)
}

/// What the report keeps of a finished convention.
struct Outcome {
    id: String,
    status: Status,
    diagnostics: Vec<Diagnostic>,
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
            Diagnostic::error(tr!(
                "{id}\u{a0}: erreur interne en établissant cette convention ({what})\u{a0}; \
                 ses fichiers précédents restent en place",
                "{id}: internal error while building this convention ({what}); \
                 its previous files are left in place"
            ))
            .code("GEN-005")
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

/// One convention; a signed one is archived in `PROG/signed/<id>/` once
/// built (see [`crate::out::signed`]).
fn run_job(ctx: &JobContext, job: &Job) -> JobResult {
    let mut r = run_job_inner(ctx, job);
    if matches!(r.status, Status::Rendered | Status::Unchanged)
        && let Some(e) = r.entry.as_mut()
        && e.signed
        && e.signed_archive.is_none()
    {
        match crate::out::signed::archive_from_out(&ctx.prog.root, &ctx.opts.out, e) {
            Ok(true) => e.signed_archive = Some(crate::out::signed::relative_dir(&e.id)),
            Ok(false) => {}
            Err(err) => r.diagnostics.push(
                Diagnostic::warning(tr!(
                    "{}\u{a0}: la convention signée n'a pas pu être archivée\u{a0}: {}",
                    "{}: the signed convention could not be archived: {}",
                    e.id,
                    err
                ))
                .code("GEN-020")
                .in_file(crate::out::signed::dir(&ctx.prog.root, &e.id))
                .with_hint(tr!(
                    "la prochaine construction réessaiera\u{202f}; vérifiez les droits d'écriture du dossier du programme",
                    "the next build will try again; check write permissions on the programme folder"
                )),
            ),
        }
    }
    r
}

fn run_job_inner(ctx: &JobContext, job: &Job) -> JobResult {
    let entry = job.entry;
    let previous = job.previous.as_ref();
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
        layout: ctx.layout_hash.clone(),
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

    // A signed convention whose signed text is archived: its acts come from
    // the archive, a change of its data is an avenant (crate::avenant).
    if signed {
        let root = &ctx.prog.root;
        let mut archive = crate::out::signed::Archive::open(root, &id);
        // Amendments before any archive: the signed text is the one in OUT.
        if archive.is_none()
            && !data.convention.amendments.is_empty()
            && let Some(prev) = job
                .previous
                .as_ref()
                .filter(|p| p.signed && p.intact(out, "md"))
        {
            let _ = crate::out::signed::archive_from_out(root, out, prev);
            archive = crate::out::signed::Archive::open(root, &id);
        }
        if archive.is_none() && !data.convention.amendments.is_empty() {
            return fail(vec![
                Diagnostic::error(tr!(
                    "{}\u{a0}: la convention a des avenants (`convention.amendments`), mais son texte signé n'est ni archivé (signed/{}/) ni dans le dossier de sortie\u{a0}: rien ne dit ce qui a été signé",
                    "{}: the convention has amendments (`convention.amendments`) but its signed text is neither archived (signed/{}/) nor in the output folder: nothing says what was signed",
                    id,
                    id
                ))
                .code("GEN-008")
                .in_file(&entry.path)
                .at_path("convention.amendments")
                .with_hint(tr!(
                    "rétablissez le dossier signed/{}/ du programme (gardez-le sous gestion de versions), ou les données telles que signées, sans `amendments`, pour une première génération qui l'archive",
                    "restore the programme's signed/{}/ folder (keep it under version control), or the data as signed, without `amendments`, for a first build that archives it",
                    id
                )),
            ]);
        }
        if let Some(archive) = archive {
            let o = crate::avenant::job::run(crate::avenant::job::SignedJob {
                prog: ctx.prog,
                engine: ctx.engine,
                emitters: ctx.emitters,
                out,
                force: ctx.opts.force,
                entry,
                data,
                plan,
                inputs,
                inputs_sha256,
                previous: job.previous.as_ref(),
                archive,
            });
            let mut diagnostics = o.diagnostics;
            diagnostics.extend(warnings);
            return JobResult {
                id,
                status: o.status,
                entry: o.entry,
                diagnostics,
                internal: o.internal,
            };
        }
    }

    // The previous files stand for this build: nothing to write.
    let kept = |prev: &Entry, warnings: Vec<Diagnostic>| JobResult {
        id: id.clone(),
        status: Status::Unchanged,
        entry: Some(prev.clone()),
        diagnostics: warnings,
        internal: false,
    };
    let intact = |prev: &Entry| {
        prev.status != Status::Failed && ctx.emitters.iter().all(|(f, _)| prev.intact(out, f.name))
    };
    if let Some(prev) = previous
        && !ctx.opts.force
        && prev.inputs_sha256 == inputs_sha256
        && intact(prev)
    {
        return kept(prev, warnings);
    }
    // Same inputs, but a format was added or a file is missing or altered:
    // only those are made again, the intact files stand.
    let reusable = previous.filter(|p| {
        !ctx.opts.force && p.inputs_sha256 == inputs_sha256 && p.status != Status::Failed
    });

    crate::failpoint::stage(crate::failpoint::Stage::Render);
    let rendered = match ctx.engine.render_plan(&ctx.prog.file, data, plan) {
        Ok(r) => r,
        Err(d) => return fail(d),
    };
    let md_hash = sha256_hex(rendered.markdown.as_bytes());
    // A signed convention keeps its text: a change needs an amendment (avenant).
    let signed_text = match signed
        .then(|| signed_text(ctx, job, data, &rendered.markdown, &inputs_sha256))
        .transpose()
    {
        Ok(t) => t.flatten(),
        Err((status, mut d)) => {
            d.extend(warnings);
            return JobResult { status, ..fail(d) };
        }
    };
    // Same text: the signed files stay byte for byte, even if the layout,
    // a template or charta changed (its pages could move) and under
    // `--force`. Its entry keeps the inputs it was made from; without an
    // entry, the files found in OUT stand for these inputs. Only a format
    // that has no file yet is made.
    let same_signed_text = signed_text.as_ref() == Some(&md_hash);
    if same_signed_text
        && let Some(prev) = previous
        && prev.output("md").is_some()
        && intact(prev)
    {
        return kept(prev, warnings);
    }
    let reusable = reusable.or(previous.filter(|_| same_signed_text));
    // A file already in OUT that this build may keep as it is.
    let keep_file = |format: &Format| -> Option<(OutputFile, Option<usize>)> {
        if let Some(prev) = reusable
            && let Some(file) = prev.output(format.name)
            && file.intact(out)
        {
            return Some((file.clone(), prev.pages.filter(|_| format.name == "pdf")));
        }
        if same_signed_text && previous.is_none_or(|p| p.output("md").is_none()) {
            let file = out::file_name(&id, format.extension);
            let bytes = std::fs::read(out.join(&file)).ok()?;
            return Some((OutputFile::written(out, file, &bytes), None));
        }
        None
    };
    // Every file of the signed version is in OUT but its entry is gone: they
    // stand for these inputs, unchanged.
    if same_signed_text && previous.is_none_or(|p| p.output("md").is_none()) {
        let found: Option<BTreeMap<String, OutputFile>> = ctx
            .emitters
            .iter()
            .map(|(f, _)| keep_file(f).map(|(file, _)| (f.name.to_string(), file)))
            .collect();
        if let Some(outputs) = found {
            let in_out = Entry {
                id: id.clone(),
                status: Status::Rendered,
                signed,
                inputs: inputs.clone(),
                inputs_sha256: inputs_sha256.clone(),
                outputs,
                pages: None,
                signed_archive: None,
                avenants: Vec::new(),
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
        outputs: BTreeMap::new(),
        pages: None,
        signed_archive: None,
        avenants: Vec::new(),
    };
    // A write that fails is no fault of the data (exit status 2).
    let io_fail = |file: &Path, e: std::io::Error| JobResult {
        id: id.clone(),
        status: Status::Failed,
        entry: None,
        diagnostics: vec![
            Diagnostic::error(tr!(
                "{id}\u{a0}: impossible d'écrire le fichier de sortie\u{a0}: {e}",
                "{id}: cannot write the output: {e}"
            ))
            .code("FIC-009")
            .in_file(file),
        ],
        internal: true,
    };
    // Every format is made before anything is written, so that an error
    // (a typesetting error) leaves the previous files in place.
    let doc = Document {
        id: &id,
        markdown: &rendered.markdown,
        meta: &rendered.pdf_meta,
    };
    let mut made: Vec<(&Format, Emitted)> = Vec::with_capacity(ctx.emitters.len());
    for (format, emitter) in ctx.emitters {
        if let Some((file, pages)) = keep_file(format) {
            new_entry.outputs.insert(format.name.to_string(), file);
            if pages.is_some() {
                new_entry.pages = pages;
            }
            continue;
        }
        match emitter.emit(&doc) {
            Ok(e) => made.push((*format, e)),
            Err(e) => {
                for (ext, bytes) in &e.extra {
                    let _ = write_atomic(&out.join(out::file_name(&id, ext)), bytes);
                }
                let file = out::file_name(&id, e.source_extension.unwrap_or(format.extension));
                let mut d = Diagnostic::error(e.message.map(|m| format!("{id}: {m}")))
                    .code("GEN-007")
                    .in_file(out.join(file));
                if let (Some(l), Some(c)) = (e.line, e.column) {
                    d = d.at(l, c);
                }
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                return fail(vec![d]);
            }
        }
    }
    // Every file goes to its temporary file first, then all are renamed: a
    // failure or a panic before the renames leaves the previous files, all of
    // them (never a new Markdown beside an old PDF).
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    for (format, emitted) in &made {
        files.push((
            out.join(out::file_name(&id, format.extension)),
            &emitted.bytes,
        ));
        if format.name == "md" {
            // The data the convention was rendered from, so that `charta diff` of two
            // build folders can tell data changes field by field.
            files.push((out.join(out::data_file(&id)), entry.text.as_bytes()));
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        match out::stage_atomic(path, bytes) {
            Ok(tmp) => staged.push((path, tmp)),
            Err(e) => return io_fail(path, e),
        }
    }
    for (path, tmp) in staged {
        if let Err(e) = tmp.persist(path) {
            return io_fail(path, e.error);
        }
    }
    for (format, emitted) in made {
        for (ext, bytes) in &emitted.extra {
            let _ = write_atomic(&out.join(out::file_name(&id, ext)), bytes);
        }
        if emitted.pages.is_some() {
            new_entry.pages = emitted.pages;
        }
        let file = out::file_name(&id, format.extension);
        new_entry.outputs.insert(
            format.name.to_string(),
            OutputFile::written(out, file, &emitted.bytes),
        );
    }
    JobResult {
        id,
        status: Status::Rendered,
        entry: Some(new_entry),
        diagnostics: warnings,
        internal: false,
    }
}

/// What the build of signed convention `job` keeps (see
/// [`crate::avenant::printed`]): `Ok(Some(hash))`, the signed text recorded
/// (by the manifest, else found in OUT), which today's text `markdown` must
/// equal; `Ok(None)`, no text recorded, or the draft printed for this
/// signature (today's data with the date blank give it byte for byte: the
/// convention is built with its date, then archived). `Err`: the refusal
/// (or the failure) and its status.
fn signed_text(
    ctx: &JobContext,
    job: &Job,
    data: &crate::model::AssociationFile,
    markdown: &str,
    inputs_sha256: &str,
) -> Result<Option<String>, (Status, Vec<Diagnostic>)> {
    let (id, out, previous) = (&job.entry.id, &ctx.opts.out, job.previous.as_ref());
    let md_file = out::file_name(id, "md");
    // A draft recorded (an entry not signed), or a file in OUT without an
    // entry: is it the draft today's data print?
    if previous.is_none_or(|p| !p.signed)
        && let Some(draft) = Draft::recorded(out, previous, "md", &md_file)
        && as_printed(ctx, job, data, markdown, &draft)?
    {
        return Ok(None);
    }
    let recorded = previous
        .and_then(|p| p.output("md"))
        .map(|md| md.sha256.clone())
        .or_else(|| {
            std::fs::read(out.join(&md_file))
                .ok()
                .map(|b| sha256_hex(&b))
        });
    let refuse = |what: Text| {
        let on = data.convention.signature.date.as_deref().unwrap_or("?");
        let d = Diagnostic::error(Text::new(
            format!("{id}\u{a0}: la convention signée le {on} changerait ({})\u{a0}; fichiers laissés intacts", what.fr),
            format!("{id}: convention signed on {on} would change ({}); files left untouched", what.en),
        ))
        .code("GEN-006")
        .in_file(&job.entry.path)
        .at_path("convention.signature.date")
        .with_hint(crate::avenant::entry_hint(data));
        Err((Status::Refused, vec![d]))
    };
    if let Some(hash) = &recorded
        && *hash != sha256_hex(markdown.as_bytes())
    {
        let what = std::fs::read_to_string(out.join(&md_file))
            .map(|old| crate::diff::summary_line(&old, markdown))
            .unwrap_or_else(|_| {
                Text::new(
                    "son texte diffère de la version signée",
                    "its text differs from the signed version",
                )
            });
        return refuse(what);
    }
    // Its PDF is in OUT but its text is recorded nowhere (a PDF-only build):
    // unless its inputs are those the PDF was made from, nothing shows that
    // the text is the same.
    if recorded.is_none()
        && out.join(out::file_name(id, "pdf")).is_file()
        && previous.is_none_or(|p| p.inputs_sha256 != inputs_sha256)
    {
        return refuse(Text::new(
            "ses données ont changé et OUT n'a pas le Markdown de la version signée pour comparer",
            "its inputs changed and OUT has no Markdown of the signed version to compare with",
        ));
    }
    Ok(recorded)
}

/// Whether signed convention `job`, whose text with its date is `markdown`,
/// is `draft`, the draft printed: today's data with the date blank give it
/// byte for byte, and the date changes nothing but the signature block
/// (`Ok(true)`: it is archived as signed). A draft that differs is refused;
/// a file found in OUT without a manifest entry that differs may be the
/// signed text itself (`Ok(false)`).
fn as_printed(
    ctx: &JobContext,
    job: &Job,
    data: &crate::model::AssociationFile,
    markdown: &str,
    draft: &Draft,
) -> Result<bool, (Status, Vec<Diagnostic>)> {
    let id = &job.entry.id;
    let mut blank = data.clone();
    blank.convention.signature.date = None;
    let draft_form = ctx
        .engine
        .render(&ctx.prog.file, id, &blank, &job.entry.path)
        .map_err(|d| (Status::Failed, d))?
        .markdown;
    let at = (job.entry.path.as_path(), "convention.signature.date".into());
    let refusal = match draft.difference(&draft_form) {
        None => match beyond_signature(&draft_form, markdown) {
            None => return Ok(true),
            Some(what) => dated_text_differs(id, Act::Convention, &what, at, data),
        },
        Some(what) if job.previous.is_some() => {
            not_as_printed(id, Act::Convention, &what, at, data)
        }
        Some(_) => return Ok(false),
    };
    Err((Status::Refused, vec![refusal]))
}

/// The manifest (or its journal) at `file` cannot be written.
fn manifest_unwritable(e: impl std::fmt::Display, file: PathBuf) -> Diagnostic {
    Diagnostic::error(tr!(
        "impossible d'écrire le manifeste\u{a0}: {}",
        "cannot write the manifest: {}",
        e
    ))
    .code("FIC-008")
    .in_file(file)
}
