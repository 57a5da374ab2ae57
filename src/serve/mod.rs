//! `charta serve`: the legal service's desk in a browser, in French.
//!
//! An HTTP/1.1 server (`hyper` on a one-thread `tokio` runtime, `server`)
//! bound to 127.0.0.1 only: the sockets are served by one thread, where a
//! slow client costs a timer and never a thread (the head within
//! [`Options::header_timeout`], a body within [`Options::body_timeout`] or
//! 408, at most [`MAX_CONNECTIONS`] at once); the work (checking, rendering,
//! reading files) runs on a pool of [`WORKERS`] threads. The programme is
//! loaded once at start; the programme page reads the association files
//! again, a convention's requests its own file, and a file is parsed again
//! when its bytes changed (`state`). Pages are HTML written here
//! (`pages`), with one plain script and one style sheet embedded in the
//! binary (`assets`); the script talks to the JSON endpoints of `api` (live
//! check, save, build, progress).
//!
//! Safety rules (`access`, and docs/interface.md):
//! - only `127.0.0.1` is bound, and a request whose `Host` is not the printed
//!   address is refused (no DNS rebinding);
//! - the printed address carries a one-time secret, exchanged at the first
//!   visit for an `HttpOnly`, `SameSite=Strict` cookie that every request,
//!   reads included, must carry (`--no-token` turns this off);
//! - every request that changes something (POST) also carries the pages'
//!   token (`X-Charta-Jeton`); secrets are compared in constant time;
//! - a request names an association by its id, looked up in the programme's
//!   own listing, and a format by its name in `emit::FORMATS`: no path from a
//!   request is ever opened;
//! - request bodies are limited to [`MAX_BODY`], URLs to [`MAX_URL`];
//! - two saves of one file are one after the other (a lock per file), and a
//!   save writes only over the file it was opened from (its sha256).
//!
//! The library prints nothing: what the terminal shows (the address, a
//! browser opening the desk, the end of a build) is told to the caller as
//! [`Event`]s.

mod access;
mod api;
mod assets;
mod labels;
mod pages;
mod server;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::diagnostic::{Code, Diagnostic};

pub use access::constant_time_eq;
pub use state::State;

/// The largest request body accepted (an association file is a few kB).
pub const MAX_BODY: usize = 1024 * 1024;
/// The longest URL accepted.
pub const MAX_URL: usize = 2048;
/// The header that carries the pages' token on writes.
pub const TOKEN_HEADER: &str = "X-Charta-Jeton";
/// Threads doing the work of requests (checks, pages, saves).
pub const WORKERS: usize = 4;
/// Connections served at once; one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 128;

/// What `charta serve` is given.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Output folder of builds (default: `ROOT/out`).
    pub out: PathBuf,
    /// 0: any free port (the address is printed).
    pub port: u16,
    /// `false` (`--no-token`): no one-time secret, no cookie; anyone on the
    /// machine can read and change the data.
    pub token: bool,
    /// How long a client may take to send a request's head (idle kept-alive
    /// connections included), after which the connection is closed.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body, after which it gets 408.
    pub body_timeout: Duration,
}

impl Options {
    /// The defaults: a secret, 10 s for a head, 5 s for a body.
    pub fn new(root: PathBuf, out: PathBuf, port: u16) -> Options {
        Options {
            root,
            out,
            port,
            token: true,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(5),
        }
    }
}

/// What the desk tells its caller, for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Listening. `url` is the address to open: with the one-time secret
    /// (`http://127.0.0.1:PORT/?jeton=…`), or without when `token` is false.
    Ready {
        addr: SocketAddr,
        url: String,
        token: bool,
    },
    /// A browser exchanged the one-time secret: the desk is open to it alone.
    Opened,
    /// The secret was shown again after it was exchanged, or a wrong one.
    SecretRefused,
    /// A build started from the desk ended.
    BuildEnded(BuildSummary),
}

/// The counts of a build started from the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    pub rendered: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub failed: usize,
    /// Why it did not run or stopped, if so (French).
    pub problem: Option<String>,
}

/// Where the desk's events go.
pub type Events = Arc<dyn Fn(Event) + Send + Sync>;

