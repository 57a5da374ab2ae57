//! Characters the PDF cannot show.
//!
//! A convention is typeset with the fonts embedded in the binary (Libertinus
//! Serif, then Typst's fallbacks: New Computer Modern, DejaVu Sans Mono…).
//! A character that none of them has (an emoji, a CJK ideograph, a control
//! character pasted from a word processor) would make the PDF/A export fail
//! with Typst's own error, far from its cause. This rule finds it first, in
//! the data, at its JSON path or TOML key, and names it.

use std::sync::LazyLock;

use serde_json::Value;

use crate::diagnostic::{Code, Text};
use crate::locate::JsonPath;
use crate::tr;

/// The code points that at least one embedded font covers, as sorted,
/// disjoint, inclusive ranges.
static COVERED: LazyLock<Vec<(u32, u32)>> = LazyLock::new(|| {
    let mut points: Vec<u32> = typst_kit::fonts::embedded()
        .flat_map(|(_, info)| info.coverage.iter().collect::<Vec<_>>())
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for p in points {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == p => *end = p,
            _ => ranges.push((p, p)),
        }
    }
    ranges
});

/// Whether the PDF can show `c`. Whitespace is laid out, not drawn; printable
/// ASCII and Latin-1 are always covered (a test checks it), which spares the
/// font tables for almost every string.
pub fn printable(c: char) -> bool {
    let u = c as u32;
    if (0x20..0x7F).contains(&u) || (0xA0..=0xFF).contains(&u) || c.is_whitespace() {
        return true;
    }
    !c.is_control() && in_fonts(u)
}

/// Whether an embedded font covers the code point `u`.
fn in_fonts(u: u32) -> bool {
    let ranges = &*COVERED;
    let i = ranges.partition_point(|&(start, _)| start <= u);
    i > 0 && ranges[i - 1].1 >= u
}

/// A character the PDF cannot show, found in a string of the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprintable {
    pub path: JsonPath,
    pub character: char,
    /// 1-based position of the character in the string, counted in characters.
    pub position: usize,
}

impl Unprintable {
    /// The stable code: a control character, or a character no font has.
    pub fn code(&self) -> Code {
        if self.character.is_control() {
            Code::DON_101
        } else {
            Code::DON_102
        }
    }

    pub fn message(&self) -> Text {
        let c = self.character;
        let (u, n) = (c as u32, self.position);
        if c.is_control() {
            tr!(
                "un caractère de contrôle (U+{u:04X}, caractère {n} du texte) n'est pas du texte\u{a0}: une convention ne peut pas l'imprimer",
                "a control character (U+{u:04X}, character {n} of the text) is not text: a convention cannot print it"
            )
        } else {
            tr!(
                "le caractère «\u{a0}{c}\u{a0}» (U+{u:04X}, caractère {n} du texte) n'est dans aucune police embarquée\u{a0}: le PDF ne peut pas l'afficher",
                "the character « {c} » (U+{u:04X}, character {n} of the text) is in no embedded font: the PDF cannot show it"
            )
        }
    }

    pub fn hint(&self) -> Text {
        if self.character.is_control() {
            Text::new(
                "supprimez-le (il vient souvent d'un copier-coller depuis un traitement de texte)",
                "remove it (it often comes from a copy and paste out of a word processor)",
            )
        } else {
            Text::new(
                "remplacez-le par des lettres ou une ponctuation des alphabets latin, grec ou cyrillique \
                 (les émojis et les idéogrammes ne sont pas dans les polices embarquées)",
                "replace it with letters or punctuation of the Latin, Greek or Cyrillic \
                 alphabets (emoji and ideographs are not in the embedded fonts)",
            )
        }
    }
}

/// Every string of `value` with a character the PDF cannot show: the first
/// such character of each string.
pub fn scan(value: &Value) -> Vec<Unprintable> {
    let mut out = Vec::new();
    walk(value, JsonPath::root(), &mut out);
    out
}

fn walk(value: &Value, path: JsonPath, out: &mut Vec<Unprintable>) {
    match value {
        Value::String(s) => {
            if let Some((i, c)) = s.chars().enumerate().find(|&(_, c)| !printable(c)) {
                out.push(Unprintable {
                    path,
                    character: c,
                    position: i + 1,
                });
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, path.index(i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                walk(v, path.key(k), out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_the_fonts() {
        for u in (0x20..0x7F).chain(0xA0..=0xFF) {
            assert!(in_fonts(u), "U+{u:04X} is not in the embedded fonts");
        }
    }

    #[test]
    fn french_typography_is_printable_and_emoji_are_not() {
        for c in "Œuvre « solidaire » — l’été, 12\u{202F}500\u{00A0}€ … n° 3 ½ ‰ ≥ ∞ αβγ Ж".chars()
        {
            assert!(printable(c), "U+{:04X}", c as u32);
        }
        for c in ['😀', '中', '\u{0007}', '\u{FFFF}'] {
            assert!(!printable(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn scan_names_the_path_and_the_position() {
        let v: Value = serde_json::json!({
            "association": {"name": "Les Amis 😀 du quartier", "city": "Montvalon"},
            "list": ["ok", "tab\tok", "bell\u{0007}"]
        });
        let found = scan(&v);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].path.to_string(), "association.name");
        assert_eq!(found[0].position, 10);
        assert!(
            found[0]
                .message()
                .en
                .contains("« 😀 » (U+1F600, character 10")
        );
        assert_eq!(found[1].path.to_string(), "list[2]");
        assert!(
            found[1]
                .message()
                .en
                .starts_with("a control character (U+0007")
        );
    }
}
