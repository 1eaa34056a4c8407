"""The headcounts input: one measured headcount per establishment for the build's vintage.

A headcount replaces an estimate in published figures, so its row must be unambiguous: an
invalid SIRET, a non-numeric or negative value (declared in `contracts/headcounts.py`) or
another year rejects the row. The same SIRET listed twice keeps the first row; the others are
merged into it, with both values in the detail when they differ.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import StringValue, Table, Value

from healthradar.contracts import HEADCOUNTS
from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text
from healthradar.quality.records import record_issues, record_outcomes
from healthradar.validate.contract_checks import Check, validate_table


def year_check(vintage: int) -> Check:
    """Hand-written: the year must be the build's vintage, which the contract cannot know. An
    unreadable year is a mismatch too (the row cannot be shown to belong to the vintage)."""

    def mismatch(t: Table) -> StringValue:
        wrong = t.year_raw.notnull() & (t.year.isnull() | (t.year != vintage))
        return ibis.ifelse(wrong, "year_mismatch", null_text())

    return Check("year", "reject", mismatch, detail=lambda t: ibis.literal(str(int(vintage))))


def _occurrences(t: Table) -> Table:
    """Rank the kept rows of each SIRET by (file, line), with the first row's origin and value.

    Hand-written: a duplicate is a relation between rows, not a property of one value. The
    first_* columns are NULL on rejected rows: there a first value may be NULL, and window
    `first` keeps NULLs on DuckDB but skips them on Spark."""
    kept = t.reject_reason.isnull()
    w = ibis.window(group_by=[kept, t.siret], order_by=[t.file, t.line])

    def when_kept(value: Value) -> Value:
        return ibis.ifelse(kept, value, ibis.null(value.type()))

    return t.mutate(
        occurrence=when_kept(ibis.row_number().over(w) + 1),
        first_origin=when_kept((t.file + ":" + t.line.cast("string")).first().over(w)),
        first_headcount=when_kept(t.headcount.first().over(w)),
    )


def validate_headcounts(wh: Warehouse, vintage: int) -> int:
    """Create `headcount_rows` (all rows) and `headcounts` (one valid row per SIRET), with
    the issues and every row's outcome (integrated, merged or rejected)."""
    n = validate_table(
        wh,
        HEADCOUNTS,
        "raw_headcounts",
        "headcount_rows",
        "headcounts",
        hand_checks=(year_check(vintage),),
        finish=_occurrences,
    )
    rows = wh.table("headcount_rows")
    kept = rows.reject_reason.isnull()
    wh.materialise(
        "headcounts",
        rows.filter(kept & (rows.occurrence == 1)).select("siret", "headcount", "file", "line"),
    )
    merged = rows.filter(kept & (rows.occurrence > 1))
    differs = merged.headcount != merged.first_headcount
    record_issues(
        wh,
        "validate",
        "headcounts_merged",
        merged.select(
            "input",
            "file",
            "line",
            column=ibis.literal("siret"),
            raw_value=merged.siret_raw,
            reason=ibis.literal("duplicate_merged"),
            detail=merged.first_origin
            + ibis.ifelse(
                differs.fill_null(True),
                " ("
                + merged.headcount.cast("string")
                + " ≠ "
                + merged.first_headcount.cast("string")
                + ")",
                "",
            ),
        ),
    )
    record_outcomes(
        wh,
        "validate",
        "headcounts",
        rows.select(
            "input",
            "file",
            "line",
            outcome=ibis.cases(
                (~kept, "rejected"), (rows.occurrence > 1, "merged"), else_="integrated"
            ),
            entity_id=ibis.ifelse(kept, "siret:" + rows.siret, null_text()),
            status=null_text(),
        ),
    )
    return n
