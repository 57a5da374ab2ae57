//! The second legal reading (issue « Acts a juriste signs as written »): each
//! point asserted on the rendered text — the Markdown read back and, where the
//! point is about what a signatory reads, the PDF's own text — what must be
//! there and what must no longer be, and each new rule of `charta check` at
//! its JSON path.

use std::sync::LazyLock;

use charta::diagnostic::Severity;
use charta::emit::pdf::PdfEngine;
use charta::load::Programme;
use serde_json::{Value, json};

use crate::common::example;
use crate::legal::{
    CADRE, MAISON, MOBILITE, RESEAU, TIERS, VELO, at, between, changed, check, has, lacks, none_at,
    parse, plain, text,
};
use crate::pdf_render::{normalise_extracted, normalised_contains};

static ENGINE: LazyLock<PdfEngine> = LazyLock::new(|| PdfEngine::new(None));

/// The PDF of the convention `id` changed by `change`, as its text reads
/// (whitespace and line-end hyphens aside: see `pdf_render`).
fn pdf(prog: &Programme, id: &str, change: impl FnOnce(&mut Value)) -> Vec<char> {
    let v = changed(prog, id, change);
    let r = crate::common::render(prog, id, &parse(&v));
    let out = ENGINE
        .render(&r.markdown, &r.pdf_meta)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let text = pdf_extract::extract_text_from_mem(&out.pdf).expect("pdf-extract reads the PDF");
    normalise_extracted(&text)
}

fn pdf_has(pdf: &[char], needle: &str) {
    assert!(
        normalised_contains(pdf, needle),
        "missing « {needle} » in the PDF:\n{}",
        pdf.iter().collect::<String>()
    );
}

fn pdf_lacks(pdf: &[char], needle: &str) {
    assert!(
        !normalised_contains(pdf, needle),
        "unexpected « {needle} » in the PDF"
    );
}

fn no_change(_: &mut Value) {}

// 7. The refusal to produce the documents « peut entraîner », in the conditions
// of the article, the suppression: never automatic, as the procedure of the
// same article (observations within a month) requires.

#[test]
fn the_sanction_of_a_refusal_follows_the_procedure_of_its_article() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    let sanctions = between(&t, "Sanctions", "Évaluation");
    has(
        sanctions,
        "Le refus de communiquer ces documents peut entraîner, dans les conditions du présent article, la suppression de la contribution.",
    );
    lacks(sanctions, "documents entraîne la suppression");
    has(
        sanctions,
        "après avoir mis l'association à même de présenter ses observations",
    );
    let p = pdf(&prog, TIERS, no_change);
    pdf_has(
        &p,
        "peut entraîner, dans les conditions du présent article, la suppression de la contribution",
    );
    pdf_lacks(&p, "documents entraîne la suppression");
}

// 8. The charter's lines bind the funder to means, not to results it cannot
// promise before the yearly vote of its credits.

#[test]
fn the_funders_charter_commitments_are_undertakings_of_means() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    has(
        &t,
        "et s'efforce de verser chaque année l'avance prévue dès le début de l'exercice, sous réserve du vote annuel des crédits",
    );
    lacks(&t, "verse chaque année une avance");
    has(
        &t,
        "s'efforce de porter toute réduction ou interruption envisagée de son soutien à la connaissance de l'association, dans la mesure du possible suffisamment tôt pour lui permettre de s'organiser, sans préjudice du vote annuel des crédits",
    );
    lacks(
        &t,
        "est portée à la connaissance de l'association suffisamment tôt",
    );
    has(&t, "La Région s'attache à associer l'association");
    // A single-year convention: the advance after signature, as a means too.
    let one = text(&prog, TIERS, |v| {
        v["convention"]["kind"] = json!("annuelle");
        v["convention"]["years"] = json!([2026]);
        for k in ["funding", "eligible_cost"] {
            let y = v["convention"][k]["2026"].clone();
            v["convention"][k] = json!({ "2026": y });
        }
        for o in v["dashboard"]["objectives"].as_array_mut().unwrap() {
            for i in o["indicators"].as_array_mut().unwrap() {
                let y = i["targets"]["2026"].clone();
                i["targets"] = json!({ "2026": y });
            }
        }
        v["association"]["other_public_subsidies"] = json!({"2026": 0});
    });
    has(
        &one,
        "s'efforce de lui verser l'avance prévue dans les meilleurs délais après la signature",
    );
    lacks(&one, "lui verse une avance dès la signature");
    // Without an advance, no word of one.
    let none = text(&prog, TIERS, |v| {
        v["convention"]["payment"]["advance_percent"] = json!(0)
    });
    lacks(&none, "l'avance prévue dès le début de l'exercice");
    let p = pdf(&prog, TIERS, no_change);
    pdf_has(
        &p,
        "s'efforce de verser chaque année l'avance prévue dès le début de l'exercice",
    );
    pdf_lacks(&p, "verse chaque année une avance");
}

// 9. An article of the convention cited next to a law is « l'article N de la
// présente convention »: « dont l'article 10 précise la portée » read as the
// loi's article 10.

