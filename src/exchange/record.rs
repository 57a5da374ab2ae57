//! `charta import RECORD.json`: the record API Entreprise returns for an
//! association (`GET /v4/djepva/api-association/associations/{siren_or_rna}`,
//! saved to a file: no network here) into `associations/<id>.json`.
//!
//! What is taken, and how:
//! - identity: `nom`, `sigle` (dropped when it repeats the name), `rna`,
//!   `siret_siege`; the legal form from `regime` and `forme_juridique.code`
//!   (9260 or « Alsace-Moselle »: « association inscrite de droit local », with
//!   its register from `alsace_moselle`: tribunal, volume, folio);
//! - address: `adresse_siege` (complement, number, type of way spelt out, way,
//!   distribution; postcode; commune);
//! - representative: from `representants_legaux` of one établissement — the
//!   siège's (`siege`, or the SIRET of `siret_siege`) if the record lists it,
//!   else the first that has a président — the first whose `fonction` starts
//!   with « présid » (« Président », « Présidente »; not « Vice-président »);
//! - CER exemption: `reconnue_utilite_publique` (RUP), else an `agrements`
//!   entry granted by the State (its `attributeur` names a préfet, a ministry
//!   or a State service): loi n° 2000-321, art. 10-1 and 25-1;
//! - past accounts and staff: `comptes` and `rhs` of that same établissement,
//!   kept as information in `association.accounts`.
//!
//! Every value taken keeps its source and the date the record was obtained
//! (`association.sources`); a value the record confirms keeps its first date.
//! What the record does not give (IBAN, the convention, a missing
//! representative) is left as it is. A file created holds the association
//! alone (« en préparation »). A signed convention's file is never changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::workbook::{Change, changed_paths};
use crate::diagnostic::{Code, Diagnostic, Text};
use crate::load::Programme;
use crate::locate::{JsonPath, line_col_of};
use crate::model::{
    Address, Amount, Association, AssociationFile, CerBasis, CerDeemed, LocalRegister, PastYear,
    Person, PreparingFile, ValueSource,
};
use crate::tr;

/// The source every imported value names.
pub const SOURCE: &str = "API Entreprise (DJEPVA)";

/// What the import of one record does.
#[derive(Debug, Clone)]
pub struct RecordPlan {
    pub id: String,
    pub path: PathBuf,
    pub change: Change,
    /// The new text of the file (written when created or modified).
    pub text: String,
    /// Warnings: what the record does not give, or says that needs a look.
    pub notes: Vec<Diagnostic>,
}

/// Whether `file` is a record (a `.json` file) rather than a workbook.
pub fn is_record(file: &Path) -> bool {
    file.is_file()
        && file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads a record and plans its import into the programme: every error at
/// once (located by the record's JSON path), nothing written.
pub fn plan(
    file: &Path,
    prog: &Programme,
    date: Option<&str>,
) -> Result<RecordPlan, Vec<Diagnostic>> {
    let date = check_date(date)?;
    let text = std::fs::read(file)
        .map_err(|e| crate::encoding::read_error(file, &e))
        .and_then(|b| crate::encoding::decode(b, file))
        .map_err(|d| vec![d])?;
    let root: Value = serde_json::from_str(&text).map_err(|e| {
        let full = e.to_string();
        let msg = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(m, _)| m);
        let d = not_a_record(file, crate::messages::parser_message(msg));
        vec![if e.line() > 0 {
            d.at(e.line(), e.column())
        } else {
            d
        }]
    })?;
    let mut r = Reader {
        text: &text,
        file,
        errors: Vec::new(),
        notes: Vec::new(),
    };
    let found = read_record(&mut r, &root);
    let Some(found) = found.filter(|_| r.errors.is_empty()) else {
        return Err(r.errors);
    };
    let mut notes = r.notes;
    let (id, path) = target(prog, &found);
    let old = read_existing(&id, &path)?;
    let (new_text, change) = apply(&old, &found, &date, &mut notes, &id, &path);
    Ok(RecordPlan {
        id,
        path,
        change,
        text: new_text,
        notes,
    })
}

