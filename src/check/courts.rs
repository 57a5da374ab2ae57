//! Public data: the district (ressort) of each tribunal administratif, by
//! département, and the département of a postcode. Used to warn when an
//! association's seat lies outside the district of the court the convention
//! names (`charta check`), and to recognise the Alsace-Moselle départements.
//!
//! Source: code de justice administrative, article R. 221-3 (siège et ressort
//! des tribunaux administratifs), in force since the creation of the tribunal
//! administratif de Montreuil (décret n° 2009-1305 du 26 octobre 2009), with
//! the overseas tribunals of articles R. 221-3 and R. 221-4 (Guadeloupe,
//! Guyane, Martinique, La Réunion, Mayotte, Saint-Barthélemy, Saint-Martin,
//! Saint-Pierre-et-Miquelon, Nouvelle-Calédonie, Polynésie française,
//! Wallis-et-Futuna). To be confirmed against the text in force on Légifrance
//! before relying on it (see `clauses/README.md`, points to confirm): a court
//! this table does not know is never judged, only a known one is.

/// One tribunal administratif: the names a programme may write it by (its
/// seat, or for some overseas courts its territory) and its départements.
pub struct Court {
    /// The names after « tribunal administratif de » (« Strasbourg »), lower case
    /// and without accents for matching, the first one the seat.
    pub names: &'static [&'static str],
    /// Its départements (« 67 », « 2A », « 971 »).
    pub departements: &'static [&'static str],
}

/// Every tribunal administratif and its district (CJA, art. R. 221-3).
pub const COURTS: &[Court] = &[
    c(&["amiens"], &["02", "60", "80"]),
    c(&["bastia"], &["2A", "2B"]),
    c(&["besancon"], &["25", "39", "70", "90"]),
    c(&["bordeaux"], &["24", "33", "47"]),
    c(&["caen"], &["14", "50", "61"]),
    c(&["cergy-pontoise"], &["92", "95"]),
    c(&["chalons-en-champagne"], &["08", "10", "51", "52"]),
    c(&["clermont-ferrand"], &["03", "15", "43", "63"]),
    c(&["dijon"], &["21", "58", "71", "89"]),
    c(&["grenoble"], &["26", "38", "73", "74"]),
    c(&["lille"], &["59", "62"]),
    c(&["limoges"], &["19", "23", "36", "87"]),
    c(&["lyon"], &["01", "07", "42", "69"]),
    c(&["marseille"], &["04", "05", "13"]),
    c(&["melun"], &["77", "94"]),
    c(&["montpellier"], &["11", "34", "66"]),
    c(&["montreuil"], &["93"]),
    c(&["nancy"], &["54", "55", "88"]),
    c(&["nantes"], &["44", "49", "53", "72", "85"]),
    c(&["nice"], &["06"]),
    c(&["nimes"], &["30", "48", "84"]),
    c(&["orleans"], &["18", "28", "37", "41", "45"]),
    c(&["paris"], &["75"]),
    c(&["pau"], &["32", "40", "64", "65"]),
    c(&["poitiers"], &["16", "17", "79", "86"]),
    c(&["rennes"], &["22", "29", "35", "56"]),
    c(&["rouen"], &["27", "76"]),
    c(&["strasbourg"], &["57", "67", "68"]),
    c(&["toulon"], &["83"]),
    c(&["toulouse"], &["09", "12", "31", "46", "81", "82"]),
    c(&["versailles"], &["78", "91"]),
    // Outre-mer.
    c(&["basse-terre", "la guadeloupe", "guadeloupe"], &["971"]),
    c(&["fort-de-france", "la martinique", "martinique"], &["972"]),
    c(&["cayenne", "la guyane", "guyane"], &["973"]),
    c(
        &["saint-denis", "la reunion", "saint-denis de la reunion"],
        &["974"],
    ),
    c(&["saint-pierre-et-miquelon", "saint-pierre"], &["975"]),
    c(&["mayotte", "mamoudzou"], &["976"]),
    c(&["saint-barthelemy"], &["977"]),
    c(&["saint-martin"], &["978"]),
    c(&["mata-utu", "wallis-et-futuna"], &["986"]),
    c(
        &["la polynesie francaise", "polynesie francaise", "papeete"],
        &["987"],
    ),
    c(
        &["nouvelle-caledonie", "la nouvelle-caledonie", "noumea"],
        &["988"],
    ),
];

