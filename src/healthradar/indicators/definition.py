"""What an indicator and a chapter are: one definition each, query and metadata together.

A chapter module creates one `Chapter` and decorates each query function with
`@chapter.indicator(...)`: the id, FR/EN texts, dimensions, measures (each with its own unit and
optional low/high bounds), sources, caveats and chart hint sit right above the query they
describe. The registry validates all of it when the chapter is added (`Registry.add_chapter`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ibis.expr.types import Table

if TYPE_CHECKING:
    from healthradar.contracts import Contract
    from healthradar.indicators.registry import IndicatorResult, QueryContext

Texts = Mapping[str, str]  # language -> text
LANGS = ("fr", "en")
ValueLabels = Mapping[str, Texts] | Callable[[Any, str], str]


@dataclass(frozen=True)
class Dimension:
    """A column that identifies a cell. `label` and `sort` name companion columns of the result
    (a code's label, a display order): they travel with the dimension and are not dimensions."""

    name: str
    title: Texts
    label: str | None = None
    label_title: Texts | None = None
    sort: str | None = None
    values: ValueLabels | None = None  # display text of a value, per language

    def display(self, value: Any, lang: str) -> str:
        if value is None:
            return ""
        if callable(self.values):
            return str(self.values(value, lang))
        if self.values and str(value) in self.values:
            return str(self.values[str(value)].get(lang, value))
        return str(value)

    @property
    def companions(self) -> tuple[str, ...]:
        return tuple(c for c in (self.label, self.sort) if c)


@dataclass(frozen=True)
class Measure:
    """A computed column. `units` names the result column counting the statistical units
    behind each cell; `confidential` says whether the measure's source is under statistical
    secrecy (per-establishment headcounts) or open (the register): it is declared, never guessed.

    A confidential measure either has its own unit-level contributions (the indicator's
    `contributions` query; `source` names the input whose rules apply, see
    `[confidentiality.sources.<source>]`) or `follows` another measure of the indicator and is
    masked with it (a share of jobs reveals the jobs when the total is published).

    `interval="wilson"` makes the registry fill `low`/`high` with the Wilson score interval
    (95 %) of the rate `successes / trials`, two columns the query returns."""

    name: str
    unit: str
    title: Texts
    low: str | None = None
    high: str | None = None
    units: str | None = None
    confidential: bool = False
    kind: str = "number"  # number | share
    source: str | None = None  # the input under secrecy (confidential measures)
    follows: str | None = None  # masked whenever this measure of the same cell is masked
    interval: str | None = None  # None | "wilson"
    successes: str | None = None  # wilson: column of the numerator
    trials: str | None = None  # wilson: column of the denominator

    @property
    def columns(self) -> tuple[str, ...]:
        extra = (self.successes, self.trials) if self.interval else ()
        return tuple(c for c in (self.name, self.low, self.high, *extra) if c)

    @property
    def mask_column(self) -> str | None:
        """The published column that says whether (and why) this measure's cell is masked."""
        if not self.confidential:
            return None
        return f"{self.follows or self.name}_mask"


CHART_KINDS: dict[str, tuple[str, ...]] = {
    # kind -> the hint keys that must name a column of the result
    "bar": ("x", "y"),
    "barh": ("x", "y"),
    "share_pair": ("y", "first", "second"),
    "heatmap": ("x", "y", "value"),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    chapter: str
    title: Texts
    description: Texts
    sources: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    query: Callable[[QueryContext], Table]
    requires: tuple[str, ...] | None = None  # inputs without which it is skipped (default all)
    caveats: Texts = field(default_factory=dict)
    chart: Mapping[str, Any] = field(default_factory=dict)
    order_by: tuple[str, ...] = ()  # result columns; a leading '-' sorts descending
    # Unit-level contributions of the confidential measures: one row per cell and unit, with
    # the dimension columns, `unit` (an id), `secret` (whether that unit's value is under
    # secrecy) and one column per confidential measure. See docs/confidentiality.md.
    contributions: Callable[[QueryContext], Table] | None = None

    @property
    def table_name(self) -> str:
        return "ind_" + self.id.replace(".", "__")

    @property
    def required_inputs(self) -> tuple[str, ...]:
        return self.sources if self.requires is None else self.requires

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the query must return, in the order tables show them."""
        out: list[str] = []
        for d in self.dimensions:
            out += [d.name, *d.companions]
        for m in self.measures:
            out += list(m.columns)
            if m.units and m.units not in out:
                out.append(m.units)
        return tuple(dict.fromkeys(out))

    def measure(self, name: str) -> Measure:
        for m in self.measures:
            if m.name == name:
                return m
        raise KeyError(name)

    def dimension(self, name: str) -> Dimension:
        for d in self.dimensions:
            if d.name == name:
                return d
        raise KeyError(name)


@dataclass(frozen=True)
class KeyFigures:
    """What a chapter offers to the home page: one headline and a few lines of detail."""

    headline: str
    details: tuple[str, ...] = ()


KeyFiguresFn = Callable[[Mapping[str, "IndicatorResult"], str], KeyFigures | None]


class Chapter:
    """A chapter: its texts, its page order, its inputs and its indicators, in one module."""

    def __init__(
        self,
        chapter_id: str,
        title: Texts,
        intro: Texts,
        order: int,
        contracts: tuple[Contract, ...] = (),
        key_figures: KeyFiguresFn | None = None,
    ) -> None:
        self.id = chapter_id
        self.title = dict(title)
        self.intro = dict(intro)
        self.order = order
        self.contracts = contracts
        self.key_figures_fn = key_figures
        self.indicators: list[Indicator] = []

    def indicator(
        self,
        name: str,
        *,
        title: Texts,
        description: Texts,
        sources: tuple[str, ...],
        dimensions: tuple[Dimension, ...],
        measures: tuple[Measure, ...],
        requires: tuple[str, ...] | None = None,
        caveats: Texts | None = None,
        chart: Mapping[str, Any] | None = None,
        order_by: tuple[str, ...] = (),
        contributions: Callable[[QueryContext], Table] | None = None,
    ) -> Callable[[Callable[[QueryContext], Table]], Callable[[QueryContext], Table]]:
        """Decorator: the function below is the indicator's query, this call its metadata."""

        def wrap(query: Callable[[QueryContext], Table]) -> Callable[[QueryContext], Table]:
            self.indicators.append(
                Indicator(
                    id=f"{self.id}.{name}",
                    chapter=self.id,
                    title=dict(title),
                    description=dict(description),
                    sources=sources,
                    dimensions=dimensions,
                    measures=measures,
                    query=query,
                    requires=requires,
                    caveats=dict(caveats or {}),
                    chart=dict(chart or {}),
                    order_by=order_by,
                    contributions=contributions,
                )
            )
            return query

        return wrap

    def key_figures(self, results: Mapping[str, IndicatorResult], lang: str) -> KeyFigures | None:
        return self.key_figures_fn(results, lang) if self.key_figures_fn else None

    def __repr__(self) -> str:
        return f"Chapter({self.id!r}, {len(self.indicators)} indicators)"
