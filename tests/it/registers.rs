//! The registers out (issue #32, « Out »): open data per exercice, the
//! budget annex of the concours attribués, the de minimis register, the
//! L. 612-4 statement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::data_exchange::{edit, example_copy, frictionless_with, read_csv};

fn charta() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_charta"));
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    c
}

fn run(args: &[&str], prog: &Path, out: &Path) -> std::process::Output {
    let o = charta()
        .arg("export")
        .args(args)
        .arg(prog)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "charta export {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn cents(s: &str) -> i64 {
    let (e, c) = s.split_once('.').unwrap_or((s, "0"));
    let c = format!("{c:0<2}");
    e.parse::<i64>().unwrap() * 100 + c[..2].parse::<i64>().unwrap()
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const SIGNED_TOO: [&str; 3] = [
    "atelier-velo-thionvaux",
    "reseau-insertion-emploi",
    "tiers-lieu-les-communs",
];

#[test]
fn scdl_per_exercice_validates_and_sums_to_the_single_row_export() {
    let (tmp, prog) = example_copy();
    for id in SIGNED_TOO {
        edit(&prog, id, |v| {
            v["convention"]["signature"]["date"] = "2026-03-02".into();
        });
    }
    let single = tmp.path().join("subventions.csv");
    let per = tmp.path().join("par-exercice.csv");
    run(&["scdl"], &prog, &single);
    run(&["scdl", "--par-exercice"], &prog, &per);
    if crate::clients::present(crate::clients::Client::Frictionless) {
        let schema = manifest("docs/scdl/scdl-subventions-2.1.1-exercice.schema.json");
        let problems = frictionless_with(&schema, &per);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let text = std::fs::read_to_string(&per).unwrap();
    assert!(
        text.starts_with("exercice,nomAttribuant,idAttribuant,dateConvention,"),
        "{text}"
    );
    let single = read_csv(&single);
    let per = read_csv(&per);
    // The acts, by (decision, beneficiary): each act's rows per exercice sum to
    // its single row, and carry its other fields unchanged.
    let key = |r: &BTreeMap<String, String>| {
        (r["referenceDecision"].clone(), r["idBeneficiaire"].clone())
    };
    let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &per {
        assert_eq!(r["exercice"].len(), 4, "{r:?}");
        *sums.entry(key(r)).or_default() += cents(&r["montant"]);
        let one = single.iter().find(|s| key(s) == key(r)).expect("its act");
        for (k, v) in one {
            if k != "montant" {
                assert_eq!(&r[k], v, "{k}");
            }
        }
    }
    let expected: BTreeMap<(String, String), i64> = single
        .iter()
        .map(|r| (key(r), cents(&r["montant"])))
        .collect();
    assert_eq!(sums, expected);
    assert!(expected.len() >= 3, "several acts");
    // The signed example, per exercice as it was signed: 45 000 + 9 600,
    // 45 000 + 9 600, 47 500.50 + 9 800.
    let msm: Vec<(&str, &str)> = per
        .iter()
        .filter(|r| {
            r["idBeneficiaire"] == "80214763700028" && r["referenceDecision"] == "CP-2026-01-07"
        })
        .map(|r| (r["exercice"].as_str(), r["montant"].as_str()))
        .collect();
    assert_eq!(
        msm,
        [
            ("2026", "54600.00"),
            ("2027", "54600.00"),
            ("2028", "57300.50")
        ]
    );
}

/// The names of an element's element children.
fn children<'a>(n: roxmltree::Node<'a, 'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    n.children().filter(|c| c.is_element()).collect()
}

/// The order of the elements of a CONCOURS in a real budget file: every
/// element of the excerpt, placed after those it follows there.
fn reference_order(doc: &roxmltree::Document) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    for c in children(doc.root_element()) {
        let mut at = 0;
        for e in children(c) {
            let name = e.tag_name().name().to_string();
            match order.iter().position(|o| *o == name) {
                Some(i) => {
                    assert!(i >= at, "the excerpt's own order is consistent");
                    at = i + 1;
                }
                None => {
                    order.insert(at, name);
                    at += 1;
                }
            }
        }
    }
    order
}

fn is_budget_number(v: &str) -> bool {
    let re = regex::Regex::new(r"^[0-9]+\.[0-9]{1,2}$").unwrap();
    re.is_match(v)
}

