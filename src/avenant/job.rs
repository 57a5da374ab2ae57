//! The build of a signed convention whose signed text is archived
//! (`PROG/signed/<id>/`): its signed acts are written to OUT from the
//! archive, byte for byte; a change of its data becomes the draft avenant the
//! data asks for (and the consolidated version), or is refused with the entry
//! to add; an avenant seen signed for the first time is archived.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::avenant::printed::{
    Draft, beyond_signature, dated_text_differs, never_drafted, not_as_printed, pdf_not_as_sent,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::document::Convention;
use crate::document::Meta;
use crate::emit::{Document, Emitter, Format};
use crate::load::{AssociationEntry, Programme};
use crate::model::AssociationFile;
use crate::out::signed::{Act, Archive};
use crate::out::{self, Entry, Inputs, OutputFile, Status};
use crate::render::{Engine, Plan};
use crate::tr;

use super::notification::{self, Notified};
use super::{Action, AvenantSpec, Change, History};

/// What the batch gives this step.
pub struct SignedJob<'a> {
    pub prog: &'a Programme,
    pub engine: &'a Engine,
    pub emitters: &'a [(&'static Format, Box<dyn Emitter>)],
    pub out: &'a Path,
    pub force: bool,
    pub entry: &'a AssociationEntry,
    pub data: &'a AssociationFile,
    pub plan: Plan<'a>,
    pub inputs: Inputs,
    pub inputs_sha256: String,
    pub previous: Option<&'a Entry>,
    pub archive: Archive,
}

/// Its outcome, for the batch.
pub struct Outcome {
    pub status: Status,
    pub entry: Option<Entry>,
    pub diagnostics: Vec<Diagnostic>,
    /// A fault that is not the data's (a failed write).
    pub internal: bool,
}

impl Outcome {
    fn failed(diagnostics: Vec<Diagnostic>) -> Outcome {
        Outcome {
            status: Status::Failed,
            entry: None,
            diagnostics,
            internal: false,
        }
    }
}

/// One file to have in OUT: its name (also its manifest key's stem) and bytes.
struct File {
    key: String,
    name: String,
    bytes: Vec<u8>,
    pages: Option<usize>,
}

pub fn run(job: SignedJob) -> Outcome {
    let id = job.entry.id.as_str();
    let data = job.data;
    let amendments = &data.convention.amendments;
    let archive = &job.archive;
    let archived = archive.avenants();
    let signed_in_data = amendments
        .iter()
        .take_while(|a| a.signature.date.is_some())
        .count();
    let file = &job.entry.path;
    let located = |d: Diagnostic, path: String| d.in_file(file).at_path(path);
    if signed_in_data < archived.len() {
        let k = archived.len();
        return Outcome::failed(vec![located(
            Diagnostic::error(Code::GEN_009, tr!(
                "{id}\u{a0}: l'avenant n°\u{a0}{k} est signé et archivé (signed/{id}/avenant-{k}.md), mais les données n'en déclarent que {signed_in_data} de signés",
                "{id}: amendment no. {k} is signed and archived (signed/{id}/avenant-{k}.md), but the data declares only {signed_in_data} signed"
            )),
            "convention.amendments".into(),
        ).with_hint(tr!(
            "un avenant signé ne disparaît pas\u{a0}: rétablissez l'entrée n°\u{a0}{k} de `convention.amendments` avec sa date de signature",
            "a signed amendment does not disappear: restore entry no. {k} of `convention.amendments` with its signature date"
        ))]);
    }
    if signed_in_data > archived.len() + 1 {
        let k = archived.len() + 1;
        return Outcome::failed(vec![located(
            Diagnostic::error(Code::GEN_010, tr!(
                "{id}\u{a0}: les avenants n°\u{a0}{k} à {signed_in_data} sont déclarés signés, mais seul le n°\u{a0}{k} peut l'être à cette construction\u{a0}: charta ne les a pas rédigés",
                "{id}: amendments no. {k} to {signed_in_data} are declared signed, but only no. {k} can be at this build: charta has not drafted them"
            )),
            format!("convention.amendments[{}].signature.date", k),
        ).with_hint(tr!(
            "un avenant signé est d'abord rédigé en projet par charta puis archivé à la construction qui le voit signé\u{a0}: signez-les un par un, en construisant entre deux",
            "a signed amendment is first drafted by charta, then archived by the build that sees it signed: sign them one at a time, building in between",
        ))]);
    }

    // Nothing changed and every file is in place.
    if let Some(prev) = job.previous
        && !job.force
        && prev.inputs_sha256 == job.inputs_sha256
        && prev.status != Status::Failed
        && prev.signed_archive.is_some()
        && prev.outputs.keys().all(|k| prev.intact(job.out, k))
        && job
            .emitters
            .iter()
            .all(|(f, _)| prev.output(f.name).is_some())
        && notified(&job, prev)
    {
        return Outcome {
            status: Status::Unchanged,
            entry: Some(prev.clone()),
            diagnostics: Vec::new(),
            internal: false,
        };
    }

    match make(&job, &archived, signed_in_data) {
        Ok(made) => write_out(&job, made),
        Err(stop) => stop,
    }
}

