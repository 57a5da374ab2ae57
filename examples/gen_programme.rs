//! Generates a large synthetic programme for benchmarks and tests:
//! `cargo run --example gen_programme -- DIR N [SEED]` writes DIR/charta.toml
//! (the example programme's) and N association files with 3 to 4 years, 2 to 4
//! objectives, valid SIRET (Luhn), RNA and IBAN (mod 97), a mix of regimes and
//! optional clauses. Deterministic: the same N and SEED give the same files.
//!
//! For the avenant benchmark: `--signed` signs every convention (2026-02-10);
//! `--amend` (with `--signed`) writes the same files changed for the next
//! funding cycle: the last year's funding raised by 1 000 € (a framework
//! convention or a SIEG compensation: its first indicator's last target), and a draft avenant in
//! `convention.amendments`. Build the `--signed` programme (its conventions are
//! archived in DIR/signed/), then generate again with `--amend` over it and
//! build: every convention gets its avenant.
//!
//! For the diagnostics benchmark: `--warnings` leaves the optional fields of
//! the indicators empty (a quantitative one's `definition` blank, its
//! `measure` and `baseline_year` missing; a qualitative one given a
//! `baseline_year` without a baseline and a `measure` it does not take): the
//! same programme otherwise, about 16 warnings per convention (DON-038, 039,
//! 043, 047, 048), no error.

use std::path::Path;

use serde_json::{Value, json};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn luhn_complete(prefix: &str) -> String {
    for d in 0..10 {
        let s = format!("{prefix}{d}");
        let sum: u32 = s
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let v = c.to_digit(10).unwrap();
                if i % 2 == 1 {
                    let x = v * 2;
                    if x > 9 { x - 9 } else { x }
                } else {
                    v
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return s;
        }
    }
    unreachable!("one digit completes a Luhn number")
}

fn siret(rng: &mut Rng) -> String {
    let siren = luhn_complete(&format!("{:08}", 30_000_000 + rng.below(69_999_999)));
    luhn_complete(&format!("{siren}{:04}", rng.below(9999)))
}

fn iban(rng: &mut Rng) -> String {
    let (bank, branch, account) = (30006u64, rng.below(99_999), rng.below(99_999_999_999));
    // The French RIB key, then the IBAN check digits over BBAN + "FR00".
    let key = 97 - ((89 * bank + 15 * branch + 3 * account) % 97);
    let bban = format!("{bank:05}{branch:05}{account:011}{key:02}");
    let digits = format!("{bban}152700");
    let rem = digits
        .bytes()
        .fold(0u64, |acc, b| (acc * 10 + (b - b'0') as u64) % 97);
    format!("FR{:02}{bban}", 98 - rem)
}

const NAMES: &[&str] = &[
    "Maison",
    "Atelier",
    "Réseau",
    "Collectif",
    "Épicerie",
    "Ressourcerie",
    "Jardins",
    "Tiers-lieu",
];
const TOPICS: &[&str] = &[
    "des solidarités",
    "du réemploi",
    "de l'insertion",
    "des mobilités",
    "du lien social",
    "de la coopération",
];
const PLACES: &[&str] = &[
    "Montvalon",
    "Brécourt",
    "Vaudrecourt",
    "Saulnières",
    "Thionvaux",
    "Aubry-sur-Meuse",
];
const REGIMES: &[&str] = &["non-economic", "non-economic", "de-minimis", "sieg"];
const OPTIONS: &[&str] = &[
    "mise-a-disposition-locaux",
    "communication-logo",
    "excedent-raisonnable",
    "valorisation-benevolat",
    "comite-de-suivi",
];

