"""A word no register name holds, two edits from its company's or one edit away in a crowded
neighbourhood, still finds its company when the row names the company's commune: the words of
the names of the legal units established there are compared with it by edit distance
(`local_typos`), and block the row with that commune's entries (`near_local`)."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from healthradar.engine import memory_warehouse
from healthradar.pipeline import build
from healthradar.resolve import candidates, local_typos, word_lookup
from healthradar.resolve.model import MATCH_THRESHOLD, PATTERN_PRECISION
from tests.resolve_tables import keyed_rows
from tests.test_name_parts import _register
from tests.test_resolve_decisions import (
    company,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)


def _rows(wh, rows: list[tuple[int, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Rows to score (line, name, commune), in the commune's département."""
    given = [{"line": n, "name": name, "commune": c, "departement": c[:2]} for n, name, c in rows]
    keyed_rows(wh, "resolve_to_score", given)


def test_a_word_two_edits_away_in_the_rows_commune_makes_a_candidate() -> None:
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "CLINIQUE XERAGEN", "38185"),  # Grenoble, the row's commune
            ("222222226", "XERAGEN", "13055"),  # the same word in Marseille
            ("333333334", "XERAGONIS", "38185"),  # Grenoble, more than two edits away
        ],
    )
    # 'xerqgeun' -> 'xeragen': 'q' for 'a' and 'u' dropped, two edits: no one-edit neighbour
    _rows(wh, [(2, "Clinique Xerqgeun", "38185")])
    word_lookup.candidate_units(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    assert got == {"111111118"}
    near = [
        (r["unique_id"], r["word"], r["near"], r["commune"], r["siren"], r["crowded"])
        for r in wh.to_rows(wh.table("resolve_local_near"))
    ]
    assert near == [(2, "xerqgeun", "xeragen", "38185", "111111118", False)]

    candidates.register_side(wh)
    candidates.gate_partner_side(wh)
    (left,) = wh.to_rows(wh.table("resolve_left"))
    assert left["near_local"] == ["38185 xeragen"]
    assert left["known_words"] == ["clinique"]
    assert sorted(left["typo_words"]) == ["clinique", "xeragen"]
    entries = {r["siren"]: r["near_local"] for r in wh.to_rows(wh.table("resolve_register"))}
    assert entries == {"111111118": ["38185 xeragen"]}  # 'clinique' is no distinctive word


def test_only_the_closest_words_of_the_place_count() -> None:
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "TEDIDIS", "38185"),  # 'tediis' + 'd': one edit
            ("222222226", "LABORATOIRE HEDILIS", "38185"),  # 't' -> 'h', 'l' added: two
            ("333333334", "TEDISI", "38185"),  # 'is' swapped: two for Levenshtein, one here
        ],
    )
    _rows(wh, [(2, "Tediis", "38185"), (3, "Hediles", "38185")])
    word_lookup.candidate_units(wh)
    near = {(r["word"], r["near"]) for r in wh.to_rows(wh.table("resolve_local_near"))}
    # 'hediles': 'hedilis' one edit, 'tedidis' and 'tedisi' more than two
    assert near == {("tediis", "tedidis"), ("tediis", "tedisi"), ("hediles", "hedilis")}


def test_a_word_near_a_crowd_of_the_communes_units_makes_a_candidate_only_with_the_rows_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with the bounds lowered to 1, two units of the commune holding 'services' make a crowd,
    # here and for the national one-edit lookup (which would otherwise find both units)
    monkeypatch.setattr(local_typos, "MAX_LOCAL_UNITS", 1)
    monkeypatch.setattr(word_lookup, "MAX_TOKEN_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "DAPOGOR SERVICES", "38185"),
            ("222222226", "KELTIS SERVICES", "38185"),
        ],
    )
    _rows(wh, [(2, "Dapogor Servces", "38185"), (3, "Servces", "38185")])
    word_lookup.candidate_units(wh)
    near = {
        (r["unique_id"], r["word"], r["near"], r["siren"], r["crowded"])
        for r in wh.to_rows(wh.table("resolve_local_near"))
    }
    # row 2: 'servces' is near both units' 'services' (a crowd of 2 > 1), but only 111 also
    # holds 'dapogor' (the row's other word, a register word, compared as it is): one unit
    # holds the whole row, no crowd. Row 3 has no other word: both units are a crowd.
    assert near == {
        (2, "dapogor", "dapogor", "111111118", False),
        (2, "servces", "services", "111111118", False),
        (2, "servces", "services", "222222226", True),
        (3, "servces", "services", "111111118", True),
        (3, "servces", "services", "222222226", True),
    }
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    assert got == {"111111118"}
    candidates.register_side(wh)
    candidates.gate_partner_side(wh)
    left = {r["line"]: r for r in wh.to_rows(wh.table("resolve_left"))}
    assert sorted(left[2]["near_local"]) == ["38185 dapogor", "38185 services"]
    assert left[3]["near_local"] in (None, [])
    # the crowded neighbour may still stand for the row's word at the typo level
    assert sorted(left[3]["typo_words"]) == ["services"]


