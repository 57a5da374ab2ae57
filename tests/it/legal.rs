//! Legal fidelity: each point of the close legal reading, asserted on the
//! rendered text (what must be there, and what must no longer be), and each new
//! data rule asserted on `charta check` (severity and JSON path).

use std::path::{Path, PathBuf};

use charta::check::check_association;
use charta::diagnostic::{Diagnostic, Severity};
use charta::load::{AssociationEntry, Programme};
use charta::model::{AssociationFile, Unspent};
use serde_json::{Value, json};

use crate::common::{example, markdown_text};

/// The example association `id` with `change` applied to its JSON.
pub(crate) fn changed(prog: &Programme, id: &str, change: impl FnOnce(&mut Value)) -> Value {
    let mut v = serde_json::to_value(crate::common::data(prog, id)).expect("to json");
    change(&mut v);
    v
}

pub(crate) fn parse(v: &Value) -> AssociationFile {
    serde_json::from_value(v.clone()).expect("fits the model")
}

/// The convention's plain text (Markdown read back), for `id` changed by `change`.
pub(crate) fn text(prog: &Programme, id: &str, change: impl FnOnce(&mut Value)) -> String {
    let v = changed(prog, id, change);
    let r = crate::common::render(prog, id, &parse(&v));
    markdown_text(&r.markdown)
}

/// The diagnostics of `charta check` for `id` changed by `change`.
pub(crate) fn check(
    prog: &Programme,
    id: &str,
    change: impl FnOnce(&mut Value),
) -> Vec<Diagnostic> {
    let v = changed(prog, id, change);
    let text = serde_json::to_string_pretty(&v).expect("json");
    let entry = AssociationEntry {
        id: id.to_string(),
        path: PathBuf::from(format!("associations/{id}.json")),
        data: Some(Box::new(parse(&v))),
        text,
        diagnostics: Vec::new(),
    };
    check_association(prog, &entry)
}

/// The diagnostic at `path` with `severity`, or a panic listing what there is.
pub(crate) fn at<'d>(diags: &'d [Diagnostic], severity: Severity, path: &str) -> &'d Diagnostic {
    diags
        .iter()
        .find(|d| d.severity == severity && d.path.as_deref() == Some(path))
        .unwrap_or_else(|| panic!("no {severity:?} at {path}: {diags:#?}"))
}

/// No error at `path`.
pub(crate) fn none_at(diags: &[Diagnostic], path: &str) {
    assert!(
        !diags
            .iter()
            .any(|d| d.severity == Severity::Error && d.path.as_deref() == Some(path)),
        "unexpected error at {path}: {diags:#?}"
    );
}

/// French typography puts no-break spaces where the needles have plain ones.
pub(crate) fn plain(t: &str) -> String {
    t.replace(['\u{a0}', '\u{202f}'], " ")
}

pub(crate) fn has(t: &str, needle: &str) {
    assert!(plain(t).contains(needle), "missing « {needle} » in:\n{t}");
}

pub(crate) fn lacks(t: &str, needle: &str) {
    assert!(
        !plain(t).contains(needle),
        "unexpected « {needle} » in:\n{t}"
    );
}

/// The text between two markers (the first after `from`, up to `to`).
pub(crate) fn between<'t>(t: &'t str, from: &str, to: &str) -> &'t str {
    let i = t.find(from).unwrap_or_else(|| panic!("no « {from} »"));
    let rest = &t[i..];
    &rest[..rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |j| j + from.len())]
}

pub(crate) const MAISON: &str = "maison-solidarites-montvalon";
pub(crate) const TIERS: &str = "tiers-lieu-les-communs";
pub(crate) const CADRE: &str = "collectif-ess-val-de-meuse";
pub(crate) const VELO: &str = "atelier-velo-thionvaux";
pub(crate) const RESEAU: &str = "reseau-insertion-emploi";
pub(crate) const MOBILITE: &str = "mobilite-solidaire-rurale";

// 1. Unspent subsidy: one variant in every funded convention, never none.

