"""Primary rules, secondary suppression and the attacker on hand-made tables.

Every expected mask and interval below is worked out by hand in the comments. Protection is
±10 % of a cell's secret mass (the sum of the confidential values behind it). Secondary
suppression is the exact Fischetti–Salazar MILP: the cheapest set of extra cells, each costing
its published value + 1, after which every masked cell keeps its protection interval.
"""

from __future__ import annotations

import math

import pytest

from healthradar.confidentiality.audit import certify, feasible_intervals
from healthradar.confidentiality.cells import Cell
from healthradar.confidentiality.rules import Rules
from healthradar.confidentiality.suppression import ProtectionImpossible, suppress

P = 0.10


def cells_of(
    spec: dict[str, dict[str, float]],
    values: dict[str, float],
    rules: Rules,
    public: dict[str, float] | None = None,
    frozen: tuple[str, ...] = (),
) -> list[Cell]:
    """Cells from {key: {unit: coefficient}}; level cells (all coefficients 1) get the rules."""
    out = []
    for key, terms in spec.items():
        level = all(c == 1 for c in terms.values())
        reason = rules.sensitivity([values[u] for u in terms]) if level else None
        out.append(
            Cell(
                key,
                terms,
                (public or {}).get(key, 0.0),
                frozen=key in frozen,
                sensitive=None if key in frozen else reason,
            )
        )
    return out


# -- primary rules --------------------------------------------------------------------------


def test_frequency_rule() -> None:
    rules = Rules()
    assert rules.sensitivity([40.0, 30.0]) == "frequency"  # 2 contributors < 3
    assert rules.sensitivity([7.0]) == "frequency"
    assert rules.sensitivity([40.0, 30.0, 20.0]) is None  # 3 contributors, largest 44 %
    assert rules.sensitivity([]) is None  # nothing under secrecy
    assert Rules(min_units=5).sensitivity([10.0, 10.0, 10.0, 10.0]) == "frequency"


def test_dominance_one_unit_85() -> None:
    rules = Rules()
    assert rules.sensitivity([90.0, 5.0, 5.0]) == "dominance"  # 90 / 100 = 90 % > 85 %
    assert rules.sensitivity([85.0, 10.0, 5.0]) is None  # exactly 85 %: not above
    assert rules.sensitivity([86.0, 10.0, 4.0]) == "dominance"  # 86 %


def test_dominance_two_units_90() -> None:
    both = Rules(dominance=((1, 85.0), (2, 90.0)))
    # 60 + 35 = 95 of 100 > 90 % while the largest alone is 60 % < 85 %
    assert both.sensitivity([60.0, 35.0, 3.0, 2.0]) == "dominance"
    assert Rules().sensitivity([60.0, 35.0, 3.0, 2.0]) is None
    # 50 + 39 = 89 % ≤ 90 %
    assert both.sensitivity([50.0, 39.0, 6.0, 5.0]) is None


# -- across the margins of one table ----------------------------------------------------------
#   A = a1 40 + a2 10 = 50 (2 contributors: frequency)
#   B = b1 20 + b2 20 + b3 20 = 60 secret, + 7 public (a band estimate) = 67 published
#   C = c1 30 + c2 30 + c3 40 = 100
#   Total = 217 published (210 secret + 7 public)
# Masking A alone: A = 210 − 60 − 100 = 50 exactly. The cheaper complement is B (weight 67 + 1
# = 68 against C's 101): with A and B masked, A + B = 110 and both ≥ 0, so A ∈ [0, 110] and
# B ∈ [0, 110] (secret parts), wider than A's 50 ± 5 and B's 60 ± 6.
MARGIN_VALUES = {"a1": 40, "a2": 10, "b1": 20, "b2": 20, "b3": 20, "c1": 30, "c2": 30, "c3": 40}
MARGIN = {
    "A": {"a1": 1, "a2": 1},
    "B": {"b1": 1, "b2": 1, "b3": 1},
    "C": {"c1": 1, "c2": 1, "c3": 1},
    "Total": {u: 1 for u in MARGIN_VALUES},
}


