"""The registry refuses definitions that would break later; it skips what a build cannot
compute."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest

from healthradar.engine import memory_warehouse
from healthradar.indicators import CHAPTERS, Chapter, Dimension, Measure, Registry, default_registry
from healthradar.indicators.registry import QueryContext

N = Measure("n", "companies", {"fr": "n", "en": "n"}, units="n")
YEAR = Dimension("year", {"fr": "Année", "en": "Year"})


def chapter(**overrides: Any) -> Chapter:
    """A one-indicator chapter; `overrides` change the indicator's metadata."""
    ch = Chapter("toy", {"fr": "Jouet", "en": "Toy"}, {"fr": "i", "en": "i"}, order=99)
    meta: dict[str, Any] = {
        "title": {"fr": "t", "en": "t"},
        "description": {"fr": "d", "en": "d"},
        "sources": ("toy_input",),
        "dimensions": (YEAR,),
        "measures": (N,),
    }
    meta.update(overrides)
    ch.indicator("a", **meta)(
        lambda ctx: (
            ctx.table("toy_input").group_by("year").aggregate(n=ctx.table("toy_input").count())
        )
    )
    return ch


def test_a_valid_chapter_registers() -> None:
    registry = Registry([chapter()])
    assert [i.id for i in registry] == ["toy.a"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": {"fr": "t"}}, "title needs a text in fr and en"),
        ({"description": {"fr": "d", "en": " "}}, "description needs a text"),
        ({"caveats": {"en": "x"}}, "caveats needs a text"),
        ({"chart": {"kind": "pie", "x": "year", "y": "n"}}, "unknown chart kind 'pie'"),
        ({"chart": {"kind": "bar", "x": "year", "y": "jobs"}}, "chart key y='jobs' unknown"),
        ({"order_by": ("-jobs",)}, "order key '-jobs' is not a column"),
        ({"measures": (Measure("n", "u", {"fr": "n", "en": "n"}, low="lo"),)}, "both low and high"),
        ({"dimensions": (Dimension("year", {"fr": "Année"}),)}, "dimension year needs a text"),
        ({"requires": ("register",)}, "required inputs must be among its sources"),
        ({"measures": (Measure("year", "u", {"fr": "a", "en": "a"}),)}, "used twice"),
    ],
)
def test_registry_refuses_incomplete_definitions(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Registry([chapter(**overrides)])


def test_registry_refuses_twins() -> None:
    with pytest.raises(ValueError, match="already registered"):
        Registry([chapter(), chapter()])
    registry = Registry([chapter()])
    with pytest.raises(ValueError, match="already registered"):
        registry.add(registry.get("toy.a"))


def test_an_indicator_whose_input_is_absent_is_skipped_with_its_reason() -> None:
    wh = memory_warehouse()
    registry = Registry([chapter()])
    evaluation = registry.evaluate(QueryContext(wh, {}), available={"register"})
    assert evaluation.results == []
    (skipped,) = evaluation.skipped
    assert skipped.missing == ("toy_input",)
    assert "toy_input" in skipped.reason("fr") and "toy_input" in skipped.reason("en")
    assert wh.count("indicator_values") == 0


def test_indicator_values_carry_units_and_an_unmasked_flag() -> None:
    wh = memory_warehouse()
    wh.load_arrow("toy_input", pa.table({"year": [2023, 2024, 2024]}))
    evaluation = Registry([chapter()]).evaluate(QueryContext(wh, {}), available={"toy_input"})
    assert [r.data.to_pylist() for r in evaluation.results] == [
        [{"year": 2023, "n": 1}, {"year": 2024, "n": 2}]
    ]
    values = wh.to_rows("indicator_values")
    got = sorted(
        (json.loads(v["dimensions"])["year"], v["value"], v["units"], v["masked"]) for v in values
    )
    assert got == [(2023, 1.0, 1, False), (2024, 2.0, 2, False)]
    assert {v["unit"] for v in values} == {"companies"}


def test_every_registered_indicator_is_complete() -> None:
    registry = default_registry()
    assert len(registry) >= 6
    for ind in registry:
        assert ind.caveats.get("fr") and ind.caveats.get("en"), ind.id
        for m in ind.measures:
            assert m.units in ind.columns, (ind.id, m.name)
    jobs = [m for i in registry for m in i.measures if m.name == "jobs"]
    assert jobs and all(m.unit == "jobs" and m.low and m.confidential for m in jobs)
    units = {m.name: m.unit for i in registry for m in i.measures}
    assert units["companies"] == "companies" and units["share_jobs"] == "share"


def test_fresh_registries_are_independent() -> None:
    assert default_registry() is not default_registry()
    assert [i.id for i in default_registry()] == [i.id for c in CHAPTERS for i in c.indicators]
