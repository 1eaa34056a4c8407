"""Static HTML pages: one per chapter, the quality report and the index. Formatting only.

Every chapter text comes from the chapter's definitions (title, intro, indicators, dimension and
measure titles, value labels, caveats, key figures); `i18n` only gives the generic UI words, so a
new chapter needs no entry there and no change here.

Templates are Jinja2 with autoescaping on, so a partner's company name or a raw cell value can
never inject markup into a page.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from jinja2 import Environment, PackageLoader, select_autoescape

from healthradar.i18n import fmt_band, fmt_number, fmt_share, t
from healthradar.indicators.definition import Chapter, KeyFigures, Measure
from healthradar.indicators.registry import IndicatorResult
from healthradar.publish.bundle import Bundle
from healthradar.publish.charts import chart_spec, render_svg


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
        "nav": [{"href": f"{c.id}.html", "title": c.title[lang]} for c in bundle.chapters],
    }


MASKED = "s"  # a cell masked by statistical confidentiality (legend: i18n 'masked_legend')


def is_masked(record: dict[str, Any], measure: Measure) -> bool:
    return bool(measure.mask_column and record.get(measure.mask_column))


def _table(result: IndicatorResult, lang: str) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Headers and cells: each dimension through its value labels, then its label column (sort
    columns stay hidden); each measure formatted by kind, then its min – max when bounded; a
    masked cell reads 's' (and its bounds too), never a number."""
    ind = result.indicator
    headers: list[dict[str, Any]] = []
    for d in ind.dimensions:
        headers.append({"label": d.title[lang], "numeric": False})
        if d.label:
            title = d.label_title or d.title
            headers.append({"label": title[lang], "numeric": False})
    for m in ind.measures:
        headers.append({"label": m.title[lang], "numeric": True})
        if m.low and m.high:
            headers.append({"label": t(lang, "min_max"), "numeric": True})
    rows = []
    for rec in result.data.to_pylist():
        cells = []
        for d in ind.dimensions:
            cells.append(d.display(rec.get(d.name), lang))
            if d.label:
                label = rec.get(d.label)
                cells.append("" if label is None else str(label))
        for m in ind.measures:
            fmt = fmt_share if m.kind == "share" else fmt_number
            hidden = is_masked(rec, m) or (m.confidential and rec.get(m.name) is None)
            cells.append(MASKED if hidden else fmt(rec.get(m.name), lang))
            if m.low and m.high:
                bounds = f"{fmt(rec.get(m.low), lang)} – {fmt(rec.get(m.high), lang)}"
                cells.append(MASKED if hidden else bounds)
        rows.append(cells)
    return headers, rows


def _key_figures(bundle: Bundle, chapter: Chapter, lang: str) -> KeyFigures | None:
    return chapter.key_figures(bundle.results_by_id(), lang)


def render_chapter(bundle: Bundle, chapter: Chapter, lang: str, out: Path) -> dict[str, Any]:
    """Write `<chapter id>.html`; return the Vega-Lite specs it drew, by indicator id."""
    results = bundle.results_by_id()
    skipped = {s.indicator.id: s for s in bundle.skipped}
    sections, not_computed, specs = [], [], {}
    for ind in chapter.indicators:
        if ind.id in skipped:
            not_computed.append({"id": ind.id, "title": ind.title[lang],
                                 "reason": skipped[ind.id].reason(lang)})  # fmt: skip
            continue
        result = results.get(ind.id)
        if result is None:
            continue  # not asked for in this build
        spec = chart_spec(result, lang)
        if spec is not None:
            specs[ind.id] = spec
        headers, rows = _table(result, lang)
        masked = any(MASKED in row[len(ind.dimensions) :] for row in rows)
        sections.append(
            {
                "id": ind.id,
                "title": ind.title[lang],
                "description": ind.description[lang],
                "svg": render_svg(spec, lang) if spec else "",
                "headers": headers,
                "rows": rows,
                "caveat": ind.caveats.get(lang, ""),
                "masked": masked,
                "sources": ", ".join(ind.sources),
                "sql": result.sql,
            }
        )
    figures = _key_figures(bundle, chapter, lang)
    html = (
        _env()
        .get_template("chapter.html")
        .render(
            **_common(bundle, lang, chapter.title[lang]),
            intro=chapter.intro[lang],
            figures=figures,
            sections=sections,
            skipped=not_computed,
        )
    )
    (out / f"{chapter.id}.html").write_text(html, encoding="utf-8")
    return specs


DECISIONS = ("exact", "matched", "review", "unmatched", "merged", "rejected")


