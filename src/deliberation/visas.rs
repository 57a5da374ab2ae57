//! The visas of the délibération, grouped by text: the conventions' visas and
//! the délibération's own cite the CGCT (or a law) article by article; the
//! délibération cites each code or law once, « notamment ses articles … » in
//! numeric order, where it is first cited. A visa citing one text only, or
//! that cannot be read as « article(s) of a text », is kept as written.

use std::collections::BTreeMap;

use super::text::Writer;
use crate::anchor::{self, PartKind};

/// The block `part` of the visa clauses `ids`, their visas grouped by text.
pub fn block(w: &mut Writer<'_>, part: &str, ids: &[&str]) {
    let mut clauses: Vec<(String, String, Vec<String>)> = Vec::new();
    for id in ids {
        match w.engine.render_clause(id, &w.ctx) {
            Ok(text) => {
                let version = (w.engine.clause(id))
                    .map_or_else(|| "0".to_string(), |c| c.meta.version.clone());
                let lines = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                clauses.push(((*id).to_string(), version, lines));
            }
            Err(d) => w.diags.push(d),
        }
    }
    let lines: Vec<Vec<String>> = clauses.iter().map(|c| c.2.clone()).collect();
    let grouped = group(&lines);
    w.md.push_str(&anchor::part(part, PartKind::Block, None));
    for ((id, version, _), lines) in clauses.iter().zip(grouped) {
        if lines.is_empty() {
            continue;
        }
        w.md.push_str(&anchor::clause(id, version));
        w.md.push_str(&lines.join("\n\n"));
        w.md.push_str("\n\n");
    }
}

/// One visa read as articles of a text.
#[derive(Debug, PartialEq)]
struct Cited {
    /// « le code général des collectivités territoriales », « la loi n° 2014-856 du … ».
    title: String,
    articles: Vec<String>,
    /// What the visa cites besides (« la délibération n° … »), as its own visa.
    rest: Option<String>,
}

