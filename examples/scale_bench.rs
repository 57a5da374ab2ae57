//! Benchmark of the batch at scale (not a test): for each N given, generates
//! a programme of N conventions (`gen_programme`, seed 1), builds it (Markdown
//! and PDF, 2 workers) in a fresh process, and prints the time per
//! convention, CPU time, peak memory and manifest size; then builds it again
//! (nothing to do: the incremental check alone).
//!
//! `cargo run --release --example scale_bench -- 1000 10000 [--jobs 2] [--keep DIR] [--runs K] [--live] [--format md] [--warnings]`
//!
//! `--warnings` generates the programmes with the indicators' optional fields
//! empty (`gen_programme --warnings`, about 16 warnings per convention; kept
//! apart in `prog-N-warnings`); the build streams its diagnostics to a sink
//! that counts them (the `warnings` column), as the binary's summary does.
//! `--format md` (or `md,pdf`, …) chooses the formats (default md and pdf).
//!
//! `peak MiB` is the peak resident set of the build; `at 1,000` is the same
//! figure when its 1,000th convention was done (same process, same hour:
//! the fairest comparison of a 10,000 build with its first 1,000), and a
//! build of more than 1,000 prints that figure at each thousand. `--runs K`
//! builds each programme K times (the peak varies by a few MiB from one run
//! to the next).
//!
//! The no-op rebuild's peak memory is printed too; `--live` adds the peak of
//! the bytes in use (counted by the allocator, a little slower), beside the
//! resident set that the allocator holds.
//!
//! The programmes go to a temporary folder (or DIR with `--keep`, reused when
//! already generated). Figures of a dev build are not those of a release one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

#[path = "support/counting.rs"]
mod counting;
use counting::{COUNTING, PEAK_LIVE};

#[path = "gen_programme.rs"]
#[allow(dead_code)]
mod gen_programme;

/// `VmHWM` (peak resident set) of this process, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// User and system CPU seconds of this process (`/proc/self/stat`, 100 ticks a second).
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    // After the `)`: state is field 0, utime field 11, stime field 12.
    (tick(11), tick(12))
}

/// Records the peak resident set each time a thousand conventions are done.
#[derive(Default)]
struct Thousands {
    done: AtomicUsize,
    peaks: Mutex<Vec<u64>>,
}

impl charta::build::Progress for Thousands {
    fn done(&self, _id: &str, _status: charta::out::Status) {
        if (self.done.fetch_add(1, Relaxed) + 1).is_multiple_of(1000) {
            let peak = peak_kib();
            self.peaks.lock().expect("no panic holding it").push(peak);
        }
    }
}

/// Counts the diagnostics of a build, keeping none.
#[derive(Default)]
struct Tally(usize);

impl charta::diagnostic::Sink for Tally {
    fn push(&mut self, _d: charta::diagnostic::Diagnostic) {
        self.0 += 1;
    }
}

