"""One decision per partner row: exact, matched, review or unmatched — and why.

In order of precedence:
1. the analyst's decision from `inputs/review_decisions.csv`, when it still applies; then the
   previous build's company for an unchanged row (`carry_over`, rule `previous_build`);
2. **exact**: the partner gave a valid SIREN and the register's names for it agree with the
   partner's name (or the partner gave no name) — settled before scoring when a simple test
   suffices (`given_siren`), else after it. A valid SIREN whose names disagree is not
   believed: the row goes on to matching, so the SIREN of another company is caught;
3. **matched**: the best company scores at least `MATCH_THRESHOLD` and no other company comes
   within `AMBIGUITY_MARGIN` of it (a homonym in the same place is for a human to decide). The
   score is believed no higher than the share of training rows of its agreement pattern that
   were right (`model.PATTERN_PRECISION`): a pattern the model overrates goes to review, or
   is unmatched when that share is under the review threshold (rule `pattern_often_wrong`);
4. **review**: the best company scores at least `REVIEW_THRESHOLD` — when it agrees with the
   row on words only (`WORD_LEVELS`), *among the row's candidates* (`share_of_evidence`) —,
   or the given SIREN's names disagree and nothing better was found;
5. **unmatched**: nothing close enough, or only companies alike that share the row's words
   (rule `candidates_alike`).
"""

from __future__ import annotations

import math
from typing import Any

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text, ordered_join
from healthradar.resolve.given_siren import nameless_units
from healthradar.resolve.model import (
    AMBIGUITY_MARGIN,
    MATCH_THRESHOLD,
    PATTERN_PRECISION,
    REVIEW_THRESHOLD,
    WORD_LEVELS,
)

ORIGIN = ["input", "file", "line"]
#: every `rule` a decision can carry, in the order `decide` tries them (a rejected row carries
#: its validation reason instead; a merged row keeps the rule of its own decision).
#: `docs/resolve.md` explains each one, in English and in French.
DECISION_RULES = (
    "review:accept", "review:reject", "previous_build",
    "siren_given_no_name", "siren_given_register_has_no_name", "siren_given_name_agrees",
    "siren_of_another_company", "name_place_and_siren_typo", "name_and_place",
    "ambiguous_homonyms", "pattern_often_wrong", "siren_given_name_disagrees",
    "candidates_alike", "siren_not_in_register", "uncertain_score", "score_too_low",
    "no_candidate",
)  # fmt: skip
LN2 = math.log(2)  # 2^x = e^(x ln 2): the engines have exp, not exp2


def _candidates(wh: Warehouse) -> Table:
    """Up to three companies per row, best first, as text for the review file and exports."""
    r = wh.table("match_ranked")
    top = r.filter(r.position < 3)
    text = (
        top.siren
        + " "
        + top.register_name.fill_null("?")
        + " ("
        + top.probability.round(3).cast("string")
        + ")"
    )
    top = top.mutate(text=text)
    return top.group_by(ORIGIN).aggregate(candidates=ordered_join(top.text, " | ", top.position))


def share_of_evidence(wh: Warehouse) -> Table:
    """Per row: the probability that it is its best company rather than another candidate or
    none, 2^w_best / (1 + Σ 2^w) over the row's companies (Splink's match weight w is the log2
    of the odds of a match). With one candidate it is Splink's own probability. `decide` uses
    it for rows whose best company agrees on words only (`WORD_LEVELS`): when several
    companies of the place hold the same distinctive words (~0.4 each in the national bench,
    nearly all companies absent from the register), none is worth an analyst's time. As for
    the ambiguity margin, a closed company is no rival to an active best one (its
    predecessor, or a dead homonym)."""
    r = wh.table("match_ranked")
    active = (r.company_etat == "A").fill_null(False)
    # odds relative to the best one's, so that 2^w never overflows: Σ 2^(w - w_best)
    best = r.filter(r.position == 0).select(*ORIGIN, best_w=r.weight, best_active=active)
    j = r.join(best, ORIGIN)
    rel = ((j.weight - j.best_w) * LN2).exp()
    rival = (j.position == 0) | ~j.best_active | (j.company_etat == "A").fill_null(False)
    per_row = j.group_by(ORIGIN).aggregate(others=rel.sum(where=rival), best_w=j.best_w.max())
    # 2^w_best / (1 + Σ 2^w) = 1 / (2^-w_best + Σ 2^(w - w_best))
    inverse_odds = (-per_row.best_w * LN2).exp()
    return per_row.select(*ORIGIN, best_share=1.0 / (inverse_odds + per_row.others))


def pattern_cap(name: ibis.Value, place: ibis.Value, digits: ibis.Value) -> ibis.Value:
    """The share of training rows of this agreement pattern whose best company was the true
    one (`model.PATTERN_PRECISION`), 1 for a pattern the model does not overrate."""
    cases = [
        ((name == n) & (place == p) & (digits == d), ibis.literal(share, "float64"))
        for (n, p, d), share in PATTERN_PRECISION.items()
    ]
    if not cases:
        return ibis.literal(1.0, "float64")
    return ibis.cases(*cases, else_=ibis.literal(1.0, "float64"))


def _add(j: Table, other: Table, on: list[Any]) -> Table:
    """`j` with `other`'s columns, one row per partner row (the join keys are not repeated)."""
    joined = j.left_join(other, on)
    return joined.select(*(joined[c] for c in joined.columns if not c.endswith("_right")))


