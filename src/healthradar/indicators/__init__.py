"""Indicator chapters. `default_registry()` builds a fresh registry holding every chapter.

A chapter is a plug-in: its module defines one `Chapter` (texts, order, inputs, key figures)
and decorates its indicator queries; listing the chapter in `CHAPTERS` is all publish, the API,
the navigation and the docs need (see docs/extending.md).
"""

from __future__ import annotations

from healthradar.indicators import emploi
from healthradar.indicators.definition import Chapter, Dimension, Indicator, KeyFigures, Measure
from healthradar.indicators.registry import (
    Evaluation,
    IndicatorResult,
    QueryContext,
    Registry,
    SkippedIndicator,
)

CHAPTERS: tuple[Chapter, ...] = (emploi.CHAPTER,)


def default_registry() -> Registry:
    return Registry(CHAPTERS)


__all__ = [
    "CHAPTERS",
    "Chapter",
    "Dimension",
    "Evaluation",
    "Indicator",
    "IndicatorResult",
    "KeyFigures",
    "Measure",
    "QueryContext",
    "Registry",
    "SkippedIndicator",
    "default_registry",
]
