"""The JSON twin of every indicator, written at build time and served as-is by the radar API.

`api/indicators.json` lists the chapters and the indicators (metadata only, skipped ones with
their reason); `api/indicators/<id>.json` holds one indicator's metadata, rows, Vega-Lite chart
spec and links to its exports. Serving static files keeps `serve` read-only and lets the outputs
be hosted by any web server, under any path: every `href` is relative to the document holding
it, and resolves the same whether the listing is read as `/api/indicators` (the API route) or
`/api/indicators.json` (the file).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from healthradar.publish.bundle import Bundle
from healthradar.publish.manifest import chapter_metadata, indicator_metadata, skipped_metadata


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")


def write_api_files(bundle: Bundle, specs: dict[str, Any], out: Path) -> None:
    api = out / "api" / "indicators"
    api.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    for result in bundle.results:
        ind_id = result.indicator.id
        meta = indicator_metadata(result, bundle.synthetic)
        entries[ind_id] = {**meta, "href": f"indicators/{ind_id}.json"}
        rows = [{k: _clean(v) for k, v in row.items()} for row in result.data.to_pylist()]
        exports = {fmt: f"../../indicators/{ind_id}.{fmt}" for fmt in ("csv", "parquet")}
        doc = {
            **meta,
            "data": rows,
            "chart": specs.get(ind_id),
            "query": result.sql,
            "exports": exports,
        }
        _write(api / f"{ind_id}.json", doc)
    for skipped in bundle.skipped:
        meta = skipped_metadata(skipped, bundle.synthetic)
        entries[skipped.indicator.id] = {**meta, "href": f"indicators/{skipped.indicator.id}.json"}
        _write(api / f"{skipped.indicator.id}.json", {**meta, "data": [], "chart": None})
    order = [ind.id for chapter in bundle.chapters for ind in chapter.indicators]
    index = [entries[i] for i in order if i in entries]
    listing = {
        "ok": True,
        "synthetic_data": bundle.synthetic,
        "chapters": [chapter_metadata(c) for c in bundle.chapters],
        "indicators": index,
    }
    (out / "api" / "indicators.json").write_text(
        json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8"
    )
