//! `charta diff` on committed version pairs (tests/diff-cases/, made by
//! make-fixtures.sh from the example programme): each pair differs by one
//! thing, and the diff must report exactly that thing.

use crate::common::{self, charta};

use std::path::{Path, PathBuf};

use charta::diff::{ChangeKind, ConventionDiff, Op, Report, Target, sides::diff_files};

const ID: &str = "maison-solidarites-montvalon";

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff-cases")
        .join(name)
}

fn md(name: &str) -> PathBuf {
    case(name).join(format!("{ID}.md"))
}

fn diff(name: &str) -> ConventionDiff {
    diff_files(&md("base"), &md(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn text_report(name: &str) -> String {
    let d = diff(name);
    charta::diff::text(
        &Report::Pair {
            old: Path::new("base.md"),
            new: Path::new("new.md"),
            diff: &d,
        },
        false,
        charta::diagnostic::Lang::Fr,
    )
}

#[test]
fn moved_clause_is_one_move_and_nothing_else() {
    let d = diff("moved");
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(c.kind, ChangeKind::Moved);
    assert_eq!(c.clause.as_deref(), Some("contribution-plafond"));
    assert_eq!(c.part.as_deref(), Some("contribution"));
    assert_eq!(
        (c.old_number.as_deref(), c.new_number.as_deref()),
        (Some("4"), Some("4"))
    );
    assert_eq!(c.after, None, "now first in its article");
    assert!(!c.text_changed);
    assert!(d.data.is_empty(), "the data did not change");
    assert_eq!(d.summary(), "1 clause moved (contribution-plafond)");
}

#[test]
fn removed_optional_clause_is_the_only_change_despite_renumbering() {
    let (old, new) = (
        std::fs::read_to_string(md("base")).unwrap(),
        std::fs::read_to_string(md("removed-optional")).unwrap(),
    );
    // The fixture really renumbers: every article after the 6th moves down by one,
    // and the citations of those articles in other clauses changed with them.
    let (a, b) = (common::numbered_parts(&old), common::numbered_parts(&new));
    assert!(a.contains(&("locaux".into(), "6".into())));
    assert!(a.contains(&("justificatifs".into(), "7".into())));
    assert!(b.contains(&("justificatifs".into(), "6".into())));
    assert!(a.contains(&("recours".into(), "19".into())));
    assert!(b.contains(&("recours".into(), "18".into())));
    assert!(old.contains("mentionnés à l'article\u{A0}7"));
    assert!(new.contains("mentionnés à l'article\u{A0}6"));

    let d = diff("removed-optional");
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(c.kind, ChangeKind::Removed);
    assert_eq!(c.clause.as_deref(), Some("mise-a-disposition-locaux"));
    assert_eq!(c.old_number.as_deref(), Some("6"));
    assert_eq!(c.new_number, None);
    assert!(c.whole_part, "article 6 went with its only clause");
    assert!(c.redline.iter().all(|s| s.op == Op::Delete));
    // The data says why.
    assert_eq!(d.data.len(), 1);
    assert_eq!(
        d.data[0].text,
        "clauses optionnelles ajoutées : mise-a-disposition-locaux, communication-logo → communication-logo"
    );
}

#[test]
fn changed_amount_shows_figures_and_letters_as_one_change() {
    let d = diff("amount");
    let modified: Vec<&str> = d
        .changes
        .iter()
        .map(|c| {
            assert_eq!(c.kind, ChangeKind::Modified, "{c:#?}");
            c.clause.as_deref().unwrap()
        })
        .collect();
    assert_eq!(modified, ["contribution-financiere", "budget-previsionnel"]);

    // In the article, the 2028 amount in figures and in letters is one
    // deletion followed by one insertion.
    let c = &d.changes[0];
    let pos = c
        .redline
        .iter()
        .position(|s| {
            s.op == Op::Delete
                && s.text
                    == "47\u{202F}500,50\u{A0}€ (quarante-sept mille cinq cents euros et cinquante centimes)"
        })
        .expect("the old amount, figures and letters, deleted as one");
    assert_eq!(c.redline[pos + 1].op, Op::Insert);
    assert_eq!(
        c.redline[pos + 1].text,
        "50\u{202F}000\u{A0}€ (cinquante mille euros)"
    );
    assert_eq!(c.redline[pos + 2].op, Op::Equal);
    // Exactly four edits: total, its share, the 2028 amount, its share.
    assert_eq!(charta::diff::edit_count(&c.redline), 4);

    assert_eq!(d.data.len(), 1);
    assert_eq!(d.data[0].path, "convention.funding.2028");
    assert_eq!(
        d.data[0].text,
        "contribution 2028 : 47\u{202F}500,50\u{A0}€ → 50\u{202F}000\u{A0}€"
    );
}

#[test]
fn changed_target_is_reported_in_the_data_and_the_dashboard() {
    let d = diff("target");
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    let c = &d.changes[0];
    assert_eq!(c.kind, ChangeKind::Modified);
    assert_eq!(c.clause.as_deref(), Some("tableau-de-bord"));
    assert_eq!(c.new_number.as_deref(), Some("III"));
    let edits: Vec<(Op, &str)> = c
        .redline
        .iter()
        .filter(|s| s.op != Op::Equal)
        .map(|s| (s.op, s.text.as_str()))
        .collect();
    assert_eq!(edits, [(Op::Delete, "720"), (Op::Insert, "750")]);

    assert_eq!(d.data.len(), 1);
    assert_eq!(
        d.data[0].path,
        "dashboard.objectives[O1].indicators[O1-I1].targets.2027"
    );
    assert_eq!(
        d.data[0].text,
        "cible 2027 de l'indicateur O1-I1 : 720 → 750"
    );
}

#[test]
fn draft_and_signed_versions() {
    let d = diff("draft");
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
    assert!(d.changes[0].is_clause("signature-parties"));
    assert_eq!(d.changes[0].target, Target::Clause);
    assert_eq!(d.data[0].text, "date de signature : 10 février 2026 → —");
}

#[test]
fn identical_inputs_exit_0_with_an_empty_report() {
    let base = md("base");
    for format in ["text", "json"] {
        let (code, out, err) = charta(&["diff", s(&base), s(&base), "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        if format == "text" {
            assert_eq!(out, "", "an empty report");
        } else {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["differences"], false);
            assert_eq!(v["changes"], serde_json::json!([]));
            assert_eq!(v["data"], serde_json::json!([]));
        }
    }
    // Two build folders with the same conventions.
    let (code, out, _) = charta(&["diff", s(&case("base")), s(&case("base"))]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("  {ID}\u{a0}: inchangée")), "{out}");
}

#[test]
fn differences_exit_1_on_every_format() {
    for format in ["text", "md", "json"] {
        let (code, out, err) =
            charta(&["diff", s(&md("base")), s(&md("amount")), "--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(!out.is_empty());
        assert!(!out.contains('\u{1b}'), "no colour when not on a terminal");
    }
}

#[test]
fn json_lists_changes_for_scripts() {
    let (code, out, _) = charta(&[
        "diff",
        s(&md("base")),
        s(&md("removed-optional")),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = &v["changes"][0];
    assert_eq!(c["kind"], "removed");
    assert_eq!(c["clause"], "mise-a-disposition-locaux");
    assert_eq!(c["part"], "locaux");
    assert_eq!(c["old_number"], "6");
    assert_eq!(c["new_number"], serde_json::Value::Null);
    assert_eq!(c["redline"][0]["op"], "delete");
    assert_eq!(v["data"][0]["path"], "convention.clauses.add");
}

#[test]
fn markdown_redline_uses_del_and_ins() {
    let (code, out, _) = charta(&["diff", s(&md("base")), s(&md("amount")), "--format", "md"]);
    assert_eq!(code, 1);
    assert!(out.contains(
        "de <del>47\u{202F}500,50\u{A0}€ (quarante-sept mille cinq cents euros et cinquante centimes)</del><ins>50\u{202F}000\u{A0}€ (cinquante mille euros)</ins>, soit"
    ), "{out}");
    // The budget table keeps its shape: the changed cells are marked inside their cells.
    assert!(out.contains(
        "| 2028 | 158\u{202F}000\u{A0}€ | <del>47\u{202F}500,50\u{A0}€</del><ins>50\u{202F}000\u{A0}€</ins> | <del>30,06\u{A0}%</del><ins>31,65\u{A0}%</ins> |"
    ), "{out}");
    assert!(out.contains("## Résumé"));
    assert!(out.contains("- contribution 2028 : 47\u{202F}500,50\u{A0}€ → 50\u{202F}000\u{A0}€"));
}

#[test]
fn batch_diff_of_two_folders_says_what_changed() {
    let (code, out, err) = charta(&["diff", s(&case("base")), s(&case("target"))]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        format!(
            "~ {ID}\u{a0}: 1 clause modifiée (tableau-de-bord)\u{a0}; données\u{a0}: cible 2027 de l'indicateur O1-I1 : 720 → 750\n\
             1 convention\u{a0}: 1 modifiée, 0 ajoutée, 0 supprimée, 0 inchangée\n"
        )
    );
}

#[test]
fn faults_exit_2_with_an_error_line() {
    let readme = case("..").join("diff-cases/make-fixtures.sh");
    let (code, _, err) = charta(&["diff", s(&readme), s(&md("base"))]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("erreur [DIF-001]\u{a0}: ")
            && err.contains("ce n'est pas une convention établie par charta"),
        "{err}"
    );
    let (code, _, err) = charta(&["diff", "/nonexistent/a.md", s(&md("base"))]);
    assert_eq!(code, 2);
    assert!(err.contains("aucun fichier ni dossier de ce nom"), "{err}");
    let (code, _, err) = charta(&["diff", s(&case("base")), s(&md("base"))]);
    assert_eq!(code, 2);
    assert!(
        err.contains("comparez deux fichiers .md établis ou deux dossiers de sortie"),
        "{err}"
    );
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = charta(&["diff", s(empty.path()), s(&case("base"))]);
    assert_eq!(code, 2);
    assert!(err.contains("n'est pas un dossier de génération"), "{err}");
}

#[test]
fn text_reports() {
    for name in ["moved", "removed-optional", "amount", "target", "draft"] {
        insta::assert_snapshot!(format!("diff_text_{name}"), text_report(name));
    }
}
