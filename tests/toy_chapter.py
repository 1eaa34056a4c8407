"""A toy chapter, written only with the plug-in recipe of docs/extending.md.

It reads its own input (`toy_rounds`: funding rounds, one per row) and publishes one indicator.
Nothing in publish/, the templates, the API or the docs knows about it: the tests show that the
build publishes its page, API entries, exports and docs all the same.
"""

from __future__ import annotations

from ibis.expr.types import Table

from healthradar.contracts import Column, Contract
from healthradar.indicators import Chapter, Dimension, Measure, QueryContext

TOY_ROUNDS = Contract(
    input_kind="toy_rounds",
    title_en="Funding rounds (toy)",
    title_fr="Levées de fonds (jouet)",
    columns=(
        Column("company", "text", True, "Company", "Entreprise", ("entreprise",), "Alpha"),
        Column("amount_meur", "decimal", True, "Amount (M€)", "Montant (M€)", ("montant",), "1,5"),
        Column("year", "integer", True, "Year", "Année", ("année",), "2024"),
    ),
)

TOY = Chapter(
    "toy",
    title={"fr": "Levées jouets", "en": "Toy rounds"},
    intro={"fr": "Un chapitre jouet.", "en": "A toy chapter."},
    order=90,
    contracts=(TOY_ROUNDS,),
)

YEAR = Dimension("year", {"fr": "Année", "en": "Year"})
AMOUNT = Measure(
    "amount_meur", "MEUR", {"fr": "Montant levé", "en": "Amount raised"}, units="rounds"
)
ROUNDS = Measure("rounds", "rounds", {"fr": "Levées", "en": "Rounds"}, units="rounds")


@TOY.indicator(
    "by_year",
    title={"fr": "Montants levés par année", "en": "Amounts raised by year"},
    description={"fr": "Somme des levées.", "en": "Sum of the rounds."},
    sources=("toy_rounds",),
    dimensions=(YEAR,),
    measures=(AMOUNT, ROUNDS),
    caveats={"fr": "Données jouets.", "en": "Toy data."},
    chart={"kind": "bar", "x": "year", "y": "amount_meur"},
)
def by_year(ctx: QueryContext) -> Table:
    t = ctx.table("toy_rounds")
    return t.group_by("year").aggregate(
        amount_meur=t.amount_meur.sum().cast("float64"), rounds=t.count().cast("int64")
    )
