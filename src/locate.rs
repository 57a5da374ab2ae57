//! Where a JSON path is in a JSON text: `convention.funding.2027` or
//! `dashboard.objectives[0].indicators[1].targets` → the byte offset of the key
//! and of the value, so that every diagnostic can say file:line:column.
//!
//! A small scanner over the source text, nothing else: it never builds values,
//! never judges the data (that is `check`) and never panics on malformed text
//! (it answers `None`). It also finds keys written twice in one object, which
//! `serde_json` silently collapses.

use std::fmt;

/// One step of a JSON path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the document root, printed `a.b[0].c` (the format of `Diagnostic::path`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JsonPath(pub Vec<Seg>);

impl JsonPath {
    pub fn root() -> Self {
        JsonPath(Vec::new())
    }

    /// This path followed by an object key.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        JsonPath(v)
    }

    /// This path followed by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        JsonPath(v)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path without its last step.
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(JsonPath(rest.to_vec()))
    }

    /// The last key of the path, if it ends with a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// True if `self` is `other` or one of its ancestors.
    pub fn is_prefix_of(&self, other: &JsonPath) -> bool {
        other.0.len() >= self.0.len() && other.0[..self.0.len()] == self.0[..]
    }

    /// Parses the printed form back (`a.b[0]["x.y"]`). Keys made of digits stay keys:
    /// only `[n]` is an index.
    pub fn parse(s: &str) -> Option<Self> {
        let mut segs = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        let mut expect_key = true;
        while i < b.len() {
            match b[i] {
                b'.' => {
                    i += 1;
                    expect_key = true;
                }
                b'[' if b.get(i + 1) == Some(&b'"') => {
                    // A quoted key: up to the first `"]` whose quote is not escaped.
                    let mut j = i + 2;
                    let close = loop {
                        let k = s[j..].find("\"]")? + j;
                        if b[k - 1] != b'\\' || k == i + 2 {
                            break k;
                        }
                        j = k + 1;
                    };
                    segs.push(Seg::Key(s[i + 2..close].replace("\\\"", "\"")));
                    i = close + 2;
                    expect_key = false;
                }
                b'[' => {
                    let close = s[i..].find(']')? + i;
                    segs.push(Seg::Index(s[i + 1..close].parse().ok()?));
                    i = close + 1;
                    expect_key = false;
                }
                _ if expect_key => {
                    let end = s[i..].find(['.', '[']).map(|k| k + i).unwrap_or(s.len());
                    segs.push(Seg::Key(s[i..end].to_string()));
                    i = end;
                    expect_key = false;
                }
                _ => return None,
            }
        }
        Some(JsonPath(segs))
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if k.is_empty() || k.contains(['.', '[', ']', '"']) => {
                    write!(f, "[\"{}\"]", k.replace('"', "\\\""))?
                }
                Seg::Key(k) if n == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// Where a value is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the opening quote of its key, when the value is an object member.
    pub key: Option<usize>,
    /// Byte offset of the first byte of the value.
    pub value: usize,
    /// Byte offset just after the value.
    pub end: usize,
}

impl Span {
    /// The key if there is one, else the value: where a caret should point.
    pub fn start(&self) -> usize {
        self.key.unwrap_or(self.value)
    }
}

/// Finds `path` in `text`; `None` if the text does not have it (or is not JSON).
pub fn locate(text: &str, path: &JsonPath) -> Option<Span> {
    let mut sc = Scanner::new(text);
    sc.ws();
    let mut span = Span {
        key: None,
        value: sc.pos,
        end: text.len(),
    };
    for seg in &path.0 {
        sc.ws();
        match (seg, sc.peek()?) {
            (Seg::Key(want), b'{') => {
                sc.pos += 1;
                loop {
                    sc.ws();
                    if sc.peek()? == b'}' {
                        return None;
                    }
                    let key_at = sc.pos;
                    let key = sc.string()?;
                    sc.ws();
                    sc.eat(b':')?;
                    sc.ws();
                    if &key == want {
                        span = Span {
                            key: Some(key_at),
                            value: sc.pos,
                            end: 0,
                        };
                        break;
                    }
                    sc.skip_value()?;
                    sc.ws();
                    if sc.peek()? == b',' {
                        sc.pos += 1;
                    }
                }
            }
            (Seg::Index(want), b'[') => {
                sc.pos += 1;
                let mut n = 0;
                loop {
                    sc.ws();
                    if sc.peek()? == b']' {
                        return None;
                    }
                    if n == *want {
                        span = Span {
                            key: None,
                            value: sc.pos,
                            end: 0,
                        };
                        break;
                    }
                    sc.skip_value()?;
                    n += 1;
                    sc.ws();
                    if sc.peek()? == b',' {
                        sc.pos += 1;
                    }
                }
            }
            _ => return None,
        }
    }
    let mut end = Scanner {
        text: text.as_bytes(),
        pos: span.value,
    };
    end.skip_value()?;
    span.end = end.pos;
    Some(span)
}

