//! Reading back an ODT or a DOCX that charta wrote and someone edited (the
//! association, in LibreOffice or Word), to compare it with the rendered
//! convention clause by clause.
//!
//! Clauses are found by the marks the emitters left: a named section
//! `clause:<id>` in an ODT, a bookmark [`bookmark_name`] in a DOCX. A DOCX
//! clause runs from its bookmark's start to the next clause's or to the next
//! heading: LibreOffice collapses a bookmark whose end lies in a table, so
//! ends are not trusted. Their
//! text is read as the document now reads: tracked insertions included,
//! tracked deletions left out. Both sides are compared as plain text, one
//! line per paragraph or table row (cells separated by ` | `), spaces
//! collapsed: formatting is not compared, wording is.

use std::collections::HashMap;
use std::path::Path;

use roxmltree::{Document, Node};

use super::doc::{Clause, Convention};
use crate::document::blocks::{self, Block};
use crate::emit::docx::bookmark_name;
use crate::emit::zip;

const TEXT_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// An editable format the diff can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeFormat {
    Odt,
    Docx,
}

impl OfficeFormat {
    /// The format of `path`, from its extension.
    pub fn of(path: &Path) -> Option<OfficeFormat> {
        match path
            .extension()?
            .to_string_lossy()
            .to_ascii_lowercase()
            .as_str()
        {
            "odt" => Some(OfficeFormat::Odt),
            "docx" => Some(OfficeFormat::Docx),
            _ => None,
        }
    }
}

/// Spaces of any kind but no-break ones collapsed, ends trimmed.
fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A clause's Markdown as the lines the office reader produces for the same text.
pub fn plain_lines(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks::read(markdown) {
        match b {
            Block::Title(l) | Block::Heading { content: l, .. } => out.push(blocks::plain(&l)),
            Block::Paragraph { content, item, .. } => {
                let mut s = String::new();
                if let Some(label) = item.and_then(|i| i.label) {
                    s.push_str(&label);
                    s.push(' ');
                }
                s.push_str(&blocks::plain(&content));
                out.push(s);
            }
            Block::Table(t) => {
                for row in std::iter::once(&t.head).chain(&t.rows) {
                    let cells: Vec<String> =
                        row.iter().map(|c| collapse(&blocks::plain(c))).collect();
                    out.push(cells.join(" | "));
                }
            }
            Block::Part { .. } | Block::Clause { .. } | Block::Rule => {}
        }
    }
    out.iter()
        .map(|l| collapse(l))
        .filter(|l| !l.is_empty())
        .collect()
}

/// The text of every clause found in an edited document, by clause id
/// (`ids`: the clause ids of the convention it was made from).
pub fn read_clauses(
    bytes: &[u8],
    format: OfficeFormat,
    ids: &[String],
) -> Result<HashMap<String, Vec<String>>, String> {
    let (part, what) = match format {
        OfficeFormat::Odt => ("content.xml", "an ODT"),
        OfficeFormat::Docx => ("word/document.xml", "a DOCX"),
    };
    let xml = zip::read(bytes, part)
        .map_err(|e| format!("not {what}: {e}"))?
        .ok_or_else(|| format!("not {what}: no {part}"))?;
    let xml = String::from_utf8(xml).map_err(|_| format!("{part} is not UTF-8"))?;
    let doc = Document::parse(&xml).map_err(|e| format!("{part}: {e}"))?;
    let mut r = OfficeReader {
        clauses: HashMap::new(),
        current: None,
        by_mark: ids
            .iter()
            .map(|id| match format {
                OfficeFormat::Odt => (crate::emit::odt::section_name(id), id.clone()),
                OfficeFormat::Docx => (bookmark_name(id), id.clone()),
            })
            .collect(),
    };
    match format {
        OfficeFormat::Odt => r.odt(doc.root()),
        OfficeFormat::Docx => r.docx(doc.root()),
    }
    Ok(r.clauses)
}

struct OfficeReader {
    clauses: HashMap<String, Vec<String>>,
    /// The clause being read.
    current: Option<String>,
    /// Section or bookmark name → clause id.
    by_mark: HashMap<String, String>,
}

impl OfficeReader {
    fn push_line(&mut self, clause: Option<String>, line: String) {
        let line = collapse(&line);
        if let Some(c) = clause
            && !line.is_empty()
        {
            self.clauses.entry(c).or_default().push(line);
        }
    }

