//! The yearly review (`charta review`): rates, statuses, alerts, the synthesis
//! order, review templates, `check` on review files, and the documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{SIGNED_ID, charta, copy_programme, data, edit_json, example, example_dir};
use charta::model::{Direction, ReviewConfig};
use charta::review::{
    self, Alert, Finances, NoRate, QualStatus, Reported, Review, Status, progression,
    quantitative_status, rate,
};

fn cfg() -> ReviewConfig {
    ReviewConfig::default()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn rate_is_actual_over_target_and_target_over_actual_when_lower_is_better() {
    // Up: actual ÷ target, whatever the baseline: 410 / 420.
    close(rate(Direction::Up, 420.0, 410.0).ok(), 410.0 / 420.0);
    close(rate(Direction::Up, 200.0, 150.0).ok(), 0.75);
    close(rate(Direction::Up, 420.0, 420.0).ok(), 1.0);
    // Down: target ÷ actual: 20 days aimed at, 25 taken: 80 %; 15 taken: 133 %.
    close(rate(Direction::Down, 20.0, 25.0).ok(), 0.8);
    close(rate(Direction::Down, 20.0, 15.0).ok(), 20.0 / 15.0);
    // Down with a target of zero and an actual above: 0 %, never negative.
    close(rate(Direction::Down, 0.0, 4.0).ok(), 0.0);
    // A zero divisor or a negative value: no rate, and why.
    assert_eq!(rate(Direction::Up, 0.0, 3.0), Err(NoRate::ZeroTarget));
    assert_eq!(rate(Direction::Down, 20.0, 0.0), Err(NoRate::ZeroActual));
    assert_eq!(rate(Direction::Up, 100.0, -1.0), Err(NoRate::Negative));
    assert_eq!(rate(Direction::Down, -5.0, 2.0), Err(NoRate::Negative));
}

#[test]
fn progression_runs_from_the_baseline_to_the_target() {
    // Baseline 380, target 420, actual 410: 30 of the 40 to go.
    close(progression(Direction::Up, Some(380.0), 420.0, 410.0), 0.75);
    // Below the baseline: negative (moved away from the target).
    close(progression(Direction::Up, Some(85.0), 90.0, 78.0), -1.4);
    // Down: baseline 30 days, target 20, actual 25: half the way; 15: 150 %.
    close(progression(Direction::Down, Some(30.0), 20.0, 25.0), 0.5);
    close(progression(Direction::Down, Some(30.0), 20.0, 15.0), 1.5);
    close(progression(Direction::Down, Some(30.0), 20.0, 33.0), -0.3);
    // A zero baseline is a baseline.
    close(progression(Direction::Up, Some(0.0), 10.0, 8.0), 0.8);
    // No baseline, or a baseline equal to the target: no progression.
    assert_eq!(progression(Direction::Up, None, 420.0, 410.0), None);
    assert_eq!(progression(Direction::Up, Some(50.0), 50.0, 40.0), None);
    assert_eq!(progression(Direction::Down, Some(0.0), 0.0, 1.0), None);
}

#[test]
fn the_status_follows_the_rate_at_its_thresholds() {
    let st = |d, t, a| quantitative_status(d, Some(t), Some(a), &cfg()).1;
    // Exactly 100 %: atteint; one hundredth under: partiel.
    assert_eq!(st(Direction::Up, 420.0, 420.0), Status::Atteint);
    assert_eq!(st(Direction::Up, 840.0, 839.99), Status::Partiel);
    // Exactly 75 %: partiel; 74,5 %: non atteint.
    assert_eq!(st(Direction::Up, 200.0, 150.0), Status::Partiel);
    assert_eq!(st(Direction::Up, 200.0, 149.0), Status::NonAtteint);
    // Down: 20 / 20 atteint, 20 / 25 = 80 % partiel, 20 / 27 = 74,07 % non atteint.
    assert_eq!(st(Direction::Down, 20.0, 20.0), Status::Atteint);
    assert_eq!(st(Direction::Down, 20.0, 25.0), Status::Partiel);
    assert_eq!(st(Direction::Down, 20.0, 27.0), Status::NonAtteint);
    // No rate: the values alone.
    assert_eq!(st(Direction::Up, 0.0, 3.0), Status::Atteint);
    assert_eq!(st(Direction::Up, 0.0, -1.0), Status::NonAtteint);
    assert_eq!(st(Direction::Down, 20.0, 0.0), Status::Atteint);
    // 0,57 × 100 is 56,999… in floating point: still 57 %.
    let c = ReviewConfig {
        partial_percent: 57.0,
        ..cfg()
    };
    let (r, s) = quantitative_status(Direction::Up, Some(100.0), Some(57.0), &c);
    assert_eq!(s, Status::Partiel);
    assert_eq!(review::percent_tenths_down(r.unwrap().unwrap()), 57.0);
    // Shown rounded down to a tenth: 99,998… % is 99,9 %, never 100 %.
    assert_eq!(review::percent_tenths_down(839.99 / 840.0), 99.9);
    assert_eq!(review::percent_tenths_down(-1.4), -140.0);
}

#[test]
fn a_missing_value_is_not_reported_never_assumed() {
    let (r, s) = quantitative_status(Direction::Up, Some(2.0), None, &cfg());
    assert_eq!((r, s), (None, Status::NonRenseigne));
    // And in a report: the indicator left out says « non renseigné ».
    let prog = example();
    let d = data(&prog, "recyclerie-vaudrecourt");
    let mut reviews = BTreeMap::new();
    let mut r = Review::default();
    r.indicators.insert(
        "O1-I1".into(),
        Reported {
            value: Some(301.0),
            ..Reported::default()
        },
    );
    reviews.insert(2026, r);
    let a = review::assess("recyclerie-vaudrecourt", &d, 2026, &reviews, &cfg());
    let line = a.lines.iter().find(|l| l.id == "O3-I1").expect("O3-I1");
    assert_eq!(line.status, Status::NonRenseigne);
    assert_eq!(line.actual, None);
    assert_eq!(a.count(Status::NonRenseigne), 3);
    let md = review::report_markdown(&prog, &a);
    let row = md.lines().find(|l| l.contains("**O3-I1**")).expect("row");
    assert!(row.contains("non renseigné"), "{row}");
}

#[test]
fn thresholds_come_from_the_config() {
    let strict = ReviewConfig {
        achieved_percent: 100.0,
        partial_percent: 90.0,
        ..ReviewConfig::default()
    };
    let (_, s) = quantitative_status(Direction::Up, Some(100.0), Some(80.0), &cfg());
    assert_eq!(s, Status::Partiel);
    let (_, s) = quantitative_status(Direction::Up, Some(100.0), Some(80.0), &strict);
    assert_eq!(s, Status::NonAtteint);
    let (_, s) = quantitative_status(Direction::Up, Some(100.0), Some(100.0), &strict);
    assert_eq!(s, Status::Atteint);
}

/// `id`'s data with one objective holding `indicators` (JSON).
fn with_indicators(
    prog: &charta::load::Programme,
    id: &str,
    indicators: serde_json::Value,
) -> charta::model::AssociationFile {
    let mut v = serde_json::to_value(data(prog, id)).unwrap();
    v["dashboard"]["objectives"] = serde_json::json!([{
        "id": "O1", "priority": "P1", "title": "Objectif", "indicators": indicators
    }]);
    serde_json::from_value(v).unwrap()
}

/// The text of a report's PDF, whitespace (and no-break spaces) made single spaces.
fn report_pdf_text(prog: &charta::load::Programme, a: &review::Assessment) -> String {
    let md = review::report_markdown(prog, a);
    let engine =
        charta::emit::pdf::PdfEngine::new(Some(charta::emit::pdf::REVIEW_LAYOUT.to_string()));
    let pdf = engine
        .render(&md, &review::report_meta(prog, a))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let text = pdf_extract::extract_text_from_mem(&pdf.pdf).expect("text");
    flat(&text)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Markdown row of indicator `id`.
fn row<'a>(md: &'a str, id: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with(&format!("| **{id}**")))
        .unwrap_or_else(|| panic!("no row {id} in {md}"))
}

