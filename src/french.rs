//! French legal typography: amounts in figures and letters, dates, percentages,
//! identifiers, punctuation spacing, no-break spaces after abbreviations,
//! contractions of « de » and « à » before a name.
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

/// « Madame », « Monsieur » for « Mme », « M. »: a letter's salutation.
pub fn salutation(civility: &str) -> String {
    match civility.trim() {
        "Mme" | "Mme." | "Madame" => "Madame".to_string(),
        "M." | "M" | "Monsieur" => "Monsieur".to_string(),
        other => other.to_string(),
    }
}

/// « 47 500,50 € »; whole amounts carry no decimals (« 45 000 € »); a
/// negative amount takes the minus sign (« −3 800 € »), not a hyphen.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "\u{2212}" } else { "" };
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
/// « 1 convention », « 0 convention », « 3 conventions »: in French, 0 and 1
/// take the singular.
pub fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n > 1 { many } else { one };
    format!("{} {word}", group_thousands(n as u64))
}

/// « 1 file », « 0 files », « 3 files »: in English, only 1 takes the singular.
pub fn count_en(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", group_thousands(n as u64).replace(NNBSP, ","))
}

pub fn cardinal(n: u64) -> String {
    Num2Words::new(n as i64)
        .lang(Lang::French)
        .cardinal()
        .to_words()
        .unwrap_or_else(|_| n.to_string())
}

/// The first letter in upper case (« le Département » → « Le Département »).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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

/// A percentage with exactly `places` decimals: « 30,00 % » beside « 31,25 % »,
/// so that every percentage of a document has the same number of decimals.
pub fn percent_fixed(v: f64, places: usize) -> String {
    format!("{}{NBSP}%", format_decimal(v, places, false))
}

/// How many decimals, at most `max`, `v` needs once rounded to `max` decimals:
/// 30 → 0, 12,5 → 1, 31,25 → 2.
pub fn decimals_needed(v: f64, max: usize) -> usize {
    let s = format!("{:.*}", max, v.abs());
    let frac = s.split_once('.').map(|(_, f)| f).unwrap_or("");
    frac.trim_end_matches('0').len()
}

/// A decimal number in French: comma, grouped thousands, at most `places` decimals.
pub fn decimal(v: f64, places: usize) -> String {
    format_decimal(v, places, true)
}