def decide(wh: Warehouse) -> int:
    """`match_decisions`: one row per integrated partner row."""
    partners = wh.table("resolve_partners")
    pairs = wh.table("match_pairs")
    ranked = wh.table("match_ranked")
    reviewed = wh.table("review_applied")
    given = pairs.select(
        *ORIGIN,
        given_siren=pairs.siren,
        given_agrees=pairs.names_agree,
        given_probability=pairs.probability,
        given_name=pairs.register_name,
    )
    best = ranked.filter(ranked.position == 0).select(
        *ORIGIN,
        best_siren=ranked.siren,
        best_probability=ranked.probability,
        best_weight=ranked.weight,
        next_weight=ibis.ifelse(
            ranked.company_etat == "A", ranked.next_active_weight, ranked.next_weight
        ),
        best_name=ranked.register_name,
        best_digits=ranked.gamma_siren_digits,
        best_on_words=ranked.gamma_name.isin(WORD_LEVELS),
        best_cap=pattern_cap(ranked.gamma_name, ranked.gamma_place, ranked.gamma_siren_digits),
    )
    # A given SIREN whose legal unit has no name to compare (a register published without
    # names, a natural person's business) cannot be contradicted: it is believed.
    nameless = nameless_units(wh)
    nameless = nameless.select(nameless_siren=nameless.siren)
    p = partners.select(*ORIGIN, "siren_key", "name")
    p = p.left_join(nameless, p.siren_key == nameless.nameless_siren)
    j = p.left_join(best, ORIGIN)
    j = j.select(p, *(c for c in best.columns if c not in ORIGIN))
    j = _add(j, given, [*ORIGIN, j.siren_key == given.given_siren])
    settled = (
        reviewed,
        _candidates(wh),
        share_of_evidence(wh),
        wh.table("resolve_carried"),
        wh.table("resolve_confirmed"),
    )
    for other in settled:
        j = _add(j, other, ORIGIN)
    kept = j.carried_siren.notnull()

    # settled before scoring (`given_siren`), or confirmed by the scored pairs
    confirmed = j.siren_key.notnull() & (
        j.confirmed_siren.notnull()
        | (j.given_siren.notnull() & (j.name.isnull() | j.given_agrees.fill_null(False)))
        | j.nameless_siren.notnull()
    )
    clear = j.next_weight.isnull() | (j.best_weight - j.next_weight >= AMBIGUITY_MARGIN)
    # the model's probability, no higher than what rows of its agreement pattern achieved.
    # LEAST skips NULLs: a row without candidates stays NULL only because its cap is NULL too
    # (both come from `best` through the same left join): never fill the cap alone.
    believed = ibis.least(j.best_probability, j.best_cap)
    strong = (believed >= MATCH_THRESHOLD).fill_null(False) & clear.fill_null(True)
    # on words only, the evidence is shared with the rivals that hold the same words
    review_score = ibis.ifelse(j.best_on_words.fill_null(False), j.best_share, j.best_probability)
    review_score = ibis.least(review_score, j.best_cap)
    worth_review = (review_score >= REVIEW_THRESHOLD).fill_null(False)
    # the pattern's record, not the model, keeps the row from a link (or from review)
    kept_from_link = (j.best_probability >= MATCH_THRESHOLD) & clear & ~strong
    kept_from_review = (
        (j.best_probability >= REVIEW_THRESHOLD) & ~worth_review & (j.best_cap < REVIEW_THRESHOLD)
    )
    overrated = (kept_from_link | kept_from_review).fill_null(False)
    alike = ((j.best_probability >= REVIEW_THRESHOLD) & ~worth_review).fill_null(False)
    doubted = j.siren_key.notnull() & j.given_siren.notnull() & ~confirmed
    other_company = j.siren_key.notnull() & (j.best_siren != j.siren_key).fill_null(False)

    decision = ibis.cases(
        (j.review_decision.notnull(), j.review_decision),
        (kept, j.carried_decision),
        (confirmed, "exact"),
        (strong, "matched"),
        (worth_review | doubted, "review"),
        else_="unmatched",
    )
    siren = ibis.cases(
        (j.review_decision.notnull(), j.review_siren),
        (kept, j.carried_siren),
        (confirmed, j.siren_key),
        (strong, j.best_siren),
        else_=null_text(),
    )
    rule = ibis.cases(
        (j.review_decision.notnull(), "review:" + j.review_action),
        (kept, "previous_build"),
        (confirmed & j.name.isnull(), "siren_given_no_name"),
        (confirmed & j.nameless_siren.notnull(), "siren_given_register_has_no_name"),
        (confirmed, "siren_given_name_agrees"),
        (strong & other_company, "siren_of_another_company"),
        (strong & (j.best_digits == 1).fill_null(False), "name_place_and_siren_typo"),
        (strong, "name_and_place"),
        (worth_review & ~clear.fill_null(True), "ambiguous_homonyms"),
        (overrated, "pattern_often_wrong"),
        (doubted & ~worth_review, "siren_given_name_disagrees"),
        (alike, "candidates_alike"),
        (j.siren_key.notnull() & j.given_siren.isnull(), "siren_not_in_register"),
        (worth_review, "uncertain_score"),
        (j.best_siren.notnull(), "score_too_low"),
        else_="no_candidate",
    )
    score = ibis.cases((confirmed, j.given_probability), else_=j.best_probability)
    register_name = ibis.cases(
        (j.review_decision.notnull(), j.review_name),
        (kept, j.carried_name),
        (confirmed, j.confirmed_name.coalesce(j.given_name)),
        else_=j.best_name,
    )
    out = j.select(
        *ORIGIN,
        decision=decision,
        siren=siren,
        score=score,
        rule=rule,
        register_name=register_name,
        candidates=j.candidates,
    )
    return wh.materialise("match_decisions", out)
