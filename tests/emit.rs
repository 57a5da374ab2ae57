//! The editable formats (ODT, DOCX) opened by a real office suite:
//! LibreOffice, headless (`soffice`, installed by `.ci/run`). Each test
//! converts the generated files with its own LibreOffice profile, so tests
//! run in parallel.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use charta::anchor::{self, Anchor};
use charta::batch::{self, BuildOptions, Status};
use charta::emit::zip;
use charta::load::load_programme;

/// An association name that is markup in every format charta writes.
const HOSTILE: &str = "<w:t>&amp; « Les Amis » **x** </text:p>";
const HOSTILE_ID: &str = "maison-solidarites-montvalon";

/// The example programme with one association renamed to [`HOSTILE`].
fn hostile_programme() -> tempfile::TempDir {
    let tmp = example_copy();
    let file = tmp
        .path()
        .join("associations")
        .join(format!("{HOSTILE_ID}.json"));
    let mut data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    data["association"]["name"] = HOSTILE.into();
    std::fs::write(&file, serde_json::to_string_pretty(&data).unwrap()).unwrap();
    tmp
}

fn build(prog: &Path, out: &Path, formats: &[&str], only: &[&str]) {
    let (p, diags) = load_programme(prog).expect("loads");
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let mut opts = BuildOptions::new(out);
    opts.formats = formats.iter().map(|s| s.to_string()).collect();
    opts.only = only.iter().map(|s| s.to_string()).collect();
    opts.jobs = 2;
    let report = batch::build(&p, &opts, &()).expect("build runs");
    assert_eq!(
        report.count(Status::Failed) + report.count(Status::Refused),
        0,
        "{:?}",
        report.diagnostics
    );
}

