//! Command-line arguments (clap derive, English doc comments) and their French
//! help ([`FRENCH`], applied by [`command`] unless the language is English).
//! Nothing in the library imports this.

use std::path::PathBuf;

use charta::diagnostic::{Lang, Text};
use charta::tr;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// charta: renders a funder's multi-year objective conventions with associations
/// (Markdown, PDF, ODT, DOCX) from a charter's clause library and one data file per association.
#[derive(Debug, Parser)]
#[command(name = "charta", version, about, long_about = None)]
pub struct Cli {
    /// Language of messages and help: fr (default) or en (default: the locale, LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, global = true, value_name = "LANG", value_parser = ["fr", "en"])]
    pub lang: Option<String>,
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
    /// The assembly's act for a décision: the délibération, its annex (also CSV) and its rapport.
    Deliberation(DeliberationArgs),
    /// Compare two versions: two rendered .md files, a .md and its edited .odt/.docx, or two build folders.
    Diff(DiffArgs),
    /// Print the JSON Schema (draft 2020-12) of association files.
    Schema,
    /// List the clause library: id, version, title, part, condition, origin.
    Clauses {
        /// Programme folder (default: the current folder). Without a charta.toml, the built-in library.
        prog: Option<PathBuf>,
    },
    /// Export the programme's data: open data (scdl), a workbook (xlsx), registers (concours, de-minimis, l612-4).
    #[command(subcommand)]
    Export(ExportCommand),
    /// The legal service's desk in a browser (French): programme, conventions, editing, build.
    Serve(ServeArgs),
    /// The manifest of a build folder: merge the shares of a distributed build.
    #[command(subcommand)]
    Manifest(ManifestCommand),
    /// Check a signed PDF returned by the signature service against the act charta archived.
    Verify(VerifyArgs),
    /// Import association files from a workbook (.xlsx, .ods) or a folder of .csv files,
    /// or one association from its API Entreprise record (.json).
    Import {
        /// The workbook, the folder of .csv files (one per sheet), or the record (.json).
        file: PathBuf,
        /// Programme folder (default: the current folder).
        prog: Option<PathBuf>,
        /// For a record: the day it was obtained (YYYY-MM-DD), the date of every value imported.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed PDF.
    pub signed: PathBuf,
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// Store it beside the act it signs (PROG/signed/<id>/convention.signed.pdf); the build then writes OUT/<id>.signed.pdf.
    #[arg(long)]
    pub keep: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// Port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8421)]
    pub port: u16,
    /// Output folder of builds (default: PROG/out).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No secret in the address, no cookie: anyone who can reach 127.0.0.1 on this
    /// machine can read and change the data. Only on a machine with a single user.
    #[arg(long)]
    pub no_token: bool,
    /// Milliseconds a client may take to send a request's head or body (tests).
    #[arg(long, hide = true)]
    pub client_timeout_ms: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Essential data of the signed conventions above 23 000 € a year, SCDL subventions 2.1.1 (CSV).
    Scdl(ScdlArgs),
    /// Every association file as one workbook (.xlsx), to edit and import back.
    Xlsx(ExportArgs),
    /// The budget annex of the concours attribués to associations (CGCT L. 2313-1): TOTEM DATA_CONCOURS (.xml) and .csv.
    Concours(ConcoursArgs),
    /// The de minimis register: one row per signed de minimis aid, its three-year total against the ceiling (CSV).
    DeMinimis(ExportArgs),
    /// L. 612-4 (code de commerce): public cash subsidies per association and exercice against 153 000 € (CSV).
    #[command(name = "l612-4")]
    L6124(ExportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Join into DEST the OUT folders of `--shard i/n` builds (files and manifests);
    /// a later build of DEST accepts them as its own.
    Merge {
        /// The build folder to complete (created if missing).
        dest: PathBuf,
        /// The OUT folders of the shares.
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

#[derive(Debug, Args)]
pub struct ConcoursArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// The exercice (year) of the budget or compte administratif.
    #[arg(long)]
    pub exercice: i32,
    /// The XML file to write; the CSV is written beside it (same name, .csv).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ScdlArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// One row per convention and exercice, with the `exercice` column (the amount of that year).
    #[arg(long)]
    pub par_exercice: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// How the text output of `build` and `check` prints warnings: each code's
/// first three and how many more (`summary`), or every one (`all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WarningsShown {
    Summary,
    All,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Warnings in the text report: `summary` (each code's first 3, then how many
    /// more) or `all`; errors are always all, and `--format json` lists every one.
    #[arg(long, value_enum, default_value = "summary")]
    pub warnings: WarningsShown,
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
    /// Build only share i of n of the programme (split by association id), to spread
    /// a programme over several machines; then `charta manifest merge`. `auto` or
    /// `auto/N`: the share from the job runner (Kubernetes indexed Job, Slurm array,
    /// GNU parallel), N shares (else CHARTA_SHARD_COUNT, or the Slurm array's size).
    #[arg(long, value_name = "i/n|auto[/N]")]
    pub shard: Option<ShardArg>,
    /// Warnings printed: `summary` (each code's first 3, then how many more) or
    /// `all`; errors are always all.
    #[arg(long, value_enum, default_value = "summary")]
    pub warnings: WarningsShown,
}

/// The value of `--shard`: `i/n`, or `auto`, `auto/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    Given(charta::out::shard::Shard),
    Auto(Option<u32>),
}

impl std::str::FromStr for ShardArg {
    /// In the language of the command line ([`command`]): clap prints it.
    type Err = String;
    fn from_str(s: &str) -> Result<ShardArg, String> {
        let lang = *LANG.get().unwrap_or(&Lang::Fr);
        let Some(rest) = s.trim().strip_prefix("auto") else {
            return s
                .parse()
                .map(ShardArg::Given)
                .map_err(|e: Text| e.get(lang).to_string());
        };
        if rest.is_empty() {
            return Ok(ShardArg::Auto(None));
        }
        rest.strip_prefix('/')
            .and_then(|n| n.trim().parse::<u32>().ok())
            .filter(|&n| n > 0)
            .map(|n| ShardArg::Auto(Some(n)))
            .ok_or_else(|| {
                tr!(
                    "`{s}` n'est pas une part\u{a0}: écrivez `auto` ou `auto/N`, N le nombre de parts (par exemple `--shard auto/8`)",
                    "`{s}` is not a share: write `auto` or `auto/N`, N the number of shares (for example `--shard auto/8`)"
                )
                .get(lang)
                .to_string()
            })
    }
}

/// The language [`command`] was built in, for the messages of the value parsers.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

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
    /// Output formats, comma-separated: md, pdf (the CSV synthesis is always written); with
    /// --template, xlsx also writes PROG/reviews/YEAR/comptes-rendus.xlsx.
    #[arg(long, value_delimiter = ',', default_value = "md,pdf")]
    pub format: Vec<ReviewFormat>,
    /// Parallel jobs (default: number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Write every document again, even those whose inputs and files are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Date of the review (YYYY-MM-DD): a compte rendu financier not received is late only against it.
    #[arg(long)]
    pub on: Option<String>,
}

/// `charta deliberation`: one décision, or all of them.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["decision", "all"])))]
pub struct DeliberationArgs {
    /// Programme folder (default: the current folder).
    pub prog: Option<PathBuf>,
    /// The décision number, as the conventions cite it (repeatable).
    #[arg(long, value_name = "NUMBER")]
    pub decision: Vec<String>,
    /// Every décision charta.toml describes ([deliberations."NUMBER"]).
    #[arg(long)]
    pub all: bool,
    /// Output folder (default: PROG/out); documents go to OUT/deliberations/.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output formats, comma-separated (md, pdf, odt, docx); the annex's CSV is always written.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "md,pdf",
        value_parser = output_formats()
    )]
    pub format: Vec<String>,
}

