"""Secondary suppression: the cheapest set of extra cells to mask so that no masked cell can be
recovered within its protection interval.

Method: the mixed-integer model of Fischetti & Salazar-González ("Models and algorithms for
optimizing cell suppression in tabular data with linear constraints", JASA 95, 2000; "Solving the
cell suppression problem on tabular data with linear constraints", Management Science 47, 2001),
the model behind τ-Argus's "optimal" suppression, solved by HiGHS (`scipy.optimize.milp`).

One binary `x_c` per cell that has a secret part (1: masked; fixed at 1 for primary cells, at 0
for frozen cells, which a previous vintage already published). For each protected cell `i` and
each direction d ∈ {up, down}, a copy `z^{i,d} ≥ 0` of the confidential values (an alternative
table the attacker cannot rule out) with

    −M x_c ≤ a_c·z^{i,d} − v_c ≤ M x_c        for every cell c (v_c: its true secret part)
    d (a_i·z^{i,d} − v_i) ≥ p_i m_i x_i        (p_i m_i: cell i's protection shift)

minimising Σ_c w_c x_c, the information lost (`Cell.weight`: the cell's value plus one). A cell
left published (x_c = 0) keeps its value in every alternative table, so the attacker, who sees
the published cells and knows that values are ≥ 0, cannot exclude v_i ± p_i m_i: every masked
cell keeps its protection interval. The protection constraint is multiplied by x_i, so a
secondary cell is protected too when (and only when) it is masked.

`M` bounds how far a cell may move in an alternative table: the papers' external bounds, what
the attacker knows a priori about each cell. In copy (i, d), M is the protected cell's secret
mass plus its shift (m_i + p_i m_i): an attacker who also knew that no cell lies further than
that from its value is stronger than the audit's (who only knows values are ≥ 0), so every
pattern protecting against it is valid (and the audit certifies it anyway). Downwards, a cell
with non-negative coefficients (a level, not an evolution) cannot fall below 0: v_c bounds its
fall exactly when smaller. A bound so close to the protected cell keeps the model tight: on the
demo, it solves in about half the time of the loose bound below, with the same pattern, and
HiGHS then has no integer solution to repair (HiGHS 1.12 prints a debug line to stdout when it
does, ERGO-Code/HiGHS#2783). If no pattern exists under it, the model is solved again with the
loose bound, the total of all secret values plus the largest shift, plus one; only if that too
is infeasible is the cell declared impossible to protect.

Copies are generated lazily, as the papers generate their constraints: first one copy per
primary cell and direction; if the audit (`audit.certify`) finds a masked cell without a copy
narrowed below its interval, its copies are added and the model solved again. The final model
is a relaxation of the full one (copies for every cell): no pattern the full model accepts is
cheaper than its optimum, and the audit proves that optimum valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from healthradar.confidentiality import highs
from healthradar.confidentiality.audit import certify
from healthradar.confidentiality.cells import Cell, Columns
from healthradar.confidentiality.rules import SECONDARY

MAX_ROUNDS = 50
UP, DOWN = 1.0, -1.0


class ProtectionImpossible(ValueError):
    """A cell cannot be protected (e.g. frozen cells of a previous vintage pin its value)."""


def cheapest_pattern(
    cells: Sequence[Cell],
    values: Mapping[str, float],
    protection: float,
    protected: Sequence[int],
    loose: bool = False,
) -> list[int]:
    """Indices of the cells to mask: the optimum of the model above with copies for the cells
    `protected` (indices into `cells`), both directions each; `loose`: with the loose M."""
    cols = Columns(cells, values)
    n = cols.size
    candidates = [i for i in range(len(cells)) if np.any(cols.row(i))]
    slot = {i: k for k, i in enumerate(candidates)}
    rows = cols.rows(candidates)
    a_k = sparse.csr_array(rows)
    v_k = a_k @ cols.truth
    level = np.all(rows >= 0, axis=1)  # cannot fall below 0: v_c bounds the fall
    shifts = {i: _shift(cells[i], values, protection) for i in protected}
    loose_m = float(np.abs(cols.truth).sum()) + max(shifts.values(), default=0.0) + 1.0
    k = len(candidates)
    copies = [(i, d) for i in protected for d in (UP, DOWN)]
    blocks: list[list[sparse.csr_array | None]] = []
    upper: list[np.ndarray] = []
    for j, (i, d) in enumerate(copies):
        big_m = loose_m if loose else cells[i].mass(values) + shifts[i]
        rise = sparse.diags_array(np.full(k, big_m), format="csr")
        fall = sparse.diags_array(np.where(level, np.minimum(v_k, big_m), big_m), format="csr")
        target_x = sparse.csr_array(([shifts[i]], ([0], [slot[i]])), shape=(1, k))
        target_z = sparse.csr_array(-d * cols.rows([i]))
        for x_part, z_part, rhs in (
            (-rise, a_k, v_k),  # a_c·z − v_c ≤ M x_c
            (-fall, -a_k, -v_k),  # v_c − a_c·z ≤ M x_c
            (target_x, target_z, np.array([-d * float(v_k[slot[i]])])),  # d(a_i·z − v_i) ≥ s x_i
        ):
            row: list[sparse.csr_array | None] = [x_part] + [None] * len(copies)
            row[1 + j] = z_part
            blocks.append(row)
            upper.append(rhs)
    cost = np.zeros(k + n * len(copies))
    lower = np.zeros_like(cost)
    high = np.full_like(cost, np.inf)
    high[:k] = 1.0
    for i, s in slot.items():
        cell = cells[i]
        if cell.frozen:
            high[s] = 0.0
        elif cell.sensitive:
            lower[s] = 1.0
        else:
            cost[s] = cell.weight(values)
    integrality = np.zeros(len(cost), dtype=np.int_)
    integrality[:k] = 1
    if copies:
        matrix = sparse.csr_array(sparse.bmat(blocks, format="csr"))
        rhs = np.concatenate(upper)
    else:  # nothing to protect: the primary cells alone
        matrix, rhs = sparse.csr_array((0, len(cost))), np.zeros(0)
    try:
        x = highs.solve_milp(cost, integrality, lower, high, matrix, rhs)
    except highs.Infeasible as exc:
        if not loose:
            return cheapest_pattern(cells, values, protection, protected, loose=True)
        names = ", ".join(cells[i].label or cells[i].key for i in protected)
        raise ProtectionImpossible(f"no suppression pattern protects {names}") from exc
    return [i for i in candidates if x[slot[i]] > 0.5]


def _shift(cell: Cell, values: Mapping[str, float], protection: float) -> float:
    share = protection if cell.protection is None else cell.protection
    return share * cell.mass(values)


def suppress(
    cells: Sequence[Cell], values: Mapping[str, float], protection: float, secondary: bool = True
) -> dict[str, str]:
    """Every cell to mask, with its reason: primary ones (`Cell.sensitive`), then secondary."""
    primary = {c.key: c.sensitive for c in cells if c.sensitive and not c.frozen}
    if not secondary or not primary:
        return dict(primary)
    index = {c.key: i for i, c in enumerate(cells)}
    protected = sorted(index[k] for k in primary)
    for _ in range(MAX_ROUNDS):
        masked = dict(primary)
        for i in cheapest_pattern(cells, values, protection, protected):
            masked.setdefault(cells[i].key, SECONDARY)
        failing = sorted({index[key] for key, _ in certify(cells, values, masked, protection)})
        if not failing:
            return masked
        new = [i for i in failing if i not in protected]
        if not new:
            raise RuntimeError(
                "secondary suppression: the audit narrows a protected cell "
                f"({cells[failing[0]].key}): numerical trouble in the MILP"
            )
        protected = sorted(set(protected) | set(new))
    raise RuntimeError("secondary suppression did not converge")
