//! The anchor grammar of the rendered Markdown: the one place that writes and
//! reads charta's HTML-comment anchors (see docs/design.md).
//!
//! ```text
//! <!-- charta:convention id=ID kind=KIND template=TEMPLATE -->   first line
//! <!-- part:ID kind=block|article|annex [number=N] -->           opens a part
//! <!-- clause:ID v=VERSION -->                                   opens a clause
//! ```
//!
//! The renderer writes them with [`convention`], [`part`] and [`clause`]; the
//! PDF converter, the ODT and DOCX emitters, the diff and the tests read them
//! with [`parse`]. Reading is strict: an id outside `[a-z0-9-]`, an unknown
//! kind, a number outside `[A-Za-z0-9]` or an unknown attribute means the line
//! is not charta's anchor but text (user data that looks like one stays text).

/// The start of the first line of every rendered convention.
pub const HEADER: &str = "<!-- charta:convention";

/// The kind of a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    Block,
    Article,
    Annex,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Block => "block",
            PartKind::Article => "article",
            PartKind::Annex => "annex",
        }
    }

    fn parse(s: &str) -> Option<PartKind> {
        match s {
            "block" => Some(PartKind::Block),
            "article" => Some(PartKind::Article),
            "annex" => Some(PartKind::Annex),
            _ => None,
        }
    }
}

/// One anchor line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor<'a> {
    /// `<!-- charta:convention k=v … -->`: its `key=value` words.
    Convention(Vec<(&'a str, &'a str)>),
    Part {
        id: &'a str,
        kind: PartKind,
        /// « 1er », « 5 », « II »; `None` for blocks.
        number: Option<&'a str>,
    },
    Clause {
        id: &'a str,
        version: &'a str,
    },
}

/// The part id of the dashboard annex, laid out on landscape pages by every
/// paginated format.
pub const DASHBOARD_PART: &str = "annexe-tableau-de-bord";

/// The signature block's part id.
pub const SIGNATURE_PART: &str = "signature";

/// `[a-z0-9-]+`: the ids of parts, clauses and conventions.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
}

/// Reads `line` as an anchor, or `None` when it is not exactly one.
pub fn parse(line: &str) -> Option<Anchor<'_>> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let mut words = inner.split_whitespace();
    let first = words.next()?;
    if first == "charta:convention" {
        let attrs = words
            .map(|w| w.split_once('='))
            .collect::<Option<Vec<_>>>()?;
        return Some(Anchor::Convention(attrs));
    }
    if let Some(id) = first.strip_prefix("part:") {
        if !is_slug(id) {
            return None;
        }
        let (mut kind, mut number) = (None, None);
        for word in words {
            let (key, value) = word.split_once('=')?;
            match key {
                "kind" if kind.is_none() => kind = Some(PartKind::parse(value)?),
                "number"
                    if number.is_none()
                        && !value.is_empty()
                        && value.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    number = Some(value)
                }
                _ => return None,
            }
        }
        return Some(Anchor::Part {
            id,
            kind: kind?,
            number,
        });
    }
    if let Some(id) = first.strip_prefix("clause:") {
        if !is_slug(id) {
            return None;
        }
        let mut version = None;
        for word in words {
            match word.split_once('=')? {
                ("v", v) if version.is_none() && is_version(v) => version = Some(v),
                _ => return None,
            }
        }
        return Some(Anchor::Clause {
            id,
            version: version?,
        });
    }
    None
}

/// Whether `text` starts (after blank lines and a BOM) with the convention header.
pub fn is_convention(text: &str) -> bool {
    first_line(text).is_some_and(|l| l.starts_with(HEADER))
}

/// The first non-blank line, trimmed, without a BOM.
pub fn first_line(text: &str) -> Option<&str> {
    text.trim_start_matches('\u{FEFF}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
}

/// `<!-- charta:convention id=… kind=… template=… -->` with its newline.
pub fn convention(id: &str, kind: &str, template: &str) -> String {
    format!("{HEADER} id={id} kind={kind} template={template} -->\n")
}

/// `<!-- part:ID kind=K number=N -->` with its newline.
///
/// A number inserted by an avenant (« 6 bis ») is written without its space
/// (`number=6bis`): a number is one word.
pub fn part(id: &str, kind: PartKind, number: Option<&str>) -> String {
    match number.filter(|n| !n.is_empty()) {
        Some(n) => format!(
            "<!-- part:{id} kind={} number={} -->\n",
            kind.as_str(),
            n.replace(' ', "")
        ),
        None => format!("<!-- part:{id} kind={} -->\n", kind.as_str()),
    }
}

/// `<!-- clause:ID v=VERSION -->` with its newline.
pub fn clause(id: &str, version: &str) -> String {
    format!("<!-- clause:{id} v={version} -->\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let p = part("objet", PartKind::Article, Some("1er"));
        assert_eq!(p, "<!-- part:objet kind=article number=1er -->\n");
        assert_eq!(
            parse(&p),
            Some(Anchor::Part {
                id: "objet",
                kind: PartKind::Article,
                number: Some("1er")
            })
        );
        let b = part("signature", PartKind::Block, None);
        assert_eq!(
            parse(&b),
            Some(Anchor::Part {
                id: "signature",
                kind: PartKind::Block,
                number: None
            })
        );
        let c = clause("objet", "1.2.0");
        assert_eq!(
            parse(&c),
            Some(Anchor::Clause {
                id: "objet",
                version: "1.2.0"
            })
        );
        let h = convention("x", "cpo", "cpo");
        assert_eq!(
            parse(&h),
            Some(Anchor::Convention(vec![
                ("id", "x"),
                ("kind", "cpo"),
                ("template", "cpo")
            ]))
        );
        assert!(is_convention(&h));
    }

    #[test]
    fn anything_else_is_text() {
        for line in [
            "<!-- part:Objet kind=article -->",
            "<!-- part:x kind=code -->",
            "<!-- part:x kind=block number=\") -->",
            "<!-- part:x -->",
            "<!-- clause:x -->",
            "<!-- clause:x v=1 extra=2 -->",
            "<!-- clause:x v=<b> -->",
            "<!-- a comment -->",
            "<!-- part:x kind=block",
            "text <!-- part:x kind=block -->",
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
        assert!(!is_convention("# Hello"));
    }
}
