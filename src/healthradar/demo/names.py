"""Word lists and name makers for the synthetic demo register.

Every name is invented by combining words; no list here is a list of real companies. Health
names are built from prefixes such as "Bio", "Neuro" or "Cardio" so that the demo's partner lists
look plausible, and are kept unique so that entity-resolution scores can be measured.
"""

from __future__ import annotations

import random
import unicodedata

SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Perez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodriguez",
    "Hubert",
    "Louis",
    "Charles",
    "Guillot",
    "Rivière",
    "Guillaume",
    "Adam",
    "Rey",
    "Moulin",
    "Gonzalez",
    "Berger",
    "Lecomte",
    "Ménard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Julien",
    "Benoît",
    "Maillard",
    "Marchal",
    "Aubry",
    "Vasseur",
    "Renault",
    "Jacquet",
    "Collet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Baron",
    "Dupuy",
    "Pons",
    "Paul",
    "Laine",
    "Carré",
    "Breton",
    "Rémy",
    "Schneider",
    "Perrot",
    "Guyot",
    "Barre",
    "Marty",
    "Cousin",
    "Chabert",
    "Vial",
    "Chambon",
    "Bouvier",
    "Pelletier",
    "Bouchet",
    "Chapuis",
    "Mollard",
    "Favre",
    "Jacquemoud",
    "Rochas",
    "Tissot",
    "Bonnard",
    "Chatelain",
]

FIRST_NAMES_M = [
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Alain",
    "Bernard",
    "Christophe",
    "Nicolas",
    "Julien",
    "Thomas",
    "Antoine",
    "Mathieu",
    "Sébastien",
    "Laurent",
    "Olivier",
    "Lucas",
    "Hugo",
    "Louis",
    "Théo",
    "Karim",
    "Mehdi",
    "Yann",
    "Rémi",
    "Gaël",
]
FIRST_NAMES_F = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Sophie",
    "Julie",
    "Camille",
    "Léa",
    "Chloé",
    "Emma",
    "Manon",
    "Laura",
    "Sarah",
    "Céline",
    "Aurélie",
    "Émilie",
    "Hélène",
    "Inès",
    "Fatima",
    "Nadia",
    "Claire",
    "Agnès",
    "Élodie",
    "Margaux",
]

PLACES = [
    "Alpes",
    "Rhône",
    "Dauphiné",
    "Savoie",
    "Forez",
    "Velay",
    "Auvergne",
    "Lyonnais",
    "Beaujolais",
    "Vercors",
    "Chartreuse",
    "Belledonne",
    "Mont-Blanc",
    "Isère",
    "Drôme",
    "Ardèche",
    "Cantal",
    "Allier",
    "Dombes",
    "Bugey",
    "Bresse",
    "Vivarais",
    "Chablais",
    "Oisans",
    "Livradois",
    "Margeride",
    "Aravis",
    "Bauges",
    "Pilat",
    "Confluence",
    "Presqu'île",
    "Croix-Rousse",
]

STREET_TYPES = ("RUE", "RUE", "RUE", "AV", "BD", "CHE", "RTE", "PL", "ALL", "IMP", "QUAI")
STREET_NAMES = (
    "DE LA REPUBLIQUE",
    "JEAN JAURES",
    "VICTOR HUGO",
    "PASTEUR",
    "DU GENERAL DE GAULLE",
    "DES LILAS",
    "DE LA GARE",
    "DU MARECHAL FOCH",
    "GAMBETTA",
    "DES ECOLES",
    "DU STADE",
    "DE LYON",
    "DE GRENOBLE",
    "DES ALPES",
    "CLAUDE BERNARD",
    "MARIE CURIE",
    "LOUIS ARMAND",
    "DES CERISIERS",
    "DU MOULIN",
    "DE L EGLISE",
    "PIERRE ET MARIE CURIE",
    "DE LA PAIX",
    "ANATOLE FRANCE",
    "EMILE ZOLA",
    "DES TILLEULS",
    "DU PARC",
    "DE LA LIBERATION",
    "ALBERT EINSTEIN",
    "DU VERCORS",
    "DES PLATANES",
)

# Name patterns of ordinary businesses, by NAF division or sous-classe ({s} surname, {p} place).
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

HEALTH_PREFIXES = [
    "Bio",
    "Gen",
    "Thera",
    "Medi",
    "Cardio",
    "Neuro",
    "Onco",
    "Vita",
    "Pharma",
    "Diag",
    "Immuno",
    "Derma",
    "Ortho",
    "Pneumo",
    "Hema",
    "Cyto",
    "Nano",
    "Geno",
    "Endo",
    "Osteo",
    "Ophta",
    "Nutri",
    "Physio",
    "Radio",
    "Pulmo",
    "Nephro",
    "Hepa",
    "Sano",
    "Cura",
    "Kine",
    "Myo",
    "Neo",
]
HEALTH_ROOTS = [
    "gen",
    "sys",
    "lab",
    "tech",
    "care",
    "med",
    "ix",
    "nova",
    "logic",
    "sense",
    "scan",
    "path",
    "cell",
    "vax",
    "gene",
    "dx",
    "ome",
    "ea",
    "ium",
    "xis",
    "on",
    "ys",
    "ia",
]
HEALTH_QUALIFIERS = (
    "",
    "",
    "",
    "Santé",
    "Care",
    "Lab",
    "Tech",
    "Systems",
    "Diagnostics",
    "Therapeutics",
    "Médical",
    "Solutions",
    "Innovation",
    "Biotech",
    "Imaging",
    "Robotics",
    "Analytics",
    "Health",
    "Sciences",
    "Thérapies",
    "Génétique",
)

# Name styles for core companies, by NAF sous-classe.
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
    """Unique invented health-company names (natural case, e.g. 'Neurovita Santé')."""

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
        rng = self._rng
        prefix, root = rng.choice(HEALTH_PREFIXES), rng.choice(HEALTH_ROOTS)
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
            name = style.format(
                S=self._rng.choice(SURNAMES), H=self.brand(), P=self._rng.choice(PLACES)
            )
            if self._claim(name):
                return name
        raise RuntimeError("health name space exhausted")
