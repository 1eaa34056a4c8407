"""Validation derived from a contract: every raw row typed, judged and accounted for.

The contract says what a column holds (type), whether it must have a value (required) and the
rules its values follow (pattern, code list, minimum, reject or warn); this module turns that
into Ibis expressions, so that a new input needs a contract, not new validation code. A rule
that cannot be declared is passed in as a `Check` by the input's module, which says why; it
replaces the declared checks of its column, at that column's place in the order.

For every raw row the result keeps the origin key (input, file, line), each column cleaned and
typed, the cleaned text as `<column>_raw` when a value can fail a rule, and `reject_reason`:
NULL when kept, 'row_empty' when every column is empty, else the first failing reject rule in
column order. Issues go to `issues__validate__<part>`: one per rejected row (its reason) and
one per warning on a kept row (the value was set to NULL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
from ibis.expr.types import BooleanValue, StringValue, Table, Value

from healthradar.contracts import Column, Contract, InvalidAction
from healthradar.engine import Warehouse
from healthradar.engine.expressions import clean_text, null_text
from healthradar.quality.records import record_issues
from healthradar.validate.identifiers import (
    identifier_digits,
    is_digits,
    is_siren,
    is_siret,
    repair_digits,
)
from healthradar.validate.numbers import (
    integer_from_number,
    number_from_plain,
    plain_number_text,
)

ROW_EMPTY = "row_empty"

Expr = Callable[[Table], StringValue]


@dataclass(frozen=True)
class Check:
    """One rule on one column: `reason` gives a reason code where the row fails, NULL where
    it passes. A "reject" check rejects the row; a "warn" check records an issue on a kept row
    (and sets the typed value to NULL when `nulls_value`)."""

    column: str
    action: InvalidAction
    reason: Expr
    detail: Expr | None = None
    nulls_value: bool = False


def raw_name(col: Column) -> str:
    """The column holding what the file said (the typed value itself for plain text)."""
    return f"{col.name}_raw" if col.can_be_invalid else col.name


def _missing_reason(col: Column) -> str:
    return {
        "siren": "siren_missing",
        "siret": "siret_invalid",
        "decimal": "number_invalid",
        "integer": "number_invalid",
    }.get(col.type, "value_missing")


Rule = Callable[[Value], BooleanValue]


def _rules(col: Column) -> list[tuple[Rule, str, str | None]]:
    """(fails, reason, detail) of the declared rules, in order, for a non-empty value.

    Identifier and number rules have their own reason codes; a broken pattern, code list or
    minimum gives `value_invalid` (reject) or `value_ignored` (warn) with the rule as detail."""
    rules: list[tuple[Rule, str, str | None]] = []
    reject = col.invalid_action == "reject"
    if col.type == "siren":
        rules += [
            (lambda v: ~is_digits(v, 9), "siren_malformed", None),
            (lambda v: ~is_siren(v), "siren_checksum", None),
        ]
    elif col.type == "siret":
        rules.append((lambda v: ~is_siret(v), "siret_invalid", None))
    elif col.type in ("decimal", "integer"):
        rules.append((lambda v: v.isnull(), "number_invalid" if reject else "number_ignored", None))
    broken = "value_invalid" if reject else "value_ignored"
    if col.pattern is not None:
        full = f"^({col.pattern})$"
        rules.append((lambda v: ~v.re_search(full), broken, col.pattern))
    if col.codes:
        codes = col.codes
        rules.append((lambda v: ~v.isin(codes), broken, " | ".join(codes)))
    if col.min_value is not None:
        least = col.min_value
        negative = least == 0 and reject  # its message says it all
        below, rule = ("number_negative", None) if negative else (broken, f"≥ {least:g}")
        rules.append((lambda v: (v < least).fill_null(False), below, rule))
    return rules


def declared_reasons(col: Column) -> set[str]:
    """Every reason code the column's declared checks can give."""
    codes = {code for _, code, _ in _rules(col)}
    return codes | {_missing_reason(col)} if col.required else codes


def declared_checks(col: Column) -> list[Check]:
    """The checks a column's declaration implies."""
    checks: list[Check] = []
    raw = raw_name(col)
    if col.required:
        code = _missing_reason(col)
        checks.append(
            Check(col.name, "reject", lambda t: ibis.ifelse(t[raw].isnull(), code, null_text()))
        )

    def first_failure(t: Table, pick: Callable[[str, str | None], str | None]) -> StringValue:
        value = t[col.name]
        found = [(fails(value), pick(code, detail)) for fails, code, detail in _rules(col)]
        first: StringValue = ibis.cases(*found, else_=null_text())
        return ibis.ifelse(t[raw].notnull(), first, null_text())

    if col.can_be_invalid:
        checks.append(
            Check(
                col.name,
                col.invalid_action,
                lambda t: first_failure(t, lambda code, _: code),
                detail=lambda t: first_failure(t, lambda _, detail: detail),
                nulls_value=True,
            )
        )
    return checks


