//! The built-in clause library: every convention holds the mandatory mentions of
//! its case, the conditional legal references exactly when they apply, and no
//! leftover template syntax, empty placeholder or doubled space.

use crate::common::*;

use charta::model::{Amount, AssociationFile, ConventionKind, FunderKind, Regime};

struct Case {
    funder: FunderKind,
    kind: ConventionKind,
    regime: Regime,
    years: usize,
    yearly_euros: i64,
}

fn make(prog: &mut charta::load::Programme, base: &AssociationFile, c: &Case) -> AssociationFile {
    prog.file.funder.kind = c.funder;
    let mut d = base.clone();
    let years: Vec<i32> = (2026..2026 + c.years as i32).collect();
    d.convention.kind = c.kind;
    d.convention.regime = c.regime;
    d.convention.years = years.clone();
    let per_year = |v: i64| {
        years
            .iter()
            .map(|y| (y.to_string(), Amount(v * 100)))
            .collect()
    };
    if c.kind == ConventionKind::Cadre {
        d.convention.funding = None;
        d.convention.eligible_cost = None;
        d.convention.payment = None;
    } else {
        d.convention.funding = Some(per_year(c.yearly_euros));
        d.convention.eligible_cost = Some(per_year(c.yearly_euros * 3));
        d.convention.payment = Some(charta::model::Payment {
            advance_percent: 50.0,
        });
    }
    // The 153 000 € threshold on this funding alone; SIEG parameters that the
    // compensation respects (costs four times the funding, no revenue).
    d.association.other_public_subsidies = None;
    d.convention.sieg = (c.regime == Regime::Sieg && c.kind != ConventionKind::Cadre).then(|| {
        charta::model::SiegTerms {
            basis: charta::model::SiegBasis::Decision201221,
            costs: per_year(c.yearly_euros * 4),
            revenues: per_year(0),
            reasonable_profit_percent: 0.0,
        }
    });
    for o in &mut d.dashboard.objectives {
        for i in &mut o.indicators {
            let first = i.targets.values().next().cloned().unwrap();
            i.targets = years
                .iter()
                .map(|y| (y.to_string(), first.clone()))
                .collect();
        }
    }
    d
}

fn cases() -> Vec<Case> {
    use ConventionKind::*;
    use FunderKind::*;
    use Regime::*;
    let mut out = Vec::new();
    let funders = [Region, Departement, Commune, Epci, Etat];
    let regimes = [NonEconomic, DeMinimis, Sieg];
    let amounts = [12_500, 22_999, 23_001, 152_999, 153_001, 250_000];
    let mut k = 0usize;
    for f in funders {
        for r in regimes {
            for (j, kind) in [Cpo, Annuelle, Cadre].into_iter().enumerate() {
                let years = match kind {
                    Annuelle => 1,
                    Cpo => 2 + (k % 4),
                    Cadre => 1 + (k % 5),
                };
                out.push(Case {
                    funder: f,
                    kind,
                    regime: r,
                    years,
                    yearly_euros: amounts[(k + j) % amounts.len()],
                });
                k += 1;
            }
        }
    }
    out
}

/// A yearly amount of `cases()` in figures and in letters, as a legal
/// service would write it.
fn yearly_amount_by_hand(euros: i64) -> (&'static str, &'static str) {
    match euros {
        12_500 => ("12\u{202f}500\u{a0}€", "douze mille cinq cents euros"),
        22_999 => (
            "22\u{202f}999\u{a0}€",
            "vingt-deux mille neuf cent quatre-vingt-dix-neuf euros",
        ),
        23_001 => ("23\u{202f}001\u{a0}€", "vingt-trois mille un euros"),
        152_999 => (
            "152\u{202f}999\u{a0}€",
            "cent cinquante-deux mille neuf cent quatre-vingt-dix-neuf euros",
        ),
        153_001 => (
            "153\u{202f}001\u{a0}€",
            "cent cinquante-trois mille un euros",
        ),
        250_000 => ("250\u{202f}000\u{a0}€", "deux cent cinquante mille euros"),
        other => panic!("no hand-written amount for {other}"),
    }
}

