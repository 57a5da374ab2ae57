//! Rules of the second legal reading (wave 3): what a juriste strikes in an
//! act whose data is well formed — a SIEG project presented as the funder's
//! order, SIEG actions without public-service obligations, an Alsace-Moselle
//! association given an RNA number, an association outside the district of
//! the court the act names, percentages rounded beyond the programme's
//! decimals, an avenant whose motive does not say who asked for it.
//!
//! Reads typed data only; never renders.

use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Code, Text};
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, ConventionKind, Regime};
use crate::tr;

use super::Sink;
use super::courts;
use super::structure::Point;

pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let sieg =
        data.convention.regime == Regime::Sieg && data.convention.kind != ConventionKind::Cadre;
    if sieg {
        sieg_initiative(prog, data, s);
    }
    public_service_obligations(data, sieg, s);
    alsace_moselle(data, s);
    court_district(prog, data, s);
    percent_decimals(prog, data, s);
    avenant_motive(data, s);
}

/// Words by which a text makes the project the funder's order: « La Région le
/// charge », « chargée par », « est chargée d'une mission », « confie à
/// l'association ». « Prise en charge », « à la charge de » are not.
static ORDERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:région|département|commune|communauté|métropole|état|collectivité|agglomération|syndicat)\s+(?:l['’]|le\s+|la\s+|les\s+|lui\s+)?(?:charge|confie|mandate|missionne)\b|charg(?:é|ée|és|ées)\s+par\b|(?:est|sont)\s+charg(?:é|ée|és|ées)\s+d|(?:charge|confie\s+à)\s+l['’]association\b)",
    )
    .expect("valid regex")
});

/// SIEG: the project stays the association's initiative (loi n° 2000-321,
/// art. 9-1): a text that says the funder charges it with a mission makes
/// the act read as a public contract.
fn sieg_initiative(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let p = JsonPath::root().key("project");
    let mut texts = vec![
        (p.key("summary"), data.project.summary.as_str()),
        (p.key("title"), data.project.title.as_str()),
    ];
    for (i, a) in data.project.actions.iter().enumerate() {
        texts.push((p.key("actions").index(i).key("description"), &a.description));
    }
    let f = crate::context::funder_designation(&prog.file);
    let le = f["le"].as_str().unwrap_or("le financeur").to_string();
    for (path, text) in texts {
        let Some(m) = ORDERED.find(text) else {
            continue;
        };
        let quote = m.as_str();
        s.warning(
            Code::DON_130,
            path,
            Point::Value,
            tr!(
                "le projet est présenté comme une mission que {le} confie à l'association («\u{a0}{quote}\u{a0}»)\u{a0}: une subvention, même en régime sieg, finance un projet dont l'association a l'initiative",
                "the project is presented as a mission {le} entrusts to the association (« {quote} »): a subsidy, even under the sieg regime, funds a project the association initiated"
            ),
            Text::new(
                "décrivez le projet comme celui de l'association («\u{a0}L'association a conçu … et propose d'assurer …\u{a0}»)\u{a0}: la convention reconnaît le service et ses obligations (loi n° 2000-321, art. 9-1), elle ne le commande pas",
                "describe the project as the association's own (« L'association a conçu … et propose d'assurer … »): the convention recognises the service and its obligations (loi n° 2000-321, art. 9-1), it does not order it",
            ),
        );
    }
}

/// SIEG: each action states the public-service obligations the mandate
/// entrusts (décision 2012/21/UE, art. 4); outside SIEG they are not read.
fn public_service_obligations(data: &AssociationFile, sieg: bool, s: &mut Sink) {
    let base = JsonPath::root().key("project").key("actions");
    for (i, a) in data.project.actions.iter().enumerate() {
        let at = base.index(i).key("public_service_obligations");
        let given = a
            .public_service_obligations
            .as_deref()
            .is_some_and(|o| !o.trim().is_empty());
        let (n, title) = (i + 1, &a.title);
        if sieg && !given {
            s.warning(
                Code::DON_131,
                at,
                Point::Key,
                tr!(
                    "l'action n°\u{a0}{n} («\u{a0}{title}\u{a0}») ne précise pas ses obligations de service public\u{a0}: l'acte de mandat ne peut pas les énoncer",
                    "action {n} (« {title} ») states no public-service obligations: the act of entrustment cannot state them"
                ),
                Text::new(
                    "ajoutez `\"public_service_obligations\": \"…\"`\u{a0}: ce que l'association s'engage à assurer (accès, continuité, tarifs), repris dans l'article des aides d'État et à l'annexe I (décision 2012/21/UE, art. 4)",
                    "add `\"public_service_obligations\": \"…\"`: what the association undertakes to provide (access, continuity, prices), stated in the state-aid article and annex I (decision 2012/21/EU, art. 4)",
                ),
            );
        } else if !sieg && a.public_service_obligations.is_some() {
            s.warning(
                Code::DON_132,
                at,
                Point::Key,
                tr!(
                    "l'action n°\u{a0}{n} a des obligations de service public, qui ne sont lues qu'en régime sieg",
                    "action {n} has public-service obligations, which are read only under the sieg regime"
                ),
                Text::new(
                    "retirez `public_service_obligations`, ou passez `convention.regime` à `sieg` si l'action est un service d'intérêt économique général",
                    "remove `public_service_obligations`, or set `convention.regime` to `sieg` if the action is a service of general economic interest",
                ),
            );
        }
    }
}

