"""Typo tolerance of the candidate search and of the blocking: words one edit away.

A partner writes 'Brijutsi' for 'BRIJUTIS', 'Edeta' for 'EXDETA'. The first and last four
letters of a word (`candidates._word_keys`) catch a typo in a long word when the word is rare
or the row gives its département, but not a typo in a short word, where one edit touches both
ends. So each distinctive word of a partner row is also looked up under every spelling one
edit away from it — one letter dropped, added or changed, or two neighbours swapped (the
Damerau-Levenshtein neighbourhood, about 55 spellings per letter of the word). Only the
partners' side is expanded: the register's words are still read once and looked up in a table
(`candidates.candidate_units`), so the national register is never multiplied.

The register words so found give each partner row its `near_words`; a blocking rule pairs the
row with the entries whose first or last distinctive word is one of them, in the row's
département only (`model.settings`). Nothing here scores: whether the two names are close
enough is for the comparison levels to say.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from healthradar.engine import Warehouse

#: a word shorter than this is not looked up under its typos: one edit in four letters is a
#: different word more often than a typo ('mado' / 'nado' / 'malo')
MIN_TYPO_WORD = 5
#: the letters an insertion or a substitution may bring (names are folded: no accents)
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
#: longest word whose typos are spelled out (a longer one keeps its head and tail keys)
MAX_TYPO_WORD = 30


def _constants(wh: Warehouse) -> tuple[Table, Table]:
    """The positions in a word and the alphabet, as two small tables."""
    wh.load_arrow("resolve_edit_positions", pa.table({"i": list(range(MAX_TYPO_WORD + 1))}))
    wh.load_arrow("resolve_edit_letters", pa.table({"letter": list(ALPHABET)}))
    return wh.table("resolve_edit_positions"), wh.table("resolve_edit_letters")


def edit_neighbours(wh: Warehouse, words: Table) -> Table:
    """(token, variant): every spelling one edit from each `token` of `words` (tokens of
    `MIN_TYPO_WORD` to `MAX_TYPO_WORD` letters), the token itself excluded."""
    positions, letters = _constants(wh)
    w = words.select("token").distinct()
    w = w.filter((w.token.length() >= MIN_TYPO_WORD) & (w.token.length() <= MAX_TYPO_WORD))
    at = w.cross_join(positions)
    at = at.filter(at.i <= at.token.length())
    n = at.token.length()
    head = at.token.substr(0, at.i)
    dropped = at.filter(at.i < n).select("token", variant=head + at.token.substr(at.i + 1))
    swapped = at.filter(at.i < n - 1).select(
        "token",
        variant=head + at.token.substr(at.i + 1, 1) + at.token.substr(at.i, 1)
        + at.token.substr(at.i + 2),
    )  # fmt: skip
    lettered = at.cross_join(letters)
    n = lettered.token.length()
    head = lettered.token.substr(0, lettered.i)
    changed = lettered.filter(lettered.i < n).select(
        "token", variant=head + lettered.letter + lettered.token.substr(lettered.i + 1)
    )
    added = lettered.select(
        "token", variant=head + lettered.letter + lettered.token.substr(lettered.i)
    )
    out = dropped.union(swapped, changed, added)
    return out.filter(out.variant != out.token).distinct()


def near_words_of_rows(rows: Table, near: Table) -> Table:
    """(unique_id, near_words): per row to score, the register words one edit from its first or
    last distinctive word (`near`: (token, near) pairs found by `candidates.candidate_units`);
    rows without any are absent."""
    ends = rows.select("unique_id", token=rows.core_first).union(
        rows.select("unique_id", token=rows.core_last)
    )
    j = ends.join(near, "token").select("unique_id", "near").distinct()
    return j.group_by("unique_id").aggregate(near_words=j.near.collect())


def register_ends(core_first: ibis.Value, core_last: ibis.Value) -> ibis.Value:
    """What a register entry offers the typo blocking rule: its first and last distinctive
    words (a partner row's `near_words` are register words, so they are compared as they are)."""
    return ibis.array([core_first, core_last])
