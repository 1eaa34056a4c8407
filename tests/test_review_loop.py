"""The review loop across builds: review file → `healthradar review accept` → next build.

Build 1 sends three rows to review; the analyst accepts one (the proposed SIREN), rejects one,
and accepts a SIREN that is closed in the register. Build 2 applies the first two and reports
the third. The list is then edited (a reviewed row removed, the others moved); build 3 reports
the decision whose row is gone, keeps applying the others by their row key, and keeps the
entity ids of resolved companies.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthradar.cli import app
from healthradar.pipeline import BuildResult, build
from tests.test_resolve_decisions import (
    CLUSTER,
    CYTOPHAR_1,
    CYTOPHAR_2,
    HELIOGENE,
    NOVALYS,
    VELUMEA,
    company,
    read_csv,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)

pytestmark = pytest.mark.slow

# three BIOSTELLA in Lyon 1er: two active ones (rivals: review) and a closed one, which is no
# rival (active units are preferred) but is listed last, though its SIREN is the smallest
BIOSTELLA_CLOSED = company(12, "BIOSTELLA", "69381", "69001", "Lyon", state="C")
BIOSTELLA_1 = company(13, "BIOSTELLA", "69381", "69001", "Lyon")
BIOSTELLA_2 = company(14, "BIOSTELLA", "69381", "69001", "Lyon")
REGISTER = [
    NOVALYS, VELUMEA, HELIOGENE, CYTOPHAR_1, CYTOPHAR_2, BIOSTELLA_CLOSED, BIOSTELLA_1, BIOSTELLA_2,
]  # fmt: skip
HEADER = ["Raison sociale", "N° SIREN", "Ville", "Code postal"]
ROWS_1 = [
    ("Cytophar", "", "Lyon", "69002"),  # 2: homonyms → review; accepted (proposed SIREN)
    ("Zorbatique", VELUMEA.siren, "Lyon", "69001"),  # 3: SIREN not believed → review; rejected
    ("Biostella", "", "Lyon", "69001"),  # 4: homonyms → review; accepted with the closed SIREN
    ("Novalys Biopharma", NOVALYS.siren, "Lyon", "69001"),  # 5: exact
    ("Héliogène", "", "Grenoble", "38000"),  # 6: matched by name and place
]
# the same list edited: Cytophar gone, the others in another order, one line more
ROWS_2 = [
    ("Novalys Biopharma", NOVALYS.siren, "Lyon", "69001"),  # 2
    ("Biostella", "", "Lyon", "69001"),  # 3
    ("Héliogène", "", "Grenoble", "38000"),  # 4
    ("Quintessor Robotique", "", "Lyon", "69001"),  # 5: new, unmatched
    ("Zorbatique", VELUMEA.siren, "Lyon", "69001"),  # 6
]
DECISIONS = {
    2: ("accept", None),  # keep the proposed SIREN
    3: ("reject", None),
    4: ("accept", BIOSTELLA_CLOSED.siren),
}


def snapshot(result: BuildResult) -> dict:
    """What a test reads of a build (the next build replaces out/)."""
    out = result.out_dir
    return {
        "resolution": resolution_by_origin(out),
        "quality": read_csv(out / "quality.csv"),
        "review": read_csv(out / "review" / "matches_to_review.csv"),
        "reconciliation": result.reconciliation,
    }


def fill_review_file(path: Path) -> list[dict[str, str]]:
    rows = read_csv(path)
    fieldnames = list(rows[0])
    for row in rows:
        decision, siren = DECISIONS[int(row["line"])]
        row["decision"] = decision
        if siren is not None:
            row["siren"] = siren
    with path.open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return rows


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("review") / "project"
    write_config(root, ["cluster"])
    write_register(root / "inputs" / "register", REGISTER)
    write_list(root / CLUSTER, HEADER, ROWS_1)
    first = snapshot(build(root))
    filled = fill_review_file(root / "out" / "review" / "matches_to_review.csv")
    accepted = CliRunner().invoke(app, ["review", "accept", str(root)])
    decisions_file = read_csv(root / "inputs" / "review_decisions.csv")
    second = snapshot(build(root))
    write_list(root / CLUSTER, HEADER, ROWS_2)
    third = snapshot(build(root))
    yield {
        "first": first,
        "filled": filled,
        "accepted": accepted,
        "decisions_file": decisions_file,
        "second": second,
        "third": third,
    }
    shutil.rmtree(root, ignore_errors=True)


def stale(quality: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(raw value, message without the row key) of the stale-decision issues, which are
    reported against the decisions file, not against a partner line."""
    rows = [q for q in quality if q["reason"] == "review_decision_stale"]
    assert all(q["file"] == "inputs/review_decisions.csv" for q in rows)
    return sorted((q["raw_value"], q["message"].split(", ")[0]) for q in rows)


