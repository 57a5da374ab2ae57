//! One convention of a build, in two steps: [`decide`] reads nothing but the
//! job, its manifest entry and what was read from disk beforehand
//! ([`OnDisk`]), and says what to do and why ([`Decision`]: keep the previous
//! files, refuse, hand a signed convention to its avenants, or render and
//! write); [`carry_out`] does it (renders the formats, writes, archives).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::avenant::job::SignedJob;
use crate::avenant::notification::{self, Notified};
use crate::avenant::printed::{
    Draft, beyond_signature, dated_text_differs, not_as_printed, pdf_not_as_sent,
};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::digest::sha256_hex;
use crate::emit::{Document, Emitted, Format, Unmade};
use crate::model::AssociationFile;
use crate::out::signed::{Act, Archive};
use crate::out::{self, ClauseInput, Entry, Inputs, OutputFile, Status, write_atomic};
use crate::render::{Plan, Rendered};
use crate::tr;

use super::{Job, JobContext, JobResult, Registered};

/// What was on disk for one convention, read before deciding.
pub(super) struct OnDisk {
    /// The archive of its signed acts (`PROG/signed/<id>/`), for a signed convention.
    archive: Option<Archive>,
    /// By format name (this build's formats and `md`): the file the previous
    /// entry records is in OUT, intact.
    intact: BTreeMap<&'static str, bool>,
    /// For a signed convention: the draft recorded as printed (an entry not
    /// signed, or no entry; see [`Draft::recorded`]).
    draft: Option<Draft>,
    /// For a signed convention: its Markdown in OUT.
    md: Option<Vec<u8>>,
    /// For a signed convention: whether OUT has its PDF.
    pdf: bool,
    /// For a signed convention whose entry records no Markdown: its files
    /// found in OUT, by format name.
    found: BTreeMap<&'static str, Vec<u8>>,
}

impl OnDisk {
    pub(super) fn read(ctx: &JobContext, job: &Job, signed: bool) -> OnDisk {
        let (id, out, previous) = (&job.entry.id, &ctx.opts.out, job.previous.as_ref());
        let names = || ctx.emitters.iter().map(|(f, _)| f.name);
        let intact = previous
            .map(|p| {
                names()
                    .chain(["md"])
                    .map(|name| (name, p.intact(out, name)))
                    .collect()
            })
            .unwrap_or_default();
        let mut disk = OnDisk {
            archive: None,
            intact,
            draft: None,
            md: None,
            pdf: false,
            found: BTreeMap::new(),
        };
        if !signed {
            return disk;
        }
        let md_file = out::file_name(id, "md");
        disk.archive = Archive::open(&ctx.prog.root, id);
        if previous.is_none_or(|p| !p.signed) {
            disk.draft = Draft::recorded(out, previous, "md", &md_file);
        }
        disk.md = std::fs::read(out.join(&md_file)).ok();
        disk.pdf = out.join(out::file_name(id, "pdf")).is_file();
        if previous.is_none_or(|p| p.output("md").is_none()) {
            for (f, _) in ctx.emitters {
                if let Ok(bytes) = std::fs::read(out.join(out::file_name(id, f.extension))) {
                    disk.found.insert(f.name, bytes);
                }
            }
        }
        disk
    }

    fn intact(&self, format: &str) -> bool {
        self.intact.get(format).copied().unwrap_or(false)
    }
}

/// What to do with one convention, and why.
pub(super) enum Decision<'a> {
    /// Failed or refused before anything is written.
    Stop(Status, Vec<Diagnostic>),
    /// The previous files stand for this build: the entry to record.
    Keep(Box<Entry>, Vec<Diagnostic>),
    /// A signed convention with amendments: its acts come from its archive
    /// (crate::avenant), made first from OUT when `from_out` is the entry
    /// whose signed files OUT holds.
    Signed(Box<Signed<'a>>),
    /// Render the formats not kept, and write them.
    Write(Box<Writing<'a>>),
}

pub(super) struct Signed<'a> {
    plan: Plan<'a>,
    inputs: Inputs,
    inputs_sha256: String,
    archive: Option<Archive>,
    from_out: Option<&'a Entry>,
    warnings: Vec<Diagnostic>,
}

