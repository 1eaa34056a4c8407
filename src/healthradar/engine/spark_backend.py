"""Spark, for inputs that outgrow one machine: the same Ibis expressions, run by pyspark.

Local mode (`local[N]`) is what the tests and a laptop use; `[engine] spark_master` points the
build at a cluster instead (see docs/scale.md). Everything Spark writes (managed tables, the
metastore, checkpoints) goes under the build's work folder, so that an aborted build leaves
nothing behind in the current directory and two builds never share a catalogue.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from healthradar.engine import statements
from healthradar.engine.warehouse import Warehouse


def spark_session(work_dir: Path, master: str = "local[2]", memory: str = "2g") -> Any:
    """A Spark session whose state lives in `work_dir`; starting it takes a few seconds."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", _python())
    from pyspark.sql import SparkSession

    work_dir.mkdir(parents=True, exist_ok=True)
    derby = work_dir / "derby"
    jit = " -XX:TieredStopAtLevel=1" if master.startswith("local") else ""
    builder = (
        SparkSession.builder.master(master)
        .appName("healthradar")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(work_dir / "spark-warehouse"))
        .config("spark.sql.catalogImplementation", "in-memory")
        # One string: a second setting of the key would replace the first. C1-only JIT starts
        # the JVM twice as fast, which is what many small queries of a local build need.
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={derby}{jit}")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", memory)
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.legacy.allowNonEmptyLocationInCTAS", "true")
    )
    jar = _splink_similarity_jar()
    if jar:  # Splink's string-similarity functions (jaro_winkler…) for entity resolution
        builder = builder.config("spark.jars", jar)
    return builder.getOrCreate()


def _splink_similarity_jar() -> str | None:
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        return None
    return str(similarity_jar_location())


def _python() -> str:
    import sys

    return sys.executable


class SparkWarehouse(Warehouse):
    backend = "pyspark"

    def __init__(self, work_dir: Path, master: str = "local[2]", memory: str = "2g") -> None:
        super().__init__()
        self.work_dir = work_dir
        self.session = spark_session(work_dir, master, memory)
        self.session.sparkContext.setLogLevel("ERROR")
        # pyspark logs every failed query as JSON on stderr even at level OFF.
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        self.ibis = ibis.pyspark.connect(self.session)
        self._loads = work_dir / "arrow-loads"

    def _execute(self, sql: str) -> int | None:
        self.session.sql(sql)
        return None

    def _load_arrow(self, name: str, table: pa.Table) -> None:
        # Through parquet, not pandas: pandas turns NULL floats into NaN (and sums into NaN).
        self._loads.mkdir(parents=True, exist_ok=True)
        path = self._loads / f"{name}.parquet"
        pq.write_table(_spark_safe(table), path)
        frame = self.session.read.parquet(str(path))
        self._execute(f"DROP TABLE IF EXISTS {statements.quote_spark_ident(name)}")
        frame.write.format("parquet").saveAsTable(name)

    def csv_to_parquet(self, source: Path, target: Path, columns: list[str]) -> Path:
        frame = (
            self.session.read.option("header", "true")
            .option("quote", '"')
            .option("escape", '"')
            .option("multiLine", "false")
            .csv(str(source))
        )
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"columns absent from {source}: {missing}")
        folder = target.with_suffix(".spark")
        if folder.exists():
            shutil.rmtree(folder)
        frame.select(*columns).write.parquet(str(folder))
        return folder

    def list_tables(self, prefix: str = "") -> list[str]:
        (sql,) = statements.render("list_tables", self.backend)
        names = {str(row["tableName"]) for row in self.session.sql(sql).collect()}
        return sorted(n for n in names if n.startswith(prefix))

    def splink_api(self) -> Any:
        from splink.backends.spark import SparkAPI

        self.session.sparkContext.setCheckpointDir(str(self.work_dir / "checkpoints"))
        return SparkAPI(spark_session=self.session)

    def close(self) -> None:
        # The session is shared by the process (getOrCreate); its tables are this build's only.
        for name in self.ibis.list_tables():
            self._execute(f"DROP TABLE IF EXISTS {statements.quote_spark_ident(name)}")
            self._execute(f"DROP VIEW IF EXISTS {statements.quote_spark_ident(name)}")


def _spark_safe(table: pa.Table) -> pa.Table:
    """Spark reads neither unsigned nor large types from parquet the way DuckDB does."""
    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            t = pa.string()
        elif pa.types.is_unsigned_integer(t):
            t = pa.int64()
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields))
