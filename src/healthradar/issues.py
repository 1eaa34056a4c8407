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
    """Insert issues from a SELECT yielding (input, file, line, column, raw_value, reason, detail)."""
    before = wh.count("issues")
    wh.con.execute(
        f"INSERT INTO issues SELECT '{stage}', input, file, line, \"column\", raw_value, reason, "
        f"detail FROM ({select_sql})"
    )
    return wh.count("issues") - before
