"""`manifest.json`: what a barometer was built from and how, enough to rebuild or audit it.

It lists every input file with its SHA-256, the configuration as written, the version, stage
timings, every evaluated indicator with its metadata, the exact SQL that computed it and its row
count, and every skipped indicator with the inputs it lacked. The metadata functions here are
shared with the JSON API, so both describe an indicator the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from healthradar.indicators.definition import LANGS, Chapter, Indicator
from healthradar.indicators.registry import IndicatorResult, SkippedIndicator
from healthradar.publish.bundle import Bundle

INPUT_FACTS = (
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


def definition_metadata(ind: Indicator, synthetic: bool) -> dict[str, Any]:
    """Everything the definition says, in both languages (no value of the build)."""
    return {
        "id": ind.id,
        "chapter": ind.chapter,
        "title": dict(ind.title),
        "description": dict(ind.description),
        "dimensions": [
            {
                "name": d.name,
                "title": dict(d.title),
                "label": d.label,
                "label_title": dict(d.label_title) if d.label_title else None,
                "sort": d.sort,
            }
            for d in ind.dimensions
        ],
        "measures": [
            {
                "name": m.name,
                "unit": m.unit,
                "title": dict(m.title),
                "kind": m.kind,
                "low": m.low,
                "high": m.high,
                "units": m.units,
                "confidential": m.confidential,
                "source": m.source,  # the input whose secrecy rules mask it
                "follows": m.follows,  # masked whenever this measure is
            }
            for m in ind.measures
        ],
        "sources": list(ind.sources),
        "requires": list(ind.required_inputs),
        "caveats": dict(ind.caveats),
        "synthetic_data": synthetic,
    }


def indicator_metadata(result: IndicatorResult, synthetic: bool) -> dict[str, Any]:
    return {**definition_metadata(result.indicator, synthetic), "rows": result.rows}


def skipped_metadata(skipped: SkippedIndicator, synthetic: bool) -> dict[str, Any]:
    return {
        **definition_metadata(skipped.indicator, synthetic),
        "rows": 0,
        "skipped": {lang: skipped.reason(lang) for lang in LANGS},
        "missing_inputs": list(skipped.missing),
    }


def chapter_metadata(chapter: Chapter) -> dict[str, Any]:
    return {
        "id": chapter.id,
        "title": dict(chapter.title),
        "intro": dict(chapter.intro),
        "order": chapter.order,
        "indicators": [ind.id for ind in chapter.indicators],
    }


def write_manifest(bundle: Bundle, out: Path) -> dict[str, Any]:
    synthetic = bundle.synthetic
    manifest = {
        "healthradar_version": bundle.version,
        "built_at": bundle.built_at,
        "project": bundle.project_name,
        "region": {"code": bundle.region_code, "name": bundle.region_name},
        "vintage": bundle.vintage,
        "synthetic_data": synthetic,
        "config": bundle.config,
        "inputs": [{k: f.get(k) for k in INPUT_FACTS} for f in bundle.input_files.to_pylist()],
        "register": bundle.register_counts,
        "partner_companies": bundle.partner_summary,
        "warnings": [w.as_dict() for w in bundle.warnings],
        "timings_seconds": bundle.timings,
        "engine": bundle.engine,
        "quality_queries": bundle.quality_sql,
        "chapters": [chapter_metadata(c) for c in bundle.chapters],
        "indicators": [
            {**indicator_metadata(r, synthetic), "query": r.sql} for r in bundle.results
        ],
        "skipped_indicators": [skipped_metadata(s, synthetic) for s in bundle.skipped],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return manifest
