//! The output folder `OUT`: its layout (file names), its manifest, atomic
//! writes and reading a previous build. `batch` writes a build folder through
//! this module and `diff` reads one through it; neither knows the other.
//!
//! ```text
//! OUT/<id>.md           the convention (Markdown; the diff's input)
//! OUT/<id>.data.json    the association file it was rendered from
//! OUT/<id>.<ext>        one file per other format (pdf, odt, docx…)
//! OUT/<id>.typ          the generated Typst source (`--keep-typst`)
//! OUT/manifest.json     one entry per convention, written last (see `manifest`)
//! OUT/manifest.journal  progress of a build under way (compacted at its end)
//! OUT/.charta-tmp-*     temporaries of a build in progress (removed by the next)
//! OUT/review-<year>/    `charta review`'s documents and their manifest (`review::manifest`)
//! ```

pub mod cms_check;
pub mod manifest;
pub mod pdf_sig;
pub mod shard;
pub mod signed;
pub mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};

pub const MANIFEST: &str = "manifest.json";
const TMP_PREFIX: &str = ".charta-tmp-";

/// `<id>.<extension>`: the file of one format of one convention.
pub fn file_name(id: &str, extension: &str) -> String {
    format!("{id}.{extension}")
}

/// `<id>.data.json`: the data snapshot beside a convention.
pub fn data_file(id: &str) -> String {
    format!("{id}.data.json")
}

/// `<id>.avenant-<k>`: the stem of avenant k's files (`<stem>.md`, `.pdf`…).
pub fn avenant_stem(id: &str, k: usize) -> String {
    format!("{id}.avenant-{k}")
}

/// `<id>.consolidee`: the stem of the consolidated version's files.
pub fn consolidated_stem(id: &str) -> String {
    format!("{id}.consolidee")
}

/// `<id>.typ`: the generated Typst source kept by `--keep-typst`.
pub fn typst_file(id: &str) -> String {
    format!("{id}.typ")
}

/// The data snapshot beside the rendered convention `md_path` (`x/<id>.md` → `x/<id>.data.json`).
pub fn data_path_beside(md_path: &Path) -> Option<PathBuf> {
    let stem = md_path.file_stem()?;
    Some(md_path.with_file_name(data_file(&stem.to_string_lossy())))
}

/// What happened to one convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Rendered,
    Unchanged,
    Refused,
    Failed,
}

/// One written file of one convention.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutputFile {
    pub file: String,
    pub sha256: String,
    pub size: u64,
    /// Modification time (ns since the epoch) when written: an unchanged size and
    /// time spare the next build from hashing the file again.
    #[serde(default)]
    pub modified_ns: u64,
}

impl OutputFile {
    /// The record of `file`, just written in `out` with `bytes`.
    pub fn written(out: &Path, file: String, bytes: &[u8]) -> OutputFile {
        let modified_ns = modified_ns(&out.join(&file)).unwrap_or(0);
        OutputFile {
            file,
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            modified_ns,
        }
    }

    /// Whether the file in `out` is still the one recorded (same size, and same
    /// modification time or same hash).
    pub fn intact(&self, out: &Path) -> bool {
        let path = out.join(&self.file);
        match std::fs::metadata(&path) {
            Ok(m) if m.len() == self.size => {
                self.modified_ns != 0 && modified_ns(&path) == Some(self.modified_ns)
                    || std::fs::read(&path)
                        .map(|b| sha256_hex(&b) == self.sha256)
                        .unwrap_or(false)
            }
            _ => false,
        }
    }
}

fn modified_ns(path: &Path) -> Option<u64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as u64)
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClauseInput {
    pub id: String,
    pub version: String,
    pub origin: crate::load::Origin,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Inputs {
    /// The association file.
    pub data: String,
    /// `charta.toml` (funder, priorities).
    pub programme: String,
    pub template: String,
    /// The layouts of the formats built that have one (the Typst layout of
    /// the PDF), `+`-joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
    pub engine: String,
    pub clauses: Vec<ClauseInput>,
}

/// One convention in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub status: Status,
    pub signed: bool,
    pub inputs: Inputs,
    /// Hash of `inputs`, compared by the next build.
    pub inputs_sha256: String,
    /// One file per format, by format name (`"md"`, `"pdf"`, `"odt"`…):
    /// written as keys of the entry itself.
    #[serde(flatten)]
    pub outputs: BTreeMap<String, OutputFile>,
    /// Number of pages of the PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// The archive of its signed acts (`signed/<id>`, relative to the
    /// programme folder), once signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_archive: Option<String>,
    /// The avenants written in OUT (`<id>.avenant-<k>.*`), signed and draft;
    /// their files and those of the consolidated version are in the outputs
    /// under `avenant-<k>.<format>` and `consolidee.<format>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avenants: Vec<usize>,
}