#[test]
fn an_article_of_the_convention_cited_near_a_law_says_so() {
    let prog = example();
    let t = text(&prog, RESEAU, no_change);
    has(
        &t,
        "conformément au contrat d'engagement républicain qu'elle a souscrit et dont l'article 10 de la présente convention précise la portée",
    );
    lacks(&t, "dont l'article 10 précise la portée");
    has(
        &t,
        "Les conséquences d'un manquement au contrat d'engagement républicain sont régies par l'article 10 de la présente convention.",
    );
    has(
        &t,
        "des documents complets mentionnés à l'article 6 de la présente convention",
    );
    // Every « l'article N » the convention writes is its own article, said so
    // wherever a law is cited in the same sentence.
    let own_article = regex::Regex::new(r"l'article (\d+|1er)\b").unwrap();
    for id in [TIERS, RESEAU, MAISON, CADRE, VELO, MOBILITE] {
        let t = plain(&text(&prog, id, no_change));
        for sentence in t.lines().flat_map(|l| l.split(". ")) {
            let cites_a_law = ["loi n°", "décret", "code ", "contrat d'engagement"]
                .iter()
                .any(|l| sentence.contains(l));
            let own = own_article
                .find_iter(sentence)
                .filter(|m| {
                    let rest = &sentence[m.end()..];
                    !rest.starts_with(" de la loi")
                        && !rest.starts_with(" du code")
                        && !rest.starts_with(" du décret")
                        && !rest.starts_with(" de la présente convention")
                        && !rest.starts_with(" de la même loi")
                        && !rest.starts_with("-")
                        && !rest.starts_with(", paragraphe")
                })
                .count();
            assert!(
                !(cites_a_law && own > 0),
                "{id}: an article of the convention cited beside a law without « de la présente convention »: {sentence}"
            );
        }
    }
    let p = pdf(&prog, RESEAU, no_change);
    pdf_has(
        &p,
        "dont l'article 10 de la présente convention précise la portée",
    );
}

// 1. SIEG: the reasonable surplus never takes the compensation above net cost
// plus the reasonable profit of the compensation article, which prevails; the
// checks of overcompensation (each year, at the end) refer to that article.

#[test]
fn a_sieg_surplus_is_capped_by_the_compensation_article() {
    let prog = example();
    let t = text(&prog, RESEAU, no_change);
    let contribution = between(&t, "Article 4 – Contribution financière", "Article 5 –");
    has(
        contribution,
        "l'excédent que l'association conserve ne peut porter cette compensation au-delà du coût net de l'exécution de ces obligations augmenté du bénéfice raisonnable fixé à l'article 11 de la présente convention. En cas de contradiction, les stipulations de cet article prévalent sur celles du présent article.",
    );
    let state_aid = between(&t, "Article 11 –", "Article 12 –");
    has(
        state_aid,
        "Chaque année, au vu des documents mentionnés à l'article 6 de la présente convention, et au terme du mandat, la Région vérifie que la compensation versée n'excède pas le coût net du service augmenté du bénéfice raisonnable, tels qu'ils sont fixés à l'article 11 de la présente convention et à l'annexe II, l'excédent que l'association conserve en application de l'article 4 de la présente convention étant compris dans ce calcul.",
    );
    lacks(
        state_aid,
        "n'excède pas le coût net du service. Toute surcompensation",
    );
    has(
        &t,
        "compte tenu de l'excédent que l'association peut conserver en application de l'article 4 dans la limite fixée à l'article 11",
    );
    // Not SIEG: no cap of a compensation.
    let other = text(&prog, TIERS, no_change);
    lacks(&other, "compensation au-delà du coût net");
    lacks(&other, "dans la limite fixée à l'article");
    // SIEG with repayment of any unspent part: no surplus to count.
    let repay = text(&prog, RESEAU, |v| {
        v["convention"]["unspent"] = json!("repay")
    });
    lacks(&repay, "l'excédent que l'association conserve");
    has(
        &repay,
        "n'excède pas le coût net du service augmenté du bénéfice raisonnable",
    );
    let p = pdf(&prog, RESEAU, no_change);
    pdf_has(
        &p,
        "les stipulations de cet article prévalent sur celles du présent article",
    );
}

// 2. SIEG: the association may ask for termination, never terminate alone
// (CE, 8 octobre 2014, Grenke Location); the project stays its own initiative;
// each action states its public-service obligations, printed in the mandate.

#[test]
fn a_sieg_convention_is_never_terminated_by_the_association_alone() {
    let prog = example();
    let t = text(&prog, RESEAU, no_change);
    let termination = between(&t, "Article 18 – Résiliation", "Article 19 –");
    has(
        termination,
        "En cas de non-respect par l'association de l'une de ses obligations résultant de la présente convention, la Région peut la résilier de plein droit",
    );
    has(
        termination,
        "La présente convention ayant pour objet l'exécution d'un service d'intérêt économique général, l'association ne peut la résilier de sa propre initiative.",
    );
    has(
        termination,
        "l'association peut, après une mise en demeure restée sans effet pendant deux mois, lui demander de résilier la convention. La Région ne peut rejeter cette demande que pour un motif d'intérêt général, tenant notamment à la continuité du service",
    );
    lacks(
        termination,
        "l'autre partie peut la résilier de plein droit",
    );
    let other = text(&prog, TIERS, no_change);
    has(&other, "l'autre partie peut la résilier de plein droit");
    lacks(&other, "ne peut rejeter cette demande");
    let p = pdf(&prog, RESEAU, no_change);
    pdf_has(
        &p,
        "l'association ne peut la résilier de sa propre initiative",
    );
    pdf_lacks(&p, "l'autre partie peut la résilier de plein droit");
}

