//! Splits clause text into the tokens the word-level redline compares.
//!
//! A token is what a reader sees as one unit of meaning, so that a redline
//! never shows half an amount: a French amount « 47 500,50 € » (digits grouped
//! by U+202F, U+00A0 or a space, decimal comma, the € or % sign) is one token,
//! and so is an amount followed by its spelling in letters « 47 500 €
//! (quarante-sept mille cinq cents euros) », because figures and letters are
//! one legal fact and change together. Otherwise a token is a word (letters
//! and digits, inner hyphens, a trailing apostrophe: « l' », « 2000-321 »,
//! « 1er »), a run of spaces, a line break, a Markdown escape (`\*`), the bold
//! marker `**`, or one punctuation character. Concatenating the tokens gives
//! back the text exactly.

/// What a token is; the redline and the Markdown writer treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Letters and digits (« contribution », « 1er », « 2000-321 », « II »).
    Word,
    /// An amount, a grouped number or a percentage, possibly with its letters.
    Number,
    /// Spaces (never a line break).
    Space,
    /// One `\n`.
    Newline,
    /// Punctuation, `**`, or a Markdown escape such as `\*`.
    Punct,
}

/// One token: a slice of the text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token<'a> {
    pub text: &'a str,
    pub kind: Kind,
}

fn is_space(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}

/// Separators a French writer puts between groups of thousands.
fn is_group_sep(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\u{202F}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

/// Words that may appear inside the letters of an amount, « (… euros et … centimes) ».
const LETTER_WORDS: &[&str] = &[
    "zéro",
    "un",
    "une",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "vingt",
    "vingts",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "cent",
    "cents",
    "mille",
    "million",
    "millions",
    "milliard",
    "milliards",
    "et",
    "d",
    "de",
    "euro",
    "euros",
    "centime",
    "centimes",
    "moins",
];

/// Whether `inner` (the text between parentheses) spells an amount in letters.
fn is_amount_in_letters(inner: &str) -> bool {
    let mut any = false;
    for w in inner.split(|c: char| c.is_whitespace() || c == '-' || is_apostrophe(c)) {
        if w.is_empty() {
            continue;
        }
        if !LETTER_WORDS.contains(&w) {
            return false;
        }
        any = true;
    }
    any
}

/// Byte length of a number starting at `s` (which starts with a digit):
/// digits grouped by three, a decimal comma, a unit sign, then possibly the
/// amount in letters between parentheses. `None` when the digits run into
/// letters (« 1er ») or a hyphen (« 2000-321 »): that is a word.
fn number_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let first = digits(0);
    let mut end = first;
    // Further groups of exactly three digits, only after a first group of one to three.
    if first <= 3 {
        loop {
            let rest = &s[end..];
            let Some(sep) = rest.chars().next().filter(|&c| is_group_sep(c)) else {
                break;
            };
            let after = end + sep.len_utf8();
            let n = digits(after);
            if n == 3 {
                end = after + 3;
            } else {
                break;
            }
        }
    }
    // Decimal comma followed by digits.
    if s[end..].starts_with(',') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    let next = s[end..].chars().next();
    if next.is_some_and(|c| is_word_char(c) || c == '-' && s[end + 1..].starts_with(is_word_char)) {
        return None;
    }
    // A unit sign, glued or after one space; an amount may be followed by its letters.
    let rest = &s[end..];
    let sep = rest
        .chars()
        .next()
        .filter(|&c| is_group_sep(c))
        .map_or(0, char::len_utf8);
    for skip in [0, sep] {
        let r = &rest[skip..];
        if r.starts_with('€') {
            end += skip + '€'.len_utf8();
            end += letters_len(&s[end..]);
            break;
        }
        if r.starts_with('%') {
            end += skip + 1;
            break;
        }
    }
    Some(end)
}

/// Byte length of « (cent euros) » (with at most one space before) at the start of `s`, or 0.
fn letters_len(s: &str) -> usize {
    let skip = s
        .chars()
        .next()
        .filter(|&c| is_group_sep(c))
        .map_or(0, char::len_utf8);
    let r = &s[skip..];
    if !r.starts_with('(') {
        return 0;
    }
    match r[1..].find([')', '(', '\n']) {
        Some(close)
            if r[1 + close..].starts_with(')')
                && close <= 240
                && is_amount_in_letters(&r[1..1 + close]) =>
        {
            skip + close + 2
        }
        _ => 0,
    }
}

