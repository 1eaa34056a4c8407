"""The attacker: what every masked cell could be, given everything published together.

For a set of cells and the set masked among them, the attacker knows the value of every published
cell, the public part of every cell, and that each confidential unit is ≥ 0. Each masked cell's
feasible interval is [min, max] of its secret part over that polytope: two linear programs,
solved by HiGHS (`highs.minimise`, `scipy.optimize.linprog(method="highs")`). This is the audit
of τ-Argus and of Fischetti & Salazar-González (2001), run on the units behind the cells, so that
margins, tables sharing cells and vintages linked by an evolution are all used at once.

A masked cell is protected when its interval covers ± `protection` × its secret mass (the sum of
the confidential values behind it): `certify` lists every cell and direction that is not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from healthradar.confidentiality import highs
from healthradar.confidentiality.cells import Cell, Columns

TOL = 1e-6


@dataclass(frozen=True)
class Interval:
    key: str
    secret: float  # the true secret part
    low: float
    high: float  # inf when unbounded
    need_low: float  # the interval must reach down to this...
    need_high: float  # ...and up to this

    @property
    def low_ok(self) -> bool:
        return self.low <= self.need_low + TOL * max(1.0, abs(self.need_low))

    @property
    def high_ok(self) -> bool:
        return self.high >= self.need_high - TOL * max(1.0, abs(self.need_high))

    @property
    def protected(self) -> bool:
        return self.low_ok and self.high_ok


def feasible_intervals(
    cells: Sequence[Cell],
    values: Mapping[str, float],
    masked: Collection[str],
    protection: float,
    only: Collection[str] | None = None,
) -> list[Interval]:
    """The attacker's interval of every masked cell (or of those in `only`), in cell order."""
    cols = Columns(cells, values)
    published = [i for i, c in enumerate(cells) if c.key not in masked and c.terms]
    a = cols.rows(published)
    b = a @ cols.truth
    out = []
    for i, cell in enumerate(cells):
        if cell.key not in masked or (only is not None and cell.key not in only):
            continue
        secret, mass = cell.secret(values), cell.mass(values)
        share = protection if cell.protection is None else cell.protection
        if not cell.terms:
            low = high = 0.0
        else:
            low = highs.minimise(cols.row(i), a, b)
            high = highs.maximise(cols.row(i), a, b)
        out.append(
            Interval(cell.key, secret, low, high, secret - share * mass, secret + share * mass)
        )  # fmt: skip
    return out


def certify(
    cells: Sequence[Cell], values: Mapping[str, float], masked: Collection[str], protection: float
) -> list[tuple[str, str]]:
    """(cell key, 'low' | 'high') for every masked cell the attacker narrows too much."""
    failures = []
    for iv in feasible_intervals(cells, values, masked, protection):
        if not iv.low_ok:
            failures.append((iv.key, "low"))
        if not iv.high_ok:
            failures.append((iv.key, "high"))
    return failures


def narrowest_margin(intervals: Sequence[Interval]) -> float | None:
    """The smallest (interval reach ÷ required reach) over masked cells with a secret part:
    ≥ 1 when every masked cell is protected; None when nothing needed protection."""
    ratios = []
    for iv in intervals:
        need = iv.need_high - iv.secret
        if need > 0:
            ratios.append(min((iv.secret - iv.low) / need, (iv.high - iv.secret) / need))
    return float(np.min(ratios)) if ratios else None
