//! `charta verify`: a signed PDF that came back from the parapheur, checked
//! against the archive of signed acts (`PROG/signed/<id>/`).
//!
//! The signed file must be an incremental update of exactly an archived PDF
//! (`convention.pdf`, `avenant-<k>.pdf`): its first revision is that file,
//! byte for byte. Each signature's byte range must run from the start of the
//! file to the end of its own revision, leaving out its signature value and
//! nothing else; the last signature must cover the whole file. Each
//! signature is then checked over its byte range ([`super::cms_check`]).
//! What is not checked: the certificate's chain of trust, its validity and
//! revocation, whether a signature is qualified (eIDAS).
//!
//! With `--keep`, the file is stored beside the act it signs
//! (`convention.signed.pdf`, `avenant-<k>.signed.pdf`), written once and
//! made read-only like the rest of the archive.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::out::signed::{Act, FOLDER};
use crate::tr;

use super::cms_check;
use super::pdf_sig::{self, SigDict};

/// The extension of a stored signed PDF: `convention.signed.pdf`.
pub const SIGNED_EXTENSION: &str = "signed.pdf";

/// The archived act a signed PDF is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub act: Act,
    /// `PROG/signed/<id>/convention.pdf`.
    pub archived: PathBuf,
}

impl Found {
    /// `PROG/signed/<id>/convention.signed.pdf`.
    pub fn stored_path(&self) -> PathBuf {
        self.archived
            .with_file_name(format!("{}.{SIGNED_EXTENSION}", self.act.stem()))
    }

    /// « la convention `id` », « l'avenant n° 2 de `id` ».
    pub fn label(&self) -> Text {
        let id = &self.id;
        match self.act {
            Act::Convention => tr!("la convention {id}", "convention {id}"),
            Act::Avenant(k) => tr!("l'avenant n°\u{a0}{k} de {id}", "amendment no. {k} of {id}"),
        }
    }
}

/// One signature of the file.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The name of its field (`signature-1`), when found.
    pub field: Option<String>,
    /// The signer: the certificate's CN, then its O, else `/Name`.
    pub signer: Option<String>,
    /// The signing time and where it comes from.
    pub time: Option<String>,
    /// The time is the CMS `signingTime` attribute (signed), not the PDF's `/M`.
    pub time_signed: bool,
    /// `RSA PKCS#1 v1.5, SHA-256`…
    pub algorithm: Option<String>,
    /// Cryptographically intact over its byte range, or why not.
    pub intact: Result<(), Text>,
    /// The revision it closes (1 is the archived act itself).
    pub revision: usize,
    /// Its byte range reaches the end of the file.
    pub whole_file: bool,
}

/// A signed PDF checked: the act it is and its signatures.
#[derive(Debug, Clone)]
pub struct Report {
    pub found: Found,
    /// Revisions of the file (the archived act, then one per update).
    pub revisions: usize,
    pub signatures: Vec<Signature>,
}

impl Report {
    /// Every signature intact.
    pub fn intact(&self) -> bool {
        self.signatures.iter().all(|s| s.intact.is_ok())
    }

    /// The signers, in the order of the file.
    pub fn signers(&self) -> Vec<String> {
        self.signatures
            .iter()
            .map(|s| s.signer.clone().unwrap_or_else(|| "?".to_string()))
            .collect()
    }

    /// One error per signature that is not intact (`file`: the signed PDF).
    pub fn problems(&self, file: &Path) -> Vec<Diagnostic> {
        self.signatures
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let why = s.intact.as_ref().err()?;
                let n = i + 1;
                Some(
                    Diagnostic::error(
                        Code::VER_006,
                        Text::new(
                            format!("la signature n°\u{a0}{n} n'est pas intacte\u{a0}: {}", why.fr),
                            format!("signature no. {n} is not intact: {}", why.en),
                        ),
                    )
                    .in_file(file)
                    .with_hint(tr!(
                        "redemandez le PDF signé au parapheur\u{a0}: ce fichier a été modifié après la signature, ou sa signature ne peut pas être vérifiée",
                        "ask the signature service for the signed PDF again: this file was changed after signing, or its signature cannot be checked"
                    )),
                )
            })
            .collect()
    }
}

/// What charta says it does not check, in every report.
pub fn not_checked() -> Text {
    tr!(
        "Non vérifié\u{a0}: la chaîne de confiance des certificats, leur validité et leur révocation, le caractère qualifié des signatures (eIDAS)\u{a0}; vérifié\u{a0}: les octets signés sont ceux de l'acte archivé, et chaque signature correspond à la clé de son certificat",
        "Not checked: the certificates' chain of trust, their validity and revocation, whether the signatures are qualified (eIDAS); checked: the signed bytes are those of the archived act, and each signature matches its certificate's key"
    )
}