#[test]
fn report_shows_rate_and_progression_each_defined_under_the_table() {
    let prog = example();
    let q = |id: &str, b: serde_json::Value, t: f64, dir: &str| {
        serde_json::json!({ "id": id, "label": format!("Indicateur {id}"), "type": "quantitative",
            "baseline": b, "targets": { "2026": t }, "direction": dir })
    };
    let n = serde_json::Value::Null;
    let d = with_indicators(
        &prog,
        "atelier-velo-thionvaux",
        serde_json::json!([
            q("T1", 380.into(), 420.0, "up"),
            q("T2", 800.into(), 840.0, "up"),
            q("T3", 50.into(), 50.0, "up"),
            q("T4", n.clone(), 0.0, "up"),
            q("T5", 30.into(), 20.0, "down"),
            q("T6", 30.into(), 20.0, "down"),
            q("T7", 85.into(), 90.0, "up"),
            q("T8", n.clone(), 200.0, "up"),
            q("T9", n, 200.0, "up"),
        ]),
    );
    let mut r = Review::default();
    for (id, v) in [
        ("T1", 420.0),
        ("T2", 839.99),
        ("T3", 40.0),
        ("T4", 3.0),
        ("T5", 25.0),
        ("T6", 0.0),
        ("T7", 78.0),
        ("T8", 149.0),
        ("T9", 150.0),
    ] {
        let reported = Reported {
            value: Some(v),
            ..Reported::default()
        };
        r.indicators.insert(id.into(), reported);
    }
    let reviews = BTreeMap::from([(2026, r)]);
    let a = review::assess("atelier-velo-thionvaux", &d, 2026, &reviews, &cfg());
    let md = review::report_markdown(&prog, &a);
    let nb = '\u{a0}';
    // Columns: référence, cible, réalisé, écart, taux, progression, statut.
    let cells = |id: &str| -> Vec<String> {
        row(&md, id)
            .split(" | ")
            .skip(1)
            .map(|c| c.trim_end_matches(" |").to_string())
            .collect()
    };
    let want = |id: &str, rate: &str, prog: &str, status: &str| {
        let c = cells(id);
        assert_eq!(
            (c[4].as_str(), c[5].as_str(), c[6].as_str()),
            (rate, prog, status),
            "{id}: {c:?}"
        );
    };
    // 420 / 420 = 100 %; (420 − 380) / (420 − 380) = 100 %.
    want("T1", &format!("100{nb}%"), &format!("100{nb}%"), "atteint");
    // 839,99 / 840 = 99,9988 % → 99,9 %; 39,99 / 40 = 99,975 % → 99,9 %.
    want(
        "T2",
        &format!("99,9{nb}%"),
        &format!("99,9{nb}%"),
        "partiellement atteint",
    );
    // Baseline equal to the target: 40 / 50 = 80 %, no progression.
    want("T3", &format!("80{nb}%"), "—", "partiellement atteint");
    // Target of zero: no rate, 3 ≥ 0.
    want("T4", "non calculable (cible nulle)", "—", "atteint");
    // Down: 20 / 25 = 80 %; (30 − 25) / (30 − 20) = 50 %.
    want(
        "T5",
        &format!("80{nb}%"),
        &format!("50{nb}%"),
        "partiellement atteint",
    );
    // Down, actual zero: no rate, 0 ≤ 20; (30 − 0) / (30 − 20) = 300 %.
    want(
        "T6",
        "non calculable (réalisé nul)",
        &format!("300{nb}%"),
        "atteint",
    );
    // 78 / 90 = 86,66 % → 86,6 %; (78 − 85) / (90 − 85) = −140 %, a step back.
    want(
        "T7",
        &format!("86,6{nb}%"),
        &format!("\u{2212}140{nb}% (recul)"),
        "partiellement atteint",
    );
    // 149 / 200 = 74,5 %: under 75 %; 150 / 200 = 75 %: partial.
    want("T8", &format!("74,5{nb}%"), "—", "**non atteint**");
    want("T9", &format!("75{nb}%"), "—", "partiellement atteint");
    assert!(
        md.contains("| Taux de réalisation | Progression | Statut |"),
        "{md}"
    );
    // Only T7 went back; no rate is negative.
    assert_eq!(md.matches("(recul)").count(), 1, "{md}");
    let rates: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| **T") && l.contains("Indicateur T"))
        .map(|l| l.split(" | ").nth(5).unwrap())
        .collect();
    assert_eq!(rates.len(), 9);
    assert!(rates.iter().all(|r| !r.starts_with('-')), "{rates:?}");
    // The note defines both, with the formulas in words and why a cell may be negative or missing.
    for want in [
        format!("*Taux de réalisation*{nb}: réalisé ÷ cible de l'année"),
        "pour un indicateur à la baisse, cible ÷ réalisé".to_string(),
        format!("«{nb}non calculable{nb}» lorsque la cible est nulle"),
        format!(
            "*Statut*{nb}: «{nb}atteint{nb}» pour un taux de réalisation d'au moins 100{nb}%, «{nb}partiellement atteint{nb}» d'au moins 75{nb}%"
        ),
        "soit (réalisé − référence) ÷ (cible − référence)".to_string(),
        "(référence − réalisé) ÷ (référence − cible)".to_string(),
        format!(
            "Une progression négative («{nb}recul{nb}») signifie que le réalisé s'est éloigné de la cible"
        ),
    ] {
        assert!(md.contains(&want), "{want} in {md}");
    }
    // The PDF says the same.
    let text = report_pdf_text(&prog, &a);
    for want in [
        "Taux de réalisation",
        "Progression",
        "99,9 %",
        "non calculable (cible nulle)",
        "non calculable (réalisé nul)",
        "−140 % (recul)",
        "Taux de réalisation : réalisé ÷ cible de l'année",
        "Une progression négative (« recul ») signifie",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("100 % partiellement"), "{text}");
}

fn fin(resultat: Option<f64>) -> Finances {
    Finances {
        resultat,
        ..Finances::default()
    }
}

#[test]
fn alert_two_negative_results_in_a_row() {
    let c = cfg();
    let a = review::alerts(&fin(Some(-10.0)), Some(&fin(Some(-5.0))), &c);
    assert_eq!(
        a,
        vec![Alert::ConsecutiveDeficits {
            previous: -5.0,
            current: -10.0
        }]
    );
    assert!(review::alerts(&fin(Some(-10.0)), Some(&fin(Some(5.0))), &c).is_empty());
    // The year before unknown: no alert (nothing assumed).
    assert!(review::alerts(&fin(Some(-10.0)), None, &c).is_empty());
    assert!(review::alerts(&fin(Some(-10.0)), Some(&fin(None)), &c).is_empty());
    // A result computed from produits and charges counts.
    let cur = Finances {
        produits: Some(100.0),
        charges: Some(120.0),
        ..Finances::default()
    };
    assert_eq!(review::alerts(&cur, Some(&fin(Some(-1.0))), &c).len(), 1);
}

#[test]
fn alert_negative_fonds_propres() {
    let f = Finances {
        fonds_propres: Some(-1.0),
        ..Finances::default()
    };
    assert_eq!(
        review::alerts(&f, None, &cfg()),
        vec![Alert::NegativeEquity(-1.0)]
    );
    let f = Finances {
        fonds_propres: Some(0.0),
        ..Finances::default()
    };
    assert!(review::alerts(&f, None, &cfg()).is_empty());
}

