"""The partner side of the comparison: a name written in two parts is also scored under each
part (`candidates.scoring_side`); candidates and place-free blocking stay within bounds
(`word_lookup.candidate_units`, `candidates.gate_partner_side`)."""

from __future__ import annotations

import ibis
import pyarrow as pa

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.resolve import candidates, word_lookup
from healthradar.resolve.candidates import KEY_COLUMNS, _side, scoring_side, with_side_keys
from tests.resolve_tables import keyed_rows, strings


def test_each_part_of_a_two_part_name_is_an_entry_of_its_own() -> None:
    wh = memory_warehouse()
    names = [
        "NOVPO - Laboratoire Arpalia",  # a sigle, then the name
        "Dagean Labs (SAS)",  # the bracket holds only a legal form
        "Dupont",  # one part: nothing to add
        "AB / Clinique Verlab",  # 'AB' is shorter than three letters
    ]
    n = len(names)
    wh.load_arrow(
        "raw",
        pa.table({"input": ["l"] * n, "file": ["l.csv"] * n, "line": [2, 3, 4, 5], "name": names}),
    )
    raw = with_side_keys(wh.table("raw"), wh.table("raw").name)
    values = {"unique_id": ibis.literal(0), "input": raw.input, "file": raw.file}
    values |= {"line": raw.line, "name": raw.name, **{k: raw[k] for k in KEY_COLUMNS}}
    wh.materialise("resolve_unsettled", _side(raw, values))

    # Worked by hand: every row once under its whole key, plus
    # line 2: 'NOVPO' -> 'novpo' and 'Laboratoire Arpalia' -> 'arpalia' (laboratoire is a stop
    #   word), both differing from the whole key 'novpo arpalia';
    # line 3: 'Dagean Labs' is the whole key again, 'SAS' is only a legal form, '' is empty;
    # line 4: a single part; line 5: 'AB' is too short, 'Clinique Verlab' -> 'clinique verlab'.
    assert scoring_side(wh) == 4 + 3
    rows = wh.to_rows(wh.table("resolve_to_score"))
    got = sorted((r["line"], r["name_key"], r["name"]) for r in rows)
    assert got == [
        (2, "arpalia", "NOVPO - Laboratoire Arpalia"),
        (2, "novpo", "NOVPO - Laboratoire Arpalia"),
        (2, "novpo arpalia", "NOVPO - Laboratoire Arpalia"),
        (3, "dagean labs", "Dagean Labs (SAS)"),
        (4, "dupont", "Dupont"),
        (5, "ab clinique verlab", "AB / Clinique Verlab"),
        (5, "clinique verlab", "AB / Clinique Verlab"),
    ]
    assert len({r["unique_id"] for r in rows}) == len(rows)  # Splink needs distinct ids


def _register(wh: Warehouse, units: list[tuple[str, str, str]]) -> None:
    """Legal units (siren, denomination, commune of their one establishment)."""
    wh.load_arrow(
        "register_legal_units",
        strings(
            [
                {
                    "siren": s,
                    "denominationUniteLegale": name,
                    "sigleUniteLegale": None,
                    "denominationUsuelle1UniteLegale": None,
                    "etatAdministratifUniteLegale": "A",
                }
                for s, name, _ in units
            ]
        ),
    )
    wh.load_arrow(
        "register_establishments",
        strings(
            [
                {
                    "siren": s,
                    "siret": s + "00011",
                    "enseigne1Etablissement": None,
                    "denominationUsuelleEtablissement": None,
                    "codeCommuneEtablissement": commune,
                    "codePostalEtablissement": None,
                    "etatAdministratifEtablissement": "A",
                    "etablissementSiege": "true",
                }
                for s, _, commune in units
            ]
        ),
    )
    wh.load_arrow(
        "ref_commune_aliases", strings([{"code_insee_ancien": "00000", "code_insee": "00000"}])
    )


def _to_score(wh: Warehouse, rows: list[tuple[int, str, str | None]]) -> None:
    """Rows to score (line, name, département)."""
    given = [{"line": line, "name": name, "departement": dep} for line, name, dep in rows]
    keyed_rows(wh, "resolve_to_score", given)