fn refusal(code: Code, file: &Path, message: Text, hint: Text) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(code, message)
            .in_file(file)
            .with_hint(hint),
    ]
}

/// Checks `pdf` (read from `file`) against the archive of the programme at
/// `root`. `Err`: why it is refused (nothing is stored); a report whose
/// signatures are not all intact is refused by [`Report::problems`].
pub fn verify(root: &Path, file: &Path, pdf: &[u8]) -> Result<Report, Vec<Diagnostic>> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(refusal(
            Code::VER_001,
            file,
            tr!("ce fichier n'est pas un PDF", "this file is not a PDF"),
            tr!(
                "donnez le PDF signé tel que le parapheur l'a rendu (il commence par «\u{a0}%PDF-\u{a0}»)",
                "give the signed PDF as the signature service returned it (it starts with \"%PDF-\")"
            ),
        ));
    }
    let ends = pdf_sig::revisions(pdf);
    if ends.last() != Some(&pdf.len()) {
        return Err(truncated(file, pdf.len()));
    }
    let dicts = pdf_sig::signatures(pdf);
    if dicts.is_empty() {
        return Err(refusal(
            Code::VER_003,
            file,
            tr!(
                "ce PDF ne porte aucune signature",
                "this PDF carries no signature"
            ),
            tr!(
                "donnez le PDF que le parapheur a rendu après la signature, pas celui qui lui a été envoyé",
                "give the PDF the signature service returned after signing, not the one sent to it"
            ),
        ));
    }
    let mut placed = Vec::new();
    for (i, d) in dicts.iter().enumerate() {
        placed.push((place(pdf, &ends, d, i + 1, file)?, d));
    }
    placed.sort_by_key(|(rev, _)| *rev);
    if let Some((rev, _)) = placed.last()
        && *rev != ends.len()
    {
        let n = placed.len();
        let after = pdf.len() - ends[rev - 1];
        return Err(refusal(
            Code::VER_004,
            file,
            tr!(
                "le fichier a été modifié après la dernière signature (n°\u{a0}{n})\u{a0}: {after} octets ajoutés qu'aucune signature ne couvre",
                "the file was changed after the last signature (no. {n}): {after} bytes added that no signature covers"
            ),
            tr!(
                "redemandez le PDF signé au parapheur, tel qu'il est sorti de la dernière signature",
                "ask the signature service for the signed PDF as it was after the last signature"
            ),
        ));
    }
    let found = match_archive(root, file, pdf, ends[0])?;
    let signatures = placed
        .iter()
        .map(|(rev, d)| signature(pdf, d, *rev, *rev == ends.len()))
        .collect();
    Ok(Report {
        found,
        revisions: ends.len(),
        signatures,
    })
}

fn truncated(file: &Path, len: usize) -> Vec<Diagnostic> {
    refusal(
        Code::VER_002,
        file,
        tr!(
            "ce PDF est tronqué ou prolongé\u{a0}: ses {len} octets ne se terminent pas par la fin d'une révision (startxref, %%EOF), ou une signature couvre des octets au-delà de sa fin",
            "this PDF is truncated or extended: its {len} bytes do not end with the end of a revision (startxref, %%EOF), or a signature covers bytes beyond its end"
        ),
        tr!(
            "le fichier a été coupé (envoi incomplet, pièce jointe tronquée) ou des octets lui ont été ajoutés\u{a0}: redemandez-le au parapheur",
            "the file was cut (incomplete transfer, truncated attachment) or bytes were added to it: ask the signature service for it again"
        ),
    )
}

