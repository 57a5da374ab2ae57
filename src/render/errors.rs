//! Tera's errors as diagnostics, located in the clause file.

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Clause;
use crate::tr;

use super::engine::body_name;

/// Position in a Tera parse error (« --> 3:5 »), relative to the template.
fn tera_error_location(e: &tera::Error) -> Option<(usize, usize)> {
    let text = error_chain(e);
    let i = text.find("--> ")?;
    let rest = &text[i + 4..];
    let end = rest.find(|c: char| !c.is_ascii_digit() && c != ':')?;
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// Tera's error and all its causes, one per line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}

pub(super) fn template_diag(clause: &Clause, e: &tera::Error, body_line: usize) -> Diagnostic {
    let (cid, chain) = (
        &clause.meta.id,
        error_chain(e).replace(&body_name(&clause.meta.id), "body"),
    );
    let mut d = Diagnostic::error(
        Code::BIB_017,
        tr!("clause `{cid}`\u{a0}: {chain}", "clause `{cid}`: {chain}"),
    )
    .in_file(&clause.path);
    if let Some((l, c)) = tera_error_location(e) {
        d = d.at(body_line + l - 1, c);
    }
    d
}
