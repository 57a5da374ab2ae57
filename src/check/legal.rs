//! The rules that make an act legally sound rather than merely well formed:
//! facts the convention states and that only the data can give (the CER date,
//! the Alsace-Moselle register, the fate of an unspent subsidy, the SIEG
//! parameters), and State-aid eligibility assessed when the aid is granted.
//!
//! A funded convention that misses one of these facts is refused (error): the
//! act must never fill the gap with a statement the data did not give.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Text};
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{AssociationFile, ConventionKind, Regime};
use crate::tr;

use super::Sink;
use super::association::date_problem;
use super::structure::Point;

/// Clauses of the unspent-subsidy article: one of them is in every funded convention.
pub const UNSPENT_CLAUSES: [&str; 2] = ["excedent-raisonnable", "excedent-reversement"];

pub fn rules(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let funded = data.convention.kind != ConventionKind::Cadre;
    cer(data, funded, s);
    register(data, s);
    if funded {
        unspent(prog, data, s);
        other_subsidies(data, s);
        in_kind(data, s);
        sieg(data, s);
        de_minimis(data, s);
    } else {
        cadre(data, s);
    }
}

fn cer(data: &AssociationFile, funded: bool, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    if let Some(d) = &a.cer_deemed {
        if d.reference.trim().is_empty() {
            s.error(Code::DON_050,
                base.key("cer_deemed").key("reference"),
                Point::Value,
                Text::new("la référence de l'acte qui fonde la présomption est vide", "the reference of the act the presumption rests on is empty"),
                Text::new("indiquez le décret de reconnaissance d'utilité publique ou l'arrêté d'agrément («\u{a0}décret du 14 mars 1987\u{a0}»)", "give the decree of recognition of public utility or the order of approval (« décret du 14 mars 1987 »)"),
            );
        }
        if a.cer_signed_on.is_some() {
            s.warning(Code::DON_051,
                base.key("cer_signed_on"),
                Point::Key,
                Text::new("`cer_signed_on` et `cer_deemed` sont tous deux donnés\u{a0}: la convention retient la présomption (`cer_deemed`)", "both `cer_signed_on` and `cer_deemed` are given: the convention states the presumption (`cer_deemed`)"),
                Text::new("gardez `cer_deemed` pour une association reconnue d'utilité publique ou agréée, sinon retirez-le", "keep `cer_deemed` for an association recognised of public utility or approved, otherwise remove it"),
            );
        }
        return;
    }
    if funded && a.cer_signed_on.is_none() {
        s.error(Code::DON_052,
            base.key("cer_signed_on"),
            Point::Key,
            Text::new("date de souscription du contrat d'engagement républicain absente\u{a0}: la convention ne peut pas l'inventer", "the date the contrat d'engagement républicain was signed is missing: the convention cannot invent it"),
            Text::new("ajoutez `\"cer_signed_on\": \"AAAA-MM-JJ\"` (loi n° 2000-321, art. 10-1), ou `\"cer_deemed\": {\"basis\": \"rup\" | \"agrement\", \"reference\": \"…\"}` pour une association reconnue d'utilité publique ou agréée", "add `\"cer_signed_on\": \"YYYY-MM-DD\"` (loi n° 2000-321, art. 10-1), or `\"cer_deemed\": {\"basis\": \"rup\" | \"agrement\", \"reference\": \"…\"}` for an association recognised of public utility or approved"),
        );
    }
}

