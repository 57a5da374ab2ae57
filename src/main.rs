//! The `charta` binary: parse arguments, call the library, print diagnostics
//! and summaries in the user's language (French unless `--lang en` or an
//! English locale), exit with an [`Exit`] status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::FromArgMatches;

use charta::build::{self, BuildOptions};
use charta::diagnostic::{Diagnostic, Lang, Text, has_errors};
use charta::load;
use charta::out::Status;
use charta::tr;

mod cli;
use cli::{Cli, Command, ReportFormat};

/// The exit status of every command (see docs/interface.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Exit {
    /// Success; for `diff`, no difference.
    Ok = 0,
    /// Problems in the inputs (errors reported, nothing wrong written); for `diff`, differences.
    Problemes = 1,
    /// A usage error or a fault that is not the inputs' (unwritable output, internal error).
    Erreur = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// The language of this run.
fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// The French or English of a text the binary prints.
fn t<'a>(fr: &'a str, en: &'a str) -> &'a str {
    lang().pick(fr, en)
}

// A batch allocates and frees much memory on two threads: glibc's malloc keeps
// it; jemalloc gives it back, and its resident set does not drift up over
// thousands of conventions (mimalloc 3, used before, did: README « At scale »).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang_of(&args);
    let _ = LANG.set(lang);
    let parsed = cli::command(lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Erreur
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    ExitCode::from(match cli.command {
        Command::Init { dir } => init(&dir),
        Command::Check(a) => check(a.prog.as_deref(), a.format),
        Command::Build(a) => build(a),
        Command::Review(a) => review(a),
        Command::Diff(a) => diff(a),
        Command::Schema => {
            println!("{}", charta::schema::association_schema_json());
            Exit::Ok
        }
        Command::Clauses { prog } => clauses(prog.as_deref()),
        Command::Export(cli::ExportCommand::Scdl(a)) => export_scdl(a),
        Command::Export(cli::ExportCommand::Xlsx(a)) => export_xlsx(a),
        Command::Import { file, prog } => import(&file, prog.as_deref()),
        Command::Serve(a) => serve(a),
        Command::Manifest(cli::ManifestCommand::Merge { dest, outs }) => merge(&dest, &outs),
    })
}

fn diff(a: cli::DiffArgs) -> Exit {
    let opts = charta::diff::cli::Options {
        format: a.format.into(),
        out: a.out.as_deref(),
        author: a.author.as_deref(),
        lang: lang(),
    };
    match charta::diff::cli::run(&a.old, &a.new, opts) {
        Ok(false) => Exit::Ok,
        Ok(true) => Exit::Problemes,
        Err(d) => {
            print_diagnostics(&[d]);
            Exit::Erreur
        }
    }
}

impl From<cli::DiffFormat> for charta::diff::cli::Format {
    fn from(f: cli::DiffFormat) -> Self {
        use charta::diff::cli::Format;
        match f {
            cli::DiffFormat::Text => Format::Text,
            cli::DiffFormat::Md => Format::Markdown,
            cli::DiffFormat::Pdf => Format::Pdf,
            cli::DiffFormat::Json => Format::Json,
            cli::DiffFormat::Odt => Format::Odt,
            cli::DiffFormat::Docx => Format::Docx,
        }
    }
}

fn prog_dir(p: Option<&Path>) -> PathBuf {
    p.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Prints diagnostics (`charta::diagnostic::render` in the run's language),
/// grouped by file, with the source line and a caret.
fn print_diagnostics(diags: &[Diagnostic]) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.line, a.severity).cmp(&(&b.file, b.line, b.severity)));
    for d in sorted {
        let source = match (&d.file, d.line) {
            (Some(f), Some(_)) => std::fs::read(f)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            _ => None,
        };
        eprintln!(
            "{}\n",
            charta::diagnostic::render(d, lang(), source.as_deref())
        );
    }
}

fn load_or_report(dir: &Path) -> Result<(load::Programme, Vec<Diagnostic>), Exit> {
    report_load(load::load_programme(dir))
}

