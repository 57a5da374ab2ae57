//! Reading back an ODT or a DOCX that charta wrote and someone edited (the
//! association, in LibreOffice or Word), to compare it with the rendered
//! convention: its title block, each part's heading, each clause.
//!
//! Clauses are found by the marks the emitters left: a named section
//! `clause:<id>` in an ODT, a bookmark [`bookmark_name`] in a DOCX; part
//! headings by a bookmark at their start (`part:<id>`, `p_<id>`), else by the
//! clause that follows them. A DOCX clause runs from its bookmark's start to
//! the next clause's or to the next part heading: LibreOffice collapses a
//! bookmark whose end lies in a table, so ends are not trusted; an ODT
//! clause's text after its section, before the next mark, is that clause's
//! too. Text no mark covers stays where it stands (see [`Edited`]): nothing
//! written in the copy is dropped. Text is read as the document now reads:
//! tracked insertions included, tracked deletions left out. Both sides are
//! compared as plain text, one line per paragraph or table row (cells
//! separated by ` | `), spaces collapsed: formatting is not compared,
//! wording is.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use roxmltree::{Document, Node};

use super::doc::{Clause, Convention};
use crate::diagnostic::Text;
use crate::document::blocks::{self, Block};
use crate::emit::docx::{self, bookmark_name};
use crate::emit::odt;
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

/// What an edited document says, read back in document order: its title
/// block, each part's heading and the text between it and the part's first
/// clause, each clause's text. Text that no clause mark covers is kept where
/// it stands (the title block, a part's preface, or the clause before it):
/// nothing the association wrote is left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Edited {
    /// Every line before the first part heading or clause.
    pub title: Vec<String>,
    /// By part id: its heading as the document reads it, and the lines
    /// between the heading and the part's first clause.
    pub parts: HashMap<String, (String, Vec<String>)>,
    /// By clause id: its lines.
    pub clauses: HashMap<String, Vec<String>>,
}

/// One thing of an edited document, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A paragraph, a table row (cells separated by ` | `) or a heading
    /// below level 1, as one line.
    Line(String),
    /// A level-1 heading (a part's), and the part its mark names, if any.
    Heading(String, Option<String>),
    /// A clause's mark: the clause from here.
    Clause(String),
    /// The end of a clause section nested in another's: that one again.
    Resume(String),
}

/// Reads an edited ODT or DOCX made from `conv` (see [`Edited`]).
pub fn read_edited(bytes: &[u8], format: OfficeFormat, conv: &Convention) -> Result<Edited, Text> {
    let (part, what) = match format {
        OfficeFormat::Odt => ("content.xml", ("un fichier ODT", "an ODT")),
        OfficeFormat::Docx => ("word/document.xml", ("un fichier DOCX", "a DOCX")),
    };
    let not = |fr: String, en: String| {
        Text::new(
            format!("ce n'est pas {}\u{a0}: {fr}", what.0),
            format!("not {}: {en}", what.1),
        )
    };
    let xml = zip::read(bytes, part)
        .map_err(|e| not(e.fr, e.en))?
        .ok_or_else(|| not(format!("pas de {part}"), format!("no {part}")))?;
    let xml = String::from_utf8(xml).map_err(|_| {
        Text::new(
            format!("{part} n'est pas en UTF-8"),
            format!("{part} is not UTF-8"),
        )
    })?;
    let doc = Document::parse(&xml).map_err(|e| Text::verbatim(format!("{part}: {e}")))?;
    type Name = fn(&str) -> String;
    let (clause_mark, part_mark): (Name, Name) = match format {
        OfficeFormat::Odt => (odt::section_name, odt::part_bookmark_name),
        OfficeFormat::Docx => (bookmark_name, docx::part_bookmark_name),
    };
    let mut r = OfficeReader {
        items: Vec::new(),
        open: Vec::new(),
        clause_marks: (conv.clauses.iter())
            .map(|c| (clause_mark(&c.id), c.id.clone()))
            .collect(),
        part_marks: (conv.parts.iter())
            .map(|p| (part_mark(&p.id), p.id.clone()))
            .collect(),
        levels: HashMap::new(),
    };
    match format {
        OfficeFormat::Odt => r.odt(doc.root()),
        OfficeFormat::Docx => {
            r.levels = docx_style_levels(bytes);
            r.docx(doc.root())
        }
    }
    Ok(assign(&r.items, conv))
}

