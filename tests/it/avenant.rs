//! Avenants: a signed convention is archived in PROG/signed/<id>/, written
//! back from there byte for byte, and a change of its data becomes the draft
//! avenant the data asks for, with the consolidated version.

use crate::common::*;

use std::collections::BTreeSet;
use std::path::Path;

use charta::build::{BuildReport, Collected};
use charta::document::Convention;
use charta::load::load_programme;
use charta::out::Status;

fn build(dir: &Path) -> Collected {
    build_collected(dir, &["md"])
}

fn status_of(r: &BuildReport, id: &str) -> Status {
    r.outcomes.iter().find(|(i, _)| i == id).unwrap().1
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// The example at signature, built once: its signed convention is archived.
fn signed_and_built() -> tempfile::TempDir {
    let tmp = example_copy_at_signature();
    let r = build(tmp.path());
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let archive = tmp.path().join("signed").join(SIGNED_ID);
    assert_eq!(
        read(archive.join("convention.md")),
        read(tmp.path().join(format!("out/{SIGNED_ID}.md"))),
        "the first build that sees it signed archives it"
    );
    assert!(archive.join("convention.data.json").is_file());
    assert!(
        std::fs::metadata(archive.join("convention.md"))
            .unwrap()
            .permissions()
            .readonly()
    );
    tmp
}

fn amendment(decision_date: &str, signed: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "decision": {"body": "Commission permanente", "date": decision_date, "number": format!("CP-{decision_date}")},
        "signature": {"place": "Montvalon-sur-Meuse", "date": signed},
        "summary": "La fréquentation des permanences a dépassé les prévisions."
    })
}

/// Adds a draft amendment and changes the data with `f`.
fn draft(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    edit_json(&signed_data_path(dir), |v| {
        let list = v["convention"]
            .as_object_mut()
            .unwrap()
            .entry("amendments")
            .or_insert(serde_json::json!([]));
        let n = list.as_array().unwrap().len();
        list.as_array_mut()
            .unwrap()
            .push(amendment(&format!("2027-0{}-12", n + 3), None));
        f(v)
    });
}

/// Signs the last amendment.
fn sign_last(dir: &Path, date: &str) {
    edit_json(&signed_data_path(dir), |v| {
        let list = v["convention"]["amendments"].as_array_mut().unwrap();
        let last = list.last_mut().unwrap();
        last["signature"]["date"] = serde_json::json!(date);
    });
}

fn avenant(dir: &Path, k: usize) -> String {
    read(dir.join(format!("out/{SIGNED_ID}.avenant-{k}.md")))
}

/// The article parts of an avenant, by id.
fn articles(md: &str) -> Vec<String> {
    Convention::parse(md)
        .unwrap()
        .parts
        .into_iter()
        .filter(|p| p.kind == "article")
        .map(|p| p.id)
        .collect()
}

fn flat(md: &str) -> String {
    md.replace(['\u{a0}', '\u{202f}'], " ")
}