def stale_message(siren: str, detail: str) -> tuple[str, str]:
    return (f"accept {siren}", f"Review decision 'accept {siren}' no longer applies ({detail}")


def outcome(row: dict[str, str]) -> tuple[str, str, str]:
    return row["decision"], row["siren"], row["rule"]


def test_first_build_sends_three_rows_to_review(loop: dict) -> None:
    review = {int(r["line"]): r for r in loop["first"]["review"]}
    assert sorted(review) == [2, 3, 4]
    assert review[2]["siren"] == CYTOPHAR_1.siren  # equal weights: the smaller SIREN first
    # equal weights: the active BIOSTELLA first (smaller SIREN first), the closed one last
    biostella = [review[4][f"candidate{i}_siren"] for i in (1, 2, 3)]
    assert biostella == [BIOSTELLA_1.siren, BIOSTELLA_2.siren, BIOSTELLA_CLOSED.siren]
    assert [review[4][f"candidate{i}_state"] for i in (1, 2, 3)] == ["A", "A", "C"]
    first = loop["first"]["resolution"]
    assert outcome(first[(CLUSTER, 2)]) == ("review", "", "ambiguous_homonyms")
    assert outcome(first[(CLUSTER, 3)]) == ("review", "", "siren_given_name_disagrees")
    assert outcome(first[(CLUSTER, 4)]) == ("review", "", "ambiguous_homonyms")


def test_review_accept_writes_the_decisions_file(loop: dict) -> None:
    result = loop["accepted"]
    assert result.exit_code == 0, result.output
    written = {(r["file"], r["line"]): (r["decision"], r["siren"]) for r in loop["decisions_file"]}
    assert written == {
        (CLUSTER, "2"): ("accept", CYTOPHAR_1.siren),
        (CLUSTER, "3"): ("reject", ""),
        (CLUSTER, "4"): ("accept", BIOSTELLA_CLOSED.siren),
    }
    keys = {r["row_key"] for r in loop["decisions_file"]}
    assert keys == {"cluster|cytophar|69002", "cluster|zorbatique|69001", "cluster|biostella|69001"}


def test_accepted_decision_is_applied_on_the_next_build(loop: dict) -> None:
    row = loop["second"]["resolution"][(CLUSTER, 2)]
    assert outcome(row) == ("matched", CYTOPHAR_1.siren, "review:accept")
    assert row["entity_id"] == f"siren:{CYTOPHAR_1.siren}"
    assert row["register_name"] == "CYTOPHAR"


def test_rejected_decision_is_applied_on_the_next_build(loop: dict) -> None:
    row = loop["second"]["resolution"][(CLUSTER, 3)]
    assert outcome(row) == ("unmatched", "", "review:reject")
    assert row["entity_id"] == "row:cluster:3"


def test_accept_of_a_closed_siren_is_reported_not_applied(loop: dict) -> None:
    second = loop["second"]
    assert stale(second["quality"]) == [stale_message(BIOSTELLA_CLOSED.siren, "siren_closed")]
    # the row keeps its own decision, and is still offered for review
    assert outcome(second["resolution"][(CLUSTER, 4)]) == ("review", "", "ambiguous_homonyms")
    assert [int(r["line"]) for r in second["review"]] == [4]


