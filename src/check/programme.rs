//! Rules on `charta.toml` (the funder's SIRET, the charter date, the
//! priorities, characters no embedded font has) and across association files (a convention reference or a
//! SIRET used twice, checked with each file so that `build` refuses it too). Located by line and column in charta.toml through the
//! spans of the TOML parser. Reads only; never renders.

use std::collections::BTreeMap;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Text, line_col};
use crate::load::{AssociationEntry, Programme};
use crate::locate::{JsonPath, Seg};
use crate::model::AssociationFile;
use crate::tr;

use super::Sink;
use super::structure::Point;

use super::association::{date_problem, siret_problem};

/// Byte offset of the value at `path` in a TOML text.
pub fn toml_offset(text: &str, path: &JsonPath) -> Option<usize> {
    let doc = DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut at = None;
    let mut current: Option<&DeValue> = None;
    for seg in &path.0 {
        let value = match (seg, current) {
            (Seg::Key(k), None) => table
                .iter()
                .find(|(key, _)| key.get_ref() == k)
                .map(|(_, v)| v)?,
            (Seg::Key(k), Some(DeValue::Table(t))) => {
                table = t;
                table
                    .iter()
                    .find(|(key, _)| key.get_ref() == k)
                    .map(|(_, v)| v)?
            }
            (Seg::Index(i), Some(DeValue::Array(a))) => a.get(*i)?,
            _ => return None,
        };
        at = Some(value.span().start);
        current = Some(value.get_ref());
    }
    at
}

pub(crate) fn diag_at(mut d: Diagnostic, file: &Path, text: &str, path: &JsonPath) -> Diagnostic {
    d = d.in_file(file).at_path(path.to_string());
    if let Some(off) = toml_offset(text, path) {
        let (l, c) = line_col(text, off);
        d = d.at(l, c);
    }
    d
}

/// Every problem of `charta.toml`.
pub fn check(prog: &Programme) -> Vec<Diagnostic> {
    let file = prog.root.join("charta.toml");
    let text = &prog.toml_text;
    let p = &prog.file;
    let mut out = Vec::new();
    let path = |s: &str| JsonPath::parse(s).expect("valid path");

    if let Some((m, h)) = siret_problem(("le SIRET du financeur", "funder SIRET"), &p.funder.siret)
    {
        out.push(diag_at(
            Diagnostic::error(m).code("PRG-001").with_hint(h),
            &file,
            text,
            &path("funder.siret"),
        ));
    }
    if let Some((m, h)) = date_problem(
        ("la date de la charte", "charter date"),
        &p.programme.charter_date,
    ) {
        out.push(diag_at(
            Diagnostic::error(m).code("PRG-002").with_hint(h),
            &file,
            text,
            &path("programme.charter_date"),
        ));
    }
    if p.priorities.is_empty() {
        out.push(
            Diagnostic::warning(Text::new("charta.toml n'a aucune [[priorities]]", "charta.toml has no [[priorities]]")).code("PRG-003")
                .in_file(&file)
                .with_hint(
                    Text::new("ajoutez les priorités du financeur\u{a0}: chaque objectif d'un tableau de bord se rattache à l'une d'elles", "add the funder's priorities: every objective of a dashboard hangs from one"),
                ),
        );
    }
    if let Ok(value) = toml::from_str::<serde_json::Value>(text) {
        for u in super::glyphs::scan(&value) {
            out.push(diag_at(
                Diagnostic::error(u.message())
                    .code("PRG-004")
                    .with_hint(u.hint()),
                &file,
                text,
                &u.path,
            ));
        }
    }
    // Competence after loi NOTRe: a collectivité cites the specific basis of the
    // programme and states the local public interest it serves.
    if p.funder.kind != crate::model::FunderKind::Etat {
        if p.programme.legal_basis.is_empty() {
            out.push(diag_at(
                Diagnostic::warning(
                    Text::new("aucun fondement de compétence propre au programme (`[programme] legal_basis`) : les conventions ne visent que l'article général du CGCT", "no competence basis of the programme's own (`[programme] legal_basis`): the conventions cite only the general article of the CGCT"),
                ).code("PRG-005")
            .with_hint(
                    Text::new("depuis la loi NOTRe, la clause générale de compétence ne suffit plus : ajoutez `legal_basis = [\"l'article L. 4251-12 du code général des collectivités territoriales\", …]`, un « Vu » par texte", "since the loi NOTRe, the general competence clause is no longer enough: add `legal_basis = [\"l'article L. 4251-12 du code général des collectivités territoriales\", …]`, one « Vu » per text"),
                ),
            &file,
            text,
            &path("programme"),
            ));
        }
        if p.programme.public_interest.is_none() {
            out.push(diag_at(
                Diagnostic::warning(
                    Text::new("l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`) : le préambule des conventions ne l'énonce pas", "the local public interest the programme serves is not defined (`[programme] public_interest`): the preamble of the conventions does not state it"),
                ).code("PRG-006")
                .with_hint(
                    Text::new("ajoutez `public_interest = \"…\"`, la phrase qui dit en quoi le programme sert un intérêt public local", "add `public_interest = \"…\"`, the sentence that says how the programme serves a local public interest"),
                ),
                &file,
                text,
                &path("programme"),
            ));
        }
    }
    for (i, basis) in p.programme.legal_basis.iter().enumerate() {
        if basis.trim().is_empty() {
            out.push(diag_at(
                Diagnostic::error(Text::new("fondement de compétence vide", "empty competence basis")).code("PRG-007")
                    .with_hint(Text::new("écrivez le texte tel qu'il suit « Vu » : « l'article L. 1511-2 du code général des collectivités territoriales »", "write the text as it follows « Vu »: « l'article L. 1511-2 du code général des collectivités territoriales »")),
                &file,
                text,
                &JsonPath::root().key("programme").key("legal_basis").index(i),
            ));
        }
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, pr) in p.priorities.iter().enumerate() {
        let at = JsonPath::root().key("priorities").index(i).key("id");
        if pr.id.trim().is_empty() {
            out.push(diag_at(
                Diagnostic::error(Text::new(
                    "l'identifiant de priorité est vide",
                    "priority id is empty",
                ))
                .code("PRG-008")
                .with_hint(Text::new(
                    "donnez à chaque priorité un identifiant court (P1, P2…)",
                    "give each priority a short id (P1, P2…)",
                )),
                &file,
                text,
                &at,
            ));
        } else if let Some(first) = seen.get(pr.id.as_str()) {
            out.push(diag_at(
                Diagnostic::error(tr!("l'identifiant de priorité `{}` est employé deux fois (aussi priorities[{first}])", "priority id `{}` is used twice (also priorities[{first}])",
                    pr.id
                )).code("PRG-009")
                .with_hint(Text::new("donnez à chaque priorité son propre identifiant\u{a0}: les objectifs y renvoient par identifiant", "give each priority its own id: objectives refer to them by id")),
                &file,
                text,
                &at,
            ));
        } else {
            seen.insert(&pr.id, i);
        }
    }
    out
}