fn check_date(date: Option<&str>) -> Result<String, Vec<Diagnostic>> {
    match date {
        Some(d) if crate::french::parse_date(d.trim()).is_some() => Ok(d.trim().to_string()),
        other => Err(vec![
            Diagnostic::error(
                Code::ECH_042,
                match other {
                    Some(d) => tr!(
                        "«\u{a0}{}\u{a0}» n'est pas une date AAAA-MM-JJ\u{a0}: l'import d'une fiche demande le jour où elle a été obtenue",
                        "« {} » is not a YYYY-MM-DD date: importing a record needs the day it was obtained",
                        d
                    ),
                    None => Text::new(
                        "l'import d'une fiche demande la date à laquelle elle a été obtenue (`--date AAAA-MM-JJ`)",
                        "importing a record needs the date it was obtained (`--date YYYY-MM-DD`)",
                    ),
                },
            )
            .with_hint(Text::new(
                "ajoutez `--date` avec le jour où la fiche a été obtenue\u{a0}: c'est la date de chaque valeur importée",
                "add `--date` with the day the record was obtained: it is the date of every imported value",
            )),
        ]),
    }
}

fn not_a_record(file: &Path, why: Text) -> Diagnostic {
    Diagnostic::error(
        Code::ECH_040,
        Text::new(
            format!(
                "{} n'est pas une fiche d'association de l'API Entreprise\u{a0}: {}",
                file.display(),
                why.fr
            ),
            format!(
                "{} is not an API Entreprise association record: {}",
                file.display(),
                why.en
            ),
        ),
    )
    .in_file(file)
    .with_hint(Text::new(
        "donnez le corps JSON de la réponse de `GET /v4/djepva/api-association/associations/{siren_or_rna}`, tel qu'enregistré",
        "give the JSON body of the response of `GET /v4/djepva/api-association/associations/{siren_or_rna}`, as saved",
    ))
}

/// What a record gives.
#[derive(Debug, Clone, Default)]
struct Found {
    name: String,
    acronym: Option<String>,
    legal_form: String,
    rna: Option<String>,
    siren: Option<String>,
    siret: Option<String>,
    address: Option<Address>,
    representative: Option<Person>,
    register: Option<LocalRegister>,
    cer_deemed: Option<CerDeemed>,
    accounts: BTreeMap<String, PastYear>,
}

/// Reads values of the record, each error located by its JSON path.
struct Reader<'a> {
    text: &'a str,
    file: &'a Path,
    errors: Vec<Diagnostic>,
    notes: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// The line and column of `path`, or of the nearest parent written.
    fn locate(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = JsonPath::parse(path)?;
        loop {
            if let Some(lc) = line_col_of(self.text, &p) {
                return Some(lc);
            }
            p = p.parent()?;
        }
    }

    fn fail(&mut self, path: &str, what: Text) {
        let mut d = Diagnostic::error(Code::ECH_041, what)
            .in_file(self.file)
            .at_path(path)
            .with_hint(Text::new(
                "la fiche est incomplète\u{a0}: obtenez-la de nouveau, ou complétez le fichier d'association à la main",
                "the record is incomplete: obtain it again, or fill in the association file by hand",
            ));
        if let Some((l, c)) = self.locate(path) {
            d = d.at(l, c);
        }
        self.errors.push(d);
    }

    fn note(&mut self, what: Text) {
        self.notes
            .push(Diagnostic::warning(Code::ECH_044, what).in_file(self.file));
    }

    /// A text: `None` when absent, null or blank; an error when not a text.
    fn text(&mut self, v: &Value, key: &str, at: &str) -> Option<String> {
        let path = format!("{at}.{key}");
        match v.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(other) => {
                self.fail(
                    &path,
                    tr!(
                        "{} doit être un texte, pas {}",
                        "{} must be a text, not {}",
                        path,
                        other
                    ),
                );
                None
            }
        }
    }

    /// A text the import needs: an error when absent.
    fn needed(&mut self, v: &Value, key: &str, at: &str) -> Option<String> {
        let found = self.text(v, key, at);
        if found.is_none() && v.get(key).is_none_or(|x| x.is_null() || x.is_string()) {
            let path = format!("{at}.{key}");
            self.fail(
                &path,
                tr!(
                    "{} manque à la fiche\u{a0}: l'import en a besoin",
                    "{} is missing from the record: the import needs it",
                    path
                ),
            );
        }
        found
    }

    /// An object the import needs: an error when absent or not an object.
    fn object<'v>(&mut self, v: &'v Value, key: &str, at: &str) -> Option<&'v Value> {
        let path = format!("{at}.{key}");
        match v.get(key) {
            Some(o @ Value::Object(_)) => Some(o),
            _ => {
                let what = tr!(
                    "{} manque à la fiche ou n'est pas un objet",
                    "{} is missing from the record or is not an object",
                    path
                );
                self.fail(&path, what);
                None
            }
        }
    }

    /// A non-negative amount in euros (at most two decimals): `None` when absent or null.
    fn amount(&mut self, v: &Value, key: &str, at: &str) -> Option<Amount> {
        let path = format!("{at}.{key}");
        match v.get(key) {
            None | Some(Value::Null) => None,
            Some(x) => match serde_json::from_value::<Amount>(x.clone()) {
                Ok(a) => Some(a),
                Err(e) => {
                    self.fail(&path, tr!("{}\u{a0}: {}", "{}: {}", path, e));
                    None
                }
            },
        }
    }
}

