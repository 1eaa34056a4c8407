"""The rows of a spreadsheet's sheets as records, and the sheet that holds a list's data
(a workbook often opens on a cover sheet)."""

from __future__ import annotations

from collections.abc import Iterator

import fastexcel

from healthradar.contracts import Contract
from healthradar.ingest.csv_records import CsvRecord
from healthradar.ingest.header import HEADER_SCAN, find_header

#: rows turned into Python at a time
CHUNK_ROWS = 20_000
#: sheets looked at for the data, from the first
SHEETS_SEARCHED = 10


def sheet_records(
    reader: fastexcel.ExcelReader, sheet: str | int, n_rows: int | None
) -> Iterator[CsvRecord]:
    """The rows of a sheet as records (line = sheet row), turned into Python a batch at a
    time: the sheet's Arrow table is whole, its Python rows never are."""
    batch = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string", n_rows=n_rows)
    sheet_rows, row = batch.to_arrow(), 0
    for offset in range(0, sheet_rows.num_rows, CHUNK_ROWS):
        part = sheet_rows.slice(offset, CHUNK_ROWS)
        columns = [part.column(i).to_pylist() for i in range(part.num_columns)]
        for cells in zip(*columns, strict=True):
            row += 1
            yield CsvRecord(row, row, list(cells))


def pick_sheet(contract: Contract, reader: fastexcel.ExcelReader) -> tuple[int, str]:
    """The first sheet whose header names every required column, else the one naming most."""
    names = list(reader.sheet_names)
    best, best_score = 0, -1
    for idx, name in enumerate(names[:SHEETS_SEARCHED]):
        head = list(sheet_records(reader, idx, HEADER_SCAN))
        at, score = find_header(contract, [(r[0], r[2]) for r in head])
        if at >= 0:
            mapped = {contract.canonical(c or "") for c in head[at][2]}
            if all(col in mapped for col in contract.required) and score > 0:
                return idx, name
        if score > best_score:
            best, best_score = idx, score
    return best, names[best] if names else ""
