"""The demo's input files as a user receives them, for the tests of the demo generator
(`test_demo.py`, `test_demo_register.py`); the generated folder is the `demo` fixture of
`conftest.py`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from openpyxl import load_workbook

ESTABLISHMENTS = "inputs/register/StockEtablissement_demo.parquet"
LEGAL_UNITS = "inputs/register/StockUniteLegale_demo.parquet"
HEADCOUNTS_CSV = "inputs/headcounts_2024.csv"
INCUBATEUR = "inputs/partners/incubateur.csv"
CLUSTER = "inputs/partners/cluster.xlsx"
FEDERATION = "inputs/partners/federation.csv"
PARTNER_FILES = (INCUBATEUR, CLUSTER, FEDERATION)
ENCODINGS = {INCUBATEUR: "cp1252", FEDERATION: "utf-8-sig", HEADCOUNTS_CSV: "utf-8"}
DELIMITERS = {INCUBATEUR: ";", FEDERATION: ",", HEADCOUNTS_CSV: ";"}


def read_table(root: Path, file: str) -> list[list[str]]:
    """Header + data rows of a CSV or XLSX input as text cells ('' for empty), as a user's file."""
    if file.endswith(".xlsx"):
        wb = load_workbook(root / file, read_only=True)
        ws = wb.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
        wb.close()
        return rows
    text = (root / file).read_bytes().decode(ENCODINGS[file])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[file]))
    assert len(rows) == len(text.splitlines()), "a field holds a line break"
    return rows


def parquet_columns(path: Path, columns: list[str]) -> dict[str, list[Any]]:
    return pq.read_table(path, columns=columns).to_pydict()
