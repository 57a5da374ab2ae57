//! A signed act is the draft that was printed. When a build first sees an
//! act dated (`convention.signature.date`, an `amendments` entry's
//! `signature.date`), the act rendered from today's data with that date left
//! blank — its draft form, the text a draft build prints — must be, byte for
//! byte, the Markdown of the last draft built (the one the manifest records,
//! read from OUT when intact). Only then is the act, with its date filled in
//! as on the paper, archived. Any other change made in the same edit would be
//! archived as signed although nobody signed it: it is refused, and belongs
//! to the next entry (an avenant).

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::digest::sha256_hex;
use crate::model::AssociationFile;
use crate::out::Entry;
use crate::out::signed::Act;
use crate::tr;

/// The Markdown of the last draft of an act built in OUT: what was printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub sha256: String,
    /// Its text, when the file in OUT is the one recorded.
    pub text: Option<String>,
}

impl Draft {
    /// The draft recorded under `key` (`md`, `avenant-2.md`) by the manifest
    /// entry `previous`, its text read from OUT when the file is intact; with
    /// no entry (the manifest is gone), the file `file` found in OUT. An entry
    /// that records no such file means no draft: a file in OUT that the last
    /// build did not write is not what it printed.
    pub fn recorded(out: &Path, previous: Option<&Entry>, key: &str, file: &str) -> Option<Draft> {
        if let Some(p) = previous {
            let f = p.output(key)?;
            let text = f
                .intact(out)
                .then(|| std::fs::read_to_string(out.join(&f.file)).ok())
                .flatten();
            return Some(Draft {
                sha256: f.sha256.clone(),
                text,
            });
        }
        let bytes = std::fs::read(out.join(file)).ok()?;
        Some(Draft {
            sha256: sha256_hex(&bytes),
            text: String::from_utf8(bytes).ok(),
        })
    }

    /// What differs between this draft and `draft_form` (today's act with its
    /// signature date blank), or `None` when they are the same bytes.
    pub fn difference(&self, draft_form: &str) -> Option<Text> {
        if sha256_hex(draft_form.as_bytes()) == self.sha256 {
            return None;
        }
        Some(match &self.text {
            Some(printed) => crate::diff::summary_line(printed, draft_form),
            None => Text::new(
                "son texte diffère du projet établi, dont le fichier a été modifié ou supprimé dans le dossier de sortie",
                "its text differs from the draft built, whose file was altered or deleted in the output folder",
            ),
        })
    }
}

/// What dating the act changes beyond its signature block: the changes
/// from `draft_form` (the act, its date blank) to `dated` (the act with its
/// date) outside the part `signature`, summarised; `None` when the date
/// changes nothing else (the act archived is then the draft printed, its
/// date filled in). A clause whose text depends on the date (the three years
/// before the grant of a de minimis aid) would make the archived act say
/// what the paper does not.
pub fn beyond_signature(draft_form: &str, dated: &str) -> Option<Text> {
    use crate::diagnostic::Lang;
    let Ok(mut d) = crate::diff::diff_markdown(draft_form, dated) else {
        return (draft_form != dated).then(|| Text::new("son texte diffère", "its text differs"));
    };
    d.changes
        .retain(|c| c.part.as_deref() != Some(crate::anchor::SIGNATURE_PART));
    d.versions.clear();
    d.data.clear();
    (!d.is_empty()).then(|| Text::new(d.summary_in(Lang::Fr), d.summary_in(Lang::En)))
}

/// The refusal of `act`'s signature when its date changes more than its
/// signature block (`what`, from [`beyond_signature`]): the text archived
/// would not be the paper signed.
pub fn dated_text_differs(
    id: &str,
    act: Act,
    what: &Text,
    (file, at): (&Path, String),
    data: &AssociationFile,
) -> Diagnostic {
    let name = act_dated(act);
    let date = signature_date(act, data);
    let (fr, en, wfr, wen) = (&name.fr, &name.en, &what.fr, &what.en);
    Diagnostic::error(Code::GEN_030, tr!(
        "{id}\u{a0}: {fr} du {date} ne serait plus, hors de sa date, le projet imprimé pour signature\u{a0}: la date change aussi le reste du texte ({wfr})\u{a0}; rien n'est archivé, fichiers laissés intacts",
        "{id}: {en} {date} would no longer be, but for its date, the draft printed for signature: the date also changes the rest of the text ({wen}); nothing is archived, files left untouched"
    ))
    .in_file(file)
    .at_path(at)
    .with_hint(tr!(
        "le texte dépend de la date de signature (par exemple les trois années qui précèdent l'octroi d'une aide de minimis), et le projet a été établi avec une autre date\u{a0}: faites établir le projet avec les données exactes à la date de signature, vérifiez-le, faites-le signer, puis renseignez la date",
        "the text depends on the signature date (for instance the three years before a de minimis aid is granted), and the draft was made with another date: make the draft with the data as they stand at the signature date, check it, have it signed, then set the date"
    ))
}

/// The signature date of `act` in `data`, as written there.
fn signature_date(act: Act, data: &AssociationFile) -> &str {
    match act {
        Act::Convention => data.convention.signature.date.as_deref(),
        Act::Avenant(k) => {
            (data.convention.amendments.get(k - 1)).and_then(|a| a.signature.date.as_deref())
        }
    }
    .unwrap_or("?")
}

