//! Every diagnostic code, its severity, its kind and its documentation.
//!
//! A code is a variant of [`Code`], named after it (`DON_001` is « DON-001 »):
//! a code that does not exist, or the same code twice, does not compile. The
//! doc comment of a variant is its entry in `docs/diagnostics.md` (the
//! problem, then « Correction : » and the usual fix), which [`markdown`]
//! writes and a test keeps equal to the file.

use super::Severity;

/// What a problem is, for the exit status: the inputs' (exit 1) or a fault
/// that is not the inputs' (exit 2: a usage error, an unwritable output, a bug).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Input,
    Fault,
}

/// The families, in the order of `docs/diagnostics.md`: prefix, title, notes.
pub const FAMILIES: &[(&str, &str, &str)] = &[
    ("DON", "Données d'association (`associations/*.json`)", ""),
    (
        "PRG",
        "Programme (`charta.toml`, règles entre fichiers)",
        "",
    ),
    (
        "BIB",
        "Bibliothèque de clauses et gabarits (`clauses/`, `templates/`)",
        "",
    ),
    ("GEN", "Génération (`charta build`)", ""),
    ("DIF", "Comparaison (`charta diff`)", ""),
    ("ECH", "Échanges (`charta export`, `charta import`)", ""),
    ("BIL", "Bilan annuel (`charta review`)", ""),
    ("BUR", "Bureau (`charta serve`)", ""),
    (
        "VER",
        "Actes signés revenus du parapheur (`charta verify`)",
        "",
    ),
    ("FIC", "Fichiers : lecture, encodage, écriture", ""),
    ("CLI", "Ligne de commande", ""),
];

/// The opening of `docs/diagnostics.md`, before the families.
pub const INTRO: &str = "# Diagnostics de charta

Chaque problème que charta signale — dans les données, la bibliothèque de clauses,
les gabarits, la composition du PDF, une comparaison, un échange de données ou un
fichier — est un diagnostic : une gravité (`erreur` ou `avertissement`), un **code
stable**, un lieu (fichier, ligne et colonne, chemin JSON) et une aide qui dit comment
le corriger. La bibliothèque les produit sans rien imprimer ; une seule fonction
(`charta::diagnostic::render`) les met en forme, en français par défaut, en anglais
avec `--lang en` ou une locale anglaise (`LC_ALL`, `LC_MESSAGES`, `LANG`) :

```text
erreur [DON-007] : l'IBAN FR7642559100000801357924653 ne passe pas le contrôle modulo 97
  --> associations/recyclerie.json:11:22
   |
11 |     \"bank\": {\"iban\": \"FR7642559100000801357924653\", \"bic\": \"CCOPFRPPXXX\"},
   |                      ^
  = à : association.bank.iban
  = aide : recopiez l'IBAN depuis le RIB de l'association : un caractère est faux ou deux sont inversés
```

Le rapport `charta check --format json` donne les mêmes champs (`severity`, `code`,
`file`, `line`, `column`, `path`, `message`, `hint`) dans la langue choisie (`lang`).

Un code ne change pas de sens : un nouveau problème reçoit un nouveau code, un code
retiré n'est pas réemployé (d'où les numéros manquants). Chaque code est une variante
de l'énumération `Code` (`src/diagnostic/code.rs`), avec sa gravité, sa nature
(problème des données : statut de sortie 1 ; panne qui n'est pas celle des données :
statut 2) et sa documentation : un diagnostic ne se crée pas sans code, un code non
déclaré ou déclaré deux fois ne compile pas, et cette page est écrite à partir de ces
déclarations (`CHARTA_UPDATE_DOCS=1 cargo test --test it french::`).

Familles : `DON` données d'association, `PRG` programme, `BIB` bibliothèque de clauses et gabarits, `GEN` génération, `PDF` composition typst et pdf, `DIF` comparaison, `ECH` échanges, `BIL` bilan annuel, `FIC` fichiers : lecture, encodage, écriture, `CLI` ligne de commande, `BUR` bureau (`charta serve`).

Les `…` tiennent la place des valeurs propres au cas (identifiant, année, montant).";

