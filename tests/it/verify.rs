//! `charta verify` (issue #23, « The signed PDF comes back »): the example's
//! signed convention (made by `scripts/sign-example`, two signatures by
//! throwaway certificates) accepted, stored with `--keep`, written by the
//! build; the same file altered (one byte of the archived act, a byte range
//! that leaves out more than its signature value, truncated, not a PDF)
//! refused with nothing stored; another act signed with pyHanko refused,
//! naming the act it resembles.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{SIGNED_ID, charta, example_copy, example_dir};

/// The committed signed convention of the example.
fn signed_example() -> Vec<u8> {
    std::fs::read(stored_path(&example_dir()))
        .expect("scripts/sign-example wrote the example's signed PDF")
}

/// The example's archived act, as sent for signature (not signed).
fn archived_example() -> Vec<u8> {
    std::fs::read(
        example_dir()
            .join("signed")
            .join(SIGNED_ID)
            .join("convention.pdf"),
    )
    .unwrap()
}

/// A copy of the example whose archive has no signed PDF stored yet, and
/// `bytes` written beside it as `signed.pdf`.
fn setup(bytes: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = example_copy();
    let stored = stored_path(tmp.path());
    if stored.exists() {
        std::fs::remove_file(&stored).unwrap();
    }
    let file = tmp.path().join("signed.pdf");
    std::fs::write(&file, bytes).unwrap();
    let prog = tmp.path().to_path_buf();
    (tmp, prog, file)
}

fn stored_path(prog: &Path) -> PathBuf {
    prog.join("signed")
        .join(SIGNED_ID)
        .join("convention.signed.pdf")
}

fn verify(file: &Path, prog: &Path, extra: &[&str]) -> (i32, String, String) {
    let (f, p) = (file.to_str().unwrap(), prog.to_str().unwrap());
    let mut args = vec!["verify", f, p];
    args.extend_from_slice(extra);
    charta(&args)
}

/// The refusal of `bytes`: exit 1, the code and `words` on stderr, nothing stored.
fn refused(bytes: &[u8], code: &str, words: &[&str]) -> String {
    let (_tmp, prog, file) = setup(bytes);
    let (status, out, err) = verify(&file, &prog, &["--keep"]);
    assert_eq!(status, 1, "refused: {err}\n{out}");
    assert!(err.contains(code), "{code} expected:\n{err}");
    for w in words {
        assert!(err.contains(w), "`{w}` expected:\n{err}");
    }
    assert!(!stored_path(&prog).exists(), "nothing stored");
    err
}

#[test]
fn the_signed_example_is_accepted_kept_and_built() {
    let bytes = signed_example();
    let (_tmp, prog, file) = setup(&bytes);
    let (status, out, err) = verify(&file, &prog, &[]);
    assert_eq!(status, 0, "{out}\n{err}");
    for w in [
        "la convention maison-solidarites-montvalon",
        "2 signatures, 3 révisions",
        "1. champ signature-1 — Claire-Hélène Vasseur (Maison des Solidarités de Montvalon)",
        "(attribut signé) — intacte (RSA PKCS#1 v1.5, SHA-256) — couvre sa révision (2 sur 3), pas les suivantes",
        "2. champ signature-2 — Jean-Baptiste Aubertin (Région Val-de-Meuse)",
        "— couvre tout le fichier",
        "Non vérifié\u{a0}: la chaîne de confiance",
    ] {
        assert!(out.contains(w), "`{w}` expected:\n{out}");
    }
    assert!(!stored_path(&prog).exists(), "stored only with --keep");
    // In English.
    let (status, out, _) = verify(&file, &prog, &["--lang", "en"]);
    assert_eq!(status, 0);
    assert!(
        out.contains("intact (RSA PKCS#1 v1.5, SHA-256) — covers the whole file"),
        "{out}"
    );
    assert!(
        out.contains("Not checked: the certificates' chain of trust"),
        "{out}"
    );
    // --keep: stored beside the act, read-only; again: the same, said so.
    let (status, _, err) = verify(&file, &prog, &["--keep"]);
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("conservé\u{a0}: signed/maison-solidarites-montvalon/convention.signed.pdf"),
        "{err}"
    );
    let stored = stored_path(&prog);
    assert_eq!(std::fs::read(&stored).unwrap(), bytes);
    assert!(std::fs::metadata(&stored).unwrap().permissions().readonly());
    let (status, _, err) = verify(&file, &prog, &["--keep"]);
    assert_eq!(status, 0, "{err}");
    assert!(err.contains("déjà conservé, identique"), "{err}");
    // The build writes OUT/<id>.signed.pdf byte for byte.
    let out_dir = prog.join("out");
    let (status, _, err) = charta(&[
        "build",
        prog.to_str().unwrap(),
        "--format",
        "md",
        "--only",
        SIGNED_ID,
    ]);
    assert!(status == 0, "{err}");
    let written = std::fs::read(out_dir.join(format!("{SIGNED_ID}.signed.pdf")))
        .expect("OUT/<id>.signed.pdf");
    assert_eq!(written, bytes);
}

