//! Diagnostics at scale (issue 28): the text output of `build` and `check`
//! prints each code's first three warnings in full, then one line saying how
//! many more; `--warnings all` prints every one; `check --format json` lists
//! every one. The build streams its diagnostics in id order, so the same
//! inputs print the same summary.

use std::path::Path;

use crate::common::*;

/// Removes `measure` from the first `k` quantitative indicators of the
/// example (in file order, the signed convention left alone): `k` DON-039
/// warnings.
fn without_measure(dir: &Path, k: usize) {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("associations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with(format!("{SIGNED_ID}.json")))
        .collect();
    files.sort();
    let mut left = k;
    for f in files {
        edit_json(&f, |v| {
            for o in v["dashboard"]["objectives"].as_array_mut().unwrap() {
                for i in o["indicators"].as_array_mut().unwrap() {
                    let i = i.as_object_mut().unwrap();
                    if left > 0 && i["type"] == "quantitative" && i.remove("measure").is_some() {
                        left -= 1;
                    }
                }
            }
        });
    }
    assert_eq!(
        left, 0,
        "the example has {k} quantitative indicators to change"
    );
}

/// How many DON-039 warnings the text prints in full.
fn printed(text: &str) -> usize {
    text.matches("avertissement [DON-039]").count()
}

/// The places (`file:line:col`) of the DON-039 warnings printed in full.
fn places(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("avertissement [DON-039]"))
        .map(|w| w[1].trim().trim_start_matches("--> ").to_string())
        .collect()
}

/// The line that says how many more DON-039 warnings there are.
fn more_line(more: &str, total: usize) -> String {
    format!("DON-039\u{a0}: {more} ({total} en tout)\u{a0}; `--warnings all` les affiche tous")
}

/// The places of every DON-039 of `check --format json`, in its order.
fn json_places(dir: &Path) -> Vec<String> {
    let (_, out, _) = charta(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "DON-039")
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect()
}

#[test]
fn check_prints_a_codes_first_three_warnings_then_how_many_more() {
    let tmp = draft_copy();
    let dir = tmp.path();
    without_measure(dir, 18);
    let (code, _, text) = charta(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(printed(&text), 3, "{text}");
    let all = json_places(dir);
    assert_eq!(all.len(), 18, "check --format json lists every warning");
    assert_eq!(
        places(&text),
        all[..3],
        "the first three places, in file order"
    );
    assert!(
        text.contains(&more_line("15 autres avertissements semblables", 18)),
        "{text}"
    );
    // The count of the report still counts every warning.
    let (_, out, _) = charta(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let total = serde_json::from_str::<serde_json::Value>(&out).unwrap()["warnings"].clone();
    assert!(total.as_u64().unwrap() >= 18);
    assert!(
        text.contains(&format!("0 erreur, {total} avertissements")),
        "{text}"
    );
}

#[test]
fn three_warnings_of_a_code_are_all_printed_and_a_fourth_is_counted() {
    for (k, line) in [
        (2, None),
        (3, None),
        (4, Some("1 autre avertissement semblable")),
    ] {
        let tmp = draft_copy();
        let dir = tmp.path();
        without_measure(dir, k);
        let (_, _, text) = charta(&["check", dir.to_str().unwrap()]);
        assert_eq!(printed(&text), k.min(3), "{k} warnings: {text}");
        match line {
            Some(more) => assert!(text.contains(&more_line(more, k)), "{k}: {text}"),
            None => assert!(!text.contains("DON-039\u{a0}:"), "{k}: {text}"),
        }
    }
}

#[test]
fn warnings_all_prints_every_warning() {
    let tmp = draft_copy();
    let dir = tmp.path();
    without_measure(dir, 18);
    let d = dir.to_str().unwrap();
    let (_, _, text) = charta(&["check", d, "--warnings", "all"]);
    assert_eq!(printed(&text), 18, "{text}");
    assert!(!text.contains("DON-039\u{a0}:"), "{text}");
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let r = charta_build(
        dir,
        &["--format", "md", "--out", o, "--warnings", "all"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(printed(&r.stderr), 18, "{}", r.stderr);
    assert_eq!(
        places(&r.stderr),
        json_places(dir),
        "every place, in id order"
    );
}

#[test]
fn build_prints_the_same_summary_run_after_run() {
    let tmp = draft_copy();
    let dir = tmp.path();
    without_measure(dir, 18);
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    // The diagnostics, without the progress lines (in the order the
    // conventions finish) nor the closing lines (the time).
    let summary = |stderr: &str| -> String {
        let start = stderr.find("avertissement [").expect("warnings printed");
        let end = stderr.find("DON-039\u{a0}:").expect("the summary line");
        stderr[start..end].to_string()
    };
    let args = ["--format", "md", "--out", o, "--jobs", "3", "--force"];
    let first = charta_build(dir, &args, None);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(printed(&first.stderr), 3, "{}", first.stderr);
    assert_eq!(places(&first.stderr), json_places(dir)[..3]);
    assert!(
        first
            .stderr
            .contains(&more_line("15 autres avertissements semblables", 18)),
        "{}",
        first.stderr
    );
    for _ in 0..2 {
        let again = charta_build(dir, &args, None);
        assert_eq!(summary(&again.stderr), summary(&first.stderr));
    }
}
