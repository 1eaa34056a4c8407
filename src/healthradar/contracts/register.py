"""The register's columns (INSEE Sirene stock files), read by name, never by position.

The register is not validated row by row like the partner inputs: it is the reference, read
as published. Only the presence of the required columns is checked (by ingest).
"""

from __future__ import annotations

# Official INSEE column names (case-sensitive).
REGISTER_ESTABLISHMENT_REQUIRED = (
    "siren",
    "siret",
    "codeCommuneEtablissement",
    "activitePrincipaleEtablissement",
    "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement",
)
REGISTER_ESTABLISHMENT_OPTIONAL = (
    "nic",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "anneeEffectifsEtablissement",
    "etablissementSiege",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "activitePrincipaleNAF25Etablissement",
)
REGISTER_LEGAL_UNIT_REQUIRED = (
    "siren",
    "etatAdministratifUniteLegale",
    "categorieEntreprise",
    "trancheEffectifsUniteLegale",
)
REGISTER_LEGAL_UNIT_OPTIONAL = (
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "denominationUniteLegale",
    "sigleUniteLegale",
    "denominationUsuelle1UniteLegale",
    "nomUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
)

# StockEtablissementLiensSuccession (optional): establishment -> establishment links, which say
# what became of a closed company (a takeover, a transfer of the head office to a new SIREN).
REGISTER_SUCCESSION_REQUIRED = (
    "siretEtablissementPredecesseur",
    "siretEtablissementSuccesseur",
    "dateLienSuccession",
)
REGISTER_SUCCESSION_OPTIONAL = (
    "transfertSiege",
    "continuiteEconomique",
)

#: role of a register file -> (required columns, columns used when present)
REGISTER_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "establishments": (REGISTER_ESTABLISHMENT_REQUIRED, REGISTER_ESTABLISHMENT_OPTIONAL),
    "legal_units": (REGISTER_LEGAL_UNIT_REQUIRED, REGISTER_LEGAL_UNIT_OPTIONAL),
    "successions": (REGISTER_SUCCESSION_REQUIRED, REGISTER_SUCCESSION_OPTIONAL),
}
