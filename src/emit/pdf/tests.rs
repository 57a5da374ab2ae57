//! Unit tests of the engine's internals: sandbox, error locations, the date,
//! thread sharing, the cache kept between documents, and the converter's
//! output (whole and split into blocks) always parsing as Typst.
//! End-to-end checks of the PDF's text live in `tests/it/pdf_render.rs`.

use proptest::prelude::*;

use super::*;

fn meta() -> Meta {
    Meta {
        title: "Convention annuelle".into(),
        reference: "CR-TEST-1".into(),
        funder: "Région".into(),
        association: "Association".into(),
        period: "2026".into(),
        date: (2026, 3, 12),
        charts: Vec::new(),
    }
}

const MARKDOWN: &str = "# Convention annuelle\n\n\
    <!-- part:objet kind=article number=1er -->\n\
    ## Article 1er – Objet\n\n\
    Texte.\n";

/// A layout override with the three names `/main.typ` needs, plus `extra`.
fn layout(extra: &str) -> String {
    format!(
        "#let convention(body) = {{ set document(date: datetime.today()); body }}\n\
         #let convention-title(body) = body\n\
         #let part(id, kind, number, body) = body\n\
         {extra}\n"
    )
}

#[test]
fn engine_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<PdfEngine>();
}

#[test]
fn builtin_layout_renders_without_charts_or_signature() {
    let output = PdfEngine::new(None).render(MARKDOWN, &meta()).unwrap();
    assert_eq!(output.pages, 1);
}

/// A convention with every special part: title, signature, dashboard annex
/// with charts.
const FULL: &str = "# Convention pluriannuelle d'objectifs\n\n\
    <!-- part:parties kind=block -->\n## Entre les soussignés\n\nLa Région et l'association.\n\n\
    <!-- part:objet kind=article number=1er -->\n## Article 1er – Objet\n\nTexte.\n\n\
    <!-- part:signature kind=block -->\nFait à Reims.\n\n\
    | Pour la Région | Pour l'association |\n|---|---|\n| A | B |\n\n\
    <!-- part:annexe-tableau-de-bord kind=annex number=I -->\n## Annexe I – Tableau de bord\n\n\
    | Indicateur | Référence | 2026 |\n|---|--:|--:|\n| O1-I1 | 10 | 12 |\n";

#[test]
fn builtin_layout_converges_without_warnings() {
    let mut meta = meta();
    meta.charts = vec![
        Chart {
            indicator: "O1-I1".into(),
            label: "Bénéficiaires".into(),
            unit: "personnes".into(),
            points: vec![("Référence".into(), 10.0), ("2026".into(), 12.0)],
            actuals: Vec::new(),
        },
        // Degenerate data still draws: no points, zero and non-finite values.
        Chart {
            indicator: "O1-I2".into(),
            label: "Vide".into(),
            unit: String::new(),
            points: Vec::new(),
            actuals: Vec::new(),
        },
        Chart {
            indicator: "O1-I3".into(),
            label: "Valeurs limites".into(),
            unit: "%".into(),
            points: vec![
                ("Référence".into(), 0.0),
                ("2026".into(), f64::NAN),
                ("2027".into(), -3.5),
                ("2028".into(), 1e9),
            ],
            actuals: Vec::new(),
        },
    ];
    let engine = PdfEngine::new(None);
    let (output, warnings) = engine.render_with_warnings(FULL, &meta);
    let output = output.unwrap_or_else(|e| panic!("{}", typst_error(&e.diagnostic)));
    assert!(warnings.is_empty(), "{warnings:?}");
    // Title page and articles, then the signature, then the annex on its own page.
    assert_eq!(output.pages, 2);
}

/// The review layout (`templates/review.typ`) converges without warnings on
/// degenerate charts too: no actuals, actuals only, a year with an actual
/// but no target, zero, negative and non-finite values.
#[test]
fn review_layout_converges_without_warnings() {
    let mut meta = meta();
    let chart = |points: Vec<(String, f64)>, actuals: Vec<(String, f64)>| Chart {
        indicator: "O1-I1".into(),
        label: "Bénéficiaires".into(),
        unit: "personnes".into(),
        points,
        actuals,
    };
    meta.charts = vec![
        chart(
            vec![
                ("Référence".into(), 10.0),
                ("2026".into(), 12.0),
                ("2027".into(), 14.0),
            ],
            vec![("2026".into(), 11.0)],
        ),
        chart(Vec::new(), Vec::new()),
        chart(Vec::new(), vec![("2026".into(), 3.0)]),
        chart(
            vec![("2026".into(), 0.0), ("2027".into(), f64::NAN)],
            vec![("2026".into(), -2.0), ("2027".into(), 1e9)],
        ),
    ];
    let markdown = "# Bilan annuel 2026\n\n<!-- part:identification kind=block -->\n\nTexte.\n\n\
        <!-- part:trajectoires kind=block -->\n\n## Trajectoires\n\n| A | B |\n|---|---|\n| 1 | 2 |\n";
    let engine = PdfEngine::new(Some(super::REVIEW_LAYOUT.to_string()));
    let (output, warnings) = engine.render_with_warnings(markdown, &meta);
    let output = output.unwrap_or_else(|e| panic!("{}", typst_error(&e.diagnostic)));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(output.pages >= 1);
}

