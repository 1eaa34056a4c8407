"""Closed companies in a build: the succession file declared in `[inputs.register]`, a row
linked to a closed company shows its successor, and so do closed candidates in the review file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from healthradar.pipeline import build
from tests.test_resolve_decisions import (
    company,
    read_csv,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)

pytestmark = pytest.mark.slow

# Two closed homonyms in Lyon 1er, each taken over by another company; a closed company in
# Grenoble taken over by an active one; an active company that is nobody's successor.
ZENTAVIA_A = company(21, "ZENTAVIA", "69381", "69001", "Lyon", state="C")
ZENTAVIA_B = company(22, "ZENTAVIA", "69381", "69001", "Lyon", state="C")
NORAXIS = company(23, "NORAXIS", "38185", "38000", "Grenoble")
PELTIGEN = company(24, "PELTIGEN", "74010", "74000", "Annecy")
OSTRALIS = company(25, "OSTRALIS", "38185", "38000", "Grenoble", state="C")
SUTERNA = company(26, "SUTERNA", "42218", "42000", "Saint-Etienne")
LIST = "inputs/partners/cluster.csv"


def _project(root: Path) -> Path:
    write_config(root, ["cluster"])
    config = root / "healthradar.toml"
    legal_units = 'legal_units = "inputs/register/StockUniteLegale_utf8.csv"\n'
    text = config.read_text(encoding="utf-8")
    assert legal_units in text
    links = 'successions = "inputs/register/links.csv"\n'
    config.write_text(text.replace(legal_units, legal_units + links), encoding="utf-8")
    register = [ZENTAVIA_A, ZENTAVIA_B, NORAXIS, PELTIGEN, OSTRALIS, SUTERNA]
    write_register(root / "inputs" / "register", register)
    with (root / "inputs" / "register" / "links.csv").open("w", encoding="utf-8") as h:
        writer = csv.writer(h)
        writer.writerow(["siretEtablissementPredecesseur", "siretEtablissementSuccesseur",
                         "dateLienSuccession"])  # fmt: skip
        writer.writerow([ZENTAVIA_A.siret, NORAXIS.siret, "2020-01-01"])
        writer.writerow([ZENTAVIA_B.siret, PELTIGEN.siret, "2021-01-01"])
        writer.writerow([OSTRALIS.siret, SUTERNA.siret, "2022-01-01"])
    rows = [
        ("Zentavia", "", "Lyon", "69001"),  # 2: two equal homonyms in the commune → review
        ("Ostralis", OSTRALIS.siren, "Grenoble", "38000"),  # 3: its own SIREN, closed → exact
        ("Noraxis", NORAXIS.siren, "Grenoble", "38000"),  # 4: active: no successor to show
    ]
    write_list(root / LIST, ["Raison sociale", "N° SIREN", "Ville", "Code postal"], rows)
    return root


def test_successors_in_resolution_and_review(tmp_path: Path) -> None:
    out = build(_project(tmp_path / "p")).out_dir
    resolution = resolution_by_origin(out)

    closed = resolution[(LIST, 3)]
    assert (closed["decision"], closed["siren"]) == ("exact", OSTRALIS.siren)
    assert (closed["successor_siren"], closed["successor_name"]) == (SUTERNA.siren, "SUTERNA")
    active = resolution[(LIST, 4)]
    assert (active["decision"], active["successor_siren"]) == ("exact", "")
    # a row in review has no SIREN, hence no successor in resolution.csv …
    assert (resolution[(LIST, 2)]["decision"], resolution[(LIST, 2)]["successor_siren"]) == (
        "review", "",
    )  # fmt: skip
    # … but each closed candidate of the review file shows the company that took it over
    queue = [r for r in read_csv(out / "review" / "matches_to_review.csv") if r["line"] == "2"]
    assert len(queue) == 1
    shown = {queue[0][f"candidate{i}_siren"]: queue[0][f"candidate{i}_successor"] for i in (1, 2)}
    assert shown == {
        ZENTAVIA_A.siren: f"{NORAXIS.siren} NORAXIS",
        ZENTAVIA_B.siren: f"{PELTIGEN.siren} PELTIGEN",
    }
