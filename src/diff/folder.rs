//! Comparing two build folders: every convention added, removed, changed (and
//! why) or unchanged.
//!
//! A build folder holds `<id>.md` and, since the snapshot was added to the
//! build, `<id>.data.json` (the association file it was rendered from). A
//! convention whose Markdown and data snapshot are byte-identical on both
//! sides is unchanged without being parsed, so that comparing two builds of a
//! thousand conventions where few changed costs little more than reading
//! them; the others are compared in parallel.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::data::data_changes;
use super::doc::{Convention, is_convention};
use super::{ConventionDiff, version_changes};
use crate::diagnostic::{Lang, Text};
use crate::out;
use crate::tr;

/// The fate of one convention between two builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConventionStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One convention of a batch diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderEntry {
    pub id: String,
    pub status: ConventionStatus,
    /// One line: what changed, or « added: Convention pluriannuelle d'objectifs, 19 articles »
    /// (the JSON report holds the English).
    #[serde(with = "english")]
    pub summary: Text,
    /// The changes, for a changed convention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<ConventionDiff>,
}

/// A [`Text`] in JSON: its English (read back as the same in both languages).
mod english {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::diagnostic::Text;

    pub fn serialize<S: Serializer>(t: &Text, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.en)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Text::new(s.clone(), s))
    }
}

/// The comparison of two build folders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FolderDiff {
    pub old: PathBuf,
    pub new: PathBuf,
    /// Every convention of either side, by id.
    pub conventions: Vec<FolderEntry>,
}

impl FolderDiff {
    pub fn count(&self, s: ConventionStatus) -> usize {
        self.conventions.iter().filter(|e| e.status == s).count()
    }

    pub fn has_differences(&self) -> bool {
        self.conventions
            .iter()
            .any(|e| e.status != ConventionStatus::Unchanged)
    }

    /// « 1 000 conventions: 12 changed, 1 added, 0 removed, 987 unchanged ».
    pub fn totals(&self) -> String {
        self.totals_in(Lang::En)
    }

    /// [`FolderDiff::totals`] in `lang`: « 3 convention(s) : 1 modifiée(s), … ».
    pub fn totals_in(&self, lang: Lang) -> String {
        use crate::french::{count, count_en};
        let n = self.conventions.len();
        let [changed, added, removed, unchanged] = [
            ConventionStatus::Changed,
            ConventionStatus::Added,
            ConventionStatus::Removed,
            ConventionStatus::Unchanged,
        ]
        .map(|s| self.count(s));
        match lang {
            Lang::Fr => format!(
                "{}\u{a0}: {}, {}, {}, {}",
                count(n, "convention", "conventions"),
                count(changed, "modifiée", "modifiées"),
                count(added, "ajoutée", "ajoutées"),
                count(removed, "supprimée", "supprimées"),
                count(unchanged, "inchangée", "inchangées"),
            ),
            Lang::En => format!(
                "{}: {changed} changed, {added} added, {removed} removed, {unchanged} unchanged",
                count_en(n, "convention", "conventions"),
            ),
        }
    }
}

/// Ids of the conventions of a build folder: `<id>.md` files rendered by charta.
fn conventions_in(dir: &Path) -> Result<BTreeSet<String>, Text> {
    let rd = std::fs::read_dir(dir).map_err(|e| cannot_read(dir, &e))?;
    let mut ids = BTreeSet::new();
    for entry in rd {
        let entry = entry.map_err(|e| cannot_read(dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".md") else {
            continue;
        };
        if id.starts_with('.') || !entry.path().is_file() {
            continue;
        }
        // Only the first line is needed to tell a convention from a README.
        let head = read_head(&entry.path()).map_err(|e| cannot_read(&entry.path(), &e))?;
        if is_convention(&head) {
            ids.insert(id.to_string());
        }
    }
    if ids.is_empty() && !out::has_manifest(dir) {
        return Err(tr!(
            "{} n'est pas un dossier de génération (ni convention `<id>.md` établie par charta, ni {})",
            "{} is not a build folder (no convention `<id>.md` rendered by charta, no {})",
            dir.display(),
            out::MANIFEST
        ));
    }
    Ok(ids)
}

fn read_head(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; 512];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut buf)?;
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn read(path: &Path) -> Result<String, Text> {
    std::fs::read_to_string(path).map_err(|e| cannot_read(path, &e))
}

/// « impossible de lire PATH : why ».
pub(crate) fn cannot_read(path: &Path, e: &std::io::Error) -> Text {
    tr!(
        "impossible de lire {}\u{a0}: {e}",
        "cannot read {}: {e}",
        path.display()
    )
}