fn register(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let legal = a.legal_form.to_lowercase();
    let droit_local = legal.contains("inscrite") || legal.contains("droit local");
    match &a.register {
        None if droit_local && a.rna.is_none() => s.error(Code::DON_053,
            base.key("register"),
            Point::Key,
            Text::new("association de droit local sans numéro RNA\u{a0}: son inscription au registre du tribunal judiciaire n'est pas indiquée", "local-law association without an RNA number: its entry in the register of the tribunal judiciaire is not given"),
            Text::new("ajoutez `\"register\": {\"court\": \"tribunal judiciaire de …\", \"volume\": \"…\", \"folio\": \"…\"}` (ou `\"number\"`), tel qu'il figure sur l'extrait du registre des associations", "add `\"register\": {\"court\": \"tribunal judiciaire de …\", \"volume\": \"…\", \"folio\": \"…\"}` (or `\"number\"`), as on the extract of the register of associations"),
        ),
        Some(r) => {
            let rp = base.key("register");
            if r.court.trim().is_empty() {
                s.error(Code::DON_054,
                    rp.key("court"),
                    Point::Value,
                    Text::new("le tribunal qui tient le registre est vide", "the court that keeps the register is empty"),
                    Text::new("écrivez-le comme dans l'acte\u{a0}: «\u{a0}tribunal judiciaire de Strasbourg\u{a0}»", "write it as in the act: « tribunal judiciaire de Strasbourg »"),
                );
            }
            match (&r.volume, &r.folio, &r.number) {
                (Some(_), Some(_), _) | (None, None, Some(_)) => {}
                (Some(_), None, _) | (None, Some(_), _) => s.error(Code::DON_055,
                    rp.clone(),
                    Point::Key,
                    Text::new("une inscription au registre se cite par son volume et son folio ensemble", "an entry in the register is cited by its volume and folio together"),
                    Text::new("donnez `volume` et `folio`, ou seulement `number`", "give `volume` and `folio`, or only `number`"),
                ),
                (None, None, None) => s.error(Code::DON_056,
                    rp.clone(),
                    Point::Key,
                    Text::new("l'inscription au registre n'a ni volume et folio, ni numéro", "the register entry has neither volume and folio nor number"),
                    Text::new("recopiez `volume` et `folio` (ou `number`) de l'extrait du registre des associations", "copy `volume` and `folio` (or `number`) from the extract of the register of associations"),
                ),
            }
        }
        None => {}
    }
}

fn unspent(prog: &Programme, data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if c.unspent.is_none() && prog.file.programme.unspent.is_none() {
        s.error(Code::DON_057,
            base.key("unspent"),
            Point::Key,
            Text::new("la convention ne dit pas ce que devient la part de la contribution non consommée", "the convention does not say what becomes of the unspent part of the contribution"),
            Text::new("l'article 10 de la loi n° 2000-321 impose de fixer les conditions de conservation d'une subvention non intégralement consommée\u{a0}: choisissez `\"unspent\": \"keep-reasonable\"` (excédent raisonnable conservé sous conditions) ou `\"repay\"` (reversement), ici ou pour tout le programme dans charta.toml (`[programme] unspent = …`)", "article 10 of loi n° 2000-321 requires the conditions for keeping a subsidy not fully spent: choose `\"unspent\": \"keep-reasonable\"` (a reasonable surplus kept under conditions) or `\"repay\"` (repayment), here or for the whole programme in charta.toml (`[programme] unspent = …`)"),
        );
    }
    for (list, ids) in [("add", &c.clauses.add), ("remove", &c.clauses.remove)] {
        for (i, id) in ids.iter().enumerate() {
            if UNSPENT_CLAUSES.contains(&id.as_str()) {
                s.error(Code::DON_058,
                    base.key("clauses").key(list).index(i),
                    Point::Value,
                    tr!("la clause `{id}` ne se choisit plus par `clauses.{list}`", "clause `{id}` is no longer chosen through `clauses.{list}`"),
                    Text::new("le sort de la part non consommée se choisit par `convention.unspent` (`keep-reasonable` ou `repay`) ou `[programme] unspent`\u{202f}; retirez cette entrée", "what becomes of the unspent part is chosen by `convention.unspent` (`keep-reasonable` or `repay`) or `[programme] unspent`; remove this entry"),
                );
            }
        }
    }
}

