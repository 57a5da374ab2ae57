//! A minimal, reproducible ZIP writer and reader for the office formats.
//!
//! ODT and DOCX are ZIP archives of XML parts. The writer stores entries in
//! the order given, with a fixed date (1980-01-01 00:00, the earliest a ZIP
//! can hold), no extra fields and fixed attributes, so the same parts always
//! give the same bytes. Entries are STORED or DEFLATEd (flate2, which Typst's
//! dependencies already build). The reader reads archives written by office
//! suites through their central directory (no ZIP64, no encryption: an
//! office document is far below 4 GiB).

use std::io::{Read, Write};

use flate2::Compression;

use crate::diagnostic::Text;
use crate::tr;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

/// MS-DOS date of 1980-01-01 (time 00:00:00 is 0).
const DOS_DATE: u16 = (1 << 5) | 1;

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

/// Builds an archive in memory.
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

impl Default for ZipWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter {
            out: Vec::with_capacity(64 * 1024),
            central: Vec::new(),
            entries: 0,
        }
    }

    /// Adds one entry (`name` in UTF-8, `/`-separated).
    pub fn add(&mut self, name: &str, data: &[u8], method: Method) {
        let crc = crc32fast::hash(data);
        let (code, body) = match method {
            Method::Stored => (0u16, std::borrow::Cow::Borrowed(data)),
            Method::Deflated => {
                let mut enc =
                    DeflateEncoder::new(Vec::with_capacity(data.len() / 3), Compression::default());
                enc.write_all(data).expect("writing to memory");
                (8u16, std::borrow::Cow::Owned(enc.finish().expect("memory")))
            }
        };
        let offset = self.out.len() as u32;
        let name = name.as_bytes();
        // Bit 11: the name is UTF-8.
        let flags: u16 = 1 << 11;
        let o = &mut self.out;
        o.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        o.extend_from_slice(&20u16.to_le_bytes()); // version needed
        o.extend_from_slice(&flags.to_le_bytes());
        o.extend_from_slice(&code.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // time
        o.extend_from_slice(&DOS_DATE.to_le_bytes());
        o.extend_from_slice(&crc.to_le_bytes());
        o.extend_from_slice(&(body.len() as u32).to_le_bytes());
        o.extend_from_slice(&(data.len() as u32).to_le_bytes());
        o.extend_from_slice(&(name.len() as u16).to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // extra length
        o.extend_from_slice(name);
        o.extend_from_slice(&body);

        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes()); // made by: MS-DOS, 2.0
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&flags.to_le_bytes());
        c.extend_from_slice(&code.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&DOS_DATE.to_le_bytes());
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&(body.len() as u32).to_le_bytes());
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(&(name.len() as u16).to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes()); // extra
        c.extend_from_slice(&0u16.to_le_bytes()); // comment
        c.extend_from_slice(&0u16.to_le_bytes()); // disk
        c.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        c.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name);
        self.entries += 1;
    }

    /// The archive's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let start = self.out.len() as u32;
        let size = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        let o = &mut self.out;
        o.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes());
        o.extend_from_slice(&self.entries.to_le_bytes());
        o.extend_from_slice(&self.entries.to_le_bytes());
        o.extend_from_slice(&size.to_le_bytes());
        o.extend_from_slice(&start.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One entry of an archive read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub method: Method,
    /// Offset of its local header.
    offset: usize,
    compressed: usize,
    size: usize,
    crc: u32,
}