pub(super) struct Writing<'a> {
    rendered: Rendered,
    /// The new entry, with the files kept already listed.
    entry: Entry,
    /// The formats to make.
    make: Vec<&'a Registered>,
    warnings: Vec<Diagnostic>,
    /// Signed electronically and dated since the last build: the sha256 of
    /// the PDF that build made, the one sent for signature, which the PDF
    /// made now must be (else refused, GEN-035).
    sent_pdf: Option<String>,
}

/// One convention; a signed one is archived in `PROG/signed/<id>/` once
/// built (see [`crate::out::signed`]).
pub(super) fn run_job(ctx: &JobContext, job: &Job) -> JobResult {
    let id = &job.entry.id;
    let _failpoint = crate::failpoint::convention(id);
    let mut r = match decide(ctx, job) {
        Ok(decision) => carry_out(ctx, job, decision),
        Err(stop) => stop,
    };
    if matches!(r.status, Status::Rendered | Status::Unchanged)
        && let Some(e) = r.entry.as_mut()
        && e.signed
        && e.signed_archive.is_none()
    {
        archive_signed(ctx, e, &mut r.diagnostics);
    }
    r
}

/// Archives the signed convention of entry `e` from OUT, once built.
fn archive_signed(ctx: &JobContext, e: &mut Entry, diagnostics: &mut Vec<Diagnostic>) {
    match crate::out::signed::archive_from_out(&ctx.prog.root, &ctx.opts.out, e) {
        Ok(true) => e.signed_archive = Some(crate::out::signed::relative_dir(&e.id)),
        Ok(false) => {}
        Err(err) => diagnostics.push(
            Diagnostic::warning(Code::GEN_020, tr!(
                "{}\u{a0}: la convention signée n'a pas pu être archivée\u{a0}: {}",
                "{}: the signed convention could not be archived: {}",
                e.id,
                err
            ))
            .in_file(crate::out::signed::dir(&ctx.prog.root, &e.id))
            .with_hint(tr!(
                "la prochaine construction réessaiera\u{202f}; vérifiez les droits d'écriture du dossier du programme",
                "the next build will try again; check write permissions on the programme folder"
            )),
        ),
    }
}

/// A result with no entry: the convention failed or was refused.
fn stopped(id: &str, status: Status, diagnostics: Vec<Diagnostic>, internal: bool) -> JobResult {
    JobResult {
        id: id.to_string(),
        status,
        entry: None,
        diagnostics,
        internal,
    }
}