/// Whether an earlier association file of the programme has the same convention
/// reference or the same SIRET: warnings (a copied file is the usual cause, and
/// the act can still be rendered), told on the later file.
pub fn duplicates(
    prog: &Programme,
    entry: &AssociationEntry,
    data: &AssociationFile,
    s: &mut Sink,
) {
    let short = |p: &Path| {
        p.strip_prefix(&prog.root)
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let reference = data.convention.reference.trim();
    let siret = data.association.siret.as_str();
    // Most SIRETs are written without spaces: compare them as they are, compact only when needed.
    let same_siret_as = |other: &str| {
        other == siret
            || ((other.contains(char::is_whitespace) || siret.contains(char::is_whitespace))
                && crate::ids::compact(other) == crate::ids::compact(siret))
    };
    let (mut same_ref, mut same_siret) = (None, None);
    if let Some(index) = &prog.index {
        // A programme loaded for a build keeps an index, not the files.
        if !reference.is_empty() {
            same_ref = index
                .earlier_reference(&entry.id, reference)
                .map(|i| short(&prog.associations[i].path));
        }
        same_siret = index
            .earlier_siret(&entry.id, siret)
            .map(|i| short(&prog.associations[i].path));
    } else {
        let earlier = prog
            .associations
            .iter()
            .take_while(|e| !std::ptr::eq(*e, entry) && e.id != entry.id)
            .filter_map(|e| e.data.as_ref().map(|d| (e, d)));
        for (e, d) in earlier {
            if same_ref.is_none()
                && !reference.is_empty()
                && d.convention.reference.trim() == reference
            {
                same_ref = Some(short(&e.path));
            }
            if same_siret.is_none() && same_siret_as(&d.association.siret) {
                same_siret = Some(short(&e.path));
            }
        }
    }
    if let Some(other) = same_ref {
        s.warning(
            "PRG-010",
            JsonPath::root().key("convention").key("reference"),
            Point::Value,
            tr!(
                "la référence de convention `{reference}` est aussi employée par {other}",
                "convention reference `{reference}` is also used by {other}"
            ),
            Text::new(
                "donnez à chaque convention sa propre référence\u{a0}: elle identifie l'acte",
                "give each convention its own reference: it identifies the act",
            ),
        );
    }
    if let Some(other) = same_siret {
        s.warning("PRG-011", 
            JsonPath::root().key("association").key("siret"),
            Point::Value,
            tr!("le SIRET {} est aussi celui de {other}", "SIRET {} is also the SIRET of {other}",
                crate::ids::compact(siret)
            ),
            Text::new("une association, un fichier\u{a0}: fusionnez les deux conventions, ou corrigez le SIRET", "one association, one file: merge the two conventions, or correct the SIRET"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_paths() {
        let t = "[programme]\nname = \"x\"\n\n[funder]\nsiret = \"1\"\naddress = { street = \"s\", city = \"c\" }\n\n[[priorities]]\nid = \"P1\"\n\n[[priorities]]\nid = \"P2\"\n";
        let lc = |p: &str| toml_offset(t, &JsonPath::parse(p).unwrap()).map(|o| line_col(t, o));
        assert_eq!(lc("funder.siret"), Some((5, 9)));
        assert_eq!(lc("funder.address.city"), Some((6, 34)));
        assert_eq!(lc("priorities[1].id"), Some((12, 6)));
        assert_eq!(lc("priorities[2].id"), None);
        assert_eq!(lc("funder.nope"), None);
    }
}
