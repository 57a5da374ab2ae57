//! The `charta` binary: parse arguments, call the library, print diagnostics,
//! exit 0 (success, or no differences), 1 (input errors, or differences), 2
//! (usage error or a fault that is not the input's).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use charta::batch::{self, BuildOptions, Status};
use charta::diagnostic::{Diagnostic, Severity, has_errors};
use charta::load;

mod cli;
use cli::{Cli, Command, ReportFormat};

// Typst frees much memory across threads; glibc's malloc keeps it, mimalloc gives it back.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const OK: u8 = 0;
const INPUT: u8 = 1;
const FAULT: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { FAULT } else { OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(match cli.command {
        Command::Init { dir } => init(&dir),
        Command::Check(a) => check(a.prog.as_deref(), a.format),
        Command::Build(a) => build(a),
        Command::Review(a) => review(a),
        Command::Diff(a) => charta::diff::cli::run(
            &a.old,
            &a.new,
            charta::diff::cli::Options {
                format: a.format.into(),
                out: a.out.as_deref(),
                author: a.author.as_deref(),
            },
        ),
        Command::Schema => {
            println!("{}", charta::schema::association_schema_json());
            OK
        }
        Command::Clauses { prog } => clauses(prog.as_deref()),
        Command::Export(cli::ExportCommand::Scdl(a)) => export_scdl(a),
        Command::Export(cli::ExportCommand::Xlsx(a)) => export_xlsx(a),
        Command::Import { file, prog } => import(&file, prog.as_deref()),
        Command::Manifest(cli::ManifestCommand::Merge { dest, outs }) => merge(&dest, &outs),
    })
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

/// Prints diagnostics rustc-style, grouped by file, with the source line and a caret.
fn print_diagnostics(diags: &[Diagnostic]) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| (&a.file, a.line, a.severity).cmp(&(&b.file, b.line, b.severity)));
    for d in sorted {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        eprintln!("{sev}: {}", d.message);
        if let Some(file) = &d.file {
            match (d.line, d.column) {
                (Some(l), Some(c)) => {
                    eprintln!("  --> {}:{l}:{c}", file.display());
                    if let Some(src) = std::fs::read_to_string(file)
                        .ok()
                        .and_then(|t| t.lines().nth(l - 1).map(str::to_string))
                    {
                        let w = l.to_string().len();
                        eprintln!("{:w$} |", "");
                        eprintln!("{l} | {src}");
                        let pad: String = src
                            .chars()
                            .take(c.saturating_sub(1))
                            .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                            .collect();
                        eprintln!("{:w$} | {pad}^", "");
                    }
                }
                _ => eprintln!("  --> {}", file.display()),
            }
        }
        if let Some(p) = &d.path {
            eprintln!("  = at: {p}");
        }
        if let Some(h) = &d.hint {
            eprintln!("  = hint: {h}");
        }
        eprintln!();
    }
}

fn load_or_report(dir: &Path) -> Result<(load::Programme, Vec<Diagnostic>), u8> {
    load::load_programme(dir).map_err(|d| {
        print_diagnostics(&d);
        INPUT
    })
}

fn check(prog: Option<&Path>, format: ReportFormat) -> u8 {
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
            let v = charta::check::json_report(&diags, files);
            println!("{}", serde_json::to_string_pretty(&v).expect("serialises"));
        }
        ReportFormat::Text => {
            print_diagnostics(&diags);
            eprintln!(
                "checked {files} association file(s): {errors} error(s), {warnings} warning(s)"
            );
        }
    }
    if has_errors(&diags) { INPUT } else { OK }
}

struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl batch::Progress for Bar {
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
            None => eprintln!("{:<10} {id}", format!("{status:?}").to_lowercase()),
        }
    }
}

