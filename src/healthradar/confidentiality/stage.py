"""The confidentiality stage: mask what may not be published, before anything is published.

Runs right after `indicators`. For every indicator with a confidential measure it reads the
unit-level contributions (`Indicator.contributions`), turns each published cell into a linear
form over the units under secrecy (`cells.Cell`), applies the primary rules of the measure's
source (`rules.Rules`, from `[confidentiality]` and `[confidentiality.sources.<input>]`), runs
secondary suppression over all the chapter's tables at once (`suppression.suppress`) and
certifies the result with the attacker (`audit`): the build stops rather than publish a cell the
attacker narrows below its protection interval.

Then every result's data (what publish reads) gets, per confidential measure, a mask column
(`<measure>_mask`: 'frequency', 'dominance', 'secondary' or null) and NULL in the measure, its
bounds and the measures that follow it, for every masked cell. The unmasked values stay in the
warehouse: `ind_<id>`, `indicator_values` (with `masked` and `mask_reason`) and
`confidentiality_cells` (one row per protected cell, with the attacker's interval).

A table publishing shares of a confidential measure also publishes that measure's total over the
table (share × total = cell): the stage adds that total as an implicit cell (`<id>|*|<measure>`);
when it has to be masked, every share of the table is.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from healthradar.confidentiality.audit import Interval, feasible_intervals, narrowest_margin
from healthradar.confidentiality.cells import Cell
from healthradar.confidentiality.contributions import Contributions
from healthradar.confidentiality.rules import REASONS, Rules
from healthradar.confidentiality.suppression import suppress
from healthradar.config import ConfidentialitySection
from healthradar.indicators.definition import Indicator, Measure
from healthradar.indicators.registry import (
    Evaluation,
    IndicatorResult,
    QueryContext,
    dimensions_key,
    indicator_values,
)

TOTAL = "*"
CELLS_SCHEMA = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("dimensions", pa.string()),
        ("measure", pa.string()),
        ("contributors", pa.int64()),  # units under secrecy behind the cell
        ("value", pa.float64()),
        ("secret", pa.float64()),  # the part under secrecy
        ("masked", pa.bool_()),
        ("mask_reason", pa.string()),
        ("attacker_low", pa.float64()),  # masked cells: what the attacker can narrow it to
        ("attacker_high", pa.float64()),
    ]
)


def rules_for(section: ConfidentialitySection) -> Callable[[str | None], Rules]:
    """The rules of a source: `[confidentiality]` with `[confidentiality.sources.<s>]` over it."""

    def rules(source: str | None) -> Rules:
        over = section.sources.get(source or "")

        def pick(name: str) -> Any:
            mine = getattr(over, name) if over is not None else None
            return mine if mine is not None else getattr(section, name)

        dominance = tuple((int(n), float(k)) for n, k in pick("dominance"))
        return Rules(int(pick("min_units")), dominance, float(pick("protection")))

    return rules


@dataclass
class ConfidentialityOutcome:
    cells: int = 0  # protected cells (confidential measures of published rows)
    masked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    value_total: float = 0.0
    value_masked: float = 0.0
    narrowest: float | None = None  # ≥ 1: every masked cell keeps its protection interval
    seconds: float = 0.0

    @property
    def share_masked(self) -> float:
        return self.value_masked / self.value_total if self.value_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "masked": dict(self.masked),
            "share_masked": self.share_masked,
            "narrowest_margin": self.narrowest,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Slot:
    result: int  # index in evaluation.results
    row: int | None  # None: the implicit total of a table publishing shares
    dims: str
    measure: Measure
    contributors: int


def _primary(ind: Indicator) -> list[Measure]:
    return [m for m in ind.measures if m.confidential and m.follows is None]


def _build_cells(
    ctx: QueryContext, evaluation: Evaluation, rules: Callable[[str | None], Rules]
) -> tuple[list[Cell], dict[str, float], list[_Slot]]:
    cells: list[Cell] = []
    values: dict[str, float] = {}
    slots: list[_Slot] = []
    for r, result in enumerate(evaluation.results):
        ind = result.indicator
        primary = _primary(ind)
        if not primary or ind.contributions is None:
            continue
        found = Contributions(ind, ctx.wh.to_arrow(ind.contributions(ctx)))
        records = result.data.to_pylist()
        keys = [dimensions_key(ind, record) for record in records]
        in_unit_order = [found.by_unit(found.rows(dims)) for dims in keys]
        for m in primary:
            rule = rules(m.source)
            for i, record in enumerate(records):
                rows = found.iter_rows(in_unit_order[i], m.name)
                cell = _cell(f"{ind.id}|{keys[i]}|{m.name}", rows, m, rule, values, record)
                cells.append(cell)
                slots.append(_Slot(r, i, keys[i], m, len(cell.terms)))
            if any(f.follows == m.name for f in ind.measures):
                # every record's rows, record after record, then by unit
                parts = [found.rows(dims) for dims in keys]
                everything = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
                rows = found.iter_rows(found.by_unit(everything), m.name)
                cell = _cell(f"{ind.id}|{TOTAL}|{m.name}", rows, m, rule, values, None)
                cells.append(cell)
                slots.append(_Slot(r, None, json.dumps(TOTAL), m, len(cell.terms)))
    return cells, values, slots


def _cell(
    key: str,
    rows: Iterable[tuple[Any, Any, Any]],
    m: Measure,
    rule: Rules,
    values: dict[str, float],
    record: Mapping[str, Any] | None,
) -> Cell:
    """The cell of `rows` ((unit, secret, amount) in unit order, not the engine's row order:
    DuckDB's and Spark's differ; so the same sums to the last bit, hence the same MILP and the
    same masks on every engine)."""
    terms: dict[str, float] = {}
    public = 0.0
    for unit_id, secret_row, value in rows:
        amount = float(value or 0.0)
        if not secret_row:
            public += amount
            continue
        # one string per unit however many cells hold it (hundreds of thousands of units)
        unit = sys.intern(f"{m.source}:{m.name}:{unit_id}")
        if unit in values and not math.isclose(values[unit], amount, abs_tol=1e-9):
            raise ValueError(f"{key}: unit {unit_id} contributes {amount} here and "
                             f"{values[unit]} elsewhere")  # fmt: skip
        values[unit] = amount
        count = terms.get(unit)
        terms[unit] = 1.0 if count is None else count + 1.0
    secret = sum(values[u] * c for u, c in terms.items())
    if record is not None:
        published = float(record.get(m.name) or 0.0)
        if not math.isclose(published, public + secret, rel_tol=1e-9, abs_tol=1e-6):
            raise ValueError(
                f"{key}: contributions sum to {public + secret}, the cell says {published}: "
                "the indicator's contributions query is wrong"
            )
    reason = rule.sensitivity([values[u] for u in terms])
    return Cell(key, terms, public, sensitive=reason, protection=rule.protection, label=key)


def _mask_results(
    evaluation: Evaluation, slots: list[_Slot], cells: list[Cell], masked: Mapping[str, str]
) -> tuple[list[IndicatorResult], list[IndicatorResult]]:
    """(flagged, published): both with mask columns; published has NULL where masked."""
    reasons: dict[tuple[int, str], list[str | None]] = {}
    shares_masked: set[tuple[int, str]] = set()
    for slot, cell in zip(slots, cells, strict=True):
        rows = evaluation.results[slot.result].rows
        column = reasons.setdefault((slot.result, slot.measure.name), [None] * rows)
        if slot.row is None:
            if cell.key in masked:
                shares_masked.add((slot.result, slot.measure.name))
        else:
            column[slot.row] = masked.get(cell.key)
    flagged, published = [], []
    for r, result in enumerate(evaluation.results):
        ind = result.indicator
        data, out = result.data, result.data
        for m in _primary(ind):
            if (r, m.name) not in reasons:
                continue
            column = reasons[(r, m.name)]
            flag = pa.array(column, pa.string())
            assert m.mask_column is not None
            data = data.append_column(m.mask_column, flag)
            out = out.append_column(m.mask_column, flag)
            hide = [c is not None for c in column]
            for measure in ind.measures:
                if measure.name != m.name and measure.follows != m.name:
                    continue
                whole = measure.follows == m.name and (r, m.name) in shares_masked
                for name in (measure.name, measure.low, measure.high):
                    if name:
                        out = _null_where(out, name, [whole or h for h in hide])
        flagged.append(IndicatorResult(ind, result.sql, data))
        published.append(IndicatorResult(ind, result.sql, out))
    return flagged, published


def _null_where(table: pa.Table, name: str, hide: list[bool]) -> pa.Table:
    i = table.column_names.index(name)
    kept = [None if h else v for v, h in zip(table.column(name).to_pylist(), hide, strict=True)]
    return table.set_column(i, name, pa.array(kept, table.schema.field(name).type))


def protect(
    ctx: QueryContext, evaluation: Evaluation, section: ConfidentialitySection
) -> ConfidentialityOutcome:
    """Mask the evaluation's results in place (see the module docstring); return the counts."""
    start = time.perf_counter()
    cells, values, slots = _build_cells(ctx, evaluation, rules_for(section))
    masked = suppress(cells, values, section.protection)
    intervals = feasible_intervals(cells, values, masked, section.protection)
    failing = [iv.key for iv in intervals if not iv.protected]
    if failing:
        raise RuntimeError(f"confidentiality: the attacker narrows {failing[:3]}: not published")
    flagged, published = _mask_results(evaluation, slots, cells, masked)
    ctx.wh.load_arrow("indicator_values", indicator_values(flagged))
    ctx.wh.load_arrow("confidentiality_cells", _cells_table(cells, values, slots, masked,
                                                             intervals, evaluation))  # fmt: skip
    evaluation.results[:] = published
    outcome = ConfidentialityOutcome(narrowest=narrowest_margin(intervals))
    for slot, cell in zip(slots, cells, strict=True):
        if slot.row is None:
            continue
        outcome.cells += 1
        value = abs(cell.value(values))
        outcome.value_total += value
        if cell.key in masked:
            outcome.masked[masked[cell.key]] += 1
            outcome.value_masked += value
    outcome.seconds = time.perf_counter() - start
    return outcome


def _cells_table(
    cells: list[Cell],
    values: Mapping[str, float],
    slots: list[_Slot],
    masked: Mapping[str, str],
    intervals: list[Interval],
    evaluation: Evaluation,
) -> pa.Table:
    attacker = {iv.key: iv for iv in intervals}
    rows: dict[str, list[Any]] = {name: [] for name in CELLS_SCHEMA.names}
    for slot, cell in zip(slots, cells, strict=True):
        ind = evaluation.results[slot.result].indicator
        iv = attacker.get(cell.key)
        rows["indicator_id"].append(ind.id)
        rows["dimensions"].append(slot.dims)
        rows["measure"].append(slot.measure.name)
        rows["contributors"].append(slot.contributors)
        rows["value"].append(cell.value(values))
        rows["secret"].append(cell.secret(values))
        rows["masked"].append(cell.key in masked)
        rows["mask_reason"].append(masked.get(cell.key))
        rows["attacker_low"].append(iv.low + cell.public if iv else None)
        rows["attacker_high"].append(iv.high + cell.public if iv and math.isfinite(iv.high)
                                     else None)  # fmt: skip
    return pa.table(rows, schema=CELLS_SCHEMA)
