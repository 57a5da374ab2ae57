# Writes tests/check-cases/associations/<case>.json: bonne-association.json with one change each.
# Usage: python3 tests/check-cases/make_cases.py tests/check-cases
import os, sys
root = sys.argv[1]
good = open(os.path.join(root, "programme/associations/bonne-association.json")).read()
out = os.path.join(root, "associations")
os.makedirs(out, exist_ok=True)

def rep(old, new, count=1):
    def f(t):
        assert t.count(old) == count, (old, t.count(old))
        return t.replace(old, new)
    return f

def chain(*fs):
    def f(t):
        for g in fs:
            t = g(t)
        return t
    return f

cases = {
  # structure
  "champ-inconnu": rep('"funding": {', '"fundng": {'),
  "champ-manquant": rep('    "siret": "80214763700028",\n', ''),
  "type-errone": rep('"postcode": "55900"', '"postcode": 55900'),
  "valeur-inconnue": rep('"regime": "non-economic"', '"regime": "non-economique"'),
  "montant-decimales": rep('"2028": 47500.5}', '"2028": 47500.555}'),
  "montant-negatif": rep('"2027": 152000', '"2027": -152000'),
  "texte-vide": rep('"reference": "RVM-TEST-2026-001"', '"reference": " "'),
  "cle-en-double": rep('"2027": 45000, "2028"', '"2027": 45000, "2027": 46000, "2028"'),
  "syntaxe-json": rep('"acronym": "MSM",', '"acronym": "MSM"'),
  "valeur-sans-glyphe": chain(
      rep('"name": "Maison des Solidarités de Montvalon"', '"name": "Maison des Solidarités 🏠 de Montvalon"'),
      rep('"city": "Montvalon-sur-Meuse"', '"city": "Montvalon-sur-Meuse\\u0007"')),
  # identifiers
  "siret-luhn": rep('"siret": "80214763700028"', '"siret": "80214763700029"'),
  "siret-longueur": rep('"siret": "80214763700028"', '"siret": "8021476370002"'),
  "siren-luhn": rep('"siret": "80214763700028"', '"siret": "10000000000008"'),
  "rna-format": rep('"rna": "W553001247"', '"rna": "553001247"'),
  "rna-absent": rep('"rna": "W553001247"', '"rna": null'),
  "rna-droit-local": rep('"legal_form": "association déclarée (loi du 1er juillet 1901)"', '"legal_form": "association inscrite de droit local"'),
  "rna-alsace-moselle": rep('"postcode": "55900"', '"postcode": "57000"'),
  "iban-mod97": rep('FR7642559100000801357924652', 'FR7642559100000801357924653'),
  "iban-longueur": rep('FR7642559100000801357924652', 'FR764255910000080135792465'),
  "iban-cle-rib": rep('FR7642559100000801357924652', 'FR6842559100000801357924699'),
  "bic-format": rep('"bic": "CCOPFRPP"', '"bic": "CCOPFRP"'),
  "banque-absente": rep('    "bank": {"iban": "FR7642559100000801357924652", "bic": "CCOPFRPP"},\n', ''),
  "cer-date-invalide": rep('"cer_signed_on": "2025-10-17"', '"cer_signed_on": "17/10/2025"'),
  "cer-absent": chain(rep(',\n    "cer_signed_on": "2025-10-17"', '')),
  # convention
  "annees-non-consecutives": rep('"years": [2026, 2027, 2028]', '"years": [2026, 2028, 2029]'),
  "cpo-un-an": rep('"years": [2026, 2027, 2028]', '"years": [2026]'),
  "cpo-longue": chain(
      rep('"years": [2026, 2027, 2028]', '"years": [2026, 2027, 2028, 2029, 2030]'),
      rep('"2028": 47500.5}', '"2028": 47500.5, "2029": 47500, "2030": 47500}'),
      rep('"2028": 158000}', '"2028": 158000, "2029": 160000, "2030": 160000}'),
      rep('"other_public_subsidies": {"2026": 20000, "2027": 20000, "2028": 20000}', '"other_public_subsidies": {"2026": 20000, "2027": 20000, "2028": 20000, "2029": 20000, "2030": 20000}'),
      rep('"2028": 760}', '"2028": 760, "2029": 780, "2030": 800}'),
      rep('"2028": "Protocole évalué"}', '"2028": "Protocole évalué", "2029": "Bilan", "2030": "Renouvellement"}'),
      rep('"2028": 50}', '"2028": 50, "2029": 52, "2030": 55}')),
  "annuelle-deux-ans": rep('"kind": "cpo"', '"kind": "annuelle"'),
  "annee-manquante": rep(', "2028": 47500.5}', '}'),
  "annee-en-trop": rep('"2028": 158000}', '"2028": 158000, "2029": 160000}'),
  "cible-manquante": rep('"targets": {"2026": 45, "2027": 48, "2028": 50}', '"targets": {"2026": 45, "2027": 48}'),
  "financement-superieur": rep('"2027": 152000', '"2027": 42000'),
  "avance-hors-bornes": rep('"advance_percent": 50', '"advance_percent": 120'),
  "sous-23000": rep('"funding": {"2026": 45000, "2027": 45000, "2028": 47500.5}', '"funding": {"2026": 15000, "2027": 15000, "2028": 23000}'),
  "financement-absent": rep('    "funding": {"2026": 45000, "2027": 45000, "2028": 47500.5},\n', ''),
  "cadre-avec-financement": chain(rep('"kind": "cpo"', '"kind": "cadre"'), rep('"add": ["mise-a-disposition-locaux"]', '"add": []')),
  "date-decision-invalide": rep('"date": "2026-01-23"', '"date": "2026-02-30"'),
  "date-signature-invalide": rep('"date": "2026-02-10"', '"date": "10 février 2026"'),
  "signature-avant-decision": rep('"date": "2026-02-10"', '"date": "2026-01-10"'),
  # clauses
  "clause-inconnue": rep('"add": ["mise-a-disposition-locaux"]', '"add": ["mise-a-dispo-locaux"]'),
  "clause-ajout-non-optionnelle": rep('"add": ["mise-a-disposition-locaux"]', '"add": ["mise-a-disposition-locaux", "objet-projet"]'),
  "clause-retrait-optionnelle": rep('"remove": []', '"remove": ["comite-de-suivi"]'),
  "clause-retrait-citee": rep('"remove": []', '"remove": ["justificatifs-annuels"]'),
  # dashboard
  "priorite-inconnue": rep('"priority": "P1"', '"priority": "P9"'),
  "objectif-en-double": rep('"id": "O2"', '"id": "O1"'),
  "indicateur-en-double": rep('"id": "O2-I1"', '"id": "O1-I1"'),
  "indicateur-sans-unite": rep(', "unit": "%"', ''),
  "cible-texte": rep('"2027": 720', '"2027": "sept cent vingt"'),
  "cible-nombre": rep('"2027": "Réunion chaque trimestre"', '"2027": 4'),
  "reference-sans-annee": rep('"source": "Logiciel de suivi", "baseline_year": 2025, ', '"source": "Logiciel de suivi", '),
  "annee-reference-apres": rep('"2028": 50}, "baseline_year": 2025', '"2028": 50}, "baseline_year": 2027'),
  "indicateur-sans-definition": rep(', "definition": "Sorties vers un emploi ou une formation rapportées à l\'ensemble des sorties de l\'année"', ''),
  "indicateur-sans-nature": rep(', "measure": "flow"},', '},'),
  "obligations-hors-sieg": rep('"territory": "Montvalon"}', '"territory": "Montvalon", "public_service_obligations": "Accueillir toute personne sans rendez-vous."}'),
  # several problems in one file: all reported in one run
  "plusieurs-problemes": chain(
      rep('"legal_form"', '"legal_from"'),
      rep('"siret": "80214763700028"', '"siret": "80214763700029"'),
      rep('FR7642559100000801357924652', 'FR7642559100000801357924653'),
      rep('"priority": "P1"', '"priority": "P9"'),
      rep('"advance_percent": 50', '"advance_percent": 120'),
      rep('"2027": 720', '"2027": "sept cent vingt"'),
      rep('"2028": 47500.5}', '"2028": 47500.555}'),
      rep('"postcode": "55900"', '"postcode": 55900')),
  "tableau-vide": lambda t: t[:t.index('"objectives": [')] + '"objectives": []\n  }\n}\n',
}
def luhn_ok(s):
    t = 0
    for i, c in enumerate(reversed(s)):
        d = int(c) * (2 if i % 2 else 1)
        t += d - 9 if d > 9 else d
    return t % 10 == 0

