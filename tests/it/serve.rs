//! `charta serve` from outside: the real binary on a free port, spoken to over
//! HTTP; the refusals (no token, a stale edit, a signed convention, a path
//! outside the programme, a body too large, another host), the live check
//! against `charta check`, an atomic save, Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

/// A `charta serve` process; stopped with SIGINT (as Ctrl-C) when dropped.
pub struct Desk {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Desk {
    pub fn start(dir: &Path) -> Desk {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charta"))
            .args(["serve", dir.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("charta serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("address printed");
        let addr = line
            .trim()
            .strip_prefix("http://")
            .and_then(|s| s.strip_suffix('/'))
            .unwrap_or_else(|| panic!("printed address: {line:?}"))
            .to_string();
        Desk { child, addr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits for the exit status.
    pub fn interrupt(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn get(&self, path: &str) -> Reply {
        http(&self.addr, "GET", path, &[], b"")
    }

    pub fn token(&self) -> String {
        let page = self.get("/").text();
        let start = page
            .find("name=\"charta-jeton\" content=\"")
            .expect("token meta")
            + 29;
        page[start..start + 64].to_string()
    }

    /// POST with the page's token.
    pub fn post(&self, path: &str, body: &Value) -> Reply {
        let token = self.token();
        http(
            &self.addr,
            "POST",
            path,
            &[("X-Charta-Jeton", &token)],
            body.to_string().as_bytes(),
        )
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() && self.interrupt().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 client: one request per connection, the raw path sent as given.
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    http_host(addr, addr, method, path, headers, body)
}

pub fn http_host(
    addr: &str,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    // The server may answer (and close) before reading a body it refuses.
    let _ = s.write_all(req.as_bytes());
    let _ = s.write_all(body);
    // Read the head, then the body by its length (a server may keep the
    // connection open), by chunks, or to the end.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let split = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => panic!("no HTTP head in {:?}", String::from_utf8_lossy(&raw)),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    };
    let head_lower = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length = head_lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head_lower.contains("transfer-encoding: chunked");
    loop {
        let have = raw.len() - split - 4;
        if length.is_some_and(|n| have >= n) || (chunked && raw.ends_with(b"0\r\n\r\n")) {
            break;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
}

const ID: &str = "atelier-velo-thionvaux";

fn file(dir: &Path, id: &str) -> std::path::PathBuf {
    dir.join("associations").join(format!("{id}.json"))
}

fn opened(desk: &Desk, id: &str) -> (String, Value) {
    let c = desk.get(&format!("/api/convention/{id}")).json();
    (
        c["empreinte"].as_str().unwrap().to_string(),
        c["donnees"].clone(),
    )
}

#[test]
fn serve_binds_loopback_lists_the_programme_and_stops_on_ctrl_c() {
    let tmp = example_copy();
    edit_json(&file(tmp.path(), "reseau-insertion-emploi"), |v| {
        v["convention"]["signature"]["date"] = json!("2026-02-10");
    });
    edit_json(&file(tmp.path(), "tiers-lieu-les-communs"), |v| {
        v["association"]["name"] = json!("<script>alert('x')</script> & « Cie »");
        v["association"]["bank"]["iban"] = json!("FR7630001007941234567890180");
    });
    let mut desk = Desk::start(tmp.path());
    assert!(desk.addr.starts_with("127.0.0.1:"), "{}", desk.addr);
    let page = desk.get("/");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<html lang=\"fr\">"));
    for id in association_ids(tmp.path()) {
        assert!(html.contains(&format!("href=\"/convention/{id}\"")), "{id}");
    }
    // Statuses: signed, errors, drafts.
    let row = |id: &str| {
        let at = html.find(&format!("href=\"/convention/{id}\"")).unwrap();
        let start = html[..at].rfind("<tr").unwrap();
        html[start..at].to_string()
    };
    assert!(row("reseau-insertion-emploi").contains("data-statut=\"signee\""));
    assert!(row("tiers-lieu-les-communs").contains("data-statut=\"erreurs\""));
    assert!(row(ID).contains("data-statut=\"brouillon\""));
    // User data is data.
    assert!(!html.contains("<script>alert"), "unescaped name");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; « Cie »"));
    // French, and the safety headers.
    assert!(html.contains("Générer toutes les conventions"));
    let csp = page.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    // Ctrl-C: stops, exit status 0.
    assert_eq!(desk.interrupt(), Some(0));
    let mut err = String::new();
    desk.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("bureau arrêté"), "{err}");
}

#[test]
fn a_request_without_the_token_changes_nothing() {
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let before = std::fs::read(file(tmp.path(), ID)).unwrap();
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["funding"]["2026"] = json!(1);
    let body = json!({ "empreinte": hash, "donnees": data }).to_string();
    for headers in [vec![], vec![("X-Charta-Jeton", "0".repeat(64))]] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = http(
            &desk.addr,
            "POST",
            &format!("/api/save/{ID}"),
            &h,
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "{}", r.text());
        assert!(r.json()["erreur"].as_str().unwrap().contains("jeton"));
        let r = http(&desk.addr, "POST", "/api/build", &h, b"{}");
        assert_eq!(r.status, 403);
    }
    assert_eq!(std::fs::read(file(tmp.path(), ID)).unwrap(), before);
    assert!(!tmp.path().join("out").exists(), "no build ran");
    // The token is drawn anew at each start.
    let other = Desk::start(tmp.path());
    assert_ne!(desk.token(), other.token());
}

#[test]
fn no_path_outside_the_programme_is_reachable() {
    let tmp = example_copy();
    std::fs::write(tmp.path().join("secret.txt"), "SECRET-DU-SERVICE").unwrap();
    charta(&["build", tmp.path().to_str().unwrap(), "--format", "md"]);
    let desk = Desk::start(tmp.path());
    for path in [
        "/telecharger/../secret.txt",
        "/telecharger/..%2Fsecret.txt/md",
        "/telecharger/%2e%2e/md",
        "/telecharger/..%2F..%2Fsecret/txt",
        &format!("/telecharger/{ID}/..%2F..%2Fsecret.txt"),
        &format!("/telecharger/{ID}/txt"),
        "/convention/..%2Fsecret.txt",
        "/convention/../charta.toml",
        "/assets/..%2F..%2Fsecret.txt",
        "/assets/../../Cargo.toml",
        "/api/convention/..%2F..%2Fsecret",
        "/../../../../etc/passwd",
        "/secret.txt",
        "/charta.toml",
    ] {
        let r = desk.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.text());
        assert!(!r.text().contains("SECRET"), "{path}");
        assert!(!r.text().contains("[programme]"), "{path}");
    }
    let r = desk.post(
        "/api/save/..%2F..%2Fsecret",
        &json!({ "empreinte": "", "donnees": {} }),
    );
    assert_eq!(r.status, 404);
    // What the programme lists is served, by id and format name only.
    let md = desk.get(&format!("/telecharger/{ID}/md"));
    assert_eq!(md.status, 200);
    assert_eq!(
        md.body,
        std::fs::read(tmp.path().join("out").join(format!("{ID}.md"))).unwrap()
    );
    assert!(
        md.header("Content-Disposition")
            .unwrap()
            .contains(&format!("{ID}.md"))
    );
    // Another host name (DNS rebinding) is refused.
    let r = http_host(&desk.addr, "desk.example.org", "GET", "/", &[], b"");
    assert_eq!(r.status, 421);
}

#[test]
fn a_stale_edit_is_refused() {
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let (hash, mut data) = opened(&desk, ID);
    // Someone else changes the file meanwhile.
    edit_json(&file(tmp.path(), ID), |v| {
        v["convention"]["funding"]["2027"] = json!(31000);
    });
    let theirs = std::fs::read(file(tmp.path(), ID)).unwrap();
    data["convention"]["funding"]["2026"] = json!(29000);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(
        r.json()["erreur"]
            .as_str()
            .unwrap()
            .contains("a changé sur le disque")
    );
    assert_eq!(
        std::fs::read(file(tmp.path(), ID)).unwrap(),
        theirs,
        "their edit is kept"
    );
}

#[test]
fn a_signed_convention_is_never_edited() {
    let tmp = example_copy();
    edit_json(&file(tmp.path(), ID), |v| {
        v["convention"]["signature"]["date"] = json!("2026-02-10");
    });
    let before = std::fs::read(file(tmp.path(), ID)).unwrap();
    let desk = Desk::start(tmp.path());
    let page = desk.get(&format!("/convention/{ID}")).text();
    assert!(
        page.contains("Cette convention est signée"),
        "the page says so"
    );
    assert!(page.contains("avenant"), "and offers the avenant");
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["funding"]["2026"] = json!(35000);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(
        r.json()["erreur"]
            .as_str()
            .unwrap()
            .contains("Convention signée")
    );
    assert_eq!(std::fs::read(file(tmp.path(), ID)).unwrap(), before);
}

#[test]
fn live_check_says_what_charta_check_says_and_a_save_with_errors_is_refused() {
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let before = std::fs::read(file(tmp.path(), ID)).unwrap();
    let (hash, mut data) = opened(&desk, ID);
    data["association"]["bank"]["iban"] = json!("FR7615629026000003692581444");
    let r = desk.post(&format!("/api/check/{ID}"), &data);
    assert_eq!(r.status, 200);
    let live = r.json();
    let at_iban: Vec<&Value> = live["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["chemin"] == "association.bank.iban")
        .collect();
    assert_eq!(at_iban.len(), 1, "{live}");
    // The same message as `charta check` on the same data written to the file.
    let copy = example_copy();
    edit_json(&file(copy.path(), ID), |v| {
        v["association"]["bank"]["iban"] = json!("FR7615629026000003692581444");
    });
    let (code, out, _) = charta(&["check", copy.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let cli: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == "association.bank.iban")
        .collect();
    assert_eq!(cli.len(), 1);
    assert_eq!(at_iban[0]["message"], cli[0]["message"]);
    assert_eq!(at_iban[0]["conseil"], cli[0]["hint"]);
    // Saving it is refused, and says where.
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let j = r.json();
    assert!(
        j["erreur"]
            .as_str()
            .unwrap()
            .contains("Rien n'a été enregistré")
    );
    assert!(
        j["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["chemin"] == "association.bank.iban" && d["severite"] == "erreur")
    );
    assert_eq!(std::fs::read(file(tmp.path(), ID)).unwrap(), before);
}

#[test]
fn a_valid_save_writes_the_file_and_the_next_save_needs_the_new_hash() {
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["funding"]["2027"] = json!(32500);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let written = std::fs::read_to_string(file(tmp.path(), ID)).unwrap();
    let v: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(v["convention"]["funding"]["2027"], json!(32500));
    // Keys keep their order; no temporary file is left.
    assert!(written.find("\"association\"").unwrap() < written.find("\"convention\"").unwrap());
    let names: Vec<String> = std::fs::read_dir(tmp.path().join("associations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.ends_with(".json")), "{names:?}");
    let (code, _, err) = charta(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // The new hash is returned; the old one is now stale.
    let new_hash = r.json()["empreinte"].as_str().unwrap().to_string();
    assert_eq!(new_hash, opened(&desk, ID).0);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 409);
    // The page shows the amount and the change since the last build (none yet: no build).
    let page = desk.get(&format!("/convention/{ID}")).text();
    assert!(page.contains("Pas de version générée"), "before any build");
}

#[test]
fn the_convention_page_has_its_articles_changes_and_downloads() {
    let tmp = example_copy();
    charta(&[
        "build",
        tmp.path().to_str().unwrap(),
        "--format",
        "md",
        "--only",
        ID,
    ]);
    edit_json(&file(tmp.path(), ID), |v| {
        v["convention"]["funding"]["2027"] = json!(32500);
    });
    let desk = Desk::start(tmp.path());
    let page = desk.get(&format!("/convention/{ID}")).text();
    // Side navigation: every article of the text, linked to its heading.
    let md = std::fs::read_to_string(tmp.path().join("out").join(format!("{ID}.md"))).unwrap();
    for (part, _) in numbered_parts(&md) {
        assert!(page.contains(&format!("href=\"#part-{part}\"")), "{part}");
        assert!(page.contains(&format!("id=\"part-{part}\"")), "{part}");
    }
    // Changes since the last build, as a redline.
    assert!(page.contains("Modifications depuis la dernière génération"));
    let marked = |tag: &str, words: &str| {
        page.split(&format!("<{tag}>"))
            .skip(1)
            .filter_map(|s| s.split(&format!("</{tag}>")).next())
            .any(|s| s.contains(words))
    };
    assert!(
        marked("ins", "trente-deux mille cinq cents euros"),
        "the new amount is inserted"
    );
    assert!(marked("del", "trente mille euros"), "the old one deleted");
    // Downloads: the formats built.
    assert!(page.contains(&format!("href=\"/telecharger/{ID}/md\"")));
    assert!(!page.contains(&format!("href=\"/telecharger/{ID}/pdf\"")));
}

#[test]
fn limits_on_request_sizes() {
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let token = desk.token();
    let big = vec![b' '; 1024 * 1024 + 10];
    let r = http(
        &desk.addr,
        "POST",
        &format!("/api/check/{ID}"),
        &[("X-Charta-Jeton", &token)],
        &big,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    let long = format!("/convention/{}", "a".repeat(3000));
    assert_eq!(desk.get(&long).status, 414);
}

/// A signed convention's changes are shown against its text in force, read
/// from the programme's archive of signed acts, not against whatever
/// `OUT/<id>.md` holds (here a stray file).
#[test]
fn a_signed_convention_is_compared_with_its_archived_text() {
    let tmp = example_copy();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join(format!("{SIGNED_ID}.md")),
        "# Un autre texte\n\nRien de signé ici.\n",
    )
    .unwrap();
    let desk = Desk::start(tmp.path());
    let page = desk.get(&format!("/convention/{SIGNED_ID}")).text();
    assert!(
        page.contains("Modifications depuis la version signée"),
        "{page}"
    );
    let marked = |tag: &str, words: &str| {
        page.split(&format!("<{tag}>"))
            .skip(1)
            .filter_map(|s| s.split(&format!("</{tag}>")).next())
            .any(|s| s.contains(words))
    };
    // The draft avenant's change of the 2027 funding, against the signed amount.
    assert!(marked("del", "quarante-cinq mille euros"), "{page}");
    assert!(marked("ins", "quarante-huit mille euros"), "{page}");
    assert!(!page.contains("Un autre texte"));
}
