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
    /// Seuils de la revue annuelle (`charta review`); absents : les valeurs par défaut.
    #[serde(default)]
    pub review: ReviewConfig,
    /// `[signature]` : actes prêts pour la signature électronique (ancres, champs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureConfig>,
    /// Les délibérations de l'assemblée, par numéro (`[deliberations."CP-2026-01-07"]`) :
    /// `charta deliberation` les écrit, `charta check` les rapproche des conventions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deliberations: BTreeMap<String, Deliberation>,
}

/// `[signature]` of `charta.toml`: the acts are signed electronically. Set,
/// the act prints « Signé électroniquement » instead of a place and a date
/// to fill by hand, and its PDF carries what the signature desk needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignatureConfig {
    /// Positioning tags printed in white in each signature block.
    pub anchors: Anchors,
    /// Empty PDF signature fields `signature-1`, `signature-2`… over the blocks.
    pub fields: bool,
}

/// The positioning tags of a signature desk (`[signature] anchors`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Anchors {
    /// No tag.
    #[default]
    None,
    /// i-Parapheur: `#signature%1#`, `#signature%2#`… in signing order.
    Iparapheur,
    /// Yousign smart anchors: `{{s1|signature|184|80}}`…
    Yousign,
}

/// `[deliberations."NUMBER"]` of `charta.toml`: one décision of the funder's
/// assembly, as its délibération states it (see `charta deliberation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deliberation {
    /// The assembly (« Commission permanente »), as the conventions cite it.
    pub body: String,
    /// The date of the session (AAAA-MM-JJ).
    pub date: String,
    /// The élu who presents the rapport (« Mme Claire Fontenoy, vice-présidente »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rapporteur: Option<String>,
    /// The budget imputation (chapter, article, programme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imputation: Option<String>,
    /// « Vu » lines added after those charta writes (each without « Vu » nor « ; »).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visas: Vec<String>,
    /// « Considérant » lines added after the programme's public interest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub considerants: Vec<String>,
    /// The assembly adopted it: its text is archived and never changes again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adopted: bool,
    /// The funder votes autorisations d'engagement and crédits de paiement
    /// (AE/CP): a multi-year commitment is an AE, each exercice's amount a CP.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ae_cp: bool,
    /// The act that adopted the budget of the session's exercice (« délibération
    /// n° 2025-12-15 du Conseil régional du 15 décembre 2025 »); absent, the
    /// budget visa is a mention to complete (PRG-028).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// The result of the vote, once known (« adoptée à l'unanimité »); absent,
    /// the projet leaves its place to complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<String>,
}

/// `[review]` of `charta.toml`: the thresholds of the yearly review. Every
/// field is optional; the defaults are documented in docs/interface.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Taux de réalisation (en %) à partir duquel un indicateur est « atteint ».
    pub achieved_percent: f64,
    /// Taux de réalisation (en %) à partir duquel il est « partiellement atteint ».
    pub partial_percent: f64,
    /// Alerte quand la trésorerie couvre moins de ce nombre de jours de charges.
    pub cash_days_min: f64,
    /// Alerte quand la subvention de ce financeur dépasse ce pourcentage des produits.
    pub funder_share_max_percent: f64,
    /// Écart (en %, en valeur absolue) entre le budget prévisionnel et le compte
    /// rendu financier au-delà duquel une ligne doit être expliquée.
    pub gap_percent: f64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            achieved_percent: 100.0,
            partial_percent: 75.0,
            cash_days_min: 60.0,
            funder_share_max_percent: 50.0,
            gap_percent: 10.0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInfo {
    pub name: String,
    pub charter: String,
    pub charter_date: String,
    /// What happens to a subsidy not fully consumed, for every convention of the
    /// programme that has none of its own (loi n° 2000-321, art. 10, al. 3).
    #[serde(default)]
    pub unspent: Option<Unspent>,
    /// The texts that give the funder competence for this programme, each one
    /// « Vu … » line (« l'article L. 4251-12 du code général des collectivités
    /// territoriales », …): the generic L. 4221-1 alone is weak since loi NOTRe.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// The local public interest the programme serves, stated in the préambule of a
    /// collectivité's conventions (« le maintien de services de proximité … »).
    #[serde(default)]
    pub public_interest: Option<String>,
    /// The number of decimals (0 to 2) of every percentage the programme's
    /// conventions write (« 30,00 % » beside « 31,25 % »): one number for the
    /// whole programme, 2 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_decimals: Option<u8>,
}

