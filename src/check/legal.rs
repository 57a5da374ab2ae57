//! The rules that make an act legally sound rather than merely well formed:
//! facts the convention states and that only the data can give (the CER date,
//! the Alsace-Moselle register, the fate of an unspent subsidy, the SIEG
//! parameters), and State-aid eligibility assessed when the aid is granted.
//!
//! A funded convention that misses one of these facts is refused (error): the
//! act must never fill the gap with a statement the data did not give.

use std::collections::BTreeSet;

use crate::french::parse_date;
use crate::load::Programme;
use crate::locate::JsonPath;
use crate::model::{
    Amount, AssociationFile, ConventionKind, DeMinimisKind, PerYear, Regime, SiegBasis,
};

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

fn euros(cents: i64) -> String {
    crate::french::euros(cents).replace(['\u{202f}', '\u{a0}'], " ")
}

fn per_year_total(m: Option<&PerYear<Amount>>) -> i64 {
    m.map(|m| m.values().map(|a| a.cents()).sum()).unwrap_or(0)
}

fn cer(data: &AssociationFile, funded: bool, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    if let Some(d) = &a.cer_deemed {
        if d.reference.trim().is_empty() {
            s.error("DON-050", 
                base.key("cer_deemed").key("reference"),
                Point::Value,
                "la référence de l'acte qui fonde la présomption est vide",
                "indiquez le décret de reconnaissance d'utilité publique ou l'arrêté d'agrément (« décret du 14 mars 1987 »)",
            );
        }
        if a.cer_signed_on.is_some() {
            s.warning("DON-051", 
                base.key("cer_signed_on"),
                Point::Key,
                "`cer_signed_on` et `cer_deemed` sont tous deux donnés : la convention retient la présomption (`cer_deemed`)",
                "gardez `cer_deemed` pour une association reconnue d'utilité publique ou agréée, sinon retirez-le",
            );
        }
        return;
    }
    if funded && a.cer_signed_on.is_none() {
        s.error("DON-052", 
            base.key("cer_signed_on"),
            Point::Key,
            "date de souscription du contrat d'engagement républicain absente : la convention ne peut pas l'inventer",
            "ajoutez `\"cer_signed_on\": \"AAAA-MM-JJ\"` (loi n° 2000-321, art. 10-1), ou `\"cer_deemed\": {\"basis\": \"rup\" | \"agrement\", \"reference\": \"…\"}` pour une association reconnue d'utilité publique ou agréée",
        );
    }
}

