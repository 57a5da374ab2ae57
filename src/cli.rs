//! Command-line arguments (clap derive only). Nothing in the library imports this.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// charta: renders a funder's multi-year objective conventions with associations
/// (Markdown, PDF, ODT, DOCX) from a charter's clause library and one data file per association.
#[derive(Debug, Parser)]
#[command(name = "charta", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a new programme in DIR (a working example to adapt).
    Init {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Validate the programme, the clause library and every association file.
    Check(CheckArgs),
    /// Render every convention (Markdown and PDF; ODT, DOCX on demand) into the output folder.
    Build(BuildArgs),
    /// The yearly review: actuals against the dashboard, financial alerts, synthesis.
    Review(ReviewArgs),
    /// Compare two versions: two rendered .md files, a .md and its edited .odt/.docx, or two build folders.
    Diff(DiffArgs),
    /// Print the JSON Schema (draft 2020-12) of association files.
    Schema,
    /// List the clause library: id, version, title, part, condition, origin.
    Clauses {
        /// Programme folder (default: the current folder). Without a charta.toml, the built-in library.
        prog: Option<PathBuf>,
    },
    /// Export the programme's data: open data (scdl) or a workbook (xlsx).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Manifeste d'un dossier de construction : fusion des parts d'une construction répartie.
    #[command(subcommand)]
    Manifest(ManifestCommand),
    /// Import association files from a workbook (.xlsx, .ods) or a folder of .csv files.
    Import {
        /// The workbook, or the folder of .csv files (one per sheet).
        file: PathBuf,
        /// Programme folder (default: the current folder).
        prog: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Essential data of the signed conventions above 23 000 € a year, SCDL subventions 2.1.1 (CSV).
    Scdl(ExportArgs),
    /// Every association file as one workbook (.xlsx), to edit and import back.
    Xlsx(ExportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Réunit dans DEST les dossiers OUT de constructions `--shard i/n` (fichiers et
    /// manifestes) ; une construction suivante de DEST les reconnaît comme siens.
    Merge {
        /// Dossier de construction à compléter (créé s'il n'existe pas).
        dest: PathBuf,
        /// Les dossiers OUT des parts.
        #[arg(required = true)]
        outs: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// Output folder (default: PROG/out).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output formats, comma-separated (md, pdf, odt, docx).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "md,pdf",
        value_parser = output_formats()
    )]
    pub format: Vec<String>,
    /// Render only these association ids (repeatable).
    #[arg(long = "only", value_name = "ID")]
    pub only: Vec<String>,
    /// Parallel jobs (default: number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Re-render even if inputs are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Also write OUT/<id>.typ, the generated Typst source (for debugging the layout).
    #[arg(long)]
    pub keep_typst: bool,
    /// Ne construire que la part i sur n du programme (répartie par identifiant
    /// d'association), pour répartir un programme sur plusieurs machines ;
    /// puis `charta manifest merge`.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<charta::shard::Shard>,
}

/// The formats the emitters offer (`charta::emit::FORMATS`), with their help line.
fn output_formats() -> PossibleValuesParser {
    PossibleValuesParser::new(
        charta::emit::FORMATS
            .iter()
            .map(|f| PossibleValue::new(f.name).help(f.about)),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Pdf,
    Json,
    /// The new version with the changes as tracked changes (two .md files).
    Odt,
    /// The new version with the changes as tracked changes (two .md files).
    Docx,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a rendered .md file or a build folder.
    pub old: PathBuf,
    /// The new version: a rendered .md file, an edited copy of OLD's .odt or
    /// .docx (compared clause by clause), or a build folder.
    pub new: PathBuf,
    /// Output format (text is coloured when stdout is a terminal).
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Write the report there instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Author of the tracked changes with --format odt|docx (default: charta).
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// The year reviewed.
    #[arg(long)]
    pub year: i32,
    /// Output folder (default: PROG/out); documents go to OUT/review-YEAR/.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write PROG/reviews/YEAR/<id>.json to fill in, one per association (never overwrites).
    #[arg(long)]
    pub template: bool,
    /// Output formats, comma-separated: md, pdf (the CSV synthesis is always written).
    #[arg(long, value_delimiter = ',', default_value = "md,pdf")]
    pub format: Vec<ReviewFormat>,
    /// Parallel jobs (default: number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
}

/// Formats of the yearly review documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Md,
    Pdf,
}