#[test]
fn a_sieg_project_is_the_associations_and_states_its_obligations() {
    let prog = example();
    // The example says the association designed the service: no warning.
    let d = check(&prog, RESEAU, no_change);
    assert!(
        !d.iter().any(|d| d.code == "DON-130" || d.code == "DON-131"),
        "{d:#?}"
    );
    // « La Région le charge »: the funder's order, a warning at the summary.
    let d = check(&prog, RESEAU, |v| {
        v["project"]["summary"] =
            json!("La Région le charge d'une mission de service d'intérêt économique général.")
    });
    let w = at(&d, Severity::Warning, "project.summary");
    assert_eq!(w.code, "DON-130");
    assert!(w.message.contains("Région le charge"), "{w:?}");
    for ordered in [
        "L'association est chargée par la Région d'un service.",
        "L'association est chargée d'une mission de service public.",
        "La Région confie à l'association la gestion du service.",
    ] {
        let d = check(&prog, RESEAU, |v| v["project"]["summary"] = json!(ordered));
        at(&d, Severity::Warning, "project.summary");
    }
    // « prise en charge », « à la charge de »: not an order.
    let d = check(&prog, RESEAU, |v| {
        v["project"]["summary"] = json!(
            "L'association assure la prise en charge des personnes orientées ; les frais restent à la charge de l'association."
        )
    });
    assert!(!d.iter().any(|d| d.code == "DON-130"), "{d:#?}");
    // Outside SIEG the rule does not apply.
    let d = check(&prog, TIERS, |v| {
        v["project"]["summary"] = json!("La Région le charge d'une mission.")
    });
    assert!(!d.iter().any(|d| d.code == "DON-130"), "{d:#?}");

    // The obligations, printed in the mandate and in annex I.
    let t = text(&prog, RESEAU, no_change);
    let mandate = between(&t, "Article 11 –", "Article 12 –");
    has(
        mandate,
        "Les obligations de service public que l'association s'engage à assurer sont, pour chaque action :",
    );
    has(
        mandate,
        "pour l'action « Collecte et valorisation des textiles et des encombrants » : collecter au moins une fois par mois dans chaque commune adhérente",
    );
    has(
        &t,
        "Obligations de service public : Collecter au moins une fois par mois dans chaque commune adhérente",
    );
    // An action without its obligations: a warning at its path, and nothing invented.
    let without = |v: &mut Value| {
        v["project"]["actions"][1]
            .as_object_mut()
            .unwrap()
            .remove("public_service_obligations");
    };
    let d = check(&prog, RESEAU, without);
    let w = at(
        &d,
        Severity::Warning,
        "project.actions[1].public_service_obligations",
    );
    assert_eq!(w.code, "DON-131");
    lacks(
        &text(&prog, RESEAU, without),
        "pour l'action « Collecte et valorisation",
    );
    // Outside SIEG: not printed, and check says it is not read.
    let pso = |v: &mut Value| {
        v["project"]["actions"][0]["public_service_obligations"] =
            json!("Accueillir tout le monde.")
    };
    lacks(&text(&prog, TIERS, pso), "Accueillir tout le monde");
    let d = check(&prog, TIERS, pso);
    let w = at(
        &d,
        Severity::Warning,
        "project.actions[0].public_service_obligations",
    );
    assert_eq!(w.code, "DON-132");
    let p = pdf(&prog, RESEAU, no_change);
    pdf_has(
        &p,
        "Obligations de service public : Collecter au moins une fois par mois",
    );
}

#[test]
fn the_workbook_carries_the_public_service_obligations() {
    use charta::exchange::sheet;
    let prog = example();
    let list = charta::exchange::associations(&prog).unwrap();
    let tables = charta::exchange::workbook::to_tables(&list);
    let actions = tables.iter().find(|t| t.name == "Actions").unwrap();
    let col = actions
        .headers
        .iter()
        .position(|(h, _)| h == "Obligations de service public")
        .expect("the column is written");
    let tmp = tempfile::tempdir().unwrap();
    let write = |dir: &std::path::Path, drop_column: bool| {
        std::fs::create_dir_all(dir).unwrap();
        for t in &tables {
            let mut t = t.clone();
            if drop_column && t.name == "Actions" {
                t.headers.remove(col);
                for r in &mut t.rows {
                    r.remove(col);
                }
            }
            std::fs::write(dir.join(format!("{}.csv", t.name)), sheet::to_csv(&t)).unwrap();
        }
    };
    let imported = |dir: &std::path::Path| -> Value {
        let plan = charta::exchange::import(dir, &prog).unwrap_or_else(|d| panic!("{d:#?}"));
        let (_, _, _, text) = plan.iter().find(|(id, ..)| id == RESEAU).unwrap();
        serde_json::from_str(text).unwrap()
    };
    let with = tmp.path().join("with");
    write(&with, false);
    assert_eq!(
        imported(&with)["project"]["actions"][1]["public_service_obligations"],
        json!(
            "Collecter au moins une fois par mois dans chaque commune adhérente, y compris les moins peuplées, et accepter tout apport des déchetteries partenaires."
        )
    );
    // A workbook written before the column existed still imports, without it.
    let without = tmp.path().join("without");
    write(&without, true);
    assert_eq!(
        imported(&without)["project"]["actions"][1].get("public_service_obligations"),
        None
    );
}