/// The checks and the plan of one convention, then the decision: `Err` when
/// its data stop it (a failure, the result as is).
fn decide<'a>(ctx: &'a JobContext, job: &'a Job) -> Result<Decision<'a>, JobResult> {
    let (entry, id) = (job.entry, job.entry.id.as_str());
    let fail = |d| stopped(id, Status::Failed, d, false);
    let mut diags = crate::check::check_association(ctx.prog, entry);
    let (mut errors, warnings): (Vec<_>, Vec<_>) = diags.drain(..).partition(Diagnostic::is_error);
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(fail(errors));
    }
    let data = entry.data.as_ref().expect("checked: parsed");
    let plan = ctx
        .engine
        .plan(&ctx.prog.file, id, data, &entry.path)
        .map_err(fail)?;
    let inputs = inputs(ctx, &entry.text, &plan);
    let inputs_sha256 = sha256_hex(&serde_json::to_vec(&inputs).expect("inputs serialise"));
    let signed = data.convention.signature.date.is_some();
    let disk = OnDisk::read(ctx, job, signed);
    // A signed convention whose signed text is archived: its acts come from
    // the archive, a change of its data is an avenant (crate::avenant).
    // Amendments before any archive: the signed text is the one in OUT, to
    // archive first when the previous entry is signed and its Markdown intact.
    if signed && (disk.archive.is_some() || !data.convention.amendments.is_empty()) {
        let from_out = (job.previous.as_ref())
            .filter(|p| disk.archive.is_none() && p.signed && disk.intact("md"));
        return Ok(Decision::Signed(Box::new(Signed {
            plan,
            inputs,
            inputs_sha256,
            archive: disk.archive,
            from_out,
            warnings,
        })));
    }
    let facts = Facts {
        ctx,
        job,
        data,
        disk: &disk,
        inputs_sha256: &inputs_sha256,
    };
    // The previous files stand for this build: nothing to write.
    if let Some(prev) = facts.unchanged() {
        return Ok(Decision::Keep(Box::new(prev.clone()), warnings));
    }
    crate::failpoint::stage(crate::failpoint::Stage::Render);
    let rendered = ctx
        .engine
        .render_plan(&ctx.prog.file, data, plan)
        .map_err(fail)?;
    let outcome = facts.rendered(rendered, inputs, warnings);
    Ok(outcome.unwrap_or_else(|(status, d)| Decision::Stop(status, d)))
}

/// The hashes of everything convention `plan` is made from (`text`: its association file).
fn inputs(ctx: &JobContext, text: &str, plan: &Plan) -> Inputs {
    Inputs {
        data: sha256_hex(text.as_bytes()),
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
    }
}

/// What the decision reads: the job, its data, and what is on disk.
struct Facts<'f, 'a> {
    ctx: &'a JobContext<'a>,
    job: &'a Job<'a>,
    data: &'a AssociationFile,
    disk: &'f OnDisk,
    inputs_sha256: &'f str,
}