#[test]
fn alert_cash_under_the_threshold() {
    let f = |d| Finances {
        tresorerie_jours: Some(d),
        ..Finances::default()
    };
    let c = ReviewConfig {
        cash_days_min: 30.0,
        ..cfg()
    };
    assert_eq!(
        review::alerts(&f(29.0), None, &c),
        vec![Alert::LowCash {
            days: 29.0,
            min: 30.0
        }]
    );
    assert!(review::alerts(&f(30.0), None, &c).is_empty());
}

#[test]
fn alert_funder_share_of_produits() {
    let f = |s, p| Finances {
        subvention_versee: Some(s),
        produits: Some(p),
        ..Finances::default()
    };
    let a = review::alerts(&f(60.0, 100.0), None, &cfg());
    assert_eq!(
        a,
        vec![Alert::FunderShare {
            percent: 60.0,
            max: 50.0
        }]
    );
    assert!(review::alerts(&f(50.0, 100.0), None, &cfg()).is_empty());
    // Produits unknown or zero: no ratio, no alert.
    let only = Finances {
        subvention_versee: Some(10.0),
        ..Finances::default()
    };
    assert!(review::alerts(&only, None, &cfg()).is_empty());
    assert!(review::alerts(&f(10.0, 0.0), None, &cfg()).is_empty());
}

/// The example programme (charta.toml, associations/, reviews/) in a temporary folder.
fn example_with_reviews() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_programme(&example_dir(), tmp.path());
    let from = example_dir().join("reviews/2026");
    let to = tmp.path().join("reviews/2026");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(&from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
    tmp
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

#[test]
fn synthesis_lists_alerts_first_then_by_id() {
    let tmp = example_with_reviews();
    // Signed, the two without a review file owe one (unsigned, none is due).
    for id in ["collectif-ess-val-de-meuse", "mobilite-solidaire-rurale"] {
        crate::common::sign_in_data(tmp.path(), id, "2026-02-10");
    }
    let out = tmp.path().join("out");
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("review-2026/synthese.csv")).unwrap();
    let rows: Vec<(String, bool)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0].to_string(), !f[9].is_empty())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    // Alerts: the two without a review file, the one in difficulty, the
    // three unsigned that declare the subsidy received; then the others, by id.
    assert_eq!(
        ids,
        [
            "collectif-ess-val-de-meuse",
            "maison-solidarites-montvalon",
            "mobilite-solidaire-rurale",
            "recyclerie-vaudrecourt",
            "reseau-insertion-emploi",
            "tiers-lieu-les-communs",
            "atelier-velo-thionvaux",
            "epicerie-solidaire-brecourt",
        ]
    );
    assert!(rows[..6].iter().all(|(_, a)| *a) && rows[6..].iter().all(|(_, a)| !*a));
    let recyclerie = csv
        .lines()
        .find(|l| l.starts_with("recyclerie-vaudrecourt;"))
        .unwrap();
    assert!(
        recyclerie.contains("l'association déclare avoir reçu 38 000 € de subvention alors que la convention n'est pas signée : à vérifier"),
        "{recyclerie}"
    );
    let maison = csv
        .lines()
        .find(|l| l.starts_with("maison-solidarites-montvalon;"))
        .unwrap();
    assert!(maison.contains("fonds propres négatifs"), "{maison}");
    assert!(maison.contains("trésorerie de 21 jours"), "{maison}");
    assert!(maison.contains("55,6 %"), "{maison}");
    assert!(maison.contains(";45000;22500;"), "{maison}");
    let md = std::fs::read_to_string(out.join("review-2026/synthese.md")).unwrap();
    assert!(md.find("maison-solidarites").unwrap() < md.find("atelier-velo").unwrap());
    // Real plurals, never « (s) ».
    assert!(
        md.contains("8 conventions couvrant 2026\u{202f}; 6 bilans reçus\u{202f}; 6 associations en alerte\u{202f};"),
        "{md}"
    );
    let report =
        std::fs::read_to_string(out.join("review-2026/maison-solidarites-montvalon.md")).unwrap();
    assert!(
        report.contains(
            "Indicateurs\u{a0}: 0 atteint, 4 partiellement atteints, 0 non atteint, 0 non renseigné."
        ),
        "{report}"
    );
    assert!(!md.contains("(s)") && !report.contains("(s)"));
    // Per-association reports, Markdown only.
    assert!(out.join("review-2026/atelier-velo-thionvaux.md").is_file());
    assert!(!out.join("review-2026/atelier-velo-thionvaux.pdf").exists());
}

