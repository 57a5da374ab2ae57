//! French first (issue #17): the command line speaks French unless asked for
//! English (`--lang en` or an English locale); every diagnostic has a stable
//! code documented in docs/diagnostics.md; exit statuses follow the contract;
//! a UTF-8 byte-order mark is accepted and another encoding is named with the
//! line of its first bad byte.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use regex::Regex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `charta ARGS` with the locale `locale` (LC_ALL and LC_MESSAGES unset).
fn charta_in(locale: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charta"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", locale)
        .output()
        .expect("charta runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The check corpus' programme plus one bad association (a SIRET that fails
/// the Luhn check), in a temporary folder.
fn bad_programme() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = root().join("tests/check-cases/programme");
    std::fs::create_dir_all(dir.path().join("associations")).expect("mkdir");
    std::fs::copy(src.join("charta.toml"), dir.path().join("charta.toml")).expect("copy");
    std::fs::copy(
        src.join("associations/bonne-association.json"),
        dir.path().join("associations/bonne-association.json"),
    )
    .expect("copy");
    std::fs::copy(
        root().join("tests/check-cases/associations/siret-luhn.json"),
        dir.path().join("associations/siret-luhn.json"),
    )
    .expect("copy");
    dir
}

#[test]
fn check_speaks_french_by_default() {
    let prog = bad_programme();
    let out = charta_in("C.UTF-8", &["check", prog.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("erreur [DON-"),
        "French severity and a code:\n{err}"
    );
    assert!(
        err.contains("le SIRET 80214763700029 ne passe pas le contrôle de Luhn"),
        "{err}"
    );
    assert!(err.contains("= à\u{a0}: association.siret"), "{err}");
    assert!(
        err.contains("= aide\u{a0}: vérifiez les 14 chiffres"),
        "{err}"
    );
    assert!(
        err.contains("2 fichiers d'association vérifiés\u{a0}: 1 erreur, 0 avertissement"),
        "{err}"
    );
    assert!(!err.contains("error"), "no English left:\n{err}");
}

#[test]
fn check_speaks_english_when_asked() {
    let prog = bad_programme();
    let p = prog.path().to_str().unwrap();
    for out in [
        charta_in("C.UTF-8", &["check", p, "--lang", "en"]),
        charta_in("en_US.UTF-8", &["check", p]),
        charta_in("C.UTF-8", &["--lang=en", "check", p]),
    ] {
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("error [DON-"), "{err}");
        assert!(
            err.contains("SIRET 80214763700029 fails the Luhn check"),
            "{err}"
        );
        assert!(err.contains("= hint: check the 14 digits"), "{err}");
        assert!(
            err.contains("checked 2 association files: 1 error, 0 warnings"),
            "{err}"
        );
    }
    // --lang fr wins over an English locale.
    let out = charta_in("en_GB.UTF-8", &["check", p, "--lang", "fr"]);
    assert!(stderr(&out).contains("ne passe pas le contrôle de Luhn"));
}

#[test]
fn json_report_carries_the_code_and_the_language() {
    let prog = bad_programme();
    let p = prog.path().to_str().unwrap();
    let fr: serde_json::Value = serde_json::from_str(&stdout(&charta_in(
        "C.UTF-8",
        &["check", p, "--format", "json"],
    )))
    .expect("json");
    let en: serde_json::Value = serde_json::from_str(&stdout(&charta_in(
        "C.UTF-8",
        &["check", p, "--format", "json", "--lang", "en"],
    )))
    .expect("json");
    assert_eq!(fr["lang"], "fr");
    assert_eq!(en["lang"], "en");
    let (d, e) = (&fr["diagnostics"][0], &en["diagnostics"][0]);
    assert_eq!(d["code"], e["code"]);
    assert!(d["code"].as_str().unwrap().starts_with("DON-"));
    assert!(d["message"].as_str().unwrap().contains("contrôle de Luhn"));
    assert!(e["message"].as_str().unwrap().contains("Luhn check"));
}

