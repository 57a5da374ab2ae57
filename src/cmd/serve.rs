//! `charta serve [PROG]`: the desk, until Ctrl-C.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use charta::diagnostic::Diagnostic;

use super::{Exit, Ui, prog_dir};
use crate::cli::ServeArgs;

pub fn run(a: ServeArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            ui.diagnostics(&[
                Diagnostic::error(format!("impossible d'intercepter Ctrl-C : {e}")).code("BUR-001"),
            ]);
            return Exit::Fault;
        }
    }
    let opts = charta::serve::Options {
        out: a.out.unwrap_or_else(|| dir.join("out")),
        root: dir,
        port: a.port,
    };
    let result = charta::serve::run(&opts, stop, |addr| {
        ui.out(format!("http://{addr}/"));
        ui.line(format!(
            "bureau charta ouvert sur http://{addr}/ (127.0.0.1 seulement) ; Ctrl-C pour l'arrêter"
        ));
        let _ = std::io::stdout().flush();
    });
    match result {
        Ok(()) => {
            ui.line("bureau arrêté");
            Exit::Ok
        }
        Err(charta::serve::ServeError::Input(d)) => {
            ui.diagnostics(&d);
            Exit::Problems
        }
        Err(charta::serve::ServeError::Fault(d)) => {
            ui.diagnostics(&d);
            Exit::Fault
        }
    }
}
