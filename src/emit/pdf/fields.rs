//! Signature-ready PDFs (`[signature]` of `charta.toml`): the positioning
//! tags printed by the layout, and empty signature fields added to Typst's
//! PDF as an *incremental update*.
//!
//! Typst writes no form fields. The fields are appended after Typst's bytes,
//! which stay untouched (its PDF/A-2b output, its XMP, its `/ID`): one widget
//! (merged with its field, `/FT /Sig`, `/F 4`, an appearance with only `/N`,
//! an empty form XObject) per signature block, the page that holds them
//! rewritten with `/Annots`, the catalog with `/AcroForm` (`/Fields`, no
//! `/NeedAppearances`, no `/SigFlags`: the fields are empty), a new xref
//! section whose trailer points to the previous one (`/Prev`) and keeps the
//! same `/ID`. Deterministic: the same PDF and positions give the same bytes.
//!
//! Typst's PDF (typst-pdf 0.15) has a classic cross-reference table, no
//! object streams and a flat page tree; anything else is refused with a
//! reason, not guessed at.

use serde::Serialize;

use crate::model::{Anchors, SignatureConfig};

/// Yousign's smart anchor size, in its pixels (minimum 85 × 37; a signature
/// is drawn at 2.3:1).
const YOUSIGN_SIZE: &str = "184|80";

/// What the layout prints and the PDF carries for a signature desk: handed
/// to the layout as `signing` in `/meta.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signing {
    /// The tag of signatory n is `prefix`, n, `suffix` (`#signature%` 1 `#`).
    pub anchor: Option<(String, String)>,
    /// Empty signature fields over the blocks.
    pub fields: bool,
}

impl Signing {
    pub fn new(config: &SignatureConfig) -> Signing {
        let anchor = match config.anchors {
            Anchors::None => None,
            Anchors::Iparapheur => Some(("#signature%".to_string(), "#".to_string())),
            Anchors::Yousign => Some(("{{s".to_string(), format!("|signature|{YOUSIGN_SIZE}}}}}"))),
        };
        Signing {
            anchor,
            fields: config.fields,
        }
    }

    /// The tag of the `n`-th signatory (from 1).
    pub fn anchor(&self, n: usize) -> Option<String> {
        self.anchor.as_ref().map(|(p, s)| format!("{p}{n}{s}"))
    }
}

/// One signature block as laid out: signatory `n` (from 1), its page (from
/// 1) and its box in PDF points from the page's top left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldBox {
    pub n: usize,
    pub page: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The page's height, to turn Typst's top-left origin into PDF's bottom-left.
    pub page_height: f64,
}

/// An object of the PDF: its number and the bytes between `obj` and `endobj`.
struct Object<'a> {
    number: u32,
    body: &'a [u8],
}

/// The PDF as Typst wrote it: its xref offsets and trailer.
struct Parsed<'a> {
    pdf: &'a [u8],
    /// Offset of each object by number (0: free).
    offsets: Vec<usize>,
    trailer: &'a str,
    startxref: usize,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

impl<'a> Parsed<'a> {
    fn read(pdf: &'a [u8]) -> Result<Parsed<'a>, String> {
        let sx = rfind(pdf, b"startxref").ok_or("no startxref")?;
        let tail = std::str::from_utf8(&pdf[sx + 9..]).map_err(|_| "startxref not text")?;
        let startxref: usize = tail
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or("startxref without offset")?;
        let xref = pdf.get(startxref..).ok_or("startxref out of the file")?;
        if !xref.starts_with(b"xref") {
            return Err("not a classic cross-reference table (xref stream?)".into());
        }
        let tr = find(pdf, b"trailer", startxref).ok_or("no trailer")?;
        let table = std::str::from_utf8(&pdf[startxref + 4..tr]).map_err(|_| "xref not text")?;
        let mut offsets = Vec::new();
        let mut lines = table.lines().map(str::trim).filter(|l| !l.is_empty());
        while let Some(head) = lines.next() {
            let mut h = head.split_whitespace();
            let (Some(start), Some(count)) = (h.next(), h.next()) else {
                return Err(format!("bad xref subsection `{head}`"));
            };
            let start: usize = start.parse().map_err(|_| "bad xref start")?;
            let count: usize = count.parse().map_err(|_| "bad xref count")?;
            if offsets.len() < start + count {
                offsets.resize(start + count, 0);
            }
            for i in 0..count {
                let entry = lines.next().ok_or("xref too short")?;
                let mut e = entry.split_whitespace();
                let offset: usize = e
                    .next()
                    .and_then(|o| o.parse().ok())
                    .ok_or("bad xref entry")?;
                offsets[start + i] = if entry.ends_with('n') { offset } else { 0 };
            }
        }
        let end = find(pdf, b"startxref", tr).ok_or("no startxref after the trailer")?;
        let trailer = std::str::from_utf8(&pdf[tr + 7..end]).map_err(|_| "trailer not text")?;
        if trailer.contains("/Prev") || trailer.contains("/Encrypt") {
            return Err("already updated or encrypted".into());
        }
        Ok(Parsed {
            pdf,
            offsets,
            trailer: trailer.trim(),
            startxref,
        })
    }

    fn object(&self, number: u32) -> Result<Object<'a>, String> {
        let at = *self
            .offsets
            .get(number as usize)
            .filter(|o| **o > 0)
            .ok_or_else(|| format!("object {number} not in the xref"))?;
        let head = format!("{number} 0 obj");
        if !self.pdf[at..].starts_with(head.as_bytes()) {
            return Err(format!("object {number} not at its offset"));
        }
        let start = at + head.len();
        let end = find(self.pdf, b"endobj", start).ok_or("object without endobj")?;
        Ok(Object {
            number,
            body: &self.pdf[start..end],
        })
    }

