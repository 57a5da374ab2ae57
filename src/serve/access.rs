//! Who may speak to the desk: the checks every request passes before it is
//! routed, on its head alone (the body is read only after them).
//!
//! 1. `Host` must be the printed address, `127.0.0.1:PORT` (or
//!    `localhost:PORT`): anything else is 421, so that a page of another site
//!    cannot reach the desk through DNS rebinding.
//! 2. A request that a browser marks as coming from another site or another
//!    port (`Sec-Fetch-Site` other than `same-origin` or `none`), or a write
//!    whose `Origin` is not the desk's, is 403.
//! 3. The printed address carries a one-time secret (`/?jeton=…`): the first
//!    request that shows it gets the desk's cookie (`HttpOnly`,
//!    `SameSite=Strict`) and is sent to the same page without the secret.
//!    The secret never opens the desk again: shown a second time, or wrong,
//!    it is 403, unless the request already has the cookie (the same browser
//!    clicking the printed link again), which is then sent to the page.
//! 4. Every other request, reads included, needs the cookie: without it 401
//!    and no data. The script and the style sheet (`/assets/…`), which hold
//!    no data, are the only exceptions. With `--no-token` there is no secret
//!    and no cookie: anyone on the machine can open the desk.
//! 5. A write (`POST`) also carries the page's token in `X-Charta-Jeton`
//!    (defence in depth, in case a browser sent the cookie cross-site).
//!
//! Every comparison of a secret is in constant time.

use std::sync::Mutex;

use hyper::Method;
use hyper::http::request::Parts;

use super::{MAX_BODY, MAX_URL, Reply, TOKEN_HEADER};
use crate::diagnostic::{Code, Diagnostic};

/// The query parameter of the printed address that carries the one-time secret.
pub const SECRET_PARAM: &str = "jeton";
/// How long a browser keeps the cookie (it is worth nothing once the desk stops).
const COOKIE_MAX_AGE: u64 = 30 * 24 * 3600;

/// The desk's secrets, drawn from the OS at each start.
pub struct Access {
    /// `false` with `--no-token`.
    pub required: bool,
    /// The one-time secret of the printed address; `None` once exchanged.
    once: Mutex<Option<String>>,
    /// The value of the cookie.
    session: String,
    /// The token of the pages, sent back in `X-Charta-Jeton` on writes.
    csrf: String,
}

/// 32 random bytes from the OS, as 64 hexadecimal digits.
pub fn draw() -> Result<String, Diagnostic> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        Diagnostic::error(
            Code::BUR_001,
            crate::tr!(
                "impossible de tirer les secrets du bureau au hasard\u{a0}: {}",
                "cannot draw the desk's secrets at random: {}",
                e
            ),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two byte strings in time that depends on their length only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Access {
    pub fn new(required: bool) -> Result<Access, Diagnostic> {
        Ok(Access {
            required,
            once: Mutex::new(required.then(draw).transpose()?),
            session: draw()?,
            csrf: draw()?,
        })
    }

    /// The one-time secret, for the printed address (`None`: exchanged, or `--no-token`).
    pub fn secret(&self) -> Option<String> {
        self.once.lock().expect("lock").clone()
    }

    /// The token the pages carry in `<meta name="charta-jeton">`.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The cookie's name: one per port, so that two desks on one machine
    /// (cookies do not tell ports apart) do not overwrite each other's.
    pub fn cookie_name(port: u16) -> String {
        format!("charta-bureau-{port}")
    }

    fn set_cookie(&self, port: u16) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={COOKIE_MAX_AGE}",
            Access::cookie_name(port),
            self.session
        )
    }

    fn has_cookie(&self, parts: &Parts, port: u16) -> bool {
        let name = Access::cookie_name(port);
        parts
            .headers
            .get_all(hyper::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .any(|(k, v)| k == name && constant_time_eq(v.as_bytes(), self.session.as_bytes()))
    }

    /// Exchanges the one-time secret: `true` once, for the right secret.
    fn exchange(&self, shown: &str) -> bool {
        let mut once = self.once.lock().expect("lock");
        let right = once
            .as_deref()
            .is_some_and(|s| constant_time_eq(s.as_bytes(), shown.as_bytes()));
        if right {
            *once = None;
        }
        right
    }
}

