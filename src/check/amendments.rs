//! Rules on `convention.amendments` (the avenants of a signed convention):
//! each has its decision, dates that follow the convention's signature and
//! one another, at most one draft (the last entry), and no avenant before
//! the convention is signed.

use crate::french::parse_date;
use crate::locate::JsonPath;
use crate::model::AssociationFile;

use super::Sink;
use super::structure::Point;

pub fn rules(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    if c.amendments.is_empty() {
        return;
    }
    let base = JsonPath::root().key("convention").key("amendments");
    let signed_on = c.signature.date.as_deref().and_then(parse_date);
    if c.signature.date.is_none() {
        s.error(
            "DON-103",
            base.clone(),
            Point::Key,
            "la convention n'est pas signée : elle ne peut pas avoir d'avenant",
            "tant qu'elle est un projet, modifiez directement ses données et retirez `amendments` ; un avenant ne modifie qu'une convention signée (renseignez `convention.signature.date`)",
        );
        return;
    }
    let last = c.amendments.len() - 1;
    // The date of the previous act (the convention, then each signed avenant).
    let mut previous = signed_on;
    let mut previous_label = "la signature de la convention".to_string();
    for (i, a) in c.amendments.iter().enumerate() {
        let k = i + 1;
        let p = base.index(i);
        let dp = p.key("decision");
        if a.decision.body.trim().is_empty() {
            s.error(
                "DON-104",
                dp.key("body"),
                Point::Value,
                format!("avenant n° {k} : l'instance qui l'approuve est vide"),
                "indiquez l'instance qui a délibéré (« Commission permanente »)",
            );
        }
        if a.decision.number.trim().is_empty() {
            s.error(
                "DON-105",
                dp.key("number"),
                Point::Value,
                format!("avenant n° {k} : le numéro de la délibération qui l'approuve est vide"),
                "indiquez le numéro de la délibération (« CP-2027-03-12 ») : l'avenant la vise",
            );
        }
        let decided = parse_date(&a.decision.date);
        match decided {
            None => s.error(
                "DON-106",
                dp.key("date"),
                Point::Value,
                format!(
                    "avenant n° {k} : la date de la délibération `{}` n'est pas une date",
                    a.decision.date
                ),
                "écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2027-03-12",
            ),
            Some(d) if previous.is_some_and(|p| d < p) => s.error(
                "DON-107",
                dp.key("date"),
                Point::Value,
                format!(
                    "avenant n° {k} : la délibération du {} précède {previous_label}",
                    a.decision.date
                ),
                "un avenant modifie un acte déjà signé : sa délibération vient après la signature de l'acte qu'il modifie ; corrigez la date",
            ),
            _ => {}
        }
        match a.signature.date.as_deref() {
            None if i < last => s.error(
                "DON-108",
                p.key("signature").key("date"),
                Point::Value,
                format!(
                    "l'avenant n° {k} n'est pas signé, mais l'avenant n° {} le suit",
                    k + 1
                ),
                "seul le dernier avenant peut être un projet : renseignez la date de signature de celui-ci, ou retirez les entrées suivantes",
            ),
            None => {}
            Some(sd) => match parse_date(sd) {
                None => s.error(
                    "DON-109",
                    p.key("signature").key("date"),
                    Point::Value,
                    format!("avenant n° {k} : la date de signature `{sd}` n'est pas une date"),
                    "écrivez une date du calendrier au format AAAA-MM-JJ, ou null tant que l'avenant est un projet",
                ),
                Some(d) => {
                    if previous.is_some_and(|p| d < p) {
                        s.error(
                            "DON-110",
                            p.key("signature").key("date"),
                            Point::Value,
                            format!(
                                "avenant n° {k} : la signature du {sd} précède {previous_label}"
                            ),
                            "les avenants se signent dans l'ordre, après la convention : corrigez la date ou l'ordre des entrées",
                        );
                    }
                    if decided.is_some_and(|dd| d < dd) {
                        s.error(
                            "DON-111",
                            p.key("signature").key("date"),
                            Point::Value,
                            format!(
                                "avenant n° {k} : signé le {sd}, avant la délibération du {} qui autorise sa signature",
                                a.decision.date
                            ),
                            "la délibération précède la signature : corrigez l'une des deux dates",
                        );
                    }
                    previous = Some(d);
                    previous_label = format!("la signature de l'avenant n° {k}");
                }
            },
        }
        if let Some(sum) = &a.summary
            && sum.trim().is_empty()
        {
            s.warning(
                "DON-112",
                p.key("summary"),
                Point::Value,
                format!("avenant n° {k} : le résumé est vide"),
                "écrivez une phrase qui dit pourquoi la convention est modifiée, ou retirez `summary`",
            );
        }
    }
}
