"""The indicator registry: unique ids, chapter prefixes, every indicator documented and tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthradar.indicators import default_registry
from healthradar.indicators.registry import Indicator, Measure, Registry


def make(indicator_id: str, chapter: str = "emploi") -> Indicator:
    return Indicator(
        id=indicator_id,
        chapter=chapter,
        title={"fr": "t", "en": "t"},
        description={"fr": "d", "en": "d"},
        sources=("register",),
        dimensions=(),
        measures=(Measure("n", "count", {"fr": "n", "en": "n"}),),
        query=lambda ctx: ctx.table("perimeter"),
    )


def test_registry_refuses_twins_and_foreign_chapters() -> None:
    registry = Registry()
    registry.add(make("emploi.a"))
    with pytest.raises(ValueError, match="already registered"):
        registry.add(make("emploi.a"))
    with pytest.raises(ValueError, match="must start with its chapter"):
        registry.add(make("funding.a", chapter="emploi"))


def test_every_indicator_is_complete_and_has_a_test() -> None:
    registry = default_registry()
    tests = (Path(__file__).parent / "test_emploi_indicators.py").read_text(encoding="utf-8")
    assert len(registry) >= 6
    for ind in registry:
        assert ind.title["fr"] and ind.title["en"], ind.id
        assert ind.description["fr"] and ind.description["en"], ind.id
        assert ind.caveats.get("fr") and ind.caveats.get("en"), ind.id
        assert ind.sources and ind.measures, ind.id
        assert f'"{ind.id}"' in tests, f"{ind.id} has no test in test_emploi_indicators.py"


def test_fresh_registries_are_independent() -> None:
    assert default_registry() is not default_registry()
    assert [i.id for i in default_registry()] == [i.id for i in default_registry()]
