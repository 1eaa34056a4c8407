"""The ingest stage: every declared input into the warehouse, with its file facts.

Preflight (in `pipeline`) has already read the small files and checked the register's columns,
so nothing here can fail on a user's input: this stage only writes tables — the reference data,
`input_files` (one row per file, with its SHA-256 from the one hashing path), the register views,
`raw_<kind>` for every tabular input kind and `partner_inputs` (the lists in config order, which
decides which duplicate wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from healthradar.contracts import Contract
from healthradar.engine import Warehouse
from healthradar.ingest.fingerprints import file_sha256
from healthradar.ingest.register import RegisterFile, attach_absent_register, attach_register
from healthradar.ingest.tabular import RawTable, load_raw
from healthradar.reference import load_reference_tables

INPUT_FILES_SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("kind", pa.string()),
        ("file", pa.string()),
        ("size_bytes", pa.int64()),
        ("sha256", pa.string()),
        ("encoding", pa.string()),
        ("delimiter", pa.string()),
        ("decimal_mark", pa.string()),
        ("rows_read", pa.int64()),
        ("columns_mapped", pa.string()),
        ("columns_ignored", pa.string()),
    ]
)


@dataclass(frozen=True)
class IngestPlan:
    """What preflight read and checked, by input kind."""

    register: dict[str, RegisterFile]
    tables: dict[str, list[RawTable]]  # kind -> files (partners, headcounts, chapter inputs)
    contracts: dict[str, Contract]  # kind -> contract
    partner_lists: list[tuple[str, str]]  # (id, label) in config order
    cache_dir: Path
    hash_cache: Path
    review_decisions: pa.Table  # the analyst's standing decisions (all text; may be empty)
    previous_resolution: pa.Table  # the previous build's resolution (input, row_key, …)


def ingest(wh: Warehouse, plan: IngestPlan) -> dict[str, int]:
    load_reference_tables(wh)
    record_input_files(wh, plan)
    for reg in plan.register.values():
        attach_register(wh, reg, plan.cache_dir)
    if "successions" not in plan.register:
        attach_absent_register(wh, "successions")
    counts = {}
    for kind, contract in plan.contracts.items():
        counts[f"raw_{kind}"] = load_raw(wh, f"raw_{kind}", contract, plan.tables.get(kind, []))
    order = pa.table(
        {
            "input": pa.array([i for i, _ in plan.partner_lists], pa.string()),
            "ord": pa.array(range(len(plan.partner_lists)), pa.int64()),
            "label": pa.array([label for _, label in plan.partner_lists], pa.string()),
        }
    )
    wh.load_arrow("partner_inputs", order)
    counts["review_decisions"] = wh.load_arrow("review_decisions", plan.review_decisions)
    wh.load_arrow("previous_resolution", plan.previous_resolution)
    return counts


def record_input_files(wh: Warehouse, plan: IngestPlan) -> int:
    rows = [
        {
            "input": t.input_id,
            "kind": t.kind,
            "file": t.file,
            "size_bytes": t.size_bytes,
            "sha256": t.sha256,
            "encoding": t.encoding,
            "delimiter": t.delimiter,
            "decimal_mark": t.decimal,
            "rows_read": t.records_read,
            "columns_mapped": ", ".join(
                f"{k} ← {', '.join(t.headers[i] for i in v)}" for k, v in t.mapping.items()
            ),
            "columns_ignored": ", ".join(t.ignored),
        }
        for files in plan.tables.values()
        for t in files
    ]
    rows += [
        {
            "input": f"register.{reg.role}",
            "kind": "register",
            "file": reg.file,
            "size_bytes": reg.size_bytes,
            "sha256": file_sha256(reg.path, plan.hash_cache),
            "encoding": None,
            "delimiter": None,
            "decimal_mark": None,
            "rows_read": None,
            "columns_mapped": ", ".join(reg.wanted),
            "columns_ignored": None,
        }
        for reg in plan.register.values()
    ]
    return wh.load_arrow("input_files", pa.Table.from_pylist(rows, schema=INPUT_FILES_SCHEMA))