/// Formats of the yearly review documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Md,
    Pdf,
    Xlsx,
}

/// The language asked for on the command line (`--lang en`, `--lang=fr`), else
/// the environment's locale ([`Lang::from_env`]): read before clap parses, so
/// that the help and clap's messages are in that language.
pub fn lang_of(args: &[std::ffi::OsString]) -> Lang {
    let mut it = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(l) = value.and_then(Lang::parse) {
            return l;
        }
    }
    Lang::from_env()
}

/// French help of every command and argument: `("sub", "")` is the about of
/// `charta sub`, `("sub", "arg")` the help of its argument (`""` is `charta`
/// itself). A test checks that every command and argument has its line.
pub const FRENCH: &[(&str, &str, &str)] = &[
    (
        "",
        "",
        "charta\u{a0}: établit les conventions pluriannuelles d'objectifs d'un financeur avec les associations (Markdown, PDF, ODT, DOCX) à partir de la bibliothèque de clauses d'une charte et d'un fichier de données par association.",
    ),
    (
        "",
        "lang",
        "Langue des messages et de l'aide\u{a0}: fr (par défaut) ou en (par défaut\u{a0}: la locale, LC_ALL, LC_MESSAGES ou LANG).",
    ),
    (
        "init",
        "",
        "Crée un nouveau programme dans DIR (un exemple complet à adapter).",
    ),
    ("init", "dir", "Dossier à créer (absent ou vide)."),
    (
        "check",
        "",
        "Vérifie le programme, la bibliothèque de clauses et chaque fichier d'association.",
    ),
    (
        "check",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("check", "format", "Format du rapport."),
    (
        "check",
        "warnings",
        "Les avertissements du rapport texte\u{a0}: `summary` (les 3 premiers de chaque code, puis combien d'autres) ou `all`\u{a0}; les erreurs sont toujours toutes affichées, et `--format json` les liste tous.",
    ),
    (
        "build",
        "",
        "Établit chaque convention (Markdown et PDF\u{a0}; ODT, DOCX sur demande) dans le dossier de sortie.",
    ),
    (
        "build",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "build",
        "out",
        "Dossier de sortie (par défaut\u{a0}: PROG/out).",
    ),
    (
        "build",
        "format",
        "Formats de sortie, séparés par des virgules (md, pdf, odt, docx).",
    ),
    (
        "build",
        "only",
        "N'établir que ces associations (option répétable).",
    ),
    (
        "build",
        "jobs",
        "Tâches en parallèle (par défaut\u{a0}: le nombre de cœurs).",
    ),
    (
        "build",
        "force",
        "Tout refaire, même si les données n'ont pas changé.",
    ),
    (
        "build",
        "keep_typst",
        "Écrire aussi OUT/<id>.typ, la source Typst produite (pour mettre au point la mise en page).",
    ),
    (
        "review",
        "",
        "Le bilan annuel\u{a0}: réalisations au regard du tableau de bord, alertes financières, synthèse.",
    ),
    (
        "review",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("review", "year", "L'année du bilan."),
    (
        "review",
        "out",
        "Dossier de sortie (par défaut\u{a0}: PROG/out)\u{a0}; les documents vont dans OUT/review-ANNÉE/.",
    ),
    (
        "review",
        "template",
        "Écrire PROG/reviews/ANNÉE/<id>.json à remplir, un par association (ne remplace jamais un fichier).",
    ),
    (
        "review",
        "on",
        "Date du bilan (AAAA-MM-JJ)\u{a0}: un compte rendu financier non reçu n'est en retard que par rapport à elle.",
    ),
    (
        "review",
        "format",
        "Formats de sortie, séparés par des virgules\u{a0}: md, pdf (la synthèse CSV est toujours écrite)\u{a0}; avec --template, xlsx écrit aussi PROG/reviews/ANNÉE/comptes-rendus.xlsx.",
    ),
    (
        "review",
        "jobs",
        "Tâches en parallèle (par défaut\u{a0}: le nombre de cœurs).",
    ),
    (
        "review",
        "force",
        "Tout réécrire, même les documents dont les données et les fichiers n'ont pas changé.",
    ),
    (
        "deliberation",
        "",
        "L'acte de l'assemblée pour une décision\u{a0}: la délibération, son annexe (aussi en CSV) et son rapport.",
    ),
    (
        "deliberation",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "deliberation",
        "decision",
        "Le numéro de la décision, tel que les conventions le citent (répétable).",
    ),
    (
        "deliberation",
        "all",
        "Toutes les décisions que décrit charta.toml ([deliberations.\"NUMÉRO\"]).",
    ),
    (
        "deliberation",
        "out",
        "Dossier de sortie (par défaut\u{a0}: PROG/out)\u{a0}; les documents vont dans OUT/deliberations/.",
    ),
    (
        "deliberation",
        "format",
        "Formats de sortie, séparés par des virgules (md, pdf, odt, docx)\u{a0}; le CSV de l'annexe est toujours écrit.",
    ),
    (
        "diff",
        "",
        "Compare deux versions\u{a0}: deux fichiers .md établis, un .md et son .odt/.docx modifié, ou deux dossiers de sortie.",
    ),
    (
        "diff",
        "old",
        "L'ancienne version\u{a0}: un fichier .md établi ou un dossier de sortie.",
    ),
    (
        "diff",
        "new",
        "La nouvelle version\u{a0}: un fichier .md établi, une copie modifiée du .odt ou du .docx d'OLD (comparée clause par clause), ou un dossier de sortie.",
    ),
    (
        "diff",
        "format",
        "Format du rapport (le texte est en couleur dans un terminal).",
    ),
    (
        "diff",
        "out",
        "Écrire le rapport dans ce fichier plutôt que sur la sortie standard.",
    ),
    (
        "diff",
        "author",
        "Auteur des modifications suivies avec --format odt|docx (par défaut\u{a0}: charta).",
    ),
    (
        "schema",
        "",
        "Affiche le schéma JSON (draft 2020-12) des fichiers d'association.",
    ),
    (
        "clauses",
        "",
        "Liste la bibliothèque de clauses\u{a0}: identifiant, version, titre, partie, condition, origine.",
    ),
    (
        "clauses",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant). Sans charta.toml, la bibliothèque intégrée.",
    ),
    (
        "export",
        "",
        "Exporte les données du programme\u{a0}: données ouvertes (scdl), classeur (xlsx), registres (concours, de-minimis, l612-4).",
    ),
    (
        "export scdl",
        "",
        "Données essentielles des conventions signées de plus de 23\u{a0}000\u{a0}€ par an, SCDL subventions 2.1.1 (CSV).",
    ),
    (
        "export scdl",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("export scdl", "out", "Le fichier à écrire."),
    (
        "export scdl",
        "par_exercice",
        "Une ligne par convention et par exercice, avec la colonne `exercice` (le montant de cette année).",
    ),
    (
        "export xlsx",
        "",
        "Tous les fichiers d'association dans un classeur (.xlsx), à modifier puis réimporter.",
    ),
    (
        "export xlsx",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("export xlsx", "out", "Le fichier à écrire."),
    (
        "export concours",
        "",
        "Annexe budgétaire des concours attribués aux associations (CGCT, art. L.\u{a0}2313-1)\u{a0}: DATA_CONCOURS du document budgétaire TOTEM (.xml) et .csv.",
    ),
    (
        "export concours",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "export concours",
        "exercice",
        "L'exercice (l'année) du budget ou du compte administratif.",
    ),
    (
        "export concours",
        "out",
        "Le fichier XML à écrire\u{a0}; le CSV est écrit à côté (même nom, .csv).",
    ),
    (
        "export de-minimis",
        "",
        "Registre des aides de minimis\u{a0}: une ligne par aide de minimis signée, son cumul sur trois ans face au plafond (CSV).",
    ),
    (
        "export de-minimis",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("export de-minimis", "out", "Le fichier à écrire."),
    (
        "export l612-4",
        "",
        "Article L.\u{a0}612-4 du code de commerce\u{a0}: subventions publiques en numéraire par association et par exercice face au seuil de 153\u{a0}000\u{a0}€ (CSV).",
    ),
    (
        "export l612-4",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    ("export l612-4", "out", "Le fichier à écrire."),
    (
        "import",
        "",
        "Importe les fichiers d'association d'un classeur (.xlsx, .ods) ou d'un dossier de fichiers .csv, ou une association de sa fiche API Entreprise (.json).",
    ),
    (
        "import",
        "file",
        "Le classeur, le dossier des fichiers .csv (un par feuille), ou la fiche (.json).",
    ),
    (
        "import",
        "date",
        "Pour une fiche\u{a0}: le jour où elle a été obtenue (AAAA-MM-JJ), date de chaque valeur importée.",
    ),
    (
        "import",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "build",
        "warnings",
        "Les avertissements affichés\u{a0}: `summary` (les 3 premiers de chaque code, puis combien d'autres) ou `all`\u{a0}; les erreurs sont toujours toutes affichées.",
    ),
    (
        "build",
        "shard",
        "Ne générer que la part i sur n du programme (répartie par identifiant d'association), pour répartir un programme sur plusieurs machines\u{a0}; puis `charta manifest merge`. `auto` ou `auto/N`\u{a0}: la part donnée par l'ordonnanceur (tâche indexée Kubernetes, tableau Slurm, GNU parallel), sur N parts (sinon CHARTA_SHARD_COUNT, ou la taille du tableau Slurm).",
    ),
    (
        "serve",
        "",
        "Le bureau du service juridique dans un navigateur\u{a0}: programme, conventions, saisie, génération.",
    ),
    (
        "serve",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "serve",
        "port",
        "Port sur 127.0.0.1 (0\u{a0}: un port libre quelconque\u{202f}; l'adresse est affichée).",
    ),
    (
        "serve",
        "out",
        "Dossier des générations (par défaut\u{a0}: PROG/out).",
    ),
    (
        "serve",
        "no_token",
        "Sans secret dans l'adresse ni cookie\u{a0}: toute personne qui peut joindre 127.0.0.1 sur cette machine peut lire et modifier les données. Seulement sur une machine à un seul utilisateur.",
    ),
    (
        "serve",
        "client_timeout_ms",
        "Millisecondes accordées à un client pour envoyer l'en-tête ou le corps d'une requête (tests).",
    ),
    (
        "manifest",
        "",
        "Le manifeste d'un dossier de génération\u{a0}: réunion des parts d'une génération répartie.",
    ),
    (
        "manifest merge",
        "",
        "Réunit dans DEST les dossiers OUT de générations `--shard i/n` (fichiers et manifestes)\u{a0}; une génération suivante de DEST les reconnaît comme siens.",
    ),
    (
        "manifest merge",
        "dest",
        "Dossier de génération à compléter (créé s'il n'existe pas).",
    ),
    ("manifest merge", "outs", "Les dossiers OUT des parts."),
    (
        "verify",
        "",
        "Vérifie un PDF signé revenu du parapheur contre l'acte que charta a archivé.",
    ),
    ("verify", "signed", "Le PDF signé."),
    (
        "verify",
        "prog",
        "Dossier du programme (par défaut\u{a0}: le dossier courant).",
    ),
    (
        "verify",
        "keep",
        "Le conserve à côté de l'acte qu'il signe (PROG/signed/<id>/convention.signed.pdf)\u{a0}; la génération écrit ensuite OUT/<id>.signed.pdf.",
    ),
];

/// The words clap writes around the help, in French.
const TEMPLATE_FR: &str =
    "{about-with-newline}\nUtilisation\u{a0}: {usage}\n\n{all-args}{after-help}";

/// The command line in `lang`: the derive's English, or French from [`FRENCH`]
/// (headings, help and version flags included).
pub fn command(lang: Lang) -> clap::Command {
    let _ = LANG.set(lang);
    let cmd = Cli::command();
    match lang {
        Lang::En => cmd,
        Lang::Fr => french(cmd, ""),
    }
}

fn french(mut cmd: clap::Command, path: &str) -> clap::Command {
    let find = |arg: &str| {
        FRENCH
            .iter()
            .find(|(p, a, _)| *p == path && *a == arg)
            .map(|(_, _, t)| *t)
    };
    if let Some(about) = find("") {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_global_set() || path.is_empty())
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = find(&id);
        let positional = cmd
            .get_arguments()
            .find(|a| a.get_id() == id.as_str())
            .is_some_and(Arg::is_positional);
        cmd = cmd.mut_arg(&id, |a| {
            let a = a.help_heading(if positional { "Arguments" } else { "Options" });
            match help {
                Some(h) => a.help(h),
                None => a,
            }
        });
    }
    cmd = cmd
        .help_template(TEMPLATE_FR)
        .subcommand_help_heading("Commandes")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("aide")
                .short('h')
                .long("help")
                .help("Affiche l'aide")
                .help_heading("Options")
                .action(ArgAction::Help),
        );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .help("Affiche la version")
                .help_heading("Options")
                .action(ArgAction::Version),
        );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| french(s, &sub_path));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument of the derive has its French line, and every
    /// French line names a command or argument that exists.
    #[test]
    fn every_help_text_is_in_french() {
        fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
            out.push((path.to_string(), String::new()));
            for a in cmd.get_arguments() {
                if a.is_global_set() && !path.is_empty() {
                    continue;
                }
                out.push((path.to_string(), a.get_id().to_string()));
            }
            for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let p = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path} {}", s.get_name())
                };
                walk(s, &p, out);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut all = Vec::new();
        walk(&cmd, "", &mut all);
        all.retain(|(_, a)| a != "help" && a != "version");
        for (p, a) in &all {
            assert!(
                FRENCH.iter().any(|(fp, fa, _)| fp == p && fa == a),
                "no French help for `{p}` `{a}`: add it to cli::FRENCH"
            );
        }
        for (p, a, _) in FRENCH {
            assert!(
                all.iter().any(|(ap, aa)| ap == p && aa == a),
                "cli::FRENCH names `{p}` `{a}`, which the command line does not have"
            );
        }
        command(Lang::Fr).debug_assert();
    }

    #[test]
    fn lang_flag_is_read_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_of(&args(&["charta", "check", "--lang", "en"])),
            Lang::En
        );
        assert_eq!(lang_of(&args(&["charta", "--lang=fr", "check"])), Lang::Fr);
    }
}

