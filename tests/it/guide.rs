//! The user guide's commands run as the guide shows them: every ```` ```console ````
//! block of `docs/guide/src/*.md`, page by page, in a fresh copy of the example
//! programme (`economie-solidaire/` in an empty folder), with the `charta` of
//! this build.
//!
//! In a block, a line `$ charta …` is a command (run by `sh`, so a redirection
//! works); the lines after it, up to the next `$`, are what it must print: each
//! must be a line of its output (stdout and stderr), in any order (conventions
//! are built in parallel). `...` stands for omitted lines, `[..]` for any text
//! within a line, and a duration (`en 0,39 s`) matches any duration. The block's
//! info string may add `statut=N` (the exit status of its commands; default 0)
//! and `service` (the command runs until interrupted: the test waits for the
//! first line shown, sends SIGINT as Ctrl-C does and expects status 0; `--port 0`
//! is added and the port printed is read as the default one, 8421).
//!
//! A comment `<!-- guide-test: what the user did by hand` followed by shell lines
//! and `-->` runs those lines at that point of the page (an edit of a data file,
//! a copy the association sent back), with `charta` on the `PATH`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{copy_programme, copy_tree, example_dir};

/// One command of a console block.
#[derive(Debug)]
struct Cmd {
    line: usize,
    text: String,
    expected: Vec<String>,
    status: i32,
    service: bool,
}

#[derive(Debug)]
enum Step {
    /// A `guide-test` comment: shell lines that stand for what a user does by hand.
    Setup {
        line: usize,
        script: String,
    },
    Run(Cmd),
}

/// The steps of a page, in order. Panics on a malformed block (a typo in an
/// attribute, a command that is not `charta`, output before any command).
fn parse(page: &str, name: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut lines = page.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((n, l)) = lines.next() {
        if let Some(first) = l.strip_prefix("<!-- guide-test:") {
            assert!(
                !first.contains("-->"),
                "{name}:{n}: the set-up lines go below its first line"
            );
            let mut script = String::new();
            for (_, l) in lines.by_ref() {
                if let Some(end) = l.find("-->") {
                    script.push_str(&l[..end]);
                    break;
                }
                script.push_str(l);
                script.push('\n');
            }
            steps.push(Step::Setup { line: n, script });
        } else if let Some(info) = l.strip_prefix("```") {
            let console = info.split_whitespace().next() == Some("console");
            let (status, service) = if console {
                attributes(info, name, n)
            } else {
                (0, false)
            };
            for (m, l) in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                if console {
                    console_line(&mut steps, l, (status, service), name, m);
                }
            }
        }
    }
    steps
}

/// `statut=N` and `service` after `console` in a block's info string.
fn attributes(info: &str, name: &str, n: usize) -> (i32, bool) {
    let (mut status, mut service) = (0, false);
    for a in info.split_whitespace().skip(1) {
        match a.strip_prefix("statut=") {
            Some(s) => status = s.parse().expect("statut=N"),
            None if a == "service" => service = true,
            None => panic!("{name}:{n}: unknown attribute `{a}` (statut=N, service)"),
        }
    }
    (status, service)
}

fn console_line(
    steps: &mut Vec<Step>,
    l: &str,
    (status, service): (i32, bool),
    name: &str,
    n: usize,
) {
    if let Some(text) = l.strip_prefix("$ ") {
        assert!(
            text.starts_with("charta "),
            "{name}:{n}: only `charta` commands run here: {text}"
        );
        steps.push(Step::Run(Cmd {
            line: n,
            text: text.to_string(),
            expected: Vec::new(),
            status,
            service,
        }));
        return;
    }
    if l.trim().is_empty() || l.trim() == "..." {
        return;
    }
    match steps.last_mut() {
        Some(Step::Run(c)) => c.expected.push(l.trim_end().to_string()),
        _ => panic!("{name}:{n}: output before any `$ charta` line"),
    }
}

/// Whether `actual` is the line `expected` shows: `[..]` is any text, a
/// duration any duration.
fn matches(expected: &str, actual: &str) -> bool {
    let mut pattern = String::from("^");
    for (i, part) in expected.split("[..]").enumerate() {
        if i > 0 {
            pattern.push_str(".*");
        }
        pattern.push_str(&regex::escape(part));
    }
    pattern.push('$');
    let duration = regex::Regex::new(r"\d+,\d+ s").unwrap();
    let pattern = duration.replace_all(&pattern, r"\d+,\d+ s");
    regex::Regex::new(&pattern)
        .unwrap()
        .is_match(actual.trim_end())
}

/// The expected lines that no line of `output` matches.
fn missing<'a>(expected: &'a [String], output: &str) -> Vec<&'a str> {
    expected
        .iter()
        .filter(|e| !output.lines().any(|a| matches(e, a)))
        .map(String::as_str)
        .collect()
}

fn shell(dir: &Path, script: &str) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_charta")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("CHARTA_FAILPOINT")
        .env("LANG", "C.UTF-8");
    c
}

