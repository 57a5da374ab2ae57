//! HTML out of user data: one escaping function for every text and attribute
//! value, the rendered convention as HTML (its anchors become the side
//! navigation, any other HTML in it stays text), and a redline as the text
//! it marks, with `<del>`/`<ins>`.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::anchor::{self, Anchor};
use crate::document::blocks;

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
    let mut nav = Vec::new();
    let mut pending: Option<String> = None;
    let mut in_heading: Option<(String, String)> = None;
    let mut events: Vec<Event> = Vec::new();
    for ev in blocks::events(markdown) {
        match ev {
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some(text) = html_as_text(&t, &mut pending) {
                    events.push(text);
                }
            }
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes,
                attrs,
            }) => {
                let id = pending.take().map(|p| format!("part-{p}"));
                if let Some(a) = &id {
                    in_heading = Some((a.clone(), String::new()));
                }
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: id.map(CowStr::from),
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(l)) => {
                if let Some((anchor, title)) = in_heading.take() {
                    nav.push(NavEntry {
                        anchor,
                        title: title.trim().to_string(),
                    });
                }
                events.push(Event::End(TagEnd::Heading(l)));
            }
            other => {
                if let Some((_, title)) = in_heading.as_mut() {
                    match &other {
                        Event::Text(t) | Event::Code(t) => title.push_str(t),
                        Event::SoftBreak | Event::HardBreak => title.push(' '),
                        _ => {}
                    }
                }
                events.push(other)
            }
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    (html, nav)
}

/// Raw HTML in a convention: a part's anchor is noted in `pending` (its
/// heading takes the id), charta's other anchors and blank lines are
/// dropped, and what is left is text, never markup.
fn html_as_text<'a>(html: &str, pending: &mut Option<String>) -> Option<Event<'a>> {
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
    (!rest.is_empty()).then(|| Event::Text(CowStr::from(rest)))
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

/// A redline as the reader sees the text: the Markdown of
/// [`crate::diff::markdown_redline`] (its structure kept, deletions in
/// `<del>`, insertions in `<ins>`) rendered as HTML, so that lists, bold and
/// tables read as in the convention and no Markdown sign shows. Any other
/// HTML in it is text, and charta's anchors are dropped.
pub fn redline_html(markdown: &str) -> String {
    let events = blocks::events(markdown).filter_map(|ev| match ev {
        Event::Html(t) | Event::InlineHtml(t) => {
            let kept: String = t
                .lines()
                .filter(|l| anchor::parse(l).is_none())
                .collect::<Vec<_>>()
                .join("\n");
            (!kept.trim().is_empty()).then(|| Event::InlineHtml(CowStr::from(marks_only(&kept))))
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
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
