//! End-to-end tests of the PDF stage through its public API: a realistic
//! convention Markdown → PDF, then the PDF's own text (read back with
//! `pdf-extract`) checked for content, literal user data, determinism and the
//! PDF/A-2b identification.

use std::sync::LazyLock;
use std::time::Instant;

use charta::emit::pdf::{Chart, Meta, PdfEngine};
use proptest::prelude::*;

/// One engine for every test, as in production (fonts and library are built
/// once; `render` is called from several test threads at once).
static ENGINE: LazyLock<PdfEngine> = LazyLock::new(|| PdfEngine::new(None));

const ASSOCIATION: &str = "Maison des Solidarités Rémoises (MSR)";

fn meta(association: &str) -> Meta {
    Meta {
        title: "Convention pluriannuelle d'objectifs".into(),
        reference: "CR-ESS-2026-014".into(),
        funder: "Région Champagne-Ardenne".into(),
        association: association.into(),
        period: "2026-2028".into(),
        date: (2026, 3, 12),
        charts: vec![
            Chart {
                indicator: "O1-I1".into(),
                label: "Personnes accompagnées".into(),
                unit: "personnes".into(),
                points: vec![
                    ("Référence".into(), 110.0),
                    ("2026".into(), 120.0),
                    ("2027".into(), 135.0),
                    ("2028".into(), 150.0),
                ],
                actuals: Vec::new(),
            },
            Chart {
                indicator: "O2-I1".into(),
                label: "Heures de bénévolat".into(),
                unit: "heures".into(),
                points: vec![
                    ("Référence".into(), 12500.0),
                    ("2026".into(), 13000.5),
                    ("2027".into(), 14000.0),
                    ("2028".into(), 15000.0),
                ],
                actuals: Vec::new(),
            },
        ],
    }
}

/// A convention as charta's renderer writes it (see docs/design.md): anchors,
/// title, parties, articles, a 30-row table, the signature, two annexes.
fn convention(association: &str) -> String {
    let mut md = String::new();
    md.push_str(
        "<!-- charta:convention id=msr reference=CR-ESS-2026-014 kind=cpo -->\n\
         # Convention pluriannuelle d'objectifs\n\n\
         <!-- part:parties kind=block -->\n\
         ## Entre les soussignés\n\n\
         <!-- clause:parties-financeur v=1.0.0 -->\n\
         La Région Champagne-Ardenne, 5 rue de Jéricho, 51000 Châlons-en-Champagne, \
         SIRET 235 100 018 00010, représentée par le Président du Conseil régional, \
         ci-après dénommée « la Région », d'une part,\n\n\
         <!-- clause:parties-association v=1.0.0 -->\n",
    );
    md.push_str(&format!(
        "et l'association {association}, association déclarée, dont le siège est \
         12 rue des Capucins, 51100 Reims, RNA W511000123, représentée par sa présidente, \
         ci-après dénommée « l'association », d'autre part.\n\n"
    ));
    md.push_str(
        "<!-- part:visas kind=block -->\n\
         ## Visas\n\n\
         <!-- clause:visas v=1.0.0 -->\n\
         - Vu la loi n° 2000-321 du 12 avril 2000, notamment ses articles 9-1 et 10 ;\n\
         - Vu le décret n° 2001-495 du 6 juin 2001 ;\n\
         - Vu la délibération de la commission permanente du 12 mars 2026.\n\n\
         <!-- part:convenu kind=block -->\n\
         **Il est convenu ce qui suit :**\n\n\
         <!-- part:objet kind=article number=1er -->\n\
         ## Article 1er – Objet de la convention\n\n\
         <!-- clause:objet v=1.0.0 -->\n\
         Par la présente convention, l'association s'engage, à son initiative et sous sa \
         responsabilité, à mettre en œuvre le projet décrit à l'annexe I. La Région \
         n'attend aucune contrepartie directe de cette contribution.\n\n\
         <!-- part:duree kind=article number=2 -->\n\
         ## Article 2 – Durée de la convention\n\n\
         <!-- clause:duree v=1.0.0 -->\n\
         La convention est conclue pour trois années, du 1er janvier 2026 au \
         31 décembre 2028.\n\n\
         <!-- part:cout kind=article number=3 -->\n\
         ## Article 3 – Coût de l'action\n\n\
         <!-- clause:cout v=1.0.0 -->\n\
         Le coût total éligible de l'action est détaillé ligne par ligne ci-dessous.\n\n\
         | Poste | Année | Montant |\n\
         |:------|:-----:|--------:|\n",
    );
    for i in 1..=30 {
        md.push_str(&format!(
            "| Poste de dépense n° {i} | {} | {} 250 € |\n",
            2026 + (i % 3),
            i * 3
        ));
    }
    md.push('\n');
    for (n, title) in [
        (4, "Contribution financière"),
        (5, "Modalités de versement"),
        (6, "Justificatifs"),
    ] {
        md.push_str(&format!(
            "<!-- part:art{n} kind=article number={n} -->\n\
             ## Article {n} – {title}\n\n\
             <!-- clause:art{n} v=1.0.0 -->\n\
             La Région contribue financièrement à l'action pour un montant maximal de \
             45 000 € (quarante-cinq mille euros) par an, sous réserve du vote des crédits \
             par l'assemblée délibérante. L'association transmet les justificatifs dans \
             les six mois suivant la clôture de chaque exercice, conformément à \
             l'article 10 de la loi du 12 avril 2000.\n\n"
        ));
    }
    md.push_str(
        "<!-- part:signature kind=block -->\n\
         <!-- clause:signature v=1.0.0 -->\n\
         Fait à Châlons-en-Champagne, le 12 mars 2026, en deux exemplaires originaux.\n\n\
         | Pour la Région, le Président du Conseil régional | Pour l'association, la présidente |\n\
         |---|---|\n\
         | Jean Dupont | Marie Martin |\n\n\
         <!-- part:annexe-programme kind=annex number=I -->\n\
         ## Annexe I – Programme d'actions\n\n\
         <!-- clause:annexe-programme v=1.0.0 -->\n\
         Accueil, accompagnement et orientation des personnes en situation de précarité.\n\n\
         <!-- part:annexe-tableau-de-bord kind=annex number=III -->\n\
         ## Annexe III – Tableau de bord\n\n\
         <!-- clause:annexe-tableau-de-bord v=1.0.0 -->\n\
         | Priorité | Objectif | Indicateur | Unité | Référence | 2026 | 2027 | 2028 |\n\
         |---|---|---|---|--:|--:|--:|--:|\n\
         | Solidarité | O1 Accompagner | O1-I1 Personnes accompagnées | personnes | 110 | 120 | 135 | 150 |\n\
         | Engagement | O2 Mobiliser | O2-I1 Heures de bénévolat | heures | 12 500 | 13 000,5 | 14 000 | 15 000 |\n",
    );
    md
}