impl<'a> Facts<'_, 'a> {
    fn previous(&self) -> Option<&'a Entry> {
        self.job.previous.as_ref()
    }

    /// Every file of the previous entry of this build's formats is intact.
    fn intact(&self, prev: &Entry) -> bool {
        prev.status != Status::Failed
            && self
                .ctx
                .emitters
                .iter()
                .all(|(f, _)| self.disk.intact(f.name))
    }

    /// The previous entry, when its inputs are today's and its files intact.
    fn unchanged(&self) -> Option<&'a Entry> {
        self.previous().filter(|prev| {
            !self.ctx.opts.force && prev.inputs_sha256 == self.inputs_sha256 && self.intact(prev)
        })
    }

    /// The decision once the convention is rendered: keep, refuse, or write.
    fn rendered(
        &self,
        rendered: Rendered,
        inputs: Inputs,
        warnings: Vec<Diagnostic>,
    ) -> Result<Decision<'a>, (Status, Vec<Diagnostic>)> {
        let signed = self.data.convention.signature.date.is_some();
        let md_hash = sha256_hex(rendered.markdown.as_bytes());
        // A signed convention keeps its text: a change needs an amendment (avenant).
        let signed_text = match signed.then(|| self.signed_text(&rendered.markdown)) {
            Some(Err((status, mut d))) => {
                d.extend(warnings);
                return Err((status, d));
            }
            Some(Ok(t)) => t,
            None => None,
        };
        // Same text: the signed files stay byte for byte, even if the layout,
        // a template or charta changed (its pages could move) and under
        // `--force`. Its entry keeps the inputs it was made from; without an
        // entry, the files found in OUT stand for these inputs. Only a format
        // that has no file yet is made.
        let keep = Keep {
            facts: self,
            same_signed_text: signed_text.as_ref() == Some(&md_hash),
        };
        if keep.same_signed_text
            && let Some(prev) = self.previous()
            && prev.output("md").is_some()
            && self.intact(prev)
        {
            return Ok(Decision::Keep(Box::new(prev.clone()), warnings));
        }
        let mut entry = Entry {
            id: self.job.entry.id.clone(),
            status: Status::Rendered,
            signed,
            inputs,
            inputs_sha256: self.inputs_sha256.to_string(),
            outputs: BTreeMap::new(),
            pages: None,
            signed_archive: None,
            avenants: Vec::new(),
        };
        // Every file of the signed version is in OUT but its entry is gone:
        // they stand for these inputs, unchanged.
        if let Some(outputs) = keep.all_found() {
            entry.outputs = outputs;
            return Ok(Decision::Keep(Box::new(entry), warnings));
        }
        let mut make = Vec::new();
        for registered in self.ctx.emitters {
            match keep.file(registered.0) {
                Some((file, pages)) => {
                    entry.outputs.insert(registered.0.name.to_string(), file);
                    if pages.is_some() {
                        entry.pages = pages;
                    }
                }
                None => make.push(registered),
            }
        }
        let sent_pdf = (signed && self.ctx.prog.file.signature.is_some())
            .then(|| self.previous().filter(|p| !p.signed)?.output("pdf"))
            .flatten()
            .map(|f| f.sha256.clone());
        Ok(Decision::Write(Box::new(Writing {
            rendered,
            entry,
            make,
            warnings,
            sent_pdf,
        })))
    }

    /// What the build of this signed convention keeps (see
    /// [`crate::avenant::printed`]): `Ok(Some(hash))`, the signed text
    /// recorded (by the manifest, else found in OUT), which today's text
    /// `markdown` must equal; `Ok(None)`, no text recorded, or the draft
    /// printed for this signature (today's data with the date blank give it
    /// byte for byte: the convention is built with its date, then archived).
    /// `Err`: the refusal (or the failure) and its status.
    fn signed_text(&self, markdown: &str) -> Result<Option<String>, (Status, Vec<Diagnostic>)> {
        let previous = self.previous();
        // A draft recorded (an entry not signed), or a file in OUT without an
        // entry: is it the draft today's data print?
        if let Some(draft) = &self.disk.draft
            && self.as_printed(markdown, draft)?
        {
            return Ok(None);
        }
        let recorded = previous
            .and_then(|p| p.output("md"))
            .map(|md| md.sha256.clone())
            .or_else(|| self.disk.md.as_ref().map(|b| sha256_hex(b)));
        if let Some(hash) = &recorded
            && *hash != sha256_hex(markdown.as_bytes())
        {
            let what = (self.disk.md.as_ref())
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(|old| crate::diff::summary_line(old, markdown))
                .unwrap_or_else(|| {
                    Text::new(
                        "son texte diffère de la version signée",
                        "its text differs from the signed version",
                    )
                });
            return Err(self.refuse(what));
        }
        // Its PDF is in OUT but its text is recorded nowhere (a PDF-only build):
        // unless its inputs are those the PDF was made from, nothing shows that
        // the text is the same.
        if recorded.is_none()
            && self.disk.pdf
            && previous.is_none_or(|p| p.inputs_sha256 != self.inputs_sha256)
        {
            return Err(self.refuse(Text::new(
                "ses données ont changé et OUT n'a pas le Markdown de la version signée pour comparer",
                "its inputs changed and OUT has no Markdown of the signed version to compare with",
            )));
        }
        Ok(recorded)
    }

    /// The refusal of a change of the signed convention (`what` changes).
    fn refuse(&self, what: Text) -> (Status, Vec<Diagnostic>) {
        let (id, data) = (&self.job.entry.id, self.data);
        let on = data.convention.signature.date.as_deref().unwrap_or("?");
        let d = Diagnostic::error(Code::GEN_006, Text::new(
            format!("{id}\u{a0}: la convention signée le {on} changerait ({})\u{a0}; fichiers laissés intacts", what.fr),
            format!("{id}: convention signed on {on} would change ({}); files left untouched", what.en),
        ))
        .in_file(&self.job.entry.path)
        .at_path("convention.signature.date")
        .with_hint(crate::avenant::entry_hint(data));
        (Status::Refused, vec![d])
    }

    /// Whether this signed convention, whose text with its date is
    /// `markdown`, is `draft`, the draft printed: today's data with the date
    /// blank give it byte for byte, and the date changes nothing but the
    /// signature block (`Ok(true)`: it is archived as signed). A draft that
    /// differs is refused; a file found in OUT without a manifest entry that
    /// differs may be the signed text itself (`Ok(false)`).
    fn as_printed(&self, markdown: &str, draft: &Draft) -> Result<bool, (Status, Vec<Diagnostic>)> {
        let (ctx, job, data) = (self.ctx, self.job, self.data);
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
}