/// The entries of an archive, from its central directory.
pub fn entries(zip: &[u8]) -> Result<Vec<ZipEntry>, Text> {
    let bad = || {
        tr!(
            "ce n'est pas une archive ZIP (pas de fin de répertoire central)",
            "not a ZIP archive (no end of central directory)"
        )
    };
    // The end record is in the last 22 + 65 535 bytes (its comment).
    let from = zip.len().saturating_sub(22 + 65_535);
    let eocd = (from..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(zip, i) == Some(0x0605_4b50))
        .ok_or_else(bad)?;
    let count = u16_at(zip, eocd + 10).ok_or_else(bad)? as usize;
    let mut at = u32_at(zip, eocd + 16).ok_or_else(bad)? as usize;
    let mut out = Vec::with_capacity(count);
    let broken = || {
        tr!(
            "répertoire central ZIP abîmé",
            "broken ZIP central directory"
        )
    };
    for _ in 0..count {
        if u32_at(zip, at) != Some(0x0201_4b50) {
            return Err(broken());
        }
        let method = match u16_at(zip, at + 10).ok_or_else(broken)? {
            0 => Method::Stored,
            8 => Method::Deflated,
            m => {
                return Err(tr!(
                    "méthode de compression ZIP {m} non prise en charge",
                    "unsupported ZIP compression method {m}"
                ));
            }
        };
        let crc = u32_at(zip, at + 16).ok_or_else(broken)?;
        let compressed = u32_at(zip, at + 20).ok_or_else(broken)? as usize;
        let size = u32_at(zip, at + 24).ok_or_else(broken)? as usize;
        let name_len = u16_at(zip, at + 28).ok_or_else(broken)? as usize;
        let extra_len = u16_at(zip, at + 30).ok_or_else(broken)? as usize;
        let comment_len = u16_at(zip, at + 32).ok_or_else(broken)? as usize;
        let offset = u32_at(zip, at + 42).ok_or_else(broken)? as usize;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or_else(broken)?;
        out.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            offset,
            compressed,
            size,
            crc,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// The content of `entry`, checked against its CRC.
pub fn read_entry(zip: &[u8], entry: &ZipEntry) -> Result<Vec<u8>, Text> {
    let name = &entry.name;
    let broken = || tr!("entrée ZIP {name} abîmée", "broken ZIP entry {name}");
    let at = entry.offset;
    if u32_at(zip, at) != Some(0x0403_4b50) {
        return Err(broken());
    }
    let name_len = u16_at(zip, at + 26).ok_or_else(broken)? as usize;
    let extra_len = u16_at(zip, at + 28).ok_or_else(broken)? as usize;
    let start = at + 30 + name_len + extra_len;
    let body = zip
        .get(start..start + entry.compressed)
        .ok_or_else(broken)?;
    let data = match entry.method {
        Method::Stored => body.to_vec(),
        Method::Deflated => {
            let mut data = Vec::with_capacity(entry.size);
            DeflateDecoder::new(body)
                .take(entry.size as u64 + 1)
                .read_to_end(&mut data)
                .map_err(|e| tr!("{name}\u{a0}: {e}", "{name}: {e}"))?;
            data
        }
    };
    if data.len() != entry.size || crc32fast::hash(&data) != entry.crc {
        return Err(broken());
    }
    Ok(data)
}

/// The content of the entry called `name`, if the archive has one.
pub fn read(zip: &[u8], name: &str) -> Result<Option<Vec<u8>>, Text> {
    match entries(zip)?.iter().find(|e| e.name == name) {
        Some(e) => read_entry(zip, e).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back() {
        let mut w = ZipWriter::new();
        w.add("mimetype", b"application/x", Method::Stored);
        let big = "é<x/>".repeat(1000);
        w.add("dir/a.xml", big.as_bytes(), Method::Deflated);
        let zip = w.finish();
        // The first entry's name and content sit at fixed offsets (ODF requires it).
        assert_eq!(&zip[30..38], b"mimetype");
        assert_eq!(&zip[38..51], b"application/x");
        let e = entries(&zip).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].method, Method::Stored);
        assert_eq!(read(&zip, "dir/a.xml").unwrap().unwrap(), big.as_bytes());
        assert_eq!(read(&zip, "none").unwrap(), None);
        assert!(entries(b"not a zip").is_err());
    }

    #[test]
    fn same_entries_same_bytes() {
        let make = || {
            let mut w = ZipWriter::new();
            w.add("a", b"x", Method::Stored);
            w.add("b", &[7u8; 5000], Method::Deflated);
            w.finish()
        };
        assert_eq!(make(), make());
    }
}