/// Alsace-Moselle: an association of local law is inscribed at the tribunal
/// judiciaire (volume, folio), never in the RNA.
fn alsace_moselle(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let Some(rna) = &a.rna else {
        return;
    };
    if crate::model::says_local_law(&a.legal_form) {
        s.error(
            Code::DON_133,
            base.key("rna"),
            Point::Value,
            tr!(
                "une association de droit local (`legal_form`) n'est pas inscrite au répertoire national des associations, or un numéro RNA ({rna}) est donné",
                "a local-law association (`legal_form`) is not in the répertoire national des associations, yet an RNA number ({rna}) is given"
            ),
            Text::new(
                "retirez `rna` (`\"rna\": null`) et donnez `\"register\": {\"court\": \"tribunal judiciaire de …\", \"volume\": \"…\", \"folio\": \"…\"}`, d'après l'extrait du registre des associations\u{a0}; si l'association relève de la loi de 1901, corrigez `legal_form`",
                "remove `rna` (`\"rna\": null`) and give `\"register\": {\"court\": \"tribunal judiciaire de …\", \"volume\": \"…\", \"folio\": \"…\"}`, from the extract of the register of associations; if the association is under the 1901 law, correct `legal_form`",
            ),
        );
        return;
    }
    let dep = courts::departement(&a.address.postcode);
    if let Some(d) = dep.filter(|d| courts::is_alsace_moselle(d)) {
        let pc = &a.address.postcode;
        s.warning(
            Code::DON_134,
            base.key("rna"),
            Point::Value,
            tr!(
                "le siège ({pc}) est en Alsace-Moselle (département {d})\u{a0}: une association qui y a son siège est en principe de droit local, inscrite au tribunal judiciaire et non au RNA",
                "the seat ({pc}) is in Alsace-Moselle (département {d}): an association seated there is in principle of local law, inscribed at the tribunal judiciaire and not in the RNA"
            ),
            Text::new(
                "vérifiez sur ses statuts\u{a0}: association de droit local, donnez `legal_form` («\u{a0}association inscrite de droit local\u{a0}»), `register` et `\"rna\": null`\u{a0}; association déclarée ailleurs et établie ici, gardez le RNA",
                "check its statutes: a local-law association gets `legal_form` (« association inscrite de droit local »), `register` and `\"rna\": null`; an association declared elsewhere and established here keeps its RNA",
            ),
        );
    }
}

/// The court the act names (`convention.court`, else the funder's) should be
/// the one whose district includes the association's seat (CJA, art.
/// R. 312-11: the place where the convention is performed). Judged only when
/// the court's name is in the table of `courts`.
fn court_district(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let (name, path) = match &data.convention.court {
        Some(c) => (c.as_str(), JsonPath::root().key("convention").key("court")),
        None => (
            prog.file.funder.court.as_str(),
            JsonPath::root()
                .key("association")
                .key("address")
                .key("postcode"),
        ),
    };
    let Some(court) = courts::court_named(name) else {
        return;
    };
    let pc = &data.association.address.postcode;
    let Some(dep) = courts::departement(pc) else {
        return;
    };
    if court.departements.contains(&dep.as_str()) {
        return;
    }
    let (good, seat) = match courts::court_of(&dep) {
        Some(c) => {
            let seat = courts::seat(c);
            (format!("Tribunal administratif de {seat}"), seat)
        }
        None => return,
    };
    s.warning(
        Code::DON_135,
        path,
        Point::Value,
        tr!(
            "le siège de l'association ({pc}, département {dep}) n'est pas dans le ressort du {name}, que la convention désigne\u{a0}; il relève du tribunal administratif de {seat}",
            "the association's seat ({pc}, département {dep}) is outside the district of the {name}, which the convention names; it belongs to the tribunal administratif de {seat}"
        ),
        tr!(
            "le tribunal compétent est celui du lieu d'exécution de la convention (code de justice administrative, art. R. 312-11)\u{a0}: si le projet est mené au siège, donnez `\"court\": \"{good}\"` dans `convention`",
            "the competent court is the one of the place where the convention is performed (code de justice administrative, art. R. 312-11): if the project is carried out at the seat, give `\"court\": \"{good}\"` in `convention`"
        ),
    );
}