#[test]
fn a_changed_amount_is_an_avenant_restating_article_4_only() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    let signed_md = read(dir.join(format!("out/{SIGNED_ID}.md")));
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(status_of(&r, SIGNED_ID), Status::Rendered);
    let av = avenant(dir, 1);
    let text = flat(&av);
    assert!(
        text.contains(
            "# Avenant n° 1 à la convention pluriannuelle d'objectifs n° RVM-ESS-2026-001"
        ),
        "{av}"
    );
    // Only the contribution article is restated among the articles (and the
    // budget annex, which carries the amount, is replaced).
    let arts = articles(&av);
    assert_eq!(
        arts.first().map(String::as_str),
        Some("modification-contribution"),
        "{arts:?}"
    );
    assert_eq!(
        arts.last().map(String::as_str),
        Some("dispositions-finales")
    );
    for a in &arts[1..arts.len() - 1] {
        assert!(
            a.starts_with("modification-annexe"),
            "only article 4 is restated: {arts:?}"
        );
    }
    assert!(
        text.contains("L'article 4 de la convention est remplacé par les dispositions suivantes :"),
        "{av}"
    );
    assert!(
        text.contains("« Article 4 – Contribution financière"),
        "{av}"
    );
    assert!(text.contains("52 000 €"), "figures: {av}");
    assert!(text.contains("cinquante-deux mille euros"), "letters: {av}");
    assert!(text.contains("Les autres stipulations de la convention demeurent inchangées"));
    assert!(text.contains("Vu la délibération n° CP-2027-03-12 du 12 mars 2027 (Commission permanente) approuvant le présent avenant"), "{av}");
    assert!(text.contains("signée le 10 février 2026"), "{av}");
    // The parties: the Région signs the avenant by the avenant's decision.
    assert!(
        text.contains("dûment habilité à signer le présent avenant par la délibération n° CP-2027-03-12 du 12 mars 2027 (Commission permanente)"),
        "{av}"
    );
    assert!(!text.contains("signer la présente convention"), "{av}");
    // The visa cites the articles on avenants and on the dashboard's
    // adjustment, with their numbers in the signed text.
    let signed_doc = Convention::parse(&signed_md).unwrap();
    let mut cited: Vec<String> = ["evaluation", "avenant"]
        .iter()
        .map(|id| signed_doc.part(id).unwrap().number.clone().unwrap())
        .collect();
    cited.sort_by_key(|n| n.parse::<u32>().unwrap_or(0));
    assert!(
        text.contains(&format!(
            "conclue entre la Région et l'association Maison des Solidarités de Montvalon, signée le 10 février 2026, notamment ses articles {} et {} ;",
            cited[0], cited[1]
        )),
        "{av}"
    );
    // The préambule: the motive, then the parties' agreement « de X à Y », from the data.
    assert!(
        text.contains("La fréquentation des permanences a dépassé les prévisions.\n\nLes parties sont convenues de porter le montant maximal de la contribution de la Région pour l'année 2027 de 45 000 € à 52 000 €. Elles modifient à cet effet la convention"),
        "{av}"
    );
    assert!(
        av.contains("de 45\u{202f}000\u{a0}€ à 52\u{202f}000\u{a0}€"),
        "typography: {av}"
    );
    assert!(
        text.contains("Fait à Montvalon-sur-Meuse, le ………………"),
        "a draft: {av}"
    );
    // The signed convention stays byte for byte.
    assert_eq!(read(dir.join(format!("out/{SIGNED_ID}.md"))), signed_md);
    // The consolidated version.
    let cons = flat(&read(dir.join(format!("out/{SIGNED_ID}.consolidee.md"))));
    assert!(
        cons.contains("**Version consolidée de travail, sans valeur juridique.** Elle intègre à la convention signée le 10 février 2026 les modifications prévues par le projet d'avenant n° 1, approuvé par la délibération n° CP-2027-03-12 du 12 mars 2027 et non encore signé. Seuls la convention et ses avenants signés font foi."),
        "{cons}"
    );
    assert!(
        cons.contains(
            "## Article 4 – Contribution financière (modifié par le projet d'avenant n° 1)"
        ),
        "{cons}"
    );
    assert!(cons.contains("52 000 €"));
    assert!(
        cons.contains("Avenant n° 1 : projet approuvé par la délibération n° CP-2027-03-12 du 12 mars 2027, non encore signé."),
        "{cons}"
    );
    assert!(!cons.contains("## Article 1er – Objet de la convention (modifié"));
    // The manifest records them.
    let e = manifest_entries(&dir.join("out"))
        .into_iter()
        .find(|e| e.id == SIGNED_ID)
        .unwrap();
    assert_eq!(e.avenants, vec![1]);
    assert_eq!(
        e.signed_archive.as_deref(),
        Some(&*format!("signed/{SIGNED_ID}"))
    );
    assert!(e.outputs.contains_key("avenant-1.md"));
    assert!(e.outputs.contains_key("consolidee.md"));
    // A second build has nothing to do.
    let again = build(dir);
    assert_eq!(status_of(&again, SIGNED_ID), Status::Unchanged);
}

