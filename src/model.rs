//! The typed data of a programme: `charta.toml` and the association files.
//!
//! Plain serialisable data, nothing else: no I/O, no rendering, no rules beyond
//! what the types themselves enforce (unknown fields are rejected, amounts have
//! at most two decimals). Semantic rules live in `check`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `charta.toml`: one funding programme of one funder for one cycle.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    pub programme: ProgrammeInfo,
    pub funder: Funder,
    #[serde(default)]
    pub priorities: Vec<Priority>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInfo {
    pub name: String,
    pub charter: String,
    pub charter_date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FunderKind {
    Region,
    Departement,
    Commune,
    Epci,
    Etat,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funder {
    pub name: String,
    pub kind: FunderKind,
    pub siret: String,
    pub address: Address,
    pub representative: Person,
    pub court: String,
    /// How the act calls the funder (« la Métropole »); derived from `kind` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designation: Option<String>,
    /// Grammatical gender of the designation when it starts with « l' » (« l'Agglomération »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feminine: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub id: String,
    pub title: String,
}

/// Adresse postale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Numéro et voie (« 12 rue de la République »).
    pub street: String,
    /// Code postal à cinq chiffres.
    pub postcode: String,
    /// Commune (avec « Cedex » le cas échéant).
    pub city: String,
}

/// Personne physique qui agit pour une personne morale (représentant).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Civilité : « M. » ou « Mme ».
    pub civility: String,
    /// Prénom et nom.
    pub name: String,
    /// Qualité (« présidente », « Président du Conseil régional »).
    pub role: String,
}

/// An association file: one association, one convention.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Association (charta)",
    description = "Une association et sa convention : identité, convention, projet et tableau de bord pluriannuel."
)]
pub struct AssociationFile {
    /// Lien vers ce schéma, pour les éditeurs (ignoré par charta).
    #[serde(rename = "$schema", default, skip_serializing)]
    pub schema: Option<String>,
    /// L'association signataire.
    pub association: Association,
    /// La convention : nature, durée, régime, financement, décision, signature.
    pub convention: Convention,
    /// Le projet ou programme d'actions (annexe I).
    pub project: Project,
    /// Le tableau de bord pluriannuel (annexe III).
    pub dashboard: Dashboard,
}

/// L'association signataire.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Association {
    /// Dénomination statutaire.
    pub name: String,
    /// Sigle, s'il existe.
    #[serde(default)]
    pub acronym: Option<String>,
    /// Forme juridique (« association déclarée (loi du 1er juillet 1901) » ou, en Alsace-Moselle, « association inscrite de droit local »).
    pub legal_form: String,
    /// Numéro RNA (W suivi de 9 chiffres) ; null pour une association de droit local inscrite au tribunal.
    #[serde(default)]
    pub rna: Option<String>,
    /// Numéro SIRET (14 chiffres, clé de Luhn).
    pub siret: String,
    /// Siège social.
    pub address: Address,
    /// Représentant légal.
    pub representative: Person,
    /// Coordonnées bancaires pour les versements.
    #[serde(default)]
    pub bank: Option<Bank>,
    /// Date de souscription du contrat d'engagement républicain (AAAA-MM-JJ).
    #[serde(default)]
    pub cer_signed_on: Option<String>,
}

/// Coordonnées bancaires.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bank {
    /// IBAN (27 caractères pour la France), sans espaces ou groupé par 4.
    pub iban: String,
    /// BIC (8 ou 11 caractères).
    pub bic: String,
}

/// Nature de la convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConventionKind {
    /// Convention pluriannuelle d'objectifs (au moins deux ans).
    Cpo,
    /// Convention annuelle.
    Annuelle,
    /// Convention-cadre, sans engagement financier.
    Cadre,
}

impl ConventionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConventionKind::Cpo => "cpo",
            ConventionKind::Annuelle => "annuelle",
            ConventionKind::Cadre => "cadre",
        }
    }
}

/// Régime d'aides d'État.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// Activité non économique : hors champ des aides d'État.
    NonEconomic,
    /// Aide de minimis (règlement (UE) 2023/2831).
    DeMinimis,
    /// Service d'intérêt économique général (décision 2012/21/UE).
    Sieg,
}

/// Montant en euros, au plus deux décimales (stocké en centimes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount(pub i64);

impl Amount {
    pub fn cents(self) -> i64 {
        self.0
    }
    pub fn euros_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_f64(self.euros_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        let cents = v * 100.0;
        if !cents.is_finite() || (cents - cents.round()).abs() > 1e-6 {
            return Err(serde::de::Error::custom(format!(
                "amount {v} has more than two decimals (euros and cents only)"
            )));
        }
        if v < 0.0 {
            return Err(serde::de::Error::custom(format!("amount {v} is negative")));
        }
        Ok(Amount(cents.round() as i64))
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Montant".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": 0,
            "multipleOf": 0.01,
            "description": "Montant en euros (nombre JSON, au plus deux décimales)."
        })
    }
}

/// Per-year map: keys are years (« 2026 »).
pub type PerYear<T> = BTreeMap<String, T>;