fn must_hold(md: &str, needle: &str, when: bool, what: &str) {
    assert_eq!(
        md.contains(needle),
        when,
        "{what}: « {needle} » should {}be present",
        if when { "" } else { "not " }
    );
}

fn assert_clean(md: &str, what: &str) {
    let text = markdown_text(md);
    for bad in [
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "()",
        "« »",
        "«\u{a0}\u{a0}»",
        " ,",
        " .",
        "null",
        "None",
        "undefined",
        "\u{a0}\u{a0}",
    ] {
        assert!(!text.contains(bad), "{what}: leftover « {bad} »");
    }
    for (n, line) in md.lines().enumerate() {
        assert!(
            !line.contains("  "),
            "{what}: doubled space on line {}: {line}",
            n + 1
        );
        assert!(
            !line.ends_with(' '),
            "{what}: trailing space on line {}",
            n + 1
        );
        assert!(
            !line.contains(" \u{a0}") && !line.contains("\u{a0} "),
            "{what}: space next to a no-break space on line {}: {line}",
            n + 1
        );
    }
}

#[test]
fn conditional_mentions_appear_exactly_when_they_apply() {
    let mut prog = example();
    let base = data(&prog, "tiers-lieu-les-communs");
    let cases = cases();
    assert!(cases.len() >= 45);
    for c in &cases {
        let d = make(&mut prog, &base, c);
        let what = format!(
            "{:?} {:?} {:?} {} years {} €",
            c.funder, c.kind, c.regime, c.years, c.yearly_euros
        );
        let md = render(&prog, "cas", &d).markdown;
        assert_clean(&md, &what);
        let financial = c.kind != ConventionKind::Cadre;
        // Always.
        for m in [
            "Entre les soussignés",
            "Il est convenu ce qui suit",
            "## Article 1er – ",
            "Fait à ",
            "loi n°\u{a0}2000-321 du 12 avril 2000",
            "contrat d'engagement républicain",
            "tribunal administratif de Montvalon-sur-Meuse",
            "## Annexe I – ",
        ] {
            must_hold(&md, m, true, &what);
        }
        // The funder's designation follows its kind.
        let designation = match c.funder {
            FunderKind::Region => "la Région",
            FunderKind::Departement => "le Département",
            FunderKind::Commune => "la Commune",
            FunderKind::Epci => "la Communauté d'agglomération",
            FunderKind::Etat => "l'État",
        };
        must_hold(
            &md,
            &format!(
                "ci-après dénommé{} «\u{a0}{designation}\u{a0}»",
                if matches!(c.funder, FunderKind::Departement | FunderKind::Etat) {
                    ""
                } else {
                    "e"
                }
            ),
            true,
            &what,
        );
        // Visas by funder kind.
        must_hold(&md, "L.\u{a0}4221-1", c.funder == FunderKind::Region, &what);
        must_hold(
            &md,
            "L.\u{a0}3211-1",
            c.funder == FunderKind::Departement,
            &what,
        );
        must_hold(
            &md,
            "L.\u{a0}2121-29",
            c.funder == FunderKind::Commune,
            &what,
        );
        must_hold(&md, "L.\u{a0}5211-1", c.funder == FunderKind::Epci, &what);
        must_hold(
            &md,
            "article L.\u{a0}1611-4",
            c.funder != FunderKind::Etat,
            &what,
        );
        // State-aid regime (a framework convention carries no aid).
        must_hold(
            &md,
            "articles 106, 107 et 108",
            financial && c.regime != Regime::NonEconomic,
            &what,
        );
        must_hold(
            &md,
            "2023/2831",
            financial && c.regime == Regime::DeMinimis,
            &what,
        );
        must_hold(
            &md,
            "2012/21/UE",
            financial && c.regime == Regime::Sieg,
            &what,
        );
        // Thresholds.
        must_hold(
            &md,
            "L.\u{a0}612-4 du code de commerce",
            financial && c.yearly_euros > 153_000,
            &what,
        );
        must_hold(
            &md,
            "quatre ans préconisés",
            c.kind == ConventionKind::Cpo && c.years > 4,
            &what,
        );
        // Financial articles only when money is involved.
        must_hold(&md, "– Contribution financière", financial, &what);
        must_hold(&md, "– Modalités de versement", financial, &what);
        must_hold(&md, "– Budget prévisionnel", financial, &what);
        if financial {
            // Written by hand, never by the function under test.
            let (amount, letters) = yearly_amount_by_hand(c.yearly_euros);
            must_hold(
                &md,
                &format!("pour l'année 2026\u{a0}: un montant maximal de {amount} ({letters})"),
                c.years > 1,
                &what,
            );
            must_hold(&md, &format!("{amount} ({letters})"), true, &what);
            must_hold(&md, "soixante jours", true, &what);
        }
        // Singular or plural: the heading line and the duration, by hand.
        let last = 2026 + c.years - 1;
        if c.years == 1 {
            must_hold(&md, "\nConvention n°\u{a0}", true, &what);
            must_hold(&md, " — année 2026\n", true, &what);
            must_hold(
                &md,
                "conclue pour l'année 2026, soit la période du 1er janvier 2026 au 31 décembre 2026",
                true,
                &what,
            );
            must_hold(&md, " — années", false, &what);
        } else {
            let count = ["", "", "deux", "trois", "quatre", "cinq", "six"][c.years];
            let span = if c.years == 2 {
                "2026 et 2027".to_string()
            } else {
                format!("2026 à {last}")
            };
            must_hold(&md, &format!(" — années 2026 à {last}\n"), true, &what);
            must_hold(
                &md,
                &format!(
                    "conclue pour une durée de {count} ans, couvrant les années {span}, \
                     soit la période du 1er janvier 2026 au 31 décembre {last}"
                ),
                true,
                &what,
            );
            must_hold(&md, "conclue pour l'année", false, &what);
        }
    }
}

