"""The contracts themselves: documented in both languages, unambiguous, rules that hold together."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from healthradar.contracts import (
    HEADCOUNTS,
    PARTNER_CONTRACTS,
    PARTNERS,
    Column,
    Contract,
    normalise_header,
)
from healthradar.engine import memory_warehouse
from healthradar.errors import REASONS
from healthradar.validate import headcounts, partners
from healthradar.validate.contract_checks import declared_reasons, validate_table

CONTRACTS = list(PARTNER_CONTRACTS.values())
COLUMNS = [(c, col) for c in CONTRACTS for col in c.columns]
IDS = [f"{c.input_kind}.{col.name}" for c, col in COLUMNS]
# Columns whose declared checks a hand-written rule replaces (validate/<input>.py says why).
HAND_WRITTEN = {
    "partners": {check.column for check in partners.HAND_CHECKS},
    "headcounts": {headcounts.year_check(2024).column},
}


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.input_kind for c in CONTRACTS])
def test_contract_texts_in_both_languages(contract: Contract) -> None:
    assert contract.title_en.strip() and contract.title_fr.strip()
    assert contract.notes_en.strip() and contract.notes_fr.strip()
    assert contract.title_en != contract.title_fr


@pytest.mark.parametrize(("contract", "col"), COLUMNS, ids=IDS)
def test_column_documented(contract: Contract, col: Column) -> None:
    assert col.description_en.strip() and col.description_fr.strip()
    assert col.example.strip(), "the template and docs show an example value"
    assert re.fullmatch("[a-z][a-z0-9_]*", col.name), "canonical names are snake_case"


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.input_kind for c in CONTRACTS])
def test_aliases_unique(contract: Contract) -> None:
    names = [col.name for col in contract.columns]
    assert len(set(names)) == len(names)
    owner: dict[str, str] = {}
    for col in contract.columns:
        assert len(set(col.aliases)) == len(col.aliases), f"{col.name}: alias listed twice"
        for variant in (col.name, *col.aliases):
            key = normalise_header(variant)
            assert key, f"{variant!r} folds to nothing"
            assert owner.setdefault(key, col.name) == col.name, f"{variant!r} is ambiguous"
            assert contract.canonical(variant) == col.name


def test_ambiguous_alias_refused() -> None:
    with pytest.raises(ValueError, match="maps to both"):
        Contract(
            input_kind="x",
            title_en="X",
            title_fr="X",
            columns=(
                Column("a", "text", False, "A", "A", ("N° SIREN",)),
                Column("b", "text", False, "B", "B", ("numero siren", "n siren")),
            ),
        )


@pytest.mark.parametrize(("contract", "col"), COLUMNS, ids=IDS)
def test_declared_reasons_exist(contract: Contract, col: Column) -> None:
    """Every reason code a declared rule in force can give has FR/EN messages in reasons.py."""
    if col.name not in HAND_WRITTEN[contract.input_kind]:
        assert declared_reasons(col) <= set(REASONS)


def test_every_rule_kind_has_a_message() -> None:
    rules = Column("c", "text", True, "C", "C", pattern="[A-Z]+", codes=("AB", "CD"))
    warned = Column("w", "decimal", False, "W", "W", min_value=1, on_invalid="warn")
    assert declared_reasons(rules) | declared_reasons(warned) <= set(REASONS)


def test_declarations_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="pattern"):
        Column("n", "decimal", False, "N", "N", pattern="[0-9]+")
    with pytest.raises(ValueError, match="code list"):
        Column("n", "integer", False, "N", "N", codes=("1", "2"))
    with pytest.raises(ValueError, match="min_value"):
        Column("t", "text", False, "T", "T", min_value=0)
    with pytest.raises(ValueError, match="on_invalid"):
        Column("t", "text", False, "T", "T", on_invalid="drop")  # type: ignore[arg-type]
    with pytest.raises(re.error):
        Column("t", "text", False, "T", "T", pattern="[0-9")


def test_invalid_actions() -> None:
    """Headcounts reject (a headcount replaces an estimate); partner numbers only warn."""
    assert HEADCOUNTS.column("siret").invalid_action == "reject"
    assert HEADCOUNTS.column("headcount").invalid_action == "reject"
    assert HEADCOUNTS.column("headcount").min_value == 0
    assert PARTNERS.column("employees").invalid_action == "warn"
    assert PARTNERS.column("revenue_meur").invalid_action == "warn"


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.input_kind for c in CONTRACTS])
def test_examples_pass_the_declared_rules(contract: Contract) -> None:
    """The example row the docs and templates show is valid by the contract's own rules."""
    wh = memory_warehouse()
    names = [col.name for col in contract.columns]
    row = {"_input": "ex", "_file": "ex.csv", "_line": 2} | {
        col.name: col.example for col in contract.columns
    }
    schema = pa.schema(
        [("_input", pa.string()), ("_file", pa.string()), ("_line", pa.int32())]
        + [(n, pa.string()) for n in names]
    )
    wh.load_arrow("raw_ex", pa.Table.from_pylist([row], schema=schema))
    wh.load_arrow(
        "input_files",
        pa.table({"input": ["ex"], "kind": ["x"], "file": ["ex.csv"], "decimal_mark": [","]}),
    )
    assert validate_table(wh, contract, "raw_ex", "ex_rows", "ex") == 1
    assert wh.count("issues__validate__ex") == 0
    [kept] = wh.to_rows("ex_rows")
    assert kept["reject_reason"] is None
    assert all(kept[n] is not None for n in names)