    fn odt(&mut self, node: Node) {
        for child in node.children().filter(Node::is_element) {
            let ns = child.tag_name().namespace();
            let name = child.tag_name().name();
            match (ns, name) {
                (Some(TEXT_NS), "tracked-changes") => {}
                (Some(TEXT_NS), "section") => {
                    let outer = self.current.clone();
                    if let Some(id) = child
                        .attribute((TEXT_NS, "name"))
                        .and_then(|n| self.by_mark.get(n))
                    {
                        self.current = Some(id.clone());
                        // An edited copy may hold a section twice (copy and
                        // paste): the first one is the clause.
                        self.clauses.entry(id.clone()).or_default();
                    }
                    self.odt(child);
                    self.current = outer;
                }
                (Some(TEXT_NS), "p" | "h") => {
                    let mut s = String::new();
                    odt_text(child, &mut s);
                    self.push_line(self.current.clone(), s);
                }
                (Some(TABLE_NS), "table-row") => {
                    let cells: Vec<String> = child
                        .children()
                        .filter(|c| c.has_tag_name((TABLE_NS, "table-cell")))
                        .map(|cell| {
                            let mut s = String::new();
                            for p in cell.descendants().filter(|n| {
                                n.has_tag_name((TEXT_NS, "p")) || n.has_tag_name((TEXT_NS, "h"))
                            }) {
                                if !s.is_empty() {
                                    s.push(' ');
                                }
                                odt_text(p, &mut s);
                            }
                            collapse(&s)
                        })
                        .collect();
                    self.push_line(self.current.clone(), cells.join(" | "));
                }
                _ => self.odt(child),
            }
        }
    }

    fn docx(&mut self, node: Node) {
        for child in node.children().filter(Node::is_element) {
            if child.tag_name().namespace() != Some(W_NS) {
                continue;
            }
            match child.tag_name().name() {
                "bookmarkStart" => self.bookmark_start(child),
                "p" => {
                    if is_heading(child) {
                        // A part's heading: the clause before it is over.
                        self.current = None;
                        continue;
                    }
                    let (clause, text) = self.docx_paragraph(child);
                    self.push_line(clause, text);
                }
                "tr" => {
                    // The row's clause: the one of its first paragraph (a
                    // clause that opens with a table has its bookmark there).
                    let mut clause = None;
                    let mut first = true;
                    let mut cells = Vec::new();
                    for tc in child.children().filter(|c| c.has_tag_name((W_NS, "tc"))) {
                        let mut s = String::new();
                        for p in tc.children().filter(|c| c.has_tag_name((W_NS, "p"))) {
                            let (c, text) = self.docx_paragraph(p);
                            if std::mem::take(&mut first) {
                                clause = c;
                            }
                            if !s.is_empty() {
                                s.push(' ');
                            }
                            s.push_str(&text);
                        }
                        cells.push(collapse(&s));
                    }
                    self.push_line(clause, cells.join(" | "));
                }
                "del" | "moveFrom" => {}
                _ => self.docx(child),
            }
        }
    }

    fn bookmark_start(&mut self, node: Node) {
        let name = node.attribute((W_NS, "name")).unwrap_or_default();
        if let Some(id) = self.by_mark.get(name) {
            self.current = Some(id.clone());
            self.clauses.entry(id.clone()).or_default();
        }
    }

    /// A paragraph's text and the clause it belongs to (the one open when it
    /// starts, or one whose bookmark starts in it).
    fn docx_paragraph(&mut self, p: Node) -> (Option<String>, String) {
        let mut clause = self.current.clone();
        let mut text = String::new();
        self.docx_runs(p, &mut clause, &mut text);
        (clause, text)
    }

    fn docx_runs(&mut self, node: Node, clause: &mut Option<String>, text: &mut String) {
        for n in node.children() {
            if n.is_text() {
                continue;
            }
            if n.tag_name().namespace() != Some(W_NS) {
                continue;
            }
            match n.tag_name().name() {
                "bookmarkStart" => {
                    self.bookmark_start(n);
                    if text.trim().is_empty() {
                        *clause = self.current.clone();
                    }
                }
                "t" => text.push_str(n.text().unwrap_or_default()),
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                "del" | "delText" | "moveFrom" | "pPr" | "rPr" | "instrText" => {}
                _ => self.docx_runs(n, clause, text),
            }
        }
    }
}

