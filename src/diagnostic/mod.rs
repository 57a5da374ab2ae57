//! One problem with the inputs: severity, stable code, where it is, what is
//! wrong, how to fix it — in French and in English.
//!
//! The library never prints: every stage returns `Diagnostic`s, [`render`]
//! turns one into text for a language (`erreur [DON-001] : …`, `--> fichier:ligne:col`,
//! the source line with a caret, `= à :`, `= aide :`), and the binary prints it.
//! Every diagnostic has a [`Code`], a variant of one enum whose doc comments
//! are `docs/diagnostics.md`: a diagnostic cannot be made without one, a code
//! that is not declared does not compile, and the code's [`Kind`] says whether
//! it is the inputs' problem (exit 1) or a fault (exit 2).
//! The text of a diagnostic is a reviewed contract: tests assert it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

mod code;

pub use code::{FAMILIES, INTRO, Kind};

/// The language of the texts a user reads. French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// `fr` or `en` (and the locale forms `fr_FR.UTF-8`, `en-GB`…); anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let head: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        match head.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the environment's locale (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, the POSIX order): English if it starts with `en`, French otherwise.
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(var).filter(|v| !v.is_empty()) {
                return if Lang::parse(&v) == Some(Lang::En) {
                    Lang::En
                } else {
                    Lang::Fr
                };
            }
        }
        Lang::Fr
    }

    /// [`Lang::from_env_vars`] over the process environment.
    pub fn from_env() -> Lang {
        Lang::from_env_vars(|k| std::env::var(k).ok())
    }

    /// `fr` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The French or the English of a pair.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// A text a user reads, in French and in English. A text that comes from
/// elsewhere (a Typst or Tera message, a file's content) is the same in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.fr, &self.en)
    }

    /// The same change on both languages (`|s| format!("{id} : {s}")`).
    /// Text that is data, not charta's words (a Typst or Tera message, an
    /// operating system's error, a file's content): the same in both languages.
    pub fn verbatim(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            en: s.clone(),
            fr: s,
        }
    }

    pub fn map(self, f: impl Fn(&str) -> String) -> Text {
        Text {
            fr: f(&self.fr),
            en: f(&self.en),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    /// The French text (tests and `contains` read it).
    fn deref(&self) -> &str {
        &self.fr
    }
}

impl fmt::Display for Text {
    /// The French text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr)
    }
}

