//! The yearly closing (issue #31): the budget prévisionnel checked and printed,
//! the compte rendu financier against it, the unspent part, SIEG
//! overcompensation, the balance and the reversement letter. Every expected
//! figure is computed by hand in the comments, never by the function under test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{charta, copy_tree, data, edit_json, example, example_dir, render};
use charta::check::crf::Crf;
use charta::diagnostic::Diagnostic;
use charta::load::Programme;
use charta::model::{AssociationFile, ReviewConfig, SiegBasis, Unspent};
use charta::review::closing::{self, Closing, Receipt, Rule, close};
use charta::review::closing_text;
use charta::review::{self, Payment, PaymentKind};

const NB: char = '\u{a0}';
const NNB: char = '\u{202f}';
const EPICERIE: &str = "epicerie-solidaire-brecourt";

/// The example programme copied whole (reviews, comptes rendus and the
/// archive of its signed acts included: its épicerie and atelier are signed,
/// as a funder signs before paying), without what a build of it may have left
/// in its out/.
fn copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(example_dir()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        if name == "out" {
            continue;
        }
        if p.is_dir() {
            copy_tree(&p, &tmp.path().join(name));
        } else {
            std::fs::copy(&p, tmp.path().join(name)).unwrap();
        }
    }
    tmp
}

