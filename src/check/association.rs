//! The rules on one association file's typed data: identifiers, years and
//! per-year maps, amounts, dates, kinds of convention, clause choices, the
//! dashboard. Each rule reports every case it finds, with the JSON path of the
//! value at fault and a hint on how to fix it.
//!
//! It judges parsed data only (structure is `check::structure`) and never
//! renders: a rule that needs the clause library reads `Programme::library`.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Text};
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{
    AssociationFile, Bank, ConventionKind, Indicator, IndicatorType, Objective, Target,
};
use crate::tr;

use super::Sink;
use super::structure::{Point, closest};
use crate::ids::{self, IbanProblem, SiretProblem};

/// Message and hint for a SIRET, or `None` if it is valid. `whose`: French and
/// English of « le SIRET » or « le SIRET du financeur ».
pub fn siret_problem(whose: (&str, &str), s: &str) -> Option<(Text, Text)> {
    let (wfr, wen) = whose;
    let compact = ids::compact(s);
    Some(match ids::check_siret(s).err()? {
        SiretProblem::NotDigits => (
            Text::new(
                format!("{wfr} `{s}` n'est pas fait de chiffres"),
                format!("{wen} `{s}` is not made of digits"),
            ),
            Text::new(
                "un SIRET compte 14 chiffres (espaces permises), par exemple 443 061 841 00047",
                "a SIRET is 14 digits (spaces allowed), e.g. 443 061 841 00047",
            ),
        ),
        SiretProblem::Length(n) => (
            Text::new(
                format!("{wfr} `{s}` compte {n} chiffres au lieu de 14"),
                format!("{wen} `{s}` has {n} digits instead of 14"),
            ),
            Text::new(
                "un SIRET est le SIREN à 9 chiffres suivi du numéro d'établissement à 5 chiffres\u{a0}; recopiez-le depuis la fiche SIRENE de l'INSEE",
                "a SIRET is the 9-digit SIREN followed by the 5-digit establishment number; copy it from the INSEE SIRENE record",
            ),
        ),
        SiretProblem::Luhn => (
            Text::new(
                format!("{wfr} {compact} ne passe pas le contrôle de Luhn"),
                format!("{wen} {compact} fails the Luhn check"),
            ),
            Text::new(
                "vérifiez les 14 chiffres sur la fiche SIRENE de l'INSEE\u{a0}; le dernier chiffre est une clé de contrôle",
                "check the 14 digits against the INSEE SIRENE record; the last digit is a check digit",
            ),
        ),
        SiretProblem::SirenLuhn => (
            Text::new(
                format!(
                    "{wfr} {compact}\u{a0}: son SIREN {} ne passe pas le contrôle de Luhn",
                    &compact[..9]
                ),
                format!(
                    "{wen} {compact}: its SIREN {} fails the Luhn check",
                    &compact[..9]
                ),
            ),
            Text::new(
                "vérifiez les 9 premiers chiffres (le SIREN) sur la fiche SIRENE de l'INSEE",
                "check the first 9 digits (the SIREN) against the INSEE SIRENE record",
            ),
        ),
    })
}

/// Message and hint for a date that is not `YYYY-MM-DD`, or `None` if valid.
/// `what`: French and English of « la date de décision »…
pub fn date_problem(what: (&str, &str), s: &str) -> Option<(Text, Text)> {
    if crate::french::parse_date(s).is_some() {
        return None;
    }
    Some((
        Text::new(
            format!("{} `{s}` n'est pas une date valide", what.0),
            format!("{} `{s}` is not a valid date", what.1),
        ),
        Text::new(
            "écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2026-01-23",
            "write an existing calendar date as YYYY-MM-DD, e.g. 2026-01-23",
        ),
    ))
}

/// BIC country codes that go with a French IBAN (overseas departments and
/// communities have their own BIC country code but French IBANs).
const FRENCH_BIC_COUNTRIES: &[&str] = &[
    "FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "MC",
];

