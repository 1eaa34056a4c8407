"""Indicator tables as CSV and Parquet files, safe to open in a spreadsheet.

A text cell starting with '=', '+', '-', '@', tab or carriage return is prefixed with an
apostrophe in CSV exports, so that a company name coming from a partner list can never run as a
formula in Excel (CSV injection). Parquet keeps the values untouched.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

_FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(table: pa.Table) -> pa.Table:
    columns = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.match_substring_regex(col, _FORMULA_START)
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    return pa.table(columns, names=table.column_names)


def write_csv(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(neutralise_formulas(table), path)


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