/// `places` decimals, trailing zeros dropped when `trim`.
fn format_decimal(v: f64, places: usize, trim: bool) -> String {
    let neg = v < 0.0;
    let s = format!("{:.*}", places, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = if trim {
        frac.trim_end_matches('0')
    } else {
        frac
    };
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

/// « 443 061 841 00047 »; the groups are joined by U+00A0, so that the number
/// never breaks across lines (Markdown readers and Typst alike).
pub fn siret(s: &str) -> String {
    let d = digits_only(s);
    if d.len() == 14 && d.is_ascii() {
        format!(
            "{}{NBSP}{}{NBSP}{}{NBSP}{}",
            &d[0..3],
            &d[3..6],
            &d[6..9],
            &d[9..14]
        )
    } else {
        s.trim().to_string()
    }
}

/// « 443 061 841 » (groups joined by U+00A0).
pub fn siren(s: &str) -> String {
    let d = digits_only(s);
    if d.len() >= 9 && d.is_ascii() {
        format!("{}{NBSP}{}{NBSP}{}", &d[0..3], &d[3..6], &d[6..9])
    } else {
        s.trim().to_string()
    }
}

/// « FR76 3000 6000 0112 3456 7890 189 » (groups of four joined by U+00A0).
pub fn iban(s: &str) -> String {
    let d: String = digits_only(s).to_uppercase();
    d.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\u{A0}")
}

/// The RNA number as one unbreakable word: « W553001247 » (spaces an author
/// may have typed are removed).
pub fn rna(s: &str) -> String {
    digits_only(s)
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

/// No-break spaces in figures written as text: the groups of a number
/// (« 153 000 » → U+202F between them) and the space before « € » or « % »
/// after a figure (« 10 % » → U+00A0). A group is 1 to 3 digits that do not
/// follow a digit or a letter, then groups of exactly 3: years, article
/// numbers and references (« 2026 », « n° 2000-321 ») are never grouped.
pub fn bind_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_number = c.is_ascii_digit()
            && (i == 0
                || !(chars[i - 1].is_alphanumeric()
                    || matches!(chars[i - 1], ',' | '.' | '-' | '/')));
        if starts_number {
            let lead = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            out.extend(&chars[i..i + lead]);
            i += lead;
            while lead <= 3 && group_follows(&chars, i) {
                out.push(NNBSP);
                out.extend(&chars[i + 1..i + 4]);
                i += 4;
            }
            continue;
        }
        let unit_follows = matches!(chars.get(i + 1), Some('€') | Some('%'))
            && chars
                .get(i + 2)
                .is_none_or(|c| !c.is_alphanumeric() && *c != '-');
        if c == ' ' && i > 0 && chars[i - 1].is_ascii_digit() && unit_follows {
            out.push(NBSP);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// A space (plain, or already U+202F) then exactly three digits at `i`.
fn group_follows(chars: &[char], i: usize) -> bool {
    matches!(chars.get(i).copied(), Some(' ' | NNBSP))
        && chars
            .get(i + 1..i + 4)
            .is_some_and(|g| g.iter().all(char::is_ascii_digit))
        && chars.get(i + 4).is_none_or(|c| !c.is_alphanumeric())
}

/// French spacing of a text that comes from the data, when it is typeset:
/// the spacing of [`punctuation`], numbers bound by [`bind_numbers`], and a
/// no-break space inside « » where the text has none (« «oui» » → « « oui » »).
/// The data file itself is never changed.
pub fn typeset_data(text: &str) -> String {
    let spaced = punctuation(&bind_numbers(text));
    let chars: Vec<char> = spaced.chars().collect();
    let mut out = String::with_capacity(spaced.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '»' && i > 0 && !chars[i - 1].is_whitespace() {
            out.push(NBSP);
        }
        out.push(c);
        if c == '«' && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            out.push(NBSP);
        }
    }
    out
}

/// The first letter in lower case when the second is a lower-case letter
/// too (« Accueillir toute personne » → « accueillir toute personne »; « RSA »
/// and « É » alone are kept).
pub fn lower_initial(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().collect::<String>() + chars.as_str()
        }
        _ => s.to_string(),
    }
}

/// Quotes inside quotes as “ ” (« le projet “Vélo pour tous” »), line by
/// line (a paragraph of the act): the outer level keeps « », every level
/// below uses “ ” without inner spaces. An unbalanced « or » never carries
/// over to the next line.
pub fn nest_quotes(text: &str) -> String {
    if !text.contains('«') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut depth = 0usize;
        let mut skip_space = false;
        for c in line.chars() {
            if skip_space && (c == NBSP || c == ' ' || c == NNBSP) {
                skip_space = false;
                continue;
            }
            skip_space = false;
            match c {
                '«' if depth >= 1 => {
                    out.push('“');
                    depth += 1;
                    skip_space = true;
                }
                '«' => {
                    out.push(c);
                    depth = 1;
                }
                '»' if depth >= 2 => {
                    while out.ends_with([NBSP, ' ', NNBSP]) {
                        out.pop();
                    }
                    out.push('”');
                    depth -= 1;
                }
                '»' => {
                    out.push(c);
                    depth = 0;
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Abbreviations bound to the word that follows by a no-break space
/// (« n° 2000-321 », « M. Dupuis », « Mme Martin », « article L. 1611-4 »,
/// « art. 10 »): each is recognised only as a whole word.
const BOUND_ABBREVIATIONS: [&str; 14] = [
    "n°", "N°", "M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "L.", "R.", "D.", "art.", "Art.",
    "al.",
];

/// Replaces the ordinary space after an abbreviation of [`BOUND_ABBREVIATIONS`]
/// with U+00A0, so that « n° » never ends a line apart from its number.
///
/// Applied by the renderer to every rendered clause (its literal text and the
/// data inside it alike: « M. » from `civility` followed by the name), so a
/// programme's own clauses benefit too. Only a space followed by more text on
/// the same line is replaced; the abbreviation must start a word (« départ. »
/// is left alone).
pub fn bind_abbreviations(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        // Every abbreviation ends with `.`, `°` (UTF-8 C2 B0), `e` or `s`.
        if b != b' ' || i == 0 || !matches!(bytes[i - 1], b'.' | 0xB0 | b'e' | b's') {
            continue;
        }
        if bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) {
            continue;
        }
        let before = &text[..i];
        let bound = BOUND_ABBREVIATIONS.iter().any(|a| {
            before.strip_suffix(a).is_some_and(|head| {
                head.chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            })
        });
        if bound {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
            o.push_str(&text[copied..i]);
            o.push(NBSP);
            copied = i + 1;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// The name without its leading article `article` (« Les », « Le »), if it
/// starts with it as a word, whatever its case.
fn strip_article<'a>(name: &'a str, article: &str) -> Option<&'a str> {
    let head = name.get(..article.len())?;
    if !head.eq_ignore_ascii_case(article) {
        return None;
    }
    let rest = &name[article.len()..];
    let mut chars = rest.chars();
    match chars.next() {
        Some(' ' | NBSP) => {
            let rest = chars.as_str().trim_start();
            (!rest.is_empty()).then_some(rest)
        }
        _ => None,
    }
}

/// Whether « de » elides before `name` (« d'Emmaüs », « d'Épinal »): it starts
/// with a vowel and its first word is not written in capitals (an acronym such
/// as « ADIE » keeps « de »). Names in « h » are left alone: whether it is
/// mute cannot be told from the spelling.
fn elides(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let lower = first.to_lowercase().next().unwrap_or(first);
    let vowel = "aeiouàâéèêëîïôùûüœæ".contains(lower);
    let acronym = chars.next().is_some_and(|c| c.is_uppercase());
    vowel && !acronym
}

/// « de » before a name, contracted with the name's own article:
/// « Les Amis du Vallon » → « des Amis du Vallon », « Le Relais » → « du Relais »,
/// « Emmaüs » → « d'Emmaüs », « La Poste » → « de La Poste ».
pub fn with_de(name: &str) -> String {
    let name = name.trim();
    if let Some(rest) = strip_article(name, "les") {
        format!("des {rest}")
    } else if let Some(rest) = strip_article(name, "le") {
        format!("du {rest}")
    } else if elides(name) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// « à » before a name, contracted with the name's own article:
/// « Le Mans » → « au Mans », « Les Sables-d'Olonne » → « aux Sables-d'Olonne »,
/// « La Rochelle » → « à La Rochelle ».
pub fn with_a(name: &str) -> String {
    let name = name.trim();
    if let Some(rest) = strip_article(name, "les") {
        format!("aux {rest}")
    } else if let Some(rest) = strip_article(name, "le") {
        format!("au {rest}")
    } else {
        format!("à {name}")
    }
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

/// « A », « B » … : the suffix of the n-th part inserted before the first
/// one (« article 1er A »), as legistics number them.
pub fn letter_suffix(n: usize) -> String {
    match n {
        1..=26 => char::from(b'A' + (n - 1) as u8).to_string(),
        _ => format!("A{n}"),
    }
}

/// « bis », « ter », « quater »…: the suffix of the `n`-th article inserted
/// after another by an amendment (« article 6 bis »), from the 1st to the 10th;
/// beyond, « 11e ».
pub fn latin_ordinal_suffix(n: usize) -> String {
    const SUFFIXES: [&str; 10] = [
        "bis",
        "ter",
        "quater",
        "quinquies",
        "sexies",
        "septies",
        "octies",
        "nonies",
        "decies",
        "undecies",
    ];
    SUFFIXES
        .get(n.wrapping_sub(1))
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("{}e", n + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_real_plurals_and_grouped_thousands() {
        assert_eq!(count(0, "erreur", "erreurs"), "0 erreur");
        assert_eq!(count(1, "erreur", "erreurs"), "1 erreur");
        assert_eq!(count(2, "erreur", "erreurs"), "2 erreurs");
        assert_eq!(count(999, "erreur", "erreurs"), "999 erreurs");
        assert_eq!(count(1000, "erreur", "erreurs"), "1\u{202f}000 erreurs");
        assert_eq!(count(49_753, "avis", "avis"), "49\u{202f}753 avis");
        assert_eq!(count_en(0, "error", "errors"), "0 errors");
        assert_eq!(count_en(1, "error", "errors"), "1 error");
        assert_eq!(count_en(999, "error", "errors"), "999 errors");
        assert_eq!(count_en(1000, "error", "errors"), "1,000 errors");
    }

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
        assert_eq!(siret("44306184100047"), "443\u{a0}061\u{a0}841\u{a0}00047");
        assert_eq!(
            iban("FR7630006000011234567890189"),
            "FR76\u{a0}3000\u{a0}6000\u{a0}0112\u{a0}3456\u{a0}7890\u{a0}189"
        );
        assert_eq!(roman(4), "IV");
        assert_eq!(article_number(1), "1er");
    }

    /// SIRET, SIREN, IBAN and RNA are one unbreakable word: their groups are
    /// joined by no-break spaces only, whatever spacing the data had.
    #[test]
    fn identifiers_never_hold_a_breakable_space() {
        let shown = [
            siret("443 061 841 00047"),
            siret("44306184100047"),
            siren("443061841"),
            iban("FR76 3000 6000 0112 3456 7890 189"),
            iban("fr7630006000011234567890189"),
            rna(" W553 001 247 "),
        ];
        for s in &shown {
            assert!(!s.contains(' '), "{s:?}");
            assert!(!s.is_empty());
        }
        assert_eq!(siren("443061841"), "443\u{a0}061\u{a0}841");
        assert_eq!(rna(" W553 001 247 "), "W553001247");
        assert!(iban("fr7630006000011234567890189").starts_with("FR76\u{a0}3000"));
    }

    #[test]
    fn no_break_space_after_abbreviations() {
        assert_eq!(
            bind_abbreviations(
                "la loi n° 2000-321, M. Jean Dupuis, Mme Martin, article L. 1611-4, art. 10"
            ),
            "la loi n°\u{a0}2000-321, M.\u{a0}Jean Dupuis, Mme\u{a0}Martin, article L.\u{a0}1611-4, art.\u{a0}10"
        );
        assert_eq!(
            bind_abbreviations("(N° 3) l'art. 9-1 R. 312-11"),
            "(N°\u{a0}3) l'art.\u{a0}9-1 R.\u{a0}312-11"
        );
        // Only whole words, only before more text on the line.
        for unchanged in [
            "le départ. Ensuite",
            "Madame Mmes",
            "un total de 3 M.",
            "n° \nsuite",
            "HLM. Le",
            "Emme Martin",
        ] {
            assert_eq!(bind_abbreviations(unchanged), unchanged);
        }
        assert!(matches!(
            bind_abbreviations("rien à lier"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn contractions_before_a_name() {
        assert_eq!(with_de("Les Amis du Vallon"), "des Amis du Vallon");
        assert_eq!(with_de("Le Relais"), "du Relais");
        assert_eq!(with_de("LES AMIS"), "des AMIS");
        assert_eq!(with_de("La Poste"), "de La Poste");
        assert_eq!(with_de("L'Atelier"), "de L'Atelier");
        assert_eq!(with_de("Lesneven Solidaire"), "de Lesneven Solidaire");
        assert_eq!(with_de("Emmaüs Rethel"), "d'Emmaüs Rethel");
        assert_eq!(with_de("Épinal"), "d'Épinal");
        assert_eq!(with_de("ADIE"), "de ADIE");
        assert_eq!(
            with_de("Maison des Solidarités"),
            "de Maison des Solidarités"
        );
        assert_eq!(with_a("Le Mans"), "au Mans");
        assert_eq!(with_a("Les Sables-d'Olonne"), "aux Sables-d'Olonne");
        assert_eq!(with_a("La Rochelle"), "à La Rochelle");
        assert_eq!(with_a("Arras"), "à Arras");
        assert_eq!(with_a("Le"), "à Le");
    }

    #[test]
    fn percentages_with_a_fixed_number_of_decimals() {
        assert_eq!(decimals_needed(30.0, 2), 0);
        assert_eq!(decimals_needed(12.5, 2), 1);
        assert_eq!(decimals_needed(31.25, 2), 2);
        assert_eq!(decimals_needed(100.0 / 3.0, 2), 2);
        assert_eq!(decimals_needed(29.999, 2), 0);
        assert_eq!(percent_fixed(30.0, 2), "30,00\u{a0}%");
        assert_eq!(percent_fixed(31.25, 2), "31,25\u{a0}%");
        assert_eq!(percent_fixed(12.6, 0), "13\u{a0}%");
        assert_eq!(percent_fixed(1234.5, 1), "1\u{202f}234,5\u{a0}%");
    }

    #[test]
    fn numbers_bound_in_text() {
        assert_eq!(
            bind_numbers("au-delà de 153 000 € et 300 000 €, soit 10 % ou 1 250 000 €"),
            "au-delà de 153\u{202f}000\u{a0}€ et 300\u{202f}000\u{a0}€, soit 10\u{a0}% ou 1\u{202f}250\u{202f}000\u{a0}€"
        );
        // Years, references, article numbers: never grouped.
        for s in [
            "les années 2026 2027",
            "loi n° 2000-321 du 12 avril 2000",
            "article 10 000x",
            "règlement 2023/2831 300",
            "W553001247 123",
        ] {
            assert_eq!(bind_numbers(s), s, "{s}");
        }
        assert_eq!(bind_numbers("0,35 € par km"), "0,35\u{a0}€ par km");
        assert_eq!(bind_numbers("10 %-ile"), "10 %-ile");
    }

    #[test]
    fn lower_initial_keeps_acronyms() {
        assert_eq!(lower_initial("Accueillir tous"), "accueillir tous");
        assert_eq!(lower_initial("RSA et emploi"), "RSA et emploi");
        assert_eq!(lower_initial("Échanger"), "échanger");
        assert_eq!(lower_initial(""), "");
    }

    #[test]
    fn data_spacing_and_nested_quotes() {
        assert_eq!(
            typeset_data("Objectif : «accès» ; oui !"),
            "Objectif\u{a0}: «\u{a0}accès\u{a0}»\u{202f}; oui\u{202f}!"
        );
        assert_eq!(
            nest_quotes("le projet «\u{a0}Atelier «\u{a0}Vélo\u{a0}» pour tous\u{a0}» est"),
            "le projet «\u{a0}Atelier “Vélo” pour tous\u{a0}» est"
        );
        // One level only: untouched; an unbalanced quote stops at the line.
        let one = "l'indicateur «\u{a0}Taux\u{a0}» et «\u{a0}Part\u{a0}»";
        assert_eq!(nest_quotes(one), one);
        assert_eq!(
            nest_quotes("«\u{a0}a «\u{a0}b\n«\u{a0}c\u{a0}»"),
            "«\u{a0}a “b\n«\u{a0}c\u{a0}»"
        );
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
