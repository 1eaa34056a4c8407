"""Publish: render computed results into files. No query runs here, and no chapter is named.

`publish_bundle` writes, into the build's work folder: each indicator as CSV and Parquet
(flagged when the data is synthetic), one page per chapter of the bundle and the index (HTML
with inline SVG charts), the quality report (CSV + HTML), the list of companies to resolve, the
resolution of every partner row (`exports/resolution.csv`), the review file
(`review/matches_to_review.csv|xlsx`), the JSON API files and the manifest.
"""

from __future__ import annotations

from pathlib import Path

from healthradar.publish.api_files import write_api_files
from healthradar.publish.bundle import Bundle
from healthradar.publish.exports import write_csv, write_indicator, write_xlsx
from healthradar.publish.manifest import write_manifest
from healthradar.publish.pages import render_chapter, render_index, render_quality


def publish_bundle(bundle: Bundle, out: Path) -> None:
    bundle.check()
    out.mkdir(parents=True, exist_ok=True)
    for result in bundle.results:
        write_indicator(result.data, bundle.synthetic, out / "indicators", result.indicator.id)
    write_csv(bundle.quality[bundle.lang], out / "quality.csv")
    write_csv(bundle.reconciliation, out / "reconciliation.csv")
    write_csv(bundle.to_resolve, out / "to_resolve.csv")
    if bundle.confidentiality is not None:
        write_csv(bundle.confidentiality, out / "confidentiality.csv")
    if bundle.resolution is not None:
        write_csv(bundle.resolution, out / "exports" / "resolution.csv")
    if bundle.changes is not None:
        write_csv(bundle.changes, out / "exports" / "resolution_changes.csv")
    if bundle.review_queue is not None:
        write_csv(bundle.review_queue, out / "review" / "matches_to_review.csv")
        write_xlsx(bundle.review_queue, out / "review" / "matches_to_review.xlsx", "review")
    specs = {}
    for chapter in bundle.chapters:
        specs.update(render_chapter(bundle, chapter, bundle.lang, out))
    render_quality(bundle, bundle.lang, out)
    render_index(bundle, bundle.lang, out)
    write_api_files(bundle, specs, out)
    write_manifest(bundle, out)


__all__ = ["Bundle", "publish_bundle"]
