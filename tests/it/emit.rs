//! The editable formats (ODT, DOCX) opened by a real office suite:
//! LibreOffice, headless (`soffice`, installed by `scripts/setup`). Each test
//! converts the generated files with its own LibreOffice profile, so tests
//! run in parallel.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use charta::anchor::{self, Anchor};
use charta::build::{self, BuildOptions};
use charta::emit::zip;
use charta::load::load_programme;
use charta::out::Status;

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
    // A draft: a signed convention's files come from its archive (the name
    // as signed), and a changed name alone is no avenant.
    data["convention"]["signature"]["date"] = serde_json::Value::Null;
    data["convention"]
        .as_object_mut()
        .unwrap()
        .remove("amendments");
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
    let report = build::run_collected(&p, &opts, &()).expect("build runs");
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
                 `scripts/setup` installs it"
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

/// The ids of the parts that have a heading, in order.
fn headed_parts(md: &str) -> Vec<String> {
    charta::diff::Convention::parse(md)
        .unwrap()
        .parts
        .into_iter()
        .filter(|p| p.heading.is_some())
        .map(|p| p.id)
        .collect()
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
    if !crate::clients::present(crate::clients::Client::Writer) {
        return;
    }
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
    if !crate::clients::present(crate::clients::Client::Writer) {
        return;
    }
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
    let part_marks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("bookmark"))
        .filter(|n| n.parent().is_some_and(|h| h.has_tag_name("h")))
        .filter_map(|n| n.attribute(("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "name")))
        .collect();
    let expected: Vec<String> = headed_parts(&md)
        .iter()
        .map(|p| charta::emit::odt::part_bookmark_name(p))
        .collect();
    assert_eq!(part_marks, expected);
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
    let of_clauses: Vec<&str> = bookmarks
        .iter()
        .copied()
        .filter(|b| b.starts_with("c_"))
        .collect();
    assert_eq!(of_clauses, expected);
    // And one at the start of each part's heading, so that `charta diff`
    // finds an edited heading's part.
    let of_parts: Vec<&str> = bookmarks
        .iter()
        .copied()
        .filter(|b| b.starts_with("p_"))
        .collect();
    let expected: Vec<String> = headed_parts(&md)
        .iter()
        .map(|p| charta::emit::docx::part_bookmark_name(p))
        .collect();
    assert_eq!(of_parts, expected);
    assert_eq!(of_parts.len() + of_clauses.len(), bookmarks.len());
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
        // The convention's own formats (an avenant's files are `avenant-1.md`…).
        let formats: Vec<&str> = e
            .outputs
            .keys()
            .map(String::as_str)
            .filter(|k| !k.contains('.'))
            .collect();
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
    let r = build::run_collected(&p, &opts, &()).unwrap();
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
    let err = build::run_collected(&p, &opts, &()).unwrap_err();
    assert!(
        err.message.contains("format de sortie inconnu `rtf`"),
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

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A copy of the archive `from` with the entry `part` changed by `edit`
/// (the other entries as they are, `mimetype` first and stored).
fn rezip(from: &Path, to: &Path, part: &str, edit: impl Fn(&str) -> String) {
    let bytes = std::fs::read(from).unwrap();
    let mut w = zip::ZipWriter::new();
    for e in zip::entries(&bytes).unwrap() {
        let mut data = zip::read_entry(&bytes, &e).unwrap();
        if e.name == part {
            data = edit(&String::from_utf8(data).unwrap()).into_bytes();
        }
        let method = if e.name == "mimetype" {
            zip::Method::Stored
        } else {
            zip::Method::Deflated
        };
        w.add(&e.name, &data, method);
    }
    std::fs::write(to, w.finish()).unwrap();
}

fn clause_changes(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["target"] == "clause")
        .map(|c| {
            (
                c["clause"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_edited_copy_saved_by_libreoffice_is_compared_back_clause_by_clause() {
    if !crate::clients::present(crate::clients::Client::Writer) {
        return;
    }
    let prog = example_copy();
    let out = prog.path().join("out");
    let id = "maison-solidarites-montvalon";
    build(prog.path(), &out, &["md", "odt", "docx"], &[id]);
    let md_path = out.join(format!("{id}.md"));
    let md = std::fs::read_to_string(&md_path).unwrap();
    let conv = charta::diff::Convention::parse(&md).unwrap();
    let touched = conv
        .clauses
        .iter()
        .find(|c| c.text.contains("financièrement"))
        .unwrap()
        .id
        .clone();
    for (ext, target, part) in [
        ("odt", "odt", "content.xml"),
        ("docx", "docx:MS Word 2007 XML", "word/document.xml"),
    ] {
        // Opened and saved by LibreOffice: every clause mark survives, no difference.
        let saved_dir = tempfile::tempdir().unwrap();
        let saved = soffice(&[out.join(format!("{id}.{ext}"))], target, saved_dir.path())
            .pop()
            .unwrap();
        let (code, stdout, err) = charta(&["diff", s(&md_path), s(&saved), "--format", "json"]);
        assert_eq!(code, 0, "{ext}: {stdout}{err}");

        // One word changed in one clause: that clause, and only it, is modified.
        let edited = saved_dir.path().join(format!("edited.{ext}"));
        rezip(&saved, &edited, part, |xml| {
            assert!(xml.contains("financièrement"), "{ext}");
            xml.replacen("financièrement", "généreusement", 1)
        });
        let (code, stdout, err) = charta(&["diff", s(&md_path), s(&edited), "--format", "json"]);
        assert_eq!(code, 1, "{ext}: {err}");
        assert_eq!(
            clause_changes(&stdout),
            [(touched.clone(), "modified".to_string())],
            "{ext}"
        );
        let (_, text, _) = charta(&["diff", s(&md_path), s(&edited)]);
        assert!(text.contains("généreusement"), "{ext}: {text}");

        // A clause deleted in the editor (its text and its mark) is reported removed.
        let removed = saved_dir.path().join(format!("removed.{ext}"));
        let fin = conv.clauses.last().unwrap().id.clone();
        rezip(&saved, &removed, part, |xml| match ext {
            "odt" => xml.replace(
                &format!("text:name=\"clause:{fin}\""),
                "text:name=\"autre\"",
            ),
            _ => xml.replace(
                &format!("w:name=\"{}\"", charta::emit::docx::bookmark_name(&fin)),
                "w:name=\"autre\"",
            ),
        });
        let (code, stdout, err) = charta(&["diff", s(&md_path), s(&removed), "--format", "json"]);
        assert_eq!(code, 1, "{ext}: {err}");
        assert_eq!(
            clause_changes(&stdout),
            [(fin.clone(), "removed".to_string())],
            "{ext}"
        );
        // Its text, left in the document without its mark, does not vanish:
        // it is text of its part, before any clause.
        let fin_part = conv.clauses.last().unwrap().part.clone();
        let first_words: String = conv.clauses.last().unwrap().text.chars().take(20).collect();
        assert!(
            changes_read(&stdout)
                .iter()
                .any(|(t, at, ins, _)| t == "heading"
                    && *at == fin_part
                    && ins.contains(&first_words)),
            "{ext}: {stdout}"
        );
    }
    // Not a copy of a convention: a clear error, exit 2.
    let other = out.join("autre.docx");
    std::fs::write(&other, b"PK not a zip").unwrap();
    let (code, _, err) = charta(&["diff", s(&md_path), s(&other)]);
    assert_eq!(code, 2);
    assert!(err.contains("ce n'est pas un fichier DOCX"), "{err}");
}

#[test]
fn a_redline_as_tracked_changes_reads_back_in_libreoffice() {
    if !crate::clients::present(crate::clients::Client::Writer) {
        return;
    }
    let prog = example_copy();
    let (old, new) = (prog.path().join("old"), prog.path().join("new"));
    let id = "maison-solidarites-montvalon";
    // Two drafts (a signed convention changes by avenant, not in place).
    let file = prog.path().join("associations").join(format!("{id}.json"));
    edit_json(&file, |v| {
        v["convention"]["signature"]["date"] = serde_json::Value::Null;
        v["convention"]
            .as_object_mut()
            .unwrap()
            .remove("amendments");
    });
    build(prog.path(), &old, &["md"], &[id]);
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["convention"]["funding"]["2028"] = 52000.into();
    std::fs::write(&file, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    build(prog.path(), &new, &["md"], &[id]);
    let (old_md, new_md) = (old.join(format!("{id}.md")), new.join(format!("{id}.md")));
    let work = tempfile::tempdir().unwrap();
    for ext in ["docx", "odt"] {
        let redline = work.path().join(format!("redline.{ext}"));
        let args = [
            "diff",
            s(&old_md),
            s(&new_md),
            "--format",
            ext,
            "--out",
            s(&redline),
            "--author",
            "Service juridique « R&D »",
        ];
        let (code, _, err) = charta(&args);
        assert_eq!(code, 1, "{err}");
        let first = std::fs::read(&redline).unwrap();
        charta(&args);
        assert_eq!(
            first,
            std::fs::read(&redline).unwrap(),
            "{ext}: reproducible"
        );

        // LibreOffice reads the changes: converted to ODT, they are tracked
        // changes by that author at the decision date of the data.
        let conv_dir = tempfile::tempdir().unwrap();
        let odt = if ext == "odt" {
            redline.clone()
        } else {
            soffice(std::slice::from_ref(&redline), "odt", conv_dir.path())
                .pop()
                .unwrap()
        };
        let content = entry(&odt, "content.xml");
        let doc = roxmltree::Document::parse(&content).unwrap();
        let ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
        let regions: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((ns, "changed-region")))
            .collect();
        let insertions = regions
            .iter()
            .filter(|r| r.children().any(|c| c.has_tag_name((ns, "insertion"))))
            .count();
        let deletions = regions
            .iter()
            .filter(|r| r.children().any(|c| c.has_tag_name((ns, "deletion"))))
            .count();
        assert!(
            insertions >= 2 && deletions >= 2,
            "{ext}: {insertions} insertions, {deletions} deletions"
        );
        for r in &regions {
            let creator: String = r
                .descendants()
                .filter(|n| n.has_tag_name("creator"))
                .filter_map(|n| n.text())
                .collect();
            assert_eq!(creator, "Service juridique « R&D »", "{ext}");
            let date: String = r
                .descendants()
                .filter(|n| n.has_tag_name("date"))
                .filter_map(|n| n.text())
                .collect();
            // The new version's date: a draft's is its decision date.
            assert!(date.starts_with("2026-01-23"), "{ext}: {date}");
        }
        let deleted: String = regions
            .iter()
            .flat_map(|r| r.descendants())
            .filter(|n| n.has_tag_name((ns, "p")))
            .flat_map(|p| p.descendants().filter_map(|n| n.text()))
            .collect();
        assert!(
            deleted.contains("47"),
            "{ext}: old amount deleted: {deleted}"
        );

        // Accepting every change gives the new version, clause by clause.
        let (code, out, err) = charta(&["diff", s(&new_md), s(&redline), "--format", "json"]);
        assert_eq!(
            code, 0,
            "{ext}: accepted changes differ from the new version: {out}{err}"
        );
    }
}

/// The Basic macro that edits a document in LibreOffice as a person would:
/// `Edit(path, ops)` opens it hidden, applies each operation of `ops`
/// (`~`-separated, fields `|`-separated, each on the first match of its
/// text, case-sensitive), and saves it in its own format. Operations:
/// `replace|text|new`, `after|text|new paragraph` (a paragraph of the
/// default style after the one holding text), `delete|text` (the paragraph
/// holding it), `bold|text`, `italic|text`.
const EDIT_MACRO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Edit(path As String, ops As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(path), &quot;_blank&quot;, 0, args())
  If ops &lt;&gt; &quot;&quot; Then
    For Each op In Split(ops, &quot;~&quot;)
      f = Split(op, &quot;|&quot;)
      sd = doc.createSearchDescriptor()
      sd.SearchString = f(1)
      sd.SearchCaseSensitive = True
      found = doc.findFirst(sd)
      Select Case f(0)
        Case &quot;replace&quot;
          found.setString(f(2))
        Case &quot;after&quot;
          t = found.getText()
          c = t.createTextCursorByRange(found.getEnd())
          c.gotoEndOfParagraph(False)
          t.insertControlCharacter(c, com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK, False)
          c.ParaStyleName = &quot;Standard&quot;
          c.OutlineLevel = 0
          t.insertString(c, f(2), False)
        Case &quot;delete&quot;
          e = found.getText().createTextCursorByRange(found).createEnumeration()
          e.nextElement().dispose()
        Case &quot;bold&quot;
          found.CharWeight = com.sun.star.awt.FontWeight.BOLD
        Case &quot;italic&quot;
          found.CharPosture = com.sun.star.awt.FontSlant.ITALIC
      End Select
    Next
  End If
  doc.store()
  doc.close(True)
End Sub
</script:module>
"#;

/// A LibreOffice profile with [`EDIT_MACRO`] as `Standard.Module1` (the
/// profile is made by a first start, which writes a default module, then
/// the module is replaced).
fn macro_profile() -> tempfile::TempDir {
    let profile = tempfile::tempdir().expect("profile dir");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--norestore", "--terminate_after_init"])
        .output()
        .expect("soffice starts");
    assert!(status.status.success(), "{status:?}");
    let module = profile.path().join("user/basic/Standard/Module1.xba");
    assert!(module.is_file(), "the profile has its Basic library");
    std::fs::write(module, EDIT_MACRO).unwrap();
    profile
}

/// Edits `file` in place in LibreOffice with [`EDIT_MACRO`] (`ops`: see it).
fn edit_in_libreoffice(profile: &Path, file: &Path, ops: &[&str]) {
    let before = std::fs::read(file).unwrap();
    let call = format!(
        "macro:///Standard.Module1.Edit(\"{}\",\"{}\")",
        file.display(),
        ops.join("~")
    );
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", &call])
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "{out:?}");
    assert_ne!(
        std::fs::read(file).unwrap(),
        before,
        "LibreOffice saved {}",
        file.display()
    );
}

/// `(target, clause or part, inserted words, deleted words)` of each change
/// of a `charta diff --format json` report.
fn changes_read(json: &str) -> Vec<(String, String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let words = |c: &serde_json::Value, op: &str| -> String {
        c["redline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["op"] == op)
            .map(|s| s["text"].as_str().unwrap().trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at = c["clause"].as_str().or(c["part"].as_str()).unwrap_or("");
            (
                c["target"].as_str().unwrap().to_string(),
                at.to_string(),
                words(c, "insert"),
                words(c, "delete"),
            )
        })
        .collect()
}

/// `saved` (a copy of the document of `md`) opened and saved in LibreOffice
/// unedited, and `formatted` with formatting changed only (bold, italic, a
/// heading too): `charta diff` finds no difference in either.
fn no_difference_once_saved_or_formatted(
    profile: &Path,
    md: &Path,
    saved: &Path,
    formatted: &Path,
) {
    let diff = |file: &Path| charta(&["diff", s(md), s(file), "--format", "json"]);
    edit_in_libreoffice(profile, saved, &[]);
    let (code, stdout, err) = diff(saved);
    assert_eq!(
        (code, changes_read(&stdout)),
        (0, vec![]),
        "{}: {err}",
        saved.display()
    );
    edit_in_libreoffice(
        profile,
        formatted,
        &[
            "bold|financièrement",
            "italic|Durée de la convention",
            "bold|Budget prévisionnel",
            "italic|Fiches de suivi",
        ],
    );
    let (code, stdout, err) = diff(formatted);
    assert_eq!(
        (code, changes_read(&stdout)),
        (0, vec![]),
        "{}: {err}",
        formatted.display()
    );
}

#[test]
fn every_edit_made_in_libreoffice_is_reported_and_formatting_is_not() {
    if !crate::clients::present(crate::clients::Client::Writer) {
        return;
    }
    let prog = example_copy();
    let out = prog.path().join("out");
    let id = "maison-solidarites-montvalon";
    build(prog.path(), &out, &["md", "odt", "docx"], &[id]);
    let md_path = out.join(format!("{id}.md"));
    let conv =
        charta::diff::Convention::parse(&std::fs::read_to_string(&md_path).unwrap()).unwrap();
    let part_headed = |title: &str| {
        conv.parts
            .iter()
            .find(|p| p.heading.as_deref().is_some_and(|h| h.ends_with(title)))
            .unwrap()
            .id
            .clone()
    };
    let clause_with = |text: &str| {
        conv.clauses
            .iter()
            .find(|c| c.text.contains(text))
            .unwrap()
            .id
            .clone()
    };
    let profile = macro_profile();
    let work = tempfile::tempdir().unwrap();
    for ext in ["odt", "docx"] {
        let copy = |name: &str| {
            let to = work.path().join(format!("{name}.{ext}"));
            std::fs::copy(out.join(format!("{id}.{ext}")), &to).unwrap();
            to
        };

        no_difference_once_saved_or_formatted(
            profile.path(),
            &md_path,
            &copy("saved"),
            &copy("formatted"),
        );

        // The title, an article's and an annex's title, a table cell, a
        // paragraph added right after a heading (before the article's first
        // clause), a paragraph deleted: each is reported.
        let edited = copy("edited");
        edit_in_libreoffice(
            profile.path(),
            &edited,
            &[
                "replace|Convention pluriannuelle d'objectifs|Convention pluriannuelle d'objectifs et de moyens",
                "replace|Contribution financière|Contribution de la Région au projet",
                "replace|Budget prévisionnel|Budget prévisionnel de l'action",
                "replace|Fiches de suivi individuel|Fiches de suivi individuelles",
                "after|Durée de la convention|Les parties conviennent d'un calendrier indicatif.",
                "delete|une part,",
            ],
        );
        let (code, stdout, err) = charta(&["diff", s(&md_path), s(&edited), "--format", "json"]);
        assert_eq!(code, 1, "{ext}: {stdout}{err}");
        let mut got = changes_read(&stdout);
        got.sort();
        let c = |t: &str, at: String, ins: &str, del: &str| {
            (t.to_string(), at, ins.to_string(), del.to_string())
        };
        let mut expected = vec![
            c("title", String::new(), "et de moyens", ""),
            c(
                "clause",
                clause_with("d'une part"),
                "",
                "ci-après dénommée «\u{a0}la Région\u{a0}», d'une part,",
            ),
            c(
                "heading",
                part_headed("Durée de la convention"),
                "Les parties conviennent d'un calendrier indicatif.",
                "",
            ),
            c(
                "heading",
                part_headed("Contribution financière"),
                "de la Région au projet",
                "financière",
            ),
            c(
                "heading",
                part_headed("Budget prévisionnel"),
                "de l'action",
                "",
            ),
            c(
                "clause",
                clause_with("Fiches de suivi individuel"),
                "individuelles",
                "individuel",
            ),
        ];
        expected.sort();
        assert_eq!(got, expected, "{ext}: {stdout}");
        // The text report names them, in French.
        let (_, text, _) = charta(&["diff", s(&md_path), s(&edited)]);
        for said in [
            "bloc de titre modifié",
            "intitulé de article 4 modifié",
            "intitulé de annexe II modifié",
            "intitulé de article 2 modifié",
            "{+Les parties conviennent d'un calendrier indicatif.+}",
        ] {
            assert!(text.contains(said), "{ext}: {said}: {text}");
        }
    }
}