/// Converts `files` with LibreOffice (`--convert-to target`) into `outdir`,
/// with a profile of its own; returns the converted files.
fn soffice(files: &[PathBuf], target: &str, outdir: &Path) -> Vec<PathBuf> {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
        ])
        .arg(outdir)
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "LibreOffice is needed by these tests (`soffice`: {e}); \
                 `.ci/run` installs it, or `apt-get install libreoffice-writer-nogui`"
            )
        });
    assert!(
        out.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = target.split(':').next().unwrap();
    files
        .iter()
        .map(|f| {
            let p = outdir.join(format!(
                "{}.{ext}",
                f.file_stem().unwrap().to_string_lossy()
            ));
            assert!(
                p.is_file(),
                "LibreOffice did not convert {}: {}",
                f.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            p
        })
        .collect()
}

/// Spaces of every kind as one space.
fn normalise(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part headings (« Article 1er – Objet… », « Annexe II – … ») of a rendered convention.
fn headings(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_part = false;
    for line in md.lines() {
        if let Some(Anchor::Part { .. }) = anchor::parse(line) {
            after_part = true;
            continue;
        }
        if after_part && let Some(h) = line.strip_prefix("## ") {
            out.push(markdown_text(h).trim().to_string());
        }
        if !line.trim().is_empty() {
            after_part = false;
        }
    }
    out
}

/// Amounts in letters of a rendered convention: « (quarante-cinq mille euros) ».
fn amounts_in_letters(md: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\(([a-zéèêàù\- ]+ euros( et [a-z\- ]+ centimes)?)\)").unwrap();
    re.captures_iter(md).map(|c| c[1].to_string()).collect()
}

fn clause_ids(md: &str) -> Vec<String> {
    md.lines()
        .filter_map(|l| match anchor::parse(l)? {
            Anchor::Clause { id, .. } => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

fn entry(file: &Path, name: &str) -> String {
    let bytes = std::fs::read(file).unwrap();
    String::from_utf8(
        zip::read(&bytes, name)
            .unwrap()
            .unwrap_or_else(|| panic!("{} has no {name}", file.display())),
    )
    .unwrap()
}

#[test]
fn libreoffice_reads_the_articles_amounts_and_a_hostile_name_literally() {
    let prog = hostile_programme();
    let out = prog.path().join("out");
    let ids = [HOSTILE_ID, "tiers-lieu-les-communs"];
    build(prog.path(), &out, &["md", "odt", "docx"], &ids);
    let mut files = Vec::new();
    for id in ids {
        files.push(out.join(format!("{id}.odt")));
        files.push(out.join(format!("{id}.docx")));
    }
    let txt_dir = tempfile::tempdir().unwrap();
    let texts = soffice(&files, "txt:Text", txt_dir.path());
    for (file, txt) in files.iter().zip(&texts) {
        let id = file.file_stem().unwrap().to_string_lossy();
        let md = std::fs::read_to_string(out.join(format!("{id}.md"))).unwrap();
        let text = normalise(&std::fs::read_to_string(txt).unwrap());
        let what = file.display();
        let heads = headings(&md);
        assert!(heads.len() > 15, "{what}: {heads:?}");
        for h in &heads {
            assert!(
                text.contains(&normalise(h)),
                "{what}: heading {h:?} missing"
            );
        }
        let amounts = amounts_in_letters(&md);
        assert!(
            !amounts.is_empty(),
            "{id}: no amount in letters in the Markdown"
        );
        for a in &amounts {
            assert!(text.contains(&normalise(a)), "{what}: amount {a:?} missing");
        }
        // The budget table's cells.
        assert!(text.contains("Coût éligible"), "{what}");
        assert!(
            text.contains(&normalise("Contrat d'engagement républicain")),
            "{what}"
        );
        if id == HOSTILE_ID {
            assert!(
                text.contains(&normalise(HOSTILE)),
                "{what}: the association name is not literal"
            );
        }
        // Nothing of the Markdown's syntax leaks into the document.
        assert!(!text.contains("<!--"), "{what}");
        assert!(!text.contains("\\*"), "{what}");
    }
}

#[test]
fn footer_fields_count_pages_and_the_dashboard_is_landscape() {
    let prog = example_copy();
    let out = prog.path().join("out");
    let id = "maison-solidarites-montvalon";
    build(prog.path(), &out, &["md", "odt", "docx"], &[id]);
    let files = vec![
        out.join(format!("{id}.odt")),
        out.join(format!("{id}.docx")),
    ];
    let pdf_dir = tempfile::tempdir().unwrap();
    let landscape =
        regex::Regex::new(r"/MediaBox\s*\[\s*0 0 8[0-9]{2}(\.\d+)? 59[0-9](\.\d+)?\s*\]").unwrap();
    for pdf in soffice(&files, "pdf", pdf_dir.path()) {
        let bytes = std::fs::read(&pdf).unwrap();
        let pages = pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap();
        let n = pages.len();
        assert!(n >= 8, "{}: {n} pages", pdf.display());
        for (i, page) in pages.iter().enumerate() {
            let expected = format!("Page {} sur {n}", i + 1);
            assert!(
                normalise(page).contains(&expected),
                "{}: page {}: no « {expected} »",
                pdf.display(),
                i + 1
            );
        }
        // Landscape pages are wider than high: the dashboard's.
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            landscape.is_match(&text),
            "{}: no landscape page",
            pdf.display()
        );
    }
}

#[test]
fn structure_properties_and_clause_ids() {
    let prog = example_copy();
    let out = prog.path().join("out");
    let id = "maison-solidarites-montvalon";
    build(prog.path(), &out, &["md", "odt", "docx"], &[id]);
    let md = std::fs::read_to_string(out.join(format!("{id}.md"))).unwrap();
    let clauses = clause_ids(&md);
    let heads = headings(&md);

    // ODT: mimetype first and stored; a named section per clause; one
    // outline-level-1 heading per part heading; properties from the data.
    let odt = out.join(format!("{id}.odt"));
    let bytes = std::fs::read(&odt).unwrap();
    let entries = zip::entries(&bytes).unwrap();
    assert_eq!(entries[0].name, "mimetype");
    assert_eq!(entries[0].method, zip::Method::Stored);
    assert_eq!(
        &bytes[38..38 + 39],
        b"application/vnd.oasis.opendocument.text"
    );
    let manifest = entry(&odt, "META-INF/manifest.xml");
    for part in ["content.xml", "styles.xml", "meta.xml"] {
        assert!(manifest.contains(&format!("manifest:full-path=\"{part}\"")));
    }
    let content = entry(&odt, "content.xml");
    let doc = roxmltree::Document::parse(&content).expect("content.xml is XML");
    let sections: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute(("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "name")))
        .collect();
    let expected: Vec<String> = clauses.iter().map(|c| format!("clause:{c}")).collect();
    assert_eq!(sections, expected);
    let h1 = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("h")
                && n.attribute((
                    "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
                    "outline-level",
                )) == Some("1")
        })
        .count();
    assert_eq!(h1, heads.len());
    assert!(content.contains("style:master-page-name=\"Paysage\""));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("table"))
            .count(),
        md.matches("\n| --- ").count() + md.matches("\n|---").count(),
        "one table per Markdown table"
    );
    let meta = entry(&odt, "meta.xml");
    roxmltree::Document::parse(&meta).expect("meta.xml is XML");
    assert!(
        meta.contains("<dc:creator>Région Val-de-Meuse</dc:creator>"),
        "{meta}"
    );
    assert!(
        meta.contains("<meta:keyword>RVM-ESS-2026-001</meta:keyword>"),
        "{meta}"
    );
    // The signature date of the data (else its decision date), never the clock.
    assert!(
        meta.contains("<dc:date>2026-02-10T00:00:00</dc:date>"),
        "{meta}"
    );
    let styles = entry(&odt, "styles.xml");
    roxmltree::Document::parse(&styles).expect("styles.xml is XML");
    assert!(styles.contains("<text:page-number text:select-page=\"current\">"));
    assert!(styles.contains("<text:page-count>"));

    // DOCX: a bookmark per clause; heading styles; sections; properties.
    let docx = out.join(format!("{id}.docx"));
    let document = entry(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&document).expect("document.xml is XML");
    let bookmarks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("bookmarkStart"))
        .filter_map(|n| {
            n.attributes()
                .find(|a| a.name() == "name")
                .map(|a| a.value())
        })
        .collect();
    let expected: Vec<String> = clauses
        .iter()
        .map(|c| charta::emit::docx::bookmark_name(c))
        .collect();
    assert_eq!(bookmarks, expected);
    assert_eq!(
        document.matches("<w:pStyle w:val=\"Heading1\"/>").count(),
        heads.len()
    );
    assert_eq!(document.matches("w:orient=\"landscape\"").count(), 1);
    let core = entry(&docx, "docProps/core.xml");
    roxmltree::Document::parse(&core).expect("core.xml is XML");
    assert!(
        core.contains("<dc:creator>Région Val-de-Meuse</dc:creator>"),
        "{core}"
    );
    assert!(
        core.contains("<cp:keywords>RVM-ESS-2026-001</cp:keywords>"),
        "{core}"
    );
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "docProps/app.xml",
    ] {
        roxmltree::Document::parse(&entry(&docx, part)).unwrap_or_else(|e| panic!("{part}: {e}"));
    }
    assert!(entry(&docx, "word/footer1.xml").contains("w:instr=\" NUMPAGES \""));
}