    /// The value of `/Key N 0 R` in the trailer.
    fn trailer_ref(&self, key: &str) -> Result<u32, String> {
        reference(self.trailer.as_bytes(), key).ok_or_else(|| format!("no {key} in the trailer"))
    }
}

/// `N` of `/Key N 0 R` in a dictionary's text (its first occurrence).
fn reference(dict: &[u8], key: &str) -> Option<u32> {
    let text = std::str::from_utf8(dict).ok()?;
    let at = text.find(&format!("{key} "))?;
    let rest = &text[at + key.len()..];
    let mut parts = rest.split_whitespace();
    let n = parts.next()?.parse().ok()?;
    (parts.next()? == "0" && parts.next()?.starts_with('R')).then_some(n)
}

/// The numbers of the page objects, in order (a flat or nested page tree).
fn pages(p: &Parsed, node: u32, out: &mut Vec<u32>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err("page tree too deep".into());
    }
    let obj = p.object(node)?;
    let text = String::from_utf8_lossy(obj.body);
    if !text.contains("/Type/Pages") && !text.contains("/Type /Pages") {
        out.push(node);
        return Ok(());
    }
    let kids = text.find("/Kids").ok_or("page tree node without /Kids")?;
    let open = text[kids..].find('[').ok_or("/Kids not an array")? + kids;
    let close = text[open..].find(']').ok_or("/Kids not closed")? + open;
    let nums: Vec<&str> = text[open + 1..close].split_whitespace().collect();
    for triple in nums.chunks(3) {
        let n: u32 = triple[0].parse().map_err(|_| "bad /Kids entry")?;
        pages(p, n, out, depth + 1)?;
    }
    Ok(())
}

/// `body` (`<<…>>`, with whatever follows inside `obj … endobj`) with
/// `entry` added to its outer dictionary, or appended to its array `key`
/// (`/Annots[…]`) when it has one.
fn with_entry(body: &[u8], key: &str, items: &str, entry: &str) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "object not text")?;
    let close = text.rfind(">>").ok_or("object is not a dictionary")?;
    if text.contains("stream") {
        return Err("object is a stream".into());
    }
    if let Some(at) = text.find(key) {
        let rest = text[at + key.len()..].trim_start();
        if !rest.starts_with('[') {
            return Err(format!("{key} is not a direct array"));
        }
        let open = text[at..].find('[').map(|o| o + at).ok_or("no [")?;
        let end = text[open..].find(']').map(|o| o + open).ok_or("no ]")?;
        return Ok(format!("{} {items}{}", &text[..end], &text[end..]).into_bytes());
    }
    Ok(format!("{}{entry}{}", &text[..close], &text[close..]).into_bytes())
}

