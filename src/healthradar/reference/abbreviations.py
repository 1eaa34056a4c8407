"""Abbreviations of words common in company names, read as the word they stand for.

Why reference data: partner lists shorten the words of a name at will ('Ctr Dupont Biologie',
'Dupont Intl', 'Dupont Ind.') while Sirene usually spells them out, or the other way round. Both
sides of a comparison are keyed with this table (`resolve.normalise_names`), so 'ctr' and
'centre' become the same word before legal forms and stop words are removed. An entry is kept
only when the abbreviation has no other common reading in a company name: 'int' (intérieur,
intérim), 'gen' (général, génétique), 'log' (logiciel, logistique) and 'sol' are left out.

Keys and values are folded (lower case, no accents), as `normalise_names` folds a name; one
abbreviation per entry, whole words only ('ind.' is read 'ind' once the dot is gone).
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    "ctr": "centre",  # 'Ctr Hospitalier', 'Ctr de Recherche'
    "cntr": "centre",
    "intl": "international",  # English usage taken up by French lists
    "ind": "industries",  # 'Dupont Ind.'
    "indus": "industries",
    "dev": "developpement",
    "dvpt": "developpement",
    "devt": "developpement",
    "distrib": "distribution",
    "techno": "technologies",
    "technos": "technologies",
    "inst": "institut",  # 'Inst. Pasteur'
    "instr": "instruments",
    "gpe": "groupe",
    "grp": "groupe",
    "assoc": "associes",  # 'Dupont & Assoc.': in company names, the partners (associés)
    "cab": "cabinet",
    "clin": "clinique",
    "phie": "pharmacie",  # the pharmacists' own shorthand on signs
    "pharm": "pharmacie",
    "rech": "recherche",
    "biol": "biologie",
    "diag": "diagnostic",
    "equip": "equipement",
    "eqpt": "equipement",
    "ing": "ingenierie",
    "sces": "services",
    "svc": "services",
    "svcs": "services",
    "mgmt": "management",
    "st": "saint",  # 'St Jean' — 'ste' stays the société abbreviation (a stop word)
}
