"""Read partner-style inputs (CSV in any encoding, XLSX) into raw warehouse tables.

Every cell is kept as text and every row keeps its origin `(input, file, line)`: line is the
physical line where the record starts in a CSV (header = line 1 when it is first, as in
frictionless) and the sheet row in an XLSX. The header is found below title lines, and the
data sheet behind a cover sheet (`ingest.header`); the config's `header_row` and `sheet`
override the search. Records are counted against the physical lines (`ingest.csv_records`), so
a quote that swallows records cannot hide them: they are recovered or rejected one by one, and
`records_read` counts them. Control characters (NUL...) are removed from values and reported.

Only the contract's columns are kept, as Arrow arrays built in chunks, so that a list of a few
hundred thousand rows costs its data, not a Python object per cell.
Reading is split from loading so that a missing file or required column stops the build before
anything is written.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import pyarrow as pa

from healthradar.contracts import Contract
from healthradar.engine import Warehouse
from healthradar.errors import FatalInputError
from healthradar.ingest.csv_records import (
    CsvRecord,
    Swallow,
    csv_records,
    physical_lines,
    quoting_off_recovers,
    swallowed,
)
from healthradar.ingest.excel_sheets import pick_sheet, sheet_records
from healthradar.ingest.filetype import check_table_file
from healthradar.ingest.fingerprints import file_sha256
from healthradar.ingest.header import (
    HEADER_SCAN,
    Issue,
    clean_header,
    find_header,
    map_headers,
)
from healthradar.ingest.sniff import CERTAIN, CsvDialect, sniff_csv_file
from healthradar.quality.records import record_issue_rows, record_outcome_rows

StructureIssue = Issue
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_CHUNK = 20_000  # rows per Arrow chunk while reading
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class RawTable:
    """One input file read: the contract's columns as text, with its file-level facts."""

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
    # the line of each row read (int32, in chunks like the columns: not a Python int per row)
    line_numbers: pa.ChunkedArray = field(default_factory=lambda: pa.chunked_array([], pa.int32()))
    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    # (line, column, raw value, reason, detail): what reading found (file, header, records)
    structure_issues: list[StructureIssue] = field(default_factory=list)
    rejected_lines: list[int] = field(default_factory=list)  # records rejected while reading
    header_line: int | None = None
    sheet: str | None = None
    encoding_confidence: float | None = None
    handed_over: int | None = None  # rows handed to the warehouse (`hand_over`), then dropped

    @property
    def lines(self) -> list[int]:
        """The line of each row read, as a list (small files, tests)."""
        self._check_held()
        lines: list[int] = self.line_numbers.to_pylist()
        return lines

    @property
    def records_read(self) -> int:
        """Records in the file: the rows read plus the records rejected while reading."""
        rows = len(self.line_numbers) if self.handed_over is None else self.handed_over
        return rows + len(self.rejected_lines)

    def hand_over(self, contract: Contract) -> pa.Table:
        """The rows as Arrow, for the warehouse, which then holds them alone: this object lets
        go of its copy (a build keeps its plan to the end) and refuses to give the rows twice,
        so that a second load cannot silently write an empty input."""
        table = self.to_arrow(contract)
        self.handed_over = table.num_rows
        self.columns = {}
        self.line_numbers = pa.chunked_array([], pa.int32())
        return table

    def _check_held(self) -> None:
        if self.handed_over is not None:
            raise RuntimeError(f"the rows of {self.file} were handed to the warehouse already")

    def to_arrow(self, contract: Contract) -> pa.Table:
        self._check_held()
        n = len(self.line_numbers)
        columns: dict[str, pa.Array | pa.ChunkedArray] = {
            "_input": pa.repeat(self.input_id, n).cast(pa.string()),
            "_file": pa.repeat(self.file, n).cast(pa.string()),
            "_line": self.line_numbers,
        }
        for col in contract.columns:
            columns[col.name] = self.columns.get(col.name) or pa.nulls(n, pa.string())
        return pa.table(columns)