/// Which files already in OUT this build keeps as they are.
struct Keep<'k, 'a> {
    facts: &'k Facts<'k, 'a>,
    same_signed_text: bool,
}

impl Keep<'_, '_> {
    /// Same inputs, but a format was added or a file is missing or altered:
    /// only those are made again, the intact files stand. The signed
    /// version's files stand whatever its inputs.
    fn reusable(&self) -> Option<&Entry> {
        let (f, ctx) = (self.facts, self.facts.ctx);
        f.previous()
            .filter(|p| {
                !ctx.opts.force && p.inputs_sha256 == f.inputs_sha256 && p.status != Status::Failed
            })
            .or(f.previous().filter(|_| self.same_signed_text))
    }

    /// The signed version's files found in OUT when its entry records no Markdown.
    fn found(&self) -> bool {
        self.same_signed_text
            && self
                .facts
                .previous()
                .is_none_or(|p| p.output("md").is_none())
    }

    /// The file of `format` kept, and its page count.
    fn file(&self, format: &Format) -> Option<(OutputFile, Option<usize>)> {
        let disk = self.facts.disk;
        if let Some(prev) = self.reusable()
            && let Some(file) = prev.output(format.name)
            && disk.intact(format.name)
        {
            return Some((file.clone(), prev.pages.filter(|_| format.name == "pdf")));
        }
        if self.found() {
            let name = out::file_name(&self.facts.job.entry.id, format.extension);
            let bytes = disk.found.get(format.name)?;
            let out = &self.facts.ctx.opts.out;
            return Some((OutputFile::written(out, name, bytes), None));
        }
        None
    }

    /// Every format's file, when all of them are kept and found in OUT.
    fn all_found(&self) -> Option<BTreeMap<String, OutputFile>> {
        if !self.found() {
            return None;
        }
        let emitters = self.facts.ctx.emitters;
        emitters
            .iter()
            .map(|(f, _)| self.file(f).map(|(file, _)| (f.name.to_string(), file)))
            .collect()
    }
}

/// Does what `decision` says.
fn carry_out(ctx: &JobContext, job: &Job, decision: Decision) -> JobResult {
    let id = &job.entry.id;
    match decision {
        Decision::Stop(status, diagnostics) => stopped(id, status, diagnostics, false),
        Decision::Keep(entry, diagnostics) => JobResult {
            id: id.clone(),
            status: Status::Unchanged,
            entry: Some(*entry),
            diagnostics,
            internal: false,
        },
        Decision::Signed(signed) => avenants(ctx, job, *signed),
        Decision::Write(w) => write(ctx, job, *w),
    }
}