/// `charta check DIR --format json`: the (code, path) of every error.
fn errors(dir: &Path) -> Vec<(String, String)> {
    let (_, out, err) = charta(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let r: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The épicerie's 2026 budget edited by `f` (48 000 € each side, Région 12 500 €).
fn budget_errors(f: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
    let tmp = copy();
    let p = tmp.path().join(format!("associations/{EPICERIE}.json"));
    edit_json(&p, |v| f(&mut v["convention"]["budget"]["2026"]));
    errors(tmp.path())
}

fn e(code: &str, path: &str) -> (String, String) {
    (code.to_string(), path.to_string())
}

#[test]
fn a_balanced_budget_passes_and_one_cent_off_is_located() {
    // As shipped: 48 000 € of charges, 48 000 € of produits, eligible cost 48 000 €.
    assert_eq!(budget_errors(|_| {}), vec![]);
    let produits = "convention.budget.2026.produits";
    // Dons 2 000 → 2 000,01: produits 48 000,01 €, one cent over.
    assert_eq!(
        budget_errors(|b| b["produits"]["dons"] = json!(2000.01)),
        vec![e("DON-120", produits)]
    );
    // Dons 1 999,99: one cent under.
    assert_eq!(
        budget_errors(|b| b["produits"]["dons"] = json!(1999.99)),
        vec![e("DON-120", produits)]
    );
    // Balanced at 48 000,01 € both sides: the charges are no longer the eligible cost.
    assert_eq!(
        budget_errors(|b| {
            b["charges"]["personnel"] = json!(30400.01);
            b["produits"]["dons"] = json!(2000.01);
        }),
        vec![e("DON-121", "convention.budget.2026.charges")]
    );
    // Balanced at 48 000 €, but the Région's line one cent over its 12 500 €, and one under.
    for (region, ventes) in [(12500.01, 14499.99), (12499.99, 14500.01)] {
        assert_eq!(
            budget_errors(|b| {
                b["produits"]["subventions"]["region"] = json!(region);
                b["produits"]["ventes"] = json!(ventes);
            }),
            vec![e(
                "DON-122",
                "convention.budget.2026.produits.subventions.region"
            )]
        );
    }
}

#[test]
fn a_budget_for_a_year_outside_the_convention_and_a_bad_closing_date_are_located() {
    let tmp = copy();
    let p = tmp.path().join(format!("associations/{EPICERIE}.json"));
    edit_json(&p, |v| {
        let b = v["convention"]["budget"]["2026"].clone();
        v["convention"]["budget"]["2027"] = b;
        v["association"]["fiscal_year_end"] = json!("02-29");
    });
    let mut found = errors(tmp.path());
    found.sort();
    assert_eq!(
        found,
        vec![
            e("DON-123", "convention.budget.2027"),
            e("DON-124", "association.fiscal_year_end")
        ]
    );
    edit_json(&p, |v| {
        v["convention"]["budget"]
            .as_object_mut()
            .unwrap()
            .remove("2027");
        v["association"]["fiscal_year_end"] = json!("06-30");
    });
    assert_eq!(errors(tmp.path()), vec![]);
}

#[test]
fn annex_ii_prints_the_detailed_budget_when_given() {
    let prog = example();
    let md = render(&prog, EPICERIE, &data(&prog, EPICERIE)).markdown;
    assert!(md.contains("**Budget prévisionnel 2026**"), "{md}");
    assert!(md.contains(&format!(
        "| 64 – Charges de personnel | 30{NNB}400{NB}€ | 74 – Autres subventions | 4{NNB}000{NB}€ |"
    )));
    assert!(md.contains(&format!(
        "| **Total des charges** | **48{NNB}000{NB}€** | **Total des produits** | **48{NNB}000{NB}€** |"
    )));
    // Contributions in kind on both sides: 48 000 + 3 500 = 51 500 €.
    assert!(md.contains(&format!("**51{NNB}500{NB}€**")));
    assert!(!md.contains("figure au budget prévisionnel présenté"));
    // Without a budget: today's wording.
    let mut d = data(&prog, EPICERIE);
    d.convention.budget = None;
    let md = render(&prog, EPICERIE, &d).markdown;
    assert!(md.contains("Le détail des charges et des produits du projet figure au budget prévisionnel présenté par l'association à l'appui de sa demande."));
    assert!(!md.contains("Budget prévisionnel 2026"));
}

/// A compte rendu received on `received` whose charges total `charges` euros
/// (one line), the Région's line `region`, other produits `ventes`.
fn crf(received: Option<(i32, u8, u8)>, charges: f64, ventes: f64, region: f64) -> Crf {
    let c = |e: f64| Some((e * 100.0).round() as i64);
    Crf {
        received_on: received,
        actual: BTreeMap::from([
            ("charges.personnel".to_string(), c(charges)),
            ("produits.ventes".to_string(), c(ventes)),
            ("produits.subventions.region".to_string(), c(region)),
        ]),
        ..Crf::default()
    }
}

fn paid(amounts: &[(f64, PaymentKind)]) -> Vec<Payment> {
    amounts
        .iter()
        .map(|(a, k)| Payment {
            date: (2026, 5, 4),
            amount: (a * 100.0).round() as i64,
            kind: *k,
        })
        .collect()
}

const APRIL_12: (i32, u8, u8) = (2027, 4, 12);

fn epicerie(unspent: Unspent, charges: f64, payments: &[Payment]) -> Closing {
    let prog = example();
    let mut d = data(&prog, EPICERIE);
    d.convention.unspent = Some(unspent);
    let c = crf(Some(APRIL_12), charges, 0.0, 0.0);
    close(&prog, &d, 2026, Some(&c), payments, None).expect("a funded year")
}

/// The review of `id`'s `year` (no review file) with `closing` as its closing.
fn assessed(id: &str, d: &AssociationFile, year: i32, closing: Closing) -> review::Assessment {
    let mut a = review::assess(id, d, year, &BTreeMap::new(), &ReviewConfig::default());
    a.closing = Some(closing);
    a
}

/// The reversement letter of `a`, if any, worded by the example's library.
fn letter_of(prog: &Programme, a: &review::Assessment) -> Option<Result<String, Diagnostic>> {
    let engine = charta::render::Engine::new(&prog.library).0;
    review::closing_text::letter_markdown(&engine, prog, a)
}

/// `charta review DIR --year 2026 --format md --out DIR/out`, which must
/// succeed: the folder `out`.
fn review_2026(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let (code, _, err) = charta(&[
        "review",
        dir.to_str().unwrap(),
        "--year",
        "2026",
        "--format",
        "md",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn eight_percent_underspent_under_repay_paid_in_full_asks_the_difference_back() {
    // 12 500 € granted, 48 000 € of charges forecast, 44 160 € spent (−8 %):
    // due 12 500 × 44 160 ÷ 48 000 = 11 500 €; paid 12 500 €: 1 000 € to repay.
    let c = epicerie(
        Unspent::Repay,
        44160.0,
        &paid(&[(12500.0, PaymentKind::Avance)]),
    );
    assert_eq!(c.rule, Rule::Repay);
    assert_eq!(c.due, Some(1_150_000));
    assert_eq!(c.unspent(), Some(100_000));
    assert_eq!(c.balance, Some(0));
    assert_eq!(c.to_recover(), 100_000);
    // To the cent: 44 161 € spent: 12 500 × 44 161 ÷ 48 000 = 11 500,2604… → 11 500,26 €;
    // 999,74 € to repay.
    let c = epicerie(
        Unspent::Repay,
        44161.0,
        &paid(&[(12500.0, PaymentKind::Avance)]),
    );
    assert_eq!(c.due, Some(1_150_026));
    assert_eq!(c.to_recover(), 99_974);
    // Overspent (50 000 €): never more than the amount.
    let c = epicerie(
        Unspent::Repay,
        50000.0,
        &paid(&[(12500.0, PaymentKind::Avance)]),
    );
    assert_eq!((c.due, c.to_recover()), (Some(1_250_000), 0));
}

#[test]
fn the_letter_is_worded_by_the_clause_library_and_a_programme_overrides_it() {
    // The wording is clauses/reversement/reversement-lettre.md; a programme's
    // clause of the same id replaces it, rendered over the same figures.
    let tmp = copy();
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("clauses/reversement/reversement-lettre.md"),
    )
    .unwrap();
    let own = builtin.replace(
        "payable dans le délai qu'il indique",
        "payable sous trente jours ({{ lettre.somme | safe }})",
    );
    assert_ne!(own, builtin);
    std::fs::create_dir_all(tmp.path().join("clauses")).unwrap();
    std::fs::write(tmp.path().join("clauses/reversement-lettre.md"), own).unwrap();
    let out = review_2026(tmp.path());
    let letter =
        std::fs::read_to_string(out.join(format!("review-2026/{EPICERIE}.reversement.md")))
            .unwrap();
    assert!(
        letter.starts_with("# Demande de reversement – contribution 2026\n\n**De"),
        "{letter}"
    );
    assert!(
        letter.contains(&format!(
            "titre de recettes, payable sous trente jours (1{NNB}000{NB}€){NNB}; ce titre mentionne les voies et délais de recours.\n\nJe vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\nPour la Région, le Président du Conseil régional,\n\nM."
        )),
        "{letter}"
    );
    assert!(
        letter.trim_end().ends_with("Jean-Baptiste Aubertin"),
        "{letter}"
    );
    // The hard line breaks of the letter's head are kept.
    assert!(
        letter.contains(&format!("Cedex  \n**À{NB}:** Le Panier Partagé")),
        "{letter}"
    );
}

#[test]
fn the_letter_says_the_sum_in_figures_and_letters_and_quotes_the_clause() {
    // The example: the épicerie (repay, 12 500 € paid as a 100 % advance)
    // spent 44 160 € of 48 000 €: 1 000 € to repay.
    let tmp = copy();
    let out = review_2026(tmp.path());
    let dir = out.join("review-2026");
    let letter = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    assert!(
        letter.contains(&format!(
            "**Somme à reverser{NB}: 1{NNB}000{NB}€ (mille euros).**"
        )),
        "{letter}"
    );
    assert!(letter.contains(&format!(
        "s'établit à 11{NNB}500{NB}€ (onze mille cinq cents euros)"
    )));
    assert!(
        letter
            .contains("émet, en application de l'article 4 de la convention, un titre de recettes"),
        "{letter}"
    );
    assert!(letter.contains("> En application du troisième alinéa de l'article 10"));
    assert!(letter.contains("est reversée à la Région, qui émet à cet effet un titre de recette."));
    // The two gaps above 10 % the association left unexplained (ventes
    // 12 160 − 14 500 = −2 340 €, −16,1 %; autres subventions −12,5 %): its
    // observations may explain them before the sum is set.
    assert!(
        letter.contains(&format!(
            "écarts au budget prévisionnel de plus de 10{NB}% que l'association n'a pas expliqués{NB}: 70 – Ventes, prestations de services (−16,1{NB}%){NNB}; 74 – Autres subventions (−12,5{NB}%). Ses observations peuvent les expliquer."
        )),
        "{letter}"
    );
    // The atelier (keep-reasonable, 60 % advance of 30 000 € paid): 91 200 € of
    // 96 000 € spent, due 28 500 €, paid 18 000 €: balance 10 500 € by
    // 20 May 2027 + 60 days = 19 July 2027; no letter.
    assert!(!dir.join("atelier-velo-thionvaux.reversement.md").exists());
    let todo = std::fs::read_to_string(dir.join("a-faire.csv")).unwrap();
    // (keep-reasonable: 12 000 € if the 1 500 € not consumed is left to it.)
    assert!(todo.contains(&format!("atelier-velo-thionvaux;Rayons Libres, atelier vélo participatif de Thionvaux;solde à verser (12{NNB}000{NB}€ si la part non consommée est laissée à l'association{NB}: à décider);10500;2027-07-19\n")), "{todo}");
    assert!(todo.contains(&format!("{EPICERIE};Le Panier Partagé, épicerie solidaire de Brécourt;somme à reverser (titre de recettes);1000;\n")));
    // Montvalon (signed) owes its compte rendu; the tiers-lieu (unsigned) none yet.
    assert!(todo.contains("maison-solidarites-montvalon;Maison des Solidarités de Montvalon;compte rendu financier non reçu;;2027-06-30\n"), "{todo}");
    assert!(
        !todo.contains("tiers-lieu-les-communs;Les Communs de Saulnières;compte rendu"),
        "{todo}"
    );
    let report = std::fs::read_to_string(dir.join(format!("{EPICERIE}.md"))).unwrap();
    // −2 340 € on 14 500 € of sales: −16,1 %, above 10 %, not explained.
    assert!(
        report.contains(&format!("| −2{NNB}340{NB}€ | −16,1{NB}% **à expliquer** |")),
        "{report}"
    );
    // Achats −900 € on 9 000 €: exactly −10 %, at the threshold: not flagged.
    assert!(report.contains(&format!("| −900{NB}€ | −10{NB}% |\n")));
}

#[test]
fn paid_only_the_advance_the_balance_is_reduced_and_nothing_is_repaid() {
    // Due 11 500 € (as above), 6 250 € paid: balance 5 250 €, within sixty
    // days of the receipt on 12 April 2027: 11 June 2027 (18 + 31 + 11 days).
    let c = epicerie(
        Unspent::Repay,
        44160.0,
        &paid(&[(6250.0, PaymentKind::Avance)]),
    );
    assert_eq!(c.balance, Some(525_000));
    assert_eq!(c.balance_due_by, Some((2027, 6, 11)));
    assert_eq!(c.to_recover(), 0);
    let prog = example();
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    assert_eq!(letter_of(&prog, &a), None);
}

#[test]
fn under_keep_reasonable_the_surplus_is_shown_for_the_funder_to_decide() {
    let c = epicerie(
        Unspent::KeepReasonable,
        44160.0,
        &paid(&[(12500.0, PaymentKind::Avance)]),
    );
    assert_eq!(c.rule, Rule::KeepReasonable);
    assert_eq!(
        (c.due, c.beyond, c.to_recover()),
        (Some(1_150_000), 100_000, 0)
    );
    let prog = example();
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    assert_eq!(letter_of(&prog, &a), None);
    let md = review::report_markdown(&prog, &a);
    assert!(md.contains(&format!(
        "**Part non consommée déjà versée{NB}: 1{NNB}000{NB}€** (versé 12{NNB}500{NB}€ − dû 11{NNB}500{NB}€)"
    )), "{md}");
    assert!(md.contains("excédent raisonnable"));
    // Paid only the advance: the reduced balance (12 500 × 44 160 ÷ 48 000 =
    // 11 500 €, less 6 250 € = 5 250 €), and the full one the funder pays if
    // it leaves the 1 000 € not consumed to the association (12 500 − 6 250 =
    // 6 250 €): the convention allows the reduction, it does not impose it.
    let c = epicerie(
        Unspent::KeepReasonable,
        44160.0,
        &paid(&[(6250.0, PaymentKind::Avance)]),
    );
    assert_eq!((c.balance, c.beyond), (Some(525_000), 0));
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    let md = review::report_markdown(&prog, &a);
    assert!(
        md.contains(&format!("**Solde à verser{NB}: 5{NNB}250{NB}€**")),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "**Il est de 6{NNB}250{NB}€** si la Région laisse à l'association la part non consommée (1{NNB}000{NB}€) comme excédent raisonnable"
        )),
        "{md}"
    );
    let todo = closing_text::todo_csv(std::slice::from_ref(&a));
    assert!(
        todo.contains(&format!(
            ";solde à verser (6{NNB}250{NB}€ si la part non consommée est laissée à l'association{NB}: à décider);5250;"
        )),
        "{todo}"
    );
    // For a Département: « Il appartient au Département », not « à le ».
    let mut dept = example();
    dept.file.funder.kind = charta::model::FunderKind::Departement;
    let md = review::report_markdown(&dept, &a);
    assert!(
        md.contains("Il appartient au Département d'en décider."),
        "{md}"
    );
    assert!(!md.contains("à le "), "{md}");
    // Under repay, no alternative: the clause excludes keeping any part.
    let c = epicerie(
        Unspent::Repay,
        44160.0,
        &paid(&[(6250.0, PaymentKind::Avance)]),
    );
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    assert!(!review::report_markdown(&prog, &a).contains("Il est de"));
    assert!(closing_text::todo_csv(std::slice::from_ref(&a)).contains(";solde à verser;5250;"));
}

const MOBILITE: &str = "mobilite-solidaire-rurale";

/// The mobilité's data under décision 2012/21/UE, reasonable profit 2 %.
fn mobilite_sieg(prog: &Programme) -> AssociationFile {
    let mut d = data(prog, MOBILITE);
    let s = d.convention.sieg.as_mut().unwrap();
    s.basis = SiegBasis::Decision201221;
    s.reasonable_profit_percent = 2.0;
    d
}

#[test]
fn a_sieg_compensation_one_euro_over_is_carried_forward_or_repaid() {
    let prog = example();
    let id = MOBILITE;
    let mut d = mobilite_sieg(&prog);
    let all = paid(&[(68000.0, PaymentKind::Avance)]);
    // The closing of 2026 with other produits `ventes`, compensation 68 000 €.
    let close_2026 = |d: &AssociationFile, ventes: f64| {
        let c = crf(Some(APRIL_12), 150000.0, ventes, 68000.0);
        close(&prog, d, 2026, Some(&c), &all, None).unwrap()
    };
    // Charges 150 000 €, other produits 85 001 €, reasonable profit 2 % × 150 000 =
    // 3 000 €: ceiling 150 000 − 85 001 + 3 000 = 67 999 €; compensation 68 000 €:
    // 1 € over, within 10 % (6 800 €): carried forward, nothing withheld.
    let c = close_2026(&d, 85001.0);
    assert_eq!(c.rule, Rule::Sieg);
    let s = c.sieg.unwrap();
    assert_eq!((s.ceiling, s.over, s.carried), (6_799_900, 100, true));
    assert_eq!((c.due, c.to_recover()), (Some(6_800_000), 0));
    // At the ceiling (85 000 €): no overcompensation.
    let c = close_2026(&d, 85000.0);
    assert_eq!(c.sieg.unwrap().over, 0);
    // The carry-forward limit is 10 % of the *average* yearly compensation
    // (art. 6 § 2): (68 000 + 70 000 + 72 000) ÷ 3 = 70 000 €, limit 7 000 €
    // (10 % of 2026's own 68 000 € would be 6 800 €). Ceiling 153 000 − ventes:
    // ventes 91 800,01 € → 6 800,01 € over: carried; 92 000 € → 7 000 € over:
    // carried; 92 000,01 € → 7 000,01 € over: repaid.
    for (ventes, over, carried) in [
        (91800.01, 680_001, true),
        (92000.0, 700_000, true),
        (92000.01, 700_001, false),
    ] {
        let s = close_2026(&d, ventes).sieg.unwrap();
        assert_eq!((s.over, s.carried), (over, carried), "ventes {ventes}");
    }
    // The convention without its carry-forward clause: 1 € to repay, with the letter.
    d.convention
        .clauses
        .remove
        .push("sieg-surcompensation".into());
    let c = close_2026(&d, 85001.0);
    assert_eq!((c.due, c.to_recover()), (Some(6_799_900), 100));
    let a = assessed(id, &d, 2026, c);
    let letter = letter_of(&prog, &a).expect("a letter").expect("rendered");
    assert!(
        letter.contains(&format!("**Somme à reverser{NB}: 1{NB}€ (un euro).**")),
        "{letter}"
    );
}

#[test]
fn sieg_over_the_period_a_year_over_is_made_good_by_a_year_under() {
    // Décision 2012/21/UE, art. 6 § 1: over the period too. The mobilité's
    // compensation 68 000 € (2026), 70 000 € (2027), 72 000 € (2028): 210 000 €.
    // Reasonable profit 2 % of charges of 150 000 € = 3 000 € each year;
    // ceiling = 150 000 − ventes + 3 000:
    //   2026 ventes 85 001 € → 67 999 € (1 € over that year);
    //   2028 ventes 81 000 € → 72 000 €;
    //   2027 ventes 82 999 € → 70 001 € (1 € under): 210 000 €, nothing over;
    //   2027 ventes 83 000 € → 70 000 €: 209 999 €, 1 € over the period;
    //   2027 ventes 82 998 € → 70 002 €: 210 001 €, nothing over.
    let prog = example();
    let id = MOBILITE;
    let d = mobilite_sieg(&prog);
    let years = |ventes_2027: f64| {
        BTreeMap::from([
            (2026, crf(Some(APRIL_12), 150000.0, 85001.0, 68000.0)),
            (2027, crf(Some(APRIL_12), 150000.0, ventes_2027, 70000.0)),
            (2028, crf(Some(APRIL_12), 150000.0, 81000.0, 72000.0)),
        ])
    };
    let period = |v: f64| closing::sieg_period(&prog, &d, &years(v)).unwrap();
    let p = period(82999.0);
    assert_eq!(
        (p.first, p.last, p.compensation, p.ceiling, p.over),
        (2026, 2028, 21_000_000, 21_000_000, 0)
    );
    assert_eq!(
        (period(83000.0).ceiling, period(83000.0).over),
        (20_999_900, 100)
    );
    assert_eq!(
        (period(82998.0).ceiling, period(82998.0).over),
        (21_000_100, 0)
    );
    // A year without its compte rendu, or not received: no period check.
    let mut missing = years(82999.0);
    missing.remove(&2028);
    assert_eq!(closing::sieg_period(&prog, &d, &missing), None);
    let mut unreceived = years(82999.0);
    unreceived.get_mut(&2027).unwrap().received_on = None;
    assert_eq!(closing::sieg_period(&prog, &d, &unreceived), None);
    // In the report, after the year's check.
    let mut c = close(&prog, &d, 2028, years(83000.0).get(&2028), &[], None).unwrap();
    c.period = Some(period(83000.0));
    let a = assessed(id, &d, 2028, c);
    let mut md = String::new();
    review::closing_text::closing_part(&mut md, &prog, &a);
    assert!(
        md.contains(&format!(
            "Sur la période de 2026 à 2028 (décision 2012/21/UE, art. 6, § 1){NB}: compensations 210{NNB}000{NB}€, coût net augmenté du bénéfice raisonnable 209{NNB}999{NB}€{NNB}; **surcompensation sur la période de 1{NB}€**, à rembourser."
        )),
        "{md}"
    );
}

fn receipt(
    fiscal_year_end: Option<&str>,
    received: Option<(i32, u8, u8)>,
    on: Option<(i32, u8, u8)>,
) -> (Receipt, (i32, u8, u8)) {
    let prog = example();
    let mut d = data(&prog, EPICERIE);
    d.association.fiscal_year_end = fiscal_year_end.map(str::to_string);
    let c = crf(received, 44160.0, 0.0, 0.0);
    let c = close(&prog, &d, 2026, Some(&c), &[], on).unwrap();
    (c.receipt, c.deadline)
}

#[test]
fn a_late_and_a_missing_compte_rendu_against_the_deadline_and_the_date_of_review() {
    // Exercice 2026 closing on 31 December: due by 30 June 2027.
    let june_30 = (2027, 6, 30);
    assert_eq!(
        receipt(None, Some(june_30), None),
        (Receipt::OnTime(june_30), june_30)
    );
    assert_eq!(
        receipt(None, Some((2027, 6, 29)), None).0,
        Receipt::OnTime((2027, 6, 29))
    );
    assert_eq!(
        receipt(None, Some((2027, 7, 1)), None).0,
        Receipt::Late((2027, 7, 1))
    );
    // Missing: late only against `--on`, never against the clock.
    assert_eq!(receipt(None, None, None).0, Receipt::Missing(None));
    assert_eq!(
        receipt(None, None, Some(june_30)).0,
        Receipt::Missing(Some(false))
    );
    assert_eq!(
        receipt(None, None, Some((2027, 7, 1))).0,
        Receipt::Missing(Some(true))
    );
}

#[test]
fn an_exercice_that_is_not_the_calendar_year() {
    // Closing on 30 June: exercice 2026 is 1 July 2025 – 30 June 2026, due by 31 December 2026.
    let dec_31 = (2026, 12, 31);
    assert_eq!(
        receipt(Some("06-30"), Some(dec_31), None),
        (Receipt::OnTime(dec_31), dec_31)
    );
    assert_eq!(
        receipt(Some("06-30"), Some((2027, 1, 1)), None).0,
        Receipt::Late((2027, 1, 1))
    );
    // Closing on 15 September: due by 15 March 2027.
    assert_eq!(receipt(Some("09-15"), None, None).1, (2027, 3, 15));
    // The review's own alert follows the same exercice.
    let prog = example();
    let mut d = data(&prog, EPICERIE);
    d.association.fiscal_year_end = Some("06-30".into());
    assert_eq!(review::exercice_end(&d, 2026), (2026, 6, 30));
}

#[test]
fn check_reads_a_compte_rendu_in_a_year_folder_without_any_review() {
    // reviews/2027/ holds only a compte rendu (no review file): its error is
    // reported all the same, once; the same amount at zero passes.
    let tmp = copy();
    let dir = tmp.path().join("reviews/2027");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("atelier-velo-thionvaux.crf.json");
    std::fs::write(&file, r#"{ "en_nature": -0.01 }"#).unwrap();
    let bad = errors(tmp.path());
    assert_eq!(
        bad.iter()
            .filter(|x| **x == e("BIL-121", "en_nature"))
            .count(),
        1,
        "{bad:?}"
    );
    std::fs::write(&file, r#"{ "en_nature": 0 }"#).unwrap();
    let bad = errors(tmp.path());
    assert!(!bad.iter().any(|(c, _)| c.starts_with("BIL-12")), "{bad:?}");
}

/// `charta review` of a copy of the example for 2026 (Markdown, or with
/// `pdf`), `on` the date of the review if any; the review folder.
fn reviewed(tmp: &tempfile::TempDir, on: Option<&str>, format: &str) -> std::path::PathBuf {
    let out = tmp.path().join("out");
    let mut args = vec![
        "review",
        tmp.path().to_str().unwrap(),
        "--year",
        "2026",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(on) = on {
        args.extend(["--on", on]);
    }
    let (code, _, err) = charta(&args);
    assert_eq!(code, 0, "{err}");
    out.join("review-2026")
}

#[test]
fn the_letter_applies_the_article_it_quotes_and_the_report_certifies_no_date_nor_payment_it_lacks()
{
    // The letter's basis: the article quoted, then the sentence that applies
    // it (it used to stop at « En application de l'article 4 …, qui stipule : »
    // and start the next sentence after the quotation).
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    let letter = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    for expected in [
        format!("L'article 4 de la convention stipule{NB}:\n\n> La contribution de la Région"),
        "réduire la contribution à due proportion.\n>\n> En application du troisième alinéa"
            .to_string(),
        // Then a month for the association's observations before the titre
        // de recettes (CRPA, art. L. 121-1 and L. 122-1; the convention's
        // article 11), which states how to appeal.
        format!(
            "Ses observations peuvent les expliquer.\n\nConformément à l'article 11 de la convention et aux articles L.{NB}121-1 et L.{NB}122-1 du code des relations entre le public et l'administration, l'association dispose d'un délai d'un mois à compter de la réception de la présente lettre pour présenter ses observations écrites. À l'issue de ce délai et au vu de ses observations, la Région arrête la somme à reverser et émet, en application de l'article 4 de la convention, un titre de recettes, payable dans le délai qu'il indique"
        ),
        format!("{NNB}; ce titre mentionne les voies et délais de recours.\n"),
    ] {
        assert!(
            letter.contains(&expected),
            "missing « {expected} » in:\n{letter}"
        );
    }
    assert!(!letter.contains("qui stipule"), "{letter}");
    // The balance: sixty days from the complete documents, which the data do
    // not date: the date is given on the condition that they came with the
    // compte rendu (20 May 2027 + 60 days = 19 July 2027).
    let atelier = std::fs::read_to_string(dir.join("atelier-velo-thionvaux.md")).unwrap();
    // Its signed convention has no detailed budget: the eligible cost is the
    // forecast of the charges, and nothing gives the forecast produits.
    assert!(
        atelier.contains(&format!(
            "| **Total des charges** | **96{NNB}000{NB}€** | **91{NNB}200{NB}€** | **−4{NNB}800{NB}€** | **−5{NB}%** |\n| **Total des produits** | **—** | **91{NNB}200{NB}€** | **—** | **—** |\n"
        )),
        "{atelier}"
    );
    assert!(
        atelier.contains(&format!(
            "**Solde à verser{NB}: 10{NNB}500{NB}€**, au plus tard le 19 juillet 2027 si les autres documents que demande la convention ont été reçus avec le compte rendu financier{NB}: le délai de soixante jours court de la réception des documents complets."
        )),
        "{atelier}"
    );
    // The Réseau's review file records no payment: nothing is said paid, and
    // « 0 € » is not certified (the synthesis shows « — » for it).
    let reseau = std::fs::read_to_string(dir.join("reseau-insertion-emploi.md")).unwrap();
    assert!(
        reseau.contains(&format!(
            "Versé pour 2026{NB}: aucun versement enregistré dans le bilan.\n"
        )),
        "{reseau}"
    );
    assert!(
        !reseau.contains(&format!("Versé pour 2026{NB}: 0{NB}€")),
        "{reseau}"
    );
}

#[test]
fn a_row_of_the_synthesis_is_never_split_across_two_pages() {
    // The example's synthesis fills page 1 to its last row, the Communs de
    // Saulnières (25 000 €): that row moves whole to page 2 instead of
    // leaving « Communs de Saulnières » alone there, cut from its figures.
    if !crate::signing::tools_present(&["pdftotext"]) {
        return;
    }
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md,pdf");
    let page = pdf_pages(&dir.join("synthese.pdf"), 2)
        .into_iter()
        .find(|p| p.contains("Saulnières"))
        .expect("the Communs de Saulnières in the synthesis");
    assert!(page.contains("25 000 €"), "{page}");
}

/// The text of the first `n` pages of `pdf`, one string each (pdftotext).
fn pdf_pages(pdf: &Path, n: usize) -> Vec<String> {
    (1..=n)
        .map(|p| {
            let out = std::process::Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(pdf)
                .arg("-")
                .output()
                .unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout)
                .unwrap()
                .replace(['\u{a0}', '\u{202f}'], " ")
        })
        .collect()
}

#[test]
fn a_small_table_of_a_report_is_never_split_across_two_pages() {
    // The atelier's totals (charges, produits: a header and two rows) came at
    // the foot of page 2: « Total des charges » there, « Total des produits »
    // alone on page 3. A table of a few rows now moves whole.
    if !crate::signing::tools_present(&["pdftotext"]) {
        return;
    }
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md,pdf");
    let pages = pdf_pages(&dir.join("atelier-velo-thionvaux.pdf"), 3);
    let page = pages
        .iter()
        .find(|p| p.contains("Total des charges"))
        .expect("the totals in the report");
    assert!(page.contains("Total des produits"), "{pages:#?}");
}

#[test]
fn an_unsigned_convention_founds_neither_a_balance_nor_a_reversement() {
    // The example's épicerie, its signature date cleared: the same figures
    // (1 000 € paid beyond the 11 500 € due) but no clause is in force, so no
    // letter, the report says why, and the to-do list asks for the signature.
    let tmp = copy();
    crate::common::unsign(tmp.path(), EPICERIE);
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    assert!(!dir.join(format!("{EPICERIE}.reversement.md")).exists());
    let report = std::fs::read_to_string(dir.join(format!("{EPICERIE}.md"))).unwrap();
    assert!(
        report.contains(&format!(
            "**La convention n'est pas signée**{NB}: aucune de ses clauses n'est en vigueur"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "Des versements sont pourtant enregistrés (12{NNB}500{NB}€){NB}: à vérifier."
        )),
        "{report}"
    );
    assert!(!report.contains("Somme à reverser"), "{report}");
    let todo = std::fs::read_to_string(dir.join("a-faire.csv")).unwrap();
    assert!(
        todo.contains(&format!(
            "{EPICERIE};Le Panier Partagé, épicerie solidaire de Brécourt;convention non signée{NB}: rien à payer ni à recouvrer avant sa signature;;\n"
        )),
        "{todo}"
    );
    assert!(!todo.contains(&format!(
        "{EPICERIE};Le Panier Partagé, épicerie solidaire de Brécourt;somme à reverser"
    )));
    // Nor is a compte rendu owed under it: the mobilité (unsigned, none
    // received) is not « en retard » at 15 September 2027, Montvalon (signed,
    // none received) is.
    let mobilite = std::fs::read_to_string(dir.join("mobilite-solidaire-rurale.md")).unwrap();
    assert!(
        mobilite.contains(&format!(
            "non reçu{NB}; la convention n'étant pas signée, il n'est pas encore dû (date limite prévue{NB}: 30 juin 2027)"
        )),
        "{mobilite}"
    );
    assert!(!mobilite.contains("en retard"), "{mobilite}");
    assert!(!todo.contains("mobilite-solidaire-rurale;Roulons Ensemble, plateforme de mobilité solidaire;compte rendu"), "{todo}");
    assert!(todo.contains("maison-solidarites-montvalon;Maison des Solidarités de Montvalon;compte rendu financier non reçu, en retard;;2027-06-30\n"), "{todo}");
    // Signed: the letter is there.
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    assert!(dir.join(format!("{EPICERIE}.reversement.md")).exists());
}

#[test]
fn the_letter_names_the_debtor_is_dated_by_the_review_and_signed() {
    // What the titre de recettes needs: the débiteur's seat and SIRET, the
    // date of the review (`--on`; none without it: never the clock), and the
    // funder's representative signing.
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    let letter = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    let data: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join(format!("associations/{EPICERIE}.json"))).unwrap(),
    )
    .unwrap();
    let a = &data["association"];
    let siret = a["siret"].as_str().unwrap();
    let spaced = format!(
        "{}{NB}{}{NB}{}{NB}{}",
        &siret[..3],
        &siret[3..6],
        &siret[6..9],
        &siret[9..]
    );
    for expected in [
        format!(
            "{}, {} {}",
            a["address"]["street"].as_str().unwrap(),
            a["address"]["postcode"].as_str().unwrap(),
            a["address"]["city"].as_str().unwrap()
        ),
        format!("(SIRET{NB}{spaced})"),
        format!("**Date{NB}:** le 15 septembre 2027"),
        format!("**Envoi{NB}:** lettre recommandée avec demande d'avis de réception"),
        // The présidente (Mme) is addressed.
        "\n\nMadame,\n\nAu vu du compte rendu financier".to_string(),
        "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.".to_string(),
        "Pour la Région, le Président du Conseil régional,".to_string(),
    ] {
        assert!(
            letter
                .replace(NNB, " ")
                .contains(&expected.replace(NNB, " ")),
            "missing « {expected} » in:\n{letter}"
        );
    }
    let tmp = copy();
    let dir = reviewed(&tmp, None, "md");
    let letter = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    assert!(!letter.contains("**Date"), "{letter}");
}

#[test]
fn a_review_missing_is_dated_by_on_in_the_alert() {
    // Without a review file, the alert's date of the review is `--on`: at
    // 15 September 2027, past the 30 June 2027 deadline, « délai expiré »
    // (it said 31 December 2026, « délai non expiré », while the to-do list
    // said « en retard »). The Collectif signed here: an unsigned convention
    // owes no review, as the mobilité shows.
    let tmp = copy();
    crate::common::sign_in_data(tmp.path(), "collectif-ess-val-de-meuse", "2026-02-10");
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    let mobilite = std::fs::read_to_string(dir.join("mobilite-solidaire-rurale.md")).unwrap();
    assert!(!mobilite.contains("non remis"), "{mobilite}");
    assert!(
        mobilite.contains("La convention n'étant pas signée, aucun bilan n'est encore dû. Faute de bilan daté, le présent document est daté du 15 septembre 2027, date de l'examen."),
        "{mobilite}"
    );
    let synthesis = std::fs::read_to_string(dir.join("synthese.md")).unwrap();
    assert!(
        synthesis.contains("non remis à la date du bilan, le 15 septembre 2027"),
        "{synthesis}"
    );
    assert!(
        !synthesis.contains("le 31 décembre 2026 (date limite"),
        "{synthesis}"
    );
    assert!(synthesis.contains("délai expiré"), "{synthesis}");
}

#[test]
fn a_report_is_never_dated_before_the_compte_rendu_it_judges() {
    // The épicerie's review file is dated 11 February 2027, its compte rendu
    // received on 12 April 2027: without `--on` the report is dated by the
    // later of the two; with `--on` by the date of the review. The synthesis
    // by the latest of its reports.
    let created = |pdf: &Path| -> String {
        let bytes = std::fs::read(pdf).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let at = text.find("/CreationDate(D:").expect("a creation date");
        text[at + 16..at + 24].to_string()
    };
    let tmp = copy();
    let dir = reviewed(&tmp, None, "pdf");
    assert_eq!(created(&dir.join(format!("{EPICERIE}.pdf"))), "20270412");
    // Montvalon: a review file, no compte rendu: its own date.
    let review: Value = serde_json::from_str(
        &std::fs::read_to_string(
            tmp.path()
                .join("reviews/2026/maison-solidarites-montvalon.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        created(&dir.join("maison-solidarites-montvalon.pdf")),
        review["date"].as_str().unwrap().replace('-', "")
    );
    // The atelier's compte rendu, received 20 May 2027, is the latest.
    assert_eq!(created(&dir.join("synthese.pdf")), "20270520");
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "pdf");
    assert_eq!(created(&dir.join(format!("{EPICERIE}.pdf"))), "20270915");
    assert_eq!(created(&dir.join("synthese.pdf")), "20270915");
}

#[test]
fn project_charges_above_the_associations_are_flagged_to_the_cent() {
    // The épicerie's compte rendu: 44 160 € of project charges. The
    // association's own charges for 2026 (its review file) at 44 160 €: the
    // project is the whole association, nothing to say; one cent under, the
    // project costs more than the association that carries it: flagged in
    // the report and in the to-do list.
    for (charges, flagged) in [(44160.0, false), (44159.99, true), (52300.0, false)] {
        let tmp = copy();
        edit_json(
            &tmp.path().join(format!("reviews/2026/{EPICERIE}.json")),
            |v| v["finances"]["charges"] = json!(charges),
        );
        let dir = reviewed(&tmp, Some("2027-09-15"), "md");
        let report = std::fs::read_to_string(dir.join(format!("{EPICERIE}.md"))).unwrap();
        let todo = std::fs::read_to_string(dir.join("a-faire.csv")).unwrap();
        let line = format!(
            "{EPICERIE};Le Panier Partagé, épicerie solidaire de Brécourt;compte rendu financier à vérifier{NB}: charges du projet au-delà de celles de l'association;44160;\n"
        );
        assert_eq!(todo.contains(&line), flagged, "{charges}: {todo}");
        assert_eq!(
            report.contains(&format!(
                "**À vérifier{NB}:** les charges réalisées du projet (44{NNB}160{NB}€) dépassent le total des charges de l'association déclaré dans son bilan (44{NNB}159,99{NB}€)"
            )),
            flagged,
            "{charges}: {report}"
        );
    }
}

#[test]
fn the_letter_quotes_the_signed_text_both_clauses_under_their_article() {
    // The reduction « à due proportion » has its own clause
    // (contribution-plafond): the letter says which article allows it and
    // quotes it with the reversement clause, both of article 4 in the
    // épicerie's convention.
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "md");
    let letter = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    for expected in [
        format!(
            "la Région envisage de réduire la contribution à due proportion, comme le lui permet l'article 4 de la convention{NB}: 12{NNB}500{NB}€ × 44{NNB}160{NB}€ ÷ 48{NNB}000{NB}€."
        ),
        format!(
            "L'article 4 de la convention stipule{NB}:\n\n> La contribution de la Région ne peut excéder le coût du projet"
        ),
        "la Région peut réduire la contribution à due proportion.\n>\n> En application du troisième alinéa".to_string(),
    ] {
        assert!(letter.contains(&expected), "missing « {expected} » in:\n{letter}");
    }
    // The words quoted are those signed (signed/<id>/convention.md), not a
    // library's clause changed since: a programme's own wording of the
    // reversement clause, added after the signature, is not quoted.
    let archived =
        std::fs::read_to_string(tmp.path().join(format!("signed/{EPICERIE}/convention.md")))
            .unwrap();
    assert!(archived.contains("qui émet à cet effet un titre de recette."));
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("clauses/articles/excedent-reversement.md"),
    )
    .unwrap();
    let changed = builtin.replace("un titre de recette.", "un titre de recettes exécutoire.");
    assert_ne!(changed, builtin);
    std::fs::create_dir_all(tmp.path().join("clauses")).unwrap();
    std::fs::write(tmp.path().join("clauses/excedent-reversement.md"), changed).unwrap();
    let again = tempfile::tempdir().unwrap();
    let (code, _, err) = charta(&[
        "review",
        tmp.path().to_str().unwrap(),
        "--year",
        "2026",
        "--on",
        "2027-09-15",
        "--format",
        "md",
        "--out",
        again.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let letter = std::fs::read_to_string(
        again
            .path()
            .join(format!("review-2026/{EPICERIE}.reversement.md")),
    )
    .unwrap();
    assert!(
        letter.contains("qui émet à cet effet un titre de recette.\n"),
        "{letter}"
    );
    assert!(!letter.contains("exécutoire"), "{letter}");
}

#[test]
fn a_balance_past_its_date_at_the_review_is_flagged_from_the_day_after() {
    // The atelier's balance is due by 19 July 2027 (compte rendu received on
    // 20 May 2027 + 60 days): on that day it is not past; the day after it is.
    // The synthesis also says how much of the year's subsidies the signed
    // conventions carry (Montvalon 45 000 €, épicerie 12 500 €, atelier
    // 30 000 €: 87 500 € of 378 500 €).
    let row = |on: &str| -> (String, String) {
        let tmp = copy();
        let dir = reviewed(&tmp, Some(on), "md");
        let todo = std::fs::read_to_string(dir.join("a-faire.csv")).unwrap();
        let row = todo
            .lines()
            .find(|l| l.starts_with("atelier-velo-thionvaux;"))
            .unwrap()
            .to_string();
        (
            row,
            std::fs::read_to_string(dir.join("synthese.md")).unwrap(),
        )
    };
    let (at, synthesis) = row("2027-07-19");
    assert!(!at.contains("échéance dépassée"), "{at}");
    assert!(
        synthesis.contains(&format!(
            "subventions attribuées pour 2026{NB}: 378{NNB}500{NB}€ (dont 87{NNB}500{NB}€ au titre des conventions signées)"
        )),
        "{synthesis}"
    );
    let (after, _) = row("2027-07-20");
    assert!(
        after.contains(
            ", échéance dépassée à la date de l'examen si le dossier était complet;10500;2027-07-19"
        ),
        "{after}"
    );
}

#[test]
fn a_letter_changed_by_a_markdown_only_run_never_leaves_its_old_pdf() {
    // The letter typeset on 15 September, then its date changed by a run
    // without PDFs: the old PDF goes; the next run with PDFs writes the new one
    // (it used to keep the PDF of the older text beside the new Markdown).
    let text = |dir: &Path| -> String {
        let bytes = std::fs::read(dir.join(format!("{EPICERIE}.reversement.pdf"))).unwrap();
        pdf_extract::extract_text_from_mem(&bytes).expect("text")
    };
    let tmp = copy();
    let dir = reviewed(&tmp, Some("2027-09-15"), "pdf");
    assert!(text(&dir).contains("15 septembre 2027"));
    let dir = reviewed(&tmp, Some("2027-09-16"), "md");
    let md = std::fs::read_to_string(dir.join(format!("{EPICERIE}.reversement.md"))).unwrap();
    assert!(md.contains("le 16 septembre 2027"), "{md}");
    assert!(!dir.join(format!("{EPICERIE}.reversement.pdf")).exists());
    let dir = reviewed(&tmp, Some("2027-09-16"), "pdf");
    assert!(text(&dir).contains("16 septembre 2027"));
}

#[test]
fn what_the_closing_says_holds_at_its_edges() {
    // A keep-reasonable year paid exactly the contribution justifiée, its
    // balance 0: the to-do list still asks the funder to decide on the part
    // not consumed (the report does).
    let c = epicerie(
        Unspent::KeepReasonable,
        44160.0,
        &paid(&[(11500.0, PaymentKind::Avance)]),
    );
    assert_eq!((c.balance, c.beyond), (Some(0), 0));
    let prog = example();
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    let todo = closing_text::todo_csv(std::slice::from_ref(&a));
    assert!(
        todo.contains(&format!(
            ";solde à verser (1{NNB}000{NB}€ si la part non consommée est laissée à l'association{NB}: à décider);0;"
        )),
        "{todo}"
    );
    // Repay, charges above the forecast, paid 1 € beyond the amount: the
    // letter does not say the charges were lower nor that the contribution
    // is reduced.
    let c = epicerie(
        Unspent::Repay,
        50000.0,
        &paid(&[(12501.0, PaymentKind::Avance)]),
    );
    assert_eq!(c.to_recover(), 100);
    let a = assessed(EPICERIE, &data(&prog, EPICERIE), 2026, c);
    let letter = letter_of(&prog, &a).expect("a letter").expect("rendered");
    assert!(!letter.contains("inférieures"), "{letter}");
    assert!(!letter.contains("envisage de réduire"), "{letter}");
    assert!(
        letter.contains(&format!(
            "Les versements enregistrés (12{NNB}501{NB}€) dépassent la contribution justifiée (12{NNB}500{NB}€)."
        )),
        "{letter}"
    );
    // A compte rendu received after its deadline under an unsigned
    // convention: received, never « en retard » (nothing is owed yet).
    let mut c = epicerie(Unspent::Repay, 44160.0, &[]);
    c.receipt = Receipt::Late((2027, 7, 1));
    assert!(closing_text::receipt_text(&c, 2026).contains("en retard"));
    c.unsigned = true;
    let text = closing_text::receipt_text(&c, 2026);
    assert!(!text.contains("en retard"), "{text}");
    assert!(text.starts_with("reçu le 1er juillet 2027"), "{text}");
}
