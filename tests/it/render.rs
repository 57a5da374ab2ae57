//! The core engine on the example programme: every convention renders, its
//! numbering and citations follow the data, and data is never markup or code.

use crate::common::*;

use charta::model::AssociationFile;

#[test]
fn every_example_convention_matches_its_snapshot() {
    let prog = example();
    assert!(prog.associations.len() >= 6);
    for a in &prog.associations {
        let r = render(&prog, &a.id, a.data.as_ref().unwrap());
        insta::assert_snapshot!(a.id.clone(), r.markdown);
    }
}

#[test]
fn articles_are_numbered_in_order_from_1er() {
    let prog = example();
    let r = render(
        &prog,
        "maison-solidarites-montvalon",
        &data(&prog, "maison-solidarites-montvalon"),
    );
    assert!(
        r.markdown
            .contains("## Article 1er – Objet de la convention")
    );
    let n = r.markdown.matches("\n## Article ").count();
    assert!(n >= 15, "{n} articles");
    for k in 2..=n {
        assert!(
            r.markdown.contains(&format!("\n## Article {k} – ")),
            "article {k}"
        );
    }
    assert!(r.markdown.contains("## Annexe III – "));
}

/// Replaces « article N » for every N > `from` by N-1 (how a removal renumbers).
fn shift_citations(text: &str, from: usize) -> String {
    let mut out = text.to_string();
    for n in (from + 1)..60 {
        let old = format!("rticle\u{a0}{n}");
        let new = format!(
            "rticle\u{a0}{}",
            if n - 1 == 1 {
                "1er".to_string()
            } else {
                (n - 1).to_string()
            }
        );
        out = out
            .replace(&format!("{old} "), &format!("{new} "))
            .replace(&format!("{old},"), &format!("{new},"))
            .replace(&format!("{old}."), &format!("{new}."))
            .replace(&format!("{old})"), &format!("{new})"))
            .replace(&format!("{old}\n"), &format!("{new}\n"))
            .replace(&format!("{old}\u{202f}"), &format!("{new}\u{202f}"))
            .replace(&format!("{old}\u{a0}"), &format!("{new}\u{a0}"));
    }
    out
}

#[test]
fn removing_an_optional_clause_renumbers_later_articles_and_citations() {
    let prog = example();
    let id = "maison-solidarites-montvalon";
    let with: AssociationFile = data(&prog, id);
    assert!(
        with.convention
            .clauses
            .add
            .contains(&"mise-a-disposition-locaux".to_string())
    );
    let mut without = with.clone();
    without
        .convention
        .clauses
        .add
        .retain(|c| c != "mise-a-disposition-locaux");
    let a = render(&prog, id, &with).markdown;
    let b = render(&prog, id, &without).markdown;

    let pa = numbered_parts(&a);
    let pb = numbered_parts(&b);
    let removed_at = pa
        .iter()
        .position(|(p, _)| p == "locaux")
        .expect("the optional clause has its own article");
    let removed_number: usize = pa[removed_at].1.trim_end_matches("er").parse().unwrap();
    // Every later article moved up by one; earlier ones kept their number.
    let articles_a: Vec<_> = pa
        .iter()
        .filter(|(_, n)| n.chars().all(|c| c.is_ascii_digit()) || n == "1er")
        .collect();
    for (part, n) in articles_a {
        let n: usize = n.trim_end_matches("er").parse().unwrap();
        let in_b = pb
            .iter()
            .find(|(p, _)| p == part)
            .map(|(_, m)| m.trim_end_matches("er").parse::<usize>().unwrap());
        match n.cmp(&removed_number) {
            std::cmp::Ordering::Less => assert_eq!(in_b, Some(n), "{part}"),
            std::cmp::Ordering::Equal => assert_eq!(in_b, None),
            std::cmp::Ordering::Greater => assert_eq!(in_b, Some(n - 1), "{part}"),
        }
    }
    // Every citation of a later article follows: once the removed article is cut out
    // of the first version and its later citations shifted, the two texts are equal.
    let cut_start = a.find("<!-- part:locaux ").unwrap();
    let cut_end = cut_start + a[cut_start..].find("\n<!-- part:").unwrap() + 1;
    let mut a_cut = String::new();
    a_cut.push_str(&a[..cut_start]);
    a_cut.push_str(&a[cut_end..]);
    // Headings carry numbers too: shift them like citations.
    let shifted = shift_citations(&a_cut, removed_number);
    let mut shifted_headings = shifted.clone();
    for n in (removed_number + 1)..60 {
        shifted_headings = shifted_headings
            .replace(
                &format!("## Article {n} –"),
                &format!("## Article {} –", n - 1),
            )
            .replace(&format!("number={n} -->"), &format!("number={} -->", n - 1));
    }
    assert!(b.contains("rticle\u{a0}"), "the example has citations");
    similar_asserts(&shifted_headings, &b);
}

