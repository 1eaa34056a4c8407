"""The committed input docs and templates are exactly what the contracts generate."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthradar.inputs_doc import generated_files

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("rel", sorted(generated_files()))
def test_docs_are_up_to_date(rel: str) -> None:
    committed = (DOCS / rel).read_text(encoding="utf-8")
    assert committed == generated_files()[rel], "run: python scripts/gen_docs.py"


def test_every_canonical_column_is_documented() -> None:
    from healthradar.contracts import PARTNER_CONTRACTS

    doc = generated_files()["inputs.md"]
    for contract in PARTNER_CONTRACTS.values():
        for col in contract.columns:
            assert f"| `{col.name}` |" in doc
