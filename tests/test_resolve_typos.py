"""Typo tolerance of the candidate search and blocking (`resolve.typos`): a partner's word one
edit from a register word still finds it, and the row is blocked with that word's entries."""

from __future__ import annotations

import pyarrow as pa

from healthradar.engine import memory_warehouse
from healthradar.resolve import candidates
from healthradar.resolve.typos import edit_neighbours
from tests.test_name_parts import _register, _to_score


def _neighbours(word: str) -> set[str]:
    wh = memory_warehouse()
    wh.load_arrow("words", pa.table({"token": [word]}))
    rows = wh.to_rows(edit_neighbours(wh, wh.table("words")))
    assert {r["token"] for r in rows} <= {word}
    return {r["variant"] for r in rows}


def test_one_edit_spellings_of_a_five_letter_word() -> None:
    got = _neighbours("abcde")
    # Worked by hand for 'abcde' (five distinct letters): 5 letters dropped ('bcde'…'abcd');
    # 4 neighbours swapped ('bacde', 'acbde', 'abdce', 'abced'); 5 × 25 letters changed; 6
    # places × 26 letters added, less 5 doubles (adding 'c' before or after the 'c' gives the
    # same 'abccde'). The four kinds differ in length or in the number of changed places, so
    # they do not overlap: 5 + 4 + 125 + 151 = 285.
    assert len(got) == 285
    assert {"abde", "abdce", "abxde", "zabcde", "abcdez", "abccde"} <= got
    assert "abcde" not in got  # the word itself is not a typo of itself
    assert "abdde" in got and "bacd" not in got  # 'bacd': dropped and swapped, two edits


def test_short_words_are_not_spelled_out() -> None:
    # 'abcd' has four letters, under MIN_TYPO_WORD (5): one edit there is another word
    assert _neighbours("abcd") == set()


def test_a_short_word_with_a_typo_finds_its_company_in_its_departement() -> None:
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "EXDETA", "95154"),  # Chaumontel (95)
            ("222222226", "EXDETA CONSEIL", "13055"),  # Marseille (13)
            ("333333334", "ORBIGOR", "95154"),
        ],
    )
    _to_score(
        wh,
        [
            (2, "Edeta", "95"),  # 'exdeta' less its 'x': one edit
            (3, "Edetu", "95"),  # 'exdeta' two edits away: not a typo we look for
            (4, "Orbigro", "95"),  # 'orbigor' with its last two letters swapped
        ],
    )
    candidates.candidate_units(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    # 'exdeta' is held by two units (with the rare-word bound of 100 it counts anywhere),
    # 'orbigor' by one; nothing is one edit from 'edetu' ('edeta' is not a register word)
    assert got == {"111111118", "222222226", "333333334"}
    near = {(r["token"], r["near"]) for r in wh.to_rows(wh.table("resolve_near_words"))}
    assert near == {("edeta", "exdeta"), ("orbigro", "orbigor")}

    candidates.gate_partner_side(wh)
    left = {r["line"]: r for r in wh.to_rows(wh.table("resolve_left"))}
    assert list(left[2]["near_words"]) == ["exdeta"]
    assert left[3]["near_words"] is None
    assert list(left[4]["near_words"]) == ["orbigor"]
