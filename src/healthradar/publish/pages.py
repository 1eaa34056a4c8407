"""Static HTML pages: the chapter, the quality report and the index. Formatting only.

Templates are Jinja2 with autoescaping on, so a partner's company name or a raw cell value can
never inject markup into a page.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from healthradar.i18n import fmt_number, fmt_share, t
from healthradar.indicators.registry import IndicatorResult
from healthradar.publish.bundle import Bundle
from healthradar.publish.charts import chart_spec, render_svg

HIDDEN_COLUMNS = {"size_order"}
DIMENSION_TITLES = {
    "perimetre": {"fr": "Périmètre", "en": "Perimeter"},
    "naf": {"fr": "NAF", "en": "NAF"},
    "naf_label": {"fr": "Libellé NAF", "en": "NAF label"},
    "departement": {"fr": "Département", "en": "Département"},
    "departement_name": {"fr": "Nom", "en": "Name"},
    "size_class": {"fr": "Taille", "en": "Size"},
    "filiere": {"fr": "Filière", "en": "Filière"},
}


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("healthradar.publish", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _common(bundle: Bundle, lang: str, title: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "title": title,
        "project_name": bundle.project_name,
        "region_name": bundle.region_name,
        "vintage": bundle.vintage,
        "synthetic": bundle.synthetic,
        "version": bundle.version,
        "built_at": bundle.built_at,
        "tr": lambda key, **kw: t(lang, key, **kw),
    }


def headline(bundle: Bundle, lang: str) -> tuple[str, list[str]]:
    try:
        totals = {r["perimetre"]: r for r in bundle.result("emploi.totals").data.to_pylist()}
    except KeyError:
        return "", []
    total = totals.get("total") or {}
    core = totals.get("core") or {}
    rev = totals.get("revealed") or {}

    def n(row: dict[str, Any], key: str) -> str:
        return fmt_number(row.get(key) or 0, lang)

    main = t(
        lang,
        "headline",
        jobs=n(total, "jobs"),
        est=n(total, "establishments"),
        core_jobs=n(core, "jobs"),
        core_est=n(core, "establishments"),
        rev_jobs=n(rev, "jobs"),
        rev_est=n(rev, "establishments"),
    )
    extra = [
        t(lang, "estimate_range", low=n(total, "jobs_low"), high=n(total, "jobs_high")),
        t(
            lang,
            "measured_share",
            measured=n(total, "jobs_measured"),
            est=n(total, "establishments"),
        ),
    ]
    return main, extra


def _table(result: IndicatorResult, lang: str) -> tuple[list[dict[str, Any]], list[list[str]]]:
    ind = result.indicator
    dims = [d for d in ind.dimensions if d not in HIDDEN_COLUMNS]
    headers = [{"label": DIMENSION_TITLES.get(d, {}).get(lang, d), "numeric": False} for d in dims]
    for m in ind.measures:
        headers.append({"label": m.title[lang], "numeric": True})
        if m.low and m.high:
            headers.append({"label": "min – max", "numeric": True})
    rows = []
    for rec in result.data.to_pylist():
        cells = []
        for d in dims:
            value = rec.get(d)
            cells.append(t(lang, f"perimetre_{value}") if d == "perimetre" else str(value or ""))
        for m in ind.measures:
            value = rec.get(m.name)
            cells.append(fmt_share(value, lang) if m.unit == "share" else fmt_number(value, lang))
            if m.low and m.high:
                low, high = fmt_number(rec.get(m.low), lang), fmt_number(rec.get(m.high), lang)
                cells.append(f"{low} – {high}")
        rows.append(cells)
    return headers, rows


def render_chapter(bundle: Bundle, chapter: str, lang: str, out: Path) -> dict[str, Any]:
    """Write `<chapter>.html`; return the Vega-Lite specs it drew, by indicator id."""
    sections, specs = [], {}
    for result in bundle.results:
        ind = result.indicator
        if ind.chapter != chapter:
            continue
        spec = chart_spec(result, lang)
        if spec is not None:
            specs[ind.id] = spec
        headers, rows = _table(result, lang)
        sections.append(
            {
                "id": ind.id,
                "title": ind.title[lang],
                "description": ind.description[lang],
                "svg": render_svg(spec, lang) if spec else "",
                "headers": headers,
                "rows": rows,
                "caveat": ind.caveats.get(lang, ""),
                "sources": ", ".join(ind.sources),
                "sql": result.sql,
            }
        )
    main, extra = headline(bundle, lang)
    html = (
        _env()
        .get_template("chapter.html")
        .render(
            **_common(bundle, lang, t(lang, f"chapter_{chapter}")),
            headline=main,
            subheadlines=extra,
            sections=sections,
        )
    )
    (out / f"{chapter}.html").write_text(html, encoding="utf-8")
    return specs


def render_quality(bundle: Bundle, lang: str, out: Path) -> None:
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in bundle.quality[lang].to_pylist():
        by_file[row["file"]].append(row)
    files = []
    for f in bundle.input_files.to_pylist():
        f["delimiter_label"] = {"\t": "tab", None: ""}.get(f["delimiter"], f["delimiter"])
        files.append(f)
    rc = bundle.register_counts
    html = (
        _env()
        .get_template("quality.html")
        .render(
            **_common(bundle, lang, t(lang, "quality")),
            register_line=t(
                lang,
                "register_rows",
                rows=fmt_number(rc.get("rows"), lang),
                in_region=fmt_number(rc.get("in_region"), lang),
                active=fmt_number(rc.get("active_in_region"), lang),
            ),
            reconciliation=bundle.reconciliation.to_pylist(),
            partner_summary=[
                (t(lang, f"partners_{k}"), bundle.partner_summary.get(k, 0))
                for k in ("core", "revealed", "outside", "to_resolve")
            ],
            input_files=files,
            by_reason=bundle.quality_by_reason.to_pylist(),
            issues_by_file=sorted(by_file.items()),
        )
    )
    (out / "quality.html").write_text(html, encoding="utf-8")


def render_index(bundle: Bundle, lang: str, out: Path) -> None:
    main, _ = headline(bundle, lang)
    read, rejected = bundle.rows_read_total, bundle.rows_rejected_total
    quality_line = (
        f"{t(lang, 'rows_read')}: {fmt_number(read, lang)} · "
        f"{t(lang, 'rejected')}: {fmt_number(rejected, lang)}"
    )
    html = (
        _env()
        .get_template("index.html")
        .render(
            **_common(bundle, lang, bundle.region_name),
            headline=main,
            quality_line=quality_line,
        )
    )
    (out / "index.html").write_text(html, encoding="utf-8")
