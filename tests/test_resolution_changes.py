"""A second build reports what moved among the partner rows since the first."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from healthradar.pipeline import build
from tests.tiny import SIREN, write_tiny_project

pytestmark = pytest.mark.slow


def changes(root: Path) -> dict[str, tuple[str, str, str]]:
    with (root / "out" / "exports" / "resolution_changes.csv").open(encoding="utf-8") as h:
        return {
            r["row_key"]: (r["change"], r["siren_before"], r["siren_now"])
            for r in csv.DictReader(h)
        }


def test_new_gone_and_stable_rows(tmp_path: Path) -> None:
    root = write_tiny_project(tmp_path / "p")
    build(root)
    assert changes(root) == {}  # a first build has nothing to compare with
    partners = root / "inputs" / "partners" / "cluster.csv"
    lines = partners.read_text(encoding="cp1252").splitlines()
    # line 2 (Labo Alpha, SIREN A) leaves the list; a company the register lacks comes in;
    # every other row moves up one line, which is not a change
    partners.write_text(
        "\n".join([lines[0], *lines[2:], "Nouvelle Societe;;;Lyon;69001;"]) + "\n",
        encoding="cp1252",
    )
    second = build(root)
    assert changes(root) == {
        "cluster|alpha|69001": ("gone", SIREN["A"], ""),
        "cluster|nouvelle|69001": ("new", "", ""),
    }
    # only new or changed rows are scored: the 4 unchanged rows linked to an active company last
    # time (Epsilon three times, Phi) keep it; Eta's unit is closed, so its row is scored again
    with (root / "out" / "exports" / "resolution.csv").open(encoding="utf-8") as h:
        rules = {r["name"]: r["rule"] for r in csv.DictReader(h)}
    assert rules["Nouvelle Societe"] == "no_candidate"
    assert rules["Phi Conseil"] == rules["Epsilon e-santé"] == "previous_build"
    assert rules["Eta Soins"] != "previous_build"
    assert second.counts["resolve"]["carried_over"] == 4
    page = (root / "out" / "quality.html").read_text(encoding="utf-8")
    assert "1 lignes nouvelles, 1 disparues" in page


def test_a_company_listed_twice_is_carried_over_once_per_row(tmp_path: Path) -> None:
    """Two rows with the same key in the previous build (a duplicate within the list) must not
    multiply the rows of the next one."""
    root = write_tiny_project(tmp_path / "p")
    partners = root / "inputs" / "partners" / "cluster.csv"
    lines = partners.read_text(encoding="cp1252").splitlines()
    partners.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="cp1252")  # Phi again
    build(root)
    second = build(root)
    with (root / "out" / "exports" / "resolution.csv").open(encoding="utf-8") as h:
        rows = list(csv.DictReader(h))
    origins = [(r["file"], r["line"]) for r in rows]
    assert len(origins) == len(set(origins)) == len(lines)  # 10 data lines + the duplicate
    phi = [r for r in rows if r["name"] == "Phi Conseil"]
    assert [(r["decision"], r["rule"]) for r in phi] == [
        ("exact", "previous_build"),
        ("merged", "previous_build"),
    ]
    assert all(r["balanced"] for r in second.reconciliation)
