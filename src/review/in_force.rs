//! The text in force of a convention, as the yearly review reads it: the
//! targets and the year's amount come from the signed acts, never from a
//! draft avenant.
//!
//! Once the convention is signed and archived (`PROG/signed/<id>/`), the data
//! in force is the archived data of the last signed act: `avenant-<k>.data.json`
//! for the last archived avenant, else `convention.data.json`. Today's
//! association file may carry a draft avenant (the unsigned last entry of
//! `convention.amendments`): its targets and amounts are not in force.
//! A convention signed but not archived is read from today's data only when
//! it has no `amendments` at all (the data is then the signed text, which
//! the next build archives); otherwise the text in force cannot be
//! established, and the review says so (BIL-034) instead of guessing.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::model::AssociationFile;
use crate::out::signed::{Act, Archive};
use crate::tr;

/// Which text the review's targets and amount come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The convention is not signed: its draft data (nothing is in force yet).
    Unsigned,
    /// The signed convention (signed on `signed`, `AAAA-MM-JJ`), as amended by
    /// the signed avenants `avenants` (number and signature date); `draft`:
    /// the number of a draft avenant the data carries, left out.
    Signed {
        signed: Option<String>,
        avenants: Vec<(usize, Option<String>)>,
        draft: Option<usize>,
    },
}

/// The data of the text in force and where it comes from.
#[derive(Debug, Clone)]
pub struct InForce {
    pub data: AssociationFile,
    pub basis: Basis,
    /// The sha256 of the signed act's data (`signed/<id>/…data.json`) when
    /// the text in force was read from the archive, else `None` (today's data).
    pub archived_sha256: Option<String>,
}

/// The text in force of convention `id` (`data`: today's association file,
/// read from `file`), or why it cannot be established.
pub fn in_force(
    root: &Path,
    id: &str,
    file: &Path,
    data: &AssociationFile,
) -> Result<InForce, Diagnostic> {
    let c = &data.convention;
    if c.signature.date.is_none() {
        return Ok(InForce {
            data: data.clone(),
            basis: Basis::Unsigned,
            archived_sha256: None,
        });
    }
    let draft = crate::out::signed::draft_avenant(data);
    let signed_in_data = c
        .amendments
        .iter()
        .take_while(|a| a.signature.date.is_some())
        .count();
    let Some(archive) = Archive::open(root, id) else {
        if c.amendments.is_empty() {
            return Ok(InForce {
                data: data.clone(),
                basis: basis(data, 0, None),
                archived_sha256: None,
            });
        }
        return Err(not_established(
            file,
            tr!(
                "la convention `{id}` est signée et a des avenants, mais son texte signé n'est pas archivé (signed/{id}/)\u{a0}: les cibles et le montant en vigueur ne peuvent pas être établis, ceux des données pouvant être ceux d'un projet d'avenant",
                "convention `{id}` is signed and has amendments, but its signed text is not archived (signed/{id}/): the targets and amount in force cannot be established, as the data's may be a draft avenant's"
            ),
        ));
    };
    let archived = archive.avenants();
    if signed_in_data > archived.len() {
        let k = archived.len() + 1;
        return Err(not_established(
            file,
            tr!(
                "l'avenant n°\u{a0}{k} de `{id}` est signé selon les données, mais il n'est pas archivé (signed/{id}/avenant-{k}.data.json)\u{a0}: les cibles et le montant en vigueur ne peuvent pas être établis",
                "avenant no. {k} of `{id}` is signed according to the data, but it is not archived (signed/{id}/avenant-{k}.data.json): the targets and amount in force cannot be established"
            ),
        ));
    }
    let act = archived
        .last()
        .map_or(Act::Convention, |k| Act::Avenant(*k));
    let path = archive.path(act, "data.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(Code::BIL_035, tr!(
            "les données de l'acte signé manquent à l'archive de `{id}`\u{a0}: {e}",
            "the archive of `{id}` lacks the data of the signed act: {e}"
        ))
        .in_file(&path)
        .with_hint(Text::new(
            "une archive n'est jamais réécrite\u{a0}: restaurez ce fichier depuis la gestion de versions du programme",
            "an archive is never rewritten: restore this file from the programme's version control",
        ))
    })?;
    let signed = crate::load::parse_association(&text, &path)?;
    let basis = basis(&signed, archived.len(), draft);
    Ok(InForce {
        data: signed,
        basis,
        archived_sha256: Some(crate::digest::sha256_hex(text.as_bytes())),
    })
}