/// What the checks decided.
pub enum Verdict {
    /// Route the request; `reads_body`: a write, whose body is read next.
    Pass { reads_body: bool },
    /// Answer this at once (a refusal, or the redirect after the exchange).
    Answer(Reply),
    /// The one-time secret was exchanged: answer with this redirect.
    Opened(Reply),
    /// A secret was shown that opens nothing (second use, another run's, a typo).
    SecretRefused(Reply),
}

fn header<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether `host` is the desk's own address.
pub fn host_allowed(host: &str, port: u16) -> bool {
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

/// The value of `name` in a query string, if present.
fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The address to send a browser to after the exchange: the same path,
/// without the secret. Only a path of the desk (one leading `/`) is ever a
/// `Location`: anything else (`//host`, a backslash) goes to `/`.
fn same_page(parts: &Parts) -> String {
    let path = parts.uri.path();
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.%".contains(&b));
    let mut to = if safe { path.to_string() } else { "/".into() };
    let rest: Vec<&str> = parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| {
            !kv.is_empty()
                && kv.split('=').next() != Some(SECRET_PARAM)
                && kv
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"=-_.%".contains(&b))
        })
        .collect();
    if !rest.is_empty() {
        to.push('?');
        to.push_str(&rest.join("&"));
    }
    to
}

fn redirect(to: String, cookie: Option<String>) -> Reply {
    let mut r = Reply::empty(303);
    r.headers.push(("Location", to));
    if let Some(c) = cookie {
        r.headers.push(("Set-Cookie", c));
    }
    r
}

/// The checks, in order; `port` is the port the desk listens on.
pub fn screen(access: &Access, parts: &Parts, port: u16) -> Verdict {
    let api = parts.uri.path().starts_with("/api/");
    let refuse = |status: u16, fr: &str| Verdict::Answer(Reply::refusal(status, fr, api));
    if !header(parts, "host").is_some_and(|h| host_allowed(h, port)) {
        return refuse(
            421,
            "Adresse refusée\u{a0}: le bureau ne répond qu'à l'adresse qu'il a affichée au démarrage.",
        );
    }
    if parts.uri.to_string().len() > MAX_URL {
        return refuse(414, "Adresse trop longue.");
    }
    let reads = matches!(parts.method, Method::GET | Method::HEAD);
    let site_ok = header(parts, "sec-fetch-site").is_none_or(|s| s == "same-origin" || s == "none");
    let origin_ok = reads
        || header(parts, "origin").is_none_or(|o| {
            o.strip_prefix("http://")
                .is_some_and(|h| host_allowed(h, port))
        });
    if !site_ok || !origin_ok {
        return refuse(
            403,
            "Requête refusée\u{a0}: elle vient d'une autre page que celles du bureau.",
        );
    }
    if let Some(shown) = parts.uri.query().and_then(|q| query_param(q, SECRET_PARAM))
        && parts.method == Method::GET
        && access.required
    {
        return exchange(access, parts, port, shown);
    }
    let asset = reads && parts.uri.path().starts_with("/assets/");
    if access.required && !asset && !access.has_cookie(parts, port) {
        return refuse(
            401,
            "Accès refusé\u{a0}: ouvrez le bureau par l'adresse affichée dans le terminal à son démarrage. \
             Elle ne sert qu'une fois\u{a0}; pour ouvrir le bureau dans un autre navigateur, arrêtez-le (Ctrl-C) \
             et relancez-le\u{a0}: il affiche une nouvelle adresse.",
        );
    }
    if !reads {
        let token_ok = header(parts, TOKEN_HEADER)
            .is_some_and(|t| constant_time_eq(t.as_bytes(), access.csrf.as_bytes()));
        if !token_ok {
            return refuse(
                403,
                "Requête refusée\u{a0}: le jeton du bureau manque ou ne correspond pas. Rechargez la page.",
            );
        }
        let announced = header(parts, "content-length").and_then(|n| n.trim().parse::<u64>().ok());
        if announced.is_some_and(|n| n > MAX_BODY as u64) {
            return Verdict::Answer(super::too_large());
        }
    }
    Verdict::Pass { reads_body: !reads }
}

