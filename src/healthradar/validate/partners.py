"""The partner lists: typed rows, identifier checks, rejects.

A partner row is rejected only when nothing can identify a company (no name and no usable
SIREN) or when it is empty; every other problem is a warning on one value, and the row goes on.
The contract (`contracts/partners.py`) drives everything but the rules below (SIREN column,
name required without a SIREN, postcode repaired against the COG).
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
from ibis.expr.types import StringValue, Table

from healthradar.contracts import PARTNERS
from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text
from healthradar.quality.records import record_outcomes
from healthradar.validate.contract_checks import Check, validate_table
from healthradar.validate.identifiers import is_digits, is_siren, is_siret

USABLE = ("ok", "siret_as_siren", "siret_invalid_siren_kept")


def siren_status(t: Table) -> Table:
    """`siren_status` and the SIREN to use (`siren`, NULL unless usable).

    Hand-written because one column accepts two identifiers: real lists put a SIRET where the
    SIREN belongs, and a valid one yields its SIREN (first 9 digits); the reason then depends
    on which identifier the value looks like, and no problem rejects the row by itself (a row
    with a name is kept 'to resolve'). A 14-digit value failing the SIRET check whose first 9
    digits are a valid SIREN keeps that SIREN, with a warning: the check digit of the NIC is
    the likelier typo than a valid SIREN by chance (1 in 10)."""
    digits = t.siren  # repaired by the contract's SIREN type ('552120222.0', lost zeros...)
    head = digits.substr(0, 9)
    status = ibis.cases(
        (t.siren_raw.isnull(), "siren_missing"),
        (is_digits(digits, 9), ibis.ifelse(is_siren(digits), "ok", "siren_checksum")),
        (
            is_digits(digits, 14),
            ibis.cases(
                (is_siret(digits), "siret_as_siren"),
                (is_siren(head), "siret_invalid_siren_kept"),
                else_="siren_checksum",
            ),
        ),
        else_="siren_malformed",
    )
    # from the checks again, not from `status`: Ibis would inline `status` twice here. A
    # 14-digit value whose first 9 digits are a valid SIREN yields it, SIRET valid or not.
    siren = ibis.cases(
        (is_siren(digits), digits),
        (is_digits(digits, 14) & is_siren(head), head),
        else_=null_text(),
    )
    return t.mutate(siren_status=status, siren=siren)


def repair_postcode(known: Table) -> Callable[[Table], Table]:
    """Adds `postcode_repaired`: a 4-digit postcode with its leading zero back ('1000' ->
    '01000', a spreadsheet dropped it) when the COG knows the result (`ref_postcodes`), else
    NULL. Hand-written: the rule joins a reference table, which a column's declaration cannot
    say. The written value stays in `postcode` for the issue."""

    def prepare(t: Table) -> Table:
        candidate = ibis.ifelse(t.postcode.re_search("^[0-9]{4}$"), "0" + t.postcode, null_text())
        t = t.mutate(_postcode_candidate=candidate)
        k = known.select(_postcode_known=known.postcode)
        j = t.left_join(k, t._postcode_candidate == k._postcode_known)
        return j.mutate(postcode_repaired=j._postcode_known).drop(
            "_postcode_candidate", "_postcode_known"
        )

    return prepare


def _postcode_padded(t: Table) -> StringValue:
    return ibis.ifelse(t.postcode_repaired.notnull(), "postcode_padded", null_text())


def _siren_warning(t: Table) -> StringValue:
    return ibis.ifelse(t.siren_status == "ok", null_text(), t.siren_status)


def _siren_detail(t: Table) -> StringValue:
    derived = t.siren_status.isin(("siret_as_siren", "siret_invalid_siren_kept"))
    return ibis.ifelse(derived, t.siren, null_text())


def _name_missing(t: Table) -> StringValue:
    # Hand-written: the name is required unless the SIREN identifies the company, a condition
    # on two columns that a column's declaration cannot state.
    usable = t.siren_status.isin(USABLE)
    return ibis.ifelse(t.name.isnull() & ~usable, "name_missing", null_text())


HAND_CHECKS = (
    Check("name", "reject", _name_missing),
    Check("siren", "warn", _siren_warning, detail=_siren_detail),
    Check("postcode", "warn", _postcode_padded, detail=lambda t: t.postcode_repaired),
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
        postcode=ibis.coalesce(t.postcode_repaired, t.postcode),
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
        prepare=lambda t: siren_status(repair_postcode(wh.table("ref_postcodes"))(t)),
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
