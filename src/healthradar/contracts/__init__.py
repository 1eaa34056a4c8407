"""Data contracts: one schema per input, the single source for ingest, validate, docs and templates.

Every input a user can declare is described here once: its canonical columns, their type, whether
they are required, and the header variants (French/English, accents, case) that map onto them. The
ingest stage uses the aliases to rename headers, the validate stage the types, `healthradar init`
the templates and `docs/inputs.md` is generated from the same objects, so they cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "siren", "siret", "decimal", "integer"]


@dataclass(frozen=True)
class Column:
    """One canonical column of an input."""

    name: str
    type: ColumnType
    required: bool
    description_en: str
    description_fr: str
    aliases: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Contract:
    """The schema of one kind of input (partner list, headcounts...)."""

    input_kind: str
    title_en: str
    title_fr: str
    columns: tuple[Column, ...]
    notes_en: str = ""
    notes_fr: str = ""
    alias_index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for col in self.columns:
            for variant in (col.name, *col.aliases):
                key = normalise_header(variant)
                owner = index.setdefault(key, col.name)
                if owner != col.name:
                    raise ValueError(f"alias {variant!r} maps to both {owner} and {col.name}")
        object.__setattr__(self, "alias_index", index)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def canonical(self, header: str) -> str | None:
        """Canonical column for a raw header, or None when the contract does not know it."""
        return self.alias_index.get(normalise_header(header))


def normalise_header(header: str) -> str:
    """Fold a header so that 'N° SIREN', 'n°siren ' and 'numero_siren' compare on their words."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("°", " ").replace("€", " eur ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


PARTNERS = Contract(
    input_kind="partners",
    title_en="Partner list of companies",
    title_fr="Liste d'entreprises d'un partenaire",
    notes_en=(
        "CSV (any encoding, ; , tab or | separated, decimal comma accepted) or XLSX (first sheet). "
        "One row per company. A SIRET in the SIREN column is accepted (its first 9 digits are "
        "used). Rows without a usable SIREN are kept and listed as 'to resolve'."
    ),
    notes_fr=(
        "CSV (tout encodage, séparateur ; , tabulation ou |, virgule décimale acceptée) ou XLSX "
        "(première feuille). Une ligne par entreprise. Un SIRET dans la colonne SIREN est accepté "
        "(ses 9 premiers chiffres sont retenus). Les lignes sans SIREN exploitable sont gardées "
        "et listées « à résoudre »."
    ),
    columns=(
        Column(
            "name",
            "text",
            True,
            "Company name as the partner writes it",
            "Nom de l'entreprise tel que le partenaire l'écrit",
            (
                "nom",
                "raison sociale",
                "denomination",
                "dénomination sociale",
                "entreprise",
                "société",
                "nom de l'entreprise",
                "nom entreprise",
                "nom de la société",
                "company",
                "company name",
                "organisation",
                "organization",
                "structure",
            ),
            "Laboratoires Exemple SAS",
        ),
        Column(
            "siren",
            "siren",
            False,
            "SIREN (9 digits); a 14-digit SIRET is accepted",
            "SIREN (9 chiffres) ; un SIRET à 14 chiffres est accepté",
            (
                "n° siren",
                "numéro siren",
                "num siren",
                "siren siret",
                "siret",
                "n° siret",
                "numéro siret",
                "identifiant",
                "company id",
                "registration number",
                "trade register number",
            ),
            "552120222",
        ),
        Column(
            "filiere",
            "text",
            False,
            "The partner's own sector label (normalised by the filière map)",
            "Libellé de filière du partenaire (normalisé par la table des filières)",
            (
                "filière",
                "secteur",
                "sector",
                "domaine",
                "domaine d'activité",
                "segment",
                "industry",
                "thématique",
                "marché",
                "market",
            ),
            "Medtech",
        ),
        Column(
            "city",
            "text",
            False,
            "City",
            "Ville",
            ("ville", "commune", "town", "localité"),
            "Lyon",
        ),
        Column(
            "postcode",
            "text",
            False,
            "Postcode",
            "Code postal",
            ("code postal", "cp", "postal code", "zip", "zip code"),
            "69007",
        ),
        Column(
            "employees",
            "decimal",
            False,
            "Headcount declared by the partner (informative; jobs come from the register)",
            "Effectif déclaré par le partenaire (indicatif ; les emplois viennent du répertoire)",
            (
                "effectif",
                "effectifs",
                "salariés",
                "nb salariés",
                "nombre de salariés",
                "headcount",
                "staff",
            ),
            "12,5",
        ),
        Column(
            "revenue_meur",
            "decimal",
            False,
            "Revenue in millions of euros (informative)",
            "Chiffre d'affaires en millions d'euros (indicatif)",
            (
                "chiffre d'affaires",
                "chiffre d'affaires (m€)",
                "ca",
                "ca (m€)",
                "ca m€",
                "revenue",
                "revenue (m€)",
                "revenue meur",
                "turnover",
            ),
            "3,2",
        ),
        Column(
            "website",
            "text",
            False,
            "Website",
            "Site web",
            ("site web", "site internet", "site", "url", "web"),
            "https://exemple.fr",
        ),
    ),
)

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
        ),
        Column(
            "year",
            "integer",
            False,
            "Year the headcount refers to (defaults to the build's vintage)",
            "Année de référence de l'effectif (par défaut le millésime du baromètre)",
            ("année", "annee", "millésime", "vintage", "annee effectif"),
            "2024",
        ),
    ),
)

PARTNER_CONTRACTS: dict[str, Contract] = {"partners": PARTNERS, "headcounts": HEADCOUNTS}

# The register is read by its official INSEE column names (case-sensitive, never by position).
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
    "nomUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
)