fn build(a: cli::BuildArgs) -> u8 {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, load_diags) = match load_or_report(&dir) {
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
    let report = match batch::build(&prog, &opts, &progress) {
        Ok(r) => r,
        Err(d) => {
            if let Some(b) = &progress.bar {
                b.finish_and_clear();
            }
            print_diagnostics(&[d]);
            return FAULT;
        }
    };
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    let mut diags = load_diags;
    diags.extend(report.diagnostics.iter().cloned());
    print_diagnostics(&diags);
    eprintln!(
        "{} rendered, {} unchanged, {} refused, {} failed in {:.2} s → {}",
        report.count(Status::Rendered),
        report.count(Status::Unchanged),
        report.count(Status::Refused),
        report.count(Status::Failed),
        report.elapsed.as_secs_f64(),
        opts.out.display()
    );
    if report.internal_errors > 0 {
        FAULT
    } else if report.has_errors() || has_errors(&diags) {
        INPUT
    } else {
        OK
    }
}

/// `charta manifest merge DEST OUT…`
fn merge(dest: &Path, outs: &[PathBuf]) -> u8 {
    match charta::shard::merge(dest, outs) {
        Ok(r) => {
            eprintln!(
                "{} convention(s) réunies depuis {} dossier(s), {} fichier(s) copiés → {}",
                r.conventions,
                outs.len(),
                r.copied,
                dest.display()
            );
            OK
        }
        Err(diags) => {
            let fault = diags
                .iter()
                .any(|d| d.message.starts_with("impossible d'écrire"));
            print_diagnostics(&diags);
            if fault { FAULT } else { INPUT }
        }
    }
}

fn review(a: cli::ReviewArgs) -> u8 {
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
                            eprintln!("écrit      {}", p.display());
                        }
                        TemplateOutcome::Exists(p) => eprintln!(
                            "conservé   {} : le fichier de bilan de `{id}` existe déjà, il n'est pas remplacé",
                            p.display()
                        ),
                    }
                }
                eprintln!(
                    "{written} fichier(s) de bilan {} à remplir, {} existant(s) conservé(s)",
                    a.year,
                    done.len() - written
                );
                OK
            }
            Err(d) => {
                print_diagnostics(&[d]);
                FAULT
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
            eprintln!(
                "bilan {} : {} association(s), {alerts} en alerte, {} fichier(s) écrit(s) en {:.2} s → {}",
                a.year,
                report.rows.len(),
                report.files_written,
                start.elapsed().as_secs_f64(),
                report.dir.display()
            );
            OK
        }
        Err(e) => {
            let (code, diags) = match e {
                review::ReviewError::Input(d) => (INPUT, d),
                review::ReviewError::Fault(d) => (FAULT, d),
            };
            let mut all = load_diags;
            all.extend(diags);
            print_diagnostics(&all);
            code
        }
    }
}

fn clauses(prog: Option<&Path>) -> u8 {
    let dir = prog_dir(prog);
    let mut diags = Vec::new();
    let root = dir.join("charta.toml").is_file().then_some(dir.as_path());
    let lib = load::load_library(root, &mut diags);
    println!(
        "{:<36} {:<8} {:<10} {:<26} {:<44} TITLE",
        "ID", "VERSION", "ORIGIN", "PART", "CONDITION"
    );
    for c in lib.clauses.values() {
        let m = &c.meta;
        let cond = match (&m.condition, m.optional) {
            (Some(c), true) => format!("optional, {c}"),
            (Some(c), false) => c.clone(),
            (None, true) => "optional".to_string(),
            (None, false) => "always".to_string(),
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
    eprintln!("{} clauses", lib.clauses.len());
    print_diagnostics(&diags);
    if has_errors(&diags) { INPUT } else { OK }
}

fn init(dir: &Path) -> u8 {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        print_diagnostics(&[Diagnostic::error(format!(
            "{} exists and is not empty",
            dir.display()
        ))
        .with_hint("choose a new folder name; charta init never overwrites files")]);
        return FAULT;
    }
    match charta::scaffold::write_example(dir) {
        Ok(n) => {
            eprintln!(
                "created {} ({n} files); next: charta build {}",
                dir.display(),
                dir.display()
            );
            OK
        }
        Err(e) => {
            print_diagnostics(&[
                Diagnostic::error(format!("cannot create the programme: {e}")).in_file(dir),
            ]);
            FAULT
        }
    }
}

fn export_scdl(a: cli::ExportArgs) -> u8 {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (bytes, n) = match charta::exchange::scdl::export(&prog) {
        Ok(x) => x,
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!(
                "{} erreur(s) : {} n'est pas écrit",
                diags.len(),
                a.out.display()
            );
            return INPUT;
        }
    };
    if let Err(e) = batch::write_atomic(&a.out, &bytes) {
        print_diagnostics(&[
            Diagnostic::error(format!("impossible d'écrire le fichier : {e}"))
                .in_file(&a.out)
                .with_hint("vérifiez que le dossier existe et qu'il est accessible en écriture"),
        ]);
        return FAULT;
    }
    eprintln!(
        "{n} convention(s) signée(s) au-delà de 23 000 € par an → {} (SCDL subventions 2.1.1)",
        a.out.display()
    );
    OK
}

