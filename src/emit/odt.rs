//! ODT (OpenDocument Text, ODF 1.3), written by hand: the editable
//! convention recommended by the State's interoperability framework (RGI).
//!
//! The archive holds `mimetype` (first, stored), `content.xml`, `styles.xml`,
//! `meta.xml` and `META-INF/manifest.xml`. The act's structure becomes the
//! word processor's: the title and the part headings are real paragraph
//! styles (`Title`, `Heading 1` with outline level 1, so the navigator lists
//! the articles); each clause is a named section `clause:<id>` (how `charta
//! diff` finds it again in an edited copy); the budget and the dashboard are
//! real tables with a repeated header row; annexes start a page; the
//! dashboard annex is on landscape pages (master page `Paysage`); the footer
//! is « Page x sur n » from fields. Redline marks (`<del>`/`<ins>`) become
//! tracked changes. Every piece of text is escaped: data is data.

use std::fmt::Write as _;

pub use super::Revision;
use super::xml::{escape, escape_into};
use super::zip::{Method, ZipWriter};
use super::{Editable, Format};
use crate::anchor::{DASHBOARD_PART, PartKind, SIGNATURE_PART};
use crate::document::Meta;
use crate::document::blocks::{self, Align, Block, Inline, Line, Mark, Style, Table};

pub(super) const FORMAT: Format = Format {
    name: "odt",
    extension: "odt",
    about: "OpenDocument text, to negotiate in LibreOffice (or Word)",
    mime: MIMETYPE,
    label: "OpenDocument (.odt)",
    new: |_| {
        Box::new(Editable {
            name: FORMAT.name,
            write,
        })
    },
};

pub const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

/// The ODT of a rendered convention (or of a redline: its `<del>`/`<ins>`
/// marks become tracked changes by `revision`).
pub fn write(markdown: &str, meta: &Meta, revision: &Revision) -> Vec<u8> {
    let blocks = blocks::read(markdown);
    let content = content_xml(&blocks, revision);
    let mut zip = ZipWriter::new();
    zip.add("mimetype", MIMETYPE.as_bytes(), Method::Stored);
    zip.add("content.xml", content.as_bytes(), Method::Deflated);
    zip.add("styles.xml", styles_xml(meta).as_bytes(), Method::Deflated);
    zip.add("meta.xml", meta_xml(meta).as_bytes(), Method::Deflated);
    zip.add(
        "META-INF/manifest.xml",
        MANIFEST_XML.as_bytes(),
        Method::Deflated,
    );
    zip.finish()
}

const NS: &str = concat!(
    r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
    r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
    r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
    r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
    r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#,
    r#"xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" "#,
    r#"xmlns:dc="http://purl.org/dc/elements/1.1/" "#,
    r#"xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" "#,
    r#"xmlns:xlink="http://www.w3.org/1999/xlink" "#,
    r#"office:version="1.3""#
);

const MANIFEST_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

/// Text width of a portrait and a landscape A4 page (cm), margins 2.3 cm.
const PORTRAIT_WIDTH: f64 = 16.4;
const LANDSCAPE_WIDTH: f64 = 25.1;
/// Width of an average character of table text (9.5 pt serif), in cm.
const CHAR_WIDTH: f64 = 0.17;

fn meta_xml(meta: &Meta) -> String {
    let (y, m, d) = meta.date;
    let date = format!("{y:04}-{m:02}-{d:02}T00:00:00");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><meta:generator>charta/{version}</meta:generator><dc:title>{title}</dc:title><dc:description>{description}</dc:description><dc:subject>{title}</dc:subject><meta:keyword>{reference}</meta:keyword><meta:initial-creator>{funder}</meta:initial-creator><dc:creator>{funder}</dc:creator><meta:creation-date>{date}</meta:creation-date><dc:date>{date}</dc:date><dc:language>fr-FR</dc:language></office:meta></office:document-meta>
"#,
        version = env!("CARGO_PKG_VERSION"),
        title = escape(&format!("{} — {}", meta.title, meta.reference)),
        description = escape(&format!(
            "{} entre {} et {}, période {}",
            meta.title, meta.funder, meta.association, meta.period
        )),
        reference = escape(&meta.reference),
        funder = escape(&meta.funder),
    )
}