/// The signed acts as the archive has them, and what its avenants changed.
struct Past {
    convention_md: String,
    convention: Convention,
    /// The text in force after the last archived avenant.
    in_force: Convention,
    history: History,
    /// The parts the archived avenants deleted and that are still gone.
    abrogated: Vec<Change>,
}

/// Reads the archive: the signed convention, and the text in force after
/// each archived avenant with what each changed. `Err`: the outcome (a
/// failure), the build stops.
fn past(job: &SignedJob, archived: &[usize]) -> Result<Past, Outcome> {
    let id = job.entry.id.as_str();
    let archive = &job.archive;
    let convention_md = archive.read_text(Act::Convention, "md").unwrap_or_default();
    let convention = parse(job, &convention_md, "la convention signée")?;
    let mut history = History::new();
    let mut in_force = convention.clone();
    let mut abrogated: Vec<Change> = Vec::new();
    for &k in archived {
        let Some(text) = archive.read_text(Act::Avenant(k), "texte.md") else {
            return Err(Outcome::failed(vec![
                Diagnostic::error(Code::GEN_012, tr!(
                    "{id}\u{a0}: l'archive n'a pas le texte en vigueur après l'avenant n°\u{a0}{k}",
                    "{id}: the archive lacks the text in force after amendment no. {k}"
                ))
                .in_file(archive.path(Act::Avenant(k), "texte.md")),
            ]));
        };
        let next = parse(job, &text, "le texte en vigueur")?;
        let changes = super::compare(&in_force, &next);
        super::record(&mut history, k, &changes);
        abrogated.retain(|a| next.part(&a.id).is_none());
        abrogated.extend(changes.into_iter().filter(|c| c.action == Action::Delete));
        in_force = next;
    }
    Ok(Past {
        convention_md,
        convention,
        in_force,
        history,
        abrogated,
    })
}

/// The avenant this build writes, if any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum New {
    /// None: the data give the text in force.
    Nothing,
    /// Avenant `k`, a draft to sign.
    Draft(usize),
    /// Avenant `k`, signed since the last build: written, then archived.
    Signed(usize),
}

impl New {
    fn number(self) -> Option<usize> {
        match self {
            New::Nothing => None,
            New::Draft(k) | New::Signed(k) => Some(k),
        }
    }
}

/// Which avenant today's data ask for (`changes`: today's text against the
/// text in force), with its warnings; `Err`: the outcome that stops the
/// build (a signed avenant that changes nothing, a change with no
/// `amendments` entry for it).
fn decide(
    job: &SignedJob,
    archived: &[usize],
    signed_in_data: usize,
    changes: &[Change],
) -> Result<(New, Vec<Diagnostic>), Outcome> {
    let k_new = archived.len() + 1;
    let just_signed = signed_in_data == k_new;
    let draft = job.data.convention.amendments.len() == k_new && !just_signed;
    let mut warnings = Vec::new();
    if changes.is_empty() && (just_signed || draft) {
        let d = changes_nothing(job, k_new, just_signed);
        if just_signed {
            return Err(Outcome::failed(vec![d.with_hint(tr!(
                "un avenant signé modifie la convention\u{a0}: rétablissez les données modifiées qu'il a signées",
                "a signed amendment changes the convention: restore the changed data it signed",
            ))]));
        }
        warnings.push(d);
    }
    if !changes.is_empty() && !just_signed && !draft {
        let mut all = vec![unamended(job, archived, changes)];
        all.extend(warnings);
        return Err(Outcome {
            status: Status::Refused,
            entry: None,
            diagnostics: all,
            internal: false,
        });
    }
    let new = match (changes.is_empty(), just_signed) {
        (true, _) => New::Nothing,
        (false, true) => New::Signed(k_new),
        (false, false) => New::Draft(k_new),
    };
    Ok((new, warnings))
}