#[test]
fn a_changed_target_replaces_annex_iii() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    draft(dir, |v| {
        v["dashboard"]["objectives"][0]["indicators"][0]["targets"]["2027"] = serde_json::json!(750)
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let av = flat(&avenant(dir, 1));
    assert_eq!(
        articles(&av),
        [
            "modification-annexe-tableau-de-bord",
            "dispositions-finales"
        ]
    );
    assert!(
        av.contains("L'annexe III de la convention, intitulée « Tableau de bord : priorités, objectifs, indicateurs et cibles », est remplacée par l'annexe III jointe au présent avenant."),
        "{av}"
    );
    assert!(
        av.contains(
            "## Annexe III de la convention (rédaction issue de l'avenant n° 1) – Tableau de bord"
        ),
        "{av}"
    );
    assert!(
        av.contains("de porter la cible de l'indicateur « Personnes reçues en permanence d'accès aux droits » pour l'année 2027 de 720 à 750 personnes"),
        "{av}"
    );
    // The annex attached, with its number, as an annex of the avenant.
    let doc = Convention::parse(&av).unwrap();
    let annex = doc.part("annexe-tableau-de-bord").expect("annex attached");
    assert_eq!(annex.number.as_deref(), Some("III"));
    assert!(av.contains("| 750 |"), "{av}");
}

#[test]
fn an_added_optional_clause_is_a_bis_article_and_nothing_is_renumbered() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    // Signed without the premises article.
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["clauses"]["add"] = serde_json::json!(["communication-logo"]);
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let signed = Convention::parse(&read(dir.join(format!("out/{SIGNED_ID}.md")))).unwrap();
    let versement = signed.part("versement").unwrap().number.clone().unwrap();
    let justificatifs = signed
        .part("justificatifs")
        .unwrap()
        .number
        .clone()
        .unwrap();
    draft(dir, |v| {
        v["convention"]["clauses"]["add"] =
            serde_json::json!(["communication-logo", "mise-a-disposition-locaux"]);
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let av = flat(&avenant(dir, 1));
    assert!(
        av.contains(&format!(
            "Après l'article {versement} de la convention, il est inséré un article {versement} bis ainsi rédigé :"
        )),
        "{av}"
    );
    assert!(
        av.contains(&format!(
            "« Article {versement} bis – Mise à disposition de locaux"
        )),
        "{av}"
    );
    let cons_md = read(dir.join(format!("out/{SIGNED_ID}.consolidee.md")));
    let cons = Convention::parse(&cons_md).unwrap();
    assert_eq!(
        cons.part("locaux").unwrap().number.as_deref(),
        Some(&*format!("{versement}bis"))
    );
    assert_eq!(
        cons.part("justificatifs").unwrap().number.as_deref(),
        Some(justificatifs.as_str()),
        "an avenant never renumbers the convention"
    );
    assert!(flat(&cons_md).contains("(inséré par le projet d'avenant n° 1)"));
}

#[test]
fn a_chain_of_two_avenants_and_a_signed_avenant_refuses_silent_change() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    assert!(!build(dir).has_errors());
    sign_last(dir, "2027-03-20");
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let archive = dir.join("signed").join(SIGNED_ID);
    let signed_1 = read(archive.join("avenant-1.md"));
    assert_eq!(avenant(dir, 1), signed_1);
    assert!(flat(&signed_1).contains("Fait à Montvalon-sur-Meuse, le 20 mars 2027"));
    assert!(archive.join("avenant-1.texte.md").is_file());

    // A change without a new entry is refused; the hint shows the entry to add.
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(49000)
    });
    let before = out_files(&dir.join("out"));
    let r = build(dir);
    assert_eq!(status_of(&r, SIGNED_ID), Status::Refused);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with(SIGNED_ID))
        .unwrap();
    assert!(d.message.contains("changerait"), "{}", d.message);
    assert!(
        d.message.contains("l'article 4") || d.message.contains("l'article\u{a0}4"),
        "{}",
        d.message
    );
    let hint = d.hint.as_deref().unwrap();
    assert!(flat(hint).contains("l'avenant n° 2"), "{hint}");
    assert!(
        hint.contains("\"signature\": {\"place\": \"Montvalon-sur-Meuse\", \"date\": null}"),
        "{hint}"
    );
    assert_eq!(d.path.as_deref(), Some("convention.amendments"));
    assert_eq!(out_files(&dir.join("out")), before, "files left untouched");

    // Avenant 2: computed against the text after avenant 1.
    draft(dir, |v| {
        v["dashboard"]["objectives"][0]["indicators"][0]["targets"]["2028"] = serde_json::json!(800)
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let av2 = flat(&avenant(dir, 2));
    assert!(av2.contains("# Avenant n° 2"), "{av2}");
    assert!(
        av2.contains("Vu l'avenant n° 1 à cette convention, signé le 20 mars 2027"),
        "{av2}"
    );
    // 2028 changed in article 4 (49 000 €), not 2027 again: the text in force has 52 000 €.
    assert!(av2.contains("49 000 €"));
    assert!(
        av2.contains("modifiée par l'avenant n° 1 du 20 mars 2027"),
        "{av2}"
    );
    let arts = articles(&av2);
    assert!(
        arts.contains(&"modification-contribution".to_string()),
        "{arts:?}"
    );
    assert!(
        arts.contains(&"modification-annexe-tableau-de-bord".to_string()),
        "{arts:?}"
    );
    // Avenant 1 is still written, from its archive.
    assert_eq!(avenant(dir, 1), signed_1);
    let cons = flat(&read(dir.join(format!("out/{SIGNED_ID}.consolidee.md"))));
    assert!(
        cons.contains("(modifié par l'avenant n° 1 et par le projet d'avenant n° 2)"),
        "{cons}"
    );
    assert!(
        cons.contains("les modifications apportées par l'avenant n° 1 signé le 20 mars 2027, ainsi que celles prévues par le projet d'avenant n° 2, approuvé par la délibération n° CP-2027-04-12 du 12 avril 2027 et non encore signé."),
        "{cons}"
    );
    assert!(
        av2.contains("Les autres stipulations de la convention, telle que modifiée par l'avenant n° 1, demeurent inchangées"),
        "{av2}"
    );

    // Signed, avenant 2 is named with avenant 1, never « n° 1 à 2 ».
    sign_last(dir, "2027-04-20");
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let cons = flat(&read(dir.join(format!("out/{SIGNED_ID}.consolidee.md"))));
    assert!(
        cons.contains("(modifié par les avenants n° 1 et 2)"),
        "{cons}"
    );
    assert!(
        cons.contains("les modifications apportées par les avenants n° 1 et 2, signés respectivement le 20 mars 2027 et le 20 avril 2027. Seuls"),
        "{cons}"
    );
    assert!(!cons.contains("n° 1 à 2"), "{cons}");
    // After the signature block, the acts the version integrates.
    assert!(
        cons.contains("Avenant n° 1 : approuvé par la délibération n° CP-2027-03-12 du 12 mars 2027, signé le 20 mars 2027.\n\nAvenant n° 2 : approuvé par la délibération n° CP-2027-04-12 du 12 avril 2027, signé le 20 avril 2027."),
        "{cons}"
    );
}

#[test]
fn deleting_out_loses_nothing() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    assert!(!build_collected(dir, &["md", "pdf"]).has_errors());
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    assert!(!build_collected(dir, &["md", "pdf"]).has_errors());
    sign_last(dir, "2027-03-20");
    let r = build_collected(dir, &["md", "pdf"]);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let before = out_files(&dir.join("out"));
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let r = build_collected(dir, &["md", "pdf"]);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let after = out_files(&dir.join("out"));
    for f in [
        format!("{SIGNED_ID}.md"),
        format!("{SIGNED_ID}.pdf"),
        format!("{SIGNED_ID}.avenant-1.md"),
        format!("{SIGNED_ID}.avenant-1.pdf"),
    ] {
        assert!(after.contains_key(&f), "{f} written again");
        assert!(after[&f] == before[&f], "{f} identical");
    }
    // Even when today's data would render another convention.
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    edit_json(&signed_data_path(dir), |v| {
        v["association"]["representative"]["name"] = serde_json::json!("Paul Ferrand")
    });
    let r = build_collected(dir, &["md", "pdf"]);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let again = out_files(&dir.join("out"));
    assert!(again[&format!("{SIGNED_ID}.md")] == before[&format!("{SIGNED_ID}.md")]);
    assert!(again[&format!("{SIGNED_ID}.pdf")] == before[&format!("{SIGNED_ID}.pdf")]);
}