/// Which part each level-1 heading (by its index in `items`) heads: the part
/// its mark names, else the part of the first clause after it, before the
/// next heading; never a part twice. Any other heading is text.
fn heading_parts(items: &[Item], conv: &Convention) -> HashMap<usize, String> {
    let mut heads = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let Item::Heading(_, mark) = item else {
            continue;
        };
        let next_clause = || {
            items[i + 1..]
                .iter()
                .take_while(|x| !matches!(x, Item::Heading(..)))
                .find_map(|x| match x {
                    Item::Clause(id) => conv.clauses.iter().find(|c| &c.id == id),
                    _ => None,
                })
                .map(|c| c.part.clone())
        };
        let part = mark.clone().or_else(next_clause);
        if let Some(p) = part.filter(|p| !taken.contains(p)) {
            taken.insert(p.clone());
            heads.insert(i, p);
        }
    }
    heads
}

/// The items read, put where they belong (see [`Edited`]).
fn assign(items: &[Item], conv: &Convention) -> Edited {
    enum At {
        Title,
        Preface(String),
        Clause(String),
    }
    let heads = heading_parts(items, conv);
    let mut e = Edited::default();
    let mut at = At::Title;
    for (i, item) in items.iter().enumerate() {
        let line = match item {
            Item::Clause(id) | Item::Resume(id) => {
                e.clauses.entry(id.clone()).or_default();
                at = At::Clause(id.clone());
                continue;
            }
            Item::Heading(text, _) => match heads.get(&i) {
                Some(p) => {
                    e.parts.insert(p.clone(), (text.clone(), Vec::new()));
                    at = At::Preface(p.clone());
                    continue;
                }
                // A heading of no part: text where it stands.
                None => text,
            },
            Item::Line(text) => text,
        };
        let lines = match &at {
            At::Title => &mut e.title,
            At::Preface(p) => &mut e.parts.get_mut(p).expect("inserted").1,
            At::Clause(c) => e.clauses.get_mut(c).expect("inserted"),
        };
        lines.push(line.clone());
    }
    e
}

struct OfficeReader {
    items: Vec<Item>,
    /// The clause sections open (ODT), innermost last.
    open: Vec<String>,
    /// Section or bookmark name → clause id.
    clause_marks: HashMap<String, String>,
    /// Bookmark name → part id.
    part_marks: HashMap<String, String>,
    /// DOCX paragraph style → outline level (1 for a part's heading).
    levels: HashMap<String, u8>,
}

/// A DOCX paragraph read: its text, the clause marks before and after its
/// text, the part mark in it.
#[derive(Default)]
struct Para {
    text: String,
    before: Vec<String>,
    after: Vec<String>,
    part: Option<String>,
}

impl OfficeReader {
    fn line(&mut self, text: &str) {
        let line = collapse(text);
        if !line.is_empty() {
            self.items.push(Item::Line(line));
        }
    }

    fn heading(&mut self, text: &str, mark: Option<String>) {
        let text = collapse(text);
        if !text.is_empty() || mark.is_some() {
            self.items.push(Item::Heading(text, mark));
        }
    }

    fn odt(&mut self, node: Node) {
        for child in node.children().filter(Node::is_element) {
            let ns = child.tag_name().namespace();
            let name = child.tag_name().name();
            match (ns, name) {
                (Some(TEXT_NS), "tracked-changes") => {}
                (Some(TEXT_NS), "section") => self.odt_section(child),
                (Some(TEXT_NS), "h") => self.odt_heading(child),
                (Some(TEXT_NS), "p") => {
                    let mut s = String::new();
                    odt_text(child, &mut s);
                    self.line(&s);
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
                    self.line(&cells.join(" | "));
                }
                _ => self.odt(child),
            }
        }
    }

