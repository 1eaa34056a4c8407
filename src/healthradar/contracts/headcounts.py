"""The headcounts contract: one measured headcount per establishment for the build's vintage.

A headcount replaces an estimate in published figures, so a doubtful row is rejected rather
than corrected: the SIRET and the headcount must be valid and the headcount not negative. The
year must equal the build's vintage, which only the build knows: that rule, and the duplicate
SIRET rule, are written by hand in `healthradar.validate.headcounts`.
"""

from __future__ import annotations

from healthradar.contracts import Column, Contract

HEADCOUNTS = Contract(
    input_kind="headcounts",
    title_en="Headcount per establishment (one vintage)",
    title_fr="Effectif par établissement (un millésime)",
    notes_en=(
        "One row per establishment (SIRET) for the build's vintage, e.g. an Urssaf extract. "
        "Decimal headcounts (annual averages) are accepted. When present, the value replaces the "
        "estimate from the register's tranche d'effectifs."
    ),
    notes_fr=(
        "Une ligne par établissement (SIRET) pour le millésime du baromètre, par exemple "
        "un extrait "
        "Urssaf. Les effectifs décimaux (moyennes annuelles) sont acceptés. Quand il est présent, "
        "l'effectif remplace l'estimation tirée de la tranche d'effectifs du répertoire."
    ),
    columns=(
        Column(
            "siret",
            "siret",
            True,
            "SIRET of the establishment (14 digits)",
            "SIRET de l'établissement (14 chiffres)",
            ("n° siret", "numéro siret", "num siret", "siret etablissement"),
            "55212022200013",
        ),
        Column(
            "headcount",
            "decimal",
            True,
            "Salaried headcount (may be an annual average)",
            "Effectif salarié (peut être une moyenne annuelle)",
            (
                "effectif",
                "effectifs",
                "effectif salarié",
                "effectifs salariés",
                "salariés",
                "employees",
                "jobs",
                "emplois",
            ),
            "42",
            min_value=0,
            on_invalid="reject",
        ),
        Column(
            "year",
            "integer",
            False,
            "Year the headcount refers to (defaults to the build's vintage)",
            "Année de référence de l'effectif (par défaut le millésime du baromètre)",
            ("année", "annee", "millésime", "vintage", "annee effectif"),
            "2024",
            # checked against the build's vintage by hand (validate/headcounts.py)
            on_invalid="reject",
        ),
    ),
)
