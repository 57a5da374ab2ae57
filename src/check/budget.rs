//! The budget prévisionnel of a convention (`convention.budget`, issue #31)
//! and the closing date of the association's exercice
//! (`association.fiscal_year_end`): a budget balances, its charges are the
//! year's eligible cost, and the funder's own line is the convention's amount.
//! Every error is located at the JSON path of the figure to correct.

use crate::diagnostic::Code;
use crate::french::euros;
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, ConventionKind, fiscal_year_end};
use crate::tr;

use super::Sink;
use super::structure::Point;

/// Every rule on the budget and the closing date (DON-120 to DON-124).
pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    closing_date(data, s);
    let c = &data.convention;
    let Some(budget) = &c.budget else { return };
    let base = JsonPath::root().key("convention").key("budget");
    for (y, b) in budget {
        let here = base.key(y);
        if !c.years.iter().any(|cy| cy.to_string() == *y) || c.kind == ConventionKind::Cadre {
            s.error(
                Code::DON_123,
                here,
                Point::Key,
                tr!(
                    "budget prévisionnel pour {y}, année que la convention ne couvre pas",
                    "budget for {y}, a year the convention does not cover"
                ),
                tr!(
                    "un budget par année de `convention.years` (aucun pour une convention-cadre)\u{a0}: corrigez l'année ou retirez ce budget",
                    "one budget per year of `convention.years` (none for a convention-cadre): correct the year or remove this budget"
                ),
            );
            continue;
        }
        let (ch, pr) = (b.charges.total(), b.produits.total());
        if ch != pr {
            s.error(
                Code::DON_120,
                here.key("produits"),
                Point::Key,
                tr!(
                    "budget {y} déséquilibré\u{a0}: charges {}, produits {} (écart {})",
                    "unbalanced budget for {y}: charges {}, produits {} (gap {})",
                    euros(ch),
                    euros(pr),
                    euros((ch - pr).abs())
                ),
                tr!(
                    "un budget prévisionnel est présenté en équilibre\u{a0}: le total des produits égale celui des charges",
                    "a budget is presented balanced: total produits equal total charges"
                ),
            );
        }
        if let Some(cost) = c.eligible_cost.as_ref().and_then(|e| e.get(y))
            && cost.cents() != ch
        {
            s.error(
                Code::DON_121,
                here.key("charges"),
                Point::Key,
                tr!(
                    "les charges du budget {y} ({}) diffèrent du coût éligible de l'année ({})",
                    "the charges of the {y} budget ({}) differ from the year's eligible cost ({})",
                    euros(ch),
                    euros(cost.cents())
                ),
                tr!(
                    "le coût éligible est le total des charges du projet\u{a0}: corrigez le budget ou `eligible_cost.{y}`",
                    "the eligible cost is the project's total charges: correct the budget or `eligible_cost.{y}`"
                ),
            );
        }
        let (line, key) = b.produits.subventions.of(prog.file.funder.kind);
        let amount = c
            .funding
            .as_ref()
            .and_then(|f| f.get(y))
            .map_or(0, |a| a.cents());
        if line.cents() != amount {
            s.error(
                Code::DON_122,
                here.key("produits").key("subventions").key(key),
                Point::Value,
                tr!(
                    "la subvention `{key}` du budget {y} ({}) diffère de la contribution de la convention ({})",
                    "the `{key}` subsidy of the {y} budget ({}) differs from the convention's contribution ({})",
                    euros(line.cents()),
                    euros(amount)
                ),
                tr!(
                    "la ligne du financeur est la contribution de l'année\u{a0}: écrivez {} ou corrigez `funding.{y}`",
                    "the funder's line is the year's contribution: write {} or correct `funding.{y}`",
                    euros(amount)
                ),
            );
        }
    }
}

/// `fiscal_year_end` is a day of the year, « MM-JJ » (DON-124).
fn closing_date(data: &AssociationFile, s: &mut Sink) {
    let Some(v) = &data.association.fiscal_year_end else {
        return;
    };
    if fiscal_year_end(&data.association).is_none() {
        s.error(
            Code::DON_124,
            JsonPath::root().key("association").key("fiscal_year_end"),
            Point::Value,
            tr!(
                "`fiscal_year_end` `{v}` n'est pas une date de clôture «\u{a0}MM-JJ\u{a0}»",
                "`fiscal_year_end` `{v}` is not a closing date \"MM-DD\""
            ),
            tr!(
                "écrivez le mois et le jour de la clôture de l'exercice, par exemple «\u{a0}06-30\u{a0}» (le 29 février n'existe pas chaque année\u{a0}: écrivez «\u{a0}02-28\u{a0}»)",
                "write the month and day the exercice closes, e.g. \"06-30\" (29 February is not every year's: write \"02-28\")"
            ),
        );
    }
}
