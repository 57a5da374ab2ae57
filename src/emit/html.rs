//! HTML out of user data: one escaping function for every text and attribute
//! value, the rendered convention as HTML (its anchors become the side
//! navigation, any other HTML in it stays text), and a redline as the text
//! it marks, with `<del>`/`<ins>`.

use crate::anchor::{self, Anchor};
use crate::document::tree::{self, Align, Block, Inline};

/// Escapes text for HTML element content and double- or single-quoted
/// attribute values: `&`, `<`, `>`, `"`, `'`. Every piece of user data on a
/// page goes through here.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One entry of the side navigation: an article, an annex or a titled block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavEntry {
    /// The HTML id of its heading (`part-<id>`, the id being `[a-z0-9-]`).
    pub anchor: String,
    pub title: String,
}

/// The rendered convention (Markdown with charta's anchors) as HTML, and its
/// navigation. Headings of parts get the id `part-<part id>`; raw HTML that
/// is not one of charta's anchors is shown as text, never interpreted.
pub fn convention_html(markdown: &str) -> (String, Vec<NavEntry>) {
    let mut w = Writer::new(Mode::Convention, markdown.len());
    w.blocks(&tree::parse(markdown));
    (w.out, w.nav)
}

/// A redline as the reader sees the text: the Markdown of
/// [`crate::diff::markdown_redline`] (its structure kept, deletions in
/// `<del>`, insertions in `<ins>`) rendered as HTML, so that lists, bold and
/// tables read as in the convention and no Markdown sign shows. Any other
/// HTML in it is text, and charta's anchors are dropped.
pub fn redline_html(markdown: &str) -> String {
    let mut w = Writer::new(Mode::Redline, markdown.len());
    w.blocks(&tree::parse(markdown));
    w.out
}

/// Raw HTML in a convention: a part's anchor is noted in `pending` (its
/// heading takes the id), charta's other anchors and blank lines are
/// dropped, and what is left is text, never markup.
fn html_as_text(html: &str, pending: &mut Option<String>) -> Option<String> {
    let mut rest = String::new();
    for line in html.lines() {
        match anchor::parse(line) {
            Some(Anchor::Part { id, .. }) => *pending = Some(id.to_string()),
            Some(_) => {}
            None if line.trim().is_empty() => {}
            None => {
                rest.push_str(line);
                rest.push('\n');
            }
        }
    }
    (!rest.is_empty()).then_some(rest)
}

/// The marks a redline may carry through [`redline_html`]: these four tags,
/// exactly, and nothing else.
const MARKS: [&str; 4] = ["<del>", "</del>", "<ins>", "</ins>"];

/// Raw HTML of a redline's Markdown as text, its `<del>` and `<ins>` marks kept.
fn marks_only(html: &str) -> String {
    let mut out = escape(html);
    for m in MARKS {
        out = out.replace(&escape(m), m);
    }
    out
}

/// Raw HTML of a redline without charta's anchors, its marks kept; `None`
/// if nothing is left.
fn redline_marks(html: &str) -> Option<String> {
    let kept: String = html
        .lines()
        .filter(|l| anchor::parse(l).is_none())
        .collect::<Vec<_>>()
        .join("\n");
    (!kept.trim().is_empty()).then(|| marks_only(&kept))
}

