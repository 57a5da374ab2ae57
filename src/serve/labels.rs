//! The form's French words: a label (and, where it helps, a short help) for
//! every field of an association file, and a French name for every choice of
//! a list, so that the page shows neither field names, nor codes
//! (`non-economic`), nor the file's conventions (`null`). The JSON Schema's
//! descriptions are written for people editing the file; these are written
//! for the legal service. `GET /api/libelles` serves them to the script; a
//! test checks that every field of the schema has one.
//!
//! A field is named by its JSON path with `[]` for any position in a list
//! (`dashboard.objectives[].indicators[].type`).

use serde_json::{Map, Value, json};

use super::Reply;

/// (path, label, help, is a date).
type Field = (&'static str, &'static str, &'static str, bool);

pub const FIELDS: &[Field] = &[
    ("association", "L'association", "", false),
    ("association.name", "Dénomination statutaire", "", false),
    ("association.acronym", "Sigle", "s'il existe", false),
    (
        "association.legal_form",
        "Forme juridique",
        "«\u{a0}association déclarée (loi du 1er juillet 1901)\u{a0}» ou, en Alsace-Moselle, «\u{a0}association inscrite de droit local\u{a0}»",
        false,
    ),
    (
        "association.rna",
        "Numéro RNA",
        "W suivi de 9 chiffres\u{a0}; à laisser vide pour une association de droit local inscrite au tribunal",
        false,
    ),
    ("association.siret", "Numéro SIRET", "14 chiffres", false),
    ("association.address", "Siège social", "", false),
    ("association.address.street", "Numéro et voie", "", false),
    ("association.address.postcode", "Code postal", "", false),
    (
        "association.address.city",
        "Commune",
        "avec «\u{a0}Cedex\u{a0}» le cas échéant",
        false,
    ),
    (
        "association.representative",
        "Représentant légal",
        "",
        false,
    ),
    (
        "association.representative.civility",
        "Civilité",
        "«\u{a0}M.\u{a0}» ou «\u{a0}Mme\u{a0}»",
        false,
    ),
    (
        "association.representative.name",
        "Prénom et nom",
        "",
        false,
    ),
    (
        "association.representative.role",
        "Qualité",
        "«\u{a0}présidente\u{a0}», «\u{a0}président\u{a0}»…",
        false,
    ),
    (
        "association.bank",
        "Coordonnées bancaires",
        "pour les versements",
        false,
    ),
    (
        "association.bank.iban",
        "IBAN",
        "27 caractères pour la France, avec ou sans espaces",
        false,
    ),
    ("association.bank.bic", "BIC", "8 ou 11 caractères", false),
    (
        "association.cer_signed_on",
        "Contrat d'engagement républicain souscrit le",
        "",
        true,
    ),
    (
        "association.cer_deemed",
        "Contrat d'engagement républicain réputé souscrit",
        "association reconnue d'utilité publique ou agréée",
        false,
    ),
    ("association.cer_deemed.basis", "Au titre de", "", false),
    (
        "association.cer_deemed.reference",
        "Acte qui le fonde",
        "décret, arrêté…",
        false,
    ),
    (
        "association.register",
        "Inscription au registre des associations",
        "Alsace-Moselle, droit local",
        false,
    ),
    (
        "association.register.court",
        "Tribunal judiciaire",
        "",
        false,
    ),
    (
        "association.register.volume",
        "Volume",
        "avec le folio, pour les inscriptions anciennes",
        false,
    ),
    (
        "association.register.folio",
        "Folio",
        "avec le volume",
        false,
    ),
    (
        "association.register.number",
        "Numéro d'inscription",
        "à défaut de volume et de folio",
        false,
    ),
    (
        "association.other_public_subsidies",
        "Autres subventions publiques reçues, par année",
        "en numéraire, de tous les autres financeurs publics",
        false,
    ),
    (
        "association.de_minimis_declared",
        "Aides de minimis déclarées par l'association",
        "reçues d'autres autorités sur trois ans",
        false,
    ),
    (
        "association.de_minimis_declared[].grantor",
        "Autorité qui l'a octroyée",
        "",
        false,
    ),
    (
        "association.de_minimis_declared[].granted_on",
        "Date d'octroi",
        "",
        true,
    ),
    (
        "association.de_minimis_declared[].amount",
        "Montant",
        "en équivalent-subvention brut",
        false,
    ),
    (
        "association.de_minimis_declared[].regulation",
        "Règlement",
        "",
        false,
    ),
    (
        "association.accounts",
        "Comptes et effectifs des années passées",
        "tels que la fiche API Entreprise les donne\u{a0}: une information, reprise dans aucune clause",
        false,
    ),
    (
        "association.accounts.*.charges",
        "Total des charges",
        "",
        false,
    ),
    (
        "association.accounts.*.products",
        "Total des produits",
        "",
        false,
    ),
    (
        "association.accounts.*.result",
        "Résultat",
        "négatif\u{a0}: déficit",
        false,
    ),
    (
        "association.accounts.*.subsidies",
        "Subventions reçues",
        "de tous les financeurs publics",
        false,
    ),
    (
        "association.accounts.*.subsidies_three_years",
        "Aides publiques sur trois exercices",
        "",
        false,
    ),
    ("association.accounts.*.donations", "Dons reçus", "", false),
    (
        "association.accounts.*.auditor",
        "Comptes certifiés par un commissaire aux comptes",
        "",
        false,
    ),
    ("association.accounts.*.volunteers", "Bénévoles", "", false),
    (
        "association.accounts.*.civic_volunteers",
        "Volontaires",
        "service civique…",
        false,
    ),
    ("association.accounts.*.employees", "Salariés", "", false),
    (
        "association.accounts.*.employees_fte",
        "Salariés en équivalent temps plein",
        "",
        false,
    ),
    ("association.accounts.*.members", "Adhérents", "", false),
    (
        "association.sources",
        "Provenance des valeurs importées",
        "par champ\u{a0}: la source et la date",
        false,
    ),
    ("association.sources.*.source", "Source", "", false),
    ("association.sources.*.date", "Date", "", true),
    (
        "association.fiscal_year_end",
        "Clôture de l'exercice",
        "mois et jour, MM-JJ (12-31 par défaut)",
        false,
    ),
    (
        "association.elected_board_members",
        "Élus du financeur siégeant dans ses instances",
        "ils ne prennent part ni aux débats ni au vote de la délibération",
        false,
    ),
    (
        "association.elected_board_members[].name",
        "Civilité, prénom et nom de l'élu",
        "",
        false,
    ),
    (
        "association.elected_board_members[].capacity",
        "À quel titre il siège",
        "",
        false,
    ),
    ("convention", "La convention", "", false),
    ("convention.kind", "Nature de la convention", "", false),
    (
        "convention.reference",
        "Référence",
        "chez le financeur",
        false,
    ),
    (
        "convention.years",
        "Années couvertes",
        "consécutives",
        false,
    ),
    ("convention.regime", "Régime d'aides d'État", "", false),
    (
        "convention.funding",
        "Contribution financière maximale, par année",
        "en euros",
        false,
    ),
    (
        "convention.eligible_cost",
        "Coût total éligible de l'action, par année",
        "en euros",
        false,
    ),
    ("convention.payment", "Modalités de versement", "", false),
    (
        "convention.payment.advance_percent",
        "Avance",
        "en pourcentage de la contribution annuelle, de 0 à 100",
        false,
    ),
    (
        "convention.decision",
        "Décision qui autorise la signature",
        "",
        false,
    ),
    (
        "convention.decision.body",
        "Instance",
        "«\u{a0}Commission permanente\u{a0}»…",
        false,
    ),
    (
        "convention.decision.date",
        "Date de la délibération",
        "",
        true,
    ),
    (
        "convention.decision.number",
        "Numéro de la délibération",
        "",
        false,
    ),
    ("convention.signature", "Signature", "", false),
    ("convention.signature.place", "Lieu de signature", "", false),
    (
        "convention.signature.date",
        "Date de signature",
        "à laisser vide tant que la convention n'est pas signée\u{a0}: une fois enregistrée, la convention ne se modifie plus",
        true,
    ),
    (
        "convention.clauses",
        "Clauses propres à cette convention",
        "",
        false,
    ),
    (
        "convention.clauses.add",
        "Clauses facultatives ajoutées",
        "",
        false,
    ),
    (
        "convention.clauses.remove",
        "Clauses habituelles retirées",
        "",
        false,
    ),
    (
        "convention.unspent",
        "Sort de la part non consommée",
        "si elle diffère du choix du programme",
        false,
    ),
    (
        "convention.in_kind",
        "Aides en nature",
        "locaux, personnel, matériel",
        false,
    ),
    (
        "convention.in_kind[].description",
        "Ce qui est mis à disposition",
        "",
        false,
    ),
    (
        "convention.in_kind[].values",
        "Valeur, par année",
        "en euros",
        false,
    ),
    (
        "convention.budget",
        "Budget prévisionnel, par exercice",
        "charges et produits du projet, en euros",
        false,
    ),
    ("convention.budget.*.charges", "Charges", "", false),
    ("convention.budget.*.charges.achats", "Achats", "", false),
    (
        "convention.budget.*.charges.services_exterieurs",
        "Services extérieurs",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.autres_services_exterieurs",
        "Autres services extérieurs",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.impots_taxes",
        "Impôts et taxes",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.personnel",
        "Charges de personnel",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.autres_charges",
        "Autres charges de gestion courante",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.dotations",
        "Dotations aux amortissements",
        "",
        false,
    ),
    (
        "convention.budget.*.charges.indirectes",
        "Charges indirectes affectées au projet",
        "",
        false,
    ),
    ("convention.budget.*.produits", "Produits", "", false),
    (
        "convention.budget.*.produits.ventes",
        "Ventes, prestations de services",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions",
        "Subventions",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.etat",
        "État",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.region",
        "Région",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.departement",
        "Département",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.epci",
        "Intercommunalité",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.commune",
        "Commune",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.organismes_sociaux",
        "Organismes sociaux",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.europe",
        "Fonds européens",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.subventions.autres",
        "Autres subventions",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.cotisations",
        "Cotisations",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.dons",
        "Dons manuels, mécénat",
        "",
        false,
    ),
    (
        "convention.budget.*.produits.autres_produits",
        "Autres produits de gestion courante",
        "",
        false,
    ),
    (
        "convention.budget.*.en_nature",
        "Contributions volontaires en nature",
        "portées en charges et en produits",
        false,
    ),
    (
        "convention.court",
        "Juridiction compétente",
        "si le lieu d'exécution relève d'un autre tribunal administratif que le siège du financeur",
        false,
    ),
    (
        "convention.sieg",
        "Compensation de service public",
        "service d'intérêt économique général",
        false,
    ),
    ("convention.sieg.basis", "Base juridique", "", false),
    (
        "convention.sieg.costs",
        "Charges prévisionnelles du service, par année",
        "en euros",
        false,
    ),
    (
        "convention.sieg.revenues",
        "Produits prévisionnels du service, par année",
        "hors compensation, en euros",
        false,
    ),
    (
        "convention.sieg.reasonable_profit_percent",
        "Bénéfice raisonnable",
        "en pourcentage des charges (0 si aucun)",
        false,
    ),
    (
        "convention.primary_agriculture",
        "Activité de production agricole primaire",
        "",
        false,
    ),
    (
        "convention.amendments",
        "Avenants",
        "dans l'ordre\u{a0}; un dernier avenant sans date de signature est le projet du suivant",
        false,
    ),
    (
        "convention.amendments[].decision",
        "Décision qui approuve l'avenant",
        "",
        false,
    ),
    (
        "convention.amendments[].decision.body",
        "Instance",
        "",
        false,
    ),
    (
        "convention.amendments[].decision.date",
        "Date de la délibération",
        "",
        true,
    ),
    (
        "convention.amendments[].decision.number",
        "Numéro de la délibération",
        "",
        false,
    ),
    (
        "convention.amendments[].signature",
        "Signature de l'avenant",
        "",
        false,
    ),
    (
        "convention.amendments[].signature.place",
        "Lieu de signature",
        "",
        false,
    ),
    (
        "convention.amendments[].signature.date",
        "Date de signature",
        "à laisser vide tant que l'avenant n'est pas signé",
        true,
    ),
    (
        "convention.amendments[].summary",
        "Motif de l'avenant",
        "pour son préambule, terminé par une virgule",
        false,
    ),
    (
        "convention.signatories",
        "Signataires",
        "dans l'ordre de signature\u{a0}; vide\u{a0}: les représentants, l'association d'abord",
        false,
    ),
    ("convention.signatories[].party", "Partie", "", false),
    (
        "convention.signatories[].civility",
        "Civilité",
        "M. ou Mme",
        false,
    ),
    ("convention.signatories[].name", "Prénom et nom", "", false),
    ("convention.signatories[].role", "Qualité", "", false),
    (
        "convention.signatories[].delegation",
        "Délégation de signature",
        "référence de l'arrêté de délégation, s'il y a lieu",
        false,
    ),
    (
        "convention.amendments[].signatories",
        "Signataires de l'avenant",
        "dans l'ordre de signature\u{a0}; vide\u{a0}: les représentants, l'association d'abord",
        false,
    ),
    (
        "convention.amendments[].signatories[].party",
        "Partie",
        "",
        false,
    ),
    (
        "convention.amendments[].signatories[].civility",
        "Civilité",
        "M. ou Mme",
        false,
    ),
    (
        "convention.amendments[].signatories[].name",
        "Prénom et nom",
        "",
        false,
    ),
    (
        "convention.amendments[].signatories[].role",
        "Qualité",
        "",
        false,
    ),
    (
        "convention.amendments[].signatories[].delegation",
        "Délégation de signature",
        "référence de l'arrêté de délégation, s'il y a lieu",
        false,
    ),
    ("project", "Le projet", "annexe I", false),
    ("project.title", "Intitulé du projet", "", false),
    ("project.summary", "Présentation du projet", "", false),
    ("project.actions", "Actions", "", false),
    ("project.actions[].title", "Intitulé", "", false),
    ("project.actions[].description", "Description", "", false),
    ("project.actions[].public", "Public visé", "", false),
    ("project.actions[].territory", "Territoire", "", false),
    (
        "project.actions[].public_service_obligations",
        "Obligations de service public",
        "régime SIEG\u{a0}: accès, continuité, tarifs que l'association assure pour cette action",
        false,
    ),
    ("dashboard", "Le tableau de bord", "annexe III", false),
    (
        "dashboard.objectives",
        "Objectifs du partenariat",
        "chacun rattaché à une priorité du financeur",
        false,
    ),
    (
        "dashboard.objectives[].id",
        "Repère de l'objectif",
        "«\u{a0}O1\u{a0}», «\u{a0}O2\u{a0}»…",
        false,
    ),
    (
        "dashboard.objectives[].priority",
        "Priorité du financeur",
        "son repère dans le programme",
        false,
    ),
    ("dashboard.objectives[].title", "Intitulé", "", false),
    (
        "dashboard.objectives[].indicators",
        "Indicateurs",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].id",
        "Repère de l'indicateur",
        "«\u{a0}O1-I1\u{a0}»…",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].label",
        "Libellé",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].type",
        "Type d'indicateur",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].unit",
        "Unité",
        "pour un indicateur chiffré",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].definition",
        "Définition",
        "ce que l'indicateur mesure et comment il est calculé",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].measure",
        "La cible porte sur",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].baseline",
        "Valeur de référence",
        "situation de départ",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].baseline_year",
        "Année de la valeur de référence",
        "au plus la première année de la convention",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].targets",
        "Cibles, par année",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].source",
        "Source de la mesure",
        "",
        false,
    ),
    (
        "dashboard.objectives[].indicators[].direction",
        "Sens de progression",
        "",
        false,
    ),
];

