"""What publishing receives: computed results and quality facts, nothing left to query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from healthradar.indicators.registry import IndicatorResult


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
    results: list[IndicatorResult]
    quality: dict[str, pa.Table]  # lang -> issues with messages in that language
    reconciliation: pa.Table
    quality_by_reason: pa.Table  # severity, reason, count
    rows_read_total: int
    rows_rejected_total: int
    to_resolve: pa.Table
    input_files: pa.Table
    register_counts: dict[str, int]
    partner_summary: dict[str, int]  # core | revealed | outside | to_resolve -> companies
    counts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def result(self, indicator_id: str) -> IndicatorResult:
        for r in self.results:
            if r.indicator.id == indicator_id:
                return r
        raise KeyError(indicator_id)
