//! Fault injection for the tests, in every build profile: the environment
//! variable `CHARTA_FAILPOINT` makes one stage of one convention panic, a
//! write fail as on a full disk, or the process stop in the middle of a step
//! so that a test can kill it there.
//!
//! `CHARTA_FAILPOINT=ACTION:STAGE:TARGET[,ACTION:STAGE:TARGET…]`
//!
//! - `ACTION`: `panic` (a bug), `fail` (only for `write`: the write fails
//!   halfway with « no space left on device »), `stall` (prints
//!   `charta failpoint: stalled at STAGE:TARGET` on stderr, then waits
//!   forever: the test kills the process there);
//! - `STAGE` and `TARGET`: `render:<id>` (rendering the Markdown of the
//!   convention `<id>`), `pdf:<id>` (inside Typst, typesetting it),
//!   `write:<file name>` (halfway through writing that file of OUT, its first
//!   half in the temporary file; `*` in the name matches any run of
//!   characters: `write:*.pdf`, `write:manifest.json`).
//!
//! The variable is read once per process; unset, a failpoint costs one
//! atomic load.

use std::cell::RefCell;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Render,
    Pdf,
    Write,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Render => "render",
            Stage::Pdf => "pdf",
            Stage::Write => "write",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Panic,
    Fail,
    Stall,
}

#[derive(Debug)]
struct Point {
    action: Action,
    stage: Stage,
    target: String,
}

fn points() -> &'static [Point] {
    static POINTS: OnceLock<Vec<Point>> = OnceLock::new();
    POINTS.get_or_init(|| match std::env::var("CHARTA_FAILPOINT") {
        Ok(spec) => parse(&spec),
        Err(_) => Vec::new(),
    })
}

fn parse(spec: &str) -> Vec<Point> {
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let mut it = s.trim().splitn(3, ':');
            let (action, stage, target) = (it.next(), it.next(), it.next());
            let action = match action {
                Some("panic") => Action::Panic,
                Some("fail") => Action::Fail,
                Some("stall") => Action::Stall,
                _ => panic!("CHARTA_FAILPOINT: unknown action in `{s}` (panic, fail or stall)"),
            };
            let stage = match stage {
                Some("render") => Stage::Render,
                Some("pdf") => Stage::Pdf,
                Some("write") => Stage::Write,
                _ => panic!("CHARTA_FAILPOINT: unknown stage in `{s}` (render, pdf or write)"),
            };
            assert!(
                action != Action::Fail || stage == Stage::Write,
                "CHARTA_FAILPOINT: `fail` applies to `write` only (`{s}`)"
            );
            Point {
                action,
                stage,
                target: target.unwrap_or("*").to_string(),
            }
        })
        .collect()
}

/// `*` matches any run of characters; everything else matches itself.
fn matches(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| matches(tail, &rest[i..]))
        }
    }
}

thread_local! {
    static CONVENTION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Names the convention this thread works on until the guard drops, for the
/// stages that do not know it (the PDF stage knows only the document).
pub fn convention(id: &str) -> ConventionGuard {
    let active = !points().is_empty();
    if active {
        CONVENTION.with(|c| *c.borrow_mut() = Some(id.to_string()));
    }
    ConventionGuard { active }
}

pub struct ConventionGuard {
    active: bool,
}

impl Drop for ConventionGuard {
    fn drop(&mut self) {
        if self.active {
            CONVENTION.with(|c| *c.borrow_mut() = None);
        }
    }
}

/// The failpoint of a stage of the current convention (see [`convention`]):
/// panics or stalls when one is set for it.
pub fn stage(stage: Stage) {
    if points().is_empty() {
        return;
    }
    let Some(id) = CONVENTION.with(|c| c.borrow().clone()) else {
        return;
    };
    // `fail` is refused for these stages when the variable is read.
    let _ = hit(stage, &id);
}

/// The failpoint halfway through writing the file named `file`: `Err` for
/// `fail` (the caller reports it as the write's error), a panic or a stall.
pub fn write(file: &str) -> std::io::Result<()> {
    if points().is_empty() {
        return Ok(());
    }
    hit(Stage::Write, file)
}

fn hit(stage: Stage, target: &str) -> std::io::Result<()> {
    for p in points() {
        if p.stage != stage || !matches(&p.target, target) {
            continue;
        }
        let at = format!("{}:{target}", stage.name());
        match p.action {
            Action::Panic => panic!("CHARTA_FAILPOINT panic at {at}"),
            Action::Fail => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    format!("no space left on device (CHARTA_FAILPOINT at {at})"),
                ));
            }
            Action::Stall => {
                eprintln!("charta failpoint: stalled at {at}");
                loop {
                    std::thread::park();
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("*", "a.pdf"));
        assert!(matches("*.pdf", "a.pdf"));
        assert!(!matches("*.pdf", "a.md"));
        assert!(matches("manifest.json", "manifest.json"));
        assert!(!matches("manifest.json", "manifest.json.bak"));
        assert!(matches("a*-1.*", "asso-é-1.md"));
    }

    #[test]
    fn specs() {
        let p = parse("panic:render:asso, fail:write:*.pdf,stall:pdf:x");
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].action, p[0].stage), (Action::Panic, Stage::Render));
        assert_eq!(p[1].target, "*.pdf");
        assert_eq!((p[2].action, p[2].stage), (Action::Stall, Stage::Pdf));
    }
}
