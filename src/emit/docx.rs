//! DOCX (Office Open XML, WordprocessingML), written by hand: the editable
//! convention most associations open in Word.
//!
//! The package holds `[Content_Types].xml`, `_rels/.rels`,
//! `word/document.xml` and its relationships, `word/styles.xml`,
//! `word/settings.xml`, a header and a footer, and `docProps/core.xml` +
//! `app.xml` (title, author = the funder, keywords = the reference). As in the
//! ODT: real paragraph styles (`Title`, `heading 1` with outline level 0, so
//! the navigation pane lists the articles), real tables with a repeated
//! header row, annexes on a new page, the dashboard annex in a landscape
//! section, « Page x sur n » from `PAGE` and `NUMPAGES` fields, one bookmark
//! per clause ([`bookmark_name`], read back by `charta diff`), and the redline
//! marks as tracked changes (`w:ins`, `w:del`). Every piece of text is escaped.

use std::fmt::Write as _;

use super::xml::{escape, escape_into};
use super::zip::{Method, ZipWriter};
use super::{Editable, Format, Revision};
use crate::anchor::{DASHBOARD_PART, PartKind, SIGNATURE_PART};
use crate::document::Meta;
use crate::document::blocks::{self, Align, Block, Inline, Line, Mark, Style, Table};

pub(super) const FORMAT: Format = Format {
    name: "docx",
    extension: "docx",
    about: "Word document, to negotiate in Word (or LibreOffice)",
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    label: "Word (.docx)",
    new: |_| {
        Box::new(Editable {
            name: FORMAT.name,
            write,
        })
    },
};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// The bookmark of a clause in a DOCX: Word wants at most 40 letters, digits
/// and underscores, starting with a letter. `c_` + the id with `_` for `-`
/// (and `#`), shortened with a hash of the id when too long.
pub fn bookmark_name(clause_id: &str) -> String {
    mark_name("c_", clause_id)
}

/// The bookmark of a part's heading in a DOCX (read back by `charta diff`,
/// which finds an edited heading's part by it): `p_` + the part id, as
/// [`bookmark_name`] writes a clause's.
pub fn part_bookmark_name(part_id: &str) -> String {
    mark_name("p_", part_id)
}

fn mark_name(prefix: &str, id: &str) -> String {
    let base: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = format!("{prefix}{base}");
    if name.len() <= 40 {
        return name;
    }
    let hash = crate::digest::sha256_hex(id.as_bytes());
    format!("{}_{}", &name[..31], &hash[..8])
}

