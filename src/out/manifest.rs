//! How the manifest is stored, so that its cost does not grow with the batch.
//!
//! In memory a build sees [`Entry`]s, whole, as before. On disk:
//!
//! - `OUT/manifest.json` (format 2) stores once what conventions share: each
//!   clause version and hash (`clauses`) and each combination of programme,
//!   template, layout, engine and clause list (`inputs`, clauses by index);
//!   each convention keeps only what is its own (`"inputs": {"data": …,
//!   "shared": k}`, its status, its files). One line per item.
//! - `OUT/manifest.journal` records a build's progress: one JSON line per
//!   finished convention (preceded, the first time they are used, by the
//!   lines of the clauses and shared inputs it refers to), appended, never
//!   rewritten. At the end of the build the manifest is compacted (written
//!   whole, atomically) and the journal removed. A build killed at any moment
//!   leaves the previous manifest whole and a journal whose complete lines
//!   all hold; a torn last line is ignored (that convention is built again).
//! - A manifest of format 1 (before this one: every clause repeated in every
//!   entry) is read as it is and written in format 2 by the next build:
//!   nothing is rendered again and a signed convention keeps its lock.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::diagnostic::Text;
use crate::out::{ClauseInput, Entry, Inputs, MANIFEST, Manifest, Staging, write_atomic_with};
use crate::tr;

/// The journal of a build in progress.
pub const JOURNAL: &str = "manifest.journal";
/// The format written by this version.
pub const FORMAT: u32 = 2;

/// What conventions share, apart from their data file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Head {
    programme: String,
    template: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    layout: Option<String>,
    engine: String,
    /// Indices into the clause table.
    clauses: Vec<u32>,
}

/// Interned clauses and heads, in order of first use.
#[derive(Debug, Default, Clone)]
struct Tables {
    clauses: Vec<ClauseInput>,
    clause_index: HashMap<String, u32>,
    heads: Vec<Head>,
    head_index: HashMap<String, u32>,
}

/// A line of the journal or a table row that is new.
enum Added {
    Clause(u32),
    Head(u32),
}

impl Tables {
    fn clause(&mut self, c: &ClauseInput, added: &mut Vec<Added>) -> u32 {
        let key = serde_json::to_string(c).expect("clause serialises");
        if let Some(&i) = self.clause_index.get(&key) {
            return i;
        }
        let i = self.clauses.len() as u32;
        self.clauses.push(c.clone());
        self.clause_index.insert(key, i);
        added.push(Added::Clause(i));
        i
    }

    /// The head of `inputs`, interned; `added` receives what is new.
    fn head(&mut self, inputs: &Inputs, added: &mut Vec<Added>) -> u32 {
        let clauses = inputs
            .clauses
            .iter()
            .map(|c| self.clause(c, added))
            .collect();
        let head = Head {
            programme: inputs.programme.clone(),
            template: inputs.template.clone(),
            layout: inputs.layout.clone(),
            engine: inputs.engine.clone(),
            clauses,
        };
        let key = serde_json::to_string(&head).expect("head serialises");
        if let Some(&i) = self.head_index.get(&key) {
            return i;
        }
        let i = self.heads.len() as u32;
        self.heads.push(head);
        self.head_index.insert(key, i);
        added.push(Added::Head(i));
        i
    }

    fn push_clause(&mut self, c: ClauseInput) {
        let key = serde_json::to_string(&c).expect("clause serialises");
        let i = self.clauses.len() as u32;
        self.clause_index.entry(key).or_insert(i);
        self.clauses.push(c);
    }

    fn push_head(&mut self, h: Head) -> Result<(), Text> {
        if let Some(bad) = h
            .clauses
            .iter()
            .find(|&&c| c as usize >= self.clauses.len())
        {
            return Err(tr!("clause {bad} inconnue", "unknown clause {bad}"));
        }
        let key = serde_json::to_string(&h).expect("head serialises");
        let i = self.heads.len() as u32;
        self.head_index.entry(key).or_insert(i);
        self.heads.push(h);
        Ok(())
    }

    /// The full inputs of head `k` with the data hash `data`.
    fn inputs(&self, k: u32, data: String) -> Option<Inputs> {
        let h = self.heads.get(k as usize)?;
        Some(Inputs {
            data,
            programme: h.programme.clone(),
            template: h.template.clone(),
            layout: h.layout.clone(),
            engine: h.engine.clone(),
            clauses: h
                .clauses
                .iter()
                .map(|&c| self.clauses.get(c as usize).cloned())
                .collect::<Option<Vec<_>>>()?,
        })
    }
}

