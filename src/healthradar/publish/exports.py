"""Indicator tables as CSV and Parquet files, safe to open in a spreadsheet.

A text cell starting with '=', '+', '-', '@', tab or carriage return is prefixed with an
apostrophe in CSV exports, so that a company name coming from a partner list can never run as a
formula in Excel (CSV injection). Parquet keeps the values untouched.

Synthetic data says so wherever a file may travel alone: the Parquet schema carries the metadata
`healthradar.synthetic_data` ("true" or "false"), and when the build is synthetic both formats
get an extra constant column `synthetic_data` = true, visible to anyone who opens the file.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

_FORMULA_START = r"^[=+\-@\t\r]"
SYNTHETIC_COLUMN = "synthetic_data"
SYNTHETIC_METADATA = b"healthradar.synthetic_data"


def neutralise_formulas(table: pa.Table) -> pa.Table:
    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, _FORMULA_START)
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    return pa.table(columns, names=table.column_names)


def flag_synthetic(table: pa.Table, synthetic: bool) -> pa.Table:
    """The table as exported: with the constant `synthetic_data` column and schema metadata."""
    if synthetic:
        table = table.append_column(SYNTHETIC_COLUMN, pa.array([True] * table.num_rows))
    metadata = dict(table.schema.metadata or {})
    metadata[SYNTHETIC_METADATA] = b"true" if synthetic else b"false"
    return table.replace_schema_metadata(metadata)


def write_csv(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(neutralise_formulas(table), path)


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def write_indicator(table: pa.Table, synthetic: bool, folder: Path, name: str) -> None:
    """`<name>.csv` and `<name>.parquet`, flagged when the data is synthetic."""
    flagged = flag_synthetic(table, synthetic)
    write_csv(flagged, folder / f"{name}.csv")
    write_parquet(flagged, folder / f"{name}.parquet")


def write_xlsx(table: pa.Table, path: Path, sheet: str) -> None:
    """One sheet, header in bold, columns as wide as their longest value (up to 60); text
    cells neutralised like the CSV (openpyxl would write '=…' as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path.parent.mkdir(parents=True, exist_ok=True)
    safe = neutralise_formulas(table)
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(safe.column_names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in safe.to_pylist():
        ws.append([row[c] for c in safe.column_names])
    for i, name in enumerate(safe.column_names, start=1):
        longest = max([len(name), *(len(str(v)) for v in safe.column(name).to_pylist() if v)])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, longest + 2)
    ws.freeze_panes = "A2"
    book.save(path)
