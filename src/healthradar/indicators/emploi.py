"""Chapter 'emploi': jobs and establishments of the health industry, core and revealed.

Every query reads `perimeter` (active establishments of the scope, one row each, with the rule
that put them there). Jobs are the sum of measured headcounts and band estimates: `jobs` is the
central value, `jobs_low`/`jobs_high` the bounds, `jobs_measured` the establishments whose value
is a measured headcount and `jobs_unknown` those without any headcount information.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ibis
from ibis.expr.types import Table

from healthradar.indicators.definition import Chapter, Dimension, Measure
from healthradar.indicators.emploi_headline import key_figures
from healthradar.indicators.registry import QueryContext
from healthradar.reference.filieres import FILIERE_TITLES

SOURCES = ("register", "partners", "headcounts")
REQUIRES = ("register",)  # partner lists and headcounts refine the figures; none is needed

# -- measures (each with its own unit; jobs carry their bounds) ---------------------------------
ESTABLISHMENTS = Measure(
    "establishments",
    "establishments",
    {"fr": "Établissements", "en": "Establishments"},
    units="establishments",
)
COMPANIES = Measure(
    "companies", "companies", {"fr": "Entreprises", "en": "Companies"}, units="companies"
)
JOBS = Measure(
    "jobs",
    "jobs",
    {"fr": "Emplois", "en": "Jobs"},
    low="jobs_low",
    high="jobs_high",
    units="establishments",
    confidential=True,
    source="headcounts",
)
JOBS_MEASURED = Measure(
    "jobs_measured",
    "establishments",
    {"fr": "Établissements à effectif mesuré", "en": "Establishments with a measured headcount"},
    units="establishments",
)
JOBS_UNKNOWN = Measure(
    "jobs_unknown",
    "establishments",
    {"fr": "Établissements sans information d'effectif", "en": "Establishments without headcount"},
    units="establishments",
)
SHARE_EST = Measure(
    "share_establishments",
    "share",
    {"fr": "Part des établissements", "en": "Share of establishments"},
    units="establishments",
    kind="share",
)
SHARE_JOBS = Measure(
    "share_jobs",
    "share",
    {"fr": "Part des emplois", "en": "Share of jobs"},
    units="establishments",
    confidential=True,
    kind="share",
    follows="jobs",
)
STANDARD = (ESTABLISHMENTS, COMPANIES, JOBS, JOBS_MEASURED, JOBS_UNKNOWN)

# -- dimensions ---------------------------------------------------------------------------------
PERIMETRE = Dimension(
    "perimetre",
    {"fr": "Périmètre", "en": "Perimeter"},
    values={
        "core": {"fr": "Cœur", "en": "Core"},
        "revealed": {"fr": "Révélés", "en": "Revealed"},
        "total": {"fr": "Total", "en": "Total"},
    },
)
NAF = Dimension(
    "naf",
    {"fr": "NAF", "en": "NAF"},
    label="naf_label",
    label_title={"fr": "Libellé NAF", "en": "NAF label (INSEE, in French)"},
)
DEPARTEMENT = Dimension(
    "departement",
    {"fr": "Département", "en": "Département"},
    label="departement_name",
    label_title={"fr": "Nom", "en": "Name"},
)
FILIERE = Dimension(
    "filiere",
    {"fr": "Filière", "en": "Filière"},
    values={name: {"fr": name, "en": english} for name, english in FILIERE_TITLES.items()},
)


def size_label(value: object, lang: str) -> str:
    """Size classes are labelled in French by classify ('2 000+', 'Non renseignée')."""
    text = str(value)
    if lang == "fr":
        return text
    if text == "Non renseignée":
        return "Unknown"
    return text.replace("\u202f", ",")


SIZE_CLASS = Dimension(
    "size_class", {"fr": "Taille d'entreprise", "en": "Company size"}, sort="size_order",
    values=size_label,
)  # fmt: skip

# -- caveats ------------------------------------------------------------------------------------
ESTIMATE = {
    "fr": "Emplois : effectif mesuré quand il est fourni, sinon estimé depuis la tranche "
    "d'effectifs du répertoire Sirene (valeur centrale, bornes basse et haute).",
    "en": "Jobs: measured headcount where provided, otherwise estimated from the Sirene "
    "headcount band (central value, low and high bounds).",
}
REVEALED = {
    "fr": "« Révélés » : entreprises listées par les partenaires, actives dans le périmètre, "
    "enregistrées sous un code NAF hors cœur ; dépend de l'exhaustivité des listes.",
    "en": "'Revealed': companies listed by partners, active in the scope, registered under a "
    "non-core NAF code; depends on how complete the partner lists are.",
}
NAF_LABELS = {
    "fr": "",
    "en": "NAF labels are published by INSEE in French only.",
}


def caveats(*parts: Mapping[str, str]) -> dict[str, str]:
    return {lang: " ".join(p[lang] for p in parts if p[lang]) for lang in ("fr", "en")}


JOBS_CAVEATS = caveats(ESTIMATE, REVEALED)


CHAPTER = Chapter(
    "emploi",
    title={"fr": "Emplois et établissements", "en": "Jobs and establishments"},
    intro={
        "fr": "Les emplois et établissements de l'industrie de santé de la région : le cœur "
        "NAF vu par la statistique publique et les entreprises révélées par les listes des "
        "partenaires.",
        "en": "Health-industry jobs and establishments of the region: the NAF core seen by "
        "public statistics and the companies revealed by the partners' lists.",
    },
    order=10,
    key_figures=key_figures,
)


UNKNOWN_JOBS_HIGH = 9.0  # high bound of an establishment without any headcount information


def _unknown_high(ctx: QueryContext) -> float:
    return float(ctx.settings.get("unknown_jobs_high", UNKNOWN_JOBS_HIGH))


def _measures(t: Table, unknown_high: float) -> dict[str, ibis.Value]:
    """An establishment without any headcount information counts 0 in the central value and
    in the low bound, and `unknown_high` in the high bound (docs/confidentiality.md)."""
    return {
        "establishments": t.count().cast("int64"),
        "companies": t.siren.nunique().cast("int64"),
        "jobs": t.jobs.sum().fill_null(0).cast("float64"),
        "jobs_low": t.jobs_low.fill_null(0).sum().fill_null(0).cast("float64"),
        "jobs_high": t.jobs_high.fill_null(unknown_high).sum().fill_null(0).cast("float64"),
        "jobs_measured": t.count(where=t.jobs_source == "headcount").cast("int64"),
        "jobs_unknown": t.count(where=t.jobs.isnull()).cast("int64"),
    }


def _contributions(t: Table, dims: list[str]) -> Table:
    """One row per establishment and cell: its jobs, under secrecy when they are a measured
    headcount; band estimates and unknowns (0) can be recomputed from the open register."""
    return t.select(
        *dims,
        unit=t.siret,
        secret=(t.jobs_source == "headcount").fill_null(False),
        jobs=t.jobs.fill_null(0).cast("float64"),
    )


def _grouped(dims: list[str]) -> Callable[[QueryContext], Table]:
    def contributions(ctx: QueryContext) -> Table:
        return _contributions(ctx.table("perimeter"), dims)

    return contributions


def _totals_contributions(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    by_perimeter = _contributions(t, ["perimetre"])
    overall = _contributions(t.mutate(perimetre=ibis.literal("total")), ["perimetre"])
    return by_perimeter.union(overall, distinct=False)


@CHAPTER.indicator(
    "totals",
    title={
        "fr": "Emplois et établissements : cœur, révélés, total",
        "en": "Jobs and establishments: core, revealed, total",
    },
    description={
        "fr": "Établissements actifs du périmètre et leurs emplois, pour le cœur NAF et les "
        "entreprises révélées par les partenaires.",
        "en": "Active establishments in scope and their jobs, for the NAF core and the "
        "companies revealed by partners.",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(PERIMETRE,),
    measures=STANDARD,
    caveats=JOBS_CAVEATS,
    chart={"kind": "bar", "x": "perimetre", "y": "jobs"},
    order_by=("perimetre",),
    contributions=_totals_contributions,
)
def totals(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    by_perimeter = t.group_by("perimetre").aggregate(**_measures(t, _unknown_high(ctx)))
    overall = t.aggregate(**_measures(t, _unknown_high(ctx))).mutate(
        perimetre=ibis.literal("total")
    )
    return by_perimeter.union(overall.select(*by_perimeter.columns))


@CHAPTER.indicator(
    "by_naf",
    title={
        "fr": "Emplois et établissements par code NAF",
        "en": "Jobs and establishments by NAF code",
    },
    description={
        "fr": "Cœur : les codes NAF configurés. Révélés : les codes sous lesquels le répertoire "
        "enregistre les entreprises listées par les partenaires.",
        "en": "Core: the configured NAF codes. Revealed: the codes under which the register "
        "files the companies listed by partners.",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(PERIMETRE, NAF),
    measures=STANDARD,
    caveats=caveats(ESTIMATE, REVEALED, NAF_LABELS),
    chart={"kind": "barh", "y": "naf", "x": "jobs", "color": "perimetre"},
    order_by=("perimetre", "-jobs", "naf"),
    contributions=_grouped(["perimetre", "naf"]),
)
def by_naf(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["perimetre", "naf", "naf_label"]).aggregate(
        **_measures(t, _unknown_high(ctx))
    )


@CHAPTER.indicator(
    "by_departement",
    title={
        "fr": "Part des emplois et des établissements par département",
        "en": "Share of jobs and of establishments by département",
    },
    description={
        "fr": "Répartition géographique du périmètre (cœur + révélés).",
        "en": "Geographic distribution of the perimeter (core + revealed).",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(DEPARTEMENT,),
    measures=(*STANDARD, SHARE_EST, SHARE_JOBS),
    caveats=JOBS_CAVEATS,
    chart={
        "kind": "share_pair",
        "y": "departement_name",
        "first": "share_jobs",
        "second": "share_establishments",
    },
    order_by=("departement",),
    contributions=_grouped(["departement"]),
)
def by_departement(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    agg = t.group_by("departement").aggregate(**_measures(t, _unknown_high(ctx)))
    deps = ctx.table("ref_departements")
    scope = ctx.settings.get("departements")
    if scope is not None:
        deps = deps.filter(deps.code_departement.isin(scope))
    else:
        deps = deps.filter(deps.code_departement.isin(agg.departement))
    joined = deps.left_join(agg, deps.code_departement == agg.departement)
    names = list(_measures(t, 0.0))
    filled = joined.select(
        departement=joined.code_departement,
        departement_name=joined.nom,
        **{name: joined[name].fill_null(0) for name in names},
    )
    whole = ibis.window()
    return filled.mutate(
        share_establishments=(
            filled.establishments.cast("float64")
            / filled.establishments.sum().over(whole).nullif(0)
        ),
        share_jobs=filled.jobs / filled.jobs.sum().over(whole).nullif(0),
    )


@CHAPTER.indicator(
    "by_size_class",
    title={
        "fr": "Emplois et établissements par taille d'entreprise",
        "en": "Jobs and establishments by company size",
    },
    description={
        "fr": "Taille de l'entreprise (tranche d'effectifs de l'unité légale).",
        "en": "Company size (headcount band of the legal unit).",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(SIZE_CLASS,),
    measures=STANDARD,
    caveats=JOBS_CAVEATS,
    chart={"kind": "bar", "x": "size_class", "y": "jobs", "sort": "size_order"},
    order_by=("size_order",),
    contributions=_grouped(["size_class"]),
)
def by_size_class(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["size_order", "size_class"]).aggregate(**_measures(t, _unknown_high(ctx)))


@CHAPTER.indicator(
    "by_filiere",
    title={
        "fr": "Emplois et établissements par filière",
        "en": "Jobs and establishments by filière",
    },
    description={
        "fr": "Filière : table NAF → filière pour le cœur, libellés normalisés des partenaires "
        "pour les révélés.",
        "en": "Filière: NAF → filière map for the core, partners' normalised labels for revealed.",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(FILIERE, PERIMETRE),
    measures=STANDARD,
    caveats=JOBS_CAVEATS,
    chart={"kind": "barh", "y": "filiere", "x": "jobs", "color": "perimetre"},
    order_by=("filiere", "perimetre"),
    contributions=_grouped(["filiere", "perimetre"]),
)
def by_filiere(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["filiere", "perimetre"]).aggregate(**_measures(t, _unknown_high(ctx)))


@CHAPTER.indicator(
    "size_by_filiere",
    title={"fr": "Taille d'entreprise × filière", "en": "Company size × filière"},
    description={
        "fr": "Croisement de la taille d'entreprise et de la filière (cœur + révélés).",
        "en": "Company size crossed with filière (core + revealed).",
    },
    sources=SOURCES,
    requires=REQUIRES,
    dimensions=(FILIERE, SIZE_CLASS),
    measures=STANDARD,
    caveats=JOBS_CAVEATS,
    chart={
        "kind": "heatmap",
        "x": "size_class",
        "y": "filiere",
        "value": "jobs",
        "sort": "size_order",
    },
    order_by=("filiere", "size_order"),
    contributions=_grouped(["filiere", "size_class"]),
)
def size_by_filiere(ctx: QueryContext) -> Table:
    t = ctx.table("perimeter")
    return t.group_by(["filiere", "size_order", "size_class"]).aggregate(
        **_measures(t, _unknown_high(ctx))
    )