/// Whether a DOCX paragraph is a heading or the title (its style, or an outline level).
fn is_heading(p: Node) -> bool {
    let Some(ppr) = p.children().find(|c| c.has_tag_name((W_NS, "pPr"))) else {
        return false;
    };
    ppr.children().any(|c| {
        (c.has_tag_name((W_NS, "pStyle"))
            && c.attribute((W_NS, "val")).is_some_and(|v| {
                v.starts_with("Heading") || v.starts_with("heading") || v == "Title"
            }))
            || c.has_tag_name((W_NS, "outlineLvl"))
    })
}

/// The text of an ODF paragraph (`text:s`, `text:tab`, `text:line-break`
/// expanded; tracked deletions are not in the paragraph).
fn odt_text(node: Node, out: &mut String) {
    for n in node.children() {
        if n.is_text() {
            out.push_str(n.text().unwrap_or_default());
            continue;
        }
        if n.tag_name().namespace() == Some(TEXT_NS) {
            match n.tag_name().name() {
                "s" => {
                    let c: usize = n
                        .attribute((TEXT_NS, "c"))
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1);
                    out.extend(std::iter::repeat_n(' ', c.min(1000)));
                    continue;
                }
                "tab" => {
                    out.push('\t');
                    continue;
                }
                "line-break" => {
                    out.push('\n');
                    continue;
                }
                "note" | "change" => continue,
                _ => {}
            }
        }
        odt_text(n, out);
    }
}

/// The rendered convention `conv` with each clause's text made plain
/// (see [`plain_lines`]), and the same convention as the edited document
/// reads: clauses found there with their new text, in the convention's order.
pub fn as_edited(
    conv: &Convention,
    edited: &HashMap<String, Vec<String>>,
) -> (Convention, Convention) {
    let mut old = conv.clone();
    for c in &mut old.clauses {
        c.text = plain_lines(&c.text).join("\n\n");
    }
    let mut new = conv.clone();
    new.clauses = conv
        .clauses
        .iter()
        .filter_map(|c| {
            edited.get(&c.id).map(|lines| Clause {
                text: lines.join("\n\n"),
                ..c.clone()
            })
        })
        .collect();
    (old, new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Meta;
    use crate::emit::odt::Revision;

    const MD: &str = "<!-- charta:convention id=x kind=cpo template=cpo -->\n# Convention\n\n\
        <!-- part:objet kind=article number=1er -->\n## Article 1er – Objet\n\n\
        <!-- clause:objet v=1.0.0 -->\nPremier   paragraphe **gras**.\n\n- un\n- deux\n\n\
        <!-- clause:budget v=1.0.0 -->\n| A | B |\n| --- | ---: |\n| 1 | 2 \u{a0}€ |\n\n\
        <!-- part:fin kind=block -->\n<!-- clause:fin v=1.0.0 -->\nFin.\n";

    fn meta() -> Meta {
        Meta {
            title: "T".into(),
            reference: "R".into(),
            funder: "F".into(),
            association: "A".into(),
            period: "2026".into(),
            date: (2026, 1, 1),
            charts: vec![],
        }
    }

    #[test]
    fn what_charta_writes_reads_back_as_the_markdown() {
        let conv = Convention::parse(MD).unwrap();
        let ids: Vec<String> = conv.clauses.iter().map(|c| c.id.clone()).collect();
        let rev = Revision::of(&meta());
        for (bytes, format) in [
            (
                crate::emit::odt::write(MD, &meta(), &rev),
                OfficeFormat::Odt,
            ),
            (
                crate::emit::docx::write(MD, &meta(), &rev),
                OfficeFormat::Docx,
            ),
        ] {
            let read = read_clauses(&bytes, format, &ids).unwrap();
            for c in &conv.clauses {
                assert_eq!(read[&c.id], plain_lines(&c.text), "{format:?} {}", c.id);
            }
            let (a, b) = as_edited(&conv, &read);
            assert_eq!(a, b, "{format:?}");
        }
        assert_eq!(
            plain_lines(&conv.clauses[0].text),
            ["Premier paragraphe gras.", "– un", "– deux"]
        );
        assert_eq!(
            plain_lines(&conv.clauses[1].text),
            ["A | B", "1 | 2 \u{a0}€"]
        );
    }
}
