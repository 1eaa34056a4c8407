"""Benchmark: statistical confidentiality on the demo (HiGHS: audit LPs and suppression MILP).

Prints figures; asserts nothing about time. Builds the demo once on DuckDB, prints the stage's
outcome (cells, masked by reason, share of jobs in masked cells, stage seconds), then rebuilds
the confidentiality cells from the warehouse and times `suppress` (the MILP rounds) and the
attacker's audit alone, best of ``--repeat``.

Usage::

    PYTHONPATH=src .venv/bin/python bench/bench_confidentiality.py --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from healthradar.confidentiality.audit import feasible_intervals
from healthradar.confidentiality.cells import Columns
from healthradar.confidentiality.stage import _build_cells, rules_for
from healthradar.confidentiality.suppression import suppress
from healthradar.config import ConfidentialitySection
from healthradar.demo import generate
from healthradar.engine.duckdb_backend import DuckDBWarehouse
from healthradar.indicators.registry import Evaluation, IndicatorResult, QueryContext
from healthradar.pipeline import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    section = ConfidentialitySection()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        generate(root)
        result = build(root)
        print("stage outcome:", result.counts["confidentiality"])
        wh = DuckDBWarehouse(result.out_dir / "warehouse.duckdb")
        try:
            unmasked = Evaluation(
                [
                    IndicatorResult(r.indicator, r.sql, wh.to_arrow(r.indicator.table_name))
                    for r in result.results
                ]
            )
            cells, values, _ = _build_cells(QueryContext(wh, {}), unmasked, rules_for(section))
        finally:
            wh.close()
    primary = sum(1 for c in cells if c.sensitive)
    print(f"cells {len(cells)}, units {len(values)}, variables {Columns(cells, values).size}, "
          f"primary {primary}")  # fmt: skip
    timings: dict[str, list[float]] = {"suppress (MILP)": [], "audit (LPs)": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        masked = suppress(cells, values, section.protection)
        timings["suppress (MILP)"].append(time.perf_counter() - start)
        start = time.perf_counter()
        feasible_intervals(cells, values, masked, section.protection)
        timings["audit (LPs)"].append(time.perf_counter() - start)
    cost = sum(c.weight(values) for c in cells if masked.get(c.key) == "secondary")
    print(f"masked {len(masked)} ({sum(v == 'secondary' for v in masked.values())} secondary, "
          f"information lost Σ value + 1 = {cost:g})")  # fmt: skip
    for name, values_s in timings.items():
        print(f"{name}: best {min(values_s):.3f} s of {len(values_s)}")


if __name__ == "__main__":
    main()