fn styles_xml(meta: &Meta) -> String {
    let header = escape(&format!("{} — Réf. {}", meta.title, meta.reference));
    let footer = r#"<text:p text:style-name="Footer">Page <text:page-number text:select-page="current">1</text:page-number> sur <text:page-count>1</text:page-count></text:p>"#;
    let page_layout = |name: &str, w: &str, h: &str, orientation: &str| {
        format!(
            r#"<style:page-layout style:name="{name}"><style:page-layout-properties fo:page-width="{w}" fo:page-height="{h}" style:print-orientation="{orientation}" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.3cm" fo:margin-right="2.3cm"/><style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.5cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.5cm"/></style:footer-style></style:page-layout>"#
        )
    };
    let master = |name: &str, display: &str, layout: &str| {
        format!(
            r#"<style:master-page style:name="{name}" style:display-name="{display}" style:page-layout-name="{layout}"><style:header><text:p text:style-name="Header">{header}</text:p></style:header><style:footer>{footer}</style:footer></style:master-page>"#
        )
    };
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}><office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman" style:font-pitch="variable"/><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/><style:font-face style:name="Liberation Mono" svg:font-family="'Liberation Mono'" style:font-family-generic="modern" style:font-pitch="fixed"/></office:font-face-decls><office:styles><style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit" style:writing-mode="page"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="11pt" fo:language="fr" fo:country="FR" fo:hyphenate="true" fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2"/></style:default-style><style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/></style:default-style><style:style style:name="Standard" style:family="paragraph" style:class="text"/><style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:text-align="justify" fo:orphans="2" fo:widows="2"/></style:style><style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Subtitle" style:class="chapter"><style:paragraph-properties fo:margin-top="1cm" fo:margin-bottom="0.4cm" fo:text-align="center" fo:keep-with-next="always"/><style:text-properties fo:font-size="20pt" fo:font-weight="bold" fo:color="#1f3a5f"/></style:style><style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="chapter"><style:paragraph-properties fo:margin-top="0.1cm" fo:margin-bottom="0.3cm" fo:text-align="center"/><style:text-properties fo:font-size="12pt"/></style:style><style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" fo:color="#1f3a5f"/></style:style><style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="1" style:class="text"><style:text-properties fo:font-size="12.5pt"/></style:style><style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="11.5pt" fo:color="#000000"/></style:style><style:style style:name="Liste" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list"><style:paragraph-properties fo:margin-bottom="0.1cm"/></style:style><style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:text-properties style:font-name="Liberation Mono" fo:font-size="9.5pt"/></style:style><style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9.5pt"/></style:style><style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="Horizontal_20_Line" style:display-name="Horizontal Line" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-bottom="0.3cm" fo:border-bottom="0.5pt solid #aaaaaa" fo:padding="0cm"/></style:style><style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="end"/><style:text-properties fo:font-size="8.5pt" fo:color="#505050"/></style:style><style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="8.5pt"/></style:style><style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="Emphasis" style:family="text"><style:text-properties fo:font-style="italic"/></style:style><text:outline-style style:name="Outline"><text:outline-level-style text:level="1" style:num-format=""/><text:outline-level-style text:level="2" style:num-format=""/></text:outline-style></office:styles><office:automatic-styles>{portrait}{landscape}</office:automatic-styles><office:master-styles>{standard}{paysage}</office:master-styles></office:document-styles>
"##,
        portrait = page_layout("pmPortrait", "21cm", "29.7cm", "portrait"),
        landscape = page_layout("pmPaysage", "29.7cm", "21cm", "landscape"),
        standard = master("Standard", "Standard", "pmPortrait"),
        paysage = master("Paysage", "Paysage", "pmPaysage"),
    )
}

