//! `charta serve`: the legal service's desk in a browser, in French.
//!
//! A small synchronous HTTP server (`tiny_http`, a few worker threads) bound
//! to 127.0.0.1 only. The programme is loaded once at start; each request
//! re-reads only the association files whose size or modification time
//! changed (`state`). Pages are HTML written here (`pages`), with one plain
//! script and one style sheet embedded in the binary (`assets`); the script
//! talks to the JSON endpoints of `api` (live check, save, build, progress).
//!
//! Safety rules (see docs/interface.md):
//! - only `127.0.0.1` is bound, and a request whose `Host` is not this
//!   address is refused (a page of another site cannot reach the desk through
//!   DNS rebinding);
//! - every request that changes something (POST) carries the token drawn
//!   from the OS at start (`X-Charta-Jeton` header), compared in constant
//!   time; the token is only in the desk's own pages;
//! - a request names an association by its id, looked up in the programme's
//!   own listing, and a format by its name in `emit::FORMATS`: no path from a
//!   request is ever opened;
//! - request bodies are limited to [`MAX_BODY`], URLs to [`MAX_URL`].

mod api;
mod assets;
mod pages;
mod state;

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::diagnostic::Diagnostic;

pub use state::State;

/// The largest request body accepted (an association file is a few kB).
pub const MAX_BODY: usize = 1024 * 1024;
/// The longest URL accepted.
pub const MAX_URL: usize = 2048;
/// The header that carries the token.
pub const TOKEN_HEADER: &str = "X-Charta-Jeton";
/// Worker threads answering requests.
const WORKERS: usize = 4;

/// What `charta serve` is given.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Output folder of builds (default: `ROOT/out`).
    pub out: PathBuf,
    /// 0: any free port (the address is printed).
    pub port: u16,
}

/// An HTTP answer before it is sent.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// `Content-Disposition` of a download.
    pub attachment: Option<String>,
}

impl Reply {
    pub fn html(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            attachment: None,
        }
    }

    pub fn json(status: u16, v: &serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(v).expect("JSON serialises"),
            attachment: None,
        }
    }

    /// A refusal: a French message, as JSON for the script and readable as text.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({ "erreur": message }))
    }

    pub fn not_found() -> Reply {
        Reply::error(
            404,
            "Page introuvable : cette adresse ne désigne rien dans ce programme.",
        )
    }
}

/// A request as the handlers see it: method, path, token check done, body read.
pub struct Incoming {
    pub method: Method,
    pub path: String,
    pub token_ok: bool,
    pub body: Vec<u8>,
}

/// Why the desk could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The programme cannot be loaded (`charta.toml`): the input's fault.
    Input(Vec<Diagnostic>),
    /// The port is taken, the OS gave no random token: not the input's fault.
    Fault(Vec<Diagnostic>),
}

/// Starts the desk; `ready` is told the address once it listens. Returns when
/// `stop` becomes true (Ctrl-C).
pub fn run(
    opts: &Options,
    stop: Arc<AtomicBool>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let state = Arc::new(State::open(opts)?);
    let server = Server::http(("127.0.0.1", opts.port)).map_err(|e| {
        ServeError::Fault(vec![
            Diagnostic::error(crate::tr!(
                "impossible d'écouter sur 127.0.0.1:{}\u{a0}: {}",
                "cannot listen on 127.0.0.1:{}: {}",
                opts.port,
                e
            ))
            .code("BUR-002")
            .with_hint(crate::tr!(
                "choisissez un autre port avec --port, ou arrêtez le programme qui l'occupe",
                "choose another port with --port, or stop the program that holds it"
            )),
        ])
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .expect("a TCP listener has an IP address");
    state.set_port(addr.port());
    ready(addr);
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, state, stop) = (server.clone(), state.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(Some(req)) => handle(&state, req),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Compares two byte strings in time that depends on their length only.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn handle(state: &State, mut req: Request) {
    let reply = screen(state, &mut req).unwrap_or_else(|incoming| route(state, &incoming));
    send(req, reply);
}

/// The checks every request passes before routing: host, URL and body size,
/// token. `Err` carries the request to route, `Ok` a refusal.
fn screen(state: &State, req: &mut Request) -> Result<Reply, Incoming> {
    let host_ok = header(req, "Host").is_some_and(|h| state.host_allowed(h));
    if !host_ok {
        return Ok(Reply::error(
            421,
            "Hôte refusé : le bureau ne répond qu'à l'adresse qu'il a affichée au démarrage.",
        ));
    }
    if req.url().len() > MAX_URL {
        return Ok(Reply::error(414, "Adresse trop longue."));
    }
    let method = req.method().clone();
    let token_ok = header(req, TOKEN_HEADER)
        .is_some_and(|t| constant_time_eq(t.as_bytes(), state.token().as_bytes()));
    let changes = !matches!(method, Method::Get | Method::Head);
    if changes && !token_ok {
        return Ok(Reply::error(
            403,
            "Requête refusée : le jeton du bureau manque ou ne correspond pas. Rechargez la page.",
        ));
    }
    if req.body_length().is_some_and(|n| n > MAX_BODY) {
        return Ok(too_large());
    }
    let mut body = Vec::new();
    if changes {
        if req
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
            .is_err()
        {
            return Ok(Reply::error(400, "Corps de la requête illisible."));
        }
        if body.len() > MAX_BODY {
            return Ok(too_large());
        }
    }
    let path = req
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    Err(Incoming {
        method,
        path,
        token_ok,
        body,
    })
}

fn too_large() -> Reply {
    Reply::error(
        413,
        &format!(
            "Requête trop volumineuse : le bureau accepte au plus {} Mio.",
            MAX_BODY / (1024 * 1024)
        ),
    )
}

fn route(state: &State, req: &Incoming) -> Reply {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    match (&req.method, segs.as_slice()) {
        (Method::Get, []) => pages::programme(state),
        (Method::Get, ["convention", id]) => pages::convention(state, id),
        (Method::Get, ["assets", name]) => assets::get(name),
        (Method::Get, ["telecharger", id, format]) => api::download(state, id, format),
        (Method::Get, ["api", "schema"]) => api::schema(),
        (Method::Get, ["api", "convention", id]) => api::convention(state, id),
        (Method::Post, ["api", "check", id]) => api::check(state, id, &req.body),
        (Method::Post, ["api", "save", id]) => api::save(state, id, &req.body),
        (Method::Post, ["api", "build"]) => api::build(state, &req.body),
        (Method::Get, ["api", "build"]) => api::build_status(state),
        (Method::Get | Method::Post, _) => Reply::not_found(),
        _ => Reply::error(405, "Méthode non acceptée."),
    }
}

fn send(req: Request, reply: Reply) {
    let mut r = Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
        ("Referrer-Policy", "no-referrer".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                .to_string(),
        ),
    ];
    if let Some(name) = reply.attachment {
        headers.push((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ));
    }
    for (k, v) in headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    let _ = req.respond(r);
}
