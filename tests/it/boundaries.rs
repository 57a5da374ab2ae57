//! The promises of the README and of `docs/interface.md` at their edges
//! (issue 28): every threshold at its value, one cent (or one day) over and
//! one under; identifiers one digit off; the desk's checks against the near
//! misses an attacker would try first.

use serde_json::{Value, json};

use charta::diagnostic::Severity;

use crate::common::*;
use crate::legal::{MOBILITE, TIERS, VELO, at, check, has, text};

/// `convention.funding` of TIERS (two years) set to `first` € in 2026 and 1 000 € in 2027.
fn funding(first: f64) -> impl Fn(&mut Value) {
    move |v: &mut Value| {
        v["convention"]["funding"] = json!({"2026": first, "2027": 1000});
        v["convention"]["eligible_cost"] = json!({"2026": 90000, "2027": 90000});
    }
}

/// Warnings of `code` in `diags`.
fn warned(diags: &[charta::diagnostic::Diagnostic], code: &str) -> bool {
    diags
        .iter()
        .any(|d| d.code == code && d.severity == Severity::Warning)
}

// ------------------------------------------------------- 23 000 € a year

#[test]
fn a_convention_is_said_optional_up_to_23_000_a_year_included() {
    let prog = example();
    // Décret n° 2001-495: a convention is compulsory when the aid « dépasse »
    // 23 000 €; at 23 000 € exactly, or under it, `check` says it is optional.
    assert!(warned(&check(&prog, TIERS, funding(23000.0)), "DON-022"));
    assert!(warned(&check(&prog, TIERS, funding(22999.99)), "DON-022"));
    assert!(!warned(&check(&prog, TIERS, funding(23000.01)), "DON-022"));
    // Aid in kind counts: 20 000 € + 3 000 € is at the threshold, + 3 000,01 € over it.
    let with_kind = |k: f64| {
        move |v: &mut Value| {
            funding(20000.0)(v);
            v["convention"]["in_kind"] =
                json!([{"description": "un local", "values": {"2026": k, "2027": 0}}]);
        }
    };
    assert!(warned(&check(&prog, TIERS, with_kind(3000.0)), "DON-022"));
    assert!(!warned(&check(&prog, TIERS, with_kind(3000.01)), "DON-022"));
}

#[test]
fn scdl_publishes_a_signed_convention_above_23_000_a_year_only() {
    let tmp = example_copy();
    let dir = tmp.path();
    let file = dir.join(format!("associations/{TIERS}.json"));
    let siret = "83925461200014";
    let published = |first: f64, kind: f64| -> Option<String> {
        edit_json(&file, |v| {
            funding(first)(v);
            v["convention"]["in_kind"] =
                json!([{"description": "un local", "values": {"2026": kind, "2027": 0}}]);
            v["convention"]["signature"]["date"] = json!("2026-03-02");
        });
        let out = dir.join("subventions.csv");
        let (code, _, err) = charta(&[
            "export",
            "scdl",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let mut rows = csv::Reader::from_path(&out).unwrap();
        let headers = rows.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (id, montant) = (col("idBeneficiaire"), col("montant"));
        rows.records()
            .map(|r| r.unwrap())
            .find(|r| &r[id] == siret)
            .map(|r| r[montant].to_string())
    };
    // The example's TIERS, read from its file, is the association the rows name.
    assert!(std::fs::read_to_string(&file).unwrap().contains(siret));
    assert_eq!(published(23000.0, 0.0), None, "at 23 000 €: not published");
    assert_eq!(published(22999.99, 0.0), None);
    assert_eq!(
        published(23000.01, 0.0).as_deref(),
        Some("24000.01"),
        "one cent over: published, with the whole amount"
    );
    // In kind counts: 20 000 € + 3 000 € in kind, then 3 000,01 €.
    assert_eq!(published(20000.0, 3000.0), None);
    assert!(published(20000.0, 3000.01).is_some());
}

// ------------------------------------------------------- de minimis

/// MOBILITE's SIEG de minimis aid (210 000 €) with `amount` € declared under
/// the same regulation on `on`.
fn sieg_declared(amount: f64, on: &'static str) -> impl Fn(&mut Value) {
    move |v: &mut Value| {
        v["association"]["de_minimis_declared"] = json!([
            {"grantor": "Département", "granted_on": on, "amount": amount, "regulation": "sieg"}
        ]);
    }
}

#[test]
fn the_sieg_de_minimis_ceiling_at_750_000_one_cent_over_one_under() {
    let prog = example();
    // 210 000 € of this aid + 540 000 € declared = 750 000 €: at the ceiling.
    let d = check(&prog, MOBILITE, sieg_declared(540000.0, "2024-06-03"));
    assert!(!d.iter().any(|d| d.code == "DON-075"), "{d:#?}");
    has(
        &text(&prog, MOBILITE, sieg_declared(540000.0, "2024-06-03")),
        "est ainsi de 750 000 € ; il n'excède pas le plafond de 750 000 €",
    );
    let d = check(&prog, MOBILITE, sieg_declared(540000.01, "2024-06-03"));
    let e = at(&d, Severity::Error, "convention.funding");
    assert!(
        crate::legal::plain(&e.message.fr).contains("font 750 000,01 €"),
        "{e:?}"
    );
    let d = check(&prog, MOBILITE, sieg_declared(539999.99, "2024-06-03"));
    assert!(!d.iter().any(|d| d.code == "DON-075"), "{d:#?}");
}

#[test]
fn de_minimis_aid_counts_within_three_years_of_the_grant_to_the_day() {
    let prog = example();
    // VELO, as a draft: 90 000 € granted on its decision date, 2026-01-23;
    // 215 000 € declared makes 305 000 €, over 300 000 €, when counted.
    let on = |date: &'static str| {
        move |v: &mut Value| {
            v["convention"]["signature"]["date"] = Value::Null;
            v["association"]["de_minimis_declared"] =
                json!([{"grantor": "Département", "granted_on": date, "amount": 215000}]);
        }
    };
    let over = |date| {
        check(&prog, VELO, on(date))
            .iter()
            .any(|d| d.code == "DON-075")
    };
    assert!(
        !over("2023-01-23"),
        "three years before to the day: outside"
    );
    assert!(over("2023-01-24"), "one day later: within the three years");
    assert!(!over("2023-01-22"));
    assert!(over("2026-01-23"), "on the grant date itself: counted");
    assert!(!over("2026-01-24"), "granted after this aid: not counted");
    // The act states the same window: none declared within it.
    let small = |date: &'static str| {
        move |v: &mut Value| {
            v["convention"]["signature"]["date"] = Value::Null;
            v["association"]["de_minimis_declared"] =
                json!([{"grantor": "Département", "granted_on": date, "amount": 1000}]);
        }
    };
    has(
        &text(&prog, VELO, small("2023-01-23")),
        "n'avoir reçu aucune aide de minimis au titre de ce règlement",
    );
    has(
        &text(&prog, VELO, small("2023-01-24")),
        "est ainsi de 91 000 €",
    );
}