fn write_or_report(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    batch::write_atomic(path, bytes).map_err(|e| {
        print_diagnostics(&[
            Diagnostic::error(format!("impossible d'écrire le fichier : {e}"))
                .in_file(path)
                .with_hint("vérifiez que le dossier existe et qu'il est accessible en écriture"),
        ]);
        FAULT
    })
}

fn export_xlsx(a: cli::ExportArgs) -> u8 {
    let dir = prog_dir(a.prog.as_deref());
    let (prog, _) = match load_or_report(&dir) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bytes = match charta::exchange::export_xlsx(&prog) {
        Ok(b) => b,
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!(
                "{} erreur(s) : {} n'est pas écrit",
                diags.len(),
                a.out.display()
            );
            return INPUT;
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
    OK
}

fn import(file: &Path, prog: Option<&Path>) -> u8 {
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
            eprintln!("{} erreur(s) : aucun fichier n'a été écrit", diags.len());
            return INPUT;
        }
    };
    let show = |paths: &[String]| {
        let mut s = paths.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
        if paths.len() > 6 {
            s.push_str(&format!(", … ({} en tout)", paths.len()));
        }
        s
    };
    if let Err(e) = std::fs::create_dir_all(prog.root.join("associations")) {
        print_diagnostics(&[Diagnostic::error(format!(
            "impossible de créer le dossier associations : {e}"
        ))]);
        return FAULT;
    }
    let writes: Vec<(&Path, &[u8])> = plan
        .iter()
        .filter(|(_, _, c, _)| matches!(c, Change::Created | Change::Modified(_)))
        .map(|(_, path, _, text)| (path.as_path(), text.as_bytes()))
        .collect();
    if let Err((path, e)) = charta::exchange::write_all_atomic(&writes) {
        print_diagnostics(&[
            Diagnostic::error(format!("impossible d'écrire le fichier : {e}"))
                .in_file(&path)
                .with_hint("vérifiez que le dossier associations est accessible en écriture"),
        ]);
        return FAULT;
    }
    let (mut created, mut modified, mut unchanged, mut refused) = (0, 0, 0, 0);
    for (id, path, change, _) in &plan {
        match change {
            Change::Unchanged => unchanged += 1,
            Change::RefusedSigned(paths) => {
                refused += 1;
                print_diagnostics(&[Diagnostic::warning(format!(
                    "{id} : convention signée, fichier laissé tel quel ; le classeur change {}",
                    show(paths)
                ))
                .in_file(path)
                .with_hint("une convention signée ne change que par avenant : rétablissez ses valeurs dans le classeur")]);
            }
            Change::Created | Change::Modified(_) => match change {
                Change::Created => {
                    created += 1;
                    eprintln!("créée      {id}");
                }
                Change::Modified(paths) => {
                    modified += 1;
                    eprintln!("modifiée   {id} : {}", show(paths));
                }
                _ => {}
            },
        }
    }
    eprintln!(
        "{created} créée(s), {modified} modifiée(s), {unchanged} inchangée(s), {refused} signée(s) laissée(s) telle(s) quelle(s)"
    );
    OK
}
