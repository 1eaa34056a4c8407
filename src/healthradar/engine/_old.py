"""The one place where the execution engine is chosen and configured.

DuckDB is the embedded default: one warehouse file per build. Extensions are never installed or
auto-loaded, because an offline machine would hang or fail on the download; only the extensions
compiled into the wheel (parquet, json, icu) are used. Relational stages build Ibis expressions
against `Warehouse.ibis` and materialise them with `Warehouse.materialise`, which compiles the
expression to SQL once, so the SQL text of every table and indicator can go into the manifest and
the same expressions can later run on another Ibis backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
from ibis.expr.types import Table

DUCKDB_SAFE_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect(
    path: Path | str = ":memory:", memory_limit: str = "4GB", threads: int = 0
) -> duckdb.DuckDBPyConnection:
    config: dict[str, Any] = dict(DUCKDB_SAFE_CONFIG)
    config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = threads
    con = duckdb.connect(str(path), config=config)
    con.execute("SET preserve_insertion_order = false")
    # A build writes many small tables: checkpoint once at close rather than after each one.
    con.execute("SET checkpoint_threshold = '1GB'")
    return con


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Warehouse:
    """A build's DuckDB warehouse, seen both as a SQL connection and as an Ibis backend."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.ibis = ibis.duckdb.from_connection(con)
        self.sql_log: dict[str, str] = {}

    def table(self, name: str) -> Table:
        return self.ibis.table(name)

    def compile(self, expr: Table) -> str:
        return str(ibis.to_sql(expr, dialect="duckdb"))

    def materialise(self, name: str, expr: Table | str) -> int:
        """Create (or replace) table `name` from an Ibis expression or SQL; return its row count.

        Ibis 12's own `create_table(overwrite=True)` emits DDL that sqlglot 30 renders wrongly for
        DuckDB 2, so DDL is issued here and Ibis is used for the query only.
        """
        sql = expr if isinstance(expr, str) else self.compile(expr)
        self.sql_log[name] = sql
        self.con.execute(f"CREATE OR REPLACE TABLE {quote_ident(name)} AS {sql}")
        return self.count(name)

    def count(self, name: str) -> int:
        rows = self.con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchall()
        return int(rows[0][0])