/// The DOCX of a rendered convention (or of a redline: its `<del>`/`<ins>`
/// marks become tracked changes by `revision`).
pub fn write(markdown: &str, meta: &Meta, revision: &Revision) -> Vec<u8> {
    let blocks = blocks::read(markdown);
    let document = document_xml(&blocks, revision);
    let mut zip = ZipWriter::new();
    zip.add(
        "[Content_Types].xml",
        CONTENT_TYPES.as_bytes(),
        Method::Deflated,
    );
    zip.add("_rels/.rels", RELS.as_bytes(), Method::Deflated);
    zip.add("word/document.xml", document.as_bytes(), Method::Deflated);
    zip.add(
        "word/_rels/document.xml.rels",
        DOCUMENT_RELS.as_bytes(),
        Method::Deflated,
    );
    zip.add("word/styles.xml", STYLES.as_bytes(), Method::Deflated);
    zip.add("word/settings.xml", SETTINGS.as_bytes(), Method::Deflated);
    zip.add(
        "word/header1.xml",
        header_xml(meta).as_bytes(),
        Method::Deflated,
    );
    zip.add("word/footer1.xml", FOOTER.as_bytes(), Method::Deflated);
    zip.add(
        "docProps/core.xml",
        core_xml(meta).as_bytes(),
        Method::Deflated,
    );
    zip.add("docProps/app.xml", APP.as_bytes(), Method::Deflated);
    zip.finish()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>
"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>
"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>
"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="708"/><w:autoHyphenation/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>
"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>charta</Application></Properties>
"#;

const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> sur </w:t></w:r><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>
"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="fr-FR" w:eastAsia="fr-FR" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="480" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3A5F"/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="180"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="120"/><w:jc w:val="left"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="1F3A5F"/><w:sz w:val="25"/><w:szCs w:val="25"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="100"/><w:jc w:val="left"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="23"/><w:szCs w:val="23"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/><w:ind w:left="454" w:hanging="284"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph2"><w:name w:val="List Paragraph 2"/><w:basedOn w:val="ListParagraph"/><w:pPr><w:ind w:left="908" w:hanging="284"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListParagraph3"><w:name w:val="List Paragraph 3"/><w:basedOn w:val="ListParagraph"/><w:pPr><w:ind w:left="1362" w:hanging="284"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableHeading"><w:name w:val="Table Heading"/><w:basedOn w:val="TableText"/><w:qFormat/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Code"><w:name w:val="Code"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Rule"><w:name w:val="Horizontal Line"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="AAAAAA"/></w:pBdr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/><w:jc w:val="right"/></w:pPr><w:rPr><w:color w:val="505050"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style></w:styles>
"#;

fn header_xml(meta: &Meta) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr {W}><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p></w:hdr>
"#,
        escape(&format!("{} — Réf. {}", meta.title, meta.reference))
    )
}

fn core_xml(meta: &Meta) -> String {
    let (y, m, d) = meta.date;
    let date = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{funder}</dc:creator><cp:keywords>{reference}</cp:keywords><dc:description>{description}</dc:description><cp:lastModifiedBy>{funder}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified><dc:language>fr-FR</dc:language></cp:coreProperties>
"#,
        title = escape(&format!("{} — {}", meta.title, meta.reference)),
        subject = escape(&meta.title),
        funder = escape(&meta.funder),
        reference = escape(&meta.reference),
        description = escape(&format!(
            "{} entre {} et {}, période {}",
            meta.title, meta.funder, meta.association, meta.period
        )),
    )
}

/// Text width of a portrait and a landscape A4 page, in twentieths of a
/// point (margins 1 304 = 2.3 cm).
const PORTRAIT_WIDTH: f64 = 9298.0;
const LANDSCAPE_WIDTH: f64 = 14230.0;

fn sect_pr(landscape: bool) -> String {
    let size = if landscape {
        r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>"#
    } else {
        r#"<w:pgSz w:w="11906" w:h="16838"/>"#
    };
    format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:footerReference w:type="default" r:id="rId4"/><w:type w:val="nextPage"/>{size}<w:pgMar w:top="851" w:right="1304" w:bottom="851" w:left="1304" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>"#
    )
}

struct Writer<'a> {
    body: String,
    revision: &'a Revision,
    /// `w:id` of revisions and bookmarks (one counter: Word accepts that).
    next_id: usize,
    in_title_block: bool,
    part: String,
    landscape: bool,
    page_break: bool,
    /// A clause's bookmark, written at the start of its first paragraph.
    bookmark_start: Option<(usize, String)>,
    /// The open bookmark, closed at the end of the clause's last paragraph.
    bookmark_open: Option<usize>,
    /// Where the last `</w:p>` written starts.
    last_paragraph_end: Option<usize>,
    /// The bookmark of the part just opened, for its heading.
    part_mark: Option<String>,
}

