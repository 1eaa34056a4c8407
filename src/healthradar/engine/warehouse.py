"""The backend-neutral warehouse: the only object in the project that holds a connection.

Stages express relational work as Ibis expressions over `table(name)` and hand them to
`materialise`; small inputs (partner lists, headcounts, reference tables, indicator results)
come in as Arrow through `load_arrow`. The few things Ibis cannot say (DDL, the CSV→parquet
conversion of the register) are named statements in `engine.statements`, with one variant per
backend, run by the backend classes only. Pattern: Splink's database API — shared methods are
written once here, each backend fills in a handful of small hooks.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from ibis.expr.types import Table
from ibis.expr.types import Value as IbisValue

from healthradar.engine import statements


def quote_ident(name: str) -> str:
    return statements.quote_ident(name)


class Warehouse(ABC):
    """One build's tables, on one backend (DuckDB by default, Spark for scale)."""

    #: name of the backend, also the sqlglot dialect of the compiled SQL and the key of the
    #: per-backend variants in `engine.statements`.
    backend: str
    ibis: Any  # the Ibis backend object (duckdb.Backend or pyspark.Backend)

    def __init__(self) -> None:
        self.sql_log: dict[str, str] = {}
        # Ibis asks the backend for a table's schema on every `table(name)`: ask once per version
        # of the table (materialise, load and drop forget the cached one).
        self._tables: dict[str, Table] = {}

    # -- hooks each backend provides ----------------------------------------------------------
    @abstractmethod
    def _execute(self, sql: str) -> int | None:
        """Run one statement of the backend's dialect (only named statements come here); return
        the row count when the backend reports one (DuckDB does for CREATE TABLE AS)."""

    @abstractmethod
    def _load_arrow(self, name: str, table: pa.Table) -> None: ...

    @abstractmethod
    def csv_to_parquet(self, source: Path, target: Path, columns: list[str]) -> Path:
        """Convert a comma-separated UTF-8 CSV to a parquet file (or folder) of text columns.

        Returns what `read_parquet` should be given (Spark writes a folder of parts)."""

    @abstractmethod
    def list_tables(self, prefix: str = "") -> list[str]: ...

    @abstractmethod
    def close(self) -> None: ...

    def release_memory(self) -> None:
        """Give the engine's cache back to the system between stages (the tables stay): the
        relational stages leave DuckDB's buffer pool full, which the Python-side stages after
        them (confidentiality) would otherwise add to. Nothing to do by default (Spark)."""
        return None

    @abstractmethod
    def splink_api(self) -> Any:
        """Splink's database API on this warehouse's own connection or session, so record
        linkage reads and writes the build's tables in place (entity resolution)."""

    # -- shared, backend-neutral --------------------------------------------------------------
    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = self.ibis.table(name)
        return self._tables[name]

    def has_table(self, name: str) -> bool:
        return name in self.list_tables()

    def read_parquet(self, path: Path) -> Table:
        """A parquet file (or folder of parts) as a named view; reading it never copies it."""
        name = "parquet_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        self._tables.pop(name, None)
        for statement in statements.render("parquet_view", self.backend, name=name, path=path):
            self._execute(statement)
        return self.table(name)

    def compile(self, expr: Table) -> str:
        return str(ibis.to_sql(expr, dialect=self.backend))

    def materialise(self, name: str, expr: Table) -> int:
        """Create (or replace) table `name` from an Ibis expression; return its row count.

        The compiled SQL is kept in `sql_log` for the manifest (every figure traceable)."""
        sql = self.compile(expr)
        self.sql_log[name] = sql
        self._tables.pop(name, None)
        reported = None
        for statement in statements.render("create_table_as", self.backend, name=name, query=sql):
            reported = self._execute(statement)
        return reported if reported is not None else self.count(name)

    def create_view(self, name: str, expr: Table) -> None:
        """A view: for the register, so that filters reach the file scan."""
        sql = self.compile(expr)
        self.sql_log[name] = sql
        self._tables.pop(name, None)
        for statement in statements.render("create_view", self.backend, name=name, query=sql):
            self._execute(statement)

    def load_arrow(self, name: str, table: pa.Table) -> int:
        """Create (or replace) table `name` holding an in-memory Arrow table (NULLs kept)."""
        self.sql_log.pop(name, None)
        self._tables.pop(name, None)
        self._load_arrow(name, table)
        return table.num_rows

    def drop(self, name: str) -> None:
        self._tables.pop(name, None)
        for statement in statements.render("drop_table", self.backend, name=name):
            self._execute(statement)

    def count(self, name_or_expr: str | Table) -> int:
        expr = self.table(name_or_expr) if isinstance(name_or_expr, str) else name_or_expr
        return int(self.scalar(expr.count()))

    def scalar(self, expr: IbisValue) -> Any:
        return self.ibis.to_pyarrow(expr).as_py()

    def to_arrow(self, expr: Table | str) -> pa.Table:
        """A (small) result as Arrow, with plain int64/float64 numbers on every backend."""
        if isinstance(expr, str):
            expr = self.table(expr)
        return plain_numbers(self.ibis.to_pyarrow(expr))

    def to_rows(self, expr: Table | str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.to_arrow(expr).to_pylist()
        return rows


def plain_numbers(table: pa.Table) -> pa.Table:
    """Backends disagree on wide types (DuckDB sums into HUGEINT/decimal, Spark counts into
    int64, some give int32): publish and parity checks want int64 and float64 only."""
    columns = []
    for col in table.columns:
        if pa.types.is_decimal(col.type):
            col = col.cast(pa.int64() if col.type.scale == 0 else pa.float64())
        elif pa.types.is_integer(col.type) and col.type != pa.int64():
            col = col.cast(pa.int64())
        elif pa.types.is_floating(col.type) and col.type != pa.float64():
            col = col.cast(pa.float64())
        elif pa.types.is_large_string(col.type):
            col = col.cast(pa.string())
        columns.append(col)
    return pa.table(columns, names=table.column_names)
