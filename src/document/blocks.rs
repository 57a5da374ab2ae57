//! The rendered Markdown as a flat list of blocks, for the emitters that
//! write a word-processing document (ODT, DOCX) and for the diff of an edited
//! one: the document's tree ([`super::tree`], the one reading) flattened.
//!
//! The anchors ([`crate::anchor`]) become [`Block::Part`] and
//! [`Block::Clause`]; `# Title` the title; `## Heading` a level-1 heading (the
//! parts); paragraphs, list items (flattened, with their label and depth), GFM
//! tables. Inline text keeps bold, italic, code and the redline marks
//! `<del>`/`<ins>` of `charta diff` (only those two tags: any other HTML is
//! text). Every piece of text is kept as it reads, never as markup.

use super::tree;
use crate::anchor::{self, Anchor, PartKind};

/// A change mark of a redline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    Inserted,
    Deleted,
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub mark: Option<Mark>,
}

/// A piece of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String, Style),
    /// A hard line break.
    Break(Option<Mark>),
}

pub type Line = Vec<Inline>;

/// The plain text of a line (breaks as newlines), marks included.
pub fn plain(line: &Line) -> String {
    let mut s = String::new();
    for i in line {
        match i {
            Inline::Text(t, _) => s.push_str(t),
            Inline::Break(_) => s.push('\n'),
        }
    }
    s
}

/// Whether a line has text and all of it is deleted (a redline's whole deletion).
pub fn all_deleted(line: &Line) -> bool {
    !line.is_empty()
        && line.iter().all(|i| match i {
            Inline::Text(t, s) => s.mark == Some(Mark::Deleted) || t.trim().is_empty(),
            Inline::Break(m) => *m == Some(Mark::Deleted),
        })
        && line
            .iter()
            .any(|i| matches!(i, Inline::Text(_, s) if s.mark == Some(Mark::Deleted)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub align: Vec<Align>,
    pub head: Vec<Line>,
    pub rows: Vec<Vec<Line>>,
}

impl Table {
    pub fn columns(&self) -> usize {
        self.align.len().max(1)
    }

    /// Relative column widths (sum 1.0) for a table `available` characters
    /// wide: each column at least as wide as its longest word (so that no
    /// word is broken in the middle), the room left shared by how much text
    /// each column holds.
    pub fn widths(&self, available: f64) -> Vec<f64> {
        let n = self.columns();
        let (mut min, mut want) = (vec![3.0f64; n], vec![3.0f64; n]);
        for row in std::iter::once(&self.head).chain(&self.rows) {
            for (c, cell) in row.iter().enumerate().take(n) {
                let text = plain(cell);
                let longest = text
                    .split_whitespace()
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0) as f64
                    // The cell's padding, and a bold header's wider letters.
                    + 3.0;
                let total = text.chars().count() as f64;
                min[c] = min[c].max(longest);
                want[c] = want[c].max(longest).max(total.sqrt() * 3.0);
            }
        }
        let (sum_min, sum_want) = (min.iter().sum::<f64>(), want.iter().sum::<f64>());
        let chars: Vec<f64> = if sum_want <= available || sum_min >= available {
            if sum_min >= available { min } else { want }
        } else {
            // Every column gets its longest word, the rest in proportion to its wish.
            let room = (available - sum_min) / (sum_want - sum_min);
            min.iter()
                .zip(&want)
                .map(|(m, w)| m + (w - m) * room)
                .collect()
        };
        let sum: f64 = chars.iter().sum();
        chars.iter().map(|c| c / sum).collect()
    }
}

/// A list item's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1 for a top-level list.
    pub depth: usize,
    /// « – » or « 3. » on the item's first paragraph; `None` on the others.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `# …`: the act's title.
    Title(Line),
    /// A part opens (its anchor).
    Part {
        id: String,
        kind: PartKind,
        number: Option<String>,
    },
    /// A clause opens (its anchor).
    Clause {
        id: String,
        version: String,
    },
    /// `## …` is level 1 (a part's heading), `### …` level 2…
    Heading {
        level: u8,
        content: Line,
    },
    Paragraph {
        content: Line,
        item: Option<Item>,
        code: bool,
    },
    Table(Table),
    Rule,
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    /// The line being written, if any.
    line: Option<Line>,
    style: Style,
    bold: usize,
    italic: usize,
    /// Lists open: the next number of each (`None`: bullets).
    lists: Vec<Option<u64>>,
    /// The label of the current item, until its first paragraph takes it.
    label: Option<String>,
}

/// Reads the rendered Markdown into blocks.
pub fn read(markdown: &str) -> Vec<Block> {
    let mut r = Reader::default();
    r.blocks_of(&tree::parse(markdown));
    r.flush();
    r.blocks
}

