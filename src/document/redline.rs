//! A text with its changes: runs of text kept, deleted or inserted. `diff`
//! computes them; the writers show them (`<del>`/`<ins>` in Markdown and
//! HTML, tracked changes in ODT and DOCX).

use serde::{Deserialize, Serialize};

/// What a segment of the redline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Delete,
    Insert,
}

/// A run of text with one fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub op: Op,
    pub text: String,
}
