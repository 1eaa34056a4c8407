"""One Altair chart per indicator, built from its result and its chart hint.

Specs are Vega-Lite (Altair) so the same chart can be rendered to SVG for the static report
(vl-convert, no browser, no network) and served as JSON to the radar later. The SVG is inlined
in the HTML page: no script and no CDN is needed to see a chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert as vlc

from healthradar.i18n import t
from healthradar.indicators.registry import IndicatorResult

PALETTE = {"core": "#1f5f8b", "revealed": "#e07b39", "total": "#6b6b6b"}
WIDTH = 560


def _perimetre_label(value: str, lang: str) -> str:
    return t(lang, f"perimetre_{value}") if value in PALETTE else value


def _rows(result: IndicatorResult, lang: str) -> list[dict[str, Any]]:
    rows = result.data.to_pylist()
    for row in rows:
        if "perimetre" in row:
            row["perimetre_label"] = _perimetre_label(row["perimetre"], lang)
        if "naf" in row:
            label = (row.get("naf_label") or "")[:45]
            row["naf_display"] = f"{row['naf']} {label}".strip()
    return rows


def _measure_title(result: IndicatorResult, name: str, lang: str) -> str:
    for m in result.indicator.measures:
        if m.name == name:
            return m.title[lang]
    return name


def _color(lang: str) -> alt.Color:
    domain = [_perimetre_label(k, lang) for k in PALETTE]
    return alt.Color(
        "perimetre_label:N",
        title=None,
        scale=alt.Scale(domain=domain, range=list(PALETTE.values())),
        legend=alt.Legend(orient="bottom"),
    )


def chart_spec(result: IndicatorResult, lang: str) -> dict[str, Any] | None:
    """The Vega-Lite spec (a dict) of an indicator's chart, or None if it has no chart hint."""
    hint = result.indicator.chart
    kind = hint.get("kind")
    if not kind or result.rows == 0:
        return None
    rows = _rows(result, lang)
    base = alt.Chart(alt.Data(values=rows)).properties(width=WIDTH)
    title = result.indicator.title[lang]
    if kind == "bar":
        x_field = "perimetre_label" if hint["x"] == "perimetre" else hint["x"]
        sort = alt.SortField(hint["sort"]) if "sort" in hint else None
        y_title = _measure_title(result, hint["y"], lang)
        x = alt.X(f"{x_field}:N", title=None, sort=sort, axis=alt.Axis(labelAngle=0))
        bars = base.mark_bar(color=PALETTE["core"]).encode(
            x=x,
            y=alt.Y(f"{hint['y']}:Q", title=y_title),
            tooltip=[f"{x_field}:N", alt.Tooltip(f"{hint['y']}:Q", format=",.0f")],
        )
        spread = base.mark_rule(color="#222").encode(x=x, y="jobs_low:Q", y2="jobs_high:Q")
        chart: alt.TopLevelMixin = (bars + spread).properties(height=260, title=title)
    elif kind == "barh":
        y_field = "naf_display" if hint["y"] == "naf" else hint["y"]
        chart = (
            base.mark_bar()
            .encode(
                y=alt.Y(f"{y_field}:N", title=None, sort="-x"),
                x=alt.X(f"sum({hint['x']}):Q", title=_measure_title(result, hint["x"], lang)),
                color=_color(lang),
                tooltip=[
                    f"{y_field}:N",
                    "perimetre_label:N",
                    alt.Tooltip(f"{hint['x']}:Q", format=",.0f"),
                ],
            )
            .properties(title=title, height=alt.Step(16))
        )
    elif kind == "share_pair":
        chart = (
            base.transform_fold(["share_jobs", "share_establishments"], as_=["measure", "share"])
            .transform_calculate(
                measure_label=alt.expr.if_(
                    alt.datum.measure == "share_jobs",
                    _measure_title(result, "share_jobs", lang),
                    _measure_title(result, "share_establishments", lang),
                )
            )
            .mark_bar()
            .encode(
                y=alt.Y(f"{hint['y']}:N", title=None),
                yOffset="measure_label:N",
                x=alt.X("share:Q", axis=alt.Axis(format="%"), title=None),
                color=alt.Color("measure_label:N", title=None, legend=alt.Legend(orient="bottom")),
                tooltip=[f"{hint['y']}:N", "measure_label:N", alt.Tooltip("share:Q", format=".1%")],
            )
            .properties(title=title)
        )
    elif kind == "heatmap":
        sort = alt.SortField(hint["sort"]) if "sort" in hint else None
        enc = {
            "x": alt.X(f"{hint['x']}:N", title=None, sort=sort, axis=alt.Axis(labelAngle=0)),
            "y": alt.Y(f"{hint['y']}:N", title=None),
        }
        rect = base.mark_rect().encode(
            **enc,
            color=alt.Color(
                f"{hint['value']}:Q",
                title=_measure_title(result, hint["value"], lang),
                scale=alt.Scale(scheme="blues"),
            ),
        )
        text = base.mark_text(fontSize=11).encode(
            **enc, text=alt.Text(f"{hint['value']}:Q", format=",.0f")
        )
        chart = (rect + text).properties(title=title, height=alt.Step(28))
    else:
        raise ValueError(f"{result.indicator.id}: unknown chart kind {kind!r}")
    spec: dict[str, Any] = chart.to_dict()
    return spec


def render_svg(spec: dict[str, Any], lang: str) -> str:
    """SVG with the language's number format ('10 000' in French, '10,000' in English)."""
    locale = vlc.get_format_locale("fr-FR" if lang == "fr" else "en-US")
    svg: str = vlc.vegalite_to_svg(spec, format_locale=locale)
    return svg