fn document_xml(blocks: &[Block], revision: &Revision) -> String {
    let mut w = Writer {
        body: String::with_capacity(96 * 1024),
        revision,
        next_id: 0,
        in_title_block: true,
        part: String::new(),
        landscape: false,
        page_break: false,
        bookmark_start: None,
        bookmark_open: None,
        last_paragraph_end: None,
        part_mark: None,
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
            Block::Heading { level, content } => {
                let style = if *level <= 1 { "Heading1" } else { "Heading2" };
                let mark = w.part_mark.take().filter(|_| *level <= 1);
                w.heading(style, content, mark);
            }
            Block::Paragraph {
                content,
                item,
                code,
            } => w.body_paragraph(content, item.as_ref(), *code),
            Block::Table(t) => w.table(t),
            Block::Rule => w.paragraph("Rule", &Vec::new(), None),
        }
    }
    w.close_bookmark();
    // A bookmark announced but never placed (a clause without text) still marks its place.
    if let Some((id, name)) = w.bookmark_start.take() {
        let _ = write!(
            w.body,
            r#"<w:p><w:bookmarkStart w:id="{id}" w:name="{name}"/><w:bookmarkEnd w:id="{id}"/></w:p>"#
        );
    }
    let last = sect_pr(w.landscape);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>{body}{last}</w:body></w:document>
"#,
        body = w.body
    )
}

