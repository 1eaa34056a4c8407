"""A chapter's own input, validated by its contract alone (no hand-written rule).

Every row of `raw_<kind>` ends in `<kind>_rows` with its reject reason, and those kept form the
typed table `<kind>` that the chapter's indicators read. Each row gets its outcome (integrated
or rejected), so the input takes part in the reconciliation like the partner lists.
"""

from __future__ import annotations

import ibis

from healthradar.contracts import Contract
from healthradar.engine import Warehouse
from healthradar.quality.records import record_outcomes
from healthradar.validate.contract_checks import validate_table


def validate_chapter_input(wh: Warehouse, contract: Contract) -> int:
    kind = contract.input_kind
    n = validate_table(wh, contract, f"raw_{kind}", f"{kind}_rows", kind)
    rows = wh.table(f"{kind}_rows")
    kept = rows.filter(rows.reject_reason.isnull())
    wh.materialise(kind, kept.select("input", "file", "line", *(c.name for c in contract.columns)))
    record_outcomes(
        wh,
        "validate",
        kind,
        rows.select(
            "input",
            "file",
            "line",
            outcome=ibis.ifelse(rows.reject_reason.isnull(), "integrated", "rejected"),
            entity_id=ibis.null().cast("string"),
            status=ibis.null().cast("string"),
        ),
    )
    return n
