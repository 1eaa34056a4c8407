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

from healthradar.classify.filieres import NOT_GIVEN, OTHER
from healthradar.engine import Warehouse, quote_literal

UNKNOWN_SIZE = "Non renseignée"


def size_class_labels(bounds: list[int]) -> list[str]:
    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", "\u202f")

    labels = [f"< {fmt(bounds[0])}"]
    labels += [f"{fmt(lo)}–{fmt(hi - 1)}" for lo, hi in pairwise(bounds)]
    labels.append(f"{fmt(bounds[-1])}+")
    return labels


def _size_case(expr: str, bounds: list[int], labels: list[str], order: bool) -> str:
    parts = [
        f"WHEN {expr} IS NULL THEN {len(labels) + 1 if order else quote_literal(UNKNOWN_SIZE)}"
    ]
    for i, bound in enumerate(bounds):
        parts.append(f"WHEN {expr} < {bound} THEN {i + 1 if order else quote_literal(labels[i])}")
    last = len(labels) if order else quote_literal(labels[-1])
    return "CASE " + " ".join(parts) + f" ELSE {last} END"


def classify_perimeter(wh: Warehouse, size_bounds: list[int]) -> int:
    labels = size_class_labels(size_bounds)
    size_basis = "coalesce(ct.low, e.jobs)"
    return wh.materialise(
        "perimeter",
        f"""
        SELECT e.vintage, e.siren, e.siret, e.company_name, e.commune, e.commune_name,
               e.departement, e.departement_name, e.region, e.naf, e.naf_label,
               CASE WHEN e.is_core_naf THEN 'core' ELSE 'revealed' END AS perimetre,
               CASE WHEN e.is_core_naf THEN coalesce(fn.filiere, '{OTHER}')
                    ELSE coalesce(ef.filiere, '{NOT_GIVEN}') END AS filiere,
               CASE WHEN e.is_core_naf THEN 'naf:' || e.naf
                    WHEN ef.filiere IS NOT NULL THEN 'partners:' || ef.labels
                    ELSE 'partners: no label' END AS filiere_rule,
               {_size_case(size_basis, size_bounds, labels, order=False)} AS size_class,
               {_size_case(size_basis, size_bounds, labels, order=True)} AS size_order,
               CASE WHEN ct.low IS NOT NULL THEN 'company tranche ' || e.company_tranche
                    WHEN e.jobs IS NOT NULL THEN 'establishment jobs'
                    ELSE 'unknown' END AS size_rule,
               coalesce(e.company_category, '{UNKNOWN_SIZE}') AS company_category,
               e.jobs, e.jobs_low, e.jobs_high, e.jobs_source, e.tranche,
               CASE WHEN e.is_core_naf THEN 'core: NAF ' || e.naf || ' is in the core list'
                    ELSE 'revealed: listed by ' || ent.inputs || '; NAF '
                         || coalesce(e.naf, '?') || ' is not core' END AS rule
        FROM establishments e
        LEFT JOIN ref_tranches ct ON ct.code = e.company_tranche
        LEFT JOIN filiere_naf fn ON fn.naf = e.naf
        LEFT JOIN entity_filieres ef ON ef.siren = e.siren
        LEFT JOIN entities ent ON ent.entity_id = 'siren:' || e.siren
        WHERE e.etat = 'A'
          AND (e.is_core_naf OR (e.is_listed AND coalesce(e.company_etat, 'A') = 'A'))
        """,
    )
