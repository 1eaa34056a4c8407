"""Decisions carried over from the previous build, so that only new or changed rows are scored.

A row whose list, normalised name, postcode (its row key) and given SIREN are those of a row the
previous build linked to a company keeps that company, without being scored again — as long as
the company is still active in this register. A row that changed, a company that closed or left
the register, and every row of a first build, go through matching. The decisions stay stable
from one year to the next, and a large list costs only its new rows.
"""

from __future__ import annotations

import ibis

from healthradar.engine import Warehouse
from healthradar.resolve.review import row_key

ORIGIN = ["input", "file", "line"]
CARRIED = ("exact", "matched", "merged")


def carry_over(wh: Warehouse) -> int:
    """`resolve_carried` (rows keeping their previous company) and `resolve_uncarried` (the
    others); returns the number of rows carried over."""
    partners = wh.table("resolve_partners")
    rows = wh.table("partner_rows").select(*ORIGIN, "siren_raw")
    j = partners.join(rows, ORIGIN)
    now = j.select(
        *ORIGIN,
        row_key=row_key(j.input, j.name_key, j.postcode),
        siren_raw=j.siren_raw.fill_null(""),
    )
    before = wh.table("previous_resolution")
    before = before.filter(before.decision.isin(CARRIED) & before.entity_id.startswith("siren:"))
    before = before.select(
        "input",
        "row_key",
        siren_raw=before.siren_given.fill_null(""),
        carried_siren=before.entity_id.substr(6),
        carried_decision=ibis.ifelse(before.decision == "exact", "exact", "matched"),
    )
    units = wh.table("register_legal_units")
    active = units.filter(units.etatAdministratifUniteLegale == "A").select(
        carried_siren=units.siren,
        carried_name=units.denominationUniteLegale.coalesce(units.sigleUniteLegale),
    )
    # .view(): Ibis 12 cannot join onto a projection of another join without it
    same = now.view().join(before.view(), ["input", "row_key", "siren_raw"])
    # Several previous rows may share a key (a company listed twice): one company per row, and
    # none when they disagreed on it.
    same = same.group_by(ORIGIN).aggregate(
        companies=same.carried_siren.nunique(),
        carried_siren=same.carried_siren.max(),
        carried_decision=same.carried_decision.min(),  # 'exact' before 'matched'
    )
    same = same.filter(same.companies == 1).drop("companies")
    kept = same.join(active, "carried_siren")
    kept = kept.select(*ORIGIN, "carried_siren", "carried_decision", "carried_name")
    n = wh.materialise("resolve_carried", kept)
    wh.materialise("resolve_uncarried", partners.anti_join(kept, ORIGIN))
    return n