def _decisions(bundle: Bundle) -> list[tuple[str, dict[str, int]]]:
    """Partner rows per list and decision, as the quality page's table shows them."""
    if bundle.decisions is None:
        return []
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in bundle.decisions.to_pylist():
        table[row["input"]][row["decision"]] = int(row["rows"])
    return sorted(table.items())


def _changes(bundle: Bundle, lang: str) -> str:
    """One line: what moved among the partner rows since the previous build."""
    if bundle.changes is None:
        return ""
    counts: dict[str, int] = defaultdict(int)
    for row in bundle.changes.to_pylist():
        counts[row["change"]] += 1
    kinds = ("new", "gone", "linked", "unlinked", "relinked")
    return t(lang, "changes_line", **{k: fmt_number(counts[k], lang) for k in kinds})


# Rows shown per file and reason on the quality page; every row is in quality.csv. A list with
# 200,000 rejected rows would otherwise write a page of tens of megabytes no browser opens well.
ISSUES_PER_REASON = 20


def _issues_by_file(issues: pa.Table, lang: str) -> list[dict[str, Any]]:
    """Per file, per reason (first seen first): the count and the first rows, fetched from
    Arrow slices so a huge issue list is never turned into Python rows whole."""
    files: dict[str, dict[str, Any]] = {}
    if issues.num_rows == 0:
        return []
    keys = pc.binary_join_element_wise(
        pc.fill_null(issues["file"], ""), pc.fill_null(issues["reason"], ""), "\x1f"
    )
    groups = pa.table({"key": keys, "i": pa.array(range(issues.num_rows), pa.int64())})
    stats = groups.group_by("key", use_threads=False).aggregate([("i", "count"), ("i", "min")])
    order = pc.sort_indices(stats, [("i_min", "ascending")])
    for rec in stats.take(order).to_pylist():
        file, reason = rec["key"].split("\x1f", 1)
        mask = pc.equal(keys, rec["key"])
        first = issues.filter(mask).slice(0, ISSUES_PER_REASON).to_pylist()
        entry = files.setdefault(file, {"file": file, "total": 0, "reasons": []})
        total = int(rec["i_count"])
        entry["total"] += total
        entry["reasons"].append(
            {
                "reason": reason,
                "count": total,
                "rows": first,
                "shown": t(lang, "issues_shown", shown=fmt_number(len(first), lang),
                           total=fmt_number(total, lang)),
            }
        )  # fmt: skip
    return sorted(files.values(), key=lambda f: f["file"])


def _confidentiality(bundle: Bundle, lang: str) -> dict[str, Any] | None:
    """Cells masked by reason and the band of information lost, per indicator and overall."""
    if bundle.confidentiality is None or bundle.confidentiality.num_rows == 0:
        return None
    rows = bundle.confidentiality.to_pylist()
    whole = next((r for r in rows if r["indicator_id"] == "ALL"), None)
    if whole is None:
        return None
    line = t(lang, "confidentiality_line", cells=fmt_number(whole["cells"], lang),
             **{k: fmt_number(whole[k], lang) for k in ("frequency", "dominance", "secondary")},
             lost=fmt_band(whole["information_lost_pct"], lang))  # fmt: skip
    shown = [
        {**r, "information_lost": fmt_band(r["information_lost_pct"], lang)}
        for r in rows
        if r is not whole
    ]
    return {"rows": shown, "line": line}


def render_quality(bundle: Bundle, lang: str, out: Path) -> None:
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
            issues_by_file=_issues_by_file(bundle.quality[lang], lang),
            warnings=[w.message(lang) for w in bundle.warnings],
            decisions=_decisions(bundle),
            changes=_changes(bundle, lang),
            decision_names=[(d, t(lang, f"decision_{d}")) for d in DECISIONS],
            confidentiality=_confidentiality(bundle, lang),
        )
    )
    (out / "quality.html").write_text(html, encoding="utf-8")


def render_index(bundle: Bundle, lang: str, out: Path) -> None:
    read, rejected = bundle.rows_read_total, bundle.rows_rejected_total
    quality_line = (
        f"{t(lang, 'rows_read')}: {fmt_number(read, lang)} · "
        f"{t(lang, 'rejected')}: {fmt_number(rejected, lang)}"
    )
    chapters = []
    for chapter in bundle.chapters:
        figures = _key_figures(bundle, chapter, lang)
        chapters.append(
            {
                "href": f"{chapter.id}.html",
                "title": chapter.title[lang],
                "headline": figures.headline if figures else "",
            }
        )
    html = (
        _env()
        .get_template("index.html")
        .render(
            **_common(bundle, lang, bundle.region_name),
            chapters=chapters,
            quality_line=quality_line,
            warnings=[w.message(lang) for w in bundle.warnings],
        )
    )
    (out / "index.html").write_text(html, encoding="utf-8")
