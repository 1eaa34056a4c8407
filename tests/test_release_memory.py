"""`Warehouse.release_memory`: DuckDB's cache is given back between stages, the tables stay and
the build's own memory limit is set again (what the limit does to RSS is measured in
`bench/bench_inputs.py --full`, not here)."""

from __future__ import annotations

from pathlib import Path

import ibis

from healthradar.engine import statements
from healthradar.engine.duckdb_backend import DuckDBWarehouse


def test_the_statements_lower_then_restore_the_limit() -> None:
    assert statements.render("release_memory", "duckdb", limit="4GB") == [
        "SET memory_limit = '64MB'",
        "SET memory_limit = '4GB'",
    ]
    assert statements.render("release_memory", "pyspark", limit="4GB") == []


def test_tables_survive_and_the_limit_comes_back(tmp_path: Path) -> None:
    wh = DuckDBWarehouse(tmp_path / "w.duckdb", memory_limit="300MB")
    n = wh.materialise("t", ibis.range(0, 200_000).unnest().name("i").as_table())
    wh.release_memory()
    # 300 MB as DuckDB shows it: 300 * 1000**2 bytes = 286.1 MiB
    limit = wh._con.execute("SELECT current_setting('memory_limit')").fetchall()
    assert limit == [("286.1 MiB",)]
    assert n == 200_000 and wh.count("t") == 200_000
    assert wh.scalar(wh.table("t").i.sum()) == 199_999 * 200_000 // 2
    wh.close()
