//! `charta review` at work: the documents written, and the review files to fill in.

use std::collections::HashMap;

use super::manifest::{Made, ReviewManifest, text_digest};
use super::*;
#[allow(unused_imports)]
use crate::diagnostic::Code;
use crate::digest::sha256_hex;
use crate::out::OutputFile;

/// What `charta review` is asked to do.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// The output folder: documents go to `OUT/review-<year>/`.
    pub out: PathBuf,
    pub year: i32,
    /// Also typeset the PDFs.
    pub pdf: bool,
    /// Worker threads (at least one).
    pub jobs: usize,
    /// Write every document again, even those up to date.
    pub force: bool,
    /// The date of the review (`--on`): a compte rendu financier not received
    /// is late only against it (outputs never depend on the clock).
    pub on: Option<(i32, u8, u8)>,
}

/// What `charta review` did.
#[derive(Debug, Default)]
pub struct ReviewReport {
    /// `OUT/review-<year>`.
    pub dir: PathBuf,
    /// Associations reported on, in synthesis order.
    pub rows: Vec<Assessment>,
    /// Warnings (review files: missing indicators…).
    pub diagnostics: Vec<Diagnostic>,
    pub files_written: usize,
    /// Reports written again (a file of theirs at least).
    pub rewritten: usize,
    /// Reports whose files were all up to date.
    pub up_to_date: usize,
    /// Whether a file of the synthesis was written.
    pub synthesis_rewritten: bool,
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::FIC_003, tr!(
        "impossible d'écrire {}\u{a0}: {e}",
        "cannot write {}: {e}",
        path.display()
    ))
    .in_file(path)
    .with_hint(Text::new(
        "vérifiez que le dossier de sortie est accessible en écriture et que le disque n'est pas plein",
        "check that the output folder is writable and that the disk is not full",
    ))
}

/// A panic while writing one report (a bug of charta or of Typst, never a
/// fault of the data) fails that report only: the other reports and the
/// synthesis are written, and its previous files stay in place (every write
/// goes through a temporary file).
fn report_panicked(a: &Assessment, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let id = &a.id;
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    Diagnostic::error(Code::BIL_036, tr!(
        "{id}\u{a0}: erreur interne en établissant le bilan de cette association ({what})\u{a0}; \
         ses fichiers précédents restent en place",
        "{id}: internal error while writing the review of this association ({what}); \
         its previous files are left in place"
    ))
    .with_hint(Text::new(
        "c'est un défaut de charta ou de Typst, pas une faute des données\u{a0}: \
         signalez-le avec ce fichier de bilan\u{a0}; les autres bilans et la synthèse ont été écrits",
        "this is a bug of charta or of Typst, not a fault of the data: please \
         report it with this review file; the other reports and the synthesis were written",
    ))
}

/// Whether `diags` hold a fault rather than errors of the data only: a
/// file that cannot be written, a PDF that cannot be typeset, worker threads
/// that cannot start, a report that panicked (their codes' kind). Every
/// other error is the data's.
pub fn is_fault(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_fault)
}

/// `charta review`: assesses every association whose convention covers the
/// year, writes its report and the synthesis, those that changed only (see
/// [`super::manifest`]). `Err`: every diagnostic, when errors in the review
/// files or `[review]` left nothing written, or when a file could not be
/// written or typeset ([`is_fault`]).
pub fn run(prog: &Programme, opts: &ReviewOptions) -> Result<ReviewReport, Vec<Diagnostic>> {
    let year = opts.year;
    let (rows, mut diags) = assessed(prog, year, opts.on)?;
    let dir = opts.out.join(format!("review-{year}"));
    std::fs::create_dir_all(&dir).map_err(|e| vec![io_error(&dir, e)])?;
    let writer = Writer::new(prog, &dir, opts);
    // As in `build::run`: one long-lived worker per thread of a dedicated
    // pool with large stacks, each taking the next association from a shared
    // counter. Reports are never rayon jobs: a thread waiting inside Typst
    // (which uses rayon) would steal and nest other reports on its stack.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .stack_size(16 * 1024 * 1024)
        .thread_name(|n| format!("charta-review-{n}"))
        .build()
        .map_err(|e| {
            vec![Diagnostic::error(
                Code::BIL_026,
                tr!(
                    "impossible de démarrer les threads de travail\u{a0}: {e}",
                    "cannot start the worker threads: {e}"
                ),
            )]
        })?;
    let mut manifest = ReviewManifest::new(year);
    let mut report = ReviewReport {
        dir: dir.clone(),
        ..ReviewReport::default()
    };
    let mut errors = Vec::new();
    for (a, r) in rows.iter().zip(writer.reports(&pool, &rows)) {
        let done = match r {
            Ok((made, n)) => Some((made, n)),
            Err(d) => {
                errors.push(d);
                None
            }
        };
        if let Some(made) = report.count(done, writer.previous.reports.get(&a.id)) {
            manifest.reports.insert(a.id.clone(), made);
        }
    }
    let previous = writer.previous.synthesis.as_ref();
    match pool.install(|| writer.synthesis(year, &rows)) {
        Ok((made, n)) => {
            report.files_written += n;
            report.synthesis_rewritten = n > 0;
            manifest.synthesis = Some(made);
        }
        Err(d) => {
            errors.push(d);
            manifest.synthesis = previous.cloned();
        }
    }
    if let Err(e) = manifest.write(&dir) {
        errors.push(io_error(&dir.join(crate::out::MANIFEST), e));
    }
    if !errors.is_empty() {
        diags.extend(errors);
        return Err(diags);
    }
    report.rows = rows;
    report.diagnostics = diags;
    Ok(report)
}