def test_decision_whose_row_is_gone_is_reported(loop: dict) -> None:
    third = loop["third"]
    # the closed SIREN is still reported too, and nothing else
    assert stale(third["quality"]) == sorted(
        [
            stale_message(CYTOPHAR_1.siren, "row_gone"),
            stale_message(BIOSTELLA_CLOSED.siren, "siren_closed"),
        ]
    )
    gone = [q for q in third["quality"] if q["raw_value"] == f"accept {CYTOPHAR_1.siren}"]
    # reported against the decisions file: line 2 of the list now holds another company
    assert [(q["file"], q["line"], q["severity"]) for q in gone] == [
        ("inputs/review_decisions.csv", "", "warning")
    ]
    assert "cytophar" in gone[0]["message"]  # the row key says which row it was about
    assert all(row["name"] != "Cytophar" for row in third["resolution"].values())


def test_an_unknown_decision_is_reported_not_dropped(tmp_path: Path) -> None:
    """A hand-written 'oui' is not a decision the tool knows: it says so."""
    import pyarrow as pa

    from healthradar.engine import memory_warehouse
    from healthradar.resolve.review import apply_review_decisions

    wh = memory_warehouse()
    text = pa.string()
    wh.load_arrow("review_decisions", pa.table({
        "input": pa.array(["cluster"], text), "row_key": pa.array(["cluster|x|"], text),
        "file": pa.array([None], text), "line": pa.array([None], text),
        "name": pa.array(["X"], text), "decision": pa.array(["oui"], text),
        "siren": pa.array([None], text),
    }))  # fmt: skip
    wh.load_arrow("resolve_partners", pa.table({
        "input": pa.array(["cluster"], text), "file": pa.array(["c.csv"], text),
        "line": pa.array([2], pa.int64()), "name_key": pa.array(["x"], text),
        "postcode": pa.array([None], text),
    }))  # fmt: skip
    wh.load_arrow("register_legal_units", pa.table({
        "siren": pa.array([], text), "etatAdministratifUniteLegale": pa.array([], text),
        "denominationUniteLegale": pa.array([], text), "sigleUniteLegale": pa.array([], text),
    }))  # fmt: skip
    assert apply_review_decisions(wh) == 0
    (issue,) = wh.to_rows("issues__resolve__review_stale")
    assert (issue["raw_value"], issue["detail"]) == ("oui ", "unknown_decision, cluster|x|")


def test_decisions_follow_their_row_when_it_moves(loop: dict) -> None:
    third = loop["third"]["resolution"]
    assert outcome(third[(CLUSTER, 6)]) == ("unmatched", "", "review:reject")
    assert outcome(third[(CLUSTER, 3)]) == ("review", "", "ambiguous_homonyms")
    assert outcome(third[(CLUSTER, 5)]) == ("unmatched", "", "no_candidate")


def test_entity_ids_are_stable_across_builds(loop: dict) -> None:
    second, third = loop["second"]["resolution"], loop["third"]["resolution"]
    novalys = (second[(CLUSTER, 5)], third[(CLUSTER, 2)])
    assert [r["entity_id"] for r in novalys] == [f"siren:{NOVALYS.siren}"] * 2
    # unchanged since the first build: the company is carried over, not scored again
    first = loop["first"]["resolution"]
    assert outcome(first[(CLUSTER, 5)]) == ("exact", NOVALYS.siren, "siren_given_name_agrees")
    assert outcome(first[(CLUSTER, 6)]) == ("matched", HELIOGENE.siren, "name_and_place")
    assert [outcome(r) for r in novalys] == [("exact", NOVALYS.siren, "previous_build")] * 2
    heliogene = (second[(CLUSTER, 6)], third[(CLUSTER, 4)])
    assert [r["entity_id"] for r in heliogene] == [f"siren:{HELIOGENE.siren}"] * 2
    assert [outcome(r) for r in heliogene] == [("matched", HELIOGENE.siren, "previous_build")] * 2


def test_reconciliation_balances_in_every_build(loop: dict) -> None:
    for name in ("first", "second", "third"):
        (recon,) = loop[name]["reconciliation"]
        assert recon["rows_read"] == recon["integrated"] == 5, name
        assert (recon["merged"], recon["rejected"]) == (0, 0), name
        assert recon["balanced"], name
    # to resolve: 1st build the three rows in review; 2nd Zorbatique (rejected) and
    # Biostella; 3rd the same two and Quintessor
    to_resolve = [loop[n]["reconciliation"][0]["to_resolve"] for n in ("first", "second", "third")]
    assert to_resolve == [3, 2, 3]
