"""Secondary suppression: mask more cells until no masked cell can be recovered.

Method: the linear-programming approach of Fischetti & Salazar-González ("Models and algorithms
for optimizing cell suppression in tabular data with linear constraints", JASA 95, 2000; "Solving
the cell suppression problem on tabular data with linear constraints", Management Science 47,
2001), as used by τ-Argus ("optimal" and its LP-based heuristic). For each masked cell and each
direction (up, down) that the attacker (`audit`) can narrow below its protection interval, one
*protection LP* looks for the cheapest way to let that cell move by the required amount while
every published cell keeps its value:

    minimise   Σ_c w_c (D⁺_c + D⁻_c)          over published, maskable cells c
    subject to Σ_u a_cu z_u − D⁺_c + D⁻_c = v_c  for those cells (v_c: their true secret part)
               Σ_u a_fu z_u = v_f                  for frozen cells f (a previous vintage)
               Σ_u a_iu z_u ≥ v_i + p·m_i  (up)   or  ≤ v_i − p·m_i  (down)
               z, D ≥ 0

`z` is an alternative set of confidential values; the cells that must move (D ≠ 0) are masked
too: then `z` is consistent with everything still published, so the attacker cannot exclude the
target's value v_i ± p·m_i. This is the LP relaxation heuristic of the papers (their exact
method adds binary variables per cell inside a branch-and-cut; no MILP solver is available in
the project's environment). Cells already masked cost nothing, so protections share them. The
weight `w_c` is the information lost: the cell's published value plus one.

The loop repeats audit → protect until the audit certifies every masked cell (secondary ones
included): masking only ever adds cells, so it ends. Cells and units are visited in a fixed
order and the simplex is deterministic: the same tables give the same pattern.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from healthradar.confidentiality.audit import certify
from healthradar.confidentiality.cells import Cell, Columns
from healthradar.confidentiality.lp import Infeasible, LinearProgram
from healthradar.confidentiality.rules import SECONDARY

MAX_ROUNDS = 50


class ProtectionImpossible(ValueError):
    """A cell cannot be protected (e.g. frozen cells of a previous vintage pin its value)."""


def protection_lp(
    cells: Sequence[Cell],
    values: Mapping[str, float],
    masked: Mapping[str, str],
    target: int,
    direction: str,
    protection: float,
) -> list[str]:
    """The keys of the cells to mask so that `cells[target]` can move in `direction`."""
    cols = Columns(cells, values)
    n = cols.size
    movable = [
        i for i, c in enumerate(cells)
        if c.terms and c.key not in masked and i != target and not c.frozen
    ]  # fmt: skip
    frozen = [i for i, c in enumerate(cells) if c.terms and c.frozen and i != target]
    rows = len(movable) + len(frozen) + 1
    width = n + 2 * len(movable) + 1
    a = np.zeros((rows, width))
    b = np.zeros(rows)
    cost = np.zeros(width)
    for r, i in enumerate(movable):
        a[r, :n] = cols.row(i)
        a[r, n + 2 * r] = -1.0
        a[r, n + 2 * r + 1] = 1.0
        b[r] = cells[i].secret(values)
        cost[n + 2 * r] = cost[n + 2 * r + 1] = cells[i].weight(values)
    for r, i in enumerate(frozen, start=len(movable)):
        a[r, :n] = cols.row(i)
        b[r] = cells[i].secret(values)
    cell = cells[target]
    share = protection if cell.protection is None else cell.protection
    shift = share * cell.mass(values)
    a[-1, :n] = cols.row(target)
    if direction == "high":
        a[-1, -1], b[-1] = -1.0, cell.secret(values) + shift
    else:
        a[-1, -1], b[-1] = 1.0, cell.secret(values) - shift
    try:
        solution = LinearProgram(a, b).minimise(cost)
    except Infeasible as exc:
        raise ProtectionImpossible(f"{cell.label or cell.key}: cannot move {direction}") from exc
    assert solution.x is not None  # costs are ≥ 0: never unbounded
    out = []
    for r, i in enumerate(movable):
        moved = solution.x[n + 2 * r] + solution.x[n + 2 * r + 1]
        if moved > 1e-7 * max(1.0, shift):
            out.append(cells[i].key)
    return out


def suppress(
    cells: Sequence[Cell], values: Mapping[str, float], protection: float, secondary: bool = True
) -> dict[str, str]:
    """Every cell to mask, with its reason: primary ones (`Cell.sensitive`), then secondary."""
    masked = {c.key: c.sensitive for c in cells if c.sensitive and not c.frozen}
    if not secondary:
        return dict(masked)
    index = {c.key: i for i, c in enumerate(cells)}
    for _ in range(MAX_ROUNDS):
        failures = certify(cells, values, masked, protection)
        if not failures:
            return dict(masked)
        for key, direction in failures:
            for extra in protection_lp(cells, values, masked, index[key], direction, protection):
                masked.setdefault(extra, SECONDARY)
    raise RuntimeError("secondary suppression did not converge")
