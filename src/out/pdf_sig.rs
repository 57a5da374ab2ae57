//! The structure of a signed PDF, read without a PDF library: its revisions
//! (each incremental update ends with `startxref`, an offset and `%%EOF`),
//! its signature dictionaries (`/ByteRange`, `/Contents`, `/M`, `/Name`) and
//! the names of their fields. Only what `charta verify` needs: a small
//! tokenizer of PDF objects, no stream is decoded. A signature dictionary
//! lies outside object streams (its byte range points into the file), so
//! reading the file's bytes finds each one; a field's name inside a
//! compressed object stream is not found (the field is then unnamed).

use regex::bytes::Regex;
use std::sync::LazyLock;

/// One signature dictionary found in the file.
#[derive(Debug, Clone)]
pub struct SigDict {
    /// Its object number, when it is an indirect object.
    pub object: Option<(u32, u16)>,
    /// The name of its field (`/T`), when found.
    pub field: Option<String>,
    /// `/ByteRange [a b c d]`.
    pub byte_range: [usize; 4],
    /// Offsets of the `/Contents` hex string, `<` to `>` included.
    pub contents_span: (usize, usize),
    /// The bytes of `/Contents` (the CMS object, zero-padded).
    pub contents: Vec<u8>,
    /// `/M`, the signing time the PDF states (a PDF date).
    pub m: Option<String>,
    /// `/Name`, the signer's name the PDF states.
    pub name: Option<String>,
    /// `/SubFilter` (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`…).
    pub sub_filter: Option<String>,
}

/// The end offsets of the revisions of `pdf`: after each `%%EOF` that
/// follows a `startxref` and its offset, and the end of line after it.
pub fn revisions(pdf: &[u8]) -> Vec<usize> {
    static EOF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"startxref[\r\n ]+[0-9]+[\r\n ]+%%EOF(\r\n|\r|\n)?").expect("regex")
    });
    EOF.find_iter(pdf).map(|m| m.end()).collect()
}

/// The offset just after `%%EOF` of a revision ending at `end` (its end
/// without the end of line).
pub fn without_eol(pdf: &[u8], end: usize) -> usize {
    let mut e = end;
    while e > 0 && matches!(pdf[e - 1], b'\r' | b'\n') {
        e -= 1;
    }
    e
}

/// The permanent part of the document identifier (`/ID [<…> <…>]`) of the
/// last trailer before `end`, in lower-case hex.
pub fn permanent_id(pdf: &[u8], end: usize) -> Option<String> {
    let head = &pdf[..end.min(pdf.len())];
    let at = memchr::memmem::rfind(head, b"/ID")?;
    let mut p = Parser {
        b: head,
        pos: at + 3,
    };
    let Some(Value::Array(items)) = p.value(0) else {
        return None;
    };
    match items.first() {
        Some(Value::Str(bytes, _)) => Some(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        _ => None,
    }
}

/// Every signature dictionary of `pdf`, in the order of the file.
pub fn signatures(pdf: &[u8]) -> Vec<SigDict> {
    static OBJ: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\d+)\s+(\d+)\s+obj\b").expect("regex"));
    let mut found: Vec<SigDict> = Vec::new();
    let mut seen = Vec::new();
    for at in find_all(pdf, b"/ByteRange") {
        // The object around it: the last `N G obj` before it.
        let Some(obj) = OBJ.captures_iter(&pdf[..at]).last() else {
            continue;
        };
        let whole = obj.get(0).expect("match");
        if seen.contains(&whole.start()) {
            continue;
        }
        seen.push(whole.start());
        let num = std::str::from_utf8(&obj[1])
            .ok()
            .and_then(|s| s.parse().ok());
        let gen_ = std::str::from_utf8(&obj[2])
            .ok()
            .and_then(|s| s.parse().ok());
        let mut p = Parser {
            b: pdf,
            pos: whole.end(),
        };
        let Some(value) = p.value(0) else {
            continue;
        };
        let object = num.zip(gen_);
        collect(&value, object, None, &mut found);
    }
    for s in &mut found {
        if s.field.is_none()
            && let Some((n, g)) = s.object
        {
            s.field = field_of(pdf, n, g);
        }
    }
    found
}

