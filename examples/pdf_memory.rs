//! Memory probe (not a test): typesets N conventions of a programme (cycling
//! over its associations) in one thread or more and prints the resident set size every
//! 20 documents, with the bytes in use.
//! `cargo run --example pdf_memory -- N [PROG] [THREADS]`

use std::path::Path;

#[path = "support/counting.rs"]
mod counting;
use counting::{COUNTING, LIVE};
use std::sync::atomic::Ordering::Relaxed;

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
        / 1024
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let dir = std::env::args()
        .nth(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/economie-solidaire")
        });
    let (prog, _) = charta::load::load_programme(&dir).expect("example loads");
    let (engine, _) = charta::render::Engine::new(&prog.library);
    let pdf = charta::emit::pdf::PdfEngine::new(None);
    // Threads (third argument, default 1) take documents in turn, as the
    // batch's workers do, but with nothing else of the batch.
    let threads: usize = std::env::args()
        .nth(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let next = std::sync::atomic::AtomicUsize::new(1);
    COUNTING.store(true, Relaxed);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Relaxed);
                    if i > n {
                        break;
                    }
                    let a = &prog.associations[(i - 1) % prog.associations.len()];
                    let r = engine
                        .render(&prog.file, &a.id, a.data.as_ref().unwrap(), &a.path)
                        .expect("renders");
                    pdf.render(&r.markdown, &r.pdf_meta).expect("typesets");
                    if i.is_multiple_of(20) {
                        println!(
                            "{i} documents: {} MiB resident, {:.1} MiB in use",
                            rss_mib(),
                            LIVE.load(Relaxed) as f64 / 1048576.0
                        );
                    }
                }
            });
        }
    });
}