#[test]
fn every_funded_convention_says_what_happens_to_an_unspent_subsidy() {
    let prog = example();
    let keep = text(&prog, TIERS, |_| {});
    has(&keep, "peut conserver tout ou partie de la contribution");
    lacks(&keep, "ne conserve aucune part");
    let repay = text(&prog, TIERS, |v| {
        v["convention"]["unspent"] = json!("repay")
    });
    has(
        &repay,
        "l'association ne conserve aucune part de la contribution",
    );
    has(
        &repay,
        "est reversée à la Région, qui émet à cet effet un titre de recette",
    );
    lacks(&repay, "peut conserver tout ou partie");
    // The programme's choice applies when the convention has none.
    let mut p = prog.clone();
    p.file.programme.unspent = Some(Unspent::Repay);
    has(&text(&p, TIERS, |_| {}), "ne conserve aucune part");
    // Never none: with neither choice, check refuses the convention.
    p.file.programme.unspent = None;
    let d = check(&p, TIERS, |_| {});
    let e = at(&d, Severity::Error, "convention.unspent");
    assert!(e.hint.as_deref().unwrap().contains("keep-reasonable"));
    // A framework convention funds nothing: no unspent clause, no error.
    none_at(&check(&p, CADRE, |_| {}), "convention.unspent");
    lacks(&text(&p, CADRE, |_| {}), "non consommée");
    // The old way (adding the clause) is refused with the new way as hint.
    let d = check(&prog, TIERS, |v| {
        v["convention"]["clauses"]["add"] = json!(["excedent-raisonnable"])
    });
    assert!(d.iter().any(|d| {
        d.path.as_deref() == Some("convention.clauses.add[0]")
            && d.hint
                .as_deref()
                .unwrap_or("")
                .contains("convention.unspent")
    }));
}

// 2. CER: withdrawal is a duty; deemed associations have their own wording; no invented date.

#[test]
fn cer_withdrawal_is_a_duty_and_the_date_comes_from_the_data() {
    let prog = example();
    let t = text(&prog, TIERS, |_| {});
    has(&t, "la Région procède, conformément à l'article 10-1");
    lacks(&t, "peut retirer");
    has(
        &t,
        "souscrit le contrat d'engagement républicain le 14 novembre 2025",
    );
    lacks(&t, "à la date de sa demande");
    let d = check(&prog, TIERS, |v| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("cer_signed_on");
    });
    at(&d, Severity::Error, "association.cer_signed_on");
    // A framework convention requests no subsidy: no error, and no « En application de l'article 10-1 ».
    let c = check(&prog, CADRE, |v| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("cer_signed_on");
    });
    none_at(&c, "association.cer_signed_on");
    let ct = text(&prog, CADRE, |_| {});
    lacks(&ct, "En application de l'article 10-1");
    has(
        &ct,
        "Toute demande de subvention que l'association présenterait",
    );
}

#[test]
fn an_association_deemed_to_satisfy_the_cer_gets_its_own_wording() {
    let prog = example();
    let deemed = |v: &mut Value| {
        v["association"]["cer_signed_on"] = Value::Null;
        v["association"]["cer_deemed"] =
            json!({"basis": "rup", "reference": "décret du 14 mars 1987"});
    };
    let t = text(&prog, TIERS, deemed);
    has(
        &t,
        "En tant qu'association reconnue d'utilité publique (décret du 14 mars 1987), l'association est réputée avoir satisfait à l'obligation",
    );
    lacks(&t, "a souscrit le contrat");
    lacks(&t, "Contrat d'engagement républicain souscrit");
    let d = check(&prog, TIERS, deemed);
    assert!(
        !d.iter()
            .any(|d| d.path.as_deref() == Some("association.cer_signed_on")),
        "{d:#?}"
    );
    let agree = text(&prog, TIERS, |v| {
        v["association"]["cer_deemed"] =
            json!({"basis": "agrement", "reference": "arrêté du 2 avril 2024"});
    });
    has(
        &agree,
        "En tant qu'association agréée au titre de l'article 25-1",
    );
}

// 3. The payment schedule is the convention's own, consistent with the advance.

