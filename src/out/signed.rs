//! The archive of signed acts: `PROG/signed/<id>/`, inside the programme
//! folder, so that a signed convention never depends on a build folder.
//!
//! ```text
//! PROG/signed/<id>/convention.md          the signed convention, every format built
//! PROG/signed/<id>/convention.pdf …       when charta first saw it signed
//! PROG/signed/<id>/convention.data.json   the association data it was rendered from
//! PROG/signed/<id>/avenant-<k>.md, .pdf … each signed avenant, same formats
//! PROG/signed/<id>/avenant-<k>.data.json  the data it was rendered from
//! PROG/signed/<id>/avenant-<k>.texte.md   the convention's text in force after it,
//!                                         what avenant k+1 is computed against
//! PROG/signed/<id>/convention.signed.pdf  the PDF signed in the parapheur (`charta verify
//!                                         --keep`, `out::verify`); avenant-<k>.signed.pdf
//! ```
//!
//! Files are written once (through a temporary file and a rename) and made
//! read-only; an existing file is never replaced. A build writes the signed
//! files of OUT from here, byte for byte, never from today's data.

use std::path::{Path, PathBuf};

use crate::model::AssociationFile;

/// The archive folder's name inside the programme folder.
pub const FOLDER: &str = "signed";

/// One signed act of a convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Convention,
    /// Avenant n° k (from 1).
    Avenant(usize),
}

impl Act {
    /// `convention`, `avenant-2`: the stem of its files in the archive.
    pub fn stem(self) -> String {
        match self {
            Act::Convention => "convention".to_string(),
            Act::Avenant(k) => format!("avenant-{k}"),
        }
    }
}

/// `PROG/signed/<id>`.
pub fn dir(root: &Path, id: &str) -> PathBuf {
    root.join(FOLDER).join(id)
}

/// `signed/<id>`, as the manifest records it (relative to the programme).
pub fn relative_dir(id: &str) -> String {
    format!("{FOLDER}/{id}")
}

/// The archive of one convention.
#[derive(Debug, Clone)]
pub struct Archive {
    pub dir: PathBuf,
}

impl Archive {
    /// The archive of `id`, if its signed convention is archived.
    pub fn open(root: &Path, id: &str) -> Option<Archive> {
        let a = Archive { dir: dir(root, id) };
        a.path(Act::Convention, "md").is_file().then_some(a)
    }

    /// The file of `act` with `extension` (`md`, `pdf`, `data.json`, `texte.md`).
    pub fn path(&self, act: Act, extension: &str) -> PathBuf {
        self.dir.join(format!("{}.{extension}", act.stem()))
    }

    pub fn read(&self, act: Act, extension: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(act, extension)).ok()
    }

    pub fn read_text(&self, act: Act, extension: &str) -> Option<String> {
        std::fs::read_to_string(self.path(act, extension)).ok()
    }

    /// The numbers of the signed avenants archived, 1, 2… without a gap.
    pub fn avenants(&self) -> Vec<usize> {
        (1..)
            .take_while(|k| self.path(Act::Avenant(*k), "md").is_file())
            .collect()
    }

    /// The convention's text in force: after the last archived avenant, or
    /// the signed convention itself.
    pub fn text_in_force(&self) -> Option<String> {
        match self.avenants().last() {
            Some(k) => self.read_text(Act::Avenant(*k), "texte.md"),
            None => self.read_text(Act::Convention, "md"),
        }
    }

    /// Adds the files of `act` that the archive does not have yet, each
    /// written atomically and made read-only. A file already there is kept
    /// as it is (an archive is never rewritten).
    pub fn add(&self, act: Act, files: &[(&str, &[u8])]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        for (extension, bytes) in files {
            write_once(&self.path(act, extension), bytes)?;
        }
        Ok(())
    }
}

/// Writes `bytes` at `path` once: atomically, then read-only. A file already
/// there is kept as it is (an archived act is never rewritten).
pub fn write_once(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    crate::out::write_atomic(path, bytes)?;
    let mut perms = std::fs::metadata(path)?.permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(path, perms)
}

/// Where a convention stands with its signed acts: what the web desk shows
/// (« avenant à signer ») and the build acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignedStatus {
    /// `convention.signature.date` is set.
    pub signed: bool,
    /// Its signed text is archived in `PROG/signed/<id>/`.
    pub archived: bool,
    /// Avenants signed according to the data (`amendments` with a date).
    pub signed_avenants: usize,
    /// The number of the draft avenant the data asks for (the unsigned last
    /// entry of `amendments`), if any.
    pub draft_avenant: Option<usize>,
}

/// The status of convention `id` of the programme at `root`, from its data.
pub fn status(root: &Path, id: &str, data: &AssociationFile) -> SignedStatus {
    let c = &data.convention;
    let signed_avenants = c
        .amendments
        .iter()
        .take_while(|a| a.signature.date.is_some())
        .count();
    SignedStatus {
        signed: c.signature.date.is_some(),
        archived: Archive::open(root, id).is_some(),
        signed_avenants,
        draft_avenant: draft_avenant(data),
    }
}

/// The number of the draft avenant (1-based) when the last entry of
/// `convention.amendments` is not signed.
pub fn draft_avenant(data: &AssociationFile) -> Option<usize> {
    let a = &data.convention.amendments;
    a.last()
        .filter(|last| last.signature.date.is_none())
        .map(|_| a.len())
}

/// Archives the signed convention of manifest entry `entry` from the files
/// of the build folder `out` (each checked against the hash the entry
/// records) and the data it was rendered from (`OUT/<id>.data.json`).
/// `Ok(false)` when OUT has no Markdown of it to archive.
pub fn archive_from_out(
    root: &Path,
    out: &Path,
    entry: &crate::out::Entry,
) -> std::io::Result<bool> {
    let id = &entry.id;
    let Some(md) = entry.output("md") else {
        return Ok(false);
    };
    if !md.intact(out) {
        return Ok(false);
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (key, f) in &entry.outputs {
        // Formats only (`md`, `pdf`…), not an avenant's files.
        if key.contains('.') {
            continue;
        }
        let bytes = std::fs::read(out.join(&f.file))?;
        if crate::digest::sha256_hex(&bytes) != f.sha256 {
            return Ok(false);
        }
        let ext = f
            .file
            .strip_prefix(&format!("{id}."))
            .unwrap_or(key.as_str())
            .to_string();
        files.push((ext, bytes));
    }
    match std::fs::read(out.join(crate::out::data_file(id))) {
        Ok(b) => files.push(("data.json".to_string(), b)),
        Err(_) => return Ok(false),
    }
    let archive = Archive { dir: dir(root, id) };
    // The Markdown last: it is what marks the convention archived.
    files.sort_by_key(|(e, _)| e == "md");
    for (ext, bytes) in &files {
        archive.add(Act::Convention, &[(ext.as_str(), bytes.as_slice())])?;
    }
    Ok(true)
}