/// Sort de la part de subvention non consommée (loi n° 2000-321, art. 10, al. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Unspent {
    /// L'association peut conserver un excédent raisonnable, sous conditions.
    KeepReasonable,
    /// La part non consommée est reversée au financeur.
    Repay,
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
    /// The funder records the de minimis aid it grants in the national register
    /// (« plateforme des aides d'État », décret n° 2025-1361 du 26 décembre
    /// 2025): the de minimis clauses say so. The State must from 2026; a
    /// collectivité may.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub de_minimis_register: bool,
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
    /// Association réputée satisfaire à l'obligation de souscrire le contrat d'engagement
    /// républicain : reconnue d'utilité publique ou agréée (loi n° 2000-321, art. 10-1 et 25-1).
    #[serde(default)]
    pub cer_deemed: Option<CerDeemed>,
    /// Inscription au registre des associations du tribunal judiciaire (Alsace-Moselle, droit local).
    #[serde(default)]
    pub register: Option<LocalRegister>,
    /// Autres subventions publiques en numéraire reçues par an, tous financeurs publics
    /// confondus hors celui-ci (seuil de 153 000 € du code de commerce, art. L. 612-4).
    #[serde(default)]
    pub other_public_subsidies: Option<PerYear<Amount>>,
    /// Aides de minimis reçues d'autres autorités, déclarées par l'association
    /// (plafond apprécié sur trois années glissantes à la date d'octroi).
    /// Requise pour un régime de minimis ; `[]` : l'association a déclaré n'en
    /// avoir reçu aucune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub de_minimis_declared: Option<Vec<DeclaredAid>>,
    /// Comptes et ressources humaines des années passées, par année, tels que les
    /// registres les donnent (`charta import` d'une fiche API Entreprise) : une
    /// information, jamais reprise dans `other_public_subsidies`, qui porte sur les
    /// années de la convention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<PerYear<PastYear>>,
    /// Provenance des valeurs importées : pour chaque champ de `association`
    /// (« siret », « address », « accounts »…), la source et la date.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, ValueSource>,
    /// Date de clôture de l'exercice de l'association, « MM-JJ » (« 12-31 »
    /// par défaut) : l'exercice Y est celui qui se clôt en Y ; le compte rendu
    /// financier est dû six mois plus tard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year_end: Option<String>,
    /// Élus du financeur qui siègent dans les instances de l'association : ils ne
    /// prennent part ni aux débats ni au vote de la délibération qui la concerne.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elected_board_members: Vec<ElectedMember>,
}

/// Une année passée de l'association : comptes et ressources humaines déclarés.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PastYear {
    /// Total des charges de l'exercice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charges: Option<Amount>,
    /// Total des produits de l'exercice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Amount>,
    /// Résultat de l'exercice (négatif : déficit), tel que déclaré.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<f64>,
    /// Subventions reçues dans l'exercice, tous financeurs publics confondus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsidies: Option<Amount>,
    /// Aides publiques reçues sur les trois derniers exercices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsidies_three_years: Option<Amount>,
    /// Dons reçus dans l'exercice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donations: Option<Amount>,
    /// Comptes certifiés par un commissaire aux comptes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auditor: Option<bool>,
    /// Nombre de bénévoles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteers: Option<u32>,
    /// Nombre de volontaires (service civique…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub civic_volunteers: Option<u32>,
    /// Nombre de salariés.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<u32>,
    /// Salariés en équivalent temps plein travaillé (ETPT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees_fte: Option<f64>,
    /// Nombre d'adhérents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
}

/// D'où vient une valeur importée, et de quand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueSource {
    /// La source (« API Entreprise (DJEPVA) »).
    pub source: String,
    /// La date à laquelle la source l'a donnée (AAAA-MM-JJ).
    pub date: String,
}

/// Un fichier d'association en préparation : l'association seule, telle qu'un
/// `charta import` de sa fiche l'a créée, avant que sa convention soit renseignée.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreparingFile {
    /// Lien vers le schéma, pour les éditeurs (ignoré par charta).
    #[serde(rename = "$schema", default, skip_serializing)]
    pub schema: Option<String>,
    /// L'association.
    pub association: Association,
}

/// Un élu du financeur qui siège dans les instances de l'association.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectedMember {
    /// Civilité, prénom et nom (« Mme Claire Fontenoy »).
    pub name: String,
    /// representant (désigné par le financeur pour le représenter) ou personnel (à titre personnel).
    pub capacity: BoardCapacity,
}

/// À quel titre un élu siège dans les instances de l'association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BoardCapacity {
    /// Désigné par le financeur pour le représenter (CGCT, art. L. 1111-6).
    Representant,
    /// À titre personnel (loi n° 2013-907, art. 2 ; code pénal, art. 432-12).
    Personnel,
}

