//! Rules on `convention.signatories` and an avenant's `signatories`: each
//! party has a signatory (DON-096). An unknown `party` and an empty `name`
//! or `role` are the structural walk's (DON-085).

use crate::diagnostic::Code;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, Party, Signatory};
use crate::tr;

use super::Sink;
use super::structure::Point;

/// The convention's list, then each avenant's.
pub fn rules(data: &AssociationFile, s: &mut Sink) {
    let c = JsonPath::root().key("convention");
    if let Some(list) = &data.convention.signatories {
        one_list(list, c.key("signatories"), s);
    }
    for (i, a) in data.convention.amendments.iter().enumerate() {
        if let Some(list) = &a.signatories {
            one_list(list, c.key("amendments").index(i).key("signatories"), s);
        }
    }
}

fn one_list(list: &[Signatory], at: JsonPath, s: &mut Sink) {
    for party in [Party::Association, Party::Funder] {
        if list.iter().any(|x| x.party == party) {
            continue;
        }
        let (fr, en) = match party {
            Party::Association => ("l'association", "the association"),
            Party::Funder => ("le financeur", "the funder"),
        };
        let key = match party {
            Party::Association => "association",
            Party::Funder => "funder",
        };
        s.error(
            Code::DON_096,
            at.clone(),
            Point::Key,
            tr!(
                "aucun signataire pour {fr}\u{a0}: l'acte ne serait pas signé par les deux parties",
                "no signatory for {en}: the act would not be signed by both parties"
            ),
            tr!(
                "ajoutez un signataire dont `party` vaut `{key}` (avec `civility`, `name`, `role`), ou retirez `signatories` pour faire signer les représentants",
                "add a signatory whose `party` is `{key}` (with `civility`, `name`, `role`), or remove `signatories` to have the representatives sign"
            ),
        );
    }
}