/// `locate` then 1-based line and column of the key (or of the value).
pub fn line_col_of(text: &str, path: &JsonPath) -> Option<(usize, usize)> {
    locate(text, path).map(|s| crate::diagnostic::line_col(text, s.start()))
}

/// Every key written more than once in the same object: the path of the
/// repeated member and the byte offset of its second (or later) occurrence.
pub fn duplicate_keys(text: &str) -> Vec<(JsonPath, usize)> {
    let mut out = Vec::new();
    let mut sc = Scanner::new(text);
    sc.ws();
    let _ = dup_walk(&mut sc, &JsonPath::root(), &mut out);
    out
}

fn dup_walk(sc: &mut Scanner, path: &JsonPath, out: &mut Vec<(JsonPath, usize)>) -> Option<()> {
    match sc.peek()? {
        b'{' => {
            sc.pos += 1;
            let mut seen: Vec<String> = Vec::new();
            while sc.next_member(b'}')? {
                let at = sc.pos;
                let key = sc.string()?;
                sc.ws();
                sc.eat(b':')?;
                sc.ws();
                let child = path.key(&key);
                if seen.contains(&key) {
                    out.push((child.clone(), at));
                } else {
                    seen.push(key);
                }
                dup_walk(sc, &child, out)?;
            }
            Some(())
        }
        b'[' => {
            sc.pos += 1;
            let mut n = 0;
            while sc.next_member(b']')? {
                dup_walk(sc, &path.index(n), out)?;
                n += 1;
            }
            Some(())
        }
        _ => sc.skip_value(),
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Scanner {
            text: text.as_bytes(),
            pos: bom,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Inside an object or an array: the white space and commas before its
    /// next member skipped, `true` at that member; `false` at its end
    /// (`close`, then passed).
    fn next_member(&mut self, close: u8) -> Option<bool> {
        loop {
            self.ws();
            match self.peek()? {
                b if b == close => {
                    self.pos += 1;
                    return Some(false);
                }
                b',' => self.pos += 1,
                _ => return Some(true),
            }
        }
    }

    /// Reads a string (at its opening quote), decoding escapes.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex =
                                std::str::from_utf8(self.text.get(self.pos..self.pos + 4)?).ok()?;
                            self.pos += 4;
                            let mut cp = u32::from_str_radix(hex, 16).ok()?;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.text.get(self.pos..self.pos + 2) == Some(b"\\u")
                            {
                                let lo =
                                    std::str::from_utf8(self.text.get(self.pos + 2..self.pos + 6)?)
                                        .ok()?;
                                let lo = u32::from_str_radix(lo, 16).ok()?;
                                self.pos += 6;
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo.wrapping_sub(0xDC00));
                            }
                            let c = char::from_u32(cp).unwrap_or('\u{fffd}');
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
    }

    /// Skips one value (at its first byte).
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
                (self.pos > start).then_some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "convention": {
    "funding": { "2026": 45000, "2027": 45000.5 },
    "clauses": {"add": ["a", "b"]}
  },
  "dashboard": {"objectives": [
    {"id": "O1", "indicators": [{"id": "x"}, {"id": "y", "targets": {"2026": 1}}]}
  ]},
  "é\"t": "\u00e9", "last": null
}"#;

    fn lc(path: &str) -> Option<(usize, usize)> {
        line_col_of(DOC, &JsonPath::parse(path).unwrap())
    }

    #[test]
    fn paths_print_and_parse_back() {
        for p in [
            "convention.funding.2027",
            "dashboard.objectives[0].indicators[1].targets",
            "[\"$schema.x\"].a",
            "a[3][4]",
            "[\"x]y\"].z",
        ] {
            assert_eq!(JsonPath::parse(p).unwrap().to_string(), p);
        }
        assert_eq!(
            JsonPath::parse("a.2026").unwrap().0,
            vec![Seg::Key("a".into()), Seg::Key("2026".into())]
        );
        assert_eq!(JsonPath::root().to_string(), "");
    }

    #[test]
    fn finds_keys_and_values() {
        assert_eq!(lc("convention"), Some((2, 3)));
        assert_eq!(lc("convention.funding.2027"), Some((3, 33)));
        assert_eq!(lc("convention.clauses.add[1]"), Some((4, 30)));
        assert_eq!(
            lc("dashboard.objectives[0].indicators[1].targets"),
            Some((7, 58))
        );
        assert_eq!(
            lc("dashboard.objectives[0].indicators[1].targets.2026"),
            Some((7, 70))
        );
        assert_eq!(lc("last"), Some((9, 21)));
        assert_eq!(lc(""), Some((1, 1)));
    }

    #[test]
    fn value_span_covers_the_value() {
        let s = locate(DOC, &JsonPath::parse("convention.funding.2027").unwrap()).unwrap();
        assert_eq!(&DOC[s.value..s.end], "45000.5");
        let s = locate(DOC, &JsonPath::parse("convention.clauses").unwrap()).unwrap();
        assert_eq!(&DOC[s.value..s.end], r#"{"add": ["a", "b"]}"#);
        let s = locate(DOC, &JsonPath(vec![Seg::Key("é\"t".into())])).unwrap();
        assert_eq!(&DOC[s.value..s.end], r#""\u00e9""#);
    }

    #[test]
    fn absent_paths_are_none() {
        assert_eq!(lc("convention.funding.2029"), None);
        assert_eq!(lc("convention.clauses.add[2]"), None);
        assert_eq!(lc("convention.funding[0]"), None);
        assert_eq!(lc("last.x"), None);
        assert_eq!(locate("{\"a\": ", &JsonPath::parse("a.b").unwrap()), None);
        assert_eq!(locate("", &JsonPath::parse("a").unwrap()), None);
    }

    fn arb_json() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            "[a-zé\"\\ {}\\[\\],:]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z0-9.é\"]{1,6}", inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn all_paths(
        v: &serde_json::Value,
        at: JsonPath,
        out: &mut Vec<(JsonPath, serde_json::Value)>,
    ) {
        out.push((at.clone(), v.clone()));
        match v {
            serde_json::Value::Object(m) => {
                m.iter().for_each(|(k, x)| all_paths(x, at.key(k), out))
            }
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| all_paths(x, at.index(i), out)),
            _ => {}
        }
    }

    proptest::proptest! {
        /// In any JSON text, compact or pretty, every path's span reads back as its value,
        /// and the printed path parses back to the same path.
        #[test]
        fn every_path_locates_its_value(v in arb_json(), pretty in proptest::bool::ANY) {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.unwrap();
            let mut paths = Vec::new();
            all_paths(&v, JsonPath::root(), &mut paths);
            for (p, want) in paths {
                let span = locate(&text, &p).expect("found");
                let got: serde_json::Value = serde_json::from_str(&text[span.value..span.end]).expect("a value");
                proptest::prop_assert_eq!(got, want);
                if let Some(k) = span.key {
                    proptest::prop_assert_eq!(&text[k..k + 1], "\"");
                }
                proptest::prop_assert_eq!(JsonPath::parse(&p.to_string()), Some(p.clone()));
            }
            proptest::prop_assert!(duplicate_keys(&text).is_empty());
        }
    }

    #[test]
    fn duplicates_found() {
        let t = r#"{"a": {"2026": 1, "2027": 2, "2026": 3}, "b": [{"x": 1, "x": 2}], "a": 0}"#;
        let d: Vec<String> = duplicate_keys(t)
            .into_iter()
            .map(|(p, at)| format!("{p}@{at}"))
            .collect();
        assert_eq!(d, vec!["a.2026@29", "b[0].x@56", "a@66"]);
        assert!(duplicate_keys(DOC).is_empty());
    }
}
