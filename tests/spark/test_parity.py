"""The same build on DuckDB and on Spark: every indicator table and the reconciliation identical.

Runs with `pytest -m spark` (pyspark in local mode, Java 17): `.ci/run` runs it after the DuckDB
suite. Counts must be equal, floats equal to 1e-9 (summation order differs between engines).
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from healthradar.pipeline import BuildResult, build

pytestmark = pytest.mark.spark
DUCK_RESOLUTION = "resolution-duckdb.csv"  # kept beside the project: the Spark build replaces out/


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def assert_same_rows(name: str, left: list[dict[str, Any]], right: list[dict[str, Any]]) -> None:
    assert len(left) == len(right), f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark"
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        assert list(a) == list(b), f"{name} row {i}: columns differ"
        for col in a:
            assert _same(a[col], b[col]), f"{name} row {i} {col}: {a[col]!r} vs {b[col]!r}"


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, BuildResult]:
    from healthradar.demo import generate

    root = tmp_path_factory.mktemp("parity") / "demo"
    generate(root)
    duck = build(root, backend="duckdb")
    shutil.copy(root / "out" / "exports" / "resolution.csv", root.parent / DUCK_RESOLUTION)
    shutil.rmtree(root / "out")
    spark = build(root, backend="spark")
    return duck, spark


def test_every_indicator_is_identical(both_builds: tuple[BuildResult, BuildResult]) -> None:
    duck, spark = both_builds
    assert [r.indicator.id for r in duck.results] == [r.indicator.id for r in spark.results]
    assert len(duck.results) >= 6
    for a, b in zip(duck.results, spark.results, strict=True):
        assert a.data.schema.names == b.data.schema.names, a.indicator.id
        assert_same_rows(a.indicator.id, a.data.to_pylist(), b.data.to_pylist())


def test_reconciliation_is_identical(both_builds: tuple[BuildResult, BuildResult]) -> None:
    duck, spark = both_builds
    assert duck.reconciliation and all(r["balanced"] for r in duck.reconciliation)
    assert_same_rows("reconciliation", duck.reconciliation, spark.reconciliation)


def test_every_partner_row_gets_the_same_decision(
    both_builds: tuple[BuildResult, BuildResult],
) -> None:
    """Splink on Spark and on DuckDB: the same decision, SIREN, rule and successor per row."""
    _, spark = both_builds

    def rows(path: Path) -> list[dict[str, Any]]:
        with path.open(encoding="utf-8") as handle:
            keep = ("file", "line", "decision", "siren", "rule", "successor_siren")
            return sorted(
                ({k: r[k] for k in keep} for r in csv.DictReader(handle)),
                key=lambda r: (r["file"], int(r["line"])),
            )

    duck_rows = rows(spark.out_dir.parent.parent / DUCK_RESOLUTION)
    spark_rows = rows(spark.out_dir / "exports" / "resolution.csv")
    assert any(r["successor_siren"] for r in duck_rows)  # the demo's takeovers are exercised
    assert_same_rows("resolution", duck_rows, spark_rows)


def test_spark_build_leaves_no_state_behind(both_builds: tuple[BuildResult, BuildResult]) -> None:
    _, spark = both_builds
    root = spark.out_dir.parent
    assert not (Path.cwd() / "spark-warehouse").exists()
    assert not (Path.cwd() / "metastore_db").exists()
    leftovers = [p.name for p in (root / ".healthradar").iterdir() if p.name.startswith("engine-")]
    assert leftovers == []
