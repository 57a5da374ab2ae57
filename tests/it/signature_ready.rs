//! Signature-ready PDFs (`[signature]` of `charta.toml`, issue #29): the
//! signatories in signing order, the desk's positioning tags found whole and
//! once by `pdftotext -layout`, empty signature fields that poppler's
//! `pdfsig` fills one after the other and pyHanko validates, PDF/A-2b claims
//! kept, `qpdf --check` clean, the same bytes from one build to the next, and
//! the PDF sent for signature archived byte for byte once dated.

use std::path::Path;
use std::process::Command;

use super::common::{Run, SIGNED_ID, charta_build, draft_copy, edit_json};
use super::signing::{NICK, TOOLS, make_nss_db, tools_present};

/// An unsigned convention of the example.
const DRAFT_ID: &str = "atelier-velo-thionvaux";

/// The example programme with `[signature]` (`table`, without its header) in charta.toml.
fn programme_with(table: &str) -> tempfile::TempDir {
    let tmp = draft_copy();
    let toml = tmp.path().join("charta.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str(&format!("\n[signature]\n{table}\n"));
    std::fs::write(&toml, text).unwrap();
    tmp
}

/// Builds `ids` as PDF and Markdown into `dir/out`: the run.
fn build_run(dir: &Path, ids: &[&str]) -> Run {
    let out = dir.join("out");
    let mut args = vec![
        "--out",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--format",
        "md",
    ];
    for id in ids {
        args.extend(["--only", id]);
    }
    charta_build(dir, &args, None)
}

/// Builds `ids` as PDF and Markdown into `dir/out`, successfully.
fn build(dir: &Path, ids: &[&str]) {
    let run = build_run(dir, ids);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The desk's tags changed after the PDF was sent: same Markdown, another PDF.
fn switch_to_yousign(dir: &Path) {
    let toml = dir.join("charta.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("\"iparapheur\"", "\"yousign\"")).unwrap();
}

/// `charta check dir`: (exit status, stdout + stderr).
fn check(dir: &Path) -> (i32, String) {
    let (code, out, err) = super::common::charta(&["check", dir.to_str().unwrap()]);
    (code, format!("{out}{err}"))
}

/// The draft's Markdown, as `build` wrote it.
fn draft_md(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("out").join(format!("{DRAFT_ID}.md"))).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Where each of `tags` occurs in `text`, in order, each exactly once and whole on a line.
fn assert_each_once_in_order(text: &str, tags: &[String]) {
    let mut last = 0;
    for tag in tags {
        let found: Vec<usize> = text.match_indices(tag.as_str()).map(|(i, _)| i).collect();
        assert_eq!(
            found.len(),
            1,
            "{tag} found {} times in:\n{text}",
            found.len()
        );
        assert!(found[0] > last, "{tag} out of signing order");
        last = found[0];
    }
}

#[test]
fn the_markdown_names_the_signatories_association_first_and_no_date_to_fill() {
    let tmp = programme_with("anchors = \"iparapheur\"");
    let dir = tmp.path();
    build(dir, &[DRAFT_ID]);
    let md = draft_md(dir);
    assert!(md.contains("Signé électroniquement"), "{md}");
    assert!(!md.contains("……"), "a date to fill by hand is left:\n{md}");
    assert!(!md.contains("#signature"), "a tag in the Markdown:\n{md}");
    let asso = md.find("| Pour l'association").expect("association column");
    assert!(
        md[asso..].find("Pour la Région").is_some(),
        "funder after the association"
    );
}

#[test]
fn a_signatories_list_sets_persons_order_and_delegation() {
    let tmp = draft_copy();
    let dir = tmp.path();
    edit_json(&dir.join(format!("associations/{DRAFT_ID}.json")), |v| {
        v["convention"]["signatories"] = serde_json::json!([
            { "party": "funder", "civility": "Mme", "name": "Odile Ferrand",
              "role": "vice-présidente déléguée à l'économie sociale et solidaire",
              "delegation": "arrêté n° 2026-14 du 5 janvier 2026" },
            { "party": "association", "civility": "M.", "name": "Paul Réville", "role": "trésorier" }
        ]);
    });
    build(dir, &[DRAFT_ID]);
    let md = draft_md(dir);
    let funder = md
        .find("Pour la Région, la vice-présidente déléguée")
        .expect("funder first");
    let asso = md
        .find("Pour l'association, le trésorier")
        .expect("association");
    assert!(funder < asso);
    assert!(
        md.contains("Odile Ferrand, par délégation (arrêté n"),
        "{md}"
    );
    assert!(md.contains("2026-14 du"), "{md}");
    // Paper: the place and the date to fill by hand are still there.
    assert!(md.contains("Fait à"), "{md}");
}

#[test]
fn a_signatories_list_without_the_association_is_refused_where_it_is() {
    let tmp = draft_copy();
    let dir = tmp.path();
    let file = dir.join(format!("associations/{DRAFT_ID}.json"));
    edit_json(&file, |v| {
        v["convention"]["signatories"] = serde_json::json!([
            { "party": "funder", "civility": "M.", "name": "A B", "role": "président" },
            { "party": "funder", "civility": "M.", "name": "C D", "role": "vice-président" }
        ]);
    });
    let (code, all) = check(dir);
    assert_eq!(code, 1, "{all}");
    assert!(all.contains("DON-096"), "{all}");
    assert!(
        all.lines()
            .any(|l| l.trim_end().ends_with(" convention.signatories")),
        "DON-096 not at `convention.signatories`: {all}"
    );
    assert!(all.contains("aucun signataire pour l'association"), "{all}");
    // One of each party: accepted.
    edit_json(&file, |v| {
        v["convention"]["signatories"][1]["party"] = serde_json::json!("association");
    });
    let (code, all) = check(dir);
    assert_eq!(code, 0, "{all}");
    // An empty name is the structural walk's (DON-085), at its path.
    edit_json(&file, |v| {
        v["convention"]["signatories"][1]["name"] = serde_json::json!(" ");
    });
    let (code, all) = check(dir);
    assert_eq!(code, 1);
    assert!(all.contains("convention.signatories[1].name"), "{all}");
    edit_json(&file, |v| {
        v["convention"]["signatories"][1]["name"] = serde_json::json!("C D");
        v["convention"]["signatories"][0]["party"] = serde_json::json!("mairie");
    });
    let (code, all) = check(dir);
    assert_eq!(code, 1);
    assert!(all.contains("convention.signatories[0].party"), "{all}");
}

#[test]
fn iparapheur_and_yousign_tags_are_found_whole_once_in_signing_order() {
    if !tools_present(&["pdftotext"]) {
        return;
    }
    for (table, tags) in [
        (
            "anchors = \"iparapheur\"",
            ["#signature%1#", "#signature%2#"],
        ),
        (
            "anchors = \"yousign\"",
            ["{{s1|signature|184|80}}", "{{s2|signature|184|80}}"],
        ),
    ] {
        let tmp = programme_with(table);
        let dir = tmp.path();
        build(dir, &[DRAFT_ID, SIGNED_ID]);
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        let out = dir.join("out");
        let text = pdftotext(&out.join(format!("{DRAFT_ID}.pdf")));
        assert_each_once_in_order(&text, &tags);
        // The draft avenant too; never the consolidated version.
        let text = pdftotext(&out.join(format!("{SIGNED_ID}.avenant-1.pdf")));
        assert_each_once_in_order(&text, &tags);
        let consolidated = pdftotext(&out.join(format!("{SIGNED_ID}.consolidee.pdf")));
        assert!(!consolidated.contains("signature%") && !consolidated.contains("{{s"));
        // The signed convention, from its archive, is what was signed on paper.
        let signed = pdftotext(&out.join(format!("{SIGNED_ID}.pdf")));
        assert!(!signed.contains("#signature%"));
    }
}

/// `pdfsig` on `pdf`: its report.
fn pdfsig(args: &[&str], pdf: &Path) -> String {
    let out = Command::new("pdfsig").args(args).arg(pdf).output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn empty_fields_are_signed_in_turn_and_validated() {
    if !tools_present(&TOOLS) {
        return;
    }
    let tmp = programme_with("anchors = \"iparapheur\"\nfields = true");
    let dir = tmp.path();
    build(dir, &[DRAFT_ID, SIGNED_ID]);
    let keys = tempfile::tempdir().unwrap();
    let nss = make_nss_db(keys.path());
    let nssdir = format!("sql:{}", nss.display());
    for name in [
        format!("{DRAFT_ID}.pdf"),
        format!("{SIGNED_ID}.avenant-1.pdf"),
    ] {
        let pdf = dir.join("out").join(&name);
        let bytes = std::fs::read(&pdf).unwrap();
        // PDF/A-2b claims kept (Typst's XMP, untouched by the update).
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("<pdfaid:part>2</pdfaid:part>"),
            "{name}: no pdfaid part"
        );
        assert!(
            text.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{name}"
        );
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{name}: qpdf --check\n{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        // Two empty fields, named in signing order.
        let listed = pdfsig(&["-nssdir", &nssdir, "-list-nicks"], &pdf);
        assert!(listed.contains(NICK), "{listed}");
        let one = keys.path().join(format!("1-{name}"));
        let two = keys.path().join(format!("2-{name}"));
        for (field, from, to) in [("signature-1", &pdf, &one), ("signature-2", &one, &two)] {
            let out = Command::new("pdfsig")
                .args(["-nssdir", &nssdir, "-nick", NICK, "-sign", field])
                .arg(from)
                .arg(to)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: pdfsig -sign {field}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report = pdfsig(&["-nssdir", &nssdir], &two);
        assert_eq!(
            report
                .matches("Signature Validation: Signature is Valid.")
                .count(),
            2,
            "{report}"
        );
        assert!(
            report.contains("signature-1") && report.contains("signature-2"),
            "{report}"
        );
        assert!(
            report.contains("The signature form field covers the whole document")
                || report.contains("Total document signed"),
            "{report}"
        );
        // pyHanko, independently: it signs each empty field in turn, and both
        // validators find both signatures valid, the last over the whole file.
        let p12 = keys.path().join("signer.p12");
        let pass = keys.path().join("pass");
        std::fs::write(&pass, super::signing::P12_PASSWORD).unwrap();
        let py1 = keys.path().join(format!("py1-{name}"));
        let py2 = keys.path().join(format!("py2-{name}"));
        for (field, from, to) in [("signature-1", &pdf, &py1), ("signature-2", &py1, &py2)] {
            let out = super::clients::pyhanko_command()
                .args([
                    "sign",
                    "addsig",
                    "--field",
                    field,
                    "--existing-only",
                    "pkcs12",
                    "--passfile",
                ])
                .arg(&pass)
                .arg(from)
                .arg(to)
                .arg(&p12)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: pyhanko addsig {field}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let said = pyhanko_validate(keys.path(), &py2, true);
        assert_eq!(said.matches(":VALID").count(), 2, "{name}: pyhanko: {said}");
        let report = pdfsig(&["-nssdir", &nssdir], &py2);
        assert_eq!(
            report
                .matches("Signature Validation: Signature is Valid.")
                .count(),
            2,
            "{report}"
        );
        // poppler's own signed file: pyHanko reads it only without its strict
        // syntax (poppler reuses the number of the empty appearance it
        // replaces with generation 1, without a free entry), then finds both
        // signatures intact.
        let said = pyhanko_validate(keys.path(), &two, false);
        assert_eq!(
            said.matches(":INTACT:").count(),
            2,
            "{name}: pyhanko: {said}"
        );
    }
}

/// `pyhanko sign validate` of `pdf` with the test's certificate as trust
/// root, strict syntax or not: one line a signature.
fn pyhanko_validate(keys: &Path, pdf: &Path, strict: bool) -> String {
    let mut cmd = super::clients::pyhanko_command();
    cmd.args(["sign", "validate", "--no-revocation-check", "--trust"])
        .arg(keys.join("signer.cert.pem"));
    // Strict: the verdict (`:VALID`); lax: what holds (`:INTACT:`), since
    // pyHanko judges poppler's replaced appearance an illegal modification.
    cmd.arg(if strict {
        "--executive-summary"
    } else {
        "--no-strict-syntax"
    });
    let out = cmd.arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_build_with_tags_and_fields_gives_the_same_bytes_twice() {
    let tmp = programme_with("anchors = \"yousign\"\nfields = true");
    let dir = tmp.path();
    build(dir, &[DRAFT_ID]);
    let pdf = dir.join("out").join(format!("{DRAFT_ID}.pdf"));
    let first = std::fs::read(&pdf).unwrap();
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    build(dir, &[DRAFT_ID]);
    assert!(
        first == std::fs::read(&pdf).unwrap(),
        "two builds, two PDFs"
    );
    // The fields are an incremental update of Typst's own bytes.
    let typst_end = first
        .windows(5)
        .position(|w| w == b"%%EOF")
        .expect("Typst's end of file");
    assert!(first.len() > typst_end + 6, "no update after Typst's bytes");
}

/// Dates `DRAFT_ID`'s convention in `dir`.
fn date_it(dir: &Path) {
    edit_json(&dir.join(format!("associations/{DRAFT_ID}.json")), |v| {
        v["convention"]["signature"]["date"] = serde_json::json!("2026-03-02");
    });
}

#[test]
fn the_pdf_sent_is_the_pdf_archived_once_dated() {
    let tmp = programme_with("anchors = \"iparapheur\"\nfields = true");
    let dir = tmp.path();
    build(dir, &[DRAFT_ID]);
    let sent = std::fs::read(dir.join("out").join(format!("{DRAFT_ID}.pdf"))).unwrap();
    date_it(dir);
    build(dir, &[DRAFT_ID]);
    let archived = dir.join("signed").join(DRAFT_ID).join("convention.pdf");
    let archived = std::fs::read(&archived).expect("archived");
    assert!(archived == sent, "the PDF archived is not the PDF sent");
}

#[test]
fn a_pdf_that_would_differ_from_the_one_sent_is_refused() {
    let tmp = programme_with("anchors = \"iparapheur\"");
    let dir = tmp.path();
    build(dir, &[DRAFT_ID]);
    let out = dir.join("out");
    let sent = std::fs::read(out.join(format!("{DRAFT_ID}.pdf"))).unwrap();
    switch_to_yousign(dir);
    date_it(dir);
    let run = build_run(dir, &[DRAFT_ID]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("GEN-035"), "{}", run.stderr);
    assert!(
        !dir.join("signed").join(DRAFT_ID).exists(),
        "archived all the same"
    );
    assert!(std::fs::read(out.join(format!("{DRAFT_ID}.pdf"))).unwrap() == sent);
}

/// Dates avenant n° 1 of the example's signed convention in `dir`.
fn date_avenant(dir: &Path) {
    edit_json(&dir.join(format!("associations/{SIGNED_ID}.json")), |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = serde_json::json!("2027-03-30");
    });
}

#[test]
fn an_avenant_sent_is_archived_as_sent_and_one_that_would_differ_is_refused() {
    for (changed, expect) in [(false, 0), (true, 1)] {
        let tmp = programme_with("anchors = \"iparapheur\"\nfields = true");
        let dir = tmp.path();
        build(dir, &[SIGNED_ID]);
        let out = dir.join("out");
        let sent = std::fs::read(out.join(format!("{SIGNED_ID}.avenant-1.pdf"))).unwrap();
        if changed {
            switch_to_yousign(dir);
        }
        date_avenant(dir);
        let run = build_run(dir, &[SIGNED_ID]);
        assert_eq!(run.code, expect, "changed: {changed}\n{}", run.stderr);
        let archived = dir.join("signed").join(SIGNED_ID).join("avenant-1.pdf");
        if changed {
            assert!(run.stderr.contains("GEN-035"), "{}", run.stderr);
            assert!(!archived.exists(), "archived all the same");
        } else {
            let archived = std::fs::read(&archived).expect("archived");
            assert!(
                archived == sent,
                "the avenant's PDF archived is not the PDF sent"
            );
        }
    }
}