/// An entry without its shared inputs (kept in memory and written to disk).
///
/// Kept as its JSON, one allocation of about 300 bytes, rather than as an
/// `Entry` (a dozen small ones): a build of 10,000 conventions keeps every
/// entry while Typst allocates and frees around them, and small long-lived
/// allocations scattered among short-lived ones hold on to memory the
/// allocator could otherwise reuse or give back. Its sha256 digests, half
/// of the text, are kept as bytes ([`pack`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Slim {
    /// The entry as JSON, its `inputs` emptied but for `data`, [`pack`]ed.
    json: Box<[u8]>,
    head: u32,
}

fn slim(mut entry: Entry, head: u32) -> Slim {
    entry.inputs = Inputs {
        data: std::mem::take(&mut entry.inputs.data),
        programme: String::new(),
        template: String::new(),
        layout: None,
        engine: String::new(),
        clauses: Vec::new(),
    };
    let json = serde_json::to_string(&entry).expect("entry serialises");
    Slim {
        json: pack(&json),
        head,
    }
}

impl Slim {
    /// The entry, its `inputs` emptied but for `data`.
    fn entry(&self) -> Entry {
        serde_json::from_str(&unpack(&self.json)).expect("an entry this store serialised")
    }
}

/// Stands in a [`pack`]ed text for the 64 hexadecimal digits that follow it,
/// as 32 bytes. JSON text never holds this byte raw (a control character
/// inside a string is written `\u0001`), so it cannot be mistaken.
const PACKED: u8 = 0x01;

/// `json` with each string of exactly 64 lowercase hexadecimal digits (a
/// sha256 digest, as the manifest writes them) kept as [`PACKED`] and 32 bytes:
/// 33 bytes instead of 64. [`unpack`] gives `json` back, byte for byte.
fn pack(json: &str) -> Box<[u8]> {
    let b = json.as_bytes();
    debug_assert!(
        !b.contains(&PACKED),
        "JSON text holds no raw control character"
    );
    let hex = |c: &u8| matches!(c, b'0'..=b'9' | b'a'..=b'f');
    let nibble = |c: u8| if c <= b'9' { c - b'0' } else { c - b'a' + 10 };
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        out.push(b[i]);
        if b[i] == b'"' && b.get(i + 65) == Some(&b'"') && b[i + 1..i + 65].iter().all(hex) {
            out.push(PACKED);
            out.extend(
                b[i + 1..i + 65]
                    .chunks(2)
                    .map(|d| nibble(d[0]) << 4 | nibble(d[1])),
            );
            i += 65;
        } else {
            i += 1;
        }
    }
    out.into_boxed_slice()
}

/// The text [`pack`] was given.
fn unpack(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(b.len() + 4 * 31);
    let mut i = 0;
    while i < b.len() {
        if b[i] == PACKED {
            for &x in &b[i + 1..i + 33] {
                out.push(DIGITS[usize::from(x >> 4)]);
                out.push(DIGITS[usize::from(x & 15)]);
            }
            i += 33;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("pack keeps the text's own bytes as they are")
}

/// The JSON of a slim entry: the entry's own, `inputs` reduced to
/// `{"data": …, "shared": k}` where `k` is an index into `tables`' heads.
fn slim_json(s: &Slim, head: u32) -> Value {
    let mut v: Value =
        serde_json::from_str(&unpack(&s.json)).expect("an entry this store serialised");
    if let Value::Object(m) = &mut v {
        let data = m
            .get("inputs")
            .and_then(|i| i.get("data"))
            .cloned()
            .unwrap_or_default();
        m.insert("inputs".into(), json!({"data": data, "shared": head}));
    }
    v
}

/// An entry back from its JSON and the tables it refers to.
fn entry_from_json(mut v: Value, tables: &Tables) -> Result<Entry, Text> {
    let missing = |what: &str| tr!("`{what}` manquant", "`{what}` missing");
    let m = v
        .as_object_mut()
        .ok_or_else(|| tr!("une entrée n'est pas un objet", "an entry is not an object"))?;
    let inputs = m.get("inputs").ok_or_else(|| missing("inputs"))?;
    let data = inputs
        .get("data")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("inputs.data"))?
        .to_string();
    let k = inputs
        .get("shared")
        .and_then(Value::as_u64)
        .ok_or_else(|| missing("inputs.shared"))?;
    let full = tables.inputs(k as u32, data).ok_or_else(|| {
        tr!(
            "`inputs.shared` {k} ne désigne aucune ligne de `inputs`",
            "`inputs.shared` {k} names no row of `inputs`"
        )
    })?;
    m.insert(
        "inputs".into(),
        serde_json::to_value(full).expect("inputs serialise"),
    );
    serde_json::from_value(v).map_err(parser)
}

/// A serde message in both languages.
fn parser(e: serde_json::Error) -> Text {
    crate::messages::parser_message(&e.to_string())
}

/// The manifest of a build folder as a build keeps it: shared inputs once,
/// entries by id.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub charta: String,
    pub programme: String,
    tables: Tables,
    entries: BTreeMap<String, Slim>,
}

