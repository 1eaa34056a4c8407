"""Indicator chapters. `default_registry()` builds a fresh registry holding every chapter."""

from __future__ import annotations

from healthradar.indicators import emploi
from healthradar.indicators.registry import Indicator, IndicatorResult, QueryContext, Registry

CHAPTERS = (emploi,)


def default_registry() -> Registry:
    registry = Registry()
    for chapter in CHAPTERS:
        chapter.register(registry)
    return registry


__all__ = ["Indicator", "IndicatorResult", "QueryContext", "Registry", "default_registry"]
