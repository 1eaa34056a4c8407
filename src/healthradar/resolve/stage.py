"""The resolve stage: partner rows → decisions → entities, and the tables a reader checks.

Order: keys of both sides (`candidates`), the rows that keep the previous build's company
(`carry_over`), the rows whose given SIREN the register's names confirm (`given_siren`),
Splink scores of the others (`matching`), the analyst's standing decisions
(`review`), one decision per row (`decisions`), entities and merges (`entities`),
then `resolution` (one row per partner row, rejected ones included: what `out/exports/
resolution.csv` shows) and `review_queue` (the rows a human should look at, with their
candidates).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text
from healthradar.quality.records import record_issues
from healthradar.resolve.candidates import (
    gate_partner_side,
    partner_side,
    register_side,
    scoring_side,
)
from healthradar.resolve.carry_over import carry_over
from healthradar.resolve.decisions import decide
from healthradar.resolve.entities import link_entities
from healthradar.resolve.given_siren import confirm_given_sirens
from healthradar.resolve.matching import predict, rank_companies
from healthradar.resolve.review import apply_review_decisions, row_key
from healthradar.resolve.successors import successors
from healthradar.resolve.word_lookup import candidate_units

ORIGIN = ["input", "file", "line"]


LOG = logging.getLogger(__name__)


def _timed(step: Callable[[Warehouse], int], wh: Warehouse) -> int:
    """Run one step and log its seconds (the benchmark shows them: where national time goes),
    the engine's cache given back after it included."""
    start = time.perf_counter()
    n = step(wh)
    wh.release_memory()  # (DuckDB) what the step read is not kept cached under the next one
    LOG.info("%s: %d rows in %.1f s", step.__name__, n, time.perf_counter() - start)
    return n


def resolve(wh: Warehouse) -> dict[str, int]:
    counts = {"partner_rows": _timed(partner_side, wh)}
    counts["carried_over"] = _timed(carry_over, wh)
    counts["confirmed_by_names"] = _timed(confirm_given_sirens, wh)
    # Nothing to score (no partner list, every row carried over or confirmed): the register's
    # names are not searched — on the national file that saves a pass over every name.
    to_score = counts["partner_rows"] - counts["carried_over"] - counts["confirmed_by_names"]
    counts["partner_names_scored"] = _timed(scoring_side, wh)
    if to_score:
        counts["candidate_units"] = _timed(candidate_units, wh)
        counts["register_entries"] = _timed(register_side, wh)
    else:
        counts["register_entries"] = 0
    if to_score and counts["register_entries"]:
        _timed(gate_partner_side, wh)
        counts["scored_pairs"] = _timed(predict, wh)
    else:
        _no_pairs(wh)
        counts["scored_pairs"] = 0
    counts["review_decisions_applied"] = apply_review_decisions(wh)
    decide(wh)
    counts["successors_found"] = _timed(closed_companies, wh)
    _name_mismatch_issues(wh)
    counts.update(link_entities(wh))
    wh.materialise("resolution", resolution(wh))
    counts["to_review"] = wh.materialise("review_queue", review_queue(wh))
    counts["changes"] = wh.materialise("resolution_changes", changes(wh))
    return counts


def closed_companies(wh: Warehouse) -> int:
    """`resolve_successors`: the active successor of each closed company a row was linked to,
    or that the review file proposes (`successors`), looked up once for both."""
    d = wh.table("match_decisions")
    ranked = wh.table("match_ranked")
    proposed = ranked.filter(ranked.position < 3).semi_join(
        d.filter(d.decision == "review"), ORIGIN
    )
    sirens = d.filter(d.siren.notnull()).select("siren").union(proposed.select("siren"))
    return wh.materialise("resolve_successors", successors(wh, sirens))


def _siren_of(entity_id: ibis.Value) -> ibis.Value:
    """The SIREN of a resolved entity ('siren:<SIREN>'), NULL for a row still to resolve."""
    return ibis.ifelse(entity_id.startswith("siren:"), entity_id.substr(6), null_text())


def changes(wh: Warehouse) -> Table:
    """What moved since the previous build, by row key: rows new to the lists, rows gone from
    them, rows now linked to another company (or newly linked, or unlinked)."""
    now = wh.table("resolution")
    now = now.filter(now.decision != "rejected")
    now = now.select("input", "row_key", "name", siren_now=_siren_of(now.entity_id)).distinct()
    before = wh.table("previous_resolution")
    before = before.filter(before.decision != "rejected")
    before = before.select("input", "row_key", siren_before=_siren_of(before.entity_id)).distinct()
    j = now.outer_join(before, ["input", "row_key"])
    j = j.select(
        input=j.input.coalesce(j.input_right),
        row_key=j.row_key.coalesce(j.row_key_right),
        name=j.name,
        siren_before=j.siren_before,
        siren_now=j.siren_now,
        change=ibis.cases(
            (j.input_right.isnull(), "new"),
            (j.input.isnull(), "gone"),
            (j.siren_before.isnull() & j.siren_now.notnull(), "linked"),
            (j.siren_before.notnull() & j.siren_now.isnull(), "unlinked"),
            (j.siren_before != j.siren_now, "relinked"),
            else_="same",
        ),
    )
    # nothing to compare with on a first build: no row is "new"
    first_build = wh.table("previous_resolution").count() == 0
    return j.filter((j.change != "same") & ~first_build)