impl ReviewReport {
    /// Counts one report: `done`, its record and the number of files written,
    /// or `None` when it failed. The record to keep: the new one, else the
    /// previous one (its files stay in place).
    fn count(&mut self, done: Option<(Made, usize)>, previous: Option<&Made>) -> Option<Made> {
        match done {
            Some((made, n)) => {
                self.files_written += n;
                if n > 0 {
                    self.rewritten += 1;
                } else {
                    self.up_to_date += 1;
                }
                Some(made)
            }
            None => previous.cloned(),
        }
    }
}

/// Every association's assessment, in synthesis order, with the warnings;
/// `Err` with every diagnostic when one is an error.
fn assessed(
    prog: &Programme,
    year: i32,
    on: Option<(i32, u8, u8)>,
) -> Result<(Vec<Assessment>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (reviews, mut diags) = load_reviews(prog, year)?;
    let (crfs, crf_diags) = load_crfs(prog, year)?;
    diags.extend(crf_diags);
    for e in &prog.associations {
        if e.data.is_none() {
            let id = &e.id;
            diags.push(
                Diagnostic::warning(
                    Code::BIL_024,
                    tr!(
                        "association `{id}` ignorée\u{a0}: son fichier ne peut pas être lu",
                        "association `{id}` skipped: its file cannot be read"
                    ),
                )
                .in_file(&e.path)
                .with_hint(Text::new(
                    "lancez `charta check` pour voir les erreurs",
                    "run `charta check` to see the errors",
                )),
            );
        }
    }
    let mut rows = match assess_all(prog, year, &reviews, &crfs, on) {
        Ok(rows) => rows,
        Err(errors) => {
            diags.extend(errors);
            crate::check::sort(&mut diags);
            return Err(diags);
        }
    };
    synthesis_order(&mut rows);
    Ok((rows, diags))
}

/// Writes the documents of one review into `dir`.
struct Writer<'a> {
    prog: &'a Programme,
    dir: &'a Path,
    year: i32,
    /// The PDF engine, when PDFs are asked for.
    engine: Option<PdfEngine>,
    force: bool,
    /// What the last run of this year wrote.
    previous: ReviewManifest,
    /// The inputs of every document: `charta.toml`, the layout, charta's version.
    shared: BTreeMap<String, String>,
    /// Each association file's text, by id.
    texts: HashMap<&'a str, &'a str>,
    /// Each association's review files up to the year, by id: year and path.
    reviews: BTreeMap<String, Vec<(i32, PathBuf)>>,
}

impl<'a> Writer<'a> {
    fn new(prog: &'a Programme, dir: &'a Path, opts: &ReviewOptions) -> Writer<'a> {
        let layout = crate::emit::pdf::REVIEW_LAYOUT;
        let shared = BTreeMap::from([
            (
                "programme".to_string(),
                sha256_hex(prog.toml_text.as_bytes()),
            ),
            ("layout".to_string(), sha256_hex(layout.as_bytes())),
            ("engine".to_string(), env!("CARGO_PKG_VERSION").to_string()),
        ]);
        let mut reviews: BTreeMap<String, Vec<(i32, PathBuf)>> = BTreeMap::new();
        for (y, id, path) in crate::check::review::review_files(&prog.root, &mut Vec::new()) {
            if y <= opts.year {
                reviews.entry(id).or_default().push((y, path));
            }
        }
        Writer {
            prog,
            dir,
            year: opts.year,
            engine: opts.pdf.then(|| PdfEngine::new(Some(layout.to_string()))),
            force: opts.force,
            previous: ReviewManifest::read(dir, opts.year),
            shared,
            texts: prog
                .associations
                .iter()
                .map(|e| (e.id.as_str(), e.text.as_str()))
                .collect(),
            reviews,
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let p = self.dir.join(name);
        write_atomic(&p, bytes).map_err(|e| io_error(&p, e))
    }

