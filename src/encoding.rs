//! Reading the text files a person edits (charta.toml, association and review
//! files, clauses, templates): UTF-8, with or without the byte-order mark that
//! spreadsheets and Windows editors write; any other encoding is named with the
//! line and column of its first bad byte and how to save the file again.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Text};
use crate::tr;

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// `text` without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// Decodes `bytes` as UTF-8 (a leading byte-order mark dropped), or the
/// diagnostic naming `path`, the line and column of the first byte that is
/// not UTF-8, and the fix.
pub fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, Diagnostic> {
    let bytes = match bytes.strip_prefix(BOM.as_bytes()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Valid UTF-8 up to `at`: count characters, not bytes.
        let column = std::str::from_utf8(&bytes[line_start..at])
            .map_or(at - line_start, |s| s.chars().count())
            + 1;
        let byte = bytes[at];
        let latin1 = matches!(byte, 0x80..=0xFF);
        let guess = if latin1 {
            let c = windows_1252(byte);
            tr!(
                " (l'octet 0x{byte:02X} est «\u{a0}{c}\u{a0}» en Windows-1252 ou Latin-1)",
                " (byte 0x{byte:02X} is « {c} » in Windows-1252 or Latin-1)"
            )
        } else {
            Text::verbatim(String::new())
        };
        Diagnostic::error(Code::FIC_002, Text::new(format!("le fichier n'est pas en UTF-8\u{a0}: octet invalide 0x{byte:02X} à la ligne {line}, colonne {column}{}", guess.fr), format!("the file is not UTF-8: invalid byte 0x{byte:02X} at line {line}, column {column}{}", guess.en)))
        .in_file(path)
        .at(line, column)
        .with_hint(Text::new(
            "enregistrez le fichier en UTF-8 (LibreOffice\u{a0}: Fichier → Enregistrer sous → \
             cochez «\u{a0}Éditer les paramètres du filtre\u{a0}» → Jeu de caractères\u{a0}: Unicode (UTF-8)\u{a0}; \
             Bloc-notes\u{a0}: Enregistrer sous → Encodage\u{a0}: UTF-8)",
            "save the file as UTF-8 (LibreOffice: File → Save As → tick « Edit filter settings » → \
             Character set: Unicode (UTF-8); Notepad: Save As → Encoding: UTF-8)",
        ))
    })
}

/// Reads `path` as UTF-8 text (see [`decode`]); an unreadable file is a diagnostic too.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| read_error(path, &e))?;
    decode(bytes, path)
}

/// « impossible de lire le fichier : … » for `path`.
pub fn read_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::FIC_001,
        tr!(
            "impossible de lire le fichier\u{a0}: {e}",
            "cannot read the file: {e}"
        ),
    )
    .in_file(path)
    .with_hint(Text::new(
        "vérifiez que le fichier existe et que vous avez le droit de le lire",
        "check that the file exists and that you may read it",
    ))
}

/// « impossible d'écrire le fichier : … » for `path`.
pub fn write_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::FIC_003,
        tr!(
            "impossible d'écrire le fichier\u{a0}: {e}",
            "cannot write the file: {e}"
        ),
    )
    .in_file(path)
    .with_hint(Text::new(
        "vérifiez que le dossier existe et qu'il est accessible en écriture",
        "check that the folder exists and that you may write in it",
    ))
}

/// The character of a Windows-1252 byte from 0x80 up (what a French file in
/// that encoding most likely meant).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let t = decode(b"\xEF\xBB\xBF{\"a\": 1}".to_vec(), Path::new("x.json")).unwrap();
        assert_eq!(t, "{\"a\": 1}");
        assert_eq!(strip_bom("\u{feff}x"), "x");
    }

    #[test]
    fn windows_1252_is_located() {
        // « Société » in Windows-1252 on line 2: é is 0xE9.
        let bytes = b"{\n  \"name\": \"Soci\xE9t\xE9\"\n}".to_vec();
        let d = decode(bytes, Path::new("x.json")).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(16)));
        assert_eq!(d.code, Code::FIC_002);
        assert!(d.message.contains("0xE9"), "{d}");
        assert!(d.message.contains("«\u{a0}é\u{a0}»"), "{d}");
        assert!(
            d.hint_in(crate::diagnostic::Lang::Fr)
                .unwrap()
                .contains("UTF-8")
        );
    }
}
