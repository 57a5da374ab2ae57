//! `charta serve` from outside: the real binary on a free port, spoken to over
//! HTTP; the cookie flow (a one-time secret in the printed address, a cookie
//! for every request, reads included) and its near misses; the refusals (no
//! token, a stale edit, a signed convention, a path outside the programme, a
//! body too large, another host); two saves at the same moment; a change on
//! disk that keeps size and modification time; stalled clients; the live
//! check against `charta check`; an atomic save; Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

/// A `charta serve` process; stopped with SIGINT (as Ctrl-C) when dropped.
pub struct Desk {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// The address it printed (with its one-time secret, unless `--no-token`).
    pub printed: String,
    /// `charta-bureau-PORT=…` once [`Desk::open`] exchanged the secret.
    pub cookie: String,
}

impl Desk {
    /// Starts the desk and opens it as a browser does: the printed address,
    /// its secret exchanged for the cookie that every later request carries.
    pub fn start(dir: &Path) -> Desk {
        let mut d = Desk::launch(dir, &[]);
        d.open();
        d
    }

    /// Starts the desk without opening it.
    pub fn launch(dir: &Path, extra: &[&str]) -> Desk {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charta"))
            .args(["serve", dir.to_str().unwrap(), "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("charta serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("address printed");
        let printed = line.trim().to_string();
        let addr = printed
            .strip_prefix("http://")
            .and_then(|s| s.split_once('/'))
            .unwrap_or_else(|| panic!("printed address: {line:?}"))
            .0
            .to_string();
        Desk {
            child,
            addr,
            printed,
            cookie: String::new(),
        }
    }

    /// The one-time secret of the printed address.
    pub fn secret(&self) -> String {
        self.printed
            .split_once("?jeton=")
            .map(|(_, s)| s.to_string())
            .unwrap_or_else(|| panic!("no secret in {}", self.printed))
    }

    /// Exchanges the secret for the cookie, as the first visit of a browser.
    pub fn open(&mut self) {
        let path = format!("/?jeton={}", self.secret());
        let r = http(&self.addr, "GET", &path, &[], b"");
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("Location"), Some("/"));
        let set = r.header("Set-Cookie").expect("a cookie").to_string();
        self.cookie = set.split(';').next().unwrap().to_string();
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

    /// Stops the desk and returns what it printed on stderr.
    pub fn stop(&mut self) -> String {
        assert_eq!(self.interrupt(), Some(0));
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }

    /// GET with the cookie.
    pub fn get(&self, path: &str) -> Reply {
        http(&self.addr, "GET", path, &[("Cookie", &self.cookie)], b"")
    }

    /// The pages' token, read from the programme page.
    pub fn token(&self) -> String {
        let page = self.get("/").text();
        let start = page
            .find("name=\"charta-jeton\" content=\"")
            .expect("token meta")
            + 29;
        page[start..start + 64].to_string()
    }

    /// POST with the cookie and the pages' token.
    pub fn post(&self, path: &str, body: &Value) -> Reply {
        let token = self.token();
        self.post_with(&token, path, body)
    }

    pub fn post_with(&self, token: &str, path: &str, body: &Value) -> Reply {
        http(
            &self.addr,
            "POST",
            path,
            &[("Cookie", &self.cookie), ("X-Charta-Jeton", token)],
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

/// A copy of the example with `ID` built in Markdown into `out/`.
fn built_md() -> tempfile::TempDir {
    let tmp = draft_copy();
    charta(&[
        "build",
        tmp.path().to_str().unwrap(),
        "--format",
        "md",
        "--only",
        ID,
    ]);
    tmp
}

/// [`built_md`], then `ID`'s 2027 funding raised to 32 500 € (not built):
/// a change since the last build.
fn built_then_funded_more() -> tempfile::TempDir {
    let tmp = built_md();
    edit_json(&file(tmp.path(), ID), |v| {
        v["convention"]["funding"]["2027"] = json!(32500);
    });
    tmp
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
    let tmp = draft_copy();
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
    // Ctrl-C: stops, exit status 0; the terminal told of the browser that opened it.
    let err = desk.stop();
    assert!(err.contains("bureau arrêté"), "{err}");
    assert!(err.contains("un navigateur a ouvert le bureau"), "{err}");
    assert!(
        err.contains(&desk.printed),
        "the address with its secret: {err}"
    );
}

#[test]
fn a_request_without_the_token_changes_nothing() {
    let tmp = draft_copy();
    let desk = Desk::start(tmp.path());
    let before = std::fs::read(file(tmp.path(), ID)).unwrap();
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["funding"]["2026"] = json!(1);
    let body = json!({ "empreinte": hash, "donnees": data }).to_string();
    let zeros = "0".repeat(64);
    let secret_as_token = desk.secret();
    let token = desk.token();
    // With the cookie but without the pages' token, or a wrong one (the
    // one-time secret included): 403. Without the cookie: 401.
    for (headers, status) in [
        (vec![("Cookie", desk.cookie.as_str())], 403),
        (
            vec![
                ("Cookie", desk.cookie.as_str()),
                ("X-Charta-Jeton", zeros.as_str()),
            ],
            403,
        ),
        (
            vec![
                ("Cookie", desk.cookie.as_str()),
                ("X-Charta-Jeton", secret_as_token.as_str()),
            ],
            403,
        ),
        (vec![("X-Charta-Jeton", token.as_str())], 401),
    ] {
        let r = http(
            &desk.addr,
            "POST",
            &format!("/api/save/{ID}"),
            &headers,
            body.as_bytes(),
        );
        assert_eq!(r.status, status, "{headers:?}: {}", r.text());
        if status == 403 {
            assert!(r.json()["erreur"].as_str().unwrap().contains("jeton"));
        }
        let r = http(&desk.addr, "POST", "/api/build", &headers, b"{}");
        assert_eq!(r.status, status);
    }
    assert_eq!(std::fs::read(file(tmp.path(), ID)).unwrap(), before);
    assert!(!tmp.path().join("out").exists(), "no build ran");
    // The secrets are drawn anew at each start.
    let other = Desk::start(tmp.path());
    assert_ne!(desk.token(), other.token());
    assert_ne!(desk.secret(), other.secret());
    assert_ne!(
        desk.cookie.split('=').nth(1),
        other.cookie.split('=').nth(1)
    );
}

#[test]
fn no_path_outside_the_programme_is_reachable() {
    let tmp = draft_copy();
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
    let tmp = draft_copy();
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
    let tmp = draft_copy();
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
    let tmp = draft_copy();
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
    let copy = draft_copy();
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
    let tmp = draft_copy();
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
    let tmp = built_then_funded_more();
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
    let tmp = draft_copy();
    let desk = Desk::start(tmp.path());
    let token = desk.token();
    let big = vec![b' '; 1024 * 1024 + 10];
    let r = http(
        &desk.addr,
        "POST",
        &format!("/api/check/{ID}"),
        &[("X-Charta-Jeton", &token), ("Cookie", &desk.cookie)],
        &big,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    // At the limit, one byte over it (the body is read, not its announced length).
    let at = format!("{{\"x\": \"{}\"}}", "a".repeat(1024 * 1024 - 9));
    assert_eq!(at.len(), 1024 * 1024);
    let r = http(
        &desk.addr,
        "POST",
        &format!("/api/check/{ID}"),
        &[("X-Charta-Jeton", &token), ("Cookie", &desk.cookie)],
        at.as_bytes(),
    );
    assert_eq!(r.status, 200, "exactly 1 MiB is read: {}", r.text());
    let over = format!("{{\"x\": \"{}\"}}", "a".repeat(1024 * 1024 - 8));
    let r = http(
        &desk.addr,
        "POST",
        &format!("/api/check/{ID}"),
        &[("X-Charta-Jeton", &token), ("Cookie", &desk.cookie)],
        over.as_bytes(),
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
    let tmp = draft_copy();
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

/// Two saves of one file at the same moment, from the same version (same
/// fingerprint), with different fields: exactly one is written, the other
/// gets 409 with the data now on disk (the winner's) to reload; the file is
/// the winner's. Repeated, so that a race shows.
#[test]
fn two_saves_at_the_same_moment_one_wins_the_other_gets_409_with_the_winners_data() {
    let tmp = draft_copy();
    let desk = Arc::new(Desk::start(tmp.path()));
    let token = desk.token();
    for trial in 0..50 {
        let (hash, data) = opened(&desk, ID);
        let mut mine = data.clone();
        let mut theirs = data.clone();
        mine["convention"]["funding"]["2026"] = json!(20000 + trial);
        theirs["project"]["title"] = json!(format!("Atelier, essai {trial}"));
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = [mine.clone(), theirs.clone()]
            .into_iter()
            .map(|d| {
                let (desk, barrier, token, hash) =
                    (desk.clone(), barrier.clone(), token.clone(), hash.clone());
                std::thread::spawn(move || {
                    let body = json!({ "empreinte": hash, "donnees": d });
                    barrier.wait();
                    desk.post_with(&token, &format!("/api/save/{ID}"), &body)
                })
            })
            .collect();
        let replies: Vec<Reply> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        let won: Vec<usize> = (0..2).filter(|&i| statuses[i] == 200).collect();
        assert_eq!(won.len(), 1, "trial {trial}: {statuses:?}");
        let (w, l) = (won[0], 1 - won[0]);
        assert_eq!(statuses[l], 409, "trial {trial}: {}", replies[l].text());
        let winner = if w == 0 { &mine } else { &theirs };
        let loser = replies[l].json();
        assert_eq!(
            &loser["donnees"], winner,
            "trial {trial}: the 409 carries the data on disk"
        );
        assert!(
            loser["erreur"]
                .as_str()
                .unwrap()
                .contains("Rien n'a été enregistré")
        );
        let on_disk: Value =
            serde_json::from_str(&std::fs::read_to_string(file(tmp.path(), ID)).unwrap()).unwrap();
        assert_eq!(&on_disk, winner, "trial {trial}: the file is the winner's");
        assert_eq!(loser["empreinte"], replies[w].json()["empreinte"]);
    }
}

/// Rewrites a file with other bytes of the same length and gives it back its
/// modification time: what a file system does not always tell apart.
fn rewrite_keeping_size_and_mtime(path: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let before = std::fs::metadata(path).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from}");
    std::fs::write(path, text.replace(from, to)).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(before.modified().unwrap()).unwrap();
    drop(f);
    let after = std::fs::metadata(path).unwrap();
    assert_eq!(after.len(), before.len());
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
}

#[test]
fn a_change_on_disk_that_keeps_size_and_mtime_is_seen_and_built() {
    let tmp = draft_copy();
    let path = file(tmp.path(), ID);
    edit_json(&path, |v| v["convention"]["funding"]["2027"] = json!(30000));
    let desk = Desk::start(tmp.path());
    let (hash, _) = opened(&desk, ID);
    let page = desk.get("/").text();
    assert!(page.contains("Rayons Libres"), "{page}");
    // Another tool changes the name and an amount, same size, same time.
    rewrite_keeping_size_and_mtime(&path, "Rayons Libres, atelier", "Rayons Clairs, atelier");
    rewrite_keeping_size_and_mtime(&path, "\"2027\": 30000", "\"2027\": 39000");
    // And the programme's own file: a build reads it from disk too.
    let toml = tmp.path().join("charta.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        t.replace("Jean-Baptiste Aubertin", "Jeanne-Baptiste Aubertin"),
    )
    .unwrap();
    // « Générer » builds what is on disk.
    let r = desk.post("/api/build", &json!({ "seulement": ID }));
    assert_eq!(r.status, 202, "{}", r.text());
    let t = Instant::now();
    while desk.get("/api/build").json()["running"] == json!(true) {
        assert!(t.elapsed() < Duration::from_secs(300), "build never ended");
        std::thread::sleep(Duration::from_millis(200));
    }
    let md = std::fs::read_to_string(tmp.path().join("out").join(format!("{ID}.md"))).unwrap();
    assert!(md.contains("Rayons Clairs"), "the build read the disk");
    assert!(md.contains("trente-neuf mille euros"), "the amount on disk");
    assert!(
        md.contains("Jeanne-Baptiste Aubertin"),
        "charta.toml on disk"
    );
    // The desk shows it, and a save from the new version is accepted.
    assert!(desk.get("/").text().contains("Rayons Clairs"));
    let (new_hash, mut data) = opened(&desk, ID);
    assert_ne!(new_hash, hash);
    assert_eq!(data["convention"]["funding"]["2027"], json!(39000));
    data["convention"]["funding"]["2026"] = json!(30500);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": new_hash, "donnees": data }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // And one more, unseen by any read in between, then a save from the old fingerprint.
    rewrite_keeping_size_and_mtime(&path, "\"2026\": 30500", "\"2026\": 30600");
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": r.json()["empreinte"], "donnees": data }),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(
        r.json()["donnees"]["convention"]["funding"]["2026"],
        json!(30600)
    );
}

/// Opens `n` connections that send a request head announcing a body of 1,000
/// bytes, and never send it.
fn stalled(addr: &str, n: usize, headers: &str) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            let head = format!(
                "POST /api/check/{ID} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n{headers}\r\n"
            );
            s.write_all(head.as_bytes()).unwrap();
            s.write_all(b"{\"association\": ").unwrap();
            s
        })
        .collect()
}

/// What a connection receives until the server closes it (or `limit` passes).
fn until_closed(mut s: TcpStream, limit: Duration) -> (String, Duration) {
    let t = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got);
    (String::from_utf8_lossy(&got).into_owned(), t.elapsed())
}

#[test]
fn stalled_clients_do_not_freeze_the_desk() {
    let tmp = draft_copy();
    let mut desk = Desk::launch(tmp.path(), &["--client-timeout-ms", "1500"]);
    desk.open();
    let token = desk.token();
    let with_cookie = format!("Cookie: {}\r\nX-Charta-Jeton: {token}\r\n", desk.cookie);
    let started = Instant::now();
    let mut sockets = stalled(&desk.addr, 4, &with_cookie);
    sockets.extend(stalled(&desk.addr, 4, ""));
    // Heads that never end.
    for _ in 0..4 {
        let mut s = TcpStream::connect(&desk.addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
        sockets.push(s);
    }
    std::thread::sleep(Duration::from_millis(200));
    // The desk still answers, at once.
    for path in ["/", &format!("/convention/{ID}"), "/api/schema"] {
        let t = Instant::now();
        let r = desk.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "{path}: {:?}",
            t.elapsed()
        );
    }
    // Each connection is read in turn: `arrived` is when its answer (or its
    // closing) had come, counted from when the stalled requests were sent.
    let replies: Vec<(String, Duration)> = sockets
        .into_iter()
        .map(|s| {
            let (got, _) = until_closed(s, Duration::from_secs(10));
            (got, started.elapsed())
        })
        .collect();
    for (i, (got, arrived)) in replies.iter().enumerate() {
        let status = got.split_whitespace().nth(1).unwrap_or("");
        match i {
            // An unfinished body, with the cookie: 408 once the time is up, not before.
            0..4 => {
                assert_eq!(status, "408", "{i}: {got}");
                assert!(got.contains("Requête incomplète"), "{got}");
                assert!(*arrived >= Duration::from_millis(1400), "{i}: {arrived:?}");
            }
            // Without the cookie: refused at once, the body never read.
            4..8 => assert_eq!(status, "401", "{i}: {got}"),
            // An unfinished head: the connection is closed.
            _ => assert!(got.is_empty(), "{i}: {got}"),
        }
        assert!(*arrived < Duration::from_secs(6), "{i}: {arrived:?}");
    }
    assert_eq!(desk.get("/").status, 200);
}

/// Every request needs the cookie, reads included; near misses are refused
/// and show no data.
#[test]
fn a_read_without_the_cookie_is_refused() {
    let tmp = built_md();
    let mut desk = Desk::launch(tmp.path(), &[]);
    let iban_plain = "FR7615629026000003692581443";
    let secret = desk.secret();
    let reads = [
        "/".to_string(),
        format!("/convention/{ID}"),
        format!("/api/convention/{ID}"),
        format!("/telecharger/{ID}/md"),
        "/api/schema".to_string(),
        "/api/libelles".to_string(),
        "/api/build".to_string(),
    ];
    let shows_data = |r: &Reply| {
        let t = r.text();
        t.contains("Rayons")
            || t.contains(iban_plain)
            || t.contains("charta-jeton")
            || t.contains("\"$defs\"")
    };
    let other = Desk::launch(tmp.path(), &[]);
    let mut wrong_cookie = format!(
        "charta-bureau-{}={}",
        desk.addr.rsplit(':').next().unwrap(),
        "a".repeat(64)
    );
    for path in &reads {
        for headers in [
            vec![],
            vec![("X-Charta-Jeton", secret.as_str())],
            vec![("Authorization", secret.as_str())],
            vec![("Cookie", wrong_cookie.as_str())],
        ] {
            let r = http(&desk.addr, "GET", path, &headers, b"");
            assert_eq!(r.status, 401, "{path} {headers:?}: {}", r.text());
            assert!(!shows_data(&r), "{path}: {}", r.text());
            let h = http(&desk.addr, "HEAD", path, &headers, b"");
            assert_eq!(h.status, 401, "HEAD {path}");
        }
    }
    // The secret of another run opens nothing.
    let r = http(
        &desk.addr,
        "GET",
        &format!("/?jeton={}", other.secret()),
        &[],
        b"",
    );
    assert_eq!(r.status, 403);
    assert!(!shows_data(&r));
    // The right one, once: a cookie that is HttpOnly and SameSite=Strict.
    let r = http(
        &desk.addr,
        "GET",
        &format!("/convention/{ID}?jeton={secret}"),
        &[],
        b"",
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("Location"),
        Some(format!("/convention/{ID}").as_str())
    );
    let set = r.header("Set-Cookie").unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    desk.cookie = set.split(';').next().unwrap().to_string();
    for path in &reads {
        assert_eq!(desk.get(path).status, 200, "{path}");
    }
    assert!(
        desk.get(&format!("/api/convention/{ID}"))
            .text()
            .contains(iban_plain)
    );
    // A second use of the secret: refused without the cookie, and nothing shown.
    let r = http(&desk.addr, "GET", &format!("/?jeton={secret}"), &[], b"");
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("déjà servi"), "{}", r.text());
    assert!(!shows_data(&r));
    // The cookie with one character changed.
    let (name, value) = desk.cookie.split_once('=').unwrap();
    let mut v = value.as_bytes().to_vec();
    v[value.len() / 2] = if v[value.len() / 2] == b'0' {
        b'1'
    } else {
        b'0'
    };
    wrong_cookie = format!("{name}={}", String::from_utf8(v).unwrap());
    let r = http(&desk.addr, "GET", "/", &[("Cookie", &wrong_cookie)], b"");
    assert_eq!(r.status, 401);
    // The right cookie sent by a page of another site, or of another port of 127.0.0.1.
    for site in ["cross-site", "same-site"] {
        let r = http(
            &desk.addr,
            "GET",
            &format!("/api/convention/{ID}"),
            &[("Cookie", &desk.cookie), ("Sec-Fetch-Site", site)],
            b"",
        );
        assert_eq!(r.status, 403, "{site}");
        assert!(!shows_data(&r));
    }
    // Hosts: only the printed address (and localhost on its port).
    let port = desk.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        "127.0.0.1.evil",
        &format!("127.0.0.1.evil:{port}"),
        "127.0.0.1",
        &format!("localhost.evil:{port}"),
    ] {
        let r = http_host(
            &desk.addr,
            host,
            "GET",
            "/",
            &[("Cookie", &desk.cookie)],
            b"",
        );
        assert_eq!(r.status, 421, "{host}");
        assert!(
            r.text().contains("Adresse refusée"),
            "a French page: {}",
            r.text()
        );
        assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    }
    let r = http_host(
        &desk.addr,
        &format!("localhost:{port}"),
        "GET",
        "/",
        &[("Cookie", &desk.cookie)],
        b"",
    );
    assert_eq!(r.status, 200);
    let err = desk.stop();
    assert!(err.contains("adresse refusée"), "the terminal tells: {err}");
}