fn years_list(years: &[i32]) -> String {
    format!(
        "[{}]",
        years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Every rule on the typed data of one association file.
pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    association(data, s);
    convention(data, s);
    clause_choice(prog, data, s);
    dashboard(prog, data, s);
}

/// The rules on `association`, in order.
fn association(data: &AssociationFile, s: &mut Sink) {
    siret(data, s);
    rna(data, s);
    bank(data, s);
    cer_signed_on(data, s);
    postcode(data, s);
}

/// The SIRET is 14 digits with valid Luhn keys (DON-001).
fn siret(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    if let Some((m, h)) = siret_problem(("le SIRET", "SIRET"), &a.siret) {
        s.error(Code::DON_001, base.key("siret"), Point::Value, m, h);
    }
}

/// The RNA number is W and 9 digits, and is given unless the association is of local law (DON-002, 003).
fn rna(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let legal = a.legal_form.to_lowercase();
    let droit_local = legal.contains("inscrite") || legal.contains("droit local");
    match &a.rna {
        Some(r) if !ids::rna_ok(r) => s.error(Code::DON_002,
            base.key("rna"),
            Point::Value,
            tr!("le numéro RNA `{r}` n'est pas un W suivi de 9 chiffres", "RNA number `{r}` is not W followed by 9 digits"),
            Text::new("recopiez le numéro depuis la fiche de l'association au Répertoire national des associations (par exemple W081001234)\u{a0}; une association déclarée avant 2010 peut n'avoir qu'un ancien numéro\u{a0}: demandez son numéro W à la préfecture", "copy the number from the association's record in the Répertoire national des associations (e.g. W081001234); an association declared before 2010 may have an old-style number only: ask the prefecture for its W number"),
        ),
        None if !droit_local => s.error(Code::DON_003,
            base.key("rna"),
            Point::Key,
            Text::new("le numéro RNA manque", "RNA number is missing"),
            Text::new("indiquez le numéro RNA de l'association (W suivi de 9 chiffres)\u{a0}; seule une association d'Alsace-Moselle inscrite de droit local n'en a pas\u{a0}: dites-le alors dans `legal_form` («\u{a0}association inscrite de droit local\u{a0}»)", "give the association's RNA number (W followed by 9 digits); only an Alsace-Moselle association registered under local law has none: then say so in `legal_form` (« association inscrite de droit local »)"),
        ),
        _ => {}
    }
}

/// Bank details: required unless the convention is a framework one; an IBAN
/// and a BIC that can be right and agree (DON-004 to 011).
fn bank(data: &AssociationFile, s: &mut Sink) {
    let base = JsonPath::root().key("association");
    let kind = data.convention.kind;
    match &data.association.bank {
        Some(b) => {
            let compact = iban(b, &base, s);
            bic(b, &compact, &base, s);
        }
        None if kind != ConventionKind::Cadre => s.error(Code::DON_011,
            base.key("bank"),
            Point::Key,
            tr!("une convention {} requiert les coordonnées bancaires de l'association", "a {} convention needs the association's bank details",
                kind.as_str()
            ),
            Text::new("ajoutez `\"bank\": {\"iban\": \"FR76…\", \"bic\": \"…\"}` d'après le RIB de l'association\u{a0}: l'article sur le versement les reprend", "add `\"bank\": {\"iban\": \"FR76…\", \"bic\": \"…\"}` from the association's RIB: the payment article gives them"),
        ),
        None => {}
    }
}

/// The IBAN passes its checks (DON-004 to 008); returns it compacted, in capitals.
fn iban(b: &Bank, base: &JsonPath, s: &mut Sink) -> String {
    let ib = base.key("bank").key("iban");
    let compact = ids::compact(&b.iban).to_ascii_uppercase();
    match ids::check_iban(&b.iban) {
        Ok(()) => {}
        Err(IbanProblem::Format) => s.error(Code::DON_004,
            ib.clone(),
            Point::Value,
            tr!("`{}` n'est pas un IBAN", "IBAN `{}` is not an IBAN", b.iban),
            Text::new("un IBAN est fait de deux lettres (le pays), deux chiffres de contrôle, puis le compte (par exemple FR76 3000 6000 0112 3456 7890 189)\u{a0}; recopiez-le depuis le RIB de l'association", "an IBAN is two letters (country), two check digits, then the account (e.g. FR76 3000 6000 0112 3456 7890 189); copy it from the association's RIB"),
        ),
        Err(IbanProblem::Length {
            country,
            expected,
            got,
        }) => s.error(Code::DON_005,
            ib.clone(),
            Point::Value,
            tr!("l'IBAN {compact} compte {got} caractères\u{a0}; un IBAN {country} en compte {expected}", "IBAN {compact} has {got} characters; a {country} IBAN has {expected}"),
            Text::new("recopiez l'IBAN depuis le RIB de l'association\u{a0}: un caractère manque ou est en trop", "copy the IBAN from the association's RIB: a character is missing or extra"),
        ),
        Err(IbanProblem::GeneralLength(n)) => s.error(Code::DON_006,
            ib.clone(),
            Point::Value,
            tr!("l'IBAN {compact} compte {n} caractères\u{a0}; un IBAN en compte de 15 à 34", "IBAN {compact} has {n} characters; an IBAN has 15 to 34"),
            Text::new("recopiez l'IBAN depuis le RIB de l'association", "copy the IBAN from the association's RIB"),
        ),
        Err(IbanProblem::Mod97) => s.error(Code::DON_007,
            ib.clone(),
            Point::Value,
            tr!("l'IBAN {compact} ne passe pas le contrôle modulo 97", "IBAN {compact} fails the mod-97 check"),
            Text::new("recopiez l'IBAN depuis le RIB de l'association\u{a0}: un caractère est faux ou deux sont inversés", "copy the IBAN from the association's RIB: a character is wrong or two are swapped"),
        ),
        Err(IbanProblem::RibKey) => s.error(Code::DON_008,
            ib.clone(),
            Point::Value,
            tr!("IBAN {compact}\u{a0}: la clé RIB {} ne correspond pas aux codes banque, guichet et numéro de compte", "IBAN {compact}: the RIB key {} does not match the bank, branch and account numbers",
                &compact[compact.len() - 2..]
            ),
            Text::new("recopiez l'IBAN depuis le RIB de l'association\u{a0}: le code banque, le code guichet ou le numéro de compte est faux", "copy the IBAN from the association's RIB: the bank, branch or account number is wrong"),
        ),
    }
    compact
}

/// The BIC is well formed, and of the IBAN's country (DON-009, 010).
fn bic(b: &Bank, compact: &str, base: &JsonPath, s: &mut Sink) {
    let bic = b.bic.trim();
    let bp = base.key("bank").key("bic");
    if !ids::bic_ok(bic) {
        s.error(Code::DON_009,
            bp,
            Point::Value,
            tr!("le BIC `{}` n'est pas fait de 8 ou 11 majuscules et chiffres", "BIC `{}` is not 8 or 11 capital letters and digits", b.bic),
            Text::new("un BIC compte 4 lettres (la banque), 2 lettres (le pays), 2 caractères (la ville) et parfois 3 (l'agence), par exemple AGRIFRPP ou AGRIFRPP867\u{a0}; recopiez-le depuis le RIB", "a BIC is 4 letters (bank), 2 letters (country), 2 characters (place) and optionally 3 (branch), e.g. AGRIFRPP or AGRIFRPP867; copy it from the RIB"),
        );
    } else if compact.len() >= 2 && compact.is_ascii() {
        let (ic, bc) = (&compact[..2], &bic[4..6]);
        let french = ic == "FR" && FRENCH_BIC_COUNTRIES.contains(&bc);
        if ic != bc && !french {
            s.warning(
                Code::DON_010,
                bp,
                Point::Value,
                tr!(
                    "le BIC {bic} est du pays {bc} mais l'IBAN est du pays {ic}",
                    "BIC {bic} is from country {bc} but the IBAN is from {ic}"
                ),
                Text::new(
                    "vérifiez que l'IBAN et le BIC viennent du même RIB",
                    "check that the IBAN and the BIC come from the same RIB",
                ),
            );
        }
    }
}

/// The date the CER was signed is a date (DON-012).
fn cer_signed_on(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    if let Some(d) = &a.cer_signed_on
        && let Some((m, h)) = date_problem(("`cer_signed_on`", "`cer_signed_on`"), d)
    {
        s.error(Code::DON_012, base.key("cer_signed_on"), Point::Value, m, h);
    }
}

/// The postcode is 5 digits (DON-013).
fn postcode(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let pc = a.address.postcode.trim();
    if pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()) {
        s.error(
            Code::DON_013,
            base.key("address").key("postcode"),
            Point::Value,
            tr!(
                "le code postal `{}` n'est pas fait de 5 chiffres",
                "postcode `{}` is not 5 digits",
                a.address.postcode
            ),
            Text::new(
                "écrivez le code postal en 5 chiffres, entre guillemets (\"08300\")",
                "write the French postcode as 5 digits, in quotes (\"08300\")",
            ),
        );
    }
}