    /// `text:h`: at outline level 1 a part's heading (its part named by a
    /// bookmark in it), below a line of text.
    fn odt_heading(&mut self, h: Node) {
        let mut s = String::new();
        odt_text(h, &mut s);
        let level = h.attribute((TEXT_NS, "outline-level"));
        if level.is_some_and(|l| l.trim() != "1") {
            return self.line(&s);
        }
        let mark = h
            .descendants()
            .filter(|n| {
                n.has_tag_name((TEXT_NS, "bookmark")) || n.has_tag_name((TEXT_NS, "bookmark-start"))
            })
            .find_map(|n| self.part_marks.get(n.attribute((TEXT_NS, "name"))?))
            .cloned();
        self.heading(&s, mark);
    }

    /// A section: a clause's when named after one (an edited copy may hold
    /// a section twice, copied and pasted: both are that clause's text);
    /// any other is read through.
    fn odt_section(&mut self, node: Node) {
        let id = node
            .attribute((TEXT_NS, "name"))
            .and_then(|n| self.clause_marks.get(n))
            .cloned();
        let Some(id) = id else {
            return self.odt(node);
        };
        self.items.push(Item::Clause(id.clone()));
        self.open.push(id);
        self.odt(node);
        self.open.pop();
        if let Some(outer) = self.open.last() {
            self.items.push(Item::Resume(outer.clone()));
        }
    }

    fn docx(&mut self, node: Node) {
        for child in node.children().filter(Node::is_element) {
            if child.tag_name().namespace() != Some(W_NS) {
                continue;
            }
            match child.tag_name().name() {
                "bookmarkStart" => {
                    if let Some(id) = self.clause_mark(child) {
                        self.items.push(Item::Clause(id));
                    }
                }
                "p" => {
                    let mut para = Para::default();
                    self.docx_runs(child, &mut para);
                    let before = std::mem::take(&mut para.before);
                    self.items.extend(before.into_iter().map(Item::Clause));
                    if docx_level(child, &self.levels) == Some(1) {
                        self.heading(&para.text, para.part);
                    } else {
                        self.line(&para.text);
                    }
                    self.items.extend(para.after.into_iter().map(Item::Clause));
                }
                "tr" => self.docx_row(child),
                "del" | "moveFrom" => {}
                _ => self.docx(child),
            }
        }
    }

    /// A table row: one line, in the clause of its first paragraph (a clause
    /// that opens with a table has its bookmark there).
    fn docx_row(&mut self, tr: Node) {
        let mut first = true;
        let mut cells = Vec::new();
        let (mut before, mut after) = (Vec::new(), Vec::new());
        for tc in tr.children().filter(|c| c.has_tag_name((W_NS, "tc"))) {
            let mut s = String::new();
            for p in tc.children().filter(|c| c.has_tag_name((W_NS, "p"))) {
                let mut para = Para::default();
                self.docx_runs(p, &mut para);
                if std::mem::take(&mut first) {
                    before = para.before;
                } else {
                    after.append(&mut para.before);
                }
                after.append(&mut para.after);
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(&para.text);
            }
            cells.push(collapse(&s));
        }
        self.items.extend(before.into_iter().map(Item::Clause));
        self.line(&cells.join(" | "));
        self.items.extend(after.into_iter().map(Item::Clause));
    }

    fn clause_mark(&self, bookmark: Node) -> Option<String> {
        let name = bookmark.attribute((W_NS, "name"))?;
        self.clause_marks.get(name).cloned()
    }

