"""One Altair chart per indicator, built from its result, its definition and its chart hint.

Specs are Vega-Lite (Altair) so the same chart can be rendered to SVG for the static report
(vl-convert, no browser, no network) and served as JSON to the radar. The SVG is inlined in the
HTML page: no script and no CDN is needed to see a chart.

Nothing here knows a chapter: category texts come from `Dimension.display` (and the dimension's
label column), axis titles from the measures, error bars from the plotted measure's own low/high
columns. Every number a chart writes (bar tooltips, heatmap cells) is a text field formatted by
`i18n.fmt_number`/`fmt_share` before the spec is built, so a chart never rounds differently from
the table under it (d3 rounds half up on the binary value, Python half to even). A cell masked by
statistical confidentiality has no value (Vega-Lite leaves NULLs out) and its text reads 's'.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import vl_convert as vlc

from healthradar.i18n import fmt_number, fmt_share
from healthradar.indicators.definition import Indicator, Measure
from healthradar.indicators.registry import IndicatorResult

PALETTE = ("#1f5f8b", "#e07b39", "#6b6b6b", "#4c9a2a", "#a23b72", "#d4a017", "#3c8dbc")
WIDTH = 560
LABEL_CHARS = 45
MASKED = "s"  # statistical confidentiality: the cell's value is not published


def text_field(column: str) -> str:
    """The row field holding a column's display text."""
    return f"{column}__text"


def _measure(ind: Indicator, column: str) -> Measure | None:
    return next((m for m in ind.measures if m.name == column), None)


def _category(ind: Indicator, column: str, row: dict[str, Any], lang: str) -> str:
    dim = next((d for d in ind.dimensions if d.name == column), None)
    if dim is None:
        value = row.get(column)
        return "" if value is None else str(value)
    text = dim.display(row.get(column), lang)
    if dim.label and row.get(dim.label):
        text = f"{text} {str(row[dim.label])[:LABEL_CHARS]}".strip()
    return text


def _number_text(measure: Measure | None, value: Any, lang: str) -> str:
    if measure is not None and measure.kind == "share":
        return fmt_share(value, lang)
    return fmt_number(value, lang)


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _rows(result: IndicatorResult, lang: str) -> list[dict[str, Any]]:
    """The result's rows plus one display-text field per column."""
    ind = result.indicator
    rows = []
    for record in result.data.to_pylist():
        row = {k: _clean(v) for k, v in record.items()}
        for column in record:
            measure = _measure(ind, column)
            bound = next((m for m in ind.measures if column in (m.low, m.high)), None)
            owner = measure or bound
            if owner is not None and owner.mask_column and record.get(owner.mask_column):
                row[text_field(column)] = MASKED  # the value is NULL: Vega draws no mark
            elif owner is not None:
                row[text_field(column)] = _number_text(owner, record[column], lang)
            else:
                row[text_field(column)] = _category(ind, column, record, lang)
        rows.append(row)
    return rows


def _title(ind: Indicator, column: str, lang: str) -> str:
    measure = _measure(ind, column)
    if measure is not None:
        return measure.title[lang]
    for dim in ind.dimensions:
        if dim.name == column:
            return dim.title[lang]
        if dim.label == column and dim.label_title:
            return dim.label_title[lang]
    return column


def _sort(hint: dict[str, Any], default: Any = None) -> Any:
    return alt.SortField(hint["sort"]) if "sort" in hint else default


def _colour(ind: Indicator, column: str, rows: list[dict[str, Any]], lang: str) -> alt.Color:
    """Colours follow the dimension's declared values, so a category keeps its colour."""
    dim = next((d for d in ind.dimensions if d.name == column), None)
    declared = list(dim.values) if dim and isinstance(dim.values, dict) else []
    present = [r[column] for r in rows]
    order = [v for v in declared if v in present] + [v for v in present if v not in declared]
    domain = list(dict.fromkeys(dim.display(v, lang) if dim else str(v) for v in order))
    palette = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    return alt.Color(
        f"{text_field(column)}:N",
        title=None,
        scale=alt.Scale(domain=domain, range=palette),
        legend=alt.Legend(orient="bottom"),
    )


def _tooltip(ind: Indicator, columns: list[str], lang: str) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{text_field(c)}:N", title=_title(ind, c, lang)) for c in columns]


