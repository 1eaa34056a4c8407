"""DuckDB, the embedded default: one warehouse file per build.

Extensions are never installed or auto-loaded, because an offline machine would hang or fail on
the download; only those compiled into the wheel (parquet, json, icu) are used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from healthradar.engine import statements
from healthradar.engine.warehouse import Warehouse

DUCKDB_SAFE_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


class DuckDBWarehouse(Warehouse):
    backend = "duckdb"

    def __init__(
        self, path: Path | str = ":memory:", memory_limit: str = "4GB", threads: int = 0
    ) -> None:
        super().__init__()
        config: dict[str, Any] = dict(DUCKDB_SAFE_CONFIG)
        config["memory_limit"] = memory_limit
        self._memory_limit = memory_limit
        if threads:
            config["threads"] = threads
        self._con = duckdb.connect(str(path), config=config)
        for statement in statements.render("duckdb_session", self.backend):
            self._con.execute(statement)
        self.ibis = ibis.duckdb.from_connection(self._con)

    def _execute(self, sql: str) -> int | None:
        rows = self._con.execute(sql).fetchall()
        if sql.startswith("CREATE OR REPLACE TABLE") and rows and len(rows[0]) == 1:
            return int(rows[0][0])
        return None

    def _load_arrow(self, name: str, table: pa.Table) -> None:
        view = f"__incoming_{name}"
        self._con.register(view, table)
        try:
            for statement in statements.render(
                "create_table_as", self.backend, name=name, query=f'SELECT * FROM "{view}"'
            ):
                self._con.execute(statement)
        finally:
            self._con.unregister(view)

    def csv_to_parquet(self, source: Path, target: Path, columns: list[str]) -> Path:
        cols = ", ".join(statements.quote_ident(c) for c in columns)
        for statement in statements.render(
            "csv_to_parquet", self.backend, columns=cols, path=source, target=target
        ):
            self._con.execute(statement)
        return target

    def list_tables(self, prefix: str = "") -> list[str]:
        (sql,) = statements.render("list_tables", self.backend)
        names = {str(row[0]) for row in self._con.execute(sql).fetchall()}
        return sorted(n for n in names if n.startswith(prefix))

    def release_memory(self) -> None:
        lower, restore = statements.render("release_memory", self.backend, limit=self._memory_limit)
        try:
            self._execute(lower)
        except duckdb.OutOfMemoryException:
            # blocks in use (pinned) exceed the lowered limit: DuckDB has already let go of
            # those it could, which is all this asks; giving memory back never stops a build
            pass
        finally:
            self._execute(restore)

    def splink_api(self) -> Any:
        from splink.backends.duckdb import DuckDBAPI

        return DuckDBAPI(self._con)

    def close(self) -> None:
        self._con.close()