fn report_load(
    loaded: Result<(load::Programme, Vec<Diagnostic>), Vec<Diagnostic>>,
) -> Result<(load::Programme, Vec<Diagnostic>), Exit> {
    loaded.map_err(|d| {
        print_diagnostics(&d);
        Exit::Problemes
    })
}

fn check(prog: Option<&Path>, format: ReportFormat) -> Exit {
    let dir = prog_dir(prog);
    let (diags, files) = match load::load_programme(&dir) {
        Ok((p, mut diags)) => {
            let report = charta::check::check_programme(&p);
            diags.extend(report);
            (diags, p.associations.len())
        }
        Err(d) => (d, 0),
    };
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match format {
        ReportFormat::Json => {
            let v = charta::check::json_report(&diags, files, lang());
            println!("{}", serde_json::to_string_pretty(&v).expect("serialises"));
        }
        ReportFormat::Text => {
            print_diagnostics(&diags);
            eprintln!(
                "{}",
                match lang() {
                    Lang::Fr => format!(
                        "{files} fichier(s) d'association vérifié(s)\u{a0}: {errors} erreur(s), {warnings} avertissement(s)"
                    ),
                    Lang::En => format!(
                        "checked {files} association file(s): {errors} error(s), {warnings} warning(s)"
                    ),
                }
            );
        }
    }
    if has_errors(&diags) {
        Exit::Problemes
    } else {
        Exit::Ok
    }
}

struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl build::Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
        }
    }
    fn done(&self, id: &str, status: Status) {
        match &self.bar {
            Some(b) => {
                b.set_message(id.to_string());
                b.inc(1);
            }
            None => eprintln!("{:<10} {id}", status_word(status)),
        }
    }
}

/// What became of one convention, for the progress lines.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Rendered => t("établie", "rendered"),
        Status::Unchanged => t("inchangée", "unchanged"),
        Status::Refused => t("refusée", "refused"),
        Status::Failed => t("échec", "failed"),
    }
}

fn build(a: cli::BuildArgs) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    // Each association file is read when its convention is built, not all at
    // once: memory stays flat however large the programme.
    let (prog, load_diags) = match report_load(load::load_programme_lazy(&dir)) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let opts = BuildOptions {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        formats: a.format,
        only: a.only,
        jobs: a.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }),
        force: a.force,
        keep_typst: a.keep_typst,
        shard: a.shard,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = Bar { bar };
    let report = match build::run(&prog, &opts, &progress) {
        Ok(r) => r,
        Err(d) => {
            if let Some(b) = &progress.bar {
                b.finish_and_clear();
            }
            print_diagnostics(&[d]);
            return Exit::Erreur;
        }
    };
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    let mut diags = load_diags;
    diags.extend(report.diagnostics.iter().cloned());
    print_diagnostics(&diags);
    for line in charta::avenant::summary(&prog, &opts.out, &report.outcomes) {
        eprintln!("{line}");
    }
    let (r, u, x, f) = (
        report.count(Status::Rendered),
        report.count(Status::Unchanged),
        report.count(Status::Refused),
        report.count(Status::Failed),
    );
    let (secs, out) = (report.elapsed.as_secs_f64(), opts.out.display());
    match lang() {
        Lang::Fr => eprintln!(
            "{r} établie(s), {u} inchangée(s), {x} refusée(s), {f} en échec en {} s → {out}",
            format!("{secs:.2}").replace('.', ",")
        ),
        Lang::En => {
            eprintln!("{r} rendered, {u} unchanged, {x} refused, {f} failed in {secs:.2} s → {out}")
        }
    }
    if report.internal_errors > 0 {
        Exit::Erreur
    } else if report.has_errors() || has_errors(&diags) {
        Exit::Problemes
    } else {
        Exit::Ok
    }
}

