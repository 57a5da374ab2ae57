//! Rules between a convention (or avenant) and the décision it cites, when
//! `charta.toml` describes its délibérations (`[deliberations."NUMBER"]`):
//! the décision is described (warning), dated no later than the signature it
//! authorises (error), and cited with its own date and body (error).

use crate::diagnostic::{Code, Text};
use crate::french::parse_date;
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, Decision, Deliberation};
use crate::tr;

use super::Sink;
use super::structure::Point;

/// The rules on every décision the file cites; none when `charta.toml`
/// describes no délibération.
pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let described = &prog.file.deliberations;
    if described.is_empty() {
        return;
    }
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let mut acts = vec![(None, &c.decision, c.signature.date.as_deref(), base.clone())];
    for (i, a) in c.amendments.iter().enumerate() {
        let at = base.key("amendments").index(i);
        acts.push((Some(i + 1), &a.decision, a.signature.date.as_deref(), at));
    }
    for (k, decision, signed, at) in acts {
        let act = match k {
            None => ("la convention".to_string(), "the convention".to_string()),
            Some(k) => (format!("l'avenant n°\u{a0}{k}"), format!("avenant no. {k}")),
        };
        let at = at.key("decision");
        match described.get(&decision.number) {
            None => not_described(&act, decision, at, s),
            Some(d) => {
                differs(&act, decision, d, &at, s);
                after_signature(&act, decision, d, signed, at, s);
            }
        }
    }
}

type Act = (String, String);

fn not_described(act: &Act, decision: &Decision, at: JsonPath, s: &mut Sink) {
    let n = &decision.number;
    s.warning(
        Code::PRG_025,
        at.key("number"),
        Point::Value,
        Text::new(
            format!("{} cite la décision n°\u{a0}{n}, que charta.toml ne décrit pas", act.0),
            format!("{} cites décision no. {n}, which charta.toml does not describe", act.1),
        ),
        tr!(
            "ajoutez `[deliberations.\"{n}\"]` à charta.toml (body, date, imputation), ou corrigez le numéro",
            "add `[deliberations.\"{n}\"]` to charta.toml (body, date, imputation), or correct the number"
        ),
    );
}

fn differs(act: &Act, decision: &Decision, d: &Deliberation, at: &JsonPath, s: &mut Sink) {
    let n = &decision.number;
    for (field, cited, own) in [
        ("date", &decision.date, &d.date),
        ("body", &decision.body, &d.body),
    ] {
        if cited.trim() == own.trim() {
            continue;
        }
        s.error(
            Code::PRG_027,
            at.key(field),
            Point::Value,
            Text::new(
                format!("{} cite la décision n°\u{a0}{n} avec `{field}` = «\u{a0}{cited}\u{a0}», mais charta.toml la décrit avec «\u{a0}{own}\u{a0}»", act.0),
                format!("{} cites décision no. {n} with `{field}` = \"{cited}\", but charta.toml describes it with \"{own}\"", act.1),
            ),
            tr!(
                "recopiez la valeur de `[deliberations.\"{n}\"]`, ou corrigez charta.toml\u{a0}: le visa de la convention et la délibération doivent dire la même chose",
                "copy the value of `[deliberations.\"{n}\"]`, or correct charta.toml: the convention's visa and the délibération must agree"
            ),
        );
    }
}

fn after_signature(
    act: &Act,
    decision: &Decision,
    d: &Deliberation,
    signed: Option<&str>,
    at: JsonPath,
    s: &mut Sink,
) {
    let (Some(decided), Some(on)) = (parse_date(&d.date), signed.and_then(parse_date)) else {
        return;
    };
    if decided <= on {
        return;
    }
    let (n, date, signed) = (&decision.number, &d.date, signed.unwrap_or_default());
    s.error(
        Code::PRG_026,
        at.key("date"),
        Point::Value,
        Text::new(
            format!("la décision n°\u{a0}{n} est datée du {date}, après la signature de {} le {signed}", act.0),
            format!("décision no. {n} is dated {date}, after the signature of {} on {signed}", act.1),
        ),
        tr!(
            "une convention se signe après la délibération qui l'autorise (le même jour est admis)\u{a0}: corrigez l'une des deux dates",
            "a convention is signed after the délibération that authorises it (the same day is accepted): correct one of the dates"
        ),
    );
}

/// PRG-028: a décision not yet adopted whose `budget` is absent: its budget
/// visa is a mention to complete (the projet never certifies a budget the
/// data do not describe).
pub fn described(prog: &Programme) -> Vec<crate::diagnostic::Diagnostic> {
    let file = prog.root.join("charta.toml");
    let mut out = Vec::new();
    for (n, d) in &prog.file.deliberations {
        if d.adopted || d.budget.as_deref().is_some_and(|b| !b.trim().is_empty()) {
            continue;
        }
        let at = JsonPath::root().key("deliberations").key(n);
        let diag = crate::diagnostic::Diagnostic::warning(
            Code::PRG_028,
            tr!(
                "la décision n°\u{a0}{n} ne dit pas quel acte a adopté le budget de l'exercice (`budget`)\u{a0}: le visa du budget reste à compléter",
                "décision no. {n} does not say which act adopted the exercice's budget (`budget`): the budget visa is left to complete"
            ),
        )
        .with_hint(tr!(
            "ajoutez à `[deliberations.\"{n}\"]` `budget = \"délibération n°\u{a0}… du Conseil … du …\"`, l'acte qui a adopté le budget de l'exercice de la séance",
            "add to `[deliberations.\"{n}\"]` `budget = \"délibération n° … du Conseil … du …\"`, the act that adopted the budget of the session's exercice"
        ));
        out.push(super::programme::diag_at(diag, &file, &prog.toml_text, &at));
    }
    out
}