/// Fondement de la présomption de souscription du contrat d'engagement républicain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CerBasis {
    /// Association ou fondation reconnue d'utilité publique.
    Rup,
    /// Association agréée au titre de l'article 25-1 de la loi n° 2000-321.
    Agrement,
}

/// Présomption de souscription du contrat d'engagement républicain.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CerDeemed {
    /// rup ou agrement.
    pub basis: CerBasis,
    /// L'acte qui la fonde (« décret du 14 mars 1987 », « arrêté préfectoral n° 2024-118 du 2 avril 2024 »).
    pub reference: String,
}

/// Inscription d'une association de droit local au registre du tribunal judiciaire.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalRegister {
    /// Tribunal judiciaire qui tient le registre (« tribunal judiciaire de Thionvaux »).
    pub court: String,
    /// Volume du registre (avec `folio`), pour les inscriptions anciennes.
    #[serde(default)]
    pub volume: Option<String>,
    /// Folio du registre (avec `volume`).
    #[serde(default)]
    pub folio: Option<String>,
    /// Numéro d'inscription, à défaut de volume et folio.
    #[serde(default)]
    pub number: Option<String>,
}

/// Règlement de minimis dont relève une aide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeMinimisKind {
    /// Règlement (UE) 2023/2831 (général).
    #[default]
    General,
    /// Règlement (UE) n° 1408/2013 (production agricole primaire).
    Agricole,
    /// Règlement (UE) 2023/2832 (SIEG).
    Sieg,
}

/// Une aide de minimis reçue d'une autre autorité, déclarée par l'association.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredAid {
    /// Autorité qui l'a octroyée.
    pub grantor: String,
    /// Date d'octroi (naissance du droit à l'aide), AAAA-MM-JJ.
    pub granted_on: String,
    /// Montant en équivalent-subvention brut.
    pub amount: Amount,
    /// general (2023/2831), agricole (1408/2013) ou sieg (2023/2832).
    #[serde(default)]
    pub regulation: DeMinimisKind,
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
    /// Aide de minimis dans le secteur de la production agricole primaire
    /// (règlement (UE) n° 1408/2013 modifié par le règlement (UE) 2024/3118).
    DeMinimisAgricole,
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
    /// Sort de la part non consommée, si elle diffère du choix du programme
    /// (`keep-reasonable` ou `repay`).
    #[serde(default)]
    pub unspent: Option<Unspent>,
    /// Aides en nature (locaux, personnel, matériel), valorisées par année.
    #[serde(default)]
    pub in_kind: Vec<InKind>,
    /// Juridiction compétente, lorsque le lieu d'exécution relève d'un autre tribunal
    /// administratif que le siège du financeur (code de justice administrative, art. R. 312-11).
    #[serde(default)]
    pub court: Option<String>,
    /// Paramètres de la compensation de service public (régime sieg).
    #[serde(default)]
    pub sieg: Option<SiegTerms>,
    /// L'aide finance une activité de production agricole primaire.
    #[serde(default)]
    pub primary_agriculture: bool,
    /// Avenants à la convention signée, dans l'ordre (n° 1, 2…). Une dernière
    /// entrée sans date de signature demande le projet de l'avenant suivant,
    /// calculé entre le texte en vigueur et les données actuelles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// Signataires, dans l'ordre de signature (par défaut : le représentant de
    /// l'association, puis celui du financeur).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatories: Option<Vec<Signatory>>,
    /// Budget prévisionnel du projet par exercice (« 2026 »), dans la structure
    /// du formulaire de demande (Cerfa n° 12156) ; imprimé à l'annexe II.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<PerYear<Budget>>,
}

/// Un signataire de l'acte.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signatory {
    /// Partie pour laquelle il signe : `association` ou `funder` (le financeur).
    pub party: Party,
    /// Civilité : « M. » ou « Mme ».
    pub civility: String,
    /// Prénom et nom.
    pub name: String,
    /// Qualité (« vice-présidente déléguée à l'économie sociale et solidaire »).
    pub role: String,
    /// Référence de la délégation de signature (« arrêté n° 2026-14 du 5 janvier 2026 »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<String>,
}

/// Partie d'un signataire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Association,
    Funder,
}

