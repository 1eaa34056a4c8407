"""The indicator registry: every published figure is one named, documented, validated query.

Chapters are added explicitly (no import side effects), so tests build their own registries.
`add` refuses what would break later stages silently: a twin id, a text missing in one language,
a chart or sort key naming no column, an unknown chart kind. Evaluation runs on any warehouse
backend: each query is materialised as `ind_<id>` (wide), fetched sorted (NULLs last on every
backend), and flattened into `indicator_values` (long: one row per cell and measure, with bounds,
the units behind the cell and the mask, false until the confidentiality stage fills it). An
indicator whose required inputs are absent from the build is skipped, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from healthradar.contracts import Contract
from healthradar.engine import Warehouse
from healthradar.indicators.definition import (
    CHART_KINDS,
    LANGS,
    Chapter,
    Indicator,
    Measure,
    Texts,
)

INDICATOR_VALUES_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("dimensions", pa.string()),  # JSON object, keys sorted
        ("measure", pa.string()),
        ("unit", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("units", pa.int64()),
        ("masked", pa.bool_()),
        ("mask_reason", pa.string()),
    ]
)


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


@dataclass(frozen=True)
class SkippedIndicator:
    indicator: Indicator
    missing: tuple[str, ...]

    def reason(self, lang: str) -> str:
        names = ", ".join(self.missing)
        if lang == "fr":
            return f"non calculé : entrée absente de ce baromètre ({names})"
        return f"not computed: input absent from this build ({names})"


@dataclass
class Evaluation:
    results: list[IndicatorResult] = field(default_factory=list)
    skipped: list[SkippedIndicator] = field(default_factory=list)


def _complete(texts: Texts | None, what: str) -> None:
    if texts is None or any(not str(texts.get(lang, "")).strip() for lang in LANGS):
        raise ValueError(f"{what} needs a text in {' and '.join(LANGS)}")


class Registry:
    def __init__(self, chapters: Iterable[Chapter] = ()) -> None:
        self._items: dict[str, Indicator] = {}
        self._chapters: dict[str, Chapter] = {}
        for chapter in chapters:
            self.add_chapter(chapter)

    # -- building ----------------------------------------------------------------------------
    def add_chapter(self, chapter: Chapter) -> Chapter:
        if chapter.id in self._chapters:
            raise ValueError(f"chapter {chapter.id!r} is already registered")
        _complete(chapter.title, f"chapter {chapter.id}: title")
        _complete(chapter.intro, f"chapter {chapter.id}: intro")
        self._chapters[chapter.id] = chapter
        for indicator in chapter.indicators:
            self.add(indicator)
        return chapter

    def add(self, ind: Indicator) -> Indicator:
        if ind.id in self._items:
            raise ValueError(f"indicator {ind.id!r} is already registered")
        if not ind.id.startswith(ind.chapter + "."):
            raise ValueError(f"indicator id {ind.id!r} must start with its chapter")
        if ind.chapter not in self._chapters:
            raise ValueError(f"{ind.id}: chapter {ind.chapter!r} is not registered")
        _complete(ind.title, f"{ind.id}: title")
        _complete(ind.description, f"{ind.id}: description")
        if ind.caveats:
            _complete(ind.caveats, f"{ind.id}: caveats")
        if not ind.sources or not ind.measures:
            raise ValueError(f"{ind.id}: sources and measures are required")
        if not set(ind.required_inputs) <= set(ind.sources):
            raise ValueError(f"{ind.id}: required inputs must be among its sources")
        for d in ind.dimensions:
            _complete(d.title, f"{ind.id}: dimension {d.name}")
            if d.label:
                _complete(d.label_title, f"{ind.id}: label of dimension {d.name}")
        for m in ind.measures:
            _complete(m.title, f"{ind.id}: measure {m.name}")
            if bool(m.low) != bool(m.high):
                raise ValueError(f"{ind.id}: measure {m.name} needs both low and high, or none")
            if m.kind not in ("number", "share"):
                raise ValueError(f"{ind.id}: measure {m.name} has unknown kind {m.kind!r}")
            _check_confidential(ind, m)
            _check_interval(ind, m)
        names = ind.dimension_names + tuple(m.name for m in ind.measures)
        if len(set(names)) != len(names):
            raise ValueError(f"{ind.id}: a name is used twice among dimensions and measures")
        columns = set(ind.columns)
        for key in ind.order_by:
            if key.lstrip("-") not in columns:
                raise ValueError(f"{ind.id}: order key {key!r} is not a column of the result")
        if ind.chart:
            kind = ind.chart.get("kind")
            if kind not in CHART_KINDS:
                raise ValueError(f"{ind.id}: unknown chart kind {kind!r}")
            for key in CHART_KINDS[kind]:
                if ind.chart.get(key) not in columns:
                    raise ValueError(f"{ind.id}: chart key {key}={ind.chart.get(key)!r} unknown")
            for key in ("color", "sort"):
                if key in ind.chart and ind.chart[key] not in columns:
                    raise ValueError(f"{ind.id}: chart key {key}={ind.chart[key]!r} unknown")
        self._items[ind.id] = ind
        return ind

    # -- reading -----------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def get(self, indicator_id: str) -> Indicator:
        return self._items[indicator_id]

    def chapters(self) -> list[Chapter]:
        return sorted(self._chapters.values(), key=lambda c: (c.order, c.id))

    def chapter(self, chapter_id: str) -> Chapter:
        return self._chapters[chapter_id]

    def contracts(self) -> dict[str, Contract]:
        """The inputs the chapters declare (beyond the register and the partner lists)."""
        out: dict[str, Contract] = {}
        for chapter in self.chapters():
            for contract in chapter.contracts:
                out[contract.input_kind] = contract
        return out

    # -- evaluating --------------------------------------------------------------------------
    def evaluate(
        self,
        ctx: QueryContext,
        available: Iterable[str],
        only: Iterable[str] | None = None,
    ) -> Evaluation:
        """Evaluate every indicator (or those in `only`) whose inputs are in `available`."""
        have = set(available)
        wanted = set(only) if only is not None else None
        evaluation = Evaluation()
        for ind in self:
            if wanted is not None and ind.id not in wanted:
                continue
            missing = tuple(s for s in ind.required_inputs if s not in have)
            if missing:
                evaluation.skipped.append(SkippedIndicator(ind, missing))
                continue
            evaluation.results.append(evaluate_indicator(ctx, ind))
        ctx.wh.load_arrow("indicator_values", indicator_values(evaluation.results))
        return evaluation


def _check_confidential(ind: Indicator, m: Measure) -> None:
    if m.follows is not None:
        if not m.confidential or m.follows not in [x.name for x in ind.measures]:
            raise ValueError(f"{ind.id}: measure {m.name} follows {m.follows!r}: it must be "
                             "confidential and follow a measure of the same indicator")  # fmt: skip
    elif m.confidential and ind.contributions is None:
        raise ValueError(f"{ind.id}: confidential measure {m.name} needs the indicator's "
                         "contributions query (or `follows`)")  # fmt: skip


def _check_interval(ind: Indicator, m: Measure) -> None:
    if m.interval is None:
        return
    if m.interval != "wilson":
        raise ValueError(f"{ind.id}: measure {m.name} has unknown interval {m.interval!r}")
    if not (m.low and m.high and m.successes and m.trials):
        raise ValueError(f"{ind.id}: measure {m.name}: a Wilson interval needs low, high, "
                         "successes and trials")  # fmt: skip


def wilson(successes: ibis.Value, trials: ibis.Value, z: float = 1.959963984540054) -> tuple[
    ibis.Value, ibis.Value
]:  # fmt: skip
    """The Wilson score interval of successes/trials (Wilson 1927), as portable expressions:
    unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is not empty at 0 or n successes.
    NULL when there is no trial."""
    n = trials.cast("float64").nullif(0)
    p = successes.cast("float64") / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
    return centre - half, centre + half


def evaluate_indicator(ctx: QueryContext, ind: Indicator) -> IndicatorResult:
    expr = ind.query(ctx)
    for m in ind.measures:
        if m.interval == "wilson" and m.low and m.high:
            low, high = wilson(expr[m.successes], expr[m.trials])
            expr = expr.mutate(**{m.low: low, m.high: high})
    missing = [c for c in ind.columns if c not in expr.columns]
    if missing:
        raise ValueError(f"{ind.id}: query lacks columns {missing}")
    wh = ctx.wh
    wh.materialise(ind.table_name, expr.select(*ind.columns))
    sql = wh.sql_log[ind.table_name]
    table = wh.table(ind.table_name)
    keys = ind.order_by or ind.dimension_names
    order = [
        ibis.desc(table[k[1:]], nulls_first=False)
        if k.startswith("-")
        else ibis.asc(table[k], nulls_first=False)
        for k in keys
    ]
    data = wh.to_arrow(table.order_by(order) if order else table)
    return IndicatorResult(ind, sql, data)


def dimensions_key(ind: Indicator, record: Mapping[str, Any]) -> str:
    """A cell's dimensions as the JSON object `indicator_values` stores (keys sorted)."""
    return json.dumps(
        {d: _jsonable(record.get(d)) for d in ind.dimension_names},
        ensure_ascii=False,
        sort_keys=True,
    )


