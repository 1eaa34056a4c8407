"""Entity resolution, first cut: exact SIREN links and duplicates within and across lists.

Each integrated partner row is linked to an entity. A row with a usable SIREN links to
`siren:<SIREN>`, so the same company listed twice in one list or in several lists becomes one
entity: the first row (in the config's list order, then by line) is integrated, the others are
merged into it. A row without a usable SIREN gets an entity of its own, `row:<input>:<line>`,
with status `to_resolve`; so does a valid SIREN that the register does not know. The fuzzy
matcher (name + address against the register) will later relink `to_resolve` rows by rewriting
`entity_links` before `build_entities` runs, without touching anything else.
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
    kept = rows.filter(rows.reject_reason.isnull()).join(order, "input")
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
        "filiere_label",
        "city",
        "postcode",
        "entity_id",
        rule=ibis.ifelse(kept.siren.notnull(), "exact_siren", "unresolved"),
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
            (e.siren.isnull(), "siren_missing_or_invalid"),
            (e.matched.isnull(), "siren_not_in_register"),
            else_=ibis.null().cast("string"),
        ),
    )


def resolve_exact(wh: Warehouse) -> dict[str, int]:
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
