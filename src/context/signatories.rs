//! Who signs an act, in signing order, as its signature block names them:
//! `signatories` in the clauses' context (see `clauses/blocs/signature-parties.md`).
//!
//! By default the association's representative signs first, then the
//! funder's; `convention.signatories` (an avenant's own `signatories`)
//! overrides persons and order. `electronic` is true when `charta.toml` has
//! a `[signature]` table: the act is then signed electronically and prints no
//! place or date to fill by hand.

use serde_json::{Value, json};

use crate::model::{AssociationFile, Party, ProgrammeFile, Signatory};

use super::{is_feminine_civility, with_article};

/// One signatory as the signature block prints it. `role_shown`: the role
/// after « Pour la Région, » (the funder's representative's without the
/// funder's name again).
fn signatory(s: &Signatory, role_shown: &str, funder_le: &str) -> Value {
    let pour = match s.party {
        Party::Association => "Pour l'association".to_string(),
        Party::Funder => format!("Pour {funder_le}"),
    };
    json!({
        "party": s.party,
        "civility": s.civility.trim(),
        "name": s.name.trim(),
        "role": s.role.trim(),
        "le": with_article(&s.civility, role_shown),
        "pour": pour,
        "feminine": is_feminine_civility(&s.civility),
        "delegation": s.delegation.as_deref().map(str::trim).filter(|d| !d.is_empty()),
    })
}

/// The signatories of a list given in the data, in its order.
pub fn listed(list: &[Signatory], funder_le: &str) -> Value {
    Value::Array(
        list.iter()
            .map(|s| signatory(s, &s.role, funder_le))
            .collect(),
    )
}

/// The representatives of both parties, the association's first.
/// `funder_role`: the funder's representative's role without the funder's name.
pub fn representatives(
    prog: &ProgrammeFile,
    data: &AssociationFile,
    funder_role: &str,
    funder_le: &str,
) -> Value {
    let (a, f) = (
        &data.association.representative,
        &prog.funder.representative,
    );
    let person = |party, p: &crate::model::Person| Signatory {
        party,
        civility: p.civility.clone(),
        name: p.name.clone(),
        role: p.role.clone(),
        delegation: None,
    };
    json!([
        signatory(&person(Party::Association, a), &a.role, funder_le),
        signatory(&person(Party::Funder, f), funder_role, funder_le),
    ])
}

/// `signatories`, `signatories_default` (the representatives, what an
/// avenant without its own list names) and `electronic`.
pub fn insert(
    ctx: &mut serde_json::Map<String, Value>,
    prog: &ProgrammeFile,
    data: &AssociationFile,
    funder_role: &str,
    funder_le: &str,
) {
    let default = representatives(prog, data, funder_role, funder_le);
    let own = data.convention.signatories.as_deref();
    let signatories = own.map_or_else(|| default.clone(), |l| listed(l, funder_le));
    ctx.insert("signatories".into(), signatories);
    ctx.insert("signatories_default".into(), default);
    ctx.insert("electronic".into(), json!(prog.signature.is_some()));
}
