"""Small warehouse tables for the resolve stage's unit tests: text tables, and partner rows
keyed the way `candidates.partner_side` keys them."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

from healthradar.engine import Warehouse
from healthradar.resolve.candidates import KEY_COLUMNS, _side, with_side_keys


def strings(rows: list[dict[str, str | None]]) -> pa.Table:
    """Rows whose every column is text (NULLs kept)."""
    return pa.Table.from_pylist(rows, schema=pa.schema([(k, pa.string()) for k in rows[0]]))


def keyed_rows(wh: Warehouse, table: str, rows: list[dict[str, Any]]) -> None:
    """`table` with the side columns of partner rows of list 'l' (`line` and `name` given, other
    text columns under their side names, e.g. `siren_key`, `departement`), keys computed."""
    columns = [k for k in rows[0] if k not in ("line", "name")]
    schema = [("line", pa.int64()), ("name", pa.string()), *((c, pa.string()) for c in columns)]
    wh.load_arrow("raw", pa.Table.from_pylist(rows, schema=pa.schema(schema)))
    raw = with_side_keys(wh.table("raw"), wh.table("raw").name)
    values = {"unique_id": raw.line, "input": ibis.literal("l"), "file": ibis.literal("l.csv")}
    values |= {"line": raw.line, "name": raw.name, **{c: raw[c] for c in columns}}
    wh.materialise(table, _side(raw, {**values, **{k: raw[k] for k in KEY_COLUMNS}}))