#[test]
fn the_payment_schedule_is_the_conventions_own() {
    let prog = example();
    let t = text(&prog, TIERS, |_| {});
    has(
        &t,
        "La présente convention fixe ses propres dates et conditions de versement",
    );
    has(
        &t,
        "l'avance de l'année 2026 est versée dans un délai de soixante jours à compter de la notification",
    );
    has(
        &t,
        "l'avance de l'année 2027 est versée avant le 31 mars de l'année concernée",
    );
    has(
        &t,
        "le solde de chaque année est versé dans un délai de soixante jours",
    );
    lacks(
        &t,
        "Conformément à l'article 10 de la loi n° 2000-321 du 12 avril 2000, dans sa rédaction issue de la loi n° 2021-875 du 1er juillet 2021, chaque versement",
    );
    // The first advance in the payment article comes after signature, as the schedule says.
    has(
        &t,
        "après la signature de la présente convention pour l'année 2026",
    );
    let none = text(&prog, TIERS, |v| {
        v["convention"]["payment"]["advance_percent"] = json!(0)
    });
    has(
        &none,
        "la contribution de chaque année est versée dans un délai de soixante jours à compter de la réception",
    );
    lacks(&none, "l'avance de l'année");
    let all = text(&prog, TIERS, |v| {
        v["convention"]["payment"]["advance_percent"] = json!(100)
    });
    has(&all, "aucun solde n'est dû");
    lacks(&all, "le solde de chaque année est versé");
}

// 4 and 5. L. 1611-4 CGCT and the justificatifs, as the texts say.

#[test]
fn cgct_and_justificatifs_quote_the_texts() {
    let prog = example();
    let t = text(&prog, TIERS, |_| {});
    has(
        &t,
        "sauf lorsque cela est expressément prévu par la présente convention",
    );
    lacks(&t, "autorisation expresse");
    has(
        &t,
        "dans les six mois suivant la clôture de chaque exercice pour lequel la contribution a été attribuée",
    );
    lacks(&t, "au titre duquel la contribution a été versée");
}

// 6. SIEG: one basis chosen at grant, parameters in the budget annex, no exit, no « charge ».

#[test]
fn sieg_states_one_basis_and_its_parameters() {
    let prog = example();
    let decision = text(&prog, RESEAU, |_| {});
    has(
        &decision,
        "Vu la décision 2012/21/UE de la Commission du 20 décembre 2011",
    );
    lacks(&decision, "Vu le règlement (UE) 2023/2832");
    lacks(&decision, "Au-delà de ce plafond");
    has(
        &decision,
        "Le présent mandat est conclu en application de la décision 2012/21/UE",
    );
    has(&decision, "Charges du service");
    has(&decision, "Coût net");
    has(
        &decision,
        "Le bénéfice raisonnable admis est fixé à 2,00 % des charges du service",
    );
    has(
        &decision,
        "Toute compensation versée au-delà de ce montant constitue une surcompensation, qui est remboursée par l'association",
    );
    lacks(&decision, "confie à l'association");
    lacks(
        &decision,
        "à l'initiative de l'association moyennant un préavis",
    );
    let reglement = text(&prog, MOBILITE, |_| {});
    has(&reglement, "Vu le règlement (UE) 2023/2832");
    lacks(&reglement, "Vu la décision 2012/21/UE");
    lacks(&reglement, "surcompensation");
    has(
        &reglement,
        "il n'excède pas le plafond de 750 000 € prévu à l'article 3 du règlement (UE) 2023/2832",
    );
    // A non-SIEG convention keeps the association's right to terminate.
    has(
        &text(&prog, TIERS, |_| {}),
        "à l'initiative de l'association moyennant un préavis de trois mois",
    );
    // Data rules.
    let d = check(&prog, RESEAU, |v| {
        v["convention"].as_object_mut().unwrap().remove("sieg");
    });
    at(&d, Severity::Error, "convention.sieg");
    let d = check(&prog, RESEAU, |v| {
        v["convention"]["sieg"]["revenues"]["2027"] = json!(500000)
    });
    let e = at(&d, Severity::Error, "convention.funding.2027");
    assert!(e.message.contains("coût net"), "{e:?}");
}

// 7. De minimis: granted in full at signature, ceiling checked then, Official Journal cited.

#[test]
fn de_minimis_is_granted_at_signature_and_cites_the_official_journal() {
    let prog = example();
    let t = text(&prog, VELO, |_| {});
    lacks(&t, "avant chaque versement");
    lacks(&t, "Avant chaque versement");
    has(&t, "(JO L, 2023/2831, 15.12.2023)");
    has(
        &t,
        "L'aide est réputée octroyée, pour son montant total, à la date à laquelle le droit de la percevoir est conféré à l'association, c'est-à-dire à la signature de la présente convention",
    );
    has(&t, "90 000 € (quatre-vingt-dix mille euros)");
}