def _no_pairs(wh: Warehouse) -> None:
    """Empty score tables of the right shape, when one side has nothing to compare."""
    p = wh.table("resolve_partners")
    empty = p.filter(ibis.literal(False)).select(
        *ORIGIN,
        siren=null_text(),
        siret=null_text(),
        etat=null_text(),
        company_etat=null_text(),
        variant=null_text(),
        register_name=null_text(),
        weight=ibis.null().cast("float64"),
        probability=ibis.null().cast("float64"),
        gamma_name=ibis.null().cast("int64"),
        gamma_place=ibis.null().cast("int64"),
        gamma_siren_digits=ibis.null().cast("int64"),
        is_siege=ibis.null().cast("boolean"),
        names_agree=ibis.null().cast("boolean"),
    )
    wh.materialise("match_pairs", empty)
    rank_companies(wh)


def _name_mismatch_issues(wh: Warehouse) -> None:
    d = wh.table("match_decisions")
    rows = wh.table("partner_rows").select(*ORIGIN, "siren")
    doubted = d.filter(d.rule.isin(["siren_of_another_company", "siren_given_name_disagrees"]))
    j = doubted.join(rows, ORIGIN)
    pairs = wh.table("match_pairs").select(*ORIGIN, "siren", given_name="register_name")
    j = j.left_join(pairs, [*(j[c] == pairs[c] for c in ORIGIN), j.siren_right == pairs.siren])
    record_issues(
        wh,
        "resolve",
        "siren_name_mismatch",
        j.select(
            input=j.input,
            file=j.file,
            line=j.line,
            column=ibis.literal("siren"),
            raw_value=j.siren_right,
            reason=ibis.literal("siren_name_mismatch"),
            detail=j.given_name.fill_null("?"),
        ),
    )


def resolution(wh: Warehouse) -> Table:
    """One row per partner row of every list: what became of it, and why."""
    rows = wh.table("partner_rows")
    d = wh.table("match_decisions")
    links = wh.table("entity_links").select(*ORIGIN, "entity_id", "occurrence")
    keys = wh.table("resolve_partners").select(*ORIGIN, "name_key", "postcode")
    after = wh.table("resolve_successors").select(
        "successor_siren", "successor_name", closed_siren=wh.table("resolve_successors").siren
    )
    j = rows.left_join(d, ORIGIN)
    j = j.select(
        rows, *(c for c in d.columns if c not in ORIGIN and c != "siren"), siren_decided=d.siren
    )
    j = j.left_join(links, ORIGIN).select(*(c for c in j.columns), "entity_id", "occurrence")
    j = j.left_join(keys, ORIGIN)
    j = j.left_join(after, j.siren_decided == after.closed_siren)
    merged = (j.occurrence > 1).fill_null(False)
    decision = ibis.cases(
        (j.reject_reason.notnull(), "rejected"), (merged, "merged"), else_=j.decision
    )
    linked = decision.isin(["exact", "matched"])
    return j.select(
        "input",
        "file",
        "line",
        "name",
        siren_given=j.siren_raw,
        decision=decision,
        siren=ibis.ifelse(linked, j.siren_decided, null_text()),
        entity_id=j.entity_id,
        score=j.score,
        rule=ibis.ifelse(j.reject_reason.notnull(), j.reject_reason, j.rule),
        register_name=j.register_name,
        candidates=j.candidates,
        row_key=row_key(j.input, j.name_key, j.postcode_right),
        successor_siren=ibis.ifelse(linked, j.successor_siren, null_text()),
        successor_name=ibis.ifelse(linked, j.successor_name, null_text()),
    )


def review_queue(wh: Warehouse) -> Table:
    """The rows sent to review, with up to three candidates and what drove their scores."""
    r = wh.table("resolution")
    queue = r.filter(r.decision == "review")
    ranked = wh.table("match_ranked")
    top = ranked.filter(ranked.position < 3)
    est = wh.table("register_establishments").select(
        "siret",
        address=wh.table("register_establishments").codePostalEtablissement.fill_null("")
        + " "
        + wh.table("register_establishments").libelleCommuneEtablissement.fill_null(""),
        naf=wh.table("register_establishments").activitePrincipaleEtablissement,
    )
    top = top.left_join(est, "siret")
    # a closed candidate is shown with its active successor: the one to accept, often
    after = wh.table("resolve_successors")
    after = after.select(
        closed_siren=after.siren,
        successor=after.successor_siren + " " + after.successor_name.fill_null("?"),
    )
    top = top.left_join(after, top.siren == after.closed_siren)
    cols = {}
    for i in range(3):
        c = top.filter(top.position == i)
        cols[i] = c.select(
            *ORIGIN,
            **{
                f"candidate{i + 1}_siren": c.siren,
                f"candidate{i + 1}_name": c.register_name,
                f"candidate{i + 1}_address": c.address,
                f"candidate{i + 1}_naf": c.naf,
                f"candidate{i + 1}_state": c.company_etat,
                f"candidate{i + 1}_successor": c.successor,
                f"candidate{i + 1}_score": c.probability,
                f"candidate{i + 1}_features": "name level "
                + c.gamma_name.cast("string")
                + ", place level "
                + c.gamma_place.cast("string"),
            },
        )
    partners = wh.table("partner_rows").select(*ORIGIN, "city", "postcode")
    out = queue.join(partners, ORIGIN)
    for i in range(3):
        out = out.left_join(cols[i], ORIGIN)
        out = out.select(*(c for c in out.columns if not c.endswith("_right")))
    return out.select(
        "input", "row_key", "file", "line", "name", "siren_given", "city", "postcode",
        *(c for c in out.columns if c.startswith("candidate") and c != "candidates"),
        rule=out.rule,
        decision=null_text(),
        siren=out.candidate1_siren,
    )  # fmt: skip
