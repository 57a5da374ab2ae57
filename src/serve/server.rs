//! The sockets: hyper's HTTP/1.1 server on a one-thread tokio runtime.
//!
//! The thread that accepts also reads every request and writes every answer,
//! without ever blocking: a client that announces a body and never sends it
//! waits on a timer ([`Options::body_timeout`], then 408 and the connection
//! closed), a client that never finishes its head is closed after
//! [`Options::header_timeout`] (hyper's own timer, which also closes an idle
//! kept-alive connection), and past [`MAX_CONNECTIONS`] a new connection is
//! answered 503 at once. The work of a request (reading files, checking,
//! rendering) runs on tokio's blocking pool, at most [`WORKERS`] threads.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

use super::access::{self, Verdict};
use super::{Event, MAX_BODY, MAX_CONNECTIONS, Options, Reply, State, WORKERS};

/// How often the accept loop looks at the stop flag.
const TICK: Duration = Duration::from_millis(200);

#[derive(Clone, Copy)]
struct Limits {
    header: Duration,
    body: Duration,
}

/// Serves until `stop`; then gives the requests under way one second.
pub fn serve(
    listener: std::net::TcpListener,
    state: Arc<State>,
    opts: &Options,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(WORKERS)
        .thread_name("charta-bureau")
        .build()?;
    let limits = Limits {
        header: opts.header_timeout,
        body: opts.body_timeout,
    };
    let result = runtime.block_on(accept(listener, state, limits, stop));
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Decrements the count of open connections when a connection ends.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn accept(
    listener: std::net::TcpListener,
    state: Arc<State>,
    limits: Limits,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(AtomicUsize::new(0));
    while !stop.load(Ordering::Relaxed) {
        let stream = match tokio::time::timeout(TICK, listener.accept()).await {
            Err(_) => continue,
            // Out of file descriptors, a connection reset before it was
            // accepted: wait a little, keep serving.
            Ok(Err(_)) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Ok(Ok((stream, _))) => stream,
        };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = stream.try_write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n",
            );
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let guard = Open(open.clone());
        let state = state.clone();
        tokio::spawn(async move {
            let _guard = guard;
            let service = service_fn(move |req| handle(state.clone(), limits, req));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    Ok(())
}

async fn handle(
    state: Arc<State>,
    limits: Limits,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let head = parts.method == Method::HEAD;
    let reads_body = match access::screen(&state.access, &parts, state.port()) {
        Verdict::Pass { reads_body } => reads_body,
        Verdict::Answer(reply) => return Ok(respond(reply, true)),
        Verdict::Opened(reply) => {
            (state.events)(Event::Opened);
            return Ok(respond(reply, false));
        }
        Verdict::SecretRefused(reply) => {
            (state.events)(Event::SecretRefused);
            return Ok(respond(reply, true));
        }
    };
    let mut bytes = Vec::new();
    if reads_body {
        let read = tokio::time::timeout(limits.body, Limited::new(body, MAX_BODY).collect()).await;
        match read {
            Err(_) => {
                let r = Reply::error(
                    408,
                    "Requête incomplète\u{a0}: son contenu n'est pas arrivé à temps. Réessayez.",
                );
                return Ok(respond(r, true));
            }
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                return Ok(respond(super::too_large(), true));
            }
            Ok(Err(_)) => {
                let r = Reply::error(400, "Corps de la requête illisible.");
                return Ok(respond(r, true));
            }
            Ok(Ok(collected)) => bytes = collected.to_bytes().to_vec(),
        }
    }
    let method = if head {
        Method::GET
    } else {
        parts.method.clone()
    };
    let path = parts.uri.path().to_string();
    let work = tokio::task::spawn_blocking(move || super::route(&state, &method, &path, &bytes));
    let reply = work.await.unwrap_or_else(|_| {
        Reply::error(500, "Erreur interne du bureau\u{a0}: rien n'a été fait.")
    });
    Ok(respond(reply, false))
}

/// The answer with the headers every answer carries; `close` ends the
/// connection after it (a refusal, whose body may not have been read).
fn respond(reply: Reply, close: bool) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(reply.body)));
    *r.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers: Vec<(&str, String)> = vec![
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
    if close {
        headers.push(("Connection", "close".to_string()));
    }
    headers.extend(reply.headers);
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            r.headers_mut().append(k, v);
        }
    }
    r
}
