"""The committed docs are what the code generates, and any registered chapter is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from healthradar.contracts import Column, Contract
from healthradar.indicators import default_registry
from healthradar.indicators.catalogue import catalogue_markdown
from healthradar.indicators.definition import Chapter, Dimension, Measure
from healthradar.indicators.registry import Registry
from healthradar.inputs_doc import generated_files

DOCS = Path(__file__).resolve().parent.parent / "docs"

GADGETS = Contract(
    input_kind="gadgets",
    title_en="Gadget list",
    title_fr="Liste de gadgets",
    columns=(
        Column("gadget", "text", True, "Gadget name", "Nom du gadget", ("nom",), "Widget"),
        Column("price", "decimal", False, "Price", "Prix", ("prix",), "2,5", min_value=0),
        Column("colour", "text", False, "Colour", "Couleur", (), "red", codes=("red", "blue")),
    ),
)


def _never(ctx: Any) -> Any:
    raise AssertionError("docs must not run queries")


def gadget_registry() -> Registry:
    chapter = Chapter(
        "gadgets",
        title={"fr": "Gadgets", "en": "Gadgets galore"},
        intro={"fr": "Tous les gadgets.", "en": "Every gadget."},
        order=70,
        contracts=(GADGETS,),
    )
    chapter.indicator(
        "by_colour",
        title={"fr": "Gadgets par couleur", "en": "Gadgets by colour"},
        description={"fr": "Décompte.", "en": "A count."},
        sources=("register", "gadgets"),
        requires=("gadgets",),
        dimensions=(
            Dimension(
                "colour",
                {"fr": "Couleur", "en": "Colour"},
                label="colour_name",
                label_title={"fr": "Nom", "en": "Name"},
                sort="colour_order",
            ),
        ),
        measures=(
            Measure("gadgets", "gadgets", {"fr": "Gadgets", "en": "Gadgets"}),
            Measure(
                "value",
                "EUR",
                {"fr": "Valeur", "en": "Value"},
                low="value_low",
                high="value_high",
                units="gadgets",
            ),
        ),
        caveats={"fr": "Prix déclarés.", "en": "Declared prices."},
    )(_never)
    return Registry([chapter])


@pytest.mark.parametrize("rel", sorted(generated_files(default_registry())))
def test_docs_are_up_to_date(rel: str) -> None:
    committed = (DOCS / rel).read_text(encoding="utf-8")
    assert committed == generated_files(default_registry())[rel], "run: python scripts/gen_docs.py"


def test_every_canonical_column_is_documented() -> None:
    from healthradar.contracts import PARTNER_CONTRACTS

    doc = generated_files(default_registry())["inputs.md"]
    for contract in PARTNER_CONTRACTS.values():
        for col in contract.columns:
            assert f"| `{col.name}` |" in doc


def test_a_registered_chapter_is_documented_with_its_input() -> None:
    files = generated_files(gadget_registry())
    catalogue = files["indicators.md"]
    assert "## Gadgets galore / Gadgets (`gadgets`)" in catalogue
    assert "Every gadget." in catalogue and "*Tous les gadgets.*" in catalogue
    assert "### `gadgets.by_colour` — Gadgets by colour" in catalogue
    assert (
        "  - `colour` — Colour / Couleur; label `colour_name` (Name); ordered by `colour_order`"
        in catalogue
    )
    assert (
        "  - `value` — Value / Valeur (unit: EUR; bounds `value_low` – `value_high`; "
        "units counted in `gadgets`)"
    ) in catalogue
    assert "  - `gadgets` — Gadgets / Gadgets (unit: gadgets)" in catalogue
    assert "- Sources: `register`, `gadgets`" in catalogue
    assert "- Requires: `gadgets`" in catalogue
    assert "- Caveats: Declared prices. / *Prix déclarés.*" in catalogue
    inputs = files["inputs.md"]
    assert "### Gadget list / Liste de gadgets (`gadgets`)" in inputs
    assert "Read by the chapter(s): Gadgets galore." in inputs
    assert (
        "| `price` | number (decimal comma or point) | no | ≥ 0; invalid: value dropped" in inputs
    )
    assert "one of `red`, `blue`" in inputs
    assert files["templates/gadgets.csv"] == "nom;prix;colour\nWidget;2,5;red\n"


def test_the_catalogue_lists_every_registered_indicator() -> None:
    registry = default_registry()
    catalogue = catalogue_markdown(registry)
    for chapter in registry.chapters():
        assert f"(`{chapter.id}`)" in catalogue
    for ind in registry:
        assert f"### `{ind.id}`" in catalogue


def test_every_resolution_rule_is_explained_in_both_languages() -> None:
    """A reader of `resolution.csv` finds each code of its `rule` column in `docs/resolve.md`,
    in the English half and in the French one."""
    from healthradar.resolve.decisions import DECISION_RULES

    text = (DOCS / "resolve.md").read_text(encoding="utf-8")
    english, french = text.split("\n# Identifier les entreprises des partenaires\n")
    for rule in DECISION_RULES:
        assert f"`{rule}`" in english, rule
        assert f"`{rule}`" in french, rule