/// The signature dictionaries in `v` (a dictionary with `/ByteRange`),
/// `field`: the `/T` of the dictionary that holds it directly.
fn collect(v: &Value, object: Option<(u32, u16)>, field: Option<String>, out: &mut Vec<SigDict>) {
    let Value::Dict(entries) = v else {
        return;
    };
    if let Some(sig) = sig_dict(entries, object, field) {
        out.push(sig);
        return;
    }
    let t = get(entries, b"T").and_then(Value::text);
    for (_, value) in entries {
        collect(value, None, t.clone(), out);
    }
}

fn sig_dict(
    entries: &[(Vec<u8>, Value)],
    object: Option<(u32, u16)>,
    field: Option<String>,
) -> Option<SigDict> {
    let Some(Value::Array(range)) = get(entries, b"ByteRange") else {
        return None;
    };
    let nums: Vec<usize> = range
        .iter()
        .filter_map(|v| match v {
            Value::Int(i) => usize::try_from(*i).ok(),
            _ => None,
        })
        .collect();
    let byte_range = match nums.as_slice() {
        [a, b, c, d] if range.len() == 4 => [*a, *b, *c, *d],
        _ => [usize::MAX; 4],
    };
    let (contents, contents_span) = match get(entries, b"Contents") {
        Some(Value::Str(bytes, span)) => (bytes.clone(), *span),
        _ => (Vec::new(), (0, 0)),
    };
    Some(SigDict {
        object,
        field,
        byte_range,
        contents_span,
        contents,
        m: get(entries, b"M").and_then(Value::text),
        name: get(entries, b"Name").and_then(Value::text),
        sub_filter: match get(entries, b"SubFilter") {
            Some(Value::Name(n)) => Some(String::from_utf8_lossy(n).into_owned()),
            _ => None,
        },
    })
}

/// The `/T` of the field whose value is signature object `n g`.
fn field_of(pdf: &[u8], n: u32, g: u16) -> Option<String> {
    let re = Regex::new(&format!(r"/V\s*{n}\s+{g}\s+R")).ok()?;
    static OBJ: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\d+\s+\d+\s+obj\b").expect("regex"));
    for m in re.find_iter(pdf) {
        let Some(obj) = OBJ.find_iter(&pdf[..m.start()]).last() else {
            continue;
        };
        let mut p = Parser {
            b: pdf,
            pos: obj.end(),
        };
        if let Some(Value::Dict(entries)) = p.value(0)
            && let Some(t) = get(&entries, b"T").and_then(Value::text)
        {
            return Some(t);
        }
    }
    None
}

fn get<'v>(entries: &'v [(Vec<u8>, Value)], key: &[u8]) -> Option<&'v Value> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&hay[from..], needle) {
        out.push(from + i);
        from += i + needle.len();
    }
    out
}

/// A PDF object, as far as this module reads one.
#[derive(Debug, Clone)]
enum Value {
    Dict(Vec<(Vec<u8>, Value)>),
    Array(Vec<Value>),
    Name(Vec<u8>),
    /// A string's bytes and the offsets of its delimiters (`(`…`)`, `<`…`>`).
    Str(Vec<u8>, (usize, usize)),
    Int(i64),
    Other,
}

impl Value {
    /// A text string: UTF-16BE with its mark, else PDFDocEncoding (read as Latin-1).
    fn text(&self) -> Option<String> {
        let Value::Str(b, _) = self else {
            return None;
        };
        if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            return Some(String::from_utf16_lossy(&units));
        }
        if let Ok(s) = std::str::from_utf8(b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b)) {
            return Some(s.to_string());
        }
        Some(b.iter().map(|&c| char::from(c)).collect())
    }
}

