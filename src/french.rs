//! French legal typography: amounts in figures and letters, dates, percentages,
//! identifiers, punctuation spacing.
//!
//! Pure functions over values; the Tera filters in `render` wrap them. Figures
//! and letters always come from the same integer number of cents, because where
//! they differ the letters prevail in law.

use num2words::{Lang, Num2Words};

/// U+202F, between thousands and before `; ! ?`.
pub const NNBSP: char = '\u{202F}';
/// U+00A0, before `€`, `%`, `:` and inside « ».
pub const NBSP: char = '\u{A0}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Groups the digits of a non-negative integer by three with U+202F.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// « 47 500,50 € »; whole amounts carry no decimals (« 45 000 € »).
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    let whole = group_thousands(c / 100);
    if c.is_multiple_of(100) {
        format!("{sign}{whole}{NBSP}€")
    } else {
        format!("{sign}{whole},{:02}{NBSP}€", c % 100)
    }
}

/// A cardinal number in letters, traditional spelling (« quatre-vingts », « deux cent un »,
/// « vingt et un », « mille »), by `num2words`.
pub fn cardinal(n: u64) -> String {
    Num2Words::new(n as i64)
        .lang(Lang::French)
        .cardinal()
        .to_words()
        .unwrap_or_else(|_| n.to_string())
}

/// « quarante-sept mille cinq cents euros et cinquante centimes ».
///
/// `million` and `milliard` are nouns: a count that ends on them takes « d'euros »
/// (« un million d'euros », « deux millions d'euros »).
pub fn euros_in_letters(cents: i64) -> String {
    let c = cents.unsigned_abs();
    let (whole, rest) = (c / 100, c % 100);
    let mut out = String::new();
    if whole > 0 || rest == 0 {
        let words = cardinal(whole);
        let unit = if whole > 1 { "euros" } else { "euro" };
        let noun_ending = whole > 0 && whole % 1_000_000 == 0;
        if noun_ending {
            out = format!("{words} d'{unit}");
        } else {
            out = format!("{words} {unit}");
        }
    }
    if rest > 0 {
        let cents_words = format!(
            "{} centime{}",
            cardinal(rest),
            if rest > 1 { "s" } else { "" }
        );
        if out.is_empty() {
            out = cents_words;
        } else {
            out = format!("{out} et {cents_words}");
        }
    }
    if cents < 0 {
        out = format!("moins {out}");
    }
    out
}

/// Parses `YYYY-MM-DD` strictly (real calendar dates only).
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &fmt).ok()?;
    Some((d.year(), d.month() as u8, d.day()))
}

/// « 1er mars 2026 », « 14 juin 2024 » (no « le »: the clause writes it).
pub fn date_fr(s: &str) -> Option<String> {
    let (y, m, d) = parse_date(s)?;
    let day = if d == 1 {
        "1er".to_string()
    } else {
        d.to_string()
    };
    Some(format!("{day} {} {y}", MONTHS[m as usize - 1]))
}

/// « 33,33 % », « 50 % » (at most two decimals, trailing zeros dropped).
pub fn percent(v: f64) -> String {
    format!("{}{NBSP}%", decimal(v, 2))
}