/// GEN-019: avenant `k` (`signed` or a draft) changes nothing.
fn changes_nothing(job: &SignedJob, k: usize, signed: bool) -> Diagnostic {
    let id = job.entry.id.as_str();
    let (what, what_en) = if signed {
        ("signé", "signed")
    } else {
        ("en projet", "draft")
    };
    Diagnostic::warning(Code::GEN_019, tr!(
        "{id}\u{a0}: l'avenant n°\u{a0}{k} ({what}) ne modifie rien\u{a0}: les données donnent le texte en vigueur\u{202f}; aucun avenant n'est écrit",
        "{id}: amendment no. {k} ({what_en}) changes nothing: the data gives the text in force; no amendment is written"
    ))
    .in_file(&job.entry.path)
    .at_path(format!("convention.amendments[{}]", k - 1))
    .with_hint(tr!(
        "modifiez les données que l'avenant doit changer (montant, cible, clause…), ou retirez cette entrée",
        "change the data the amendment is to change (amount, target, clause…), or remove this entry"
    ))
}

/// GEN-006: the data change the signed text, with no `amendments` entry for it.
fn unamended(job: &SignedJob, archived: &[usize], changes: &[Change]) -> Diagnostic {
    let (id, data) = (job.entry.id.as_str(), job.data);
    let what = changes
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    let (after, after_en) = match archived.last() {
        Some(k) => (
            format!(" et de son avenant n°\u{a0}{k}"),
            format!(" and its amendment no. {k}"),
        ),
        None => (String::new(), String::new()),
    };
    let date = data.convention.signature.date.as_deref().unwrap_or("?");
    Diagnostic::error(Code::GEN_006, tr!(
        "{id}\u{a0}: la convention signée le {date}{after} changerait ({what})\u{202f}; fichiers laissés intacts",
        "{id}: the convention signed on {date}{after_en} would change ({what}); files left untouched"
    ))
    .in_file(&job.entry.path)
    .at_path("convention.amendments")
    .with_hint(super::entry_hint(data))
}

/// What this build has in OUT and adds to the archive.
struct Made {
    files: Vec<File>,
    /// The files of the avenant just signed, by extension.
    to_archive: Vec<(String, Vec<u8>)>,
    new: New,
    avenants: Vec<usize>,
    warnings: Vec<Diagnostic>,
}

/// Everything this build has in OUT for the signed convention: its signed
/// acts from the archive, the avenant the data ask for, the consolidated
/// version. `Err`: the outcome that stops the build, nothing written.
fn make(job: &SignedJob, archived: &[usize], signed_in_data: usize) -> Result<Made, Outcome> {
    let past = past(job, archived)?;
    // Today's data, with the numbers of the text in force.
    let drafting = Drafting::new(job, &past.convention, &past.in_force, archived);
    let (rendered, current, changes) = today(job, job.data, clone_plan(job), &drafting)?;
    let (new, warnings) = decide(job, archived, signed_in_data, &changes)?;
    if let New::Signed(k) = new {
        check_printed(job, k, &drafting)?;
    }
    let mut made = Made {
        files: signed_acts(job, archived, &past, &rendered.pdf_meta)?,
        to_archive: Vec::new(),
        new,
        avenants: archived.to_vec(),
        warnings,
    };
    let mut history = past.history.clone();
    let mut abrogated = past.abrogated.clone();
    if let Some(k) = new.number() {
        let md = avenant_markdown(job, job.data, k, &drafting, &changes, &current)?;
        made.new_avenant(job, k, &md, &rendered)?;
        super::record(&mut history, k, &changes);
        abrogated.retain(|a| current.part(&a.id).is_none());
        abrogated.extend(
            changes
                .iter()
                .filter(|c| c.action == Action::Delete)
                .cloned(),
        );
    }
    // The consolidated version, once there is an avenant.
    if let Some(&last) = made.avenants.last() {
        let text = if Some(last) == new.number() {
            &current
        } else {
            &past.in_force
        };
        let consolidated = Consolidated {
            past: &past,
            text,
            abrogated: &abrogated,
            history: &history,
        };
        let md = consolidated.markdown(job, last, &drafting)?;
        let mut meta = rendered.pdf_meta.clone();
        meta.title = format!("{} — version consolidée", drafting.convention_title);
        let stem = out::consolidated_stem(&job.entry.id);
        (made.files).extend(emit_all(job, &stem, &md, &meta, "consolidee.")?);
    }
    (made.files).extend(notifications(job, archived, new)?);
    Ok(made)
}

