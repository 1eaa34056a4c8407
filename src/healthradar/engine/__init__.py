"""The engine layer: the backend is chosen here, and only here.

`open_warehouse` builds the warehouse of a build from the `[engine]` config section; stages get
a `Warehouse` and never a raw connection. Importing the engine also sets Arrow's allocator for
the process (`arrow_memory`). `expressions` holds the portable column expressions
every stage shares (text cleaning, folding); `statements` the raw SQL Ibis cannot say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from healthradar.engine.arrow_memory import use_system_allocator
from healthradar.engine.warehouse import Warehouse, plain_numbers, quote_ident

# Every stage imports the engine first: Arrow's pool is chosen before the inputs are read.
use_system_allocator()

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[str, ...] = ("duckdb", "spark")


def open_warehouse(
    backend: str,
    work_dir: Path,
    memory_limit: str = "4GB",
    threads: int = 0,
    spark_master: str = "local[2]",
) -> Warehouse:
    """The build's warehouse: `work_dir/warehouse.duckdb` on DuckDB, Spark tables otherwise."""
    if backend == "duckdb":
        from healthradar.engine.duckdb_backend import DuckDBWarehouse

        return DuckDBWarehouse(work_dir / "warehouse.duckdb", memory_limit, threads)
    if backend == "spark":
        from healthradar.engine.spark_backend import SparkWarehouse

        return SparkWarehouse(work_dir / "spark", spark_master)
    raise ValueError(f"unknown engine backend {backend!r}: expected one of {', '.join(BACKENDS)}")


def memory_warehouse(memory_limit: str = "1GB") -> Warehouse:
    """An in-memory DuckDB warehouse, for tests and small helpers."""
    from healthradar.engine.duckdb_backend import DuckDBWarehouse

    return DuckDBWarehouse(":memory:", memory_limit)


__all__ = [
    "BACKENDS",
    "Warehouse",
    "memory_warehouse",
    "open_warehouse",
    "plain_numbers",
    "quote_ident",
]