/// The child: one build of PROG into PROG/out, figures on stdout as one line
/// (the peaks at each thousand last, comma-separated).
fn child(prog: &Path, jobs: usize, formats: &str, live: bool) {
    COUNTING.store(live, Relaxed);
    let started = Instant::now();
    if live && std::env::var_os("CHARTA_BENCH_SAMPLE").is_some() {
        // Bytes in use every second, on stderr (a probe for the curious:
        // `scale_bench --child PROG 2 live 2> samples`).
        let out = prog.join("out");
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                let done = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
                eprintln!(
                    "sample {:.0} s {} files {:.1} MiB",
                    started.elapsed().as_secs_f64(),
                    done,
                    counting::LIVE.load(Relaxed) as f64 / 1048576.0
                );
            }
        });
    }
    let (p, _) = charta::load::load_programme_lazy(prog).expect("programme loads");
    let mut opts = charta::build::BuildOptions::new(prog.join("out"));
    opts.jobs = jobs;
    opts.formats = formats.split(',').map(str::to_string).collect();
    let thousands = Thousands::default();
    let mut tally = Tally::default();
    let r = charta::build::run(&p, &opts, &thousands, &mut tally).expect("build runs");
    let wall = started.elapsed().as_secs_f64();
    let (user, sys) = cpu_seconds();
    let rendered = r.count(charta::out::Status::Rendered);
    let unchanged = r.count(charta::out::Status::Unchanged);
    let failed = r.count(charta::out::Status::Failed) + r.count(charta::out::Status::Refused);
    let peaks = thousands.peaks.into_inner().expect("no panic holding it");
    let peaks: Vec<String> = peaks.iter().map(u64::to_string).collect();
    println!(
        "{wall} {user} {sys} {} {rendered} {unchanged} {failed} {} {} {}",
        peak_kib(),
        PEAK_LIVE.load(Relaxed) / 1024,
        tally.0,
        if peaks.is_empty() {
            "-".to_string()
        } else {
            peaks.join(",")
        }
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(
            Path::new(&args[1]),
            args[2].parse().expect("jobs"),
            &args[3],
            args.get(4).is_some_and(|a| a == "live"),
        );
        return;
    }
    let mut sizes = Vec::new();
    let mut jobs = 2;
    let mut keep: Option<PathBuf> = None;
    let mut live = false;
    let mut runs = 1;
    let mut formats = "md,pdf".to_string();
    let mut warnings = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--jobs" => jobs = it.next().and_then(|s| s.parse().ok()).expect("--jobs N"),
            "--keep" => keep = it.next().map(PathBuf::from),
            "--live" => live = true,
            "--warnings" => warnings = true,
            "--format" => formats = it.next().cloned().expect("--format md,pdf"),
            "--runs" => runs = it.next().and_then(|s| s.parse().ok()).expect("--runs K"),
            n => sizes.push(n.parse::<usize>().expect("N is a number")),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10_000];
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let exe = std::env::current_exe().expect("own path");
    println!(
        "{:>7} {:>9} {:>9} {:>14} {:>10} {:>9} {:>12} {:>10}  {:>11} {:>10} {:>9}{}",
        "N",
        "wall s",
        "ms/conv",
        "CPU user+sys",
        "peak MiB",
        "at 1,000",
        "manifest",
        "B/conv",
        "no-op ms/c",
        "no-op MiB",
        "warnings",
        if live {
            "  live MiB (build, no-op)"
        } else {
            ""
        }
    );
    for n in sizes {
        let dir = root.join(format!(
            "prog-{n}{}",
            if warnings { "-warnings" } else { "" }
        ));
        if !dir.join("associations").is_dir() {
            gen_programme::generate_with(&dir, n, 1, false, false, warnings);
        }
        // The figures of one build, and its peaks at each thousand (KiB).
        let run = || {
            let out = Command::new(&exe)
                .args([
                    "--child",
                    dir.to_str().expect("utf-8"),
                    &jobs.to_string(),
                    &formats,
                ])
                .args(live.then_some("live"))
                .output()
                .expect("child runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = String::from_utf8_lossy(&out.stdout).into_owned();
            let mut fields: Vec<&str> = line.split_whitespace().collect();
            let thousands = fields.pop().expect("the peaks at each thousand");
            let figures = fields
                .iter()
                .map(|x| x.parse::<f64>().expect("a figure"))
                .collect::<Vec<f64>>();
            let thousands = thousands
                .split(',')
                .filter_map(|x| x.parse::<f64>().ok())
                .collect::<Vec<f64>>();
            (figures, thousands)
        };
        for _ in 0..runs {
            let _ = std::fs::remove_dir_all(dir.join("out"));
            let (first, thousands) = run();
            let (wall, user, sys, peak, rendered, _, failed) = (
                first[0], first[1], first[2], first[3], first[4], first[5], first[6],
            );
            assert_eq!(failed, 0.0, "no convention fails");
            assert_eq!(rendered as usize, n, "every convention rendered");
            let manifest = std::fs::metadata(dir.join("out/manifest.json"))
                .map(|m| m.len())
                .unwrap_or(0);
            let (again, _) = run();
            assert_eq!(again[5] as usize, n, "nothing to redo");
            println!(
                "{n:>7} {wall:>9.1} {:>9.1} {:>14} {:>10.0} {:>9} {:>12} {:>10}  {:>11.2} {:>10.0} {:>9}{}",
                wall * 1000.0 / n as f64,
                format!("{user:.0} + {sys:.0} s"),
                peak / 1024.0,
                thousands
                    .first()
                    .map_or("-".to_string(), |p| format!("{:.0}", p / 1024.0)),
                format!("{:.1} MB", manifest as f64 / 1e6),
                manifest / n as u64,
                again[0] * 1000.0 / n as f64,
                again[3] / 1024.0,
                first[8],
                if live {
                    format!("  {:.0}, {:.0}", first[7] / 1024.0, again[7] / 1024.0)
                } else {
                    String::new()
                }
            );
            if thousands.len() > 1 {
                let each: Vec<String> = thousands
                    .iter()
                    .map(|p| format!("{:.0}", p / 1024.0))
                    .collect();
                println!("{:>7} peak MiB at each 1,000: {}", "", each.join(", "));
            }
        }
    }
    if keep.is_none() {
        drop(tmp);
    }
}