#[test]
fn check_validates_amendments_at_their_json_path() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"] = serde_json::json!([
            amendment("2025-12-01", None),
            amendment("2027-03-12", Some("2027-03-20")),
            amendment("2027-05-12", None),
        ]);
        v["convention"]["amendments"][1]["decision"]["number"] = serde_json::json!("");
    });
    let (prog, _) = load_programme(dir).unwrap();
    let entry = prog
        .associations
        .iter()
        .find(|a| a.id == SIGNED_ID)
        .unwrap();
    let diags = charta::check::check_association(&prog, entry);
    let paths: BTreeSet<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.path.clone())
        .collect();
    for p in [
        "convention.amendments[0].decision.date",
        "convention.amendments[0].signature.date",
        "convention.amendments[1].decision.number",
    ] {
        assert!(paths.contains(p), "{p}: {diags:#?}");
    }
    let gap = diags
        .iter()
        .find(|d| d.path.as_deref() == Some("convention.amendments[0].signature.date"))
        .unwrap();
    assert!(
        flat(&gap.message).contains("n'est pas signé, mais l'avenant n° 2 le suit"),
        "{}",
        gap.message
    );
    assert!(gap.line.is_some(), "located in the file");
}

#[test]
fn the_example_has_a_signed_convention_with_a_draft_avenant() {
    let tmp = example_copy();
    let dir = tmp.path();
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let archive = dir.join("signed").join(SIGNED_ID);
    assert_eq!(
        read(dir.join(format!("out/{SIGNED_ID}.md"))),
        read(archive.join("convention.md")),
        "the signed convention comes from its archive"
    );
    let av = flat(&avenant(dir, 1));
    assert!(
        av.contains("L'article 4 de la convention est remplacé"),
        "{av}"
    );
    assert!(av.contains("L'annexe III de la convention"), "{av}");
    assert!(dir.join(format!("out/{SIGNED_ID}.consolidee.md")).is_file());
    let status = charta::out::signed::status(
        dir,
        SIGNED_ID,
        &charta::load::parse_association(&read(signed_data_path(dir)), &signed_data_path(dir))
            .unwrap(),
    );
    assert_eq!(
        status,
        charta::out::signed::SignedStatus {
            signed: true,
            archived: true,
            signed_avenants: 0,
            draft_avenant: Some(1),
        }
    );
}