super::codes! {
    /// le SIRET … n'est pas fait de chiffres, n'a pas 14 chiffres, ou ne passe pas le contrôle de Luhn (le SIRET ou son SIREN)
    ///
    /// Correction : recopiez le SIRET depuis la fiche SIRENE de l'INSEE
    DON_001: Error, Input;
    /// le numéro RNA `…` n'est pas un W suivi de 9 chiffres
    ///
    /// Correction : recopiez le numéro depuis la fiche de l'association au Répertoire national des associations (par exemple W081001234) ; une association déclarée avant 2010 peut n'avoir qu'un ancien numéro : demandez son numéro W à la préfecture
    DON_002: Error, Input;
    /// le numéro RNA manque
    ///
    /// Correction : indiquez le numéro RNA de l'association (W suivi de 9 chiffres) ; seule une association d'Alsace-Moselle inscrite de droit local n'en a pas : dites-le alors dans `legal_form` (« association inscrite de droit local »)
    DON_003: Error, Input;
    /// `…` n'est pas un IBAN
    ///
    /// Correction : un IBAN est fait de deux lettres (le pays), deux chiffres de contrôle, puis le compte (par exemple FR76 3000 6000 0112 3456 7890 189) ; recopiez-le depuis le RIB de l'association
    DON_004: Error, Input;
    /// l'IBAN … compte … caractères ; un IBAN … en compte …
    ///
    /// Correction : recopiez l'IBAN depuis le RIB de l'association : un caractère manque ou est en trop
    DON_005: Error, Input;
    /// l'IBAN … compte … caractères ; un IBAN en compte de 15 à 34
    ///
    /// Correction : recopiez l'IBAN depuis le RIB de l'association
    DON_006: Error, Input;
    /// l'IBAN … ne passe pas le contrôle modulo 97
    ///
    /// Correction : recopiez l'IBAN depuis le RIB de l'association : un caractère est faux ou deux sont inversés
    DON_007: Error, Input;
    /// IBAN … : la clé RIB … ne correspond pas aux codes banque, guichet et numéro de compte
    ///
    /// Correction : recopiez l'IBAN depuis le RIB de l'association : le code banque, le code guichet ou le numéro de compte est faux
    DON_008: Error, Input;
    /// le BIC `…` n'est pas fait de 8 ou 11 majuscules et chiffres
    ///
    /// Correction : un BIC compte 4 lettres (la banque), 2 lettres (le pays), 2 caractères (la ville) et parfois 3 (l'agence), par exemple AGRIFRPP ou AGRIFRPP867 ; recopiez-le depuis le RIB
    DON_009: Error, Input;
    /// le BIC … est du pays … mais l'IBAN est du pays …
    ///
    /// Correction : vérifiez que l'IBAN et le BIC viennent du même RIB
    DON_010: Warning, Input;
    /// une convention … requiert les coordonnées bancaires de l'association
    ///
    /// Correction : ajoutez `"bank": {"iban": "FR76…", "bic": "…"}` d'après le RIB de l'association : l'article sur le versement les reprend
    DON_011: Error, Input;
    /// `cer_signed_on` `…` n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ
    DON_012: Error, Input;
    /// le code postal `…` n'est pas fait de 5 chiffres
    ///
    /// Correction : écrivez le code postal en 5 chiffres, entre guillemets ("08300")
    DON_013: Error, Input;
    /// `years` est vide
    ///
    /// Correction : indiquez les années couvertes par la convention, par exemple [2026, 2027, 2028]
    DON_014: Error, Input;
    /// les années ne se suivent pas : … est suivie de …
    ///
    /// Correction : indiquez des années consécutives, dans l'ordre, par exemple [2026, 2027, 2028]
    DON_015: Error, Input;
    /// une cpo couvre au moins deux ans ; celle-ci couvre … an(s) …
    ///
    /// Correction : ajoutez l'année suivante, ou faites-en une `"kind": "annuelle"`
    DON_016: Error, Input;
    /// cette cpo couvre … ans ; la circulaire du 29 septembre 2015 recommande 4 ans au plus
    ///
    /// Correction : vérifiez que cette durée est voulue ; l'acte ajoute une clause de revoyure à mi-parcours
    DON_017: Warning, Input;
    /// une convention annuelle couvre une seule année ; celle-ci en couvre … …
    ///
    /// Correction : gardez une seule année, ou faites-en une `"kind": "cpo"`
    DON_018: Error, Input;
    /// `…` est ignoré dans une convention cadre, qui ne comporte pas d'engagement financier
    ///
    /// Correction : retirez-le, ou faites de la convention une `cpo` ou une `annuelle`
    DON_019: Warning, Input;
    /// une convention … requiert `…`
    ///
    /// Correction : ajoutez le champ : l'aide donne sa forme (`funding`, `eligible_cost`, `payment`)
    DON_020: Error, Input;
    /// le financement de … (…) dépasse le coût éligible (…)
    ///
    /// Correction : la contribution ne peut pas dépasser le coût éligible de l'action : diminuez-la ou corrigez `eligible_cost.…`
    DON_021: Error, Input;
    /// le financement ne dépasse jamais 23 000 € par an (au plus …) : sous ce seuil, une convention n'est pas obligatoire
    ///
    /// Correction : le décret n° 2001-495 impose une convention au-delà de 23 000 € par an ; en deçà, une convention est permise : vérifiez qu'elle est voulue
    DON_022: Warning, Input;
    /// une avance de … % n'est pas comprise entre 0 et 100 %
    ///
    /// Correction : `advance_percent` est la part de la contribution de chaque année versée en avance, de 0 à 100
    DON_023: Error, Input;
    /// la date de décision `…` n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ
    DON_024: Error, Input;
    /// la date de signature `…` n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ
    DON_025: Error, Input;
    /// la date de signature … précède la décision du …
    ///
    /// Correction : l'acte se signe après la décision qui l'autorise : vérifiez les deux dates
    DON_026: Warning, Input;
    /// … pour …
    ///
    /// Correction : indiquez une valeur pour chaque année de `convention.years` …
    DON_027: Error, Input;
    /// … pour …, qui n'est pas une année de la convention
    ///
    /// Correction : retirez-la, ou ajoutez l'année à `convention.years` …
    DON_028: Error, Input;
    /// la clause `…` figure deux fois dans `clauses.…`
    ///
    /// Correction : supprimez la répétition
    DON_029: Warning, Input;
    /// la clause `…` (dans `clauses.…`) n'existe pas
    ///
    /// Correction : l'aide propose l'identifiant le plus proche ; `charta clauses PROG` les liste tous
    DON_030: Error, Input;
    /// la clause `…` n'est pas facultative : elle ne peut pas être ajoutée
    ///
    /// Correction : retirez-la de `clauses.add` : elle figure déjà dans toute convention qui remplit ses conditions
    DON_031: Error, Input;
    /// la clause `…` est facultative : il n'y a rien à retirer
    ///
    /// Correction : retirez-la de `clauses.remove` ; une clause facultative n'est incluse que si elle figure dans `clauses.add`
    DON_032: Error, Input;
    /// le tableau de bord n'a aucun objectif
    ///
    /// Correction : ajoutez au moins un objectif rattaché à une priorité de charta.toml (annexe III)
    DON_033: Warning, Input;
    /// l'identifiant d'objectif `…` est employé deux fois (aussi dashboard.objectives[…])
    ///
    /// Correction : donnez à chaque objectif son propre identifiant (O1, O2…)
    DON_034: Error, Input;
    /// l'objectif `…` renvoie à la priorité `…`, que charta.toml ne définit pas
    ///
    /// Correction : employez l'identifiant d'une priorité de charta.toml (l'aide les liste)
    DON_035: Error, Input;
    /// l'objectif `…` n'a aucun indicateur
    ///
    /// Correction : ajoutez au moins un indicateur avec une cible pour chaque année
    DON_036: Warning, Input;
    /// l'identifiant d'indicateur `…` est employé deux fois (aussi dashboard.objectives[…].indicators[…])
    ///
    /// Correction : donnez à chaque indicateur son propre identifiant (O1-I1, O1-I2…)
    DON_037: Error, Input;
    /// l'indicateur quantitatif `…` n'a pas de définition
    ///
    /// Correction : ajoutez `"definition"` : ce qui est compté et comment (par exemple « nombre de personnes distinctes reçues au moins une fois dans l'année, d'après le registre d'accueil »), pour que les deux parties le mesurent de la même façon
    DON_038: Warning, Input;
    /// l'indicateur quantitatif `…` ne dit pas si ses cibles sont des flux annuels ou des stocks
    ///
    /// Correction : ajoutez `"measure": "flow"` si la cible de chaque année compte ce qui est fait pendant l'année, ou `"measure": "stock"` si c'est une valeur cumulée atteinte en fin d'année
    DON_039: Warning, Input;
    /// l'indicateur quantitatif `…` n'a pas d'unité
    ///
    /// Correction : ajoutez `"unit"`, par exemple "personnes", "%" ou "tonnes"
    DON_040: Error, Input;
    /// l'indicateur quantitatif `…` a une cible en texte pour …
    ///
    /// Correction : écrivez un nombre, ou faites de l'indicateur un `"type": "qualitative"`
    DON_041: Error, Input;
    /// l'indicateur quantitatif `…` a une valeur de départ en texte
    ///
    /// Correction : écrivez la valeur de départ comme un nombre
    DON_042: Error, Input;
    /// `measure` est ignoré pour l'indicateur qualitatif `…`
    ///
    /// Correction : retirez-le : seule une cible quantitative est un flux annuel ou un stock
    DON_043: Warning, Input;
    /// l'indicateur qualitatif `…` a une cible en nombre pour …
    ///
    /// Correction : décrivez la cible en mots, ou faites de l'indicateur un `"type": "quantitative"` avec une unité
    DON_044: Error, Input;
    /// l'indicateur qualitatif `…` a une cible vide pour …
    ///
    /// Correction : décrivez ce que le partenariat doit atteindre cette année-là
    DON_045: Error, Input;
    /// l'indicateur qualitatif `…` a une valeur de départ en nombre
    ///
    /// Correction : décrivez la situation de départ en mots, ou rendez l'indicateur quantitatif
    DON_046: Error, Input;
    /// l'indicateur `…` a une valeur de départ mais pas de `baseline_year`
    ///
    /// Correction : ajoutez `"baseline_year"`, l'année où la valeur de départ a été mesurée (par exemple l'année qui précède la convention) : le tableau de bord l'affiche à côté de la valeur
    DON_047: Warning, Input;
    /// l'indicateur `…` a une `baseline_year` mais pas de valeur de départ
    ///
    /// Correction : indiquez la valeur de départ dans `"baseline"`, ou retirez `baseline_year`
    DON_048: Warning, Input;
    /// l'année de référence … de l'indicateur `…` est postérieure à la première année de la convention (…)
    ///
    /// Correction : la valeur de départ est la situation d'où part le partenariat : indiquez une année jusqu'à …, en général …
    DON_049: Error, Input;
    /// la référence de l'acte qui fonde la présomption est vide
    ///
    /// Correction : indiquez le décret de reconnaissance d'utilité publique ou l'arrêté d'agrément (« décret du 14 mars 1987 »)
    DON_050: Error, Input;
    /// `cer_signed_on` et `cer_deemed` sont tous deux donnés : la convention retient la présomption (`cer_deemed`)
    ///
    /// Correction : gardez `cer_deemed` pour une association reconnue d'utilité publique ou agréée, sinon retirez-le
    DON_051: Warning, Input;
    /// date de souscription du contrat d'engagement républicain absente : la convention ne peut pas l'inventer
    ///
    /// Correction : ajoutez `"cer_signed_on": "AAAA-MM-JJ"` (loi n° 2000-321, art. 10-1), ou `"cer_deemed": {"basis": "rup" \| "agrement", "reference": "…"}` pour une association reconnue d'utilité publique ou agréée
    DON_052: Error, Input;
    /// association de droit local sans numéro RNA : son inscription au registre du tribunal judiciaire n'est pas indiquée
    ///
    /// Correction : ajoutez `"register": {"court": "tribunal judiciaire de …", "volume": "…", "folio": "…"}` (ou `"number"`), tel qu'il figure sur l'extrait du registre des associations
    DON_053: Error, Input;
    /// le tribunal qui tient le registre est vide
    ///
    /// Correction : écrivez-le comme dans l'acte : « tribunal judiciaire de Strasbourg »
    DON_054: Error, Input;
    /// une inscription au registre se cite par son volume et son folio ensemble
    ///
    /// Correction : donnez `volume` et `folio`, ou seulement `number`
    DON_055: Error, Input;
    /// l'inscription au registre n'a ni volume et folio, ni numéro
    ///
    /// Correction : recopiez `volume` et `folio` (ou `number`) de l'extrait du registre des associations
    DON_056: Error, Input;
    /// la convention ne dit pas ce que devient la part de la contribution non consommée
    ///
    /// Correction : l'article 10 de la loi n° 2000-321 impose de fixer les conditions de conservation d'une subvention non intégralement consommée : choisissez `"unspent": "keep-reasonable"` (excédent raisonnable conservé sous conditions) ou `"repay"` (reversement), ici ou pour tout le programme dans charta.toml (`[programme] unspent = …`)
    DON_057: Error, Input;
    /// la clause `…` ne se choisit plus par `clauses.…`
    ///
    /// Correction : le sort de la part non consommée se choisit par `convention.unspent` (`keep-reasonable` ou `repay`) ou `[programme] unspent` ; retirez cette entrée
    DON_058: Error, Input;
    /// autres subventions publiques non renseignées : le seuil de 153 000 € (commissaire aux comptes) n'est apprécié que sur cette contribution
    ///
    /// Correction : le seuil de l'article L. 612-4 du code de commerce porte sur toutes les subventions publiques en numéraire : ajoutez `"other_public_subsidies": {"2026": …}` (0 s'il n'y en a pas)
    DON_059: Warning, Input;
    /// `other_public_subsidies` a un montant pour …, qui n'est pas une année de la convention
    ///
    /// Correction : gardez les seules années de `convention.years`
    DON_060: Error, Input;
    /// `other_public_subsidies` n'a pas de montant pour … : cette année, le seuil de 153 000 € n'est apprécié que sur cette contribution
    ///
    /// Correction : donnez un montant pour chaque année (0 s'il n'y en a pas)
    DON_061: Warning, Input;
    /// aide en nature sans description
    ///
    /// Correction : décrivez ce qui est mis à disposition (« locaux de 120 m², 4 rue des Forges »)
    DON_062: Error, Input;
    /// l'aide en nature n'a pas de valeur pour …
    ///
    /// Correction : donnez sa valeur pour chaque année de la convention (0 si elle ne court pas cette année-là)
    DON_063: Error, Input;
    /// l'aide en nature a une valeur pour …, qui n'est pas une année de la convention
    ///
    /// Correction : gardez les seules années de `convention.years`
    DON_064: Error, Input;
    /// une convention-cadre n'engage aucune aide, or une aide en nature est une subvention
    ///
    /// Correction : attribuez l'aide en nature par une convention annuelle ou pluriannuelle, ou faites de celle-ci une `cpo` ou une `annuelle`
    DON_065: Error, Input;
    /// une convention-cadre ne peut pas mettre de locaux à disposition : c'est une subvention en nature
    ///
    /// Correction : retirez la clause : la mise à disposition relève d'une convention particulière qui l'attribue et la valorise
    DON_066: Error, Input;
    /// régime sieg sans paramètres de compensation
    ///
    /// Correction : ajoutez `"sieg": {"basis": "decision-2012-21" \| "reglement-2023-2832", "costs": {…}, "revenues": {…}, "reasonable_profit_percent": 0}` : la base juridique est choisie à l'octroi et les paramètres de la compensation fixés à l'avance (décision 2012/21/UE, art. 4)
    DON_067: Error, Input;
    /// `sieg` n'est lu que pour le régime sieg
    ///
    /// Correction : retirez-le, ou passez `regime` à `sieg`
    DON_068: Warning, Input;
    /// bénéfice raisonnable de … % hors de 0 à 100 %
    ///
    /// Correction : exprimez le bénéfice raisonnable en pourcentage des charges du service (0 s'il n'y en a pas)
    DON_069: Error, Input;
    /// charges ou produits du service manquants pour …
    ///
    /// Correction : donnez `costs` et `revenues` pour chaque année de la convention
    DON_070: Error, Input;
    /// compensation de … (…) supérieure au coût net du service augmenté du bénéfice raisonnable (…)
    ///
    /// Correction : la compensation ne peut excéder le coût net (charges moins produits) et le bénéfice raisonnable : réduisez-la ou corrigez `sieg.costs`/`sieg.revenues`
    DON_071: Error, Input;
    /// la production agricole primaire est exclue du règlement de minimis général (2023/2831, art. 1er)
    ///
    /// Correction : choisissez `"regime": "de-minimis-agricole"` (règlement (UE) n° 1408/2013 modifié par le règlement (UE) 2024/3118, 50 000 € sur trois ans)
    DON_072: Error, Input;
    /// régime de minimis agricole pour une activité qui n'est pas déclarée de production agricole primaire
    ///
    /// Correction : ajoutez `"primary_agriculture": true` si l'aide finance une telle activité ; sinon le régime est `de-minimis`
    DON_073: Warning, Input;
    /// `granted_on` `…` n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ
    DON_074: Error, Input;
    /// plafond de minimis dépassé à l'octroi (…) : cette aide (…, aides en nature comprises) et les aides déclarées des trois années précédentes (…) font …, au-delà des … du …
    ///
    /// Correction : l'aide de minimis compte pour son montant total à la naissance du droit : réduisez-la, ou relevez-la d'un autre régime (décision 2012/21/UE pour un SIEG, régime exempté)
    DON_075: Error, Input;
    /// `…` est donné deux fois
    ///
    /// Correction : supprimez l'un des deux : seul le dernier compterait
    DON_079: Error, Input;
    /// … attendu, trouvé … (type JSON inattendu)
    ///
    /// Correction : écrivez la valeur du type attendu (un nombre sans guillemets, un texte entre guillemets…)
    DON_082: Error, Input;
    /// … est hors limites
    ///
    /// Correction : écrivez un nombre dans les limites du champ
    DON_083: Error, Input;
    /// … attendu, trouvé …
    ///
    /// Correction : écrivez la valeur fixe attendue
    DON_084: Error, Input;
    /// `…` est vide
    ///
    /// Correction : remplissez ce texte (l'aide dit ce qu'il contient)
    DON_085: Error, Input;
    /// un montant en euros (un nombre) attendu, trouvé …
    ///
    /// Correction : écrivez le montant comme un nombre JSON, sans guillemets ni espaces (45000 ou 47500.5)
    DON_086: Error, Input;
    /// le montant … a plus de deux décimales
    ///
    /// Correction : les montants sont en euros et centimes : écrivez …
    DON_087: Error, Input;
    /// le montant … est négatif
    ///
    /// Correction : les montants sont des euros, nuls ou positifs
    DON_088: Error, Input;
    /// valeur inconnue `…`, valeurs possibles : …
    ///
    /// Correction : vouliez-vous dire `…` ?
    DON_089: Error, Input;
    /// l'une des valeurs … attendue, trouvé …
    ///
    /// Correction : écrivez l'une des valeurs permises
    DON_090: Error, Input;
    /// … attendu, trouvé … (aucune des formes permises)
    ///
    /// Correction : écrivez la valeur sous l'une des formes permises (un nombre ou un texte pour une cible)
    DON_091: Error, Input;
    /// champ inconnu `…`
    ///
    /// Correction : corrigez son nom (l'aide propose le plus proche) ou supprimez-le
    DON_092: Error, Input;
    /// champ `…` manquant
    ///
    /// Correction : ajoutez le champ (l'aide dit ce qu'il contient)
    DON_093: Error, Input;
    /// le nom de fichier `….json` n'est pas un identifiant en minuscules
    ///
    /// Correction : renommez le fichier avec des minuscules sans accents, des chiffres et des tirets
    DON_094: Error, Input;
    /// le fichier d'association ne se lit pas en JSON ou ne suit pas le modèle (message de l'analyseur traduit : champ inconnu, champ manquant, type invalide, `,` ou `}` attendu…)
    ///
    /// Correction : corrigez la syntaxe JSON (une virgule, un guillemet ou une accolade qui manque en est la cause habituelle)
    DON_095: Error, Input;
    /// aucun signataire pour l'association (ou le financeur) : l'acte ne serait pas signé par les deux parties
    ///
    /// Correction : ajoutez à `signatories` un signataire de cette partie (`"party": "association"` ou `"funder"`), ou retirez la liste pour les représentants
    DON_096: Error, Input;
    /// budget … déséquilibré : charges …, produits … (écart …)
    ///
    /// Correction : un budget prévisionnel est présenté en équilibre : le total des produits (`convention.budget.<année>.produits`) égale celui des charges
    DON_120: Error, Input;
    /// les charges du budget … (…) diffèrent du coût éligible de l'année (…)
    ///
    /// Correction : le coût éligible est le total des charges du projet : corrigez le budget ou `eligible_cost`
    DON_121: Error, Input;
    /// la subvention `…` du budget … (…) diffère de la contribution de la convention (…)
    ///
    /// Correction : la ligne du financeur (`region` pour une Région, `departement`, `epci`, `commune`, `etat`) est la contribution de l'année : corrigez-la ou `funding`
    DON_122: Error, Input;
    /// budget prévisionnel pour …, année que la convention ne couvre pas
    ///
    /// Correction : un budget par année de `convention.years` (aucun pour une convention-cadre) : corrigez l'année ou retirez ce budget
    DON_123: Error, Input;
    /// `fiscal_year_end` `…` n'est pas une date de clôture « MM-JJ »
    ///
    /// Correction : écrivez le mois et le jour de la clôture de l'exercice, par exemple « 06-30 » (le 29 février n'existe pas chaque année : écrivez « 02-28 »)
    DON_124: Error, Input;
    /// un caractère de contrôle (U+…) n'est pas du texte : une convention ne peut pas l'imprimer
    ///
    /// Correction : supprimez-le (il vient souvent d'un copier-coller depuis un traitement de texte)
    DON_101: Error, Input;
    /// le caractère « … » n'est dans aucune police embarquée : le PDF ne peut pas l'afficher
    ///
    /// Correction : remplacez-le par des lettres ou une ponctuation des alphabets latin, grec ou cyrillique
    DON_102: Error, Input;
    /// la convention n'est pas signée : elle ne peut pas avoir d'avenant
    ///
    /// Correction : tant qu'elle est un projet, modifiez directement ses données et retirez `amendments`
    DON_103: Error, Input;
    /// avenant n° … : l'instance qui l'approuve est vide
    ///
    /// Correction : indiquez l'instance qui a délibéré (« Commission permanente »)
    DON_104: Error, Input;
    /// avenant n° … : le numéro de la délibération qui l'approuve est vide
    ///
    /// Correction : indiquez le numéro de la délibération : l'avenant la vise
    DON_105: Error, Input;
    /// avenant n° … : la date de la délibération `…` n'est pas une date
    ///
    /// Correction : écrivez une date au format AAAA-MM-JJ
    DON_106: Error, Input;
    /// avenant n° … : la délibération du … précède la signature de l'acte qu'il modifie
    ///
    /// Correction : corrigez la date : un avenant modifie un acte déjà signé
    DON_107: Error, Input;
    /// l'avenant n° … n'est pas signé, mais l'avenant n° … le suit
    ///
    /// Correction : seul le dernier avenant peut être un projet : datez la signature, ou retirez les entrées suivantes
    DON_108: Error, Input;
    /// avenant n° … : la date de signature `…` n'est pas une date
    ///
    /// Correction : écrivez une date au format AAAA-MM-JJ, ou null tant que l'avenant est un projet
    DON_109: Error, Input;
    /// avenant n° … : la signature du … précède celle de l'acte précédent
    ///
    /// Correction : les avenants se signent dans l'ordre, après la convention
    DON_110: Error, Input;
    /// avenant n° … : signé le …, avant la délibération qui autorise sa signature
    ///
    /// Correction : corrigez l'une des deux dates
    DON_111: Error, Input;
    /// avenant n° … : le motif (`summary`) est vide
    ///
    /// Correction : écrivez le motif de l'avenant (« Au vu de …, »), ou retirez `summary`
    DON_112: Warning, Input;
    /// régime sieg : le projet est présenté comme une mission que le financeur confie à l'association (« La Région le charge ») : une subvention finance un projet dont l'association a l'initiative
    ///
    /// Correction : décrivez le projet comme celui de l'association (« L'association a conçu … et propose d'assurer … ») : la convention reconnaît le service, elle ne le commande pas (loi n° 2000-321, art. 9-1)
    DON_130: Warning, Input;
    /// régime sieg : l'action n° … ne précise pas ses obligations de service public
    ///
    /// Correction : ajoutez `public_service_obligations` : ce que l'association s'engage à assurer, repris dans l'acte de mandat et à l'annexe I (décision 2012/21/UE, art. 4)
    DON_131: Warning, Input;
    /// l'action n° … a des obligations de service public, qui ne sont lues qu'en régime sieg
    ///
    /// Correction : retirez `public_service_obligations`, ou passez `convention.regime` à `sieg`
    DON_132: Warning, Input;
    /// une association de droit local (`legal_form`) n'est pas inscrite au répertoire national des associations, or un numéro RNA est donné
    ///
    /// Correction : retirez `rna` et donnez `register` (tribunal judiciaire, volume, folio) ; si l'association relève de la loi de 1901, corrigez `legal_form`
    DON_133: Error, Input;
    /// le siège (…) est en Alsace-Moselle : une association qui y a son siège est en principe de droit local, inscrite au tribunal judiciaire et non au RNA
    ///
    /// Correction : vérifiez les statuts : association de droit local, donnez `legal_form`, `register` et `"rna": null`
    DON_134: Warning, Input;
    /// le siège de l'association (…) n'est pas dans le ressort du tribunal administratif que la convention désigne (jugé seulement pour un tribunal que la table de `src/check/courts.rs` connaît)
    ///
    /// Correction : le tribunal compétent est celui du lieu d'exécution (CJA, art. R. 312-11) : donnez `convention.court`
    DON_135: Warning, Input;
    /// la part de la contribution de … (…) est arrondie : le programme écrit ses pourcentages avec moins de décimales
    ///
    /// Correction : relevez `[programme] percent_decimals` (au plus 2), ou acceptez l'arrondi
    DON_136: Warning, Input;
    /// le motif de l'avenant n° … ne dit pas quelle partie l'a demandé
    ///
    /// Correction : ouvrez le motif par la demande qui le fonde (« À la demande de l'association, qui …, »)
    DON_137: Warning, Input;
    /// l'avance ou le bénéfice raisonnable (…) ne s'écrit pas avec le nombre de décimales du programme : la convention le fausserait
    ///
    /// Correction : relevez `[programme] percent_decimals` (au plus 2), ou arrondissez la valeur dans les données
    DON_138: Error, Input;
    /// aide de minimis (…) sans déclaration des aides de minimis reçues par l'association : la convention ne peut affirmer ni leur montant ni le respect du plafond de …
    ///
    /// Correction : ajoutez `association.de_minimis_declared` tel que déclaré : `[]` si aucune aide de minimis n'a été reçue au cours des trois années précédentes, sinon une entrée par aide
    DON_150: Error, Input;
    /// association `…` en préparation : le fichier ne contient que l'association (créé par `charta import` d'une fiche), sa convention n'est pas renseignée ; vérifications, générations et exports la laissent de côté
    ///
    /// Correction : ajoutez au fichier `convention`, `project` et `dashboard` (le modèle : un autre fichier du dossier associations/)
    DON_160: Warning, Input;
    /// le SIRET du financeur … n'est pas valide
    ///
    /// Correction : recopiez le SIRET depuis la fiche SIRENE de l'INSEE
    PRG_001: Error, Input;
    /// la date de la charte `…` n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ
    PRG_002: Error, Input;
    /// charta.toml n'a aucune [[priorities]]
    ///
    /// Correction : ajoutez les priorités du financeur : chaque objectif d'un tableau de bord se rattache à l'une d'elles
    PRG_003: Warning, Input;
    /// un caractère de charta.toml n'est dans aucune police embarquée, ou n'est pas du texte
    ///
    /// Correction : remplacez-le ou supprimez-le
    PRG_004: Error, Input;
    /// collectivité autre qu'un EPCI : aucun fondement de compétence propre au programme (`[programme] legal_basis`) : les conventions ne visent que l'article général du CGCT
    ///
    /// Correction : depuis la loi NOTRe, la clause générale de compétence ne suffit plus : ajoutez `legal_basis = ["l'article L. 4251-12 du code général des collectivités territoriales", …]`, un « Vu » par texte
    PRG_005: Warning, Input;
    /// collectivité autre qu'un EPCI : l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`) : le préambule des conventions ne l'énonce pas
    ///
    /// Correction : ajoutez `public_interest = "…"`, la phrase qui dit en quoi le programme sert un intérêt public local
    PRG_006: Warning, Input;
    /// fondement de compétence vide
    ///
    /// Correction : écrivez le texte tel qu'il suit « Vu » : « l'article L. 1511-2 du code général des collectivités territoriales »
    PRG_007: Error, Input;
    /// l'identifiant de priorité est vide
    ///
    /// Correction : donnez à chaque priorité un identifiant court (P1, P2…)
    PRG_008: Error, Input;
    /// l'identifiant de priorité `…` est employé deux fois (aussi priorities[…])
    ///
    /// Correction : donnez à chaque priorité son propre identifiant : les objectifs y renvoient par identifiant
    PRG_009: Error, Input;
    /// la référence de convention `…` est aussi employée par …
    ///
    /// Correction : donnez à chaque convention sa propre référence : elle identifie l'acte
    PRG_010: Warning, Input;
    /// le SIRET … est aussi celui de …
    ///
    /// Correction : une association, un fichier : fusionnez les deux conventions, ou corrigez le SIRET
    PRG_011: Warning, Input;
    /// charta.toml (ou un autre fichier TOML) ne se lit pas : message de l'analyseur TOML
    ///
    /// Correction : corrigez la syntaxe ou le nom de clé indiqué
    PRG_012: Error, Input;
    /// le programme n'a pas de dossier associations/
    ///
    /// Correction : créez associations/ et mettez-y un fichier JSON par association
    PRG_013: Error, Input;
    /// financeur EPCI : aucun fondement de compétence (`[programme] legal_basis`) : les conventions seraient hors de sa compétence (principe de spécialité) ; refuse chaque convention
    ///
    /// Correction : citez les statuts (arrêté préfectoral) et la compétence exercée, un « Vu » par texte
    PRG_020: Error, Input;
    /// financeur EPCI : l'intérêt public local que sert le programme n'est pas défini (`[programme] public_interest`) ; refuse chaque convention
    ///
    /// Correction : ajoutez `public_interest = "…"`
    PRG_021: Error, Input;
    /// financeur EPCI : aucun fondement de compétence ne cite les statuts
    ///
    /// Correction : ajoutez à `legal_basis` l'arrêté portant statuts et l'article ou la rubrique de la compétence
    PRG_022: Warning, Input;
    /// l'IBAN … est aussi celui de … : deux associations recevraient leurs versements sur le même compte (IBAN valides seulement)
    ///
    /// Correction : vérifiez le RIB de chaque association
    PRG_023: Warning, Input;
    /// `percent_decimals = …` : un pourcentage s'écrit avec au plus deux décimales
    ///
    /// Correction : choisissez 0, 1 ou 2 (2 par défaut)
    PRG_024: Error, Input;
    /// la convention (ou l'avenant n° …) cite la décision n° … que `charta.toml` ne décrit pas (dit seulement quand `charta.toml` décrit des délibérations)
    ///
    /// Correction : ajoutez `[deliberations."…"]` à `charta.toml` (organe, date, rapporteur, imputation), ou corrigez le numéro de la décision dans le fichier de l'association
    PRG_025: Warning, Input;
    /// la décision n° … est datée du …, après la signature de la convention (ou de l'avenant n° …) qu'elle approuve, le … : une convention se signe après la délibération qui l'autorise
    ///
    /// Correction : corrigez la date de la délibération dans `charta.toml` ou la date de signature ; une signature le jour même de la délibération est admise
    PRG_026: Error, Input;
    /// la convention (ou l'avenant n° …) cite la décision n° … du … (…), mais `charta.toml` la décrit du … (…) : le visa de la convention et la délibération diraient deux choses
    ///
    /// Correction : recopiez dans `convention.decision` (ou `amendments[].decision`) la date et l'organe de `[deliberations."…"]`, ou corrigez `charta.toml`
    PRG_027: Error, Input;
    /// la décision n° … ne dit pas quel acte a adopté le budget de l'exercice (`budget` de `[deliberations."…"]`) : le visa du budget reste une mention à compléter dans le projet de délibération
    ///
    /// Correction : ajoutez `budget = "délibération n° … du Conseil … du …"`, l'acte qui a adopté le budget de l'exercice de la séance, ou complétez le visa à la main
    PRG_028: Warning, Input;
    /// le gabarit `…` a deux parties d'identifiant `…`
    ///
    /// Correction : donnez à chaque partie d'un gabarit son propre identifiant
    BIB_001: Error, Input;
    /// gabarit `…` : … `…` n'a pas de titre
    ///
    /// Correction : donnez-lui un `title` : il s'imprime après « Article N – » ou « Annexe N – »
    BIB_002: Warning, Input;
    /// le type de gabarit `…` n'est pas un type de convention (cpo, annuelle, cadre) : il n'est jamais employé
    ///
    /// Correction : donnez à `kind` la valeur cpo, annuelle ou cadre
    BIB_003: Warning, Input;
    /// la clause `…` remplit la partie `…`, qu'aucun gabarit ne comporte
    ///
    /// Correction : donnez à `part` l'identifiant d'un article, d'un bloc ou d'une annexe de templates/<type>.toml (l'aide propose le plus proche)
    BIB_004: Error, Input;
    /// clause `…` : sa condition nomme `…`, que le contexte ne comporte pas
    ///
    /// Correction : employez un champ du contexte décrit dans docs/design.md
    BIB_005: Error, Input;
    /// la clause `…` emploie `…`, que le contexte ne comporte pas
    ///
    /// Correction : employez un champ du contexte décrit dans docs/design.md, ou testez-le avec `is defined`
    BIB_006: Error, Input;
    /// la clause `…` cite `…`, qui n'est ni une clause ni une partie
    ///
    /// Correction : vouliez-vous dire `…` ?
    BIB_007: Error, Input;
    /// la clause `…` cite `…`, qu'une convention `…` ne comporte jamais
    ///
    /// Correction : ajoutez la partie à templates/….toml, ou donnez à `…` une condition qui exclut les conventions …
    BIB_008: Error, Input;
    /// la clause `…` cite `…` avec `…()`, mais c'est …
    ///
    /// Correction : citez un article par `article(id=…)`, une annexe par `annexe(id=…)` ; un bloc ne se cite pas
    BIB_009: Error, Input;
    /// la clause `…` cite la partie `…`, qu'aucune clause ne remplit
    ///
    /// Correction : ajoutez une clause avec cette `part`, ou retirez la citation
    BIB_010: Error, Input;
    /// la clause `…` cite …, qui peut manquer quand `…` s'applique : …
    ///
    /// Correction : protégez la citation par `{% if '…' in clauses_in_use %}…{% endif %}`, ou donnez à `…` une condition qui implique celle de `…`
    BIB_011: Warning, Input;
    /// clause `…` : condition invalide `…` : …
    ///
    /// Correction : une condition est une expression Tera comme `convention.regime == 'sieg'` ou `above_153k`
    BIB_013: Error, Input;
    /// clause `…` : sa condition ne peut pas être évaluée
    ///
    /// Correction : corrigez la condition (une expression Tera sur le contexte)
    BIB_014: Error, Input;
    /// aucun gabarit pour le type de convention `…`
    ///
    /// Correction : ajoutez templates/<type>.toml au programme, ou employez cpo, annuelle ou cadre
    BIB_015: Error, Input;
    /// … : la clause `…` cite `…`, qui ne fait pas partie de cette convention (ou n'existe pas)
    ///
    /// Correction : ajoutez `…` à cette convention, ou rendez la citation dans `…` conditionnelle à `'…' in clauses_in_use`
    BIB_016: Error, Input;
    /// clause `…` : erreur de syntaxe ou de rendu Tera dans son texte
    ///
    /// Correction : corrigez le texte de la clause à la ligne indiquée
    BIB_017: Error, Input;
    /// l'identifiant de clause `…` est défini deux fois dans le programme
    ///
    /// Correction : l'autre définition est … ; donnez un autre identifiant à l'une des deux
    BIB_018: Error, Input;
    /// la clause n'a pas d'en-tête TOML
    ///
    /// Correction : commencez le fichier par une ligne `+++`, les clés id, version, title, summary, source, part, puis une ligne `+++`
    BIB_019: Error, Input;
    /// en-tête de clause invalide : …
    ///
    /// Correction : corrigez la clé ou la valeur de l'en-tête TOML indiquée
    BIB_020: Error, Input;
    /// l'identifiant de clause `…` n'est pas en minuscules
    ///
    /// Correction : n'utilisez que des minuscules sans accents, des chiffres et des tirets
    BIB_021: Error, Input;
    /// l'identifiant de clause intégrée `…` est défini deux fois
    ///
    /// Correction : défaut de la bibliothèque intégrée : signalez-le
    BIB_022: Error, Input;
    /// la clause `…` manque à la bibliothèque de clauses (clauses d'avenant)
    ///
    /// Correction : rétablissez-la (clauses/avenant/), ou écrivez la vôtre dans le dossier clauses/ du programme
    BIB_023: Error, Input;
    /// contexte invalide pour la clause `…`
    ///
    /// Correction : défaut de charta : signalez-le avec le fichier d'association
    BIB_024: Error, Input;
    /// format de sortie inconnu `…` ; charta écrit …
    ///
    /// Correction : choisissez parmi md, pdf, odt, docx
    GEN_001: Error, Input;
    /// --only … : aucun fichier d'association `associations/….json`
    ///
    /// Correction : donnez à --only le nom d'un fichier de associations/ sans .json
    GEN_002: Error, Input;
    /// impossible de lancer les fils de calcul : …
    ///
    /// Correction : réessayez avec moins de tâches (--jobs)
    GEN_003: Error, Fault;
    /// la convention `…` n'a plus de fichier d'association ; ses fichiers restent en place
    ///
    /// Correction : rétablissez le fichier d'association, ou supprimez les fichiers si la convention est retirée (un acte signé prend fin selon ses termes)
    GEN_004: Warning, Input;
    /// … : erreur interne en établissant cette convention ; ses fichiers précédents restent en place
    ///
    /// Correction : c'est un défaut de charta ou de Typst : signalez-le avec ce fichier d'association
    GEN_005: Error, Fault;
    /// … : la convention signée (et ses avenants signés) changerait ; fichiers laissés intacts
    ///
    /// Correction : une convention signée ne change que par avenant : ajoutez l'avenant suivant à `convention.amendments` (l'aide montre l'entrée), ou rétablissez les données du texte en vigueur
    GEN_006: Error, Input;
    /// … : un format de sortie n'a pas pu être produit (la composition Typst du PDF a échoué…)
    ///
    /// Correction : l'aide indique la ligne de la source Typst ou de la donnée en cause
    GEN_007: Error, Input;
    /// … : la convention a des avenants, mais son texte signé n'est ni archivé (signed/…/) ni dans le dossier de sortie
    ///
    /// Correction : rétablissez le dossier signed/…/ du programme, ou les données telles que signées, sans `amendments`, pour une première génération qui l'archive
    GEN_008: Error, Input;
    /// … : l'avenant n° … est signé et archivé, mais les données en déclarent moins de signés
    ///
    /// Correction : rétablissez la date de signature de l'avenant dans `convention.amendments`
    GEN_009: Error, Input;
    /// … : plusieurs avenants sont déclarés signés d'un coup, mais charta n'a pas rédigé les suivants
    ///
    /// Correction : déclarez signé un avenant à la fois, après l'avoir généré
    GEN_010: Error, Input;
    /// … : un fichier de l'archive signée est illisible
    ///
    /// Correction : rétablissez le dossier signed/…/ depuis la gestion de versions
    GEN_011: Error, Input;
    /// … : l'archive n'a pas le texte en vigueur après l'avenant n° …
    ///
    /// Correction : rétablissez le dossier signed/…/ depuis la gestion de versions
    GEN_012: Error, Input;
    /// … : impossible d'archiver l'avenant signé
    ///
    /// Correction : vérifiez les droits d'écriture du dossier du programme
    GEN_014: Error, Fault;
    /// … : impossible d'écrire la sortie
    ///
    /// Correction : vérifiez l'espace disque et les droits du dossier de sortie
    GEN_015: Error, Fault;
    /// … : un format de l'avenant ou de la version consolidée n'a pas pu être produit
    ///
    /// Correction : l'aide indique la cause (composition Typst, ODT, DOCX)
    GEN_016: Error, Input;
    /// … : impossible d'archiver un format de l'avenant signé
    ///
    /// Correction : vérifiez les droits d'écriture du dossier du programme
    GEN_017: Error, Fault;
    /// … : un format de l'avenant n'a pas pu être produit
    ///
    /// Correction : l'aide indique la cause
    GEN_018: Error, Input;
    /// … : l'avenant n° … ne modifie rien : aucun avenant n'est écrit
    ///
    /// Correction : retirez l'entrée de `convention.amendments`, ou modifiez les données
    GEN_019: Warning, Input;
    /// … : la convention signée n'a pas pu être archivée
    ///
    /// Correction : la prochaine génération réessaiera ; vérifiez les droits d'écriture du dossier du programme
    GEN_020: Warning, Input;
    /// `…` n'est pas un dossier de génération : il n'a pas de manifest.json (`charta manifest merge`)
    ///
    /// Correction : donnez les dossiers OUT des générations `--shard i/n`
    GEN_021: Error, Input;
    /// manifeste illisible (une part à réunir)
    ///
    /// Correction : générez la part à nouveau
    GEN_022: Error, Input;
    /// la convention `…` figure dans deux parts, différente
    ///
    /// Correction : chaque convention appartient à une seule part : générez les parts depuis le même programme, chacune dans son dossier
    GEN_023: Error, Input;
    /// une part vient d'un autre programme ou d'une autre version de charta
    ///
    /// Correction : générez toutes les parts avec la même version, depuis le même programme
    GEN_024: Error, Input;
    /// impossible d'écrire la fusion
    ///
    /// Correction : vérifiez l'espace disque et les droits du dossier de destination
    GEN_025: Error, Fault;
    /// le manifeste du dossier de destination est illisible
    ///
    /// Correction : fusionnez dans un dossier vide, ou supprimez ce manifeste
    GEN_026: Error, Input;
    /// `…` ne correspond plus à son manifeste (fichier modifié depuis la génération)
    ///
    /// Correction : générez la part à nouveau
    GEN_027: Error, Input;
    /// … : la convention (ou l'avenant n° …) datée du … n'est pas le projet établi par la dernière génération (ce qui diffère) ; rien n'est archivé, fichiers laissés intacts
    ///
    /// Correction : l'acte signé est le projet imprimé : rétablissez les autres données comme dans ce projet, la date seule renseignée ; la modification passe par l'avenant suivant (l'aide montre l'entrée)
    GEN_028: Error, Input;
    /// … : l'avenant n° … est daté, mais le dossier de sortie n'a aucun projet de cet avenant établi par charta ; rien n'est archivé
    ///
    /// Correction : remettez la date à null, générez, vérifiez le projet contre le papier signé, puis renseignez la date
    GEN_029: Error, Input;
    /// … : la convention (ou l'avenant n° …) datée du … ne serait plus, hors de sa date, le projet imprimé pour signature : la date change aussi le reste du texte (…) ; rien n'est archivé, fichiers laissés intacts
    ///
    /// Correction : le texte dépend de la date de signature (période de trois ans des aides de minimis…) : faites établir, vérifier et signer un projet aux données exactes à cette date, puis renseignez la date
    GEN_030: Error, Input;
    /// la décision n° … n'est pas décrite dans `charta.toml`, ou aucune convention ne la porte
    ///
    /// Correction : ajoutez `[deliberations."…"]` à `charta.toml` (`body`, `date`, `imputation`…), et vérifiez le numéro cité par les conventions (`convention.decision.number`, `amendments[].decision.number`) ; `charta deliberation --all` écrit toutes celles que `charta.toml` décrit
    GEN_031: Error, Input;
    /// la délibération n° … adoptée changerait (…) : son texte archivé dans `signed/deliberations/` n'est pas celui que donnent les données ; rien n'est remplacé
    ///
    /// Correction : une délibération adoptée ne change plus : rétablissez les données qu'elle a approuvées (montants, conventions, dates), ou faites adopter une nouvelle délibération sous un autre numéro
    GEN_032: Error, Input;
    /// la délibération n° … ne peut pas être écrite ou archivée (dossier de sortie, `signed/deliberations/`, format)
    ///
    /// Correction : l'aide indique la cause : droits du dossier, disque plein, ou composition du format
    GEN_033: Error, Fault;
    /// … : la convention porte la décision n° … mais ses données ont des erreurs : elle est écartée de la délibération, comme `charta build` l'écarte
    ///
    /// Correction : corrigez les erreurs que `charta check` signale pour ce fichier, puis écrivez la délibération à nouveau
    GEN_034: Warning, Input;
    /// … : signée électroniquement (`[signature]`), la convention datée du … donnerait un PDF autre que celui envoyé pour signature ; rien n'est archivé, fichiers laissés intacts
    ///
    /// Correction : le PDF signé est celui qui a été envoyé : rétablissez ce qui a changé depuis (mise en page, `[signature]`, version de charta) et générez à nouveau, ou faites signer le nouveau PDF
    GEN_035: Error, Input;
    /// la comparaison est impossible : fichier illisible, pas une convention établie par charta, fichier et dossier mêlés, sortie impossible à écrire
    ///
    /// Correction : comparez deux fichiers .md établis par charta, un .md et sa copie .odt/.docx modifiée, ou deux dossiers de sortie
    DIF_001: Error, Fault;
    /// … ne se lit pas : l'export serait incomplet
    ///
    /// Correction : corrigez ce fichier (`charta check`) puis relancez l'export
    ECH_001: Error, Input;
    /// le classeur ne s'écrit pas : …
    ///
    /// Correction : vérifiez que le dossier est accessible en écriture
    ECH_002: Error, Input;
    /// … ne se lit pas : …
    ///
    /// Correction : donnez un classeur .xlsx ou .ods, ou un dossier de fichiers .csv (un par feuille)
    ECH_003: Error, Input;
    /// convention … (…) : les modalités de versement manquent, le champ SCDL « conditionsVersement » ne peut pas être déduit
    ///
    /// Correction : ajoutez `"payment": {"advance_percent": …}` à la convention, comme elle a été signée
    ECH_004: Error, Input;
    /// convention … (…) : champ SCDL « … » = « … » : …
    ///
    /// Correction : corrigez … : un fichier SCDL qui ne valide pas contre le schéma subventions 2.1.1 n'est pas écrit
    ECH_005: Error, Input;
    /// … ne se lit pas : impossible de savoir si sa convention est à publier
    ///
    /// Correction : corrigez ce fichier (`charta check`) puis relancez l'export
    ECH_006: Error, Input;
    /// Feuille!F12 : « … » : une cellule du classeur importé ne se lit pas (ce n'est pas un nombre, une date, une année, un montant au centime, une valeur de la liste)
    ///
    /// Correction : saisissez la valeur sous la forme que dit l'aide (nombre seul, date 2026-02-10, valeur parmi celles proposées)
    ECH_007: Error, Input;
    /// … : le fichier existant ne se lit pas (…) ; l'import ne l'écrase pas
    ///
    /// Correction : corrigez ou déplacez ce fichier (`charta check`), puis relancez l'import
    ECH_008: Error, Input;
    /// … : convention signée, fichier laissé tel quel ; le classeur change …
    ///
    /// Correction : une convention signée ne change que par avenant : rétablissez ses valeurs dans le classeur
    ECH_009: Warning, Input;
    /// convention … : elle a des avenants, mais son texte signé n'est pas archivé (signed/…/)
    ///
    /// Correction : générez la convention (`charta build`) pour archiver l'acte signé, ou rétablissez le dossier signed/…/
    ECH_010: Error, Input;
    /// convention … : les données de l'acte signé manquent à l'archive
    ///
    /// Correction : rétablissez le dossier signed/…/ depuis la gestion de versions
    ECH_011: Error, Input;
    /// Feuille!F12 : une cellule obligatoire du classeur importé est vide (identifiant, année, date, montant, nature…)
    ///
    /// Correction : saisissez la donnée : charta n'invente pas une donnée absente
    ECH_020: Error, Input;
    /// Feuille!A1 : une feuille ou une colonne du classeur manque, ou l'en-tête d'une colonne de cibles n'est pas « Cible » suivi de l'année
    ///
    /// Correction : repartez d'un classeur écrit par `charta export xlsx`, ou rétablissez l'en-tête exact en ligne 1
    ECH_021: Error, Input;
    /// Feuille!F12 : « … » : un SIRET (chiffres, longueur, clé de Luhn), un numéro RNA (W et 9 chiffres) ou un code postal (5 chiffres) ne peut pas être juste
    ///
    /// Correction : recopiez l'identifiant depuis sa source (avis INSEE, récépissé de déclaration) ; un code postal se saisit comme texte (01000)
    ECH_022: Error, Input;
    /// Feuille!A12 : « … » : la même association, la même année d'une association, le même objectif ou le même indicateur est sur deux lignes
    ///
    /// Correction : une ligne par association, par année, par objectif, par indicateur : fusionnez ou supprimez le doublon
    ECH_023: Error, Input;
    /// Feuille!A12 : « … » : une ligne renvoie à une association absente de « Associations », à un objectif absent de « Objectifs », ou à une clause que la bibliothèque n'a pas
    ///
    /// Correction : corrigez l'identifiant, ou ajoutez ce qu'il désigne (`charta clauses` liste les clauses)
    ECH_024: Error, Input;
    /// Feuille!F12 : des cellules se contredisent (IBAN sans BIC, charges SIEG sans fondement, ligne « aucune » avec un montant ou à côté d'aides, une même aide en nature décrite deux fois autrement)
    ///
    /// Correction : gardez les cellules qui vont ensemble : les deux ou aucune, une ligne « aucune » seule, une description par aide
    ECH_025: Error, Input;
    /// Feuille!F12 : une année de la convention n'a pas sa contribution dans « Financements », ou un indicateur n'a pas sa cible pour cette année
    ///
    /// Correction : saisissez la contribution ou la cible de l'année (ajoutez la ligne ou la colonne « Cible … »), ou retirez l'année des années de la convention
    ECH_026: Error, Input;
    /// la fiche d'association importée n'est pas du JSON, ou n'est pas une réponse de l'API Entreprise (pas d'objet `data`)
    ///
    /// Correction : donnez le corps JSON de la réponse de `GET /v4/djepva/api-association/associations/{siren_or_rna}`, tel qu'enregistré
    ECH_040: Error, Input;
    /// data.adresse_siege.code_postal : une valeur dont l'import a besoin manque à la fiche, ou n'a pas la forme attendue (texte, nombre, SIREN, SIRET, RNA, code postal, année)
    ///
    /// Correction : la fiche est incomplète : obtenez-la de nouveau, ou complétez le fichier d'association à la main
    ECH_041: Error, Input;
    /// l'import d'une fiche demande la date à laquelle elle a été obtenue (`--date AAAA-MM-JJ`)
    ///
    /// Correction : ajoutez `--date` avec le jour où la fiche a été obtenue : c'est la date de chaque valeur importée
    ECH_042: Error, Input;
    /// … : convention signée, fichier laissé tel quel ; la fiche change …
    ///
    /// Correction : une convention signée ne change que par avenant : les valeurs de la fiche ne s'y reportent pas
    ECH_043: Warning, Input;
    /// … : ce que la fiche ne donne pas (représentant, SIRET) ou signale (association inactive, valeurs prises d'un établissement secondaire)
    ///
    /// Correction : vérifiez la valeur et complétez le fichier d'association à la main
    ECH_044: Warning, Input;
    /// comptes-rendus.xlsx, atelier-velo!D12 : « douze mille » : le montant réalisé n'est pas un nombre
    ///
    /// Correction : saisissez un montant en euros, positif ou nul, au plus deux décimales (12500 ou 12500,50), ou laissez la cellule vide
    ECH_060: Error, Input;
    /// comptes-rendus.xlsx, atelier-velo!D12 : un montant réalisé négatif
    ///
    /// Correction : saisissez un montant positif ou nul ; une recette en moins se porte sur la ligne de produits
    ECH_061: Error, Input;
    /// comptes-rendus.xlsx, atelier-velo!D12 : un montant de plus de deux décimales (12500,555)
    ///
    /// Correction : arrondissez au centime : au plus deux décimales
    ECH_062: Error, Input;
    /// comptes-rendus.xlsx, atelier-velo!C7 : « Reçu le » n'est pas une date
    ///
    /// Correction : saisissez la date de réception (12/04/2027 ou 2027-04-12), ou laissez la cellule vide tant qu'il n'est pas reçu
    ECH_063: Error, Input;
    /// comptes-rendus.xlsx : une feuille que charta ne connaît pas, ou l'identifiant d'une association absente du programme
    ///
    /// Correction : retirez la feuille, ou rétablissez l'identifiant (le nom du fichier associations/<id>.json)
    ECH_064: Error, Input;
    /// comptes-rendus.xlsx : la feuille d'une association dont la convention ne finance pas l'exercice du classeur
    ///
    /// Correction : retirez la feuille, ou faites le classeur d'un exercice couvert par la convention
    ECH_065: Error, Input;
    /// comptes-rendus.xlsx, atelier-velo!F12 : une valeur dans une cellule que charta ne lit pas (ligne ajoutée, colonne sans objet) : elle serait perdue
    ///
    /// Correction : portez la valeur sur une ligne du formulaire (colonne « Réalisé » ou « Explication de l'écart »), ou videz la cellule
    ECH_066: Error, Input;
    /// comptes-rendus.xlsx : la structure du classeur est abîmée (exercice illisible, ligne du formulaire supprimée ou en double, association sur deux feuilles)
    ///
    /// Correction : rétablissez la ligne ou l'année, ou refaites le classeur avec `charta review --template --format xlsx`
    ECH_067: Error, Input;
    /// reviews/…/<id>.crf.json : le compte rendu existant ne se lit pas ; l'import du classeur ne l'écrase pas
    ///
    /// Correction : corrigez ou déplacez ce fichier, puis relancez l'import
    ECH_068: Error, Input;
    /// le classeur des comptes rendus financiers ne s'écrit pas
    ///
    /// Correction : signalez l'erreur avec la version de charta et le programme
    ECH_069: Error, Fault;
    /// le fichier de bilan n'est pas du JSON valide : …
    ///
    /// Correction : corrigez la syntaxe JSON (virgule, guillemet ou accolade manquants)
    BIL_001: Error, Input;
    /// le dossier reviews/… n'est pas une année
    ///
    /// Correction : les bilans vont dans reviews/<année>/<association>.json, par exemple reviews/2026/
    BIL_002: Error, Input;
    /// une valeur du fichier de bilan n'a pas le type attendu
    ///
    /// Correction : l'aide dit la forme attendue
    BIL_003: Error, Input;
    /// champ inconnu `…`
    ///
    /// Correction : corrigez le nom du champ (l'aide propose le plus proche) ou supprimez-le
    BIL_004: Error, Input;
    /// … doit être un texte, pas …
    ///
    /// Correction : écrivez-le entre guillemets, ou mettez null
    BIL_005: Error, Input;
    /// `…` est donné deux fois
    ///
    /// Correction : supprimez l'un des deux : seul le dernier compterait
    BIL_006: Error, Input;
    /// un fichier de bilan est un objet JSON, pas …
    ///
    /// Correction : voir `charta review --template` pour un fichier à remplir
    BIL_007: Error, Input;
    /// aucune association `…` dans le programme
    ///
    /// Correction : le nom du fichier est l'identifiant de l'association : il faut associations/….json (valide), ou renommer ce fichier
    BIL_008: Error, Input;
    /// l'année … n'est pas une année de la convention de `…` (…)
    ///
    /// Correction : placez le bilan dans reviews/<année>/ d'une année couverte par la convention
    BIL_009: Error, Input;
    /// `date` « … » n'est pas une date valide
    ///
    /// Correction : écrivez une date du calendrier au format AAAA-MM-JJ, par exemple 2027-03-15
    BIL_010: Error, Input;
    /// `indicators` doit être un objet, pas …
    ///
    /// Correction : un objet dont les clés sont les identifiants des indicateurs (« O1-I1 »)
    BIL_011: Error, Input;
    /// l'indicateur `…` (…) n'est pas renseigné
    ///
    /// Correction : ajoutez `"…": { … }` ; le bilan le dira « non renseigné »
    BIL_012: Warning, Input;
    /// `finances` doit être un objet, pas …
    ///
    /// Correction : champs possibles : …
    BIL_013: Error, Input;
    /// `…` n'est pas un nombre fini
    ///
    /// Correction : écrivez un nombre
    BIL_014: Error, Input;
    /// `…` est négatif (…)
    ///
    /// Correction : seuls `resultat` et `fonds_propres` peuvent être négatifs
    BIL_015: Error, Input;
    /// `…` doit être un nombre, pas …
    ///
    /// Correction : écrivez le montant sans guillemets ni symbole (12500.50), ou null s'il n'est pas connu
    BIL_016: Error, Input;
    /// indicateur inconnu `…` : il n'est pas dans le tableau de bord de la convention
    ///
    /// Correction : employez l'identifiant d'un indicateur du tableau de bord de la convention
    BIL_017: Error, Input;
    /// l'indicateur `…` doit être un objet, pas …
    ///
    /// Correction : écrivez { "value": 12 }
    BIL_018: Error, Input;
    /// la valeur de `…` doit être un nombre, pas …
    ///
    /// Correction : écrivez le nombre sans guillemets ni unité (418 ou 52.5), ou null s'il n'est pas connu
    BIL_019: Error, Input;
    /// statut inconnu « … » pour `…`
    ///
    /// Correction : vouliez-vous dire « … » ?
    BIL_020: Error, Input;
    /// le statut de `…` doit être un texte, pas …
    ///
    /// Correction : statuts possibles : « atteint », « partiellement atteint », « non atteint »
    BIL_021: Error, Input;
    /// `…` est un indicateur qualitatif : il prend un `status`, pas une `value`
    ///
    /// Correction : écrivez "status": « atteint », « partiellement atteint » ou « non atteint »
    BIL_022: Error, Input;
    /// `…` est un indicateur quantitatif : il prend une `value` (un nombre), pas un `status`
    ///
    /// Correction : écrivez "value": la valeur réalisée ; le statut est calculé à partir de la cible
    BIL_023: Error, Input;
    /// association `…` ignorée : son fichier ne peut pas être lu
    ///
    /// Correction : lancez `charta check` pour voir les erreurs
    BIL_024: Warning, Input;
    /// … : la mise en page PDF a échoué : …
    ///
    /// Correction : c'est un défaut de charta ou de sa mise en page, pas des données : signalez-le
    BIL_025: Error, Fault;
    /// impossible de démarrer les threads de travail : …
    ///
    /// Correction : réessayez avec moins de tâches (--jobs)
    BIL_026: Error, Fault;
    /// `payments` doit être une liste, pas …
    ///
    /// Correction : écrivez [{ "date": "2026-03-15", "amount": 15000, "kind": "avance" }], ou [] si aucun versement n'est enregistré
    BIL_027: Error, Input;
    /// un versement est un objet, pas …
    ///
    /// Correction : écrivez { "date": "2026-03-15", "amount": 15000, "kind": "avance" }
    BIL_028: Error, Input;
    /// le versement n'a pas de `…`
    ///
    /// Correction : un versement donne sa date (`date`, AAAA-MM-JJ), son montant (`amount`, en euros) et sa nature (`kind` : « avance » ou « solde »)
    BIL_029: Error, Input;
    /// la date du versement (…) n'est pas une date valide
    ///
    /// Correction : écrivez la date du versement entre guillemets au format AAAA-MM-JJ, par exemple "2026-03-15"
    BIL_030: Error, Input;
    /// le montant du versement (…) n'est pas un montant en euros positif
    ///
    /// Correction : écrivez le montant versé en euros, sans guillemets ni symbole, au plus deux décimales (12345.67)
    BIL_031: Error, Input;
    /// nature de versement inconnue (…)
    ///
    /// Correction : vouliez-vous dire « … » ? (natures possibles : « avance », « solde »)
    BIL_032: Error, Input;
    /// un deuxième solde pour l'année (le premier est `payments[…]`)
    ///
    /// Correction : le solde est le dernier versement de la subvention de l'année : écrivez les autres versements comme « avance »
    BIL_033: Error, Input;
    /// la convention `…` est signée et a des avenants, mais son texte signé n'est pas archivé (signed/…/) : les cibles et le montant en vigueur ne peuvent pas être établis ; ou : l'avenant n° … de `…` est signé selon les données, mais il n'est pas archivé
    ///
    /// Correction : lancez `charta build` : la construction archive la convention signée et ses avenants signés ; puis relancez `charta review`
    BIL_034: Error, Input;
    /// les données de l'acte signé manquent à l'archive de `…` : …
    ///
    /// Correction : une archive n'est jamais réécrite : restaurez ce fichier depuis la gestion de versions du programme
    BIL_035: Error, Input;
    /// … : erreur interne en établissant le bilan de cette association (…) ; ses fichiers précédents restent en place
    ///
    /// Correction : c'est un défaut de charta ou de Typst, pas une faute des données : signalez-le avec ce fichier de bilan ; les autres bilans et la synthèse ont été écrits
    BIL_036: Error, Fault;
    /// un compte rendu financier est un objet JSON, pas … ; ou : `charges`/`produits` doit être un objet
    ///
    /// Correction : voir `charta review --template`, qui écrit reviews/<année>/<id>.crf.json à remplir
    BIL_120: Error, Input;
    /// … n'est pas un montant en euros positif ou nul (compte rendu financier)
    ///
    /// Correction : écrivez un nombre en euros, au plus deux décimales (12500 ou 12500.5), ou null
    BIL_121: Error, Input;
    /// `received_on` n'est pas une date valide (compte rendu financier)
    ///
    /// Correction : écrivez la date de réception entre guillemets au format AAAA-MM-JJ, ou null tant qu'il n'est pas reçu
    BIL_122: Error, Input;
    /// `…` n'est pas une ligne du budget ; ou : l'explication de `…` doit être un texte (compte rendu financier, `explications`)
    ///
    /// Correction : la clé est celle de la ligne expliquée, par exemple `charges.personnel`, et l'explication un texte entre guillemets
    BIL_123: Error, Input;
    /// `--on …` n'est pas une date
    ///
    /// Correction : donnez la date du bilan au format AAAA-MM-JJ, par exemple --on 2027-09-15
    BIL_124: Error, Fault;
    /// impossible de tirer les secrets du bureau au hasard (ou d'intercepter Ctrl-C)
    ///
    /// Correction : le système n'a pas de source d'aléa : signalez-le
    BUR_001: Error, Fault;
    /// impossible d'écouter sur 127.0.0.1:…
    ///
    /// Correction : le port est pris : choisissez-en un autre avec `--port`
    BUR_002: Error, Fault;
    /// le bureau s'est arrêté sur une erreur : …
    ///
    /// Correction : le système a refusé de servir les connexions (par exemple plus de descripteurs de fichiers) : relancez le bureau, et signalez-le si cela se reproduit
    BUR_003: Error, Fault;
    /// … n'est pas un PDF (`charta verify`)
    ///
    /// Correction : donnez le PDF signé tel que le parapheur l'a rendu ; un PDF commence par « %PDF- »
    VER_001: Error, Input;
    /// ce PDF est tronqué ou prolongé : il ne se termine pas par la fin d'une révision (startxref, %%EOF), ou une signature couvre des octets au-delà de sa fin
    ///
    /// Correction : le fichier a été coupé ou des octets lui ont été ajoutés : redemandez-le au parapheur
    VER_002: Error, Input;
    /// ce PDF ne porte aucune signature
    ///
    /// Correction : donnez le PDF que le parapheur a rendu après la signature, pas celui qui lui a été envoyé
    VER_003: Error, Input;
    /// la signature n° … ne couvre pas tout ce qu'elle devrait (sa plage /ByteRange ne va pas du début du fichier à la fin de sa révision en ne laissant de côté que sa propre valeur), ou le fichier a été modifié après la dernière signature
    ///
    /// Correction : ce fichier a été fabriqué ou altéré : redemandez le PDF signé au parapheur
    VER_004: Error, Input;
    /// ce n'est pas l'acte archivé par charta : la première révision du PDF signé n'est identique à aucun PDF de signed/ (le message nomme l'acte auquel il ressemble, même identifiant de document /ID)
    ///
    /// Correction : le parapheur doit recevoir le PDF archivé tel quel (signed/<id>/convention.pdf) ; un PDF régénéré, modifié ou d'un autre acte ne prouve pas ce qui a été signé
    VER_005: Error, Input;
    /// la signature n° … n'est pas intacte : l'empreinte des octets signés diffère, la signature ne correspond pas à la clé du certificat, ou son algorithme n'est pas pris en charge
    ///
    /// Correction : redemandez le PDF signé au parapheur ; charta vérifie RSA PKCS#1 v1.5 (SHA-256, SHA-384, SHA-512) et ECDSA P-256 (SHA-256)
    VER_006: Error, Input;
    /// un autre PDF signé de … est déjà conservé (`charta verify --keep`) ; il n'est pas remplacé
    ///
    /// Correction : un acte signé ne change pas : si le fichier conservé est faux, retirez-le vous-même (gestion de versions) avant de relancer
    VER_007: Error, Input;
    /// impossible de conserver le PDF signé (`charta verify --keep`) : …
    ///
    /// Correction : vérifiez les droits d'écriture du dossier signed/ du programme
    VER_008: Error, Fault;
    /// impossible de lire le fichier : …
    ///
    /// Correction : vérifiez que le fichier existe et que vous avez le droit de le lire
    FIC_001: Error, Input;
    /// le fichier n'est pas en UTF-8 : octet invalide 0x… à la ligne …, colonne ……
    ///
    /// Correction : enregistrez le fichier en UTF-8 (LibreOffice : Enregistrer sous → Éditer les paramètres du filtre → Jeu de caractères : Unicode (UTF-8) ; Bloc-notes : Encodage UTF-8)
    FIC_002: Error, Input;
    /// impossible d'écrire le fichier : …
    ///
    /// Correction : vérifiez que le dossier existe et qu'il est accessible en écriture
    FIC_003: Error, Fault;
    /// impossible de lire charta.toml : …
    ///
    /// Correction : lancez `charta init DOSSIER` pour créer un programme, ou indiquez le dossier du programme
    FIC_004: Error, Input;
    /// impossible de créer le programme : …
    ///
    /// Correction : vérifiez que le dossier parent existe et qu'il est accessible en écriture
    FIC_005: Error, Fault;
    /// impossible de créer le dossier associations : …
    ///
    /// Correction : vérifiez que le dossier du programme est accessible en écriture
    FIC_006: Error, Fault;
    /// impossible de créer le dossier de sortie : …
    ///
    /// Correction : vérifiez que le dossier parent existe et qu'il est accessible en écriture
    FIC_007: Error, Fault;
    /// impossible d'écrire le manifeste : …
    ///
    /// Correction : libérez de la place ou rendez le dossier de sortie accessible en écriture ; les conventions écrites restent valides
    FIC_008: Error, Fault;
    /// … : impossible d'écrire le fichier de sortie : …
    ///
    /// Correction : libérez de la place ou rendez le dossier de sortie accessible en écriture ; les fichiers précédents restent en place
    FIC_009: Error, Fault;
    /// … existe et n'est pas vide
    ///
    /// Correction : choisissez un nouveau nom de dossier ; charta init ne remplace jamais un fichier
    CLI_001: Error, Fault;
    /// `--shard auto` : aucun ordonnanceur trouvé (ni JOB_COMPLETION_INDEX de Kubernetes, ni SLURM_ARRAY_TASK_ID de Slurm, ni PARALLEL_SEQ de GNU parallel)
    ///
    /// Correction : lancez la commande par l'ordonnanceur, ou donnez la part vous-même : `--shard i/n`
    CLI_020: Error, Fault;
    /// `--shard auto` : les variables de l'ordonnanceur ne donnent pas une part (index hors des parts : JOB_COMPLETION_INDEX compte à partir de 0, PARALLEL_SEQ à partir de 1 ; nombre de parts absent ou contradictoire ; tableau Slurm irrégulier ; plusieurs ordonnanceurs à la fois ; valeur qui n'est pas un nombre)
    ///
    /// Correction : donnez le nombre de parts (`--shard auto/N` ou CHARTA_SHARD_COUNT=N, N le `completions` de la tâche ou le nombre de tâches), ou la part : `--shard i/n`
    CLI_021: Error, Fault;
}