#[test]
fn every_example_convention_is_clean_and_has_its_mandatory_parts() {
    let prog = example();
    for a in &prog.associations {
        let d = a.data.as_ref().unwrap();
        let md = render(&prog, &a.id, d).markdown;
        assert_clean(&md, &a.id);
        assert!(md.contains(&d.association.name), "{}", a.id);
        assert!(md.contains("## Article 1er – "));
        // Every GFM table (signature, budget, dashboard) parses as a table.
        let pipes = md
            .lines()
            .filter(|l| l.starts_with("| ---") || l.starts_with("| :"))
            .count();
        let tables = pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES)
            .filter(|e| {
                matches!(
                    e,
                    pulldown_cmark::Event::Start(pulldown_cmark::Tag::Table(_))
                )
            })
            .count();
        assert_eq!(tables, pipes, "{}: a table does not parse", a.id);
        assert!(tables >= 2, "{}", a.id);
        for o in &d.dashboard.objectives {
            for i in &o.indicators {
                assert!(md.contains(&i.label), "{}: indicator {}", a.id, i.id);
            }
        }
        // Alsace-Moselle associations are not 1901-law associations.
        if d.association.legal_form.contains("droit local") {
            assert!(!md.contains("loi du 1er juillet 1901"), "{}", a.id);
            assert!(
                !md.contains("répertoire national des associations"),
                "{}",
                a.id
            );
        }
    }
}

#[test]
fn the_clause_command_lists_at_least_40_clauses() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(["clauses"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(rows.len() >= 40, "{} clauses", rows.len());
    let row = rows
        .iter()
        .find(|l| l.starts_with("comptes-certifies "))
        .expect("listed");
    assert!(
        row.contains("3.0.0") && row.contains("built-in") && row.contains("above_153k"),
        "{row}"
    );
    let optional = rows
        .iter()
        .find(|l| l.starts_with("mise-a-disposition-locaux "))
        .unwrap();
    assert!(optional.contains("facultative"), "{optional}");
    // A programme's own clause overrides the built-in one and says so.
    let prog = example_copy();
    std::fs::create_dir_all(prog.path().join("clauses")).unwrap();
    let builtin = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("clauses/options/comite-de-suivi.md"),
    )
    .unwrap();
    std::fs::write(
        prog.path().join("clauses/comite-de-suivi.md"),
        builtin.replace("version = \"1.0.0\"", "version = \"2.0.0\""),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_charta"))
        // French, as a user without an English locale reads it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(["clauses", prog.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("comite-de-suivi "))
        .unwrap();
    assert!(row.contains("2.0.0") && row.contains("programme"), "{row}");
}
