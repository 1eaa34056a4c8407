"""Entity resolution, first cut: exact SIREN links and duplicates within and across lists.

Each integrated partner row is linked to an entity. A row with a usable SIREN links to
`siren:<SIREN>`, so the same company listed twice in one list or in several lists becomes one
entity: the first row (in the config's list order, then by line) is integrated, the others are
merged into it. A row without a usable SIREN gets an entity of its own, `row:<input>:<line>`,
with status `to_resolve`; so does a valid SIREN that the register does not know. The fuzzy
matcher (name + address against the register, Splink) will later relink `to_resolve` rows by
rewriting `entity_links` before `build_entities` runs, without touching anything else.
"""

from __future__ import annotations

from healthradar.engine import Warehouse
from healthradar.issues import add_issues

LINKS_SQL = """
WITH kept AS (
    SELECT p.*, o.ord AS input_order,
           CASE WHEN p.siren IS NOT NULL THEN 'siren:' || p.siren
                ELSE 'row:' || p.input || ':' || p.line END AS entity_id
    FROM partner_rows p JOIN partner_inputs o ON o.input = p.input
    WHERE p.reject_reason IS NULL
)
SELECT input, file, line, name, siren, filiere_label, city, postcode, entity_id,
       CASE WHEN siren IS NOT NULL THEN 'exact_siren' ELSE 'unresolved' END AS rule,
       row_number() OVER w AS occurrence,
       first_value(file || ':' || line) OVER w AS first_origin
FROM kept
WINDOW w AS (PARTITION BY entity_id ORDER BY input_order, line
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
"""

# The register's answer for every SIREN the partners gave (one semi-join scan of the file).
REGISTER_MATCHES_SQL = """
SELECT siren, etatAdministratifUniteLegale AS etat, denominationUniteLegale AS denomination
FROM register_legal_units
WHERE siren IN (SELECT DISTINCT siren FROM entity_links WHERE siren IS NOT NULL)
"""

ENTITIES_SQL = """
SELECT l.entity_id,
       any_value(l.siren) AS siren,
       coalesce(arg_min(l.name, l.occurrence), any_value(m.denomination)) AS name,
       any_value(m.denomination) AS register_name,
       any_value(m.etat) AS register_state,
       count(*) AS n_rows,
       string_agg(DISTINCT l.input, ', ' ORDER BY l.input) AS inputs,
       list(DISTINCT l.filiere_label) FILTER (WHERE l.filiere_label IS NOT NULL) AS filiere_labels,
       arg_min(l.city, l.occurrence) AS city,
       arg_min(l.postcode, l.occurrence) AS postcode,
       CASE WHEN any_value(m.siren) IS NOT NULL THEN 'resolved' ELSE 'to_resolve' END AS status,
       CASE WHEN any_value(l.siren) IS NULL THEN 'siren_missing_or_invalid'
            WHEN any_value(m.siren) IS NULL THEN 'siren_not_in_register' END AS to_resolve_reason
FROM entity_links l LEFT JOIN register_matches m ON m.siren = l.siren
GROUP BY l.entity_id
"""


def resolve_exact(wh: Warehouse) -> dict[str, int]:
    wh.materialise("entity_links", LINKS_SQL)
    wh.materialise("register_matches", REGISTER_MATCHES_SQL)
    return build_entities(wh)


def build_entities(wh: Warehouse) -> dict[str, int]:
    """Entities from links; row outcomes and resolve issues. Re-runnable after relinking."""
    n_entities = wh.materialise("entities", ENTITIES_SQL)
    # What an earlier run of this function wrote is replaced, not added to.
    wh.con.execute("DELETE FROM issues WHERE stage = 'resolve'")
    wh.con.execute("DELETE FROM row_outcomes WHERE stage = 'resolve'")
    add_issues(
        wh,
        "resolve",
        """
        SELECT input, file, line, 'siren' AS "column", siren AS raw_value,
               'duplicate_merged' AS reason, first_origin AS detail
        FROM entity_links WHERE occurrence > 1
        UNION ALL
        SELECT l.input, l.file, l.line, 'siren', l.siren, 'siren_not_in_register', NULL
        FROM entity_links l JOIN entities e USING (entity_id)
        WHERE e.to_resolve_reason = 'siren_not_in_register'
        """,
    )
    wh.con.execute(
        """
        INSERT INTO row_outcomes
        SELECT 'resolve', l.input, l.file, l.line,
               CASE WHEN l.occurrence = 1 THEN 'integrated' ELSE 'merged' END,
               l.entity_id, e.status
        FROM entity_links l JOIN entities e USING (entity_id)
        """
    )
    row = wh.con.execute(
        "SELECT count(*) FILTER (status = 'resolved'), count(*) FILTER (status = 'to_resolve') "
        "FROM entities"
    ).fetchone()
    resolved, to_resolve = (int(row[0]), int(row[1])) if row else (0, 0)
    return {"entities": n_entities, "resolved": resolved, "to_resolve": to_resolve}
