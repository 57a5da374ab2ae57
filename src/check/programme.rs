//! Rules on `charta.toml` (the funder's SIRET, the charter date, the
//! priorities, the competence basis, characters no embedded font has) and across association files (a convention reference,
//! a SIRET or an IBAN used twice, checked with each file so that `build` refuses it too). Located by line and column in charta.toml through the
//! spans of the TOML parser. Reads only; never renders.

use std::collections::BTreeMap;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, Text, line_col};
use crate::load::{AssociationEntry, Programme};
use crate::locate::{JsonPath, Seg};
use crate::model::{AssociationFile, FunderKind};
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
            Diagnostic::error(Code::PRG_001, m).with_hint(h),
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
            Diagnostic::error(Code::PRG_002, m).with_hint(h),
            &file,
            text,
            &path("programme.charter_date"),
        ));
    }
    if p.priorities.is_empty() {
        out.push(
            Diagnostic::warning(Code::PRG_003, Text::new("charta.toml n'a aucune [[priorities]]", "charta.toml has no [[priorities]]"))
                .in_file(&file)
                .with_hint(
                    Text::new("ajoutez les priorités du financeur\u{a0}: chaque objectif d'un tableau de bord se rattache à l'une d'elles", "add the funder's priorities: every objective of a dashboard hangs from one"),
                ),
        );
    }
    if let Ok(value) = toml::from_str::<serde_json::Value>(text) {
        for u in super::glyphs::scan(&value) {
            out.push(diag_at(
                Diagnostic::error(Code::PRG_004, u.message()).with_hint(u.hint()),
                &file,
                text,
                &u.path,
            ));
        }
    }
    out.extend(competence(prog, false));
    out.extend(percent_decimals_range(prog));
    for (i, basis) in p.programme.legal_basis.iter().enumerate() {
        if basis.trim().is_empty() {
            out.push(diag_at(
                Diagnostic::error(Code::PRG_007, Text::new("fondement de compétence vide", "empty competence basis"))
                    .with_hint(Text::new("écrivez le texte tel qu'il suit «\u{a0}Vu\u{a0}»\u{a0}: «\u{a0}l'article L. 1511-2 du code général des collectivités territoriales\u{a0}»", "write the text as it follows « Vu »: « l'article L. 1511-2 du code général des collectivités territoriales »")),
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
                Diagnostic::error(
                    Code::PRG_008,
                    Text::new("l'identifiant de priorité est vide", "priority id is empty"),
                )
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
                Diagnostic::error(Code::PRG_009, tr!("l'identifiant de priorité `{}` est employé deux fois (aussi priorities[{first}])", "priority id `{}` is used twice (also priorities[{first}])",
                    pr.id
                ))
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

/// `[programme] percent_decimals` above 2: an error.
fn percent_decimals_range(prog: &Programme) -> Option<Diagnostic> {
    let n = prog.file.programme.percent_decimals.filter(|n| *n > 2)?;
    Some(diag_at(
        Diagnostic::error(Code::PRG_024, tr!(
            "`percent_decimals = {n}`\u{a0}: un pourcentage s'écrit avec au plus deux décimales",
            "`percent_decimals = {n}`: a percentage is written with at most two decimals"
        ))
        .with_hint(Text::new(
            "choisissez 0, 1 ou 2 (2 par défaut)\u{a0}: toutes les conventions du programme écrivent leurs pourcentages avec ce nombre de décimales",
            "choose 0, 1 or 2 (2 by default): every convention of the programme writes its percentages with that many decimals",
        )),
        &prog.root.join("charta.toml"),
        &prog.toml_text,
        &JsonPath::parse("programme.percent_decimals").expect("valid path"),
    ))
}

/// Competence after loi NOTRe: a collectivité cites the specific basis of the
/// programme and states the local public interest it serves (warnings). An
/// EPCI acts only within the competences its statutes give it (principe de
/// spécialité): without them the act is outside its competence (errors), and
/// its bases should cite its statutes. `errors_only`: the errors alone (what
/// refuses every convention), without building the warnings.
pub fn competence(prog: &Programme, errors_only: bool) -> Vec<Diagnostic> {
    let p = &prog.file;
    let mut out = Vec::new();
    if p.funder.kind == FunderKind::Etat || (errors_only && p.funder.kind != FunderKind::Epci) {
        return out;
    }
    let epci = p.funder.kind == FunderKind::Epci;
    let file = prog.root.join("charta.toml");
    let at = JsonPath::root().key("programme");
    let mut push = |d: Diagnostic| out.push(diag_at(d, &file, &prog.toml_text, &at));
    let basis = &p.programme.legal_basis;
    if basis.is_empty() && epci {
        push(Diagnostic::error(Code::PRG_020, Text::new(
            "un EPCI n'agit que dans les compétences que ses statuts lui donnent, or le programme ne cite aucun fondement (`[programme] legal_basis`)\u{a0}: les conventions seraient hors de sa compétence",
            "an EPCI acts only within the competences its statutes give it, yet the programme cites no basis (`[programme] legal_basis`): the conventions would be outside its competence",
        )).with_hint(Text::new(
            "ajoutez `legal_basis = [\"l'arrêté préfectoral du … portant statuts de la communauté, notamment son article … (compétence …)\", …]`\u{a0}: les statuts et la compétence exercée, un «\u{a0}Vu\u{a0}» par texte",
            "add `legal_basis = [\"l'arrêté préfectoral du … portant statuts de la communauté, notamment son article … (compétence …)\", …]`: the statutes and the competence exercised, one « Vu » per text",
        )));
    } else if basis.is_empty() && !errors_only {
        push(Diagnostic::warning(
Code::PRG_005,
            Text::new("aucun fondement de compétence propre au programme (`[programme] legal_basis`)\u{a0}: les conventions ne visent que l'article général du CGCT", "no competence basis of the programme's own (`[programme] legal_basis`): the conventions cite only the general article of the CGCT"),
        ).with_hint(
            Text::new("depuis la loi NOTRe, la clause générale de compétence ne suffit plus\u{a0}: ajoutez `legal_basis = [\"l'article L. 4251-12 du code général des collectivités territoriales\", …]`, un «\u{a0}Vu\u{a0}» par texte", "since the loi NOTRe, the general competence clause is no longer enough: add `legal_basis = [\"l'article L. 4251-12 du code général des collectivités territoriales\", …]`, one « Vu » per text"),
        ));
    } else if epci && !errors_only && !basis.iter().any(|b| b.to_lowercase().contains("statuts")) {
        push(Diagnostic::warning(Code::PRG_022, Text::new(
            "aucun fondement de compétence ne cite les statuts de l'EPCI\u{a0}: le principe de spécialité veut que l'acte nomme la compétence statutaire qu'il exerce",
            "no competence basis cites the EPCI's statutes: the principle of speciality wants the act to name the statutory competence it exercises",
        )).with_hint(Text::new(
            "ajoutez à `legal_basis` l'arrêté préfectoral portant statuts et l'article ou la rubrique de la compétence («\u{a0}… portant statuts de la communauté, notamment son article 6 (politique de la ville)\u{a0}»)",
            "add to `legal_basis` the prefectoral order on the statutes and the article or item of the competence (« … portant statuts de la communauté, notamment son article 6 (politique de la ville) »)",
        )));
    }
    let interest = p.programme.public_interest.as_deref().map(str::trim);
    if interest.is_none_or(str::is_empty) && epci {
        push(Diagnostic::error(Code::PRG_021, Text::new(
            "l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`)\u{a0}: un EPCI ne peut subventionner qu'un projet d'intérêt public local relevant de ses compétences",
            "the local public interest the programme serves is not defined (`[programme] public_interest`): an EPCI may fund only a project of local public interest within its competences",
        )).with_hint(Text::new(
            "ajoutez `public_interest = \"…\"`, la phrase qui dit en quoi le programme sert un intérêt public local du territoire communautaire",
            "add `public_interest = \"…\"`, the sentence that says how the programme serves a local public interest of the community's territory",
        )));
    } else if interest.is_none() && !errors_only {
        push(Diagnostic::warning(
Code::PRG_006,
            Text::new("l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`)\u{a0}: le préambule des conventions ne l'énonce pas", "the local public interest the programme serves is not defined (`[programme] public_interest`): the preamble of the conventions does not state it"),
        ).with_hint(
            Text::new("ajoutez `public_interest = \"…\"`, la phrase qui dit en quoi le programme sert un intérêt public local", "add `public_interest = \"…\"`, the sentence that says how the programme serves a local public interest"),
        ));
    }
    out
}

/// Whether an earlier association file of the programme has the same convention
/// reference, the same SIRET or the same IBAN: warnings (a copied file is the usual cause, and
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
    let iban = valid_iban(&data.association);
    let (mut same_ref, mut same_siret, mut same_iban) = (None, None, None);
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
        same_iban = iban
            .as_deref()
            .and_then(|b| index.earlier_iban(&entry.id, b))
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
            if same_iban.is_none() && iban.is_some() && valid_iban(&d.association) == iban {
                same_iban = Some(short(&e.path));
            }
        }
    }
    if let Some(other) = same_ref {
        s.warning(
            Code::PRG_010,
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
        s.warning(Code::PRG_011,
            JsonPath::root().key("association").key("siret"),
            Point::Value,
            tr!("le SIRET {} est aussi celui de {other}", "SIRET {} is also the SIRET of {other}",
                crate::ids::compact(siret)
            ),
            Text::new("une association, un fichier\u{a0}: fusionnez les deux conventions, ou corrigez le SIRET", "one association, one file: merge the two conventions, or correct the SIRET"),
        );
    }
    if let (Some(other), Some(iban)) = (same_iban, iban) {
        iban_twice(&iban, &other, s);
    }
}

/// The warning for an IBAN an earlier association file has too.
fn iban_twice(iban: &str, other: &str, s: &mut Sink) {
    let shown = crate::french::iban(iban).replace('\u{a0}', " ");
    s.warning(
        Code::PRG_023,
        JsonPath::root().key("association").key("bank").key("iban"),
        Point::Value,
        tr!(
            "l'IBAN {shown} est aussi celui de {other}\u{a0}: deux associations recevraient leurs versements sur le même compte",
            "IBAN {shown} is also the IBAN of {other}: two associations would be paid into the same account"
        ),
        Text::new(
            "vérifiez le RIB de chaque association\u{a0}: un IBAN recopié d'un autre fichier est la cause habituelle",
            "check each association's RIB: an IBAN copied from another file is the usual cause",
        ),
    );
}

/// The association's IBAN, compacted and in capitals, when it is a valid one
/// (an invalid IBAN has its own error and is not compared).
pub fn valid_iban(a: &crate::model::Association) -> Option<String> {
    crate::ids::valid_iban(&a.bank.as_ref()?.iban)
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
