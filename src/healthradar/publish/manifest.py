"""`manifest.json`: what a barometer was built from and how, enough to rebuild or audit it.

It lists every input file with its SHA-256, the configuration as written, the version, stage
timings and, for every indicator, its metadata, the exact SQL that computed it and its row count.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from healthradar.publish.bundle import Bundle


def indicator_metadata(result: Any) -> dict[str, Any]:
    ind = result.indicator
    return {
        "id": ind.id,
        "chapter": ind.chapter,
        "title": ind.title,
        "description": ind.description,
        "unit": ind.unit,
        "sources": list(ind.sources),
        "caveats": ind.caveats,
        "dimensions": list(ind.dimensions),
        "measures": [
            {"name": m.name, "unit": m.unit, "title": m.title, "low": m.low, "high": m.high}
            for m in ind.measures
        ],
        "rows": result.rows,
    }


def write_manifest(bundle: Bundle, out: Path) -> dict[str, Any]:
    manifest = {
        "healthradar_version": bundle.version,
        "built_at": bundle.built_at,
        "project": bundle.project_name,
        "region": {"code": bundle.region_code, "name": bundle.region_name},
        "vintage": bundle.vintage,
        "synthetic_data": bundle.synthetic,
        "config": bundle.config,
        "inputs": [
            {
                k: f[k]
                for k in (
                    "input",
                    "kind",
                    "file",
                    "size_bytes",
                    "sha256",
                    "encoding",
                    "delimiter",
                    "decimal_mark",
                    "rows_read",
                )
            }
            for f in bundle.input_files.to_pylist()
        ],
        "register": bundle.register_counts,
        "partner_companies": bundle.partner_summary,
        "timings_seconds": bundle.timings,
        "indicators": [{**indicator_metadata(r), "query": r.sql} for r in bundle.results],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return manifest