/// The revision signature `d` (n° `n`) closes, once its byte range is
/// checked: from 0 to the end of that revision, leaving out exactly its
/// `/Contents` string.
fn place(
    pdf: &[u8],
    ends: &[usize],
    d: &SigDict,
    n: usize,
    file: &Path,
) -> Result<usize, Vec<Diagnostic>> {
    let [a, b, c, len] = d.byte_range;
    let shown = |x: usize| {
        if x == usize::MAX {
            "?".to_string()
        } else {
            x.to_string()
        }
    };
    let range = format!("[{} {} {} {}]", shown(a), shown(b), shown(c), shown(len));
    let partial = |why: Text| {
        refusal(
            Code::VER_004,
            file,
            Text::new(
                format!(
                    "la signature n°\u{a0}{n} ne couvre pas tout ce qu'elle devrait (/ByteRange {range})\u{a0}: {}",
                    why.fr
                ),
                format!(
                    "signature no. {n} does not cover all it should (/ByteRange {range}): {}",
                    why.en
                ),
            ),
            tr!(
                "une signature couvre le fichier depuis son début jusqu'à la fin de sa révision, sauf sa propre valeur\u{a0}: ce fichier a été fabriqué ou altéré, redemandez-le au parapheur",
                "a signature covers the file from its start to the end of its revision, except its own value: this file was crafted or altered, ask the signature service for it again"
            ),
        )
    };
    if a == usize::MAX || b == usize::MAX || c == usize::MAX || len == usize::MAX {
        return Err(partial(tr!("plage illisible", "unreadable range")));
    }
    if c.checked_add(len).is_none_or(|end| end > pdf.len()) {
        return Err(truncated(file, pdf.len()));
    }
    if a != 0 {
        return Err(partial(tr!(
            "elle ne commence pas au début du fichier",
            "it does not start at the beginning of the file"
        )));
    }
    if (b, c) != d.contents_span {
        return Err(partial(tr!(
            "les octets laissés de côté ne sont pas exactement sa valeur (/Contents)",
            "the bytes left out are not exactly its value (/Contents)"
        )));
    }
    let Some(rev) = ends.iter().position(|&e| e >= c) else {
        return Err(truncated(file, pdf.len()));
    };
    // The end of line after an earlier revision's %%EOF may open the next
    // update (which the later signatures cover); the last revision is
    // covered to the last byte of the file.
    let end = ends[rev];
    let last = rev + 1 == ends.len();
    if c + len != end && (last || c + len != pdf_sig::without_eol(pdf, end)) {
        let left = end - (c + len);
        return Err(partial(tr!(
            "elle s'arrête {left} octets avant la fin de sa révision",
            "it stops {left} bytes before the end of its revision"
        )));
    }
    Ok(rev + 1)
}

/// Signature `d`, closing revision `rev`, checked over its byte range.
fn signature(pdf: &[u8], d: &SigDict, rev: usize, whole_file: bool) -> Signature {
    let [_, b, c, len] = d.byte_range;
    let mut signed = Vec::with_capacity(b + len);
    signed.extend_from_slice(&pdf[..b]);
    signed.extend_from_slice(&pdf[c..c + len]);
    let checked = cms_check::check(&d.contents, &signed);
    let signer = match (&checked.common_name, &checked.organisation) {
        (Some(cn), Some(o)) => Some(format!("{cn} ({o})")),
        (Some(cn), None) => Some(cn.clone()),
        (None, Some(o)) => Some(o.clone()),
        (None, None) => d.name.clone(),
    };
    let from_m = d.m.as_deref().and_then(cms_check::pdf_date);
    Signature {
        field: d.field.clone(),
        signer,
        time_signed: checked.signing_time.is_some(),
        time: checked.signing_time.clone().or(from_m),
        algorithm: checked.algorithm.clone(),
        intact: checked.intact.map_err(|(fr, en)| Text::new(fr, en)),
        revision: rev,
        whole_file,
    }
}

/// Every PDF archived in `PROG/signed/`: `(id, act, path)`, sorted.
pub fn archived_acts(root: &Path) -> Vec<Found> {
    let mut acts = Vec::new();
    let Ok(dirs) = std::fs::read_dir(root.join(FOLDER)) else {
        return acts;
    };
    let mut dirs: Vec<PathBuf> = dirs
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = files
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let act = match name.strip_suffix(".pdf") {
                Some("convention") => Act::Convention,
                Some(s) => match s.strip_prefix("avenant-").and_then(|k| k.parse().ok()) {
                    Some(k) => Act::Avenant(k),
                    None => continue,
                },
                None => continue,
            };
            acts.push(Found {
                id: id.clone(),
                act,
                archived: dir.join(&name),
            });
        }
    }
    acts
}