/// The rules on `convention`, in order.
fn convention(data: &AssociationFile, s: &mut Sink) {
    let years_ok = years_follow(data, s);
    duration(data, s);
    financial_parts(data, s);
    if years_ok {
        per_year_cover(data, s);
    }
    if data.convention.kind != ConventionKind::Cadre {
        funding_within_cost(data, s);
        above_threshold(data, s);
        advance_percent(data, s);
    }
    dates(data, s);
}

/// Years: at least one, consecutive, in order (DON-014, 015); whether they are.
fn years_follow(data: &AssociationFile, s: &mut Sink) -> bool {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let yp = base.key("years");
    // Years: at least one, consecutive, in order.
    let mut years_ok = true;
    if c.years.is_empty() {
        years_ok = false;
        s.error(
            Code::DON_014,
            yp.clone(),
            Point::Value,
            Text::new("`years` est vide", "`years` is empty"),
            Text::new(
                "indiquez les années couvertes par la convention, par exemple [2026, 2027, 2028]",
                "list the years the convention covers, e.g. [2026, 2027, 2028]",
            ),
        );
    }
    for (i, w) in c.years.windows(2).enumerate() {
        if w[1] != w[0] + 1 {
            years_ok = false;
            s.error(Code::DON_015,
                yp.index(i + 1),
                Point::Value,
                tr!("les années ne se suivent pas\u{a0}: {} est suivie de {}", "years are not consecutive: {} is followed by {}",
                    w[0], w[1]
                ),
                Text::new("indiquez des années consécutives, dans l'ordre, par exemple [2026, 2027, 2028]", "list consecutive years in order, e.g. [2026, 2027, 2028]"),
            );
            break;
        }
    }
    years_ok
}