/// Whether the previous entry records the lettre de notification of the
/// signed convention in every format of the build.
fn notified(job: &SignedJob, prev: &Entry) -> bool {
    let prefix = Notified::Convention.key_prefix();
    (job.emitters)
        .iter()
        .all(|(f, _)| prev.output(&format!("{prefix}{}", f.name)).is_some())
}

/// The letter of `act` in every format as OUT has it, if it was written
/// before: a letter sent stays as sent, whatever the layout or the data now
/// (a file the manifest records altered is made again).
fn sent(job: &SignedJob, act: Notified) -> Option<Vec<File>> {
    let stem = act.stem(&job.entry.id);
    (job.emitters)
        .iter()
        .map(|(format, _)| {
            let key = format!("{}{}", act.key_prefix(), format.name);
            let name = out::file_name(&stem, format.extension);
            let altered = job
                .previous
                .is_some_and(|p| p.output(&key).is_some() && !p.intact(job.out, &key));
            let bytes = (!altered).then(|| std::fs::read(job.out.join(&name)).ok())??;
            Some(File {
                key,
                name,
                bytes,
                pages: None,
            })
        })
        .collect()
}

/// The lettre de notification of each signed act, in every format: the
/// convention and each archived avenant from the data they were signed with
/// (the archive's), the avenant signed since the last build from today's.
fn notifications(job: &SignedJob, archived: &[usize], new: New) -> Result<Vec<File>, Outcome> {
    let (id, archive) = (job.entry.id.as_str(), &job.archive);
    let signed_data = |act: Act| {
        (archive.read_text(act, "data.json"))
            .and_then(|t| crate::load::parse_association(&t, &archive.dir).ok())
    };
    let mut acts = vec![(Notified::Convention, signed_data(Act::Convention))];
    for &k in archived {
        acts.push((Notified::Avenant(k), signed_data(Act::Avenant(k))));
    }
    if let New::Signed(k) = new {
        acts.push((Notified::Avenant(k), None));
    }
    let mut files = Vec::new();
    for (act, data) in acts {
        if let Some(kept) = sent(job, act) {
            files.extend(kept);
            continue;
        }
        let data = data.as_ref().unwrap_or(job.data);
        let Some(letter) = notification::render(job.engine, &job.prog.file, id, data, act) else {
            continue;
        };
        let (md, meta) = letter.map_err(Outcome::failed)?;
        files.extend(emit_all(job, &act.stem(id), &md, &meta, &act.key_prefix())?);
    }
    Ok(files)
}

/// The signed convention and each archived avenant, from the archive
/// (`meta`: today's PDF metadata, for what the archive lacks).
fn signed_acts(
    job: &SignedJob,
    archived: &[usize],
    past: &Past,
    meta: &Meta,
) -> Result<Vec<File>, Outcome> {
    let (id, archive, data) = (job.entry.id.as_str(), &job.archive, job.data);
    let mut files: Vec<File> = Vec::new();
    let convention_data = archive
        .read_text(Act::Convention, "data.json")
        .unwrap_or_else(|| job.entry.text.clone());
    let convention_meta = match crate::load::parse_association(&convention_data, &archive.dir) {
        Ok(old) => crate::render::pdf_meta(&job.prog.file, &old, &meta.title),
        Err(_) => meta.clone(),
    };
    let md = &past.convention_md;
    let stem = id.to_string();
    restore(
        job,
        Act::Convention,
        stem,
        "",
        md,
        &convention_meta,
        &mut files,
    )?;
    signed_pdf(job, Act::Convention, id, "", &mut files);
    files.push(File {
        key: String::new(),
        name: out::data_file(id),
        bytes: convention_data.into_bytes(),
        pages: None,
    });
    for &k in archived {
        let md = archive.read_text(Act::Avenant(k), "md").unwrap_or_default();
        let a = data.convention.amendments.get(k - 1);
        let meta = avenant_meta(
            meta,
            k,
            data,
            a.filter(|_| job.prog.file.signature.is_none()),
        );
        let (act, stem) = (Act::Avenant(k), out::avenant_stem(id, k));
        restore(
            job,
            act,
            stem,
            &format!("avenant-{k}."),
            &md,
            &meta,
            &mut files,
        )?;
        signed_pdf(
            job,
            act,
            &out::avenant_stem(id, k),
            &format!("avenant-{k}."),
            &mut files,
        );
    }
    Ok(files)
}

