"""A small dense simplex solver: the linear programs of cell suppression, without scipy.

The attacker's problem and the protection problem of each sensitive cell are linear programs in
standard form (min c·x, A x = b, x ≥ 0) with a few hundred rows and columns once units with the
same cells are merged (see `cells.Columns`). scipy's HiGHS is not available in the project's
environment, so this module solves them with the textbook two-phase tableau method:

* phase 1 (once per constraint set) finds a feasible basis with artificial variables, then drives
  the artificials out of the basis and drops the rows that are linear combinations of others
  (two published tables sharing a margin give such rows);
* phase 2 runs from that basis for every objective asked (`minimise`), so an audit computing the
  minimum and the maximum of each masked cell pays phase 1 once.

Pivoting is deterministic: Dantzig's rule (most negative reduced cost, lowest index on ties) and,
after a run of degenerate pivots, Bland's rule, which cannot cycle. Same input, same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

TOL = 1e-9
DEGENERATE_RUN = 50  # degenerate pivots in a row before switching to Bland's rule
MAX_PIVOTS = 50_000

Array = NDArray[np.float64]


class Infeasible(ValueError):
    """No x ≥ 0 satisfies A x = b."""


@dataclass(frozen=True)
class Solution:
    value: float  # -inf when the objective is unbounded below
    x: Array | None  # None when unbounded

    @property
    def bounded(self) -> bool:
        return self.x is not None


def _pivot(t: Array, basis: list[int], row: int, col: int) -> None:
    t[row] /= t[row, col]
    factor = t[:, col].copy()
    factor[row] = 0.0
    t -= np.outer(factor, t[row])
    basis[row] = col


def _run(t: Array, basis: list[int], allowed: int) -> bool:
    """Pivot on tableau `t` (last row: reduced costs, last column: right-hand sides) until optimal.

    Only the first `allowed` columns may enter the basis. Returns False when unbounded."""
    degenerate = 0
    for _ in range(MAX_PIVOTS):
        costs = t[-1, :allowed]
        candidates = np.flatnonzero(costs < -TOL)
        if candidates.size == 0:
            return True
        if degenerate >= DEGENERATE_RUN:
            col = int(candidates[0])  # Bland: lowest index
        else:
            col = int(candidates[np.argmin(costs[candidates])])
        column = t[:-1, col]
        positive = np.flatnonzero(column > TOL)
        if positive.size == 0:
            return False
        ratios = t[positive, -1] / column[positive]
        best = ratios.min()
        ties = positive[ratios <= best + TOL * max(1.0, abs(best))]
        row = int(min(ties, key=lambda r: basis[r]))  # lowest basic index: Bland's tie-break
        degenerate = degenerate + 1 if best <= TOL else 0
        _pivot(t, basis, row, col)
    raise RuntimeError("simplex: pivot limit reached")


class LinearProgram:
    """The feasible region {x ≥ 0 : A x = b}, ready to minimise any number of objectives."""

    def __init__(self, a: Array, b: Array) -> None:
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        m, n = a.shape
        self.n = n
        sign = np.where(b < 0, -1.0, 1.0)
        a, b = a * sign[:, None], b * sign
        # Phase 1 tableau: [A | I | b], cost row = -(sum of rows) on the original columns.
        t = np.zeros((m + 1, n + m + 1))
        t[:m, :n] = a
        t[:m, n : n + m] = np.eye(m)
        t[:m, -1] = b
        t[-1, :n] = -a.sum(axis=0)
        t[-1, -1] = -b.sum()
        basis = list(range(n, n + m))
        _run(t, basis, n)
        scale = max(1.0, float(np.abs(b).max(initial=0.0)))
        if -t[-1, -1] > 1e-7 * scale:
            raise Infeasible(f"infeasible (phase 1 residual {-t[-1, -1]:.3g})")
        keep = []
        for row in range(m):
            if basis[row] >= n:  # an artificial still basic (at zero): pivot it out
                entries = np.flatnonzero(np.abs(t[row, :n]) > 1e-7)
                if entries.size == 0:
                    continue  # a redundant row
                _pivot(t, basis, row, int(entries[0]))
            keep.append(row)
        self._rows = np.concatenate([t[keep, :n], t[keep, -1:]], axis=1)
        self._basis = [basis[r] for r in keep]

    def minimise(self, c: Array) -> Solution:
        c = np.asarray(c, dtype=np.float64)
        m = len(self._basis)
        t = np.zeros((m + 1, self.n + 1))
        t[:m] = self._rows
        t[-1, : self.n] = c
        for row, col in enumerate(self._basis):
            t[-1] -= c[col] * t[row]
        basis = list(self._basis)
        if not _run(t, basis, self.n):
            return Solution(float("-inf"), None)
        x = np.zeros(self.n)
        for row, col in enumerate(basis):
            x[col] = t[row, -1]
        return Solution(float(c @ x), x)

    def maximise(self, c: Array) -> Solution:
        s = self.minimise(-np.asarray(c, dtype=np.float64))
        return Solution(-s.value, s.x)