def test_secondary_suppression_across_margins() -> None:
    values = {k: float(v) for k, v in MARGIN_VALUES.items()}
    cells = cells_of(MARGIN, values, Rules(), public={"B": 7.0, "Total": 7.0})
    masked = suppress(cells, values, P)
    assert masked == {"A": "frequency", "B": "secondary"}
    intervals = {iv.key: (iv.low, iv.high) for iv in feasible_intervals(cells, values, masked, P)}
    assert intervals == {"A": (0.0, 110.0), "B": (0.0, 110.0)}
    assert certify(cells, values, masked, P) == []


def test_attacker_recovers_a_cell_when_secondary_suppression_is_off() -> None:
    values = {k: float(v) for k, v in MARGIN_VALUES.items()}
    cells = cells_of(MARGIN, values, Rules(), public={"B": 7.0, "Total": 7.0})
    masked = suppress(cells, values, P, secondary=False)
    assert masked == {"A": "frequency"}
    [interval] = feasible_intervals(cells, values, masked, P)
    assert (interval.low, interval.high) == pytest.approx((50.0, 50.0))  # 210 − 60 − 100
    assert certify(cells, values, masked, P) == [("A", "low"), ("A", "high")]


# -- across two tables sharing their units ------------------------------------------------------
#   by NAF: N1 = u1 30 + u2 20 = 50 (frequency); N2 = u3 10 + u4 10 + u5 10 + u6 3 + u7 3 = 36
#   by département: D1 = u1 + u3 + u4 + u5 = 60; D2 = u2 + u6 + u7 = 26 (largest 77 %: safe)
# No table publishes a total, yet N1 = D1 + D2 − N2 = 50: while N2, D1 and D2 are all published
# N1 cannot move, so one of them must be masked: D2 (weight 26 + 1 = 27), N2 (37) or D1 (61).
# D2 alone is enough, so it is the cheapest pattern. With N2 = 36 and D1 = 60 published: u2
# appears only in masked cells (N1 unbounded above); u1 = 60 − (u3+u4+u5) and
# u3+u4+u5 = 36 − (u6+u7) ≤ 36, so u1 ≥ 24: N1 ∈ [24, ∞) ⊇ 50 ± 5. D2 = u2 + u6 + u7 ∈ [0, ∞)
# ⊇ 26 ± 2.6.
TWO_VALUES = {"u1": 30, "u2": 20, "u3": 10, "u4": 10, "u5": 10, "u6": 3, "u7": 3}
TWO = {
    "naf:N1": {"u1": 1, "u2": 1},
    "naf:N2": {"u3": 1, "u4": 1, "u5": 1, "u6": 1, "u7": 1},
    "dep:D1": {"u1": 1, "u3": 1, "u4": 1, "u5": 1},
    "dep:D2": {"u2": 1, "u6": 1, "u7": 1},
}


def test_secondary_suppression_across_two_tables() -> None:
    values = {k: float(v) for k, v in TWO_VALUES.items()}
    cells = cells_of(TWO, values, Rules())
    assert [c.sensitive for c in cells] == ["frequency", None, None, None]
    assert feasible_intervals(cells, values, {"naf:N1"}, P)[0].low == pytest.approx(50.0)
    masked = suppress(cells, values, P)
    assert masked == {"naf:N1": "frequency", "dep:D2": "secondary"}
    got = {iv.key: (iv.low, iv.high) for iv in feasible_intervals(cells, values, masked, P)}
    assert got["naf:N1"][0] == pytest.approx(24.0) and math.isinf(got["naf:N1"][1])
    assert got["dep:D2"][0] == pytest.approx(0.0) and math.isinf(got["dep:D2"][1])


