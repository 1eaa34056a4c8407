"""The HiGHS solver (through `scipy.optimize`) for the confidentiality programs.

The attacker's audit is a set of linear programs (`scipy.optimize.linprog(method="highs")`) and
the secondary suppression a mixed-integer program (`scipy.optimize.milp`), both solved by HiGHS
(Huangfu & Hall, "Parallelizing the dual revised simplex method", Mathematical Programming
Computation 10, 2018). HiGHS is deterministic: its runs are repeatable for a given model and
options, its only random choices coming from `random_seed`, fixed at 0 by default (the HiGHS
maintainers, ERGO-Code/HiGHS discussion #1462). scipy's `milp` exposes no seed or thread option
and the defaults are what we want, so none is passed; the same cells in the same order give the
same model, hence the same masks, on every engine and every run.

This module only turns HiGHS's statuses into values or exceptions, so that the callers read as
the mathematics they implement.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

Array = NDArray[np.float64]

OPTIMAL, LIMIT, INFEASIBLE, UNBOUNDED, UNBOUNDED_OR_INFEASIBLE = 0, 1, 2, 3, 4
# The MIP is solved to proven optimality (no relative gap): the pattern is the cheapest one, not
# one within 0.01 % of it (scipy's default gap). Presolve is off: on the demo's suppression
# models it made HiGHS 1.12 slower (5.4 s against 4.0 s, loose big-M) and print more of the
# debug line it writes to stdout when it repairs an integer solution (ERGO-Code/HiGHS#2783).
MILP_OPTIONS: dict[str, Any] = {"mip_rel_gap": 0.0, "presolve": False}


class Infeasible(ValueError):
    """No point satisfies the constraints."""


def minimise(
    c: Array,
    a_eq: Array | None = None,
    b_eq: Array | None = None,
    a_ub: Array | None = None,
    b_ub: Array | None = None,
) -> float:
    """min c·x over x ≥ 0 with A_eq x = b_eq and A_ub x ≤ b_ub; -inf when unbounded below."""
    a_eq = None if a_eq is None or a_eq.shape[0] == 0 else a_eq
    a_ub = None if a_ub is None or a_ub.shape[0] == 0 else a_ub
    args = {
        "A_eq": a_eq,
        "b_eq": b_eq if a_eq is not None else None,
        "A_ub": a_ub,
        "b_ub": b_ub if a_ub is not None else None,
        "bounds": (0, None),
        "method": "highs",
    }
    res = linprog(c, **args)
    if res.status == UNBOUNDED_OR_INFEASIBLE:  # presolve could not tell which: solve without it
        res = linprog(c, **args, options={"presolve": False})
    if res.status == UNBOUNDED:
        return -math.inf
    if res.status == INFEASIBLE:
        raise Infeasible(res.message)
    if res.status != OPTIMAL:
        raise RuntimeError(f"HiGHS (linprog): {res.message}")
    return float(res.fun)


def maximise(c: Array, a_eq: Array | None = None, b_eq: Array | None = None) -> float:
    """max c·x over x ≥ 0 with A_eq x = b_eq; inf when unbounded above."""
    return -minimise(-np.asarray(c, dtype=np.float64), a_eq, b_eq)


def solve_milp(
    cost: Array,
    integrality: NDArray[np.int_],
    lower: Array,
    upper: Array,
    a: csr_array,
    a_upper: Array,
) -> Array:
    """argmin cost·x with lower ≤ x ≤ upper, A x ≤ a_upper, and the integrality given."""
    res = milp(
        cost,
        integrality=integrality,
        bounds=Bounds(lower, upper),
        constraints=LinearConstraint(a, -np.inf, a_upper),
        options=dict(MILP_OPTIONS),
    )
    if res.status == INFEASIBLE:
        raise Infeasible(res.message)
    if res.status != OPTIMAL or res.x is None:
        raise RuntimeError(f"HiGHS (milp): {res.message}")
    return np.asarray(res.x, dtype=np.float64)