fn other_subsidies(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root()
        .key("association")
        .key("other_public_subsidies");
    match &data.association.other_public_subsidies {
        None => {
            let max = c
                .funding
                .as_ref()
                .and_then(|f| f.values().map(|a| a.cents()).max())
                .unwrap_or(0);
            if max <= 15_300_000 {
                s.warning(Code::DON_059,
                    base,
                    Point::Key,
                    Text::new("autres subventions publiques non renseignées\u{a0}: le seuil de 153 000 € (commissaire aux comptes) n'est apprécié que sur cette contribution", "other public subsidies not given: the 153 000 € threshold (statutory auditor) is assessed on this contribution alone"),
                    Text::new("le seuil de l'article L. 612-4 du code de commerce porte sur toutes les subventions publiques en numéraire\u{a0}: ajoutez `\"other_public_subsidies\": {\"2026\": …}` (0 s'il n'y en a pas)", "the threshold of article L. 612-4 of the code de commerce covers every public cash subsidy: add `\"other_public_subsidies\": {\"2026\": …}` (0 if there are none)"),
                );
            }
        }
        Some(m) => {
            let years: BTreeSet<String> = c.years.iter().map(i32::to_string).collect();
            for k in m.keys().filter(|k| !years.contains(*k)) {
                s.error(Code::DON_060,
                    base.key(k),
                    Point::Key,
                    tr!("`other_public_subsidies` a un montant pour {k}, qui n'est pas une année de la convention", "`other_public_subsidies` has an amount for {k}, which is not a year of the convention"),
                    Text::new("gardez les seules années de `convention.years`", "keep only the years of `convention.years`"),
                );
            }
            for y in years.iter().filter(|y| !m.contains_key(*y)) {
                s.warning(Code::DON_061,
                    base.clone(),
                    Point::Key,
                    tr!("`other_public_subsidies` n'a pas de montant pour {y}\u{a0}: cette année, le seuil de 153 000 € n'est apprécié que sur cette contribution", "`other_public_subsidies` has no amount for {y}: that year, the 153 000 € threshold is assessed on this contribution alone"),
                    Text::new("donnez un montant pour chaque année (0 s'il n'y en a pas)", "give an amount for every year (0 if there are none)"),
                );
            }
        }
    }
}

fn in_kind(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention").key("in_kind");
    let years: BTreeSet<String> = c.years.iter().map(i32::to_string).collect();
    for (i, k) in c.in_kind.iter().enumerate() {
        let p = base.index(i);
        if k.description.trim().is_empty() {
            s.error(
                Code::DON_062,
                p.key("description"),
                Point::Value,
                Text::new("aide en nature sans description", "aid in kind without a description"),
                Text::new("décrivez ce qui est mis à disposition («\u{a0}locaux de 120 m², 4 rue des Forges\u{a0}»)", "describe what is made available (« locaux de 120 m², 4 rue des Forges »)"),
            );
        }
        for y in years.iter().filter(|y| !k.values.contains_key(*y)) {
            s.error(Code::DON_063,
                p.key("values"),
                Point::Key,
                tr!("l'aide en nature n'a pas de valeur pour {y}", "the aid in kind has no value for {y}"),
                Text::new("donnez sa valeur pour chaque année de la convention (0 si elle ne court pas cette année-là)", "give its value for every year of the convention (0 if it does not run that year)"),
            );
        }
        for y in k.values.keys().filter(|y| !years.contains(*y)) {
            s.error(Code::DON_064,
                p.key("values").key(y),
                Point::Key,
                tr!("l'aide en nature a une valeur pour {y}, qui n'est pas une année de la convention", "the aid in kind has a value for {y}, which is not a year of the convention"),
                Text::new("gardez les seules années de `convention.years`", "keep only the years of `convention.years`"),
            );
        }
    }
}

fn cadre(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if !c.in_kind.is_empty() {
        s.error(Code::DON_065,
            base.key("in_kind"),
            Point::Key,
            Text::new("une convention-cadre n'engage aucune aide, or une aide en nature est une subvention", "a framework convention commits no aid, yet aid in kind is a subsidy"),
            Text::new("attribuez l'aide en nature par une convention annuelle ou pluriannuelle, ou faites de celle-ci une `cpo` ou une `annuelle`", "grant the aid in kind by an annual or multi-year convention, or make this one a `cpo` or an `annuelle`"),
        );
    }
    if let Some(i) = c
        .clauses
        .add
        .iter()
        .position(|id| id == "mise-a-disposition-locaux")
    {
        s.error(Code::DON_066,
            base.key("clauses").key("add").index(i),
            Point::Value,
            Text::new("une convention-cadre ne peut pas mettre de locaux à disposition\u{a0}: c'est une subvention en nature", "a framework convention cannot make premises available: that is a subsidy in kind"),
            Text::new("retirez la clause\u{a0}: la mise à disposition relève d'une convention particulière qui l'attribue et la valorise", "remove the clause: making premises available belongs to a specific convention that grants and values it"),
        );
    }
}

