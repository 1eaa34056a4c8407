"""A distinctive word with a typo that touches both of its ends (or a word too short to have
ends) still finds its company: the register's words one edit away from it are looked up by
their one-letter deletions (`word_lookup.candidate_units`) and block the row with the entries
that hold them (`model.settings`: `near_rare`, `near_common`)."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from healthradar.engine import memory_warehouse
from healthradar.pipeline import build
from healthradar.resolve import candidates, word_lookup
from healthradar.resolve.model import PATTERN_PRECISION, REVIEW_THRESHOLD
from tests.test_name_parts import _register, _to_score
from tests.test_resolve_decisions import (
    company,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)


def test_one_deletions_are_the_word_and_each_letter_dropped() -> None:
    wh = memory_warehouse()
    word = ibis.literal("edeta")
    got = wh.to_rows(ibis.memtable({"x": [1]}).select(v=word_lookup._one_deletions(word)))
    assert got[0]["v"] == ["edeta", "deta", "eeta", "edta", "edea", "edet"]


def test_words_one_edit_away_make_candidates_rare_anywhere_common_in_the_departement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with the rare-word bound lowered to 1, a word near two units' words is a common one
    monkeypatch.setattr(word_lookup, "RARE_WORD_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "EXDETA", "69123"),  # 'edeta' + 'x': one insertion, Lyon (69)
            ("222222226", "KEDETA", "13055"),  # 'k' + 'edeta': one insertion, Marseille (13)
            ("333333334", "EXDOTA", "69123"),  # two edits from 'edeta': never a candidate
            ("444444442", "TRUVO", "38185"),  # 'turvo' with 'ur' swapped, Grenoble (38)
        ],
    )
    # 'edeta' is five letters (no ends looked up) and no register word; 'societe' is a stop word
    _to_score(wh, [(2, "Societe Edeta", "69"), (3, "Turvo", None)])
    word_lookup.candidate_units(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    # line 2: 'exdeta' and 'kedeta' are near 'edeta' (two units: common) -> only the unit in
    # 69; line 3: 'truvo' is the only word near 'turvo' (one unit: rare) -> anywhere
    assert got == {"111111118", "444444442"}
    near = {(r["word"], r["near"], r["units"]) for r in wh.to_rows(wh.table("resolve_near_words"))}
    assert near == {("edeta", "exdeta", 2), ("edeta", "kedeta", 2), ("turvo", "truvo", 1)}

    candidates.register_side(wh)
    candidates.gate_partner_side(wh)
    left = {r["line"]: r for r in wh.to_rows(wh.table("resolve_left"))}
    assert left[2]["near_rare"] in (None, [])
    assert sorted(left[2]["near_common"]) == ["exdeta", "kedeta"]  # blocked with 69 only
    assert left[3]["near_rare"] == ["truvo"]  # blocked anywhere
    assert left[3]["near_common"] in (None, [])


def test_only_a_word_no_register_name_holds_is_looked_up_and_not_in_a_crowd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with the bound lowered to 1, two register words near 'edeta' make a crowd
    monkeypatch.setattr(word_lookup, "MAX_TOKEN_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "EXDETA", "69123"),
            ("222222226", "KEDETA", "13055"),
            ("444444442", "TRUVO", "38185"),
        ],
    )
    words = ibis.memtable({"token": ["edeta", "turvo", "truvo"]})
    vocabulary = word_lookup.register_vocabulary(wh)
    got = {(r["word"], r["near"]) for r in wh.to_rows(word_lookup.near_words(vocabulary, words))}
    # 'edeta': 'exdeta' + 'kedeta', 2 occurrences > 1, dropped; 'truvo' is a register word
    # (not a typo: its neighbour 'turvo' is not looked for); 'turvo': 'truvo' only
    assert got == {("turvo", "truvo")}


def test_an_end_of_word_held_by_a_crowd_is_not_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_lookup, "MAX_TOKEN_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "KELTIBOR", "69123"),
            ("222222226", "KELTANOS", "13055"),
            ("444444442", "VOS", "38185"),  # too short to have ends
        ],
    )
    got = {
        (r["kind"], r["key"])
        for r in wh.to_rows(word_lookup._crowded_ends(word_lookup.register_vocabulary(wh)))
    }
    # 'kelt' begins two words (2 > 1); the tails 'ibor' and 'anos' end one each
    assert got == {("head", "kelt")}


REGISTER = [
    company(51, "SOCIETE KEDETA", "69381", "69001", "Lyon"),
    company(52, "TRUVO", "38185", "38000", "Grenoble"),
]
LIST = "inputs/partners/cluster.csv"


def _p(odds: float) -> float:
    return odds / (1 + odds)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_row_whose_only_word_has_a_typo_is_scored_against_its_company(
    tmp_path: Path, backend: str
) -> None:
    """Neither row shares a word, an end of a word, its first three letters or its whole name
    with its company: before the one-edit lookup, both were unmatched without a candidate. The
    same on Spark (marker `spark`): the lookup and the exploding blocking rules run there too.

    Worked by hand (prior odds 1.001e-3, name level 3 'distinctive words Jaro-Winkler ≥ .92'
    m/u 0.14/3e-3 = 46.67, same commune 0.78/2e-3 = 390):
    - 'edeta' / 'kedeta': 5 of 5 and 5 of 6 letters match in order, Jaro (1 + 5/6 + 1)/3 =
      0.9444, no common first letter: Jaro-Winkler 0.9444 (under .95 for the whole key, over
      .92 for the distinctive words) -> level 3; 'Lyon' is the commune of an establishment in
      Lyon 1er -> same commune: odds 46.67 × 390 × 1.001e-3 = 18.22, p 0.9480;
    - 'turvo' / 'truvo': 5 matches, one transposition, Jaro (1 + 1 + 4/5)/3 = 0.9333, one
      common first letter: 0.9333 + 0.1 × 0.0667 = 0.94 -> level 3; no place: odds 46.67 ×
      1.001e-3 = 0.0467, p 0.0446.
    """
    root = tmp_path / "near"
    write_register(root / "inputs" / "register", REGISTER)
    write_list(
        root / LIST,
        ["Raison sociale", "SIREN", "Ville", "Code postal"],
        [("Societe Edeta", "", "Lyon", ""), ("Turvo", "", "", "")],
    )
    write_config(root, ["cluster"])
    rows = resolution_by_origin(build(root, backend=backend).out_dir)
    edeta, turvo = rows[(LIST, 2)], rows[(LIST, 3)]

    assert edeta["candidates"].startswith(REGISTER[0].siren)
    assert float(edeta["score"]) == pytest.approx(_p(46.67 * 390 * 1.001e-3), abs=1e-3)
    cap = PATTERN_PRECISION.get((3, 3, -1), 1.0)
    assert edeta["decision"] == ("review" if cap >= REVIEW_THRESHOLD else "unmatched")
    assert edeta["siren"] == ""

    assert turvo["candidates"].startswith(REGISTER[1].siren)
    assert float(turvo["score"]) == pytest.approx(_p(46.67 * 1.001e-3), abs=1e-3)
    assert turvo["siren"] == ""
