"""The perimeter: which active establishments of the region count, as core or revealed.

* core: the establishment's NAF (rév. 2) is in the configured core list;
* revealed: the establishment's company is listed by a partner (resolved SIREN), the company
  and the establishment are active, and its NAF is not core: these are the jobs the public
  statistics file under software, R&D, consulting...

Each row carries the rule that put it there, so a reader can check any figure down to its cause.
Size class follows the company's tranche d'effectifs (its lower bound, so that the default
classes < 250, 250–1999, 2000+ are exact); when the company has no tranche, the establishment's
own jobs are used, and the rule says so.
"""

from __future__ import annotations

from itertools import pairwise

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.types import NumericValue, Value

from healthradar.engine import Warehouse
from healthradar.reference.filieres import NOT_GIVEN, OTHER

UNKNOWN_SIZE = "Non renseignée"


def size_class_labels(bounds: list[int]) -> list[str]:
    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", "\u202f")

    labels = [f"< {fmt(bounds[0])}"]
    labels += [f"{fmt(lo)}–{fmt(hi - 1)}" for lo, hi in pairwise(bounds)]
    labels.append(f"{fmt(bounds[-1])}+")
    return labels


def _size_class(basis: NumericValue, bounds: list[int], labels: list[str]) -> Value:
    branches = [(basis.isnull(), UNKNOWN_SIZE)]
    branches += [(basis < bound, labels[i]) for i, bound in enumerate(bounds)]
    return ibis.cases(*branches, else_=labels[-1])


def _size_order(basis: NumericValue, bounds: list[int], labels: list[str]) -> Value:
    """The class's position (1 = smallest), unknown last: a sort key for tables and charts."""
    branches = [(basis.isnull(), len(labels) + 1)]
    branches += [(basis < bound, i + 1) for i, bound in enumerate(bounds)]
    return ibis.cases(*branches, else_=len(labels)).cast(dt.int32)


def classify_perimeter(wh: Warehouse, size_bounds: list[int]) -> int:
    labels = size_class_labels(size_bounds)
    e = wh.table("establishments")
    e = e.filter(
        (e.etat == "A") & (e.is_core_naf | (e.is_listed & (e.company_etat.fill_null("A") == "A")))
    )
    ct = wh.table("ref_tranches").select(ct_code="code", ct_low="low")
    fn = wh.table("filiere_naf").select(fn_naf="naf", fn_filiere="filiere")
    ef = wh.table("entity_filieres").select(
        ef_siren="siren", ef_filiere="filiere", ef_labels="labels"
    )
    ent = wh.table("entities").select(ent_id="entity_id", ent_inputs="inputs")
    j = (
        e.left_join(ct, e.company_tranche == ct.ct_code)
        .left_join(fn, e.naf == fn.fn_naf)
        .left_join(ef, e.siren == ef.ef_siren)
        .left_join(ent, ent.ent_id == "siren:" + e.siren)
    )
    core = j.is_core_naf
    basis = ibis.coalesce(j.ct_low, j.jobs)
    expr = j.select(
        "vintage", "siren", "siret", "company_name", "commune", "commune_name",
        "departement", "departement_name", "region", "naf", "naf_label",
        perimetre=core.ifelse("core", "revealed"),
        filiere=core.ifelse(j.fn_filiere.fill_null(OTHER), j.ef_filiere.fill_null(NOT_GIVEN)),
        filiere_rule=ibis.cases(
            (core, "naf:" + j.naf),
            (j.ef_filiere.notnull(), "partners:" + j.ef_labels),
            else_="partners: no label",
        ),
        size_class=_size_class(basis, size_bounds, labels),
        size_order=_size_order(basis, size_bounds, labels),
        size_rule=ibis.cases(
            (j.ct_low.notnull(), "company tranche " + j.company_tranche),
            (j.jobs.notnull(), "establishment jobs"),
            else_="unknown",
        ),
        company_category=j.company_category.fill_null(UNKNOWN_SIZE),
        jobs=j.jobs, jobs_low=j.jobs_low, jobs_high=j.jobs_high,
        jobs_source=j.jobs_source, tranche=j.tranche,
        rule=core.ifelse(
            "core: NAF " + j.naf + " is in the core list",
            "revealed: listed by " + j.ent_inputs + "; NAF " + j.naf.fill_null("?")
            + " is not core",
        ),
    )  # fmt: skip
    return wh.materialise("perimeter", expr)