/// Escapes text for element content: `&`, `<`, `>`.
fn escape_body(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| matches!(b, b'&' | b'<' | b'>')) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Escapes a link's address: `&` and `'` as entities, bytes outside the
/// safe set of a URL percent-encoded.
fn escape_href(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#x27;"),
            c if c.is_ascii() && href_safe(c as u8) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
}

/// The ASCII characters a link's address keeps as they are.
fn href_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%()*+,-./:;=?@^_~".contains(&b)
}

/// What raw HTML in the Markdown becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Text, except charta's anchors: a part's names the next heading.
    Convention,
    /// Text, except charta's anchors (dropped) and the redline marks (kept).
    Redline,
}

/// The HTML writer: CommonMark's HTML (as pulldown-cmark writes it, which
/// the desk's pages were first made with), line ends included.
struct Writer {
    out: String,
    mode: Mode,
    /// Whether the output ends a line (where a block starts without one).
    end_newline: bool,
    /// The part whose anchor came last, until a heading takes its id.
    pending: Option<String>,
    nav: Vec<NavEntry>,
}

impl Writer {
    fn new(mode: Mode, len: usize) -> Writer {
        Writer {
            out: String::with_capacity(len * 3 / 2),
            mode,
            end_newline: true,
            pending: None,
            nav: Vec::new(),
        }
    }

    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// Opens a block on a line of its own.
    fn open(&mut self, tag: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(tag);
    }

    fn text(&mut self, text: &str) {
        escape_body(&mut self.out, text);
        self.end_newline = text.ends_with('\n');
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(content) => {
                self.open("<p>");
                self.inlines(content);
                self.write("</p>\n");
            }
            Block::Plain(content) => self.inlines(content),
            Block::Heading { level, content } => self.heading(*level, content),
            Block::List(list) => self.list(list),
            Block::Table(table) => self.table(table),
            Block::Quote(blocks) => {
                self.open("<blockquote>\n");
                self.blocks(blocks);
                self.write("</blockquote>\n");
            }
            Block::Code { lang, text } => {
                if !self.end_newline {
                    self.write("\n");
                }
                if lang.is_empty() {
                    self.write("<pre><code>");
                } else {
                    self.write("<pre><code class=\"language-");
                    self.out.push_str(&escape(lang));
                    self.write("\">");
                }
                if !text.is_empty() {
                    self.text(text);
                }
                self.write("</code></pre>\n");
            }
            Block::Html(pieces) => self.inlines(pieces),
            Block::Rule => self.open("<hr />\n"),
        }
    }

    fn heading(&mut self, level: u8, content: &[Inline]) {
        self.open(&format!("<h{level}"));
        let id = match self.mode {
            Mode::Convention => self.pending.take().map(|p| format!("part-{p}")),
            Mode::Redline => None,
        };
        if let Some(id) = &id {
            self.write(" id=\"");
            self.out.push_str(&escape(id));
            self.write("\"");
        }
        self.write(">");
        self.inlines(content);
        self.write(&format!("</h{level}>\n"));
        if let Some(anchor) = id {
            let mut title = String::new();
            title_of(content, &mut title);
            self.nav.push(NavEntry {
                anchor,
                title: title.trim().to_string(),
            });
        }
    }

    fn list(&mut self, list: &tree::List) {
        let close = match list.start {
            Some(1) => {
                self.open("<ol>\n");
                "</ol>\n"
            }
            Some(start) => {
                self.open(&format!("<ol start=\"{start}\">\n"));
                "</ol>\n"
            }
            None => {
                self.open("<ul>\n");
                "</ul>\n"
            }
        };
        for item in &list.items {
            self.open("<li>");
            self.blocks(item);
            self.write("</li>\n");
        }
        self.write(close);
    }

    fn table(&mut self, table: &tree::Table) {
        self.write("<table>");
        self.write("<thead><tr>");
        self.row(&table.align, &table.head, ("<th", "</th>"));
        self.write("</tr></thead><tbody>\n");
        for row in &table.rows {
            self.write("<tr>");
            self.row(&table.align, row, ("<td", "</td>"));
            self.write("</tr>\n");
        }
        self.write("</tbody></table>\n");
    }

    fn row(&mut self, align: &[Align], cells: &[Vec<Inline>], (open, close): (&str, &str)) {
        for (i, cell) in cells.iter().enumerate() {
            self.write(open);
            self.write(match align.get(i) {
                Some(Align::Left) => " style=\"text-align: left\">",
                Some(Align::Center) => " style=\"text-align: center\">",
                Some(Align::Right) => " style=\"text-align: right\">",
                _ => ">",
            });
            self.inlines(cell);
            self.write(close);
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(text) => self.text(text),
            Inline::Code(code) => {
                self.write("<code>");
                escape_body(&mut self.out, code);
                self.write("</code>");
            }
            Inline::Html(html) => self.html(html),
            Inline::SoftBreak => self.write("\n"),
            Inline::HardBreak => self.write("<br />\n"),
            Inline::Emphasis(content) => self.wrapped(("<em>", "</em>"), content),
            Inline::Strong(content) => self.wrapped(("<strong>", "</strong>"), content),
            Inline::Link {
                url,
                title,
                email,
                content,
            } => {
                self.write(if *email {
                    "<a href=\"mailto:"
                } else {
                    "<a href=\""
                });
                escape_href(&mut self.out, url);
                self.title(title);
                self.write("\">");
                self.inlines(content);
                self.write("</a>");
            }
            Inline::Image {
                url,
                title,
                content,
            } => {
                self.write("<img src=\"");
                escape_href(&mut self.out, url);
                self.write("\" alt=\"");
                self.alt(content);
                self.title(title);
                self.write("\" />");
            }
        }
    }

    fn wrapped(&mut self, (open, close): (&str, &str), content: &[Inline]) {
        self.write(open);
        self.inlines(content);
        self.write(close);
    }

    fn title(&mut self, title: &str) {
        if !title.is_empty() {
            self.write("\" title=\"");
            self.out.push_str(&escape(title));
        }
    }

    /// Raw HTML: text (anchors read, or dropped), or a redline's marks.
    fn html(&mut self, html: &str) {
        match self.mode {
            Mode::Convention => {
                if let Some(text) = html_as_text(html, &mut self.pending) {
                    self.text(&text);
                }
            }
            Mode::Redline => {
                if let Some(marks) = redline_marks(html) {
                    self.write(&marks);
                }
            }
        }
    }

    /// An image's alt text: its text only, escaped for an attribute.
    fn alt(&mut self, content: &[Inline]) {
        for inline in content {
            let text = match inline {
                Inline::Text(t) | Inline::Code(t) => Some(t.to_string()),
                Inline::Html(html) => match self.mode {
                    Mode::Convention => html_as_text(html, &mut self.pending),
                    Mode::Redline => redline_marks(html),
                },
                Inline::SoftBreak | Inline::HardBreak => {
                    self.write(" ");
                    None
                }
                Inline::Emphasis(c) | Inline::Strong(c) => {
                    self.alt(c);
                    None
                }
                Inline::Link { content, .. } | Inline::Image { content, .. } => {
                    self.alt(content);
                    None
                }
            };
            if let Some(text) = text {
                self.out.push_str(&escape(&text));
                self.end_newline = text.ends_with('\n');
            }
        }
    }
}

/// A heading's text for the navigation: its text and code, breaks as spaces.
fn title_of(content: &[Inline], title: &mut String) {
    for inline in content {
        match inline {
            Inline::Text(t) | Inline::Code(t) => title.push_str(t),
            Inline::SoftBreak | Inline::HardBreak => title.push(' '),
            Inline::Html(_) => {}
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Link { content: c, .. }
            | Inline::Image { content: c, .. } => title_of(c, title),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        let hostile = [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
            ("' autofocus onfocus='x", "&#39; autofocus onfocus=&#39;x"),
            ("&lt; already", "&amp;lt; already"),
            (
                "<img src=x onerror=alert(1)>",
                "&lt;img src=x onerror=alert(1)&gt;",
            ),
            ("]]><!--", "]]&gt;&lt;!--"),
            (
                "Économie « solidaire » & co",
                "Économie « solidaire » &amp; co",
            ),
        ];
        for (input, want) in hostile {
            let got = escape(input);
            assert_eq!(got, want, "{input}");
            assert!(!got.contains(['<', '>', '"', '\'']), "{got}");
        }
    }

    #[test]
    fn raw_html_in_a_convention_stays_text() {
        let md = "<!-- part:objet kind=article number=1er -->\n## Article 1er - Objet\n\nTexte <script>alert(1)</script> et <b>gras</b>.\n\n<div onclick=\"x\">bloc</div>\n";
        let (html, nav) = convention_html(md);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<h2 id=\"part-objet\">"), "{html}");
        assert_eq!(
            nav,
            vec![NavEntry {
                anchor: "part-objet".into(),
                title: "Article 1er - Objet".into()
            }]
        );
    }

    #[test]
    fn redline_reads_as_text_with_its_marks_only() {
        let md = "La Région verse **<del>30 000 €</del><ins>31 000 €</ins>** par an\u{a0}:\n\n- <ins>pour 2029</ins>\n- pour <del>2027</del>\n\n<del onclick=\"x\">y</del> <script>alert(1)</script> &lt;ins&gt;\n";
        let html = redline_html(md);
        assert!(
            html.contains("<strong><del>30 000 €</del><ins>31 000 €</ins></strong>"),
            "{html}"
        );
        assert!(html.contains("<li><ins>pour 2029</ins></li>"), "{html}");
        assert!(html.contains("<li>pour <del>2027</del></li>"), "{html}");
        assert!(
            !html.contains("**") && !html.contains("- "),
            "no Markdown sign: {html}"
        );
        assert!(
            !html.contains("<script") && !html.contains("<del onclick"),
            "{html}"
        );
        assert!(html.contains("&lt;del onclick=&quot;x&quot;&gt;"), "{html}");
        // An escaped tag in the text stays text.
        assert!(html.contains(" &lt;ins&gt;"), "{html}");
        assert_eq!(html.matches("<ins>").count(), 2, "{html}");
    }
}