    /// A paragraph's text (tracked deletions left out) and marks.
    fn docx_runs(&self, node: Node, para: &mut Para) {
        for n in node.children() {
            if n.is_text() || n.tag_name().namespace() != Some(W_NS) {
                continue;
            }
            match n.tag_name().name() {
                "bookmarkStart" => {
                    if let Some(id) = self.clause_mark(n) {
                        if para.text.trim().is_empty() {
                            para.before.push(id);
                        } else {
                            para.after.push(id);
                        }
                    }
                    let name = n.attribute((W_NS, "name")).unwrap_or_default();
                    if let Some(p) = self.part_marks.get(name) {
                        para.part.get_or_insert_with(|| p.clone());
                    }
                }
                "t" => para.text.push_str(n.text().unwrap_or_default()),
                "tab" => para.text.push('\t'),
                "br" | "cr" => para.text.push('\n'),
                "del" | "delText" | "moveFrom" | "pPr" | "rPr" | "instrText" => {}
                _ => self.docx_runs(n, para),
            }
        }
    }
}

/// A DOCX paragraph's outline level (1 for `heading 1`), if it is a heading:
/// its own `w:outlineLvl`, else its style's (`levels`, from `styles.xml`:
/// Word names styles in the user's language, « Titre1 »), else a style named
/// `Heading<n>`. The title is not a heading.
fn docx_level(p: Node, levels: &HashMap<String, u8>) -> Option<u8> {
    let ppr = p.children().find(|c| c.has_tag_name((W_NS, "pPr")))?;
    let val = |tag: &str| {
        ppr.children()
            .find(|c| c.has_tag_name((W_NS, tag)))
            .and_then(|c| c.attribute((W_NS, "val")))
    };
    if let Some(l) = val("outlineLvl").and_then(|v| v.parse::<u8>().ok()) {
        return (l < 9).then_some(l + 1);
    }
    let style = val("pStyle")?;
    levels.get(style).copied().or_else(|| {
        let n = (style.strip_prefix("Heading")).or_else(|| style.strip_prefix("heading"))?;
        n.trim().parse().ok()
    })
}

