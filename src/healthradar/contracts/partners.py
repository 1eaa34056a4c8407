"""The partner-list contract: one row per company a partner (cluster, agency...) lists.

Partner lists are written by hand in spreadsheets, so every column but the name is optional and
a bad value is a warning, not a reject: the row still names a company. The SIREN column is the
one rule that cannot be declared (it accepts a SIRET and yields its SIREN): it is written by
hand in `healthradar.validate.partners`.
"""

from __future__ import annotations

from healthradar.contracts import Column, Contract

PARTNERS = Contract(
    input_kind="partners",
    title_en="Partner list of companies",
    title_fr="Liste d'entreprises d'un partenaire",
    notes_en=(
        "CSV (any encoding, ; , tab or | separated, decimal comma accepted) or XLSX (the first "
        "sheet holding the table). "
        "One row per company. A SIRET in the SIREN column is accepted (its first 9 digits are "
        "used). Rows without a usable SIREN are kept and listed as 'to resolve'."
    ),
    notes_fr=(
        "CSV (tout encodage, séparateur ; , tabulation ou |, virgule décimale acceptée) ou XLSX "
        "(première feuille qui contient le tableau). Une ligne par entreprise. Un SIRET dans "
        "la colonne SIREN est accepté "
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
