//! A programme spread over several machines: `charta build --shard i/n`
//! builds a deterministic share of the associations (by id), and
//! `charta manifest merge DEST OUT…` joins the shards' build folders into
//! DEST, which the next build of DEST accepts as its own.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::out::manifest::Store;
use crate::out::{Entry, MANIFEST, OutputFile};
use crate::tr;

/// The share `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the association `id` belongs to this share: the first 8 bytes
    /// of the SHA256 hash of its id, modulo `count` (stable across machines,
    /// versions and the other files of the programme).
    pub fn selects(&self, id: &str) -> bool {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(id.as_bytes());
        let h = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
        h % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = Text;
    fn from_str(s: &str) -> Result<Shard, Text> {
        let bad = || {
            tr!(
                "`{s}` n'est pas une part\u{a0}: écrivez `i/n`, avec 1 ≤ i ≤ n (par exemple `--shard 2/8`)",
                "`{s}` is not a share: write `i/n`, with 1 ≤ i ≤ n (for example `--shard 2/8`)"
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a merge did.
#[derive(Debug, Default)]
pub struct MergeReport {
    /// Conventions taken from the sources.
    pub conventions: usize,
    /// Files copied into DEST (the others were already there, identical).
    pub copied: usize,
}

fn read_source(dir: &Path) -> Result<Store, Diagnostic> {
    match Store::read(dir) {
        Ok(Some(store)) => Ok(store),
        Ok(None) => {
            let d = dir.display();
            Err(Diagnostic::error(
                Code::GEN_021,
                tr!(
                    "`{d}` n'est pas un dossier de construction\u{a0}: il n'a pas de {MANIFEST}",
                    "`{d}` is not a build folder: it has no {MANIFEST}"
                ),
            )
            .in_file(dir)
            .with_hint(tr!(
                "donnez les dossiers OUT des constructions `charta build --shard i/n --out OUT`",
                "give the OUT folders of the builds `charta build --shard i/n --out OUT`"
            )))
        }
        Err(m) => Err(Diagnostic::error(Code::GEN_022, unreadable(m))
            .in_file(dir.join(MANIFEST))
            .with_hint(tr!(
                "reconstruisez cette part\u{a0}: `charta build --shard i/n --out OUT`",
                "build this share again: `charta build --shard i/n --out OUT`"
            ))),
    }
}

/// « manifeste illisible : … »
fn unreadable(m: Text) -> Text {
    Text::new(
        format!("manifeste illisible\u{a0}: {}", m.fr),
        format!("unreadable manifest: {}", m.en),
    )
}

/// The files of convention `id` in `dir`: every `<id>.*` (its formats, its
/// data snapshot, its extras). Ids are slugs (no dot), so the prefix is
/// unambiguous.
fn files_of(dir: &Path, id: &str) -> std::io::Result<Vec<String>> {
    let prefix = format!("{id}.");
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let name = e?.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) {
            v.push(name);
        }
    }
    v.sort();
    Ok(v)
}

/// Copies `from` to `to` through a temporary file and a rename, unless `to`
/// already holds the same bytes.
fn copy_file(from: &Path, to: &Path) -> std::io::Result<bool> {
    let bytes = std::fs::read(from)?;
    if std::fs::read(to).is_ok_and(|b| b == bytes) {
        return Ok(false);
    }
    crate::out::write_atomic(to, &bytes)?;
    Ok(true)
}

/// Joins the build folders `sources` into `dest`: each convention's files
/// are copied, and its entry recorded in DEST's manifest (entries of DEST for
/// other conventions stay). A convention found in two sources must be the
/// same in both. Nothing is written when a source is unusable.
pub fn merge(dest: &Path, sources: &[PathBuf]) -> Result<MergeReport, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut stores = Vec::new();
    for dir in sources {
        match read_source(dir) {
            Ok(s) => stores.push((dir.as_path(), s)),
            Err(d) => errors.push(d),
        }
    }
    let owner = owners(&stores, &mut errors);
    errors.extend(other_origins(&stores));
    if !errors.is_empty() {
        return Err(errors);
    }
    std::fs::create_dir_all(dest).map_err(|e| io(dest, e))?;
    crate::out::remove_stale_temporaries(dest);
    let mut merged = open_dest(dest)?;
    if let Some((_, first)) = stores.first() {
        merged.charta = first.charta.clone();
        merged.programme = first.programme.clone();
    }
    let mut report = MergeReport::default();
    for (id, k) in owner {
        let (dir, store) = &stores[k];
        let entry = store.get(&id).expect("recorded");
        report.copied += copy_convention(dest, dir, &id)?;
        merged.insert(recorded_in(dest, dir, entry)?);
        report.conventions += 1;
    }
    merged
        .write(dest)
        .map_err(|e| io(&dest.join(MANIFEST), e))?;
    Ok(report)
}

/// GEN-025: the merge cannot be written at `p`.
fn io(p: &Path, e: std::io::Error) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Code::GEN_025,
            tr!(
                "impossible d'écrire la fusion\u{a0}: {e}",
                "cannot write the merge: {e}"
            ),
        )
        .in_file(p),
    ]
}