fn exchange(access: &Access, parts: &Parts, port: u16, shown: &str) -> Verdict {
    if access.exchange(shown) {
        return Verdict::Opened(redirect(same_page(parts), Some(access.set_cookie(port))));
    }
    if access.has_cookie(parts, port) {
        return Verdict::Answer(redirect(same_page(parts), None));
    }
    Verdict::SecretRefused(Reply::refusal(
        403,
        "Lien refusé\u{a0}: cette adresse a déjà servi à ouvrir le bureau, ou ce n'est pas celle de ce bureau. \
         L'adresse affichée au démarrage ne sert qu'une fois\u{a0}; pour ouvrir le bureau dans un autre navigateur, \
         arrêtez-le (Ctrl-C) et relancez-le\u{a0}: il affiche une nouvelle adresse.",
        false,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT: u16 = 8421;

    fn parts(method: &str, uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = hyper::Request::builder().method(method).uri(uri);
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            b = b.header("Host", format!("127.0.0.1:{PORT}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    fn status(v: &Verdict) -> u16 {
        match v {
            Verdict::Pass { .. } => 0,
            Verdict::Answer(r) | Verdict::Opened(r) | Verdict::SecretRefused(r) => r.status,
        }
    }

    fn cookie_of(v: &Verdict) -> String {
        let Verdict::Opened(r) = v else {
            panic!("not opened")
        };
        let c = &r
            .headers
            .iter()
            .find(|(k, _)| *k == "Set-Cookie")
            .unwrap()
            .1;
        c.split(';').next().unwrap().to_string()
    }

    #[test]
    fn the_secret_opens_once_and_the_cookie_then_opens_every_read() {
        let a = Access::new(true).unwrap();
        let secret = a.secret().unwrap();
        assert_eq!(status(&screen(&a, &parts("GET", "/", &[]), PORT)), 401);
        let opened = screen(
            &a,
            &parts("GET", &format!("/convention/x?jeton={secret}"), &[]),
            PORT,
        );
        let Verdict::Opened(r) = &opened else {
            panic!("the secret opens")
        };
        assert_eq!(r.status, 303);
        let location = &r.headers.iter().find(|(k, _)| *k == "Location").unwrap().1;
        assert_eq!(location, "/convention/x", "the secret leaves the address");
        let set = &r
            .headers
            .iter()
            .find(|(k, _)| *k == "Set-Cookie")
            .unwrap()
            .1;
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set.contains(attr), "{set}");
        }
        let cookie = cookie_of(&opened);
        assert!(a.secret().is_none(), "spent");
        for path in [
            "/",
            "/api/convention/x",
            "/telecharger/x/pdf",
            "/api/schema",
        ] {
            let v = screen(&a, &parts("GET", path, &[("Cookie", &cookie)]), PORT);
            assert!(matches!(v, Verdict::Pass { reads_body: false }), "{path}");
            assert_eq!(
                status(&screen(&a, &parts("GET", path, &[]), PORT)),
                401,
                "{path}"
            );
        }
        // A second use of the secret opens nothing, without the cookie…
        let again = screen(&a, &parts("GET", &format!("/?jeton={secret}"), &[]), PORT);
        assert!(matches!(again, Verdict::SecretRefused(_)));
        assert_eq!(status(&again), 403);
        // …and only sends the browser that has it to the page.
        let same = screen(
            &a,
            &parts("GET", &format!("/?jeton={secret}"), &[("Cookie", &cookie)]),
            PORT,
        );
        assert_eq!(status(&same), 303);
        assert!(!matches!(same, Verdict::Opened(_)));
    }

    #[test]
    fn near_misses_are_refused() {
        let a = Access::new(true).unwrap();
        let other = Access::new(true).unwrap();
        let secret = a.secret().unwrap();
        // The secret of another run, one character off, in a header.
        let theirs = other.secret().unwrap();
        let v = screen(&a, &parts("GET", &format!("/?jeton={theirs}"), &[]), PORT);
        assert_eq!(status(&v), 403);
        let mut typo = secret.clone().into_bytes();
        typo[10] = if typo[10] == b'0' { b'1' } else { b'0' };
        let typo = String::from_utf8(typo).unwrap();
        assert_eq!(
            status(&screen(
                &a,
                &parts("GET", &format!("/?jeton={typo}"), &[]),
                PORT
            )),
            403
        );
        for h in [TOKEN_HEADER, "Authorization", "Cookie"] {
            let v = screen(&a, &parts("GET", "/", &[(h, &secret)]), PORT);
            assert_eq!(status(&v), 401, "{h}");
        }
        assert!(a.secret().is_some(), "still unspent after the misses");
        let cookie = cookie_of(&screen(
            &a,
            &parts("GET", &format!("/?jeton={secret}"), &[]),
            PORT,
        ));
        // The cookie with one character changed, under another port's name, of another run.
        let (name, value) = cookie.split_once('=').unwrap();
        let mut bad = value.as_bytes().to_vec();
        bad[0] = if bad[0] == b'a' { b'b' } else { b'a' };
        let bad = format!("{name}={}", String::from_utf8(bad).unwrap());
        let port_name = format!("charta-bureau-{}={value}", PORT + 1);
        let others = format!("{name}={}", other.session);
        for c in [&bad, &port_name, &others, &format!("{name}={value}x")] {
            assert_eq!(
                status(&screen(&a, &parts("GET", "/", &[("Cookie", c)]), PORT)),
                401,
                "{c}"
            );
        }
        // The right cookie among others passes.
        let mixed = format!("autre=1; {cookie}; encore=2");
        assert!(matches!(
            screen(&a, &parts("GET", "/", &[("Cookie", &mixed)]), PORT),
            Verdict::Pass { .. }
        ));
        // Sent from another site or another port of 127.0.0.1 (same-site): refused even with the cookie.
        for site in ["cross-site", "same-site"] {
            let v = screen(
                &a,
                &parts("GET", "/", &[("Cookie", &cookie), ("Sec-Fetch-Site", site)]),
                PORT,
            );
            assert_eq!(status(&v), 403, "{site}");
        }
        for site in ["same-origin", "none"] {
            let v = screen(
                &a,
                &parts("GET", "/", &[("Cookie", &cookie), ("Sec-Fetch-Site", site)]),
                PORT,
            );
            assert!(matches!(v, Verdict::Pass { .. }), "{site}");
        }
        // A write needs the page's token too, and an Origin of the desk if any.
        let csrf = a.csrf().to_string();
        let w = |h: &[(&str, &str)]| status(&screen(&a, &parts("POST", "/api/build", h), PORT));
        assert_eq!(w(&[("Cookie", &cookie)]), 403);
        assert_eq!(w(&[("Cookie", &cookie), (TOKEN_HEADER, &secret)]), 403);
        assert_eq!(w(&[(TOKEN_HEADER, &csrf)]), 401);
        assert_eq!(w(&[("Cookie", &cookie), (TOKEN_HEADER, &csrf)]), 0);
        assert_eq!(
            w(&[
                ("Cookie", &cookie),
                (TOKEN_HEADER, &csrf),
                ("Origin", "http://127.0.0.1:8422")
            ]),
            403
        );
        assert_eq!(
            w(&[
                ("Cookie", &cookie),
                (TOKEN_HEADER, &csrf),
                ("Origin", "http://127.0.0.1:8421")
            ]),
            0
        );
    }

    #[test]
    fn hosts_are_the_printed_address_only() {
        let a = Access::new(false).unwrap();
        for bad in [
            "127.0.0.1.evil:8421",
            "127.0.0.1.evil",
            "127.0.0.1",
            "127.0.0.1:8422",
            "127.0.0.1:84210",
            "localhost",
            "evil.example:8421",
            "127.0.0.1:8421.evil",
            "[::1]:8421",
        ] {
            let v = screen(&a, &parts("GET", "/", &[("Host", bad)]), PORT);
            assert_eq!(status(&v), 421, "{bad}");
        }
        for good in ["127.0.0.1:8421", "localhost:8421"] {
            let v = screen(&a, &parts("GET", "/", &[("Host", good)]), PORT);
            assert!(matches!(v, Verdict::Pass { .. }), "{good}");
        }
    }

    #[test]
    fn without_token_reads_need_no_cookie_but_writes_still_need_the_page_token() {
        let a = Access::new(false).unwrap();
        assert!(a.secret().is_none());
        assert!(matches!(
            screen(&a, &parts("GET", "/", &[]), PORT),
            Verdict::Pass { .. }
        ));
        assert_eq!(
            status(&screen(&a, &parts("POST", "/api/build", &[]), PORT)),
            403
        );
        let csrf = a.csrf().to_string();
        let v = screen(
            &a,
            &parts("POST", "/api/build", &[(TOKEN_HEADER, &csrf)]),
            PORT,
        );
        assert!(matches!(v, Verdict::Pass { reads_body: true }));
    }

    #[test]
    fn the_redirect_never_leaves_the_desk() {
        let a = Access::new(true).unwrap();
        let secret = a.secret().unwrap();
        let v = screen(
            &a,
            &parts("GET", &format!("//evil.example/?jeton={secret}&x=1"), &[]),
            PORT,
        );
        let Verdict::Opened(r) = v else { panic!() };
        let location = &r.headers.iter().find(|(k, _)| *k == "Location").unwrap().1;
        assert_eq!(location, "/?x=1");
    }
}
