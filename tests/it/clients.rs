//! The outside programs some tests drive (LibreOffice, Chromium and
//! chromedriver, Python's `frictionless`, pyHanko), found once per process.
//!
//! A test calls [`present`] before it runs one. When the program is missing,
//! the test (or the part of it that needs the program) is skipped with one
//! line on stderr naming the program and `scripts/setup`, which installs it;
//! with `CHARTA_REQUIRE_CLIENTS=1` (set by `.ci/run`) a missing program fails
//! the test instead, so that a skip never hides in CI.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The variable that turns a skip into a failure.
pub const REQUIRE: &str = "CHARTA_REQUIRE_CLIENTS";

/// The set-up command named in every skip.
pub const SETUP: &str = "scripts/setup";

#[derive(Clone, Copy, Debug)]
pub enum Client {
    /// LibreOffice Writer, headless (`soffice` and its Writer module).
    Writer,
    /// LibreOffice Calc, headless (`soffice` and its Calc module).
    Calc,
    /// Chromium and chromedriver.
    Chromium,
    /// A Python 3 that imports `frictionless`.
    Frictionless,
    /// A Python 3 that imports `openapi_schema_validator` and `yaml`.
    OpenApi,
}

impl Client {
    fn name(self) -> &'static str {
        match self {
            Client::Writer => "LibreOffice Writer",
            Client::Calc => "LibreOffice Calc",
            Client::Chromium => "Chromium and chromedriver",
            Client::Frictionless => "Python's frictionless",
            Client::OpenApi => "Python's openapi-schema-validator",
        }
    }

    /// Why the client is missing, or `None` when it is here.
    fn missing(self) -> Option<String> {
        match self {
            Client::Writer => office_module("libswlo.so"),
            Client::Calc => office_module("libsclo.so"),
            Client::Chromium => match (chromium(), on_path("chromedriver")) {
                (Some(_), Some(_)) => None,
                (None, _) => Some("`chromium` is not on the PATH".into()),
                (_, None) => Some("`chromedriver` is not on the PATH".into()),
            },
            Client::Frictionless => match python() {
                Some(_) => None,
                None => Some("no `python3` on the PATH imports `frictionless`".into()),
            },
            Client::OpenApi => match python_openapi() {
                Some(_) => None,
                None => Some("no `python3` imports `openapi_schema_validator` and `yaml`".into()),
            },
        }
    }
}

/// Whether `client` is installed. When it is not: with
/// `CHARTA_REQUIRE_CLIENTS=1`, panics (the test fails, naming the program);
/// otherwise writes one line on stderr — straight to the file descriptor, so
/// that `cargo test` shows it even for a passing test — and returns `false`:
/// the caller skips what needs the program.
pub fn present(client: Client) -> bool {
    let Some(why) = client.missing() else {
        return true;
    };
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    if std::env::var(REQUIRE).is_ok_and(|v| !v.is_empty() && v != "0") {
        panic!(
            "{test}: {} is required ({REQUIRE} is set) but missing: {why}; \
             `{SETUP}` installs it",
            client.name()
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test} (what needs {}): {why}; `{SETUP}` installs it \
         ({REQUIRE}=1: a failure instead)",
        client.name()
    );
    false
}

/// The first executable `name` in the directories of `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// `None` when `soffice` is on the PATH with `module` beside it (the Writer
/// or Calc part of the suite); otherwise what is missing.
fn office_module(module: &str) -> Option<String> {
    let Some(soffice) = on_path("soffice") else {
        return Some("`soffice` is not on the PATH".into());
    };
    let program = std::fs::canonicalize(&soffice).unwrap_or(soffice);
    let dir = program.parent().unwrap_or(Path::new("."));
    (!dir.join(module).is_file()).then(|| format!("no {module} in {}", dir.display()))
}

/// Chromium's binary (`chromium`, else `chromium-browser`), for chromedriver.
pub fn chromium() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| on_path("chromium").or_else(|| on_path("chromium-browser")))
        .clone()
}

/// The virtual environment's Python `scripts/setup` makes when `python3` on
/// the PATH cannot take packages (`~/.local/share/charta/python`).
fn venv_python() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/charta/python/bin/python3"))
        .filter(|p| p.is_file())
}

/// The first Python that imports every module of `modules` (comma-separated,
/// as `import` takes them): `python3` on the PATH, else the virtual
/// environment of `scripts/setup`.
fn python_with(modules: &str) -> Option<PathBuf> {
    on_path("python3")
        .into_iter()
        .chain(venv_python())
        .find(|py| {
            Command::new(py)
                .args(["-c", &format!("import {modules}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// A Python that imports `frictionless`.
pub fn python() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(|| python_with("frictionless")).clone()
}

/// A Python that imports `openapi_schema_validator` and `yaml` (the records'
/// validation).
pub fn python_openapi() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| python_with("openapi_schema_validator, yaml"))
        .clone()
}

/// pyHanko's command line, found the ways `scripts/setup` installs it: the
/// program `pyhanko` on the PATH, else the one of the virtual environment of
/// `scripts/setup`, else `python3 -m pyhanko` (a Python that imports it):
/// the program and the arguments that come before pyHanko's own.
pub fn pyhanko() -> Option<(PathBuf, Vec<&'static str>)> {
    static FOUND: OnceLock<Option<(PathBuf, Vec<&'static str>)>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let answers = |program: &Path, args: &[&str]| {
                Command::new(program)
                    .args(args)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            let venv = venv_python()
                .and_then(|py| py.parent().map(|bin| bin.join("pyhanko")))
                .filter(|p| p.is_file());
            on_path("pyhanko")
                .into_iter()
                .chain(venv)
                .find(|p| answers(p, &[]))
                .map(|p| (p, Vec::new()))
                .or_else(|| {
                    python_with("pyhanko")
                        .filter(|py| answers(py, &["-m", "pyhanko"]))
                        .map(|py| (py, vec!["-m", "pyhanko"]))
                })
        })
        .clone()
}

/// A command that runs pyHanko (see [`pyhanko`]); panics when it is missing:
/// call `signing::tools_present` with `"pyhanko"` first.
pub fn pyhanko_command() -> Command {
    let (program, args) =
        pyhanko().expect("pyHanko is missing: check `signing::tools_present` first");
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}