impl Store {
    pub fn new(charta: &str, programme: &str) -> Store {
        Store {
            charta: charta.to_string(),
            programme: programme.to_string(),
            ..Store::default()
        }
    }

    /// The manifest of `out` (either format) with its journal replayed;
    /// `None` when `out` has neither (not a build folder yet), the reason
    /// when it is not a manifest.
    pub fn read(out: &Path) -> Result<Option<Store>, Text> {
        let path = out.join(MANIFEST);
        let at = |e: Text| {
            let p = path.display();
            Text::new(format!("{p}\u{a0}: {}", e.fr), format!("{p}: {}", e.en))
        };
        let mut store = match std::fs::read(&path) {
            Ok(bytes) => Store::parse(&bytes).map_err(at)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !out.join(JOURNAL).is_file() {
                    return Ok(None);
                }
                Store::default()
            }
            Err(e) => return Err(at(Text::verbatim(e.to_string()))),
        };
        store.replay(out);
        Ok(Some(store))
    }

    /// A manifest's text, format 1 or 2.
    ///
    /// Read entry by entry ([`Reader`]): a manifest of 10,000 conventions is
    /// never held whole as JSON values (tens of MB), only one entry at a time.
    pub fn parse(bytes: &[u8]) -> Result<Store, Text> {
        use serde::de::DeserializeSeed;
        let mut reader = Reader::default();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        if let Err(e) = (&mut reader).deserialize(&mut de).and_then(|()| de.end()) {
            return Err(match reader.fault.take() {
                // Where serde stopped: the entry at fault.
                Some(f) => {
                    let (l, c) = (e.line(), e.column());
                    Text::new(
                        format!("{} (ligne {l}, colonne {c})", f.fr),
                        format!("{} at line {l} column {c}", f.en),
                    )
                }
                None => parser(e),
            });
        }
        reader.finish()
    }

    /// Applies the complete lines of `OUT/manifest.journal`, if any. A line
    /// that does not parse (the torn end of a killed build) ends the replay.
    fn replay(&mut self, out: &Path) {
        let Ok(text) = std::fs::read(out.join(JOURNAL)) else {
            return;
        };
        let mut local = Tables::default();
        for line in text.split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(line) else {
                break;
            };
            let ok = if let Some(c) = m.remove("clause") {
                serde_json::from_value(c)
                    .map(|c| local.push_clause(c))
                    .is_ok()
            } else if let Some(h) = m.remove("shared") {
                serde_json::from_value::<Head>(h)
                    .ok()
                    .is_some_and(|h| local.push_head(h).is_ok())
            } else if let Some(e) = m.remove("entry") {
                match entry_from_json(e, &local) {
                    Ok(e) => {
                        self.insert(e);
                        true
                    }
                    Err(_) => false,
                }
            } else if let Some(Value::Object(h)) = m.remove("build") {
                if let Some(Value::String(s)) = h.get("charta") {
                    self.charta = s.clone();
                }
                if let Some(Value::String(s)) = h.get("programme") {
                    self.programme = s.clone();
                }
                true
            } else {
                false
            };
            if !ok {
                break;
            }
        }
    }

    /// Records `entry` (replacing the one of the same id); whether it changed.
    pub fn insert(&mut self, entry: Entry) -> bool {
        let mut added = Vec::new();
        let head = self.tables.head(&entry.inputs, &mut added);
        let id = entry.id.clone();
        let s = slim(entry, head);
        if self.entries.get(&id) == Some(&s) {
            return false;
        }
        self.entries.insert(id, s);
        true
    }

    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        let s = self.entries.remove(id)?;
        Some(self.expand(&s))
    }

    fn expand(&self, s: &Slim) -> Entry {
        let mut entry = s.entry();
        let data = std::mem::take(&mut entry.inputs.data);
        entry.inputs = self
            .tables
            .inputs(s.head, data)
            .expect("a head interned by this store");
        entry
    }

    /// The entry of `id`, whole.
    pub fn get(&self, id: &str) -> Option<Entry> {
        self.entries.get(id).map(|s| self.expand(s))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids recorded, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Every entry, whole, in id order.
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        self.entries.values().map(|s| self.expand(s))
    }

    pub fn to_manifest(&self) -> Manifest {
        Manifest {
            charta: self.charta.clone(),
            programme: self.programme.clone(),
            conventions: self.entries().collect(),
        }
    }

    pub fn from_manifest(m: &Manifest) -> Store {
        let mut s = Store::new(&m.charta, &m.programme);
        for e in &m.conventions {
            s.insert(e.clone());
        }
        s
    }

    /// The format-2 text: tables renumbered in id order, so that the same
    /// entries give the same bytes whatever order they were recorded in.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        self.write_to(&mut b, |_| Ok(()))
            .expect("writing to memory does not fail");
        b
    }

    /// Writes the format-2 text to `w`, entry by entry: the manifest of a
    /// large programme (5.6 MB for 10,000 conventions) is never held whole
    /// in memory, so that writing it at the end of a build does not raise
    /// the build's peak.
    /// `midway` is called with `w` halfway through the entries.
    fn write_to<W: Write>(
        &self,
        w: &mut W,
        mut midway: impl FnMut(&mut W) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        // Each entry's line of the tables, numbered in id order.
        let mut tables = Tables::default();
        let heads: Vec<u32> = self
            .entries
            .values()
            .map(|s| {
                let old = &self.tables.heads[s.head as usize];
                let inputs = Inputs {
                    data: String::new(),
                    programme: old.programme.clone(),
                    template: old.template.clone(),
                    layout: old.layout.clone(),
                    engine: old.engine.clone(),
                    clauses: old
                        .clauses
                        .iter()
                        .map(|&c| self.tables.clauses[c as usize].clone())
                        .collect(),
                };
                tables.head(&inputs, &mut Vec::new())
            })
            .collect();
        write!(w, "{{\n  \"charta\": {}", js(&self.charta))?;
        write!(
            w,
            ",\n  \"format\": {FORMAT},\n  \"programme\": {}",
            js(&self.programme)
        )?;
        list(w, "clauses", &tables.clauses, |w, c| json_to(w, c))?;
        list(w, "inputs", &tables.heads, |w, h| json_to(w, h))?;
        let half = self.entries.len() / 2;
        let entries = self.entries.values().zip(heads).enumerate();
        list(w, "conventions", entries, |w, (i, (s, head))| {
            if i == half {
                midway(w)?;
            }
            json_to(w, &slim_json(s, head))
        })?;
        w.write_all(b"\n}\n")
    }

    /// Writes `OUT/manifest.json` (format 2) atomically, then removes the
    /// journal it now contains.
    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        write_atomic_with(&out.join(MANIFEST), |w| self.write_to(w, Staging::midway))?;
        match std::fs::remove_file(out.join(JOURNAL)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// `,\n  "key": [` then each item on its own line (written by `each`), then `]`.
fn list<W: Write, T>(
    w: &mut W,
    key: &str,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut W, T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write!(w, ",\n  \"{key}\": [")?;
    let mut first = true;
    for item in items {
        w.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        each(w, item)?;
    }
    w.write_all(if first { b"]" } else { b"\n  ]" })
}

/// `v` as compact JSON, written to `w`.
fn json_to<T: Serialize + ?Sized>(w: &mut impl Write, v: &T) -> std::io::Result<()> {
    Ok(serde_json::to_writer(w, v)?)
}

fn js<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

/// Reads a manifest's text into a [`Store`] as it goes: header, tables,
/// then each entry of `conventions`, inserted as soon as it is read.
///
/// Charta writes `format`, `clauses` and `inputs` before `conventions`; a
/// manifest in another order (edited by hand, or format 1, which has no
/// `format`) has its entries kept as compact text until the end.
#[derive(Default)]
struct Reader {
    store: Store,
    format: Option<u32>,
    /// Entries read before what they need (the format, the tables).
    pending: Vec<Box<str>>,
    /// `inputs` seen (a format-2 entry refers to it).
    heads_read: bool,
    /// What stopped the reading, when it is not the JSON's syntax.
    fault: Option<Text>,
}

impl Reader {
    fn ready(&self) -> bool {
        matches!(self.format, Some(f) if f >= 2) && self.heads_read
    }

    fn take(&mut self, v: Value) -> Result<(), Text> {
        let e = if self.format.unwrap_or(1) < 2 {
            // Format 1: whole entries, each with its clauses.
            serde_json::from_value(v).map_err(parser)?
        } else {
            entry_from_json(v, &self.store.tables)?
        };
        self.store.insert(e);
        Ok(())
    }

    fn finish(mut self) -> Result<Store, Text> {
        let format = self.format.unwrap_or(1);
        if format > FORMAT {
            return Err(newer_format(format));
        }
        self.format = Some(format);
        for text in std::mem::take(&mut self.pending) {
            let v = serde_json::from_str(&text).map_err(parser)?;
            self.take(v)?;
        }
        Ok(self.store)
    }
}

fn newer_format(format: u32) -> Text {
    tr!(
        "manifeste au format {format}, plus récent que celui de cette version de charta ({FORMAT})",
        "manifest of format {format}, newer than this version of charta's ({FORMAT})"
    )
}

/// Keeps `fault` for [`Store::parse`] and stops the parser.
fn stop<E: serde::de::Error>(reader: &mut Reader, fault: Text) -> E {
    reader.fault = Some(fault);
    E::custom("manifest")
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Reader {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Reader {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("un manifeste (objet JSON)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: u32 = map.next_value()?;
                    if format > FORMAT {
                        return Err(stop(self, newer_format(format)));
                    }
                    self.format = Some(format);
                }
                "charta" => self.store.charta = map.next_value()?,
                "programme" => self.store.programme = map.next_value()?,
                "clauses" => {
                    for c in map.next_value::<Vec<ClauseInput>>()? {
                        self.store.tables.push_clause(c);
                    }
                }
                "inputs" => {
                    for h in map.next_value::<Vec<Head>>()? {
                        if let Err(e) = self.store.tables.push_head(h) {
                            return Err(stop(self, e));
                        }
                    }
                    self.heads_read = true;
                }
                "conventions" => map.next_value_seed(Conventions(&mut *self))?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `conventions` array, one entry at a time.
struct Conventions<'r>(&'r mut Reader);

impl<'de> serde::de::DeserializeSeed<'de> for Conventions<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Conventions<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("la liste des conventions")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            if self.0.ready() {
                if let Err(e) = self.0.take(v) {
                    return Err(stop(self.0, e));
                }
            } else {
                self.0.pending.push(v.to_string().into_boxed_str());
            }
        }
        Ok(())
    }
}