#[test]
fn de_minimis_ceilings_are_checked_at_grant_over_three_years() {
    let prog = example();
    // 90 000 € of this aid plus 215 000 € declared within three years: over 300 000 €.
    let d = check(&prog, VELO, |v| {
        v["association"]["de_minimis_declared"] = json!([
            {"grantor": "Département", "granted_on": "2024-03-01", "amount": 215000}
        ]);
    });
    let e = at(&d, Severity::Error, "convention.funding");
    assert!(e.message.contains("305\u{202f}000\u{a0}€"), "{e:?}");
    // Aid granted more than three years before the grant does not count.
    let d = check(&prog, VELO, |v| {
        v["association"]["de_minimis_declared"] = json!([
            {"grantor": "Département", "granted_on": "2022-12-01", "amount": 215000}
        ]);
    });
    none_at(&d, "convention.funding");
    // In-kind aid counts.
    let d = check(&prog, VELO, |v| {
        v["association"]["de_minimis_declared"] = json!([
            {"grantor": "Département", "granted_on": "2024-03-01", "amount": 200000}
        ]);
        v["convention"]["in_kind"] = json!([
            {"description": "des locaux", "values": {"2026": 4000, "2027": 4000, "2028": 4000}}
        ]);
    });
    at(&d, Severity::Error, "convention.funding");
    // The agricultural regime: 50 000 € over three years, and the general regime excludes it.
    let d = check(&prog, VELO, |v| {
        v["convention"]["primary_agriculture"] = json!(true)
    });
    let e = at(&d, Severity::Error, "convention.regime");
    assert!(e.hint.as_deref().unwrap().contains("de-minimis-agricole"));
    let d = check(&prog, VELO, |v| {
        v["convention"]["primary_agriculture"] = json!(true);
        v["convention"]["regime"] = json!("de-minimis-agricole");
    });
    let e = at(&d, Severity::Error, "convention.funding");
    assert!(e.message.contains("50\u{202f}000\u{a0}€"), "{e:?}");
    let small = |v: &mut Value| {
        v["convention"]["primary_agriculture"] = json!(true);
        v["convention"]["regime"] = json!("de-minimis-agricole");
        v["convention"]["funding"] = json!({"2026": 15000, "2027": 15000, "2028": 15000});
    };
    none_at(&check(&prog, VELO, small), "convention.funding");
    let t = text(&prog, VELO, small);
    has(
        &t,
        "Vu le règlement (UE) n° 1408/2013 de la Commission du 18 décembre 2013",
    );
    has(&t, "modifié par le règlement (UE) 2024/3118");
    has(
        &t,
        "il n'excède pas le plafond de 50 000 € prévu à l'article 3 du règlement (UE) n° 1408/2013",
    );
    lacks(&t, "2023/2831");
}

// 7 bis. De minimis: the act states only the declaration the data records.

