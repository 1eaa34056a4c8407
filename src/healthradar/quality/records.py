"""How a stage records what it found: issues (row, column, reason) and row outcomes.

A stage never appends to a shared table: it materialises its own `issues__<stage>__<part>` and
`outcomes__<stage>__<part>` tables from Ibis expressions, and the quality module reads them all
back as one union. Re-running a step replaces its tables instead of adding twice, and the same
code runs on every backend (no INSERT, no DELETE).

Issues: (input, file, line, column, raw_value, reason, detail) — reason is a code of
`reasons.REASONS`. Outcomes: (input, file, line, outcome, entity_id, status) — outcome is
integrated | merged | rejected; every row of a partner-style input ends with exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from healthradar.engine import Warehouse

ISSUE_COLUMNS: dict[str, str] = {
    "input": "string",
    "file": "string",
    "line": "int64",
    "column": "string",
    "raw_value": "string",
    "reason": "string",
    "detail": "string",
}
OUTCOME_COLUMNS: dict[str, str] = {
    "input": "string",
    "file": "string",
    "line": "int64",
    "outcome": "string",
    "entity_id": "string",
    "status": "string",
}
ISSUE_SCHEMA = pa.schema(
    [(k, pa.int64() if v == "int64" else pa.string()) for k, v in ISSUE_COLUMNS.items()]
)
OUTCOME_SCHEMA = pa.schema(
    [(k, pa.int64() if v == "int64" else pa.string()) for k, v in OUTCOME_COLUMNS.items()]
)


def _conform(expr: Table, columns: dict[str, str], stage: str) -> Table:
    missing = [c for c in columns if c not in expr.columns]
    if missing:
        raise ValueError(f"{stage}: record lacks columns {missing}")
    return expr.select(
        stage=ibis.literal(stage, "string"),
        **{name: expr[name].cast(dtype) for name, dtype in columns.items()},
    )


def record_issues(wh: Warehouse, stage: str, part: str, expr: Table) -> int:
    """Replace `issues__<stage>__<part>` with the rows of `expr` (one issue each)."""
    return wh.materialise(f"issues__{stage}__{part}", _conform(expr, ISSUE_COLUMNS, stage))


def record_outcomes(wh: Warehouse, stage: str, part: str, expr: Table) -> int:
    """Replace `outcomes__<stage>__<part>` with the rows of `expr` (one outcome per row)."""
    return wh.materialise(f"outcomes__{stage}__{part}", _conform(expr, OUTCOME_COLUMNS, stage))


def record_issue_rows(
    wh: Warehouse, stage: str, part: str, rows: Sequence[tuple[object, ...]]
) -> int:
    """Issues found in Python while reading a small file (ingest), as rows of ISSUE_COLUMNS."""
    table = pa.Table.from_pylist(
        [dict(zip(ISSUE_COLUMNS, row, strict=True)) for row in rows], schema=ISSUE_SCHEMA
    )
    table = table.append_column("stage", pa.array([stage] * table.num_rows, pa.string()))
    return wh.load_arrow(f"issues__{stage}__{part}", table.select(["stage", *ISSUE_COLUMNS]))


def record_outcome_rows(
    wh: Warehouse, stage: str, part: str, rows: Sequence[tuple[object, ...]]
) -> int:
    """Outcomes decided in Python while reading a small file (records rejected at ingest)."""
    table = pa.Table.from_pylist(
        [dict(zip(OUTCOME_COLUMNS, row, strict=True)) for row in rows], schema=OUTCOME_SCHEMA
    )
    table = table.append_column("stage", pa.array([stage] * table.num_rows, pa.string()))
    return wh.load_arrow(f"outcomes__{stage}__{part}", table.select(["stage", *OUTCOME_COLUMNS]))


def all_issues(wh: Warehouse) -> Table:
    """Every issue of every stage (an empty table of the right shape when there is none)."""
    return _union(wh, "issues__", ISSUE_SCHEMA)


def all_outcomes(wh: Warehouse) -> Table:
    return _union(wh, "outcomes__", OUTCOME_SCHEMA)


def _union(wh: Warehouse, prefix: str, schema: pa.Schema) -> Table:
    names = wh.list_tables(prefix)
    columns = ["stage", *schema.names]
    if not names:
        empty = pa.schema([("stage", pa.string()), *((f.name, f.type) for f in schema)])
        wh.load_arrow(prefix + "_empty", empty.empty_table())
        names = [prefix + "_empty"]
    tables = [wh.table(n).select(*columns) for n in names]
    return tables[0].union(*tables[1:]) if len(tables) > 1 else tables[0]