/// `charta manifest merge DEST OUT…`
fn merge(dest: &Path, outs: &[PathBuf]) -> Exit {
    match charta::out::shard::merge(dest, outs) {
        Ok(r) => {
            let (n, k, c, d) = (r.conventions, outs.len(), r.copied, dest.display());
            match lang() {
                Lang::Fr => eprintln!(
                    "{n} convention(s) réunie(s) depuis {k} dossier(s), {c} fichier(s) copié(s) → {d}"
                ),
                Lang::En => {
                    eprintln!(
                        "{n} convention(s) merged from {k} folder(s), {c} file(s) copied → {d}"
                    )
                }
            }
            Exit::Ok
        }
        Err(diags) => {
            let fault = diags.iter().any(|d| d.code == "GEN-025");
            print_diagnostics(&diags);
            if fault { Exit::Erreur } else { Exit::Problemes }
        }
    }
}

fn review(a: cli::ReviewArgs) -> Exit {
    use charta::review::{self, TemplateOutcome};
    let dir = prog_dir(a.prog.as_deref());
    let (prog, load_diags) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if a.template {
        print_diagnostics(&load_diags);
        return match review::write_templates(&prog, a.year) {
            Ok(done) => {
                let mut written = 0;
                for (id, outcome) in &done {
                    match outcome {
                        TemplateOutcome::Written(p) => {
                            written += 1;
                            eprintln!("{:<10} {}", t("écrit", "written"), p.display());
                        }
                        TemplateOutcome::Exists(p) => match lang() {
                            Lang::Fr => eprintln!(
                                "conservé   {}\u{a0}: le fichier de bilan de `{id}` existe déjà, il n'est pas remplacé",
                                p.display()
                            ),
                            Lang::En => eprintln!(
                                "kept       {}: the review file of `{id}` exists, it is not replaced",
                                p.display()
                            ),
                        },
                    }
                }
                let (year, kept) = (a.year, done.len() - written);
                match lang() {
                    Lang::Fr => eprintln!(
                        "{written} fichier(s) de bilan {year} à remplir, {kept} existant(s) conservé(s)"
                    ),
                    Lang::En => eprintln!(
                        "{written} review file(s) {year} to fill in, {kept} existing kept"
                    ),
                }
                Exit::Ok
            }
            Err(d) => {
                print_diagnostics(&[d]);
                Exit::Erreur
            }
        };
    }
    let opts = review::ReviewOptions {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        year: a.year,
        pdf: a.format.contains(&cli::ReviewFormat::Pdf),
        jobs: a.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }),
    };
    let start = std::time::Instant::now();
    match review::run(&prog, &opts) {
        Ok(report) => {
            let mut diags = load_diags;
            diags.extend(report.diagnostics.iter().cloned());
            print_diagnostics(&diags);
            let alerts = report.rows.iter().filter(|r| !r.alerts.is_empty()).count();
            let (year, n, files) = (a.year, report.rows.len(), report.files_written);
            let (secs, dir) = (start.elapsed().as_secs_f64(), report.dir.display());
            match lang() {
                Lang::Fr => eprintln!(
                    "bilan {year}\u{a0}: {n} association(s), {alerts} en alerte, {files} fichier(s) écrit(s) en {} s → {dir}",
                    format!("{secs:.2}").replace('.', ",")
                ),
                Lang::En => eprintln!(
                    "review {year}: {n} association(s), {alerts} with alerts, {files} file(s) written in {secs:.2} s → {dir}"
                ),
            }
            Exit::Ok
        }
        Err(e) => {
            let (code, diags) = match e {
                review::ReviewError::Input(d) => (Exit::Problemes, d),
                review::ReviewError::Fault(d) => (Exit::Erreur, d),
            };
            let mut all = load_diags;
            all.extend(diags);
            print_diagnostics(&all);
            code
        }
    }
}