/// The de minimis paragraph of `id`'s convention changed by `change`, as
/// rendered (Markdown, French typography kept).
fn declaration(prog: &Programme, id: &str, change: impl FnOnce(&mut Value)) -> String {
    let v = changed(prog, id, change);
    let md = crate::common::render(prog, id, &parse(&v)).markdown;
    md.lines()
        .filter(|l| l.contains("L'association a déclaré"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn de_minimis_without_a_declaration_is_an_error_and_certifies_nothing() {
    let prog = example();
    let undeclared = |v: &mut Value| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("de_minimis_declared");
    };
    // The general, the agricultural and the SIEG de minimis regimes.
    let agricultural = |v: &mut Value| {
        undeclared(v);
        v["convention"]["primary_agriculture"] = json!(true);
        v["convention"]["regime"] = json!("de-minimis-agricole");
    };
    for (id, d) in [
        (VELO, check(&prog, VELO, undeclared)),
        (VELO, check(&prog, VELO, agricultural)),
        (MOBILITE, check(&prog, MOBILITE, undeclared)),
    ] {
        let e = at(&d, Severity::Error, "association.de_minimis_declared");
        assert_eq!(e.code, "DON-150", "{id}");
        assert!(
            plain(&e.message)
                .contains("sans déclaration des aides de minimis reçues par l'association"),
            "{e:?}"
        );
        assert!(e.hint.as_deref().unwrap().contains("`[]`"), "{e:?}");
        assert!(e.line.is_some(), "located in the file: {e:?}");
    }
    // An explicit empty list is a declaration; an aid that is not de minimis needs none.
    none_at(
        &check(&prog, VELO, |_| {}),
        "association.de_minimis_declared",
    );
    none_at(
        &check(&prog, MAISON, undeclared),
        "association.de_minimis_declared",
    );
    none_at(
        &check(&prog, RESEAU, undeclared),
        "association.de_minimis_declared",
    );
    // Rendered anyway (the build refuses it), the act states no declaration
    // and no respect of the ceiling.
    let t = text(&prog, VELO, undeclared);
    lacks(&t, "L'association a déclaré");
    lacks(&t, "n'excède pas le plafond");
    lacks(&t, "a vérifié");
    has(&t, "(JO L, 2023/2831, 15.12.2023)");
}

#[test]
fn de_minimis_declared_none_makes_this_aid_the_cumulative_amount() {
    let prog = example();
    // 30 000 € a year for three years: 90 000 €.
    assert_eq!(
        declaration(&prog, VELO, |_| {}),
        "L'association a déclaré à la Région, avant la signature de la présente convention, n'avoir reçu aucune aide de minimis au titre de ce règlement au cours des trois années qui précèdent la date d'octroi. Le montant total des aides de minimis octroyées à l'entreprise unique qu'elle constitue sur cette période, y compris la présente aide, est ainsi de 90\u{202f}000\u{a0}€\u{202f}; il n'excède pas le plafond de 300\u{202f}000\u{a0}€ prévu à l'article 3 du règlement (UE) 2023/2831. L'association conserve pendant dix ans à compter de la date d'octroi les pièces permettant de vérifier le respect de ces conditions."
    );
    // The SIEG de minimis regime: its own ceiling and words.
    let t = declaration(&prog, MOBILITE, |_| {});
    has(
        &t,
        "n'avoir reçu aucune aide de minimis au titre de services d'intérêt économique général au cours des trois années qui précèdent la date d'octroi. Le montant total des aides de minimis octroyées à l'entreprise unique qu'elle constitue sur cette période, y compris la présente aide, est ainsi de 210 000 € ; il n'excède pas le plafond de 750 000 € prévu à l'article 3 du règlement (UE) 2023/2832.",
    );
}

#[test]
fn de_minimis_declared_aids_are_totalled_and_cumulated_with_this_aid() {
    let prog = example();
    let t = declaration(&prog, VELO, |v| {
        v["association"]["de_minimis_declared"] = json!([
            {"grantor": "Commune de Thionvaux", "granted_on": "2024-05-02", "amount": 12500.5},
            {"grantor": "Département de la Moselle", "granted_on": "2025-01-15", "amount": 7250.25, "regulation": "general"},
            // Three years to the day before the grant (the decision date, 23
            // January 2026, while the act is a draft): out of the period.
            {"grantor": "Commune de Thionvaux", "granted_on": "2023-01-23", "amount": 40000},
            // Another regulation: not counted against this one's ceiling.
            {"grantor": "Chambre d'agriculture", "granted_on": "2025-03-01", "amount": 9000, "regulation": "agricole"}
        ]);
    });
    // 12 500,50 + 7 250,25 = 19 750,75 €; with this aid's 90 000 €: 109 750,75 €.
    assert_eq!(
        t,
        "L'association a déclaré à la Région, avant la signature de la présente convention, avoir reçu au titre de ce règlement, au cours des trois années qui précèdent la date d'octroi, deux aides de minimis d'un montant total de 19\u{202f}750,75\u{a0}€ (Commune de Thionvaux, 2 mai 2024\u{a0}: 12\u{202f}500,50\u{a0}€\u{202f}; Département de la Moselle, 15 janvier 2025\u{a0}: 7\u{202f}250,25\u{a0}€). Le montant total des aides de minimis octroyées à l'entreprise unique qu'elle constitue sur cette période, y compris la présente aide, est ainsi de 109\u{202f}750,75\u{a0}€\u{202f}; il n'excède pas le plafond de 300\u{202f}000\u{a0}€ prévu à l'article 3 du règlement (UE) 2023/2831. L'association conserve pendant dix ans à compter de la date d'octroi les pièces permettant de vérifier le respect de ces conditions."
    );
    // One aid: « une aide », its amount once.
    let t = declaration(&prog, VELO, |v| {
        v["association"]["de_minimis_declared"] = json!([{"grantor": "Commune de Thionvaux", "granted_on": "2024-05-02", "amount": 15000}]);
    });
    has(
        &t,
        "une aide de minimis de 15 000 € (Commune de Thionvaux, 2 mai 2024). Le montant total",
    );
    has(&t, "est ainsi de 105 000 € ;");
    // Six aids: the count and the total, no list.
    let t = declaration(&prog, VELO, |v| {
        let six: Vec<Value> = (1..=6)
            .map(|m| json!({"grantor": "Commune", "granted_on": format!("2025-0{m}-01"), "amount": 1000}))
            .collect();
        v["association"]["de_minimis_declared"] = json!(six);
    });
    has(
        &t,
        "six aides de minimis d'un montant total de 6 000 €. Le montant total",
    );
    has(&t, "est ainsi de 96 000 € ;");
}

#[test]
fn the_national_register_is_mentioned_only_when_the_funder_records_there() {
    let mut prog = example();
    let register = "registre national des aides de minimis";
    lacks(&text(&prog, VELO, |_| {}), register);
    prog.file.funder.de_minimis_register = true;
    for id in [VELO, MOBILITE] {
        has(
            &text(&prog, id, |_| {}),
            "La Région inscrit la présente aide au registre national des aides de minimis, la plateforme des aides d'État désignée par le décret n° 2025-1361 du 26 décembre 2025 relatif au registre national sur les aides de minimis.",
        );
    }
    // Never in a convention that grants no de minimis aid.
    lacks(&text(&prog, MAISON, |_| {}), register);
}

#[test]
fn de_minimis_ceiling_at_the_value_one_cent_over_one_under() {
    let prog = example();
    // This aid: 90 000 €; the general ceiling: 300 000 €.
    let declared = |amount: f64| {
        move |v: &mut Value| {
            v["association"]["de_minimis_declared"] =
                json!([{"grantor": "Département", "granted_on": "2024-03-01", "amount": amount}]);
        }
    };
    none_at(
        &check(&prog, VELO, declared(210000.0)),
        "convention.funding",
    );
    has(
        &declaration(&prog, VELO, declared(210000.0)),
        "est ainsi de 300 000 € ; il n'excède pas le plafond de 300 000 €",
    );
    let over = check(&prog, VELO, declared(210000.01));
    let e = at(&over, Severity::Error, "convention.funding");
    assert!(e.message.contains("300\u{202f}000,01\u{a0}€"), "{e:?}");
    none_at(
        &check(&prog, VELO, declared(209999.99)),
        "convention.funding",
    );
    has(
        &declaration(&prog, VELO, declared(209999.99)),
        "est ainsi de 299 999,99 € ;",
    );
    // The agricultural ceiling, 50 000 €: 45 000 € of this aid.
    let agricultural = |amount: f64| {
        move |v: &mut Value| {
            declared(amount)(v);
            v["association"]["de_minimis_declared"][0]["regulation"] = json!("agricole");
            v["convention"]["primary_agriculture"] = json!(true);
            v["convention"]["regime"] = json!("de-minimis-agricole");
            v["convention"]["funding"] = json!({"2026": 15000, "2027": 15000, "2028": 15000});
        }
    };
    none_at(
        &check(&prog, VELO, agricultural(5000.0)),
        "convention.funding",
    );
    has(
        &declaration(&prog, VELO, agricultural(5000.0)),
        "est ainsi de 50 000 € ; il n'excède pas le plafond de 50 000 € prévu à l'article 3 du règlement (UE) n° 1408/2013",
    );
    at(
        &check(&prog, VELO, agricultural(5000.01)),
        Severity::Error,
        "convention.funding",
    );
    none_at(
        &check(&prog, VELO, agricultural(4999.99)),
        "convention.funding",
    );
}

// 8. Auditor: the 153 000 € threshold counts every public cash subsidy.

#[test]
fn the_auditor_threshold_counts_all_public_subsidies() {
    let prog = example();
    let with = |other: u32| {
        move |v: &mut Value| {
            v["association"]["other_public_subsidies"] =
                json!({"2026": other, "2027": other, "2028": other});
        }
    };
    // 45 000 € + 110 000 € = 155 000 €: above the threshold.
    let t = text(&prog, MAISON, with(110_000));
    has(
        &t,
        "Le montant total des subventions publiques en numéraire que reçoit l'association, contribution de la Région et autres subventions publiques déclarées comprises, dépasse 153 000 €",
    );
    has(&t, "accompagnés du rapport du commissaire aux comptes");
    // 45 000 € + 100 000 € = 145 000 € (47 500,50 € + 100 000 € in 2028): below.
    let t = text(&prog, MAISON, with(100_000));
    lacks(&t, "commissaire aux comptes");
    // Without the data, the threshold is this funding alone: a warning says so.
    let d = check(&prog, MAISON, |v| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("other_public_subsidies");
    });
    at(&d, Severity::Warning, "association.other_public_subsidies");
    // A funding above 153 000 € on its own says so.
    let t = text(&prog, RESEAU, |v| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("other_public_subsidies");
    });
    has(
        &t,
        "La contribution de la Région dépasse à elle seule 153 000 €",
    );
}

