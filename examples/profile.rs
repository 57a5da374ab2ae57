//! Where the time of one convention goes (not a test): builds the first N
//! conventions of a programme with one worker while Typst's own timing scopes
//! record, then prints, per scope, the time spent inside it (inclusive) and in
//! it alone (self), in ms per convention, and what is left outside Typst
//! (charta's own work: templates, Markdown, Typst source, hashing, writing).
//!
//! `cargo run --release --example profile -- PROG [N] [--no-scopes] [--jobs J]`
//! (N defaults to 100, J to 1).
//! The scopes cost some time of their own: compare parts with each other,
//! and take the total from `scale_bench`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(serde::Deserialize)]
struct Event {
    name: String,
    ph: String,
    ts: f64,
    tid: u64,
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--no-scopes`: the build alone, for a count of instructions under
    // `valgrind --tool=callgrind` (two values of N give the cost of one).
    let scopes = !args.iter().any(|a| a == "--no-scopes");
    args.retain(|a| a != "--no-scopes");
    // `--jobs N` (default 1): workers, for the allocator's and the system's
    // share with several (the scopes still sum every thread's time).
    let jobs = match args.iter().position(|a| a == "--jobs") {
        Some(i) => {
            let n = args
                .get(i + 1)
                .and_then(|s| s.parse().ok())
                .expect("--jobs N");
            args.drain(i..i + 2);
            n
        }
        None => 1,
    };
    let mut args = args.into_iter();
    let prog = PathBuf::from(args.next().expect("usage: profile PROG [N]"));
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let (p, _) = charta::load::load_programme_lazy(&prog).expect("programme loads");
    let out = tempfile::tempdir().expect("temp dir");
    let mut opts = charta::build::BuildOptions::new(out.path());
    opts.jobs = jobs;
    opts.only = p
        .associations
        .iter()
        .take(n)
        .map(|a| a.id.clone())
        .collect();
    let n = opts.only.len();

    // One convention first, outside the measure: the library, fonts and
    // Typst's first-use caches.
    let mut warm = opts.clone();
    warm.only.truncate(1);
    warm.out = out.path().join("warm");
    charta::build::run_collected(&p, &warm, &()).expect("build runs");

    if !scopes {
        charta::build::run_collected(&p, &opts, &()).expect("build runs");
        return;
    }
    typst_timing::enable();
    let started = Instant::now();
    let r = charta::build::run_collected(&p, &opts, &()).expect("build runs");
    let total = started.elapsed().as_secs_f64() * 1000.0;
    typst_timing::disable();
    assert_eq!(
        r.count(charta::out::Status::Rendered),
        n,
        "every convention rendered"
    );

    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).expect("trace");
    let events: Vec<Event> = serde_json::from_slice(&json).expect("trace parses");
    // name -> (inclusive µs, self µs, calls)
    let mut by: HashMap<String, (f64, f64, u64)> = HashMap::new();
    // Per thread: open scopes (name, start, time in children).
    let mut stacks: HashMap<u64, Vec<(String, f64, f64)>> = HashMap::new();
    let mut top = 0.0;
    for e in &events {
        let stack = stacks.entry(e.tid).or_default();
        if e.ph == "B" {
            stack.push((e.name.clone(), e.ts, 0.0));
            continue;
        }
        let Some((name, start, children)) = stack.pop() else {
            continue;
        };
        let d = e.ts - start;
        let recursive = stack.iter().any(|(n, _, _)| *n == name);
        let slot = by.entry(name).or_default();
        if !recursive {
            slot.0 += d;
        }
        slot.1 += d - children;
        slot.2 += 1;
        match stack.last_mut() {
            Some(parent) => parent.2 += d,
            None => top += d,
        }
    }
    let per = |us: f64| us / 1000.0 / n as f64;
    println!(
        "{n} conventions, {jobs} worker(s): {:.1} ms each",
        total / n as f64
    );
    println!(
        "  inside Typst's scopes {:.1} ms, outside (charta) {:.1} ms",
        per(top),
        total / n as f64 - per(top)
    );
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    println!(
        "\n{:<34} {:>10} {:>10} {:>10}",
        "scope", "incl. ms", "self ms", "calls/conv"
    );
    for (name, (incl, own, calls)) in rows.iter().take(40) {
        println!(
            "{name:<34} {:>10.2} {:>10.2} {:>10.1}",
            per(*incl),
            per(*own),
            *calls as f64 / n as f64
        );
    }
}