/// The tokenizer: enough for dictionaries, arrays, names, strings, numbers
/// and references; a stream's data is never read (a signature dictionary has none).
struct Parser<'b> {
    b: &'b [u8],
    pos: usize,
}

const MAX_DEPTH: usize = 32;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'%' {
                while self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
                    self.pos += 1;
                }
            } else if matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | 0) {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'<' if self.b.get(self.pos + 1) == Some(&b'<') => self.dict(depth),
            b'<' => self.hex(),
            b'(' => self.literal(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'/' => Some(Value::Name(self.name())),
            c if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => Some(self.number()),
            _ => {
                // true, false, null, R, or something this module does not read.
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                (self.pos > start).then_some(Value::Other)
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Option<Value> {
        self.pos += 2;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            if self.b.get(self.pos..self.pos + 2)? == b">>" {
                self.pos += 2;
                return Some(Value::Dict(entries));
            }
            if self.peek()? != b'/' {
                return None;
            }
            let key = self.name();
            let value = self.value(depth + 1)?;
            // `N G R`: a reference is read as two numbers and `R`.
            if let Value::Int(_) = value {
                let save = self.pos;
                self.skip_ws();
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    let _ = self.number();
                    self.skip_ws();
                    if self.peek() == Some(b'R') {
                        self.pos += 1;
                        entries.push((key, Value::Other));
                        continue;
                    }
                }
                self.pos = save;
            }
            entries.push((key, value));
        }
    }

    fn name(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() || b"/<>[]()%{}".contains(&c) || c == 0 {
                break;
            }
            if c == b'#'
                && let Some(h) = self.b.get(self.pos + 1..self.pos + 3)
                && let Ok(v) = u8::from_str_radix(&String::from_utf8_lossy(h), 16)
            {
                out.push(v);
                self.pos += 3;
                continue;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn number(&mut self) -> Value {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || b"+-.".contains(&c))
        {
            self.pos += 1;
        }
        let s = String::from_utf8_lossy(&self.b[start..self.pos]);
        s.parse::<i64>().map(Value::Int).unwrap_or(Value::Other)
    }

    fn hex(&mut self) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut digits = Vec::new();
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'>' => break,
                c if c.is_ascii_hexdigit() => digits.push(c),
                c if c.is_ascii_whitespace() => {}
                _ => return None,
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(b'0');
        }
        let bytes = digits
            .chunks_exact(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap_or("00"), 16).unwrap_or(0))
            .collect();
        Some(Value::Str(bytes, (start, self.pos)))
    }

    fn literal(&mut self) -> Option<Value> {
        let start = self.pos;
        self.pos += 1;
        let (mut out, mut depth) = (Vec::new(), 1usize);
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(Value::Str(out, (start, self.pos)));
                    }
                    out.push(c);
                }
                b'\\' => self.escape(&mut out)?,
                _ => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xFF) as u8);
            }
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_dictionary_is_read_with_its_field() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /FT /Sig /T (signature-1) /V 2 0 R >>\nendobj\n\
2 0 obj\n<< /Type /Sig /ByteRange [0 10 20 5] /Contents <3082> /M (D\\07220261207142601Z) \
/Name (Camille) /Prop_Build << /App << /Name /pyHanko >> >> >>\nendobj\n\
startxref\n9\n%%EOF\n";
        let sigs = signatures(pdf);
        assert_eq!(sigs.len(), 1);
        let s = &sigs[0];
        assert_eq!(s.byte_range, [0, 10, 20, 5]);
        assert_eq!(s.contents, vec![0x30, 0x82]);
        assert_eq!(s.m.as_deref(), Some("D:20261207142601Z"));
        assert_eq!(s.name.as_deref(), Some("Camille"));
        assert_eq!(s.field.as_deref(), Some("signature-1"));
        assert_eq!(s.object, Some((2, 0)));
        assert_eq!(revisions(pdf), vec![pdf.len()]);
    }
}