// 9. Convention-cadre: no financial visas, no subsidy wording, no in-kind aid.

#[test]
fn a_framework_convention_has_no_financial_statement() {
    let prog = example();
    let t = text(&prog, CADRE, |_| {});
    lacks(&t, "décret n° 2001-495");
    lacks(&t, "loi n° 2021-875");
    lacks(&t, "en fixe le cadre");
    lacks(&t, "En application de l'article 10-1");
    has(&t, "aucun engagement financier");
    let d = check(&prog, CADRE, |v| {
        v["convention"]["in_kind"] =
            json!([{"description": "des locaux", "values": {"2026": 1000}}]);
    });
    at(&d, Severity::Error, "convention.in_kind");
    let d = check(&prog, CADRE, |v| {
        v["convention"]["clauses"]["add"] = json!(["mise-a-disposition-locaux"]);
    });
    at(&d, Severity::Error, "convention.clauses.add[0]");
    // A funded convention keeps its financial visas.
    let f = text(&prog, TIERS, |_| {});
    has(&f, "Vu le décret n° 2001-495 du 6 juin 2001");
    has(&f, "Vu la loi n° 2021-875 du 1er juillet 2021");
}

// 10. Built-in commitments are charta's wording, not the programme's charter.

#[test]
fn built_in_commitments_are_not_attributed_to_the_programmes_charter() {
    let prog = example();
    let t = text(&prog, TIERS, |_| {});
    has(
        &t,
        "Dans l'esprit de la charte des engagements réciproques entre l'État, le Mouvement associatif et les collectivités territoriales du 14 février 2014 et de la Charte régionale des engagements réciproques entre la Région et les associations du 14 juin 2024, la Région prend envers l'association les engagements suivants",
    );
    lacks(&t, "Conformément à la Charte régionale");
}

