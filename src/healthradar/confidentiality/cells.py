"""Published cells as linear forms over the confidential units behind them.

A cell is what one table publishes for one measure: `terms` maps each confidential unknown (a
unit's value under secrecy, e.g. one establishment's measured headcount of one vintage) to its
coefficient in the cell (1 in a level table, +1/-1 in an evolution between two vintages). Units
whose value anyone can recompute from open data (jobs estimated from the register's headcount
band, establishments without headcount information counted as 0) are not unknowns: they sit in
the cell's `public` part, which the attacker simply subtracts.

Writing every published cell this way lets one linear program see every relation between them:
margins and totals of a table, two tables sharing cells, two vintages linked by an evolution.
`Columns` merges unknowns that appear in exactly the same cells with the same coefficients into
one variable (their sum): any non-negative sum splits back into non-negative parts, so the
merged program has the same feasible cell values, with far fewer columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from healthradar.confidentiality.highs import Array


@dataclass(frozen=True)
class Cell:
    key: str  # unique: indicator id | dimensions | measure
    terms: Mapping[str, float]  # confidential unknown -> coefficient
    public: float = 0.0  # the part anyone can compute from open data
    cost: float | None = None  # information lost when masked (default: |value| + 1)
    frozen: bool = False  # already published (a previous vintage): can never be masked
    sensitive: str | None = None  # primary reason ('frequency', 'dominance') or None
    protection: float | None = None  # this cell's protection share, over the default
    label: str = ""  # for messages
    extra: Mapping[str, object] = field(default_factory=dict)

    def secret(self, values: Mapping[str, float]) -> float:
        """The confidential part of the cell: what the attacker tries to recover."""
        return float(sum(c * values[u] for u, c in self.terms.items()))

    def mass(self, values: Mapping[str, float]) -> float:
        """Σ |coefficient| × value: the amount the protection interval is a share of."""
        return float(sum(abs(c) * values[u] for u, c in self.terms.items()))

    def value(self, values: Mapping[str, float]) -> float:
        return self.public + self.secret(values)

    def weight(self, values: Mapping[str, float]) -> float:
        return self.cost if self.cost is not None else abs(self.value(values)) + 1.0


class Columns:
    """Unknowns merged by their column (the cells they enter and with which coefficient)."""

    def __init__(self, cells: Sequence[Cell], values: Mapping[str, float]) -> None:
        signature: dict[str, list[tuple[int, float]]] = {}
        for i, cell in enumerate(cells):
            for unit, coef in cell.terms.items():
                if coef:
                    signature.setdefault(unit, []).append((i, float(coef)))
        groups: dict[tuple[tuple[int, float], ...], list[str]] = {}
        for unit in sorted(signature):
            groups.setdefault(tuple(signature[unit]), []).append(unit)
        self.signatures = list(groups)
        self.units = [groups[s] for s in self.signatures]
        self.truth = np.array([sum(values[u] for u in us) for us in self.units], dtype=float)
        self.matrix = np.zeros((len(cells), len(self.signatures)))
        for j, sig in enumerate(self.signatures):
            for i, coef in sig:
                self.matrix[i, j] = coef

    @property
    def size(self) -> int:
        return len(self.signatures)

    def row(self, i: int) -> Array:
        return self.matrix[i]

    def rows(self, indices: Iterable[int]) -> Array:
        idx = list(indices)
        return self.matrix[idx] if idx else np.zeros((0, self.size))