def indicator_values(results: Iterable[IndicatorResult]) -> pa.Table:
    """The long table of every published cell (built from the small wide results).

    A measure's cell is masked when the result carries its mask column (added by the
    confidentiality stage) with a reason; the value stays here, in the warehouse only."""
    rows: dict[str, list[Any]] = {name: [] for name in INDICATOR_VALUES_SCHEMA.names}
    for result in results:
        ind = result.indicator
        for record in result.data.to_pylist():
            dims = dimensions_key(ind, record)
            for m in ind.measures:
                reason = record.get(m.mask_column) if m.mask_column else None
                rows["indicator_id"].append(ind.id)
                rows["dimensions"].append(dims)
                rows["measure"].append(m.name)
                rows["unit"].append(m.unit)
                rows["value"].append(_number(record.get(m.name)))
                rows["low"].append(_number(record.get(m.low)) if m.low else None)
                rows["high"].append(_number(record.get(m.high)) if m.high else None)
                units = record.get(m.units) if m.units else None
                rows["units"].append(int(units) if units is not None else None)
                rows["masked"].append(reason is not None)
                rows["mask_reason"].append(reason)
    return pa.table(rows, schema=INDICATOR_VALUES_SCHEMA)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def results_by_id(results: Iterable[IndicatorResult]) -> Mapping[str, IndicatorResult]:
    return {r.indicator.id: r for r in results}
