//! Rules on `convention.amendments` (the avenants of a signed convention):
//! each has its decision, dates that follow the convention's signature and
//! one another, at most one draft (the last entry), and no avenant before
//! the convention is signed.

use crate::diagnostic::{Code, Text};
use crate::french::parse_date;
use crate::locate::JsonPath;
use crate::model::{Amendment, AssociationFile};
use crate::tr;

use super::Sink;
use super::structure::Point;

/// The rules on a convention's avenants, in order: signed convention first,
/// then for each avenant its decision, its signature, its motive.
pub fn rules(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    if c.amendments.is_empty() {
        return;
    }
    let base = JsonPath::root().key("convention").key("amendments");
    if c.signature.date.is_none() {
        unsigned_convention(base, s);
        return;
    }
    let last = c.amendments.len() - 1;
    let mut previous = Previous {
        on: c.signature.date.as_deref().and_then(parse_date),
        label: (
            "la signature de la convention".to_string(),
            "the convention's signature".to_string(),
        ),
    };
    for (i, a) in c.amendments.iter().enumerate() {
        let at = At {
            k: i + 1,
            p: base.index(i),
        };
        decision_named(a, &at, s);
        let decided = decision_date(a, &at, &previous, s);
        signature_date(a, &at, i < last, decided, &mut previous, s);
        summary_not_empty(a, &at, s);
    }
}

/// An avenant and where it is: its number (from 1) and its JSON path.
struct At {
    k: usize,
    p: JsonPath,
}

/// The date of the previous act (the convention, then each signed avenant),
/// and how to name it (French, English).
struct Previous {
    on: Option<(i32, u8, u8)>,
    label: (String, String),
}

/// An avenant modifies a signed convention only (DON-103).
fn unsigned_convention(base: JsonPath, s: &mut Sink) {
    s.error(
        Code::DON_103,
        base,
        Point::Key,
        tr!(
            "la convention n'est pas signée\u{a0}: elle ne peut pas avoir d'avenant",
            "the convention is not signed: it cannot have amendments"
        ),
        tr!(
            "tant qu'elle est un projet, modifiez directement ses données et retirez `amendments`\u{202f}; un avenant ne modifie qu'une convention signée (renseignez `convention.signature.date`)",
            "while it is a draft, change its data directly and remove `amendments`; an amendment changes only a signed convention (fill in `convention.signature.date`)"
        ),
    );
}

/// The decision approving an avenant names its body and number (DON-104, 105).
fn decision_named(a: &Amendment, at: &At, s: &mut Sink) {
    let (k, dp) = (at.k, at.p.key("decision"));
    if a.decision.body.trim().is_empty() {
        s.error(
            Code::DON_104,
            dp.key("body"),
            Point::Value,
            tr!(
                "avenant n°\u{a0}{k}\u{a0}: l'instance qui l'approuve est vide",
                "amendment no. {k}: the body approving it is empty"
            ),
            tr!(
                "indiquez l'instance qui a délibéré («\u{a0}Commission permanente\u{a0}»)",
                "give the body that decided (« Commission permanente »)"
            ),
        );
    }
    if a.decision.number.trim().is_empty() {
        s.error(
            Code::DON_105,
            dp.key("number"),
            Point::Value,
            tr!(
                "avenant n°\u{a0}{k}\u{a0}: le numéro de la délibération qui l'approuve est vide",
                "amendment no. {k}: the number of the decision approving it is empty"
            ),
            tr!(
                "indiquez le numéro de la délibération («\u{a0}CP-2027-03-12\u{a0}»)\u{a0}: l'avenant la vise",
                "give the decision's number (« CP-2027-03-12 »): the amendment cites it"
            ),
        );
    }
}

/// The decision date is a date, not before the previous act (DON-106, 107).
fn decision_date(
    a: &Amendment,
    at: &At,
    previous: &Previous,
    s: &mut Sink,
) -> Option<(i32, u8, u8)> {
    let (k, dp) = (at.k, at.p.key("decision"));
    let decided = parse_date(&a.decision.date);
    match decided {
        None => s.error(
            Code::DON_106,
            dp.key("date"),
            Point::Value,
            tr!(
                "avenant n°\u{a0}{}\u{a0}: la date de la délibération `{}` n'est pas une date",
                "amendment no. {}: the decision date `{}` is not a date",
                k,
                a.decision.date
            ),
            tr!(
                "écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2027-03-12",
                "write a calendar date as YYYY-MM-DD, for example 2027-03-12"
            ),
        ),
        Some(d) if previous.on.is_some_and(|p| d < p) => s.error(
            Code::DON_107,
            dp.key("date"),
            Point::Value,
            Text::new(
                format!(
                    "avenant n°\u{a0}{k}\u{a0}: la délibération du {} précède {}",
                    a.decision.date, previous.label.0
                ),
                format!(
                    "amendment no. {k}: the decision of {} comes before {}",
                    a.decision.date, previous.label.1
                ),
            ),
            tr!(
                "un avenant modifie un acte déjà signé\u{a0}: sa délibération vient après la signature de l'acte qu'il modifie\u{202f}; corrigez la date",
                "an amendment changes an act already signed: its decision comes after the signature of the act it changes; correct the date"
            ),
        ),
        _ => {}
    }
    decided
}