#[test]
fn help_is_french_by_default_and_english_on_demand() {
    let fr = stdout(&charta_in("C.UTF-8", &["--help"]));
    assert!(fr.contains("Utilisation\u{a0}:"), "{fr}");
    assert!(fr.contains("Commandes"), "{fr}");
    assert!(
        fr.contains("Vérifie le programme, la bibliothèque de clauses"),
        "{fr}"
    );
    assert!(fr.contains("Affiche l'aide"), "{fr}");
    let sub = stdout(&charta_in("C.UTF-8", &["build", "--help"]));
    assert!(sub.contains("Dossier de sortie (par défaut"), "{sub}");
    assert!(!sub.contains("Output folder"), "{sub}");
    let en = stdout(&charta_in("C.UTF-8", &["--lang", "en", "--help"]));
    assert!(en.contains("Usage:"), "{en}");
    assert!(
        en.contains("Validate the programme, the clause library"),
        "{en}"
    );
    let en = stdout(&charta_in("en_US.UTF-8", &["build", "--help"]));
    assert!(en.contains("Output folder (default: PROG/out)"), "{en}");
}

#[test]
fn exit_statuses_follow_the_contract() {
    let good = root().join("tests/check-cases/programme");
    let out = charta_in("C.UTF-8", &["check", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bad = bad_programme();
    let out = charta_in("C.UTF-8", &["check", bad.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // A usage error is 2, help is 0.
    assert_eq!(
        charta_in("C.UTF-8", &["check", "--format", "rtf"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(charta_in("C.UTF-8", &["--help"]).status.code(), Some(0));
    // No programme there: charta.toml unreadable, an input problem (1), in French.
    let empty = tempfile::tempdir().unwrap();
    let out = charta_in("C.UTF-8", &["check", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("erreur [FIC-004]\u{a0}: impossible de lire charta.toml"),
        "{err}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let prog = bad_programme();
    std::fs::remove_file(prog.path().join("associations/siret-luhn.json")).unwrap();
    for f in ["charta.toml", "associations/bonne-association.json"] {
        let p = prog.path().join(f);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(std::fs::read(&p).unwrap());
        std::fs::write(&p, bytes).unwrap();
    }
    let out = charta_in("C.UTF-8", &["check", prog.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_windows_1252_file_is_named_with_its_line() {
    let prog = bad_programme();
    std::fs::remove_file(prog.path().join("associations/siret-luhn.json")).unwrap();
    let good = prog.path().join("associations/bonne-association.json");
    let text = std::fs::read_to_string(&good).unwrap();
    // The same file saved as Windows-1252: « é » is one byte, 0xE9.
    let line = text
        .lines()
        .position(|l| l.contains('é'))
        .expect("an é in the file")
        + 1;
    let bytes: Vec<u8> = text
        .chars()
        .flat_map(|c| match c {
            'é' => vec![0xE9],
            c if c.is_ascii() => vec![c as u8],
            c => c.to_string().into_bytes(),
        })
        .collect();
    std::fs::write(prog.path().join("associations/windows.json"), bytes).unwrap();
    let out = charta_in("C.UTF-8", &["check", prog.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("erreur [FIC-002]\u{a0}: le fichier n'est pas en UTF-8"),
        "{err}"
    );
    assert!(err.contains(&format!("windows.json:{line}:")), "{err}");
    assert!(err.contains("«\u{a0}é\u{a0}» en Windows-1252"), "{err}");
    assert!(err.contains("enregistrez le fichier en UTF-8"), "{err}");
}

/// `docs/diagnostics.md` is written from the codes' declarations
/// (`src/diagnostic/code.rs`, one enum: a code used but not declared, or
/// declared twice, does not compile). `CHARTA_UPDATE_DOCS=1` rewrites it.
#[test]
fn the_diagnostics_page_is_written_from_the_codes() {
    let path = root().join("docs/diagnostics.md");
    let want = charta::diagnostic::markdown();
    if std::env::var_os("CHARTA_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap();
    assert!(
        have == want,
        "docs/diagnostics.md differs from the codes declared in src/diagnostic/code.rs: \
         run CHARTA_UPDATE_DOCS=1 cargo test --test it french::"
    );
}

/// Every declared code is used somewhere in `src/` (a code withdrawn is
/// removed from the enum, and its number never given again).
#[test]
fn every_declared_code_is_used() {
    let re = regex::Regex::new(r"\bCode::([A-Z]{3})_([0-9]{3})\b").unwrap();
    let mut used = BTreeSet::new();
    for e in walkdir::WalkDir::new(root().join("src")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "rs")
            && !e.path().starts_with(root().join("src/diagnostic"))
            && !e.path().ends_with(Path::new("pdf/tests.rs"))
        {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            used.extend(
                re.captures_iter(text)
                    .map(|c| format!("{}-{}", &c[1], &c[2])),
            );
        }
    }
    let unused: Vec<&str> = charta::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !used.contains(*c))
        .collect();
    assert!(
        unused.is_empty(),
        "codes declared but never used in src/: {unused:?}"
    );
}

/// The French string literal that opens a `tr!(…)` or `Text::new(…)` at
/// `at` (just after the parenthesis), with its escapes read; `None` when the
/// first argument is not a literal.
fn first_literal(text: &str, at: usize) -> Option<String> {
    let rest = text[at..].trim_start();
    let body = rest.strip_prefix('"')?;
    let (mut out, mut chars) = (String::new(), body.chars());
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                '\n' => {
                    // A continuation: the next line's leading blanks are dropped.
                    let tail: String = chars.clone().collect();
                    let skip = tail.len() - tail.trim_start().len();
                    chars = body[body.len() - tail.len() + skip..].chars();
                }
                'u' => {
                    let tail: String = chars.clone().collect();
                    let close = tail.find('}')?;
                    let hex = &tail[1..close];
                    out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                    chars = body[body.len() - tail.len() + close + 1..].chars();
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// What breaks French typography in `message`: a plain space (or none) before
/// « : ; ! ? », a plain space inside « », and « (s) » for a plural.
/// Placeholders (`{…}`) and code spans (`…`) are data, not charta's words.
fn typography_faults(message: &str) -> Vec<String> {
    let code = Regex::new(r"`[^`]*`|\{[^}]*\}|https?://\S+").unwrap();
    let m = code.replace_all(message, "X");
    let mut faults = Vec::new();
    let chars: Vec<char> = m.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let before = if i > 0 { chars[i - 1] } else { '\n' };
        let after = chars.get(i + 1).copied().unwrap_or(' ');
        let ends = after.is_whitespace() || after == '"';
        match c {
            ':' | ';' | '!' | '?' if ends && !matches!(before, '\u{a0}' | '\u{202f}' | '\n') => {
                faults.push(format!("« {c} » sans espace insécable avant"));
            }
            '«' if after == ' ' => faults.push("espace simple après «".into()),
            '»' if before == ' ' => faults.push("espace simple avant »".into()),
            _ => {}
        }
    }
    if m.contains("(s)") {
        faults.push("pluriel « (s) »".into());
    }
    faults
}

/// Every French message of `src/` (the first text of `tr!` and `Text::new`)
/// follows French typography: a no-break space before « : » and inside « »,
/// a narrow one before « ; ! ? », real plurals.
#[test]
fn every_french_message_follows_french_typography() {
    let mut bad = Vec::new();
    for e in walkdir::WalkDir::new(root().join("src")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for opener in ["tr!(", "Text::new("] {
            for (at, _) in text.match_indices(opener) {
                let Some(fr) = first_literal(text, at + opener.len()) else {
                    continue;
                };
                for fault in typography_faults(&fr) {
                    let line = text[..at].matches('\n').count() + 1;
                    let file = e.path().strip_prefix(root()).unwrap().display();
                    bad.push(format!("{file}:{line}: {fault}: {fr:?}"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} French messages break French typography:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_typography_test_sees_each_fault() {
    assert!(typography_faults("le fichier\u{a0}: {e}").is_empty());
    assert!(typography_faults("voir `a:b` et {x:?}").is_empty());
    assert_eq!(typography_faults("erreur : x").len(), 1);
    assert_eq!(typography_faults("erreur: x").len(), 1);
    assert_eq!(typography_faults("vraiment ?").len(), 1);
    assert!(typography_faults("vraiment\u{202f}?").is_empty());
    assert_eq!(typography_faults("« a »").len(), 2);
    assert!(typography_faults("«\u{a0}a\u{a0}»").is_empty());
    assert_eq!(typography_faults("{n} fichier(s)").len(), 1);
}
