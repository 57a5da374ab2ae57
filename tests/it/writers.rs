//! One reading of the rendered Markdown, every writer (issue 27): the Typst
//! source of the PDF, the desk's HTML of a convention and of a redline, for
//! one rich convention (the fixture of `tests/diff-cases`, which does not move
//! with the clause library), pinned byte for byte. A change in the document
//! tree or in a writer shows here as a snapshot to review.

use std::path::Path;

use charta::emit::html::{convention_html, redline_html};
use charta::emit::pdf::markdown_to_typst;

fn fixture(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff-cases")
        .join(case)
        .join("maison-solidarites-montvalon.md");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_typst_source_of_a_convention_is_pinned() {
    insta::assert_snapshot!("typst", markdown_to_typst(&fixture("base")));
}

#[test]
fn the_html_of_a_convention_and_its_navigation_are_pinned() {
    let (html, nav) = convention_html(&fixture("base"));
    let nav: Vec<String> = nav
        .iter()
        .map(|n| format!("{} {}", n.anchor, n.title))
        .collect();
    insta::assert_snapshot!("html", format!("{}\n---\n{html}", nav.join("\n")));
}

#[test]
fn the_html_of_a_redline_is_pinned() {
    let mut pages = Vec::new();
    for case in ["amount", "target", "draft"] {
        let diff = charta::diff::diff_markdown(&fixture("base"), &fixture(case)).unwrap();
        for change in diff.changes.iter().filter(|c| !c.redline.is_empty()) {
            pages.push(redline_html(&charta::diff::markdown_redline(
                &change.redline,
            )));
        }
    }
    assert!(pages.len() >= 3, "{}", pages.len());
    insta::assert_snapshot!("redline", pages.join("\n---\n"));
}