/// The automatic styles every content.xml has (tables add theirs).
const AUTOMATIC_STYLES: &str = r##"<style:style style:name="HAnnexe" style:family="paragraph" style:parent-style-name="Heading_20_1"><style:paragraph-properties fo:break-before="page"/></style:style><style:style style:name="HPaysage" style:family="paragraph" style:parent-style-name="Heading_20_1" style:master-page-name="Paysage"/><style:style style:name="HPortrait" style:family="paragraph" style:parent-style-name="Heading_20_1" style:master-page-name="Standard"/><style:style style:name="PAnnexe" style:family="paragraph" style:parent-style-name="Text_20_body"><style:paragraph-properties fo:break-before="page"/></style:style><style:style style:name="PPaysage" style:family="paragraph" style:parent-style-name="Text_20_body" style:master-page-name="Paysage"/><style:style style:name="PPortrait" style:family="paragraph" style:parent-style-name="Text_20_body" style:master-page-name="Standard"/><style:style style:name="L1" style:family="paragraph" style:parent-style-name="Liste"><style:paragraph-properties fo:margin-left="0.8cm" fo:text-indent="-0.5cm"/></style:style><style:style style:name="L2" style:family="paragraph" style:parent-style-name="Liste"><style:paragraph-properties fo:margin-left="1.6cm" fo:text-indent="-0.5cm"/></style:style><style:style style:name="L3" style:family="paragraph" style:parent-style-name="Liste"><style:paragraph-properties fo:margin-left="2.4cm" fo:text-indent="-0.5cm"/></style:style><style:style style:name="TCentre" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="center"/></style:style><style:style style:name="TDroite" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style><style:style style:name="Cellule" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #aaaaaa"/></style:style><style:style style:name="CelluleTitre" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #aaaaaa" fo:background-color="#e4e9f0"/></style:style><style:style style:name="CelluleNue" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="none"/></style:style><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style><style:style style:name="T3" style:family="text"><style:text-properties fo:font-weight="bold" fo:font-style="italic"/></style:style><style:style style:name="T4" style:family="text"><style:text-properties style:font-name="Liberation Mono"/></style:style><style:style style:name="T5" style:family="text"><style:text-properties style:font-name="Liberation Mono" fo:font-weight="bold"/></style:style><style:style style:name="T6" style:family="text"><style:text-properties style:font-name="Liberation Mono" fo:font-style="italic"/></style:style><style:style style:name="T7" style:family="text"><style:text-properties style:font-name="Liberation Mono" fo:font-weight="bold" fo:font-style="italic"/></style:style>"##;

/// The section name of a clause in an ODT (read back by `charta diff`).
pub fn section_name(clause_id: &str) -> String {
    format!("clause:{clause_id}")
}

/// The bookmark at the start of a part's heading in an ODT (read back by
/// `charta diff`, which finds an edited heading's part by it).
pub fn part_bookmark_name(part_id: &str) -> String {
    format!("part:{part_id}")
}

/// What the next heading or paragraph must also do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    /// Start a page (an annex).
    Page,
    /// Start the landscape pages (the dashboard).
    Landscape,
    /// Back to portrait pages after the dashboard.
    Portrait,
}

struct Writer<'a> {
    body: String,
    styles: String,
    changes: String,
    revision: &'a Revision,
    change_count: usize,
    table_count: usize,
    in_title_block: bool,
    part: String,
    /// The bookmark of the part just opened, for its heading.
    part_mark: Option<String>,
    section_open: bool,
    landscape: bool,
    pending: Option<Break>,
    /// Whether the last character written was a space (ODF collapses spaces).
    after_space: bool,
}