/// The whole record read: `None` when it is not one at all.
fn read_record(r: &mut Reader, root: &Value) -> Option<Found> {
    let Some(data) = root.get("data").filter(|d| d.is_object()) else {
        let d = not_a_record(
            r.file,
            Text::new("l'objet `data` manque", "the `data` object is missing"),
        );
        r.errors.push(d.at_path("data"));
        return None;
    };
    let mut f = Found {
        name: r.needed(data, "nom", "data").unwrap_or_default(),
        ..Found::default()
    };
    f.acronym = r
        .text(data, "sigle", "data")
        .filter(|s| !s.eq_ignore_ascii_case(&f.name));
    identity(r, data, &mut f);
    f.address = address(r, data);
    if let Some(true) = data
        .get("reconnue_utilite_publique")
        .and_then(Value::as_bool)
    {
        let published = r.text(data, "date_publication_reconnue_utilite_publique", "data");
        f.cer_deemed = Some(CerDeemed {
            basis: CerBasis::Rup,
            reference: match published.as_deref().and_then(crate::french::date_fr) {
                Some(d) => {
                    format!("reconnaissance d'utilité publique publiée au Journal officiel le {d}")
                }
                None => "reconnaissance d'utilité publique".to_string(),
            },
        });
    } else {
        f.cer_deemed = state_agrement(r, data);
    }
    if data.get("active").and_then(Value::as_bool) == Some(false)
        || r.text(data, "date_dissolution", "data").is_some()
    {
        r.note(tr!(
            "{}\u{a0}: la fiche dit l'association inactive ou dissoute",
            "{}: the record says the association is inactive or dissolved",
            f.name
        ));
    }
    establishment(r, data, &mut f);
    Some(f)
}

