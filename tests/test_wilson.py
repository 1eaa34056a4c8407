"""The registry's Wilson interval option on rates, against values worked out by hand."""

from __future__ import annotations

import pyarrow as pa
import pytest

from healthradar.engine import memory_warehouse
from healthradar.indicators.definition import Chapter, Dimension, Measure
from healthradar.indicators.registry import QueryContext, Registry, evaluate_indicator

TEXTS = {"fr": "texte", "en": "text"}
RATE = Measure(
    "rate", "share", {"fr": "Taux", "en": "Rate"}, low="rate_low", high="rate_high",
    kind="share", interval="wilson", successes="won", trials="tried",
)  # fmt: skip


def _registry() -> Registry:
    chapter = Chapter("ch", title=TEXTS, intro=TEXTS, order=1)

    @chapter.indicator(
        "rates", title=TEXTS, description=TEXTS, sources=("register",),
        dimensions=(Dimension("window", TEXTS),), measures=(RATE,),
    )  # fmt: skip
    def rates(ctx: QueryContext):  # type: ignore[no-untyped-def]
        t = ctx.table("projects")
        return t.mutate(rate=t.won.cast("float64") / t.tried)

    return Registry([chapter])


def test_wilson_interval_of_rates() -> None:
    wh = memory_warehouse()
    wh.load_arrow("projects", pa.table({"window": ["a", "b"], "won": [12, 0], "tried": [50, 10]}))
    result = evaluate_indicator(QueryContext(wh, {}), _registry().get("ch.rates"))
    a, b = result.data.to_pylist()
    # 12 of 50, z = 1.959964 (z² = 3.841459): p = 0.24; z²/n = 0.0768292;
    # centre = (0.24 + 0.0384146) / 1.0768292 = 0.2585504;
    # half = z / 1.0768292 × √(0.24 × 0.76 / 50 + 3.841459 / 10 000) = 1.8201254 × √0.0040321459
    #      = 1.8201254 × 0.0634992 = 0.1155765  →  [0.1429739, 0.3741268]
    assert a["rate_low"] == pytest.approx(0.1429739, abs=1e-6)
    assert a["rate_high"] == pytest.approx(0.3741268, abs=1e-6)
    # 0 of 10: centre = (z²/20) / (1 + z²/10) = 0.1920730 / 1.3841459 = 0.1387663 = half
    #  →  [0, 0.2775327]: not the empty [0, 0] of the normal approximation
    assert b["rate_low"] == pytest.approx(0.0, abs=1e-9)
    assert b["rate_high"] == pytest.approx(0.2775327, abs=2e-7)


def test_wilson_needs_its_columns() -> None:
    bad = Measure("rate", "share", TEXTS, interval="wilson", kind="share")
    chapter = Chapter("ch", title=TEXTS, intro=TEXTS, order=1)
    chapter.indicator("r", title=TEXTS, description=TEXTS, sources=("register",),
                      dimensions=(), measures=(bad,))(lambda ctx: None)  # fmt: skip
    with pytest.raises(ValueError, match="Wilson interval needs"):
        Registry([chapter])