/// A signed convention with amendments or an archive: its avenants.
fn avenants(ctx: &JobContext, job: &Job, s: Signed) -> JobResult {
    let (entry, id) = (job.entry, &job.entry.id);
    let (root, out) = (&ctx.prog.root, &ctx.opts.out);
    let mut archive = s.archive;
    if let Some(prev) = s.from_out {
        let _ = crate::out::signed::archive_from_out(root, out, prev);
        archive = Archive::open(root, id);
    }
    let Some(archive) = archive else {
        return stopped(id, Status::Failed, vec![unarchived(job)], false);
    };
    let o = crate::avenant::job::run(SignedJob {
        prog: ctx.prog,
        engine: ctx.engine,
        emitters: ctx.emitters,
        out,
        force: ctx.opts.force,
        entry,
        data: entry.data.as_ref().expect("checked: parsed"),
        plan: s.plan,
        inputs: s.inputs,
        inputs_sha256: s.inputs_sha256,
        previous: job.previous.as_ref(),
        archive,
    });
    let mut diagnostics = o.diagnostics;
    diagnostics.extend(s.warnings);
    JobResult {
        id: id.clone(),
        status: o.status,
        entry: o.entry,
        diagnostics,
        internal: o.internal,
    }
}

/// GEN-008: amendments, but the signed text is nowhere.
fn unarchived(job: &Job) -> Diagnostic {
    let id = &job.entry.id;
    Diagnostic::error(Code::GEN_008, tr!(
        "{}\u{a0}: la convention a des avenants (`convention.amendments`), mais son texte signé n'est ni archivé (signed/{}/) ni dans le dossier de sortie\u{a0}: rien ne dit ce qui a été signé",
        "{}: the convention has amendments (`convention.amendments`) but its signed text is neither archived (signed/{}/) nor in the output folder: nothing says what was signed",
        id,
        id
    ))
    .in_file(&job.entry.path)
    .at_path("convention.amendments")
    .with_hint(tr!(
        "rétablissez le dossier signed/{}/ du programme (gardez-le sous gestion de versions), ou les données telles que signées, sans `amendments`, pour une première génération qui l'archive",
        "restore the programme's signed/{}/ folder (keep it under version control), or the data as signed, without `amendments`, for a first build that archives it",
        id
    ))
}

/// Makes the formats of `w` and writes them with the entry.
fn write(ctx: &JobContext, job: &Job, w: Writing) -> JobResult {
    let (id, out) = (&job.entry.id, &ctx.opts.out);
    // Every format is made before anything is written, so that an error
    // (a typesetting error) leaves the previous files in place.
    let doc = Document {
        id,
        markdown: &w.rendered.markdown,
        meta: &w.rendered.pdf_meta,
    };
    let mut made: Vec<(&Format, Emitted)> = Vec::with_capacity(w.make.len());
    for (format, emitter) in w.make {
        match emitter.emit(&doc) {
            Ok(e) => made.push((*format, e)),
            Err(e) => {
                return stopped(
                    id,
                    Status::Failed,
                    vec![emit_failed(out, id, format, e)],
                    false,
                );
            }
        }
    }
    // Signed electronically: the PDF archived is the PDF sent, byte for byte.
    if let Some(sent) = &w.sent_pdf
        && let Some((_, pdf)) = made.iter().find(|(f, _)| f.name == "pdf")
        && sha256_hex(&pdf.bytes) != *sent
    {
        let data = job.entry.data.as_ref().expect("rendered: parsed");
        let at = (job.entry.path.as_path(), "convention.signature.date".into());
        let refusal = pdf_not_as_sent(id, Act::Convention, at, data);
        return stopped(id, Status::Refused, vec![refusal], false);
    }
    let letters = match letters(ctx, job) {
        Ok(l) => l,
        Err(stop) => return stop,
    };
    if let Err((path, e)) = persist_all(job, out, &made) {
        return io_failed(id, &path, e);
    }
    let mut entry = w.entry;
    for (key, name, bytes) in letters {
        if let Err(e) = write_atomic(&out.join(&name), &bytes) {
            return io_failed(id, &out.join(&name), e);
        }
        (entry.outputs).insert(key, OutputFile::written(out, name, &bytes));
    }
    for (format, emitted) in made {
        for (ext, bytes) in &emitted.extra {
            let _ = write_atomic(&out.join(out::file_name(id, ext)), bytes);
        }
        if emitted.pages.is_some() {
            entry.pages = emitted.pages;
        }
        let file = out::file_name(id, format.extension);
        entry.outputs.insert(
            format.name.to_string(),
            OutputFile::written(out, file, &emitted.bytes),
        );
    }
    JobResult {
        id: id.clone(),
        status: Status::Rendered,
        entry: Some(entry),
        diagnostics: w.warnings,
        internal: false,
    }
}

