"""The named raw statements: everything the project says to a backend outside Ibis.

Ibis builds every query of every stage; what it cannot say portably is here, one variant per
backend, so the list of raw SQL in the project is this file (`grep -n '": {' statements.py`).
Each statement is a template; `{name}` is quoted as an identifier and `{path}` (or `{target}`,
`{limit}`) as a string literal, `{query}` is SQL compiled by Ibis for that backend. Data values
never enter a template: rows travel as tables and joins.
"""

from __future__ import annotations

from typing import Any

STATEMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    # Ibis 12's own create_table(overwrite=True) emits DDL that sqlglot 30 renders wrongly for
    # DuckDB 2; Spark has no CREATE OR REPLACE for a v1 (parquet) table.
    "create_table_as": {
        "duckdb": ("CREATE OR REPLACE TABLE {name} AS {query}",),
        "pyspark": (
            "DROP TABLE IF EXISTS {name}",
            "CREATE TABLE {name} USING parquet AS {query}",
        ),
    },
    "create_view": {
        "duckdb": ("CREATE OR REPLACE VIEW {name} AS {query}",),
        "pyspark": ("CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}",),
    },
    # A parquet file (or Spark's folder of parts) seen as a named view, kept in the DuckDB
    # warehouse file so the register views still open after the build.
    "parquet_view": {
        "duckdb": ("CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({path})",),
        "pyspark": ("CREATE OR REPLACE TEMPORARY VIEW {name} USING parquet OPTIONS (path {path})",),
    },
    # Ibis 12 lists DuckDB tables through a method DuckDB 2 removed (fetch_arrow_table).
    "list_tables": {
        "duckdb": (
            "SELECT table_name FROM duckdb_tables() "
            "UNION SELECT view_name FROM duckdb_views() WHERE NOT internal",
        ),
        "pyspark": ("SHOW TABLES",),
    },
    "drop_table": {
        "duckdb": ("DROP TABLE IF EXISTS {name}", "DROP VIEW IF EXISTS {name}"),
        "pyspark": ("DROP TABLE IF EXISTS {name}", "DROP VIEW IF EXISTS {name}"),
    },
    # The register as text, quoted fields, header line (INSEE's format); Spark's variant is its
    # DataFrame reader, see SparkWarehouse.csv_to_parquet.
    "csv_to_parquet": {
        "duckdb": (
            "COPY (SELECT {columns} FROM read_csv({path}, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"')) TO {target} "
            "(FORMAT parquet, COMPRESSION zstd)",
        ),
        "pyspark": (),
    },
    # Give the buffer pool back between stages: under a (nearly) nil limit DuckDB drops, or
    # writes out, every block it can; when blocks in use stay above it, the first statement
    # fails (`DuckDBWarehouse.release_memory` goes on). The build's own limit is set again. At 64 MB
    # instead of 1 MB, ~57 MB stayed cached after each release. Spark: nothing to do.
    "release_memory": {
        "duckdb": ("SET memory_limit = '1MB'", "SET memory_limit = {limit}"),
        "pyspark": (),
    },
    # Session settings of an embedded DuckDB build: one checkpoint per build, no ordering cost.
    "duckdb_session": {
        "duckdb": (
            "SET preserve_insertion_order = false",
            "SET checkpoint_threshold = '1GB'",
        ),
        "pyspark": (),
    },
}


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_spark_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render(statement: str, backend: str, **args: Any) -> list[str]:
    """The statements of `statement` for `backend`, with identifiers and paths quoted."""
    variants = STATEMENTS[statement]
    if backend not in variants:
        raise KeyError(f"statement {statement!r} has no variant for backend {backend!r}")
    ident = quote_spark_ident if backend == "pyspark" else quote_ident
    values = {
        key: (
            ident(value)
            if key == "name"
            else quote_literal(str(value))
            if key in ("path", "target", "limit")
            else value
        )
        for key, value in args.items()
    }
    return [template.format(**values) for template in variants[backend]]