// 3. EPCI: principe de spécialité — the statutes and the competence, and the
// local public interest, or no convention.

/// The example programme as an EPCI of Moselle would hold it.
fn epci(prog: &Programme) -> Programme {
    use charta::model::{FunderKind, Person};
    let mut p = prog.clone();
    let f = &mut p.file.funder;
    f.kind = FunderKind::Epci;
    f.name = "Communauté d'agglomération du Val de Moselle".into();
    f.designation = None;
    f.feminine = None;
    f.representative = Person {
        civility: "Mme".into(),
        name: "Odile Schaeffer".into(),
        role: "Présidente de la Communauté d'agglomération du Val de Moselle".into(),
    };
    f.court = "Tribunal administratif de Strasbourg".into();
    p.file.programme.legal_basis = vec![
        "l'arrêté préfectoral du 12 décembre 2016 portant statuts de la Communauté d'agglomération du Val de Moselle, notamment son article 6 (politique de la ville)".into(),
    ];
    p
}

fn codes(d: &[charta::diagnostic::Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn an_epci_acts_only_within_its_statutes() {
    let prog = epci(&example());
    let ok = check(&prog, VELO, no_change);
    assert!(
        !codes(&ok).iter().any(|c| c.starts_with("PRG-02")),
        "{ok:#?}"
    );
    let t = text(&prog, VELO, no_change);
    has(
        &t,
        "Vu l'arrêté préfectoral du 12 décembre 2016 portant statuts de la Communauté d'agglomération du Val de Moselle, notamment son article 6 (politique de la ville)",
    );
    // Without its statutes or its public interest: errors, that refuse every convention.
    let mut bare = prog.clone();
    bare.file.programme.legal_basis.clear();
    bare.file.programme.public_interest = None;
    for id in [VELO, TIERS, CADRE] {
        let d = check(&bare, id, no_change);
        for code in ["PRG-020", "PRG-021"] {
            let e = d
                .iter()
                .find(|d| d.code == code)
                .unwrap_or_else(|| panic!("{id}: no {code} in {d:#?}"));
            assert_eq!(e.severity, Severity::Error);
            assert!(e.file.as_ref().unwrap().ends_with("charta.toml"), "{e:?}");
            assert_eq!(e.path.as_deref(), Some("programme"));
        }
    }
    // Said once by `charta check`, however many associations repeat it.
    let all = charta::check::check_programme(&bare);
    assert_eq!(
        all.iter().filter(|d| d.code == "PRG-020").count(),
        1,
        "{all:#?}"
    );
    // A basis that does not cite the statutes: a warning.
    let mut vague = prog.clone();
    vague.file.programme.legal_basis =
        vec!["l'article L. 5216-5 du code général des collectivités territoriales".into()];
    let all = charta::check::check_programme(&vague);
    let w = all.iter().find(|d| d.code == "PRG-022").expect("PRG-022");
    assert_eq!(w.severity, Severity::Warning);
    assert!(!codes(&check(&vague, VELO, no_change)).contains(&"PRG-022"));
    // A Région without them keeps the warnings it had, and its conventions.
    let mut region = example();
    region.file.programme.legal_basis.clear();
    region.file.programme.public_interest = None;
    let d = check(&region, TIERS, no_change);
    assert!(!d.iter().any(|d| d.is_error()), "{d:#?}");
    let all = charta::check::check_programme(&region);
    for code in ["PRG-005", "PRG-006"] {
        let w = all.iter().find(|d| d.code == code).expect(code);
        assert_eq!(w.severity, Severity::Warning);
    }
}

#[test]
fn charta_build_refuses_the_conventions_of_an_epci_without_its_statutes() {
    let dir = crate::common::example_copy();
    let toml = dir.path().join("charta.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let start = text.find("legal_basis = [").unwrap();
    let end = start + text[start..].find("]\n").unwrap() + 2;
    let text = format!("{}{}", &text[..start], &text[end..])
        .replace("kind = \"region\"", "kind = \"epci\"");
    std::fs::write(&toml, text).unwrap();
    let r = crate::common::charta_build(dir.path(), &["--format", "md", "--only", TIERS], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.with("refused").len() + r.with("failed").len(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("PRG-020"), "{}", r.stderr);
    assert!(!dir.path().join(format!("out/{TIERS}.md")).exists());
}

// 4. Alsace-Moselle: the register of the tribunal judiciaire, never the RNA.

#[test]
fn an_alsace_moselle_association_is_never_given_an_rna_number() {
    let prog = example();
    let t = text(&prog, VELO, no_change);
    let parties = between(&t, "Rayons Libres", "ci-après dénommée");
    has(
        parties,
        "dont l'inscription figure au registre des associations du tribunal judiciaire de Thionvaux, volume XLII, folio 117",
    );
    lacks(parties, "répertoire national des associations");
    // Local law by its legal form, and an RNA number: an error.
    let rna = |v: &mut Value| v["association"]["rna"] = json!("W573004218");
    let d = check(&prog, VELO, rna);
    let e = at(&d, Severity::Error, "association.rna");
    assert_eq!(e.code, "DON-133");
    // Even so, the act never says it is in the RNA.
    lacks(
        &text(&prog, VELO, rna),
        "répertoire national des associations",
    );
    // Only the seat says Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle): a warning.
    for postcode in ["67000", "68100", "57000"] {
        let d = check(&prog, TIERS, |v| {
            v["association"]["address"]["postcode"] = json!(postcode)
        });
        let w = at(&d, Severity::Warning, "association.rna");
        assert_eq!(w.code, "DON-134", "{postcode}");
    }
    for postcode in ["55340", "54000", "88000"] {
        let d = check(&prog, TIERS, |v| {
            v["association"]["address"]["postcode"] = json!(postcode)
        });
        assert!(!codes(&d).contains(&"DON-134"), "{postcode}: {d:#?}");
    }
    none_at(&check(&prog, VELO, no_change), "association.rna");
    let p = pdf(&prog, VELO, no_change);
    pdf_has(
        &p,
        "au registre des associations du tribunal judiciaire de Thionvaux, volume XLII, folio 117",
    );
    pdf_lacks(&p, "répertoire national des associations");
}

// 5. The auditor's report for the exercices over 153 000 € only, named; at
// 153 000 € exactly the threshold is not crossed (« dépasse »).

#[test]
fn the_auditor_is_asked_for_the_exercices_over_the_threshold_only() {
    let prog = example();
    // 45 000 € + 108 000 € = 153 000 € (not over); 45 000 € + 108 000,01 € =
    // 153 000,01 € (over); 47 500,50 € + 105 499,49 € = 152 999,99 € (under).
    let with = |a: f64, b: f64, c: f64| {
        move |v: &mut Value| {
            v["convention"]["funding"] = json!({"2026": 45000, "2027": 45000, "2028": 47500.5});
            v["association"]["other_public_subsidies"] = json!({"2026": a, "2027": b, "2028": c});
        }
    };
    let t = text(&prog, MAISON, with(108_000.0, 108_000.01, 105_499.49));
    let certified = between(
        &t,
        "Le montant total des subventions publiques",
        "Article 8 –",
    );
    has(
        certified,
        "dépasse 153 000 € pour l'année 2027. L'article L. 612-4 du code de commerce s'applique donc à l'association au titre de l'exercice 2027",
    );
    has(certified, "Pour cet exercice, elle est tenue");
    has(
        certified,
        "le rapport du commissaire aux comptes de l'exercice 2027",
    );
    lacks(certified, "2026");
    lacks(certified, "2028");
    has(
        &t,
        "approuvés par l'organe statutaire compétent et, pour l'exercice 2027, accompagnés du rapport du commissaire aux comptes",
    );
    // Two years over: both named.
    let t = text(&prog, MAISON, with(108_000.01, 108_000.01, 105_499.49));
    has(&t, "dépasse 153 000 € pour les années 2026 et 2027");
    has(&t, "au titre des exercices 2026 et 2027");
    has(
        &t,
        "et, pour les exercices 2026 et 2027, accompagnés du rapport du commissaire aux comptes",
    );
    // Every year over: every exercice.
    let t = text(&prog, MAISON, with(110_000.0, 110_000.0, 110_000.0));
    has(
        &t,
        "dépasse 153 000 € pour chacune des années de la convention",
    );
    has(
        &t,
        "approuvés par l'organe statutaire compétent et accompagnés du rapport du commissaire aux comptes",
    );
    // At the threshold or under it, every year: no auditor at all.
    let t = text(&prog, MAISON, with(108_000.0, 108_000.0, 105_499.49));
    lacks(&t, "commissaire aux comptes");
    lacks(&t, "L. 612-4");
    let p = pdf(&prog, MAISON, with(108_000.0, 108_000.01, 105_499.49));
    pdf_has(&p, "au titre de l'exercice 2027");
    pdf_has(
        &p,
        "pour l'exercice 2027, accompagnés du rapport du commissaire aux comptes",
    );
}

// 6. The contrat d'engagement républicain: the annex recalls its commitments,
// it does not pretend to be the signed contract, which was produced with the
// request (a PDF cannot be embedded in a PDF/A-2b: see the report).

#[test]
fn the_cer_annex_recalls_the_contract_and_says_where_it_is() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    let annex = between(
        &t,
        "Annexe IV – Contrat d'engagement républicain",
        "respect des symboles",
    );
    has(
        annex,
        "Le contrat souscrit, signé par son représentant légal, a été produit à l'appui de la demande de subvention de l'association et est conservé avec celle-ci ; il n'est pas reproduit dans la présente convention.",
    );
    has(annex, "La présente annexe en rappelle les engagements.");
    lacks(&t, "est annexé à la présente convention");
    has(
        &t,
        "Annexe IV : rappel des engagements du contrat d'engagement républicain souscrit par l'association",
    );
    has(
        &t,
        "le 14 novembre 2025 ; ses engagements sont rappelés à l'annexe IV",
    );
    lacks(&t, "ce contrat figure à l'annexe");
    // A framework convention has no request for a subsidy.
    let c = text(&prog, CADRE, no_change);
    has(
        &c,
        "Le contrat souscrit n'est pas reproduit dans la présente convention.",
    );
    lacks(&c, "demande de subvention de l'association et est conservé");
    let p = pdf(&prog, TIERS, no_change);
    pdf_has(&p, "il n'est pas reproduit dans la présente convention");
    pdf_lacks(&p, "est annexé à la présente convention");
}

// 10. The court: « tribunal administratif » in lower case, and a warning when
// the seat is outside the district of a court the table knows.

#[test]
fn the_court_is_written_in_lower_case_and_its_district_is_checked() {
    let prog = example();
    let t = text(&prog, TIERS, no_change);
    has(
        &t,
        "le litige est porté devant le tribunal administratif de Montvalon-sur-Meuse.",
    );
    assert!(!t.contains("Tribunal administratif"), "{t}");
    let nancy = text(&prog, TIERS, |v| {
        v["convention"]["court"] = json!("TRIBUNAL ADMINISTRATIF de Nancy")
    });
    has(&nancy, "devant le tribunal administratif de Nancy.");
    // A known court: the seat (Meuse, 55) is in Nancy's district, not Strasbourg's.
    let mut p = prog.clone();
    p.file.funder.court = "Tribunal administratif de Nancy".into();
    assert!(!codes(&check(&p, TIERS, no_change)).contains(&"DON-135"));
    p.file.funder.court = "Tribunal administratif de Strasbourg".into();
    let d = check(&p, TIERS, no_change);
    let w = at(&d, Severity::Warning, "association.address.postcode");
    assert_eq!(w.code, "DON-135");
    assert!(
        w.message.contains("tribunal administratif de Nancy"),
        "{w:?}"
    );
    assert!(
        w.hint
            .as_deref()
            .unwrap()
            .contains("\"court\": \"Tribunal administratif de Nancy\""),
        "{w:?}"
    );
    // The convention names its own court, in the seat's district: no warning.
    let d = check(&p, TIERS, |v| {
        v["convention"]["court"] = json!("Tribunal administratif de Nancy")
    });
    assert!(!codes(&d).contains(&"DON-135"), "{d:#?}");
    // …or outside it: the warning points at the convention's court.
    let d = check(&prog, TIERS, |v| {
        v["convention"]["court"] = json!("Tribunal administratif de Châlons-en-Champagne")
    });
    at(&d, Severity::Warning, "convention.court");
    // A court the table does not know (the example's): never judged.
    for id in [TIERS, VELO, MAISON] {
        assert!(!codes(&check(&prog, id, no_change)).contains(&"DON-135"));
    }
    let pdf_text = pdf(&prog, TIERS, no_change);
    pdf_has(
        &pdf_text,
        "devant le tribunal administratif de Montvalon-sur-Meuse",
    );
    pdf_lacks(&pdf_text, "Tribunal administratif");
}

// 11. The consolidated version has no legal value: nobody signs or initials it.

#[test]
fn the_consolidated_version_has_no_signature_table_and_no_initials() {
    use charta::build::{self, BuildOptions};
    let tmp = crate::common::example_copy();
    let dir = tmp.path();
    let (p, _) = charta::load::load_programme(dir).expect("loads");
    let opts = BuildOptions {
        out: dir.join("out"),
        formats: vec!["md".into(), "pdf".into()],
        only: vec![MAISON.into(), TIERS.into()],
        jobs: 2,
        force: false,
        keep_typst: false,
        shard: None,
    };
    let r = build::run_collected(&p, &opts, &()).expect("build runs");
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let read = |name: &str| std::fs::read_to_string(dir.join("out").join(name)).unwrap();
    let cons = read(&format!("{MAISON}.consolidee.md"));
    let signature = between(&cons, "<!-- part:signature", "<!-- part:annexe-actions");
    assert!(
        signature.contains("Fait à Montvalon-sur-Meuse, le 10 février 2026"),
        "{signature}"
    );
    assert!(!signature.contains("| Pour la Région"), "{signature}");
    assert!(!signature.contains('|'), "{signature}");
    has(&cons, "sans valeur juridique");
    // The convention itself keeps its table.
    assert!(
        read(&format!("{TIERS}.md"))
            .contains("| Pour la Région, le Président du Conseil régional |")
    );
    let pdf_text = |name: &str| {
        let bytes = std::fs::read(dir.join("out").join(name)).unwrap();
        normalise_extracted(&pdf_extract::extract_text_from_mem(&bytes).unwrap())
    };
    let cons_pdf = pdf_text(&format!("{MAISON}.consolidee.pdf"));
    pdf_lacks(&cons_pdf, "Paraphes");
    pdf_lacks(
        &cons_pdf,
        "Pour la Région, le Président du Conseil régional",
    );
    pdf_has(&cons_pdf, "Fait à Montvalon-sur-Meuse, le 10 février 2026");
    let conv_pdf = pdf_text(&format!("{TIERS}.pdf"));
    pdf_has(&conv_pdf, "Paraphes");
    pdf_has(
        &conv_pdf,
        "Pour la Région, le Président du Conseil régional",
    );
}

// 12. Typography: figures of the clauses bound, French spacing of the data
// when typeset, nested quotes, one number of decimals per programme, a
// signature block that names the funder once.

#[test]
fn thresholds_and_percentages_of_the_clauses_are_unbreakable() {
    let prog = example();
    let sieg = crate::common::render(&prog, RESEAU, &crate::common::data(&prog, RESEAU)).markdown;
    assert!(
        sieg.contains("dépasse 153\u{202f}000\u{a0}€ pour"),
        "153 000 €"
    );
    assert!(
        sieg.contains("lorsqu'elle n'excède pas 10\u{a0}% du montant"),
        "10 %"
    );
    assert!(!sieg.contains("153 000"), "a breakable space in 153 000");
    assert!(!sieg.contains("10 %"), "a breakable space before %");
    let maison = crate::common::render(&prog, MAISON, &crate::common::data(&prog, MAISON)).markdown;
    assert!(
        maison.contains("seuil de 23\u{202f}000\u{a0}€ par an"),
        "23 000 €"
    );
    // Years and references are never grouped.
    assert!(sieg.contains("n°\u{a0}2000-321 du 12 avril 2000"));
    assert!(sieg.contains("du 1er janvier 2026 au 31 décembre 2029"));
}

#[test]
fn data_text_gets_french_spacing_and_nested_quotes_when_typeset() {
    let prog = example();
    let change = |v: &mut Value| {
        v["project"]["summary"] = json!("Objectif : «accès aux droits» ; pour tous !");
        v["project"]["title"] = json!("L'atelier « Vélo pour tous »");
    };
    let t = text(&prog, TIERS, change);
    assert!(
        t.contains("Objectif\u{a0}: «\u{a0}accès aux droits\u{a0}»\u{202f}; pour tous\u{202f}!"),
        "{t}"
    );
    assert!(
        t.contains("le projet «\u{a0}L'atelier “Vélo pour tous”\u{a0}»"),
        "{t}"
    );
    assert!(!t.contains("« Vélo"), "{t}");
    // A title without inner quotes keeps its « » alone.
    let plain_title = text(&prog, TIERS, no_change);
    assert!(!plain_title.contains('“'));
    // The data file is not touched: what is typeset is a copy.
    let v = changed(&prog, TIERS, change);
    assert_eq!(
        v["project"]["summary"],
        json!("Objectif : «accès aux droits» ; pour tous !")
    );
    let p = pdf(&prog, TIERS, change);
    pdf_has(&p, "L'atelier “Vélo pour tous”");
}

/// The number of decimals of every percentage written in `md`.
fn percent_decimals(md: &str) -> Vec<usize> {
    regex::Regex::new(r"\d(?:,(\d+))?\u{a0}%")
        .unwrap()
        .captures_iter(md)
        .map(|c| c.get(1).map_or(0, |m| m.as_str().len()))
        .collect()
}

#[test]
fn every_convention_of_a_programme_writes_percentages_alike() {
    let prog = example();
    let mut all = Vec::new();
    for id in [TIERS, MAISON, RESEAU, VELO, MOBILITE] {
        let md = crate::common::render(&prog, id, &crate::common::data(&prog, id)).markdown;
        all.extend(percent_decimals(&md));
    }
    assert!(all.len() > 30, "{all:?}");
    // The clauses' own « 10 % » is a legal constant, not a computed share.
    assert!(all.iter().filter(|n| **n != 2).count() <= 1, "{all:?}");
    // Whole shares still get the programme's two decimals (« 30,00 % »).
    let whole = text(&prog, TIERS, |v| {
        v["convention"]["funding"] = json!({"2026": 30000, "2027": 30000, "2028": 30000});
        v["convention"]["eligible_cost"] = json!({"2026": 100000, "2027": 100000, "2028": 100000});
    });
    has(&whole, "soit 30,00 % du coût éligible de l'année");
    // A programme of whole percentages: « 30 % », and a warning where a share is rounded.
    let mut p = prog.clone();
    p.file.programme.percent_decimals = Some(0);
    let md = crate::common::render(&p, TIERS, &crate::common::data(&p, TIERS)).markdown;
    assert!(percent_decimals(&md).iter().all(|n| *n == 0), "{md}");
    let d = check(&p, TIERS, no_change);
    assert!(codes(&d).contains(&"DON-136"), "{d:#?}");
    let d = check(&p, TIERS, |v| {
        v["convention"]["funding"] = json!({"2026": 30000, "2027": 30000, "2028": 30000});
        v["convention"]["eligible_cost"] = json!({"2026": 100000, "2027": 100000, "2028": 100000});
    });
    assert!(!codes(&d).contains(&"DON-136"), "{d:#?}");
    // An advance the programme's decimals would misstate: an error.
    let d = check(&p, TIERS, |v| {
        v["convention"]["payment"]["advance_percent"] = json!(12.5)
    });
    let e = at(&d, Severity::Error, "convention.payment.advance_percent");
    assert_eq!(e.code, "DON-138");
    p.file.programme.percent_decimals = Some(1);
    none_at(
        &check(&p, TIERS, |v| {
            v["convention"]["payment"]["advance_percent"] = json!(12.5)
        }),
        "convention.payment.advance_percent",
    );
    // More than two decimals: charta.toml is wrong.
    p.file.programme.percent_decimals = Some(3);
    let all = charta::check::check_programme(&p);
    assert!(
        all.iter().any(|d| d.code == "PRG-024" && d.is_error()),
        "{all:#?}"
    );
}

#[test]
fn the_signature_block_names_the_funder_once() {
    let prog = epci(&example());
    let t = text(&prog, VELO, no_change);
    has(&t, "Pour la Communauté d'agglomération, la Présidente");
    lacks(
        &t,
        "Pour la Communauté d'agglomération, la Présidente de la Communauté",
    );
    // The parties keep the full role.
    has(
        &t,
        "représentée par Mme Odile Schaeffer, Présidente de la Communauté d'agglomération du Val de Moselle",
    );
    // A Région's president presides its assembly, not « the Région »: kept.
    has(
        &text(&example(), TIERS, no_change),
        "Pour la Région, le Président du Conseil régional",
    );
    let p = pdf(&prog, VELO, no_change);
    pdf_has(&p, "Pour la Communauté d'agglomération, la Présidente");
    pdf_lacks(
        &p,
        "la Présidente de la Communauté d'agglomération du Val de Moselle Mme",
    );
}

// 13. The same IBAN in two association files: a warning, as the same SIRET is.

#[test]
fn a_duplicate_iban_is_a_warning() {
    let tmp = crate::common::example_copy();
    let dir = tmp.path();
    let maison_iban = "FR7642559100000801357924652";
    crate::common::edit_json(&dir.join(format!("associations/{TIERS}.json")), |v| {
        v["association"]["bank"]["iban"] = json!(maison_iban)
    });
    let (p, _) = charta::load::load_programme(dir).expect("loads");
    let all = charta::check::check_programme(&p);
    let w: Vec<_> = all.iter().filter(|d| d.code == "PRG-023").collect();
    assert_eq!(w.len(), 1, "{all:#?}");
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(w[0].path.as_deref(), Some("association.bank.iban"));
    assert!(
        w[0].file
            .as_ref()
            .unwrap()
            .ends_with(format!("{TIERS}.json"))
    );
    assert!(
        w[0].message.contains("FR76 4255 9100 0008 0135 7924 652"),
        "{:?}",
        w[0]
    );
    assert!(w[0].message.contains(MAISON), "{:?}", w[0]);
    // The build (programme loaded lazily, through its index) says it too.
    let r = crate::common::charta_build(dir, &["--format", "md", "--only", TIERS], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("PRG-023"), "{}", r.stderr);
    // Different IBANs: nothing.
    let (p, _) = charta::load::load_programme(&crate::common::example_dir()).expect("loads");
    assert!(
        !charta::check::check_programme(&p)
            .iter()
            .any(|d| d.code == "PRG-023")
    );
}

// 14. The example's avenant: its motive is the parties' (« À la demande de
// l'association »), and agrees with the yearly review of the same year.

#[test]
fn the_example_avenant_states_the_parties_motive_and_agrees_with_the_review() {
    let tmp = crate::common::example_copy();
    let dir = tmp.path();
    let r = crate::common::charta_build(dir, &["--format", "md", "--only", MAISON], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let av = plain(&crate::common::markdown_text(
        &std::fs::read_to_string(dir.join(format!("out/{MAISON}.avenant-1.md"))).unwrap(),
    ));
    let preamble = between(&av, "Préambule", "Il est convenu");
    has(
        preamble,
        "À la demande de l'association, dont les permanences d'accès aux droits n'ont pu recevoir en 2026 que 655 personnes pour une cible de 680",
    );
    has(preamble, "les parties sont convenues de porter");
    lacks(preamble, "supérieure à la trajectoire");
    // The figures are the review's and the signed dashboard's.
    let review: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::common::example_dir().join(format!("reviews/2026/{MAISON}.json")),
        )
        .unwrap(),
    )
    .unwrap();
    let actual = review["indicators"]["O1-I1"]["value"].as_f64().unwrap();
    let signed: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("signed/{MAISON}/convention.data.json")))
            .unwrap(),
    )
    .unwrap();
    let target = signed["dashboard"]["objectives"][0]["indicators"][0]["targets"]["2026"]
        .as_f64()
        .unwrap();
    assert!(actual < target, "the review reports the target missed");
    has(
        preamble,
        &format!("que {actual} personnes pour une cible de {target}"),
    );
    // A motive that names no request: a warning at its path.
    let prog = example();
    let d = check(&prog, MAISON, |v| {
        v["convention"]["amendments"][0]["summary"] = json!(
            "Au vu de l'état de réalisation du tableau de bord pour l'année 2026, qui fait apparaître une fréquentation supérieure à la trajectoire prévue,"
        )
    });
    let w = at(&d, Severity::Warning, "convention.amendments[0].summary");
    assert_eq!(w.code, "DON-137");
    assert!(!codes(&check(&prog, MAISON, no_change)).contains(&"DON-137"));
}
