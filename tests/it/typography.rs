//! French typography of the rendered conventions (issue 12, « Typography and
//! the dashboard »): no-break spaces after abbreviations and inside
//! identifiers, one number of decimals for the percentages of a document,
//! « 1er » as a superscript in the PDF, « de » and « à » contracted before a
//! name, and the dashboard annex (baseline year, definitions, flow or stock,
//! natural order of objectives, obligation of means). Each point has a positive
//! and a negative case, on the rendered text.

use crate::common::*;

use std::sync::LazyLock;

use charta::emit::pdf::PdfEngine;
use charta::model::{Amount, AssociationFile, Indicator, Measure, Objective, Target};
use regex::Regex;

const NBSP: char = '\u{a0}';
const ID: &str = "maison-solidarites-montvalon";

static ENGINE: LazyLock<PdfEngine> = LazyLock::new(|| PdfEngine::new(None));

fn montvalon() -> (charta::load::Programme, AssociationFile) {
    let prog = example();
    let d = data(&prog, ID);
    (prog, d)
}

/// The body of annex III (the dashboard), from its heading to the next part.
fn dashboard_annex(md: &str) -> &str {
    let start = md
        .find("<!-- part:annexe-tableau-de-bord ")
        .expect("the dashboard annex");
    let rest = &md[start..];
    let end = rest[1..].find("<!-- part:").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

// ---------------------------------------------------------------------------
// No-break space after « n° », « M. », « Mme », « L. », « art. »

/// An abbreviation that starts a word, followed by an ordinary space.
static LOOSE_ABBREVIATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\p{L}\p{N}])(n°|N°|M\.|Mme|L\.|art\.) ").unwrap());

#[test]
fn abbreviations_are_bound_to_what_follows_in_clauses_and_data() {
    let (prog, mut d) = montvalon();
    // Data that holds abbreviations too: they are typeset like the clauses.
    d.project.title = "Accueil n° 3 de M. Durand, art. 5".into();
    let md = render(&prog, ID, &d).markdown;
    // Literal clause text.
    assert!(md.contains("loi n°\u{a0}2000-321 du 12 avril 2000"), "{md}");
    assert!(md.contains("article L.\u{a0}1611-4"));
    // The civility comes from the data, the space between it and the name from
    // the clause.
    let rep = &prog.file.funder.representative;
    assert_eq!(rep.civility, "M.");
    assert!(md.contains(&format!("M.{NBSP}{}", rep.name)));
    assert!(md.contains("Mme\u{a0}Claire-Hélène Vasseur"));
    // The decision number and the data of a free text.
    assert!(md.contains("n°\u{a0}CP-2026-01-07"));
    assert!(md.contains("Accueil n°\u{a0}3 de M.\u{a0}Durand, art.\u{a0}5"));
    // The header line written by the engine itself.
    assert!(md.contains("Convention n°\u{a0}"));
    // Nowhere an ordinary space after one of them.
    let text = markdown_text(&md);
    let loose: Vec<&str> = LOOSE_ABBREVIATION
        .find_iter(&text)
        .map(|m| m.as_str())
        .collect();
    assert!(loose.is_empty(), "{loose:?}");
    // A word that merely ends like one is left alone.
    d.project.title = "Le départ. Ensuite HLM. Rien".into();
    let md = render(&prog, ID, &d).markdown;
    assert!(md.contains("Le départ. Ensuite HLM. Rien"));
}

// ---------------------------------------------------------------------------
// SIRET, SIREN, IBAN and RNA never break across lines

/// Digits in groups separated by an ordinary space: a place a line may break.
static BREAKABLE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{3} \d{3}|[A-Z]{2}\d{2} [0-9A-Z]{4}").unwrap());

#[test]
fn identifiers_are_written_with_no_break_spaces() {
    let (prog, mut d) = montvalon();
    // Spaces as an author may type them: the display regroups them.
    d.association.siret = "802 147 637 00028".into();
    d.association.bank.as_mut().unwrap().iban = "FR76 4255 9100 0008 0135 7924 652".into();
    d.association.rna = Some("W553 001 247".into());
    let md = render(&prog, ID, &d).markdown;
    assert!(
        md.contains("SIRET 802\u{a0}147\u{a0}637\u{a0}00028"),
        "{md}"
    );
    assert!(md.contains("FR76\u{a0}4255\u{a0}9100\u{a0}0008\u{a0}0135\u{a0}7924\u{a0}652"));
    assert!(md.contains("sous le numéro W553001247"));
    // The funder's SIRET (from charta.toml) too.
    let funder: String = prog
        .file
        .funder
        .siret
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let grouped = format!(
        "{}{NBSP}{}{NBSP}{}{NBSP}{}",
        &funder[..3],
        &funder[3..6],
        &funder[6..9],
        &funder[9..]
    );
    assert!(md.contains(&grouped), "{grouped}");
    let breakable: Vec<&str> = BREAKABLE_NUMBER
        .find_iter(&md)
        .map(|m| m.as_str())
        .collect();
    assert!(breakable.is_empty(), "{breakable:?}");
}