def repair_check(col: Column) -> Check:
    """An info on every identifier whose lost leading zeros were restored (typing did it: see
    `repair_identifier`); the value is kept."""

    def padded(t: Table) -> StringValue:
        repaired = t[f"_repaired_{col.name}"]
        longer = repaired.length() > identifier_digits(t[raw_name(col)]).length()
        return ibis.ifelse(longer.fill_null(False), "identifier_padded", null_text())

    return Check(col.name, "warn", padded, detail=lambda t: t[f"_repaired_{col.name}"])


def contract_checks(contract: Contract, hand_checks: Sequence[Check] = ()) -> list[Check]:
    """Declared checks in column order, a column's hand-written checks replacing its own; the
    repair of identifiers is recorded whatever checks the column has."""
    by_column: dict[str, list[Check]] = {}
    for check in hand_checks:
        by_column.setdefault(check.column, []).append(check)
    unknown = set(by_column) - {c.name for c in contract.columns}
    if unknown:
        raise ValueError(f"hand-written checks on columns absent from the contract: {unknown}")
    checks: list[Check] = []
    for col in contract.columns:
        checks += by_column.get(col.name) or declared_checks(col)
        if col.type in ("siren", "siret"):
            checks.append(repair_check(col))
    return checks


def text_rows(wh: Warehouse, contract: Contract, raw_table: str) -> Table:
    """Each raw row with its origin key and its cells cleaned (numbers: with the file's
    decimal mark applied, as `_plain_<column>`)."""
    raw = wh.table(raw_table)
    files = wh.table("input_files").select("file", "decimal_mark")
    joined = raw.left_join(files, raw._file == files.file)
    decimal_mark = ibis.coalesce(joined.decimal_mark, ".")
    columns: dict[str, Value] = {
        "input": joined._input.cast("string"),
        "file": joined._file.cast("string"),
        "line": joined._line.cast("int64"),
    }
    for col in contract.columns:
        text = clean_text(joined[col.name].cast("string")) if col.name in raw.columns else None
        if text is None:
            text = null_text()
        columns[raw_name(col)] = text
        if col.type in ("siren", "siret"):
            columns[f"_digits_{col.name}"] = identifier_digits(text)
        if col.type in ("decimal", "integer"):
            columns[f"_plain_{col.name}"] = plain_number_text(text, decimal_mark)
    return joined.select(**columns)


def typed_rows(contract: Contract, text: Table) -> Table:
    """The cleaned rows with each column typed (not yet judged)."""
    columns: dict[str, Value] = {"input": text.input, "file": text.file, "line": text.line}
    for col in contract.columns:
        raw = text[raw_name(col)]
        if col.can_be_invalid:
            columns[raw_name(col)] = raw
        if col.type in ("decimal", "integer"):
            number = number_from_plain(text[f"_plain_{col.name}"])
            columns[col.name] = number if col.type == "decimal" else integer_from_number(number)
        elif col.type in ("siren", "siret"):
            digits = text[f"_digits_{col.name}"]
            columns[col.name] = repair_digits(digits, 9 if col.type == "siren" else 14)
            # kept apart: an input's `prepare` may derive another value in the column
            columns[f"_repaired_{col.name}"] = columns[col.name]
        else:
            columns[col.name] = raw
    return text.select(**columns)


def _first(pairs: list[tuple[BooleanValue, Value]], dtype: str) -> Value:
    if not pairs:
        return ibis.null(dtype)
    return ibis.cases(*pairs, else_=ibis.null(dtype))


def checked(contract: Contract, rows: Table, checks: Sequence[Check]) -> Table:
    """`rows` with each check's outcome: `_check<i>` (reason or NULL), `_detail<i>`, and
    `_empty` (every contract column empty)."""
    columns: dict[str, Value] = {}
    for i, check in enumerate(checks):
        columns[f"_check{i}"] = check.reason(rows)
        columns[f"_detail{i}"] = check.detail(rows) if check.detail is not None else null_text()
    columns["_empty"] = ibis.and_(*(rows[raw_name(col)].isnull() for col in contract.columns))
    return rows.mutate(**columns)