#[test]
fn without_token_the_desk_says_so_loudly_and_writes_still_need_the_page_token() {
    let tmp = draft_copy();
    let mut desk = Desk::launch(tmp.path(), &["--no-token"]);
    assert!(!desk.printed.contains("jeton"), "{}", desk.printed);
    assert_eq!(http(&desk.addr, "GET", "/", &[], b"").status, 200);
    let r = http(&desk.addr, "POST", "/api/build", &[], b"{}");
    assert_eq!(r.status, 403);
    let err = desk.stop();
    assert!(err.contains("SANS JETON") && err.contains("IBAN"), "{err}");
}

#[test]
fn head_answers_as_get_without_a_body_and_errors_of_pages_are_french_pages() {
    let tmp = draft_copy();
    let desk = Desk::start(tmp.path());
    let get = desk.get("/");
    let head = http(&desk.addr, "HEAD", "/", &[("Cookie", &desk.cookie)], b"");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(head.header("Content-Type"), get.header("Content-Type"));
    // A page that does not exist: a French page; an endpoint that does not: JSON.
    let r = desk.get("/nulle-part");
    assert_eq!(r.status, 404);
    assert!(r.header("Content-Type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("Page introuvable") && r.text().contains("<html lang=\"fr\">"));
    let r = desk.get("/convention/inconnue");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Page introuvable"));
    let r = desk.get("/api/convention/inconnue");
    assert_eq!(r.status, 404);
    assert!(r.json()["erreur"].as_str().unwrap().contains("introuvable"));
    let r = http(
        &desk.addr,
        "DELETE",
        "/",
        &[("Cookie", &desk.cookie), ("X-Charta-Jeton", &desk.token())],
        b"",
    );
    assert_eq!(r.status, 405);
}

