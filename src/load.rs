//! Reading a programme folder: `charta.toml`, `associations/*.json`, the clause
//! library and the templates (built-in, embedded in the binary, overridden by the
//! programme's own `clauses/` and `templates/`).
//!
//! Loading never stops at the first problem: every file is read and every
//! problem is returned as a located `Diagnostic`. Nothing here renders.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use crate::anchor::is_slug;
use crate::diagnostic::{Code, Diagnostic, Text, line_col};
use crate::encoding;
use crate::messages::parser_message;
pub use crate::messages::unknown_field_hint;
use crate::model::{Association, AssociationFile, PreparingFile, ProgrammeFile};
use crate::tr;

static BUILTIN_CLAUSES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/clauses");
static BUILTIN_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Where a clause or template comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Embedded in the charta binary (`clauses/`, `templates/` of the repository).
    Builtin,
    /// The programme's own `clauses/` or `templates/` folder.
    Programme,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Builtin => "built-in",
            Origin::Programme => "programme",
        })
    }
}

/// The TOML front matter of a clause.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseMeta {
    pub id: String,
    pub version: String,
    pub title: String,
    pub summary: String,
    pub source: String,
    pub part: String,
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub optional: bool,
}

/// One clause of the library.
#[derive(Debug, Clone, Serialize)]
pub struct Clause {
    #[serde(flatten)]
    pub meta: ClauseMeta,
    /// The Markdown + Tera body, after French punctuation spacing of its literal text.
    pub body: String,
    pub origin: Origin,
    /// Path for messages: `clauses/articles/objet.md` (built-in) or the file's path.
    pub path: PathBuf,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
    /// The whole file, for hashing.
    #[serde(skip)]
    pub raw: String,
}

impl Clause {
    /// 1-based line of `key = …` in the front matter, for a diagnostic.
    pub fn front_matter_line(&self, key: &str) -> Option<usize> {
        self.raw
            .lines()
            .position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
            .map(|i| i + 1)
    }
}

/// What a part of a convention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    /// Unnumbered: parties, visas, preamble, signature.
    Block,
    /// Numbered « Article 1er », « Article 2 »…
    Article,
    /// Numbered « Annexe I », « Annexe II »…
    Annex,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Block => "block",
            PartKind::Article => "article",
            PartKind::Annex => "annex",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub kind: PartKind,
    /// Title of an article or annex.
    #[serde(default)]
    pub title: Option<String>,
    /// Heading of a block, if it has one.
    #[serde(default)]
    pub heading: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    pub kind: String,
    pub title: String,
    pub parts: Vec<Part>,
}

/// The skeleton of one kind of convention.
#[derive(Debug, Clone)]
pub struct Template {
    pub file: TemplateFile,
    pub origin: Origin,
    pub path: PathBuf,
    pub raw: String,
}

/// Clauses (by id) and templates (by kind), built-in overridden by the programme's.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub clauses: BTreeMap<String, Clause>,
    pub templates: BTreeMap<String, Template>,
    /// The Typst page layout (`templates/convention.typ`), the programme's if it has one.
    pub layout: Option<(String, Origin)>,
}

