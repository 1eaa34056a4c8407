"""Vocabularies of the synthetic demo: words for invented names, NAF codes, SIRENE column names.

Every company name is invented by combining words; no list here is a list of real companies.
Health names are built from prefixes such as "Bio", "Neuro" or "Cardio" so that the demo's
partner lists look plausible, and are kept unique so that entity-resolution scores can be measured.
The NAF tables say which codes the demo draws (with weights) and which NAF rév. 1 code stands in
for each on old closed establishments. The column lists are the official INSEE stock layouts.
"""

from __future__ import annotations

import random
import unicodedata


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The official INSEE stock layouts: StockEtablissement (54 columns since 16 December 2025) and
# StockUniteLegale (35 columns), in file order.
ESTABLISHMENT_COLUMNS = _words("""
    siren nic siret statutDiffusionEtablissement dateCreationEtablissement
    trancheEffectifsEtablissement anneeEffectifsEtablissement
    activitePrincipaleRegistreMetiersEtablissement dateDernierTraitementEtablissement
    etablissementSiege nombrePeriodesEtablissement complementAdresseEtablissement
    numeroVoieEtablissement indiceRepetitionEtablissement dernierNumeroVoieEtablissement
    indiceRepetitionDernierNumeroVoieEtablissement typeVoieEtablissement
    libelleVoieEtablissement codePostalEtablissement libelleCommuneEtablissement
    libelleCommuneEtrangerEtablissement distributionSpecialeEtablissement
    codeCommuneEtablissement codeCedexEtablissement libelleCedexEtablissement
    codePaysEtrangerEtablissement libellePaysEtrangerEtablissement
    identifiantAdresseEtablissement coordonneeLambertAbscisseEtablissement
    coordonneeLambertOrdonneeEtablissement complementAdresse2Etablissement
    numeroVoie2Etablissement indiceRepetition2Etablissement typeVoie2Etablissement
    libelleVoie2Etablissement codePostal2Etablissement libelleCommune2Etablissement
    libelleCommuneEtranger2Etablissement distributionSpeciale2Etablissement
    codeCommune2Etablissement codeCedex2Etablissement libelleCedex2Etablissement
    codePaysEtranger2Etablissement libellePaysEtranger2Etablissement dateDebut
    etatAdministratifEtablissement enseigne1Etablissement enseigne2Etablissement
    enseigne3Etablissement denominationUsuelleEtablissement activitePrincipaleEtablissement
    nomenclatureActivitePrincipaleEtablissement caractereEmployeurEtablissement
    activitePrincipaleNAF25Etablissement
""")
LEGAL_UNIT_COLUMNS = _words("""
    siren statutDiffusionUniteLegale unitePurgeeUniteLegale dateCreationUniteLegale
    sigleUniteLegale sexeUniteLegale prenom1UniteLegale prenom2UniteLegale prenom3UniteLegale
    prenom4UniteLegale prenomUsuelUniteLegale pseudonymeUniteLegale
    identifiantAssociationUniteLegale trancheEffectifsUniteLegale anneeEffectifsUniteLegale
    dateDernierTraitementUniteLegale nombrePeriodesUniteLegale categorieEntreprise
    anneeCategorieEntreprise dateDebut etatAdministratifUniteLegale nomUniteLegale
    nomUsageUniteLegale denominationUniteLegale denominationUsuelle1UniteLegale
    denominationUsuelle2UniteLegale denominationUsuelle3UniteLegale
    categorieJuridiqueUniteLegale activitePrincipaleUniteLegale
    nomenclatureActivitePrincipaleUniteLegale nicSiegeUniteLegale
    economieSocialeSolidaireUniteLegale societeMissionUniteLegale
    caractereEmployeurUniteLegale activitePrincipaleNAF25UniteLegale
""")

