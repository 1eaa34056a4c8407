"""Rows whose valid SIREN the register's names confirm, decided before anything is scored.

Most partner rows carry a valid SIREN of the right company (98 % of a large list is common).
Scoring them with Splink only to learn that their names agree costs a candidate search over
the register's names and a comparison per entry of the company: on a 200,000-row list, minutes
and gigabytes for nothing. A row is settled here when its given SIREN designates register
entries (`candidates.register_entries`, the same entries Splink would compare it with) and

- one of those names agrees with the partner's name by a test that is a strict subset of the
  confirmation `matching` applies to scored pairs: the same words, the same key, the same words
  in any order, the same distinctive words, or one distinctive word in common; or
- the partner gave no name (nothing can contradict the SIREN); or
- the legal unit has no name at all (a register published without names, a natural person).

Every row settled here would have been confirmed after scoring too, so its decision is the one
scoring would have given; the rows the cheap test cannot settle (a typo in a name, a SIREN of
another company) go on to `candidates` and `matching` as before — they only lose the chance of
meeting, as a candidate, a company that another row named by its SIREN (the labelled
benchmark's recall moved by one row of 3,242 with this session's changes together). What a
settled row lacks is a score: its `score` in `resolution.csv` is empty.
"""

from __future__ import annotations

import ibis

from healthradar.engine import Warehouse
from healthradar.resolve.candidates import KEY_COLUMNS, register_entries, with_side_keys

ORIGIN = ["input", "file", "line"]
#: a name that agrees in several ways is shown as the strongest one; then this order of names
VARIANT_ORDER = ("denomination", "sigle", "usual", "enseigne", "establishment")


def nameless_units(wh: Warehouse) -> ibis.Table:
    """(siren) of legal units without any name: nothing can contradict a SIREN given for them."""
    units = wh.table("register_legal_units")
    return units.filter(
        units.denominationUniteLegale.isnull()
        & units.sigleUniteLegale.isnull()
        & units.denominationUsuelle1UniteLegale.isnull()
    ).select("siren")


def confirm_given_sirens(wh: Warehouse) -> int:
    """`resolve_confirmed` (rows settled by their given SIREN, with the register name that
    agreed) and `resolve_unsettled` (the rows left to score); returns the number settled."""
    rows = wh.table("resolve_uncarried")
    given = rows.filter(rows.siren_key.notnull())
    sirens = given.select(siren=given.siren_key).distinct()
    names = register_entries(wh, sirens).select("siren", "variant", "name").distinct()
    names = with_side_keys(names, names.name)
    # prefixed: the partner side has columns of the same names (NULL there)
    names = names.select(
        r_siren=names.siren,
        r_variant=names.variant,
        **{f"r_{k}": names[k] for k in KEY_COLUMNS},
        r_name=names.name,
    )
    j = given.join(names, given.siren_key == names.r_siren)
    same = {k: (j[k] == j[f"r_{k}"]).fill_null(False) for k in ("name_full", "name_key")}
    strength = ibis.cases(
        (same["name_full"], 5),
        (same["name_key"], 4),
        ((j.sorted_key == j.r_sorted_key).fill_null(False), 3),
        ((j.core_key == j.r_core_key).fill_null(False), 2),
        ((j.core_tokens.intersect(j.r_core_tokens).length() > 0).fill_null(False), 1),
        else_=0,
    )
    variant_rank = ibis.cases(
        *((j.r_variant == v, i) for i, v in enumerate(VARIANT_ORDER)), else_=len(VARIANT_ORDER)
    )
    pairs = j.select(
        *ORIGIN,
        siren=j.r_siren,
        name=j.name,
        register_name=j.r_name,
        strength=ibis.ifelse(j.name.isnull(), 6, strength),
        variant_rank=variant_rank,
    )
    w = ibis.window(
        group_by=ORIGIN,
        order_by=[ibis.desc(pairs.strength), pairs.variant_rank, pairs.register_name],
    )
    best = pairs.filter(pairs.strength > 0).mutate(rank=ibis.row_number().over(w))
    agreed = best.filter(best.rank == 0).select(
        *ORIGIN, confirmed_siren=best.siren, confirmed_name=best.register_name
    )
    units = nameless_units(wh)
    nameless = given.join(units, given.siren_key == units.siren)
    nameless = nameless.select(
        *ORIGIN, confirmed_siren=nameless.siren_key, confirmed_name=ibis.null().cast("string")
    )
    settled = agreed.union(nameless.anti_join(agreed, ORIGIN))
    n = wh.materialise("resolve_confirmed", settled)
    wh.materialise("resolve_unsettled", rows.anti_join(wh.table("resolve_confirmed"), ORIGIN))
    return n
