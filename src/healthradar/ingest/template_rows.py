"""Find the example rows of the templates `healthradar init` writes, left in a user's file.

Each template holds one example row built from the contract (`Column.example`): "Laboratoires
Exemple SAS", SIREN 552120222 (a real company's), "12,5"... Kept by mistake, it becomes data: a
company counted, a headcount used. A row is the example row when every example value of the
columns the file has matches, allowing one that differs when there are four or more (a user who
changed one cell still left the template's row); with two or three, all must match, so a real
headcount of the example SIRET for the vintage year is not taken for the template. Values are
compared as a spreadsheet may have re-saved them: case, spaces and the decimal mark ignored,
"12.0" equal to "12". A real row sharing one example value (the SIREN 552120222 with a real
name) is not matched.
"""

from __future__ import annotations

import re

from healthradar.contracts import Contract
from healthradar.ingest.tabular import RawTable

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_TRAILING_ZEROS = re.compile(r"^(\d+)[.,]0+$")
_BATCH = 20_000


def _norm(value: str | None) -> str:
    text = _SPACES.sub("", (value or "").casefold())
    text = _TRAILING_ZEROS.sub(r"\1", text)
    return text.replace(",", ".")


def example_lines(table: RawTable, contract: Contract) -> list[int]:
    """Lines of `table` that are the template's example row."""
    examples = {
        col.name: _norm(col.example)
        for col in contract.columns
        if col.example and col.name in table.mapping
    }
    if len(examples) < 2:
        return []
    need = len(examples) - 1 if len(examples) >= 4 else len(examples)
    arrow = table.to_arrow(contract).select(["_line", *examples])
    found = []
    # a batch at a time: a Python string per cell of a 200,000-row list would cost ~100 MB
    for batch in arrow.to_batches(max_chunksize=_BATCH):
        cells = {name: batch.column(name).to_pylist() for name in examples}
        for i, line in enumerate(batch.column("_line").to_pylist()):
            matches = sum(_norm(cells[name][i]) == value for name, value in examples.items())
            if matches >= need:
                found.append(int(line))
    return found


def example_text(contract: Contract) -> str:
    """The example row as the template writes it, to quote in the message."""
    return "; ".join(c.example for c in contract.columns if c.example)
