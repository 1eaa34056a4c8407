"""The analyst's decisions on uncertain matches, carried from one build (and year) to the next.

`out/review/matches_to_review.csv` lists the rows sent to review with a `row_key` (the list, the
folded name and the postcode: it survives rows moving in the file and a new year's edition of
the list) and a `decision` column to fill: `accept` (the SIREN in the `siren` column, the best
candidate unless the analyst writes another one) or `reject` (no company in the register).
`healthradar review accept` copies the filled rows into `inputs/review_decisions.csv`, which every
later build re-applies. A decision that no longer applies — its row is gone from the lists, its
SIREN is unknown to the register or closed — is reported in the quality report, never dropped
silently.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import StringValue, Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import clean_text, null_text
from healthradar.quality.records import record_issues

DECISIONS_FILE = "inputs/review_decisions.csv"


def row_key(input_: StringValue, name_key: StringValue, postcode: StringValue) -> StringValue:
    """What identifies a partner row across builds: its list, its folded name, its postcode."""
    return input_ + "|" + name_key.fill_null("") + "|" + postcode.fill_null("")


def apply_review_decisions(wh: Warehouse) -> int:
    """`review_applied`: the analyst's decisions that still apply, by origin; issues for the
    others."""
    decisions = wh.table("review_decisions")
    decisions = decisions.select(
        input=clean_text(decisions.input),
        row_key=decisions.row_key,
        file=decisions.file,
        line=decisions.line,
        action=clean_text(decisions.decision).lower(),
        siren=clean_text(decisions.siren),
    )
    decisions = decisions.filter(decisions.action.notnull() | decisions.siren.notnull())
    partners = wh.table("resolve_partners")
    keyed = partners.select(
        "input",
        "file",
        "line",
        row_key=row_key(partners.input, partners.name_key, partners.postcode),
    )
    units = wh.table("register_legal_units")
    units = units.select(
        "siren",
        state=units.etatAdministratifUniteLegale,
        register_name=units.denominationUniteLegale.coalesce(units.sigleUniteLegale),
    )
    j = decisions.left_join(keyed, ["input", "row_key"]).left_join(units, "siren")
    j = j.select(
        decisions,
        p_file=j.file_right,
        p_line=j.line_right,
        state=j.state,
        register_name=j.register_name,
    )
    stale = ibis.cases(
        (~j.action.isin(["accept", "reject"]).fill_null(False), "unknown_decision"),
        (j.p_file.isnull(), "row_gone"),
        ((j.action == "accept") & j.siren.isnull(), "siren_missing"),
        ((j.action == "accept") & j.state.isnull(), "siren_not_in_register"),
        ((j.action == "accept") & (j.state != "A"), "siren_closed"),
        else_=null_text(),
    )
    j = j.mutate(stale=stale)
    bad = j.filter(j.stale.notnull())
    record_issues(
        wh,
        "resolve",
        "review_stale",
        bad.select(
            # the decisions file, not the partner line it once named (which may now hold
            # another company); the row key says which row the decision was about
            input=bad.input.fill_null("review"),
            file=ibis.literal(DECISIONS_FILE),
            line=ibis.null().cast("int64"),
            column=ibis.literal("decision"),
            raw_value=bad.action.fill_null("") + " " + bad.siren.fill_null(""),
            reason=ibis.literal("review_decision_stale"),
            detail=bad.stale + ", " + bad.row_key.fill_null("?"),
        ),
    )
    ok = j.filter(j.stale.isnull())
    applied: Table = ok.select(
        input=ok.input,
        file=ok.p_file,
        line=ok.p_line,
        review_action=ok.action,
        review_decision=ibis.ifelse(ok.action == "accept", "matched", "unmatched"),
        review_siren=ibis.ifelse(ok.action == "accept", ok.siren, null_text()),
        review_name=ok.register_name,
    )
    w = ibis.window(group_by=["input", "file", "line"], order_by=["review_action"])
    applied = applied.mutate(n=ibis.row_number().over(w))
    return wh.materialise("review_applied", applied.filter(applied.n == 0).drop("n"))