/// The duration fits the kind: a cpo two to four years, an annuelle one (DON-016 to 018).
fn duration(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let yp = base.key("years");
    let kind = c.kind;
    let n = c.years.len();
    match kind {
        ConventionKind::Cpo if n < 2 => s.error(Code::DON_016,
            yp.clone(),
            Point::Value,
            Text::new(
                format!(
                    "une cpo couvre au moins deux ans\u{a0}; celle-ci couvre {} {}",
                    crate::french::count(n, "an", "ans"),
                    years_list(&c.years)
                ),
                format!(
                    "a cpo covers at least two years; this one covers {n} {}",
                    years_list(&c.years)
                ),
            ),
            Text::new("ajoutez l'année suivante, ou faites-en une `\"kind\": \"annuelle\"`", "add the following year, or make it `\"kind\": \"annuelle\"`"),
        ),
        ConventionKind::Cpo if n > 4 => s.warning(Code::DON_017,
            yp.clone(),
            Point::Value,
            tr!("cette cpo couvre {n} ans\u{a0}; la circulaire du 29 septembre 2015 recommande 4 ans au plus", "this cpo covers {n} years; the circular of 29 September 2015 recommends at most 4"
            ),
            Text::new("vérifiez que cette durée est voulue\u{a0}; l'acte ajoute une clause de revoyure à mi-parcours", "check that the duration is intended; the act adds a mid-term review clause"),
        ),
        ConventionKind::Annuelle if n != 1 => s.error(Code::DON_018,
            yp.clone(),
            Point::Value,
            tr!("une convention annuelle couvre une seule année\u{a0}; celle-ci en couvre {n} {}", "an annuelle convention covers exactly one year; this one covers {n} {}",
                years_list(&c.years)
            ),
            Text::new("gardez une seule année, ou faites-en une `\"kind\": \"cpo\"`", "keep one year, or make it `\"kind\": \"cpo\"`"),
        ),
        _ => {}
    }
}

/// Financial parts: required with funding, ignored in a framework convention (DON-019, 020).
fn financial_parts(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let kind = c.kind;
    // Financial parts: required with funding, ignored in a framework convention.
    let parts: [(&str, bool, Text); 3] = [
        (
            "funding",
            c.funding.is_some(),
            Text::new(
                "ajoutez `\"funding\": {\"2026\": …}`\u{a0}: la contribution maximale de chaque année",
                "add `\"funding\": {\"2026\": …}`: the maximum contribution for each year",
            ),
        ),
        (
            "eligible_cost",
            c.eligible_cost.is_some(),
            Text::new(
                "ajoutez `\"eligible_cost\": {\"2026\": …}`\u{a0}: le coût éligible de l'action pour chaque année",
                "add `\"eligible_cost\": {\"2026\": …}`: the eligible cost of the action for each year",
            ),
        ),
        (
            "payment",
            c.payment.is_some(),
            Text::new(
                "ajoutez `\"payment\": {\"advance_percent\": 50}`",
                "add `\"payment\": {\"advance_percent\": 50}`",
            ),
        ),
    ];
    for (name, present, hint) in parts {
        match (kind, present) {
            (ConventionKind::Cadre, true) => s.warning(Code::DON_019,
                base.key(name),
                Point::Key,
                tr!("`{name}` est ignoré dans une convention cadre, qui ne comporte pas d'engagement financier", "`{name}` is ignored in a cadre convention, which has no financial commitment"
                ),
                Text::new("retirez-le, ou faites de la convention une `cpo` ou une `annuelle`", "remove it, or make the convention a `cpo` or an `annuelle`"),
            ),
            (ConventionKind::Cpo | ConventionKind::Annuelle, false) => s.error(Code::DON_020,
                base.key(name),
                Point::Key,
                tr!("une convention {} requiert `{name}`", "a {} convention needs `{name}`", kind.as_str()),
                hint,
            ),
            _ => {}
        }
    }
}

/// Per-year maps (`funding`, `eligible_cost`) cover exactly the years (DON-027, 028).
fn per_year_cover(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if let Some(m) = &c.funding {
        cover(
            s,
            &c.years,
            &base.key("funding"),
            Text::new("`funding` n'a pas de montant", "`funding` has no amount"),
            Text::new("`funding` a un montant", "`funding` has an amount"),
            m.keys(),
        );
    }
    if let Some(m) = &c.eligible_cost {
        cover(
            s,
            &c.years,
            &base.key("eligible_cost"),
            Text::new(
                "`eligible_cost` n'a pas de montant",
                "`eligible_cost` has no amount",
            ),
            Text::new(
                "`eligible_cost` a un montant",
                "`eligible_cost` has an amount",
            ),
            m.keys(),
        );
    }
}

/// The funding of a year does not exceed its eligible cost (DON-021).
fn funding_within_cost(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if let (Some(f), Some(e)) = (&c.funding, &c.eligible_cost) {
        for (y, a) in f {
            if let Some(b) = e.get(y)
                && a.cents() > b.cents()
            {
                s.error(Code::DON_021,
                    base.key("funding").key(y),
                    Point::Value,
                    tr!("le financement de {y} ({}) dépasse le coût éligible ({})", "funding for {y} ({}) exceeds the eligible cost ({})",
                        crate::french::euros(a.cents()),
                        crate::french::euros(b.cents())
                    ),
                    tr!("la contribution ne peut pas dépasser le coût éligible de l'action\u{a0}: diminuez-la ou corrigez `eligible_cost.{y}`", "the contribution cannot exceed the eligible cost of the action: lower it or correct `eligible_cost.{y}`"),
                );
            }
        }
    }
}

