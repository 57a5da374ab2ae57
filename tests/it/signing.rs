//! A throwaway signer for the tests that sign PDFs (poppler's `pdfsig`,
//! pyHanko): a self-signed certificate made with `openssl`, as a PKCS#12
//! file ([`make_p12`]) and in a new NSS database ([`make_nss_db`]).
//! Self-contained, shared by the signature tests; nothing here is a secret
//! (the key is made in a temporary folder and thrown away with it).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The nickname of the certificate in the NSS database (`pdfsig -nick`).
pub const NICK: &str = "charta-test";
/// The PKCS#12 file's password.
pub const P12_PASSWORD: &str = "charta";

/// The programs the signature tests drive.
pub const TOOLS: [&str; 7] = [
    "openssl",
    "certutil",
    "pk12util",
    "pdfsig",
    "pdftotext",
    "qpdf",
    "pyhanko",
];

/// Whether every program of `tools` is on the PATH (pyHanko: found as
/// `clients::pyhanko` finds it, and run through `clients::pyhanko_command`).
/// When one is not: with
/// `CHARTA_REQUIRE_CLIENTS=1`, panics; otherwise says on stderr what is
/// skipped and returns `false` (see `clients::present`).
pub fn tools_present(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|&t| match t {
            "pyhanko" => super::clients::pyhanko().is_none(),
            _ => super::clients::on_path(t).is_none(),
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let why = format!("not found: {}", missing.join(", "));
    if std::env::var(super::clients::REQUIRE).is_ok_and(|v| !v.is_empty() && v != "0") {
        panic!("{test}: {why} ({} is set)", super::clients::REQUIRE);
    }
    eprintln!(
        "SKIPPED {test} (what needs {}): {why}; `{}` installs them",
        missing.join(", "),
        super::clients::SETUP
    );
    false
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `dir/signer.key.pem`, `dir/signer.cert.pem` (self-signed, for signing
/// documents) and `dir/signer.p12` (both, password [`P12_PASSWORD`]);
/// returns the PKCS#12 file.
pub fn make_p12(dir: &Path) -> PathBuf {
    let (key, cert, p12) = (
        dir.join("signer.key.pem"),
        dir.join("signer.cert.pem"),
        dir.join("signer.p12"),
    );
    run(Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
        .args([
            "-keyout".as_ref(),
            key.as_os_str(),
            "-out".as_ref(),
            cert.as_os_str(),
            "-days".as_ref(),
            "3650".as_ref(),
            "-subj".as_ref(),
            "/CN=Signataire de test charta/O=charta".as_ref(),
            "-addext".as_ref(),
            "keyUsage=critical,digitalSignature,nonRepudiation".as_ref(),
        ]));
    run(Command::new("openssl").args(["pkcs12", "-export"]).args([
        "-in".as_ref(),
        cert.as_os_str(),
        "-inkey".as_ref(),
        key.as_os_str(),
        "-out".as_ref(),
        p12.as_os_str(),
        "-name".as_ref(),
        NICK.as_ref(),
        "-passout".as_ref(),
        format!("pass:{P12_PASSWORD}").as_ref(),
    ]));
    p12
}

/// A new NSS database in `dir/nss` (no password) holding the signer of
/// [`make_p12`], trusted, under the nickname [`NICK`]: what `pdfsig
/// -nssdir` reads. Returns the database's folder.
pub fn make_nss_db(dir: &Path) -> PathBuf {
    let p12 = make_p12(dir);
    let db = dir.join("nss");
    std::fs::create_dir_all(&db).unwrap();
    let sql = format!("sql:{}", db.display());
    run(Command::new("certutil").args(["-N", "--empty-password", "-d", &sql]));
    run(Command::new("pk12util")
        .args(["-d", &sql, "-W", P12_PASSWORD, "-i"])
        .arg(&p12));
    run(Command::new("certutil").args(["-M", "-d", &sql, "-n", NICK, "-t", "CT,C,C"]));
    db
}