def _rejection(contract: Contract, t: Table, checks: Sequence[Check]) -> dict[str, Value]:
    """`reject_reason` of a checked row, and the column, raw value and detail of its issue."""
    cols = {c.name: c for c in contract.columns}
    empty = t._empty
    fails = [
        (t[f"_check{i}"].notnull(), i, c) for i, c in enumerate(checks) if c.action == "reject"
    ]
    return {
        "reject_reason": ibis.coalesce(
            ibis.ifelse(empty, ROW_EMPTY, null_text()), *(t[f"_check{i}"] for _, i, _ in fails)
        ),
        "column": _first(
            [(empty, ibis.literal("*")), *((f, ibis.literal(c.column)) for f, _, c in fails)],
            "string",
        ),
        "raw_value": _first(
            [(empty, null_text()), *((f, t[raw_name(cols[c.column])]) for f, _, c in fails)],
            "string",
        ),
        "detail": _first(
            [(empty, null_text()), *((f, t[f"_detail{i}"]) for f, i, _ in fails)], "string"
        ),
    }


def judged_rows(contract: Contract, t: Table, checks: Sequence[Check]) -> Table:
    """The checked rows with `reject_reason`, warned values set to NULL, no working columns."""
    nulled: dict[str, Value] = {}
    for i, check in enumerate(checks):
        if check.action == "warn" and check.nulls_value:
            value = nulled.get(check.column, t[check.column])
            nulled[check.column] = ibis.ifelse(t[f"_check{i}"].notnull(), ibis.null(), value)
    t = t.mutate(
        reject_reason=_rejection(contract, t, checks)["reject_reason"],
        **{name: value.cast(t[name].type()) for name, value in nulled.items()},
    )
    return t.select(*(c for c in t.columns if not c.startswith("_")))


def issues(contract: Contract, t: Table, checks: Sequence[Check]) -> Table:
    """One issue per rejected row, and one per warning on a kept row."""
    cols = {c.name: c for c in contract.columns}
    t = t.mutate(**{f"_reject_{k}": v for k, v in _rejection(contract, t, checks).items()})
    rejected = t.filter(t._reject_reject_reason.notnull())
    parts = [
        rejected.select(
            "input",
            "file",
            "line",
            column=rejected._reject_column,
            raw_value=rejected._reject_raw_value,
            reason=rejected._reject_reject_reason,
            detail=rejected._reject_detail,
        )
    ]
    kept = t.filter(t._reject_reject_reason.isnull())
    for i, check in enumerate(checks):
        if check.action != "warn":
            continue
        found = kept.filter(kept[f"_check{i}"].notnull())
        parts.append(
            found.select(
                "input",
                "file",
                "line",
                column=ibis.literal(check.column),
                raw_value=found[raw_name(cols[check.column])],
                reason=found[f"_check{i}"],
                detail=found[f"_detail{i}"],
            )
        )
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def validate_table(
    wh: Warehouse,
    contract: Contract,
    raw_table: str,
    rows_table: str,
    stage_part: str,
    *,
    hand_checks: Sequence[Check] = (),
    prepare: Callable[[Table], Table] | None = None,
    finish: Callable[[Table], Table] | None = None,
) -> int:
    """Write `rows_table` (every raw row, typed, with `reject_reason`) and its issues.

    `prepare` adds the columns hand-written checks need; `finish` shapes the output (renames,
    windows) from the origin key, the typed columns, `reject_reason` and `prepare`'s columns.
    Returns the number of rows.

    Each step is materialised as a working table (dropped at the end): Ibis inlines a column's
    expression wherever a later step uses it, and number parsing and checksums, each used
    several times, would otherwise nest into a query of hundreds of kilobytes."""
    checks = contract_checks(contract, hand_checks)
    work: list[str] = []

    def stage(step: str, expr: Table) -> Table:
        work.append(f"_{rows_table}__{step}")
        wh.materialise(work[-1], expr)
        return wh.table(work[-1])

    try:
        rows = stage(
            "typed", typed_rows(contract, stage("text", text_rows(wh, contract, raw_table)))
        )
        if prepare is not None:
            rows = stage("prepared", prepare(rows))
        t = stage("checked", checked(contract, rows, checks))
        record_issues(wh, "validate", stage_part, issues(contract, t, checks))
        out = judged_rows(contract, t, checks)
        return wh.materialise(rows_table, finish(out) if finish is not None else out)
    finally:
        for name in work:
            wh.drop(name)