/// The archived act whose PDF is the first revision of `pdf` (ending at
/// `first`), or the refusal naming the acts it resembles: those with the
/// same permanent document identifier (`/ID`, which charta makes from the
/// convention's reference: another version of an act of the same convention).
fn match_archive(
    root: &Path,
    file: &Path,
    pdf: &[u8],
    first: usize,
) -> Result<Found, Vec<Diagnostic>> {
    let acts = archived_acts(root);
    let lengths = [first, pdf_sig::without_eol(pdf, first)];
    for act in &acts {
        let Ok(meta) = std::fs::metadata(&act.archived) else {
            continue;
        };
        let Ok(len) = usize::try_from(meta.len()) else {
            continue;
        };
        if lengths.contains(&len)
            && let Ok(bytes) = std::fs::read(&act.archived)
            && pdf[..len] == bytes[..]
        {
            return Ok(act.clone());
        }
    }
    let id = pdf_sig::permanent_id(pdf, first);
    let alike: Vec<String> = acts
        .iter()
        .filter(|act| {
            id.is_some()
                && std::fs::read(&act.archived)
                    .is_ok_and(|b| pdf_sig::permanent_id(&b, b.len()) == id)
        })
        .map(|act| format!("{}/{}/{}.pdf", FOLDER, act.id, act.act.stem()))
        .collect();
    let resembles = if alike.is_empty() {
        tr!(
            "il ne ressemble à aucun acte archivé (aucun n'a son identifiant de document /ID)",
            "it resembles no archived act (none has its document identifier /ID)"
        )
    } else {
        let list = alike.join(", ");
        tr!(
            "il ressemble à {list}\u{a0}: même identifiant de document (/ID, que charta tire de la référence de la convention), mais d'autres octets",
            "it resembles {list}: same document identifier (/ID, which charta makes from the convention's reference), but other bytes"
        )
    };
    Err(refusal(
        Code::VER_005,
        file,
        Text::new(
            format!(
                "ce n'est pas l'acte archivé par charta\u{a0}: sa première révision ({first} octets) n'est identique à aucun PDF de {FOLDER}/\u{a0}; {}",
                resembles.fr
            ),
            format!(
                "this is not the act charta archived: its first revision ({first} bytes) is identical to no PDF of {FOLDER}/; {}",
                resembles.en
            ),
        ),
        tr!(
            "le parapheur doit recevoir le PDF archivé tel quel (signed/<id>/convention.pdf)\u{a0}: un PDF régénéré, modifié ou d'un autre acte ne prouve pas ce qui a été signé",
            "the signature service must receive the archived PDF as it is (signed/<id>/convention.pdf): a PDF built again, edited or of another act does not prove what was signed"
        ),
    ))
}

/// What [`keep`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    Stored(PathBuf),
    /// The same bytes were already stored.
    Already(PathBuf),
}

/// Stores `pdf`, verified as `report`, beside the act it signs: written once
/// (temporary file, rename) and made read-only; an existing different file
/// is refused.
pub fn keep(report: &Report, pdf: &[u8]) -> Result<Kept, Diagnostic> {
    let path = report.found.stored_path();
    if let Ok(existing) = std::fs::read(&path) {
        if existing == pdf {
            return Ok(Kept::Already(path));
        }
        let what = report.found.label();
        return Err(Diagnostic::error(
            Code::VER_007,
            Text::new(
                format!("un autre PDF signé de {} est déjà conservé\u{a0}; il n'est pas remplacé", what.fr),
                format!("another signed PDF of {} is already stored; it is not replaced", what.en),
            ),
        )
        .in_file(&path)
        .with_hint(tr!(
            "un acte signé ne change pas\u{a0}: si le fichier conservé est faux, retirez-le vous-même (gestion de versions) avant de relancer",
            "a signed act does not change: if the stored file is wrong, remove it yourself (version control) before running again"
        )));
    }
    write_read_only(&path, pdf).map_err(|e| {
        Diagnostic::error(
            Code::VER_008,
            tr!(
                "impossible de conserver le PDF signé\u{a0}: {e}",
                "cannot store the signed PDF: {e}"
            ),
        )
        .in_file(&path)
        .with_hint(tr!(
            "vérifiez les droits d'écriture du dossier signed/ du programme",
            "check write permissions on the programme's signed/ folder"
        ))
    })?;
    Ok(Kept::Stored(path))
}

fn write_read_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::out::write_atomic(path, bytes)?;
    let mut perms = std::fs::metadata(path)?.permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(path, perms)
}

/// The signed PDF stored for `act` of convention `id`, checked again (what
/// the desk shows): `None` when none is stored.
pub fn stored(root: &Path, id: &str, act: Act) -> Option<Result<Report, Vec<Diagnostic>>> {
    let path = crate::out::signed::dir(root, id).join(format!("{}.{SIGNED_EXTENSION}", act.stem()));
    let bytes = std::fs::read(&path).ok()?;
    Some(verify(root, &path, &bytes))
}