/// « la convention datée », « l'avenant n° 2 daté »: the act, as a message names it.
fn act_dated(act: Act) -> Text {
    match act {
        Act::Convention => Text::new("la convention datée", "the convention dated"),
        Act::Avenant(k) => tr!("l'avenant n°\u{a0}{k} daté", "amendment no. {k} dated"),
    }
}

/// The refusal of `act`'s signature dated `date` (at the JSON path `at` of
/// `file`): today's data `data`, date aside, do not give the draft last
/// built. The hint shows the `amendments` entry the change needs.
pub fn not_as_printed(
    id: &str,
    act: Act,
    what: &Text,
    (file, at): (&Path, String),
    data: &AssociationFile,
) -> Diagnostic {
    let (next, entry) = crate::avenant::entry_json(data);
    let date = signature_date(act, data);
    let name = act_dated(act);
    let (fr, en, wfr, wen) = (&name.fr, &name.en, &what.fr, &what.en);
    Diagnostic::error(Code::GEN_028, tr!(
        "{id}\u{a0}: {fr} du {date} n'est pas le projet établi par la dernière génération ({wfr}), qui est le texte imprimé pour signature\u{a0}; rien n'est archivé, fichiers laissés intacts",
        "{id}: {en} {date} is not the draft made by the last build ({wen}), the text printed for signature; nothing is archived, files left untouched"
    ))
    .in_file(file)
    .at_path(at)
    .with_hint(tr!(
        "l'acte signé est le projet imprimé\u{a0}: rétablissez les autres données comme dans ce projet, la date de signature seule renseignée, et générez (l'acte signé est archivé)\u{202f}; la modification passe ensuite par l'avenant n°\u{a0}{next}, à ajouter à `convention.amendments`\u{a0}: {entry}",
        "the signed act is the draft printed: restore the other data as in that draft, with only the signature date set, and build (the signed act is archived); the change then needs amendment no. {next}, to add to `convention.amendments`: {entry}"
    ))
}

/// The refusal of avenant `k`, dated in `data` (the file at `path`), of
/// which OUT has no draft (`draft_file`) that a build wrote: nothing shows
/// that the text charta would archive is the one signed.
pub fn never_drafted(
    id: &str,
    k: usize,
    draft_file: &str,
    data: &AssociationFile,
    path: &Path,
) -> Diagnostic {
    let at = format!("convention.amendments[{}].signature.date", k - 1);
    let date = (data.convention.amendments.get(k - 1))
        .and_then(|a| a.signature.date.as_deref())
        .unwrap_or("?");
    Diagnostic::error(Code::GEN_029, tr!(
        "{id}\u{a0}: l'avenant n°\u{a0}{k} est daté du {date}, mais le dossier de sortie n'a aucun projet de cet avenant établi par charta (`{draft_file}`)\u{a0}: rien ne montre que le texte que charta archiverait est celui qui a été signé\u{a0}; rien n'est archivé, fichiers laissés intacts",
        "{id}: amendment no. {k} is dated {date}, but the output folder has no draft of it made by charta (`{draft_file}`): nothing shows that the text charta would archive is the one signed; nothing is archived, files left untouched"
    ))
    .in_file(path)
    .at_path(at.clone())
    .with_hint(tr!(
        "remettez `{at}` à null et générez\u{a0}: vérifiez que le projet d'avenant écrit dans le dossier de sortie est le texte signé sur papier, puis renseignez la date et générez à nouveau",
        "set `{at}` back to null and build: check that the draft amendment written in the output folder is the text signed on paper, then set the date and build again"
    ))
}

/// The refusal of `act`, signed electronically (`[signature]`) and now
/// dated, whose PDF built today is not the one built before its date was
/// set — the PDF sent for signature: the bytes archived would not be the
/// bytes signed.
pub fn pdf_not_as_sent(
    id: &str,
    act: Act,
    (file, at): (&Path, String),
    data: &AssociationFile,
) -> Diagnostic {
    let name = act_dated(act);
    let date = signature_date(act, data);
    let (fr, en) = (&name.fr, &name.en);
    Diagnostic::error(Code::GEN_035, tr!(
        "{id}\u{a0}: signée électroniquement, {fr} du {date} donnerait un PDF autre que celui envoyé pour signature\u{a0}; rien n'est archivé, fichiers laissés intacts",
        "{id}: signed electronically, {en} {date} would give another PDF than the one sent for signature; nothing is archived, files left untouched"
    ))
    .in_file(file)
    .at_path(at)
    .with_hint(tr!(
        "le PDF signé est celui qui a été envoyé\u{a0}: rétablissez ce qui a changé depuis (mise en page, `[signature]`, version de charta) et générez à nouveau, ou faites signer le nouveau PDF",
        "the PDF signed is the one sent: restore what changed since (layout, `[signature]`, charta's version) and build again, or have the new PDF signed"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_are_no_difference_and_another_text_is_summarised() {
        let d = Draft {
            sha256: sha256_hex(b"abc"),
            text: None,
        };
        assert_eq!(d.difference("abc"), None);
        let other = d.difference("abd").expect("differs");
        assert!(other.fr.contains("modifié ou supprimé"), "{other:?}");
    }
}