    /// The PDF of `md` (`name`: the document, in the error).
    fn typeset(&self, md: &str, meta: &Meta, name: &str) -> Result<Vec<u8>, Diagnostic> {
        let engine = self
            .engine
            .as_ref()
            .expect("a PDF only when PDFs are asked for");
        engine.render(md, meta).map(|o| o.pdf).map_err(|e| {
            let e = crate::emit::pdf::typst_error(&e.diagnostic);
            Diagnostic::error(Code::BIL_025, tr!(
                "{name}\u{a0}: la mise en page PDF a échoué\u{a0}: {e}",
                "{name}: PDF layout failed: {e}"
            ))
            .with_hint(tr!(
                "c'est un défaut de charta ou de sa mise en page, pas des données\u{a0}: signalez-le",
                "this is a bug of charta or of its layout, not of the data: please report it"
            ))
        })
    }

    /// The files of a document named `stem`: `formats`, and the PDF when asked for.
    fn files(&self, stem: &str, formats: &[&'static str]) -> Vec<(&'static str, String)> {
        let pdf = self.engine.is_some().then_some("pdf");
        formats
            .iter()
            .copied()
            .chain(pdf)
            .map(|f| (f, format!("{stem}.{f}")))
            .collect()
    }

    /// Writes the files of one document that are not up to date (see
    /// [`Made::stale`]): `files`, each format with its file name; `make`
    /// gives a format's bytes. Every one is made before any is written, so
    /// that a typesetting error leaves the previous files in place. The
    /// record of the document, and the number of files written.
    fn document(
        &self,
        mut made: Made,
        previous: Option<&Made>,
        files: &[(&'static str, String)],
        make: impl Fn(&str) -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<(Made, usize), Diagnostic> {
        let formats: Vec<&str> = files.iter().map(|(f, _)| *f).collect();
        let stale = made.stale(previous, &formats, self.dir, self.force);
        let mut bytes = Vec::with_capacity(stale.len());
        for (f, name) in files.iter().filter(|(f, _)| stale.contains(f)) {
            bytes.push((*f, name, make(f)?));
        }
        for (f, name, b) in &bytes {
            self.write(name, b)?;
            let file = OutputFile::written(self.dir, name.to_string(), b);
            made.outputs.insert(f.to_string(), file);
        }
        Ok((made, bytes.len()))
    }

    /// The inputs of the report of `a`: the shared ones, its association
    /// file, its review files, the signed act in force.
    fn report_inputs(&self, a: &Assessment) -> BTreeMap<String, String> {
        let mut inputs = self.shared.clone();
        let mut put = |k: &str, v: String| inputs.insert(k.to_string(), v);
        if let Some(text) = self.texts.get(a.id.as_str()) {
            put("association", sha256_hex(text.as_bytes()));
        }
        let mut earlier = String::new();
        for (y, path) in self.reviews.get(&a.id).into_iter().flatten() {
            // Unreadable now: the digest of nothing, and the next run tries again.
            let digest = sha256_hex(&std::fs::read(path).unwrap_or_default());
            if *y == self.year {
                put("review", digest);
            } else {
                earlier.push_str(&format!("{y} {digest}\n"));
            }
        }
        if !earlier.is_empty() {
            put("earlier_reviews", sha256_hex(earlier.as_bytes()));
        }
        if let Some(h) = &a.in_force_sha256 {
            put("in_force", h.clone());
        }
        let crf = crate::check::crf::crf_path(&self.prog.root, self.year, &a.id);
        if let Ok(bytes) = std::fs::read(&crf) {
            put("crf", sha256_hex(&bytes));
        }
        inputs
    }

    /// One association's report: its record and the number of files written.
    fn report(&self, a: &Assessment) -> Result<(Made, usize), Diagnostic> {
        let _failpoint = crate::failpoint::convention(&a.id);
        crate::failpoint::stage(crate::failpoint::Stage::Render);
        let md = report_markdown(self.prog, a);
        let meta = report_meta(self.prog, a);
        let made = Made::new(self.report_inputs(a), text_digest(&[md.as_bytes()], &meta));
        let previous = self.previous.reports.get(&a.id);
        let files = self.files(&a.id, &["md"]);
        let (made, n) = self.document(made, previous, &files, |f| match f {
            "pdf" => self.typeset(&md, &meta, &a.id),
            _ => Ok(md.as_bytes().to_vec()),
        })?;
        Ok((made, n + self.letter(a)?))
    }

    /// The reversement letter of `a` (`<id>.reversement.md`, and its PDF),
    /// when there is something to recover; written only when it changed.
    /// The number of files written.
    fn letter(&self, a: &Assessment) -> Result<usize, Diagnostic> {
        let stem = format!("{}.reversement", a.id);
        let letter = a
            .closing
            .as_ref()
            .and_then(|c| c.letter.clone())
            .transpose()?;
        let Some(md) = letter else {
            // Nothing (any more) to recover: no letter left behind.
            for f in ["md", "pdf"] {
                let _ = std::fs::remove_file(self.dir.join(format!("{stem}.{f}")));
            }
            return Ok(0);
        };
        let md_name = format!("{stem}.md");
        let changed = std::fs::read(self.dir.join(&md_name)).ok().as_deref() != Some(md.as_bytes());
        let mut n = 0;
        if self.engine.is_some()
            && (changed || self.force || !self.dir.join(format!("{stem}.pdf")).exists())
        {
            let mut meta = report_meta(self.prog, a);
            meta.title = format!("Demande de reversement – contribution {}", a.year);
            meta.charts = Vec::new();
            let pdf = self.typeset(&md, &meta, &stem)?;
            self.write(&format!("{stem}.pdf"), &pdf)?;
            n += 1;
        }
        if changed || self.force {
            self.write(&md_name, md.as_bytes())?;
            n += 1;
        }
        if changed && self.engine.is_none() {
            // A Markdown-only run changed the letter: its PDF, typeset from
            // the previous text, goes (the next run with PDFs makes it again).
            let _ = std::fs::remove_file(self.dir.join(format!("{stem}.pdf")));
        }
        Ok(n)
    }

    /// Every report, on the threads of `pool`, in the order of `rows`.
    fn reports(
        &self,
        pool: &rayon::ThreadPool,
        rows: &[Assessment],
    ) -> Vec<Result<(Made, usize), Diagnostic>> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<_>> = Mutex::new(Vec::with_capacity(rows.len()));
        pool.broadcast(|_| {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(a) = rows.get(i) else { break };
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.report(a)))
                    .unwrap_or_else(|panic| Err(report_panicked(a, panic.as_ref())));
                results
                    .lock()
                    .expect("no panic while holding the lock")
                    .push((i, r));
            }
        });
        let mut results = results.into_inner().expect("workers finished");
        results.sort_by_key(|(i, _)| *i);
        results.into_iter().map(|(_, r)| r).collect()
    }

