"""Read partner-style inputs (CSV in any encoding, XLSX) into raw warehouse tables.

Every cell is kept as text and every row keeps its origin `(input, file, line)`: line is the
physical line where the record starts in a CSV (header = line 1, first data row = line 2, as in
frictionless) and the sheet row in an XLSX (header in row 1). Headers are mapped to the contract's
canonical columns through its alias table; when several headers map to one column (a list with
both "SIREN" and "SIRET"), the first non-empty value wins, the exact canonical name first.
Reading is split from loading so that a missing file or required column stops the build before
anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa

from healthradar.contracts import Contract, normalise_header
from healthradar.engine import Warehouse
from healthradar.errors import FatalInputError
from healthradar.ingest.sniff import sniff_csv


@dataclass
class RawTable:
    """One input file read into memory, cells as text, with its file-level facts."""

    input_id: str
    kind: str
    file: str
    path: Path
    sha256: str
    size_bytes: int
    encoding: str | None
    delimiter: str | None
    decimal: str
    headers: list[str]
    mapping: dict[str, list[int]]
    ignored: list[str]
    lines: list[int] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)

    def to_arrow(self, contract: Contract) -> pa.Table:
        names = [c.name for c in contract.columns]
        data: dict[str, list[str | None]] = {name: [] for name in names}
        for row in self.rows:
            for name in names:
                value = None
                for idx in self.mapping.get(name, []):
                    cell = row[idx] if idx < len(row) else None
                    if cell is not None and cell.strip() != "":
                        value = cell
                        break
                data[name].append(value)
        columns: dict[str, pa.Array] = {
            "_input": pa.array([self.input_id] * len(self.rows), pa.string()),
            "_file": pa.array([self.file] * len(self.rows), pa.string()),
            "_line": pa.array(self.lines, pa.int32()),
        }
        for name in names:
            columns[name] = pa.array(data[name], pa.string())
        return pa.table(columns)


def _map_headers(contract: Contract, headers: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    mapping: dict[str, list[int]] = {}
    ignored: list[str] = []
    for idx, header in enumerate(headers):
        canonical = contract.canonical(header)
        if canonical is None:
            if header.strip():
                ignored.append(header)
            continue
        slot = mapping.setdefault(canonical, [])
        if normalise_header(header) == canonical:
            slot.insert(0, idx)
        else:
            slot.append(idx)
    return mapping, ignored


def read_tabular(
    input_id: str, contract: Contract, path: Path, file_label: str, sheet: str | None = None
) -> RawTable:
    """Read a CSV or XLSX file and check its header against the contract (fatal if incomplete)."""
    if not path.is_file():
        raise FatalInputError("input_missing", file=file_label)
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    encoding: str | None = None
    delimiter: str | None = None
    try:
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            headers, lines, rows = _read_excel(path, sheet)
            decimal = "."
        else:
            dialect, text = sniff_csv(raw)
            encoding, delimiter, decimal = dialect.encoding, dialect.delimiter, dialect.decimal
            headers, lines, rows = _read_csv(text, delimiter)
    except FatalInputError:
        raise
    except Exception as exc:  # a corrupt workbook or binary file: one clear message
        raise FatalInputError(
            "input_unreadable", file=file_label, message_args={"detail": str(exc)}
        ) from exc
    mapping, ignored = _map_headers(contract, headers)
    for column in contract.required:
        if column not in mapping:
            found = ", ".join(h for h in headers if h.strip()) or "-"
            raise FatalInputError(
                "column_missing", file=file_label, column=column, message_args={"found": found}
            )
    return RawTable(
        input_id=input_id,
        kind=contract.input_kind,
        file=file_label,
        path=path,
        sha256=sha256,
        size_bytes=len(raw),
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        headers=headers,
        mapping=mapping,
        ignored=ignored,
        lines=lines,
        rows=rows,
    )


def _read_csv(text: str, delimiter: str) -> tuple[list[str], list[int], list[list[str | None]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    lines: list[int] = []
    rows: list[list[str | None]] = []
    next_start = 1
    for record in reader:
        start, next_start = next_start, reader.line_num + 1
        if headers is None:
            if not any(cell.strip() for cell in record):
                continue  # blank lines before the header
            headers = [cell.strip() for cell in record]
            continue
        lines.append(start)
        rows.append(list(record))
    return headers or [], lines, rows


def _read_excel(
    path: Path, sheet: str | None
) -> tuple[list[str], list[int], list[list[str | None]]]:
    reader = fastexcel.read_excel(str(path))
    batch = reader.load_sheet(sheet if sheet is not None else 0, header_row=0, dtypes="string")
    table = batch.to_arrow()
    headers = [str(name) for name in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [list(values) for values in zip(*columns, strict=True)] if columns else []
    lines = list(range(2, len(rows) + 2))
    return headers, lines, rows


def load_raw(wh: Warehouse, table_name: str, contract: Contract, tables: list[RawTable]) -> int:
    """Write the raw rows of every file of one input kind into `table_name` (all text)."""
    arrow_tables = [t.to_arrow(contract) for t in tables]
    if not arrow_tables:
        schema = pa.schema(
            [("_input", pa.string()), ("_file", pa.string()), ("_line", pa.int32())]
            + [(c.name, pa.string()) for c in contract.columns]
        )
        arrow_tables = [schema.empty_table()]
    combined = pa.concat_tables(arrow_tables)
    wh.con.register("_raw_incoming", combined)
    try:
        wh.con.execute(f'CREATE OR REPLACE TABLE "{table_name}" AS SELECT * FROM _raw_incoming')
    finally:
        wh.con.unregister("_raw_incoming")
    return combined.num_rows
