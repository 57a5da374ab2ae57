//! `charta serve` in a real browser: headless Chromium driven through
//! chromedriver (the WebDriver protocol, HTTP + JSON, spoken with the small
//! client of `serve`). Open the programme, open a convention, change an
//! amount, see an IBAN error appear next to its field, fix it, save, build,
//! download the PDF.
//!
//! Needs `chromium` and `chromium-driver` (Debian; `scripts/setup` installs them;
//! without them the test is skipped, see `clients`).
//! With `CHARTA_SCREENSHOTS=DIR`, the main pages are saved there as PNG (the
//! guide's screenshots: `CHARTA_SCREENSHOTS=docs/guide/src/img cargo test browser`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;
use crate::serve::{Desk, http};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const ID: &str = "atelier-velo-thionvaux";

struct Driver {
    child: Child,
    addr: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(
            &self.addr,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            b"",
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    fn start(downloads: &Path) -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            // Chromium on Linux takes its locale (the order of a date in the
            // form) from the environment, if its French files are installed
            // (Debian: chromium-l10n); without them, dates show as in the US.
            .env("LANG", "fr_FR.UTF-8")
            .env("LANGUAGE", "fr")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/setup installs chromium-driver)");
        let addr = format!("127.0.0.1:{port}");
        let t = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": crate::clients::chromium().expect("chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1360,900", "--lang=fr-FR", "--force-device-scale-factor=1"],
                "prefs": {
                    "download.default_directory": downloads.to_str().unwrap(),
                    "download.prompt_for_download": false,
                    "intl.accept_languages": "fr-FR"
                }
            }
        }}});
        let mut d = Driver {
            child,
            addr,
            session: String::new(),
        };
        let r = d.raw("POST", "/session", Some(caps));
        d.session = r["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        d.cmd(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Browser.setDownloadBehavior",
                    "params": { "behavior": "allow", "downloadPath": downloads.to_str().unwrap() } }),
        );
        d
    }

    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let r = http(&self.addr, method, path, &[], body.as_bytes());
        let v = r.json();
        assert!(r.status < 400, "{method} {path}: {}", r.text());
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let body = if method == "GET" { None } else { Some(body) };
        self.raw(method, &format!("/session/{}{path}", self.session), body)
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url }));
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
    }

    fn find(&self, css: &str) -> Option<String> {
        let r = http(
            &self.addr,
            "POST",
            &format!("/session/{}/element", self.session),
            &[],
            json!({ "using": "css selector", "value": css })
                .to_string()
                .as_bytes(),
        );
        if r.status != 200 {
            return None;
        }
        let v = r.json();
        Some(
            v["value"][ELEMENT]
                .as_str()
                .unwrap_or_else(|| panic!("{css}: {v}"))
                .to_string(),
        )
    }

    /// Waits for an element, then returns it.
    fn wait(&self, css: &str, secs: u64) -> String {
        let t = Instant::now();
        loop {
            if let Some(e) = self.find(css) {
                return e;
            }
            assert!(
                t.elapsed() < Duration::from_secs(secs),
                "never appeared: {css}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_until(&self, what: &str, secs: u64, script: &str) {
        let t = Instant::now();
        while self.js(script) != json!(true) {
            assert!(t.elapsed() < Duration::from_secs(secs), "timed out: {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn click(&self, el: &str) {
        self.cmd("POST", &format!("/element/{el}/click"), json!({}));
    }

    fn text(&self, el: &str) -> String {
        self.cmd("GET", &format!("/element/{el}/text"), json!(null))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Replaces the text of a field as a user would: clear, then type.
    fn type_into(&self, el: &str, text: &str) {
        self.cmd("POST", &format!("/element/{el}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        );
    }

    fn screenshot(&self, name: &str) {
        let Some(dir) = std::env::var_os("CHARTA_SCREENSHOTS") else {
            return;
        };
        let b64 = self.cmd("GET", "/screenshot", json!(null));
        let png = base64_decode(b64.as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"));
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => 0,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk
            .iter()
            .fold(0u32, |acc, &c| (acc << 6) | val(c) as u32)
            << (6 * (4 - chunk.len()));
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad.min(2)]);
    }
    out
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one user's session in a real browser, read top to bottom: its steps share the page"
)]
fn the_desk_in_a_real_browser() {
    if !crate::clients::present(crate::clients::Client::Chromium) {
        return;
    }
    let tmp = draft_copy();
    // A previous build, so that the page shows the change as a redline.
    let (code, _, err) = charta(&["build", tmp.path().to_str().unwrap(), "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let downloads = tempfile::tempdir().unwrap();
    let desk = Desk::launch(tmp.path(), &[]);
    let b = Driver::start(downloads.path());

    // Without the printed address, the desk shows nothing.
    b.go(&desk.url("/"));
    b.wait_until(
        "refused",
        10,
        "return document.body.innerText.includes('Accès refusé')",
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#conventions').length"),
        json!(0)
    );

    // The printed address, with its one-time secret: the browser gets the
    // cookie and is sent to the page, the secret gone from its address.
    b.go(&desk.printed);
    let link = b.wait(&format!("a[href=\"/convention/{ID}\"]"), 20);
    assert_eq!(b.js("return location.search"), json!(""));
    assert_eq!(
        b.js("return document.cookie"),
        json!(""),
        "the cookie is HttpOnly"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('#conventions tbody tr').length"),
        json!(association_ids(tmp.path()).len())
    );
    // The filter hides what does not match, accents or not.
    let search = b.wait("#filtre-texte", 5);
    for query in ["vélo", "VELO", "velo"] {
        b.type_into(&search, query);
        b.wait_until(
            "filter",
            5,
            "return document.querySelectorAll('#conventions tbody tr:not([hidden])').length === 1",
        );
    }
    b.type_into(&search, "");
    b.wait_until(
        "filter cleared",
        5,
        "return document.querySelectorAll('#conventions tbody tr[hidden]').length === 0",
    );
    // A click on « Total » sorts by amount, a second click the other way.
    let totals = "return Array.from(document.querySelectorAll('#conventions tbody tr')).map(r => Number(r.cells[3].dataset.tri))";
    let total_header = b.wait("#conventions thead th:nth-child(4) button", 5);
    b.click(&total_header);
    let up: Vec<i64> = serde_json::from_value(b.js(totals)).unwrap();
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
    b.click(&total_header);
    let down: Vec<i64> = serde_json::from_value(b.js(totals)).unwrap();
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "{down:?}");
    assert_ne!(up, down);
    b.click(&b.wait("#conventions thead th:nth-child(1) button", 5));
    b.screenshot("programme.png");

    // A convention: its form from the schema, filled from the file.
    b.click(&link);
    b.wait("#formulaire[data-pret=\"oui\"]", 30);
    assert!(
        b.find("nav.sommaire a[href^=\"#part-\"]").is_some(),
        "articles in the side navigation"
    );
    b.screenshot("convention.png");

    // French labels and choices, a date picker.
    assert_eq!(
        b.js("return document.querySelector('label[for=\"champ-association_siret\"]').firstChild.textContent"),
        json!("Numéro SIRET")
    );
    assert_eq!(
        b.js("return document.querySelector('select[data-chemin=\"convention.regime\"]').selectedOptions[0].textContent"),
        json!("aide de minimis")
    );
    assert_eq!(
        b.js(
            "return document.querySelector('[data-chemin=\"convention.decision.date\"] input').type"
        ),
        json!("date")
    );
    let leaving = "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented";
    assert_eq!(b.js(leaving), json!(false), "nothing to lose yet");

    // Change an amount: leaving the page now would lose it, the browser warns.
    let amount = b.wait("input[data-chemin=\"convention.funding.2026\"]", 5);
    b.type_into(&amount, "31000");
    assert_eq!(b.js(leaving), json!(true));

    // A wrong IBAN: the error appears next to its field, as the user types.
    let iban = b.wait("input[data-chemin=\"association.bank.iban\"]", 5);
    b.type_into(&iban, "FR7615629026000003692581444");
    let diag = b.wait(
        ".champ[data-chemin=\"association.bank.iban\"] .diag.erreur",
        20,
    );
    assert!(b.text(&diag).contains("IBAN"), "{}", b.text(&diag));
    b.js("document.querySelector('[data-chemin=\"association.bank\"]').scrollIntoView()");
    b.screenshot("erreur-iban.png");

    // Saving now is refused, and nothing is written.
    let before = std::fs::read(tmp.path().join(format!("associations/{ID}.json"))).unwrap();
    b.click(&b.wait("#enregistrer", 5));
    b.wait_until(
        "refusal",
        20,
        "return document.getElementById('etat-enregistrement').className === 'refus'",
    );
    assert_eq!(
        std::fs::read(tmp.path().join(format!("associations/{ID}.json"))).unwrap(),
        before
    );

    // Fix it: the error goes away.
    b.type_into(&iban, "FR7615629026000003692581443");
    b.wait_until(
        "error gone",
        20,
        "return !document.querySelector('.champ[data-chemin=\"association.bank.iban\"] .diag')",
    );

    // Save.
    b.click(&b.wait("#enregistrer", 5));
    b.wait_until(
        "saved",
        20,
        "return document.getElementById('etat-enregistrement').textContent === 'Enregistré.'",
    );
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join(format!("associations/{ID}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(saved["convention"]["funding"]["2026"], json!(31000));
    assert_eq!(b.js(leaving), json!(false), "saved: nothing to lose");
    assert_eq!(
        saved["association"]["bank"]["iban"],
        json!("FR7615629026000003692581443")
    );
    // The change since the last build, as a redline.
    b.wait_until(
        "redline",
        20,
        "return !!document.querySelector('#modifications ins')",
    );
    b.js("document.getElementById('modifications').scrollIntoView()");
    b.screenshot("modifications.png");

    // Build this convention, with live progress, then download its PDF.
    b.js("window.scrollTo(0, 0)");
    b.click(&b.wait("#generer", 5));
    b.wait_until(
        "build",
        600,
        "return document.getElementById('etat-generation').dataset.fini === 'oui'",
    );
    let pdf_link = b.wait("a[data-format=\"pdf\"]", 20);
    assert!(
        b.find("a[data-format=\"odt\"]").is_some() && b.find("a[data-format=\"docx\"]").is_some()
    );
    b.click(&pdf_link);
    let want = downloads.path().join(format!("{ID}.pdf"));
    let t = Instant::now();
    while !want.is_file() {
        assert!(t.elapsed() < Duration::from_secs(30), "no download");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let got = std::fs::read(&want).unwrap();
    assert!(got.starts_with(b"%PDF"));
    assert_eq!(
        got,
        std::fs::read(tmp.path().join(format!("out/{ID}.pdf"))).unwrap()
    );
    let text = pdf_extract::extract_text_from_mem(&got).unwrap();
    assert!(
        text.contains("31 000") || text.contains("31\u{a0}000") || text.contains("31\u{202f}000"),
        "the new amount is in the PDF"
    );

    // A signature date: the desk asks before saving it, says what it does,
    // and nothing is written on « Annuler ».
    let file = tmp.path().join(format!("associations/{ID}.json"));
    let before = std::fs::read(&file).unwrap();
    b.js(
        "const d = document.querySelector('input[data-chemin=\"convention.signature.date\"]'); \
          d.value = '2026-03-02'; d.dispatchEvent(new Event('input', { bubbles: true })); \
          d.dispatchEvent(new Event('change', { bubbles: true }))",
    );
    b.click(&b.wait("#enregistrer", 5));
    b.wait_until(
        "asked",
        10,
        "return document.getElementById('confirmer-signature').open",
    );
    let asked = b.js("return document.getElementById('confirmer-signature').textContent");
    let asked = asked.as_str().unwrap();
    assert!(
        asked.contains("2\u{a0}mars\u{a0}2026") && asked.contains("acte signé"),
        "{asked}"
    );
    b.screenshot("signature.png");
    b.click(&b.wait("#annuler-signature", 5));
    b.wait_until(
        "closed",
        10,
        "return !document.getElementById('confirmer-signature').open",
    );
    assert_eq!(std::fs::read(&file).unwrap(), before, "nothing written");
    // Confirmed: saved, and the page comes back locked.
    b.click(&b.wait("#enregistrer", 5));
    b.wait_until(
        "asked again",
        10,
        "return document.getElementById('confirmer-signature').open",
    );
    b.click(&b.wait("#valider-signature", 5));
    b.wait("#verrou", 30);
    b.wait("#formulaire[data-pret=\"oui\"]", 30);
    b.wait_until(
        "read-only",
        10,
        "return Array.from(document.querySelectorAll('#formulaire input')).every(i => i.disabled) && document.getElementById('enregistrer').disabled",
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        saved["convention"]["signature"]["date"],
        json!("2026-03-02")
    );
}