/// `docs/cli.md`, the command-line reference, generated from the French
/// command line ([`command`]`(Lang::Fr)`) so that it cannot drift; and
/// `docs/interface.md`'s list of commands checked against it.
/// `CHARTA_UPDATE_DOCS=1 cargo test --bin charta reference` rewrites the file.
#[cfg(test)]
mod reference {
    use std::fmt::Write as _;
    use std::path::Path;

    use super::*;

    const HEADER: &str = "# Référence des commandes\n\n\
        <!-- Générée à partir de src/cli.rs par un test : ne pas modifier à la main. \
        CHARTA_UPDATE_DOCS=1 cargo test --bin charta reference la récrit. -->\n\n";

    /// The whole reference: `charta`, its options, a table of contents, then
    /// every command.
    fn markdown() -> String {
        let mut root = command(Lang::Fr);
        root.build();
        let mut out = String::from(HEADER);
        let about = root.get_about().map(|a| a.to_string()).unwrap_or_default();
        let _ = writeln!(out, "{}\n", escape(&about));
        out.push_str(
            "Options de `charta`\u{a0}; `--lang` et `--help` valent pour toutes les commandes\u{a0}:\n\n",
        );
        for a in root.get_arguments().filter(|a| !a.is_hide_set()) {
            out.push_str(&argument(a));
        }
        out.push_str("\nCommandes\u{a0}:\n\n");
        contents(&root, &mut out);
        out.push('\n');
        for sub in root.get_subcommands() {
            section(sub, 2, &mut out);
        }
        out
    }