/// The journal of a build: appends one line per finished convention.
/// How many journal appends go between two `fsync`s: about a second of a
/// two-worker build.
const SYNC_EVERY: usize = 64;

pub struct Journal {
    file: std::fs::File,
    tables: Tables,
    /// Lines appended since the last `fsync`.
    unsynced: usize,
    /// A write failed: nothing more is appended (the line after a torn one
    /// would be lost with it).
    broken: bool,
}

impl Journal {
    /// Starts the journal of a build in `out` (none must be pending: see
    /// [`Store::write`]).
    pub fn create(out: &Path, charta: &str, programme: &str) -> std::io::Result<Journal> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(out.join(JOURNAL))?;
        let mut j = Journal {
            file,
            tables: Tables::default(),
            unsynced: 0,
            broken: false,
        };
        let line = json!({"build": {"charta": charta, "programme": programme}}).to_string() + "\n";
        j.append(line.as_bytes())?;
        Ok(j)
    }

    /// Appends `entry` (and the shared inputs it is the first to use).
    pub fn record(&mut self, entry: &Entry) -> std::io::Result<()> {
        if self.broken {
            return Ok(());
        }
        let mut added = Vec::new();
        let head = self.tables.head(&entry.inputs, &mut added);
        let mut buf = String::new();
        for a in added {
            let line = match a {
                Added::Clause(i) => json!({"clause": self.tables.clauses[i as usize]}),
                Added::Head(i) => json!({"shared": self.tables.heads[i as usize]}),
            };
            buf.push_str(&line.to_string());
            buf.push('\n');
        }
        let s = slim(entry.clone(), head);
        buf.push_str(&json!({"entry": slim_json(&s, head)}).to_string());
        buf.push('\n');
        self.append(buf.as_bytes())
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let res = (|| {
            let (first, second) = bytes.split_at(bytes.len() / 2);
            self.file.write_all(first)?;
            // `CHARTA_FAILPOINT=stall:write:manifest.journal`: half a line written.
            crate::failpoint::write(JOURNAL)?;
            self.file.write_all(second)?;
            // On disk every so many conventions (a power cut loses at most
            // those; a killed process loses nothing the kernel has): by count,
            // not by the clock, which the library never reads.
            self.unsynced += 1;
            if self.unsynced >= SYNC_EVERY {
                self.file.sync_data()?;
                self.unsynced = 0;
            }
            Ok(())
        })();
        if res.is_err() {
            self.broken = true;
        }
        res
    }
}