def test_a_row_without_place_finds_its_whole_name_beside_a_legal_form_or_stop_word(
    monkeypatch,
) -> None:
    # no word rare anywhere: a row without a place has only its whole name to find a company by
    monkeypatch.setattr(word_lookup, "RARE_WORD_UNITS", 0)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "LICORIS TECHNOLOGIES SARL", "69123"),
            ("222222226", "SOCIETE DOXALIS", "13055"),
            ("333333334", "LICORIS TECHNOLOGIES ET SANTE", "13055"),  # more than the name
        ],
    )
    _to_score(wh, [(2, "Licoris Technologies", None), (3, "Doxalis SAS", None)])
    word_lookup.candidate_units(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    # keys 'licoris technologies' and 'doxalis'; the register's names without 'sarl',
    # 'societe', 'et': 'licoris technologies', 'doxalis', 'licoris technologies sante'.
    # Before, folded names were compared whole ('licoris technologies sarl'): no candidate.
    assert got == {"111111118", "222222226"}


def test_a_common_word_makes_candidates_only_in_the_rows_departement(monkeypatch) -> None:
    # 'zorba' is held by three units: with the rare-word bound lowered to 1 it is a common word
    monkeypatch.setattr(word_lookup, "RARE_WORD_UNITS", 1)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "ZORBA", "69123"),  # Lyon (69)
            ("222222226", "ZORBA CONSEIL", "69266"),  # Villeurbanne (69)
            ("333333334", "ZORBA SANTE", "13055"),  # Marseille (13)
            ("444444442", "KELTIS", "13055"),  # a rare word, found anywhere
        ],
    )
    _to_score(wh, [(2, "Pharmacie Zorba", "69"), (3, "Keltis", None), (4, "Zorba", None)])
    word_lookup.candidate_units(wh)
    candidates.register_side(wh)
    got = {r["siren"] for r in wh.to_rows(wh.table("resolve_candidate_units"))}
    # line 2: 'zorba' in 69 -> the two units of 69, not Marseille's; line 3: 'keltis' is held by
    # one unit, so it counts anywhere; line 4: no place, common word -> only the unit whose
    # whole name is 'zorba'
    assert got == {"111111118", "222222226", "444444442"}

    candidates.gate_partner_side(wh)
    left = {r["line"]: r for r in wh.to_rows(wh.table("resolve_left"))}
    assert left[2]["core_first_rare"] is None  # common: blocks only with its département
    assert left[3]["core_first_rare"] == "keltis"  # rare: blocks anywhere
    assert left[2]["key_ends"] is None  # has a place
    # no place: the key's first and last four letters, 'zorb' + 'orba' of 'zorba'
    assert left[4]["key_ends"] == "zorborba"


def test_first_letters_block_only_where_the_communes_block_is_small(monkeypatch) -> None:
    # three candidate entries of Lyon 1er (all hold the row's word 'zorbanix') begin with 'zor':
    # with the bound lowered to 2 that block is too large to compare a row with on those
    # letters; Marseille's single 'kel' entry (a candidate by the head 'kelt') is not
    monkeypatch.setattr(candidates, "MAX_PREFIX_BLOCK", 2)
    wh = memory_warehouse()
    _register(
        wh,
        [
            ("111111118", "ZORBANIX", "69381"),
            ("222222226", "ZORBANIX CONSEIL", "69381"),
            ("333333334", "ZORBANIX SANTE", "69381"),
            ("444444442", "KELTIS", "13055"),
        ],
    )
    keyed_rows(
        wh,
        "resolve_to_score",
        [
            {"line": 2, "name": "Zorbanix", "commune": "69381", "departement": "69"},
            {"line": 3, "name": "Keltiz", "commune": "13055", "departement": "13"},
        ],
    )
    word_lookup.candidate_units(wh)
    candidates.register_side(wh)
    candidates.gate_partner_side(wh)
    left = {r["line"]: r["name_prefix"] for r in wh.to_rows(wh.table("resolve_left"))}
    assert left == {2: None, 3: "kel"}