/// Un avenant à la convention.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// Délibération (ou décision) qui approuve l'avenant et autorise sa signature.
    pub decision: Decision,
    /// Lieu et date de signature de l'avenant (date null tant qu'il est un projet).
    pub signature: Signature,
    /// Le motif de l'avenant, pour son préambule : celui des parties, qui dit
    /// laquelle a demandé la modification. Terminé par une virgule (« À la
    /// demande de l'association, qui ouvre une permanence supplémentaire, »),
    /// il introduit « les parties sont convenues … » ; sinon il forme sa
    /// propre phrase. Les changements « de X à Y » (contribution,
    /// cibles) sont déduits des données : le motif ne les répète pas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Signataires de l'avenant, dans l'ordre de signature (par défaut : les
    /// représentants, non la liste de la convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatories: Option<Vec<Signatory>>,
}

/// Une aide en nature.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InKind {
    /// Ce qui est mis à disposition (« locaux de 120 m² au 4 rue des Forges »).
    pub description: String,
    /// Valeur par année (valeur locative, coût du personnel mis à disposition…).
    pub values: PerYear<Amount>,
}

/// Base juridique d'une compensation de service public, choisie à l'octroi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SiegBasis {
    /// Décision 2012/21/UE de la Commission du 20 décembre 2011.
    #[serde(rename = "decision-2012-21")]
    Decision201221,
    /// Règlement (UE) 2023/2832 (de minimis SIEG, 750 000 € sur trois ans).
    #[serde(rename = "reglement-2023-2832")]
    Reglement20232832,
}

/// Paramètres de la compensation, fixés à l'avance (régime sieg).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiegTerms {
    /// decision-2012-21 ou reglement-2023-2832.
    pub basis: SiegBasis,
    /// Charges prévisionnelles du service, par année.
    pub costs: PerYear<Amount>,
    /// Produits prévisionnels du service (hors compensation), par année.
    pub revenues: PerYear<Amount>,
    /// Bénéfice raisonnable admis, en % des charges (0 si aucun).
    pub reasonable_profit_percent: f64,
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
    /// Obligations de service public de l'action (régime sieg) : ce que l'association
    /// s'engage à assurer (accès, continuité, tarifs), reprises dans l'acte de mandat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_service_obligations: Option<String>,
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
    /// Sens de progression d'un indicateur quantitatif : `up` (plus est mieux, par
    /// défaut) ou `down` (moins est mieux : délais, coûts, abandons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// Sens de progression d'un indicateur quantitatif.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Plus la valeur est haute, mieux c'est.
    #[default]
    Up,
    /// Plus la valeur est basse, mieux c'est.
    Down,
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

/// Whether a `legal_form` says the association is of Alsace-Moselle local law
/// (« association inscrite de droit local »).
pub fn says_local_law(legal_form: &str) -> bool {
    let l = legal_form.to_lowercase();
    l.contains("inscrite") || l.contains("droit local") || l.contains("code civil local")
}

/// Budget prévisionnel d'un exercice : charges et produits du projet, en euros.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Charges du projet (comptes 60 à 68, et charges indirectes).
    pub charges: BudgetCharges,
    /// Produits du projet (comptes 70 à 75).
    pub produits: BudgetProduits,
    /// Contributions volontaires en nature (comptes 86 et 87), portées des deux côtés.
    #[serde(default)]
    pub en_nature: Amount,
}

/// Les charges d'un budget de projet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetCharges {
    /// 60 – Achats.
    pub achats: Amount,
    /// 61 – Services extérieurs.
    pub services_exterieurs: Amount,
    /// 62 – Autres services extérieurs.
    pub autres_services_exterieurs: Amount,
    /// 63 – Impôts et taxes.
    pub impots_taxes: Amount,
    /// 64 – Charges de personnel.
    pub personnel: Amount,
    /// 65 – Autres charges de gestion courante.
    pub autres_charges: Amount,
    /// 68 – Dotations aux amortissements.
    pub dotations: Amount,
    /// Charges indirectes affectées au projet.
    pub indirectes: Amount,
}

/// Les produits d'un budget de projet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetProduits {
    /// 70 – Ventes de produits finis, prestations de services.
    pub ventes: Amount,
    /// 74 – Subventions d'exploitation, par financeur.
    pub subventions: BudgetSubventions,
    /// 756 – Cotisations.
    pub cotisations: Amount,
    /// 754 – Dons manuels, mécénat.
    pub dons: Amount,
    /// 75 – Autres produits de gestion courante.
    pub autres_produits: Amount,
}

