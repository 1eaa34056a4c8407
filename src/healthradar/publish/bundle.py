"""What publishing receives: computed results and quality facts, nothing left to query.

`chapters` (in page order) say which pages exist and what they are called; a result whose chapter
is not among them is refused rather than silently left off the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from healthradar.indicators.definition import Chapter
from healthradar.indicators.registry import IndicatorResult, SkippedIndicator
from healthradar.quality.build_warnings import BuildWarning


@dataclass
class Bundle:
    project_name: str
    region_code: str
    region_name: str
    vintage: int
    lang: str
    synthetic: bool
    version: str
    built_at: str
    config: dict[str, Any]
    chapters: list[Chapter]  # ordered as the navigation shows them
    results: list[IndicatorResult]
    quality: dict[str, pa.Table]  # the build's lang -> the issues with messages in it
    reconciliation: pa.Table
    quality_by_reason: pa.Table  # severity, reason, count
    rows_read_total: int
    rows_rejected_total: int
    to_resolve: pa.Table
    input_files: pa.Table
    register_counts: dict[str, int]
    partner_summary: dict[str, int]  # core | revealed | outside | to_resolve -> companies
    skipped: list[SkippedIndicator] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    resolution: pa.Table | None = None  # one row per partner row (exports/resolution.csv)
    review_queue: pa.Table | None = None  # review/matches_to_review.csv|xlsx
    decisions: pa.Table | None = None  # rows per partner list and decision
    changes: pa.Table | None = None  # partner rows new, gone or relinked since the last build
    engine: str = "duckdb"  # the backend that computed every figure
    quality_sql: dict[str, str] = field(default_factory=dict)  # query of each quality table
    warnings: list[BuildWarning] = field(default_factory=list)  # build-level, shown first
    confidentiality: pa.Table | None = None  # per indicator: cells masked by reason, value lost

    def result(self, indicator_id: str) -> IndicatorResult:
        for r in self.results:
            if r.indicator.id == indicator_id:
                return r
        raise KeyError(indicator_id)

    def results_by_id(self) -> dict[str, IndicatorResult]:
        return {r.indicator.id: r for r in self.results}

    def check(self) -> None:
        """Refuse results or skipped indicators whose chapter has no page."""
        known = {c.id for c in self.chapters}
        for ind in [r.indicator for r in self.results] + [s.indicator for s in self.skipped]:
            if ind.chapter not in known:
                raise ValueError(f"{ind.id}: chapter {ind.chapter!r} is not in the bundle")