#[test]
fn a_programmes_own_commitments_are_introduced_as_its_charter() {
    let dir = crate::common::example_copy();
    let clauses = dir.path().join("clauses");
    std::fs::create_dir_all(&clauses).unwrap();
    for (id, part) in [
        ("charte-region-financeur", "engagements-financeur"),
        ("charte-region-association", "engagements-association"),
    ] {
        std::fs::write(
            clauses.join(format!("{id}.md")),
            format!(
                "+++\nid = \"{id}\"\nversion = \"1.0.0\"\ntitle = \"Engagement\"\nsummary = \"Engagement de la charte régionale.\"\nsource = \"Charte régionale, art. 3\"\npart = \"{part}\"\norder = 10\n+++\n- **Engagement de la charte régionale.** Texte de la charte.\n"
            ),
        )
        .unwrap();
    }
    let (prog, _) = charta::load::load_programme(dir.path()).expect("loads");
    let builtin: Vec<String> = prog
        .library
        .clauses
        .values()
        .filter(|c| c.meta.part.starts_with("engagements-") && !c.meta.id.ends_with("-intro"))
        .filter(|c| c.origin == charta::load::Origin::Builtin)
        .map(|c| c.meta.id.clone())
        .collect();
    let own = text(&prog, TIERS, |v| {
        v["convention"]["clauses"]["remove"] = json!(builtin)
    });
    has(
        &own,
        "Conformément à la Charte régionale des engagements réciproques entre la Région et les associations du 14 juin 2024, la Région prend envers l'association les engagements suivants",
    );
    let mixed = text(&prog, TIERS, |_| {});
    has(
        &mixed,
        "En application de la Charte régionale des engagements réciproques entre la Région et les associations du 14 juin 2024 et dans l'esprit de la charte des engagements réciproques",
    );
}

// Facts from the data: in-kind aid, Alsace-Moselle register, competence, court.