def iban(n):
    # Bank 42559, branch 10000, account 0801357924 then two digits: RIB key, then the IBAN check.
    bank, branch, account = "42559", "10000", "0801357%04d" % n
    key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)
    bban = bank + branch + account + "%02d" % key
    check = 98 - int(bban + "152700") % 97
    return "FR%02d" % check + bban

def siret(n):
    prefix = "802147637%04d" % (n + 1)
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))

# Cross-file cases keep the good file's reference, SIRET or IBAN on purpose.
cases["reference-en-double"] = lambda t: t
cases["siret-en-double"] = lambda t: t
cases["iban-en-double"] = lambda t: t
# Cases added later, numbered after the others so that their references and
# SIRETs do not move.
later = {
  "de-minimis-sans-declaration": rep('"regime": "non-economic"', '"regime": "de-minimis"'),
}
numbered = sorted(cases.items()) + sorted(later.items())
for n, (name, f) in enumerate(numbered, start=2):
    t = f(good)
    if name != "reference-en-double":
        t = t.replace('"RVM-TEST-2026-001"', '"RVM-TEST-2026-%03d"' % n)
    if name != "siret-en-double":
        t = t.replace('"80214763700028"', '"%s"' % siret(n))
    if name != "iban-en-double":
        t = t.replace('FR7642559100000801357924652', iban(n))
    open(os.path.join(out, name + ".json"), "w").write(t)
print(len(numbered), "cases")