#[test]
fn scdl_publishes_a_signed_avenant_that_changes_the_amount_never_a_draft() {
    let tmp = example_copy();
    let dir = tmp.path();
    let msm_rows = |dir: &Path| {
        let (prog, _) = load_programme(dir).unwrap();
        charta::exchange::scdl::rows(&prog)
            .unwrap_or_else(|d| panic!("{d:#?}"))
            .into_iter()
            .filter(|r| r.id.starts_with(SIGNED_ID))
            .map(|r| r.values)
            .collect::<Vec<_>>()
    };
    assert!(!build(dir).has_errors());
    // A draft avenant is not published; the convention is, as signed.
    let rows = msm_rows(dir);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["montant"], "166500.50");
    assert_eq!(rows[0]["dateConvention"], "2026-02-10");
    sign_last(dir, "2027-03-20");
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let rows = msm_rows(dir);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!(rows[0]["montant"], "166500.50", "the convention as signed");
    let av = &rows[1];
    // 2027: 48 000 instead of 45 000.
    assert_eq!(av["montant"], "169500.50", "the amended total");
    assert_eq!(av["dateConvention"], "2027-03-20");
    assert_eq!(av["referenceDecision"], "CP-2027-03-12");
    assert!(
        av["objet"].ends_with("(avenant n° 1 à la convention RVM-ESS-2026-001)"),
        "{}",
        av["objet"]
    );
    assert_eq!(av["idBeneficiaire"], rows[0]["idBeneficiaire"]);
}

#[test]
fn amendments_without_the_signed_text_are_refused_not_archived() {
    let tmp = crate::common::draft_copy();
    let dir = tmp.path();
    std::fs::remove_dir_all(dir.join("signed")).unwrap();
    let r = build(dir);
    assert_eq!(status_of(&r, SIGNED_ID), Status::Failed);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with(SIGNED_ID))
        .unwrap();
    assert!(d.message.contains("ni archivé"), "{}", d.message);
    assert_eq!(d.path.as_deref(), Some("convention.amendments"));
    assert!(
        !dir.join("signed").exists(),
        "today's data is never archived as the signed text"
    );
}