class _Columns:
    """The contract's columns of the data records, in Arrow chunks, with what was cleaned."""

    def __init__(self, mapping: dict[str, list[int]], width: int) -> None:
        self.mapping = mapping
        self.width = width
        self.buffers: dict[str, list[str | None]] = {name: [] for name in mapping}
        self.chunks: dict[str, list[pa.Array]] = {name: [] for name in mapping}
        self.lines: list[int] = []  # of the rows not yet in a chunk
        self.line_chunks: list[pa.Array] = []
        self.issues: list[Issue] = []

    def add(self, line: int, cells: Sequence[str | None]) -> None:
        for name, positions in self.mapping.items():
            value = None
            for idx in positions:
                cell = cells[idx] if idx < len(cells) else None
                if cell is None:
                    continue
                if _CONTROL.search(cell):
                    escaped = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", cell)
                    self.issues.append((line, name, escaped[:200], "control_chars_removed", None))
                    cell = _CONTROL.sub("", cell)
                if cell.strip():
                    value = cell
                    break
            self.buffers[name].append(value)
        extra = [c for c in cells[self.width :] if c and c.strip()]
        if extra:
            self.issues.append((line, "*", " | ".join(extra)[:200], "row_ragged", None))
        self.lines.append(line)
        if len(self.lines) == _CHUNK:
            self._flush()

    def _flush(self) -> None:
        for name, values in self.buffers.items():
            if values:
                self.chunks[name].append(pa.array(values, pa.string()))
            values.clear()
        if self.lines:
            self.line_chunks.append(pa.array(self.lines, pa.int32()))
        self.lines.clear()

    def arrays(self) -> dict[str, pa.ChunkedArray]:
        self._flush()
        return {n: pa.chunked_array(c, pa.string()) for n, c in self.chunks.items()}

    def line_numbers(self) -> pa.ChunkedArray:
        self._flush()
        return pa.chunked_array(self.line_chunks, pa.int32())


@dataclass
class _Read:
    """What one pass over a file's records gave."""

    headers: list[str]
    mapping: dict[str, list[int]]
    ignored: list[str]
    header_line: int | None
    columns: _Columns
    issues: list[Issue]
    swallows: list[Swallow] = field(default_factory=list)


def _blank(cells: Iterable[str | None]) -> bool:
    return not any((c or "").strip() for c in cells)


def _assemble(
    contract: Contract,
    records: Iterator[CsvRecord],
    header_row: int | None,
    delimiter: str | None = None,
) -> _Read:
    """Find the header, then turn every later record into a row (with the CSV's `delimiter`:
    checking multi-line records against their physical lines)."""
    head: list[CsvRecord] = []
    for record in records:
        head.append(record)
        if header_row is None and len(head) >= HEADER_SCAN:
            break
        if header_row is not None and record[0] >= header_row:
            break
    issues: list[Issue] = []
    if header_row is not None:
        at = next((i for i, r in enumerate(head) if r[0] >= header_row), -1)
    else:
        at, _score = find_header(contract, [(r[0], r[2]) for r in head])
        first = next((i for i, r in enumerate(head) if not _blank(r[2])), -1)
        if at > first >= 0:
            issues.append((head[at][0], "*", None, "header_detected", str(head[at][0])))
    if at < 0:
        return _Read([], {}, [], None, _Columns({}, 0), issues)
    line = head[at][0]
    headers = [clean_header(c) for c in head[at][2]]
    header_map = map_headers(contract, headers, line)
    issues += header_map.issues
    columns = _Columns(header_map.mapping, len(headers))
    read = _Read(headers, header_map.mapping, header_map.ignored, line, columns, issues)
    for start, end, cells, spanned in itertools.chain(head[at + 1 :], records):
        if end > start and delimiter is not None:
            found = swallowed(spanned, delimiter, len(headers), len(cells))
            if found:
                texts = [spanned[i][:200] for i in found]
                read.swallows.append(Swallow(start, end, [start + i for i in found], texts))
        columns.add(start, cells)
    return read


@contextmanager
def _text_lines(path: Path, encoding: str) -> Iterator[Iterator[str]]:
    """The lines of a text file as the csv reader numbers them (\\r\\n, \\n or \\r ends one),
    read as they are needed, a byte-order mark left by the decoding removed."""
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
        yield itertools.chain([first.removeprefix("\ufeff")] if first else [], handle)