/// A [`Text`] from a French and an English format string with the same arguments:
/// `tr!("le champ `{k}` est vide", "field `{k}` is empty")`.
#[macro_export]
macro_rules! tr {
    ($fr:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::diagnostic::Text::new(format!($fr $(, $arg)*), format!($en $(, $arg)*))
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The stable code (`DON-001`), listed in `docs/diagnostics.md`.
    pub code: Code,
    /// The file at fault, if any.
    pub file: Option<PathBuf>,
    /// 1-based line and column in `file`.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path (`convention.funding.2027`) or TOML key path of the value at fault.
    pub path: Option<String>,
    /// What is wrong (French in `.message.fr`, English in `.message.en`).
    pub message: Text,
    pub hint: Option<Text>,
}

impl Diagnostic {
    /// An error of code `code` (the inputs' problem or a fault, as [`Code::kind`] says).
    pub fn error(code: Code, message: impl Into<Text>) -> Self {
        debug_assert_eq!(code.severity(), Severity::Error, "{code} is a warning");
        Diagnostic {
            severity: Severity::Error,
            code,
            file: None,
            line: None,
            column: None,
            path: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning of code `code`.
    pub fn warning(code: Code, message: impl Into<Text>) -> Self {
        debug_assert_eq!(code.severity(), Severity::Warning, "{code} is an error");
        Diagnostic {
            severity: Severity::Warning,
            code,
            file: None,
            line: None,
            column: None,
            path: None,
            message: message.into(),
            hint: None,
        }
    }

    /// An error that is a fault, not the inputs' problem (exit status 2).
    pub fn is_fault(&self) -> bool {
        self.is_error() && self.code.kind() == Kind::Fault
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<Text>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message in `lang`.
    pub fn message_in(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }

    /// The hint in `lang`.
    pub fn hint_in(&self, lang: Lang) -> Option<&str> {
        self.hint.as_ref().map(|h| h.get(lang))
    }

    /// The diagnostic as a JSON object in `lang`: severity, code, file, line,
    /// column, path, message, hint (absent fields left out).
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("severity".into(), serde_json::json!(self.severity));
        m.insert("code".into(), self.code.as_str().into());
        if let Some(f) = &self.file {
            m.insert("file".into(), f.display().to_string().into());
        }
        if let Some(l) = self.line {
            m.insert("line".into(), l.into());
        }
        if let Some(c) = self.column {
            m.insert("column".into(), c.into());
        }
        if let Some(p) = &self.path {
            m.insert("path".into(), p.clone().into());
        }
        m.insert("message".into(), self.message_in(lang).into());
        if let Some(h) = self.hint_in(lang) {
            m.insert("hint".into(), h.into());
        }
        serde_json::Value::Object(m)
    }
}

impl Serialize for Diagnostic {
    /// The French report (see [`Diagnostic::to_json`] for another language).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json(Lang::Fr).serialize(s)
    }
}

/// The words of a rendered diagnostic.
fn labels(lang: Lang) -> (&'static str, &'static str, &'static str, &'static str) {
    match lang {
        // French typography: a no-break space before the colon.
        Lang::Fr => ("erreur", "avertissement", "à\u{a0}:", "aide\u{a0}:"),
        Lang::En => ("error", "warning", "at:", "hint:"),
    }
}

/// One diagnostic as the binary prints it, in `lang`:
///
/// ```text
/// erreur [DON-020] : le SIRET 80214763700029 ne passe pas la clé de Luhn
///   --> associations/x.json:8:14
///   |
/// 8 |     "siret": "80214763700029",
///   |              ^
///   = à : association.siret
///   = aide : …
/// ```
///
/// `source` is the text of the file at fault, for the line with the caret
/// (the caller reads it: this module reads no file).
pub fn render(d: &Diagnostic, lang: Lang, source: Option<&str>) -> String {
    use std::fmt::Write;
    let (error, warning, at, hint) = labels(lang);
    let sev = match d.severity {
        Severity::Error => error,
        Severity::Warning => warning,
    };
    let colon = lang.pick("\u{a0}:", ":");
    let mut out = String::new();
    let _ = write!(out, "{sev} [{}]{colon} {}", d.code, d.message_in(lang));
    if let Some(file) = &d.file {
        match (d.line, d.column) {
            (Some(l), Some(c)) => {
                let _ = write!(out, "\n  --> {}:{l}:{c}", file.display());
                if let Some(src) = source.and_then(|t| t.lines().nth(l.saturating_sub(1))) {
                    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
                    let w = l.to_string().len();
                    let pad: String = src
                        .chars()
                        .take(c.saturating_sub(1))
                        .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = write!(out, "\n{:w$} |\n{l} | {src}\n{:w$} | {pad}^", "", "");
                }
            }
            _ => {
                let _ = write!(out, "\n  --> {}", file.display());
            }
        }
    }
    if let Some(p) = &d.path {
        let _ = write!(out, "\n  = {at} {p}");
    }
    if let Some(h) = d.hint_in(lang) {
        let _ = write!(out, "\n  = {hint} {h}");
    }
    out
}

impl fmt::Display for Diagnostic {
    /// [`render`] in French, without the source line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self, Lang::Fr, None))
    }
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map(|i| before[i + 1..].chars().count())
        .unwrap_or_else(|| before.chars().count())
        + 1;
    (line, col)
}

/// Where diagnostics go as they are found. A build hands each one over in
/// order (association by association, in id order) instead of keeping them
/// all: a large programme can have tens of thousands of warnings, and the
/// front end decides what to keep (the binary a count per code and a few
/// examples, a test every one).
pub trait Sink {
    fn push(&mut self, d: Diagnostic);
}

/// Keeps every diagnostic.
impl Sink for Vec<Diagnostic> {
    fn push(&mut self, d: Diagnostic) {
        Vec::push(self, d);
    }
}

/// True if any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Declares [`Code`]: one variant per code, named after it (`DON_001`), with its
/// severity, its kind and its documentation (the variant's doc comment).
macro_rules! codes {
    ($( $(#[doc = $doc:literal])+ $name:ident: $severity:ident, $kind:ident; )+) => {
        /// A diagnostic code. Its doc comment is its entry in `docs/diagnostics.md`.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])+ $name, )+
        }

        impl Code {
            /// Every code, in the order of `docs/diagnostics.md`.
            pub const ALL: &'static [Code] = &[$(Code::$name),+];

            /// « DON-001 ».
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => {
                        const B: [u8; 7] = $crate::diagnostic::code_bytes(stringify!($name));
                        match core::str::from_utf8(&B) {
                            Ok(s) => s,
                            Err(_) => panic!("a code is ASCII"),
                        }
                    })+
                }
            }

            /// The severity its diagnostics have.
            pub const fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$severity),+ }
            }

            /// The inputs' problem (exit 1) or a fault (exit 2).
            pub const fn kind(self) -> Kind {
                match self { $(Code::$name => Kind::$kind),+ }
            }

            /// Its documentation: the problem, a blank line, « Correction : » and the fix.
            pub fn doc(self) -> &'static str {
                match self { $(Code::$name => concat!($($doc, "\n"),+)),+ }
            }
        }
    };
}
use codes;