/// SIREN, RNA, SIRET, legal form and, in Alsace-Moselle, the register.
fn identity(r: &mut Reader, data: &Value, f: &mut Found) {
    f.siren = r.text(data, "siren", "data");
    if let Some(s) = f
        .siren
        .clone()
        .filter(|s| crate::ids::check_siren(s).is_err())
    {
        r.fail(
            "data.siren",
            tr!(
                "«\u{a0}{}\u{a0}» n'est pas un SIREN",
                "« {} » is not a SIREN",
                s
            ),
        );
    }
    f.rna = r.text(data, "rna", "data");
    if let Some(s) = f.rna.clone().filter(|s| !crate::ids::rna_ok(s)) {
        r.fail(
            "data.rna",
            tr!(
                "«\u{a0}{}\u{a0}» n'est pas un numéro RNA",
                "« {} » is not an RNA number",
                s
            ),
        );
    }
    if f.siren.is_none() && f.rna.is_none() && data.get("siren").is_none_or(Value::is_null) {
        r.fail("data.siren", Text::new(
            "la fiche ne donne ni SIREN ni numéro RNA\u{a0}: rien n'identifie l'association",
            "the record gives neither a SIREN nor an RNA number: nothing identifies the association",
        ));
    }
    f.siret = r.text(data, "siret_siege", "data");
    if let Some(s) = f
        .siret
        .clone()
        .filter(|s| crate::ids::check_siret(s).is_err())
    {
        r.fail(
            "data.siret_siege",
            tr!(
                "«\u{a0}{}\u{a0}» n'est pas un SIRET",
                "« {} » is not a SIRET",
                s
            ),
        );
    }
    let code = data
        .get("forme_juridique")
        .map(|fj| r.text(fj, "code", "data.forme_juridique"))
        .unwrap_or_default();
    let regime = r.text(data, "regime", "data");
    let local = code.as_deref() == Some("9260") || regime.as_deref() == Some("Alsace-Moselle");
    if let Some(c) = code
        .as_deref()
        .filter(|c| !c.starts_with("92") || *c == "9210")
    {
        r.fail("data.forme_juridique.code", tr!(
            "forme juridique {}\u{a0}: pas une association déclarée ou inscrite, qui seule peut signer la convention",
            "legal form {}: not a declared or registered association, the only kind that can sign the convention",
            c
        ));
    }
    f.legal_form = if local {
        "association inscrite de droit local".to_string()
    } else {
        "association déclarée (loi du 1er juillet 1901)".to_string()
    };
    if local {
        let am = r.object(data, "alsace_moselle", "data");
        if let Some(am) = am {
            let at = "data.alsace_moselle";
            let court = r.needed(am, "tribunal_instance", at);
            if court.as_deref().is_some_and(abolished_court) {
                r.note(tr!(
                    "la fiche nomme le registre du «\u{a0}{}\u{a0}»\u{a0}: depuis le 1er janvier 2020, le registre des associations est tenu par le tribunal judiciaire (loi n° 2019-222 du 23 mars 2019)\u{a0}; vérifiez le tribunal (association.register.court)",
                    "the record names the register of the « {} »: since 1 January 2020 the register of associations is kept by the tribunal judiciaire (loi n° 2019-222 of 23 March 2019); check the court (association.register.court)",
                    court.as_deref().unwrap_or_default()
                ));
            }
            f.register = court.map(|c| LocalRegister {
                court: crate::french::lower_initial(&c),
                volume: r.text(am, "volume", at),
                folio: r.text(am, "folio", at),
                number: None,
            });
        }
    }
}

/// A court the record may still name that no longer keeps the register:
/// tribunaux d'instance and de grande instance became tribunaux judiciaires
/// on 1 January 2020.
fn abolished_court(court: &str) -> bool {
    let c = court.to_lowercase();
    c.contains("tribunal d'instance")
        || c.contains("tribunal d’instance")
        || c.contains("tribunal de grande instance")
}

/// The way types of the record (Sirene's codes), spelt out.
const WAYS: &[(&str, &str)] = &[
    ("ALL", "allée"),
    ("AV", "avenue"),
    ("BD", "boulevard"),
    ("CAR", "carrefour"),
    ("CHE", "chemin"),
    ("CHS", "chaussée"),
    ("CITE", "cité"),
    ("COR", "corniche"),
    ("CRS", "cours"),
    ("DOM", "domaine"),
    ("DSC", "descente"),
    ("ECA", "écart"),
    ("ESP", "esplanade"),
    ("FG", "faubourg"),
    ("GR", "grande rue"),
    ("HAM", "hameau"),
    ("HLE", "halle"),
    ("IMP", "impasse"),
    ("LD", "lieu-dit"),
    ("LOT", "lotissement"),
    ("MAR", "marché"),
    ("MTE", "montée"),
    ("PAS", "passage"),
    ("PL", "place"),
    ("PLN", "plaine"),
    ("PLT", "plateau"),
    ("PRO", "promenade"),
    ("PRV", "parvis"),
    ("QUA", "quartier"),
    ("QUAI", "quai"),
    ("RES", "résidence"),
    ("RLE", "ruelle"),
    ("ROC", "rocade"),
    ("RPT", "rond-point"),
    ("RTE", "route"),
    ("RUE", "rue"),
    ("SEN", "sentier"),
    ("SQ", "square"),
    ("TPL", "terre-plein"),
    ("TRA", "traverse"),
    ("VLA", "villa"),
    ("VLGE", "village"),
];

