"""The headcounts contract: one measured headcount per establishment for the build's vintage.

A headcount replaces an estimate in published figures, so its row must be unambiguous: an
invalid SIRET, a non-numeric or negative value or another year rejects the row. The same SIRET
listed twice keeps the first row (the others are merged into it, with the values in the detail
when they differ).
"""

from __future__ import annotations

from healthradar.engine import Warehouse
from healthradar.issues import add_issues

HEADCOUNT_ROWS_SQL = """
WITH cleaned AS (
    SELECT r._input AS input, r._file AS file, r._line AS line,
           hr_clean(r.siret) AS siret_raw, hr_identifier(hr_clean(r.siret), 14) AS siret,
           hr_clean(r.headcount) AS headcount_raw,
           hr_number(hr_clean(r.headcount), coalesce(f.decimal_mark, '.')) AS headcount,
           hr_clean(r.year) AS year_raw, TRY_CAST(hr_clean(r.year) AS INTEGER) AS year
    FROM raw_headcounts r LEFT JOIN input_files f ON f.file = r._file
), judged AS (
    SELECT *,
        CASE
          WHEN siret_raw IS NULL AND headcount_raw IS NULL AND year_raw IS NULL THEN 'row_empty'
          WHEN siret_raw IS NULL OR NOT regexp_full_match(siret, '[0-9]{14}')
               OR NOT hr_siret_valid(siret) THEN 'siret_invalid'
          WHEN headcount IS NULL THEN 'number_invalid'
          WHEN headcount < 0 THEN 'number_negative'
          WHEN year_raw IS NOT NULL AND (year IS NULL OR year <> $vintage) THEN 'year_mismatch'
        END AS reject_reason
    FROM cleaned
)
SELECT *,
    CASE WHEN reject_reason IS NULL THEN
        row_number() OVER (PARTITION BY reject_reason IS NULL, siret ORDER BY file, line)
    END AS occurrence,
    first_value(file || ':' || line) OVER (
        PARTITION BY reject_reason IS NULL, siret ORDER BY file, line) AS first_origin,
    first_value(headcount) OVER (
        PARTITION BY reject_reason IS NULL, siret ORDER BY file, line) AS first_headcount
FROM judged
"""


def validate_headcounts(wh: Warehouse, vintage: int) -> int:
    """Create `headcount_rows` (all rows) and `headcounts` (one valid row per SIRET)."""
    sql = HEADCOUNT_ROWS_SQL.replace("$vintage", str(int(vintage)))
    n = wh.materialise("headcount_rows", sql)
    wh.materialise(
        "headcounts",
        "SELECT siret, headcount, file, line FROM headcount_rows "
        "WHERE reject_reason IS NULL AND occurrence = 1",
    )
    add_issues(
        wh,
        "validate",
        f"""
        SELECT input, file, line,
               CASE reject_reason WHEN 'row_empty' THEN '*' WHEN 'siret_invalid' THEN 'siret'
                    WHEN 'year_mismatch' THEN 'year' ELSE 'headcount' END AS "column",
               CASE reject_reason WHEN 'siret_invalid' THEN siret_raw
                    WHEN 'year_mismatch' THEN year_raw ELSE headcount_raw END AS raw_value,
               reject_reason AS reason,
               CASE WHEN reject_reason = 'year_mismatch' THEN '{int(vintage)}' END AS detail
        FROM headcount_rows WHERE reject_reason IS NOT NULL
        UNION ALL
        SELECT input, file, line, 'siret', siret_raw, 'duplicate_merged',
               first_origin || CASE WHEN headcount IS DISTINCT FROM first_headcount
                   THEN ' (' || headcount || ' ≠ ' || first_headcount || ')' ELSE '' END
        FROM headcount_rows WHERE reject_reason IS NULL AND occurrence > 1
        """,
    )
    wh.con.execute(
        """
        INSERT INTO row_outcomes
        SELECT 'validate', input, file, line,
               CASE WHEN reject_reason IS NOT NULL THEN 'rejected'
                    WHEN occurrence > 1 THEN 'merged' ELSE 'integrated' END,
               CASE WHEN reject_reason IS NULL THEN 'siret:' || siret END,
               NULL
        FROM headcount_rows
        """
    )
    return n
