//! The typed rendered document: a convention (or an avenant) read back from
//! its Markdown into header, title block, parts (id, kind, number, heading)
//! and clauses (id, version, part, text). One model for the diff (which
//! aligns two versions by the ids), the avenant (which compares the text in
//! force with the text the current data gives, part by part, and quotes whole
//! articles) and the consolidated version (which writes parts back).
//!
//! The HTML-comment anchors written by the renderer (see docs/design.md and
//! [`crate::anchor`]) are the only thing trusted: the parser keeps every id
//! and the text between anchors verbatim, so that [`Convention::part_markdown`]
//! writes a part back exactly as it was rendered.

pub mod blocks;
mod meta;
pub mod redline;
pub mod tree;

pub use meta::{Chart, Meta};

use std::collections::HashMap;

/// One part of the act: a block, a numbered article or a numbered annex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub id: String,
    /// `block`, `article` or `annex`.
    pub kind: String,
    /// « 1er », « 5 », « II »; `None` for blocks.
    pub number: Option<String>,
    /// The heading line without `## ` (« Article 5 – Modalités de versement »).
    pub heading: Option<String>,
    /// Text between the heading and the first clause (normally empty).
    pub preface: String,
}

impl Part {
    /// The heading without its number: « Modalités de versement ». A renumbered
    /// article keeps the same title, so titles are what the diff compares.
    pub fn title(&self) -> Option<&str> {
        let h = self.heading.as_deref()?;
        if self.number.is_some()
            && let Some((_, title)) = h.split_once(" – ")
        {
            return Some(title.trim());
        }
        Some(h.trim())
    }

    /// The kind as the anchor grammar knows it.
    pub fn part_kind(&self) -> anchor::PartKind {
        match self.kind.as_str() {
            "article" => anchor::PartKind::Article,
            "annex" => anchor::PartKind::Annex,
            _ => anchor::PartKind::Block,
        }
    }

    /// « article 5 », « annexe II », « block visas » (for the terminal report).
    pub fn label(&self) -> String {
        match (self.kind.as_str(), &self.number) {
            ("article", Some(n)) => format!("article {n}"),
            ("annex", Some(n)) => format!("annexe {n}"),
            _ => format!("block {}", self.id),
        }
    }
}

/// One clause as rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub id: String,
    pub version: String,
    /// Id of the part it fills (empty if it came before any part anchor).
    pub part: String,
    /// The clause's Markdown, without its anchor and trailing blank lines.
    pub text: String,
}

/// A rendered convention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Convention {
    /// `key=value` pairs of `<!-- charta:convention … -->` (id, kind, template…).
    pub attrs: Vec<(String, String)>,
    /// The title block: everything between the header and the first part.
    pub title: String,
    pub parts: Vec<Part>,
    pub clauses: Vec<Clause>,
}

use crate::anchor::{self, Anchor, HEADER};
use crate::diagnostic::Text;

/// Whether `text` looks like a convention rendered by charta.
pub fn is_convention(text: &str) -> bool {
    anchor::is_convention(text)
}

/// Removes the blank lines that separate blocks in the file but are not content.
fn trim_block(s: &mut String) {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start_matches('\n').len();
    s.drain(..start);
}

/// Where plain lines go while a convention is parsed: the title, a part's
/// preface, or a clause.
enum Sink {
    Title,
    Preface,
    Clause,
}

/// The state of [`Convention::parse`] after the header.
struct Parsing {
    conv: Convention,
    seen: HashMap<String, usize>,
    sink: Sink,
    expect_heading: bool,
}

impl Parsing {
    /// A part or clause anchor opens its part or clause; `false` for any other line.
    fn anchor(&mut self, line: &str) -> bool {
        match anchor::parse(line) {
            Some(Anchor::Part { id, kind, number }) => {
                self.conv.parts.push(Part {
                    id: id.to_string(),
                    kind: kind.as_str().to_string(),
                    number: number.map(str::to_string),
                    heading: None,
                    preface: String::new(),
                });
                self.sink = Sink::Preface;
                self.expect_heading = true;
                true
            }
            Some(Anchor::Clause { id, version }) => {
                let mut id = id.to_string();
                // Ids are unique in a convention; should one repeat, keep both apart.
                let n = self.seen.entry(id.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    id = format!("{id}#{n}");
                }
                self.conv.clauses.push(Clause {
                    id,
                    version: version.to_string(),
                    part: self
                        .conv
                        .parts
                        .last()
                        .map(|p| p.id.clone())
                        .unwrap_or_default(),
                    text: String::new(),
                });
                self.sink = Sink::Clause;
                self.expect_heading = false;
                true
            }
            _ => false,
        }
    }

    /// The `## heading` of the part just opened (blank lines before it
    /// skipped); `false` if `line` is not it.
    fn heading(&mut self, line: &str) -> bool {
        if !self.expect_heading {
            return false;
        }
        if line.trim().is_empty() {
            return true;
        }
        self.expect_heading = false;
        let Some(h) = line.strip_prefix("## ") else {
            return false;
        };
        if let Some(p) = self.conv.parts.last_mut() {
            p.heading = Some(h.trim().to_string());
        }
        true
    }

    /// A line of text, to the title, the preface or the clause.
    fn text(&mut self, line: &str) {
        let conv = &mut self.conv;
        let target = match self.sink {
            Sink::Title => &mut conv.title,
            Sink::Preface => match conv.parts.last_mut() {
                Some(p) => &mut p.preface,
                None => &mut conv.title,
            },
            Sink::Clause => match conv.clauses.last_mut() {
                Some(c) => &mut c.text,
                None => &mut conv.title,
            },
        };
        target.push_str(line);
        target.push('\n');
    }
}