# Frequent ordinary NAF rév. 2 codes (weight, stand-in NAF rév. 1 code).
ORDINARY_NAF: dict[str, tuple[float, str]] = {
    "68.20B": (9, "70.2C"), "68.20A": (5, "70.2A"), "70.22Z": (6, "74.1G"),
    "56.10A": (5, "55.3A"), "56.10C": (3, "55.3B"), "47.71Z": (3, "52.4C"),
    "43.21A": (3, "45.3A"), "62.01Z": (3, "72.2C"), "86.21Z": (3, "85.1C"),
    "86.90D": (2, "85.1G"), "86.23Z": (1, "85.1E"), "47.73Z": (1, "52.3A"),
    "96.02A": (3, "93.0D"), "41.20A": (2, "45.2A"), "43.22A": (2, "45.3F"),
    "43.31Z": (1, "45.4A"), "43.32A": (2, "45.4C"), "43.34Z": (2, "45.4J"),
    "45.20A": (2, "50.2Z"), "49.41A": (2, "60.2M"), "49.32Z": (1, "60.2E"),
    "47.11B": (1, "52.1B"), "10.71C": (1, "15.8C"), "56.30Z": (2, "55.4A"),
    "55.10Z": (1, "55.1A"), "69.20Z": (2, "74.1C"), "69.10Z": (2, "74.1A"),
    "71.12B": (2, "74.2C"), "73.11Z": (1, "74.4A"), "74.10Z": (2, "74.8J"),
    "85.59A": (2, "80.4C"), "85.59B": (2, "80.4D"), "81.21Z": (1, "74.7Z"),
    "64.20Z": (3, "74.1J"), "70.10Z": (1, "74.1J"), "46.90Z": (1, "51.9B"),
    "47.91B": (1, "52.6A"), "66.22Z": (1, "67.2Z"), "88.10A": (1, "85.3J"),
    "96.09Z": (2, "93.0N"), "01.11Z": (1, "01.1A"), "01.21Z": (1, "01.1G"),
    "90.01Z": (1, "92.3A"), "74.90B": (1, "74.8K"),
}  # fmt: skip
# The five core codes of the reference barometer.
CORE_WEIGHTS: dict[str, tuple[float, str]] = {
    "21.10Z": (7, "24.4A"), "21.20Z": (25, "24.4C"), "32.50A": (33, "33.1B"),
    "46.46Z": (25, "51.4N"), "72.11Z": (10, "73.1Z"),
}  # fmt: skip
# Codes under which the "revealed" health companies are registered.
REVEALED_NAF: dict[str, tuple[float, str]] = {
    "62.01Z": (22, "72.2C"), "72.19Z": (20, "73.1Z"), "70.22Z": (12, "74.1G"),
    "26.60Z": (8, "33.1A"), "32.50B": (8, "33.4A"), "20.14Z": (6, "24.1L"),
    "46.69B": (8, "51.8M"), "86.90B": (5, "85.1K"), "58.29C": (5, "72.2A"),
    "63.11Z": (3, "72.3Z"), "71.20B": (3, "74.3B"),
}  # fmt: skip
REV1 = {k: v[1] for table in (ORDINARY_NAF, CORE_WEIGHTS, REVEALED_NAF) for k, v in table.items()}