/// An HTTP answer before it is sent.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// `Content-Disposition` of a download.
    pub attachment: Option<String>,
    /// Other headers (`Location`, `Set-Cookie`).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn html(body: String) -> Reply {
        Reply::with(200, "text/html; charset=utf-8", body.into_bytes())
    }

    pub fn with(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body,
            attachment: None,
            headers: Vec::new(),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply::with(status, "text/plain; charset=utf-8", Vec::new())
    }

    pub fn json(status: u16, v: &serde_json::Value) -> Reply {
        Reply::with(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec(v).expect("JSON serialises"),
        )
    }

    /// A refusal with a French message: JSON for the script (`{"erreur": …}`).
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({ "erreur": message }))
    }

    /// A refusal as the client reads it: JSON for the API (`api`), else a page.
    pub fn refusal(status: u16, message: &str, api: bool) -> Reply {
        if api {
            Reply::error(status, message)
        } else {
            pages::error_page(status, message)
        }
    }

    pub fn not_found() -> Reply {
        Reply::error(
            404,
            "Page introuvable\u{a0}: cette adresse ne désigne rien dans ce programme.",
        )
    }
}

/// The answer to a request that passed the checks of `access`. An error of a
/// page (not `/api/…`) is shown as a French page, not as JSON.
fn route(state: &State, method: &hyper::Method, path: &str, body: &[u8]) -> Reply {
    use hyper::Method;
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let reply = match (method, segs.as_slice()) {
        (&Method::GET, []) => pages::programme(state),
        (&Method::GET, ["convention", id]) => pages::convention(state, id),
        (&Method::GET, ["assets", name]) => assets::get(name),
        (&Method::GET, ["telecharger", id, format]) => api::download(state, id, format),
        (&Method::GET, ["api", "schema"]) => api::schema(),
        (&Method::GET, ["api", "libelles"]) => labels::reply(),
        (&Method::GET, ["api", "convention", id]) => api::convention(state, id),
        (&Method::POST, ["api", "check", id]) => api::check(state, id, body),
        (&Method::POST, ["api", "save", id]) => api::save(state, id, body),
        (&Method::POST, ["api", "build"]) => api::build(state, body),
        (&Method::GET, ["api", "build"]) => api::build_status(state),
        (&Method::GET | &Method::POST, _) => Reply::not_found(),
        _ => {
            let mut r = Reply::error(405, "Méthode non acceptée.");
            r.headers.push(("Allow", "GET, HEAD, POST".to_string()));
            r
        }
    };
    let api = segs.first() == Some(&"api");
    if reply.status >= 400 && !api && reply.content_type.starts_with("application/json") {
        let message = serde_json::from_slice::<serde_json::Value>(&reply.body)
            .ok()
            .and_then(|v| v["erreur"].as_str().map(str::to_string))
            .unwrap_or_default();
        let mut page = pages::error_page(reply.status, &message);
        page.headers = reply.headers;
        return page;
    }
    reply
}

fn too_large() -> Reply {
    Reply::error(
        413,
        &format!(
            "Requête trop volumineuse\u{a0}: le bureau accepte au plus {}\u{a0}Mio.",
            MAX_BODY / (1024 * 1024)
        ),
    )
}

/// Starts the desk; `events` is told the address once it listens, and what
/// the terminal should show afterwards. Returns when `stop` becomes true
/// (Ctrl-C). `Err`: why the desk could not start — the programme cannot be
/// loaded (the inputs' errors) or the port is taken, the OS gave no random
/// secret (faults, by their codes' kind).
pub fn run(opts: &Options, stop: Arc<AtomicBool>, events: Events) -> Result<(), Vec<Diagnostic>> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| {
        vec![
            Diagnostic::error(
                Code::BUR_002,
                crate::tr!(
                    "impossible d'écouter sur 127.0.0.1:{}\u{a0}: {}",
                    "cannot listen on 127.0.0.1:{}: {}",
                    opts.port,
                    e
                ),
            )
            .with_hint(crate::tr!(
                "choisissez un autre port avec --port, ou arrêtez le programme qui l'occupe",
                "choose another port with --port, or stop the program that holds it"
            )),
        ]
    })?;
    let addr = listener.local_addr().map_err(|e| {
        vec![Diagnostic::error(
            Code::BUR_002,
            crate::tr!(
                "impossible de lire l'adresse d'écoute\u{a0}: {}",
                "cannot read the listening address: {}",
                e
            ),
        )]
    })?;
    let state = Arc::new(State::open(opts, addr.port(), events.clone())?);
    let url = match state.access.secret() {
        Some(s) => format!("http://{addr}/?{}={s}", access::SECRET_PARAM),
        None => format!("http://{addr}/"),
    };
    events(Event::Ready {
        addr,
        url,
        token: opts.token,
    });
    server::serve(listener, state, opts, stop).map_err(|e| {
        vec![Diagnostic::error(
            Code::BUR_003,
            crate::tr!(
                "le bureau s'est arrêté sur une erreur\u{a0}: {}",
                "the desk stopped on an error: {}",
                e
            ),
        )]
    })
}
