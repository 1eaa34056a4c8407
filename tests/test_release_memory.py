"""`Warehouse.release_memory`: DuckDB's cache is given back before every stage of a build, the
tables stay and the build's own memory limit is set again (what the limit does to RSS is measured in
`bench/bench_inputs.py --full`, not here)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import pytest

from healthradar.engine import statements
from healthradar.engine.duckdb_backend import DuckDBWarehouse
from healthradar.pipeline import build
from tests.tiny import write_tiny_project


def test_the_statements_lower_then_restore_the_limit() -> None:
    assert statements.render("release_memory", "duckdb", limit="4GB") == [
        "SET memory_limit = '1MB'",
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


def test_memory_in_use_above_the_lowered_limit_does_not_stop_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB refuses a limit below what its blocks in use hold (seen on a 200,000-row
    project with 1 MB): the release goes on and the build's own limit comes back."""
    wh = DuckDBWarehouse(tmp_path / "w.duckdb", memory_limit="300MB")
    run = wh._execute
    seen: list[str] = []

    def refusing(sql: str) -> int | None:
        seen.append(sql)
        if sql == "SET memory_limit = '1MB'":
            raise duckdb.OutOfMemoryException("could not free up enough memory for the new limit")
        return run(sql)

    monkeypatch.setattr(wh, "_execute", refusing)
    wh.release_memory()
    assert seen == ["SET memory_limit = '1MB'", "SET memory_limit = '300MB'"]
    limit = wh._con.execute("SELECT current_setting('memory_limit')").fetchall()
    assert limit == [("286.1 MiB",)]
    wh.close()


def test_a_build_gives_the_cache_back_before_every_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stage that runs on the warehouse starts with the cache given back, so its peak is
    its own work; publishing, after the warehouse is closed, does not touch it."""
    events: list[str] = []
    original = DuckDBWarehouse.release_memory

    def counted(self: DuckDBWarehouse) -> None:
        events.append("release")
        original(self)

    monkeypatch.setattr(DuckDBWarehouse, "release_memory", counted)
    build(write_tiny_project(tmp_path / "p"), hook=lambda name: events.append(name))
    stages = [e for e in events if e != "release"]
    assert stages[-1] == "publish"
    for name in stages[:-1]:
        after = events[events.index(name) + 1]
        assert after == "release", f"{name} starts with DuckDB's cache of the stages before it"
    assert events[-1] == "publish"  # nothing released once the warehouse is closed
    # resolve also gives the cache back after each of its steps
    inside = events[events.index("resolve") + 1 : events.index("enrich")]
    assert inside.count("release") > 2
