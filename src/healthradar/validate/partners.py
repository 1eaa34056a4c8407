"""The partner-list contract: typed rows, identifier checks, rejects.

A partner row is rejected only when nothing can identify a company (no name and no usable
SIREN) or when it is empty; every other problem is a warning on one value, and the row goes on.
SIREN handling follows what real lists contain: spaces and dots are ignored, a valid SIRET yields
its SIREN, a wrong checksum or a malformed value leaves the company 'to resolve'.
"""

from __future__ import annotations

from healthradar.engine import Warehouse
from healthradar.issues import add_issues

PARTNER_ROWS_SQL = """
WITH cleaned AS (
    SELECT r._input AS input, r._file AS file, r._line AS line,
           hr_clean(r.name) AS name, hr_clean(r.siren) AS siren_raw,
           hr_clean(r.filiere) AS filiere_label, hr_clean(r.city) AS city,
           hr_clean(r.postcode) AS postcode, hr_clean(r.employees) AS employees_raw,
           hr_clean(r.revenue_meur) AS revenue_raw, hr_clean(r.website) AS website,
           hr_identifier(hr_clean(r.siren), 9) AS id_digits,
           coalesce(f.decimal_mark, '.') AS decimal_mark
    FROM raw_partners r LEFT JOIN input_files f ON f.file = r._file
), checked AS (
    SELECT *,
        CASE
          WHEN siren_raw IS NULL THEN 'siren_missing'
          WHEN regexp_full_match(id_digits, '[0-9]{9}') THEN
               CASE WHEN hr_siren_valid(id_digits) THEN 'ok' ELSE 'siren_checksum' END
          WHEN regexp_full_match(id_digits, '[0-9]{14}') THEN
               CASE WHEN hr_siret_valid(id_digits) THEN 'siret_as_siren' ELSE 'siren_checksum' END
          ELSE 'siren_malformed'
        END AS siren_status
    FROM cleaned
)
SELECT input, file, line, name, siren_raw, siren_status,
       CASE siren_status WHEN 'ok' THEN id_digits
                         WHEN 'siret_as_siren' THEN substr(id_digits, 1, 9) END AS siren,
       filiere_label, city, postcode, website,
       employees_raw, hr_number(employees_raw, decimal_mark) AS employees,
       revenue_raw, hr_number(revenue_raw, decimal_mark) AS revenue_meur,
       CASE
         WHEN name IS NULL AND siren_raw IS NULL AND filiere_label IS NULL AND city IS NULL
              AND postcode IS NULL AND employees_raw IS NULL AND revenue_raw IS NULL
              AND website IS NULL THEN 'row_empty'
         WHEN name IS NULL AND siren_status NOT IN ('ok', 'siret_as_siren') THEN 'name_missing'
       END AS reject_reason
FROM checked
"""


def validate_partners(wh: Warehouse) -> int:
    """Create `partner_rows` (all rows, typed, with their reject reason) and record issues."""
    n = wh.materialise("partner_rows", PARTNER_ROWS_SQL)
    add_issues(
        wh,
        "validate",
        """
        SELECT input, file, line,
               CASE WHEN reject_reason = 'row_empty' THEN '*' ELSE 'name' END AS "column",
               NULL AS raw_value, reject_reason AS reason, NULL AS detail
        FROM partner_rows WHERE reject_reason IS NOT NULL
        UNION ALL
        SELECT input, file, line, 'siren', siren_raw, siren_status,
               CASE WHEN siren_status = 'siret_as_siren' THEN siren END
        FROM partner_rows
        WHERE reject_reason IS NULL AND siren_status <> 'ok'
        UNION ALL
        SELECT input, file, line, 'employees', employees_raw, 'number_ignored', NULL
        FROM partner_rows
        WHERE reject_reason IS NULL AND employees_raw IS NOT NULL AND employees IS NULL
        UNION ALL
        SELECT input, file, line, 'revenue_meur', revenue_raw, 'number_ignored', NULL
        FROM partner_rows
        WHERE reject_reason IS NULL AND revenue_raw IS NOT NULL AND revenue_meur IS NULL
        """,
    )
    wh.con.execute(
        """
        INSERT INTO row_outcomes
        SELECT 'validate', input, file, line, 'rejected', NULL, NULL
        FROM partner_rows WHERE reject_reason IS NOT NULL
        """
    )
    return n