impl Writer<'_> {
    /// A part opens: the section break around the landscape dashboard, the
    /// page break before an annex, the bookmark of its heading.
    fn open_part(&mut self, id: &str, kind: PartKind) {
        self.close_bookmark();
        self.in_title_block = false;
        let dashboard = id == DASHBOARD_PART;
        if dashboard && !self.landscape {
            // Ends the portrait section; the landscape one starts a page.
            self.section_break(false);
        } else if self.landscape && !dashboard {
            self.section_break(true);
        }
        self.page_break = kind == PartKind::Annex && !dashboard && !self.landscape;
        self.landscape = dashboard;
        self.part = id.to_string();
        self.part_mark = Some(part_bookmark_name(id));
    }

    /// A clause opens: its bookmark (read back by `charta diff`) waits for
    /// its first paragraph.
    fn open_clause(&mut self, id: &str) {
        self.close_bookmark();
        self.part_mark = None;
        self.next_id += 1;
        self.bookmark_start = Some((self.next_id, bookmark_name(id)));
    }

    fn body_paragraph(&mut self, content: &Line, item: Option<&blocks::Item>, code: bool) {
        let style = if code {
            "Code"
        } else if let Some(item) = item {
            ["ListParagraph", "ListParagraph2", "ListParagraph3"][item.depth.clamp(1, 3) - 1]
        } else if self.in_title_block {
            "Subtitle"
        } else {
            "Normal"
        };
        let label = item.and_then(|i| i.label.clone());
        self.paragraph(style, content, label.as_deref());
    }

    /// An empty paragraph that ends the current section (portrait or landscape).
    fn section_break(&mut self, landscape: bool) {
        self.close_bookmark();
        let _ = write!(
            self.body,
            "<w:p><w:pPr>{}</w:pPr></w:p>",
            sect_pr(landscape)
        );
    }

    fn close_bookmark(&mut self) {
        if let Some((id, name)) = self.bookmark_start.take() {
            // The clause had no paragraph: an empty one holds its bookmark.
            let _ = write!(
                self.body,
                r#"<w:p><w:bookmarkStart w:id="{id}" w:name="{name}"/><w:bookmarkEnd w:id="{id}"/></w:p>"#
            );
            return;
        }
        if let Some(id) = self.bookmark_open.take() {
            let mark = format!(r#"<w:bookmarkEnd w:id="{id}"/>"#);
            match self.last_paragraph_end {
                Some(at) => self.body.insert_str(at, &mark),
                None => {
                    let _ = write!(self.body, "<w:p>{mark}</w:p>");
                }
            }
        }
    }

    fn open_paragraph(&mut self, style: &str, jc: Option<&str>) {
        self.body.push_str("<w:p><w:pPr>");
        let _ = write!(self.body, r#"<w:pStyle w:val="{style}"/>"#);
        if std::mem::take(&mut self.page_break) {
            self.body.push_str("<w:pageBreakBefore/>");
        }
        if let Some(jc) = jc {
            let _ = write!(self.body, r#"<w:jc w:val="{jc}"/>"#);
        }
        self.body.push_str("</w:pPr>");
        if let Some((id, name)) = self.bookmark_start.take() {
            let _ = write!(
                self.body,
                r#"<w:bookmarkStart w:id="{id}" w:name="{name}"/>"#
            );
            self.bookmark_open = Some(id);
        }
    }

    fn close_paragraph(&mut self) {
        self.last_paragraph_end = Some(self.body.len());
        self.body.push_str("</w:p>");
    }

    /// A heading; a part's carries the part's bookmark (`mark`), an empty
    /// one at its start.
    fn heading(&mut self, style: &str, line: &Line, mark: Option<String>) {
        self.open_paragraph(style, None);
        if let Some(name) = mark {
            self.next_id += 1;
            let id = self.next_id;
            let _ = write!(
                self.body,
                r#"<w:bookmarkStart w:id="{id}" w:name="{name}"/><w:bookmarkEnd w:id="{id}"/>"#
            );
        }
        self.inlines(line);
        self.close_paragraph();
    }

    fn paragraph(&mut self, style: &str, line: &Line, label: Option<&str>) {
        self.open_paragraph(style, None);
        if let Some(label) = label {
            if blocks::all_deleted(line) {
                // A list item deleted whole: its label goes with it.
                self.revision_open("del");
                let deleted = Style {
                    mark: Some(Mark::Deleted),
                    ..Style::default()
                };
                self.run(&format!("{label}\t"), deleted);
                self.body.push_str("</w:del>");
            } else {
                self.run(label, Style::default());
                self.body.push_str("<w:r><w:tab/></w:r>");
            }
        }
        self.inlines(line);
        self.close_paragraph();
    }

    fn inlines(&mut self, line: &Line) {
        for i in line {
            match i {
                Inline::Text(text, style) => match style.mark {
                    None => self.run(text, *style),
                    Some(mark) => {
                        let tag = if mark == Mark::Inserted { "ins" } else { "del" };
                        self.revision_open(tag);
                        self.run(text, *style);
                        let _ = write!(self.body, "</w:{tag}>");
                    }
                },
                Inline::Break(None) => self.body.push_str("<w:r><w:br/></w:r>"),
                Inline::Break(Some(mark)) => {
                    let tag = if mark == &Mark::Inserted {
                        "ins"
                    } else {
                        "del"
                    };
                    self.revision_open(tag);
                    self.body.push_str("<w:r><w:br/></w:r>");
                    let _ = write!(self.body, "</w:{tag}>");
                }
            }
        }
    }

    fn revision_open(&mut self, tag: &str) {
        self.next_id += 1;
        let _ = write!(self.body, r#"<w:{tag} w:id="{}" w:author=""#, self.next_id);
        escape_into(&mut self.body, &self.revision.author);
        let _ = write!(self.body, r#"" w:date="{}Z">"#, self.revision.datetime());
    }

    /// One run; text inside `w:del` goes in `w:delText`.
    fn run(&mut self, text: &str, style: Style) {
        self.body.push_str("<w:r>");
        if style.bold || style.italic || style.code {
            self.body.push_str("<w:rPr>");
            if style.code {
                self.body.push_str(
                    r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>"#,
                );
            }
            if style.bold {
                self.body.push_str("<w:b/><w:bCs/>");
            }
            if style.italic {
                self.body.push_str("<w:i/><w:iCs/>");
            }
            self.body.push_str("</w:rPr>");
        }
        let t = if style.mark == Some(Mark::Deleted) {
            "w:delText"
        } else {
            "w:t"
        };
        let mut piece = String::new();
        let flush = |body: &mut String, piece: &mut String| {
            if !piece.is_empty() {
                let _ = write!(body, r#"<{t} xml:space="preserve">"#);
                escape_into(body, piece);
                let _ = write!(body, "</{t}>");
                piece.clear();
            }
        };
        for c in text.chars() {
            match c {
                '\t' => {
                    flush(&mut self.body, &mut piece);
                    self.body.push_str("<w:tab/>");
                }
                '\n' | '\r' => {
                    flush(&mut self.body, &mut piece);
                    self.body.push_str("<w:br/>");
                }
                c => piece.push(c),
            }
        }
        flush(&mut self.body, &mut piece);
        self.body.push_str("</w:r>");
    }

    fn table(&mut self, t: &Table) {
        let page = if self.landscape {
            LANDSCAPE_WIDTH
        } else {
            PORTRAIT_WIDTH
        };
        // An average character of table text (9.5 pt serif) is about 95 twips.
        let widths: Vec<u32> = t
            .widths(page / 95.0)
            .iter()
            .map(|s| (s * page).round() as u32)
            .collect();
        let bare = self.part == SIGNATURE_PART;
        self.body
            .push_str(r#"<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/>"#);
        if !bare {
            self.body.push_str("<w:tblBorders>");
            for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
                let _ = write!(
                    self.body,
                    r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="AAAAAA"/>"#
                );
            }
            self.body.push_str("</w:tblBorders>");
        }
        self.body.push_str(r#"<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>"#);
        for w in &widths {
            let _ = write!(self.body, r#"<w:gridCol w:w="{w}"/>"#);
        }
        self.body.push_str("</w:tblGrid>");
        self.row(&t.head, &t.align, &widths, true, bare);
        for r in &t.rows {
            self.row(r, &t.align, &widths, false, bare);
        }
        self.body.push_str("</w:tbl>");
    }

    fn row(&mut self, cells: &[Line], align: &[Align], widths: &[u32], head: bool, bare: bool) {
        self.body.push_str("<w:tr>");
        if head {
            self.body.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        for (c, cell) in cells.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(1000);
            let _ = write!(
                self.body,
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>"#
            );
            if head && !bare {
                self.body
                    .push_str(r#"<w:shd w:val="clear" w:color="auto" w:fill="E4E9F0"/>"#);
            }
            self.body.push_str("</w:tcPr>");
            let (style, jc) = if head && !bare {
                ("TableHeading", None)
            } else {
                let jc = match align.get(c) {
                    Some(Align::Right) => Some("right"),
                    Some(Align::Center) => Some("center"),
                    _ => None,
                };
                ("TableText", jc)
            };
            self.open_paragraph(style, jc);
            self.inlines(cell);
            self.close_paragraph();
            self.body.push_str("</w:tc>");
        }
        self.body.push_str("</w:tr>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmark_names_are_valid_for_word() {
        assert_eq!(bookmark_name("objet"), "c_objet");
        assert_eq!(bookmark_name("a-b#2"), "c_a_b_2");
        let long = bookmark_name("association-transparence-financiere-et-controle");
        assert_eq!(long.len(), 40);
        assert_ne!(
            long,
            bookmark_name("association-transparence-financiere-et-controle-2")
        );
    }

    #[test]
    fn runs_keep_tabs_breaks_and_escape() {
        let rev = Revision {
            author: "A".into(),
            date: (2026, 1, 2),
        };
        let mut w = Writer {
            body: String::new(),
            revision: &rev,
            next_id: 0,
            in_title_block: false,
            part: String::new(),
            landscape: false,
            page_break: false,
            bookmark_start: None,
            bookmark_open: None,
            last_paragraph_end: None,
            part_mark: None,
        };
        w.run("a\tb\n<c>", Style::default());
        assert_eq!(
            w.body,
            r#"<w:r><w:t xml:space="preserve">a</w:t><w:tab/><w:t xml:space="preserve">b</w:t><w:br/><w:t xml:space="preserve">&lt;c&gt;</w:t></w:r>"#
        );
    }
}
