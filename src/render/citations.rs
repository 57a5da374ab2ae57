//! Citations between parts: `article(id=…)` and `annexe(id=…)` leave a
//! marker in the rendered body, replaced by the final number once every part
//! is numbered.

use std::collections::HashMap;

use serde_json::Value;

use super::filters::FilterArgs;
use crate::load::PartKind;

const REF_OPEN: char = '\u{E000}';
const REF_CLOSE: char = '\u{E001}';

/// Replaces citation markers with final numbers; returns the ids that are not rendered.
pub(super) fn resolve_citations(
    body: &str,
    labels: &HashMap<String, (PartKind, String)>,
) -> Result<String, Vec<String>> {
    let mut out = String::with_capacity(body.len());
    let mut missing = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find(REF_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + REF_OPEN.len_utf8()..];
        let Some(j) = after.find(REF_CLOSE) else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let marker = &after[..j];
        rest = &after[j + REF_CLOSE.len_utf8()..];
        let mut it = marker.splitn(3, ':');
        let (what, id, cap) = (
            it.next().unwrap_or(""),
            it.next().unwrap_or(""),
            it.next() == Some("1"),
        );
        match labels.get(id) {
            Some((kind, number))
                if (what == "a" && *kind == PartKind::Article)
                    || (what == "x" && *kind == PartKind::Annex) =>
            {
                let word = match (what, cap) {
                    ("a", false) => "article",
                    ("a", true) => "Article",
                    (_, false) => "annexe",
                    (_, true) => "Annexe",
                };
                out.push_str(&format!("{word}\u{a0}{number}"));
            }
            _ => missing.push(id.to_string()),
        }
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

pub(super) fn citation(args: &FilterArgs, what: char) -> tera::Result<Value> {
    let name = if what == 'a' { "article" } else { "annexe" };
    let id = args.get("id").and_then(Value::as_str).ok_or_else(|| {
        tera::Error::msg(format!(
            "`{name}(id=\"…\")` needs the id of a clause or part"
        ))
    })?;
    let cap = args
        .get("majuscule")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Value::String(format!(
        "{REF_OPEN}{what}:{id}:{}{REF_CLOSE}",
        if cap { 1 } else { 0 }
    )))
}
