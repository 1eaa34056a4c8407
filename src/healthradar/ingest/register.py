"""Expose the SIRENE stock files to the warehouse without loading them into Python memory.

The national StockEtablissement has ~40 M rows: it is never copied whole. A parquet file is read
in place through a view (the engine pushes the later stages' filters and column choices into the
scan). Two views are created per file: `register_<role>_raw` (the columns as they are, for
filters that can reach the scan) and `register_<role>` (trimmed, '' and '[ND]' as NULL); large
scans filter the raw view first and clean only the rows they keep. A CSV file is converted once,
by the engine, to a parquet cache holding only the columns the pipeline reads, all as text; the
cache is keyed by the file's size and modification time and by the backend (Spark writes a folder
of parts, DuckDB one file), so the next build skips the conversion. Codes stay text ('01001',
'2A004', '005410394'): when a parquet edition types a code column as a number, it is left-padded
back to its width. INSEE's '[ND]' placeholder (partial diffusion) becomes NULL.

The header is checked in Python (pyarrow for parquet, the csv module for CSV) before any engine
work, so a wrong file fails fast with the column it lacks.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.datatypes as dt
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.expr.types import Table

from healthradar.contracts import REGISTER_COLUMNS
from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text, strip_spaces
from healthradar.errors import FatalInputError
from healthradar.ingest.filetype import check_register_file

# Width of code columns that must keep their leading zeros if a parquet edition typed them.
_CODE_WIDTHS = {
    "siren": 9,
    "siret": 14,
    "siretEtablissementPredecesseur": 14,
    "siretEtablissementSuccesseur": 14,
    "nic": 5,
    "nicSiegeUniteLegale": 5,
    "codeCommuneEtablissement": 5,
    "codePostalEtablissement": 5,
    "trancheEffectifsEtablissement": 2,
    "trancheEffectifsUniteLegale": 2,
    "categorieJuridiqueUniteLegale": 4,
}

# INSEE writes this where a person opted out of diffusion.
_NOT_DIFFUSED = "[ND]"


@dataclass
class RegisterFile:
    """One register file as declared in the config, checked before any work."""

    role: str  # a key of REGISTER_COLUMNS: "establishments", "legal_units", "successions"
    file: str
    path: Path
    columns: dict[str, str]  # name -> Arrow type as found in the file ("string" for CSV)
    wanted: list[str]  # contract columns present in the file (the ones read)
    contract_columns: list[str]  # every contract column; the views show absent ones as NULL
    size_bytes: int

    @property
    def is_csv(self) -> bool:
        return not self.path.name.lower().endswith(".parquet")


def _read_header(path: Path) -> dict[str, str]:
    if path.name.lower().endswith(".parquet"):
        schema = pq.read_schema(path)
        return {field.name: str(field.type) for field in schema}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter=",", quotechar='"'), None)
    if not header:
        raise ValueError("the file is empty (no header line)")
    return dict.fromkeys(header, "string")


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
    check_register_file(path, file_label)
    required, optional = REGISTER_COLUMNS[role]
    try:
        columns = _read_header(path)
    except Exception as exc:
        detail = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise FatalInputError(
            "input_unreadable", file=file_label, message_args={"detail": detail}
        ) from exc
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


def _raw_column(table: Table, name: str) -> object:
    """The column as text, untouched when it already is (so filters reach the parquet scan)."""
    col = table[name]
    dtype = col.type()
    if dtype.is_string():
        return col
    if dtype.is_numeric() and name in _CODE_WIDTHS:
        whole = col.cast(dt.int64) if (dtype.is_floating() or dtype.is_decimal()) else col
        return whole.cast(dt.string).lpad(_CODE_WIDTHS[name], "0")
    return col.cast(dt.string)


def clean_columns(table: Table, columns: Iterable[str]) -> Table:
    """The columns trimmed, with '' and INSEE's '[ND]' turned into NULL."""
    return table.select(
        **{c: strip_spaces(table[c]).nullif("").nullif(_NOT_DIFFUSED) for c in columns}
    )


def _cache_stem(reg: RegisterFile, backend: str) -> str:
    stat = reg.path.stat()
    key = "|".join(
        (
            str(reg.path.resolve()),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            ",".join(reg.wanted),
            backend,
        )
    )
    return f"{reg.path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _cached_parquet(wh: Warehouse, reg: RegisterFile, cache_dir: Path) -> Path:
    """The parquet copy of a CSV register, converted on first use.

    A small marker file, written only once the conversion succeeded, names what the backend
    wrote (a file or a folder): an interrupted conversion is redone, never read half-written."""
    stem = _cache_stem(reg, wh.backend)
    marker = cache_dir / f"{stem}.ready"
    if marker.is_file():
        done = cache_dir / marker.read_text(encoding="utf-8").strip()
        if done.exists():
            return done
    cache_dir.mkdir(parents=True, exist_ok=True)
    written = wh.csv_to_parquet(reg.path, cache_dir / f"{stem}.parquet", list(reg.wanted))
    marker.write_text(written.name, encoding="utf-8")
    return written


def attach_absent_register(wh: Warehouse, role: str) -> str:
    """An empty `register_<role>` of the contract's columns, for an optional file the config
    does not declare: the stages read one shape whether the file was given or not."""
    required, optional = REGISTER_COLUMNS[role]
    view = f"register_{role}"
    wh.load_arrow(view, pa.schema([(c, pa.string()) for c in (*required, *optional)]).empty_table())
    return view


def attach_register(wh: Warehouse, reg: RegisterFile, cache_dir: Path) -> str:
    """Create the views `register_<role>_raw` and `register_<role>` over the file."""
    source = _cached_parquet(wh, reg, cache_dir) if reg.is_csv else reg.path
    scan = wh.read_parquet(source)
    present = set(scan.columns)
    raw = scan.select(
        **{c: _raw_column(scan, c) if c in present else null_text() for c in reg.contract_columns}
    )
    view = f"register_{reg.role}"
    wh.create_view(f"{view}_raw", raw)
    wh.create_view(view, clean_columns(wh.table(f"{view}_raw"), reg.contract_columns))
    return view