/// The outline level of each paragraph style of a DOCX (`word/styles.xml`),
/// its own or the one of the style it is based on.
fn docx_style_levels(bytes: &[u8]) -> HashMap<String, u8> {
    let xml = zip::read(bytes, "word/styles.xml").ok().flatten();
    let xml = xml
        .and_then(|x| String::from_utf8(x).ok())
        .unwrap_or_default();
    let Ok(doc) = Document::parse(&xml) else {
        return HashMap::new();
    };
    // Style id → (its own level, the style it is based on).
    let mut styles: HashMap<&str, (Option<u8>, Option<&str>)> = HashMap::new();
    for s in doc
        .descendants()
        .filter(|n| n.has_tag_name((W_NS, "style")))
    {
        let Some(id) = s.attribute((W_NS, "styleId")) else {
            continue;
        };
        let val = |tag: &str| {
            s.descendants()
                .find(|c| c.has_tag_name((W_NS, tag)))
                .and_then(|c| c.attribute((W_NS, "val")))
        };
        let level = val("outlineLvl").and_then(|v| v.parse::<u8>().ok());
        styles.insert(id, (level, val("basedOn")));
    }
    let mut levels = HashMap::new();
    for &id in styles.keys() {
        let mut at = Some(id);
        // Ten steps at most: a loop of `basedOn` ends there.
        for _ in 0..10 {
            let Some(&(level, based)) = at.and_then(|a| styles.get(a)) else {
                break;
            };
            if let Some(l) = level {
                if l < 9 {
                    levels.insert(id.to_string(), l + 1);
                }
                break;
            }
            at = based;
        }
    }
    levels
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

/// The rendered convention `conv` made plain (the title block, each part's
/// heading and preface, each clause: see [`plain_lines`]), and the same
/// convention as the edited document reads: its title block, the headings
/// and prefaces found, the clauses found with their new text, in the
/// convention's order.
pub fn as_edited(conv: &Convention, edited: &Edited) -> (Convention, Convention) {
    let plain = |md: &str| plain_lines(md).join("\n\n");
    let mut old = conv.clone();
    old.title = plain(&old.title);
    for p in &mut old.parts {
        p.heading = p.heading.as_ref().map(|h| plain(&format!("## {h}")));
        p.preface = plain(&p.preface);
    }
    for c in &mut old.clauses {
        c.text = plain(&c.text);
    }
    let mut new = old.clone();
    new.title = edited.title.join("\n\n");
    for p in &mut new.parts {
        let (heading, preface) = match edited.parts.get(&p.id) {
            Some((h, lines)) => (Some(h.clone()), lines.join("\n\n")),
            None => (None, String::new()),
        };
        p.heading = heading;
        p.preface = preface;
    }
    new.clauses = old
        .clauses
        .iter()
        .filter_map(|c| {
            edited.clauses.get(&c.id).map(|lines| Clause {
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
    use crate::diff::{Change, Target};
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

    /// The document charta writes from [`MD`] in `format`, its body XML
    /// changed by `edit`, read back and compared with [`MD`]; and whether
    /// `edit` changed the XML.
    fn changes_after(format: OfficeFormat, edit: impl Fn(&str) -> String) -> (Vec<Change>, bool) {
        let mut edited = false;
        let rev = Revision::of(&meta());
        let (bytes, part) = match format {
            OfficeFormat::Odt => (crate::emit::odt::write(MD, &meta(), &rev), "content.xml"),
            OfficeFormat::Docx => (
                crate::emit::docx::write(MD, &meta(), &rev),
                "word/document.xml",
            ),
        };
        let mut w = zip::ZipWriter::new();
        for e in zip::entries(&bytes).unwrap() {
            let mut data = zip::read_entry(&bytes, &e).unwrap();
            if e.name == part {
                let before = String::from_utf8(data).unwrap();
                let xml = edit(&before);
                edited = xml != before;
                data = xml.into_bytes();
            }
            w.add(&e.name, &data, zip::Method::Stored);
        }
        let conv = Convention::parse(MD).unwrap();
        let read = read_edited(&w.finish(), format, &conv).unwrap();
        let (old, new) = as_edited(&conv, &read);
        (crate::diff::compare(&old, &new), edited)
    }

    /// `(target, part or clause)` of each change, and whether `inserted` is
    /// among the words it inserts.
    fn summary(changes: &[Change], inserted: &str) -> Vec<(Target, String, bool)> {
        changes
            .iter()
            .map(|c| {
                let at = c.clause.clone().or(c.part.clone()).unwrap_or_default();
                let ins = c
                    .redline
                    .iter()
                    .any(|s| s.op == crate::diff::Op::Insert && s.text.contains(inserted));
                (c.target, at, ins)
            })
            .collect()
    }

    /// An edit of the XML, what it is, the changes expected: `(target,
    /// clause or part, whether « révisé » is inserted)`.
    type Case = (
        &'static str,
        Box<dyn Fn(&str) -> String>,
        Vec<(Target, &'static str, bool)>,
    );

    /// Edits of words: headings, the title, a table cell.
    fn word_edits() -> Vec<Case> {
        use Target::{Clause as C, Heading as H, Title as T};
        vec![
            ("unedited", Box::new(|x: &str| x.to_string()), vec![]),
            (
                "article title",
                Box::new(|x: &str| x.replace("Article 1er – Objet", "Article 1er – Objet révisé")),
                vec![(H, "objet", true)],
            ),
            (
                "article title, its mark gone (a copy made by an earlier charta)",
                Box::new(|x: &str| {
                    let x = x.replace("Article 1er – Objet", "Article 1er – Objet révisé");
                    let mark = x.find("part:objet").or(x.find("p_objet")).unwrap();
                    let start = x[..mark].rfind('<').unwrap();
                    let end = if x[start..].starts_with("<w:") {
                        let close = x[mark..].find("<w:bookmarkEnd").unwrap() + mark;
                        close + x[close..].find("/>").unwrap() + 2
                    } else {
                        mark + x[mark..].find("/>").unwrap() + 2
                    };
                    format!("{}{}", &x[..start], &x[end..])
                }),
                vec![(H, "objet", true)],
            ),
            (
                "the convention's title",
                Box::new(|x: &str| x.replacen(">Convention<", ">Convention révisée<", 1)),
                vec![(T, "", true)],
            ),
            (
                "a table cell",
                Box::new(|x: &str| x.replacen(">1<", ">révisé<", 1)),
                vec![(C, "budget", true)],
            ),
        ]
    }

    /// Paragraphs added or removed, and formatting, in `odt` or a DOCX.
    fn paragraph_edits(odt: bool) -> Vec<Case> {
        use Target::{Clause as C, Heading as H};
        let odt_p = |t: &str| format!(r#"<text:p text:style-name="Text_20_body">{t}</text:p>"#);
        let docx_p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
        vec![
            (
                "a paragraph after a heading, before the first clause",
                Box::new(move |x: &str| {
                    let end = if odt {
                        "Objet</text:h>"
                    } else {
                        "Objet</w:t></w:r></w:p>"
                    };
                    let p = if odt {
                        odt_p("Ajout révisé.")
                    } else {
                        docx_p("Ajout révisé.")
                    };
                    x.replacen(end, &format!("{end}{p}"), 1)
                }),
                vec![(H, "objet", true)],
            ),
            (
                "a paragraph added at the end",
                Box::new(move |x: &str| {
                    let (end, p) = if odt {
                        ("</office:text>", odt_p("Ajout révisé."))
                    } else {
                        ("<w:sectPr>", docx_p("Ajout révisé."))
                    };
                    let at = x.rfind(end).unwrap();
                    format!("{}{p}{}", &x[..at], &x[at..])
                }),
                vec![(C, "fin", true)],
            ),
            (
                "a paragraph removed",
                Box::new(move |x: &str| {
                    let at = x.find("deux").unwrap();
                    let tag = if odt { "<text:p " } else { "<w:p>" };
                    let (start, close) = (
                        x[..at].rfind(tag).unwrap(),
                        if odt { "</text:p>" } else { "</w:p>" },
                    );
                    let end = at + x[at..].find(close).unwrap() + close.len();
                    format!("{}{}", &x[..start], &x[end..])
                }),
                vec![(C, "objet", false)],
            ),
            (
                "formatting only",
                Box::new(move |x: &str| {
                    if odt {
                        x.replace(
                            r#"text:style-name="Text_20_body""#,
                            r#"text:style-name="Standard""#,
                        )
                    } else {
                        x.replace("<w:rPr><w:b/></w:rPr>", "<w:rPr><w:i/></w:rPr>")
                            .replacen(
                                "<w:r><w:t",
                                "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t",
                                3,
                            )
                    }
                }),
                vec![],
            ),
        ]
    }

    #[test]
    fn every_edit_of_the_text_is_a_change_and_formatting_is_none() {
        for format in [OfficeFormat::Odt, OfficeFormat::Docx] {
            let odt = format == OfficeFormat::Odt;
            for (what, edit, expected) in word_edits().into_iter().chain(paragraph_edits(odt)) {
                let (changes, edited) = changes_after(format, edit);
                assert_eq!(
                    edited,
                    what != "unedited",
                    "{format:?}, {what}: the XML edit applies"
                );
                let expected: Vec<(Target, String, bool)> = expected
                    .into_iter()
                    .map(|(t, a, i)| (t, a.to_string(), i))
                    .collect();
                assert_eq!(
                    summary(&changes, "révisé"),
                    expected,
                    "{format:?}, {what}: {changes:#?}"
                );
            }
        }
    }

    #[test]
    fn what_charta_writes_reads_back_as_the_markdown() {
        let conv = Convention::parse(MD).unwrap();
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
            let read = read_edited(&bytes, format, &conv).unwrap();
            for c in &conv.clauses {
                assert_eq!(
                    read.clauses[&c.id],
                    plain_lines(&c.text),
                    "{format:?} {}",
                    c.id
                );
            }
            assert_eq!(read.title, ["Convention"], "{format:?}");
            assert_eq!(
                read.parts["objet"],
                ("Article 1er – Objet".to_string(), vec![]),
                "{format:?}"
            );
            assert!(!read.parts.contains_key("fin"), "{format:?}");
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