/// Text of a PDF, as `pdf-extract` reads it.
fn text_of(pdf: &[u8]) -> String {
    dump(pdf);
    pdf_extract::extract_text_from_mem(pdf).expect("pdf-extract reads Typst's PDF")
}

/// With `CHARTA_PDF_DUMP=dir`, keeps the PDFs for a look (named by size).
fn dump(pdf: &[u8]) {
    if let Ok(dir) = std::env::var("CHARTA_PDF_DUMP") {
        let path = std::path::Path::new(&dir).join(format!("{}.pdf", pdf.len()));
        std::fs::write(path, pdf).expect("write the dumped PDF");
    }
}

/// Marks a line-end hyphen (Typst hyphenates justified text): it may or may
/// not be part of the expected text.
const SOFT: char = '\u{E000}';

/// Whitespace removed (pdf-extract puts spaces and newlines where glyphs are
/// far apart; no-break spaces may come back as plain ones), and each
/// hyphen that ends a line turned into [`SOFT`].
///
/// A soft hyphen (U+00AD) anywhere is [`SOFT`] too. Typst marks its
/// line-end hyphens with `/ActualText <FEFF00AD>` and maps the hyphen glyph
/// to U+002D in `/ToUnicode`; pdf-extract 0.10 reads no `/ActualText` and
/// may give U+00AD for a hyphen of the text itself. Seen with « L-6 » in a
/// paragraph that Typst had hyphenated elsewhere: poppler's `pdftotext`
/// reads « L-6 » from the same file (proptest seed `cc 6db8df93…` in
/// `tests/proptest-regressions/escaping.txt`).
pub(crate) fn normalise_extracted(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            continue;
        }
        let line_end_follows = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_whitespace())
            .any(|&c| c == '\n');
        out.push(if (c == '-' && line_end_follows) || c == '\u{AD}' {
            SOFT
        } else {
            c
        });
    }
    out
}

fn normalise_expected(text: &str) -> Vec<char> {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn matches_at(hay: &[char], needle: &[char]) -> bool {
    match (hay.first(), needle.first()) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(&SOFT), Some(&n)) => {
            // A line-end hyphen: Typst's, or the text's own.
            matches_at(&hay[1..], needle) || (n == '-' && matches_at(&hay[1..], &needle[1..]))
        }
        (Some(&h), Some(&n)) => h == n && matches_at(&hay[1..], &needle[1..]),
    }
}