def _read_csv(contract: Contract, path: Path, dialect: CsvDialect, header_row: int | None) -> _Read:
    """One streamed pass over the records; two more, also streamed, only when a quote swallowed
    records (can quoting off read the file? then that reading)."""
    encoding, delimiter = dialect.encoding, dialect.delimiter
    with _text_lines(path, encoding) as lines:
        read = _assemble(contract, csv_records(lines, delimiter), header_row, delimiter)
    if not read.swallows or read.header_line is None:
        return read
    with _text_lines(path, encoding) as lines:
        recovers = quoting_off_recovers(
            physical_lines(lines), read.header_line, delimiter, len(read.headers)
        )
    if recovers:
        with _text_lines(path, encoding) as lines:
            plain = _assemble(contract, csv_records(lines, delimiter, quoting=False), header_row)
        if plain.header_line == read.header_line:
            plain.issues += [
                (s.start, "*", None, "quoting_ignored", f"{s.start}–{s.end}") for s in read.swallows
            ]
            return plain
    for s in read.swallows:
        read.issues.append((s.start, "*", None, "quote_unclosed", f"{s.start}–{s.end}"))
        for line, text in zip(s.lines, s.texts, strict=True):
            read.issues.append((line, "*", text, "record_swallowed", f"{s.start}"))
    return read


def _read_excel(
    contract: Contract, path: Path, sheet: str | None, header_row: int | None
) -> tuple[_Read, str]:
    reader = fastexcel.read_excel(str(path))
    target: str | int = sheet if sheet is not None else 0
    name = sheet or ""
    if sheet is None:
        target, name = pick_sheet(contract, reader)
    read = _assemble(contract, sheet_records(reader, target, None), header_row)
    if sheet is None and target != 0:
        read.issues.insert(0, (read.header_line, "*", None, "sheet_detected", name))
    return read, name


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
    sha256 = file_sha256(path)
    size = path.stat().st_size
    encoding: str | None = None
    delimiter: str | None = None
    confidence: float | None = None
    sheet_name: str | None = None
    file_issues: list[Issue] = []
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            read, sheet_name = _read_excel(contract, path, sheet, header_row)
            decimal = "."
        else:
            dialect = sniff_csv_file(path)
            encoding, delimiter, decimal = dialect.encoding, dialect.delimiter, dialect.decimal
            confidence = dialect.confidence
            if confidence < CERTAIN:
                file_issues.append((None, "*", None, "encoding_uncertain", encoding))
            read = _read_csv(contract, path, dialect, header_row)
    except Exception as exc:  # a corrupt workbook or binary file: one clear message
        raise FatalInputError(
            "input_unreadable", file=file_label, message_args={"detail": str(exc)}
        ) from exc
    for column in contract.required:
        if column not in read.mapping:
            found = ", ".join(h for h in read.headers if h.strip()) or "-"
            raise FatalInputError(
                "column_missing", file=file_label, column=column, message_args={"found": found}
            )
    rejected = [line for s in read.swallows for line in s.lines]
    if rejected and any(i[3] == "quoting_ignored" for i in read.issues):
        rejected = []
    return RawTable(
        input_id=input_id,
        kind=contract.input_kind,
        file=file_label,
        path=path,
        sha256=sha256,
        size_bytes=size,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        headers=read.headers,
        mapping=read.mapping,
        ignored=read.ignored,
        line_numbers=read.columns.line_numbers(),
        columns=read.columns.arrays(),
        structure_issues=file_issues + read.issues + read.columns.issues,
        rejected_lines=rejected,
        header_line=read.header_line,
        sheet=sheet_name,
        encoding_confidence=confidence,
    )


def load_raw(wh: Warehouse, table_name: str, contract: Contract, tables: list[RawTable]) -> int:
    """Write the raw rows of every file of one input kind into `table_name` (all text), what
    reading found into the ingest stage's issues, and the records rejected while reading into
    its outcomes. The files' rows are handed over (`RawTable.hand_over`): loaded once."""
    arrow_tables = [t.hand_over(contract) for t in tables]
    if not arrow_tables:
        schema = pa.schema(
            [("_input", pa.string()), ("_file", pa.string()), ("_line", pa.int32())]
            + [(c.name, pa.string()) for c in contract.columns]
        )
        arrow_tables = [schema.empty_table()]
    combined = pa.concat_tables(arrow_tables)
    issues = [(t.input_id, t.file, *issue) for t in tables for issue in t.structure_issues]
    record_issue_rows(wh, "ingest", table_name, issues)
    rejected = [
        (t.input_id, t.file, line, "rejected", None, None)
        for t in tables
        for line in t.rejected_lines
    ]
    record_outcome_rows(wh, "ingest", table_name, rejected)
    return wh.load_arrow(table_name, combined)
