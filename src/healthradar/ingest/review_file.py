"""Read what a build carries over from earlier ones: the analyst's review decisions
(`inputs/review_decisions.csv`, written by `healthradar review accept` or by hand) and the
previous build's resolution (to report what moved). Both optional.

The file is the tool's own format (UTF-8, comma-separated, the columns of `REVIEW_COLUMNS`), so
it is read strictly; a file that is not in that format stops the build with one message rather
than losing the analyst's work silently.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa

from healthradar.errors import FatalInputError

REVIEW_COLUMNS = ("input", "row_key", "file", "line", "name", "decision", "siren")
REVIEW_SCHEMA = pa.schema([(c, pa.string()) for c in REVIEW_COLUMNS])


def read_review_decisions(path: Path, label: str) -> pa.Table:
    if not path.is_file():
        return REVIEW_SCHEMA.empty_table()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [
            c
            for c in ("input", "row_key", "decision", "siren")
            if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise FatalInputError(
                "column_missing",
                file=label,
                column=missing[0],
                message_args={"found": ", ".join(reader.fieldnames or []) or "-"},
            )
        rows = [{c: (row.get(c) or None) for c in REVIEW_COLUMNS} for row in reader]
    return pa.Table.from_pylist(rows, schema=REVIEW_SCHEMA)


PREVIOUS_COLUMNS = ("input", "row_key", "siren_given", "decision", "entity_id")
PREVIOUS_SCHEMA = pa.schema([(c, pa.string()) for c in PREVIOUS_COLUMNS])


def read_previous_resolution(path: Path) -> pa.Table:
    """The previous build's `exports/resolution.csv`, to report what moved since (new rows,
    rows gone, rows linked to another company). Absent or unreadable: nothing to compare."""
    if not path.is_file():
        return PREVIOUS_SCHEMA.empty_table()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [
                {c: (row.get(c) or None) for c in PREVIOUS_COLUMNS}
                for row in csv.DictReader(handle)
                if row.get("row_key")
            ]
    except (OSError, UnicodeDecodeError, csv.Error):
        return PREVIOUS_SCHEMA.empty_table()
    return pa.Table.from_pylist(rows, schema=PREVIOUS_SCHEMA)