#[test]
fn a_removed_optional_article_is_deleted_and_keeps_its_place() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    let signed = Convention::parse(&read(dir.join(format!("out/{SIGNED_ID}.md")))).unwrap();
    let locaux = signed.part("locaux").unwrap().number.clone().unwrap();
    draft(dir, |v| {
        v["convention"]["clauses"]["add"] = serde_json::json!(["communication-logo"]);
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let av = flat(&avenant(dir, 1));
    assert!(
        av.contains(&format!(
            "## Article 1er – Suppression de l'article {locaux}"
        )),
        "{av}"
    );
    assert!(
        av.contains(&format!(
            "L'article {locaux} de la convention est supprimé."
        )),
        "{av}"
    );
    assert!(!av.contains("abrog"), "{av}");
    let cons_md = read(dir.join(format!("out/{SIGNED_ID}.consolidee.md")));
    let cons = Convention::parse(&cons_md).unwrap();
    let numbers: Vec<String> = cons
        .parts
        .iter()
        .filter(|p| p.kind == "article")
        .filter_map(|p| p.number.clone())
        .collect();
    let expected: Vec<String> = signed
        .parts
        .iter()
        .filter(|p| p.kind == "article")
        .filter_map(|p| p.number.clone())
        .collect();
    assert_eq!(numbers, expected, "the deleted article keeps its place");
    assert!(
        flat(&cons_md).contains("Article supprimé par le projet d'avenant n° 1."),
        "{cons_md}"
    );
}

#[test]
fn an_added_annex_is_listed_by_the_same_avenant() {
    let tmp = example_copy_at_signature();
    let dir = tmp.path();
    // Signed while the association was approved (deemed to have subscribed
    // the contrat d'engagement républicain): no annex of it.
    edit_json(&signed_data_path(dir), |v| {
        let a = v["association"].as_object_mut().unwrap();
        a.remove("cer_signed_on");
        a.insert(
            "cer_deemed".into(),
            serde_json::json!({"basis": "agrement", "reference": "arrêté du préfet de la Meuse du 2 février 2022 portant agrément"}),
        );
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let signed = Convention::parse(&read(dir.join(format!("out/{SIGNED_ID}.md")))).unwrap();
    assert!(signed.part("annexe-cer").is_none());
    let list = |c: &Convention| c.part("annexes").map(|p| p.number.clone().unwrap());
    let article = list(&signed).expect("an article lists the annexes");
    // The approval lapsed: the association subscribes the contract, which is annexed.
    draft(dir, |v| {
        let a = v["association"].as_object_mut().unwrap();
        a.remove("cer_deemed");
        a.insert("cer_signed_on".into(), serde_json::json!("2027-02-20"));
    });
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let av = flat(&avenant(dir, 1));
    // The article on the contract, the article listing the annexes and the
    // annex itself, added after annex III without renumbering anything.
    let arts = articles(&av);
    assert_eq!(
        arts[arts.len() - 3..],
        [
            "modification-annexes",
            "modification-annexe-cer",
            "dispositions-finales"
        ],
        "the article listing the annexes changes in the same avenant: {arts:?}"
    );
    assert!(
        av.contains(&format!(
            "L'article {article} de la convention est remplacé par les dispositions suivantes :"
        )),
        "{av}"
    );
    assert!(
        av.contains("- Annexe III : tableau de bord des priorités, objectifs, indicateurs et cibles\n- Annexe III bis : rappel des engagements du contrat d'engagement républicain souscrit par l'association\n"),
        "{av}"
    );
    assert!(
        av.contains("Il est ajouté à la convention une annexe III bis, intitulée « Contrat d'engagement républicain », jointe au présent avenant."),
        "{av}"
    );
    assert!(
        av.contains("ses engagements sont rappelés à l'annexe III bis"),
        "{av}"
    );
    // The annex itself is attached with its number, as added by this avenant.
    assert!(
        av.contains("## Annexe III bis de la convention (ajoutée par l'avenant n° 1) – Contrat d'engagement républicain"),
        "{av}"
    );
    let doc = Convention::parse(&av).unwrap();
    let annex = doc.part("annexe-cer").expect("annex attached");
    assert_eq!(annex.number.as_deref(), Some("IIIbis"));
    // The consolidated version lists it too, and keeps every number.
    let cons_md = read(dir.join(format!("out/{SIGNED_ID}.consolidee.md")));
    let cons = Convention::parse(&cons_md).unwrap();
    assert_eq!(list(&cons), Some(article));
    assert_eq!(
        cons.part("annexe-cer").and_then(|p| p.number.as_deref()),
        Some("IIIbis")
    );
    assert!(
        flat(&cons_md).contains(
            "- Annexe III bis : rappel des engagements du contrat d'engagement républicain"
        ),
        "{cons_md}"
    );
}

/// The signature line of an act: « Fait à …, le …, en … ».
fn signature_line(md: &str) -> &str {
    md.lines()
        .find(|l| l.starts_with("Fait à"))
        .expect("a signature line")
}

#[test]
fn a_draft_avenant_dated_is_archived_as_printed_with_its_date() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    assert!(!build(dir).has_errors());
    let printed = avenant(dir, 1);
    assert_eq!(
        signature_line(&printed),
        "Fait à Montvalon-sur-Meuse, le ………………, en deux exemplaires originaux."
    );
    sign_last(dir, "2027-03-20");
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let archived = read(dir.join(format!("signed/{SIGNED_ID}/avenant-1.md")));
    assert_eq!(
        signature_line(&archived),
        "Fait à Montvalon-sur-Meuse, le 20 mars 2027, en deux exemplaires originaux."
    );
    assert_eq!(
        archived.replacen("le 20 mars 2027,", "le ………………,", 1),
        printed,
        "the archived avenant is the draft printed, its date filled in"
    );
    assert_eq!(avenant(dir, 1), archived);
}

#[test]
fn a_draft_avenant_dated_with_another_change_in_the_same_edit_is_refused() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    assert!(!build(dir).has_errors());
    let (out_before, signed_before) = (out_files(&dir.join("out")), tree(&dir.join("signed")));
    // Dated, and the 2028 amount changed in the same edit.
    sign_last(dir, "2027-03-20");
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["funding"]["2028"] = serde_json::json!(49000)
    });
    let r = charta_build(dir, &["--format", "md"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.with("refused"), BTreeSet::from([SIGNED_ID.to_string()]));
    let stderr = flat(&r.stderr);
    assert!(
        stderr.contains(&format!(
            "erreur [GEN-028] : {SIGNED_ID} : l'avenant n° 1 daté du 2027-03-20 n'est pas le projet établi par la dernière génération ("
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("(3 clauses modifiées (avenant-preambule, avenant-changement-contribution, budget-previsionnel))"),
        "names the change: {stderr}"
    );
    assert!(
        stderr.contains("= à : convention.amendments[0].signature.date"),
        "{stderr}"
    );
    assert!(
        stderr.contains("la modification passe ensuite par l'avenant n° 2"),
        "{stderr}"
    );
    assert!(out_files(&dir.join("out")) == out_before, "OUT untouched");
    assert!(
        tree(&dir.join("signed")) == signed_before,
        "nothing archived"
    );
    assert!(
        !dir.join(format!("signed/{SIGNED_ID}/avenant-1.md"))
            .exists()
    );
}

#[test]
fn an_avenant_dated_without_a_draft_ever_built_is_refused() {
    let tmp = signed_and_built();
    let dir = tmp.path();
    // The entry, its change and its date in one edit: charta never drafted it.
    draft(dir, |v| {
        v["convention"]["funding"]["2027"] = serde_json::json!(52000)
    });
    sign_last(dir, "2027-03-20");
    let (out_before, signed_before) = (out_files(&dir.join("out")), tree(&dir.join("signed")));
    let r = charta_build(dir, &["--format", "md"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.with("refused"), BTreeSet::from([SIGNED_ID.to_string()]));
    let stderr = flat(&r.stderr);
    assert!(
        stderr.contains(&format!(
            "erreur [GEN-029] : {SIGNED_ID} : l'avenant n° 1 est daté du 2027-03-20, mais le dossier de sortie n'a aucun projet de cet avenant établi par charta (`{SIGNED_ID}.avenant-1.md`)"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("remettez `convention.amendments[0].signature.date` à null et générez"),
        "{stderr}"
    );
    assert!(out_files(&dir.join("out")) == out_before, "OUT untouched");
    assert!(
        tree(&dir.join("signed")) == signed_before,
        "nothing archived"
    );

    // The workflow the hint gives: draft, check, date.
    edit_json(&signed_data_path(dir), |v| {
        v["convention"]["amendments"][0]["signature"]["date"] = serde_json::Value::Null
    });
    assert!(!build(dir).has_errors());
    sign_last(dir, "2027-03-20");
    let r = build(dir);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert!(
        dir.join(format!("signed/{SIGNED_ID}/avenant-1.md"))
            .is_file()
    );
}