/// A warning when the funding never passes the 23,000 € a year that makes a convention compulsory (DON-022).
fn above_threshold(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if let Some(f) = &c.funding {
        // Aid in kind is a subsidy too: it counts for the threshold.
        let in_kind = |y: &String| -> i64 {
            c.in_kind
                .iter()
                .filter_map(|k| k.values.get(y))
                .map(|a| a.cents())
                .sum()
        };
        let max = f
            .iter()
            .map(|(y, a)| a.cents() + in_kind(y))
            .max()
            .unwrap_or(0);
        if !f.is_empty() && max <= 2_300_000 {
            s.warning(Code::DON_022,
                base.key("funding"),
                Point::Key,
                tr!("le financement ne dépasse jamais 23\u{a0}000\u{a0}€ par an (au plus {})\u{a0}: sous ce seuil, une convention n'est pas obligatoire", "the funding never exceeds 23 000 € a year (at most {}): below this threshold a convention is not compulsory",
                    crate::french::euros(max)
                ),
                Text::new("le décret n° 2001-495 impose une convention au-delà de 23\u{a0}000\u{a0}€ par an\u{a0}; en deçà, une convention est permise\u{a0}: vérifiez qu'elle est voulue", "décret n° 2001-495 requires a convention above 23 000 € a year; below it a convention is allowed: check that it is intended"),
            );
        }
    }
}

/// The advance is a percentage from 0 to 100 (DON-023).
fn advance_percent(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if let Some(p) = &c.payment
        && !(0.0..=100.0).contains(&p.advance_percent)
    {
        s.error(Code::DON_023,
            base.key("payment").key("advance_percent"),
            Point::Value,
            tr!("une avance de {}\u{a0}% n'est pas comprise entre 0 et 100\u{a0}%", "advance of {} % is not between 0 and 100 %", p.advance_percent),
            Text::new("`advance_percent` est la part de la contribution de chaque année versée en avance, de 0 à 100", "`advance_percent` is the share of each year's contribution paid in advance, from 0 to 100"),
        );
    }
}

/// The decision and signature dates are dates, the signature not before the decision (DON-024 to 026).
fn dates(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let decision = crate::french::parse_date(&c.decision.date);
    if let Some((m, h)) = date_problem(("la date de décision", "decision date"), &c.decision.date)
    {
        s.error(
            Code::DON_024,
            base.key("decision").key("date"),
            Point::Value,
            m,
            h,
        );
    }
    if let Some(d) = &c.signature.date {
        match crate::french::parse_date(d) {
            None => {
                let (m, h) =
                    date_problem(("la date de signature", "signature date"), d).expect("invalid");
                s.error(
                    Code::DON_025,
                    base.key("signature").key("date"),
                    Point::Value,
                    m,
                    h,
                );
            }
            Some(sig) => {
                if let Some(dec) = decision
                    && sig < dec
                {
                    s.warning(Code::DON_026,
                        base.key("signature").key("date"),
                        Point::Value,
                        tr!("la date de signature {d} précède la décision du {}", "the signature date {d} precedes the decision of {}",
                            c.decision.date
                        ),
                        Text::new("l'acte se signe après la décision qui l'autorise\u{a0}: vérifiez les deux dates", "the act is signed after the decision that authorises it: check both dates"),
                    );
                }
            }
        }
    }
}

/// Reports the years a per-year map misses and the keys it has that are not years of the convention.
fn cover<'a>(
    s: &mut Sink,
    years: &[i32],
    path: &JsonPath,
    missing_msg: Text,
    extra_msg: Text,
    keys: impl Iterator<Item = &'a String>,
) {
    let keys: Vec<&String> = keys.collect();
    let wanted: BTreeSet<String> = years.iter().map(i32::to_string).collect();
    for y in &wanted {
        if !keys.contains(&y) {
            s.error(
                Code::DON_027,
                path.clone(),
                Point::Key,
                Text::new(
                    format!("{} pour {y}", missing_msg.fr),
                    format!("{} for {y}", missing_msg.en),
                ),
                tr!(
                    "indiquez une valeur pour chaque année de `convention.years` {}",
                    "give a value for every year of `convention.years` {}",
                    years_list(years)
                ),
            );
        }
    }
    for k in keys {
        if !wanted.contains(k) {
            s.error(
                Code::DON_028,
                path.key(k),
                Point::Key,
                Text::new(
                    format!(
                        "{} pour {k}, qui n'est pas une année de la convention",
                        extra_msg.fr
                    ),
                    format!(
                        "{} for {k}, which is not a year of the convention",
                        extra_msg.en
                    ),
                ),
                tr!(
                    "retirez-la, ou ajoutez l'année à `convention.years` {}",
                    "remove it, or add it to `convention.years` {}",
                    years_list(years)
                ),
            );
        }
    }
}

