"""Primary rules, secondary suppression and the attacker on hand-made tables.

Every expected mask and interval below is worked out by hand in the comments. Protection is
±10 % of a cell's secret mass (the sum of the confidential values behind it).
"""

from __future__ import annotations

import math

import pytest

from healthradar.confidentiality.audit import certify, feasible_intervals
from healthradar.confidentiality.cells import Cell
from healthradar.confidentiality.rules import Rules
from healthradar.confidentiality.suppression import suppress

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
# No table publishes a total, yet N1 = D1 + D2 − N2 = 50. To let N1 rise by 5, the cheapest move
# is u2 + 5, which changes D2 only (weight 27 × 5 = 135; moving u1 instead changes D1 or, if
# compensated by u3..u5, N2: 61 or 37 per unit). So D2 is masked. Then, with N2 = 36 and
# D1 = 60 published: u2 appears only in masked cells (N1 unbounded above); u1 = 60 − (u3+u4+u5)
# and u3+u4+u5 = 36 − (u6+u7) ≤ 36, so u1 ≥ 24: N1 ∈ [24, ∞). D2 = u2 + u6 + u7 ∈ [0, ∞).
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
# P1(2024) must move by 10: E1 must be masked (P1(2023) is frozen); T(2024) either moves (with
# ET: weights 119 + 74) or is held by P2(2024) moving the other way (with E2: 19 + 4). The
# cheapest pattern masks E1, P2(2024) and E2. Then P1 + P2 = 118 (2024): P1(2024) ∈ [0, 118],
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