fn register(data: &AssociationFile, s: &mut Sink) {
    let a = &data.association;
    let base = JsonPath::root().key("association");
    let legal = a.legal_form.to_lowercase();
    let droit_local = legal.contains("inscrite") || legal.contains("droit local");
    match &a.register {
        None if droit_local && a.rna.is_none() => s.error("DON-053", 
            base.key("register"),
            Point::Key,
            "association de droit local sans numéro RNA : son inscription au registre du tribunal judiciaire n'est pas indiquée",
            "ajoutez `\"register\": {\"court\": \"tribunal judiciaire de …\", \"volume\": \"…\", \"folio\": \"…\"}` (ou `\"number\"`), tel qu'il figure sur l'extrait du registre des associations",
        ),
        Some(r) => {
            let rp = base.key("register");
            if r.court.trim().is_empty() {
                s.error("DON-054", 
                    rp.key("court"),
                    Point::Value,
                    "le tribunal qui tient le registre est vide",
                    "écrivez-le comme dans l'acte : « tribunal judiciaire de Strasbourg »",
                );
            }
            match (&r.volume, &r.folio, &r.number) {
                (Some(_), Some(_), _) | (None, None, Some(_)) => {}
                (Some(_), None, _) | (None, Some(_), _) => s.error("DON-055", 
                    rp.clone(),
                    Point::Key,
                    "une inscription au registre se cite par son volume et son folio ensemble",
                    "donnez `volume` et `folio`, ou seulement `number`",
                ),
                (None, None, None) => s.error("DON-056", 
                    rp.clone(),
                    Point::Key,
                    "l'inscription au registre n'a ni volume et folio, ni numéro",
                    "recopiez `volume` et `folio` (ou `number`) de l'extrait du registre des associations",
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
        s.error("DON-057", 
            base.key("unspent"),
            Point::Key,
            "la convention ne dit pas ce que devient la part de la contribution non consommée",
            "l'article 10 de la loi n° 2000-321 impose de fixer les conditions de conservation d'une subvention non intégralement consommée : choisissez `\"unspent\": \"keep-reasonable\"` (excédent raisonnable conservé sous conditions) ou `\"repay\"` (reversement), ici ou pour tout le programme dans charta.toml (`[programme] unspent = …`)",
        );
    }
    for (list, ids) in [("add", &c.clauses.add), ("remove", &c.clauses.remove)] {
        for (i, id) in ids.iter().enumerate() {
            if UNSPENT_CLAUSES.contains(&id.as_str()) {
                s.error("DON-058", 
                    base.key("clauses").key(list).index(i),
                    Point::Value,
                    format!("la clause `{id}` ne se choisit plus par `clauses.{list}`"),
                    "le sort de la part non consommée se choisit par `convention.unspent` (`keep-reasonable` ou `repay`) ou `[programme] unspent` ; retirez cette entrée",
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
                s.warning("DON-059", 
                    base,
                    Point::Key,
                    "autres subventions publiques non renseignées : le seuil de 153 000 € (commissaire aux comptes) n'est apprécié que sur cette contribution",
                    "le seuil de l'article L. 612-4 du code de commerce porte sur toutes les subventions publiques en numéraire : ajoutez `\"other_public_subsidies\": {\"2026\": …}` (0 s'il n'y en a pas)",
                );
            }
        }
        Some(m) => {
            let years: BTreeSet<String> = c.years.iter().map(i32::to_string).collect();
            for k in m.keys().filter(|k| !years.contains(*k)) {
                s.error("DON-060", 
                    base.key(k),
                    Point::Key,
                    format!("`other_public_subsidies` a un montant pour {k}, qui n'est pas une année de la convention"),
                    "gardez les seules années de `convention.years`",
                );
            }
            for y in years.iter().filter(|y| !m.contains_key(*y)) {
                s.warning("DON-061", 
                    base.clone(),
                    Point::Key,
                    format!("`other_public_subsidies` n'a pas de montant pour {y} : cette année, le seuil de 153 000 € n'est apprécié que sur cette contribution"),
                    "donnez un montant pour chaque année (0 s'il n'y en a pas)",
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
                "DON-062",
                p.key("description"),
                Point::Value,
                "aide en nature sans description",
                "décrivez ce qui est mis à disposition (« locaux de 120 m², 4 rue des Forges »)",
            );
        }
        for y in years.iter().filter(|y| !k.values.contains_key(*y)) {
            s.error("DON-063", 
                p.key("values"),
                Point::Key,
                format!("l'aide en nature n'a pas de valeur pour {y}"),
                "donnez sa valeur pour chaque année de la convention (0 si elle ne court pas cette année-là)",
            );
        }
        for y in k.values.keys().filter(|y| !years.contains(*y)) {
            s.error("DON-064", 
                p.key("values").key(y),
                Point::Key,
                format!("l'aide en nature a une valeur pour {y}, qui n'est pas une année de la convention"),
                "gardez les seules années de `convention.years`",
            );
        }
    }
}

fn cadre(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    if !c.in_kind.is_empty() {
        s.error("DON-065", 
            base.key("in_kind"),
            Point::Key,
            "une convention-cadre n'engage aucune aide, or une aide en nature est une subvention",
            "attribuez l'aide en nature par une convention annuelle ou pluriannuelle, ou faites de celle-ci une `cpo` ou une `annuelle`",
        );
    }
    if let Some(i) = c
        .clauses
        .add
        .iter()
        .position(|id| id == "mise-a-disposition-locaux")
    {
        s.error("DON-066", 
            base.key("clauses").key("add").index(i),
            Point::Value,
            "une convention-cadre ne peut pas mettre de locaux à disposition : c'est une subvention en nature",
            "retirez la clause : la mise à disposition relève d'une convention particulière qui l'attribue et la valorise",
        );
    }
}

fn sieg(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let base = JsonPath::root().key("convention");
    let Some(t) = &c.sieg else {
        if c.regime == Regime::Sieg {
            s.error("DON-067", 
                base.key("sieg"),
                Point::Key,
                "régime sieg sans paramètres de compensation",
                "ajoutez `\"sieg\": {\"basis\": \"decision-2012-21\" | \"reglement-2023-2832\", \"costs\": {…}, \"revenues\": {…}, \"reasonable_profit_percent\": 0}` : la base juridique est choisie à l'octroi et les paramètres de la compensation fixés à l'avance (décision 2012/21/UE, art. 4)",
            );
        }
        return;
    };
    let sp = base.key("sieg");
    if c.regime != Regime::Sieg {
        s.warning(
            "DON-068",
            sp,
            Point::Key,
            "`sieg` n'est lu que pour le régime sieg",
            "retirez-le, ou passez `regime` à `sieg`",
        );
        return;
    }
    if !(0.0..=100.0).contains(&t.reasonable_profit_percent) {
        s.error("DON-069", 
            sp.key("reasonable_profit_percent"),
            Point::Value,
            format!(
                "bénéfice raisonnable de {} % hors de 0 à 100 %",
                t.reasonable_profit_percent
            ),
            "exprimez le bénéfice raisonnable en pourcentage des charges du service (0 s'il n'y en a pas)",
        );
    }
    for y in &c.years {
        let y = y.to_string();
        let (Some(costs), Some(revenues)) = (t.costs.get(&y), t.revenues.get(&y)) else {
            s.error(
                "DON-070",
                sp.clone(),
                Point::Key,
                format!("charges ou produits du service manquants pour {y}"),
                "donnez `costs` et `revenues` pour chaque année de la convention",
            );
            continue;
        };
        let net = costs.cents() - revenues.cents();
        let profit = (costs.cents() as f64 * t.reasonable_profit_percent / 100.0).round() as i64;
        let allowed = net.max(0) + profit;
        if let Some(f) = c.funding.as_ref().and_then(|f| f.get(&y))
            && f.cents() > allowed
        {
            s.error("DON-071", 
                base.key("funding").key(&y),
                Point::Value,
                format!(
                    "compensation de {y} ({}) supérieure au coût net du service augmenté du bénéfice raisonnable ({})",
                    euros(f.cents()),
                    euros(allowed)
                ),
                "la compensation ne peut excéder le coût net (charges moins produits) et le bénéfice raisonnable : réduisez-la ou corrigez `sieg.costs`/`sieg.revenues`",
            );
        }
    }
}

/// The ceiling and the period of a de minimis regulation.
fn ceiling(kind: DeMinimisKind) -> (i64, &'static str) {
    match kind {
        DeMinimisKind::General => (30_000_000, "règlement (UE) 2023/2831"),
        DeMinimisKind::Agricole => (5_000_000, "règlement (UE) n° 1408/2013"),
        DeMinimisKind::Sieg => (75_000_000, "règlement (UE) 2023/2832"),
    }
}

fn de_minimis(data: &AssociationFile, s: &mut Sink) {
    let c = &data.convention;
    let a = &data.association;
    let base = JsonPath::root().key("convention");
    if c.primary_agriculture && c.regime == Regime::DeMinimis {
        s.error("DON-072", 
            base.key("regime"),
            Point::Value,
            "la production agricole primaire est exclue du règlement de minimis général (2023/2831, art. 1er)",
            "choisissez `\"regime\": \"de-minimis-agricole\"` (règlement (UE) n° 1408/2013 modifié par le règlement (UE) 2024/3118, 50 000 € sur trois ans)",
        );
    }
    if c.regime == Regime::DeMinimisAgricole && !c.primary_agriculture {
        s.warning("DON-073", 
            base.key("primary_agriculture"),
            Point::Key,
            "régime de minimis agricole pour une activité qui n'est pas déclarée de production agricole primaire",
            "ajoutez `\"primary_agriculture\": true` si l'aide finance une telle activité ; sinon le régime est `de-minimis`",
        );
    }
    for (i, d) in a.de_minimis_declared.iter().enumerate() {
        if let Some((m, h)) = date_problem(("`granted_on`", "`granted_on`"), &d.granted_on) {
            s.error(
                "DON-074",
                JsonPath::root()
                    .key("association")
                    .key("de_minimis_declared")
                    .index(i)
                    .key("granted_on"),
                Point::Value,
                m,
                h,
            );
        }
    }
    let kind = match (c.regime, c.sieg.as_ref().map(|t| t.basis)) {
        (Regime::DeMinimis, _) => DeMinimisKind::General,
        (Regime::DeMinimisAgricole, _) => DeMinimisKind::Agricole,
        (Regime::Sieg, Some(SiegBasis::Reglement20232832)) => DeMinimisKind::Sieg,
        _ => return,
    };
    // The aid is granted, in full, when the right arises: at signature (the
    // decision date while the act is a draft).
    let grant_text = c.signature.date.as_deref().unwrap_or(&c.decision.date);
    let Some(grant) = parse_date(grant_text) else {
        return;
    };
    let three_years_before = (grant.0 - 3, grant.1, grant.2);
    let this_aid = per_year_total(c.funding.as_ref())
        + c.in_kind
            .iter()
            .map(|k| per_year_total(Some(&k.values)))
            .sum::<i64>();
    let declared: i64 = a
        .de_minimis_declared
        .iter()
        .filter(|d| d.regulation == kind)
        .filter_map(|d| parse_date(&d.granted_on).map(|g| (g, d.amount.cents())))
        .filter(|(g, _)| *g > three_years_before && *g <= grant)
        .map(|(_, v)| v)
        .sum();
    let (max, reg) = ceiling(kind);
    if this_aid + declared > max {
        s.error("DON-075", 
            base.key("funding"),
            Point::Key,
            format!(
                "plafond de minimis dépassé à l'octroi ({grant_text}) : cette aide ({}, aides en nature comprises) et les aides déclarées des trois années précédentes ({}) font {}, au-delà des {} du {reg}",
                euros(this_aid),
                euros(declared),
                euros(this_aid + declared),
                euros(max)
            ),
            "l'aide de minimis compte pour son montant total à la naissance du droit : réduisez-la, ou relevez-la d'un autre régime (décision 2012/21/UE pour un SIEG, régime exempté)",
        );
    }
}
