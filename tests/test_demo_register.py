"""Tests of the register the synthetic demo generator writes (healthradar.demo): its layout,
counts, identifiers and values, against the official column lists and reference data."""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from healthradar.demo import DemoTruth
from healthradar.demo.names import ESTABLISHMENT_COLUMNS, LEGAL_UNIT_COLUMNS
from healthradar.demo.register import TRANCHES
from healthradar.reference import DATA_DIR, naf_labels, region_departements
from tests.demo_files import ESTABLISHMENTS, LEGAL_UNITS, parquet_columns


def test_register_layout(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    for file, columns, rows in (
        (ESTABLISHMENTS, ESTABLISHMENT_COLUMNS, truth.establishments),
        (LEGAL_UNITS, LEGAL_UNIT_COLUMNS, truth.legal_units),
    ):
        table = pq.read_table(root / file)
        assert tuple(table.column_names) == columns
        assert all(t == pa.string() for t in table.schema.types)
        assert table.num_rows == rows
        for name in table.column_names:  # empty values are nulls, never ''
            assert "" not in set(table.column(name).drop_null().to_pylist()), name


def test_register_counts(demo: tuple[Path, DemoTruth, float]) -> None:
    truth = demo[1]
    assert 47_000 <= truth.establishments <= 53_000
    assert 34_000 <= truth.legal_units <= 38_000
    assert 0.93 <= truth.establishments_in_region / truth.establishments <= 0.97
    assert 560 <= truth.core_establishments <= 660
    assert 400 <= truth.core_active_in_region <= 500
    assert 330 <= truth.revealed_companies <= 370
    assert truth.revealed_establishments >= truth.revealed_companies


def test_register_identifiers(demo: tuple[Path, DemoTruth, float]) -> None:
    root = demo[0]
    est = parquet_columns(
        root / ESTABLISHMENTS,
        ["siren", "nic", "siret", "etablissementSiege", "etatAdministratifEtablissement"],
    )
    ul = parquet_columns(
        root / LEGAL_UNITS, ["siren", "nicSiegeUniteLegale", "etatAdministratifUniteLegale"]
    )
    assert all(stdnum_siren.is_valid(s) for s in ul["siren"])
    assert all(stdnum_siret.is_valid(s) for s in est["siret"])
    assert len(set(ul["siren"])) == len(ul["siren"])
    assert len(set(est["siret"])) == len(est["siret"])
    assert any(s.startswith("0") for s in ul["siren"])  # leading zeros are kept
    sieges: dict[str, list[str]] = {}
    states: dict[str, set[str]] = {}
    for siren, nic, siret, siege, state in zip(*est.values(), strict=True):
        assert siret == f"{siren}{nic}" and len(nic) == 5
        if siege == "true":
            sieges.setdefault(siren, []).append(nic)
        states.setdefault(siren, set()).add(state)
    for siren, nic_siege, state in zip(*ul.values(), strict=True):
        assert sieges[siren] == [nic_siege]
        assert state == ("A" if "A" in states[siren] else "C")


def test_register_values(demo: tuple[Path, DemoTruth, float]) -> None:
    root = demo[0]
    est = pq.read_table(root / ESTABLISHMENTS).to_pydict()
    ul = pq.read_table(root / LEGAL_UNITS).to_pydict()
    n = len(est["siret"])
    active = est["etatAdministratifEtablissement"].count("A")
    assert 0.55 <= active / n <= 0.65
    labels = naf_labels()
    rev1 = 0
    for naf, nomenclature, state in zip(
        est["activitePrincipaleEtablissement"],
        est["nomenclatureActivitePrincipaleEtablissement"],
        est["etatAdministratifEtablissement"],
        strict=True,
    ):
        if nomenclature == "NAFRev1":
            rev1 += 1
            assert state == "F" and re.fullmatch(r"\d\d\.\d[A-Z]", naf or "")
        else:
            assert nomenclature == "NAFRev2" and naf in labels
    assert 0.05 <= rev1 / (n - active) <= 0.15
    for tranche, year in zip(
        est["trancheEffectifsEtablissement"], est["anneeEffectifsEtablissement"], strict=True
    ):
        assert tranche is None or tranche in TRANCHES
        assert year == ("2023" if tranche not in (None, "NN") else None)
    # communes: real COG communes, postcode of that commune, ~95 % in the region's départements
    communes: dict[str, set[str]] = {}
    with gzip.open(DATA_DIR / "communes.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            communes.setdefault(row["code_insee"], set()).update(row["codes_postaux"].split("|"))
    inside = set(region_departements("84"))
    in_region = 0
    for code, postcode in zip(
        est["codeCommuneEtablissement"], est["codePostalEtablissement"], strict=True
    ):
        assert postcode in communes[code]
        in_region += code[:2] in inside
    assert 0.93 <= in_region / n <= 0.97
    # legal units: tranche at least the largest establishment's, category consistent
    largest: dict[str, int] = {}
    for siren, tranche, state in zip(
        est["siren"],
        est["trancheEffectifsEtablissement"],
        est["etatAdministratifEtablissement"],
        strict=True,
    ):
        if tranche and state == "A":
            largest[siren] = max(largest.get(siren, 0), TRANCHES.index(tranche))
    categories = Counter(ul["categorieEntreprise"])
    assert categories["GE"] >= 2 and categories["ETI"] >= 10 and categories["PME"] > 20_000
    for siren, tranche, category, state in zip(
        ul["siren"],
        ul["trancheEffectifsUniteLegale"],
        ul["categorieEntreprise"],
        ul["etatAdministratifUniteLegale"],
        strict=True,
    ):
        if siren in largest:
            assert tranche is not None and TRANCHES.index(tranche) >= largest[siren]
        if category == "GE":
            assert tranche in ("52", "53")
        assert (category is None) == (state == "C")
    # partial diffusion: ~1 %, addresses and natural persons' names masked
    hidden = {
        s for s, d in zip(ul["siren"], ul["statutDiffusionUniteLegale"], strict=True) if d == "P"
    }
    assert 0.005 <= len(hidden) / len(ul["siren"]) <= 0.02
    for siren, street in zip(est["siren"], est["libelleVoieEtablissement"], strict=True):
        assert (street == "[ND]") == (siren in hidden)
    for siren, form, name in zip(
        ul["siren"], ul["categorieJuridiqueUniteLegale"], ul["nomUniteLegale"], strict=True
    ):
        if form == "1000":
            assert (name == "[ND]") == (siren in hidden)
    assert all(
        d in ("O", "P") and f in ("5710", "5499", "5599", "6540", "1000")
        for d, f in zip(
            ul["statutDiffusionUniteLegale"], ul["categorieJuridiqueUniteLegale"], strict=True
        )
    )