/// Whether `needle` appears in the PDF text, whitespace and hyphenation aside.
fn pdf_contains(extracted: &str, needle: &str) -> bool {
    normalised_contains(&normalise_extracted(extracted), needle)
}

/// [`pdf_contains`] on a text already normalised by [`normalise_extracted`].
pub(crate) fn normalised_contains(hay: &[char], needle: &str) -> bool {
    let needle = normalise_expected(needle);
    (0..=hay.len()).any(|i| matches_at(&hay[i..], &needle))
}

#[test]
fn pdf_render_convention() {
    let started = Instant::now();
    let output = ENGINE
        .render(&convention(ASSOCIATION), &meta(ASSOCIATION))
        .unwrap_or_else(|e| panic!("{e:?}"));
    eprintln!(
        "convention: {} pages, {} bytes, {:?}",
        output.pages,
        output.pdf.len(),
        started.elapsed()
    );
    assert!(output.pdf.starts_with(b"%PDF-"));
    assert!(output.pages > 1, "{} pages", output.pages);
    assert!(
        output
            .typst_source
            .contains("#part(\"signature\", \"block\", none)[")
    );

    let text = text_of(&output.pdf);
    for expected in [
        "Article 1er – Objet de la convention",
        "Article 1er",
        ASSOCIATION,
        "Poste de dépense n° 1",
        "Poste de dépense n° 30",
        "90 250 €",
        "CR-ESS-2026-014",
        "Région Champagne-Ardenne",
        "Jean Dupont",
        "Marie Martin",
        "Annexe III – Tableau de bord",
        "O2-I1 Heures de bénévolat",
        // The chart of O2-I1 (French number formatting).
        "13 000,5",
        &format!("Page 1 sur {}", output.pages),
        "Paraphes",
    ] {
        assert!(
            pdf_contains(&text, expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    // The helper does not find what is not there.
    assert!(!pdf_contains(&text, "Article 99"));
    // The 30-row table spans two pages: its header row is repeated.
    assert!(text.matches("Montant").count() >= 2, "header not repeated");
}

#[test]
fn pdf_render_is_byte_identical() {
    let markdown = convention(ASSOCIATION);
    let first = ENGINE.render(&markdown, &meta(ASSOCIATION)).unwrap();
    let second = ENGINE.render(&markdown, &meta(ASSOCIATION)).unwrap();
    assert_eq!(first.pages, second.pages);
    assert!(first.pdf == second.pdf, "two renders differ");
}

#[test]
fn pdf_render_is_pdf_a_2b() {
    let output = ENGINE
        .render(&convention(ASSOCIATION), &meta(ASSOCIATION))
        .unwrap();
    let pdf = String::from_utf8_lossy(&output.pdf);
    let part = pdf.contains("<pdfaid:part>2</pdfaid:part>") || pdf.contains("pdfaid:part=\"2\"");
    let conformance = pdf.contains("<pdfaid:conformance>B</pdfaid:conformance>")
        || pdf.contains("pdfaid:conformance=\"B\"");
    assert!(
        part && conformance,
        "no PDF/A-2b identification in the XMP metadata"
    );
    // Articles and annexes are bookmarked.
    assert!(pdf.contains("/Outlines"), "no PDF outline");
    // Metadata comes from the data, not the clock.
    assert!(
        pdf.contains("2026-03-12"),
        "document date missing from the XMP"
    );
}

/// Characters that are markup in Typst (and in Markdown), as an association
/// name and as text, including at line starts.
const SPECIALS: &str = "# $ * _ @ < > [ ] \\ // = ~ \" {{ }}";

/// Data escaped for Markdown as the renderer escapes it (Tera's autoescape).
fn markdown_escape(text: &str) -> String {
    charta::render::escape_markdown(text)
}

/// A minimal one-page convention holding `paragraph` (already Markdown).
fn small_convention(paragraph: &str) -> String {
    format!(
        "# Convention annuelle\n\n\
         <!-- part:objet kind=article number=1er -->\n\
         ## Article 1er – Objet\n\n\
         {paragraph}\n"
    )
}

#[test]
fn pdf_render_specials_are_literal() {
    let name = format!("Asso {SPECIALS} http://x");
    let lines = [
        "http://x au début de ligne",
        "// pas un commentaire",
        "/* ni un bloc */",
        "= pas un titre",
        "- pas une liste",
        "+ pas une énumération",
        "1. pas un numéro",
        "/ terme: pas une définition",
        "$x$ pas des maths",
        "#let x = 1",
        "<label> @ref",
        SPECIALS,
    ];
    // Each line escaped as data, separated by soft breaks: every one starts a
    // line in the Markdown and in the generated Typst.
    let paragraph = lines
        .iter()
        .map(|l| markdown_escape(l))
        .collect::<Vec<_>>()
        .join("\n");
    let markdown = format!(
        "{}\nAssociation {}.\n",
        small_convention(&paragraph),
        markdown_escape(&name)
    );
    let output = ENGINE
        .render(&markdown, &meta(&name))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let text = text_of(&output.pdf);
    for expected in lines.iter().copied().chain([name.as_str()]) {
        assert!(
            pdf_contains(&text, expected),
            "missing {expected:?} in:\n{text}"
        );
    }
    // The name is in the body (Markdown) and in the title block (data from
    // /meta.json): both literal.
    let title_block_and_body = normalise_extracted(&text)
        .iter()
        .collect::<String>()
        .matches(&normalise_expected(&name).iter().collect::<String>())
        .count();
    assert!(
        title_block_and_body >= 2,
        "the name appears {title_block_and_body} times"
    );
}

/// Printable ASCII, French and typographic characters Libertinus Serif draws,
/// and line breaks.
fn text_strategy() -> impl Strategy<Value = String> {
    let unicode: Vec<char> = "àâäéèêëîïôöùûüÿçœæÀÂÉÈÊÎÔÙÇŒÆ«»€–—’‘“”…°§µ²\u{a0}\u{202f}"
        .chars()
        .collect();
    let ascii: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
    let chars = prop_oneof![
        8 => proptest::sample::select(ascii),
        3 => proptest::sample::select(unicode),
        1 => Just('\n'),
    ];
    proptest::collection::vec(chars, 0..120).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pdf_render_any_paragraph_is_literal(text in text_strategy()) {
        let markdown = small_convention(&markdown_escape(&text));
        let output = ENGINE.render(&markdown, &meta(ASSOCIATION));
        prop_assert!(output.is_ok(), "{:?}", output.err().unwrap());
        let extracted = text_of(&output.unwrap().pdf);
        prop_assert!(pdf_contains(&extracted, &text), "{text:?} not in:\n{extracted}");
    }
}

/// About ten pages: 22 articles, a 90-row table, the signature, the dashboard.
fn long_convention() -> String {
    let mut md = convention(ASSOCIATION);
    let cut = md.find("<!-- part:signature").unwrap();
    let tail = md.split_off(cut);
    for n in 7..=22 {
        md.push_str(&format!(
            "<!-- part:art{n} kind=article number={n} -->\n## Article {n} – Article type\n\n"
        ));
        for _ in 0..3 {
            md.push_str(
                "L'association s'engage à informer la Région sans délai de toute modification \
                 de ses statuts, de sa gouvernance ou de sa situation financière, et à faciliter \
                 le contrôle, sur pièces et sur place, de l'emploi de la contribution. Elle \
                 fournit à cet effet tout document utile dans un délai d'un mois.\n\n",
            );
        }
    }
    md.push_str("<!-- part:budget kind=article number=23 -->\n## Article 23 – Budget\n\n");
    md.push_str("| Poste | Année | Montant |\n|---|---|--:|\n");
    for i in 1..=90 {
        md.push_str(&format!("| Poste {i} | {} | {} 000 € |\n", 2026 + i % 3, i));
    }
    md.push('\n');
    md.push_str(&tail);
    md
}

/// A long convention loses nothing across its pages: every article and every
/// row of a table that runs over several pages (its header repeated on each),
/// the page count in the footer, the signature after the table. (Its speed
/// is measured by the benchmarks of the README, not here.)
#[test]
fn pdf_render_long_convention_keeps_every_row_and_page() {
    let markdown = long_convention();
    let output = ENGINE
        .render(&markdown, &meta(ASSOCIATION))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(output.pages >= 8, "{} pages", output.pages);
    let text = text_of(&output.pdf);
    for n in 7..=22 {
        assert!(
            pdf_contains(&text, &format!("Article {n} – Article type")),
            "article {n}"
        );
    }
    for i in 1..=90 {
        assert!(
            pdf_contains(&text, &format!("Poste {i} {} {i} 000 €", 2026 + i % 3)),
            "row {i} of the budget table"
        );
    }
    // The 90-row table spans pages: its header is repeated on each.
    let headers = normalise_extracted(&text)
        .iter()
        .collect::<String>()
        .matches("PosteAnnéeMontant")
        .count();
    assert!(headers >= 3, "table header {headers} times");
    for page in 1..=output.pages {
        assert!(
            pdf_contains(&text, &format!("Page {page} sur {}", output.pages)),
            "footer of page {page}"
        );
    }
    let flat: String = normalise_extracted(&text).iter().collect();
    let last_row = flat.find("Poste902026").expect("last row");
    let signature = flat.find("Faità").expect("signature");
    assert!(signature > last_row, "the signature follows the table");
}