#[test]
fn same_inputs_give_byte_identical_files_and_the_manifest_lists_each_format() {
    let prog = example_copy();
    let (a, b) = (prog.path().join("a"), prog.path().join("b"));
    let ids = ["maison-solidarites-montvalon", "atelier-velo-thionvaux"];
    build(prog.path(), &a, &["md", "odt", "docx"], &ids);
    build(prog.path(), &b, &["md", "odt", "docx"], &ids);
    for id in ids {
        for ext in ["odt", "docx"] {
            let f = format!("{id}.{ext}");
            assert_eq!(
                std::fs::read(a.join(&f)).unwrap(),
                std::fs::read(b.join(&f)).unwrap(),
                "{f}"
            );
        }
    }
    let m = charta::out::Manifest::read(&a).unwrap();
    for e in &m.conventions {
        let formats: Vec<&str> = e.outputs.keys().map(String::as_str).collect();
        assert_eq!(formats, ["docx", "md", "odt"], "{}", e.id);
    }
    // Adding a format later makes only that format: the others stay as they are.
    let md_before = std::fs::metadata(a.join("atelier-velo-thionvaux.md"))
        .unwrap()
        .modified()
        .unwrap();
    let (p, _) = load_programme(prog.path()).unwrap();
    let mut opts = BuildOptions::new(&a);
    opts.formats = vec!["md".into(), "odt".into()];
    opts.only = ids.iter().map(|s| s.to_string()).collect();
    std::fs::remove_file(a.join("atelier-velo-thionvaux.odt")).unwrap();
    let r = batch::build(&p, &opts, &()).unwrap();
    assert_eq!(r.count(Status::Rendered), 1, "{:?}", r.outcomes);
    assert_eq!(
        std::fs::metadata(a.join("atelier-velo-thionvaux.md"))
            .unwrap()
            .modified()
            .unwrap(),
        md_before
    );
    assert_eq!(
        std::fs::read(a.join("atelier-velo-thionvaux.odt")).unwrap(),
        std::fs::read(b.join("atelier-velo-thionvaux.odt")).unwrap()
    );
}

#[test]
fn unknown_format_is_refused_before_anything_is_written() {
    let prog = example_copy();
    let out = prog.path().join("out");
    let (p, _) = load_programme(prog.path()).unwrap();
    let mut opts = BuildOptions::new(&out);
    opts.formats = vec!["md".into(), "rtf".into()];
    let err = batch::build(&p, &opts, &()).unwrap_err();
    assert!(
        err.message.contains("unknown output format `rtf`"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("md, pdf, odt, docx"),
        "{}",
        err.message
    );
    assert!(!out.join("manifest.json").exists());
}
