"""Join the register: the establishments the barometer can count, with geography and jobs.

Only two kinds of register rows can enter the perimeter: establishments under a core NAF code
and establishments of companies the partners list. The scan therefore filters on exactly that
(plus the region), so the national file is read once, in DuckDB, and only a few thousand rows are
materialised. Closed establishments are kept here (the perimeter picks active ones) so that later
vintage comparisons and the quality report can see them.

Jobs: a measured headcount (headcounts input) when present; otherwise the register's tranche
d'effectifs gives low / central / high bounds (`ref_tranches`), and `jobs_source` says which.
An establishment with no tranche has NULL jobs: it is counted, never silently given a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthradar.engine import Warehouse, quote_ident, quote_literal
from healthradar.ingest.register import clean_columns_sql
from healthradar.issues import add_issues
from healthradar.reference import departement_of_commune_sql


@dataclass(frozen=True)
class Scope:
    """Where and what the build counts."""

    departements: list[str] | None  # None: the whole of France (and abroad excluded)
    core_naf: list[str]
    vintage: int

    def departement_filter(self, column: str) -> str:
        if self.departements is None:
            return f"coalesce({column}, '') <> ''"
        return f"{column} IN ({', '.join(quote_literal(d) for d in self.departements)})"

    def naf_filter(self, column: str) -> str:
        forms = {form for code in self.core_naf for form in (code, code.replace(".", ""))}
        return f"{column} IN ({', '.join(quote_literal(f) for f in sorted(forms))})"


def _naf_sql(column: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({column}, '[0-9]{{4}}[A-Z]') "
        f"THEN substr({column}, 1, 2) || '.' || substr({column}, 3) ELSE {column} END"
    )


# Register columns the slice keeps (raw names; absent optional ones read as NULL). `siret` is
# rebuilt from siren || nic (a 5-character column is cheaper to scan than the 14-character SIRET).
SLICE_COLUMNS = (
    "siren", "siret", "nic", "codeCommuneEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "dateCreationEtablissement",
    "etablissementSiege", "statutDiffusionEtablissement",
)  # fmt: skip
LEGAL_UNIT_COLUMNS = (
    "siren", "etatAdministratifUniteLegale", "categorieEntreprise",
    "trancheEffectifsUniteLegale", "denominationUniteLegale", "sigleUniteLegale",
    "categorieJuridiqueUniteLegale", "dateCreationUniteLegale", "statutDiffusionUniteLegale",
)  # fmt: skip


def enrich(wh: Warehouse, scope: Scope, siret_from_nic: bool = True) -> dict[str, int]:
    """Materialise `register_slice`, `legal_units` and `establishments`.

    `siret_from_nic`: rebuild the SIRET as siren || nic (true when the file has `nic`).
    """
    listed = [
        r[0]
        for r in wh.con.execute(
            "SELECT DISTINCT siren FROM entities WHERE status = 'resolved' ORDER BY 1"
        ).fetchall()
    ]
    listed_sql = ", ".join(quote_literal(s) for s in listed) or "NULL"
    raw_cols = [c for c in SLICE_COLUMNS if c not in ("siret", "nic")]
    siret = "siren || nic AS siret" if siret_from_nic else "siret"
    dep = departement_of_commune_sql("codeCommuneEtablissement")
    # Filter the raw columns first (the filter reaches the parquet scan) into a small table,
    # then clean the survivors. In one query DuckDB would push the département test (on the
    # cleaned commune) down to all 40 M rows.
    wh.materialise(
        "register_slice_raw",
        f"""
        SELECT {", ".join(quote_ident(c) for c in raw_cols)}, {siret}
        FROM register_establishments_raw
        WHERE {scope.naf_filter("activitePrincipaleEtablissement")} OR siren IN ({listed_sql})
        """,
    )
    n_est = wh.materialise(
        "register_slice",
        f"""
        WITH clean AS (
            SELECT {clean_columns_sql([*raw_cols, "siret"])} FROM register_slice_raw
        )
        SELECT siren, siret, codeCommuneEtablissement AS commune_raw, {dep} AS departement,
               upper(activitePrincipaleEtablissement) AS naf_raw,
               nomenclatureActivitePrincipaleEtablissement AS nomenclature,
               etatAdministratifEtablissement AS etat, trancheEffectifsEtablissement AS tranche,
               anneeEffectifsEtablissement AS tranche_year,
               dateCreationEtablissement AS date_creation,
               etablissementSiege = 'true' AS is_siege,
               statutDiffusionEtablissement AS diffusion,
               {scope.naf_filter("upper(activitePrincipaleEtablissement)")}
                   AND coalesce(nomenclatureActivitePrincipaleEtablissement,
                                'NAFRev2') = 'NAFRev2' AS is_core_naf,
               siren IN ({listed_sql}) AS is_listed
        FROM clean
        WHERE {scope.departement_filter(dep)}
        """,
    )
    wh.con.execute("DROP TABLE register_slice_raw")
    lu_cols = list(LEGAL_UNIT_COLUMNS)
    wh.materialise(
        "legal_units",
        f"""
        WITH raw AS (
            SELECT {", ".join(quote_ident(c) for c in lu_cols)} FROM register_legal_units_raw
            WHERE siren IN (SELECT DISTINCT siren FROM register_slice)
        ), lu AS (SELECT {clean_columns_sql(lu_cols)} FROM raw)
        SELECT siren, etatAdministratifUniteLegale AS etat, categorieEntreprise AS category,
               trancheEffectifsUniteLegale AS tranche,
               denominationUniteLegale AS name,
               sigleUniteLegale AS sigle,
               categorieJuridiqueUniteLegale AS legal_form,
               dateCreationUniteLegale AS date_creation,
               statutDiffusionUniteLegale AS diffusion
        FROM lu
        """,
    )
    wh.materialise(
        "establishments",
        f"""
        SELECT s.siren, s.siret, coalesce(a.code_insee, s.commune_raw) AS commune,
               c.nom AS commune_name, s.departement, d.nom AS departement_name,
               d.code_region AS region, {_naf_sql("s.naf_raw")} AS naf, n.libelle_sous_classe
               AS naf_label, s.nomenclature, s.etat, s.tranche, s.tranche_year, s.date_creation,
               s.is_siege, s.diffusion, s.is_core_naf, s.is_listed,
               coalesce(lu.name, lu.sigle) AS company_name, lu.etat AS company_etat,
               lu.category AS company_category, lu.tranche AS company_tranche,
               CASE WHEN h.headcount IS NOT NULL THEN 'headcount'
                    WHEN t.code IS NOT NULL THEN 'tranche' ELSE 'unknown' END AS jobs_source,
               coalesce(h.headcount, t.central) AS jobs,
               coalesce(h.headcount, t.low) AS jobs_low,
               coalesce(h.headcount, t.high) AS jobs_high,
               {int(scope.vintage)} AS vintage
        FROM register_slice s
        LEFT JOIN ref_commune_aliases a ON a.code_insee_ancien = s.commune_raw
        LEFT JOIN ref_communes c ON c.code_insee = coalesce(a.code_insee, s.commune_raw)
        LEFT JOIN ref_departements d ON d.code_departement = s.departement
        LEFT JOIN ref_naf n ON n.code_sous_classe = {_naf_sql("s.naf_raw")}
        LEFT JOIN ref_tranches t ON t.code = s.tranche
        LEFT JOIN legal_units lu ON lu.siren = s.siren
        LEFT JOIN headcounts h ON h.siret = s.siret
        """,
    )
    add_issues(
        wh,
        "enrich",
        """
        SELECT r.input, r.file, r.line, 'siret' AS "column", r.siret AS raw_value,
               'siret_outside_perimeter' AS reason, NULL AS detail
        FROM headcount_rows r JOIN headcounts h ON h.file = r.file AND h.line = r.line
        WHERE NOT EXISTS (SELECT 1 FROM establishments e WHERE e.siret = h.siret)
        """,
    )
    return {"register_slice": n_est, "establishments": wh.count("establishments")}


def register_scope_counts(wh: Warehouse, scope: Scope) -> dict[str, int]:
    """How many register rows the file has, in the scope, and active there (for the report).

    One pass over two raw columns. For a region, rows are first counted by the commune code's
    first three characters (a few thousand groups), and the département test runs on those
    groups: evaluating it on every row costs twice as much on the national file.
    """
    commune, state = "codeCommuneEtablissement", "etatAdministratifEtablissement"
    if scope.departements is None:
        sql = f"""
            SELECT count(*), count(*) FILTER (coalesce({commune}, '') <> ''),
                   count(*) FILTER (coalesce({commune}, '') <> '' AND {state} = 'A')
            FROM register_establishments_raw"""
    else:
        dep = departement_of_commune_sql("p3")
        sql = f"""
            WITH groups AS (
                SELECT left({commune}, 3) AS p3, {state} = 'A' AS active, count(*) AS n
                FROM register_establishments_raw GROUP BY ALL
            )
            SELECT sum(n), sum(n) FILTER ({scope.departement_filter(dep)}),
                   sum(n) FILTER ({scope.departement_filter(dep)} AND active)
            FROM groups"""
    rows = wh.con.execute(sql).fetchall()
    total, in_region, active = (int(v or 0) for v in rows[0])
    return {"rows": total, "in_region": in_region, "active_in_region": active}