def _bars(
    result: IndicatorResult, hint: dict[str, Any], rows: list[dict[str, Any]], lang: str
) -> alt.TopLevelMixin:
    """'bar' (categories on x) and 'barh' (categories on y): one measure per category."""
    ind = result.indicator
    vertical = hint["kind"] == "bar"
    cat_key, value_key = ("x", "y") if vertical else ("y", "x")
    cat, value = hint[cat_key], hint[value_key]
    measure = _measure(ind, value)
    colour = hint.get("color")
    base = alt.Chart(alt.Data(values=rows)).properties(width=WIDTH)
    cat_enc = {
        cat_key: (alt.X if vertical else alt.Y)(
            f"{text_field(cat)}:N",
            title=None,
            sort=_sort(hint, None if vertical else f"-{value_key}"),
            axis=alt.Axis(labelAngle=0) if vertical else alt.Axis(),
        )
    }
    axis = alt.Axis(format="%") if measure and measure.kind == "share" else alt.Axis()
    field = f"sum({value}):Q" if colour else f"{value}:Q"
    value_enc = {
        value_key: (alt.Y if vertical else alt.X)(field, title=_title(ind, value, lang), axis=axis)
    }
    tips = [cat, *([colour] if colour else []), value]
    extra = {"color": _colour(ind, colour, rows, lang)} if colour else {}
    mark = base.mark_bar() if colour else base.mark_bar(color=PALETTE[0])
    chart: alt.TopLevelMixin = mark.encode(
        **cat_enc, **value_enc, **extra, tooltip=_tooltip(ind, tips, lang)
    )
    # Error bars only for a measure with bounds, and never across stacked segments.
    if measure and measure.low and measure.high and not colour:
        second = f"{value_key}2"
        spread = base.mark_rule(color="#222").encode(
            **cat_enc,
            **{value_key: f"{measure.low}:Q", second: f"{measure.high}:Q"},
            tooltip=_tooltip(ind, [measure.low, measure.high], lang),
        )
        chart = chart + spread
    return chart.properties(
        title=ind.title[lang], **({"height": 260} if vertical else {"height": alt.Step(16)})
    )


def _share_pair(
    result: IndicatorResult, hint: dict[str, Any], rows: list[dict[str, Any]], lang: str
) -> alt.TopLevelMixin:
    """Two shares side by side per category (e.g. share of jobs vs share of establishments)."""
    ind = result.indicator
    cat = hint["y"]
    long = []
    for row in rows:
        for column in (hint["first"], hint["second"]):
            long.append(
                {
                    "category": row[text_field(cat)],
                    "measure": _title(ind, column, lang),
                    "share": row[column],
                    "share__text": row[text_field(column)],
                }
            )
    titles = [_title(ind, hint["first"], lang), _title(ind, hint["second"], lang)]
    return (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort=None),
            yOffset=alt.YOffset("measure:N", sort=titles),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title=None),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=titles, range=list(PALETTE[:2])),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("category:N", title=_title(ind, cat, lang)),
                alt.Tooltip("measure:N", title=" "),
                alt.Tooltip("share__text:N", title="%"),
            ],
        )
        .properties(title=ind.title[lang], width=WIDTH)
    )


def _heatmap(
    result: IndicatorResult, hint: dict[str, Any], rows: list[dict[str, Any]], lang: str
) -> alt.TopLevelMixin:
    ind = result.indicator
    value = hint["value"]
    base = alt.Chart(alt.Data(values=rows)).properties(width=WIDTH)
    enc = {
        "x": alt.X(
            f"{text_field(hint['x'])}:N", title=None, sort=_sort(hint), axis=alt.Axis(labelAngle=0)
        ),
        "y": alt.Y(f"{text_field(hint['y'])}:N", title=None, sort=None),
    }
    rect = base.mark_rect().encode(
        **enc,
        color=alt.Color(
            f"{value}:Q", title=_title(ind, value, lang), scale=alt.Scale(scheme="blues")
        ),
        tooltip=_tooltip(ind, [hint["y"], hint["x"], value], lang),
    )
    text = base.mark_text(fontSize=11).encode(**enc, text=alt.Text(f"{text_field(value)}:N"))
    return (rect + text).properties(title=ind.title[lang], height=alt.Step(28))


_KINDS = {"bar": _bars, "barh": _bars, "share_pair": _share_pair, "heatmap": _heatmap}


def chart_spec(result: IndicatorResult, lang: str) -> dict[str, Any] | None:
    """The Vega-Lite spec (a dict) of an indicator's chart, or None without hint or rows."""
    hint = dict(result.indicator.chart)
    kind = hint.get("kind")
    if not kind or result.rows == 0:
        return None
    if kind not in _KINDS:
        raise ValueError(f"{result.indicator.id}: unknown chart kind {kind!r}")
    chart = _KINDS[kind](result, hint, _rows(result, lang), lang)
    spec: dict[str, Any] = chart.to_dict()
    return spec


def render_svg(spec: dict[str, Any], lang: str) -> str:
    """SVG with the language's number format ('10 000' in French, '10,000' in English)."""
    locale = vlc.get_format_locale("fr-FR" if lang == "fr" else "en-US")
    svg: str = vlc.vegalite_to_svg(spec, format_locale=locale)
    return svg
