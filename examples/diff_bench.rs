//! Benchmark of `charta diff` (a measurement, not a test).
//!
//! ```sh
//! cargo run --release --example gen_programme -- /tmp/gen1000 1000
//! cargo run --release --example diff_bench -- /tmp/gen1000 [WORK_DIR]
//! ```
//!
//! Copies the generated programme (repairing its IBANs if needed), changes a deterministic share of its
//! association files (a contribution in one file out of ten, a target in one
//! out of twenty-five, an optional clause added in one out of forty, one file
//! out of a hundred removed, ten files added), builds both versions in
//! Markdown only (the diff reads the `.md` files and their `.data.json`
//! snapshots, not the PDFs), then times:
//! - the batch diff of the two build folders (library call, with the text
//!   report), best and median of five runs;
//! - the diff of one pair of example conventions (tests/diff-cases: base →
//!   amount), text and Markdown reports, mean over 500 runs.
//!
//! The build folders are left in WORK_DIR (default: a temporary folder that
//! is removed) so that the CLI can be timed as well:
//! `time target/release/charta diff WORK_DIR/out-old WORK_DIR/out-new > /dev/null`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use charta::build::BuildOptions;
use charta::diff::{ConventionStatus, Report, diff_folders, sides::diff_files};
use charta::out::Status;
use serde_json::Value;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for e in std::fs::read_dir(from).expect("read folder").flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == "out" {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).expect("copy file");
        }
    }
}

fn edit(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).expect("JSON")).expect("write");
}

/// A French IBAN with a correct RIB key and check digits, from the bank,
/// branch and account numbers of `iban`: the generator may predate the check
/// of the RIB key, and a convention that fails its checks is not rendered.
fn repair_iban(iban: &str) -> String {
    let bban: String = iban.chars().skip(4).filter(char::is_ascii_digit).collect();
    if bban.len() != 23 {
        return iban.to_string();
    }
    let n = |s: &str| s.parse::<u64>().unwrap_or(0);
    let (bank, branch, account) = (n(&bban[..5]), n(&bban[5..10]), n(&bban[10..21]));
    let key = 97 - (89 * bank + 15 * branch + 3 * account) % 97;
    let bban = format!("{}{key:02}", &bban[..21]);
    let rem = format!("{bban}152700")
        .bytes()
        .fold(0u64, |acc, b| (acc * 10 + u64::from(b - b'0')) % 97);
    format!("FR{:02}{bban}", 98 - rem)
}

fn repair(prog: &Path) {
    for e in std::fs::read_dir(prog.join("associations"))
        .expect("associations/")
        .flatten()
    {
        edit(&e.path(), |v| {
            if let Some(iban) = v["association"]["bank"]["iban"].as_str() {
                v["association"]["bank"]["iban"] = repair_iban(iban).into();
            }
        });
    }
}