def test_a_row_naming_a_city_several_communes_bear_finds_a_common_word_in_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 'nofanor' held by three units: with the rare-word bound lowered to 1 it is a common word,
    # which the national lookup only follows in the row's département; 'Jussy' names several
    # communes in several départements, so the row has none
    monkeypatch.setattr(word_lookup, "RARE_WORD_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "NOFANOR SYSTEMES", "02397"),  # one of the Jussys
            ("222222226", "NOFANOR", "69123"),
            ("333333334", "NOFANOR CONSEIL", "13055"),
        ],
    )
    given = [{"line": 2, "name": "SYSTÈMES NOFANOR"}]
    keyed_rows(wh, "raw_rows", given)
    raw = wh.table("raw_rows")
    jussy = ibis.literal(["02397", "57352", "89212"], type="array<string>")
    wh.materialise("resolve_to_score", raw.mutate(commune_set=jussy))
    word_lookup.candidate_units(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    assert got == {"111111118"}
    near = [
        (r["word"], r["near"], r["commune"]) for r in wh.to_rows(wh.table("resolve_local_near"))
    ]
    assert near == [("nofanor", "nofanor", "02397")]


REGISTER = [
    company(61, "CLINIQUE XERAGEN", "38185", "38000", "Grenoble"),
    company(62, "XERAGEN", "13055", "13001", "Marseille"),
]
LIST = "inputs/partners/cluster.csv"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_row_with_two_typos_in_its_word_is_matched_in_its_commune(
    tmp_path: Path, backend: str
) -> None:
    """Before the lookup in the row's commune, 'Clinique Xerqgeun' had no candidate: unmatched.

    Worked by hand (prior odds 1e-3 / 0.999 = 1.001e-3): 'clinique' is a register word (the
    row's `known_words`), 'xerqgeun' none, and 'xeragen' is two edits from it in Grenoble; the
    entry's words ['clinique', 'xeragen'] are all among the row's typo words, hold its known
    word, and are as many as the row's: the name's typo level, m/u 0.10/4e-6 = 25,000. 'Grenoble'
    is the commune of the establishment: same commune, 0.78/2e-3 = 390. Odds 25,000 × 390 ×
    1.001e-3 = 9,759.76, p 0.999898. 'XERAGEN' in Marseille is no candidate: not in the row's
    commune, and two edits are looked up only there.
    """
    root = tmp_path / "local"
    write_register(root / "inputs" / "register", REGISTER)
    write_list(
        root / LIST, ["Raison sociale", "SIREN", "Ville", "Code postal"],
        [("Clinique Xerqgeun", "", "Grenoble", "")],
    )  # fmt: skip
    write_config(root, ["cluster"])
    row = resolution_by_origin(build(root, backend=backend).out_dir)[(LIST, 2)]
    odds = 25_000 * 390 * (1e-3 / 0.999)
    assert float(row["score"]) == pytest.approx(odds / (1 + odds), abs=1e-5)
    assert row["candidates"].startswith(REGISTER[0].siren)
    assert REGISTER[1].siren not in row["candidates"]
    assert PATTERN_PRECISION.get((6, 3, -1), 1.0) >= MATCH_THRESHOLD
    assert (row["decision"], row["siren"]) == ("matched", REGISTER[0].siren)
