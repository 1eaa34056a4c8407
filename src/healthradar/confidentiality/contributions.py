"""An indicator's unit-level contributions, grouped by the cell they fall in, kept columnar.

Contributions have one row per unit and cell: with a 200,000-row headcount file, 200,000 rows
for each table of the emploi chapter (400,000 for `totals`). Read as one Python dict per row
they cost hundreds of MB (issue 9, `bench/bench_inputs.py --full`). Here they stay one Arrow
table; the cell of a row is worked out once per distinct combination of dimensions (a few
hundred at most), and a cell's rows become Python values only while its `Cell` is built.

Row order is the one the per-row version had, because sums follow it to the last bit: a cell's
rows in the engine's order, then sorted (stably) by unit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from healthradar.indicators.definition import Indicator
from healthradar.indicators.registry import dimensions_key


class Contributions:
    """The contributions of one indicator, with the rows of each cell."""

    def __init__(self, ind: Indicator, table: pa.Table) -> None:
        self.table = table.combine_chunks()
        self._rows = _rows_by_cell(ind, self.table)
        self._no_rows = np.zeros(0, dtype=np.int64)

    def rows(self, dims: str) -> np.ndarray:
        """Row numbers of the cell keyed `dims` (as `dimensions_key`), in the engine's order."""
        return self._rows.get(dims, self._no_rows)

    def by_unit(self, rows: np.ndarray) -> np.ndarray:
        """`rows` sorted by unit (as text); equal units keep their order in `rows`."""
        units = self.table.column("unit").take(pa.array(rows, pa.int64())).to_pylist()
        order = sorted(range(len(units)), key=lambda i: str(units[i]))
        return rows[np.asarray(order, dtype=np.int64)] if order else rows

    def iter_rows(self, rows: np.ndarray, measure: str) -> Iterator[tuple[Any, Any, Any]]:
        """(unit, secret, amount of `measure`) of each row, in the order of `rows`."""
        index = pa.array(rows, pa.int64())
        columns = [self.table.column(c).take(index).to_pylist() for c in ("unit", "secret")]
        amounts = self.table.column(measure).take(index).to_pylist()
        return zip(columns[0], columns[1], amounts, strict=True)


def _rows_by_cell(ind: Indicator, table: pa.Table) -> dict[str, np.ndarray]:
    """Row numbers per cell key: rows are grouped by their codes in each dimension's
    dictionary, and each group's key is computed from its first row."""
    n = table.num_rows
    dims: Sequence[str] = ind.dimension_names
    if n == 0:
        return {}
    if not dims:
        return {dimensions_key(ind, {}): np.arange(n, dtype=np.int64)}
    codes = np.zeros((n, len(dims)), dtype=np.int64)
    dictionaries: list[pa.Array] = []
    for j, d in enumerate(dims):
        column = table.column(d)
        encoded = pc.dictionary_encode(column.chunk(0) if column.num_chunks else column)
        codes[:, j] = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        dictionaries.append(encoded.dictionary)
    combos, group = np.unique(codes, axis=0, return_inverse=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")  # engine order within a group
    bounds = np.cumsum(np.bincount(group, minlength=len(combos)))
    out: dict[str, list[np.ndarray]] = {}
    for g, combo in enumerate(combos):
        record = {
            d: (dictionaries[j][int(code)].as_py() if code >= 0 else None)
            for j, (d, code) in enumerate(zip(dims, combo, strict=True))
        }
        start = int(bounds[g - 1]) if g else 0
        out.setdefault(dimensions_key(ind, record), []).append(order[start : int(bounds[g])])
    # two combinations with the same key (values equal once made JSON): one cell, engine order
    return {k: parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts)) for k, parts in
            out.items()}  # fmt: skip