/// `count` IBANs in one justified paragraph, after words of varied lengths so
/// that some fall at a line end; `space` joins the groups.
fn paragraph_of_ibans(space: &str, count: usize) -> String {
    let words = [
        "a",
        "deux",
        "virement",
        "sur le compte",
        "numéro",
        "bancaire de",
    ];
    let mut p = String::new();
    for k in 0..count {
        p.push_str(words[k % words.len()]);
        p.push(' ');
        p.push_str(&["FR76", "4255", "9100", "0008", "0135", "7924", "652"].join(space));
        p.push_str(", ");
    }
    p.push_str("fin.");
    p
}

/// The lines of the extracted text that hold the start of an IBAN but not
/// all of it.
fn broken_ibans(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("FR76"))
        .flat_map(|l| {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            compact
                .match_indices("FR76")
                .filter(|(i, _)| !compact[*i..].starts_with("FR7642559100000801357924652"))
                .map(|_| l.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn identifiers_never_break_across_lines_in_the_pdf() {
    let (prog, d) = montvalon();
    let meta = render(&prog, ID, &d).pdf_meta;
    let pdf_text = |space: &str| {
        let md = format!(
            "# Convention\n\n<!-- part:objet kind=article number=1er -->\n## Article 1er – Objet\n\n{}\n",
            paragraph_of_ibans(space, 60)
        );
        let out = ENGINE
            .render(&md, &meta)
            .unwrap_or_else(|e| panic!("{e:?}"));
        pdf_extract::extract_text_from_mem(&out.pdf).expect("pdf-extract reads the PDF")
    };
    // Groups joined by no-break spaces: never split.
    let text = pdf_text("\u{a0}");
    assert_eq!(text.matches("FR76").count(), 60, "{text}");
    assert_eq!(broken_ibans(&text), Vec::<String>::new(), "{text}");
    // The same paragraph with ordinary spaces does break inside some IBAN:
    // the check above is not vacuous.
    let text = pdf_text(" ");
    assert!(!broken_ibans(&text).is_empty(), "{text}");
}

// ---------------------------------------------------------------------------
// One number of decimals for the percentages of a document

static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d[\d\u{202f}]*)(?:,(\d+))?\u{a0}%").unwrap());

/// The number of decimals of every percentage written in `md`.
fn percent_decimals(md: &str) -> Vec<(String, usize)> {
    PERCENT
        .captures_iter(md)
        .map(|c| (c[0].to_string(), c.get(2).map_or(0, |m| m.as_str().len())))
        .collect()
}

fn with_budget(d: &mut AssociationFile, lines: &[(&str, i64, i64)], advance: f64) {
    d.convention.funding = Some(
        lines
            .iter()
            .map(|(y, f, _)| (y.to_string(), Amount(f * 100)))
            .collect(),
    );
    d.convention.eligible_cost = Some(
        lines
            .iter()
            .map(|(y, _, e)| (y.to_string(), Amount(e * 100)))
            .collect(),
    );
    d.convention.payment.as_mut().unwrap().advance_percent = advance;
}

#[test]
fn percentages_of_a_document_share_one_number_of_decimals() {
    let (prog, mut d) = montvalon();
    // 31,25 %, 30 %, 30 % and 30,36 % in total; an advance of 60 %.
    with_budget(
        &mut d,
        &[
            ("2026", 25_000, 80_000),
            ("2027", 30_000, 100_000),
            ("2028", 30_000, 100_000),
        ],
        60.0,
    );
    let md = render(&prog, ID, &d).markdown;
    let found = percent_decimals(&md);
    assert!(found.len() >= 8, "{found:?}");
    assert!(found.iter().all(|(_, n)| *n == 2), "{found:?}");
    for p in [
        "31,25\u{a0}%",
        "30,00\u{a0}%",
        "30,36\u{a0}%",
        "60,00\u{a0}%",
    ] {
        assert!(md.contains(p), "{p} missing");
    }

    // Every share whole: still the programme's number of decimals (two by
    // default), so that every convention of the programme writes them alike.
    with_budget(
        &mut d,
        &[
            ("2026", 30_000, 100_000),
            ("2027", 40_000, 100_000),
            ("2028", 50_000, 100_000),
        ],
        50.0,
    );
    let md = render(&prog, ID, &d).markdown;
    let found = percent_decimals(&md);
    assert!(found.iter().all(|(_, n)| *n == 2), "{found:?}");
    assert!(md.contains("30,00\u{a0}%") && md.contains("50,00\u{a0}%"));
    // A programme that writes whole percentages (`percent_decimals = 0`):
    // « 30 % », not « 30,00 % ».
    let mut whole = prog.clone();
    whole.file.programme.percent_decimals = Some(0);
    let md = render(&whole, ID, &d).markdown;
    let found = percent_decimals(&md);
    assert!(found.iter().all(|(_, n)| *n == 0), "{found:?}");
    assert!(md.contains("30\u{a0}%") && md.contains("50\u{a0}%"));

    // A programme of one decimal: all have one (« 12,5 % », « 50,0 % »).
    let mut prog = prog.clone();
    prog.file.programme.percent_decimals = Some(1);
    with_budget(
        &mut d,
        &[
            ("2026", 12_500, 100_000),
            ("2027", 20_000, 100_000),
            ("2028", 20_000, 100_000),
        ],
        50.0,
    );
    let md = render(&prog, ID, &d).markdown;
    let found = percent_decimals(&md);
    assert!(found.iter().all(|(_, n)| *n == 1), "{found:?}");
    assert!(md.contains("12,5\u{a0}%") && md.contains("50,0\u{a0}%"));
}

// ---------------------------------------------------------------------------
// « 1er » as a superscript ordinal in the PDF

#[test]
fn first_ordinal_is_a_superscript_in_the_pdf_only() {
    let (prog, d) = montvalon();
    assert!(d.association.legal_form.contains("loi du 1er juillet 1901"));
    let r = render(&prog, ID, &d);
    // The Markdown keeps « 1er », in the heading and in the data.
    assert!(r.markdown.contains("## Article 1er – "));
    assert!(r.markdown.contains("loi du 1er juillet 1901"));
    let out = ENGINE
        .render(&r.markdown, &r.pdf_meta)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let typst = &out.typst_source;
    assert!(typst.contains("[Article 1#super[er] – "), "heading");
    assert!(typst.contains("loi du 1#super[er] juillet 1901"), "data");
    assert!(typst.contains("1#super[er] janvier 2026"), "dates");
    // Except the part's number (a string argument), no plain « 1er » is left.
    let text_only = typst.replace("\"1er\"", "");
    assert!(
        !Regex::new(r"(^|[^\p{L}\p{N}])1er([^\p{L}\p{N}]|$)")
            .unwrap()
            .is_match(&text_only)
    );
    // The PDF's text still reads « 1er ».
    let text = pdf_extract::extract_text_from_mem(&out.pdf).expect("pdf-extract");
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains("Article1er–"), "{text}");
    assert!(compact.contains("loidu1erjuillet1901"), "{text}");
}

// ---------------------------------------------------------------------------
// « de Les Amis » → « des Amis », « à Le Mans » → « au Mans »

#[test]
fn prepositions_contract_with_the_article_of_a_name() {
    let (prog, mut d) = montvalon();
    for (place, want) in [
        ("Le Mans", "Fait au Mans, le "),
        ("Les Sables-d'Olonne", "Fait aux Sables-d'Olonne, le "),
        ("La Rochelle", "Fait à La Rochelle, le "),
        ("Montvalon-sur-Meuse", "Fait à Montvalon-sur-Meuse, le "),
    ] {
        d.convention.signature.place = place.into();
        let md = render(&prog, ID, &d).markdown;
        assert!(md.contains(want), "{want}");
        assert!(!md.contains("à Le ") && !md.contains("à Les "), "{place}");
    }
}

#[test]
fn a_programme_clause_contracts_de_before_the_association_name() {
    let dir = example_copy();
    std::fs::create_dir_all(dir.path().join("clauses")).unwrap();
    std::fs::write(
        dir.path().join("clauses/adherents.md"),
        "+++\nid = \"adherents\"\nversion = \"1.0.0\"\ntitle = \"Adhérents\"\n\
         summary = \"Les adhérents sont informés.\"\nsource = \"Essai\"\n\
         part = \"objet\"\norder = 15\n+++\n\
         Les adhérents {{ association.name | de }} sont informés de la présente convention, \
         signée {{ convention.signature.place | a }}.\n",
    )
    .unwrap();
    let (prog, diags) = charta::load::load_programme(dir.path()).expect("loads");
    assert!(diags.is_empty(), "{diags:?}");
    let mut d = data(&prog, ID);
    for (name, want) in [
        (
            "Les Amis du Vallon",
            "Les adhérents des Amis du Vallon sont",
        ),
        (
            "Le Relais solidaire",
            "Les adhérents du Relais solidaire sont",
        ),
        ("Emmaüs Montvalon", "Les adhérents d'Emmaüs Montvalon sont"),
        ("La Main tendue", "Les adhérents de La Main tendue sont"),
    ] {
        d.association.name = name.into();
        d.convention.signature.place = "Le Mans".into();
        let md = render(&prog, ID, &d).markdown;
        assert!(md.contains(want), "{want}\n{md}");
        assert!(md.contains("signée au Mans."));
        for bad in ["de Les ", "de Le ", "à Les ", "à Le "] {
            assert!(!md.contains(bad), "{bad} in {name}");
        }
    }
}

#[test]
fn no_example_convention_leaves_an_article_uncontracted() {
    let prog = example();
    for a in &prog.associations {
        let md = render(&prog, &a.id, a.data.as_ref().unwrap()).markdown;
        for bad in ["de Les ", "de Le ", "à Les ", "à Le "] {
            assert!(!md.contains(bad), "{}: {bad}", a.id);
        }
    }
}

// ---------------------------------------------------------------------------
// The dashboard annex

fn indicator(id: &str) -> Indicator {
    Indicator {
        id: id.into(),
        label: format!("Indicateur {id}"),
        kind: charta::model::IndicatorType::Quantitative,
        unit: Some("personnes".into()),
        definition: None,
        measure: None,
        baseline: None,
        baseline_year: None,
        targets: ["2026", "2027", "2028"]
            .iter()
            .map(|y| (y.to_string(), Target::Number(10.0)))
            .collect(),
        source: None,
        direction: None,
    }
}

#[test]
fn dashboard_objectives_follow_the_natural_order_of_their_ids() {
    let (prog, mut d) = montvalon();
    let priority = d.dashboard.objectives[1].priority.clone();
    // In the file: O10 before O2, both under the same priority as O2.
    d.dashboard.objectives.insert(
        1,
        Objective {
            id: "O10".into(),
            priority,
            title: "Dixième objectif".into(),
            indicators: vec![indicator("O10-I1")],
        },
    );
    let r = render(&prog, ID, &d);
    let md = r.markdown;
    let annex = dashboard_annex(&md);
    let o2 = annex.find("| O2\u{a0}: ").expect("O2");
    let o10 = annex.find("| O10\u{a0}: ").expect("O10");
    assert!(o2 < o10, "O2 comes before O10");
    // The PDF's charts follow the table: priority P1 (O2, then O10), then P3 (O1).
    let charts: Vec<&str> = r
        .pdf_meta
        .charts
        .iter()
        .map(|c| c.indicator.as_str())
        .collect();
    assert_eq!(charts, ["O2-I1", "O2-I2", "O10-I1", "O1-I1"]);
}

#[test]
fn dashboard_shows_baseline_year_definition_and_flow_or_stock() {
    let (prog, mut d) = montvalon();
    let first = &mut d.dashboard.objectives[0].indicators[0];
    assert_eq!(first.baseline, Some(Target::Number(640.0)));
    assert_eq!(first.baseline_year, Some(2025));
    first.measure = Some(Measure::Stock);
    let md = render(&prog, ID, &d).markdown;
    let annex = dashboard_annex(&md);
    assert!(annex.contains("| Référence (année) |"));
    assert!(annex.contains("| 640 (2025) |"), "{annex}");
    assert!(annex.contains("| quantitatif, stock (valeur cumulée) |"));
    assert!(annex.contains("| quantitatif, flux annuel |"));
    assert!(annex.contains("| qualitatif |"));
    assert!(annex.contains("celle d'un indicateur de stock porte sur la valeur cumulée"));
    assert!(annex.contains("Définition des indicateurs"));
    assert!(annex.contains(
        "- Personnes reçues en permanence d'accès aux droits (O1-I1)\u{a0}: Nombre de personnes distinctes reçues au moins une fois en permanence au cours de l'année."
    ), "{annex}");

    // Without definitions, measures and baseline years: none of it is stated.
    for o in &mut d.dashboard.objectives {
        for i in &mut o.indicators {
            i.definition = None;
            i.measure = None;
            i.baseline_year = None;
        }
    }
    let md = render(&prog, ID, &d).markdown;
    let annex = dashboard_annex(&md);
    assert!(annex.contains("| 640 |"), "{annex}");
    for absent in [
        "(2025)",
        "Définition des indicateurs",
        "la définition des indicateurs figure",
        "flux annuel",
        "stock",
    ] {
        assert!(!annex.contains(absent), "{absent}");
    }
}

#[test]
fn evaluation_states_that_targets_are_an_obligation_of_means() {
    let (prog, d) = montvalon();
    let md = render(&prog, ID, &d).markdown;
    let start = md
        .find("<!-- part:evaluation ")
        .expect("evaluation article");
    let article = &md[start..start + md[start..].find("\n<!-- part:").unwrap()];
    assert!(
        article.contains(
            "elles constituent une obligation de moyens et non une obligation de résultat"
        )
    );
    assert!(article.contains("ne constitue pas, à lui seul, un manquement"));
    // Nowhere is a target made an obligation of result.
    assert!(!md.contains("constituent une obligation de résultat"));
}