fn clauses(prog: Option<&Path>) -> Exit {
    let dir = prog_dir(prog);
    let mut diags = Vec::new();
    let root = dir.join("charta.toml").is_file().then_some(dir.as_path());
    let lib = load::load_library(root, &mut diags);
    println!(
        "{:<36} {:<8} {:<10} {:<26} {:<44} {}",
        "ID",
        "VERSION",
        t("ORIGINE", "ORIGIN"),
        t("PARTIE", "PART"),
        "CONDITION",
        t("TITRE", "TITLE")
    );
    for c in lib.clauses.values() {
        let m = &c.meta;
        let cond = match (&m.condition, m.optional) {
            (Some(c), true) => format!("{}, {c}", t("facultative", "optional")),
            (Some(c), false) => c.clone(),
            (None, true) => t("facultative", "optional").to_string(),
            (None, false) => t("toujours", "always").to_string(),
        };
        println!(
            "{:<36} {:<8} {:<10} {:<26} {:<44} {}",
            m.id,
            m.version,
            c.origin.to_string(),
            m.part,
            cond,
            m.title
        );
    }
    eprintln!("{} clause(s)", lib.clauses.len());
    print_diagnostics(&diags);
    if has_errors(&diags) {
        Exit::Problemes
    } else {
        Exit::Ok
    }
}

fn init(dir: &Path) -> Exit {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        print_diagnostics(&[Diagnostic::error(tr!(
            "{} existe et n'est pas vide",
            "{} exists and is not empty",
            dir.display()
        ))
        .code("CLI-001")
        .with_hint(Text::new(
            "choisissez un nouveau nom de dossier\u{a0}; charta init ne remplace jamais un fichier",
            "choose a new folder name; charta init never overwrites files",
        ))]);
        return Exit::Erreur;
    }
    match charta::scaffold::write_example(dir) {
        Ok(n) => {
            let d = dir.display();
            match lang() {
                Lang::Fr => {
                    eprintln!("{d} créé ({n} fichiers)\u{a0}; ensuite\u{a0}: charta build {d}")
                }
                Lang::En => eprintln!("created {d} ({n} files); next: charta build {d}"),
            }
            Exit::Ok
        }
        Err(e) => {
            print_diagnostics(&[Diagnostic::error(tr!(
                "impossible de créer le programme\u{a0}: {e}",
                "cannot create the programme: {e}"
            ))
            .code("FIC-005")
            .in_file(dir)]);
            Exit::Erreur
        }
    }
}

fn export_scdl(a: cli::ExportArgs) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (bytes, n) = match charta::exchange::scdl::export(&prog) {
        Ok(x) => x,
        Err(diags) => {
            print_diagnostics(&diags);
            not_written(diags.len(), &a.out);
            return Exit::Problemes;
        }
    };
    if let Err(e) = charta::out::write_atomic(&a.out, &bytes) {
        print_diagnostics(&[charta::encoding::write_error(&a.out, &e)]);
        return Exit::Erreur;
    }
    let out = a.out.display();
    match lang() {
        Lang::Fr => eprintln!(
            "{n} convention(s) signée(s) au-delà de 23\u{a0}000\u{a0}€ par an → {out} (SCDL subventions 2.1.1)"
        ),
        Lang::En => eprintln!(
            "{n} signed convention(s) above 23 000 € a year → {out} (SCDL subventions 2.1.1)"
        ),
    }
    Exit::Ok
}

/// « N erreur(s) : OUT n'est pas écrit ».
fn not_written(n: usize, out: &Path) {
    let out = out.display();
    match lang() {
        Lang::Fr => eprintln!("{n} erreur(s)\u{a0}: {out} n'est pas écrit"),
        Lang::En => eprintln!("{n} error(s): {out} is not written"),
    }
}

fn write_or_report(path: &Path, bytes: &[u8]) -> Result<(), Exit> {
    charta::out::write_atomic(path, bytes).map_err(|e| {
        print_diagnostics(&[charta::encoding::write_error(path, &e)]);
        Exit::Erreur
    })
}

fn export_xlsx(a: cli::ExportArgs) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bytes = match charta::exchange::export_xlsx(&prog) {
        Ok(b) => b,
        Err(diags) => {
            print_diagnostics(&diags);
            not_written(diags.len(), &a.out);
            return Exit::Problemes;
        }
    };
    if let Err(code) = write_or_report(&a.out, &bytes) {
        return code;
    }
    eprintln!(
        "{} association(s) → {}",
        prog.associations.len(),
        a.out.display()
    );
    Exit::Ok
}

