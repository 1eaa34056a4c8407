"""Expose the SIRENE stock files to the warehouse without loading them into Python memory.

The national StockEtablissement has ~40 M rows: it is never copied whole. A parquet file is read
in place through a view (DuckDB pushes the later stages' filters and column choices into the
scan). Two views are created per file: `register_<role>_raw` (the columns as they are, for
filters that DuckDB can push into the scan) and `register_<role>` (trimmed, '' and '[ND]' as
NULL); large scans filter the raw view first and clean only the rows they keep. A CSV file
is converted once, by DuckDB, to a parquet cache holding only the columns the pipeline reads,
all as text; the cache is keyed by the file's size and modification time, so the
next build skips the conversion. Codes stay text ('01001', '2A004', '005410394'): when a parquet
edition types a code column as a number, it is left-padded back to its width. INSEE's '[ND]'
placeholder (partial diffusion) becomes NULL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from healthradar.contracts import (
    REGISTER_ESTABLISHMENT_OPTIONAL,
    REGISTER_ESTABLISHMENT_REQUIRED,
    REGISTER_LEGAL_UNIT_OPTIONAL,
    REGISTER_LEGAL_UNIT_REQUIRED,
)
from healthradar.engine import Warehouse, quote_ident, quote_literal
from healthradar.errors import FatalInputError

# Width of code columns that must keep their leading zeros if a parquet edition typed them.
_CODE_WIDTHS = {
    "siren": 9,
    "siret": 14,
    "nic": 5,
    "nicSiegeUniteLegale": 5,
    "codeCommuneEtablissement": 5,
    "codePostalEtablissement": 5,
    "trancheEffectifsEtablissement": 2,
    "trancheEffectifsUniteLegale": 2,
    "categorieJuridiqueUniteLegale": 4,
}
_NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "DOUBLE",
    "FLOAT",
    "DECIMAL",
)


@dataclass
class RegisterFile:
    """One register file as declared in the config, checked before any work."""

    role: str  # "establishments" | "legal_units"
    file: str
    path: Path
    columns: dict[str, str]  # name -> DuckDB type, as found in the file
    wanted: list[str]  # contract columns present in the file (the ones read)
    contract_columns: list[str]  # every contract column; the views show absent ones as NULL
    size_bytes: int

    @property
    def is_csv(self) -> bool:
        return not self.path.name.lower().endswith(".parquet")


def _scan_sql(path: Path) -> str:
    p = quote_literal(str(path))
    if path.name.lower().endswith(".parquet"):
        return f"read_parquet({p})"
    return f"read_csv({p}, header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"


def inspect_register(role: str, path: Path, file_label: str) -> RegisterFile:
    """Check that the file exists and has the required columns; fatal otherwise."""
    if not path.is_file():
        raise FatalInputError("input_missing", file=file_label)
    if path.suffix.lower() == ".zip":
        raise FatalInputError(
            "input_unreadable",
            file=file_label,
            message_args={"detail": "unzip the INSEE archive first (CSV or parquet inside)"},
        )
    required, optional = (
        (REGISTER_ESTABLISHMENT_REQUIRED, REGISTER_ESTABLISHMENT_OPTIONAL)
        if role == "establishments"
        else (REGISTER_LEGAL_UNIT_REQUIRED, REGISTER_LEGAL_UNIT_OPTIONAL)
    )
    from healthradar.engine import connect

    con = connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {_scan_sql(path)}").fetchall()
    except Exception as exc:
        raise FatalInputError(
            "input_unreadable", file=file_label, message_args={"detail": str(exc).splitlines()[0]}
        ) from exc
    finally:
        con.close()
    columns = {str(row[0]): str(row[1]) for row in described}
    for name in required:
        if name not in columns:
            found = ", ".join(list(columns)[:12]) + (" …" if len(columns) > 12 else "")
            raise FatalInputError(
                "column_missing", file=file_label, column=name, message_args={"found": found}
            )
    wanted = [c for c in (*required, *optional) if c in columns]
    return RegisterFile(
        role, file_label, path, columns, wanted, [*required, *optional], path.stat().st_size
    )


def _raw_expr(name: str, duck_type: str) -> str:
    """The column as text, untouched when it already is (so filters reach the parquet scan)."""
    col = quote_ident(name)
    if duck_type.startswith(_NUMERIC_TYPES) and name in _CODE_WIDTHS:
        return f"lpad(CAST({col} AS VARCHAR), {_CODE_WIDTHS[name]}, '0') AS {col}"
    if duck_type == "VARCHAR":
        return col
    return f"CAST({col} AS VARCHAR) AS {col}"


def clean_columns_sql(columns: list[str]) -> str:
    """Select list that trims codes and turns '' and INSEE's '[ND]' into NULL."""
    return ", ".join(
        f"NULLIF(NULLIF(trim({quote_ident(c)}), ''), '[ND]') AS {quote_ident(c)}" for c in columns
    )


def _cache_path(cache_dir: Path, reg: RegisterFile) -> Path:
    stat = reg.path.stat()
    key = f"{reg.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{','.join(reg.wanted)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / f"{reg.path.stem}-{digest}.parquet"


def attach_register(wh: Warehouse, reg: RegisterFile, cache_dir: Path) -> str:
    """Create the view `register_<role>` over the file (via the parquet cache for CSV)."""
    source = reg.path
    if reg.is_csv:
        cached = _cache_path(cache_dir, reg)
        if not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".parquet.tmp")
            cols = ", ".join(quote_ident(c) for c in reg.wanted)
            wh.con.execute(
                f"COPY (SELECT {cols} FROM {_scan_sql(reg.path)}) TO {quote_literal(str(tmp))} "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
            tmp.replace(cached)
        source = cached
    types = reg.columns if not reg.is_csv else {c: "VARCHAR" for c in reg.wanted}
    raw_select = ", ".join(
        _raw_expr(c, types[c]) if c in types else f"NULL::VARCHAR AS {quote_ident(c)}"
        for c in reg.contract_columns
    )
    view = f"register_{reg.role}"
    wh.con.execute(
        f"CREATE OR REPLACE VIEW {view}_raw AS SELECT {raw_select} FROM {_scan_sql(source)}"
    )
    wh.con.execute(
        f"CREATE OR REPLACE VIEW {view} AS SELECT {clean_columns_sql(reg.contract_columns)} "
        f"FROM {view}_raw"
    )
    return view
