//! Amounts in letters, where the letters prevail in law: tables written by
//! hand in the traditional spelling (« quatre-vingts », « deux cents » but
//! « deux cent un » and « deux cent mille », « vingt et un » but
//! « quatre-vingt-un », « un million d'euros » but « un million deux cent
//! mille euros »), never produced by the functions under test; then round
//! millions through a rendered convention.

use charta::french::{cardinal, euros, euros_in_letters};

use crate::common::*;

#[test]
fn cardinals_by_hand() {
    let table: &[(u64, &str)] = &[
        (0, "zéro"),
        (1, "un"),
        (16, "seize"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (31, "trente et un"),
        (61, "soixante et un"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (72, "soixante-douze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (280, "deux cent quatre-vingts"),
        (1_000, "mille"),
        (1_001, "mille un"),
        (1_080, "mille quatre-vingts"),
        (2_000, "deux mille"),
        (21_000, "vingt et un mille"),
        (22_999, "vingt-deux mille neuf cent quatre-vingt-dix-neuf"),
        (80_000, "quatre-vingt mille"),
        (81_000, "quatre-vingt-un mille"),
        (100_000, "cent mille"),
        (
            152_999,
            "cent cinquante-deux mille neuf cent quatre-vingt-dix-neuf",
        ),
        (200_000, "deux cent mille"),
        (250_000, "deux cent cinquante mille"),
        (1_000_000, "un million"),
        (1_200_000, "un million deux cent mille"),
        (2_000_000, "deux millions"),
        (200_000_000, "deux cents millions"),
        (280_000_000, "deux cent quatre-vingts millions"),
        (1_000_000_000, "un milliard"),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(n, want)| cardinal(*n) != *want)
        .map(|(n, want)| format!("{n}: « {} », not « {want} »", cardinal(*n)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn euros_in_letters_by_hand() {
    // (cents, letters)
    let table: &[(i64, &str)] = &[
        (0, "zéro euro"),
        (1, "un centime"),
        (80, "quatre-vingts centimes"),
        (99, "quatre-vingt-dix-neuf centimes"),
        (100, "un euro"),
        (101, "un euro et un centime"),
        (180, "un euro et quatre-vingts centimes"),
        (200, "deux euros"),
        (2_100, "vingt et un euros"),
        (8_000, "quatre-vingts euros"),
        (10_000, "cent euros"),
        (20_000, "deux cents euros"),
        (20_100, "deux cent un euros"),
        (
            2_299_900,
            "vingt-deux mille neuf cent quatre-vingt-dix-neuf euros",
        ),
        (
            2_299_999,
            "vingt-deux mille neuf cent quatre-vingt-dix-neuf euros \
             et quatre-vingt-dix-neuf centimes",
        ),
        (2_300_100, "vingt-trois mille un euros"),
        (
            15_299_900,
            "cent cinquante-deux mille neuf cent quatre-vingt-dix-neuf euros",
        ),
        (15_300_100, "cent cinquante-trois mille un euros"),
        (25_000_000, "deux cent cinquante mille euros"),
        (8_000_000, "quatre-vingt mille euros"),
        (100_000_000, "un million d'euros"),
        (100_000_050, "un million d'euros et cinquante centimes"),
        (100_000_100, "un million un euros"),
        (120_000_000, "un million deux cent mille euros"),
        (200_000_000, "deux millions d'euros"),
        (20_000_000_000, "deux cents millions d'euros"),
        (100_000_000_000, "un milliard d'euros"),
        (-150, "moins un euro et cinquante centimes"),
    ];
    let wrong: Vec<String> = table
        .iter()
        .filter(|(c, want)| euros_in_letters(*c) != *want)
        .map(|(c, want)| format!("{c}: « {} », not « {want} »", euros_in_letters(*c)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn euros_in_figures_by_hand() {
    let table: &[(i64, &str)] = &[
        (1, "0,01\u{a0}€"),
        (80, "0,80\u{a0}€"),
        (100, "1\u{a0}€"),
        (99_900, "999\u{a0}€"),
        (100_000, "1\u{202f}000\u{a0}€"),
        (2_299_999, "22\u{202f}999,99\u{a0}€"),
        (25_000_000, "250\u{202f}000\u{a0}€"),
        (100_000_000, "1\u{202f}000\u{202f}000\u{a0}€"),
        (-150, "\u{2212}1,50\u{a0}€"),
    ];
    for (cents, want) in table {
        assert_eq!(euros(*cents), *want, "{cents}");
    }
}

/// Round millions, an amount past a million and centimes, per year and in
/// total, as the legal service reads them in the rendered convention.
#[test]
fn round_millions_reach_a_rendered_convention() {
    use charta::model::Amount;
    let prog = example();
    let id = "maison-solidarites-montvalon";
    let mut d = data(&prog, id);
    assert_eq!(d.convention.years, [2026, 2027, 2028]);
    let per_year = |a: [i64; 3]| {
        Some(
            ["2026", "2027", "2028"]
                .iter()
                .zip(a)
                .map(|(y, cents)| (y.to_string(), Amount(cents)))
                .collect(),
        )
    };
    d.convention.funding = per_year([100_000_000, 200_000_000, 25_000_000]);
    d.convention.eligible_cost = per_year([180_000_000, 400_000_000, 30_000_080]);
    let md = render(&prog, id, &d).markdown;
    for want in [
        // Funding: each year, then the total.
        "pour l'année 2026\u{a0}: un montant maximal de \
         1\u{202f}000\u{202f}000\u{a0}€ (un million d'euros)",
        "pour l'année 2027\u{a0}: un montant maximal de \
         2\u{202f}000\u{202f}000\u{a0}€ (deux millions d'euros)",
        "pour l'année 2028\u{a0}: un montant maximal de \
         250\u{202f}000\u{a0}€ (deux cent cinquante mille euros)",
        "un montant total maximal de 3\u{202f}250\u{202f}000\u{a0}€ \
         (trois millions deux cent cinquante mille euros)",
        // Eligible cost.
        "1\u{202f}800\u{202f}000\u{a0}€ (un million huit cent mille euros)",
        "4\u{202f}000\u{202f}000\u{a0}€ (quatre millions d'euros)",
        "300\u{202f}000,80\u{a0}€ (trois cent mille euros et quatre-vingts centimes)",
        "6\u{202f}100\u{202f}000,80\u{a0}€ (six millions cent mille euros et quatre-vingts centimes)",
    ] {
        assert!(md.contains(want), "missing « {want} » in:\n{md}");
    }
}