# -- across two vintages linked by an evolution -------------------------------------------------
#   2023 (published last year, frozen): P1 = a 10 + b 10 + c 10 = 30; P2 = d 5 + e 5 + f 5 = 15;
#       T = 45
#   2024: P1 = a 90 + b 5 + c 5 = 100 (90 % > 85 %: dominance); P2 = 6 + 6 + 6 = 18; T = 118
#   evolution 2024 − 2023: E1 = 70, E2 = 3, ET = 73
# E1 alone gives P1(2024) = 30 + 70, whatever the 2024 table masks, and T − P2 gives it too.
# P1(2024) must move by 10: E1 must be masked (weight 71; P1(2023) is frozen); T(2024) either
# moves (masking T and ET: weights 119 + 74) or is held by P2(2024) moving the other way (masking
# P2 and E2, since P2(2024) = 15 + E2: 19 + 4). The cheapest pattern masks E1, P2(2024) and E2
# (94 against 264). Then P1 + P2 = 118 (2024): P1(2024) ∈ [0, 118],
# E1 ∈ [−30, 88] ⊇ 70 ± 13 (mass 100 + 30), E2 ∈ [−15, 103] ⊇ 3 ± 3.3 (mass 18 + 15).
V23 = {"a@23": 10, "b@23": 10, "c@23": 10, "d@23": 5, "e@23": 5, "f@23": 5}
V24 = {"a@24": 90, "b@24": 5, "c@24": 5, "d@24": 6, "e@24": 6, "f@24": 6}


def _level(vintage: str, units: str) -> dict[str, float]:
    return {f"{u}@{vintage}": 1 for u in units}


def _evolution(units: str) -> dict[str, float]:
    return {**_level("24", units), **{f"{u}@23": -1 for u in units}}


VINTAGES = {
    **{f"{y}:P1": _level(y, "abc") for y in ("23", "24")},
    **{f"{y}:P2": _level(y, "def") for y in ("23", "24")},
    **{f"{y}:T": _level(y, "abcdef") for y in ("23", "24")},
    "evol:E1": _evolution("abc"),
    "evol:E2": _evolution("def"),
    "evol:ET": _evolution("abcdef"),
}


def test_secondary_suppression_across_two_vintages() -> None:
    values = {k: float(v) for k, v in {**V23, **V24}.items()}
    frozen = ("23:P1", "23:P2", "23:T")
    cells = cells_of(VINTAGES, values, Rules(), frozen=frozen)
    assert {c.key for c in cells if c.sensitive} == {"24:P1"}
    alone = feasible_intervals(cells, values, {"24:P1"}, P)[0]
    assert (alone.low, alone.high) == pytest.approx((100.0, 100.0))
    masked = suppress(cells, values, P)
    assert masked == {
        "24:P1": "dominance",
        "evol:E1": "secondary",
        "24:P2": "secondary",
        "evol:E2": "secondary",
    }
    got = {iv.key: (iv.low, iv.high) for iv in feasible_intervals(cells, values, masked, P)}
    assert got["24:P1"] == pytest.approx((0.0, 118.0))
    assert got["evol:E1"] == pytest.approx((-30.0, 88.0))
    assert got["evol:E2"] == pytest.approx((-15.0, 103.0))
    assert certify(cells, values, masked, P) == []


# -- the exact model against the LP heuristic it replaced ----------------------------------------
#   A = a1 60 + a2 40 = 100 (frequency); B = b1 1 + b2 1 + b3 1 = 3; C = c1 20 + c2 15 + c3 15
#   = 50; Total = 153, all published.
# A must move by ±10. Down: one other cell rising by 10 is enough (B, C or Total). Up: the others
# must fall by 10 in all, and B can fall by 3 at most (values ≥ 0). A pattern with C alone
# does both (A + C = 150: A ∈ [0, 150] ⊇ 100 ± 10, C ∈ [0, 150] ⊇ 50 ± 5), for 51; Total
# alone (154) too, dearer; B alone cannot (A ≤ 103). So the MILP masks C only. The per-direction
# LP heuristic it replaced priced each unit moved (weight × amount): up, B's 3 units (4 × 3) then
# C's 7 (51 × 7), 369 against 510 for C alone: it masked B and C (55 instead of 51).
EXACT_VALUES = {"a1": 60, "a2": 40, "b1": 1, "b2": 1, "b3": 1, "c1": 20, "c2": 15, "c3": 15}
EXACT = {
    "A": {"a1": 1, "a2": 1},
    "B": {"b1": 1, "b2": 1, "b3": 1},
    "C": {"c1": 1, "c2": 1, "c3": 1},
    "Total": {u: 1 for u in EXACT_VALUES},
}