/// One association file, parsed or not.
#[derive(Debug, Clone)]
pub struct AssociationEntry {
    /// The file stem: the association's id.
    pub id: String,
    pub path: PathBuf,
    pub text: String,
    /// `None` when the file could not be parsed (its problems are in `diagnostics`).
    /// Boxed: a build keeps one stub per association (see [`Programme::index`]).
    pub data: Option<Box<AssociationFile>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A loaded programme: loaded once, rendered many times.
#[derive(Debug, Clone)]
pub struct Programme {
    pub root: PathBuf,
    pub file: ProgrammeFile,
    pub toml_text: String,
    pub library: Library,
    pub associations: Vec<AssociationEntry>,
    /// Set by [`load_programme_lazy`] only: the entries of `associations` are
    /// then stubs (id and path, no text, no data, no diagnostics), each
    /// loaded when needed by [`Programme::entry`], and what the checks across
    /// files need is kept here. `None`: every entry is loaded.
    pub index: Option<CrossIndex>,
    /// The association files that hold the association alone (created by
    /// `charta import` of a record): « en préparation », left out of
    /// [`Programme::associations`], so that checks, builds and exports pass them by.
    pub preparing: Vec<Preparing>,
}

/// An association file in preparation: the association alone, its convention
/// not filled in yet.
#[derive(Debug, Clone)]
pub struct Preparing {
    pub id: String,
    pub path: PathBuf,
    pub association: Box<Association>,
}

/// The file of `e` in preparation, if it is one: it does not parse as an
/// association file, its only problem is that, and it holds the association
/// alone.
fn preparing_of(e: &AssociationEntry) -> Option<Preparing> {
    let only_parse_error =
        e.data.is_none() && e.diagnostics.len() == 1 && e.diagnostics[0].code == Code::DON_095;
    if !only_parse_error {
        return None;
    }
    let file: PreparingFile = serde_json::from_str(&e.text).ok()?;
    Some(Preparing {
        id: e.id.clone(),
        path: e.path.clone(),
        association: Box::new(file.association),
    })
}

/// The warning that says a file is in preparation and left out.
pub fn preparing_warning(p: &Preparing) -> Diagnostic {
    Diagnostic::warning(
        Code::DON_160,
        tr!(
            "association `{}` en préparation\u{a0}: le fichier ne contient que l'association, sa convention n'est pas renseignée\u{a0}; vérifications, générations et exports la laissent de côté",
            "association `{}` in preparation: the file holds the association alone, its convention is not filled in; checks, builds and exports leave it out",
            p.id
        ),
    )
    .in_file(&p.path)
    .with_hint(Text::new(
        "ajoutez au fichier `convention`, `project` et `dashboard` (le modèle\u{a0}: un autre fichier du dossier associations/)",
        "add `convention`, `project` and `dashboard` to the file (a model: another file of the associations/ folder)",
    ))
}

/// Moves the files in preparation out of `entries`, a warning for each.
fn split_preparing(
    entries: Vec<AssociationEntry>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<AssociationEntry>, Vec<Preparing>) {
    let mut kept = Vec::with_capacity(entries.len());
    let mut preparing = Vec::new();
    for e in entries {
        match preparing_of(&e) {
            Some(p) => {
                diags.push(preparing_warning(&p));
                preparing.push(p);
            }
            None => kept.push(e),
        }
    }
    (kept, preparing)
}

/// What the checks across association files need of each one, kept while
/// the files themselves are not (a build of 10,000 conventions would hold
/// about 200 MB of them): the first file, in file order, with each
/// convention reference and with each SIRET, as positions in
/// [`Programme::associations`] (whose stubs keep the paths).
#[derive(Debug, Clone, Default)]
pub struct CrossIndex {
    position: HashMap<String, u32>,
    first_reference: HashMap<String, u32>,
    first_siret: HashMap<String, u32>,
    first_iban: HashMap<String, u32>,
}

impl CrossIndex {
    /// Indexes `entry`, the next association in file order.
    fn add(&mut self, entry: &AssociationEntry) {
        let at = self.position.len() as u32;
        self.position.insert(entry.id.clone(), at);
        if let Some(d) = &entry.data {
            let reference = d.convention.reference.trim();
            if !reference.is_empty() {
                self.first_reference
                    .entry(reference.to_string())
                    .or_insert(at);
            }
            self.first_siret
                .entry(crate::ids::compact(&d.association.siret))
                .or_insert(at);
            if let Some(iban) = d
                .association
                .bank
                .as_ref()
                .and_then(|b| crate::ids::valid_iban(&b.iban))
            {
                self.first_iban.entry(iban).or_insert(at);
            }
        }
    }

    /// The position of an association before `id` (in file order) whose
    /// convention has this reference (trimmed), if any.
    pub fn earlier_reference(&self, id: &str, reference: &str) -> Option<usize> {
        self.earlier(id, self.first_reference.get(reference.trim()))
    }

    /// The position of an association before `id` whose SIRET is this one
    /// (spaces aside), if any.
    pub fn earlier_siret(&self, id: &str, siret: &str) -> Option<usize> {
        self.earlier(id, self.first_siret.get(&crate::ids::compact(siret)))
    }