/// The lettre de notification of a signed convention (none for a draft)
/// in every format of the build: (manifest key, file name, bytes).
fn letters(ctx: &JobContext, job: &Job) -> Result<Vec<(String, String, Vec<u8>)>, JobResult> {
    let id = &job.entry.id;
    let data = job.entry.data.as_ref().expect("checked: parsed");
    let act = Notified::Convention;
    let Some(letter) = notification::render(ctx.engine, &ctx.prog.file, id, data, act) else {
        return Ok(Vec::new());
    };
    let (md, meta) = letter.map_err(|d| stopped(id, Status::Failed, d, false))?;
    let stem = act.stem(id);
    let doc = Document {
        id: &stem,
        markdown: &md,
        meta: &meta,
    };
    let mut made = Vec::new();
    for (format, emitter) in ctx.emitters {
        let e = emitter.emit(&doc).map_err(|e| {
            let d = emit_failed(&ctx.opts.out, &stem, format, e);
            stopped(id, Status::Failed, vec![d], false)
        })?;
        let key = format!("{}{}", act.key_prefix(), format.name);
        made.push((key, out::file_name(&stem, format.extension), e.bytes));
    }
    Ok(made)
}

/// GEN-007: a format could not be made (a typesetting error), placed in
/// the output folder; its extra files (the Typst source under
/// `--keep-typst`) are written anyway.
fn emit_failed(out: &Path, id: &str, format: &Format, e: Box<Unmade>) -> Diagnostic {
    for (ext, bytes) in &e.extra {
        let _ = write_atomic(&out.join(out::file_name(id, ext)), bytes);
    }
    let mut d = e.diagnostic;
    let file = d
        .file
        .take()
        .unwrap_or_else(|| out::file_name(id, format.extension).into());
    d.message = Text::new(
        format!("{id}\u{a0}: {}", d.message.fr),
        format!("{id}: {}", d.message.en),
    );
    if d.column.is_none() {
        d.line = None;
    }
    d.in_file(out.join(file))
}

/// Every file goes to its temporary file first, then all are renamed: a
/// failure or a panic before the renames leaves the previous files, all of
/// them (never a new Markdown beside an old PDF).
fn persist_all(
    job: &Job,
    out: &Path,
    made: &[(&Format, Emitted)],
) -> Result<(), (PathBuf, std::io::Error)> {
    let id = &job.entry.id;
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    for (format, emitted) in made {
        files.push((
            out.join(out::file_name(id, format.extension)),
            &emitted.bytes,
        ));
        if format.name == "md" {
            // The data the convention was rendered from, so that `charta diff` of two
            // build folders can tell data changes field by field.
            files.push((out.join(out::data_file(id)), job.entry.text.as_bytes()));
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        match out::stage_atomic(path, bytes) {
            Ok(tmp) => staged.push((path, tmp)),
            Err(e) => return Err((path.clone(), e)),
        }
    }
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| (path.clone(), e.error))?;
    }
    Ok(())
}

/// A write that fails is no fault of the data (exit status 2).
fn io_failed(id: &str, file: &Path, e: std::io::Error) -> JobResult {
    let d = Diagnostic::error(
        Code::FIC_009,
        tr!(
            "{id}\u{a0}: impossible d'écrire le fichier de sortie\u{a0}: {e}",
            "{id}: cannot write the output: {e}"
        ),
    )
    .in_file(file);
    stopped(id, Status::Failed, vec![d], true)
}