/// A decimal number in French: comma, grouped thousands, at most `places` decimals.
pub fn decimal(v: f64, places: usize) -> String {
    let neg = v < 0.0;
    let s = format!("{:.*}", places, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let int: u64 = int.parse().unwrap_or(0);
    let mut out = String::new();
    if neg && (int > 0 || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

fn digits_only(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// « 443 061 841 00047 ».
pub fn siret(s: &str) -> String {
    let d = digits_only(s);
    if d.len() == 14 && d.is_ascii() {
        format!("{} {} {} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..14])
    } else {
        s.to_string()
    }
}

/// « 443 061 841 ».
pub fn siren(s: &str) -> String {
    let d = digits_only(s);
    if d.len() >= 9 && d.is_ascii() {
        format!("{} {} {}", &d[0..3], &d[3..6], &d[6..9])
    } else {
        s.to_string()
    }
}

/// « FR76 3000 6000 0112 3456 7890 189 ».
pub fn iban(s: &str) -> String {
    let d: String = digits_only(s).to_uppercase();
    d.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// French punctuation spacing on literal text: no-break space before `:` and inside
/// « », narrow no-break space before `; ! ?`. Only an existing ordinary space is
/// replaced, so « 10:30 » or « https:// » are left alone.
pub fn punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        // Punctuation ends a phrase only when followed by a space, the end or a
        // closing mark: « :---: » in a table delimiter row is not French text.
        let ends_phrase = !chars
            .get(i + 2)
            .is_some_and(|&c| c.is_alphanumeric() || c == '-' || c == ':');
        if c == ' ' && ends_phrase {
            match next {
                Some(':') | Some('»') => {
                    out.push(NBSP);
                    continue;
                }
                Some(';') | Some('!') | Some('?') => {
                    out.push(NNBSP);
                    continue;
                }
                _ => {}
            }
        }
        if c == ' ' && prev == Some('«') {
            out.push(NBSP);
            continue;
        }
        out.push(c);
    }
    out
}

/// Article number as the act writes it: « 1er », « 2 ».
pub fn article_number(n: usize) -> String {
    if n == 1 {
        "1er".to_string()
    } else {
        n.to_string()
    }
}

/// Annex number in Roman numerals: I, II, III, IV…
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(n: u64) -> String {
        cardinal(n)
    }

    #[test]
    fn cardinals_follow_traditional_spelling() {
        let cases: &[(u64, &str)] = &[
            (0, "zéro"),
            (1, "un"),
            (21, "vingt et un"),
            (71, "soixante et onze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (100, "cent"),
            (200, "deux cents"),
            (201, "deux cent un"),
            (1_000, "mille"),
            (21_000, "vingt et un mille"),
            (80_000, "quatre-vingt mille"),
            (200_000, "deux cent mille"),
            (1_000_000, "un million"),
            (2_000_000, "deux millions"),
            (47_500, "quarante-sept mille cinq cents"),
            (280_000_000, "deux cent quatre-vingts millions"),
        ];
        for (n, want) in cases {
            assert_eq!(letters(*n), *want, "{n}");
        }
    }

    #[test]
    fn amounts_in_letters() {
        assert_eq!(euros_in_letters(0), "zéro euro");
        assert_eq!(euros_in_letters(100), "un euro");
        assert_eq!(euros_in_letters(2_100), "vingt et un euros");
        assert_eq!(
            euros_in_letters(4_750_050),
            "quarante-sept mille cinq cents euros et cinquante centimes"
        );
        assert_eq!(euros_in_letters(100_000_000), "un million d'euros");
        assert_eq!(euros_in_letters(200_000_000), "deux millions d'euros");
        assert_eq!(euros_in_letters(100_000_100), "un million un euros");
        assert_eq!(euros_in_letters(8_000_000), "quatre-vingt mille euros");
        assert_eq!(euros_in_letters(1), "un centime");
        assert_eq!(euros_in_letters(101), "un euro et un centime");
    }

    #[test]
    fn amounts_in_figures() {
        assert_eq!(euros(4_750_050), "47\u{202f}500,50\u{a0}€");
        assert_eq!(euros(4_500_000), "45\u{202f}000\u{a0}€");
        assert_eq!(euros(100_000_000), "1\u{202f}000\u{202f}000\u{a0}€");
        assert_eq!(euros(5), "0,05\u{a0}€");
        assert_eq!(euros(99_900), "999\u{a0}€");
    }

    #[test]
    fn dates_and_percentages() {
        assert_eq!(date_fr("2026-03-01").unwrap(), "1er mars 2026");
        assert_eq!(date_fr("2024-06-14").unwrap(), "14 juin 2024");
        assert_eq!(date_fr("2026-02-30"), None);
        assert_eq!(percent(50.0), "50\u{a0}%");
        assert_eq!(percent(100.0 / 3.0), "33,33\u{a0}%");
        assert_eq!(percent(12.5), "12,5\u{a0}%");
    }

    #[test]
    fn identifiers_display() {
        assert_eq!(siret("44306184100047"), "443 061 841 00047");
        assert_eq!(
            iban("FR7630006000011234567890189"),
            "FR76 3000 6000 0112 3456 7890 189"
        );
        assert_eq!(roman(4), "IV");
        assert_eq!(article_number(1), "1er");
    }

    #[test]
    fn punctuation_spacing() {
        assert_eq!(
            punctuation("Il est convenu ce qui suit : « oui » ; non ! vrai ?"),
            "Il est convenu ce qui suit\u{a0}: «\u{a0}oui\u{a0}»\u{202f}; non\u{202f}! vrai\u{202f}?"
        );
        assert_eq!(punctuation("à 10:30 https://x"), "à 10:30 https://x");
        assert_eq!(
            punctuation("| --- | :---: | ---: |"),
            "| --- | :---: | ---: |"
        );
    }
}