/// Setting a signature date locks the convention for good: the desk asks
/// first (428 without the confirmation), then shows the lock.
#[test]
fn a_signature_date_is_saved_only_when_confirmed_and_then_locks_the_page() {
    let tmp = draft_copy();
    let desk = Desk::start(tmp.path());
    let before = std::fs::read(file(tmp.path(), ID)).unwrap();
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["signature"]["date"] = json!("2026-03-02");
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data }),
    );
    assert_eq!(r.status, 428, "{}", r.text());
    assert!(r.json()["erreur"].as_str().unwrap().contains("Confirmez"));
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data, "confirmer_signature": false }),
    );
    assert_eq!(r.status, 428);
    assert_eq!(
        std::fs::read(file(tmp.path(), ID)).unwrap(),
        before,
        "nothing written"
    );
    let page = desk.get(&format!("/convention/{ID}")).text();
    assert!(page.contains("id=\"confirmer-signature\"") && page.contains("acte signé"));
    assert!(!page.contains("Signée, verrouillée"));
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data, "confirmer_signature": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["signee"], json!(true));
    let page = desk.get(&format!("/convention/{ID}")).text();
    assert!(page.contains("Signée, verrouillée"), "the lock shows");
    assert!(page.contains("data-signee=\"oui\""));
    // From now on, nothing is saved.
    let (hash, mut data) = opened(&desk, ID);
    data["convention"]["funding"]["2026"] = json!(1);
    let r = desk.post(
        &format!("/api/save/{ID}"),
        &json!({ "empreinte": hash, "donnees": data, "confirmer_signature": true }),
    );
    assert_eq!(r.status, 403);
}