    /// The position of an association before `id` whose (valid) IBAN is this
    /// one, compacted and in capitals, if any.
    pub fn earlier_iban(&self, id: &str, iban: &str) -> Option<usize> {
        self.earlier(id, self.first_iban.get(iban))
    }

    fn earlier(&self, id: &str, first: Option<&u32>) -> Option<usize> {
        let here = *self.position.get(id)?;
        first.filter(|&&f| f < here).map(|&f| f as usize)
    }
}

impl Programme {
    /// An association entry, loaded: the entry itself, or for a programme
    /// loaded by [`load_programme_lazy`], the file read and parsed now.
    pub fn entry<'a>(&self, e: &'a AssociationEntry) -> std::borrow::Cow<'a, AssociationEntry> {
        if self.index.is_some() {
            std::borrow::Cow::Owned(load_association(&e.id, &e.path))
        } else {
            std::borrow::Cow::Borrowed(e)
        }
    }
}

/// Loads a programme folder. `Err` only when `charta.toml` itself is unusable;
/// otherwise every other problem is in the returned diagnostics.
pub fn load_programme(root: &Path) -> Result<(Programme, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_programme_with(root, false)
}

fn load_programme_with(
    root: &Path,
    lazy: bool,
) -> Result<(Programme, Vec<Diagnostic>), Vec<Diagnostic>> {
    let toml_path = root.join("charta.toml");
    let toml_text = match std::fs::read(&toml_path) {
        Ok(bytes) => encoding::decode(bytes, &toml_path).map_err(|d| vec![d])?,
        Err(e) => {
            return Err(vec![
                Diagnostic::error(Code::FIC_004, tr!(
                    "impossible de lire charta.toml\u{a0}: {e}",
                    "cannot read charta.toml: {e}"
                ))
                .in_file(&toml_path)
                .with_hint(Text::new(
                    "lancez `charta init DOSSIER` pour créer un programme, ou indiquez le dossier du programme",
                    "run `charta init DIR` to create a programme, or pass the programme folder",
                )),
            ]);
        }
    };
    let file: ProgrammeFile = parse_toml(&toml_text, &toml_path).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let library = load_library(Some(root), &mut diags);
    let dir = root.join("associations");
    let mut preparing = Vec::new();
    let (associations, index) = if lazy {
        use rayon::prelude::*;
        let mut paths = association_paths(&dir, &mut diags);
        // Read in parallel, a few at a time, each dropped once indexed.
        let mut index = CrossIndex::default();
        for chunk in paths.chunks(256) {
            let read: Vec<AssociationEntry> = chunk
                .par_iter()
                .map(|(id, path)| load_association(id, path))
                .collect();
            let (read, mut p) = split_preparing(read, &mut diags);
            read.iter().for_each(|e| index.add(e));
            preparing.append(&mut p);
        }
        let held: std::collections::HashSet<&str> =
            preparing.iter().map(|p| p.id.as_str()).collect();
        paths.retain(|(id, _)| !held.contains(id.as_str()));
        let stubs = paths
            .into_iter()
            .map(|(id, path)| AssociationEntry {
                id,
                path,
                text: String::new(),
                data: None,
                diagnostics: Vec::new(),
            })
            .collect();
        (stubs, Some(index))
    } else {
        let (entries, p) = split_preparing(load_associations(&dir, &mut diags), &mut diags);
        preparing = p;
        (entries, None)
    };
    Ok((
        Programme {
            root: root.to_path_buf(),
            file,
            toml_text,
            library,
            associations,
            index,
            preparing,
        },
        diags,
    ))
}

/// [`load_programme`] for a build: each association file is read once for
/// the [`CrossIndex`] and not kept; the build loads it again when its turn
/// comes ([`Programme::entry`]), so memory does not grow with the programme.
pub fn load_programme_lazy(root: &Path) -> Result<(Programme, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_programme_with(root, true)
}

/// Parses TOML into `T`, locating the error.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error(Code::PRG_012, parser_message(e.message())).in_file(path);
        if let Some(span) = e.span() {
            let (l, c) = line_col(text, span.start);
            d = d.at(l, c);
        }
        if let Some(h) = unknown_field_hint(e.message()) {
            d = d.with_hint(h);
        }
        d
    })
}