def test_secondary_suppression_masks_the_cheapest_set_not_one_per_direction() -> None:
    values = {k: float(v) for k, v in EXACT_VALUES.items()}
    cells = cells_of(EXACT, values, Rules())
    assert [c.sensitive for c in cells] == ["frequency", None, None, None]
    masked = suppress(cells, values, P)
    assert masked == {"A": "frequency", "C": "secondary"}
    got = {iv.key: (iv.low, iv.high) for iv in feasible_intervals(cells, values, masked, P)}
    assert got == {"A": pytest.approx((0.0, 150.0)), "C": pytest.approx((0.0, 150.0))}
    # B alone: A + B = 103 is published through the total, A ∈ [0, 103]: not up to 110
    assert certify(cells, values, {"A": "frequency", "B": "secondary"}, P) == [("A", "high")]


def test_a_cell_pinned_by_an_already_published_cell_cannot_be_protected() -> None:
    # A = a1 40 + a2 10 (frequency); last year's table published F = a1 + a2 = 50 over the same
    # units (frozen: it cannot be masked now). Every alternative table keeps a1 + a2 = 50, so no
    # pattern lets A move: neither M (tight, then loose) helps, the build must stop.
    values = {"a1": 40.0, "a2": 10.0}
    spec = {"A": {"a1": 1, "a2": 1}, "F": {"a1": 1, "a2": 1}}
    cells = cells_of(spec, values, Rules(), frozen=("F",))
    with pytest.raises(ProtectionImpossible, match="A"):
        suppress(cells, values, P)


def test_rules_per_source_override_the_defaults() -> None:
    from healthradar.confidentiality.stage import rules_for
    from healthradar.config import ConfidentialitySection

    section = ConfidentialitySection.model_validate(
        {"dominance": [[1, 85], [2, 90]], "sources": {"headcounts": {"min_units": 5}}}
    )
    rules = rules_for(section)
    assert rules("headcounts") == Rules(5, ((1, 85.0), (2, 90.0)), 0.10)
    assert rules("other") == Rules(3, ((1, 85.0), (2, 90.0)), 0.10)
    # 4 contributors pass the default frequency rule but not the headcounts' (5)
    assert rules("headcounts").sensitivity([10.0, 10.0, 10.0, 10.0]) == "frequency"
    assert rules(None).sensitivity([10.0, 10.0, 10.0, 10.0]) is None


def test_cells_do_not_depend_on_the_order_the_engine_returns_contributions() -> None:
    """DuckDB and Spark return the contribution rows in different orders; the cells (hence the
    MILP, its ties and the masks) must not change. Public parts 0.1, 0.2, 0.3 sum to
    0.6000000000000001 in that order and to 0.6 in the reverse one: summed in unit order, both
    give the first."""
    import pyarrow as pa

    from healthradar.confidentiality.contributions import Contributions
    from healthradar.confidentiality.stage import _cell
    from healthradar.indicators.emploi import CHAPTER, JOBS

    totals = next(i for i in CHAPTER.indicators if i.id == "emploi.totals")
    rows = [
        {"perimetre": "core", "unit": "p1", "secret": False, "jobs": 0.1},
        {"perimetre": "core", "unit": "p2", "secret": False, "jobs": 0.2},
        {"perimetre": "core", "unit": "p3", "secret": False, "jobs": 0.3},
        {"perimetre": "core", "unit": "s1", "secret": True, "jobs": 5.0},
        {"perimetre": "core", "unit": "s2", "secret": True, "jobs": 7.0},
    ]
    made = []
    for order in (rows, rows[::-1]):
        found = Contributions(totals, pa.Table.from_pylist(order))
        cell_rows = found.by_unit(found.rows('{"perimetre": "core"}'))
        made.append(_cell("k", found.iter_rows(cell_rows, "jobs"), JOBS, Rules(), {}, None))
    forward, backward = made
    assert forward.public == backward.public == 0.1 + 0.2 + 0.3
    assert (
        list(forward.terms) == list(backward.terms) == ["headcounts:jobs:s1", "headcounts:jobs:s2"]
    )
