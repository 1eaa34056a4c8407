"""Entities from decisions: one organisation per SIREN, duplicates merged within and across lists.

Each integrated partner row is linked to an entity through its decision (`match_decisions`):
a row whose decision gives a SIREN (exact, matched or accepted in review) links to
`siren:<SIREN>` — an id that stays the same from one build and one year to the next — so the
same company listed twice in one list or in several lists becomes one entity: the first row (in
the config's list order, then by line) is integrated, the others are merged into it. A row
without a SIREN gets an entity of its own, `row:<input>:<line>`, with status `to_resolve` and
its decision's rule as the reason.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import ordered_join
from healthradar.quality.records import record_issues, record_outcomes


def _origin(t: Table) -> ibis.Value:
    return t.file + ":" + t.line.cast("string")


def entity_links(wh: Warehouse) -> Table:
    rows = wh.table("partner_rows")
    order = wh.table("partner_inputs")
    decisions = wh.table("match_decisions").select(
        "input", "file", "line", "decision", decided=wh.table("match_decisions").siren,
        decision_rule=wh.table("match_decisions").rule,
    )  # fmt: skip
    kept = rows.filter(rows.reject_reason.isnull()).join(order, "input")
    kept = kept.join(decisions, ["input", "file", "line"])
    kept = kept.mutate(siren_given=kept.siren, siren=kept.decided)
    kept = kept.mutate(
        entity_id=ibis.ifelse(
            kept.siren.notnull(),
            "siren:" + kept.siren,
            "row:" + kept.input + ":" + kept.line.cast("string"),
        )
    )
    w = ibis.window(group_by="entity_id", order_by=["ord", "line"])
    return kept.select(
        "input",
        "file",
        "line",
        "name",
        "siren",
        "siren_given",
        "decision",
        "filiere_label",
        "city",
        "postcode",
        "entity_id",
        rule=kept.decision_rule,
        occurrence=(ibis.row_number().over(w) + 1).cast("int64"),
        first_origin=_origin(kept).first().over(w),
    )


def register_matches(wh: Warehouse) -> Table:
    """The register's answer for every SIREN the partners gave (one semi-join of the file)."""
    units = wh.table("register_legal_units")
    links = wh.table("entity_links")
    given = links.filter(links.siren.notnull()).select("siren").distinct()
    found = units.semi_join(given, "siren")
    return found.select(
        "siren", etat=found.etatAdministratifUniteLegale, denomination=found.denominationUniteLegale
    )


def entities(wh: Warehouse) -> Table:
    links = wh.table("entity_links")
    matches = wh.table("register_matches")
    joined = links.left_join(matches, links.siren == matches.siren).select(
        links, matched_siren=matches.siren, etat=matches.etat, denomination=matches.denomination
    )
    first = joined.occurrence == 1
    per_entity = joined.group_by("entity_id").aggregate(
        siren=joined.siren.max(),
        given_name=joined.name.max(where=first),
        register_name=joined.denomination.max(),
        register_state=joined.etat.max(),
        n_rows=joined.count().cast("int64"),
        city=joined.city.max(where=first),
        postcode=joined.postcode.max(where=first),
        matched=joined.matched_siren.max(),
        first_rule=joined.rule.max(where=first),
    )
    inputs = links.select("entity_id", "input").distinct()
    inputs = inputs.group_by("entity_id").aggregate(
        inputs=ordered_join(inputs.input, ", ", inputs.input)
    )
    e = per_entity.join(inputs, "entity_id")
    return e.select(
        "entity_id",
        "siren",
        name=e.given_name.coalesce(e.register_name),
        register_name=e.register_name,
        register_state=e.register_state,
        n_rows=e.n_rows,
        inputs=e.inputs,
        city=e.city,
        postcode=e.postcode,
        status=ibis.ifelse(e.matched.notnull(), "resolved", "to_resolve"),
        to_resolve_reason=ibis.cases(
            (e.siren.isnull(), e.first_rule),
            (e.matched.isnull(), "siren_not_in_register"),
            else_=ibis.null().cast("string"),
        ),
    )


def link_entities(wh: Warehouse) -> dict[str, int]:
    """`entity_links`, `register_matches`, `entities` from the decisions."""
    wh.materialise("entity_links", entity_links(wh))
    wh.materialise("register_matches", register_matches(wh))
    return build_entities(wh)


def build_entities(wh: Warehouse) -> dict[str, int]:
    """Entities from links; row outcomes and resolve issues. Re-runnable after relinking:
    each run replaces the resolve stage's issue and outcome tables."""
    n_entities = wh.materialise("entities", entities(wh))
    links, ents = wh.table("entity_links"), wh.table("entities")
    duplicates = links.filter(links.occurrence > 1)
    record_issues(
        wh,
        "resolve",
        "duplicates",
        duplicates.select(
            "input",
            "file",
            "line",
            column=ibis.literal("siren"),
            raw_value=duplicates.siren,
            reason=ibis.literal("duplicate_merged"),
            detail=duplicates.first_origin,
        ),
    )
    unknown = links.join(
        ents.filter(ents.to_resolve_reason == "siren_not_in_register"), "entity_id"
    )
    record_issues(
        wh,
        "resolve",
        "not_in_register",
        unknown.select(
            "input",
            "file",
            "line",
            column=ibis.literal("siren"),
            raw_value=unknown.siren,
            reason=ibis.literal("siren_not_in_register"),
            detail=ibis.null().cast("string"),
        ),
    )
    linked = links.join(ents.select("entity_id", "status"), "entity_id")
    record_outcomes(
        wh,
        "resolve",
        "partners",
        linked.select(
            "input",
            "file",
            "line",
            outcome=ibis.ifelse(linked.occurrence == 1, "integrated", "merged"),
            entity_id=linked.entity_id,
            status=linked.status,
        ),
    )
    resolved = wh.count(ents.filter(ents.status == "resolved"))
    return {"entities": n_entities, "resolved": resolved, "to_resolve": n_entities - resolved}