SURNAMES = _words("""
    Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
    Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre
    Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin
    Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine
    Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger
    Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun
    Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud
    Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Lacroix Fabre Dupuis Olivier
    Rodriguez Hubert Louis Charles Guillot Rivière Guillaume Adam Rey Moulin Gonzalez Berger
    Lecomte Ménard Fleury Deschamps Carpentier Julien Benoît Maillard Marchal Aubry Vasseur
    Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine
    Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Chabert Vial Chambon Bouvier
    Pelletier Bouchet Chapuis Mollard Favre Jacquemoud Rochas Tissot Bonnard Chatelain
""")
FIRST_NAMES_M = _words("""
    Jean Pierre Michel André Philippe Alain Bernard Christophe Nicolas Julien Thomas Antoine
    Mathieu Sébastien Laurent Olivier Lucas Hugo Louis Théo Karim Mehdi Yann Rémi Gaël
""")
FIRST_NAMES_F = _words("""
    Marie Nathalie Isabelle Sylvie Catherine Sophie Julie Camille Léa Chloé Emma Manon Laura
    Sarah Céline Aurélie Émilie Hélène Inès Fatima Nadia Claire Agnès Élodie Margaux
""")
PLACES = _words("""
    Alpes Rhône Dauphiné Savoie Forez Velay Auvergne Lyonnais Beaujolais Vercors Chartreuse
    Belledonne Mont-Blanc Isère Drôme Ardèche Cantal Allier Dombes Bugey Bresse Vivarais
    Chablais Oisans Livradois Margeride Aravis Bauges Pilat Confluence Croix-Rousse
""")
STREET_TYPES = _words("RUE RUE RUE AV BD CHE RTE PL ALL IMP QUAI")
STREET_NAMES = (
    "DE LA REPUBLIQUE", "JEAN JAURES", "VICTOR HUGO", "PASTEUR", "DU GENERAL DE GAULLE",
    "DES LILAS", "DE LA GARE", "DU MARECHAL FOCH", "GAMBETTA", "DES ECOLES", "DU STADE",
    "DE LYON", "DE GRENOBLE", "DES ALPES", "CLAUDE BERNARD", "MARIE CURIE", "LOUIS ARMAND",
    "DES CERISIERS", "DU MOULIN", "DE L EGLISE", "PIERRE ET MARIE CURIE", "DE LA PAIX",
    "ANATOLE FRANCE", "EMILE ZOLA", "DES TILLEULS", "DU PARC", "DE LA LIBERATION",
    "ALBERT EINSTEIN", "DU VERCORS", "DES PLATANES",
)  # fmt: skip

# Name patterns of ordinary businesses, by NAF division or sous-classe
# ({s} surname, {f} first name, {P} place).
_ORDINARY_PATTERNS: dict[str, tuple[str, ...]] = {
    "68": ("SCI {s}", "SCI LES {P}", "SCI DU {P}", "{s} IMMOBILIER", "SCI {s} ET FILS"),
    "56": ("RESTAURANT LE {P}", "LE BISTROT DE {s}", "CHEZ {f}", "LA TABLE DU {P}"),
    "47.73Z": ("PHARMACIE DU {P}", "PHARMACIE {s}", "PHARMACIE DE LA GARE"),
    "47": ("{s} BOUTIQUE", "MAISON {s}", "LES COMPTOIRS DU {P}", "{s} ET CIE"),
    "43": ("{s} ELECTRICITE", "{s} BATIMENT", "ENTREPRISE {s}", "{s} RENOVATION"),
    "41": ("{s} CONSTRUCTION", "BATI {P}"),
    "62": ("{s} INFORMATIQUE", "{P} DIGITAL", "{s} CONSULTING IT"),
    "70": ("{s} CONSEIL", "{P} MANAGEMENT", "CABINET {s}"),
    "86": ("CABINET MEDICAL {s}", "SELARL DU DOCTEUR {s}", "CENTRE DE SOINS DU {P}"),
    "69": ("CABINET {s}", "{s} ET ASSOCIES", "FIDUCIAIRE DU {P}"),
    "10": ("BOULANGERIE {s}", "AU PAIN DU {P}"),
    "45": ("GARAGE {s}", "GARAGE DU {P}"),
    "49": ("TRANSPORTS {s}", "TAXI {s}"),
    "55": ("HOTEL DU {P}", "HOTEL {s}"),
    "96": ("SALON {f}", "COIFFURE {s}", "INSTITUT {f}"),
}
_DEFAULT_PATTERNS = ("{s} SERVICES", "{s} ET FILS", "ETS {s}", "{P} SOLUTIONS", "{s} SAS")