#[test]
fn today_is_the_document_date() {
    let engine = PdfEngine::new(Some(layout(
        "#assert.eq(datetime.today(), datetime(year: 2026, month: 3, day: 12))",
    )));
    engine
        .render(MARKDOWN, &meta())
        .unwrap_or_else(|e| panic!("{}", typst_error(&e.diagnostic)));
}

#[test]
fn the_world_reads_no_file() {
    let engine = PdfEngine::new(Some(layout("#read(\"/etc/hostname\")")));
    let error = engine.render(MARKDOWN, &meta()).unwrap_err().diagnostic;
    assert!(error.message.en.contains("not found"), "{error:?}");

    let engine = PdfEngine::new(Some(layout("#read(\"../Cargo.toml\")")));
    assert!(engine.render(MARKDOWN, &meta()).is_err());
}

#[test]
fn packages_are_refused() {
    let engine = PdfEngine::new(Some(layout("#import \"@preview/cetz:0.3.4\"")));
    let error = engine.render(MARKDOWN, &meta()).unwrap_err().diagnostic;
    assert!(
        error.message.en.contains("packages are not available"),
        "{error:?}"
    );
}

/// Typesets [`MARKDOWN`] with a `broken` layout: the error, whose message
/// must name `in_layout`, its line in /main.typ and that line's text.
fn located_error(broken: &str, in_layout: &str) -> (Diagnostic, usize, String) {
    let unmade = PdfEngine::new(Some(broken.into()))
        .render(MARKDOWN, &meta())
        .unwrap_err();
    let error = unmade.diagnostic.clone();
    assert!(error.message.en.contains(in_layout), "{}", error.message.en);
    let line = error.line.expect("a line in main.typ");
    let source = String::from_utf8(unmade.extra("typ").unwrap().to_vec()).unwrap();
    let text = source.lines().nth(line - 1).unwrap().to_string();
    (error, line, text)
}

#[test]
fn errors_in_the_layout_point_at_the_generated_call() {
    // `part` fails for articles: the error is in the layout, the position
    // given is the `#part(` call in /main.typ.
    let broken = "#let convention(body) = body\n\
                  #let convention-title(body) = body\n\
                  #let part(id, kind, number, body) = {\n  \
                    if kind == \"article\" { 1 + \"un\" }\n  \
                    body\n\
                  }\n";
    let (error, line, text) = located_error(broken, "/layout.typ:4:");
    assert!(text.starts_with("#part(\"objet\""), "line {line}: {text:?}");
    assert_eq!(error.column, Some(2), "{error:?}");
    assert!(typst_error(&error).starts_with(&format!("Typst: main.typ:{line}:2: ")));
}

#[test]
fn errors_in_a_block_point_at_its_line_in_the_generated_source() {
    // The heading is typeset from a block file of its own; the error is
    // still reported at the heading's line and column in /main.typ.
    let broken = "#let convention(body) = { show heading: it => 1 + \"un\"; body }\n\
                  #let convention-title(body) = body\n\
                  #let part(id, kind, number, body) = body\n";
    let (error, line, text) = located_error(broken, "/layout.typ:1:");
    assert!(
        text.starts_with("#heading(level: 1)[Article 1#super[er]"),
        "line {line}: {text:?}"
    );
    // Column 2: the call after its `#`, as for `#part(`.
    assert_eq!(error.column, Some(2), "{error:?}");
}

#[test]
fn the_cache_kept_between_documents_changes_no_byte() {
    // Shared paragraphs are laid out once for all documents (the memoisation
    // cache outlives a document): a document typeset after others, with a
    // warm cache, is the very document typeset first. Its text is this
    // test's own: other tests, in parallel, typeset `MARKDOWN` and would
    // keep its blocks in the pool below.
    let own = MARKDOWN
        .replace("# Convention annuelle", "# Convention du cache")
        .replace("## Article 1er – Objet", "## Article 1er – Objet du cache")
        .replace("Texte.", "Texte propre à l'essai du cache.");
    let engine = PdfEngine::new(None);
    let first = engine.render(&own, &meta()).unwrap().pdf;
    let other = own.replace("du cache.", "du cache.\n\nAutre texte, *autre* paragraphe.");
    let other_meta = Meta {
        association: "Autre association".into(),
        reference: "CR-TEST-2".into(),
        ..meta()
    };
    let second = engine.render(&other, &other_meta).unwrap().pdf;
    assert!(second != first);
    assert!(engine.render(&own, &meta()).unwrap().pdf == first);

    // Nor does the file id a block gets (it depends on what the process
    // typeset before): push this document's blocks out of the pool, so that
    // they come back under other ids.
    let ids = |split: &Split| split.chunks.iter().map(|c| c.id).collect::<Vec<_>>();
    let (source, blocks) = convert::markdown_to_typst_blocks(&own);
    let before = ids(&Split::new(&source, blocks.clone()));
    // More texts than the pool holds, until the blocks have other ids (a
    // look at their ids puts them back in use: look after five rounds).
    let mut round = 0;
    loop {
        for _ in 0..5 {
            let texts: Vec<String> = (0..world::MAX_CHUNKS_PER_DOCUMENT)
                .map(|i| format!("remplissage {round} {i}"))
                .collect();
            world::chunks(&texts.iter().map(String::as_str).collect::<Vec<_>>());
            round += 1;
        }
        if ids(&Split::new(&source, blocks.clone())) != before {
            break;
        }
        assert!(round < 50, "the blocks never left the pool");
    }
    assert!(engine.render(&own, &meta()).unwrap().pdf == first);
}

