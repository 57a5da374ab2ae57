//! An adopted délibération is locked like a signed act: archived once in
//! `PROG/signed/deliberations/` (each file written once, read-only, through
//! `out::signed::write_once`), and never replaced. Before the first archive
//! its text is compared with the projet OUT holds, the one the assembly was
//! given; afterwards with the archive. A difference refuses everything.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::out::signed;
use crate::tr;

/// `PROG/signed/deliberations`.
pub fn dir(root: &Path) -> std::path::PathBuf {
    root.join(signed::FOLDER).join(super::FOLDER)
}

/// The text files compared: the Markdown of both documents and the CSV.
fn is_text(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".csv")
}

/// The files OUT gets for the adopted décision `number`: those archived,
/// byte for byte, the others archived now. `out_dir` is `OUT/deliberations`.
pub fn settle(
    root: &Path,
    out_dir: &Path,
    (number, stem): (&str, &str),
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let archive = dir(root);
    let md = format!("{stem}.md");
    let against = if archive.join(&md).is_file() {
        archive.clone()
    } else {
        // Not archived yet: the projet printed for the session, if OUT has it.
        out_dir.to_path_buf()
    };
    for (name, bytes) in files.iter().filter(|(n, _)| is_text(n)) {
        if let Ok(old) = std::fs::read(against.join(name))
            && &old != bytes
        {
            return Err(changed(number, name, against == archive, root));
        }
    }
    let fail = |e: std::io::Error| super::unwritable(number, &archive, &e.to_string());
    std::fs::create_dir_all(&archive).map_err(fail)?;
    let mut out = Vec::new();
    // The Markdown last: it is what marks the décision archived.
    let mut order: Vec<&(String, Vec<u8>)> = files.iter().collect();
    order.sort_by_key(|(n, _)| *n == md);
    for (name, bytes) in order {
        let path = archive.join(name);
        match std::fs::read(&path) {
            Ok(old) => out.push((name.clone(), old)),
            Err(_) => {
                signed::write_once(&path, bytes).map_err(fail)?;
                out.push((name.clone(), bytes.clone()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// GEN-032: the adopted text would change.
fn changed(number: &str, name: &str, archived: bool, root: &Path) -> Diagnostic {
    let (fr, en) = if archived {
        ("son texte archivé", "its archived text")
    } else {
        (
            "le projet écrit dans le dossier de sortie",
            "the projet written in the output folder",
        )
    };
    Diagnostic::error(
        Code::GEN_032,
        tr!(
            "la délibération n°\u{a0}{number} adoptée changerait ({name} diffère de {fr})\u{a0}; rien n'est remplacé",
            "adopted délibération no. {number} would change ({name} differs from {en}); nothing is replaced"
        ),
    )
    .in_file(root.join("charta.toml"))
    .at_path(format!("deliberations.\"{number}\".adopted"))
    .with_hint(tr!(
        "une délibération adoptée ne change plus\u{a0}: rétablissez les données qu'elle a approuvées, ou faites adopter une nouvelle délibération sous un autre numéro",
        "an adopted délibération never changes: restore the data it approved, or have a new délibération adopted under another number"
    ))
}