impl Convention {
    /// Parses a rendered convention; the error says why `markdown` is not one.
    pub fn parse(markdown: &str) -> Result<Convention, Text> {
        let Some(first) = anchor::first_line(markdown) else {
            return Err(Text::new("le fichier est vide", "the file is empty"));
        };
        if !first.starts_with(HEADER) {
            return Err(crate::tr!(
                "ce n'est pas une convention établie par charta (sa première ligne n'est pas `{HEADER} … -->`)",
                "not a convention rendered by charta (its first line is not `{HEADER} … -->`)"
            ));
        }
        let mut p = Parsing {
            conv: Convention::default(),
            seen: HashMap::new(),
            sink: Sink::Title,
            expect_heading: false,
        };
        let mut header_seen = false;
        for line in markdown.trim_start_matches('\u{FEFF}').lines() {
            if !header_seen {
                if let Some(Anchor::Convention(attrs)) = anchor::parse(line) {
                    p.conv.attrs = attrs
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    header_seen = true;
                }
                continue;
            }
            if !p.anchor(line) && !p.heading(line) {
                p.text(line);
            }
        }
        let mut conv = p.conv;
        trim_block(&mut conv.title);
        for p in &mut conv.parts {
            trim_block(&mut p.preface);
        }
        for c in &mut conv.clauses {
            trim_block(&mut c.text);
        }
        Ok(conv)
    }

    /// The convention id from the header, if any.
    pub fn id(&self) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.as_str())
    }

    pub fn part(&self, id: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.id == id)
    }

    /// The clauses of part `id`, in order.
    pub fn clauses_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Clause> + 'a {
        self.clauses.iter().filter(move |c| c.part == id)
    }

    /// The text of part `id` without anchors or heading: its preface and
    /// clauses, one blank line apart (what an avenant compares and quotes).
    pub fn part_body(&self, id: &str) -> String {
        let mut blocks: Vec<&str> = Vec::new();
        if let Some(p) = self.part(id)
            && !p.preface.is_empty()
        {
            blocks.push(&p.preface);
        }
        blocks.extend(
            self.clauses_of(id)
                .map(|c| c.text.as_str())
                .filter(|t| !t.is_empty()),
        );
        blocks.join("\n\n")
    }

    /// Part `id` written back as rendered: its anchor, heading, preface and
    /// clauses with their anchors, ending with a blank line.
    pub fn part_markdown(&self, id: &str) -> String {
        let Some(p) = self.part(id) else {
            return String::new();
        };
        let mut md = anchor::part(&p.id, p.part_kind(), p.number.as_deref());
        if let Some(h) = &p.heading {
            md.push_str(&format!("## {h}\n\n"));
        }
        if !p.preface.is_empty() {
            md.push_str(&p.preface);
            md.push_str("\n\n");
        }
        for c in self.clauses_of(id) {
            md.push_str(&anchor::clause(
                c.id.split('#').next().unwrap_or(&c.id),
                &c.version,
            ));
            if !c.text.is_empty() {
                md.push_str(&c.text);
                md.push_str("\n\n");
            }
        }
        md
    }

    /// The first line of the title block, « Convention pluriannuelle d'objectifs ».
    pub fn heading(&self) -> &str {
        self.title
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or("")
            .trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "<!-- charta:convention id=x kind=cpo template=cpo -->\n\
# Convention\n\n\
Convention n° R-1\n\n\
<!-- part:parties kind=block -->\n\
## Entre les soussignés\n\n\
<!-- clause:parties-financeur v=1.0.0 -->\n\
La Région,\n\n\
<!-- part:objet kind=article number=1er -->\n\
## Article 1er – Objet de la convention\n\n\
<!-- clause:objet v=1.2.0 -->\n\
Texte.\n\n\
Second paragraphe.\n\n";

    #[test]
    fn parses_structure() {
        let c = Convention::parse(SAMPLE).unwrap();
        assert_eq!(c.id(), Some("x"));
        assert_eq!(c.title, "# Convention\n\nConvention n° R-1");
        assert_eq!(c.heading(), "Convention");
        assert_eq!(c.parts.len(), 2);
        assert_eq!(c.parts[1].number.as_deref(), Some("1er"));
        assert_eq!(c.parts[1].title(), Some("Objet de la convention"));
        assert_eq!(c.parts[1].label(), "article 1er");
        assert_eq!(c.parts[0].title(), Some("Entre les soussignés"));
        assert_eq!(c.clauses[1].id, "objet");
        assert_eq!(c.clauses[1].version, "1.2.0");
        assert_eq!(c.clauses[1].part, "objet");
        assert_eq!(c.clauses[1].text, "Texte.\n\nSecond paragraphe.");
    }

    #[test]
    fn writes_a_part_back_as_rendered() {
        let c = Convention::parse(SAMPLE).unwrap();
        assert_eq!(
            c.part_markdown("objet"),
            "<!-- part:objet kind=article number=1er -->\n\
## Article 1er – Objet de la convention\n\n\
<!-- clause:objet v=1.2.0 -->\n\
Texte.\n\nSecond paragraphe.\n\n"
        );
        assert_eq!(c.part_body("objet"), "Texte.\n\nSecond paragraphe.");
        assert_eq!(c.part_body("nothing"), "");
    }

    #[test]
    fn rejects_other_files() {
        assert!(Convention::parse("# Hello\n").is_err());
        assert!(Convention::parse("").is_err());
        assert!(!is_convention("# Hello"));
        assert!(is_convention(SAMPLE));
    }
}