#[test]
fn blocks_come_from_files_of_their_own_and_keep_their_lines() {
    let source = markdown_to_typst(MARKDOWN);
    let (_, blocks) = convert::markdown_to_typst_blocks(MARKDOWN);
    let split = Split::new(&source, blocks.clone());
    assert_eq!(split.chunks.len(), 2, "{}", split.main);
    // Same number of lines; a line that changed is an include, on the
    // block's first line.
    assert_eq!(split.main.lines().count(), source.lines().count());
    let changed: Vec<usize> = (split.main.lines().zip(source.lines()).enumerate())
        .filter(|(_, (a, b))| a != b)
        .map(|(line, (a, _))| {
            assert!(a.starts_with("#include \"/charta-block/"), "{a:?}");
            line
        })
        .collect();
    let mut origins: Vec<usize> = split.origins.values().map(|&(line, _)| line).collect();
    origins.sort();
    assert_eq!(changed, origins);
    // The same text gets the same file, parsed once.
    let again = Split::new(&source, blocks);
    assert_eq!(again.main, split.main);
    assert!(
        again
            .chunks
            .iter()
            .zip(&split.chunks)
            .all(|(a, b)| a.id == b.id && a.source.text() == b.source.text())
    );
}

#[test]
fn a_document_with_too_many_blocks_stays_in_one_file() {
    // Past the pool's share for one document, nothing is split: the source
    // is read as generated, and still typesets.
    let markdown: String = (0..=world::MAX_CHUNKS_PER_DOCUMENT)
        .map(|i| format!("Paragraphe {i}.\n\n"))
        .collect();
    let (source, blocks) = convert::markdown_to_typst_blocks(&markdown);
    assert!(blocks.len() > world::MAX_CHUNKS_PER_DOCUMENT);
    let split = Split::new(&source, blocks);
    assert!(split.chunks.is_empty());
    assert_eq!(split.main, source);
    let pdf = PdfEngine::new(Some(layout("")))
        .render(&markdown, &meta())
        .unwrap();
    assert!(pdf.pages > 1);
}

#[test]
fn missing_layout_names_are_reported_with_hints() {
    let error = PdfEngine::new(Some(String::new()))
        .render(MARKDOWN, &meta())
        .unwrap_err()
        .diagnostic;
    // `#import "/layout.typ": *` succeeds; `#show: convention` does not.
    assert!(error.message.en.contains("convention"), "{error:?}");
    assert_eq!(error.line, Some(3), "{error:?}");
}

#[test]
fn concurrent_renders_agree() {
    let engine = PdfEngine::new(None);
    let reference = engine.render(MARKDOWN, &meta()).unwrap().pdf;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| engine.render(MARKDOWN, &meta()).unwrap().pdf))
            .collect();
        for handle in handles {
            assert!(handle.join().unwrap() == reference);
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whatever the Markdown (structure characters included), the generated
    /// source parses without a syntax error.
    #[test]
    fn generated_source_always_parses(markdown in "[-#*_`<>@\\[\\]\\\\/=~'\"{}$|:.+!()a-z0-9 \n\t\u{a0}é«»]{0,200}") {
        let (source, blocks) = convert::markdown_to_typst_blocks(&markdown);
        let root = typst::syntax::parse(&source);
        let (errors, warnings) = root.errors_and_warnings();
        prop_assert!(errors.is_empty(), "{errors:?}\n{source}");
        prop_assert!(warnings.is_empty(), "{warnings:?}\n{source}");
        // So do the blocks, each on its own, and what is left around them.
        let split = Split::new(&source, blocks);
        for text in split.chunks.iter().map(|c| c.source.text()).chain([split.main.as_str()]) {
            let root = typst::syntax::parse(text);
            let (errors, warnings) = root.errors_and_warnings();
            prop_assert!(errors.is_empty(), "{errors:?}\n{text}\n--- in ---\n{source}");
            prop_assert!(warnings.is_empty(), "{warnings:?}\n{text}");
        }
    }
}