/// The siège's address: `adresse_siege`.
fn address(r: &mut Reader, data: &Value) -> Option<Address> {
    let at = "data.adresse_siege";
    let a = r.object(data, "adresse_siege", "data")?;
    let way = r.needed(a, "libelle_voie", at);
    let postcode = r.needed(a, "code_postal", at);
    if let Some(p) = postcode
        .clone()
        .filter(|p| p.len() != 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        r.fail(
            "data.adresse_siege.code_postal",
            tr!(
                "«\u{a0}{}\u{a0}» n'est pas un code postal (cinq chiffres)",
                "« {} » is not a postcode (five digits)",
                p
            ),
        );
    }
    let city = r.needed(a, "commune", at);
    let kind = r.text(a, "type_voie", at).map(|t| {
        WAYS.iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(&t))
            .map_or(t, |(_, word)| (*word).to_string())
    });
    let line: Vec<String> = [r.text(a, "numero_voie", at), kind, way.clone()]
        .into_iter()
        .flatten()
        .collect();
    let street: Vec<String> = [
        r.text(a, "complement", at),
        Some(line.join(" ")),
        r.text(a, "distribution", at),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(Address {
        street: street.join(", "),
        postcode: postcode?,
        city: city?,
    })
}

/// Words that name the State in an agrément's `attributeur`.
const STATE: &[&str] = &[
    "préfe", "prefe", "minist", "état", "etat", "ddcs", "ddets", "dreets", "drajes", "sdjes",
    "djepva",
];

/// The first agrément granted by the State, as the CER exemption (loi n° 2000-321, art. 25-1).
fn state_agrement(r: &mut Reader, data: &Value) -> Option<CerDeemed> {
    let list = data.get("agrements")?.as_array()?;
    for (i, a) in list.iter().enumerate() {
        let at = format!("data.agrements[{i}]");
        let by = r.text(a, "attributeur", &at).unwrap_or_default();
        let lower = by.to_lowercase();
        if !STATE.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let mut reference = "agrément".to_string();
        if let Some(t) = r.text(a, "type", &at).filter(|t| t != "Autres") {
            reference.push_str(&format!(" «\u{a0}{t}\u{a0}»"));
        }
        if let Some(n) = r.text(a, "numero", &at) {
            reference.push_str(&format!(" n°\u{a0}{n}"));
        }
        if let Some(d) = r
            .text(a, "date_attribution", &at)
            .as_deref()
            .and_then(crate::french::date_fr)
        {
            reference.push_str(&format!(" du {d}"));
        }
        reference.push_str(&format!(" ({by})"));
        return Some(CerDeemed {
            basis: CerBasis::Agrement,
            reference,
        });
    }
    None
}

/// Whether a `fonction` is the président's.
fn is_president(fonction: &str) -> bool {
    fonction.trim().to_lowercase().starts_with("présid")
        || fonction.trim().to_lowercase().starts_with("presid")
}

/// The établissement the representative and the accounts come from, and its index.
fn chosen_establishment<'v>(
    data: &'v Value,
    siret_siege: Option<&str>,
) -> Option<(usize, &'v Value)> {
    let list = data.get("etablissements")?.as_array()?;
    let is_siege = |e: &Value| {
        e.get("siege").and_then(Value::as_bool) == Some(true)
            || (siret_siege.is_some() && e.get("siret").and_then(Value::as_str) == siret_siege)
    };
    let has_president = |e: &Value| {
        e.get("representants_legaux")
            .and_then(Value::as_array)
            .is_some_and(|l| {
                l.iter().any(|p| {
                    p.get("fonction")
                        .and_then(Value::as_str)
                        .is_some_and(is_president)
                })
            })
    };
    list.iter()
        .enumerate()
        .find(|(_, e)| is_siege(e))
        .or_else(|| list.iter().enumerate().find(|(_, e)| has_president(e)))
}

