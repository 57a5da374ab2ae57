//! The rendered Markdown read once, as a tree: the one reading every writer
//! consumes (the Typst of the PDF, the desk's HTML, and — flattened by
//! [`super::blocks`] — the ODT and the DOCX).
//!
//! The tree keeps what the Markdown says and nothing is interpreted for a
//! writer: text pieces as the parser split them (a writer may care where one
//! ends), raw HTML as it was written ([`Inline::Html`], [`Block::Html`]: the
//! anchors of [`crate::anchor`], the redline marks `<del>`/`<ins>` of
//! `charta diff`, or user text that must print literally — each writer
//! decides), tight list items' text without a paragraph ([`Block::Plain`]).
//! Only this module (with `blocks`, its reader for the office formats) knows
//! the Markdown parser.

use pulldown_cmark::{Alignment, CowStr, Event, LinkType, Parser, Tag};

/// A piece of text of the tree: borrowed from the Markdown when the parser
/// can (most of it), owned otherwise (escapes, entities).
pub type Str<'a> = std::borrow::Cow<'a, str>;

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// `#` is level 1 (the act's title), `##` level 2 (a part's heading)…
    Heading {
        level: u8,
        content: Vec<Inline<'a>>,
    },
    Paragraph(Vec<Inline<'a>>),
    /// The text of a tight list item: not wrapped in a paragraph.
    Plain(Vec<Inline<'a>>),
    List(List<'a>),
    Table(Table<'a>),
    Quote(Vec<Block<'a>>),
    /// A code block: the first word of its info string (empty if none), its text.
    Code {
        lang: Str<'a>,
        text: String,
    },
    /// An HTML block as written, piece by piece: [`Inline::Html`] for its
    /// lines, [`Inline::Text`] for the indentation the parser gives back.
    Html(Vec<Inline<'a>>),
    Rule,
}

/// A bullet list (`start: None`) or a numbered one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<'a> {
    pub start: Option<u64>,
    /// Each item's blocks (a tight item's text is a [`Block::Plain`]).
    pub items: Vec<Vec<Block<'a>>>,
}

/// A column's alignment as the table's delimiter row gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `---`: none given.
    Auto,
    Left,
    Center,
    Right,
}

/// A GFM table: its cells as the parser gives them (it completes a short row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<'a> {
    pub align: Vec<Align>,
    pub head: Vec<Vec<Inline<'a>>>,
    pub rows: Vec<Vec<Vec<Inline<'a>>>>,
}

/// A piece of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline<'a> {
    Text(Str<'a>),
    Code(Str<'a>),
    /// Inline HTML as written (a writer prints it as text, except the marks it knows).
    Html(Str<'a>),
    SoftBreak,
    HardBreak,
    Emphasis(Vec<Inline<'a>>),
    Strong(Vec<Inline<'a>>),
    /// `email`: an autolink `<a@b.fr>`, whose `url` has no `mailto:`.
    Link {
        url: Str<'a>,
        title: Str<'a>,
        email: bool,
        content: Vec<Inline<'a>>,
    },
    /// An image, of which the build keeps the alt text (`content`).
    Image {
        url: Str<'a>,
        title: Str<'a>,
        content: Vec<Inline<'a>>,
    },
}

/// The one parser of charta's rendered Markdown: CommonMark with GFM tables,
/// the only extension charta's Markdown uses; strikethrough, footnotes,
/// math… stay off so that their markers remain plain text.
pub(super) fn events(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES)
}

/// Reads the rendered Markdown into its tree.
pub fn parse(markdown: &str) -> Vec<Block<'_>> {
    let mut b = Builder {
        stack: vec![Open::Blocks(Vec::new())],
    };
    for event in events(markdown) {
        b.event(event);
    }
    // The parser balances its tags: only the root is left.
    while b.stack.len() > 1 {
        b.close();
    }
    match b.stack.pop() {
        Some(Open::Blocks(blocks)) => blocks,
        _ => Vec::new(),
    }
}

/// A container being read.
enum Open<'a> {
    /// The document, a quote or a list item.
    Blocks(Vec<Block<'a>>),
    Paragraph(Vec<Inline<'a>>),
    Heading(u8, Vec<Inline<'a>>),
    Quote(Vec<Block<'a>>),
    List(Option<u64>, Vec<Vec<Block<'a>>>),
    Table(Table<'a>),
    /// The header row (`true`) or a body row, its cells.
    Row(bool, Vec<Vec<Inline<'a>>>),
    Cell(Vec<Inline<'a>>),
    Code(Str<'a>, String),
    Html(Vec<Inline<'a>>),
    Emphasis(Vec<Inline<'a>>),
    Strong(Vec<Inline<'a>>),
    Link(Str<'a>, Str<'a>, bool, Vec<Inline<'a>>),
    Image(Str<'a>, Str<'a>, Vec<Inline<'a>>),
    /// A construct charta's Markdown never has (its options are off): its
    /// content goes to the container around it.
    Transparent,
}

struct Builder<'a> {
    stack: Vec<Open<'a>>,
}

impl<'a> Builder<'a> {
    fn event(&mut self, event: Event<'a>) {
        match event {
            Event::Start(tag) => self.open(tag),
            Event::End(_) => self.close(),
            Event::Text(t) => self.inline(Inline::Text(str_of(t))),
            Event::Code(t) => self.inline(Inline::Code(str_of(t))),
            Event::Html(t) | Event::InlineHtml(t) => self.inline(Inline::Html(str_of(t))),
            Event::SoftBreak => self.inline(Inline::SoftBreak),
            Event::HardBreak => self.inline(Inline::HardBreak),
            Event::Rule => self.block(Block::Rule),
            // Not enabled in the options; should they appear, they are text.
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.inline(Inline::Text(str_of(t)))
            }
            Event::TaskListMarker(checked) => {
                self.inline(Inline::Text(Str::Borrowed(if checked {
                    "[x] "
                } else {
                    "[ ] "
                })))
            }
        }
    }

    fn open(&mut self, tag: Tag<'a>) {
        let open = match tag {
            Tag::Paragraph => Open::Paragraph(Vec::new()),
            Tag::Heading { level, .. } => Open::Heading(level as u8, Vec::new()),
            Tag::BlockQuote(_) => Open::Quote(Vec::new()),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => match str_of(info) {
                        Str::Borrowed(info) => Str::Borrowed(info.split(' ').next().unwrap_or("")),
                        Str::Owned(info) => Str::Owned(info.split(' ').next().unwrap_or("").into()),
                    },
                    pulldown_cmark::CodeBlockKind::Indented => Str::Borrowed(""),
                };
                Open::Code(lang, String::new())
            }
            Tag::HtmlBlock => Open::Html(Vec::new()),
            Tag::List(start) => Open::List(start, Vec::new()),
            Tag::Item => Open::Blocks(Vec::new()),
            Tag::Table(align) => Open::Table(Table {
                align: align.iter().map(|a| align_of(*a)).collect(),
                head: Vec::new(),
                rows: Vec::new(),
            }),
            Tag::TableHead => Open::Row(true, Vec::new()),
            Tag::TableRow => Open::Row(false, Vec::new()),
            Tag::TableCell => Open::Cell(Vec::new()),
            Tag::Emphasis => Open::Emphasis(Vec::new()),
            Tag::Strong => Open::Strong(Vec::new()),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => Open::Link(
                str_of(dest_url),
                str_of(title),
                link_type == LinkType::Email,
                Vec::new(),
            ),
            Tag::Image {
                dest_url, title, ..
            } => Open::Image(str_of(dest_url), str_of(title), Vec::new()),
            _ => Open::Transparent,
        };
        self.stack.push(open);
    }

    /// Ends the container on top and gives it to the one below.
    fn close(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(open) = self.stack.pop() else {
            return;
        };
        match open {
            Open::Blocks(blocks) => {
                if let Some(Open::List(_, items)) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Open::Paragraph(c) => self.block(Block::Paragraph(c)),
            Open::Heading(level, content) => self.block(Block::Heading { level, content }),
            Open::Quote(b) => self.block(Block::Quote(b)),
            Open::List(start, items) => self.block(Block::List(List { start, items })),
            Open::Table(t) => self.block(Block::Table(t)),
            Open::Row(head, cells) => {
                if let Some(Open::Table(t)) = self.stack.last_mut() {
                    if head {
                        t.head = cells;
                    } else {
                        t.rows.push(cells);
                    }
                }
            }
            Open::Cell(c) => {
                if let Some(Open::Row(_, cells)) = self.stack.last_mut() {
                    cells.push(c);
                }
            }
            Open::Code(lang, text) => self.block(Block::Code { lang, text }),
            Open::Html(pieces) => self.block(Block::Html(pieces)),
            Open::Emphasis(c) => self.inline(Inline::Emphasis(c)),
            Open::Strong(c) => self.inline(Inline::Strong(c)),
            Open::Link(url, title, email, content) => self.inline(Inline::Link {
                url,
                title,
                email,
                content,
            }),
            Open::Image(url, title, content) => self.inline(Inline::Image {
                url,
                title,
                content,
            }),
            Open::Transparent => {}
        }
    }

    fn block(&mut self, block: Block<'a>) {
        let top = self
            .stack
            .iter_mut()
            .rev()
            .find(|o| !matches!(o, Open::Transparent));
        // A block where none can be (the parser never puts one there) is dropped.
        if let Some(Open::Blocks(blocks) | Open::Quote(blocks)) = top {
            blocks.push(block);
        }
    }

    fn inline(&mut self, inline: Inline<'a>) {
        let Some(top) = self
            .stack
            .iter_mut()
            .rev()
            .find(|o| !matches!(o, Open::Transparent))
        else {
            return;
        };
        match top {
            Open::Paragraph(c)
            | Open::Heading(_, c)
            | Open::Cell(c)
            | Open::Html(c)
            | Open::Emphasis(c)
            | Open::Strong(c)
            | Open::Link(.., c)
            | Open::Image(.., c) => c.push(inline),
            Open::Code(_, text) => {
                if let Inline::Text(t) | Inline::Html(t) = inline {
                    text.push_str(&t);
                }
            }
            Open::Blocks(blocks) | Open::Quote(blocks) => match blocks.last_mut() {
                Some(Block::Plain(c)) => c.push(inline),
                _ => blocks.push(Block::Plain(vec![inline])),
            },
            Open::List(..) | Open::Table(_) | Open::Row(..) | Open::Transparent => {}
        }
    }
}

/// The parser's text, borrowed from the Markdown when it is.
fn str_of(s: CowStr<'_>) -> Str<'_> {
    match s {
        CowStr::Borrowed(s) => Str::Borrowed(s),
        other => Str::Owned(other.into_string()),
    }
}

fn align_of(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::Auto,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline<'_> {
        Inline::Text(s.into())
    }

    #[test]
    fn lists_tight_loose_and_nested() {
        let tree = parse("- a\n  - b\n\n3. x\n\n4. y\n");
        let [Block::List(bullets), Block::List(numbers)] = tree.as_slice() else {
            panic!("{tree:?}")
        };
        assert_eq!(bullets.start, None);
        assert_eq!(
            bullets.items[0],
            [
                Block::Plain(vec![text("a")]),
                Block::List(List {
                    start: None,
                    items: vec![vec![Block::Plain(vec![text("b")])]],
                }),
            ]
        );
        assert_eq!(numbers.start, Some(3));
        assert_eq!(numbers.items[1], [Block::Paragraph(vec![text("y")])]);
    }

    #[test]
    fn raw_html_links_and_tables_as_written() {
        let tree = parse(
            "<!-- part:a kind=block -->\n<div>x</div>\n\n\
             [l](https://x.fr \"t\") <a@b.fr> <del>d</del>\n\n| A | B |\n|:-|--|\n| 1 |\n",
        );
        // A comment ends its HTML block.
        assert_eq!(
            tree[..2],
            [
                Block::Html(vec![Inline::Html("<!-- part:a kind=block -->\n".into())]),
                Block::Html(vec![Inline::Html("<div>x</div>\n".into())]),
            ]
        );
        let Block::Paragraph(p) = &tree[2] else {
            panic!("{tree:?}")
        };
        assert_eq!(
            p[0],
            Inline::Link {
                url: "https://x.fr".into(),
                title: "t".into(),
                email: false,
                content: vec![text("l")],
            }
        );
        assert!(matches!(&p[2], Inline::Link { url, email: true, .. } if url == "a@b.fr"));
        assert_eq!(p[4], Inline::Html("<del>".into()));
        let Block::Table(t) = &tree[3] else {
            panic!("{tree:?}")
        };
        assert_eq!(t.align, [Align::Left, Align::Auto]);
        assert_eq!(t.head.len(), 2);
        assert_eq!(t.rows[0].len(), 2, "{t:?}");
    }
}
