//! `charta serve [PROG]`: the desk, until Ctrl-C.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use charta::diagnostic::{Code, Diagnostic, Text};
use charta::serve::{BuildSummary, Event};
use charta::tr;

use super::{Exit, Ui, prog_dir};
use crate::cli::ServeArgs;

pub fn run(a: ServeArgs, ui: &Ui) -> Exit {
    let dir = prog_dir(a.prog.as_deref());
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            ui.diagnostics(&[Diagnostic::error(
                Code::BUR_001,
                tr!(
                    "impossible d'intercepter Ctrl-C\u{a0}: {e}",
                    "cannot catch Ctrl-C: {e}"
                ),
            )]);
            return Exit::Fault;
        }
    }
    let mut opts = charta::serve::Options::new(
        dir.clone(),
        a.out.unwrap_or_else(|| dir.join("out")),
        a.port,
    );
    opts.token = !a.no_token;
    if let Some(ms) = a.client_timeout_ms {
        opts.header_timeout = std::time::Duration::from_millis(ms);
        opts.body_timeout = std::time::Duration::from_millis(ms);
    }
    let lang = ui.lang();
    let result = charta::serve::run(&opts, stop, Arc::new(move |e| event(e, &Ui::new(lang))));
    match result {
        Ok(()) => {
            ui.say(&Text::new("bureau arrêté", "desk stopped"));
            Exit::Ok
        }
        Err(d) => {
            ui.diagnostics(&d);
            Exit::of(&d)
        }
    }
}

/// « génération terminée : 1 convention produite, 3 inchangées ».
fn build_ended(s: &BuildSummary) -> Text {
    use charta::french::{count, count_en};
    let mut fr = vec![
        count(s.rendered, "convention produite", "conventions produites"),
        count(s.unchanged, "inchangée", "inchangées"),
    ];
    let mut en = vec![
        count_en(s.rendered, "convention rendered", "conventions rendered"),
        format!("{} unchanged", s.unchanged),
    ];
    if s.refused > 0 {
        fr.push(count(s.refused, "refusée", "refusées"));
        en.push(format!("{} refused", s.refused));
    }
    if s.failed > 0 {
        fr.push(format!("{} en échec", s.failed));
        en.push(format!("{} failed", s.failed));
    }
    Text::new(
        format!("génération terminée\u{a0}: {}", fr.join(", ")),
        format!("build done: {}", en.join(", ")),
    )
}

/// What the terminal shows of the desk: the address on stdout (one line, for
/// scripts), the rest on stderr.
fn event(event: Event, ui: &Ui) {
    let say = |fr: &str, en: &str| ui.say(&Text::new(fr, en));
    match event {
        Event::Ready { url, token, .. } => {
            println!("{url}");
            let _ = std::io::stdout().flush();
            if token {
                ui.say(&tr!(
                    "bureau charta ouvert sur {url} (127.0.0.1 seulement)\u{202f}; ouvrez cette adresse dans votre navigateur\u{a0}: elle ne sert qu'une fois. Ctrl-C pour l'arrêter",
                    "charta desk open on {url} (127.0.0.1 only); open this address in your browser: it works once. Ctrl-C to stop it"
                ));
            } else {
                say(
                    "ATTENTION\u{a0}: bureau SANS JETON (--no-token). Toute personne ou tout programme de cette machine peut lire et modifier les données des associations (IBAN, SIRET) et lancer des générations.",
                    "WARNING: desk WITHOUT TOKEN (--no-token). Anyone or any program on this machine can read and change the associations' data (IBAN, SIRET) and start builds.",
                );
                ui.say(&tr!(
                    "bureau charta ouvert sur {url} (127.0.0.1 seulement)\u{202f}; Ctrl-C pour l'arrêter",
                    "charta desk open on {url} (127.0.0.1 only); Ctrl-C to stop it"
                ));
            }
        }
        Event::Opened => say(
            "un navigateur a ouvert le bureau\u{a0}: l'adresse affichée ne servira plus",
            "a browser opened the desk: the printed address will not work again",
        ),
        Event::SecretRefused => say(
            "adresse refusée\u{a0}: elle a déjà servi, ou ce n'est pas celle de ce bureau (pour un autre navigateur, relancez le bureau)",
            "address refused: it was used already, or it is not this desk's (for another browser, restart the desk)",
        ),
        Event::BuildEnded(s) => match &s.problem {
            Some(p) => ui.say(&tr!("génération arrêtée\u{a0}: {p}", "build stopped: {p}")),
            None => ui.say(&build_ended(&s)),
        },
    }
}
