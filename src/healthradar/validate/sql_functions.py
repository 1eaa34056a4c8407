"""SQL helpers registered on the warehouse connection: identifier checks and tolerant parsing.

SIREN/SIRET checksums come from python-stdnum (it knows the La Poste SIRET exception), exposed to
DuckDB as scalar functions so that validation stays a query over the whole table. Number parsing
is a SQL macro that accepts what French spreadsheets write: decimal comma, spaces or non-breaking
spaces as thousands separators, and a point or comma as the decimal mark per value (the file's
sniffed mark breaks ties such as '1,234').
"""

from __future__ import annotations

import contextlib

import duckdb
from stdnum.fr import siren, siret

_MACROS = (
    # '' and non-breaking spaces count as empty
    "CREATE OR REPLACE MACRO hr_clean(v) AS "
    "NULLIF(trim(regexp_replace(v, '[\\x{00A0}\\x{202F}\\t]', ' ', 'g')), '')",
    # identifiers written with spaces, dots, dashes: keep the characters that matter
    "CREATE OR REPLACE MACRO hr_digits(v) AS "
    "regexp_replace(v, '[\\s\\x{00A0}\\x{202F}.\\-/]', '', 'g')",
    """CREATE OR REPLACE MACRO hr_number_s(s, mark) AS TRY_CAST(
        CASE
          WHEN s IS NULL OR s = '' THEN NULL
          WHEN regexp_full_match(s, '[+-]?[0-9]+') THEN s
          WHEN contains(s, ',') AND contains(s, '.') THEN
            CASE WHEN strpos(reverse(s), ',') < strpos(reverse(s), '.')
                 THEN replace(replace(s, '.', ''), ',', '.')
                 ELSE replace(s, ',', '') END
          WHEN contains(s, ',') THEN
            CASE WHEN mark = '.' AND regexp_full_match(s, '[+-]?[0-9]{1,3}(,[0-9]{3})+')
                 THEN replace(s, ',', '') ELSE replace(s, ',', '.') END
          WHEN contains(s, '.') THEN
            CASE WHEN mark = ',' AND regexp_full_match(s, '[+-]?[0-9]{1,3}([.][0-9]{3})+')
                 THEN replace(s, '.', '') ELSE s END
          ELSE s
        END AS DOUBLE)""",
    # only finite numbers: 'nan', 'inf' would poison every sum they enter
    "CREATE OR REPLACE MACRO hr_finite(x) AS CASE WHEN isfinite(x) THEN x END",
    "CREATE OR REPLACE MACRO hr_number(v, mark) AS "
    "hr_finite(hr_number_s(regexp_replace(v, '[\\s\\x{00A0}\\x{202F}]', '', 'g'), mark))",
    # an identifier that went through a spreadsheet: '552120222.0', or a leading zero lost
    # ('11234002' for SIREN 011234002); `width` is 9 (SIREN) or 14 (SIRET)
    "CREATE OR REPLACE MACRO hr_identifier_d(d, width) AS CASE "
    "WHEN regexp_full_match(d, '[0-9]+') AND length(d) = width - 1 THEN '0' || d "
    "WHEN regexp_full_match(d, '[0-9]+') AND width = 9 AND length(d) = 13 THEN '0' || d "
    "ELSE d END",
    "CREATE OR REPLACE MACRO hr_identifier(v, width) AS "
    "hr_identifier_d(hr_digits(regexp_replace(v, '[.,]0+$', '')), width)",
)


def register_sql_functions(con: duckdb.DuckDBPyConnection) -> None:
    for name, func in (("hr_siren_valid", siren.is_valid), ("hr_siret_valid", siret.is_valid)):
        with contextlib.suppress(Exception):  # not registered yet on this connection
            con.remove_function(name)
        con.create_function(name, func, ["VARCHAR"], "BOOLEAN", side_effects=False)
    for macro in _MACROS:
        con.execute(macro)
