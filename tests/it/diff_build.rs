//! `charta diff` end to end on real builds: two builds of a copy of the example
//! programme, the second with associations added, removed and changed; and
//! the PDF redline.

use crate::common::charta;

use std::path::Path;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The example (its signed convention's archive included: both builds write
/// its draft avenant and consolidated version).
fn copy_programme(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/economie-solidaire");
    crate::common::copy_programme(&from, to);
}

fn build(prog: &Path, out: &Path) {
    let (code, _, err) = charta(&["build", s(prog), "--format", "md", "--out", s(out)]);
    assert_eq!(code, 0, "{err}");
}

fn edit_json(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn batch_diff_lists_added_removed_changed_and_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let (prog, old, new) = (
        tmp.path().join("prog"),
        tmp.path().join("out-old"),
        tmp.path().join("out-new"),
    );
    copy_programme(&prog);
    build(&prog, &old);

    let assoc = prog.join("associations");
    // Removed: one association leaves the programme.
    std::fs::remove_file(assoc.join("tiers-lieu-les-communs.json")).unwrap();
    // Added: a new association (a copy under another id and reference).
    std::fs::copy(
        assoc.join("atelier-velo-thionvaux.json"),
        assoc.join("atelier-velo-bis.json"),
    )
    .unwrap();
    edit_json(&assoc.join("atelier-velo-bis.json"), |v| {
        v["convention"]["reference"] = "RVM-ESS-2026-099".into();
        v["convention"]["signature"]["date"] = serde_json::Value::Null;
    });
    // Changed: a target, matched by indicator id even though the objectives are reordered.
    edit_json(&assoc.join("reseau-insertion-emploi.json"), |v| {
        let objectives = v["dashboard"]["objectives"].as_array_mut().unwrap();
        let first = objectives[0]["indicators"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let old = objectives[0]["indicators"][0]["targets"]["2027"].clone();
        objectives[0]["indicators"][0]["targets"]["2027"] = (old.as_f64().unwrap() + 15.0).into();
        objectives.reverse();
        assert!(!first.is_empty());
    });
    build(&prog, &new);

    let (code, out, err) = charta(&["diff", s(&old), s(&new)]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with(
            "+ atelier-velo-bis\u{a0}: ajoutée\u{a0}: Convention pluriannuelle d'objectifs"
        )),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("- tiers-lieu-les-communs\u{a0}: supprimée")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("~ reseau-insertion-emploi\u{a0}: ")
                && l.contains("données\u{a0}: cible 2027 de l'indicateur")),
        "{out}"
    );
    for id in [
        "atelier-velo-thionvaux",
        "atelier-velo-thionvaux.notification",
        "collectif-ess-val-de-meuse",
        "epicerie-solidaire-brecourt",
        "epicerie-solidaire-brecourt.notification",
        "maison-solidarites-montvalon",
        "maison-solidarites-montvalon.avenant-1",
        "maison-solidarites-montvalon.consolidee",
        "maison-solidarites-montvalon.notification",
        "mobilite-solidaire-rurale",
        "recyclerie-vaudrecourt",
    ] {
        assert!(
            lines.contains(&format!("  {id}\u{a0}: inchangée").as_str()),
            "{id}: {out}"
        );
    }
    assert_eq!(
        lines.last().copied(),
        Some("14 conventions\u{a0}: 1 modifiée, 1 ajoutée, 1 supprimée, 11 inchangées")
    );

    // The same as JSON, for scripts.
    let (code, out, _) = charta(&["diff", s(&old), s(&new), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["counts"]["changed"], 1);
    assert_eq!(v["counts"]["added"], 1);
    assert_eq!(v["counts"]["removed"], 1);
    assert_eq!(v["counts"]["unchanged"], 11);
    let changed = v["conventions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "changed")
        .unwrap();
    assert_eq!(changed["id"], "reseau-insertion-emploi");
    // Only the target changed: the objectives' order is not a change.
    assert_eq!(changed["data"].as_array().unwrap().len(), 1, "{changed:#}");
    assert_eq!(changed["changes"][0]["clause"], "tableau-de-bord");
}

#[test]
fn pdf_redline_has_the_summary_first_then_the_marked_text() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases");
    let id = "maison-solidarites-montvalon.md";
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("redline.pdf");
    let (code, out, err) = charta(&[
        "diff",
        s(&cases.join("base").join(id)),
        s(&cases.join("amount").join(id)),
        "--format",
        "pdf",
        "--out",
        s(&pdf),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "the PDF goes to --out");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
    let text = pages.concat();
    assert!(pages.len() >= 2, "{text}");
    assert!(pages[0].contains("Résumé"), "{}", pages[0]);
    assert!(pages[0].contains("contribution-financiere"), "{}", pages[0]);
    assert!(
        !pages[0].contains("Texte comparé"),
        "the text starts on a new page"
    );
    assert!(text.contains("Texte comparé"));
    // The marks are typeset, not printed.
    assert!(!text.contains("<del>") && !text.contains("<ins>"), "{text}");
}