/// La convention.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Convention {
    /// Nature : cpo, annuelle ou cadre.
    pub kind: ConventionKind,
    /// Référence de la convention chez le financeur.
    pub reference: String,
    /// Années couvertes, consécutives (une pour une convention annuelle).
    pub years: Vec<i32>,
    /// Régime d'aides d'État : non-economic, de-minimis ou sieg.
    pub regime: Regime,
    /// Contribution financière maximale par année (absente pour une convention-cadre).
    #[serde(default)]
    pub funding: Option<PerYear<Amount>>,
    /// Coût total éligible de l'action par année.
    #[serde(default)]
    pub eligible_cost: Option<PerYear<Amount>>,
    /// Modalités de versement.
    #[serde(default)]
    pub payment: Option<Payment>,
    /// Décision de l'assemblée du financeur qui autorise la signature.
    pub decision: Decision,
    /// Lieu et date de signature (date null tant que la convention est un projet).
    pub signature: Signature,
    /// Clauses optionnelles ajoutées et clauses par défaut retirées, par identifiant.
    #[serde(default)]
    pub clauses: ClauseChoice,
}

/// Modalités de versement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// Avance versée à la signature puis au début de chaque année, en % de la contribution annuelle (0 à 100).
    pub advance_percent: f64,
}

/// Décision d'attribution.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Instance (« Commission permanente »).
    pub body: String,
    /// Date de la délibération (AAAA-MM-JJ).
    pub date: String,
    /// Numéro de la délibération.
    pub number: String,
}

/// Lieu et date de signature.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Lieu de signature.
    pub place: String,
    /// Date de signature (AAAA-MM-JJ) ; null tant que la convention n'est pas signée.
    pub date: Option<String>,
}

/// Choix de clauses propres à cette convention.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseChoice {
    /// Clauses optionnelles à ajouter (identifiants).
    #[serde(default)]
    pub add: Vec<String>,
    /// Clauses par défaut à retirer (identifiants).
    #[serde(default)]
    pub remove: Vec<String>,
}

/// Le projet de l'association.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Intitulé du projet.
    pub title: String,
    /// Présentation du projet.
    pub summary: String,
    /// Actions (annexe I).
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// Une action du programme.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Intitulé.
    pub title: String,
    /// Description.
    pub description: String,
    /// Public visé.
    #[serde(default)]
    pub public: Option<String>,
    /// Territoire.
    #[serde(default)]
    pub territory: Option<String>,
}

/// Tableau de bord pluriannuel.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Objectifs du partenariat, chacun rattaché à une priorité du financeur.
    pub objectives: Vec<Objective>,
}

/// Un objectif du partenariat.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Identifiant stable (« O1 »).
    pub id: String,
    /// Identifiant de la priorité du financeur (`[[priorities]]` de charta.toml).
    pub priority: String,
    /// Intitulé.
    pub title: String,
    /// Indicateurs.
    pub indicators: Vec<Indicator>,
}

/// Type d'indicateur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorType {
    /// Mesuré par un nombre.
    Quantitative,
    /// Apprécié par une description.
    Qualitative,
}

/// Un indicateur et ses cibles annuelles.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Identifiant stable (« O1-I1 »).
    pub id: String,
    /// Libellé.
    pub label: String,
    /// quantitative ou qualitative.
    #[serde(rename = "type")]
    pub kind: IndicatorType,
    /// Unité (indicateur quantitatif).
    #[serde(default)]
    pub unit: Option<String>,
    /// Définition : ce que l'indicateur mesure et comment il est calculé (« nombre de personnes distinctes reçues au moins une fois dans l'année, comptées à partir du registre d'accueil »).
    #[serde(default)]
    pub definition: Option<String>,
    /// Nature de la cible d'un indicateur quantitatif : « flow » (flux annuel, mesuré sur chaque année) ou « stock » (valeur cumulée, atteinte en fin d'année).
    #[serde(default)]
    pub measure: Option<Measure>,
    /// Valeur de référence (situation de départ).
    #[serde(default)]
    pub baseline: Option<Target>,
    /// Année de la valeur de référence (par exemple l'année précédant la convention) ; au plus la première année de la convention.
    #[serde(default)]
    pub baseline_year: Option<i32>,
    /// Cible par année.
    pub targets: PerYear<Target>,
    /// Source de la mesure.
    #[serde(default)]
    pub source: Option<String>,
}

/// Nature d'une cible chiffrée.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Flux annuel : la cible porte sur ce qui est réalisé au cours de chaque année.
    Flow,
    /// Stock : la cible porte sur une valeur cumulée, atteinte au terme de chaque année.
    Stock,
}

/// Une valeur cible : un nombre (quantitatif) ou un texte (qualitatif).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    /// Cible chiffrée (indicateur quantitatif).
    Number(f64),
    /// Cible décrite en mots (indicateur qualitatif).
    Text(String),
}

impl Target {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Target::Number(n) => Some(*n),
            Target::Text(_) => None,
        }
    }
}