/// `why`, about the file at `path`.
pub(crate) fn about(path: &Path, why: Text) -> Text {
    let p = path.display();
    Text::new(format!("{p}\u{a0}: {}", why.fr), format!("{p}: {}", why.en))
}

/// The rendered convention at `path`.
pub(crate) fn parse_at(path: &Path, text: &str) -> Result<Convention, Text> {
    Convention::parse(text).map_err(|e| about(path, e))
}

/// The data snapshot beside a convention, if there is one.
pub(crate) fn read_data(md_path: &Path) -> Result<Option<serde_json::Value>, Text> {
    let Some(path) = out::data_path_beside(md_path) else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            tr!(
                "{}\u{a0}: ce n'est pas du JSON valide\u{a0}: {e}",
                "{}: not valid JSON: {e}",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(cannot_read(&path, &e)),
    }
}

/// « Convention pluriannuelle d'objectifs, 19 articles, 4 annexes ».
fn describe(conv: &Convention) -> String {
    let count = |k: &str| conv.parts.iter().filter(|p| p.kind == k).count();
    let (a, x) = (count("article"), count("annex"));
    let mut s = conv.heading().to_string();
    if s.is_empty() {
        s = "convention".to_string();
    }
    s.push_str(&format!(
        ", {a} article{}, {x} annexe{}",
        if a > 1 { "s" } else { "" },
        if x > 1 { "s" } else { "" }
    ));
    s
}

fn one(old_dir: &Path, new_dir: &Path, id: &str, sides: (bool, bool)) -> Result<FolderEntry, Text> {
    let (old_path, new_path) = (
        old_dir.join(out::file_name(id, "md")),
        new_dir.join(out::file_name(id, "md")),
    );
    let entry = |status, summary: Text, diff| FolderEntry {
        id: id.to_string(),
        status,
        summary,
        diff,
    };
    match sides {
        (false, true) => {
            let conv = parse_at(&new_path, &read(&new_path)?)?;
            let what = describe(&conv);
            return Ok(entry(
                ConventionStatus::Added,
                tr!("ajoutée\u{a0}: {what}", "added: {what}"),
                None,
            ));
        }
        (true, false) => {
            let conv = parse_at(&old_path, &read(&old_path)?)?;
            let what = describe(&conv);
            return Ok(entry(
                ConventionStatus::Removed,
                tr!("supprimée\u{a0}: {what}", "removed: {what}"),
                None,
            ));
        }
        _ => {}
    }
    let (old_md, new_md) = (read(&old_path)?, read(&new_path)?);
    let (old_data, new_data) = (read_data(&old_path)?, read_data(&new_path)?);
    let same_data = match (&old_data, &new_data) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    if old_md == new_md && same_data {
        return Ok(entry(
            ConventionStatus::Unchanged,
            Text::new("inchangée", "unchanged"),
            None,
        ));
    }
    let old = parse_at(&old_path, &old_md)?;
    let new = parse_at(&new_path, &new_md)?;
    let mut diff = ConventionDiff::of(&old, &new);
    if let (Some(a), Some(b)) = (&old_data, &new_data) {
        diff.data = data_changes(a, b);
    }
    if diff.is_empty() {
        let versions = version_changes(&old, &new);
        let summary = if versions.is_empty() {
            Text::new(
                "inchangée (même texte\u{a0}; seuls les espaces ou les ancres diffèrent)",
                "unchanged (same wording; only spacing or anchors differ)",
            )
        } else {
            let v: Vec<String> = versions
                .iter()
                .map(|v| format!("{} {} → {}", v.clause, v.old, v.new))
                .collect();
            let v = v.join(", ");
            tr!(
                "texte inchangé\u{a0}; versions de clauses changées\u{a0}: {v}",
                "unchanged text; clause versions changed: {v}"
            )
        };
        return Ok(entry(ConventionStatus::Unchanged, summary, None));
    }
    let summary = Text::new(diff.summary_in(Lang::Fr), diff.summary_in(Lang::En));
    Ok(entry(ConventionStatus::Changed, summary, Some(diff)))
}

/// Compares every convention of two build folders.
pub fn diff_folders(old: &Path, new: &Path) -> Result<FolderDiff, Text> {
    let (a, b) = (conventions_in(old)?, conventions_in(new)?);
    let ids: Vec<(&String, bool, bool)> = a
        .union(&b)
        .map(|id| (id, a.contains(id), b.contains(id)))
        .collect();
    let conventions = ids
        .par_iter()
        .map(|(id, in_a, in_b)| one(old, new, id, (*in_a, *in_b)))
        .collect::<Result<Vec<_>, Text>>()?;
    Ok(FolderDiff {
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        conventions,
    })
}