/// The signed PDF of `act` that `charta verify --keep` stored in the
/// archive, if any, for OUT byte for byte (`OUT/<id>.signed.pdf`,
/// `OUT/<id>.avenant-<k>.signed.pdf`).
fn signed_pdf(job: &SignedJob, act: Act, stem: &str, key_prefix: &str, files: &mut Vec<File>) {
    let ext = crate::out::verify::SIGNED_EXTENSION;
    if let Some(bytes) = job.archive.read(act, ext) {
        files.push(File {
            key: format!("{key_prefix}{ext}"),
            name: out::file_name(stem, ext),
            bytes,
            pages: None,
        });
    }
}

impl Made {
    /// Avenant `k` (Markdown `md`) in every format; a signed one is also to archive.
    fn new_avenant(
        &mut self,
        job: &SignedJob,
        k: usize,
        md: &str,
        rendered: &crate::render::Rendered,
    ) -> Result<(), Outcome> {
        let data = job.data;
        // Signed electronically: no date of signature in the PDF, which is
        // sent before anyone knows it (the bytes sent are the bytes archived).
        let a = data.convention.amendments.get(k - 1);
        let meta = avenant_meta(
            &rendered.pdf_meta,
            k,
            data,
            a.filter(|_| job.prog.file.signature.is_none()),
        );
        let stem = out::avenant_stem(&job.entry.id, k);
        let made = emit_all(job, &stem, md, &meta, &format!("avenant-{k}."))?;
        if let New::Signed(_) = self.new {
            pdf_as_sent(job, k, &made)?;
            for f in &made {
                let ext = f.name.strip_prefix(&format!("{stem}.")).unwrap_or(&f.name);
                self.to_archive.push((ext.to_string(), f.bytes.clone()));
            }
            (self.to_archive).push(("data.json".into(), job.entry.text.clone().into_bytes()));
            (self.to_archive).push(("texte.md".into(), rendered.markdown.clone().into_bytes()));
        }
        self.files.extend(made);
        self.avenants.push(k);
        Ok(())
    }
}

/// Avenant `k`, signed electronically (`[signature]`) and just dated: the PDF
/// made now is the PDF the draft build wrote and recorded, the one sent for
/// signature, byte for byte — else refused (GEN-035), nothing archived.
fn pdf_as_sent(job: &SignedJob, k: usize, made: &[File]) -> Result<(), Outcome> {
    if job.prog.file.signature.is_none() {
        return Ok(());
    }
    let key = format!("avenant-{k}.pdf");
    let Some(sent) = job.previous.and_then(|p| p.output(&key)) else {
        return Ok(());
    };
    let pdf = made.iter().find(|f| f.key == key);
    if pdf.is_none_or(|f| crate::digest::sha256_hex(&f.bytes) == sent.sha256) {
        return Ok(());
    }
    let at = format!("convention.amendments[{}].signature.date", k - 1);
    let at = (job.entry.path.as_path(), at);
    let refusal = pdf_not_as_sent(&job.entry.id, Act::Avenant(k), at, job.data);
    Err(Outcome {
        status: Status::Refused,
        entry: None,
        diagnostics: vec![refusal],
        internal: false,
    })
}

/// What the consolidated version integrates.
struct Consolidated<'a> {
    past: &'a Past,
    /// The text in force it shows.
    text: &'a Convention,
    abrogated: &'a [Change],
    history: &'a History,
}

impl Consolidated<'_> {
    /// Its Markdown, after avenant `last`.
    fn markdown(
        &self,
        job: &SignedJob,
        last: usize,
        drafting: &Drafting,
    ) -> Result<String, Outcome> {
        let (id, data) = (job.entry.id.as_str(), job.data);
        let amendments = &data.convention.amendments;
        let base = crate::context::build(&job.prog.file, id, data, &[]);
        let spec = AvenantSpec {
            id,
            number: last,
            amendment: &amendments[last - 1],
            earlier: &amendments[..last - 1],
            convention_title: &drafting.convention_title,
            cited: drafting.cited.clone(),
            facts: Vec::new(),
            new_visas: Vec::new(),
        };
        super::render_consolidated(
            job.engine,
            &base,
            &spec,
            self.text,
            &self.past.convention,
            self.abrogated,
            self.history,
        )
        .map_err(Outcome::failed)
    }
}

