//! Comparing two versions of a convention, aligned by clause id (never by
//! position), and two build folders.

pub mod cli;

/// Splits a rendered convention into its clauses: id → text (anchors excluded).
pub fn clauses_of(markdown: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in markdown.lines() {
        if let Some(rest) = line.strip_prefix("<!-- clause:") {
            let id = rest.split_whitespace().next().unwrap_or("").to_string();
            out.push((id, String::new()));
        } else if line.starts_with("<!-- part:") || line.starts_with("## ") {
            continue;
        } else if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// One line that says what changed between two versions: « 2 clauses modified (x, y), 1 added (z) ».
pub fn summary_line(old: &str, new: &str) -> String {
    let (a, b) = (clauses_of(old), clauses_of(new));
    let find =
        |v: &[(String, String)], id: &str| v.iter().find(|(i, _)| i == id).map(|(_, t)| t.clone());
    let mut modified = Vec::new();
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for (id, t) in &b {
        match find(&a, id) {
            Some(o) if &o != t => modified.push(id.clone()),
            Some(_) => {}
            None => added.push(id.clone()),
        }
    }
    for (id, _) in &a {
        if find(&b, id).is_none() {
            removed.push(id.clone());
        }
    }
    let mut parts = Vec::new();
    for (n, what) in [
        (&modified, "modified"),
        (&added, "added"),
        (&removed, "removed"),
    ] {
        if !n.is_empty() {
            parts.push(format!(
                "{} clause{} {what} ({})",
                n.len(),
                if n.len() > 1 { "s" } else { "" },
                n.join(", ")
            ));
        }
    }
    if parts.is_empty() {
        "the title or headings changed".to_string()
    } else {
        parts.join(", ")
    }
}