const fn c(names: &'static [&'static str], departements: &'static [&'static str]) -> Court {
    Court {
        names,
        departements,
    }
}

/// The département of a French postcode: its first two digits, three
/// overseas (« 97412 » → « 974 »), « 2A » or « 2B » in Corsica (200xx and
/// 201xx are Corse-du-Sud). `None` for what is not a five-digit postcode.
pub fn departement(postcode: &str) -> Option<String> {
    let p: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
    if p.len() != 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match &p[..2] {
        "97" | "98" => p[..3].to_string(),
        "20" => if p.as_bytes()[2] <= b'1' { "2A" } else { "2B" }.to_string(),
        d => d.to_string(),
    })
}

/// The Alsace-Moselle départements, where associations are of local law
/// (code civil local, art. 21 à 79-III): Moselle, Bas-Rhin, Haut-Rhin.
pub fn is_alsace_moselle(departement: &str) -> bool {
    matches!(departement, "57" | "67" | "68")
}

/// Lower case, accents and « œ » folded, apostrophes straightened, spaces single.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match ch {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            '\u{a0}' | '\u{202f}' => ' ',
            c => c,
        };
        if c == 'œ' {
            out.push_str("oe");
        } else if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// The tribunal administratif a court's name designates (« Tribunal
/// administratif de Strasbourg », « tribunal administratif de la Guadeloupe »),
/// if the table knows it.
pub fn court_named(name: &str) -> Option<&'static Court> {
    let f = fold(name);
    let rest = f.strip_prefix("tribunal administratif")?.trim_start();
    let place = ["de la ", "de l'", "du ", "de ", "d'"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest)
        .trim();
    COURTS.iter().find(|c| {
        c.names
            .iter()
            .any(|n| *n == place || n.strip_prefix("la ") == Some(place))
    })
}

/// The tribunal administratif whose district includes `departement`.
pub fn court_of(departement: &str) -> Option<&'static Court> {
    COURTS
        .iter()
        .find(|c| c.departements.contains(&departement))
}

/// « Strasbourg », « Cergy-Pontoise », « Basse-Terre »: the seat, capitalised
/// as written in the table's first name (each word's first letter).
pub fn seat(court: &Court) -> String {
    const ACCENTED: &[(&str, &str)] = &[
        ("besancon", "Besançon"),
        ("chalons-en-champagne", "Châlons-en-Champagne"),
        ("nimes", "Nîmes"),
        ("orleans", "Orléans"),
        ("saint-barthelemy", "Saint-Barthélemy"),
    ];
    let first = court.names[0];
    if let Some((_, a)) = ACCENTED.iter().find(|(k, _)| *k == first) {
        return (*a).to_string();
    }
    first
        .split('-')
        .map(|w| match w {
            "en" | "de" | "et" | "sur" => w.to_string(),
            _ => crate::french::capitalise(w),
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_one_court() {
        let mut all: Vec<&str> = COURTS
            .iter()
            .flat_map(|c| c.departements.to_vec())
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a département in two districts");
        // 94 metropolitan départements + Corsica's two, and the overseas ones.
        let metropolitan = all.iter().filter(|d| d.len() == 2).count();
        assert_eq!(metropolitan, 96);
        for d in (1..=95).filter(|d| *d != 20).map(|d| format!("{d:02}")) {
            assert!(court_of(&d).is_some(), "{d}");
        }
    }

    #[test]
    fn postcodes_and_names() {
        assert_eq!(departement("57480").as_deref(), Some("57"));
        assert_eq!(departement("20000").as_deref(), Some("2A"));
        assert_eq!(departement("20200").as_deref(), Some("2B"));
        assert_eq!(departement("97412").as_deref(), Some("974"));
        assert_eq!(departement("5548"), None);
        let s = court_named("Tribunal administratif de Strasbourg").unwrap();
        assert!(s.departements.contains(&"67"));
        assert_eq!(seat(s), "Strasbourg");
        assert!(court_named("tribunal administratif de la Guadeloupe").is_some());
        assert!(court_named("Tribunal administratif de Châlons-en-Champagne").is_some());
        assert_eq!(seat(court_of("51").unwrap()), "Châlons-en-Champagne");
        assert_eq!(seat(court_of("95").unwrap()), "Cergy-Pontoise");
        assert!(court_named("Tribunal administratif de Montvalon-sur-Meuse").is_none());
        assert!(court_named("Cour administrative d'appel de Nancy").is_none());
    }
}