/// Writes `made`: the avenant just signed to the archive first (the archive
/// is the reference), then every file to OUT that is not there byte for
/// byte; the entry says `Unchanged` when nothing was written.
fn write_out(job: &SignedJob, made: Made) -> Outcome {
    let id = job.entry.id.as_str();
    if let (Some(k), false) = (made.new.number(), made.to_archive.is_empty())
        && let Err(e) = archive_signed(job, k, &made.to_archive)
    {
        return e;
    }
    let mut entry = Entry {
        id: id.to_string(),
        status: Status::Rendered,
        signed: true,
        inputs: job.inputs.clone(),
        inputs_sha256: job.inputs_sha256.clone(),
        outputs: BTreeMap::new(),
        pages: None,
        signed_archive: Some(crate::out::signed::relative_dir(id)),
        avenants: made.avenants,
    };
    let wrote = match persist_changed(job, &made.files) {
        Ok(wrote) => wrote,
        Err(stop) => return stop,
    };
    for f in made.files {
        if f.key.is_empty() {
            continue;
        }
        if f.key == "pdf" {
            entry.pages = f.pages;
        }
        entry
            .outputs
            .insert(f.key, OutputFile::written(job.out, f.name, &f.bytes));
    }
    if !wrote {
        entry.status = Status::Unchanged;
    }
    Outcome {
        status: entry.status,
        entry: Some(entry),
        diagnostics: made.warnings,
        internal: false,
    }
}

/// Adds avenant `k`, just signed, to the archive (`files`, by extension).
fn archive_signed(job: &SignedJob, k: usize, files: &[(String, Vec<u8>)]) -> Result<(), Outcome> {
    let (id, archive) = (job.entry.id.as_str(), &job.archive);
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(e, b)| (e.as_str(), b.as_slice()))
        .collect();
    archive.add(Act::Avenant(k), &refs).map_err(|e| Outcome {
        status: Status::Failed,
        entry: None,
        diagnostics: vec![
            Diagnostic::error(
                Code::GEN_014,
                tr!(
                    "{id}\u{a0}: impossible d'archiver l'avenant signé\u{a0}: {e}",
                    "{id}: cannot archive the signed amendment: {e}"
                ),
            )
            .in_file(&archive.dir),
        ],
        internal: true,
    })
}

/// Writes to OUT each file that is not there byte for byte, all staged
/// before any is renamed; whether any was written.
fn persist_changed(job: &SignedJob, files: &[File]) -> Result<bool, Outcome> {
    let id = job.entry.id.as_str();
    let mut staged = Vec::new();
    for f in files {
        let path = job.out.join(&f.name);
        let same = std::fs::read(&path).is_ok_and(|b| b == f.bytes);
        if !same {
            match out::stage_atomic(&path, &f.bytes) {
                Ok(tmp) => staged.push((path.clone(), tmp)),
                Err(e) => return Err(io_fail(id, &path, e)),
            }
        }
    }
    let mut wrote = false;
    for (path, tmp) in staged {
        if let Err(e) = tmp.persist(&path) {
            return Err(io_fail(id, &path, e.error));
        }
        wrote = true;
    }
    Ok(wrote)
}

/// `text` read as a convention or an avenant; `what` names it in the error
/// (« la convention signée », « le texte en vigueur », « le texte rendu »).
fn parse(job: &SignedJob, text: &str, what: &str) -> Result<Convention, Outcome> {
    let id = job.entry.id.as_str();
    Convention::parse(text).map_err(|e| {
        let what_en = match what {
            "la convention signée" => "the signed convention",
            "le texte en vigueur" => "the text in force",
            _ => "the rendered text",
        };
        Outcome::failed(vec![
            Diagnostic::error(
                Code::GEN_011,
                tr!(
                    "{id}\u{a0}: {what} de l'archive est illisible\u{a0}: {e}",
                    "{id}: {what_en} in the archive is unreadable: {e}"
                ),
            )
            .in_file(&job.archive.dir),
        ])
    })
}