    /// A link to every command, nested as the commands are.
    fn contents(cmd: &clap::Command, out: &mut String) {
        for sub in cmd.get_subcommands() {
            let name = sub.get_bin_name().unwrap_or(sub.get_name());
            let depth = name.split(' ').count() - 2;
            let anchor = name.replace(' ', "-");
            let _ = writeln!(out, "{}- [`{name}`](#{anchor})", "  ".repeat(depth));
            contents(sub, out);
        }
    }

    /// One command: heading, about, usage, arguments and options (the common
    /// ones are at the top), or its subcommands one level down.
    fn section(cmd: &clap::Command, level: usize, out: &mut String) {
        let name = cmd.get_bin_name().unwrap_or(cmd.get_name());
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        let _ = write!(
            out,
            "{} `{name}`\n\n{}\n\n",
            "#".repeat(level),
            escape(&about)
        );
        if cmd.has_subcommands() {
            for sub in cmd.get_subcommands() {
                section(sub, level + 1, out);
            }
            return;
        }
        let usage = cmd.clone().render_usage().to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
        let _ = write!(out, "```text\n{usage}\n```\n\n");
        let own = |a: &&clap::Arg| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "aide";
        let mut positionals: Vec<_> = cmd
            .get_arguments()
            .filter(own)
            .filter(|a| a.is_positional())
            .collect();
        positionals.sort_by_key(|a| a.get_index());
        let options: Vec<_> = cmd
            .get_arguments()
            .filter(own)
            .filter(|a| !a.is_positional())
            .collect();
        for (title, args) in [("Arguments", positionals), ("Options", options)] {
            if !args.is_empty() {
                let _ = write!(out, "{title}\u{a0}:\n\n");
                args.iter().for_each(|a| out.push_str(&argument(a)));
                out.push('\n');
            }
        }
    }