    /// The synthesis (Markdown, CSV, PDF): its record and the number of files written.
    fn synthesis(&self, year: i32, rows: &[Assessment]) -> Result<(Made, usize), Diagnostic> {
        let prog = self.prog;
        let md = synthesis_markdown(prog, year, rows);
        let meta = Meta {
            title: format!("Synthèse des bilans {year}"),
            reference: format!("synthèse {year}"),
            funder: prog.file.funder.name.clone(),
            association: prog.file.programme.name.clone(),
            period: year.to_string(),
            date: rows
                .iter()
                .filter(|a| a.received)
                .map(super::text::report_date)
                .max()
                .unwrap_or((year, 12, 31)),
            charts: Vec::new(),
        };
        let csv = synthesis_csv(rows);
        // The finance service's to-do list: written when it changed.
        let todo = super::closing_text::todo_csv(rows);
        let todo_path = self.dir.join("a-faire.csv");
        if std::fs::read(&todo_path).ok().as_deref() != Some(todo.as_bytes()) {
            self.write("a-faire.csv", todo.as_bytes())?;
        }
        // Its text is its rows: it is written again only when a row changed.
        let made = Made::new(
            self.shared.clone(),
            text_digest(&[md.as_bytes(), csv.as_bytes()], &meta),
        );
        let files = self.files("synthese", &["md", "csv"]);
        self.document(
            made,
            self.previous.synthesis.as_ref(),
            &files,
            |f| match f {
                "pdf" => self.typeset(&md, &meta, "synthese"),
                "csv" => Ok(csv.as_bytes().to_vec()),
                _ => Ok(md.as_bytes().to_vec()),
            },
        )
    }
}