/// Typst's `pdf` with one empty signature field per box of `boxes`, named
/// `signature-<n>`, as an incremental update; `pdf` itself when `boxes` is
/// empty (a consolidated version has no signature block to sign).
pub fn add_fields(pdf: &[u8], boxes: &[FieldBox]) -> Result<Vec<u8>, String> {
    if boxes.is_empty() {
        return Ok(pdf.to_vec());
    }
    let p = Parsed::read(pdf)?;
    let root = p.trailer_ref("/Root")?;
    let catalog = p.object(root)?;
    if find(catalog.body, b"/AcroForm", 0).is_some() {
        return Err("the PDF already has a form".into());
    }
    let tree = reference(catalog.body, "/Pages").ok_or("catalog without /Pages")?;
    let mut page_ids = Vec::new();
    pages(&p, tree, &mut page_ids, 0)?;
    let mut next = u32::try_from(p.offsets.len()).map_err(|_| "too many objects")?;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut written: Vec<(u32, usize)> = Vec::new();
    let mut write = |out: &mut Vec<u8>, number: u32, body: &[u8]| {
        written.push((number, out.len()));
        out.extend_from_slice(format!("{number} 0 obj").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"endobj\n");
    };
    let mut fields = Vec::new();
    let mut annots: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    let mut ordered: Vec<&FieldBox> = boxes.iter().collect();
    ordered.sort_by_key(|b| b.n);
    for b in ordered {
        let page = *page_ids
            .get(b.page.wrapping_sub(1))
            .ok_or_else(|| format!("field on page {} of {}", b.page, page_ids.len()))?;
        let (field, appearance) = (next, next + 1);
        next += 2;
        let (w, h) = (pt(b.width), pt(b.height));
        let (x1, y2) = (b.x, b.page_height - b.y);
        let rect = format!(
            "{} {} {} {}",
            pt(x1),
            pt(y2 - b.height),
            pt(x1 + b.width),
            pt(y2)
        );
        let widget = format!(
            "\n<</Type/Annot/Subtype/Widget/FT/Sig/T(signature-{})/F 4/Rect[{rect}]/P {page} 0 R/AP<</N {appearance} 0 R>>>>\n",
            b.n
        );
        write(&mut out, field, widget.as_bytes());
        let xobject = format!(
            "\n<</Type/XObject/Subtype/Form/BBox[0 0 {w} {h}]/Resources<<>>/Length 0>>\nstream\n\nendstream\n"
        );
        write(&mut out, appearance, xobject.as_bytes());
        fields.push(field);
        annots.entry(page).or_default().push(field);
    }
    for (page, list) in &annots {
        let refs: Vec<String> = list.iter().map(|n| format!("{n} 0 R")).collect();
        let refs = refs.join(" ");
        let body = p.object(*page)?.body;
        let body = with_entry(body, "/Annots", &refs, &format!("/Annots[{refs}]"))?;
        write(&mut out, *page, &body);
    }
    let refs: Vec<String> = fields.iter().map(|n| format!("{n} 0 R")).collect();
    let acro = format!("/AcroForm<</Fields[{}]>>", refs.join(" "));
    let body = with_entry(catalog.body, "/AcroForm", "", &acro)?;
    write(&mut out, catalog.number, &body);
    xref_and_trailer(&mut out, &p, written, next)?;
    Ok(out)
}

/// The new xref section (one subsection per run of consecutive numbers)
/// and the trailer, which keeps `/Root`, `/Info` and `/ID` and adds `/Prev`.
fn xref_and_trailer(
    out: &mut Vec<u8>,
    p: &Parsed,
    mut written: Vec<(u32, usize)>,
    size: u32,
) -> Result<(), String> {
    written.sort_unstable();
    let startxref = out.len();
    let mut text = String::from("xref\n0 1\n0000000000 65535 f \n");
    let mut i = 0;
    while i < written.len() {
        let mut j = i + 1;
        while j < written.len() && written[j].0 == written[j - 1].0 + 1 {
            j += 1;
        }
        text.push_str(&format!("{} {}\n", written[i].0, j - i));
        for (_, offset) in &written[i..j] {
            text.push_str(&format!("{offset:010} 00000 n \n"));
        }
        i = j;
    }
    let inner = p
        .trailer
        .strip_prefix("<<")
        .and_then(|t| t.strip_suffix(">>"))
        .ok_or("trailer is not a dictionary")?;
    let size_at = inner.find("/Size").ok_or("trailer without /Size")?;
    let after: String = inner[size_at + 5..]
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let kept = format!("{}/Size {size}{after}", &inner[..size_at]);
    text.push_str(&format!(
        "trailer\n<<{kept}/Prev {}>>\nstartxref\n{startxref}\n%%EOF\n",
        p.startxref
    ));
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// A number of points as PDF writes it: at most two decimals, no trailing zeros.
fn pt(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_short() {
        assert_eq!(pt(12.0), "12");
        assert_eq!(pt(12.345), "12.35");
        assert_eq!(pt(-0.001), "0");
    }

    #[test]
    fn anchors_in_signing_order() {
        let c = |anchors| SignatureConfig {
            anchors,
            fields: false,
        };
        let ip = Signing::new(&c(Anchors::Iparapheur));
        assert_eq!(ip.anchor(2).as_deref(), Some("#signature%2#"));
        let ys = Signing::new(&c(Anchors::Yousign));
        assert_eq!(ys.anchor(1).as_deref(), Some("{{s1|signature|184|80}}"));
        assert_eq!(Signing::new(&c(Anchors::None)).anchor(1), None);
    }
}