fn import(file: &Path, prog: Option<&Path>) -> Exit {
    use charta::exchange::workbook::Change;
    let dir = prog_dir(prog);
    let (prog, _) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let plan = match charta::exchange::import(file, &prog) {
        Ok(p) => p,
        Err(diags) => {
            print_diagnostics(&diags);
            let n = diags.len();
            match lang() {
                Lang::Fr => eprintln!("{n} erreur(s)\u{a0}: aucun fichier n'a été écrit"),
                Lang::En => eprintln!("{n} error(s): no file was written"),
            }
            return Exit::Problemes;
        }
    };
    let show = |paths: &[String]| {
        let mut s = paths.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
        if paths.len() > 6 {
            s.push_str(&format!(", … ({} {})", paths.len(), t("en tout", "in all")));
        }
        s
    };
    if let Err(e) = std::fs::create_dir_all(prog.root.join("associations")) {
        print_diagnostics(&[Diagnostic::error(tr!(
            "impossible de créer le dossier associations\u{a0}: {e}",
            "cannot create the associations folder: {e}"
        ))
        .code("FIC-006")
        .in_file(prog.root.join("associations"))]);
        return Exit::Erreur;
    }
    let writes: Vec<(&Path, &[u8])> = plan
        .iter()
        .filter(|(_, _, c, _)| matches!(c, Change::Created | Change::Modified(_)))
        .map(|(_, path, _, text)| (path.as_path(), text.as_bytes()))
        .collect();
    if let Err((path, e)) = charta::exchange::write_all_atomic(&writes) {
        print_diagnostics(&[charta::encoding::write_error(&path, &e)]);
        return Exit::Erreur;
    }
    let (mut created, mut modified, mut unchanged, mut refused) = (0, 0, 0, 0);
    for (id, path, change, _) in &plan {
        match change {
            Change::Unchanged => unchanged += 1,
            Change::RefusedSigned(paths) => {
                refused += 1;
                print_diagnostics(&[Diagnostic::warning(tr!(
                    "{id}\u{a0}: convention signée, fichier laissé tel quel\u{a0}; le classeur change {}",
                    "{id}: signed convention, file left as it is; the workbook changes {}",
                    show(paths)
                ))
                .code("ECH-009")
                .in_file(path)
                .with_hint(Text::new(
                    "une convention signée ne change que par avenant\u{a0}: rétablissez ses valeurs dans le classeur",
                    "a signed convention changes only by amendment (avenant): restore its values in the workbook",
                ))]);
            }
            Change::Created | Change::Modified(_) => match change {
                Change::Created => {
                    created += 1;
                    eprintln!("{:<10} {id}", t("créée", "created"));
                }
                Change::Modified(paths) => {
                    modified += 1;
                    eprintln!(
                        "{:<10} {id}{} {}",
                        t("modifiée", "modified"),
                        t("\u{a0}:", ":"),
                        show(paths)
                    );
                }
                _ => {}
            },
        }
    }
    match lang() {
        Lang::Fr => eprintln!(
            "{created} créée(s), {modified} modifiée(s), {unchanged} inchangée(s), {refused} signée(s) laissée(s) telle(s) quelle(s)"
        ),
        Lang::En => eprintln!(
            "{created} created, {modified} modified, {unchanged} unchanged, {refused} signed left as they are"
        ),
    }
    Exit::Ok
}