#[test]
fn the_example_report_shows_every_figure() {
    let tmp = example_with_reviews();
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(tmp.path().join("out/review-2026/atelier-velo-thionvaux.md"))
        .unwrap();
    // O1-I1: baseline 380, target 420, actual 436 → gap +16, rate 436 / 420 =
    // 103,809… % → 103,8 %, progression (436 − 380) / (420 − 380) = 140 %.
    let cells =
        |id: &str| -> Vec<String> { row(&md, id).split(" | ").map(str::to_string).collect() };
    let c = cells("O1-I1");
    let nb = '\u{a0}';
    assert_eq!(
        &c[1..8],
        [
            format!("380{nb}vélos"),
            format!("420{nb}vélos"),
            format!("436{nb}vélos"),
            format!("+16{nb}vélos"),
            format!("103,8{nb}%"),
            format!("140{nb}%"),
            "atteint |".to_string()
        ],
        "{c:?}"
    );
    // O1-I2: 150 → 170, actual 162: rate 162 / 170 = 95,29… % → 95,2 %,
    // progression 12 / 20 = 60 %: partiellement atteint.
    let c = cells("O1-I2");
    assert_eq!(
        &c[5..8],
        [
            format!("95,2{nb}%"),
            format!("60{nb}%"),
            "partiellement atteint |".to_string()
        ],
        "{c:?}"
    );
    assert!(md.contains("Aucune alerte."));
    assert!(md.contains("second créneau le samedi"));
    // Reproducible: the same inputs give the same bytes.
    let again = tempfile::tempdir().unwrap();
    let (code, _, err) = charta(&[
        "review",
        s(tmp.path()),
        "--year",
        "2026",
        "--format",
        "md",
        "--out",
        s(again.path()),
    ]);
    assert_eq!(code, 0, "{err}");
    for f in ["atelier-velo-thionvaux.md", "synthese.md", "synthese.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("out/review-2026").join(f)).unwrap(),
            std::fs::read(again.path().join("review-2026").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn a_down_indicator_and_earlier_years_in_the_trajectory() {
    let tmp = example_with_reviews();
    // A draft's dashboard, as negotiated (a signed one reads its archive).
    crate::common::unsign(tmp.path(), "atelier-velo-thionvaux");
    let assoc = tmp.path().join("associations/atelier-velo-thionvaux.json");
    edit_json(&assoc, |v| {
        v["dashboard"]["objectives"][0]["indicators"][1]["direction"] = "down".into();
    });
    // A 2027 review: the 2027 report shows 2026 and 2027 actuals.
    let y27 = tmp.path().join("reviews/2027");
    std::fs::create_dir_all(&y27).unwrap();
    std::fs::write(
        y27.join("atelier-velo-thionvaux.json"),
        r#"{ "indicators": { "O1-I1": { "value": 480 }, "O1-I2": { "value": 180 },
            "O2-I1": { "value": 9 }, "O2-I2": { "status": "partiellement atteint" } },
            "finances": { "resultat": -100 } }"#,
    )
    .unwrap();
    let (code, err) = review_2027(tmp.path(), &["--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(tmp.path().join("out/review-2027/atelier-velo-thionvaux.md"))
        .unwrap();
    // O1-I2 down: baseline 150, target 190, actual 180: rate 190 / 180 =
    // 105,55… % → 105,5 %, atteint; progression (150 − 180) / (150 − 190) = 75 %.
    let row = md
        .lines()
        .find(|l| l.contains("(à la baisse)"))
        .expect("down row");
    assert!(
        row.contains("| 105,5\u{a0}% | 75\u{a0}% | atteint |"),
        "{row}"
    );
    let traj = md
        .lines()
        .find(|l| l.starts_with("| **O1-I1** |") && l.contains(" / "))
        .expect("trajectory row");
    assert!(
        traj.contains("420 / 436") && traj.contains("470 / 480") && traj.contains("520 / …"),
        "{traj}"
    );
}

#[test]
fn template_prefills_targets_and_never_overwrites() {
    let tmp = example_with_reviews();
    let existing = tmp.path().join("reviews/2026/atelier-velo-thionvaux.json");
    let before = std::fs::read(&existing).unwrap();
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--template"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&existing).unwrap(),
        before,
        "existing file kept"
    );
    assert!(err.contains("existe déjà"), "{err}");
    let t: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            tmp.path()
                .join("reviews/2026/mobilite-solidaire-rurale.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(t["indicators"]["O1-I1"]["target"], 3800.0);
    assert!(t["indicators"]["O1-I1"]["value"].is_null());
    assert_eq!(
        t["indicators"]["O2-I2"]["target"],
        "Fiche de prescription commune adoptée"
    );
    assert!(t["indicators"]["O2-I2"]["status"].is_null());
    assert!(t["finances"]["produits"].is_null());
    // A template passes `check` (with a warning per empty value? no: empty is allowed) and reviews.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(
        tmp.path()
            .join("out/review-2026/mobilite-solidaire-rurale.md"),
    )
    .unwrap();
    assert!(
        md.contains("0 atteint, 0 partiellement atteint, 0 non atteint, 4 non renseignés."),
        "{md}"
    );
    // 2030 is outside every convention: nothing to write.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2030", "--template"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 fichier de bilan"), "{err}");
}

#[test]
fn check_locates_review_errors_at_their_json_path() {
    let tmp = example_with_reviews();
    let bad = tmp.path().join("reviews/2026/tiers-lieu-les-communs.json");
    std::fs::write(
        &bad,
        "{\n  \"indicators\": {\n    \"O1-I1\": { \"status\": \"atteint\" },\n    \"O1-I2\": { \"status\": \"presque\" },\n    \"O9-I9\": { \"value\": 3 }\n  },\n  \"finances\": { \"produits\": \"beaucoup\" }\n}\n",
    )
    .unwrap();
    // A year outside the convention (tiers-lieu: 2026-2027).
    std::fs::create_dir_all(tmp.path().join("reviews/2028")).unwrap();
    std::fs::write(
        tmp.path().join("reviews/2028/tiers-lieu-les-communs.json"),
        "{ \"indicators\": {} }",
    )
    .unwrap();
    let (code, out, err) = charta(&["check", s(tmp.path()), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diags: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.contains("reviews/")))
        .collect();
    let find = |path: &str| {
        diags
            .iter()
            .find(|d| d["path"] == path)
            .unwrap_or_else(|| panic!("no diagnostic at {path}: {diags:#?}"))
    };
    let d = find("indicators.O1-I1.status");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(16))
    );
    assert!(d["message"].as_str().unwrap().contains("quantitatif"));
    let d = find("indicators.O1-I2.status");
    assert_eq!(d["line"], 4);
    assert!(d["message"].as_str().unwrap().contains("statut inconnu"));
    let d = find("indicators.O9-I9");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(5))
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("indicateur inconnu")
    );
    let d = find("finances.produits");
    assert_eq!(d["line"], 7);
    // O2-I1 left out: a warning.
    let w = diags
        .iter()
        .find(|d| d["severity"] == "warning" && d["message"].as_str().unwrap().contains("O2-I1"))
        .expect("missing-indicator warning");
    assert_eq!(w["path"], "indicators");
    let y = diags
        .iter()
        .find(|d| d["file"].as_str().unwrap().contains("2028"))
        .expect("year outside the convention");
    assert_eq!(y["severity"], "error");
    assert!(y["message"].as_str().unwrap().contains("2028"), "{y}");
    // `review` refuses and writes nothing.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("indicators.O9-I9"), "{err}");
    assert!(!tmp.path().join("out/review-2026").exists());
}

#[test]
fn the_example_reviews_pass_check_with_one_missing_indicator() {
    let prog = example();
    let diags = charta::check::review::check_reviews(&prog);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(!diags[0].is_error());
    assert!(diags[0].message.contains("O3-I1"));
    assert!(
        diags[0]
            .file
            .as_ref()
            .is_some_and(|f| f.ends_with("reviews/2026/recyclerie-vaudrecourt.json"))
    );
}

#[test]
fn qualitative_statuses_are_read() {
    assert_eq!(
        QualStatus::parse("partiellement atteint"),
        Some(QualStatus::Partiel)
    );
    assert_eq!(QualStatus::parse("presque"), None);
}

#[test]
fn pdf_report_has_the_indicator_values() {
    let tmp = example_with_reviews();
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026"]);
    assert_eq!(code, 0, "{err}");
    let dir = tmp.path().join("out/review-2026");
    let bytes = std::fs::read(dir.join("maison-solidarites-montvalon.pdf")).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Bilan annuel 2026",
        "O1-I1",
        "655",
        "680",
        "O2-I1",
        "78",
        "fonds propres négatifs",
        "plan de retour",
    ] {
        assert!(flat.contains(want), "{want} in {flat}");
    }
    let synth =
        pdf_extract::extract_text_from_mem(&std::fs::read(dir.join("synthese.pdf")).unwrap())
            .expect("text");
    assert!(synth.contains("Synthèse des bilans 2026"), "{synth}");
}

