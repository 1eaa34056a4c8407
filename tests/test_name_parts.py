"""A name written in two parts is also scored under each part (`candidates.scoring_side`)."""

from __future__ import annotations

import ibis
import pyarrow as pa

from healthradar.engine import memory_warehouse
from healthradar.resolve.candidates import _keys, _side, scoring_side


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
    raw = wh.table("raw")
    values = {"unique_id": ibis.literal(0), "input": raw.input, "file": raw.file}
    values |= {"line": raw.line, "name": raw.name, **_keys(raw, raw.name)}
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