    /// `- `--format <FORMAT>` : help. Valeurs : … Par défaut : ….`
    fn argument(a: &clap::Arg) -> String {
        let value = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string());
        let value = value.unwrap_or_else(|| a.get_id().to_string().to_uppercase());
        let takes_values = a.get_action().takes_values();
        let mut name = match (a.get_short(), a.get_long()) {
            _ if a.is_positional() && a.is_required_set() => format!("<{value}>"),
            _ if a.is_positional() => format!("[{value}]"),
            (Some(s), Some(l)) => format!("-{s}, --{l}"),
            (None, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) => value.clone(),
        };
        if !a.is_positional() && takes_values {
            let _ = write!(name, " <{value}>");
        }
        if a.get_num_args().is_some_and(|n| n.max_values() > 1) {
            name.push_str("...");
        }
        let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
        let mut line = format!("- `{name}`\u{a0}: {}", escape(&help));
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("`{}` ({})", v.get_name(), escape(&h.to_string())),
                None => format!("`{}`", v.get_name()),
            })
            .collect();
        if !values.is_empty() {
            let _ = write!(line, " Valeurs\u{a0}: {}.", values.join(", "));
        }
        let defaults: Vec<_> = a
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy())
            .collect();
        if !defaults.is_empty() && takes_values {
            let _ = write!(line, " Par défaut\u{a0}: `{}`.", defaults.join(","));
        }
        line + "\n"
    }

    /// Help text as Markdown: `<` and `>` outside code spans would be read as HTML.
    fn escape(text: &str) -> String {
        text.split('`')
            .enumerate()
            .map(|(i, part)| match i % 2 {
                0 => part.replace('<', "&lt;").replace('>', "&gt;"),
                _ => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join("`")
    }

    /// Each leaf command of the command line, by path (`export scdl`), with its
    /// long options (not the common ones).
    fn options(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        for sub in cmd.get_subcommands() {
            let p = format!("{path} {}", sub.get_name()).trim().to_string();
            if sub.has_subcommands() {
                options(sub, &p, out);
                continue;
            }
            let mut longs: Vec<String> = sub
                .get_arguments()
                .filter(|a| !a.is_global_set() && !a.is_hide_set())
                .filter_map(|a| a.get_long().map(str::to_string))
                .filter(|l| l != "help")
                .collect();
            longs.sort();
            out.push((p, longs));
        }
    }

    /// The same, read from the block under « Commands » in docs/interface.md:
    /// a line `charta sub [ARGS] --opt …   description` starts a command, an
    /// indented line `--opt …` adds an option.
    fn interface_options() -> Vec<(String, Vec<String>)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/interface.md");
        let text = std::fs::read_to_string(path).unwrap();
        let block = text
            .split("## Commands")
            .nth(1)
            .unwrap()
            .split("```")
            .nth(1)
            .unwrap();
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for line in block.lines() {
            let syntax = line.trim_start().split("  ").next().unwrap_or("");
            if let Some(rest) = syntax.strip_prefix("charta ") {
                let words = rest
                    .split(' ')
                    // `de-minimis`, `l612-4`: a name starts with a letter.
                    .take_while(|w| {
                        w.starts_with(|c: char| c.is_ascii_lowercase())
                            && w.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    });
                out.push((words.collect::<Vec<_>>().join(" "), Vec::new()));
            }
            let longs = syntax
                .split(' ')
                .filter_map(|w| w.strip_prefix("--"))
                .map(str::to_string);
            if let Some((_, opts)) = out.last_mut() {
                opts.extend(longs);
            }
        }
        for (_, opts) in &mut out {
            opts.sort();
        }
        out.sort();
        out
    }

    #[test]
    fn interface_md_lists_the_commands_and_options_of_the_command_line() {
        let mut cli = Vec::new();
        options(&command(Lang::Fr), "", &mut cli);
        cli.sort();
        assert_eq!(
            interface_options(),
            cli,
            "docs/interface.md, « Commands »: the commands and options of src/cli.rs"
        );
    }

    #[test]
    fn docs_cli_md_is_the_command_line_in_french() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
        let want = markdown();
        if std::env::var_os("CHARTA_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/cli.md is not the command line of src/cli.rs: \
             run `CHARTA_UPDATE_DOCS=1 cargo test --bin charta reference` and read the diff"
        );
    }
}