#[test]
fn in_kind_aid_is_stated_in_figures_and_letters() {
    let prog = example();
    let t = text(&prog, MAISON, |_| {});
    has(
        &t,
        "La Région apporte en outre à l'association les aides en nature suivantes",
    );
    has(&t, "9 600 € (neuf mille six cents euros) pour l'année 2026");
    has(
        &t,
        "9 800 € (neuf mille huit cents euros) pour l'année 2028",
    );
    has(
        &t,
        "29 000 € (vingt-neuf mille euros) sur la durée de la convention",
    );
    lacks(&text(&prog, TIERS, |_| {}), "aides en nature suivantes");
    let d = check(&prog, MAISON, |v| {
        v["convention"]["in_kind"][0]["values"]
            .as_object_mut()
            .unwrap()
            .remove("2027");
    });
    at(&d, Severity::Error, "convention.in_kind[0].values");
    // In-kind aid counts for the 23 000 € threshold: 20 000 € + 4 000 € is above it.
    let below = |kind: u32| {
        move |v: &mut Value| {
            v["convention"]["funding"] = json!({"2026": 20000, "2027": 20000});
            v["convention"]["in_kind"] =
                json!([{"description": "un local", "values": {"2026": kind, "2027": kind}}]);
        }
    };
    at(
        &check(&prog, TIERS, below(0)),
        Severity::Warning,
        "convention.funding",
    );
    let d = check(&prog, TIERS, below(4000));
    assert!(
        !d.iter()
            .any(|d| d.path.as_deref() == Some("convention.funding")),
        "{d:#?}"
    );
}

#[test]
fn an_alsace_moselle_association_cites_its_register_from_the_data() {
    let prog = example();
    let t = text(&prog, VELO, |_| {});
    let parties = between(&t, "Rayons Libres", "ci-après dénommée");
    has(
        parties,
        "dont l'inscription figure au registre des associations du tribunal judiciaire de Thionvaux, volume XLII, folio 117",
    );
    assert_eq!(parties.matches("inscrite").count(), 1, "{parties}");
    let d = check(&prog, VELO, |v| {
        v["association"].as_object_mut().unwrap().remove("register");
    });
    at(&d, Severity::Error, "association.register");
    let t = text(&prog, VELO, |v| {
        v["association"]["register"] =
            json!({"court": "tribunal judiciaire de Metz", "number": "42/2019"});
    });
    has(&t, "du tribunal judiciaire de Metz sous le numéro 42/2019");
    let d = check(&prog, VELO, |v| {
        v["association"]["register"] =
            json!({"court": "tribunal judiciaire de Metz", "volume": "3"});
    });
    at(&d, Severity::Error, "association.register");
}

#[test]
fn competence_public_interest_and_court_come_from_the_data() {
    let prog = example();
    let t = text(&prog, TIERS, |_| {});
    has(
        &t,
        "Vu l'article L. 4251-12 du code général des collectivités territoriales, relatif au schéma régional",
    );
    has(
        &t,
        "Vu l'article 7 de la loi n° 2014-856 du 31 juillet 2014",
    );
    has(
        &t,
        "Considérant que le soutien de la Région à ce projet répond à un intérêt public local : le développement d'activités d'utilité sociale",
    );
    has(
        &t,
        "le litige est porté devant le tribunal administratif de Montvalon-sur-Meuse",
    );
    let mut bare = prog.clone();
    bare.file.programme.legal_basis.clear();
    bare.file.programme.public_interest = None;
    let t = text(&bare, TIERS, |_| {});
    lacks(&t, "L. 4251-12");
    lacks(&t, "intérêt public local");
    let w = charta::check::check_programme(&bare);
    let msgs: Vec<&str> = w.iter().map(|d| &*d.message).collect();
    assert!(msgs.iter().any(|m| m.contains("legal_basis")), "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("public_interest")),
        "{msgs:?}"
    );
    let court = text(&prog, TIERS, |v| {
        v["convention"]["court"] = json!("Tribunal administratif de Nancy");
    });
    has(
        &court,
        "le litige est porté devant le tribunal administratif de Nancy",
    );
}

#[test]
fn the_example_programmes_pass_the_legal_rules() {
    for dir in ["economie-solidaire", "departement-minimal"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(dir);
        let (prog, _) = charta::load::load_programme(&root).expect("loads");
        for e in &prog.associations {
            let d = check_association(&prog, e);
            assert!(
                !d.iter().any(|d| d.severity == Severity::Error),
                "{}: {d:#?}",
                e.id
            );
        }
    }
}