/// The signature date: only the last avenant may be a draft; a date that
/// reads, after the previous act and after the decision (DON-108 to 111). A
/// signed avenant becomes the previous act.
fn signature_date(
    a: &Amendment,
    at: &At,
    has_next: bool,
    decided: Option<(i32, u8, u8)>,
    previous: &mut Previous,
    s: &mut Sink,
) {
    let (k, p) = (at.k, &at.p);
    match a.signature.date.as_deref() {
        None if has_next => s.error(
            Code::DON_108,
            p.key("signature").key("date"),
            Point::Value,
            tr!(
                "l'avenant n°\u{a0}{} n'est pas signé, mais l'avenant n°\u{a0}{} le suit",
                "amendment no. {} is not signed, but amendment no. {} follows it",
                k,
                k + 1
            ),
            tr!(
                "seul le dernier avenant peut être un projet\u{a0}: renseignez la date de signature de celui-ci, ou retirez les entrées suivantes",
                "only the last amendment can be a draft: fill in this one's signature date, or remove the entries after it"
            ),
        ),
        None => {}
        Some(sd) => match parse_date(sd) {
            None => s.error(
                Code::DON_109,
                p.key("signature").key("date"),
                Point::Value,
                tr!(
                    "avenant n°\u{a0}{k}\u{a0}: la date de signature `{sd}` n'est pas une date",
                    "amendment no. {k}: the signature date `{sd}` is not a date"
                ),
                tr!(
                    "écrivez une date du calendrier au format AAAA-MM-JJ, ou null tant que l'avenant est un projet",
                    "write a calendar date as YYYY-MM-DD, or null while the amendment is a draft"
                ),
            ),
            Some(d) => {
                if previous.on.is_some_and(|p| d < p) {
                    s.error(
                        Code::DON_110,
                        p.key("signature").key("date"),
                        Point::Value,
                        Text::new(
                            format!(
                                "avenant n°\u{a0}{k}\u{a0}: la signature du {sd} précède {}",
                                previous.label.0
                            ),
                            format!(
                                "amendment no. {k}: the signature of {sd} comes before {}",
                                previous.label.1
                            ),
                        ),
                        tr!(
                            "les avenants se signent dans l'ordre, après la convention\u{a0}: corrigez la date ou l'ordre des entrées",
                            "amendments are signed in order, after the convention: correct the date or the order of the entries"
                        ),
                    );
                }
                if decided.is_some_and(|dd| d < dd) {
                    s.error(
                        Code::DON_111,
                        p.key("signature").key("date"),
                        Point::Value,
                        tr!(
                            "avenant n°\u{a0}{}\u{a0}: signé le {}, avant la délibération du {} qui autorise sa signature",
                            "amendment no. {}: signed on {}, before the decision of {} that authorises its signature",
                            k,
                            sd,
                            a.decision.date
                        ),
                        tr!(
                            "la délibération précède la signature\u{a0}: corrigez l'une des deux dates",
                            "the decision comes before the signature: correct one of the two dates"
                        ),
                    );
                }
                previous.on = Some(d);
                previous.label = (
                    format!("la signature de l'avenant n°\u{a0}{k}"),
                    format!("the signature of amendment no. {k}"),
                );
            }
        },
    }
}

/// A motive, when given, is not empty (DON-112).
fn summary_not_empty(a: &Amendment, at: &At, s: &mut Sink) {
    let (k, p) = (at.k, &at.p);
    if let Some(sum) = &a.summary
        && sum.trim().is_empty()
    {
        s.warning(
            Code::DON_112,
            p.key("summary"),
            Point::Value,
            tr!(
                "avenant n°\u{a0}{k}\u{a0}: le motif (`summary`) est vide",
                "amendment no. {k}: the motive (`summary`) is empty"
            ),
            tr!(
                "écrivez le motif de l'avenant, par exemple «\u{a0}Au vu de l'état de réalisation du tableau de bord pour l'année 2026, qui fait apparaître…,\u{a0}», ou retirez `summary`",
                "write the amendment's motive, for example « Au vu de l'état de réalisation du tableau de bord pour l'année 2026, qui fait apparaître…, », or remove `summary`"
            ),
        );
    }
}
