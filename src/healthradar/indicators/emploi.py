"""Chapter 'emploi': jobs and establishments of the health industry, core and revealed.

Every query reads `perimeter` (active establishments of the scope, one row each, with the rule
that put them there). Jobs are the sum of measured headcounts and tranche estimates: `jobs` is
the central value, `jobs_low`/`jobs_high` the bounds, `jobs_measured` the establishments whose
value is a measured headcount and `jobs_unknown` those without any headcount information.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.indicators.registry import Indicator, Measure, QueryContext, Registry

CHAPTER = "emploi"
SOURCES = ("register", "partners", "headcounts")

ESTABLISHMENTS = Measure(
    "establishments", "establishments", {"fr": "Établissements", "en": "Establishments"}
)
COMPANIES = Measure("companies", "companies", {"fr": "Entreprises", "en": "Companies"})
JOBS = Measure("jobs", "jobs", {"fr": "Emplois", "en": "Jobs"}, low="jobs_low", high="jobs_high")
JOBS_MEASURED = Measure(
    "jobs_measured",
    "establishments",
    {"fr": "Établissements à effectif mesuré", "en": "Establishments with a measured headcount"},
)
JOBS_UNKNOWN = Measure(
    "jobs_unknown",
    "establishments",
    {"fr": "Établissements sans information d'effectif", "en": "Establishments without headcount"},
)
SHARE_EST = Measure(
    "share_establishments",
    "share",
    {"fr": "Part des établissements", "en": "Share of establishments"},
)
SHARE_JOBS = Measure("share_jobs", "share", {"fr": "Part des emplois", "en": "Share of jobs"})

STANDARD = (ESTABLISHMENTS, COMPANIES, JOBS, JOBS_MEASURED, JOBS_UNKNOWN)

ESTIMATE_CAVEAT = {
    "fr": "Emplois : effectif mesuré quand il est fourni, sinon estimé depuis la tranche "
    "d'effectifs du répertoire Sirene (valeur centrale, bornes basse et haute).",
    "en": "Jobs: measured headcount where provided, otherwise estimated from the Sirene "
    "headcount band (central value, low and high bounds).",
}
REVEALED_CAVEAT = {
    "fr": "« Révélé » : entreprises listées par les partenaires, actives dans le périmètre, "
    "enregistrées sous un code NAF hors cœur ; dépend de l'exhaustivité des listes.",
    "en": "'Revealed': companies listed by partners, active in the scope, registered under a "
    "non-core NAF code; depends on how complete the partner lists are.",
}


def _measures(t: Table) -> dict[str, ibis.Value]:
    return {
        "establishments": t.count().cast("int64"),
        "companies": t.siren.nunique().cast("int64"),
        "jobs": t.jobs.sum().fill_null(0).cast("float64"),
        "jobs_low": t.jobs_low.sum().fill_null(0).cast("float64"),
        "jobs_high": t.jobs_high.sum().fill_null(0).cast("float64"),
        "jobs_measured": t.count(where=t.jobs_source == "headcount"),
        "jobs_unknown": t.count(where=t.jobs.isnull()),
    }


def totals(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    by_perimeter = t.group_by("perimetre").aggregate(**_measures(t))
    overall = t.aggregate(**_measures(t)).mutate(perimetre=ibis.literal("total"))
    return by_perimeter.union(overall.select(*by_perimeter.columns))


def by_naf(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["perimetre", "naf", "naf_label"]).aggregate(**_measures(t))


def by_departement(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    agg = t.group_by("departement").aggregate(**_measures(t))
    deps = ctx.table("ref_departements")
    scope = ctx.settings.get("departements")
    if scope is not None:
        deps = deps.filter(deps.code_departement.isin(scope))
    else:
        deps = deps.filter(deps.code_departement.isin(agg.departement))
    joined = deps.left_join(agg, deps.code_departement == agg.departement)
    filled = joined.select(
        departement=joined.code_departement,
        departement_name=joined.nom,
        **{
            name: joined[name].fill_null(0)
            for name in (
                "establishments",
                "companies",
                "jobs",
                "jobs_low",
                "jobs_high",
                "jobs_measured",
                "jobs_unknown",
            )
        },
    )
    whole = ibis.window()
    return filled.mutate(
        share_establishments=(
            filled.establishments / filled.establishments.sum().over(whole).nullif(0)
        ),
        share_jobs=filled.jobs / filled.jobs.sum().over(whole).nullif(0),
    )


def by_size_class(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["size_order", "size_class"]).aggregate(**_measures(t))


def by_filiere(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["filiere", "perimetre"]).aggregate(**_measures(t))


def size_by_filiere(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["filiere", "size_order", "size_class"]).aggregate(**_measures(t))


def register(registry: Registry) -> None:
    def add(
        name: str,
        title_fr: str,
        title_en: str,
        desc_fr: str,
        desc_en: str,
        dims: tuple[str, ...],
        query: object,
        measures: tuple[Measure, ...] = STANDARD,
        chart: dict[str, object] | None = None,
        order_by: tuple[str, ...] = (),
        caveats: dict[str, str] | None = None,
    ) -> None:
        registry.add(
            Indicator(
                id=f"{CHAPTER}.{name}",
                chapter=CHAPTER,
                title={"fr": title_fr, "en": title_en},
                description={"fr": desc_fr, "en": desc_en},
                sources=SOURCES,
                dimensions=dims,
                measures=measures,
                query=query,  # type: ignore[arg-type]
                caveats=caveats or ESTIMATE_CAVEAT,
                chart=chart or {},
                order_by=order_by,
            )
        )

    add(
        "totals",
        "Emplois et établissements : cœur, révélés, total",
        "Jobs and establishments: core, revealed, total",
        "Établissements actifs du périmètre et leurs emplois, pour le cœur NAF et les "
        "entreprises révélées par les partenaires.",
        "Active establishments in scope and their jobs, for the NAF core and the companies "
        "revealed by partners.",
        ("perimetre",),
        totals,
        chart={"kind": "bar", "x": "perimetre", "y": "jobs"},
        caveats={k: ESTIMATE_CAVEAT[k] + " " + REVEALED_CAVEAT[k] for k in ("fr", "en")},
    )
    add(
        "by_naf",
        "Emplois et établissements par code NAF",
        "Jobs and establishments by NAF code",
        "Cœur : les codes NAF configurés. Révélés : les codes sous lesquels le répertoire "
        "enregistre les entreprises listées par les partenaires.",
        "Core: the configured NAF codes. Revealed: the codes under which the register files "
        "the companies listed by partners.",
        ("perimetre", "naf", "naf_label"),
        by_naf,
        chart={"kind": "barh", "y": "naf", "x": "jobs", "color": "perimetre"},
        order_by=("perimetre", "-jobs", "naf"),
    )
    add(
        "by_departement",
        "Part des emplois et des établissements par département",
        "Share of jobs and of establishments by département",
        "Répartition géographique du périmètre (cœur + révélés).",
        "Geographic distribution of the perimeter (core + revealed).",
        ("departement", "departement_name"),
        by_departement,
        measures=(*STANDARD, SHARE_EST, SHARE_JOBS),
        chart={"kind": "share_pair", "y": "departement_name"},
        order_by=("departement",),
    )
    add(
        "by_size_class",
        "Emplois et établissements par taille d'entreprise",
        "Jobs and establishments by company size",
        "Taille de l'entreprise (tranche d'effectifs de l'unité légale).",
        "Company size (headcount band of the legal unit).",
        ("size_order", "size_class"),
        by_size_class,
        chart={"kind": "bar", "x": "size_class", "y": "jobs", "sort": "size_order"},
        order_by=("size_order",),
    )
    add(
        "by_filiere",
        "Emplois et établissements par filière",
        "Jobs and establishments by filière",
        "Filière : table NAF → filière pour le cœur, libellés normalisés des partenaires "
        "pour les révélés.",
        "Filière: NAF → filière map for the core, partners' normalised labels for revealed.",
        ("filiere", "perimetre"),
        by_filiere,
        chart={"kind": "barh", "y": "filiere", "x": "jobs", "color": "perimetre"},
        order_by=("filiere", "perimetre"),
    )
    add(
        "size_by_filiere",
        "Taille d'entreprise × filière",
        "Company size × filière",
        "Croisement de la taille d'entreprise et de la filière (cœur + révélés).",
        "Company size crossed with filière (core + revealed).",
        ("filiere", "size_order", "size_class"),
        size_by_filiere,
        chart={
            "kind": "heatmap",
            "x": "size_class",
            "y": "filiere",
            "value": "jobs",
            "sort": "size_order",
        },
        order_by=("filiere", "size_order"),
    )