/// The basis of data `d` amended by its first `k` avenants.
fn basis(d: &AssociationFile, k: usize, draft: Option<usize>) -> Basis {
    Basis::Signed {
        signed: d.convention.signature.date.clone(),
        avenants: (1..=k)
            .map(|n| {
                let date = d.convention.amendments.get(n - 1);
                (n, date.and_then(|a| a.signature.date.clone()))
            })
            .collect(),
        draft,
    }
}

fn not_established(file: &Path, message: Text) -> Diagnostic {
    Diagnostic::error(Code::BIL_034, message)
        .in_file(file)
        .at_path("convention.amendments")
        .with_hint(Text::new(
            "lancez `charta build`\u{a0}: la construction archive la convention signée et ses avenants signés\u{a0}; puis relancez `charta review`",
            "run `charta build`: the build archives the signed convention and its signed avenants; then run `charta review` again",
        ))
}

/// What the report says of the text its targets and amount come from.
pub fn describe(b: &Basis) -> String {
    match b {
        Basis::Unsigned => "celles du projet de convention\u{a0}: la convention n'est pas signée, aucune de ses clauses n'est en vigueur".to_string(),
        Basis::Signed {
            signed,
            avenants,
            draft,
        } => {
            let mut s = "celles de la convention".to_string();
            if let Some(d) = signed.as_deref().and_then(crate::french::date_fr) {
                s.push_str(&format!(" signée le {d}"));
            }
            if !avenants.is_empty() {
                let numbers: Vec<usize> = avenants.iter().map(|(n, _)| *n).collect();
                s.push_str(&format!(
                    ", modifiée par {}",
                    crate::avenant::avenants_named(&numbers)
                ));
                let last = avenants.last().and_then(|(_, d)| d.as_deref());
                if let Some(d) = last.and_then(crate::french::date_fr) {
                    let which = if avenants.len() > 1 { "le dernier " } else { "" };
                    s.push_str(&format!(" ({which}signé le {d})"));
                }
            }
            if let Some(k) = draft {
                s.push_str(&format!(
                    "\u{202f}; le projet d'avenant n°\u{a0}{k}, non signé, n'est pas pris en compte"
                ));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(avenants: &[(usize, &str)], draft: Option<usize>) -> Basis {
        Basis::Signed {
            signed: Some("2026-02-10".into()),
            avenants: avenants
                .iter()
                .map(|(n, d)| (*n, Some(d.to_string())))
                .collect(),
            draft,
        }
    }

    #[test]
    fn the_report_names_the_acts_in_force_and_the_draft_left_out() {
        assert_eq!(
            describe(&signed(&[], None)),
            "celles de la convention signée le 10 février 2026"
        );
        assert_eq!(
            describe(&signed(&[], Some(1))),
            "celles de la convention signée le 10 février 2026\u{202f}; le projet d'avenant n°\u{a0}1, non signé, n'est pas pris en compte"
        );
        assert_eq!(
            describe(&signed(&[(1, "2027-04-15")], None)),
            "celles de la convention signée le 10 février 2026, modifiée par l'avenant n°\u{a0}1 (signé le 15 avril 2027)"
        );
        assert_eq!(
            describe(&signed(&[(1, "2027-04-15"), (2, "2028-01-03")], Some(3))),
            "celles de la convention signée le 10 février 2026, modifiée par les avenants n°\u{a0}1 et 2 (le dernier signé le 3 janvier 2028)\u{202f}; le projet d'avenant n°\u{a0}3, non signé, n'est pas pris en compte"
        );
        assert!(describe(&Basis::Unsigned).contains("la convention n'est pas signée"));
    }
}
