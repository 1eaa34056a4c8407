"""`decisions.share_of_evidence`: how likely a row is its best company rather than another
candidate or none, 2^w_best / (1 + Σ 2^w). Expected values worked out by hand below."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from healthradar.engine import memory_warehouse
from healthradar.resolve.decisions import share_of_evidence


def ranked(rows: list[tuple[int, int, float] | tuple[int, int, float, str]]) -> pa.Table:
    """match_ranked's columns that matter here: (line, position, weight[, company state])."""
    return pa.table(
        {
            "input": ["l"] * len(rows),
            "file": ["f.csv"] * len(rows),
            "line": [r[0] for r in rows],
            "position": [r[1] for r in rows],
            "weight": [r[2] for r in rows],
            "company_etat": [r[3] if len(r) > 3 else "A" for r in rows],
        }
    )


def test_shares() -> None:
    wh = memory_warehouse()
    log2_078 = math.log2(0.78)
    rows = [
        (1, 0, 0.0),  # one candidate at odds 1: 1 / (1 + 1) = 0.5 = its probability
        # three alike at odds 0.78 (p 0.438 each, one shared word in the same
        # commune): 0.78 / (1 + 3 × 0.78) = 0.2335, under the review threshold
        (2, 0, log2_078), (2, 1, log2_078), (2, 2, log2_078),
        # odds 8 (p 0.889) and a rival at odds 0.5: 8 / (1 + 8.5) = 0.8421
        (3, 0, 3.0), (3, 1, -1.0),
        # a certain match and a far rival: odds 2^20 and 2^-10, still ~1
        (4, 0, 20.0), (4, 1, -10.0),
        # an active best one and two closed companies as good (its predecessors):
        # no rivals, 0.78 / 1.78 = 0.438 as if alone
        (5, 0, log2_078), (5, 1, log2_078, "C"), (5, 2, log2_078, "C"),
        # a closed best one: every candidate is a rival, 0.78 / (1 + 2 × 0.78) = 0.305
        (6, 0, log2_078, "C"), (6, 1, log2_078, "C"),
    ]  # fmt: skip
    wh.load_arrow("match_ranked", ranked(rows))
    got = {r["line"]: r["best_share"] for r in wh.to_rows(share_of_evidence(wh))}
    assert got[1] == pytest.approx(0.5)
    assert got[2] == pytest.approx(0.78 / (1 + 3 * 0.78))
    assert got[2] == pytest.approx(0.2335, abs=1e-4)
    assert got[3] == pytest.approx(8 / 9.5)
    assert got[4] == pytest.approx(2**20 / (1 + 2**20 + 2**-10))
    assert got[5] == pytest.approx(0.78 / 1.78)
    assert got[6] == pytest.approx(0.78 / (1 + 2 * 0.78))
    wh.close()
