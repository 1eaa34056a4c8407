"""The `issues` and `row_outcomes` warehouse tables: how nothing gets lost.

Every stage that finds a problem with a row inserts it into `issues` (origin, column, raw value,
reason code, detail); every input row of a partner-style input ends with exactly one outcome in
`row_outcomes` (integrated, merged or rejected). The quality report and the reconciliation are
queries over these two tables, and the tests assert on them.
"""

from __future__ import annotations

from healthradar.engine import Warehouse
from healthradar.errors import REASONS

ISSUES_DDL = """
CREATE OR REPLACE TABLE issues (
    stage VARCHAR NOT NULL,
    input VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line INTEGER,
    "column" VARCHAR,
    raw_value VARCHAR,
    reason VARCHAR NOT NULL,
    detail VARCHAR
)
"""

OUTCOMES_DDL = """
CREATE OR REPLACE TABLE row_outcomes (
    stage VARCHAR NOT NULL,     -- the stage that decided
    input VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    outcome VARCHAR NOT NULL,   -- integrated | merged | rejected
    entity_id VARCHAR,          -- what the row now stands for (NULL when rejected)
    status VARCHAR              -- resolved | to_resolve (partner rows), NULL otherwise
)
"""


def create_quality_tables(wh: Warehouse) -> None:
    wh.con.execute(ISSUES_DDL)
    wh.con.execute(OUTCOMES_DDL)
    wh.con.execute(
        "CREATE OR REPLACE TABLE reasons "
        "(reason VARCHAR PRIMARY KEY, severity VARCHAR, message_en VARCHAR, message_fr VARCHAR)"
    )
    wh.con.executemany(
        "INSERT INTO reasons VALUES (?, ?, ?, ?)",
        [(r.code, r.severity, r.en, r.fr) for r in REASONS.values()],
    )


def add_issues(wh: Warehouse, stage: str, select_sql: str) -> int:
    """Insert issues from a SELECT of (input, file, line, column, raw_value, reason, detail)."""
    before = wh.count("issues")
    wh.con.execute(
        f"INSERT INTO issues SELECT '{stage}', input, file, line, \"column\", raw_value, reason, "
        f"detail FROM ({select_sql})"
    )
    return wh.count("issues") - before


def quality_rows_sql(lang: str) -> str:
    """Every issue with its severity and message in one language, in file/line order."""
    col = "message_fr" if lang == "fr" else "message_en"
    return f"""
        SELECT coalesce(r.severity, 'unknown') AS severity, i.stage, i.input, i.file, i.line,
               i."column", i.raw_value, i.reason,
               replace(replace(coalesce({col}, i.reason), '{{value}}', coalesce(i.raw_value, '')),
                       '{{detail}}', coalesce(i.detail, '')) AS message
        FROM issues i LEFT JOIN reasons r USING (reason)
        ORDER BY i.file, i.line, i."column", i.reason
    """


RECONCILIATION_SQL = """
WITH outcomes AS (
    SELECT file,
           count(*) FILTER (outcome = 'integrated') AS integrated,
           count(*) FILTER (outcome = 'merged') AS merged,
           count(*) FILTER (outcome = 'rejected') AS rejected,
           count(*) FILTER (outcome = 'integrated' AND status = 'to_resolve') AS to_resolve,
           count(*) AS rows_with_outcome,
           count(DISTINCT line) AS distinct_lines
    FROM row_outcomes GROUP BY file
), warnings AS (
    SELECT i.file, count(*) AS warnings
    FROM issues i JOIN reasons r USING (reason) WHERE r.severity = 'warning' GROUP BY i.file
)
SELECT f.input, f.kind, f.file, f.rows_read,
       coalesce(o.integrated, 0) AS integrated, coalesce(o.merged, 0) AS merged,
       coalesce(o.rejected, 0) AS rejected, coalesce(o.to_resolve, 0) AS to_resolve,
       coalesce(w.warnings, 0) AS warnings,
       f.rows_read = coalesce(o.integrated, 0) + coalesce(o.merged, 0) + coalesce(o.rejected, 0)
           AND coalesce(o.rows_with_outcome, 0) = coalesce(o.distinct_lines, 0) AS balanced
FROM input_files f
LEFT JOIN outcomes o USING (file)
LEFT JOIN warnings w USING (file)
WHERE f.kind IN ('partners', 'headcounts')
ORDER BY f.kind, f.input, f.file
"""


QUALITY_BY_REASON_SQL = """
SELECT severity, reason, count(*) AS count
FROM (SELECT coalesce(r.severity, 'unknown') AS severity, i.reason
      FROM issues i LEFT JOIN reasons r USING (reason))
GROUP BY severity, reason
ORDER BY CASE severity WHEN 'rejected' THEN 0 WHEN 'warning' THEN 1 WHEN 'info' THEN 2 ELSE 3 END,
         reason
"""