#[test]
fn another_signed_pdf_already_kept_is_not_replaced() {
    let bytes = signed_example();
    let (_tmp, prog, file) = setup(&bytes);
    let stored = stored_path(&prog);
    // A different file stored before (the same act signed again elsewhere).
    let mut other = bytes.clone();
    other.extend_from_slice(b"\n");
    std::fs::write(&stored, &other).unwrap();
    let (status, _, err) = verify(&file, &prog, &["--keep"]);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("VER-007"), "{err}");
    assert_eq!(std::fs::read(&stored).unwrap(), other, "left as it was");
}

/// The offset of the last `/ByteRange [0 b c d]` and its four numbers.
fn last_byte_range(pdf: &[u8]) -> (usize, usize, [usize; 4]) {
    let at = pdf
        .windows(10)
        .rposition(|w| w == b"/ByteRange")
        .expect("a signature");
    let open = at + pdf[at..].iter().position(|&c| c == b'[').unwrap();
    let close = open + pdf[open..].iter().position(|&c| c == b']').unwrap();
    let text = std::str::from_utf8(&pdf[open + 1..close]).unwrap();
    let n: Vec<usize> = text
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    (open, close, [n[0], n[1], n[2], n[3]])
}

/// `pdf` with its last `/ByteRange` rewritten (same length, padded with spaces).
fn with_byte_range(pdf: &[u8], range: [usize; 4]) -> Vec<u8> {
    let (open, close, _) = last_byte_range(pdf);
    let mut text = format!("[{} {} {} {}", range[0], range[1], range[2], range[3]);
    assert!(text.len() <= close - open, "fits in place");
    while text.len() < close - open {
        text.push(' ');
    }
    let mut out = pdf.to_vec();
    out[open..close].copy_from_slice(text.as_bytes());
    out
}

#[test]
fn a_byte_range_must_reach_the_end_of_its_revision() {
    let bytes = signed_example();
    let (_, _, [a, b, c, d]) = last_byte_range(&bytes);
    assert_eq!(c + d, bytes.len(), "the last signature covers the file");
    // At the value: the genuine file (the rewriting itself changes nothing).
    let (_tmp, prog, file) = setup(&with_byte_range(&bytes, [a, b, c, d]));
    assert_eq!(verify(&file, &prog, &[]).0, 0);
    // One under: a byte of the revision left out.
    refused(
        &with_byte_range(&bytes, [a, b, c, d - 1]),
        "VER-004",
        &[
            "ne couvre pas tout ce qu'elle devrait",
            "elle s'arrête 1 octets avant",
        ],
    );
    // Much less: the partial range of a crafted file.
    refused(
        &with_byte_range(&bytes, [a, b, c, d - 200]),
        "VER-004",
        &["s'arrête 200 octets avant la fin de sa révision"],
    );
    // One over: beyond the end of the file.
    refused(
        &with_byte_range(&bytes, [a, b, c, d + 1]),
        "VER-002",
        &["tronqué"],
    );
    // Not from the start, or a gap wider than the signature value.
    refused(
        &with_byte_range(&bytes, [1, b - 1, c, d]),
        "VER-004",
        &["ne commence pas au début"],
    );
    refused(
        &with_byte_range(&bytes, [a, b - 1, c, d]),
        "VER-004",
        &["ne sont pas exactement sa valeur"],
    );
}

#[test]
fn one_byte_of_the_archived_act_changed_is_refused_and_named() {
    let bytes = signed_example();
    let archived = archived_example();
    let mut altered = bytes.clone();
    let at = archived.len() / 2;
    altered[at] ^= 0x01;
    refused(
        &altered,
        "VER-005",
        &[
            "ce n'est pas l'acte archivé par charta",
            "il ressemble à signed/maison-solidarites-montvalon/convention.pdf",
        ],
    );
    // A byte of the last revision changed: the act is the archived one, the
    // signatures no longer hold.
    // (the last digit of the last `startxref`, which this reading does not use).
    let mut late = bytes.clone();
    let at = late.len() - 8;
    assert!(late[at].is_ascii_digit());
    late[at] = b'0' + (late[at] - b'0' + 1) % 10;
    let err = refused(
        &late,
        "VER-006",
        &["la signature n°\u{a0}2 n'est pas intacte"],
    );
    assert!(!err.contains("n°\u{a0}1 n'est pas"), "{err}");
}

