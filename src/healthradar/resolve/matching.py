"""Score partner rows against register entries with Splink, on the warehouse's own backend.

Splink reads `resolve_left` and `resolve_register` where they are (DuckDB connection or
Spark session of the build) and writes its predictions there, a chunk of partner entries at a
time so that memory stays bounded whatever the list's size; `match_pairs` keeps, per partner
row and per company (SIREN), the best-scoring entry, and `match_ranked` orders a row's
companies: best weight first, an active company before a closed one at equal weight.
"""

from __future__ import annotations

import logging

import ibis

from healthradar.engine import Warehouse
from healthradar.resolve.model import CONFIRMING_NAME_LEVELS, settings

#: partner entries scored in one go: Splink materialises every compared pair of a chunk with
#: its comparison columns, so a chunk is reduced to its best entry per company before the next
#: one (a 2,000-row list against a crowded register compares ~700 entries a row). Measured on
#: 2,000 rows to score against 172 k entries (bench/bench_inputs.py): 2,000 a chunk peaked
#: 800 MB above the stage's floor, 1,000 and 500 about 380 MB (what is left is not the chunk's);
#: each chunk costs Splink's blocking of the register side again (20,000 rows at 4 M, 500 a
#: chunk: predict 166 s, the resolve bench 253 s instead of ~180 s)
PREDICT_CHUNK_ROWS = 1000


def predict(wh: Warehouse) -> int:
    """`match_pairs`: (partner row, company) pairs with the best score of any entry."""
    from splink import Linker

    api = wh.splink_api()
    left = api.register("resolve_left", dataset_display_name="partners")
    right = api.register("resolve_register", dataset_display_name="register")
    linker = Linker([left, right], settings(), log_level=logging.WARNING)
    chunks = max(1, -(-wh.count("resolve_left") // PREDICT_CHUNK_ROWS))
    parts = []
    for i in range(1, chunks + 1):
        predictions = linker.inference.predict_chunk(
            left_chunk=(i, chunks), right_chunk=(1, 1), warning_mode="never"
        )
        part = f"match_pairs_chunk{i}"
        wh.materialise(part, _best_per_company(_pairs(wh.table(predictions.physical_name))))
        wh.drop(predictions.physical_name)
        parts.append(wh.table(part))
    # a row's parts (`scoring_side`) may fall in different chunks: reduced once more
    everything = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    n = wh.materialise("match_pairs", _best_per_company(everything))
    for i in range(1, chunks + 1):
        wh.drop(f"match_pairs_chunk{i}")
    rank_companies(wh)
    return n


def _pairs(predictions: ibis.Table) -> ibis.Table:
    """Splink's predictions in the project's names: one row per (partner entry, register
    entry) compared."""
    p = predictions
    return p.select(
        input=p.input_l,
        file=p.file_l,
        line=p.line_l,
        siren=p.siren_r,
        siret=p.siret_r,
        etat=p.etat_r,
        company_etat=p.company_etat_r,
        variant=p.variant_r,
        register_name=p.name_r,
        weight=p.match_weight,
        probability=p.match_probability,
        gamma_name=p.gamma_name,
        gamma_place=p.gamma_place,
        gamma_siren_digits=p.gamma_siren_digits,
        is_siege=p.is_siege_r,
        # distinctive words in common, whatever level of the name comparison fired first
        names_agree=(
            (p.core_tokens_l.intersect(p.core_tokens_r).length() > 0)
            | p.gamma_name.isin(CONFIRMING_NAME_LEVELS)
            | (p.gamma_core_close == 1)
        ).fill_null(False),
    )


def _best_per_company(pairs: ibis.Table) -> ibis.Table:
    """Per row and company: its best entry (ties: active establishment, siège, smallest SIRET,
    then the variant and the name, so that the name shown does not depend on the order the
    engine returns pairs in), the names agreeing when any entry's do. Applying it twice gives
    the same table."""
    w = ibis.window(
        group_by=["input", "file", "line", "siren"],
        order_by=[
            ibis.desc(pairs.weight),
            ibis.desc((pairs.etat == "A").fill_null(False)),
            ibis.desc(pairs.is_siege.fill_null(False)),
            pairs.siret,
            pairs.variant,
            pairs.register_name,
        ],
    )
    company = ibis.window(group_by=["input", "file", "line", "siren"])
    best = pairs.mutate(
        rank=ibis.row_number().over(w),
        names_agree=pairs.names_agree.max().over(company),
    )
    return best.filter(best.rank == 0).drop("rank")


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