// ------------------------------------------------------- identifiers

/// `s` with the digit at `i` changed to the next one (9 → 0).
fn one_digit_off(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] = b'0' + (b[i] - b'0' + 1) % 10;
    String::from_utf8(b).unwrap()
}

#[test]
fn a_siret_or_an_iban_one_digit_off_is_refused() {
    let (siret, iban) = ("81630297000016", "FR7615629026000003692581443");
    assert!(charta::ids::check_siret(siret).is_ok());
    assert!(charta::ids::check_iban(iban).is_ok());
    for i in 0..siret.len() {
        let off = one_digit_off(siret, i);
        assert!(charta::ids::check_siret(&off).is_err(), "{off}");
    }
    for i in (2..iban.len()).filter(|&i| iban.as_bytes()[i].is_ascii_digit()) {
        let off = one_digit_off(iban, i);
        assert!(charta::ids::check_iban(&off).is_err(), "{off}");
    }
    // From `charta check`: located at the field.
    let prog = example();
    let d = check(&prog, VELO, |v| {
        v["association"]["siret"] = json!(one_digit_off(siret, 13));
        v["association"]["bank"]["iban"] = json!(one_digit_off(iban, 26));
    });
    at(&d, Severity::Error, "association.siret");
    at(&d, Severity::Error, "association.bank.iban");
}

// ------------------------------------------------------- the desk

#[test]
fn the_desk_refuses_the_near_misses_of_its_address_origin_cookie_and_url() {
    use crate::serve::{Desk, http, http_host};
    let tmp = example_copy();
    let desk = Desk::start(tmp.path());
    let port: u16 = desk.addr.rsplit(':').next().unwrap().parse().unwrap();
    let other = port.wrapping_add(1).max(1);
    // Host: another port of the same machine, a trailing dot, a longer name.
    for host in [
        format!("localhost:{other}"),
        format!("127.0.0.1:{other}"),
        format!("127.0.0.1.:{port}"),
        format!("127.0.0.10:{port}"),
        format!("localhost.:{port}"),
    ] {
        let r = http_host(
            &desk.addr,
            &host,
            "GET",
            "/",
            &[("Cookie", &desk.cookie)],
            b"",
        );
        assert_eq!(r.status, 421, "{host}");
    }
    // Origin of a write: the desk's own passes; `null` (a sandboxed page, a
    // file), another port, https, a longer name do not.
    let token = desk.token();
    let post = |origin: &str| {
        http(
            &desk.addr,
            "POST",
            &format!("/api/check/{TIERS}"),
            &[
                ("Cookie", &desk.cookie),
                ("X-Charta-Jeton", &token),
                ("Origin", origin),
            ],
            b"{}",
        )
        .status
    };
    assert_ne!(post(&format!("http://127.0.0.1:{port}")), 403);
    assert_ne!(post(&format!("http://localhost:{port}")), 403);
    for origin in [
        "null".to_string(),
        format!("http://127.0.0.1:{other}"),
        format!("http://localhost:{other}"),
        format!("https://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}.evil.example"),
        "http://127.0.0.1".to_string(),
    ] {
        assert_eq!(post(&origin), 403, "Origin: {origin}");
    }
    // The right secret under the cookie name of another port's desk, or a longer name.
    let (_, value) = desk.cookie.split_once('=').unwrap();
    for name in [
        format!("charta-bureau-{other}"),
        format!("xcharta-bureau-{port}"),
        "charta-bureau-".to_string(),
    ] {
        let r = http(
            &desk.addr,
            "GET",
            "/",
            &[("Cookie", &format!("{name}={value}"))],
            b"",
        );
        assert_eq!(r.status, 401, "{name}");
    }
    // The same cookie among others is found.
    let r = http(
        &desk.addr,
        "GET",
        "/",
        &[("Cookie", &format!("a=b; {}; c=d", desk.cookie))],
        b"",
    );
    assert_eq!(r.status, 200);
    // URLs: 2 048 characters are read (a page not found), 2 049 are too long.
    let at = format!("/{}", "a".repeat(2047));
    assert_eq!(desk.get(&at).status, 404);
    let over = format!("/{}", "a".repeat(2048));
    assert_eq!(desk.get(&over).status, 414);
}