/// The French name of every choice of a list, by the path of its field.
pub const CHOICES: &[(&str, &[(&str, &str)])] = &[
    (
        "association.cer_deemed.basis",
        &[
            ("rup", "reconnaissance d'utilité publique"),
            (
                "agrement",
                "agrément (article 25-1 de la loi du 12 avril 2000)",
            ),
        ],
    ),
    (
        "association.de_minimis_declared[].regulation",
        &[
            ("general", "de minimis général (règlement 2023/2831)"),
            ("agricole", "de minimis agricole (règlement 1408/2013)"),
            ("sieg", "de minimis SIEG (règlement 2023/2832)"),
        ],
    ),
    (
        "association.elected_board_members[].capacity",
        &[
            (
                "representant",
                "désigné par le financeur pour le représenter",
            ),
            ("personnel", "à titre personnel"),
        ],
    ),
    (
        "convention.kind",
        &[
            ("cpo", "convention pluriannuelle d'objectifs"),
            ("annuelle", "convention annuelle"),
            ("cadre", "convention-cadre, sans engagement financier"),
        ],
    ),
    (
        "convention.signatories[].party",
        &[("association", "l'association"), ("funder", "le financeur")],
    ),
    (
        "convention.amendments[].signatories[].party",
        &[("association", "l'association"), ("funder", "le financeur")],
    ),
    (
        "convention.regime",
        &[
            (
                "non-economic",
                "activité non économique (hors aides d'État)",
            ),
            ("de-minimis", "aide de minimis"),
            ("de-minimis-agricole", "aide de minimis agricole"),
            ("sieg", "service d'intérêt économique général"),
        ],
    ),
    (
        "convention.unspent",
        &[
            (
                "keep-reasonable",
                "l'association garde un excédent raisonnable",
            ),
            ("repay", "la part non consommée est reversée"),
        ],
    ),
    (
        "convention.sieg.basis",
        &[
            ("decision-2012-21", "décision 2012/21/UE"),
            (
                "reglement-2023-2832",
                "règlement 2023/2832 (de minimis SIEG)",
            ),
        ],
    ),
    (
        "dashboard.objectives[].indicators[].type",
        &[
            ("quantitative", "chiffré"),
            ("qualitative", "décrit en mots"),
        ],
    ),
    (
        "dashboard.objectives[].indicators[].measure",
        &[
            ("flow", "ce qui est réalisé chaque année (flux)"),
            ("stock", "une valeur cumulée en fin d'année (stock)"),
        ],
    ),
    (
        "dashboard.objectives[].indicators[].direction",
        &[
            ("up", "plus c'est haut, mieux c'est"),
            ("down", "plus c'est bas, mieux c'est"),
        ],
    ),
];