/// What an avenant is drafted from, besides the data: the text in force
/// and its numbers, the signed convention's title and the articles its
/// visas cite, and the data of the text in force.
struct Drafting<'a> {
    in_force: &'a Convention,
    fixed: BTreeMap<String, String>,
    convention_title: String,
    cited: Vec<String>,
    /// The last signed avenant's data, else the convention's: what the
    /// préambule states « de X à Y ».
    in_force_data: Option<AssociationFile>,
}

impl<'a> Drafting<'a> {
    fn new(
        job: &SignedJob,
        convention: &Convention,
        in_force: &'a Convention,
        archived: &[usize],
    ) -> Drafting<'a> {
        let archive = &job.archive;
        let in_force_data = archived
            .last()
            .and_then(|&k| archive.read_text(Act::Avenant(k), "data.json"))
            .or_else(|| archive.read_text(Act::Convention, "data.json"))
            .and_then(|t| crate::load::parse_association(&t, &archive.dir).ok());
        Drafting {
            in_force,
            fixed: super::numbering(in_force),
            convention_title: convention.heading().to_string(),
            cited: super::cited_articles(convention),
            in_force_data,
        }
    }
}

/// The convention as `data` write it (planned by `plan`), with the numbers
/// of the text in force, and what it changes in that text.
fn today(
    job: &SignedJob,
    data: &AssociationFile,
    plan: Plan,
    drafting: &Drafting,
) -> Result<(crate::render::Rendered, Convention, Vec<Change>), Outcome> {
    let rendered = job
        .engine
        .render_plan_numbered(&job.prog.file, data, plan, Some(&drafting.fixed))
        .map_err(Outcome::failed)?;
    let current = parse(job, &rendered.markdown, "le texte rendu")?;
    let changes = super::compare(drafting.in_force, &current);
    Ok((rendered, current, changes))
}

/// Avenant `k`'s Markdown as `data` write it, `current` being the
/// convention they give and `changes` what it changes in the text in force.
fn avenant_markdown(
    job: &SignedJob,
    data: &AssociationFile,
    k: usize,
    drafting: &Drafting,
    changes: &[Change],
    current: &Convention,
) -> Result<String, Outcome> {
    let amendments = &data.convention.amendments;
    let spec = AvenantSpec {
        id: job.entry.id.as_str(),
        number: k,
        amendment: &amendments[k - 1],
        earlier: &amendments[..k - 1],
        convention_title: &drafting.convention_title,
        cited: drafting.cited.clone(),
        facts: (drafting.in_force_data.as_ref())
            .map(|old| super::facts(old, data))
            .unwrap_or_default(),
        new_visas: super::new_visas(drafting.in_force, current),
    };
    let base = crate::context::build(&job.prog.file, spec.id, data, &[]);
    let reference = &data.convention.reference;
    super::render_avenant(job.engine, &base, &spec, changes, current, reference)
        .map_err(Outcome::failed)
}

/// Avenant `k`, just dated, is the draft that was printed (see
/// [`crate::avenant::printed`]): today's data with its date blank give, as a
/// draft build gives it, the draft avenant the last build wrote, byte for
/// byte. Else it is refused, and nothing is written or archived.
fn check_printed(job: &SignedJob, k: usize, drafting: &Drafting) -> Result<(), Outcome> {
    let id = job.entry.id.as_str();
    let mut blank = job.data.clone();
    blank.convention.amendments[k - 1].signature.date = None;
    let plan = (job.engine)
        .plan(&job.prog.file, id, &blank, &job.entry.path)
        .map_err(Outcome::failed)?;
    let (_, current, changes) = today(job, &blank, plan, drafting)?;
    let draft_form = avenant_markdown(job, &blank, k, drafting, &changes, &current)?;
    let file = out::file_name(&out::avenant_stem(id, k), "md");
    let key = format!("avenant-{k}.md");
    let at = format!("convention.amendments[{}].signature.date", k - 1);
    let at = (job.entry.path.as_path(), at);
    let refusal = match Draft::recorded(job.out, job.previous, &key, &file) {
        None => never_drafted(id, k, &file, job.data, &job.entry.path),
        Some(draft) => match draft.difference(&draft_form) {
            Some(what) => not_as_printed(id, Act::Avenant(k), &what, at, job.data),
            None => {
                let (_, current, changes) = today(job, job.data, clone_plan(job), drafting)?;
                let dated = avenant_markdown(job, job.data, k, drafting, &changes, &current)?;
                match beyond_signature(&draft_form, &dated) {
                    None => return Ok(()),
                    Some(what) => dated_text_differs(id, Act::Avenant(k), &what, at, job.data),
                }
            }
        },
    };
    Err(Outcome {
        status: Status::Refused,
        entry: None,
        diagnostics: vec![refusal],
        internal: false,
    })
}

