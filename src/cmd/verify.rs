//! `charta verify SIGNED.pdf [PROG] [--keep]`: a signed PDF returned by the
//! signature service checked against the act charta archived
//! (`charta::out::verify`), its signatures listed; with `--keep`, stored
//! beside the act.

use charta::diagnostic::{Lang, Text};
use charta::french::{count, count_en};
use charta::out::verify::{self, Kept, Report, Signature};
use charta::tr;

use super::{Exit, Ui, prog_dir};
use crate::cli::VerifyArgs;

pub fn run(a: VerifyArgs, ui: &Ui) -> Exit {
    let root = prog_dir(a.prog.as_deref());
    let bytes = match std::fs::read(&a.signed) {
        Ok(b) => b,
        Err(e) => {
            ui.diagnostics(&[charta::encoding::read_error(&a.signed, &e)]);
            return Exit::Problems;
        }
    };
    let report = match verify::verify(&root, &a.signed, &bytes) {
        Ok(r) => r,
        Err(diags) => {
            ui.diagnostics(&diags);
            return Exit::of(&diags);
        }
    };
    print(&report, &root, ui);
    let problems = report.problems(&a.signed);
    if !problems.is_empty() {
        ui.diagnostics(&problems);
        return Exit::of(&problems);
    }
    if a.keep {
        match verify::keep(&report, &bytes) {
            Ok(Kept::Stored(p)) => {
                let p = shown(&p, &root);
                ui.say(&tr!("conservé\u{a0}: {p}", "stored: {p}"));
            }
            Ok(Kept::Already(p)) => {
                let p = shown(&p, &root);
                ui.say(&tr!(
                    "déjà conservé, identique\u{a0}: {p}",
                    "already stored, identical: {p}"
                ));
            }
            Err(d) => {
                let diags = [d];
                ui.diagnostics(&diags);
                return Exit::of(&diags);
            }
        }
    }
    Exit::Ok
}

/// A path under the programme, relative to it.
fn shown(p: &std::path::Path, root: &std::path::Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

fn print(r: &Report, root: &std::path::Path, ui: &Ui) {
    let lang = ui.lang();
    let what = r.found.label();
    let file = shown(&r.found.archived, root);
    ui.out(
        tr!(
            "Acte\u{a0}: {} ({file}), première révision identique octet pour octet",
            "Act: {} ({file}), first revision identical byte for byte",
            what.get(lang)
        )
        .get(lang),
    );
    let (n, v) = (r.signatures.len(), r.revisions);
    ui.out(
        Text::new(
            format!(
                "{}, {}\u{a0}:",
                count(n, "signature", "signatures"),
                count(v, "révision", "révisions")
            ),
            format!(
                "{}, {}:",
                count_en(n, "signature", "signatures"),
                count_en(v, "revision", "revisions")
            ),
        )
        .get(lang),
    );
    for (i, s) in r.signatures.iter().enumerate() {
        ui.out(format!("  {}. {}", i + 1, line(s, v, lang)));
    }
    ui.out(verify::not_checked().get(lang));
}

/// One signature: field, signer, time, intact, coverage.
fn line(s: &Signature, revisions: usize, lang: Lang) -> String {
    let unknown = Text::new("inconnu", "unknown");
    let field = s
        .field
        .clone()
        .unwrap_or_else(|| Text::new("(sans nom)", "(unnamed)").get(lang).to_string());
    let signer = s
        .signer
        .clone()
        .unwrap_or_else(|| unknown.get(lang).to_string());
    let time = match (&s.time, s.time_signed) {
        (Some(t), true) => tr!("le {t} (attribut signé)", "on {t} (signed attribute)"),
        (Some(t), false) => tr!(
            "le {t} (déclaré par le PDF, /M, non signé)",
            "on {t} (stated by the PDF, /M, not signed)"
        ),
        (None, _) => Text::new("date inconnue", "time unknown"),
    };
    let intact = match (&s.intact, &s.algorithm) {
        (Ok(()), Some(alg)) => tr!("intacte ({alg})", "intact ({alg})"),
        (Ok(()), None) => Text::new("intacte", "intact"),
        (Err(why), _) => Text::new(
            format!("NON INTACTE\u{a0}: {}", why.fr),
            format!("NOT INTACT: {}", why.en),
        ),
    };
    let rev = s.revision;
    let covers = if s.whole_file {
        Text::new("couvre tout le fichier", "covers the whole file")
    } else {
        tr!(
            "couvre sa révision ({rev} sur {revisions}), pas les suivantes",
            "covers its revision ({rev} of {revisions}), not the later ones"
        )
    };
    let said = tr!(
        "champ {field} — {signer} — {} — {} — {}",
        "field {field} — {signer} — {} — {} — {}",
        time.get(lang),
        intact.get(lang),
        covers.get(lang)
    );
    said.get(lang).to_string()
}