/// Representative and past accounts, from the chosen établissement.
fn establishment(r: &mut Reader, data: &Value, f: &mut Found) {
    let Some((i, e)) = chosen_establishment(data, f.siret.as_deref()) else {
        r.note(tr!(
            "{}\u{a0}: la fiche ne donne pas de président parmi les représentants légaux\u{a0}; le représentant est à renseigner à la main",
            "{}: the record gives no président among the legal representatives; the representative is to be filled in by hand",
            f.name
        ));
        return;
    };
    let at = format!("data.etablissements[{i}]");
    let siret = r.text(e, "siret", &at).unwrap_or_default();
    if f.siret.as_deref() != Some(siret.as_str())
        && e.get("siege").and_then(Value::as_bool) != Some(true)
    {
        r.note(tr!(
            "{}\u{a0}: le siège n'est pas parmi les établissements de la fiche\u{a0}; représentant et comptes pris de l'établissement {} ({})",
            "{}: the siège is not among the record's établissements; representative and accounts taken from établissement {} ({})",
            f.name,
            siret,
            at
        ));
    }
    f.representative = president(r, e, &at);
    if f.representative.is_none() {
        r.note(tr!(
            "{}\u{a0}: la fiche ne donne pas de président parmi les représentants légaux du siège\u{a0}; le représentant est à renseigner à la main",
            "{}: the record gives no président among the siège's legal representatives; the representative is to be filled in by hand",
            f.name
        ));
    }
    accounts(r, e, &at, &mut f.accounts);
    staff(r, e, &at, &mut f.accounts);
}

fn president(r: &mut Reader, e: &Value, at: &str) -> Option<Person> {
    let list = e.get("representants_legaux")?.as_array()?;
    let (j, p) = list.iter().enumerate().find(|(_, p)| {
        p.get("fonction")
            .and_then(Value::as_str)
            .is_some_and(is_president)
    })?;
    let at = format!("{at}.representants_legaux[{j}]");
    let civility = match r.text(p, "civilite", &at).as_deref() {
        Some("Madame") => "Mme",
        Some("Monsieur") => "M.",
        _ => "",
    };
    let name: Vec<String> = [r.needed(p, "prenom", &at), r.needed(p, "nom", &at)]
        .into_iter()
        .flatten()
        .collect();
    let role = r
        .text(p, "fonction", &at)
        .unwrap_or_default()
        .to_lowercase();
    Some(Person {
        civility: civility.to_string(),
        name: name.join(" "),
        role,
    })
}

/// The year of a `comptes` or `rhs` entry: four digits.
fn year(r: &mut Reader, v: &Value, at: &str) -> Option<String> {
    let y = r.needed(v, "annee", at)?;
    if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
        Some(y)
    } else {
        r.fail(
            &format!("{at}.annee"),
            tr!(
                "«\u{a0}{}\u{a0}» n'est pas une année",
                "« {} » is not a year",
                y
            ),
        );
        None
    }
}

fn accounts(r: &mut Reader, e: &Value, at: &str, out: &mut BTreeMap<String, PastYear>) {
    let Some(list) = e.get("comptes").and_then(Value::as_array) else {
        return;
    };
    for (k, c) in list.iter().enumerate() {
        let at = format!("{at}.comptes[{k}]");
        let Some(y) = year(r, c, &at) else { continue };
        let result = c.get("total_resultat").and_then(Value::as_f64);
        let year = out.entry(y).or_default();
        year.charges = r.amount(c, "total_charges", &at);
        year.products = r.amount(c, "total_produits", &at);
        year.result = result;
        year.subsidies = r.amount(c, "montant_subventions", &at);
        year.subsidies_three_years = r.amount(c, "montant_aides_sur_3ans", &at);
        year.donations = r.amount(c, "montant_dons", &at);
        year.auditor = c.get("commisaire_aux_comptes").and_then(Value::as_bool);
    }
}

fn staff(r: &mut Reader, e: &Value, at: &str, out: &mut BTreeMap<String, PastYear>) {
    let Some(list) = e.get("rhs").and_then(Value::as_array) else {
        return;
    };
    let count = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).map(|n| n as u32);
    for (k, h) in list.iter().enumerate() {
        let at = format!("{at}.rhs[{k}]");
        let Some(y) = year(r, h, &at) else { continue };
        let year = out.entry(y).or_default();
        year.volunteers = count(h, "nombre_benevoles");
        year.civic_volunteers = count(h, "nombre_volontaires");
        year.employees = count(h, "nombre_salaries");
        year.employees_fte = h.get("nombre_salaries_etpt").and_then(Value::as_f64);
        year.members = h.get("nombre_adherents").and_then(|m| count(m, "total"));
    }
}

