"""The one way tests check an indicator: evaluate it on a hand-made warehouse, compare every row.

`check_indicator` runs the registry's own evaluation path (materialise, select the declared
columns, sort) and compares the full result with the rows a test states, worked out by hand.
It records the ids it checked; `conftest.pytest_sessionfinish` fails a full run of the suite in
which some registered indicator was never checked this way (no text search, no golden file).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from healthradar.engine import Warehouse
from healthradar.indicators.registry import QueryContext, Registry, evaluate_indicator

CHECKED: set[str] = set()


Rows = Sequence[Mapping[str, Any]]


def load_tables(wh: Warehouse, tables: Mapping[str, Rows | pa.Table]) -> None:
    for name, rows in tables.items():
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows))
        wh.load_arrow(name, table)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def check_indicator(
    registry: Registry,
    indicator_id: str,
    wh: Warehouse,
    expected: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Evaluate one indicator and assert its rows equal `expected`, in order, column by column.

    Every column the indicator declares must be stated for every row: a test cannot skip the
    measures it did not work out."""
    indicator = registry.get(indicator_id)
    result = evaluate_indicator(QueryContext(wh, dict(settings or {})), indicator)
    got = result.data.to_pylist()
    columns = list(indicator.columns)
    assert result.data.column_names == columns, (result.data.column_names, columns)
    assert len(got) == len(expected), f"{indicator_id}: {len(got)} rows, expected {len(expected)}"
    for i, (row, want) in enumerate(zip(got, expected, strict=True)):
        assert set(want) == set(columns), f"{indicator_id} row {i}: state exactly {columns}"
        for col in columns:
            assert _same(row[col], want[col]), (
                f"{indicator_id} row {i} column {col}: got {row[col]!r}, expected {want[col]!r}"
            )
    CHECKED.add(indicator_id)
    return got