/// Runs a command to its end: (exit status, stdout and stderr).
fn run(dir: &Path, cmd: &Cmd) -> (Option<i32>, String) {
    let out = shell(dir, &format!("exec {}", cmd.text))
        .output()
        .expect("sh runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

/// Runs a service until its first expected line shows, then stops it as Ctrl-C does.
fn run_service(dir: &Path, cmd: &Cmd) -> (Option<i32>, String) {
    let mut child = shell(dir, &format!("exec {} --port 0", cmd.text))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let output = Arc::new(Mutex::new(String::new()));
    let readers: Vec<_> = [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ]
    .into_iter()
    .map(|mut pipe| {
        let output = Arc::clone(&output);
        std::thread::spawn(move || {
            // Whole lines: a line of stderr written in two pieces (its text,
            // then its newline) must not take a line of stdout in between.
            let mut lines = std::io::BufReader::new(&mut pipe);
            let mut line = Vec::new();
            while let Ok(1..) = std::io::BufRead::read_until(&mut lines, b'\n', &mut line) {
                output
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&line));
                line.clear();
            }
        })
    })
    .collect();
    let ready = |out: &str| {
        missing(
            &cmd.expected[..1.min(cmd.expected.len())],
            &default_port(out),
        )
        .is_empty()
    };
    let start = Instant::now();
    while !ready(&output.lock().unwrap()) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = wait(&mut child);
    for r in readers {
        let _ = r.join();
    }
    let text = default_port(&output.lock().unwrap());
    (status, text)
}

fn wait(child: &mut std::process::Child) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(s)) = child.try_wait() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The address a service printed, with the port the guide shows (the default).
fn default_port(out: &str) -> String {
    regex::Regex::new(r"127\.0\.0\.1:\d+")
        .unwrap()
        .replace_all(out, "127.0.0.1:8421")
        .into_owned()
}

/// Runs the steps of one page in a fresh copy of the example; the first
/// failure, if any (the steps after it depend on it).
fn check_page(name: &str, steps: &[Step]) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let prog = tmp.path().join("economie-solidaire");
    copy_programme(&example_dir(), &prog);
    copy_tree(&example_dir().join("reviews"), &prog.join("reviews"));
    for step in steps {
        match step {
            Step::Setup { line, script } => {
                let out = shell(tmp.path(), script).output().expect("sh runs");
                if !out.status.success() {
                    return Some(format!(
                        "{name}:{line}: guide-test set-up failed:\n{}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
            Step::Run(cmd) => {
                let (status, out) = if cmd.service {
                    run_service(tmp.path(), cmd)
                } else {
                    run(tmp.path(), cmd)
                };
                let absent = missing(&cmd.expected, &out);
                let want = if cmd.service { 0 } else { cmd.status };
                if status != Some(want) || !absent.is_empty() {
                    return Some(format!(
                        "{name}:{}: `{}`: exit status {status:?} (the guide says {want}); lines the guide shows and the command did not print: {absent:#?}\n--- output ---\n{out}",
                        cmd.line, cmd.text
                    ));
                }
            }
        }
    }
    None
}

fn guide_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide/src")
}

/// The pages of the guide, in the order of its table of contents.
fn pages() -> Vec<String> {
    let summary = std::fs::read_to_string(guide_dir().join("SUMMARY.md")).unwrap();
    let link = regex::Regex::new(r"\]\(([a-z0-9-]+\.md)\)").unwrap();
    link.captures_iter(&summary)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn every_page_of_the_guide_is_in_its_table_of_contents() {
    let listed = pages();
    let mut on_disk: Vec<String> = std::fs::read_dir(guide_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != "SUMMARY.md")
        .collect();
    on_disk.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(
        sorted, on_disk,
        "docs/guide/src/SUMMARY.md lists every page, once"
    );
}

#[test]
fn every_command_of_the_guide_prints_what_the_guide_shows() {
    let pages: Vec<(String, Vec<Step>)> = pages()
        .into_iter()
        .map(|name| {
            let page = std::fs::read_to_string(guide_dir().join(&name)).unwrap();
            let steps = parse(&page, &name);
            (name, steps)
        })
        .collect();
    let commands: usize = pages
        .iter()
        .map(|(_, s)| s.iter().filter(|s| matches!(s, Step::Run(_))).count())
        .sum();
    assert!(commands >= 30, "the guide runs {commands} commands");
    // Pages are independent: two at a time.
    let failures: Vec<String> = pages
        .chunks(2)
        .flat_map(|pair| {
            std::thread::scope(|s| {
                let running: Vec<_> = pair
                    .iter()
                    .map(|(name, steps)| s.spawn(move || check_page(name, steps)))
                    .collect();
                running
                    .into_iter()
                    .filter_map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The check itself fails on a line the command does not print and on another
/// exit status, and accepts `[..]` and a different duration.
#[test]
fn the_guide_check_fails_on_a_wrong_line_or_status() {
    let page = "\
```console
$ charta build economie-solidaire --format md
8 établies, [..] en 9,99 s → economie-solidaire/out
```
";
    assert_eq!(check_page("ok.md", &parse(page, "ok.md")), None);
    let wrong_line = page.replace("8 établies", "9 établies");
    let err = check_page("line.md", &parse(&wrong_line, "line.md")).expect("fails");
    assert!(err.contains("9 établies"), "{err}");
    let wrong_status = page.replace("```console\n", "```console statut=1\n");
    let err = check_page("status.md", &parse(&wrong_status, "status.md")).expect("fails");
    assert!(
        err.contains("exit status Some(0) (the guide says 1)"),
        "{err}"
    );
}
