"""Filière of each establishment: from the NAF map for the core, from partner labels otherwise.

Partners describe companies in their own words ('Biotech / Pharma', 'DM', 'e-santé'...). Labels
are folded (case, accents, punctuation) and looked up in a synonym table; the table below is the
default, and `[filieres] labels` in the config extends or overrides it. When the partners of one
company disagree, the most frequent recognised filière wins, ties going to the order of
`FILIERES`. A label that maps to nothing counts as 'Autre' only when the company has no recognised
label, and is reported, so the user can extend the map.
"""

from __future__ import annotations

from healthradar.config import FILIERES
from healthradar.contracts import normalise_header
from healthradar.engine import Warehouse
from healthradar.issues import add_issues

OTHER = "Autre"
NOT_GIVEN = "Non renseignée"

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

FOLD_SQL = (
    "trim(regexp_replace(lower(strip_accents(replace(replace({col}, '°', ' '), '€', ' eur '))), "
    "'[^a-z0-9]+', ' ', 'g'))"
)


def load_filiere_maps(wh: Warehouse, naf_map: dict[str, str], extra_labels: dict[str, str]) -> None:
    labels = {normalise_header(k): v for k, v in DEFAULT_LABELS.items()}
    labels.update({normalise_header(k): v for k, v in extra_labels.items()})
    order = {name: i for i, name in enumerate(FILIERES)}
    wh.con.execute(
        "CREATE OR REPLACE TABLE filiere_labels (label_key VARCHAR PRIMARY KEY, filiere VARCHAR)"
    )
    wh.con.executemany("INSERT INTO filiere_labels VALUES (?, ?)", sorted(labels.items()))
    wh.con.execute("CREATE OR REPLACE TABLE filiere_naf (naf VARCHAR PRIMARY KEY, filiere VARCHAR)")
    wh.con.executemany("INSERT INTO filiere_naf VALUES (?, ?)", sorted(naf_map.items()))
    wh.con.execute(
        "CREATE OR REPLACE TABLE filiere_order (filiere VARCHAR PRIMARY KEY, ord INTEGER)"
    )
    names = sorted({*labels.values(), *naf_map.values()}, key=lambda f: (order.get(f, 99), f))
    wh.con.executemany(
        "INSERT INTO filiere_order VALUES (?, ?)", [(f, i) for i, f in enumerate(names)]
    )


def classify_entity_filieres(wh: Warehouse) -> int:
    """`entity_filieres`: one filière per listed company (SIREN), with the labels behind it."""
    fold = FOLD_SQL.format(col="l.filiere_label")
    wh.materialise(
        "partner_labels",
        f"""
        SELECT l.input, l.file, l.line, l.siren, l.filiere_label,
               coalesce(m.filiere, '{OTHER}') AS filiere, m.filiere IS NOT NULL AS known
        FROM entity_links l LEFT JOIN filiere_labels m ON m.label_key = {fold}
        WHERE l.filiere_label IS NOT NULL
        """,
    )
    add_issues(
        wh,
        "classify",
        f"""
        SELECT input, file, line, 'filiere' AS "column", filiere_label AS raw_value,
               'filiere_unknown' AS reason, '{OTHER}' AS detail
        FROM partner_labels WHERE NOT known
        """,
    )
    return wh.materialise(
        "entity_filieres",
        """
        WITH votes AS (
            SELECT p.siren, p.filiere, bool_or(p.known) AS known, count(*) AS n,
                   coalesce(any_value(o.ord), 99) AS ord,
                   string_agg(DISTINCT p.filiere_label, ' | ' ORDER BY p.filiere_label) AS labels
            FROM partner_labels p LEFT JOIN filiere_order o USING (filiere)
            WHERE p.siren IS NOT NULL
            GROUP BY p.siren, p.filiere
        )
        SELECT siren, arg_min(filiere, (NOT known, -n, ord)) AS filiere,
               string_agg(labels, ' | ') AS labels, count(*) AS n_candidates
        FROM votes GROUP BY siren
        """,
    )