/// Reads every `associations/*.json`, sorted by id.
pub fn load_associations(dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<AssociationEntry> {
    association_paths(dir, diags)
        .into_iter()
        .map(|(id, path)| load_association(&id, &path))
        .collect()
}

/// The id and path of every `*.json` of the folder, in path order.
fn association_paths(dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        diags.push(
            Diagnostic::error(
                Code::PRG_013,
                Text::new(
                    "le programme n'a pas de dossier associations/",
                    "the programme has no associations/ folder",
                ),
            )
            .in_file(dir)
            .with_hint(Text::new(
                "créez associations/ et mettez-y un fichier JSON par association",
                "create associations/ and put one JSON file per association in it",
            )),
        );
        return out;
    };
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((id, path));
    }
    out
}

/// Reads and parses one association file.
pub fn load_association(id: &str, path: &Path) -> AssociationEntry {
    association_from(id, path, std::fs::read(path))
}

/// [`load_association`] from the bytes of the file already read (or the
/// error of reading them): the desk compares what it read with what it holds
/// and parses those very bytes.
pub fn association_from(
    id: &str,
    path: &Path,
    bytes: std::io::Result<Vec<u8>>,
) -> AssociationEntry {
    let mut diagnostics = Vec::new();
    if !is_slug(id) {
        diagnostics.push(
            Diagnostic::error(Code::DON_094, tr!(
                "le nom de fichier `{id}.json` n'est pas un identifiant en minuscules",
                "association file name `{id}.json` is not a lowercase slug"
            ))
            .in_file(path)
            .with_hint(Text::new(
                "renommez le fichier avec des minuscules sans accents, des chiffres et des tirets (par exemple `maison-des-solidarites.json`)",
                "rename the file with lowercase letters, digits and dashes only (e.g. `maison-des-solidarites.json`)",
            )),
        );
    }
    let text = bytes
        .map_err(|e| encoding::read_error(path, &e))
        .and_then(|b| encoding::decode(b, path));
    let text = match text {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return AssociationEntry {
                id: id.to_string(),
                path: path.to_path_buf(),
                text: String::new(),
                data: None,
                diagnostics,
            };
        }
    };
    let data = match parse_association(&text, path) {
        Ok(d) => Some(Box::new(d)),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    };
    AssociationEntry {
        id: id.to_string(),
        path: path.to_path_buf(),
        text,
        data,
        diagnostics,
    }
}

/// Parses an association file, locating the first structural error by line,
/// column and JSON path.
pub fn parse_association(text: &str, path: &Path) -> Result<AssociationFile, Diagnostic> {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, AssociationFile>(&mut de) {
        Ok(v) => {
            de.end().map_err(|e| json_error(&e, path, None))?;
            Ok(v)
        }
        Err(e) => {
            let json_path = e.path().to_string();
            let inner = e.into_inner();
            Err(json_error(&inner, path, Some(json_path)))
        }
    }
}

fn json_error(e: &serde_json::Error, path: &Path, json_path: Option<String>) -> Diagnostic {
    // serde_json appends « at line L column C » to its messages; we show the location apart.
    let full = e.to_string();
    let msg = full
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(full);
    let mut d = Diagnostic::error(Code::DON_095, parser_message(&msg)).in_file(path);
    if e.line() > 0 {
        d = d.at(e.line(), e.column());
    }
    if let Some(p) = json_path.filter(|p| p != ".") {
        d = d.at_path(p);
    }
    if let Some(h) = unknown_field_hint(&msg) {
        d = d.with_hint(h);
    } else if e.is_syntax() || e.is_eof() {
        d = d.with_hint(Text::new(
            "corrigez la syntaxe JSON (une virgule, un guillemet ou une accolade qui manque en est la cause habituelle)",
            "fix the JSON syntax (a missing comma, quote or bracket is the usual cause)",
        ));
    }
    d
}