#[test]
fn concours_xml_is_well_formed_and_follows_a_real_budget_file() {
    let (tmp, prog) = example_copy();
    // A name that needs escaping in an attribute.
    edit(&prog, "tiers-lieu-les-communs", |v| {
        v["association"]["name"] = "Tiers-lieu « Les Communs » & \"Co\" <test>".into();
    });
    let xml_path = tmp.path().join("concours-2027.xml");
    let o = charta()
        .args(["export", "concours"])
        .arg(&prog)
        .args(["--exercice", "2027", "--out"])
        .arg(&xml_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fixture = std::fs::read_to_string(manifest(
        "tests/fixtures/totem/ca-2018-montpellier-data-concours.xml",
    ))
    .unwrap();
    let real = roxmltree::Document::parse(&fixture).expect("the excerpt is well-formed");
    let text = std::fs::read_to_string(&xml_path).unwrap();
    let ours = roxmltree::Document::parse(&text).expect("charta's XML is well-formed");
    let (r, o) = (real.root_element(), ours.root_element());
    assert_eq!(o.tag_name().name(), r.tag_name().name());
    assert_eq!(o.tag_name().namespace(), r.tag_name().namespace());
    let order = reference_order(&real);
    assert_eq!(
        order,
        [
            "CodArticle",
            "CodNatJurBenefCA",
            "LibOrgaBenef",
            "MtSubv",
            "LibPrestaNat",
            "ObjSubv",
            "Siret"
        ],
        "the order of the real file"
    );
    // The real file's amounts: a decimal point, one or two decimals.
    for c in children(r) {
        for e in children(c).into_iter().filter(|e| e.has_tag_name("MtSubv")) {
            assert!(is_budget_number(e.attribute("V").unwrap()));
        }
    }
    let concours = children(o);
    let mut by_name: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for c in &concours {
        assert_eq!(c.tag_name().name(), "CONCOURS");
        let mut at = 0;
        let mut fields = BTreeMap::new();
        for e in children(*c) {
            let name = e.tag_name().name();
            let i = order
                .iter()
                .position(|x| x == name)
                .unwrap_or_else(|| panic!("{name} is not an element of the real file's CONCOURS"));
            assert!(i >= at, "{name} out of the real file's order");
            at = i + 1;
            assert_eq!(e.attributes().len(), 1, "{name}: one attribute");
            assert!(e.children().next().is_none(), "{name}: empty element");
            fields.insert(name.to_string(), e.attribute("V").unwrap().to_string());
        }
        assert!(is_budget_number(&fields["MtSubv"]), "{fields:?}");
        assert_eq!(fields["CodNatJurBenefCA"], "P1");
        by_name.insert(fields["LibOrgaBenef"].clone(), fields);
    }
    // One CONCOURS per convention with an aid in 2027: all but the framework
    // convention and the one-year convention of 2026.
    let p = crate::common::example();
    let expected = p
        .associations
        .iter()
        .filter(|e| {
            let d = e.data.as_ref().unwrap();
            charta::exchange::concours::concours(&e.id, d, 2027).is_some()
        })
        .count();
    assert_eq!(expected, 6);
    assert_eq!(concours.len(), expected);
    let tiers = &by_name["Tiers-lieu « Les Communs » & \"Co\" <test>"];
    assert_eq!(tiers["MtSubv"], "25000.0");
    assert_eq!(tiers["Siret"].len(), 14);
    let msm = by_name
        .values()
        .find(|f| f["Siret"] == "80214763700028")
        .expect("the signed example");
    assert_eq!(msm["MtSubv"], "48000.0");
    assert!(
        msm["LibPrestaNat"]
            .starts_with("9\u{202f}600\u{a0}€ La mise à disposition gratuite de locaux")
            || msm["LibPrestaNat"]
                .starts_with("9\u{a0}600\u{a0}€ La mise à disposition gratuite de locaux"),
        "{}",
        msm["LibPrestaNat"]
    );
    // 2028: 47 500.50 is written with the fewest decimals.
    let xml28 = tmp.path().join("concours-2028.xml");
    let o = charta()
        .args(["export", "concours"])
        .arg(&prog)
        .args(["--exercice", "2028", "--out"])
        .arg(&xml28)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        std::fs::read_to_string(&xml28)
            .unwrap()
            .contains("<MtSubv V=\"47500.5\"/>")
    );
    // The CSV beside: the same rows and amounts.
    let rows = read_csv(&xml_path.with_extension("csv"));
    assert_eq!(rows.len(), concours.len());
    let total_xml: i64 = by_name.values().map(|f| cents(&f["MtSubv"])).sum();
    let total_csv: i64 = rows.iter().map(|r| cents(&r["montant_numeraire"])).sum();
    assert_eq!(total_xml, total_csv);
    assert!(rows.iter().all(|r| r["exercice"] == "2027"));
    // Reproducible: the same bytes again, XML and CSV.
    let again = tmp.path().join("again.xml");
    let o = charta()
        .args(["export", "concours"])
        .arg(&prog)
        .args(["--exercice", "2027", "--out"])
        .arg(&again)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
    assert_eq!(
        std::fs::read(again.with_extension("csv")).unwrap(),
        std::fs::read(xml_path.with_extension("csv")).unwrap()
    );
    // An --out that names a CSV is refused (the XML would overwrite it).
    let o = charta()
        .args(["export", "concours"])
        .arg(&prog)
        .args(["--exercice", "2027", "--out"])
        .arg(tmp.path().join("x.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// The de minimis register of the example with three conventions signed on
/// 2026-03-02 and `declared` as the cycling association's declaration.
fn de_minimis_register(declared: serde_json::Value) -> Vec<BTreeMap<String, String>> {
    let (tmp, prog) = example_copy();
    for id in [
        "atelier-velo-thionvaux",
        "mobilite-solidaire-rurale",
        "tiers-lieu-les-communs",
    ] {
        edit(&prog, id, |v| {
            v["convention"]["signature"]["date"] = "2026-03-02".into();
        });
    }
    edit(&prog, "atelier-velo-thionvaux", |v| {
        v["association"]["de_minimis_declared"] = declared;
    });
    let out = tmp.path().join("de-minimis.csv");
    run(&["de-minimis"], &prog, &out);
    read_csv(&out)
}

fn aid(grantor: &str, on: &str, amount: f64, regulation: &str) -> serde_json::Value {
    serde_json::json!({"grantor": grantor, "granted_on": on, "amount": amount, "regulation": regulation})
}

#[test]
fn de_minimis_register_counts_three_rolling_years_against_the_ceiling() {
    // Signed 2026-03-02, 90 000 € (3 × 30 000) under 2023/2831. Declared: an
    // aid exactly three years before (out of the window), one a day later
    // (in), one under another regulation (not counted).
    let rows = de_minimis_register(serde_json::json!([
        aid("Commune A", "2023-03-02", 100000.0, "general"),
        aid("Commune B", "2023-03-03", 110000.0, "general"),
        aid("Département", "2025-01-10", 5000.0, "sieg"),
    ]));
    // The signed de minimis aids only: the general one, the SIEG one under
    // 2023/2832; the non-economic convention and the unsigned ones are out.
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let velo = rows.iter().find(|r| r["reglement"] == "2023/2831").unwrap();
    assert_eq!(velo["date_octroi"], "2026-03-02");
    assert_eq!(velo["montant_aide"], "90000.00");
    assert_eq!(velo["equivalent_subvention_nature"], "0.00");
    assert_eq!(velo["siren"], &velo["siret"][..9]);
    assert_eq!(velo["autorite_octroi"], "Région Val-de-Meuse");
    assert_eq!(velo["aides_declarees_3_ans"], "110000.00");
    assert_eq!(velo["cumul_3_ans"], "200000.00");
    assert_eq!(velo["plafond"], "300000.00");
    assert_eq!(velo["marge"], "100000.00");
    assert_eq!(velo["plafond_respecte"], "oui");
    let sieg = rows.iter().find(|r| r["reglement"] == "2023/2832").unwrap();
    assert_eq!(sieg["plafond"], "750000.00");
    assert_eq!(sieg["montant_aide"], "210000.00");
    assert_eq!(sieg["cumul_3_ans"], "210000.00");
    assert_eq!(sieg["secteur"], "service d'intérêt économique général");

    // Exactly the ceiling: 210 000 + 90 000 = 300 000, still within it.
    let rows = de_minimis_register(serde_json::json!([aid(
        "Commune B",
        "2023-03-03",
        210000.0,
        "general"
    )]));
    let velo = rows.iter().find(|r| r["reglement"] == "2023/2831").unwrap();
    assert_eq!(velo["cumul_3_ans"], "300000.00");
    assert_eq!(velo["marge"], "0.00");
    assert_eq!(velo["plafond_respecte"], "oui");
    // One cent over.
    let rows = de_minimis_register(serde_json::json!([aid(
        "Commune B",
        "2023-03-03",
        210000.01,
        "general"
    )]));
    let velo = rows.iter().find(|r| r["reglement"] == "2023/2831").unwrap();
    assert_eq!(velo["cumul_3_ans"], "300000.01");
    assert_eq!(velo["marge"], "-0.01");
    assert_eq!(velo["plafond_respecte"], "non");
    // One cent under.
    let rows = de_minimis_register(serde_json::json!([aid(
        "Commune B",
        "2023-03-03",
        209999.99,
        "general"
    )]));
    let velo = rows.iter().find(|r| r["reglement"] == "2023/2831").unwrap();
    assert_eq!(velo["marge"], "0.01");
    // The same 210 000.01 granted exactly three years before: out of the window.
    let rows = de_minimis_register(serde_json::json!([aid(
        "Commune B",
        "2023-03-02",
        210000.01,
        "general"
    )]));
    let velo = rows.iter().find(|r| r["reglement"] == "2023/2831").unwrap();
    assert_eq!(velo["aides_declarees_3_ans"], "0.00");
    assert_eq!(velo["plafond_respecte"], "oui");
}

#[test]
fn l612_4_statement_crosses_strictly_above_153_000() {
    let (tmp, prog) = example_copy();
    // 100 000 € of this funder and other public subsidies: 153 000 exactly
    // (2026), one cent over (2027).
    edit(&prog, "tiers-lieu-les-communs", |v| {
        v["convention"]["funding"] = serde_json::json!({"2026": 100000, "2027": 100000});
        v["association"]["other_public_subsidies"] =
            serde_json::json!({"2026": 53000, "2027": 53000.01});
    });
    // One cent under: 38 000 + 114 999.99.
    edit(&prog, "recyclerie-vaudrecourt", |v| {
        v["association"]["other_public_subsidies"]["2026"] = serde_json::json!(114999.99);
    });
    // Other subsidies not known.
    edit(&prog, "atelier-velo-thionvaux", |v| {
        v["association"]
            .as_object_mut()
            .unwrap()
            .remove("other_public_subsidies");
    });
    let out = tmp.path().join("l612-4.csv");
    run(&["l612-4"], &prog, &out);
    let again = tmp.path().join("again.csv");
    run(&["l612-4"], &prog, &again);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&out).unwrap());
    let rows = read_csv(&out);
    let find = |siret_of: &str, year: &str| {
        let p = crate::common::example();
        let siret = crate::common::data(&p, siret_of).association.siret;
        rows.iter()
            .find(|r| r["siret"] == siret && r["exercice"] == year)
            .unwrap_or_else(|| panic!("{siret_of} {year}"))
            .clone()
    };
    let at = find("tiers-lieu-les-communs", "2026");
    assert_eq!(at["total_subventions_publiques_numeraire"], "153000.00");
    assert_eq!(at["seuil_depasse"], "non");
    let over = find("tiers-lieu-les-communs", "2027");
    assert_eq!(over["total_subventions_publiques_numeraire"], "153000.01");
    assert_eq!(over["seuil_depasse"], "oui");
    assert_eq!(over["certification_commissaire_aux_comptes"], "oui");
    assert_eq!(over["publication_comptes_rapport"], "oui");
    let under = find("recyclerie-vaudrecourt", "2026");
    assert_eq!(under["total_subventions_publiques_numeraire"], "152999.99");
    assert_eq!(under["seuil_depasse"], "non");
    let unknown = find("atelier-velo-thionvaux", "2026");
    assert_eq!(unknown["autres_subventions_publiques_connues"], "non");
    assert_eq!(unknown["seuil_depasse"], "indéterminé");
    // 160 000 of this funder alone: above, whatever the others.
    let big = find("reseau-insertion-emploi", "2026");
    assert_eq!(big["seuil_depasse"], "oui");
    // One row per year of every convention that grants (not the framework one).
    let p = crate::common::example();
    let years: usize = p
        .associations
        .iter()
        .map(|e| e.data.as_ref().unwrap())
        .filter(|d| d.convention.kind != charta::model::ConventionKind::Cadre)
        .map(|d| d.convention.years.len())
        .sum();
    assert_eq!(rows.len(), years);
}
