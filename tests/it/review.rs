//! The yearly review (`charta review`): rates, statuses, alerts, the synthesis
//! order, review templates, `check` on review files, and the documents.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{charta, copy_programme, data, edit_json, example, example_dir};
use charta::model::{Direction, ReviewConfig};
use charta::review::{
    self, Alert, Finances, QualStatus, Reported, Review, Status, quantitative_status, rate,
};

fn cfg() -> ReviewConfig {
    ReviewConfig::default()
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a rate");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn rate_up_from_the_baseline_else_against_the_target() {
    // Baseline 380, target 420, actual 410: 30 of the 40 to go.
    close(rate(Direction::Up, Some(380.0), 420.0, 410.0), 0.75);
    // No baseline: actual / target.
    close(rate(Direction::Up, None, 200.0, 150.0), 0.75);
    // Baseline equal to the target: actual / target.
    close(rate(Direction::Up, Some(50.0), 50.0, 40.0), 0.8);
    // Below the baseline: a negative rate, « non atteint ».
    close(rate(Direction::Up, Some(100.0), 120.0, 90.0), -0.5);
}

#[test]
fn rate_down_is_the_mirror() {
    // Lower is better: baseline 30 days, target 20, actual 25: half the way.
    close(rate(Direction::Down, Some(30.0), 20.0, 25.0), 0.5);
    // Beyond the target: above 100 %.
    close(rate(Direction::Down, Some(30.0), 20.0, 15.0), 1.5);
    // No baseline: target / actual.
    close(rate(Direction::Down, None, 20.0, 25.0), 0.8);
    let (r, s) = quantitative_status(Direction::Down, Some(30.0), Some(20.0), Some(25.0), &cfg());
    close(r, 0.5);
    assert_eq!(s, Status::NonAtteint);
    let (_, s) = quantitative_status(Direction::Down, Some(30.0), Some(20.0), Some(19.0), &cfg());
    assert_eq!(s, Status::Atteint);
    // Actual of zero, no baseline: no rate, the best possible value.
    assert_eq!(rate(Direction::Down, None, 20.0, 0.0), None);
    let (r, s) = quantitative_status(Direction::Down, None, Some(20.0), Some(0.0), &cfg());
    assert_eq!((r, s), (None, Status::Atteint));
}

#[test]
fn zero_baseline_and_zero_target_never_divide_by_zero() {
    // A zero baseline is a baseline: (actual − 0) / (target − 0).
    close(rate(Direction::Up, Some(0.0), 10.0, 8.0), 0.8);
    let (_, s) = quantitative_status(Direction::Up, Some(0.0), Some(10.0), Some(8.0), &cfg());
    assert_eq!(s, Status::Partiel);
    // Zero baseline and zero target: no rate; the status compares the values.
    assert_eq!(rate(Direction::Up, Some(0.0), 0.0, 3.0), None);
    assert_eq!(rate(Direction::Up, None, 0.0, 3.0), None);
    let (r, s) = quantitative_status(Direction::Up, None, Some(0.0), Some(3.0), &cfg());
    assert_eq!((r, s), (None, Status::Atteint));
    let (r, s) = quantitative_status(Direction::Up, Some(0.0), Some(0.0), Some(-1.0), &cfg());
    assert_eq!((r, s), (None, Status::NonAtteint));
}

#[test]
fn a_missing_value_is_not_reported_never_assumed() {
    let (r, s) = quantitative_status(Direction::Up, Some(1.0), Some(2.0), None, &cfg());
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
    let (_, s) = quantitative_status(Direction::Up, None, Some(100.0), Some(80.0), &cfg());
    assert_eq!(s, Status::Partiel);
    let (_, s) = quantitative_status(Direction::Up, None, Some(100.0), Some(80.0), &strict);
    assert_eq!(s, Status::NonAtteint);
    let (_, s) = quantitative_status(Direction::Up, None, Some(100.0), Some(100.0), &strict);
    assert_eq!(s, Status::Atteint);
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
    let out = tmp.path().join("out");
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2026", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.join("review-2026/synthese.csv")).unwrap();
    let rows: Vec<(String, bool)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0].to_string(), !f[8].is_empty())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    // Alerts: the two without a review file and the one in difficulty; then the others, by id.
    assert_eq!(
        ids,
        [
            "collectif-ess-val-de-meuse",
            "maison-solidarites-montvalon",
            "mobilite-solidaire-rurale",
            "atelier-velo-thionvaux",
            "epicerie-solidaire-brecourt",
            "recyclerie-vaudrecourt",
            "reseau-insertion-emploi",
            "tiers-lieu-les-communs",
        ]
    );
    assert!(rows[..3].iter().all(|(_, a)| *a) && rows[3..].iter().all(|(_, a)| !*a));
    let maison = csv
        .lines()
        .find(|l| l.starts_with("maison-solidarites-montvalon;"))
        .unwrap();
    assert!(maison.contains("fonds propres négatifs"), "{maison}");
    assert!(maison.contains("trésorerie de 21 jours"), "{maison}");
    assert!(maison.contains("55,6 %"), "{maison}");
    assert!(maison.contains(";45000;"), "{maison}");
    let md = std::fs::read_to_string(out.join("review-2026/synthese.md")).unwrap();
    assert!(md.find("maison-solidarites").unwrap() < md.find("atelier-velo").unwrap());
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
    // O1-I1: baseline 380, target 420, actual 436 → gap +16, rate 140 %.
    let row = md
        .lines()
        .find(|l| l.contains("**O1-I1**") && l.contains("436"))
        .expect("O1-I1 row");
    for want in ["380", "420", "436", "+16", "140\u{a0}%", "atteint"] {
        assert!(row.contains(want), "{want} in {row}");
    }
    // O1-I2: 150 → 170, actual 162: 60 % → non atteint.
    let row = md
        .lines()
        .find(|l| l.contains("**O1-I2**") && l.contains("162"))
        .expect("O1-I2 row");
    assert!(
        row.contains("60\u{a0}%") && row.contains("non atteint"),
        "{row}"
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
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2027", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(tmp.path().join("out/review-2027/atelier-velo-thionvaux.md"))
        .unwrap();
    // O1-I2 down: baseline 150, target 190, actual 180: (150 − 180) / (150 − 190) = 75 %.
    let row = md
        .lines()
        .find(|l| l.contains("(à la baisse)"))
        .expect("down row");
    assert!(
        row.contains("75\u{a0}%") && row.contains("partiellement atteint"),
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
    assert!(md.contains("4 non renseigné(s)"), "{md}");
    // 2030 is outside every convention: nothing to write.
    let (code, _, err) = charta(&["review", s(tmp.path()), "--year", "2030", "--template"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 fichier(s)"), "{err}");
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
    assert!(md.contains("taux de réalisation de 90"), "{md}");
    // O2-I2: 43,5 from 42 to 45 = 50 %: still « non atteint » under 60 %.
    let row = md
        .lines()
        .find(|l| l.contains("**O2-I2**") && l.contains("43,5"))
        .unwrap();
    assert!(row.contains("non atteint"), "{row}");
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
        .unwrap_or_else(|e| panic!("{e}"));
    let text = pdf_extract::extract_text_from_mem(&pdf.pdf).expect("text");
    assert!(text.contains("pas gras"), "{text}");
}