/// Changes a deterministic share of the association files; returns a description.
fn mutate(prog: &Path) -> String {
    let dir = prog.join("associations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("associations/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (mut funding, mut target, mut clause, mut removed, mut added) = (0, 0, 0, 0, 0);
    for (i, path) in files.iter().enumerate() {
        if i % 100 == 50 {
            std::fs::remove_file(path).expect("remove");
            removed += 1;
            continue;
        }
        edit(path, |v| {
            if i % 10 == 0
                && let Some(f) = v["convention"]["funding"].as_object_mut()
                && let Some((_, last)) = f.iter_mut().last()
            {
                *last = (last.as_f64().unwrap_or(0.0) + 1000.0).into();
                funding += 1;
            }
            if i % 25 == 5 {
                let t = &mut v["dashboard"]["objectives"][0]["indicators"][0]["targets"];
                if let Some(map) = t.as_object_mut()
                    && let Some((_, x)) = map.iter_mut().nth(1)
                    && let Some(n) = x.as_f64()
                {
                    *x = (n + 5.0).into();
                    target += 1;
                }
            }
            if i % 40 == 7
                && let Some(add) = v["convention"]["clauses"]["add"].as_array_mut()
                && !add.iter().any(|x| x == "comite-de-suivi")
            {
                add.push("comite-de-suivi".into());
                clause += 1;
            }
        });
    }
    for (k, path) in files.iter().take(10).enumerate() {
        let new = dir.join(format!("added-{k:02}.json"));
        std::fs::copy(path, &new).expect("copy");
        edit(&new, |v| {
            v["convention"]["reference"] = format!("ADD-2026-{k:02}").into();
        });
        added += 1;
    }
    format!(
        "{} files: {funding} contributions changed, {target} targets changed, {clause} optional clauses added, {removed} removed, {added} added",
        files.len()
    )
}

fn build_md(prog: &Path, out: &Path) -> Duration {
    let (p, _) = charta::load::load_programme(prog).unwrap_or_else(|d| panic!("{d:?}"));
    let opts = BuildOptions {
        out: out.to_path_buf(),
        formats: vec!["md".to_string()],
        only: Vec::new(),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        force: true,
        keep_typst: false,
        shard: None,
    };
    let started = std::time::Instant::now();
    let report = charta::build::run_collected(&p, &opts, &()).unwrap_or_else(|d| panic!("{d:?}"));
    let elapsed = started.elapsed();
    assert_eq!(
        report.count(Status::Failed) + report.count(Status::Refused),
        0,
        "{:?}",
        report.diagnostics
    );
    elapsed
}

fn median(mut xs: Vec<Duration>) -> (Duration, Duration) {
    xs.sort();
    (xs[0], xs[xs.len() / 2])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(prog) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: diff_bench GENERATED_PROGRAMME [WORK_DIR]");
        std::process::exit(2);
    };
    let tmp;
    let work = match args.get(2) {
        Some(w) => PathBuf::from(w),
        None => {
            tmp = tempfile::tempdir().expect("temp dir");
            tmp.path().to_path_buf()
        }
    };
    let (prog_old, prog_new, out_old, out_new) = (
        work.join("prog-old"),
        work.join("prog-new"),
        work.join("out-old"),
        work.join("out-new"),
    );
    for d in [&prog_old, &prog_new, &out_old, &out_new] {
        let _ = std::fs::remove_dir_all(d);
    }
    copy_dir(&prog, &prog_old);
    repair(&prog_old);
    copy_dir(&prog_old, &prog_new);
    println!("changes: {}", mutate(&prog_new));
    let t_old = build_md(&prog_old, &out_old);
    let t_new = build_md(&prog_new, &out_new);
    println!(
        "builds (Markdown only): {:.2} s and {:.2} s",
        t_old.as_secs_f64(),
        t_new.as_secs_f64()
    );

    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let t = Instant::now();
        let f = diff_folders(&out_old, &out_new).expect("batch diff");
        let text = charta::diff::text(&Report::Folder(&f), false, charta::diagnostic::Lang::Fr);
        times.push(t.elapsed());
        last = Some((f, text.len()));
    }
    let (f, bytes) = last.expect("five runs");
    let (best, med) = median(times);
    println!(
        "batch diff: {} conventions ({} changed, {} added, {} removed, {} unchanged), report {bytes} bytes: best {:.1} ms, median {:.1} ms",
        f.conventions.len(),
        f.count(ConventionStatus::Changed),
        f.count(ConventionStatus::Added),
        f.count(ConventionStatus::Removed),
        f.count(ConventionStatus::Unchanged),
        best.as_secs_f64() * 1e3,
        med.as_secs_f64() * 1e3
    );

    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases");
    let id = "maison-solidarites-montvalon.md";
    let (a, b) = (cases.join("base").join(id), cases.join("amount").join(id));
    let runs = 500;
    let t = Instant::now();
    for _ in 0..runs {
        let d = diff_files(&a, &b).expect("pair diff");
        let r = Report::Pair {
            old: &a,
            new: &b,
            diff: &d,
        };
        std::hint::black_box(charta::diff::text(&r, false, charta::diagnostic::Lang::Fr));
        std::hint::black_box(charta::diff::markdown(&r));
    }
    let per = t.elapsed() / runs;
    println!(
        "pair diff (example convention, {} bytes, base → amount, text and Markdown reports): {:.3} ms per diff",
        std::fs::metadata(&a).map_or(0, |m| m.len()),
        per.as_secs_f64() * 1e3
    );
    println!(
        "CLI: time target/release/charta diff {} {} > /dev/null",
        out_old.display(),
        out_new.display()
    );
}