/// The visas of each clause, those of a text cited by two visas or more
/// merged into the first, the others as written.
fn group(clauses: &[Vec<String>]) -> Vec<Vec<String>> {
    let read: Vec<Vec<Option<Cited>>> = clauses
        .iter()
        .map(|ls| ls.iter().map(|l| parse(l)).collect())
        .collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in read.iter().flatten().flatten() {
        *count.entry(key(&c.title)).or_default() += 1;
    }
    // Per text cited twice or more: its longest title and its articles.
    let mut merged: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for c in read.iter().flatten().flatten() {
        let k = key(&c.title);
        if count[&k] < 2 {
            continue;
        }
        let e = merged.entry(k).or_default();
        if c.title.len() > e.0.len() {
            e.0.clone_from(&c.title);
        }
        for a in &c.articles {
            if !e.1.contains(a) {
                e.1.push(a.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (lines, cited) in clauses.iter().zip(&read) {
        let mut kept = Vec::new();
        for (line, c) in lines.iter().zip(cited) {
            let Some(c) = c.as_ref().filter(|c| count[&key(&c.title)] >= 2) else {
                kept.push(line.clone());
                continue;
            };
            if let Some((title, mut articles)) = merged.remove(&key(&c.title)) {
                articles.sort_by_key(|a| order(a));
                kept.push(format!(
                    "Vu {title}, notamment {}\u{202f};",
                    list(&articles)
                ));
            }
            if let Some(rest) = &c.rest {
                kept.push(format!("Vu {rest}\u{202f};"));
            }
        }
        out.push(kept);
    }
    out
}

/// « son article L. 1611-4 », « ses articles 7 et 59 ».
fn list(articles: &[String]) -> String {
    match articles.split_last() {
        Some((last, [])) => format!("son article {last}"),
        Some((last, rest)) => format!("ses articles {} et {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What identifies a text: its title up to its date (« la loi n° 2014-856 »).
fn key(title: &str) -> String {
    title.split(" du ").next().unwrap_or(title).to_lowercase()
}

/// The numeric order of articles: « L. 4221-1 » < « L. 4221-5 » < « L. 4251-12 ».
fn order(article: &str) -> (String, Vec<u32>) {
    let prefix: String = article
        .chars()
        .take_while(|c| !c.is_ascii_digit())
        .filter(char::is_ascii_alphabetic)
        .collect();
    let numbers = article
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (prefix, numbers)
}

/// Reads « Vu l'article A du T[, relatif …][ et R] ; », « Vu les articles A et
/// B de la T ; » or « Vu T, notamment son article A[ relatif …] ; ».
fn parse(line: &str) -> Option<Cited> {
    let body = line.strip_prefix("Vu ")?.trim_end();
    let body = body.strip_suffix(';').unwrap_or(body).trim_end();
    if let Some((title, after)) = body.split_once(", notamment ") {
        let after = after
            .strip_prefix("son article ")
            .or_else(|| after.strip_prefix("ses articles "))?;
        let articles = articles(cut(after, &[" relati", ", relati"]))?;
        return Some(Cited {
            title: title.to_string(),
            articles,
            rest: None,
        });
    }
    let after = body
        .strip_prefix("l'article ")
        .or_else(|| body.strip_prefix("les articles "))?;
    let (list, title) = [
        (" du ", "le "),
        (" de la ", "la "),
        (" de l'", "l'"),
        (" des ", "les "),
    ]
    .iter()
    .filter_map(|(sep, det)| {
        let (a, t) = after.split_once(sep)?;
        Some((a.len(), a, format!("{det}{t}")))
    })
    .min_by_key(|(n, _, _)| *n)
    .map(|(_, a, t)| (a, t))?;
    let articles = articles(list)?;
    let (title, rest) = split_rest(&title);
    let title = cut(&title, &[", relati"]).to_string();
    if !(title.starts_with("le code ") || title.starts_with("la loi ")) {
        return None;
    }
    Some(Cited {
        title,
        articles,
        rest,
    })
}

/// `s` without what follows the first of `marks` (« , relatif … »).
fn cut<'s>(s: &'s str, marks: &[&str]) -> &'s str {
    marks
        .iter()
        .filter_map(|m| s.find(m))
        .min()
        .map_or(s, |i| &s[..i])
        .trim_end()
}

/// « code … territoriales et la délibération n° … » → the code, and the rest.
fn split_rest(title: &str) -> (String, Option<String>) {
    for det in [" et la ", " et le ", " et l'", " et les "] {
        if let Some(i) = title.find(det) {
            let rest = &title[i + " et ".len()..];
            return (title[..i].to_string(), Some(rest.to_string()));
        }
    }
    (title.to_string(), None)
}

/// « L. 1611-4 », « 9-1, 10 et 10-1 » → the articles; none if a part is not
/// an article number (a digit in it, at most a few words).
fn articles(s: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = s
        .split(", ")
        .flat_map(|p| p.split(" et "))
        .map(|p| p.trim().to_string())
        .collect();
    let ok = parts
        .iter()
        .all(|p| p.chars().any(|c| c.is_ascii_digit()) && p.split_whitespace().count() <= 2);
    (ok && !parts.is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn the_cgct_and_a_law_are_cited_once_their_articles_in_order() {
        // Written by hand from the example's visas (finding 14 of the reading).
        let clauses = vec![
            v(&["**LA COMMISSION PERMANENTE DU CONSEIL RÉGIONAL,**"]),
            v(&[
                "Vu le code général des collectivités territoriales, notamment son article L. 1611-4 relatif au contrôle des organismes qui reçoivent une subvention ;",
            ]),
            v(&[
                "Vu l'article L. 4221-1 du code général des collectivités territoriales, relatif aux attributions du conseil régional ;",
            ]),
            v(&[
                "Vu l'article L. 4251-12 du code général des collectivités territoriales, relatif au schéma régional ;",
                "Vu l'article 7 de la loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire, relatif à la stratégie régionale de l'économie sociale et solidaire ;",
            ]),
            v(&[
                "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment ses articles 9-1, 10 et 10-1 ;",
            ]),
            v(&[
                "Vu la loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire, notamment son article 59 ;",
            ]),
            v(&[
                "Vu l'article L. 4312-4 du code général des collectivités territoriales ;",
                "Vu l'article L. 4221-5 du code général des collectivités territoriales et la délibération n° CR-2021-07-02 du Conseil régional du 2 juillet 2021 portant délégation d'attributions à la Commission permanente ;",
            ]),
        ];
        let want = vec![
            v(&["**LA COMMISSION PERMANENTE DU CONSEIL RÉGIONAL,**"]),
            v(&[
                "Vu le code général des collectivités territoriales, notamment ses articles L. 1611-4, L. 4221-1, L. 4221-5, L. 4251-12 et L. 4312-4\u{202f};",
            ]),
            v(&[]),
            v(&[
                "Vu la loi n° 2014-856 du 31 juillet 2014 relative à l'économie sociale et solidaire, notamment ses articles 7 et 59\u{202f};",
            ]),
            v(&[
                "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment ses articles 9-1, 10 et 10-1 ;",
            ]),
            v(&[]),
            v(&[
                "Vu la délibération n° CR-2021-07-02 du Conseil régional du 2 juillet 2021 portant délégation d'attributions à la Commission permanente\u{202f};",
            ]),
        ];
        assert_eq!(group(&clauses), want);
    }

    #[test]
    fn a_text_cited_once_is_kept_as_written() {
        let clauses = vec![v(&[
            "Vu l'article L. 4221-1 du code général des collectivités territoriales, relatif aux attributions du conseil régional ;",
            "Vu la loi n° 2021-875 du 1er juillet 2021 visant à améliorer la trésorerie des associations ;",
        ])];
        assert_eq!(group(&clauses), clauses);
    }

    #[test]
    fn articles_sort_by_their_numbers() {
        let mut a = v(&["L. 4251-12", "L. 4221-5", "L. 1611-4", "L. 4221-1"]);
        a.sort_by_key(|x| order(x));
        assert_eq!(a, v(&["L. 1611-4", "L. 4221-1", "L. 4221-5", "L. 4251-12"]));
        let mut b = v(&["10-1", "59", "7", "9-1", "10"]);
        b.sort_by_key(|x| order(x));
        assert_eq!(b, v(&["7", "9-1", "10", "10-1", "59"]));
    }
}