HEALTH_PREFIXES = _words("""
    Bio Gen Thera Medi Cardio Neuro Onco Vita Pharma Diag Immuno Derma Ortho Pneumo Hema Cyto
    Nano Geno Endo Osteo Ophta Nutri Physio Radio Pulmo Nephro Hepa Sano Cura Kine Myo Neo
""")
HEALTH_ROOTS = _words("""
    gen sys lab tech care med ix nova logic sense scan path cell vax gene dx ome ium xis on ys
""")
HEALTH_QUALIFIERS = ("", "", "", "Santé", "Care", "Lab", "Tech", "Systems", "Diagnostics",
    "Therapeutics", "Médical", "Solutions", "Innovation", "Biotech", "Imaging", "Robotics",
    "Analytics", "Health", "Sciences", "Thérapies", "Génétique")  # fmt: skip

# Name styles for core companies, by NAF sous-classe ({S} surname, {H} coined brand, {P} place).
_CORE_STYLES: dict[str, tuple[str, ...]] = {
    "21.10Z": ("Laboratoires {S}", "{H} Pharma", "{H} Chimie Fine", "{H} Biotech"),
    "21.20Z": ("Laboratoires {S}", "Laboratoires {H}", "{H} Pharma", "{S} Pharmaceutique"),
    "32.50A": ("{H} Medical", "{H} Implants", "{H} Surgical", "{S} Instruments Médicaux"),
    "46.46Z": ("{S} Répartition", "{H} Distribution", "Pharma {P}", "{S} Pharma Logistique"),
    "72.11Z": ("{H} Biotech", "{H} Therapeutics", "{H} Bio", "{H}"),
}


def fold(text: str) -> str:
    """Remove accents (NFKD, combining marks dropped); everything else is kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def register_form(name: str, keep_accents: bool) -> str:
    """The upper-case form a name takes in SIRENE (most often without accents)."""
    return (name if keep_accents else fold(name)).upper()


def person(rng: random.Random) -> tuple[str, str, str]:
    """(surname, first name, sex 'M'/'F') of an invented person."""
    if rng.random() < 0.5:
        return rng.choice(SURNAMES), rng.choice(FIRST_NAMES_M), "M"
    return rng.choice(SURNAMES), rng.choice(FIRST_NAMES_F), "F"


def ordinary_name(rng: random.Random, naf: str) -> str:
    """An everyday business name for NAF code ``naf`` (upper case, not necessarily unique)."""
    patterns = _ORDINARY_PATTERNS.get(naf) or _ORDINARY_PATTERNS.get(naf[:2]) or _DEFAULT_PATTERNS
    pattern = rng.choice(patterns)
    surname = fold(rng.choice(SURNAMES)).upper()
    first = fold(rng.choice(FIRST_NAMES_M + FIRST_NAMES_F)).upper()
    place = fold(rng.choice(PLACES)).upper()
    return pattern.format(s=surname, f=first, P=place)


class HealthNames:
    """Unique invented health-company names (natural case, e.g. 'Neurosense Santé')."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def _claim(self, name: str) -> bool:
        key = fold(name).lower()
        if key in self._used:
            return False
        self._used.add(key)
        return True

    def brand(self) -> str:
        """A coined word such as 'Cardiosense' or 'Genova'."""
        prefix, root = self._rng.choice(HEALTH_PREFIXES), self._rng.choice(HEALTH_ROOTS)
        if prefix[-1] in "aeio" and root[0] in "aeiou":
            prefix = prefix[:-1]
        return prefix + root

    def revealed(self) -> str:
        """Name of a company with a health activity registered under a non-health code."""
        for _ in range(1000):
            qualifier = self._rng.choice(HEALTH_QUALIFIERS)
            name = f"{self.brand()} {qualifier}".strip()
            if self._claim(name):
                return name
        raise RuntimeError("health name space exhausted")

    def core(self, naf: str) -> str:
        """Name of a company in one of the core NAF codes (pharma, medical devices...)."""
        styles = _CORE_STYLES.get(naf, ("{H} Santé",))
        for _ in range(1000):
            style = self._rng.choice(styles)
            surname, place = self._rng.choice(SURNAMES), self._rng.choice(PLACES)
            name = style.format(S=surname, H=self.brand(), P=place)
            if self._claim(name):
                return name
        raise RuntimeError("health name space exhausted")