#[test]
fn review_thresholds_are_read_and_checked() {
    let tmp = example_with_reviews();
    let toml = tmp.path().join("charta.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[review]\nachieved_percent = 90\npartial_percent = 95\n");
    std::fs::write(&toml, &text).unwrap();
    let (code, out, err) = charta(&["check", s(tmp.path()), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "review.partial_percent")
        .unwrap_or_else(|| panic!("{report:#}"));
    let line = text
        .lines()
        .position(|l| l.starts_with("partial_percent"))
        .unwrap()
        + 1;
    assert_eq!(d["line"], line);
    // Valid thresholds are the ones the report states and applies.
    text = text.replace("partial_percent = 95", "partial_percent = 60");
    std::fs::write(&toml, &text).unwrap();
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(
        tmp.path()
            .join("out/review-2026/maison-solidarites-montvalon.md"),
    )
    .unwrap();
    assert!(
        md.contains("pour un taux de réalisation d'au moins 90\u{a0}%, «\u{a0}partiellement atteint\u{a0}» d'au moins 60\u{a0}%"),
        "{md}"
    );
    // O2-I2: 43,5 / 45 = 96,66… %: atteint from 90 %.
    assert!(
        row(&md, "O2-I2").ends_with("| 96,6\u{a0}% | 50\u{a0}% | atteint |"),
        "{md}"
    );
    // O2-I1: 78 / 90 = 86,66… %: partial from 60 %, under 90 %.
    assert!(
        row(&md, "O2-I1")
            .ends_with("| 86,6\u{a0}% | \u{2212}140\u{a0}% (recul) | partiellement atteint |"),
        "{md}"
    );
}

#[test]
fn user_text_stays_text() {
    let prog = example();
    let d = data(&prog, "tiers-lieu-les-communs");
    let mut r = Review {
        narrative: Some("#set page(width: 1cm) *pas gras* | <b>x</b>\n# pas un titre".into()),
        ..Review::default()
    };
    r.indicators.insert(
        "O1-I1".into(),
        Reported {
            value: Some(12.0),
            comment: Some("| cellule | [lien](x) ".into()),
            ..Reported::default()
        },
    );
    let reviews = BTreeMap::from([(2026, r)]);
    let a = review::assess("tiers-lieu-les-communs", &d, 2026, &reviews, &cfg());
    let md = review::report_markdown(&prog, &a);
    assert!(
        md.contains(r"\#set page(width: 1cm) \*pas gras\* \| \<b\>x\</b\> \# pas un titre"),
        "{md}"
    );
    assert!(md.contains(r"\| cellule \| \[lien\](x)"), "{md}");
    let text = crate::common::markdown_text(&md);
    assert!(
        text.contains("#set page(width: 1cm) *pas gras* | <b>x</b> # pas un titre"),
        "{text}"
    );
    let engine =
        charta::emit::pdf::PdfEngine::new(Some(charta::emit::pdf::REVIEW_LAYOUT.to_string()));
    let pdf = engine
        .render(&md, &review::report_meta(&prog, &a))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let text = pdf_extract::extract_text_from_mem(&pdf.pdf).expect("text");
    assert!(text.contains("pas gras"), "{text}");
}

/// A review of `year` with these payments (date, euros, kind).
fn paid(
    year: i32,
    payments: &[((i32, u8, u8), i64, review::PaymentKind)],
) -> BTreeMap<i32, Review> {
    let r = Review {
        payments: payments
            .iter()
            .map(|&(date, cents, kind)| review::Payment {
                date,
                amount: cents,
                kind,
            })
            .collect(),
        ..Review::default()
    };
    BTreeMap::from([(year, r)])
}

#[test]
fn granted_is_the_years_amount_and_paid_only_what_the_review_records() {
    use review::PaymentKind::{Avance, Solde};
    let prog = example();
    let d = data(&prog, "atelier-velo-thionvaux");
    let (nb, th) = ('\u{a0}', '\u{202f}');
    // Recorded: an advance and the balance, 18 000 + 12 000 = 30 000 €.
    let reviews = paid(
        2026,
        &[
            ((2026, 3, 16), 1_800_000, Avance),
            ((2026, 12, 15), 1_200_000, Solde),
        ],
    );
    let a = review::assess("atelier-velo-thionvaux", &d, 2026, &reviews, &cfg());
    let md = review::report_markdown(&prog, &a);
    for want in [
        format!("**Subvention attribuée pour 2026{nb}:** 30{th}000{nb}€"),
        "### Versements de la subvention 2026".to_string(),
        format!("| Avance versée le 16 mars 2026 | 18{th}000{nb}€ |"),
        format!("| Solde versé le 15 décembre 2026 | 12{th}000{nb}€ |"),
        format!("| **Total versé** | **30{th}000{nb}€** |"),
        format!("| Subvention attribuée pour 2026 | 30{th}000{nb}€ |"),
        "| Subvention de la Région comptée dans les produits (déclarée par l'association) |"
            .to_string(),
    ] {
        assert!(md.contains(&want), "{want} in {md}");
    }
    assert!(!md.contains("Financement"), "{md}");
    let text = report_pdf_text(&prog, &a);
    for want in [
        "Subvention attribuée pour 2026 : 30 000 €",
        "Versements de la subvention 2026",
        "Avance versée le 16 mars 2026 18 000 €",
        "Solde versé le 15 décembre 2026 12 000 €",
        "Total versé 30 000 €",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    // Nothing recorded: nothing said of what was paid, in either format.
    let a = review::assess("atelier-velo-thionvaux", &d, 2026, &paid(2026, &[]), &cfg());
    let md = review::report_markdown(&prog, &a);
    assert!(md.contains(&format!(
        "**Subvention attribuée pour 2026{nb}:** 30{th}000{nb}€"
    )));
    let text = report_pdf_text(&prog, &a);
    for t in [md.as_str(), text.as_str()] {
        let lower = t.to_lowercase();
        assert!(
            !lower.contains("versé") && !lower.contains("versement"),
            "{t}"
        );
    }
}

#[test]
fn payments_above_the_amount_granted_raise_an_alert_from_one_cent() {
    use review::PaymentKind::{Avance, Solde};
    let prog = example();
    let d = data(&prog, "atelier-velo-thionvaux");
    let over = |cents: i64| {
        let reviews = paid(
            2026,
            &[
                ((2026, 3, 16), 1_800_000, Avance),
                ((2026, 12, 15), cents, Solde),
            ],
        );
        review::assess("atelier-velo-thionvaux", &d, 2026, &reviews, &cfg()).alerts
    };
    // 18 000 + 12 000 = 30 000 €: the amount granted, no alert.
    assert!(over(1_200_000).is_empty());
    // One cent more: an alert that states both amounts.
    let alerts = over(1_200_001);
    assert_eq!(
        alerts,
        vec![Alert::OverPaid {
            paid: 3_000_001,
            granted: Some(3_000_000)
        }]
    );
    assert_eq!(
        alerts[0].message(2026),
        "versements enregistrés (30\u{202f}000,01\u{a0}€) supérieurs à la subvention attribuée pour 2026 (30\u{202f}000\u{a0}€)"
    );
}

#[test]
fn the_synthesis_has_a_paid_column_only_when_payments_are_recorded() {
    let tmp = example_with_reviews();
    let dir = tmp.path().join("out/review-2026");
    // Only Montvalon's payments here (those of the closing are `closing`'s).
    for id in ["atelier-velo-thionvaux", "epicerie-solidaire-brecourt"] {
        edit_json(&tmp.path().join(format!("reviews/2026/{id}.json")), |v| {
            v.as_object_mut().unwrap().remove("payments");
        });
    }
    // The example records Montvalon's advance: 22 500 €.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("synthese.md")).unwrap();
    assert!(
        md.contains("| Association | Subvention attribuée pour 2026 | Versé | Atteints |"),
        "{md}"
    );
    let (nb, th) = ('\u{a0}', '\u{202f}');
    assert!(
        md.contains(&format!("Montvalon | 45{th}000{nb}€ | 22{th}500{nb}€ |")),
        "{md}"
    );
    assert!(
        md.contains(&format!("Thionvaux | 30{th}000{nb}€ | — |")),
        "{md}"
    );
    assert!(md.contains(&format!(
        "versements enregistrés dans 1 bilan\u{a0}: 22{th}500{nb}€"
    )));
    let csv = std::fs::read_to_string(dir.join("synthese.csv")).unwrap();
    assert!(csv.starts_with("id;association;reference;subvention_attribuee;total_verse;atteints;partiels;non_atteints;non_renseignes;alertes\n"), "{csv}");
    assert!(csv.contains(";RVM-ESS-2026-001;45000;22500;"), "{csv}");
    assert!(csv.contains(";RVM-ESS-2026-005;30000;;"), "{csv}");
    let pdf = std::fs::read(dir.join("synthese.pdf")).unwrap();
    let text = flat(&pdf_extract::extract_text_from_mem(&pdf).expect("text"));
    assert!(text.contains("Versé"), "{text}");
    assert!(text.contains("45 000 € 22 500 €"), "{text}");
    // Without the payment: no column, an empty CSV field.
    edit_json(
        &tmp.path()
            .join("reviews/2026/maison-solidarites-montvalon.json"),
        |v| {
            v.as_object_mut().unwrap().remove("payments");
        },
    );
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.join("synthese.md")).unwrap();
    assert!(!md.contains("Versé") && !md.contains("versement"), "{md}");
    let csv = std::fs::read_to_string(dir.join("synthese.csv")).unwrap();
    assert!(csv.contains(";RVM-ESS-2026-001;45000;;"), "{csv}");
    let pdf = std::fs::read(dir.join("synthese.pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    assert!(!text.contains("Versé"), "{text}");
}

#[test]
fn payments_are_checked_at_their_json_path() {
    let tmp = example_with_reviews();
    let f = tmp.path().join("reviews/2026/atelier-velo-thionvaux.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("finances");
    v.as_object_mut().unwrap().remove("payments");
    let mut text = serde_json::to_string(&v).unwrap();
    text.pop();
    text.push_str(concat!(
        ",\n\"payments\": [\n",
        "  { \"date\": \"2026-03-16\", \"amount\": 18000, \"kind\": \"avance\" },\n",
        "  { \"date\": \"2026-02-30\", \"amount\": 0, \"kind\": \"solde\" },\n",
        "  { \"date\": \"2026-12-15\", \"amount\": 12000.005, \"kind\": \"sold\" },\n",
        "  { \"amount\": \"12000\", \"kind\": \"solde\", \"note\": 1 },\n",
        "  \"18000\"\n",
        "]}\n"
    ));
    std::fs::write(&f, &text).unwrap();
    let (code, out, err) = charta(&["check", s(tmp.path()), "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diags: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.contains("reviews/")))
        .collect();
    let find = |code: &str, path: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code && d["path"] == path)
            .unwrap_or_else(|| panic!("no {code} at {path}: {diags:#?}"))
    };
    let first = text
        .lines()
        .position(|l| l.starts_with("\"payments\""))
        .unwrap()
        + 1;
    let d = find("BIL-030", "payments[1].date");
    assert_eq!(d["line"], first + 2);
    assert!(d["message"].as_str().unwrap().contains("2026-02-30"), "{d}");
    let d = find("BIL-031", "payments[1].amount");
    assert_eq!(d["line"], first + 2);
    find("BIL-031", "payments[2].amount");
    let d = find("BIL-032", "payments[2].kind");
    assert!(d["hint"].as_str().unwrap().contains("solde"), "{d}");
    assert_eq!(d["line"], first + 3);
    let d = find("BIL-029", "payments[3]");
    assert!(d["message"].as_str().unwrap().contains("`date`"), "{d}");
    find("BIL-031", "payments[3].amount");
    find("BIL-004", "payments[3].note");
    let d = find("BIL-033", "payments[3].kind");
    assert!(
        d["message"].as_str().unwrap().contains("payments[1]"),
        "{d}"
    );
    find("BIL-028", "payments[4]");
    // The valid first payment raises nothing.
    assert!(
        diags
            .iter()
            .all(|d| !d["path"].as_str().unwrap_or("").starts_with("payments[0]"))
    );
    // Not a list.
    std::fs::write(&f, "{ \"payments\": { \"date\": \"2026-03-16\" } }").unwrap();
    let (code, out, _) = charta(&["check", s(tmp.path()), "--format", "json"]);
    assert_eq!(code, 1);
    assert!(out.contains("\"BIL-027\""), "{out}");
    // `review` refuses and writes nothing.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 1, "{err}");
    assert!(!tmp.path().join("out/review-2026").exists());
}

/// The example with a 2027 review of its signed convention (Montvalon), whose
/// draft avenant n° 1 raises the 2027 target of O1-I1 from 720 to 740 and the
/// 2027 amount from 45 000 € to 48 000 €.
fn signed_with_a_2027_review() -> tempfile::TempDir {
    let tmp = example_with_reviews();
    let y27 = tmp.path().join("reviews/2027");
    std::fs::create_dir_all(&y27).unwrap();
    std::fs::write(
        y27.join(format!("{SIGNED_ID}.json")),
        r#"{ "date": "2028-03-20", "indicators": { "O1-I1": { "value": 730 },
            "O1-I2": { "status": "atteint" }, "O2-I1": { "value": 100 }, "O2-I2": { "value": 48 } } }"#,
    )
    .unwrap();
    tmp
}

fn montvalon_2027(tmp: &Path, pdf: bool) -> (String, Option<String>) {
    let mut args = vec!["review", s(tmp), "--year", "2027"];
    if !pdf {
        args.extend(["--format", "md"]);
    }
    let (code, _, err) = charta(&args);
    assert_eq!(code, 0, "{err}");
    let dir = tmp.join("out/review-2027");
    let md = std::fs::read_to_string(dir.join(format!("{SIGNED_ID}.md"))).unwrap();
    let text = pdf.then(|| {
        let bytes = std::fs::read(dir.join(format!("{SIGNED_ID}.pdf"))).unwrap();
        flat(&pdf_extract::extract_text_from_mem(&bytes).expect("text"))
    });
    (md, text)
}

#[test]
fn a_draft_avenants_targets_and_amount_are_not_used_before_it_is_signed() {
    let tmp = signed_with_a_2027_review();
    // Today's data carries the draft's 740 and 48 000 €: the archive has 720 and 45 000 €.
    let today = data(
        &charta::load::load_programme(tmp.path()).unwrap().0,
        SIGNED_ID,
    );
    assert_eq!(
        today.dashboard.objectives[0].indicators[0].targets["2027"],
        charta::model::Target::Number(740.0)
    );
    let (md, text) = montvalon_2027(tmp.path(), true);
    let text = text.unwrap();
    let (nb, th) = ('\u{a0}', '\u{202f}');
    // O1-I1 against the signed 720: gap +10, rate 730 / 720 = 101,38… % → 101,3 %,
    // progression (730 − 640) / (720 − 640) = 112,5 %, atteint.
    assert!(
        row(&md, "O1-I1").contains(&format!(
            "| 640{nb}personnes | 720{nb}personnes | 730{nb}personnes | +10{nb}personnes | 101,3{nb}% | 112,5{nb}% | atteint |"
        )),
        "{md}"
    );
    assert!(md.contains(&format!(
        "**Subvention attribuée pour 2027\u{a0}:** 45{th}000{nb}€"
    )));
    assert!(md.contains(&format!(
        "**Cibles et subvention{nb}:** celles de la convention signée le 10 février 2026{th}; le projet d'avenant n°{nb}1, non signé, n'est pas pris en compte."
    )), "{md}");
    // The draft's figures appear nowhere, trajectory included.
    assert!(
        !md.contains("740") && !md.contains(&format!("48{th}000")),
        "{md}"
    );
    assert!(md.contains("| 680 / 655 | 720 / 730 | 760 / … |"), "{md}");
    for want in [
        "720 personnes 730 personnes +10 personnes 101,3 % 112,5 % atteint",
        "Subvention attribuée pour 2027 : 45 000 €",
        "celles de la convention signée le 10 février 2026 ; le projet d'avenant n° 1, non signé, n'est pas pris en compte",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("740") && !text.contains("48 000"), "{text}");
    // The template recalls the signed target too.
    std::fs::remove_file(tmp.path().join(format!("reviews/2027/{SIGNED_ID}.json"))).unwrap();
    let (code, err) = review_2027(tmp.path(), &["--template"]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join(format!("reviews/2027/{SIGNED_ID}.json")))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(t["indicators"]["O1-I1"]["target"], 720.0);
}

/// Sets the signature date of avenant n° 1 of the example, 2027-04-15, in
/// the association file (nothing archived): that file.
fn date_avenant_1(tmp: &Path) -> PathBuf {
    let file = tmp.join(format!("associations/{SIGNED_ID}.json"));
    edit_json(&file, |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = "2027-04-15".into();
    });
    file
}

/// `charta review tmp --year 2027` and `then` (`--format md`, `--template`):
/// (exit status, stderr).
fn review_2027(tmp: &Path, then: &[&str]) -> (i32, String) {
    let (code, _, err) = charta(&[&["review", s(tmp), "--year", "2027"][..], then].concat());
    (code, err)
}

/// Archives avenant n° 1 of the example as signed on 2027-04-15: its text and
/// the data it was signed with (today's, with the date), and sets the date in
/// the association file.
fn sign_avenant_1(tmp: &Path) {
    let file = date_avenant_1(tmp);
    let archive = tmp.join("signed").join(SIGNED_ID);
    std::fs::copy(&file, archive.join("avenant-1.data.json")).unwrap();
    std::fs::write(archive.join("avenant-1.md"), "# Avenant n° 1\n").unwrap();
}

#[test]
fn once_signed_the_avenants_targets_and_amount_are_in_force() {
    let tmp = signed_with_a_2027_review();
    sign_avenant_1(tmp.path());
    let (md, _) = montvalon_2027(tmp.path(), false);
    let (nb, th) = ('\u{a0}', '\u{202f}');
    // Against 740: gap −10, rate 730 / 740 = 98,64… % → 98,6 %,
    // progression (730 − 640) / (740 − 640) = 90 %, partiellement atteint.
    assert!(
        row(&md, "O1-I1").contains(&format!(
            "| 740{nb}personnes | 730{nb}personnes | \u{2212}10{nb}personnes | 98,6{nb}% | 90{nb}% | partiellement atteint |"
        )),
        "{md}"
    );
    assert!(md.contains(&format!(
        "**Subvention attribuée pour 2027{nb}:** 48{th}000{nb}€"
    )));
    assert!(md.contains(&format!(
        "celles de la convention signée le 10 février 2026, modifiée par l'avenant n°{nb}1 (signé le 15 avril 2027)."
    )), "{md}");
    assert!(!md.contains("projet d'avenant"), "{md}");
    // A later edit of today's data, not signed, changes nothing: the archive is read.
    edit_json(
        &tmp.path().join(format!("associations/{SIGNED_ID}.json")),
        |v| {
            v["dashboard"]["objectives"][0]["indicators"][0]["targets"]["2027"] = 999.into();
        },
    );
    let (again, _) = montvalon_2027(tmp.path(), false);
    assert_eq!(again, md);
}

#[test]
fn a_text_in_force_that_cannot_be_established_is_refused() {
    // An avenant signed in the data but not archived.
    let tmp = signed_with_a_2027_review();
    date_avenant_1(tmp.path());
    let (code, err) = review_2027(tmp.path(), &["--format", "md"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("BIL-034") && err.contains("avenant n°\u{a0}1"),
        "{err}"
    );
    assert!(err.contains("charta build"), "{err}");
    assert!(!tmp.path().join("out/review-2027").exists());
    // A signed convention with a draft avenant and no archive.
    let tmp = signed_with_a_2027_review();
    std::fs::remove_dir_all(tmp.path().join("signed")).unwrap();
    let (code, err) = review_2027(tmp.path(), &["--format", "md"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("BIL-034") && err.contains("n'est pas archivé"),
        "{err}"
    );
    let (code, err) = review_2027(tmp.path(), &["--template"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("BIL-034"), "{err}");
    // Signed, no amendments, not archived yet: today's data is the signed text.
    let tmp = crate::common::example_copy_at_signature();
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(tmp.path().join(format!("out/review-2026/{SIGNED_ID}.md")))
        .unwrap();
    assert!(
        md.contains("celles de la convention signée le 10 février 2026."),
        "{md}"
    );
}

#[test]
fn the_deadline_is_six_months_after_the_end_of_the_exercice() {
    use review::review_deadline as due;
    // The calendar year: 31 December → 30 June (the last day of the month).
    assert_eq!(due((2026, 12, 31)), (2027, 6, 30));
    // Other closing dates, for when the exercice is the association's own.
    assert_eq!(due((2026, 6, 30)), (2026, 12, 31));
    assert_eq!(due((2026, 8, 31)), (2027, 2, 28));
    assert_eq!(due((2027, 8, 31)), (2028, 2, 29));
    assert_eq!(due((2026, 3, 15)), (2026, 9, 15));
    assert_eq!(due((2026, 9, 30)), (2027, 3, 31));
    let prog = example();
    let d = data(&prog, "atelier-velo-thionvaux");
    assert_eq!(review::exercice_end(&d, 2026), (2026, 12, 31));
}

#[test]
fn a_missing_review_states_the_date_of_the_review_and_the_deadline() {
    let missing = |date| Alert::ReviewMissing {
        date,
        deadline: (2027, 6, 30),
        exercice_end: (2026, 12, 31),
    };
    let nb = '\u{a0}';
    assert_eq!(
        missing((2026, 12, 31)).message(2026),
        format!(
            "bilan 2026 non remis à la date du bilan, le 31 décembre 2026 (date limite de remise{nb}: 30 juin 2027, six mois après la clôture de l'exercice le 31 décembre 2026, délai non expiré)"
        )
    );
    // On the deadline itself: not expired yet; the day after: expired.
    assert!(missing((2027, 6, 30)).message(2026).ends_with("le 30 juin 2027 (date limite de remise\u{a0}: 30 juin 2027, six mois après la clôture de l'exercice le 31 décembre 2026, délai non expiré)"));
    assert!(
        missing((2027, 7, 1))
            .message(2026)
            .ends_with("délai expiré)")
    );

    // In the documents: the example has no 2026 review of the Collectif
    // (signed here: an unsigned convention owes none).
    let tmp = example_with_reviews();
    crate::common::sign_in_data(tmp.path(), "collectif-ess-val-de-meuse", "2026-02-10");
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026"]);
    assert_eq!(code, 0, "{err}");
    let dir = tmp.path().join("out/review-2026");
    let want = "bilan 2026 non remis à la date du bilan, le 31 décembre 2026 (date limite de remise\u{a0}: 30 juin 2027, six mois après la clôture de l'exercice le 31 décembre 2026, délai non expiré)";
    let md = std::fs::read_to_string(dir.join("collectif-ess-val-de-meuse.md")).unwrap();
    assert!(
        md.contains(&format!(
            "- **Alerte\u{a0}:** {}",
            want.replace(" : 30", &format!("{nb}: 30"))
        )),
        "{md}"
    );
    assert!(md.contains("Faute de bilan daté, le présent document est daté du 31 décembre 2026, fin de l'année examinée."), "{md}");
    let pdf = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        flat(&pdf_extract::extract_text_from_mem(&bytes).expect("text"))
    };
    let text = pdf("collectif-ess-val-de-meuse.pdf");
    assert!(text.contains(&want.replace('\u{a0}', " ")), "{text}");
    assert!(
        text.contains("le présent document est daté du 31 décembre 2026"),
        "{text}"
    );
    let synthesis = pdf("synthese.pdf");
    assert!(
        synthesis.contains("bilan 2026 non remis à la date du bilan, le 31 décembre 2026"),
        "{synthesis}"
    );
    let csv = std::fs::read_to_string(dir.join("synthese.csv")).unwrap();
    // (The CSV is data for a spreadsheet: plain spaces.)
    assert!(
        csv.contains(&format!(";{}\n", want.replace('\u{a0}', " "))),
        "{csv}"
    );
    // A review received: neither the alert nor the deadline (before the
    // closing's part, which states that of the compte rendu financier).
    let md = std::fs::read_to_string(dir.join("atelier-velo-thionvaux.md")).unwrap();
    let md = md.split("<!-- part:cloture").next().unwrap();
    assert!(
        !md.contains("non remis")
            && !md.contains("date limite")
            && !md.contains("Faute de fichier"),
        "{md}"
    );
    let text = pdf("atelier-velo-thionvaux.pdf");
    let text = text
        .split("Compte rendu financier et solde")
        .next()
        .unwrap();
    assert!(
        !text.contains("non remis") && !text.contains("date limite"),
        "{text}"
    );
}

/// A panic while writing one report (a bug, injected with `CHARTA_FAILPOINT`)
/// fails that report only: exit status 2 and a BIL-036 error naming it, every
/// other report and the synthesis written.
#[test]
fn a_panic_in_one_report_fails_that_report_only() {
    const ID: &str = "recyclerie-vaudrecourt";
    let tmp = example_with_reviews();
    let dir = tmp.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("CHARTA_FAILPOINT", format!("panic:render:{ID}"))
        .args(["review", s(dir), "--year", "2026", "--format", "md"])
        .output()
        .expect("charta runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "erreur [BIL-036]\u{a0}: {ID}\u{a0}: erreur interne en établissant le bilan de cette association \
             (CHARTA_FAILPOINT panic at render:{ID})\u{a0}; ses fichiers précédents restent en place"
        )),
        "{stderr}"
    );
    let reports = dir.join("out/review-2026");
    assert!(!reports.join(format!("{ID}.md")).exists());
    let written: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for other in [
        "maison-solidarites-montvalon",
        "reseau-insertion-emploi",
        "tiers-lieu-les-communs",
    ] {
        assert!(
            written.contains(&format!("{other}.md")),
            "{other}: {written:?}"
        );
    }
    assert!(written.contains(&"synthese.md".to_string()), "{written:?}");
    assert!(written.contains(&"synthese.csv".to_string()), "{written:?}");
}

/// Every file of `dir` with what tells a rewrite: its inode (a write is a
/// new file renamed over the old one) and its modification time.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, (m.ino(), m.modified().unwrap()))
        })
        .collect()
}