/// The strings between quotes or backticks of a script.
fn string_literals(js: &str) -> Vec<String> {
    let re = regex::Regex::new(r#""([^"\n\\]|\\.)*"|`[^`\n]*`"#).unwrap();
    // The code inside a template literal's `${…}` is not text.
    let code = regex::Regex::new(r"\$\{[^}]*\}").unwrap();
    re.find_iter(js)
        .map(|m| code.replace_all(m.as_str(), "·").into_owned())
        .collect()
}

/// The visible text of a page: its tags removed.
fn visible(html: &str) -> String {
    let script = regex::Regex::new(r"(?s)<script[^>]*>.*?</script>").unwrap();
    let style = regex::Regex::new(r"(?s)<style[^>]*>.*?</style>").unwrap();
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let html = style
        .replace_all(&script.replace_all(html, ""), "")
        .into_owned();
    tags.replace_all(&html, " ").into_owned()
}

fn assert_french_typography(what: &str, text: &str) {
    for bad in [" :", " ;", " !", " ?", "« ", " »", "(s)"] {
        let at = text.find(bad);
        assert!(
            at.is_none(),
            "{what}: {bad:?} in {:?}",
            at.map(|i| &text[i.saturating_sub(40)..(i + 40).min(text.len())])
        );
    }
}

#[test]
fn the_desks_own_texts_follow_french_typography_and_say_no_jargon() {
    let tmp = built_then_funded_more();
    let desk = Desk::start(tmp.path());
    // The desk's own words: the convention's text (in the article, the
    // redline and the side navigation) is the act's, not the desk's.
    let act = regex::Regex::new(
        r#"(?s)<article class="texte">.*?</article>|<div class="rl">.*?</div>|<nav class="sommaire".*?</nav>"#,
    )
    .unwrap();
    for path in [
        "/".to_string(),
        format!("/convention/{ID}"),
        "/nulle-part".to_string(),
    ] {
        let html = desk.get(&path).text();
        let text = visible(&act.replace_all(&html, ""));
        assert_french_typography(&path, &text);
        // No code of the file in a label.
        for jargon in ["null", "non-economic", "Luhn"] {
            assert!(!text.contains(jargon), "{path}: {jargon}");
        }
    }
    let js = desk.get("/assets/app.js").text();
    for lit in string_literals(&js) {
        assert_french_typography("app.js", &lit);
    }
    let words = desk.get("/api/libelles").json();
    // Every word shown (the values; the keys are the file's paths and codes).
    fn shown(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Object(m) => m.values().for_each(|x| shown(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    shown(&words, &mut all);
    assert!(all.len() > 100, "{}", all.len());
    for w in &all {
        for jargon in ["null", "non-economic", "Luhn", "AAAA"] {
            assert!(!w.contains(jargon), "{jargon} in {w}");
        }
        assert_french_typography("api/libelles", w);
    }
    assert_eq!(
        words["choix"]["convention.regime"]["non-economic"],
        json!("activité non économique (hors aides d'État)")
    );
    assert_eq!(
        words["champs"]["convention.signature.date"]["date"],
        json!(true)
    );
    // The programme's summary: real plurals.
    let page = desk.get("/").text();
    let n = association_ids(tmp.path()).len();
    assert!(
        page.contains(&format!("{n}\u{a0}conventions\u{a0}: ")),
        "{}",
        visible(&page)
    );
    assert!(!page.contains("(s)"));
    // The redline reads as text: no Markdown sign, no clause id.
    let page = desk.get(&format!("/convention/{ID}")).text();
    let start = page.find("<section id=\"modifications\">").unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    let changes = &page[start..end];
    assert!(
        changes.contains("Article 4 – Contribution financière\u{a0}: passage modifié"),
        "{changes}"
    );
    assert!(
        !changes.contains("Clause «") && !changes.contains("contribution-financiere"),
        "{changes}"
    );
    assert!(
        !visible(changes).contains("**") && !visible(changes).contains("\n- "),
        "{changes}"
    );
    assert!(changes.contains("<ins>") && changes.contains("<del>"));
}