/// `DON_001` → `DON-001`, at compile time: the code is the variant's name, so
/// two variants cannot have one code.
#[doc(hidden)]
pub const fn code_bytes(name: &str) -> [u8; 7] {
    let b = name.as_bytes();
    assert!(
        b.len() == 7 && b[3] == b'_',
        "a code is three capitals, `_`, three digits"
    );
    [b[0], b[1], b[2], b'-', b[4], b[5], b[6]]
}

pub use code::Code;

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

/// `docs/diagnostics.md`, written from [`Code`]: the opening, then one table
/// per family (code, severity, problem, usual fix).
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(INTRO);
    for (i, (prefix, title, notes)) in FAMILIES.iter().enumerate() {
        let before = if i == 0 { "\n\n\n" } else { "\n" };
        out.push_str(&format!("{before}## {prefix} — {title}\n\n"));
        if !notes.is_empty() {
            out.push_str(notes);
            out.push_str("\n\n");
        }
        out.push_str("| Code | Gravité | Problème | Correction habituelle |\n|---|---|---|---|\n");
        for code in Code::ALL.iter().filter(|c| c.as_str().starts_with(prefix)) {
            let lines: Vec<&str> = code.doc().lines().map(str::trim).collect();
            let doc = lines.join("\n");
            let (problem, fix) = doc
                .split_once("\n\nCorrection\u{a0}: ")
                .unwrap_or((&doc, ""));
            let severity = match code.severity() {
                Severity::Error => "erreur",
                Severity::Warning => "avertissement",
            };
            out.push_str(&format!(
                "| `{code}` | {severity} | {} | {} |\n",
                problem.trim().replace('\n', " "),
                fix.trim().replace('\n', " ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_the_language() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env_vars(env(&[])), Lang::Fr);
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "fr_FR.UTF-8")])),
            Lang::Fr
        );
        assert_eq!(Lang::from_env_vars(env(&[("LANG", "C.UTF-8")])), Lang::Fr);
        assert_eq!(
            Lang::from_env_vars(env(&[("LC_ALL", "fr_FR"), ("LANG", "en_GB")])),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("LC_MESSAGES", "en_GB"), ("LANG", "fr_FR")])),
            Lang::En
        );
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }

    #[test]
    fn renders_in_both_languages() {
        let d = Diagnostic::error(
            Code::DON_001,
            tr!("le montant {} est négatif", "amount {} is negative", -3),
        )
        .in_file("a.json")
        .at(2, 5)
        .at_path("convention.funding.2027")
        .with_hint(tr!("indiquez un montant positif", "give a positive amount"));
        let src = "{\n  \"x\": -3\n}";
        assert_eq!(
            render(&d, Lang::Fr, Some(src)),
            "erreur [DON-001]\u{a0}: le montant -3 est négatif\n  --> a.json:2:5\n  |\n2 |   \"x\": -3\n  |     ^\n  = à\u{a0}: convention.funding.2027\n  = aide\u{a0}: indiquez un montant positif"
        );
        assert_eq!(
            render(&d, Lang::En, None),
            "error [DON-001]: amount -3 is negative\n  --> a.json:2:5\n  = at: convention.funding.2027\n  = hint: give a positive amount"
        );
    }
}