fn clause_choice(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let lib = &prog.library.clauses;
    let base = JsonPath::root().key("convention").key("clauses");
    let ids: Vec<&str> = lib.keys().map(String::as_str).collect();
    let choice = &data.convention.clauses;
    for (list, ids_in, want_optional) in [
        ("add", &choice.add, true),
        ("remove", &choice.remove, false),
    ] {
        let mut seen = BTreeSet::new();
        for (i, id) in ids_in.iter().enumerate() {
            let p = base.key(list).index(i);
            if !seen.insert(id) {
                s.warning(
                    Code::DON_029,
                    p,
                    Point::Value,
                    tr!(
                        "la clause `{id}` figure deux fois dans `clauses.{list}`",
                        "clause `{id}` is listed twice in `clauses.{list}`"
                    ),
                    Text::new("supprimez la répétition", "remove the repetition"),
                );
                continue;
            }
            match lib.get(id) {
                None => {
                    let hint = match closest(id, ids.iter().copied()) {
                        Some(c) => tr!("vouliez-vous dire `{c}`\u{a0}?", "did you mean `{c}`?"),
                        None => Text::new(
                            "lancez `charta clauses PROG` pour lister les identifiants de clauses",
                            "run `charta clauses PROG` to list the clause ids",
                        ),
                    };
                    s.error(
                        Code::DON_030,
                        p,
                        Point::Value,
                        tr!(
                            "la clause `{id}` (dans `clauses.{list}`) n'existe pas",
                            "clause `{id}` (in `clauses.{list}`) does not exist"
                        ),
                        hint,
                    );
                }
                Some(c) if c.meta.optional != want_optional => {
                    if want_optional {
                        s.error(Code::DON_031,
                            p,
                            Point::Value,
                            tr!("la clause `{id}` n'est pas facultative\u{a0}: elle ne peut pas être ajoutée", "clause `{id}` is not optional: it cannot be added"),
                            Text::new("retirez-la de `clauses.add`\u{a0}: elle figure déjà dans toute convention qui remplit ses conditions", "remove it from `clauses.add`: it is already part of every convention whose conditions it meets"),
                        );
                    } else {
                        s.error(Code::DON_032,
                            p,
                            Point::Value,
                            tr!("la clause `{id}` est facultative\u{a0}: il n'y a rien à retirer", "clause `{id}` is optional: there is nothing to remove"),
                            Text::new("retirez-la de `clauses.remove`\u{a0}; une clause facultative n'est incluse que si elle figure dans `clauses.add`", "remove it from `clauses.remove`; an optional clause is only included when listed in `clauses.add`"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}

/// The rules on `dashboard`, in order: some objective; for each objective its
/// id, its priority, some indicator; for each indicator its id, its targets,
/// its baseline, and the rules of its type.
fn dashboard(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let base = JsonPath::root().key("dashboard").key("objectives");
    let objectives = &data.dashboard.objectives;
    let years = &data.convention.years;
    let priorities = priorities(prog);
    if objectives.is_empty() {
        no_objective(&base, s);
    }
    let mut objective_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut indicator_ids: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, o) in objectives.iter().enumerate() {
        let op = base.index(i);
        objective_id_unique(o, i, &op, &mut objective_ids, s);
        priority_known(o, &op, &priorities, s);
        has_indicators(o, &op, s);
        for (j, ind) in o.indicators.iter().enumerate() {
            let ip = op.key("indicators").index(j);
            indicator_id_unique(ind, (i, j), &ip, &mut indicator_ids, s);
            targets_cover_years(ind, &ip, years, s);
            baseline_rules(ind, &ip, years.first().copied(), s);
            match ind.kind {
                IndicatorType::Quantitative => quantitative(ind, &ip, s),
                IndicatorType::Qualitative => qualitative(ind, &ip, s),
            }
        }
    }
}

/// The ids of the funder's priorities, each once, in order.
fn priorities(prog: &Programme) -> Vec<&str> {
    let mut priorities: Vec<&str> = Vec::new();
    for p in &prog.file.priorities {
        if !priorities.contains(&p.id.as_str()) {
            priorities.push(&p.id);
        }
    }
    priorities
}

/// A warning when the dashboard has no objective (DON-033).
fn no_objective(base: &JsonPath, s: &mut Sink) {
    s.warning(
        Code::DON_033,
        base.clone(),
        Point::Value,
        Text::new(
            "le tableau de bord n'a aucun objectif",
            "the dashboard has no objective",
        ),
        Text::new(
            "ajoutez au moins un objectif rattaché à une priorité de charta.toml (annexe III)",
            "add at least one objective hanging from a priority of charta.toml (annexe III)",
        ),
    );
}

/// An objective's id is used once (DON-034).
fn objective_id_unique<'a>(
    o: &'a Objective,
    i: usize,
    op: &JsonPath,
    objective_ids: &mut BTreeMap<&'a str, usize>,
    s: &mut Sink,
) {
    if let Some(first) = objective_ids.insert(o.id.as_str(), i) {
        objective_ids.insert(o.id.as_str(), first);
        s.error(Code::DON_034,
            op.key("id"),
            Point::Value,
            tr!("l'identifiant d'objectif `{}` est employé deux fois (aussi dashboard.objectives[{first}])", "objective id `{}` is used twice (also dashboard.objectives[{first}])",
                o.id
            ),
            Text::new("donnez à chaque objectif son propre identifiant (O1, O2…)", "give each objective its own id (O1, O2…)"),
        );
    }
}

/// An objective hangs from a priority of charta.toml (DON-035).
fn priority_known(o: &Objective, op: &JsonPath, priorities: &[&str], s: &mut Sink) {
    if !priorities.contains(&o.priority.as_str()) {
        let list = if priorities.is_empty() {
            Text::new(
                "charta.toml ne définit aucune [[priorities]]",
                "charta.toml defines no [[priorities]]",
            )
        } else {
            tr!(
                "les priorités de charta.toml sont\u{a0}: {}",
                "the priorities of charta.toml are: {}",
                priorities.join(", ")
            )
        };
        let hint = match closest(&o.priority, priorities.iter().copied()) {
            Some(c) => tr!(
                "vouliez-vous dire `{c}`\u{a0}? ({list})",
                "did you mean `{c}`? ({list})"
            ),
            None => list,
        };
        s.error(
            Code::DON_035,
            op.key("priority"),
            Point::Value,
            tr!(
                "l'objectif `{}` renvoie à la priorité `{}`, que charta.toml ne définit pas",
                "objective `{}` refers to priority `{}`, which charta.toml does not define",
                o.id,
                o.priority
            ),
            hint,
        );
    }
}

/// A warning when an objective has no indicator (DON-036).
fn has_indicators(o: &Objective, op: &JsonPath, s: &mut Sink) {
    if o.indicators.is_empty() {
        s.warning(
            Code::DON_036,
            op.key("indicators"),
            Point::Value,
            tr!(
                "l'objectif `{}` n'a aucun indicateur",
                "objective `{}` has no indicator",
                o.id
            ),
            Text::new(
                "ajoutez au moins un indicateur avec une cible pour chaque année",
                "add at least one indicator with a target for each year",
            ),
        );
    }
}

/// An indicator's id is used once in the dashboard (DON-037).
fn indicator_id_unique<'a>(
    ind: &'a Indicator,
    (i, j): (usize, usize),
    ip: &JsonPath,
    indicator_ids: &mut BTreeMap<&'a str, (usize, usize)>,
    s: &mut Sink,
) {
    if let Some((fi, fj)) = indicator_ids.insert(ind.id.as_str(), (i, j)) {
        indicator_ids.insert(ind.id.as_str(), (fi, fj));
        s.error(Code::DON_037,
            ip.key("id"),
            Point::Value,
            tr!("l'identifiant d'indicateur `{}` est employé deux fois (aussi dashboard.objectives[{fi}].indicators[{fj}])", "indicator id `{}` is used twice (also dashboard.objectives[{fi}].indicators[{fj}])",
                ind.id
            ),
            Text::new("donnez à chaque indicateur son propre identifiant (O1-I1, O1-I2…)", "give each indicator its own id (O1-I1, O1-I2…)"),
        );
    }
}

/// An indicator has a target for each year of the convention, and none
/// other, when the years follow (DON-027, 028).
fn targets_cover_years(ind: &Indicator, ip: &JsonPath, years: &[i32], s: &mut Sink) {
    let tp = ip.key("targets");
    if !years.is_empty() && years.windows(2).all(|w| w[1] == w[0] + 1) {
        cover(
            s,
            years,
            &tp,
            tr!(
                "l'indicateur `{}` n'a pas de cible",
                "indicator `{}` has no target",
                ind.id
            ),
            tr!(
                "l'indicateur `{}` a une cible",
                "indicator `{}` has a target",
                ind.id
            ),
            ind.targets.keys(),
        );
    }
}

/// A quantitative indicator has a definition, a measure, a unit, and numbers
/// for targets and baseline (DON-038 to 042).
fn quantitative(ind: &Indicator, ip: &JsonPath, s: &mut Sink) {
    let tp = ip.key("targets");
    if ind
        .definition
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        s.warning(Code::DON_038,
            ip.key("definition"),
            Point::Key,
            tr!("l'indicateur quantitatif `{}` n'a pas de définition", "quantitative indicator `{}` has no definition", ind.id),
            Text::new("ajoutez `\"definition\"`\u{a0}: ce qui est compté et comment (par exemple «\u{a0}nombre de personnes distinctes reçues au moins une fois dans l'année, d'après le registre d'accueil\u{a0}»), pour que les deux parties le mesurent de la même façon", "add `\"definition\"`: what is counted and how it is computed (e.g. « nombre de personnes distinctes reçues au moins une fois dans l'année, d'après le registre d'accueil »), so that both parties measure it the same way"),
        );
    }
    if ind.measure.is_none() {
        s.warning(Code::DON_039,
            ip.key("measure"),
            Point::Key,
            tr!("l'indicateur quantitatif `{}` ne dit pas si ses cibles sont des flux annuels ou des stocks", "quantitative indicator `{}` does not say whether its targets are annual flows or stocks",
                ind.id
            ),
            Text::new("ajoutez `\"measure\": \"flow\"` si la cible de chaque année compte ce qui est fait pendant l'année, ou `\"measure\": \"stock\"` si c'est une valeur cumulée atteinte en fin d'année", "add `\"measure\": \"flow\"` when each year's target counts what is done during that year, or `\"measure\": \"stock\"` when it is a cumulative value reached at the end of the year"),
        );
    }
    if ind.unit.as_deref().is_none_or(|u| u.trim().is_empty()) {
        s.error(
            Code::DON_040,
            ip.key("unit"),
            Point::Key,
            tr!(
                "l'indicateur quantitatif `{}` n'a pas d'unité",
                "quantitative indicator `{}` has no unit",
                ind.id
            ),
            Text::new(
                "ajoutez `\"unit\"`, par exemple \"personnes\", \"%\" ou \"tonnes\"",
                "add `\"unit\"`, e.g. \"personnes\", \"%\" or \"tonnes\"",
            ),
        );
    }
    for (y, t) in &ind.targets {
        if let Target::Text(_) = t {
            s.error(
                Code::DON_041,
                tp.key(y),
                Point::Value,
                tr!(
                    "l'indicateur quantitatif `{}` a une cible en texte pour {y}",
                    "quantitative indicator `{}` has a text target for {y}",
                    ind.id
                ),
                Text::new(
                    "écrivez un nombre, ou faites de l'indicateur un `\"type\": \"qualitative\"`",
                    "write a number, or make the indicator `\"type\": \"qualitative\"`",
                ),
            );
        }
    }
    if let Some(Target::Text(_)) = &ind.baseline {
        s.error(
            Code::DON_042,
            ip.key("baseline"),
            Point::Value,
            tr!(
                "l'indicateur quantitatif `{}` a une valeur de départ en texte",
                "quantitative indicator `{}` has a text baseline",
                ind.id
            ),
            Text::new(
                "écrivez la valeur de départ comme un nombre",
                "write the starting value as a number",
            ),
        );
    }
}

/// A qualitative indicator has no measure, and words for targets and
/// baseline (DON-043 to 046).
fn qualitative(ind: &Indicator, ip: &JsonPath, s: &mut Sink) {
    let tp = ip.key("targets");
    if ind.measure.is_some() {
        s.warning(
            Code::DON_043,
            ip.key("measure"),
            Point::Key,
            tr!(
                "`measure` est ignoré pour l'indicateur qualitatif `{}`",
                "`measure` is ignored for qualitative indicator `{}`",
                ind.id
            ),
            Text::new(
                "retirez-le\u{a0}: seule une cible quantitative est un flux annuel ou un stock",
                "remove it: only a quantitative target is an annual flow or a stock",
            ),
        );
    }
    for (y, t) in &ind.targets {
        match t {
            Target::Number(_) => s.error(Code::DON_044,
                tp.key(y),
                Point::Value,
                tr!("l'indicateur qualitatif `{}` a une cible en nombre pour {y}", "qualitative indicator `{}` has a number target for {y}", ind.id),
                Text::new("décrivez la cible en mots, ou faites de l'indicateur un `\"type\": \"quantitative\"` avec une unité", "describe the target in words, or make the indicator `\"type\": \"quantitative\"` with a unit"),
            ),
            Target::Text(t) if t.trim().is_empty() => s.error(Code::DON_045,
                tp.key(y),
                Point::Value,
                tr!("l'indicateur qualitatif `{}` a une cible vide pour {y}", "qualitative indicator `{}` has an empty target for {y}", ind.id),
                Text::new("décrivez ce que le partenariat doit atteindre cette année-là", "describe what the partnership should reach that year"),
            ),
            _ => {}
        }
    }
    if let Some(Target::Number(_)) = &ind.baseline {
        s.error(
            Code::DON_046,
            ip.key("baseline"),
            Point::Value,
            tr!(
                "l'indicateur qualitatif `{}` a une valeur de départ en nombre",
                "qualitative indicator `{}` has a number baseline",
                ind.id
            ),
            Text::new(
                "décrivez la situation de départ en mots, ou rendez l'indicateur quantitatif",
                "describe the starting situation in words, or make the indicator quantitative",
            ),
        );
    }
}

/// The baseline and its year: a baseline says when it was measured, and that
/// year is not after the convention's first year (the baseline is the
/// situation the partnership starts from).
fn baseline_rules(ind: &Indicator, ip: &JsonPath, first_year: Option<i32>, s: &mut Sink) {
    match (&ind.baseline, ind.baseline_year) {
        (Some(_), None) => s.warning(Code::DON_047,
            ip.key("baseline_year"),
            Point::Key,
            tr!("l'indicateur `{}` a une valeur de départ mais pas de `baseline_year`", "indicator `{}` has a baseline but no `baseline_year`",
                ind.id
            ),
            Text::new("ajoutez `\"baseline_year\"`, l'année où la valeur de départ a été mesurée (par exemple l'année qui précède la convention)\u{a0}: le tableau de bord l'affiche à côté de la valeur", "add `\"baseline_year\"`, the year the baseline was measured (e.g. the year before the convention): the dashboard shows it beside the value"),
        ),
        (None, Some(_)) => s.warning(Code::DON_048,
            ip.key("baseline_year"),
            Point::Key,
            tr!("l'indicateur `{}` a une `baseline_year` mais pas de valeur de départ", "indicator `{}` has a `baseline_year` but no baseline",
                ind.id
            ),
            Text::new("indiquez la valeur de départ dans `\"baseline\"`, ou retirez `baseline_year`", "give the starting value in `\"baseline\"`, or remove `baseline_year`"),
        ),
        _ => {}
    }
    if let (Some(y), Some(first)) = (ind.baseline_year, first_year)
        && y > first
    {
        s.error(Code::DON_049,
            ip.key("baseline_year"),
            Point::Value,
            tr!("l'année de référence {y} de l'indicateur `{}` est postérieure à la première année de la convention ({first})", "the baseline year {y} of indicator `{}` is after the first year of the convention ({first})",
                ind.id
            ),
            tr!("la valeur de départ est la situation d'où part le partenariat\u{a0}: indiquez une année jusqu'à {first}, en général {}", "the baseline is the situation the partnership starts from: give a year up to {first}, usually {}",
                first - 1
            ),
        );
    }
}