/// The file the record goes to: the association file with this SIREN or RNA,
/// else `associations/<slug of the name>.json` (with the SIREN or RNA after
/// the name when that file is another association's).
fn target(prog: &Programme, f: &Found) -> (String, PathBuf) {
    let same = |a: &Association| {
        let siret = crate::ids::compact(&a.siret);
        f.siren.as_deref().is_some_and(|s| siret.starts_with(s))
            || (f.rna.is_some() && a.rna.as_deref() == f.rna.as_deref())
    };
    let known = prog
        .associations
        .iter()
        .filter_map(|e| e.data.as_ref().map(|d| (&e.id, &e.path, &d.association)))
        .chain(
            prog.preparing
                .iter()
                .map(|p| (&p.id, &p.path, &*p.association)),
        )
        .find(|(_, _, a)| same(a));
    if let Some((id, path, _)) = known {
        return (id.clone(), path.clone());
    }
    let dir = prog.root.join("associations");
    let mut id = slug(&f.name);
    if dir.join(format!("{id}.json")).exists() {
        let tail = f.siren.as_deref().or(f.rna.as_deref()).unwrap_or("fiche");
        id = format!("{id}-{}", tail.to_lowercase());
    }
    let path = dir.join(format!("{id}.json"));
    (id, path)
}

/// Lower-case letters without accents, digits and single dashes.
fn slug(name: &str) -> String {
    const FROM: &str = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿ";
    const TO: &str = "aaaaaaceeeeiiiinooooouuuuyy";
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = FROM
            .chars()
            .position(|x| x == c)
            .and_then(|i| TO.chars().nth(i))
            .unwrap_or(c);
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    let out = out.trim_end_matches('-');
    let mut cut: String = out.chars().take(60).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    if cut.is_empty() {
        "association".to_string()
    } else {
        cut
    }
}

/// The file as it is today.
enum Existing {
    None,
    Full(Box<AssociationFile>),
    Alone(Box<Association>),
}

fn read_existing(id: &str, path: &Path) -> Result<Existing, Vec<Diagnostic>> {
    if !path.exists() {
        return Ok(Existing::None);
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![crate::encoding::read_error(path, &e)])?;
    if let Ok(full) = serde_json::from_str::<AssociationFile>(&text) {
        return Ok(Existing::Full(Box::new(full)));
    }
    match serde_json::from_str::<PreparingFile>(&text) {
        Ok(p) => Ok(Existing::Alone(Box::new(p.association))),
        Err(err) => Err(vec![
            Diagnostic::error(Code::ECH_008, tr!(
                "{}\u{a0}: le fichier existant ne se lit pas ({})\u{202f}; l'import ne l'écrase pas",
                "{}: the existing file does not read ({}); the import does not overwrite it",
                id,
                err
            ))
            .in_file(path)
            .with_hint(tr!(
                "corrigez ou déplacez ce fichier (`charta check`), puis relancez l'import",
                "correct or move this file (`charta check`), then run the import again"
            )),
        ]),
    }
}

/// An association with nothing known yet.
fn blank() -> Association {
    let person = Person {
        civility: String::new(),
        name: String::new(),
        role: String::new(),
    };
    Association {
        name: String::new(),
        acronym: None,
        legal_form: String::new(),
        rna: None,
        siret: String::new(),
        address: Address {
            street: String::new(),
            postcode: String::new(),
            city: String::new(),
        },
        representative: person,
        bank: None,
        cer_signed_on: None,
        cer_deemed: None,
        register: None,
        other_public_subsidies: None,
        de_minimis_declared: None,
        accounts: None,
        sources: BTreeMap::new(),
        fiscal_year_end: None,
        elected_board_members: Vec::new(),
    }
}

/// Sets `field` of the association to what the record gives (when it gives
/// it), and its source: the new date when the value changes or had none.
fn take<T: serde::Serialize + Clone>(
    slot: &mut T,
    value: Option<T>,
    field: &str,
    sources: &mut BTreeMap<String, ValueSource>,
    date: &str,
) {
    let Some(value) = value else { return };
    let changed = serde_json::to_value(&*slot).ok() != serde_json::to_value(&value).ok();
    if changed || !sources.contains_key(field) {
        sources.insert(
            field.to_string(),
            ValueSource {
                source: SOURCE.to_string(),
                date: date.to_string(),
            },
        );
    }
    *slot = value;
}

