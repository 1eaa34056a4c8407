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
from healthradar.resolve import candidates, edits, word_lookup
from healthradar.resolve.model import (
    MATCH_THRESHOLD,
    PATTERN_PRECISION,
    REVIEW_THRESHOLD,
    TYPO_LEVEL,
)
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
    got = wh.to_rows(ibis.memtable({"x": [1]}).select(v=edits.one_deletions(word)))
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
    # neither row has a word a register name holds; each may be any of its neighbours
    assert left[2]["known_words"] == [] and sorted(left[2]["typo_words"]) == ["exdeta", "kedeta"]
    assert left[3]["known_words"] == [] and left[3]["typo_words"] == ["truvo"]


@pytest.mark.parametrize(
    ("row", "known", "typo", "entry", "fires"),
    [
        # 'edeta' (no register word) is one edit from 'kedeta'
        (["edeta"], [], ["kedeta", "exdeta"], ["kedeta"], True),
        # 'exdota' is a register word: an entry without it is another company
        (["edeta", "exdota"], ["exdota"], ["exdota", "kedeta"], ["kedeta"], False),
        (["edeta", "exdota"], ["exdota"], ["exdota", "kedeta"], ["exdota", "kedeta"], True),
        # an entry word neither the row's nor near one of its words
        (["edeta", "exdota"], ["exdota"], ["exdota", "kedeta"], ["exdota", "kedeta", "lirona"],
         False),
        # no word differs: the same distinctive words, a level of its own
        (["alpha", "beta"], ["alpha", "beta"], ["alpha", "beta"], ["alpha", "beta"], False),
        # a row whose words all exist elsewhere (a company the register lacks)
        (["alpha"], ["alpha"], ["alpha"], ["alpha", "beta"], False),
        # an unknown word without a counterpart in the entry ('Groupe Pleta Concep' / 'PALETA')
        (["concep", "pleta"], [], ["paleta"], ["paleta"], False),
        # a word twice in a name counts once
        (["edeta"], [], ["kedeta"], ["kedeta", "kedeta"], True),
        # activity words count: 'Institut Parevez' is no typo of 'CLINIQUE PAREVEX'
        (["institut", "parevez"], ["institut"], ["institut", "parevex"], ["clinique", "parevex"],
         False),
        (["institut", "parevez"], ["institut"], ["institut", "parevex"], ["institut", "parevex"],
         True),
    ],
)  # fmt: skip
def test_the_typo_level_is_the_entrys_words_but_for_typos_of_unknown_words(
    row: list[str], known: list[str], typo: list[str], entry: list[str], fires: bool
) -> None:
    import duckdb

    rows = (
        duckdb.connect()
        .execute(
            f"SELECT {TYPO_LEVEL} FROM (SELECT $r::VARCHAR[] AS tokens_l,"
            " $k::VARCHAR[] AS known_words_l, $t::VARCHAR[] AS typo_words_l,"
            " $e::VARCHAR[] AS tokens_r)",
            {"r": row, "k": known, "t": typo, "e": entry},
        )
        .fetchall()
    )
    assert rows == [(fires,)]


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
    unknown = word_lookup.unknown_words(vocabulary, words)
    assert {r["word"] for r in wh.to_rows(unknown)} == {"edeta", "turvo"}
    got = {(r["word"], r["near"]) for r in wh.to_rows(word_lookup.near_words(vocabulary, unknown))}
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
    same on Spark (marker `spark`): the lookup, the exploding blocking rules and the typo level
    run there too.

    Worked by hand (prior odds 1.001e-3; name level 6, 'the same distinctive words but for
    typos', m/u 0.10/4e-6 = 25,000; same commune 0.78/2e-3 = 390):
    - 'edeta' is no register word and 'kedeta' is one insertion away; 'societe' is a stop word,
      so the entry's distinctive words are ['kedeta'], all near the row's: level 6 (before the
      typo level: Jaro-Winkler 0.9444, level 3, p 0.948). 'Lyon' is the commune of an
      establishment in Lyon 1er -> same commune: odds 25,000 × 390 × 1.001e-3 = 9,759.75,
      p 0.99990;
    - 'turvo' / 'truvo' (one transposition): level 6; no place: odds 25,000 × 1.001e-3 =
      25.025, p 0.96158 (before: level 3, p 0.0446).
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
    assert float(edeta["score"]) == pytest.approx(_p(25_000 * 390 * 1.001e-3), abs=1e-5)
    cap = PATTERN_PRECISION.get((6, 3, -1), 1.0)
    if cap >= MATCH_THRESHOLD:
        assert (edeta["decision"], edeta["siren"]) == ("matched", REGISTER[0].siren)
    else:
        assert edeta["decision"] == ("review" if cap >= REVIEW_THRESHOLD else "unmatched")

    assert turvo["candidates"].startswith(REGISTER[1].siren)
    assert float(turvo["score"]) == pytest.approx(_p(25_000 * 1.001e-3), abs=1e-5)
    cap = PATTERN_PRECISION.get((6, -1, -1), 1.0)
    assert turvo["decision"] == ("review" if cap >= REVIEW_THRESHOLD else "unmatched")
    assert turvo["siren"] == ""