/// One number of decimals for every percentage of the programme
/// (`[programme] percent_decimals`): a share that needs more is rounded
/// (warning); an advance or a reasonable profit, terms of the act, would be
/// misstated (error).
fn percent_decimals(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    if data.convention.kind == ConventionKind::Cadre {
        return;
    }
    let places = crate::context::programme_percent_decimals(&prog.file);
    let words = match places {
        0 => ("sans décimale", "without decimals"),
        1 => ("avec une décimale", "with one decimal"),
        _ => ("avec deux décimales", "with two decimals"),
    };
    rounded_terms(data, places, words, s);
    rounded_shares(data, places, words, s);
}

fn rounded_terms(data: &AssociationFile, places: usize, words: (&str, &str), s: &mut Sink) {
    let c = &data.convention;
    let (words, words_en) = words;
    let base = JsonPath::root().key("convention");
    let terms = [
        (
            c.payment.as_ref().map(|p| p.advance_percent),
            base.key("payment").key("advance_percent"),
        ),
        (
            c.sieg.as_ref().map(|t| t.reasonable_profit_percent),
            base.key("sieg").key("reasonable_profit_percent"),
        ),
    ];
    for (value, path) in terms {
        let Some(v) = value.filter(|v| crate::french::decimals_needed(*v, 2) > places) else {
            continue;
        };
        let exact = crate::french::percent(v);
        s.error(
            Code::DON_138,
            path,
            Point::Value,
            tr!(
                "{exact} ne s'écrit pas {words}, comme le programme écrit ses pourcentages\u{a0}: la convention le fausserait",
                "{exact} cannot be written {words_en}, as the programme writes its percentages: the convention would misstate it"
            ),
            Text::new(
                "relevez `percent_decimals` dans `[programme]` de charta.toml (au plus 2), ou arrondissez cette valeur dans les données",
                "raise `percent_decimals` in `[programme]` of charta.toml (at most 2), or round this value in the data",
            ),
        );
    }
}

fn rounded_shares(data: &AssociationFile, places: usize, words: (&str, &str), s: &mut Sink) {
    let c = &data.convention;
    let (words, words_en) = words;
    let (Some(f), Some(e)) = (&c.funding, &c.eligible_cost) else {
        return;
    };
    for (y, fu) in f {
        let Some(el) = e.get(y).filter(|el| el.cents() > 0) else {
            continue;
        };
        let share = fu.cents() as f64 * 100.0 / el.cents() as f64;
        if crate::french::decimals_needed(share, 2) <= places {
            continue;
        }
        let shown = crate::french::percent_fixed(share, places);
        let exact = crate::french::percent_fixed(share, 2);
        s.warning(
            Code::DON_136,
            JsonPath::root().key("convention").key("funding").key(y),
            Point::Value,
            tr!(
                "la part de la contribution de {y} ({exact}) est arrondie à {shown}\u{a0}: le programme écrit ses pourcentages {words}",
                "the share of the {y} contribution ({exact}) is rounded to {shown}: the programme writes its percentages {words_en}"
            ),
            Text::new(
                "relevez `percent_decimals` dans `[programme]` de charta.toml (au plus 2), pour que chaque pourcentage soit exact, ou acceptez l'arrondi",
                "raise `percent_decimals` in `[programme]` of charta.toml (at most 2) so that every percentage is exact, or accept the rounding",
            ),
        );
    }
}

/// Words by which an avenant's motive names the party that asked for it.
static ASKED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:à|sur)\s+la\s+demande\b|\bà\s+l['’]initiative\b|\bdemand(?:é|ée)\s+par\b|\bsollicit")
        .expect("valid regex")
});

/// An avenant's motive states which party asked for the change (the convention's
/// article on avenants makes the party that seeks a change ask the other):
/// « À la demande de l'association, … ». Without it the préambule reads as
/// the funder's own decision.
fn avenant_motive(data: &AssociationFile, s: &mut Sink) {
    let base = JsonPath::root().key("convention").key("amendments");
    for (i, a) in data.convention.amendments.iter().enumerate() {
        let Some(summary) = a.summary.as_deref().filter(|m| !m.trim().is_empty()) else {
            continue;
        };
        if a.signature.date.is_some() || ASKED.is_match(summary) {
            continue;
        }
        let k = i + 1;
        s.warning(
            Code::DON_137,
            base.index(i).key("summary"),
            Point::Value,
            tr!(
                "le motif de l'avenant n°\u{a0}{k} ne dit pas quelle partie l'a demandé\u{a0}: le préambule se lit comme une décision du seul financeur",
                "the motive of avenant {k} does not say which party asked for it: the préambule reads as the funder's decision alone"
            ),
            Text::new(
                "ouvrez le motif par la demande qui le fonde («\u{a0}À la demande de l'association, qui …,\u{a0}»), comme la convention le prévoit pour toute modification",
                "open the motive with the request it rests on (« À la demande de l'association, qui …, »), as the convention requires for any change",
            ),
        );
    }
}
