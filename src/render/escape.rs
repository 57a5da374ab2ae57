//! What data becomes in the text: French spacing, then literal Markdown.

use crate::french;

/// Drops trailing spaces, collapses runs of blank lines and doubled spaces left by
/// conditional template text.
pub(super) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        let indent = line.len() - line.trim_start().len();
        out.push_str(&line[..indent]);
        let mut prev_space = false;
        for ch in line[indent..].chars() {
            if ch == ' ' && prev_space {
                continue;
            }
            prev_space = ch == ' ';
            out.push(ch);
        }
    }
    out
}

/// The escape of every value a clause prints (`{{ … }}`): French spacing of
/// the text ([`french::typeset_data`]: no-break spaces before « : ; ! ? », inside
/// « », in figures), then escaped for Markdown. The data file is unchanged.
pub fn escape_data(input: &str) -> String {
    escape_markdown(&french::typeset_data(input))
}

/// Escapes text so that CommonMark reads it back literally: ASCII punctuation
/// that can start markup is backslash-escaped, and characters that only matter at
/// the start of a line are escaped there. Every line break becomes a space, a
/// blank line too: data never creates a block, which in a table cell would
/// end the row and in a list item or `**…**` would spill template markup.
pub fn escape_markdown(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    let joined = input
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let p = joined.as_str();
    let mut chars = p.char_indices().peekable();
    let mut at_start = true;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '|' | '&' | '$' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_start => {
                // « 1. » or « 1) » at the start of a paragraph would open a list.
                let digits_end = p[i..]
                    .find(|ch: char| !ch.is_ascii_digit())
                    .map(|k| i + k)
                    .unwrap_or(p.len());
                out.push_str(&p[i..digits_end]);
                while chars.peek().is_some_and(|(k, _)| *k < digits_end) {
                    chars.next();
                }
                if let Some(&(_, d)) = chars.peek()
                    && (d == '.' || d == ')')
                {
                    out.push('\\');
                    out.push(d);
                    chars.next();
                }
            }
            _ => out.push(c),
        }
        at_start = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_roundtrip_examples() {
        assert_eq!(escape_markdown("a*b_c"), "a\\*b\\_c");
        assert_eq!(escape_markdown("1. premier"), "1\\. premier");
        assert_eq!(escape_markdown("- tiret"), "\\- tiret");
        assert_eq!(escape_markdown("2026"), "2026");
    }

    #[test]
    fn tidy_collapses() {
        assert_eq!(tidy("a  b \n\n\n\nc"), "a b\n\nc");
    }
}
