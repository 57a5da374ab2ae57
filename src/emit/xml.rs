//! Writing XML text and attribute values: the only way user text enters the
//! XML of the ODT and DOCX emitters.

/// Whether XML 1.0 allows `c` in a document (tab, line feed and carriage
/// return are the only control characters it allows).
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Appends `text` escaped for element content and attribute values alike;
/// characters XML cannot carry are dropped.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// `text` escaped (see [`escape_into`]).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("<w:t>&amp; « x » 'a' \"b\"\u{1}\u{FFFF}\u{0B}"),
            "&lt;w:t&gt;&amp;amp; « x » &apos;a&apos; &quot;b&quot;"
        );
    }
}