impl Reader {
    fn push_text(&mut self, text: &str) {
        let style = Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            code: false,
            mark: self.style.mark,
        };
        self.push(text, style);
    }

    fn push(&mut self, text: &str, style: Style) {
        let line = self.line.get_or_insert_with(Vec::new);
        if let Some(Inline::Text(last, s)) = line.last_mut()
            && *s == style
        {
            last.push_str(text);
            return;
        }
        line.push(Inline::Text(text.to_string(), style));
    }

    /// Ends the line being written as a paragraph (a tight list item's text
    /// comes without a paragraph event).
    fn flush(&mut self) {
        if let Some(content) = self.line.take() {
            let item = (!self.lists.is_empty()).then(|| Item {
                depth: self.lists.len(),
                label: self.label.take(),
            });
            self.blocks.push(Block::Paragraph {
                content,
                item,
                code: false,
            });
        }
    }

    fn blocks_of(&mut self, blocks: &[tree::Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &tree::Block) {
        match block {
            tree::Block::Paragraph(content) => {
                self.flush();
                self.inlines(content);
                self.flush();
                // A mark never spans two paragraphs.
                self.style.mark = None;
            }
            tree::Block::Plain(content) => self.inlines(content),
            tree::Block::Heading { level, content } => {
                self.flush();
                self.inlines(content);
                let content = self.line.take().unwrap_or_default();
                self.style.mark = None;
                if *level == 1 {
                    self.blocks.push(Block::Title(content));
                } else {
                    self.blocks.push(Block::Heading {
                        level: level - 1,
                        content,
                    });
                }
            }
            tree::Block::List(list) => {
                self.flush();
                self.lists.push(list.start);
                for item in &list.items {
                    self.item(item);
                }
                self.flush();
                self.lists.pop();
            }
            tree::Block::Table(table) => self.table(table),
            tree::Block::Quote(blocks) => self.blocks_of(blocks),
            tree::Block::Code { text, .. } => {
                self.flush();
                self.code(text);
            }
            tree::Block::Html(pieces) => {
                self.flush();
                let mut text = String::new();
                for piece in pieces {
                    if let tree::Inline::Text(t) | tree::Inline::Html(t) = piece {
                        text.push_str(t);
                    }
                }
                self.html_block(&text);
            }
            tree::Block::Rule => {
                self.flush();
                self.blocks.push(Block::Rule);
            }
        }
    }

    /// A list item: its label (« – » or the next number) goes to its first paragraph.
    fn item(&mut self, blocks: &[tree::Block]) {
        self.flush();
        let label = match self.lists.last_mut() {
            Some(Some(n)) => {
                let l = format!("{n}.");
                *n += 1;
                l
            }
            _ => "–".to_string(),
        };
        self.label = Some(label);
        self.blocks_of(blocks);
        self.flush();
        self.label = None;
    }

    fn table(&mut self, table: &tree::Table) {
        self.flush();
        let mut t = Table {
            align: table
                .align
                .iter()
                .map(|a| match a {
                    tree::Align::Center => Align::Center,
                    tree::Align::Right => Align::Right,
                    tree::Align::Left | tree::Align::Auto => Align::Left,
                })
                .collect(),
            head: Vec::new(),
            rows: Vec::new(),
        };
        t.head = self.cells(&table.head);
        for row in &table.rows {
            let mut row = self.cells(row);
            // A ragged row is completed, never shifted.
            row.resize(t.align.len().max(row.len()), Vec::new());
            t.rows.push(row);
        }
        let n = t.align.len();
        t.head.resize(n.max(t.head.len()), Vec::new());
        self.blocks.push(Block::Table(t));
    }

    fn cells(&mut self, cells: &[Vec<tree::Inline>]) -> Vec<Line> {
        let mut row = Vec::new();
        for cell in cells {
            self.line = Some(Vec::new());
            self.inlines(cell);
            row.push(self.line.take().unwrap_or_default());
            self.style.mark = None;
        }
        row
    }

    /// A code block: one code paragraph a line.
    fn code(&mut self, text: &str) {
        for l in text.trim_end_matches('\n').lines() {
            self.blocks.push(Block::Paragraph {
                content: vec![Inline::Text(
                    l.to_string(),
                    Style {
                        code: true,
                        ..Style::default()
                    },
                )],
                item: None,
                code: true,
            });
        }
    }

    fn inlines(&mut self, inlines: &[tree::Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &tree::Inline) {
        match inline {
            tree::Inline::Text(t) => self.push_text(t),
            tree::Inline::Code(t) => {
                let style = Style {
                    code: true,
                    ..self.style
                };
                self.push(t, style);
            }
            tree::Inline::Html(html) => match html.as_ref() {
                "<del>" => self.style.mark = Some(Mark::Deleted),
                "<ins>" => self.style.mark = Some(Mark::Inserted),
                "</del>" if self.style.mark == Some(Mark::Deleted) => self.style.mark = None,
                "</ins>" if self.style.mark == Some(Mark::Inserted) => self.style.mark = None,
                other => self.push_text(other),
            },
            tree::Inline::SoftBreak => self.push_text(" "),
            tree::Inline::HardBreak => {
                let mark = self.style.mark;
                self.line
                    .get_or_insert_with(Vec::new)
                    .push(Inline::Break(mark));
            }
            tree::Inline::Strong(content) => {
                self.bold += 1;
                self.inlines(content);
                self.bold = self.bold.saturating_sub(1);
            }
            tree::Inline::Emphasis(content) => {
                self.italic += 1;
                self.inlines(content);
                self.italic = self.italic.saturating_sub(1);
            }
            tree::Inline::Link { content, .. } | tree::Inline::Image { content, .. } => {
                self.inlines(content)
            }
        }
    }

    /// An HTML block: charta's anchors become structure, the rest is text.
    fn html_block(&mut self, html: &str) {
        let mut literal = String::new();
        let flush_literal = |r: &mut Reader, literal: &mut String| {
            if !literal.trim().is_empty() {
                r.push_text(literal.trim_end());
                r.flush();
            }
            literal.clear();
        };
        for line in html.lines() {
            match anchor::parse(line) {
                Some(Anchor::Part { id, kind, number }) if self.lists.is_empty() => {
                    flush_literal(self, &mut literal);
                    self.blocks.push(Block::Part {
                        id: id.to_string(),
                        kind,
                        number: number.map(str::to_string),
                    });
                }
                Some(Anchor::Clause { id, version }) if self.lists.is_empty() => {
                    flush_literal(self, &mut literal);
                    self.blocks.push(Block::Clause {
                        id: id.to_string(),
                        version: version.to_string(),
                    });
                }
                Some(Anchor::Convention(_)) => {}
                _ => {
                    if !literal.is_empty() {
                        literal.push(' ');
                    }
                    literal.push_str(line);
                }
            }
        }
        flush_literal(self, &mut literal);
    }
}

/// The clause ids of a document, in order, made unique as the diff makes
/// them (a repeated id gets `#2`, `#3`…).
pub fn unique_clause_ids(blocks: &[Block]) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Clause { id, .. } => {
                let n = seen.entry(id.clone()).or_insert(0usize);
                *n += 1;
                Some(if *n > 1 {
                    format!("{id}#{n}")
                } else {
                    id.clone()
                })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string(), Style::default())
    }

    #[test]
    fn columns_fit_their_longest_word_and_share_the_rest() {
        let t = Table {
            align: vec![Align::Left; 3],
            head: vec![vec![text("Type")], vec![text("Année")], vec![text("Texte")]],
            rows: vec![vec![
                vec![text("quantitatif")],
                vec![text("2026")],
                vec![text(&"un mot court ".repeat(30))],
            ]],
        };
        let w = t.widths(100.0);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // « quantitatif » and its padding: 14 of 100 characters at least.
        assert!(w[0] >= 0.14, "{w:?}");
        assert!(w[2] > w[0] && w[0] > w[1], "{w:?}");
        // Too narrow for every word: in proportion to the words.
        let w = t.widths(10.0);
        assert!(w[0] > w[1], "{w:?}");
    }

    #[test]
    fn structure_and_data_as_text() {
        let md = "<!-- charta:convention id=x kind=cpo template=cpo -->\n# Convention\n\n\
                  Convention n° R\n\n\
                  <!-- part:objet kind=article number=1er -->\n## Article 1er – Objet\n\n\
                  <!-- clause:objet v=1.0.0 -->\n**A** \\<w:t\\>&amp; \\*\\*x\\*\\*\n\n\
                  - un\n- deux\n\n\
                  | A | B |\n| --- | ---: |\n| 1 | 2 |\n| 3 |\n\n\
                  a <del>4</del><ins>5</ins> b\n";
        let b = read(md);
        assert_eq!(b[0], Block::Title(vec![text("Convention")]));
        assert_eq!(
            b[2],
            Block::Part {
                id: "objet".into(),
                kind: PartKind::Article,
                number: Some("1er".into())
            }
        );
        assert!(matches!(&b[3], Block::Heading { level: 1, .. }));
        assert!(matches!(&b[4], Block::Clause { id, .. } if id == "objet"));
        let Block::Paragraph { content, .. } = &b[5] else {
            panic!("{:?}", b[5])
        };
        assert_eq!(plain(content), "A <w:t>& **x**");
        assert!(matches!(&content[0], Inline::Text(_, s) if s.bold));
        assert!(
            matches!(&b[6], Block::Paragraph { item: Some(Item { depth: 1, label: Some(l) }), .. } if l == "–")
        );
        let Block::Table(t) = &b[8] else {
            panic!("{:?}", b[8])
        };
        assert_eq!(t.align, [Align::Left, Align::Right]);
        assert_eq!(t.rows[1].len(), 2);
        let Block::Paragraph { content, .. } = &b[9] else {
            panic!()
        };
        assert!(
            content.iter().any(
                |i| matches!(i, Inline::Text(t, s) if t == "4" && s.mark == Some(Mark::Deleted))
            )
        );
        assert!(content.iter().any(
            |i| matches!(i, Inline::Text(t, s) if t == "5" && s.mark == Some(Mark::Inserted))
        ));
    }
}
