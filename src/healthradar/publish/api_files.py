"""The JSON twin of every indicator, written at build time and served as-is by the radar API.

`api/indicators.json` lists the indicators (metadata only); `api/indicators/<id>.json` holds one
indicator's metadata, rows and Vega-Lite chart spec. Serving static files keeps `serve` read-only
and lets the outputs be hosted by any web server.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from healthradar.publish.bundle import Bundle
from healthradar.publish.manifest import indicator_metadata


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def write_api_files(bundle: Bundle, specs: dict[str, Any], out: Path) -> None:
    api = out / "api" / "indicators"
    api.mkdir(parents=True, exist_ok=True)
    index = []
    for result in bundle.results:
        meta = indicator_metadata(result)
        index.append({**meta, "href": f"api/indicators/{result.indicator.id}.json"})
        rows = [{k: _clean(v) for k, v in row.items()} for row in result.data.to_pylist()]
        doc = {**meta, "data": rows, "chart": specs.get(result.indicator.id), "query": result.sql}
        (api / f"{result.indicator.id}.json").write_text(
            json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8"
        )
    (out / "api" / "indicators.json").write_text(
        json.dumps({"ok": True, "indicators": index}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