/// The words of the form, as the script reads them:
/// `{"champs": {path: {libelle, aide, date}}, "choix": {path: {code: libelle}}}`.
pub fn words() -> Value {
    let mut champs = Map::new();
    for (path, label, help, date) in FIELDS {
        champs.insert(
            path.to_string(),
            json!({ "libelle": label, "aide": help, "date": date }),
        );
    }
    let mut choix = Map::new();
    for (path, options) in CHOICES {
        let m: Map<String, Value> = options
            .iter()
            .map(|(code, label)| (code.to_string(), json!(label)))
            .collect();
        choix.insert(path.to_string(), Value::Object(m));
    }
    json!({ "champs": champs, "choix": choix })
}

/// `GET /api/libelles`.
pub fn reply() -> Reply {
    Reply::json(200, &words())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema node with its `$ref` followed and an optional value unwrapped.
    fn resolve<'a>(defs: &'a Value, mut v: &'a Value) -> &'a Value {
        loop {
            if let Some(r) = v.get("$ref").and_then(Value::as_str) {
                v = &defs[r.rsplit('/').next().unwrap()];
                continue;
            }
            if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
                let some: Vec<&Value> = any.iter().filter(|o| o["type"] != "null").collect();
                if some.len() == 1 {
                    v = some[0];
                    continue;
                }
            }
            return v;
        }
    }

    fn walk(defs: &Value, v: &Value, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let v = resolve(defs, v);
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                if k == "$schema" {
                    continue;
                }
                let q = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let codes = resolve(defs, p)
                    .get("oneOf")
                    .and_then(Value::as_array)
                    .map(|o| {
                        o.iter()
                            .filter_map(|c| c["const"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                out.push((q.clone(), codes));
                walk(defs, p, &q, out);
            }
        } else if let Some(items) = v.get("items") {
            walk(defs, items, &format!("{path}[]"), out);
        } else if let Some(inner) = v.get("additionalProperties").filter(|a| a.is_object()) {
            walk(defs, inner, &format!("{path}.*"), out);
        }
    }

    /// Every field of the schema, as (path, enum codes), walked like the form does.
    fn schema_fields() -> Vec<(String, Vec<String>)> {
        let schema = crate::schema::cached();
        let mut out = Vec::new();
        walk(&schema["$defs"], schema, "", &mut out);
        out
    }

    #[test]
    fn every_field_and_every_choice_has_french_words() {
        let fields = schema_fields();
        assert!(fields.len() > 80, "{}", fields.len());
        let missing: Vec<&String> = fields
            .iter()
            .map(|(p, _)| p)
            .filter(|p| !FIELDS.iter().any(|f| f.0 == p.as_str()))
            .collect();
        assert!(missing.is_empty(), "no label for {missing:?}");
        for (path, codes) in &fields {
            if !codes.is_empty() {
                let (_, names) = CHOICES
                    .iter()
                    .find(|(p, _)| p == path)
                    .unwrap_or_else(|| panic!("no French names for the choices of {path}"));
                for c in codes {
                    assert!(names.iter().any(|(k, _)| k == c), "{path}: {c}");
                }
            }
        }
        for f in FIELDS {
            assert!(
                fields.iter().any(|(p, _)| p == f.0),
                "label of a field that is not in the schema: {}",
                f.0
            );
        }
    }

    #[test]
    fn the_words_are_french_without_jargon() {
        let every: Vec<&str> = FIELDS
            .iter()
            .flat_map(|f| [f.1, f.2])
            .chain(CHOICES.iter().flat_map(|(_, o)| o.iter().map(|x| x.1)))
            .collect();
        for w in every {
            for jargon in [
                "null",
                "Luhn",
                "non-economic",
                "de-minimis",
                "`",
                "AAAA",
                "keep-reasonable",
                "sieg ",
                "true",
                "false",
            ] {
                assert!(!w.contains(jargon), "{jargon} in {w:?}");
            }
            for (i, c) in w.char_indices() {
                if matches!(c, ':' | ';' | '!' | '?' | '»') {
                    assert!(!w[..i].ends_with(' '), "plain space before {c} in {w:?}");
                }
                if c == '«' {
                    assert!(
                        !w[i + c.len_utf8()..].starts_with(' '),
                        "plain space after « in {w:?}"
                    );
                }
            }
        }
    }
}