fn io_fail(id: &str, path: &PathBuf, e: std::io::Error) -> Outcome {
    Outcome {
        status: Status::Failed,
        entry: None,
        diagnostics: vec![
            Diagnostic::error(
                Code::GEN_015,
                tr!(
                    "{id}\u{a0}: impossible d'écrire la sortie\u{a0}: {e}",
                    "{id}: cannot write the output: {e}"
                ),
            )
            .in_file(path),
        ],
        internal: true,
    }
}

/// The plan again (a plan is consumed by rendering; the job keeps its own).
fn clone_plan<'a>(job: &SignedJob<'a>) -> Plan<'a> {
    job.plan.clone()
}

/// Title and date of avenant k's files: the date of its signature, else of
/// its decision.
fn avenant_meta(
    base: &Meta,
    k: usize,
    data: &AssociationFile,
    a: Option<&crate::model::Amendment>,
) -> Meta {
    let mut meta = base.clone();
    meta.title = format!(
        "Avenant n° {k} à la convention n° {}",
        data.convention.reference
    );
    if let Some(a) = a {
        let date = a
            .signature
            .date
            .as_deref()
            .and_then(crate::french::parse_date)
            .or_else(|| crate::french::parse_date(&a.decision.date));
        if let Some(d) = date {
            meta.date = d;
        }
    }
    meta.charts.clear();
    meta
}

/// The files of a signed act for every format of the build: from the archive;
/// a format the archive lacks is made from the archived Markdown (the signed
/// text itself) and added to the archive.
fn restore(
    job: &SignedJob,
    act: Act,
    stem: String,
    key_prefix: &str,
    markdown: &str,
    meta: &Meta,
    files: &mut Vec<File>,
) -> Result<(), Outcome> {
    for (format, emitter) in job.emitters {
        let name = out::file_name(&stem, format.extension);
        let key = format!("{key_prefix}{}", format.name);
        if let Some(bytes) = job.archive.read(act, format.extension) {
            files.push(File {
                key,
                name,
                bytes,
                pages: None,
            });
            continue;
        }
        let doc = Document {
            id: &stem,
            markdown,
            meta,
        };
        let made = emitter.emit(&doc).map_err(|e| {
            Outcome::failed(vec![Diagnostic::error(
                Code::GEN_016,
                prefixed(&stem, e.diagnostic.message),
            )])
        })?;
        job.archive
            .add(act, &[(format.extension, &made.bytes)])
            .map_err(|e| {
                let name = format.name;
                Outcome::failed(vec![
                    Diagnostic::error(
                        Code::GEN_017,
                        tr!(
                            "{stem}\u{a0}: impossible d'archiver le format {name}\u{a0}: {e}",
                            "{stem}: cannot archive the {name} format: {e}"
                        ),
                    )
                    .in_file(&job.archive.dir),
                ])
            })?;
        files.push(File {
            key,
            name,
            bytes: made.bytes,
            pages: made.pages,
        });
    }
    Ok(())
}

/// Every format of the build for one document.
fn emit_all(
    job: &SignedJob,
    stem: &str,
    markdown: &str,
    meta: &Meta,
    key_prefix: &str,
) -> Result<Vec<File>, Outcome> {
    let doc = Document {
        id: stem,
        markdown,
        meta,
    };
    let mut files = Vec::new();
    for (format, emitter) in job.emitters {
        let made = emitter.emit(&doc).map_err(|e| {
            let mut d = Diagnostic::error(Code::GEN_018, prefixed(stem, e.diagnostic.message));
            d.hint = e.diagnostic.hint;
            Outcome::failed(vec![d])
        })?;
        files.push(File {
            key: format!("{key_prefix}{}", format.name),
            name: out::file_name(stem, format.extension),
            bytes: made.bytes,
            pages: made.pages,
        });
    }
    Ok(files)
}

/// « stem : message » (« stem: message » in English).
fn prefixed(stem: &str, message: crate::diagnostic::Text) -> crate::diagnostic::Text {
    crate::diagnostic::Text::new(
        format!("{stem}\u{a0}: {}", message.fr),
        format!("{stem}: {}", message.en),
    )
}
