"""A hand-made barometer small enough to compute every expected figure by hand.

Eight companies in and around Auvergne-Rhône-Alpes (region 84); the expected numbers of the
indicator tests are derived in comments next to each establishment.
"""

from __future__ import annotations

import csv
from pathlib import Path

from stdnum import luhn

from healthradar.contracts import (
    REGISTER_ESTABLISHMENT_OPTIONAL,
    REGISTER_ESTABLISHMENT_REQUIRED,
    REGISTER_LEGAL_UNIT_OPTIONAL,
    REGISTER_LEGAL_UNIT_REQUIRED,
)


def make_siren(base: str) -> str:
    return base + luhn.calc_check_digit(base)


def make_siret(siren: str, nic4: str) -> str:
    return siren + nic4 + luhn.calc_check_digit(siren + nic4)


SIREN = {k: make_siren(f"{i + 1:02d}1234{i:02d}") for i, k in enumerate("ABCDEFGH")}
SIRET = {
    "A1": make_siret(SIREN["A"], "0001"),
    "A2": make_siret(SIREN["A"], "0002"),
    "B1": make_siret(SIREN["B"], "0001"),
    "C1": make_siret(SIREN["C"], "0001"),
    "D1": make_siret(SIREN["D"], "0001"),
    "E1": make_siret(SIREN["E"], "0001"),
    "F1": make_siret(SIREN["F"], "0001"),
    "G1": make_siret(SIREN["G"], "0001"),
    "H1": make_siret(SIREN["H"], "0001"),
}

# key, commune, NAF, state, tranche — and what the perimeter must make of it
ESTABLISHMENTS = [
    ("A1", "69381", "21.20Z", "A", "12"),  # core, Biotech/Pharma, headcount 40 (measured)
    ("A2", "38185", "21.20Z", "A", "21"),  # core, 50–99 → 74.5 (low 50, high 99)
    ("B1", "38185", "32.50A", "A", "03"),  # core, Medtech, 6–9 → 7.5
    ("C1", "69381", "46.46Z", "F", "11"),  # closed: out
    ("D1", "75101", "72.11Z", "A", "11"),  # Paris: outside the region
    ("E1", "69381", "62.01Z", "A", "11"),  # revealed (listed), 10–19 → 14.5, Santé numérique
    ("F1", "01053", "70.22Z", "A", "NN"),  # revealed (listed), non-employer → 0, Biotech/Pharma
    ("G1", "69381", "62.01Z", "A", "12"),  # not core, not listed: out
    ("H1", "69381", "86.21Z", "F", "11"),  # listed but closed: out
]
LEGAL_UNITS = [
    ("A", "A", "GE", "51", "LABORATOIRES ALPHA"),  # size class 2 000+
    ("B", "A", "PME", "03", "BETA MEDICAL"),
    ("C", "C", "PME", "11", "GAMMA DISTRIBUTION"),
    ("D", "A", "PME", "11", "DELTA BIOTECH"),
    ("E", "A", "PME", "11", "EPSILON SANTE NUMERIQUE"),
    ("F", "A", "PME", "NN", "PHI CONSEIL"),
    ("G", "A", "PME", "12", "GAMMA LOGICIEL"),
    ("H", "C", "PME", "11", "ETA SOINS"),
]
HEADCOUNTS = [
    (SIRET["A1"], "40", "2024"),
    (SIRET["G1"], "30", "2024"),  # not a health establishment: unused (info)
    ("12345678901234", "5", "2024"),  # invalid SIRET: rejected
]
# name; siren; filière; city; postcode; employees — written in cp1252 with ';' separators
PARTNER_ROWS = [
    ("Labo Alpha SAS", SIREN["A"], "Pharma", "Lyon", "69001", "12,5"),  # line 2
    ("Epsilon e-santé", SIREN["E"], "e-santé", "Lyon", "69001", "15"),  # line 3
    (
        "Phi Conseil",
        " ".join([SIREN["F"][:3], SIREN["F"][3:6], SIREN["F"][6:]]),
        "Biotech",
        "Bourg-en-Bresse",
        "01000",
        "n.c.",
    ),  # line 4: spaces in SIREN ok; employees ignored
    ("EPSILON SAS", SIREN["E"], "Santé numérique", "", "", ""),  # line 5: duplicate of line 3
    ("", "", "", "", "", ""),  # line 6: empty row, rejected
    ("Inconnue", "123456789", "", "", "", ""),  # line 7: bad checksum → to resolve
    ("Sans Siren", "", "Medtech", "Lyon", "", ""),  # line 8: to resolve
    ("", "", "", "Lyon", "", ""),  # line 9: no name, no SIREN → rejected
    ("Eta Soins", SIREN["H"], "Silver économie", "", "", ""),  # line 10: closed; unknown label
    ("Epsilon (siret)", SIRET["E1"], "", "", "", ""),  # line 11: SIRET → SIREN E, merged
]


def write_register_csv(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    est_cols = list(REGISTER_ESTABLISHMENT_REQUIRED + REGISTER_ESTABLISHMENT_OPTIONAL)
    est = folder / "StockEtablissement_utf8.csv"
    with est.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=est_cols)
        writer.writeheader()
        for key, commune, naf, state, tranche in ESTABLISHMENTS:
            siret = SIRET[key]
            writer.writerow(
                {
                    "siren": siret[:9],
                    "siret": siret,
                    "nic": siret[9:],
                    "codeCommuneEtablissement": commune,
                    "activitePrincipaleEtablissement": naf,
                    "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
                    "etatAdministratifEtablissement": state,
                    "trancheEffectifsEtablissement": tranche,
                    "statutDiffusionEtablissement": "O",
                    "etablissementSiege": "true",
                }
            )
    lu_cols = list(REGISTER_LEGAL_UNIT_REQUIRED + REGISTER_LEGAL_UNIT_OPTIONAL)
    lu = folder / "StockUniteLegale_utf8.csv"
    with lu.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=lu_cols)
        writer.writeheader()
        for key, state, category, tranche, name in LEGAL_UNITS:
            writer.writerow(
                {
                    "siren": SIREN[key],
                    "etatAdministratifUniteLegale": state,
                    "categorieEntreprise": category,
                    "trancheEffectifsUniteLegale": tranche,
                    "denominationUniteLegale": name,
                    "statutDiffusionUniteLegale": "O",
                }
            )
    return est, lu


CONFIG = """\
[project]
name = "Tiny"
region = "84"
vintage = 2024
lang = "{lang}"

[inputs.register]
establishments = "inputs/register/StockEtablissement_utf8.csv"
legal_units = "inputs/register/StockUniteLegale_utf8.csv"

[inputs.headcounts]
path = "inputs/headcounts.csv"

[[inputs.partners]]
id = "cluster"
label = "Cluster"
path = "inputs/partners/cluster.csv"
"""


def write_tiny_project(root: Path, lang: str = "fr") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "healthradar.toml").write_text(CONFIG.format(lang=lang), encoding="utf-8")
    write_register_csv(root / "inputs" / "register")
    with (root / "inputs" / "headcounts.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.writer(h, delimiter=";")
        writer.writerow(["SIRET", "Effectif salarié", "Année"])
        writer.writerows(HEADCOUNTS)
    partners = root / "inputs" / "partners" / "cluster.csv"
    partners.parent.mkdir(parents=True, exist_ok=True)
    with partners.open("w", encoding="cp1252", newline="") as h:
        writer = csv.writer(h, delimiter=";")
        writer.writerow(
            ["Raison sociale", "N° SIREN", "Filière", "Ville", "Code postal", "Effectif"]
        )
        writer.writerows(PARTNER_ROWS)
    return root
