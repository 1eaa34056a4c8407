"""The filière defaults: which NAF codes and which partner words mean which filière.

Domain knowledge, not code: it lives with the other reference data so that config, classify and
the docs read one copy. `[filieres] naf` and `[filieres] labels` in the config extend or override
these maps; the order of `FILIERES` breaks ties when a company's partners disagree.
"""

from __future__ import annotations

#: the filières, in the order that breaks ties between equally frequent partner labels.
FILIERES = ("Biotech/Pharma", "Medtech", "Santé numérique")

#: what an establishment gets when no rule gives a filière.
OTHER = "Autre"
#: what a revealed establishment gets when no partner gave a label.
NOT_GIVEN = "Non renseignée"

#: English names of the filières (and of the two fallbacks), for English pages.
FILIERE_TITLES: dict[str, str] = {
    "Biotech/Pharma": "Biotech/Pharma",
    "Medtech": "Medtech",
    "Santé numérique": "Digital health",
    OTHER: "Other",
    NOT_GIVEN: "Not given",
}

# NAF sous-classe -> filière, for core establishments. Broader than the default core so that a
# user who adds a code to the core list gets a filière without editing this map.
DEFAULT_NAF_FILIERES: dict[str, str] = {
    "21.10Z": "Biotech/Pharma",
    "21.20Z": "Biotech/Pharma",
    "46.46Z": "Biotech/Pharma",
    "72.11Z": "Biotech/Pharma",
    "20.14Z": "Biotech/Pharma",
    "32.50A": "Medtech",
    "32.50B": "Medtech",
    "26.60Z": "Medtech",
    "26.70Z": "Medtech",
    "46.69B": "Medtech",
    "62.01Z": "Santé numérique",
    "62.02A": "Santé numérique",
    "63.11Z": "Santé numérique",
    "58.29C": "Santé numérique",
}

# Partners describe companies in their own words; these are folded (case, accents, punctuation)
# before the lookup, so 'Biotech / Pharma' and 'BIOTECH-PHARMA' are one key.
DEFAULT_LABELS: dict[str, str] = {
    **dict.fromkeys(
        [
            "biotech",
            "biotechs",
            "biotechnologie",
            "biotechnologies",
            "pharma",
            "pharmacie",
            "pharmaceutique",
            "biotech pharma",
            "biopharma",
            "biotech/pharma",
            "medicament",
            "médicaments",
            "thérapeutique",
            "sciences de la vie",
            "life sciences",
            "biologie",
            "bioproduction",
            "biotechnology",
            "pharmaceuticals",
        ],
        "Biotech/Pharma",
    ),
    **dict.fromkeys(
        [
            "medtech",
            "medtechs",
            "dispositifs médicaux",
            "dispositif médical",
            "dm",
            "dm/div",
            "div",
            "diagnostic",
            "diagnostics",
            "medical devices",
            "medical device",
            "imagerie",
            "technologies médicales",
            "diagnostic in vitro",
            "in vitro diagnostics",
        ],
        "Medtech",
    ),
    **dict.fromkeys(
        [
            "e-santé",
            "esanté",
            "santé numérique",
            "numérique en santé",
            "digital health",
            "healthtech",
            "health tech",
            "ia & santé",
            "ia et santé",
            "ia santé",
            "ai health",
            "télémédecine",
            "logiciel médical",
            "medical software",
            "e-health",
            "ehealth",
        ],
        "Santé numérique",
    ),
}