/// Les subventions d'exploitation, par nature de financeur.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetSubventions {
    /// État.
    pub etat: Amount,
    /// Région.
    pub region: Amount,
    /// Département.
    pub departement: Amount,
    /// Intercommunalité (EPCI).
    pub epci: Amount,
    /// Commune.
    pub commune: Amount,
    /// Organismes sociaux (CAF…).
    pub organismes_sociaux: Amount,
    /// Fonds européens.
    pub europe: Amount,
    /// Autres subventions (aides à l'emploi…).
    pub autres: Amount,
}

/// The budget's charge keys with their French labels, in the form's order.
pub const CHARGE_LABELS: [(&str, &str); 8] = [
    ("achats", "60 – Achats"),
    ("services_exterieurs", "61 – Services extérieurs"),
    (
        "autres_services_exterieurs",
        "62 – Autres services extérieurs",
    ),
    ("impots_taxes", "63 – Impôts et taxes"),
    ("personnel", "64 – Charges de personnel"),
    ("autres_charges", "65 – Autres charges de gestion courante"),
    ("dotations", "68 – Dotations aux amortissements"),
    ("indirectes", "Charges indirectes affectées au projet"),
];

/// The budget's produit keys (subventions as `subventions.<kind>`) with their French labels.
pub const PRODUIT_LABELS: [(&str, &str); 12] = [
    ("ventes", "70 – Ventes, prestations de services"),
    ("subventions.etat", "74 – Subvention de l'État"),
    ("subventions.region", "74 – Subvention de la Région"),
    ("subventions.departement", "74 – Subvention du Département"),
    ("subventions.epci", "74 – Subvention de l'intercommunalité"),
    ("subventions.commune", "74 – Subvention de la commune"),
    ("subventions.organismes_sociaux", "74 – Organismes sociaux"),
    ("subventions.europe", "74 – Fonds européens"),
    ("subventions.autres", "74 – Autres subventions"),
    ("cotisations", "756 – Cotisations"),
    ("dons", "754 – Dons manuels, mécénat"),
    (
        "autres_produits",
        "75 – Autres produits de gestion courante",
    ),
];

impl BudgetCharges {
    /// The amounts in the order of [`CHARGE_LABELS`].
    pub fn amounts(&self) -> [Amount; 8] {
        self.clone().amounts_mut().map(|a| *a)
    }
    /// The amounts to fill, in the same order (the one list of that order).
    pub fn amounts_mut(&mut self) -> [&mut Amount; 8] {
        [
            &mut self.achats,
            &mut self.services_exterieurs,
            &mut self.autres_services_exterieurs,
            &mut self.impots_taxes,
            &mut self.personnel,
            &mut self.autres_charges,
            &mut self.dotations,
            &mut self.indirectes,
        ]
    }
    /// The total, in cents.
    pub fn total(&self) -> i64 {
        self.amounts().iter().map(|a| a.cents()).sum()
    }
}

impl BudgetProduits {
    /// The amounts in the order of [`PRODUIT_LABELS`].
    pub fn amounts(&self) -> [Amount; 12] {
        self.clone().amounts_mut().map(|a| *a)
    }
    /// The amounts to fill, in the same order (the one list of that order).
    pub fn amounts_mut(&mut self) -> [&mut Amount; 12] {
        let s = &mut self.subventions;
        [
            &mut self.ventes,
            &mut s.etat,
            &mut s.region,
            &mut s.departement,
            &mut s.epci,
            &mut s.commune,
            &mut s.organismes_sociaux,
            &mut s.europe,
            &mut s.autres,
            &mut self.cotisations,
            &mut self.dons,
            &mut self.autres_produits,
        ]
    }
    /// The total, in cents.
    pub fn total(&self) -> i64 {
        self.amounts().iter().map(|a| a.cents()).sum()
    }
}

impl BudgetSubventions {
    /// The line of a funder of `kind` and its key (`region` for a Région).
    pub fn of(&self, kind: FunderKind) -> (Amount, &'static str) {
        match kind {
            FunderKind::Region => (self.region, "region"),
            FunderKind::Departement => (self.departement, "departement"),
            FunderKind::Commune => (self.commune, "commune"),
            FunderKind::Epci => (self.epci, "epci"),
            FunderKind::Etat => (self.etat, "etat"),
        }
    }
}

/// `fiscal_year_end` read: month and day (« 12-31 » when absent); `None` when
/// it is not a valid « MM-JJ » (29 February is not: it is not every year's).
pub fn fiscal_year_end(a: &Association) -> Option<(u8, u8)> {
    let s = a.fiscal_year_end.as_deref().unwrap_or("12-31");
    let (m, d) = s.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d): (u8, u8) = (m.parse().ok()?, d.parse().ok()?);
    let max = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=max).contains(&d).then_some((m, d))
}