fn sieg(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let Some(t) = &c.sieg else {
        if c.regime == Regime::Sieg {
            s.error(Code::DON_067,
                base.key("sieg"),
                Point::Key,
                Text::new("régime sieg sans paramètres de compensation", "sieg regime without compensation parameters"),
                Text::new("ajoutez `\"sieg\": {\"basis\": \"decision-2012-21\" | \"reglement-2023-2832\", \"costs\": {…}, \"revenues\": {…}, \"reasonable_profit_percent\": 0}`\u{a0}: la base juridique est choisie à l'octroi et les paramètres de la compensation fixés à l'avance (décision 2012/21/UE, art. 4)", "add `\"sieg\": {\"basis\": \"decision-2012-21\" | \"reglement-2023-2832\", \"costs\": {…}, \"revenues\": {…}, \"reasonable_profit_percent\": 0}`: the legal basis is chosen when the aid is granted and the compensation parameters are set in advance (decision 2012/21/EU, art. 4)"),
            );
        }
        return;
    };
    let sp = base.key("sieg");
    if c.regime != Regime::Sieg {
        s.warning(
            Code::DON_068,
            sp,
            Point::Key,
            Text::new(
                "`sieg` n'est lu que pour le régime sieg",
                "`sieg` is read only for the sieg regime",
            ),
            Text::new(
                "retirez-le, ou passez `regime` à `sieg`",
                "remove it, or set `regime` to `sieg`",
            ),
        );
        return;
    }
    if !(0.0..=100.0).contains(&t.reasonable_profit_percent) {
        s.error(Code::DON_069,
            sp.key("reasonable_profit_percent"),
            Point::Value,
            tr!("bénéfice raisonnable de {} % hors de 0 à 100 %", "reasonable profit of {} % outside 0 to 100 %",
                t.reasonable_profit_percent
            ),
            Text::new("exprimez le bénéfice raisonnable en pourcentage des charges du service (0 s'il n'y en a pas)", "give the reasonable profit as a percentage of the service's costs (0 if there is none)"),
        );
    }
    for y in &c.years {
        let y = y.to_string();
        let (Some(costs), Some(revenues)) = (t.costs.get(&y), t.revenues.get(&y)) else {
            s.error(
                Code::DON_070,
                sp.clone(),
                Point::Key,
                tr!(
                    "charges ou produits du service manquants pour {y}",
                    "costs or revenues of the service missing for {y}"
                ),
                Text::new(
                    "donnez `costs` et `revenues` pour chaque année de la convention",
                    "give `costs` and `revenues` for every year of the convention",
                ),
            );
            continue;
        };
        let net = costs.cents() - revenues.cents();
        let profit = (costs.cents() as f64 * t.reasonable_profit_percent / 100.0).round() as i64;
        let allowed = net.max(0) + profit;
        if let Some(f) = c.funding.as_ref().and_then(|f| f.get(&y))
            && f.cents() > allowed
        {
            s.error(Code::DON_071,
                base.key("funding").key(&y),
                Point::Value,
                tr!("compensation de {y} ({}) supérieure au coût net du service augmenté du bénéfice raisonnable ({})", "compensation for {y} ({}) above the net cost of the service plus the reasonable profit ({})",
                    crate::french::euros(f.cents()),
                    crate::french::euros(allowed)
                ),
                Text::new("la compensation ne peut excéder le coût net (charges moins produits) et le bénéfice raisonnable\u{a0}: réduisez-la ou corrigez `sieg.costs`/`sieg.revenues`", "the compensation cannot exceed the net cost (costs minus revenues) plus the reasonable profit: lower it or correct `sieg.costs`/`sieg.revenues`"),
            );
        }
    }
}

