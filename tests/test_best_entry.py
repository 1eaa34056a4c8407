"""A row's best entry per company is chosen the same way whatever order the engine returns the
scored pairs in (`resolve.matching._best_per_company`): the register name shown beside a
candidate must not change from one build of the same files to the next."""

from __future__ import annotations

import pyarrow as pa

from healthradar.engine import memory_warehouse
from healthradar.resolve.matching import _best_per_company

COLUMNS = ("input", "file", "line", "siren", "siret", "etat", "variant", "register_name",
           "weight", "is_siege", "names_agree")  # fmt: skip


def _best(rows: list[tuple]) -> list[tuple[str, str]]:
    wh = memory_warehouse()
    wh.load_arrow("pairs", pa.Table.from_pylist([dict(zip(COLUMNS, r, strict=True)) for r in rows]))
    out = wh.to_rows(_best_per_company(wh.table("pairs")))
    return [(r["siret"], r["register_name"]) for r in out]


def test_equal_entries_of_one_establishment_are_settled_by_variant_then_name() -> None:
    # One pharmacy: its legal unit's name and its sign score the same against the row. Same
    # weight, same state, same siège flag, same SIRET: the variant decides ('denomination'
    # before 'enseigne', alphabetically), then the name.
    rows = [
        ("l", "l.csv", 2, "313380792", "31338079200019", "A", "enseigne", "PHARMACIE DU BAUGES",
         -6.4, True, False),
        ("l", "l.csv", 2, "313380792", "31338079200019", "A", "denomination",
         "PHARMACIE DU CHABLAIS", -6.4, True, False),
        ("l", "l.csv", 2, "313380792", "31338079200019", "A", "denomination",
         "PHARMACIE CHABLAIS", -6.4, True, False),
    ]  # fmt: skip
    expected = [("31338079200019", "PHARMACIE CHABLAIS")]
    assert _best(rows) == expected
    assert _best(rows[::-1]) == expected
    assert _best([rows[1], rows[0], rows[2]]) == expected