/// One owner per convention: the index in `stores` of the first source that
/// has it; a convention that another source has differently is an error.
fn owners(stores: &[(&Path, Store)], errors: &mut Vec<Diagnostic>) -> BTreeMap<String, usize> {
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (k, (dir, store)) in stores.iter().enumerate() {
        for e in store.entries() {
            let Some(&other) = owner.get(&e.id) else {
                owner.insert(e.id.clone(), k);
                continue;
            };
            let (odir, ostore) = &stores[other];
            let theirs = ostore.get(&e.id).expect("recorded");
            let same = theirs.inputs_sha256 == e.inputs_sha256
                && theirs.status == e.status
                && theirs.outputs.len() == e.outputs.len()
                && theirs
                    .outputs
                    .iter()
                    .all(|(f, o)| e.output(f).is_some_and(|x| x.sha256 == o.sha256));
            if !same {
                let (id, odir, dir_) = (&e.id, odir.display(), dir.display());
                errors.push(
                    Diagnostic::error(Code::GEN_023, tr!(
                        "la convention `{id}` figure dans `{odir}` et dans `{dir_}`, différente",
                        "convention `{id}` is in `{odir}` and in `{dir_}`, different"
                    ))
                    .in_file(dir.join(MANIFEST))
                    .with_hint(tr!(
                        "chaque convention doit venir d'une seule part\u{a0}: construisez \
                         les parts dans des dossiers vides, avec le même n",
                        "each convention must come from one share: build the shares \
                         in empty folders, with the same n"
                    )),
                );
            }
        }
    }
    owner
}

/// GEN-024 for each source from another programme or charta than the first.
fn other_origins(stores: &[(&Path, Store)]) -> Vec<Diagnostic> {
    let Some((first_dir, first)) = stores.first() else {
        return Vec::new();
    };
    let (charta, programme) = (&first.charta, &first.programme);
    stores
        .iter()
        .filter(|(_, s)| (&s.charta, &s.programme) != (charta, programme))
        .map(|(dir, s)| {
            let (d, first_d) = (dir.display(), first_dir.display());
            let (sp, sc) = (&s.programme, &s.charta);
            Diagnostic::error(
                Code::GEN_024,
                tr!(
                    "`{d}` vient d'un autre programme ou d'une autre version de charta \
                 («\u{a0}{sp}\u{a0}», charta {sc}) que `{first_d}` («\u{a0}{programme}\u{a0}», charta {charta})",
                    "`{d}` comes from another programme or charta version \
                 (“{sp}”, charta {sc}) than `{first_d}` (“{programme}”, charta {charta})"
                ),
            )
            .in_file(dir.join(MANIFEST))
        })
        .collect()
}

/// DEST's manifest, empty when it has none.
fn open_dest(dest: &Path) -> Result<Store, Vec<Diagnostic>> {
    match Store::read(dest) {
        Ok(s) => Ok(s.unwrap_or_default()),
        Err(m) => Err(vec![
            Diagnostic::error(Code::GEN_026, unreadable(m))
                .in_file(dest.join(MANIFEST))
                .with_hint(tr!(
                    "fusionnez dans un dossier vide, ou supprimez ce manifeste",
                    "merge into an empty folder, or delete this manifest"
                )),
        ]),
    }
}

/// Copies the files of convention `id` from `dir` into `dest`; how many
/// were copied (the others were there, identical).
fn copy_convention(dest: &Path, dir: &Path, id: &str) -> Result<usize, Vec<Diagnostic>> {
    let mut copied = 0;
    for name in files_of(dir, id).map_err(|e| io(dir, e))? {
        let to = dest.join(&name);
        if copy_file(&dir.join(&name), &to).map_err(|e| io(&to, e))? {
            copied += 1;
        }
    }
    Ok(copied)
}

/// `entry` of `dir` as DEST records it. The copies have their own
/// modification times: record them, so the next build need not hash them
/// again; a copy that is not the file the entry recorded is an error.
fn recorded_in(dest: &Path, dir: &Path, mut entry: Entry) -> Result<Entry, Vec<Diagnostic>> {
    for f in entry.outputs.values_mut() {
        let bytes = std::fs::read(dest.join(&f.file)).map_err(|e| io(&dest.join(&f.file), e))?;
        let fresh = OutputFile::written(dest, f.file.clone(), &bytes);
        if fresh.sha256 != f.sha256 {
            let file = dir.join(&f.file);
            let shown = file.display();
            return Err(vec![
                Diagnostic::error(Code::GEN_027, tr!(
                    "`{shown}` ne correspond plus à son manifeste (fichier modifié depuis la construction)",
                    "`{shown}` no longer matches its manifest (file changed since the build)"
                ))
                .in_file(&file)
                .with_hint(tr!(
                    "reconstruisez cette part avant de fusionner",
                    "build this share again before merging"
                )),
            ]);
        }
        *f = fresh;
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_ids() {
        let ids: Vec<String> = (0..1000).map(|i| format!("gen-{i:05}")).collect();
        let shards: Vec<Shard> = (1..=4).map(|i| format!("{i}/4").parse().unwrap()).collect();
        let mut sizes = [0; 4];
        for id in &ids {
            let owners: Vec<usize> = (0..4).filter(|&k| shards[k].selects(id)).collect();
            assert_eq!(owners.len(), 1, "{id}");
            sizes[owners[0]] += 1;
        }
        // Even enough: each share within 20 % of a quarter.
        assert!(sizes.iter().all(|&n| (200..300).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn a_shard_is_i_of_n() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/4/2"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("écrivez `i/n`"), "{bad}: {e}");
        }
    }
}