/// Loads the built-in library, then the programme's `clauses/` and `templates/` over it.
pub fn load_library(root: Option<&Path>, diags: &mut Vec<Diagnostic>) -> Library {
    let mut lib = Library::default();
    let mut files = Vec::new();
    collect_embedded(&BUILTIN_CLAUSES, &mut files);
    for (rel, text) in files {
        if rel.extension().is_some_and(|e| e == "md")
            && rel.file_name() != Some("README.md".as_ref())
        {
            add_clause(
                &mut lib,
                &Path::new("clauses").join(&rel),
                &text,
                Origin::Builtin,
                diags,
            );
        }
    }
    let mut files = Vec::new();
    collect_embedded(&BUILTIN_TEMPLATES, &mut files);
    for (rel, text) in files {
        add_template_file(
            &mut lib,
            &Path::new("templates").join(&rel),
            &text,
            Origin::Builtin,
            diags,
        );
    }
    if let Some(root) = root {
        let mut builtin_ids: BTreeMap<String, ()> = BTreeMap::new();
        for id in lib.clauses.keys() {
            builtin_ids.insert(id.clone(), ());
        }
        let mut seen_in_programme: BTreeMap<String, PathBuf> = BTreeMap::new();
        for entry in walk_sorted(&root.join("clauses")) {
            if entry.extension().is_some_and(|e| e == "md")
                && entry.file_name() != Some("README.md".as_ref())
            {
                match encoding::read_text(&entry) {
                    Ok(text) => {
                        if let Some(id) =
                            add_clause(&mut lib, &entry, &text, Origin::Programme, diags)
                            && let Some(first) = seen_in_programme.insert(id.clone(), entry.clone())
                        {
                            {
                                diags.push(
                                    Diagnostic::error(Code::BIB_018, tr!(
                                        "l'identifiant de clause `{id}` est défini deux fois dans le programme",
                                        "clause id `{id}` is defined twice in the programme"
                                    ))
                                    .in_file(&entry)
                                    .with_hint(tr!(
                                        "l'autre définition est {}\u{a0}; donnez un autre identifiant à l'une des deux",
                                        "the other definition is {}; give one of them another id",
                                        first.display()
                                    )),
                                );
                            }
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        for entry in walk_sorted(&root.join("templates")) {
            match encoding::read_text(&entry) {
                Ok(text) => add_template_file(&mut lib, &entry, &text, Origin::Programme, diags),
                Err(d) => diags.push(d),
            }
        }
    }
    lib
}

fn walk_sorted(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<(PathBuf, String)>) {
    for f in dir.files() {
        if let Some(text) = f.contents_utf8() {
            out.push((f.path().to_path_buf(), text.to_string()));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
}

fn add_template_file(
    lib: &mut Library,
    path: &Path,
    text: &str,
    origin: Origin,
    diags: &mut Vec<Diagnostic>,
) {
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => match parse_toml::<TemplateFile>(text, path) {
            Ok(file) => {
                lib.templates.insert(
                    file.kind.clone(),
                    Template {
                        file,
                        origin,
                        path: path.to_path_buf(),
                        raw: text.to_string(),
                    },
                );
            }
            Err(d) => diags.push(d),
        },
        Some("typ") if path.file_name() == Some("convention.typ".as_ref()) => {
            lib.layout = Some((text.to_string(), origin));
        }
        _ => {}
    }
}

/// Splits `+++ toml +++ body`; returns the meta, the body and the body's first line.
pub fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let text_nl = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text_nl.strip_prefix("+++")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.find("\n+++")?;
    let meta = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    let body_line = 1 + text_nl[..text_nl.len() - body.len()].matches('\n').count();
    Some((meta, body, body_line))
}

/// Parses a clause file and inserts it; returns its id.
fn add_clause(
    lib: &mut Library,
    path: &Path,
    text: &str,
    origin: Origin,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Some((meta_text, body, body_line)) = split_front_matter(text) else {
        diags.push(
            Diagnostic::error(Code::BIB_019, Text::new(
                "la clause n'a pas d'en-tête TOML",
                "clause has no TOML front matter",
            ))
            .in_file(path)
            .at(1, 1)
            .with_hint(Text::new(
                "commencez le fichier par une ligne `+++`, les clés id, version, title, summary, source, part, puis une ligne `+++`",
                "start the file with a `+++` line, the keys id, version, title, summary, source, part, then a `+++` line",
            )),
        );
        return None;
    };
    let meta: ClauseMeta = match toml::from_str(meta_text) {
        Ok(m) => m,
        Err(e) => {
            let m = parser_message(e.message());
            let mut d = Diagnostic::error(
                Code::BIB_020,
                Text::new(
                    format!("en-tête de clause invalide\u{a0}: {}", m.fr),
                    format!("invalid clause front matter: {}", m.en),
                ),
            )
            .in_file(path);
            if let Some(span) = e.span() {
                let (l, c) = line_col(meta_text, span.start);
                d = d.at(l + 1, c);
            }
            if let Some(h) = unknown_field_hint(e.message()) {
                d = d.with_hint(h);
            }
            diags.push(d);
            return None;
        }
    };
    if !is_slug(&meta.id) {
        diags.push(
            Diagnostic::error(
                Code::BIB_021,
                tr!(
                    "l'identifiant de clause `{}` n'est pas en minuscules",
                    "clause id `{}` is not a lowercase slug",
                    meta.id
                ),
            )
            .in_file(path)
            .at(2, 1)
            .with_hint(Text::new(
                "n'utilisez que des minuscules sans accents, des chiffres et des tirets",
                "use lowercase letters, digits and dashes",
            )),
        );
        return None;
    }
    if origin == Origin::Builtin && lib.clauses.contains_key(&meta.id) {
        diags.push(
            Diagnostic::error(
                Code::BIB_022,
                tr!(
                    "l'identifiant de clause intégrée `{}` est défini deux fois",
                    "built-in clause id `{}` is defined twice",
                    meta.id
                ),
            )
            .in_file(path),
        );
    }
    let id = meta.id.clone();
    lib.clauses.insert(
        id.clone(),
        Clause {
            meta,
            body: typeset_literal_text(body),
            origin,
            path: path.to_path_buf(),
            body_line,
            raw: text.to_string(),
        },
    );
    Some(id)
}

/// French spacing of a clause's own words: punctuation, and figures
/// (« 153 000 € », « 10 % ») bound by no-break spaces.
fn typeset_literal(text: &str) -> String {
    crate::french::punctuation(&crate::french::bind_numbers(text))
}

/// Applies French punctuation spacing to the literal text of a Tera template,
/// leaving `{{ }}`, `{% %}`, `{# #}` and HTML comments untouched.
pub fn typeset_literal_text(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    loop {
        let next = ["{{", "{%", "{#", "<!--"]
            .iter()
            .filter_map(|open| rest.find(open).map(|i| (i, *open)))
            .min_by_key(|(i, _)| *i);
        match next {
            None => {
                out.push_str(&typeset_literal(rest));
                return out;
            }
            Some((i, open)) => {
                out.push_str(&typeset_literal(&rest[..i]));
                let close = match open {
                    "{{" => "}}",
                    "{%" => "%}",
                    "{#" => "#}",
                    _ => "-->",
                };
                let tail = &rest[i..];
                let end = tail[open.len()..]
                    .find(close)
                    .map(|j| open.len() + j + close.len())
                    .unwrap_or(tail.len());
                out.push_str(&tail[..end]);
                rest = &tail[end..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split() {
        let t = "+++\nid = \"a\"\n+++\nBody\n";
        let (m, b, l) = split_front_matter(t).unwrap();
        assert_eq!(m, "id = \"a\"\n");
        assert_eq!(b, "Body\n");
        assert_eq!(l, 4);
    }

    #[test]
    fn literal_text_spacing_skips_tags() {
        assert_eq!(
            typeset_literal_text("suit : {{ a ? b : c }} ; {% if x %}oui !{% endif %}"),
            "suit\u{a0}: {{ a ? b : c }}\u{202f}; {% if x %}oui\u{202f}!{% endif %}"
        );
    }

    #[test]
    fn hint_for_typo() {
        let h = unknown_field_hint(
            "unknown field `fundng`, expected one of `kind`, `funding`, `years`",
        )
        .unwrap();
        assert_eq!(h.en, "did you mean `funding`?");
        assert_eq!(h.fr, "vouliez-vous dire `funding`\u{a0}?");
    }
}