#[test]
fn truncated_not_a_pdf_and_unsigned_are_refused() {
    let bytes = signed_example();
    // The last end of line cut: the last signature's range goes beyond the file.
    refused(&bytes[..bytes.len() - 1], "VER-002", &["tronqué"]);
    refused(&bytes[..bytes.len() * 2 / 3], "VER-002", &["tronqué"]);
    refused(b"%PDF-1.7\n", "VER-002", &["tronqué"]);
    refused(b"Bonjour", "VER-001", &["n'est pas un PDF"]);
    refused(b"", "VER-001", &["n'est pas un PDF"]);
    let archived = archived_example();
    refused(&archived, "VER-003", &["aucune signature"]);
    // Bytes added after the last signature.
    let mut extended = bytes.clone();
    extended.extend_from_slice(b"% ajout\n");
    refused(&extended, "VER-002", &["prolongé"]);
}

/// pyHanko and openssl, or the skip (a failure under CHARTA_REQUIRE_CLIENTS).
fn signing_tools() -> bool {
    crate::signing::tools_present(&["pyhanko", "openssl"])
}

/// Signs `input` into `output` in a new field `field` with a throwaway
/// self-signed certificate made in `dir`.
fn sign(dir: &Path, input: &Path, output: &Path, field: &str) {
    let (key, cert) = (dir.join("k.pem"), dir.join("c.pem"));
    let ok = Command::new("openssl")
        .args([
            "req", "-x509", "-utf8", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args(["-subj", "/CN=Signataire de test/O=charta"])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = crate::clients::pyhanko_command()
        .args([
            "sign",
            "addsig",
            "--field",
            &format!("1/50,50,250,120/{field}"),
            "pemder",
            "--no-pass",
        ])
        .arg("--key")
        .arg(&key)
        .arg("--cert")
        .arg(&cert)
        .arg(input)
        .arg(output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn another_act_signed_is_refused_and_names_the_act_it_resembles() {
    if !signing_tools() {
        return;
    }
    let tmp = example_copy();
    let prog = tmp.path();
    // The draft avenant n° 1 of the signed convention: another act, not archived.
    let (status, _, err) = charta(&[
        "build",
        prog.to_str().unwrap(),
        "--format",
        "pdf",
        "--only",
        SIGNED_ID,
    ]);
    assert_eq!(status, 0, "{err}");
    let avenant = prog.join("out").join(format!("{SIGNED_ID}.avenant-1.pdf"));
    let signed = prog.join("avenant-signe.pdf");
    sign(prog, &avenant, &signed, "signature-1");
    let (status, out, err) = verify(&signed, prog, &["--keep"]);
    assert_eq!(status, 1, "{out}\n{err}");
    for w in [
        "VER-005",
        "ce n'est pas l'acte archivé par charta",
        "il ressemble à signed/maison-solidarites-montvalon/convention.pdf",
        "même identifiant de document",
    ] {
        assert!(err.contains(w), "`{w}` expected:\n{err}");
    }
    // The archived convention itself, signed with pyHanko here: accepted.
    let archived = prog.join("signed").join(SIGNED_ID).join("convention.pdf");
    let fresh = prog.join("convention-signee.pdf");
    sign(prog, &archived, &fresh, "signature-1");
    let (status, out, err) = verify(&fresh, prog, &[]);
    assert_eq!(status, 0, "{out}\n{err}");
    assert!(
        out.contains("champ signature-1 — Signataire de test (charta)"),
        "{out}"
    );
    assert!(out.contains("couvre tout le fichier"), "{out}");
}

#[test]
fn the_desk_shows_the_convention_signed_electronically_with_its_signers() {
    let tmp = example_copy();
    // The example's archive holds the signed PDF: the desk reads and checks it.
    let desk = crate::serve::Desk::start(tmp.path());
    let page = desk.get(&format!("/convention/{SIGNED_ID}")).text();
    assert!(
        page.contains(
            "La convention est signée électroniquement par Claire-Hélène Vasseur (Maison des Solidarités de Montvalon), le "
        ),
        "{page}"
    );
    assert!(
        page.contains("; Jean-Baptiste Aubertin (Région Val-de-Meuse), le "),
        "{page}"
    );
    // A convention without a stored signed PDF: nothing said.
    let other = desk.get("/convention/recyclerie-vaudrecourt").text();
    assert!(!other.contains("électroniquement"), "{other}");
}