fn similar_asserts(want: &str, got: &str) {
    if want != got {
        let diff = similar::TextDiff::from_lines(want, got);
        panic!("texts differ:\n{}", diff.unified_diff());
    }
}

const SPECIALS: &str =
    "* _ # [ ] < > $ \\ {{ funder.name }} {% if true %}X{% endif %} `code` | & ~ !";

#[test]
fn free_text_fields_render_literally_and_are_never_evaluated() {
    let prog = example();
    let id = "maison-solidarites-montvalon";
    let mut d = data(&prog, id);
    let s = |k: &str| format!("{k} {SPECIALS}");
    d.association.name = s("Nom");
    d.association.acronym = Some(s("Sigle"));
    d.association.address.street = s("Rue");
    d.association.address.city = s("Ville");
    d.association.representative.name = s("Personne");
    d.association.representative.role = s("Qualité");
    d.convention.reference = s("Réf");
    d.convention.decision.body = s("Instance");
    d.convention.decision.number = s("Numéro");
    d.convention.signature.place = s("Lieu");
    d.project.title = s("Titre");
    d.project.summary = s("Résumé");
    for (i, a) in d.project.actions.iter_mut().enumerate() {
        a.title = s(&format!("Action{i}"));
        a.description = s(&format!("Description{i}"));
        a.public = Some(s(&format!("Public{i}")));
        a.territory = Some(s(&format!("Territoire{i}")));
    }
    for o in &mut d.dashboard.objectives {
        o.title = s(&format!("Objectif{}", o.id));
        for ind in &mut o.indicators {
            ind.label = s(&format!("Indicateur{}", ind.id));
            ind.source = Some(s(&format!("Source{}", ind.id)));
        }
    }
    let md = render(&prog, id, &d).markdown;
    // French spacing is applied to data when typeset (« ! » after a narrow
    // no-break space): compare with plain spaces.
    let text = markdown_text(&md).replace(['\u{a0}', '\u{202f}'], " ");
    // Template code in data stays text: `{{ funder.name }}` is never replaced by the funder's name.
    assert!(!text.contains("Nom * _ # [ ] < > $ \\ Région Val-de-Meuse"));
    for key in [
        "Nom",
        "Sigle",
        "Rue",
        "Ville",
        "Personne",
        "Réf",
        "Titre",
        "Résumé",
        "Action0",
        "Description0",
        "Public0",
        "Territoire0",
        "Lieu",
    ] {
        let want = format!("{key} {SPECIALS}");
        assert!(
            text.contains(&want),
            "{key}: not found literally in\n{text}"
        );
    }
    for o in &d.dashboard.objectives {
        assert!(
            text.contains(&format!("Objectif{} {SPECIALS}", o.id)),
            "objective {}",
            o.id
        );
        for ind in &o.indicators {
            assert!(
                text.contains(&format!("Indicateur{} {SPECIALS}", ind.id)),
                "indicator {}",
                ind.id
            );
        }
    }
    // No heading, list, link, HTML or emphasis was created by data: the only HTML is our anchors.
    use pulldown_cmark::{Event, Options, Parser, Tag};
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => {
                assert!(h.starts_with("<!-- "), "HTML from data: {h}")
            }
            Event::Start(Tag::Link { .. })
            | Event::Start(Tag::Image { .. })
            | Event::Start(Tag::CodeBlock(_)) => {
                panic!("markup from data: {ev:?}")
            }
            Event::Code(c) => panic!("code span from data: {c}"),
            _ => {}
        }
    }
}

#[test]
fn amounts_appear_in_figures_and_letters() {
    let prog = example();
    let r = render(
        &prog,
        "maison-solidarites-montvalon",
        &data(&prog, "maison-solidarites-montvalon"),
    );
    assert!(r.markdown.contains(
        "47\u{202f}500,50\u{a0}€ (quarante-sept mille cinq cents euros et cinquante centimes)"
    ));
    assert!(r.markdown.contains("le 23 janvier 2026") || r.markdown.contains("du 23 janvier 2026"));
}

#[test]
fn citing_an_absent_clause_is_an_error_naming_both() {
    let prog = example();
    let id = "maison-solidarites-montvalon";
    let mut d = data(&prog, id);
    // `sanctions-financieres` cites the payment article; remove every clause of it.
    let (engine, _) = charta::render::Engine::new(&prog.library);
    let versement: Vec<String> = engine
        .library()
        .clauses
        .values()
        .filter(|c| c.meta.part == "versement")
        .map(|c| c.meta.id.clone())
        .collect();
    d.convention.clauses.remove.extend(versement);
    let err = engine
        .render(&prog.file, id, &d, std::path::Path::new("x.json"))
        .expect_err("a citation to a removed article must fail");
    let text: Vec<String> = err.iter().map(|d| d.message.fr.clone()).collect();
    assert!(
        text.iter().any(|m| m.contains(
            "la clause `sanctions-financieres` cite `versement`, qui ne fait pas partie de cette convention"
        )),
        "{text:#?}"
    );
}