fn content_xml(blocks: &[Block], revision: &Revision) -> String {
    let mut w = Writer {
        body: String::with_capacity(64 * 1024),
        styles: String::new(),
        changes: String::new(),
        revision,
        change_count: 0,
        table_count: 0,
        in_title_block: true,
        part: String::new(),
        part_mark: None,
        section_open: false,
        landscape: false,
        pending: None,
        after_space: true,
    };
    let ids = blocks::unique_clause_ids(blocks);
    let mut ids = ids.iter();
    for b in blocks {
        match b {
            Block::Title(line) => w.paragraph("Title", line, None),
            Block::Part { id, kind, .. } => w.open_part(id, *kind),
            Block::Clause { .. } => {
                w.open_clause(ids.next().map(String::as_str).unwrap_or_default())
            }
            Block::Heading { level, content } => w.heading(*level, content),
            Block::Paragraph {
                content,
                item,
                code,
            } => w.body_paragraph(content, item.as_ref(), *code),
            Block::Table(t) => w.table(t),
            Block::Rule => w
                .body
                .push_str(r#"<text:p text:style-name="Horizontal_20_Line"/>"#),
        }
    }
    w.close_section();
    let tracked = if w.changes.is_empty() {
        String::new()
    } else {
        format!(
            r#"<text:tracked-changes text:track-changes="false">{}</text:tracked-changes>"#,
            w.changes
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}><office:automatic-styles>{AUTOMATIC_STYLES}{styles}</office:automatic-styles><office:body><office:text>{tracked}{body}</office:text></office:body></office:document-content>
"#,
        styles = w.styles,
        body = w.body,
    )
}

impl Writer<'_> {
    /// A part opens: the page break its heading will carry (an annex starts
    /// a page, the dashboard a landscape one, the part after it a portrait
    /// one) and the bookmark of its heading.
    fn open_part(&mut self, id: &str, kind: PartKind) {
        self.close_section();
        self.in_title_block = false;
        let dashboard = id == DASHBOARD_PART;
        self.pending = if dashboard {
            Some(Break::Landscape)
        } else if self.landscape {
            Some(Break::Portrait)
        } else if kind == PartKind::Annex {
            Some(Break::Page)
        } else {
            None
        };
        self.landscape = dashboard;
        self.part = id.to_string();
        self.part_mark = Some(part_bookmark_name(id));
    }

    /// A clause opens a named section (`clause:<id>`, read back by `charta diff`).
    fn open_clause(&mut self, id: &str) {
        self.close_section();
        self.part_mark = None;
        let name = section_name(id);
        self.body.push_str(r#"<text:section text:name=""#);
        escape_into(&mut self.body, &name);
        self.body.push_str(r#"">"#);
        self.section_open = true;
    }

    fn heading(&mut self, level: u8, content: &Line) {
        let style = match (level, self.pending.take()) {
            (_, Some(Break::Page)) => "HAnnexe",
            (_, Some(Break::Landscape)) => "HPaysage",
            (_, Some(Break::Portrait)) => "HPortrait",
            (1, None) => "Heading_20_1",
            _ => "Heading_20_2",
        };
        let level = level.clamp(1, 10);
        let _ = write!(
            self.body,
            r#"<text:h text:style-name="{style}" text:outline-level="{level}">"#
        );
        if let Some(mark) = self.part_mark.take().filter(|_| level == 1) {
            self.body.push_str(r#"<text:bookmark text:name=""#);
            escape_into(&mut self.body, &mark);
            self.body.push_str(r#""/>"#);
        }
        self.inlines(content);
        self.body.push_str("</text:h>");
    }

    fn body_paragraph(&mut self, content: &Line, item: Option<&blocks::Item>, code: bool) {
        let style = if code {
            "Preformatted_20_Text"
        } else if let Some(item) = item {
            ["L1", "L2", "L3"][item.depth.clamp(1, 3) - 1]
        } else if self.in_title_block {
            "Subtitle"
        } else {
            "Text_20_body"
        };
        let label = item.and_then(|i| i.label.clone());
        self.paragraph(style, content, label.as_deref());
    }

    fn close_section(&mut self) {
        if self.section_open {
            self.body.push_str("</text:section>");
            self.section_open = false;
        }
    }

    fn paragraph(&mut self, style: &str, line: &Line, label: Option<&str>) {
        let style = match self.pending.take() {
            Some(Break::Page) => "PAnnexe",
            Some(Break::Landscape) => "PPaysage",
            Some(Break::Portrait) => "PPortrait",
            None => style,
        };
        let _ = write!(self.body, r#"<text:p text:style-name="{style}">"#);
        self.after_space = true;
        if let Some(label) = label {
            if blocks::all_deleted(line) {
                // A list item deleted whole: its label goes with it.
                let id = self.change(Mark::Deleted, &format!("{label} "));
                let _ = write!(self.body, r#"<text:change text:change-id="{id}"/>"#);
            } else {
                escape_into(&mut self.body, label);
                self.body.push(' ');
            }
        }
        self.inlines(line);
        self.body.push_str("</text:p>");
    }

    fn inlines(&mut self, line: &Line) {
        self.after_space = true;
        for i in line {
            match i {
                Inline::Text(text, style) => match style.mark {
                    None => self.span(text, *style),
                    Some(Mark::Inserted) => {
                        let id = self.change(Mark::Inserted, "");
                        let _ = write!(self.body, r#"<text:change-start text:change-id="{id}"/>"#);
                        self.span(text, *style);
                        let _ = write!(self.body, r#"<text:change-end text:change-id="{id}"/>"#);
                    }
                    Some(Mark::Deleted) => {
                        let id = self.change(Mark::Deleted, text);
                        let _ = write!(self.body, r#"<text:change text:change-id="{id}"/>"#);
                    }
                },
                Inline::Break(Some(Mark::Deleted)) => {
                    let id = self.change(Mark::Deleted, " ");
                    let _ = write!(self.body, r#"<text:change text:change-id="{id}"/>"#);
                }
                Inline::Break(_) => {
                    self.body.push_str("<text:line-break/>");
                    self.after_space = true;
                }
            }
        }
    }

    /// Records a changed region; returns its id.
    fn change(&mut self, mark: Mark, deleted: &str) -> String {
        self.change_count += 1;
        let id = format!("ct{}", self.change_count);
        let info = format!(
            "<office:change-info><dc:creator>{}</dc:creator><dc:date>{}</dc:date></office:change-info>",
            escape(&self.revision.author),
            self.revision.datetime()
        );
        let _ = write!(
            self.changes,
            r#"<text:changed-region xml:id="{id}" text:id="{id}">"#
        );
        match mark {
            Mark::Inserted => {
                let _ = write!(self.changes, "<text:insertion>{info}</text:insertion>");
            }
            Mark::Deleted => {
                let _ = write!(self.changes, "<text:deletion>{info}<text:p>");
                let mut after_space = true;
                push_text(&mut self.changes, deleted, &mut after_space);
                self.changes.push_str("</text:p></text:deletion>");
            }
        }
        self.changes.push_str("</text:changed-region>");
        id
    }

    fn span(&mut self, text: &str, style: Style) {
        let n = u8::from(style.bold) | (u8::from(style.italic) << 1) | (u8::from(style.code) << 2);
        if n == 0 {
            push_text(&mut self.body, text, &mut self.after_space);
        } else {
            let _ = write!(self.body, r#"<text:span text:style-name="T{n}">"#);
            push_text(&mut self.body, text, &mut self.after_space);
            self.body.push_str("</text:span>");
        }
    }

    fn table(&mut self, t: &Table) {
        self.table_count += 1;
        let n = self.table_count;
        let width = if self.landscape {
            LANDSCAPE_WIDTH
        } else {
            PORTRAIT_WIDTH
        };
        let bare = self.part == SIGNATURE_PART;
        let master = match self.pending.take() {
            Some(Break::Landscape) => r#" style:master-page-name="Paysage""#,
            Some(Break::Portrait) => r#" style:master-page-name="Standard""#,
            _ => "",
        };
        let _ = write!(
            self.styles,
            r#"<style:style style:name="Tableau{n}" style:family="table"{master}><style:table-properties style:width="{width:.2}cm" table:align="margins" fo:margin-top="0.1cm" fo:margin-bottom="0.3cm"/></style:style>"#
        );
        for (c, share) in t.widths(width / CHAR_WIDTH).iter().enumerate() {
            let _ = write!(
                self.styles,
                r#"<style:style style:name="Tableau{n}.C{c}" style:family="table-column"><style:table-column-properties style:column-width="{:.3}cm" style:rel-width="{}*"/></style:style>"#,
                share * width,
                (share * 10000.0).round() as u32
            );
        }
        let _ = write!(
            self.body,
            r#"<table:table table:name="Tableau{n}" table:style-name="Tableau{n}">"#
        );
        for c in 0..t.columns() {
            let _ = write!(
                self.body,
                r#"<table:table-column table:style-name="Tableau{n}.C{c}"/>"#
            );
        }
        let (cell, head_cell) = if bare {
            ("CelluleNue", "CelluleNue")
        } else {
            ("Cellule", "CelluleTitre")
        };
        self.body.push_str("<table:table-header-rows>");
        self.row(&t.head, &t.align, head_cell, true);
        self.body.push_str("</table:table-header-rows>");
        for r in &t.rows {
            self.row(r, &t.align, cell, false);
        }
        self.body.push_str("</table:table>");
    }

    fn row(&mut self, cells: &[Line], align: &[Align], cell_style: &str, head: bool) {
        self.body.push_str("<table:table-row>");
        for (c, cell) in cells.iter().enumerate() {
            let style = if head {
                "Table_20_Heading"
            } else {
                match align.get(c) {
                    Some(Align::Right) => "TDroite",
                    Some(Align::Center) => "TCentre",
                    _ => "Table_20_Contents",
                }
            };
            let _ = write!(
                self.body,
                r#"<table:table-cell table:style-name="{cell_style}" office:value-type="string"><text:p text:style-name="{style}">"#
            );
            self.inlines(cell);
            self.body.push_str("</text:p></table:table-cell>");
        }
        self.body.push_str("</table:table-row>");
    }
}

/// Appends text to ODF paragraph content: spaces that ODF would collapse
/// (leading, repeated) become `<text:s/>`, tabs `<text:tab/>`, line breaks
/// `<text:line-break/>`; everything else is escaped.
fn push_text(out: &mut String, text: &str, after_space: &mut bool) {
    for c in text.chars() {
        match c {
            ' ' if *after_space => out.push_str("<text:s/>"),
            ' ' => {
                out.push(' ');
                *after_space = true;
            }
            '\t' => {
                out.push_str("<text:tab/>");
                *after_space = false;
            }
            '\n' | '\r' => {
                out.push_str("<text:line-break/>");
                *after_space = true;
            }
            c => {
                let mut buf = [0u8; 4];
                escape_into(out, c.encode_utf8(&mut buf));
                *after_space = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            title: "Convention".into(),
            reference: "R-1 <&>".into(),
            funder: "Région \"X\"".into(),
            association: "A".into(),
            period: "2026".into(),
            date: (2026, 1, 23),
            charts: vec![],
        }
    }

    #[test]
    fn spaces_survive_odf_whitespace_rules() {
        let mut out = String::new();
        let mut after = true;
        push_text(&mut out, " a  b\t<c>", &mut after);
        assert_eq!(out, "<text:s/>a <text:s/>b<text:tab/>&lt;c&gt;");
    }

    #[test]
    fn archive_layout_and_reproducible() {
        let md = "<!-- charta:convention id=x kind=cpo template=cpo -->\n# Convention\n\n\
                  <!-- part:objet kind=article number=1er -->\n## Article 1er – Objet\n\n\
                  <!-- clause:objet v=1.0.0 -->\nTexte a <del>4</del><ins>5</ins>.\n";
        let a = write(md, &meta(), &Revision::of(&meta()));
        assert_eq!(a, write(md, &meta(), &Revision::of(&meta())));
        let entries = super::super::zip::entries(&a).unwrap();
        assert_eq!(entries[0].name, "mimetype");
        assert_eq!(entries[0].method, Method::Stored);
        let content =
            String::from_utf8(super::super::zip::read(&a, "content.xml").unwrap().unwrap())
                .unwrap();
        assert!(content.contains(r#"<text:section text:name="clause:objet">"#));
        assert!(content.contains(
            r#"text:outline-level="1"><text:bookmark text:name="part:objet"/>Article 1er – Objet</text:h>"#
        ));
        assert!(content.contains("<text:insertion><office:change-info><dc:creator>Région &quot;X&quot;</dc:creator><dc:date>2026-01-23T00:00:00</dc:date>"));
        assert!(content.contains("<text:deletion>"));
        let meta_xml =
            String::from_utf8(super::super::zip::read(&a, "meta.xml").unwrap().unwrap()).unwrap();
        assert!(meta_xml.contains("<meta:keyword>R-1 &lt;&amp;&gt;</meta:keyword>"));
    }
}
