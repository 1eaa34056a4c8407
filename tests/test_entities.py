"""Entities from hand-made decisions: who wins among duplicates, what stays to resolve."""

from __future__ import annotations

import pyarrow as pa
import pytest

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.resolve.entities import build_entities, link_entities


def _row(input_: str, line: int, name: str | None, siren: str | None, reject=None, city=None):
    return {
        "input": input_,
        "file": f"{input_}.csv",
        "line": line,
        "name": name,
        "siren": siren,
        "filiere_label": None,
        "city": city,
        "postcode": None,
        "reject_reason": reject,
    }


@pytest.fixture
def wh() -> Warehouse:
    warehouse = memory_warehouse()
    rows = [
        _row("a", 2, "X SAS", "111111118", city="Lyon"),  # listed first in list a...
        _row("b", 5, "X", "111111118"),  # ...but list b comes first in the config: b wins
        _row("a", 3, None, "222222226"),  # valid SIREN the register does not know
        _row("a", 4, "Y", None),  # no SIREN at all
        _row("a", 6, None, None, reject="row_empty"),  # rejected by validate: no outcome here
        _row("b", 7, "X again", "111111118"),  # a second duplicate within list b
    ]
    warehouse.load_arrow("partner_rows", pa.Table.from_pylist(rows))
    warehouse.load_arrow(
        "partner_inputs",
        pa.Table.from_pylist(
            [{"input": "b", "ord": 0, "label": "B"}, {"input": "a", "ord": 1, "label": "A"}]
        ),
    )
    warehouse.load_arrow(
        "register_legal_units",
        pa.Table.from_pylist(
            [
                {
                    "siren": "111111118",
                    "etatAdministratifUniteLegale": "A",
                    "denominationUniteLegale": "X CORP",
                },
            ]
        ),
    )
    decisions = [  # what `decisions.decide` would say of each kept row
        ("a", 2, "exact", "111111118", "siren_given_name_agrees"),
        ("b", 5, "exact", "111111118", "siren_given_name_agrees"),
        ("b", 7, "exact", "111111118", "siren_given_name_agrees"),
        ("a", 3, "unmatched", None, "siren_not_in_register"),
        ("a", 4, "unmatched", None, "no_candidate"),
    ]
    warehouse.load_arrow(
        "match_decisions",
        pa.Table.from_pylist(
            [
                {"input": i, "file": f"{i}.csv", "line": line, "decision": d, "siren": s, "rule": r}
                for i, line, d, s, r in decisions
            ]
        ),
    )
    return warehouse


def test_the_first_list_in_config_order_wins_and_others_merge(wh: Warehouse) -> None:
    assert link_entities(wh) == {"entities": 3, "resolved": 1, "to_resolve": 2}
    outcomes = {
        (r["file"], r["line"]): (r["outcome"], r["entity_id"], r["status"])
        for r in wh.to_rows("outcomes__resolve__partners")
    }
    assert outcomes == {
        ("b.csv", 5): ("integrated", "siren:111111118", "resolved"),
        ("b.csv", 7): ("merged", "siren:111111118", "resolved"),
        ("a.csv", 2): ("merged", "siren:111111118", "resolved"),
        ("a.csv", 3): ("integrated", "row:a:3", "to_resolve"),
        ("a.csv", 4): ("integrated", "row:a:4", "to_resolve"),
    }
    merged = {
        (r["file"], r["line"]): r["detail"] for r in wh.to_rows("issues__resolve__duplicates")
    }
    assert merged == {("b.csv", 7): "b.csv:5", ("a.csv", 2): "b.csv:5"}


def test_entity_takes_the_winning_rows_name_and_the_register_name(wh: Warehouse) -> None:
    link_entities(wh)
    ents = {e["entity_id"]: e for e in wh.to_rows("entities")}
    x = ents["siren:111111118"]
    assert (x["name"], x["register_name"], x["n_rows"], x["inputs"]) == ("X", "X CORP", 3, "a, b")
    assert x["city"] is None  # the winning row (b:5) gives no city; a:2's Lyon is not mixed in


def test_rows_without_a_decided_siren_stay_to_resolve_with_their_rule(wh: Warehouse) -> None:
    link_entities(wh)
    ents = {e["entity_id"]: e for e in wh.to_rows("entities")}
    assert ents["row:a:3"]["status"] == "to_resolve"
    assert ents["row:a:3"]["to_resolve_reason"] == "siren_not_in_register"
    assert ents["row:a:4"]["to_resolve_reason"] == "no_candidate"
    links = {(r["file"], r["line"]): r["siren_given"] for r in wh.to_rows("entity_links")}
    assert links[("a.csv", 3)] == "222222226"  # what the partner wrote stays visible


def test_build_entities_replaces_its_records_when_rerun(wh: Warehouse) -> None:
    link_entities(wh)
    build_entities(wh)
    assert wh.count("outcomes__resolve__partners") == 5
    assert wh.count("issues__resolve__duplicates") == 2