fn de_minimis(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if c.primary_agriculture && c.regime == Regime::DeMinimis {
        s.error(Code::DON_072,
            base.key("regime"),
            Point::Value,
            Text::new("la production agricole primaire est exclue du règlement de minimis général (2023/2831, art. 1er)", "primary agricultural production is excluded from the general de minimis regulation (2023/2831, art. 1)"),
            Text::new("choisissez `\"regime\": \"de-minimis-agricole\"` (règlement (UE) n° 1408/2013 modifié par le règlement (UE) 2024/3118, 50 000 € sur trois ans)", "choose `\"regime\": \"de-minimis-agricole\"` (regulation (EU) No 1408/2013 as amended by regulation (EU) 2024/3118, 50 000 € over three years)"),
        );
    }
    if c.regime == Regime::DeMinimisAgricole && !c.primary_agriculture {
        s.warning(Code::DON_073,
            base.key("primary_agriculture"),
            Point::Key,
            Text::new("régime de minimis agricole pour une activité qui n'est pas déclarée de production agricole primaire", "agricultural de minimis regime for an activity not declared as primary agricultural production"),
            Text::new("ajoutez `\"primary_agriculture\": true` si l'aide finance une telle activité\u{202f}; sinon le régime est `de-minimis`", "add `\"primary_agriculture\": true` if the aid finances such an activity; otherwise the regime is `de-minimis`"),
        );
    }
    declared_aids(data, s);
    let Some(p) = crate::de_minimis::position(data) else {
        return;
    };
    let (this_aid, declared, grant_text) = (p.this_aid, p.declared, &p.granted_on);
    let (max, reg) = crate::de_minimis::ceiling(p.kind);
    if this_aid + declared > max {
        s.error(Code::DON_075,
            base.key("funding"),
            Point::Key,
            tr!("plafond de minimis dépassé à l'octroi ({grant_text})\u{a0}: cette aide ({}, aides en nature comprises) et les aides déclarées des trois années précédentes ({}) font {}, au-delà des {} du {reg}", "de minimis ceiling exceeded when granted ({grant_text}): this aid ({}, aid in kind included) and the aid declared for the three previous years ({}) make {}, above the {} of the {reg}",
                crate::french::euros(this_aid),
                crate::french::euros(declared),
                crate::french::euros(this_aid + declared),
                crate::french::euros(max)
            ),
            Text::new("l'aide de minimis compte pour son montant total à la naissance du droit\u{a0}: réduisez-la, ou relevez-la d'un autre régime (décision 2012/21/UE pour un SIEG, régime exempté)", "de minimis aid counts for its full amount when the right arises: lower it, or grant it under another regime (decision 2012/21/EU for an SGEI, an exempted scheme)"),
        );
    }
}

/// The declaration of prior de minimis aid: required for a de minimis aid
/// (the act states it and the ceiling rests on it; `[]` declares none), each
/// date valid.
fn declared_aids(data: &AssociationFile, s: &mut Sink) {
    let path = JsonPath::root()
        .key("association")
        .key("de_minimis_declared");
    let Some(declared) = &data.association.de_minimis_declared else {
        if let Some(kind) = crate::de_minimis::kind(data) {
            let (max, reg) = crate::de_minimis::ceiling(kind);
            let max = crate::french::euros(max);
            s.error(
                Code::DON_150,
                path,
                Point::Key,
                tr!(
                    "aide de minimis ({reg}) sans déclaration des aides de minimis reçues par l'association\u{a0}: la convention ne peut affirmer ni leur montant ni le respect du plafond de {max}",
                    "de minimis aid ({reg}) without the association's declaration of the de minimis aid it received: the convention can state neither their amount nor that the ceiling of {max} is respected"
                ),
                Text::new(
                    "ajoutez à `association` la déclaration de l'association, `\"de_minimis_declared\"`\u{a0}: `[]` si elle a déclaré n'avoir reçu aucune aide de minimis au cours des trois années précédentes, sinon une entrée par aide, `{\"grantor\": \"…\", \"granted_on\": \"AAAA-MM-JJ\", \"amount\": …, \"regulation\": \"general\"}` (`agricole`, `sieg`)",
                    "add to `association` the association's declaration, `\"de_minimis_declared\"`: `[]` if it declared it received no de minimis aid over the three previous years, otherwise one entry per aid, `{\"grantor\": \"…\", \"granted_on\": \"YYYY-MM-DD\", \"amount\": …, \"regulation\": \"general\"}` (`agricole`, `sieg`)",
                ),
            );
        }
        return;
    };
    for (i, d) in declared.iter().enumerate() {
        if let Some((m, h)) = date_problem(("`granted_on`", "`granted_on`"), &d.granted_on) {
            s.error(
                Code::DON_074,
                path.clone().index(i).key("granted_on"),
                Point::Value,
                m,
                h,
            );
        }
    }
}
