"""Score partner rows against register entries with Splink, on the warehouse's own backend.

Splink reads `resolve_left` and `resolve_register` where they are (DuckDB connection or
Spark session of the build) and writes its predictions there; `match_pairs` keeps, per partner
row and per company (SIREN), the best-scoring entry, and `match_ranked` orders a row's
companies: best weight first, an active company before a closed one at equal weight.
"""

from __future__ import annotations

import logging

import ibis

from healthradar.engine import Warehouse
from healthradar.resolve.model import CONFIRMING_NAME_LEVELS, settings


def predict(wh: Warehouse) -> int:
    """`match_pairs`: (partner row, company) pairs with the best score of any entry."""
    from splink import Linker

    api = wh.splink_api()
    left = api.register("resolve_left", dataset_display_name="partners")
    right = api.register("resolve_register", dataset_display_name="register")
    linker = Linker([left, right], settings(), log_level=logging.WARNING)
    predictions = linker.inference.predict()
    pairs = wh.table(predictions.physical_name)
    pairs = pairs.select(
        input=pairs.input_l,
        file=pairs.file_l,
        line=pairs.line_l,
        siren=pairs.siren_r,
        siret=pairs.siret_r,
        etat=pairs.etat_r,
        company_etat=pairs.company_etat_r,
        variant=pairs.variant_r,
        register_name=pairs.name_r,
        weight=pairs.match_weight,
        probability=pairs.match_probability,
        gamma_name=pairs.gamma_name,
        gamma_place=pairs.gamma_place,
        gamma_siren_digits=pairs.gamma_siren_digits,
        is_siege=pairs.is_siege_r,
        # distinctive words in common, whatever level of the name comparison fired first
        shares_words=pairs.core_tokens_l.intersect(pairs.core_tokens_r).length() > 0,
        gamma_core_close=pairs.gamma_core_close,
    )
    # Per row and company: its best entry (ties: active establishment, siège, smallest SIRET).
    w = ibis.window(
        group_by=["input", "file", "line", "siren"],
        order_by=[
            ibis.desc(pairs.weight),
            ibis.desc((pairs.etat == "A").fill_null(False)),
            ibis.desc(pairs.is_siege.fill_null(False)),
            pairs.siret,
        ],
    )
    company = ibis.window(group_by=["input", "file", "line", "siren"])
    confirms = (
        pairs.shares_words
        | pairs.gamma_name.isin(CONFIRMING_NAME_LEVELS)
        | (pairs.gamma_core_close == 1)
    )
    best = pairs.mutate(
        rank=ibis.row_number().over(w),
        names_agree=confirms.fill_null(False).max().over(company),
    )
    best = best.filter(best.rank == 0).drop("rank", "shares_words", "gamma_core_close")
    n = wh.materialise("match_pairs", best)
    wh.drop(predictions.physical_name)
    rank_companies(wh)
    return n


def rank_companies(wh: Warehouse) -> int:
    """`match_ranked`: each row's companies in order, with the gap to the next one."""
    pairs = wh.table("match_pairs")
    active = (pairs.company_etat == "A").fill_null(False)
    w = ibis.window(
        group_by=["input", "file", "line"],
        order_by=[ibis.desc(pairs.weight), ibis.desc(active), pairs.siren],
    )
    # The next active company: a closed one as good as the best active one is its
    # predecessor (or a dead homonym), not a rival: active units are preferred.
    active_weight = ibis.ifelse(active, pairs.weight, ibis.null().cast("float64"))
    after = ibis.window(
        group_by=["input", "file", "line"],
        order_by=[ibis.desc(pairs.weight), ibis.desc(active), pairs.siren],
        preceding=None,
        following=(1, None),
    )  # fmt: skip
    ranked = pairs.mutate(
        position=ibis.row_number().over(w),
        next_weight=pairs.weight.lead().over(w),
        next_active_weight=active_weight.max().over(after),
    )
    return wh.materialise("match_ranked", ranked)