/// The files whose stamp differs between `before` and `after` (or that
/// appeared or went).
fn rewritten(
    before: &BTreeMap<String, (u64, std::time::SystemTime)>,
    after: &BTreeMap<String, (u64, std::time::SystemTime)>,
) -> Vec<String> {
    let mut names: Vec<String> = before.keys().chain(after.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names.retain(|n| before.get(n) != after.get(n));
    names
}

/// `charta review PROG --year 2026` with `more` arguments: its summary line.
fn review_2026(prog: &Path, more: &[&str]) -> String {
    let mut args = vec!["review", s(prog), "--year", "2026"];
    args.extend(more);
    let (code, out, err) = charta(&args);
    assert_eq!(code, 0, "{err}");
    let all = format!("{out}{err}");
    all.lines()
        .find(|l| l.starts_with("bilan 2026"))
        .unwrap_or_else(|| panic!("{all}"))
        .to_string()
}

/// A second run with nothing changed writes nothing (no file, not even the
/// manifest, is replaced) and says so; `--force` writes everything again.
#[test]
fn a_second_review_with_nothing_changed_rewrites_nothing() {
    let tmp = example_with_reviews();
    let dir = tmp.path().join("out/review-2026");
    let first = review_2026(tmp.path(), &["--format", "md"]);
    assert!(
        first
            .contains("8 rapports réécrits, 0 à jour, synthèse réécrite\u{a0}; 11 fichiers écrits"),
        "{first}"
    );
    let before = stamps(&dir);
    assert!(before.contains_key("manifest.json"), "{before:?}");
    let second = review_2026(tmp.path(), &["--format", "md"]);
    assert!(
        second.contains("0 rapport réécrit, 8 à jour, synthèse à jour\u{a0}; 0 fichier écrit"),
        "{second}"
    );
    assert_eq!(rewritten(&before, &stamps(&dir)), Vec::<String>::new());
    let forced = review_2026(tmp.path(), &["--format", "md", "--force"]);
    assert!(
        forced
            .contains("8 rapports réécrits, 0 à jour, synthèse réécrite\u{a0}; 11 fichiers écrits"),
        "{forced}"
    );
    let after = stamps(&dir);
    // The documents, the épicerie's reversement letter and the manifest
    // (`a-faire.csv` unchanged).
    assert_eq!(rewritten(&before, &after).len(), 12, "{after:?}");
}

/// A changed figure in one review file rewrites that report and the
/// synthesis (whose row changed), nothing else.
#[test]
fn a_changed_review_file_rewrites_its_report_and_the_synthesis_only() {
    const ID: &str = "tiers-lieu-les-communs";
    let tmp = example_with_reviews();
    let dir = tmp.path().join("out/review-2026");
    review_2026(tmp.path(), &["--format", "md"]);
    let before = stamps(&dir);
    edit_json(&tmp.path().join(format!("reviews/2026/{ID}.json")), |v| {
        v["indicators"]["O1-I1"]["value"] = 1.into();
    });
    let line = review_2026(tmp.path(), &["--format", "md"]);
    assert!(
        line.contains("1 rapport réécrit, 7 à jour, synthèse réécrite\u{a0}; 3 fichiers écrits"),
        "{line}"
    );
    assert_eq!(
        rewritten(&before, &stamps(&dir)),
        [
            "manifest.json".to_string(),
            "synthese.csv".to_string(),
            "synthese.md".to_string(),
            format!("{ID}.md"),
        ]
    );
}

/// A report deleted or altered (same size) since the last run is written
/// again, and only it.
#[test]
fn a_deleted_or_altered_output_is_written_again() {
    let tmp = example_with_reviews();
    let dir = tmp.path().join("out/review-2026");
    review_2026(tmp.path(), &["--format", "md"]);
    let gone = dir.join("recyclerie-vaudrecourt.md");
    let altered = dir.join("atelier-velo-thionvaux.md");
    let (gone_bytes, altered_bytes) = (
        std::fs::read(&gone).unwrap(),
        std::fs::read(&altered).unwrap(),
    );
    std::fs::remove_file(&gone).unwrap();
    let mut changed = altered_bytes.clone();
    changed[0] ^= 0x20;
    std::fs::write(&altered, &changed).unwrap();
    let before = stamps(&dir);
    let line = review_2026(tmp.path(), &["--format", "md"]);
    assert!(
        line.contains("2 rapports réécrits, 6 à jour, synthèse à jour\u{a0}; 2 fichiers écrits"),
        "{line}"
    );
    assert_eq!(
        rewritten(&before, &stamps(&dir)),
        [
            "atelier-velo-thionvaux.md",
            "manifest.json",
            "recyclerie-vaudrecourt.md"
        ]
    );
    assert_eq!(std::fs::read(&gone).unwrap(), gone_bytes);
    assert_eq!(std::fs::read(&altered).unwrap(), altered_bytes);
}

/// Reports and synthesis (Markdown, PDF, CSV) written by runs that each
/// rewrote part of them are, byte for byte, those of one fresh run.
#[test]
fn an_incremental_review_gives_the_bytes_of_a_fresh_one() {
    let tmp = example_with_reviews();
    let dir = tmp.path().join("out/review-2026");
    review_2026(tmp.path(), &[]);
    edit_json(
        &tmp.path()
            .join("reviews/2026/maison-solidarites-montvalon.json"),
        |v| v["finances"]["tresorerie_jours"] = 90.into(),
    );
    std::fs::remove_file(dir.join("tiers-lieu-les-communs.pdf")).unwrap();
    let line = review_2026(tmp.path(), &[]);
    assert!(
        line.contains("2 rapports réécrits, 6 à jour, synthèse réécrite"),
        "{line}"
    );
    let fresh = tempfile::tempdir().unwrap();
    review_2026(tmp.path(), &["--out", s(fresh.path())]);
    let files = stamps(&dir);
    // And the closing's `a-faire.csv` and the épicerie's reversement letter
    // (md, pdf).
    assert_eq!(files.len(), 8 * 2 + 3 + 1 + 1 + 2, "{files:?}");
    for name in files.keys().filter(|n| *n != "manifest.json") {
        assert!(
            std::fs::read(dir.join(name)).unwrap()
                == std::fs::read(fresh.path().join("review-2026").join(name)).unwrap(),
            "{name}"
        );
    }
}

/// An unsigned convention: a subsidy declared received is flagged from one
/// cent; none declared (0 €), nothing.
#[test]
fn a_subsidy_declared_received_under_an_unsigned_convention_is_flagged_from_one_cent() {
    const ID: &str = "tiers-lieu-les-communs";
    for (declared, flagged) in [(0.0, false), (0.01, true)] {
        let tmp = example_with_reviews();
        edit_json(&tmp.path().join(format!("reviews/2026/{ID}.json")), |v| {
            v["finances"]["subvention_versee"] = declared.into();
        });
        review_2026(tmp.path(), &["--format", "md"]);
        let md =
            std::fs::read_to_string(tmp.path().join(format!("out/review-2026/{ID}.md"))).unwrap();
        assert_eq!(
            md.contains("de subvention alors que la convention n'est pas signée"),
            flagged,
            "{declared}: {md}"
        );
    }
}