/// Byte length of a word starting at `s`: letters and digits, hyphens between
/// them, and one trailing apostrophe (« l' », « aujourd' »).
fn word_len(s: &str) -> usize {
    let mut end = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            end = i + c.len_utf8();
        } else if c == '-' && end == i && chars.peek().is_some_and(|&(_, n)| is_word_char(n)) {
            continue;
        } else if is_apostrophe(c) && end == i {
            return i + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Splits `text` into tokens; their concatenation is `text`.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().expect("not at the end");
        let (len, kind) = if c == '\n' {
            (1, Kind::Newline)
        } else if is_space(c) {
            let n = rest
                .char_indices()
                .find(|&(_, c)| !is_space(c))
                .map_or(rest.len(), |(k, _)| k);
            (n, Kind::Space)
        } else if c.is_ascii_digit() {
            match number_len(rest) {
                Some(n) => (n, Kind::Number),
                None => (word_len(rest), Kind::Word),
            }
        } else if is_word_char(c) {
            (word_len(rest), Kind::Word)
        } else if c == '\\' {
            // A Markdown escape stays with the character it escapes.
            let n = rest[1..].chars().next().map_or(0, char::len_utf8);
            (1 + n, Kind::Punct)
        } else if rest.starts_with("**") {
            (2, Kind::Punct)
        } else {
            (c.len_utf8(), Kind::Punct)
        };
        out.push(Token {
            text: &rest[..len],
            kind,
        });
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s)
            .into_iter()
            .filter(|t| t.kind != Kind::Space)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn amounts_are_one_token() {
        assert_eq!(
            texts("de 47\u{202F}500,50\u{A0}€ soit 29,89\u{A0}%."),
            ["de", "47\u{202F}500,50\u{A0}€", "soit", "29,89\u{A0}%", "."]
        );
        assert_eq!(texts("1 250 personnes"), ["1 250", "personnes"]);
        assert_eq!(texts("45 000 €"), ["45 000 €"]);
    }

    #[test]
    fn figures_and_letters_are_one_token() {
        let s = "de 45\u{202F}000\u{A0}€ (quarante-cinq mille euros), soit";
        assert_eq!(
            texts(s),
            [
                "de",
                "45\u{202F}000\u{A0}€ (quarante-cinq mille euros)",
                ",",
                "soit"
            ]
        );
        // Parentheses that are not letters stay apart.
        assert_eq!(
            texts("10 € (voir annexe)"),
            ["10 €", "(", "voir", "annexe", ")"]
        );
        assert_eq!(
            texts("1\u{202F}000\u{202F}000\u{A0}€ (un million d'euros)"),
            ["1\u{202F}000\u{202F}000\u{A0}€ (un million d'euros)"]
        );
    }

    #[test]
    fn years_dates_and_references() {
        assert_eq!(
            texts("années 2026 à 2028, loi n° 2000-321, article 1er, L. 1611-4"),
            [
                "années", "2026", "à", "2028", ",", "loi", "n", "°", "2000-321", ",", "article",
                "1er", ",", "L", ".", "1611-4"
            ]
        );
        // A four-digit year never starts a group.
        assert_eq!(texts("2026 150 000 €"), ["2026", "150 000 €"]);
    }

    #[test]
    fn words_apostrophes_markup() {
        assert_eq!(
            texts("l'association **Il est** \\* Montvalon-sur-Meuse"),
            [
                "l'",
                "association",
                "**",
                "Il",
                "est",
                "**",
                "\\*",
                "Montvalon-sur-Meuse"
            ]
        );
    }

    #[test]
    fn round_trip() {
        let s = "a  b\n\n| 2026 | 150\u{202F}000\u{A0}€ |\n- x ; é’ \\";
        let joined: String = tokenize(s).iter().map(|t| t.text).collect();
        assert_eq!(joined, s);
    }
}