fn association(rng: &mut Rng, n: usize, warnings: bool) -> Value {
    let years: Vec<i32> = (2026..2026 + 3 + rng.below(2) as i32).collect();
    let base = 20_000 + rng.below(160) * 1000;
    let mut funding = serde_json::Map::new();
    let mut eligible = serde_json::Map::new();
    for (i, y) in years.iter().enumerate() {
        let f = base + i as u64 * 1500;
        funding.insert(y.to_string(), json!(f));
        eligible.insert(y.to_string(), json!(f * 3 + rng.below(20) * 1000));
    }
    let mut objectives = Vec::new();
    for o in 1..=(2 + rng.below(3)) {
        let mut indicators = Vec::new();
        for i in 1..=(1 + rng.below(3)) {
            let id = format!("O{o}-I{i}");
            if rng.below(3) == 0 {
                let targets: serde_json::Map<String, Value> = years
                    .iter()
                    .enumerate()
                    .map(|(k, y)| {
                        (
                            y.to_string(),
                            json!(format!("Étape {} du partenariat", k + 1)),
                        )
                    })
                    .collect();
                let mut q = json!({"id": id, "label": "Qualité de la coopération locale", "type": "qualitative", "targets": targets});
                if warnings {
                    q["measure"] = json!("flow");
                    q["baseline_year"] = json!(years[0] - 1);
                }
                indicators.push(q);
            } else {
                let start = 50 + rng.below(200);
                let targets: serde_json::Map<String, Value> = years
                    .iter()
                    .enumerate()
                    .map(|(k, y)| (y.to_string(), json!(start + 10 * (k as u64 + 1))))
                    .collect();
                let mut q = json!({"id": id, "label": "Personnes accompagnées", "type": "quantitative", "unit": "personnes", "definition": "Personnes distinctes ayant eu au moins un entretien d'accompagnement dans l'année", "measure": "flow", "baseline": start, "baseline_year": years[0] - 1, "targets": targets, "source": "Registre de l'association"});
                if warnings {
                    q["definition"] = json!("");
                    let fields = q.as_object_mut().expect("an object");
                    fields.remove("measure");
                    fields.remove("baseline_year");
                }
                indicators.push(q);
            }
        }
        objectives.push(json!({"id": format!("O{o}"), "priority": format!("P{}", 1 + rng.below(4)), "title": "Accompagner les habitants vers l'emploi et l'autonomie", "indicators": indicators}));
    }
    let place = rng.pick(PLACES);
    // `excedent-raisonnable` is no longer optional (the unspent-subsidy variant
    // comes from charta.toml): drawn as before so that the generated data stay
    // the same, then left out.
    let add: Vec<&str> = OPTIONS
        .iter()
        .copied()
        .filter(|_| rng.below(3) == 0)
        .filter(|o| *o != "excedent-raisonnable")
        .collect();
    let regime = rng.pick(REGIMES);
    // De minimis aid above the 300 000 € ceiling over three years would be refused.
    let total: u64 = funding.values().filter_map(Value::as_u64).sum();
    let regime = if regime == "de-minimis" && total > 300_000 {
        "non-economic"
    } else {
        regime
    };
    // SIEG parameters fixed in advance: the service's costs are the eligible
    // cost, its revenues leave a net cost equal to the compensation.
    let sieg = (regime == "sieg").then(|| {
        let revenues: serde_json::Map<String, Value> = eligible
            .iter()
            .map(|(y, e)| {
                let net = funding[y].as_u64().unwrap_or(0);
                (y.clone(), json!(e.as_u64().unwrap_or(0) - net))
            })
            .collect();
        json!({"basis": "decision-2012-21", "costs": eligible.clone(), "revenues": revenues, "reasonable_profit_percent": 0})
    });
    let others: serde_json::Map<String, Value> = years
        .iter()
        .map(|y| (y.to_string(), json!(10_000)))
        .collect();
    let mut file = json!({
        "association": {
            "name": format!("{} {} de {place} n° {n}", rng.pick(NAMES), rng.pick(TOPICS)),
            "legal_form": "association déclarée (loi du 1er juillet 1901)",
            "rna": format!("W55{:07}", rng.below(9_999_999)),
            "siret": siret(rng),
            "address": {"street": format!("{} rue de la République", 1 + rng.below(120)), "postcode": "55100", "city": place},
            "representative": representative(rng, n),
            "bank": {"iban": iban(rng), "bic": "AGRIFRPP"},
            "cer_signed_on": "2025-11-03",
            "other_public_subsidies": others
        },
        "convention": {
            "kind": "cpo",
            "reference": format!("GEN-2026-{n:04}"),
            "years": years,
            "regime": regime,
            "sieg": sieg,
            "funding": funding,
            "eligible_cost": eligible,
            "payment": {"advance_percent": 50},
            "decision": {"body": "Commission permanente", "date": "2026-01-23", "number": format!("CP-2026-01-{n:04}")},
            "signature": {"place": "Montvalon-sur-Meuse", "date": null},
            "clauses": {"add": add, "remove": []}
        },
        "project": {
            "title": format!("Projet associatif de {place}"),
            "summary": "L'association conduit un projet d'accompagnement des habitants, conçu à son initiative et dans le cadre de son objet statutaire.",
            "actions": [
                {"title": "Accueil et accompagnement", "description": "Permanences hebdomadaires et suivi individuel.", "public": "Habitants du territoire", "territory": place},
                {"title": "Ateliers collectifs", "description": "Ateliers mensuels ouverts à tous.", "public": "Tout public", "territory": place}
            ]
        },
        "dashboard": {"objectives": objectives}
    });
    // A de minimis aid states the association's declaration: none received.
    if regime == "de-minimis" {
        file["association"]["de_minimis_declared"] = json!([]);
    }
    file
}