fn serve(a: cli::ServeArgs) -> Exit {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let dir = prog_dir(a.prog.as_deref());
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            print_diagnostics(&[Diagnostic::error(tr!(
                "impossible d'intercepter Ctrl-C\u{a0}: {e}",
                "cannot catch Ctrl-C: {e}"
            ))
            .code("BUR-001")]);
            return Exit::Erreur;
        }
    }
    let mut opts = charta::serve::Options::new(
        dir.clone(),
        a.out.unwrap_or_else(|| dir.join("out")),
        a.port,
    );
    opts.token = !a.no_token;
    if let Some(ms) = a.client_timeout_ms {
        opts.header_timeout = std::time::Duration::from_millis(ms);
        opts.body_timeout = std::time::Duration::from_millis(ms);
    }
    let result = charta::serve::run(&opts, stop, Arc::new(serve_event));
    match result {
        Ok(()) => {
            eprintln!("{}", t("bureau arrêté", "desk stopped"));
            Exit::Ok
        }
        Err(charta::serve::ServeError::Input(d)) => {
            print_diagnostics(&d);
            Exit::Problemes
        }
        Err(charta::serve::ServeError::Fault(d)) => {
            print_diagnostics(&d);
            Exit::Erreur
        }
    }
}

/// « génération terminée : 1 convention produite, 3 inchangées ».
fn build_ended(s: &charta::serve::BuildSummary, lang: Lang) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k > 1 { many } else { one });
    let mut parts = match lang {
        Lang::Fr => vec![
            n(s.rendered, "convention produite", "conventions produites"),
            n(s.unchanged, "inchangée", "inchangées"),
        ],
        Lang::En => vec![
            n(s.rendered, "convention rendered", "conventions rendered"),
            format!("{} unchanged", s.unchanged),
        ],
    };
    if s.refused > 0 {
        parts.push(match lang {
            Lang::Fr => n(s.refused, "refusée", "refusées"),
            Lang::En => format!("{} refused", s.refused),
        });
    }
    if s.failed > 0 {
        parts.push(format!("{} {}", s.failed, lang.pick("en échec", "failed")));
    }
    format!(
        "{}{}",
        lang.pick("génération terminée\u{a0}: ", "build done: "),
        parts.join(", ")
    )
}

/// What the terminal shows of the desk: the address on stdout (one line, for
/// scripts), the rest on stderr.
fn serve_event(event: charta::serve::Event) {
    use charta::serve::Event;
    use std::io::Write;
    let lang = lang();
    match event {
        Event::Ready { url, token, .. } => {
            println!("{url}");
            let _ = std::io::stdout().flush();
            if token {
                eprintln!("{}", tr!(
                    "bureau charta ouvert sur {url} (127.0.0.1 seulement)\u{202f}; ouvrez cette adresse dans votre navigateur\u{a0}: elle ne sert qu'une fois. Ctrl-C pour l'arrêter",
                    "charta desk open on {url} (127.0.0.1 only); open this address in your browser: it works once. Ctrl-C to stop it"
                ).get(lang));
            } else {
                eprintln!("{}", tr!(
                    "ATTENTION\u{a0}: bureau SANS JETON (--no-token). Toute personne ou tout programme de cette machine peut lire et modifier les données des associations (IBAN, SIRET) et lancer des générations.",
                    "WARNING: desk WITHOUT TOKEN (--no-token). Anyone or any program on this machine can read and change the associations' data (IBAN, SIRET) and start builds."
                ).get(lang));
                eprintln!("{}", tr!(
                    "bureau charta ouvert sur {url} (127.0.0.1 seulement)\u{202f}; Ctrl-C pour l'arrêter",
                    "charta desk open on {url} (127.0.0.1 only); Ctrl-C to stop it"
                ).get(lang));
            }
        }
        Event::Opened => eprintln!(
            "{}",
            t(
                "un navigateur a ouvert le bureau\u{a0}: l'adresse affichée ne servira plus",
                "a browser opened the desk: the printed address will not work again"
            )
        ),
        Event::SecretRefused => eprintln!(
            "{}",
            t(
                "adresse refusée\u{a0}: elle a déjà servi, ou ce n'est pas celle de ce bureau (pour un autre navigateur, relancez le bureau)",
                "address refused: it was used already, or it is not this desk's (for another browser, restart the desk)"
            )
        ),
        Event::BuildEnded(s) => match &s.problem {
            Some(p) => eprintln!(
                "{}",
                tr!("génération arrêtée\u{a0}: {p}", "build stopped: {p}").get(lang)
            ),
            None => eprintln!("{}", build_ended(&s, lang)),
        },
    }
}