impl Entry {
    pub fn output(&self, format: &str) -> Option<&OutputFile> {
        self.outputs.get(format)
    }

    /// Whether the file of `format` is recorded and still intact in `out`.
    pub fn intact(&self, out: &Path, format: &str) -> bool {
        self.output(format).is_some_and(|f| f.intact(out))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub charta: String,
    pub programme: String,
    pub conventions: Vec<Entry>,
}

impl Manifest {
    /// The manifest of a previous build, if `out` has a readable one (either
    /// format, its journal replayed: see [`crate::out::manifest`]).
    pub fn read(out: &Path) -> Option<Manifest> {
        crate::out::manifest::read_manifest(out)
    }

    /// Writes the manifest of `out`, atomically, in the current format (the
    /// serde form of this struct is format 1, read still).
    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        crate::out::manifest::Store::from_manifest(self).write(out)
    }
}

/// Whether `dir` holds a manifest (it is a build folder, even if empty).
pub fn has_manifest(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file() || dir.join(crate::out::manifest::JOURNAL).is_file()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage_atomic(path, bytes)?
        .persist(path)
        .map_err(|e| e.error)?;
    Ok(())
}

/// Writes what `fill` writes to `path` through a temporary file in the same
/// folder and a rename, without holding the whole file in memory (the
/// manifest of a large programme). `fill` gets a buffered writer, and calls
/// its [`Staging::midway`] when about half the bytes are written.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut Staging) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut tmp = temp_beside(path)?;
    let mut w = Staging {
        w: std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut()),
        name: path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        midway: false,
    };
    fill(&mut w)?;
    if !w.midway {
        w.midway()?;
    }
    w.flush()?;
    drop(w);
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The buffered writer of [`write_atomic_with`].
pub struct Staging<'a> {
    w: std::io::BufWriter<&'a mut std::fs::File>,
    /// The file name, for the failpoint.
    name: String,
    midway: bool,
}

impl Staging<'_> {
    /// About half the bytes are written: they reach the temporary file, and
    /// `CHARTA_FAILPOINT=fail:write:<file>` (a full disk), `panic:` or
    /// `stall:` strikes here, as it does halfway through [`stage_atomic`].
    pub fn midway(&mut self) -> std::io::Result<()> {
        self.midway = true;
        self.w.flush()?;
        crate::failpoint::write(&self.name)
    }
}

impl Write for Staging<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// An empty temporary file beside `path` (dropped, it is removed).
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX);
    // Outputs are documents to share, not secrets: the usual 0644, not tempfile's 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(dir)
}

/// Writes `bytes` to a temporary file beside `path`, to be renamed to `path`
/// (dropped, it is removed).
pub fn stage_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = temp_beside(path)?;
    let (first, second) = bytes.split_at(bytes.len() / 2);
    tmp.write_all(first)?;
    // `CHARTA_FAILPOINT=fail:write:<file>` (a full disk), `panic:` or `stall:`
    // with half the bytes in the temporary file.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    crate::failpoint::write(&name)?;
    tmp.write_all(second)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Removes the temporaries a killed build left in `out`.
pub fn remove_stale_temporaries(out: &Path) {
    if let Ok(rd) = std::fs::read_dir(out) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_keeps_one_key_per_format() {
        let json = r#"{"id":"x","status":"rendered","signed":false,
            "inputs":{"data":"d","programme":"p","template":"t","engine":"0","clauses":[]},
            "inputs_sha256":"h",
            "md":{"file":"x.md","sha256":"a","size":1},
            "odt":{"file":"x.odt","sha256":"b","size":2,"modified_ns":3},
            "pages":4}"#;
        let e: Entry = serde_json::from_str(json).unwrap();
        assert_eq!(e.output("md").unwrap().file, "x.md");
        assert_eq!(e.output("odt").unwrap().modified_ns, 3);
        assert_eq!(e.pages, Some(4));
        let back = serde_json::to_value(&e).unwrap();
        assert_eq!(back["odt"]["file"], "x.odt");
        assert!(back.get("outputs").is_none());
    }
}