/// What `charta review --template` did for one association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateOutcome {
    Written(PathBuf),
    /// A review file already exists: left as it is.
    Exists(PathBuf),
}

/// The review file to fill in for one association and year: every indicator
/// with its target as a reminder (`target`, ignored when read back) and its
/// value or status empty (null), every financial figure empty.
pub fn template_json(data: &AssociationFile, year: i32) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let y = year.to_string();
    let mut ind = Map::new();
    for i in crate::check::review::indicators(data) {
        let target = i
            .targets
            .get(&y)
            .map(|t| serde_json::to_value(t).unwrap_or(Value::Null))
            .unwrap_or(Value::Null);
        let entry = match i.kind {
            IndicatorType::Quantitative => {
                json!({ "target": target, "value": null, "comment": null })
            }
            IndicatorType::Qualitative => {
                json!({ "target": target, "status": null, "comment": null })
            }
        };
        ind.insert(i.id.clone(), entry);
    }
    let mut fin = Map::new();
    for k in crate::check::review::FINANCE_KEYS {
        fin.insert(k.to_string(), Value::Null);
    }
    json!({
        "date": null,
        "indicators": ind,
        "finances": fin,
        "narrative": null,
    })
}

/// `charta review --template`: one review file per association whose
/// convention covers `year`, never overwriting an existing one.
pub fn write_templates(
    prog: &Programme,
    year: i32,
) -> Result<Vec<(String, TemplateOutcome)>, Vec<Diagnostic>> {
    let dir = prog.root.join("reviews").join(year.to_string());
    let mut out = Vec::new();
    let fault = |d| vec![d];
    // The targets recalled are those of the text in force, never a draft avenant's.
    for (id, f) in in_force_all(prog, year)? {
        if f.data.convention.funding.is_some() {
            let crf = crate::check::crf::template_json();
            let path = crate::check::crf::crf_path(&prog.root, year, &id);
            out.push((id.clone(), create_new(&dir, &path, &id, &crf)?));
        }
        let path = crate::check::review::review_path(&prog.root, year, &id);
        if path.exists() {
            out.push((id, TemplateOutcome::Exists(path)));
            continue;
        }
        std::fs::create_dir_all(&dir).map_err(|err| fault(io_error(&dir, err)))?;
        let mut text =
            serde_json::to_string_pretty(&template_json(&f.data, year)).expect("serialises");
        text.push('\n');
        // Never overwrite: create_new fails if the file appeared meanwhile.
        let tmp = dir.join(format!(".charta-tmp-{id}.json"));
        std::fs::write(&tmp, text.as_bytes()).map_err(|err| fault(io_error(&tmp, err)))?;
        match std::fs::hard_link(&tmp, &path) {
            Ok(()) => {
                let _ = std::fs::remove_file(&tmp);
                out.push((id, TemplateOutcome::Written(path)));
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&tmp);
                out.push((id, TemplateOutcome::Exists(path)));
            }
            Err(err) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(fault(io_error(&path, err)));
            }
        }
    }
    Ok(out)
}

/// Writes `value` to `path` unless a file is there (never overwrites).
fn create_new(
    dir: &Path,
    path: &Path,
    id: &str,
    value: &serde_json::Value,
) -> Result<TemplateOutcome, Vec<Diagnostic>> {
    if path.exists() {
        return Ok(TemplateOutcome::Exists(path.to_path_buf()));
    }
    std::fs::create_dir_all(dir).map_err(|err| vec![io_error(dir, err)])?;
    let mut text = serde_json::to_string_pretty(value).expect("serialises");
    text.push('\n');
    let tmp = dir.join(format!(".charta-tmp-{id}.crf.json"));
    std::fs::write(&tmp, text.as_bytes()).map_err(|err| vec![io_error(&tmp, err)])?;
    let r = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match r {
        Ok(()) => Ok(TemplateOutcome::Written(path.to_path_buf())),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(TemplateOutcome::Exists(path.to_path_buf()))
        }
        Err(err) => Err(vec![io_error(path, err)]),
    }
}