/// The association with the record's values over `old`'s.
fn merge(old: Association, f: &Found, date: &str) -> Association {
    let mut a = old;
    let mut s = std::mem::take(&mut a.sources);
    take(&mut a.name, Some(f.name.clone()), "name", &mut s, date);
    take(
        &mut a.acronym,
        f.acronym.clone().map(Some),
        "acronym",
        &mut s,
        date,
    );
    take(
        &mut a.legal_form,
        Some(f.legal_form.clone()),
        "legal_form",
        &mut s,
        date,
    );
    take(&mut a.rna, f.rna.clone().map(Some), "rna", &mut s, date);
    take(&mut a.siret, f.siret.clone(), "siret", &mut s, date);
    take(&mut a.address, f.address.clone(), "address", &mut s, date);
    take(
        &mut a.representative,
        f.representative.clone(),
        "representative",
        &mut s,
        date,
    );
    take(
        &mut a.register,
        f.register.clone().map(Some),
        "register",
        &mut s,
        date,
    );
    take(
        &mut a.cer_deemed,
        f.cer_deemed.clone().map(Some),
        "cer_deemed",
        &mut s,
        date,
    );
    if !f.accounts.is_empty() {
        let mut years = a.accounts.clone().unwrap_or_default();
        years.extend(f.accounts.clone());
        take(&mut a.accounts, Some(Some(years)), "accounts", &mut s, date);
    }
    a.sources = s;
    a
}

/// The new text and the change, with notes for a new file on what is missing.
fn apply(
    old: &Existing,
    f: &Found,
    date: &str,
    notes: &mut Vec<Diagnostic>,
    id: &str,
    path: &Path,
) -> (String, Change) {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("serialises") + "\n";
    match old {
        Existing::None => {
            let a = merge(blank(), f, date);
            if a.siret.is_empty() {
                notes.push(Diagnostic::warning(Code::ECH_044, tr!(
                    "{}\u{a0}: la fiche ne donne pas de SIRET\u{a0}; la convention en demandera un (association.siret)",
                    "{}: the record gives no SIRET; the convention will need one (association.siret)",
                    id
                )).in_file(path));
            }
            let v = serde_json::to_value(PreparingFile {
                schema: None,
                association: a,
            })
            .expect("serialises");
            (pretty(&v), Change::Created)
        }
        Existing::Alone(a) => {
            let before = serde_json::to_value(PreparingFile {
                schema: None,
                association: (**a).clone(),
            })
            .expect("serialises");
            let after = serde_json::to_value(PreparingFile {
                schema: None,
                association: merge((**a).clone(), f, date),
            })
            .expect("serialises");
            let paths = changed_paths(&before, &after);
            let change = if paths.is_empty() {
                Change::Unchanged
            } else {
                Change::Modified(paths)
            };
            (pretty(&after), change)
        }
        Existing::Full(file) => {
            let before = serde_json::to_value(&**file).expect("serialises");
            let mut new = (**file).clone();
            new.association = merge(new.association, f, date);
            let after = serde_json::to_value(&new).expect("serialises");
            let paths = changed_paths(&before, &after);
            let signed = file
                .convention
                .signature
                .date
                .as_deref()
                .is_some_and(|d| !d.trim().is_empty());
            let change = match (paths.is_empty(), signed) {
                (true, _) => Change::Unchanged,
                (false, true) => Change::RefusedSigned(paths),
                (false, false) => Change::Modified(paths),
            };
            (pretty(&after), change)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_without_accents() {
        assert_eq!(
            slug("ASSOCIATION SPORTIVE SALINDROISE"),
            "association-sportive-salindroise"
        );
        assert_eq!(
            slug("Pôle : la sécurité routière!"),
            "pole-la-securite-routiere"
        );
        assert_eq!(slug("Œuvre --  d'été"), "oeuvre-d-ete");
        assert_eq!(slug("«»"), "association");
    }

    #[test]
    fn a_president_is_named_so_and_a_vice_president_is_not() {
        assert!(is_president("Président"));
        assert!(is_president("Présidente"));
        assert!(is_president("PRESIDENT"));
        assert!(!is_president("Vice-président"));
        assert!(!is_president("Secrétaire générale"));
    }
}
