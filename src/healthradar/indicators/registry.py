"""The indicator registry: every published figure is one named, documented query.

An `Indicator` is metadata (id, chapter, FR/EN title, unit, sources, caveats, dimensions,
measures) plus a function that builds an Ibis expression over the warehouse. The registry refuses
two indicators with one id and is built explicitly (no import side effects), so tests can make
their own. Evaluation materialises each result as a warehouse table `ind_<id>` (wide: dimensions
and measures as columns) and appends it to `indicator_values` (long: one row per cell and
measure, with low/high bounds where the measure has them), recording the SQL of every query for
the manifest. The report, the API and the exports only read these results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from ibis.expr.types import Table

from healthradar.engine import Warehouse, quote_ident


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    title: dict[str, str]
    low: str | None = None  # column holding the low bound, if the measure is an estimate
    high: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    chapter: str
    title: dict[str, str]
    description: dict[str, str]
    sources: tuple[str, ...]
    dimensions: tuple[str, ...]
    measures: tuple[Measure, ...]
    query: Callable[[QueryContext], Table]
    caveats: dict[str, str] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)  # hints for publish (kind, x, y, color)
    order_by: tuple[str, ...] = ()  # columns; a leading '-' sorts descending

    def order_sql(self) -> str:
        keys = self.order_by or self.dimensions
        parts = [
            f"{quote_ident(k[1:])} DESC NULLS LAST" if k.startswith("-") else quote_ident(k)
            for k in keys
        ]
        return " ORDER BY " + ", ".join(parts) if parts else ""

    @property
    def table_name(self) -> str:
        return "ind_" + self.id.replace(".", "__")

    @property
    def unit(self) -> str:
        return self.measures[0].unit


@dataclass
class QueryContext:
    """What an indicator query may read: warehouse tables and build settings."""

    wh: Warehouse
    settings: dict[str, Any]

    def table(self, name: str) -> Table:
        return self.wh.table(name)


@dataclass
class IndicatorResult:
    indicator: Indicator
    sql: str
    data: pa.Table

    @property
    def rows(self) -> int:
        return self.data.num_rows


class Registry:
    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}

    def add(self, indicator: Indicator) -> Indicator:
        if indicator.id in self._items:
            raise ValueError(f"indicator {indicator.id!r} is already registered")
        if not indicator.id.startswith(indicator.chapter + "."):
            raise ValueError(f"indicator id {indicator.id!r} must start with its chapter")
        self._items[indicator.id] = indicator
        return indicator

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def get(self, indicator_id: str) -> Indicator:
        return self._items[indicator_id]

    def chapters(self) -> list[str]:
        return list(dict.fromkeys(i.chapter for i in self))

    def evaluate(self, ctx: QueryContext) -> list[IndicatorResult]:
        wh = ctx.wh
        wh.con.execute(
            """
            CREATE OR REPLACE TABLE indicator_values (
                indicator_id VARCHAR, dimensions JSON, measure VARCHAR, unit VARCHAR,
                value DOUBLE, low DOUBLE, high DOUBLE
            )
            """
        )
        results = []
        for ind in self:
            expr = ind.query(ctx)
            missing = [
                c
                for c in (*ind.dimensions, *(m.name for m in ind.measures))
                if c not in expr.columns
            ]
            if missing:
                raise ValueError(f"{ind.id}: query lacks columns {missing}")
            wh.materialise(ind.table_name, expr)
            sql = wh.sql_log[ind.table_name]
            dims = ", ".join(f"{quote_ident(d)} := {quote_ident(d)}" for d in ind.dimensions)
            dims_json = f"to_json(struct_pack({dims}))" if dims else "'{}'::JSON"
            for m in ind.measures:
                low = f"CAST({quote_ident(m.low)} AS DOUBLE)" if m.low else "NULL"
                high = f"CAST({quote_ident(m.high)} AS DOUBLE)" if m.high else "NULL"
                wh.con.execute(
                    f"INSERT INTO indicator_values SELECT ?, {dims_json}, ?, ?, "
                    f"CAST({quote_ident(m.name)} AS DOUBLE), {low}, {high} "
                    f"FROM {quote_ident(ind.table_name)}",
                    [ind.id, m.name, m.unit],
                )
            data = wh.con.sql(
                f"SELECT * FROM {quote_ident(ind.table_name)}{ind.order_sql()}"
            ).to_arrow_table()
            results.append(IndicatorResult(ind, sql, _plain_numbers(data)))
        return results


def _plain_numbers(table: pa.Table) -> pa.Table:
    """DuckDB sums integers into HUGEINT (Arrow decimal); publish wants plain int64/float64."""
    columns = []
    for col in table.columns:
        if pa.types.is_decimal(col.type):
            col = col.cast(pa.int64() if col.type.scale == 0 else pa.float64())
        columns.append(col)
    return pa.table(columns, names=table.column_names)
