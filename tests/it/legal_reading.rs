//! The second legal reading (issue « Acts a juriste signs as written »): each
//! point asserted on the rendered text — the Markdown read back and, where the
//! point is about what a signatory reads, the PDF's own text — what must be
//! there and what must no longer be, and each new rule of `charta check` at
//! its JSON path.

use std::sync::LazyLock;

use charta::diagnostic::Severity;
use charta::load::Programme;
use charta::pdf::PdfEngine;
use serde_json::{Value, json};

use crate::common::example;
use crate::legal::{
    CADRE, MAISON, MOBILITE, RESEAU, TIERS, VELO, at, between, changed, check, has, lacks, none_at,
    parse, plain, text,
};
use crate::pdf_render::{normalise_extracted, normalised_contains};

static ENGINE: LazyLock<PdfEngine> = LazyLock::new(|| PdfEngine::new(None));

/// The PDF of the convention `id` changed by `change`, as its text reads
/// (whitespace and line-end hyphens aside: see `pdf_render`).
fn pdf(prog: &Programme, id: &str, change: impl FnOnce(&mut Value)) -> Vec<char> {
    let v = changed(prog, id, change);
    let r = crate::common::render(prog, id, &parse(&v));
    let out = ENGINE
        .render(&r.markdown, &r.pdf_meta)
        .unwrap_or_else(|e| panic!("{e}"));
    let text = pdf_extract::extract_text_from_mem(&out.pdf).expect("pdf-extract reads the PDF");
    normalise_extracted(&text)
}

fn pdf_has(pdf: &[char], needle: &str) {
    assert!(
        normalised_contains(pdf, needle),
        "missing « {needle} » in the PDF:\n{}",
        pdf.iter().collect::<String>()
    );
}

fn pdf_lacks(pdf: &[char], needle: &str) {
    assert!(
        !normalised_contains(pdf, needle),
        "unexpected « {needle} » in the PDF"
    );
}

fn no_change(_: &mut Value) {}

// 7. The refusal to produce the documents « peut entraîner », in the conditions
// of the article, the suppression: never automatic, as the procedure of the
// same article (observations within a month) requires.

#[test]
fn the_sanction_of_a_refusal_follows_the_procedure_of_its_article() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    let sanctions = between(&t, "Sanctions", "Évaluation");
    has(
        sanctions,
        "Le refus de communiquer ces documents peut entraîner, dans les conditions du présent article, la suppression de la contribution.",
    );
    lacks(sanctions, "documents entraîne la suppression");
    has(
        sanctions,
        "après avoir mis l'association à même de présenter ses observations",
    );
    let p = pdf(&prog, TIERS, no_change);
    pdf_has(
        &p,
        "peut entraîner, dans les conditions du présent article, la suppression de la contribution",
    );
    pdf_lacks(&p, "documents entraîne la suppression");
}

// 8. The charter's lines bind the funder to means, not to results it cannot
// promise before the yearly vote of its credits.

#[test]
fn the_funders_charter_commitments_are_undertakings_of_means() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    has(
        &t,
        "et s'efforce de verser chaque année l'avance prévue dès le début de l'exercice, sous réserve du vote annuel des crédits",
    );
    lacks(&t, "verse chaque année une avance");
    has(
        &t,
        "s'efforce de porter toute réduction ou interruption envisagée de son soutien à la connaissance de l'association, dans la mesure du possible suffisamment tôt pour lui permettre de s'organiser, sans préjudice du vote annuel des crédits",
    );
    lacks(
        &t,
        "est portée à la connaissance de l'association suffisamment tôt",
    );
    has(&t, "La Région s'attache à associer l'association");
    // A single-year convention: the advance after signature, as a means too.
    let one = text(&prog, TIERS, |v| {
        v["convention"]["kind"] = json!("annuelle");
        v["convention"]["years"] = json!([2026]);
        for k in ["funding", "eligible_cost"] {
            let y = v["convention"][k]["2026"].clone();
            v["convention"][k] = json!({ "2026": y });
        }
        for o in v["dashboard"]["objectives"].as_array_mut().unwrap() {
            for i in o["indicators"].as_array_mut().unwrap() {
                let y = i["targets"]["2026"].clone();
                i["targets"] = json!({ "2026": y });
            }
        }
        v["association"]["other_public_subsidies"] = json!({"2026": 0});
    });
    has(
        &one,
        "s'efforce de lui verser l'avance prévue dans les meilleurs délais après la signature",
    );
    lacks(&one, "lui verse une avance dès la signature");
    // Without an advance, no word of one.
    let none = text(&prog, TIERS, |v| {
        v["convention"]["payment"]["advance_percent"] = json!(0)
    });
    lacks(&none, "l'avance prévue dès le début de l'exercice");
    let p = pdf(&prog, TIERS, no_change);
    pdf_has(
        &p,
        "s'efforce de verser chaque année l'avance prévue dès le début de l'exercice",
    );
    pdf_lacks(&p, "verse chaque année une avance");
}

// 9. An article of the convention cited next to a law is « l'article N de la
// présente convention »: « dont l'article 10 précise la portée » read as the
// loi's article 10.

#[test]
fn an_article_of_the_convention_cited_near_a_law_says_so() {
    let prog = example();
    let t = text(&prog, RESEAU, no_change);
    has(
        &t,
        "conformément au contrat d'engagement républicain qu'elle a souscrit et dont l'article 10 de la présente convention précise la portée",
    );
    lacks(&t, "dont l'article 10 précise la portée");
    has(
        &t,
        "Les conséquences d'un manquement au contrat d'engagement républicain sont régies par l'article 10 de la présente convention.",
    );
    has(
        &t,
        "des documents complets mentionnés à l'article 6 de la présente convention",
    );
    // Every « l'article N » the convention writes is its own article, said so
    // wherever a law is cited in the same sentence.
    let own_article = regex::Regex::new(r"l'article (\d+|1er)\b").unwrap();
    for id in [TIERS, RESEAU, MAISON, CADRE, VELO, MOBILITE] {
        let t = plain(&text(&prog, id, no_change));
        for sentence in t.lines().flat_map(|l| l.split(". ")) {
            let cites_a_law = ["loi n°", "décret", "code ", "contrat d'engagement"]
                .iter()
                .any(|l| sentence.contains(l));
            let own = own_article
                .find_iter(sentence)
                .filter(|m| {
                    let rest = &sentence[m.end()..];
                    !rest.starts_with(" de la loi")
                        && !rest.starts_with(" du code")
                        && !rest.starts_with(" du décret")
                        && !rest.starts_with(" de la présente convention")
                        && !rest.starts_with(" de la même loi")
                        && !rest.starts_with("-")
                        && !rest.starts_with(", paragraphe")
                })
                .count();
            assert!(
                !(cites_a_law && own > 0),
                "{id}: an article of the convention cited beside a law without « de la présente convention »: {sentence}"
            );
        }
    }
    let p = pdf(&prog, RESEAU, no_change);
    pdf_has(
        &p,
        "dont l'article 10 de la présente convention précise la portée",
    );
}
