"""Read partner-style inputs (CSV in any encoding, XLSX) into raw warehouse tables.

Every cell is kept as text and every row keeps its origin `(input, file, line)`: line is the
physical line where the record starts in a CSV (header = line 1, first data row = line 2, as in
frictionless) and the sheet row in an XLSX. The header is the first non-blank row unless the
config names its row (`header_row`, for exports with a title above the table). Headers are
mapped to the contract's canonical columns through its alias table; when several headers map to
one column (a list with both "SIREN" and "SIRET"), the first non-empty value wins, the exact
canonical name first.
Reading is split from loading so that a missing file or required column stops the build before
anything is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa

from healthradar.contracts import Contract, normalise_header
from healthradar.engine import Warehouse
from healthradar.errors import FatalInputError
from healthradar.ingest.filetype import check_table_file
from healthradar.ingest.fingerprints import bytes_sha256
from healthradar.ingest.sniff import sniff_csv
from healthradar.quality.records import record_issue_rows

StructureIssue = tuple[int, str, str | None, str, str | None]


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
    # (line, column, raw value, reason, detail): records that look broken (unclosed quote...)
    structure_issues: list[StructureIssue] = field(default_factory=list)

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
    input_id: str,
    contract: Contract,
    path: Path,
    file_label: str,
    sheet: str | None = None,
    header_row: int | None = None,
) -> RawTable:
    """Read a CSV or XLSX file and check its header against the contract (fatal if incomplete)."""
    if not path.is_file():
        raise FatalInputError("input_missing", file=file_label)
    check_table_file(path, file_label)
    raw = path.read_bytes()
    sha256 = bytes_sha256(raw)
    suffix = path.suffix.lower()
    encoding: str | None = None
    delimiter: str | None = None
    try:
        if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
            records = _excel_records(path, sheet)
            decimal = "."
        else:
            dialect, text = sniff_csv(raw)
            encoding, delimiter, decimal = dialect.encoding, dialect.delimiter, dialect.decimal
            records = _csv_records(text, delimiter)
        headers, data, structure = _split_header(records, header_row, is_csv=encoding is not None)
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
        lines=[line for line, _ in data],
        rows=[cells for _, cells in data],
        structure_issues=structure,
    )


Record = tuple[int, list[str | None]]  # (line where the record starts, cells)


def _csv_records(text: str, delimiter: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    next_start = 1
    for cells in reader:
        start, next_start = next_start, reader.line_num + 1
        records.append((start, list(cells)))
    return records


def _excel_records(path: Path, sheet: str | None) -> list[Record]:
    """Every row of the sheet as text, numbered as the sheet numbers them (row 1 = first)."""
    reader = fastexcel.read_excel(str(path))
    batch = reader.load_sheet(
        sheet if sheet is not None else 0, header_row=None, skip_rows=0, dtypes="string"
    )
    table = batch.to_arrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [(i + 1, list(cells)) for i, cells in enumerate(zip(*columns, strict=True))]


def _split_header(
    records: list[Record], header_row: int | None, is_csv: bool
) -> tuple[list[str], list[Record], list[StructureIssue]]:
    """Header = the given row, else the first non-blank one; flag records that look broken."""
    start = 0
    for i, (line, cells) in enumerate(records):
        blank = not any((c or "").strip() for c in cells)
        if (header_row is None and not blank) or (header_row is not None and line >= header_row):
            start = i
            break
    else:
        return [], [], []
    headers = [(c or "").strip() for c in records[start][1]]
    data = records[start + 1 :]
    issues: list[StructureIssue] = []
    for line, cells in data:
        newlines = sum((c or "").rstrip("\r\n").count("\n") for c in cells)
        if is_csv and newlines:
            issues.append((line, "*", None, "record_multiline", f"{line}–{line + newlines}"))
        extra = [c for c in cells[len(headers) :] if c and c.strip()]
        if extra:
            issues.append((line, "*", " | ".join(extra)[:200], "row_ragged", None))
    return headers, data, issues


def load_raw(wh: Warehouse, table_name: str, contract: Contract, tables: list[RawTable]) -> int:
    """Write the raw rows of every file of one input kind into `table_name` (all text), and the
    records that look broken into the ingest stage's issues."""
    arrow_tables = [t.to_arrow(contract) for t in tables]
    if not arrow_tables:
        schema = pa.schema(
            [("_input", pa.string()), ("_file", pa.string()), ("_line", pa.int32())]
            + [(c.name, pa.string()) for c in contract.columns]
        )
        arrow_tables = [schema.empty_table()]
    combined = pa.concat_tables(arrow_tables)
    issues = [(t.input_id, t.file, *issue) for t in tables for issue in t.structure_issues]
    record_issue_rows(wh, "ingest", table_name, issues)
    return wh.load_arrow(table_name, combined)
