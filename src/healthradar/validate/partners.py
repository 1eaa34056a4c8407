"""The partner lists: typed rows, identifier checks, rejects.

A partner row is rejected only when nothing can identify a company (no name and no usable
SIREN) or when it is empty; every other problem is a warning on one value, and the row goes on.
The contract (`contracts/partners.py`) drives everything but the two rules below.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import StringValue, Table

from healthradar.contracts import PARTNERS
from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text
from healthradar.quality.records import record_outcomes
from healthradar.validate.contract_checks import Check, validate_table
from healthradar.validate.identifiers import is_digits, is_siren, is_siret

USABLE = ("ok", "siret_as_siren")


def siren_status(t: Table) -> Table:
    """`siren_status` and the SIREN to use (`siren`, NULL unless usable).

    Hand-written because one column accepts two identifiers: real lists put a SIRET where the
    SIREN belongs, and a valid one yields its SIREN (first 9 digits); the reason then depends
    on which identifier the value looks like, and no problem rejects the row by itself (a row
    with a name is kept 'to resolve')."""
    digits = t.siren  # repaired by the contract's SIREN type ('552120222.0', lost zero...)
    status = ibis.cases(
        (t.siren_raw.isnull(), "siren_missing"),
        (is_digits(digits, 9), ibis.ifelse(is_siren(digits), "ok", "siren_checksum")),
        (is_digits(digits, 14), ibis.ifelse(is_siret(digits), "siret_as_siren", "siren_checksum")),
        else_="siren_malformed",
    )
    # from the checks again, not from `status`: Ibis would inline `status` twice here
    siren = ibis.cases(
        (is_siren(digits), digits),
        (is_siret(digits), digits.substr(0, 9)),
        else_=null_text(),
    )
    return t.mutate(siren_status=status, siren=siren)


def _siren_warning(t: Table) -> StringValue:
    return ibis.ifelse(t.siren_status == "ok", null_text(), t.siren_status)


def _siren_detail(t: Table) -> StringValue:
    return ibis.ifelse(t.siren_status == "siret_as_siren", t.siren, null_text())


def _name_missing(t: Table) -> StringValue:
    # Hand-written: the name is required unless the SIREN identifies the company, a condition
    # on two columns that a column's declaration cannot state.
    usable = t.siren_status.isin(USABLE)
    return ibis.ifelse(t.name.isnull() & ~usable, "name_missing", null_text())


HAND_CHECKS = (
    Check("name", "reject", _name_missing),
    Check("siren", "warn", _siren_warning, detail=_siren_detail),
)


def _partner_rows(t: Table) -> Table:
    # The column names resolve and the quality report read.
    return t.select(
        "input",
        "file",
        "line",
        "name",
        "siren_raw",
        "siren_status",
        "siren",
        filiere_label=t.filiere,
        city=t.city,
        postcode=t.postcode,
        website=t.website,
        employees_raw=t.employees_raw,
        employees=t.employees,
        revenue_raw=t.revenue_meur_raw,
        revenue_meur=t.revenue_meur,
        reject_reason=t.reject_reason,
    )


def validate_partners(wh: Warehouse) -> int:
    """Create `partner_rows` (all rows, typed, with their reject reason), record issues and
    the rejected rows' outcomes (resolve records the others)."""
    n = validate_table(
        wh,
        PARTNERS,
        "raw_partners",
        "partner_rows",
        "partners",
        hand_checks=HAND_CHECKS,
        prepare=siren_status,
        finish=_partner_rows,
    )
    rows = wh.table("partner_rows")
    rejected = rows.filter(rows.reject_reason.notnull())
    record_outcomes(
        wh,
        "validate",
        "partners",
        rejected.select(
            "input",
            "file",
            "line",
            outcome=ibis.literal("rejected"),
            entity_id=null_text(),
            status=null_text(),
        ),
    )
    return n
