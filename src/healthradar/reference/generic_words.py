"""Activity words of company names: part of the name, but they say little about *which* company.

'Pharmacie Dupont', 'Clinique Dupont' and 'Institut Dupont' each differ from 'Pharmacie Martin'
by one word out of two, yet a string similarity sees the shared first word. Entity resolution
therefore also compares names on their *distinctive* words — the words of the key that are not
in this list (`resolve.candidates`): a given SIREN is believed only when its register name
shares distinctive words with the partner's name, and word order is ignored there.

Folded forms (lower case, no accents). A word missing here makes resolution a little more
credulous on names built with it; a word wrongly here only moves evidence from the distinctive
words to the whole-name comparisons, which still see it.
"""

from __future__ import annotations

GENERIC_WORDS: tuple[str, ...] = (
    # kinds of establishment
    "pharmacie", "clinique", "institut", "cabinet", "centre", "center", "maison", "agence",
    "atelier", "ateliers", "bureau", "office", "studio", "usine", "laboratoire",
    # activities and fields
    "analyses", "analyse", "recherche", "research", "science", "sciences", "biosciences",
    "conseil", "conseils", "consulting", "consultants", "services", "service", "solutions",
    "sante", "health", "healthcare", "care", "medical", "medicale", "medicaux", "medecine",
    "pharma", "pharmaceutique", "pharmaceuticals", "biotech", "biotechnologies", "medtech",
    "diagnostic", "diagnostics", "imagerie", "imaging", "optique", "biologie", "genetique",
    "genetics", "therapeutics", "therapeutique", "devices", "dispositifs", "surgical",
    "chirurgie", "vision", "dental", "dentaire", "technologies", "technology", "tech",
    "techniques", "systemes", "systems", "ingenierie", "engineering", "industries",
    "industrie", "industrial", "innovation", "innovations", "developpement", "development",
    "concept", "concepts", "digital", "numerique", "logiciels", "software", "data", "labs",
    "lab", "logistique", "logistics", "transports", "transport", "distribution", "energie",
    "immobilier", "patrimoine", "gestion", "management", "invest", "investissement",
    "partenaires", "partners", "associes", "fils", "freres", "network", "reseau",
    # scope
    "europe", "european", "global", "monde", "world", "sud", "nord", "est", "ouest",
)  # fmt: skip
