//! The manifest of a yearly review, `OUT/review-<year>/manifest.json`: for
//! each report and for the synthesis, the digests of what it was made from
//! and of the files written, so that the next `charta review` of that year
//! rewrites only what changed, as the build does with `OUT/manifest.json`.
//!
//! A document's files are kept when its inputs, and the text it typesets
//! (Markdown, CSV and the document's metadata), are those recorded and the
//! file is still the one written (the build's [`OutputFile::intact`]); else
//! they are written again, from the same function, so that the bytes are
//! those of a full run. Only the formats asked for are recorded.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::digest::sha256_hex;
use crate::out::{MANIFEST, OutputFile, write_atomic};

/// The format written by this version.
pub const FORMAT: u32 = 1;

/// One document (a report, the synthesis): what it was made from, and its files.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Made {
    /// The digest of each input, by name: `association` (the association
    /// file), `review` (`reviews/<year>/<id>.json`), `earlier_reviews` (those
    /// of the years before, which the trajectories and the two-deficits rule
    /// read), `in_force` (the signed act's data the targets come from, when
    /// archived), `programme` (`charta.toml`), `layout` (the PDF layout) and
    /// `engine` (charta's version).
    pub inputs: BTreeMap<String, String>,
    /// The digest of the text typeset: the Markdown (and the CSV) and the
    /// document's metadata.
    pub text: String,
    /// One file per format, by format name (`md`, `pdf`, `csv`).
    #[serde(flatten)]
    pub outputs: BTreeMap<String, OutputFile>,
}

impl Made {
    /// A document not written yet: its inputs and its text's digest.
    pub fn new(inputs: BTreeMap<String, String>, text: String) -> Made {
        Made {
            inputs,
            text,
            outputs: BTreeMap::new(),
        }
    }

    /// Which of `formats` must be written in `dir`, `previous` being the
    /// record of the last run: every one when the inputs or the text
    /// changed (or under `force`), else those not recorded, or whose file
    /// is missing or altered. The files kept are recorded in `self`.
    pub fn stale<'f>(
        &mut self,
        previous: Option<&Made>,
        formats: &[&'f str],
        dir: &Path,
        force: bool,
    ) -> Vec<&'f str> {
        let same = previous.filter(|p| !force && p.inputs == self.inputs && p.text == self.text);
        let mut stale = Vec::new();
        for &f in formats {
            match same.and_then(|p| p.outputs.get(f)) {
                Some(file) if file.intact(dir) => {
                    self.outputs.insert(f.to_string(), file.clone());
                }
                _ => stale.push(f),
            }
        }
        stale
    }
}

/// The digest of a document's text: its `parts` (each with its length, so
/// that no two lists give the same bytes) and its metadata.
pub fn text_digest(parts: &[&[u8]], meta: &impl Serialize) -> String {
    let mut all = Vec::new();
    for p in parts {
        all.extend_from_slice(&(p.len() as u64).to_le_bytes());
        all.extend_from_slice(p);
    }
    all.extend_from_slice(&serde_json::to_vec(meta).expect("metadata serialise"));
    sha256_hex(&all)
}

/// The manifest of the reviews of one year.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReviewManifest {
    pub charta: String,
    pub format: u32,
    pub year: i32,
    /// By association id.
    pub reports: BTreeMap<String, Made>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synthesis: Option<Made>,
}

impl ReviewManifest {
    pub fn new(year: i32) -> ReviewManifest {
        ReviewManifest {
            charta: env!("CARGO_PKG_VERSION").to_string(),
            format: FORMAT,
            year,
            ..ReviewManifest::default()
        }
    }

    /// The manifest in `dir`, when it holds one of this format and `year`;
    /// else (none, unreadable, another format) an empty one: everything is
    /// written again.
    pub fn read(dir: &Path, year: i32) -> ReviewManifest {
        std::fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<ReviewManifest>(&b).ok())
            .filter(|m| m.format == FORMAT && m.year == year)
            .unwrap_or_else(|| ReviewManifest::new(year))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).expect("the manifest serialises");
        b.push(b'\n');
        b
    }

    /// Writes the manifest in `dir` atomically, unless it holds these bytes
    /// already (a run that changed nothing rewrites nothing).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let path = dir.join(MANIFEST);
        let bytes = self.to_bytes();
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        write_atomic(&path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(data: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("association".to_string(), data.to_string())])
    }

    /// A record of `md` written in `dir` from `inputs("a")`.
    fn written(dir: &Path, md: &[u8]) -> Made {
        std::fs::write(dir.join("x.md"), md).unwrap();
        let mut m = Made::new(inputs("a"), "t".into());
        m.outputs
            .insert("md".into(), OutputFile::written(dir, "x.md".into(), md));
        m
    }

    #[test]
    fn a_file_is_kept_only_with_the_same_inputs_text_and_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let prev = written(dir, b"rapport");
        let now = |data: &str, text: &str| Made::new(inputs(data), text.into());
        let mut same = now("a", "t");
        assert!(same.stale(Some(&prev), &["md"], dir, false).is_empty());
        assert_eq!(same.outputs, prev.outputs);
        assert_eq!(
            now("b", "t").stale(Some(&prev), &["md"], dir, false),
            ["md"]
        );
        assert_eq!(
            now("a", "u").stale(Some(&prev), &["md"], dir, false),
            ["md"]
        );
        assert_eq!(now("a", "t").stale(Some(&prev), &["md"], dir, true), ["md"]);
        assert_eq!(now("a", "t").stale(None, &["md"], dir, false), ["md"]);
        // A format not recorded is made; the one recorded and intact is kept.
        let mut more = now("a", "t");
        assert_eq!(more.stale(Some(&prev), &["md", "pdf"], dir, false), ["pdf"]);
        assert!(more.outputs.contains_key("md"));
        // Altered (same size), or gone: written again.
        std::fs::write(dir.join("x.md"), b"rapporT").unwrap();
        assert_eq!(
            now("a", "t").stale(Some(&prev), &["md"], dir, false),
            ["md"]
        );
        std::fs::remove_file(dir.join("x.md")).unwrap();
        assert_eq!(
            now("a", "t").stale(Some(&prev), &["md"], dir, false),
            ["md"]
        );
    }

    #[test]
    fn the_manifest_reads_back_and_is_not_rewritten_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let mut m = ReviewManifest::new(2026);
        m.reports.insert("x".into(), written(dir, b"rapport"));
        m.write(dir).unwrap();
        assert_eq!(ReviewManifest::read(dir, 2026), m);
        // Another year's, or a build's manifest: empty.
        assert!(ReviewManifest::read(dir, 2027).reports.is_empty());
        let before = std::fs::metadata(dir.join(MANIFEST))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        m.write(dir).unwrap();
        let after = std::fs::metadata(dir.join(MANIFEST))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
        assert_ne!(
            text_digest(&[b"ab", b"c"], &()),
            text_digest(&[b"a", b"bc"], &())
        );
    }
}
