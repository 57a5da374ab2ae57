//! Generates review files for a programme, for benchmarks and tests:
//! `cargo run --example gen_reviews -- DIR YEAR [SEED]` writes
//! DIR/reviews/YEAR/<id>.json for every association of DIR whose convention
//! covers YEAR: quantitative values around the target (some reached, some
//! partial, some missed, about one in twenty left out), qualitative statuses,
//! finances (about one in ten with an alert), a short narrative, the advance
//! paid; and its compte rendu financier (`<id>.crf.json`: charges 85 % to
//! 102 % of the eligible cost, one in ten received late). About one
//! association in fifty gets no review file (nor compte rendu). Deterministic: the same programme,
//! YEAR and SEED give the same files. Existing review files are replaced.

use std::path::Path;

use serde_json::{Map, Value, json};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen_reviews DIR YEAR [SEED]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let year: i32 = args[2].parse().expect("YEAR is a number");
    let seed: u64 = args.get(3).map(|s| s.parse().expect("SEED")).unwrap_or(7);
    let mut rng = Rng(seed ^ year as u64);
    let out = dir.join("reviews").join(year.to_string());
    std::fs::create_dir_all(&out).expect("create reviews folder");
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("associations"))
        .expect("DIR/associations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let y = year.to_string();
    let (mut written, mut skipped) = (0, 0);
    for p in paths {
        let data: Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("read"))
            .expect("association JSON");
        let years = data["convention"]["years"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !years.iter().any(|v| v.as_i64() == Some(year as i64)) {
            continue;
        }
        if rng.below(50) == 0 {
            skipped += 1;
            continue;
        }
        let mut ind = Map::new();
        for o in data["dashboard"]["objectives"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for i in o["indicators"].as_array().into_iter().flatten() {
                let id = i["id"].as_str().expect("indicator id").to_string();
                if rng.below(20) == 0 {
                    continue;
                }
                let entry = if i["type"] == "quantitative" {
                    let t = i["targets"][&y].as_f64().unwrap_or(0.0);
                    // 70 % to 115 % of the target, one decimal.
                    let v = (t * (70.0 + rng.below(46) as f64) / 100.0 * 10.0).round() / 10.0;
                    json!({ "value": v })
                } else {
                    let s = ["atteint", "atteint", "partiellement atteint", "non atteint"]
                        [rng.below(4) as usize];
                    json!({ "status": s })
                };
                ind.insert(id, entry);
            }
        }
        let funding = data["convention"]["funding"][&y].as_f64();
        let produits = (funding.unwrap_or(20_000.0) * (2 + rng.below(8)) as f64).round();
        let trouble = rng.below(10) == 0;
        let charges = if trouble {
            produits * 1.08
        } else {
            produits * (0.95 + rng.below(6) as f64 / 100.0)
        };
        let id = p.file_stem().expect("stem").to_string_lossy().into_owned();
        if let (Some(f), Some(cost)) = (funding, data["convention"]["eligible_cost"][&y].as_f64()) {
            let spent = (cost * (85 + rng.below(18)) as f64 / 100.0).round();
            let month = if rng.below(10) == 0 {
                7
            } else {
                3 + rng.below(3)
            };
            let crf = json!({
                "received_on": format!("{}-{month:02}-{:02}", year + 1, 1 + rng.below(28)),
                "charges": { "personnel": (spent * 0.7).round(), "achats": spent - (spent * 0.7).round() },
                "produits": { "subventions": { "region": f }, "ventes": (spent - f).max(0.0) },
                "fonds_dedies": null,
                "explications": {},
            });
            let text = serde_json::to_string_pretty(&crf).expect("serialises") + "\n";
            std::fs::write(out.join(format!("{id}.crf.json")), text).expect("write");
        }
        let advance = data["convention"]["payment"]["advance_percent"]
            .as_f64()
            .unwrap_or(0.0);
        let payments: Vec<Value> = funding
            .map(|f| (f * advance / 100.0).round())
            .filter(|a| *a > 0.0)
            .map(|a| json!({ "date": format!("{year}-03-15"), "amount": a, "kind": "avance" }))
            .into_iter()
            .collect();
        let review = json!({
            "date": format!("{}-03-{:02}", year + 1, 1 + rng.below(28)),
            "payments": payments,
            "indicators": ind,
            "finances": {
                "produits": produits,
                "charges": charges.round(),
                "resultat": (produits - charges).round(),
                "fonds_propres": if trouble { -((rng.below(20_000)) as f64) } else { (produits * 0.3).round() },
                "tresorerie_jours": if trouble { 10 + rng.below(30) } else { 60 + rng.below(90) },
                "subvention_versee": funding,
            },
            "narrative": "Bilan généré pour les mesures de performance : les valeurs sont fictives.",
        });
        let text = serde_json::to_string_pretty(&review).expect("serialises") + "\n";
        std::fs::write(out.join(format!("{id}.json")), text).expect("write");
        written += 1;
    }
    eprintln!(
        "{written} review file(s) written in {} ({skipped} association(s) left without one)",
        out.display()
    );
}