/// The association's representative: « représentée par la présidente, Mme … ».
fn representative(rng: &mut Rng, n: usize) -> serde_json::Value {
    let (civility, role) = if rng.below(2) == 0 {
        ("Mme", "présidente")
    } else {
        ("M.", "président")
    };
    json!({"civility": civility, "name": format!("Camille Exemple {n}"), "role": role})
}

/// Signs the convention; with `amend`, changes it for the next cycle and adds
/// a draft avenant.
fn sign_and_amend(v: &mut Value, amend: bool) {
    let c = &mut v["convention"];
    c["signature"]["date"] = json!("2026-02-10");
    if !amend {
        return;
    }
    let last_year = c["years"].as_array().and_then(|y| y.last()).cloned();
    let year = last_year.map(|y| y.to_string()).unwrap_or_default();
    // A SIEG compensation is capped by the service's net cost: its target moves instead.
    let sieg = !c["sieg"].is_null();
    if !sieg
        && let Some(f) = c.get_mut("funding").and_then(|f| f.get_mut(&year))
        && let Some(x) = f.as_f64()
    {
        *f = json!(x + 1000.0);
    } else if let Some(t) = v["dashboard"]["objectives"][0]["indicators"][0]["targets"]
        .get_mut(&year)
        .filter(|t| t.is_number())
    {
        *t = json!(t.as_f64().unwrap_or(0.0) + 10.0);
    }
    v["convention"]["amendments"] = json!([{
        "decision": {"body": "Commission permanente", "date": "2027-03-12", "number": "CP-2027-03-12"},
        "signature": {"place": "Montvalon-sur-Meuse", "date": null},
        "summary": "Le cycle de financement 2027 ajuste la convention."
    }]);
}

fn main() {
    let all: Vec<String> = std::env::args().collect();
    let signed = all.iter().any(|a| a == "--signed");
    let amend = all.iter().any(|a| a == "--amend");
    let warnings = all.iter().any(|a| a == "--warnings");
    let args: Vec<String> = all.into_iter().filter(|a| !a.starts_with("--")).collect();
    if args.len() < 3 {
        eprintln!("usage: gen_programme DIR N [SEED] [--signed [--amend]] [--warnings]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let n: usize = args[2].parse().expect("N is a number");
    let seed: u64 = args
        .get(3)
        .map(|s| s.parse().expect("SEED is a number"))
        .unwrap_or(1);
    generate_with(dir, n, seed, signed, amend, warnings);
}

/// Writes DIR/charta.toml and N association files (also used by `scale_bench`).
#[allow(dead_code)] // used by scale_bench, which includes this file
pub fn generate(dir: &Path, n: usize, seed: u64) {
    generate_with(dir, n, seed, false, false, false);
}

/// The same, the conventions signed (`signed`) and each given a draft avenant
/// that changes one amount or target (`amend`).
#[allow(dead_code)] // used by other examples and tests that include this file
pub fn generate_signed(dir: &Path, n: usize, seed: u64, signed: bool, amend: bool) {
    generate_with(dir, n, seed, signed, amend, false);
}

/// Every option of the generator: signed, amended, the indicators' optional
/// fields empty (`warnings`).
#[allow(dead_code)] // used by scale_bench, which includes this file
pub fn generate_with(dir: &Path, n: usize, seed: u64, signed: bool, amend: bool, warnings: bool) {
    let assoc = dir.join("associations");
    std::fs::create_dir_all(&assoc).expect("create DIR/associations");
    let toml = include_str!("economie-solidaire/charta.toml");
    // The example's délibérations name its own décisions, not the generated ones.
    let toml = toml.split("\n# Les délibérations").next().unwrap_or(toml);
    std::fs::write(dir.join("charta.toml"), toml).expect("write charta.toml");
    let mut rng = Rng(seed);
    for i in 0..n {
        let mut v = association(&mut rng, i + 1, warnings);
        if signed || amend {
            sign_and_amend(&mut v, amend);
        }
        let text = serde_json::to_string_pretty(&v).expect("serialises") + "\n";
        std::fs::write(assoc.join(format!("gen-{:05}.json", i + 1)), text)
            .expect("write association");
    }
    eprintln!("wrote {n} associations to {}", assoc.display());
}