/// Reads the manifest of `out` whole (format 1 or 2, journal replayed).
pub fn read_manifest(out: &Path) -> Option<Manifest> {
    Store::read(out).ok().flatten().map(|s| s.to_manifest())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::out::{OutputFile, Status, write_atomic};

    fn entry(id: &str, clauses: &[&str]) -> Entry {
        let mut outputs = BTreeMap::new();
        outputs.insert(
            "md".to_string(),
            OutputFile {
                file: format!("{id}.md"),
                sha256: format!("md-{id}"),
                size: 10,
                modified_ns: 7,
            },
        );
        Entry {
            id: id.to_string(),
            status: Status::Rendered,
            signed: id.ends_with('s'),
            inputs: Inputs {
                data: format!("data-{id}"),
                programme: "p".into(),
                template: "t".into(),
                layout: Some("l".into()),
                engine: "0.1.0".into(),
                clauses: clauses
                    .iter()
                    .map(|c| ClauseInput {
                        id: c.to_string(),
                        version: "1".into(),
                        origin: crate::load::Origin::Builtin,
                        sha256: format!("h-{c}"),
                    })
                    .collect(),
            },
            inputs_sha256: format!("in-{id}"),
            outputs,
            pages: Some(3),
            signed_archive: None,
            avenants: Vec::new(),
        }
    }

    fn sample() -> Vec<Entry> {
        vec![
            entry("a", &["x", "y", "z"]),
            entry("bs", &["x", "y"]),
            entry("c", &["x", "y", "z"]),
        ]
    }

    #[test]
    fn an_entry_keeps_its_digests_as_bytes_and_gives_its_text_back() {
        let mut e = entry("gen-00001", &["x"]);
        let digest = |s: &str| crate::digest::sha256_hex(s.as_bytes());
        e.inputs.data = digest("data");
        e.inputs_sha256 = digest("inputs");
        e.outputs.get_mut("md").unwrap().sha256 = digest("md");
        let s = slim(e.clone(), 0);
        let text = unpack(&s.json);
        assert!(text.contains(&digest("md")), "{text}");
        // Three digests (data, inputs, Markdown) of 64 digits, 33 bytes each.
        assert_eq!(s.json.len(), text.len() - 3 * 31);
        let mut store = Store::default();
        store.insert(e.clone());
        assert_eq!(store.get("gen-00001"), Some(e));
    }

    proptest::proptest! {
        /// Any JSON text, digests or not, comes back byte for byte: strings
        /// of 64 digits among quotes, escapes, uppercase and near misses.
        #[test]
        fn packed_json_comes_back_byte_for_byte(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9a-f]{64}",
                    "[0-9a-fA-F\"\\\\]{60,68}",
                    "\\PC{0,12}",
                ],
                0..8,
            )
        ) {
            let text = serde_json::to_string(&parts).unwrap();
            proptest::prop_assert_eq!(unpack(&pack(&text)), text.clone());
            let joined = serde_json::to_string(&parts.concat()).unwrap();
            proptest::prop_assert_eq!(unpack(&pack(&joined)), joined);
        }
    }

    #[test]
    fn the_manifest_written_entry_by_entry_is_the_text_in_memory() {
        let out = tempfile::tempdir().unwrap();
        let mut s = Store::new("0.1.0", "Programme");
        // More than the writer's 64 KiB buffer, so that it flushes midway.
        for i in 0..400 {
            s.insert(entry(&format!("asso-{i:04}"), &["x", "y", "z"]));
        }
        // Written to disk: the bytes of `to_bytes`, read back whole.
        let round_trip = |store: &Store| {
            store.write(out.path()).unwrap();
            let written = std::fs::read(out.path().join(MANIFEST)).unwrap();
            assert!(written == store.to_bytes());
            let back = Store::parse(&written).unwrap().to_manifest().conventions;
            (written.len(), back.len())
        };
        let (len, entries) = round_trip(&s);
        assert!(len > 1 << 16, "{len}");
        assert_eq!(entries, 400);
        // An empty store too.
        assert_eq!(round_trip(&Store::new("0.1.0", "Programme")).1, 0);
    }

    #[test]
    fn format_2_stores_shared_inputs_once_and_reads_back_whole() {
        let mut s = Store::new("0.1.0", "Programme");
        for e in sample() {
            assert!(s.insert(e.clone()));
            assert!(!s.insert(e), "the same entry again is no change");
        }
        let bytes = s.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.matches("\"h-x\"").count(), 1, "{text}");
        assert_eq!(
            text.lines().filter(|l| l.contains("\"shared\":")).count(),
            3
        );
        let back = Store::parse(&bytes).unwrap();
        assert_eq!(back.to_manifest().conventions, sample());
        // The same entries recorded in another order give the same bytes.
        let mut r = Store::new("0.1.0", "Programme");
        for e in sample().into_iter().rev() {
            r.insert(e);
        }
        assert!(r.to_bytes() == bytes);
    }

    #[test]
    fn format_1_is_read() {
        let m = Manifest {
            charta: "0.1.0".into(),
            programme: "P".into(),
            conventions: sample(),
        };
        let old = serde_json::to_vec_pretty(&m).unwrap();
        let s = Store::parse(&old).unwrap();
        assert_eq!(s.to_manifest().conventions, sample());
        assert_eq!(s.get("bs").unwrap().output("md").unwrap().sha256, "md-bs");
        assert!(
            Store::parse(b"{\"format\": 3}")
                .unwrap_err()
                .fr
                .contains("plus récent")
        );
    }

    #[test]
    fn a_manifest_in_any_key_order_reads_the_same() {
        let mut s = Store::new("0.1.0", "Programme");
        for e in sample() {
            s.insert(e);
        }
        let v: Value = serde_json::from_slice(&s.to_bytes()).unwrap();
        // `conventions` first: its entries wait for the format and the tables.
        let Value::Object(m) = v else { panic!() };
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort_by_key(|k| *k != "conventions");
        assert_eq!(keys[0], "conventions");
        let body: Vec<String> = keys.iter().map(|k| format!("{:?}: {}", k, m[*k])).collect();
        let reordered = format!("{{{}}}", body.join(", "));
        let back = Store::parse(reordered.as_bytes()).unwrap();
        assert_eq!(back.to_manifest().conventions, sample());
        assert_eq!(back.to_bytes(), s.to_bytes());
        // A broken entry is named with its place in the file.
        let broken = String::from_utf8(s.to_bytes()).unwrap().replacen(
            "\"shared\":",
            "\"shared\": \"x\", \"y\":",
            1,
        );
        let err = Store::parse(broken.as_bytes()).unwrap_err();
        assert!(
            err.en.contains("inputs.shared") && err.en.contains("line"),
            "{err:?}"
        );
    }

    #[test]
    fn the_journal_replays_up_to_its_last_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut base = Store::new("0.1.0", "P");
        base.insert(entry("a", &["x"]));
        write_atomic(&out.join(MANIFEST), &base.to_bytes()).unwrap();
        let mut j = Journal::create(out, "0.1.0", "P").unwrap();
        let e = sample();
        for x in &e {
            j.record(x).unwrap();
        }
        drop(j);
        let s = Store::read(out).unwrap().unwrap();
        assert_eq!(s.to_manifest().conventions, e);
        // Torn in the middle of the last line: the last entry is not there.
        let text = std::fs::read(out.join(JOURNAL)).unwrap();
        std::fs::write(out.join(JOURNAL), &text[..text.len() - 20]).unwrap();
        let s = Store::read(out).unwrap().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.get("a"), Some(e[0].clone()));
        assert_eq!(s.get("bs"), Some(e[1].clone()));
        // Compacted: the journal goes, the manifest holds it all.
        s.write(out).unwrap();
        assert!(!out.join(JOURNAL).exists());
        assert_eq!(Store::read(out).unwrap().unwrap().len(), 2);
    }
}
