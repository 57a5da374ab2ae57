//! The `charta` binary: parses the command line, then runs one command
//! (`src/cmd/`) with the user's [`cmd::Ui`] (French unless `--lang en` or an
//! English locale), and exits with its [`cmd::Exit`] status.

use std::process::ExitCode;

use clap::FromArgMatches;

mod cli;
mod cmd;

// A batch allocates and frees much memory on two threads: glibc's malloc keeps
// it; jemalloc gives it back, and its resident set does not drift up over
// thousands of conventions (mimalloc 3, used before, did: docs/dev/benchmarks.md).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang_of(&args);
    let parsed = cli::command(lang)
        .try_get_matches_from(&args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    match parsed {
        Ok(c) => cmd::run(c.command, &cmd::Ui::new(lang)).into(),
        Err(e) => {
            let code = if e.use_stderr() {
                cmd::Exit::Fault
            } else {
                cmd::Exit::Ok
            };
            let _ = e.print();
            code.into()
        }
    }
}
