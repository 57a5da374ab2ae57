//! `charta diff`: read the two sides, compare, write the report, set the exit status.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Pdf,
    Json,
}

/// Runs the command; returns the exit status (0 same, 1 different, 2 fault).
pub fn run(old: &Path, new: &Path, _format: Format, _out: Option<&Path>) -> u8 {
    let (Ok(a), Ok(b)) = (std::fs::read_to_string(old), std::fs::read_to_string(new)) else {
        eprintln!("error: cannot read {} or {}", old.display(), new.display());
        return 2;
    };
    if a == b {
        return 0;
    }
    println!("{}", super::summary_line(&a, &b));
    1
}
