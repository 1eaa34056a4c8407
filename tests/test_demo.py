"""Tests of the synthetic demo generator (healthradar.demo) and of the ground truth it records."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from healthradar.config import load_config
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.demo import DemoTruth, generate
from healthradar.demo.names import ESTABLISHMENT_COLUMNS, LEGAL_UNIT_COLUMNS, HealthNames
from healthradar.demo.register import BOUNDS, TRANCHES
from healthradar.reference import DATA_DIR, naf_labels, region_departements

ESTABLISHMENTS = "inputs/register/StockEtablissement_demo.parquet"
LEGAL_UNITS = "inputs/register/StockUniteLegale_demo.parquet"
HEADCOUNTS_CSV = "inputs/headcounts_2024.csv"
INCUBATEUR = "inputs/partners/incubateur.csv"
CLUSTER = "inputs/partners/cluster.xlsx"
FEDERATION = "inputs/partners/federation.csv"
PARTNER_FILES = (INCUBATEUR, CLUSTER, FEDERATION)
ENCODINGS = {INCUBATEUR: "cp1252", FEDERATION: "utf-8-sig", HEADCOUNTS_CSV: "utf-8"}
DELIMITERS = {INCUBATEUR: ";", FEDERATION: ",", HEADCOUNTS_CSV: ";"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoTruth, float]:
    target = tmp_path_factory.mktemp("demo")
    start = time.perf_counter()
    truth = generate(target)
    return target, truth, time.perf_counter() - start


def read_table(root: Path, file: str) -> list[list[str]]:
    """Header + data rows of a CSV or XLSX input as text cells ('' for empty), as a user's file."""
    if file.endswith(".xlsx"):
        wb = load_workbook(root / file, read_only=True)
        ws = wb.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
        wb.close()
        return rows
    text = (root / file).read_bytes().decode(ENCODINGS[file])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[file]))
    assert len(rows) == len(text.splitlines()), "a field holds a line break"
    return rows


def parquet_columns(path: Path, columns: list[str]) -> dict[str, list[Any]]:
    return pq.read_table(path, columns=columns).to_pydict()


# --- fast unit tests (no full generation) ------------------------------------------------------


def test_health_names_are_unique() -> None:
    import random

    names = HealthNames(random.Random(1))
    made = [names.revealed() for _ in range(500)] + [names.core("21.20Z") for _ in range(300)]
    assert len({n.lower() for n in made}) == len(made)


def test_official_column_lists() -> None:
    assert len(ESTABLISHMENT_COLUMNS) == 54 and len(set(ESTABLISHMENT_COLUMNS)) == 54
    assert len(LEGAL_UNIT_COLUMNS) == 35 and len(set(LEGAL_UNIT_COLUMNS)) == 35
    assert ESTABLISHMENT_COLUMNS[:3] == ("siren", "nic", "siret")
    assert ESTABLISHMENT_COLUMNS[-1] == "activitePrincipaleNAF25Etablissement"
    assert LEGAL_UNIT_COLUMNS[-1] == "activitePrincipaleNAF25UniteLegale"


# --- the generated project (generated once per module, ~4 s) --------------------------------


@pytest.mark.slow
def test_generation_is_deterministic_and_fast(
    demo: tuple[Path, DemoTruth, float], tmp_path: Path
) -> None:
    root, truth, seconds = demo
    assert seconds < 30  # ~4 s on a laptop; the bound only catches a pathological slowdown
    again = generate(tmp_path / "again")

    def digests(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    first, second = digests(root), digests(tmp_path / "again")
    # toml, README, truth, 3 register files, headcounts, 3 partner lists
    assert len(first) == 10
    assert first == second
    assert again == truth


def test_config_is_valid(demo: tuple[Path, DemoTruth, float]) -> None:
    root = demo[0]
    config, raw = load_config(root)
    assert config.project.region == "84"
    assert config.project.vintage == 2024
    assert config.project.synthetic is True
    assert config.project.lang == "fr"
    assert "synthétique" in config.project.name
    assert [p.id for p in config.inputs.partners] == ["incubateur", "cluster", "federation"]
    assert all(p.label for p in config.inputs.partners)
    register = raw["inputs"]["register"]  # type: ignore[index]
    for path in (
        register["establishments"],
        register["legal_units"],
        *(p.path for p in config.inputs.partners),
    ):
        assert (root / path).is_file()
    assert config.inputs.headcounts is not None
    assert (root / config.inputs.headcounts.path).is_file()
    text = (root / "healthradar.toml").read_text(encoding="utf-8")
    assert "SYNTHÉTIQUES" in text and text.count("\n#") >= 10


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


def test_partner_files_encodings(demo: tuple[Path, DemoTruth, float]) -> None:
    root = demo[0]
    latin = (root / INCUBATEUR).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        latin.decode("utf-8")
    assert latin.decode("cp1252").startswith("Raison sociale;N° SIREN;Filière;")
    assert re.search(r";\d+,5;", latin.decode("cp1252"))  # decimal commas
    federation = (root / FEDERATION).read_bytes()
    assert federation.startswith(b"\xef\xbb\xbf")
    assert re.search(r'^"[^"\n]*, [^"\n]*",', federation.decode("utf-8-sig"), re.M)
    wb = load_workbook(root / CLUSTER)
    assert wb.sheetnames[0] == "Adhérents"
    assert wb.properties.created == wb.properties.modified
    sirens = [c.value for c in wb.worksheets[0]["B"][1:] if c.value is not None]
    assert all(isinstance(v, str) for v in sirens)  # text cells: leading zeros survive
    assert any(re.fullmatch(r"\d{3} \d{3} \d{3}", v) for v in sirens)


def test_headers_map_to_contracts(demo: tuple[Path, DemoTruth, float]) -> None:
    root = demo[0]
    for file in PARTNER_FILES:
        header = read_table(root, file)[0]
        mapped = [PARTNERS.canonical(h) for h in header]
        assert None not in mapped, (file, header)
        assert "name" in mapped and "siren" in mapped
        assert len(set(mapped)) == len(mapped)
    header = read_table(root, HEADCOUNTS_CSV)[0]
    assert header == ["siret", "effectif_salarie", "annee"]
    assert [HEADCOUNTS.canonical(h) for h in header] == ["siret", "headcount", "year"]


def test_row_counts(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    for file, low, high in (
        (INCUBATEUR, 230, 290),
        (CLUSTER, 360, 440),
        (FEDERATION, 230, 290),
        (HEADCOUNTS_CSV, 550, 750),
    ):
        assert low <= truth.rows[file] <= high, file
        assert len(read_table(root, file)) - 1 == truth.rows[file]
    assert 850 <= sum(truth.rows[f] for f in PARTNER_FILES) <= 960
    assert len(truth.partner_rows) == sum(truth.rows[f] for f in PARTNER_FILES)


def test_defect_mix(demo: tuple[Path, DemoTruth, float]) -> None:
    truth = demo[1]
    kinds = truth.defects_by_kind()
    partner_rows = sum(truth.rows[f] for f in PARTNER_FILES)
    assert 0.25 <= kinds["siren_missing"] / partner_rows <= 0.36
    assert 0.015 <= kinds["siren_checksum"] / partner_rows <= 0.05
    assert 0.03 <= kinds["siret_as_siren"] / partner_rows <= 0.07
    assert kinds["siren_malformed"] == 9 and kinds["name_missing"] == 12
    assert kinds["row_empty"] == 6 and kinds["number_invalid"] >= 10 + 3
    headcount_kinds = Counter(d.kind for d in truth.defects if d.file == HEADCOUNTS_CSV)
    assert headcount_kinds == {
        "siret_invalid": 5,
        "number_invalid": 3,
        "number_negative": 2,
        "duplicate": 3,
        "siret_not_in_register": 4,
        "year_mismatch": 2,
    }
    share = truth.companies_in_several_lists / truth.partner_companies
    assert 0.25 <= share <= 0.5


def test_defect_values(demo: tuple[Path, DemoTruth, float]) -> None:
    truth = demo[1]
    true_siren = {(r.file, r.line): r.true_siren for r in truth.partner_rows}
    for d in truth.defects:
        if d.kind == "siren_checksum":
            assert re.fullmatch(r"\d{9}", d.raw) and not stdnum_siren.is_valid(d.raw)
        elif d.kind == "siret_as_siren":
            assert stdnum_siret.is_valid(d.raw) and d.raw[:9] == true_siren[(d.file, d.line)]
        elif d.kind == "siren_malformed":
            assert not re.fullmatch(r"\d{9}|\d{14}", d.raw.replace(" ", ""))
        elif d.kind == "siret_invalid":
            assert re.fullmatch(r"\d{14}", d.raw) and not stdnum_siret.is_valid(d.raw)
        elif d.kind == "siret_not_in_register":
            assert stdnum_siret.is_valid(d.raw)


def test_truth_points_at_the_raw_cells(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    tables = {f: read_table(root, f) for f in (*PARTNER_FILES, HEADCOUNTS_CSV)}
    contracts = {f: PARTNERS for f in PARTNER_FILES} | {HEADCOUNTS_CSV: HEADCOUNTS}
    for d in truth.defects:
        table = tables[d.file]
        row = table[d.line - 1]
        if d.column == "*":
            assert not any(cell.strip() for cell in row), d
            continue
        index = [contracts[d.file].canonical(h) for h in table[0]].index(d.column)
        assert row[index] == d.raw, d
    # every partner row: the name cell, and the true SIREN wherever the file gives a usable one
    for r in truth.partner_rows:
        table = tables[r.file]
        mapped = [PARTNERS.canonical(h) for h in table[0]]
        row = table[r.line - 1]
        assert row[mapped.index("name")] == r.name
        if r.role in ("company", "duplicate"):
            assert r.true_siren and r.name
            cell = row[mapped.index("siren")].replace(" ", "")
            if stdnum_siren.is_valid(cell):
                assert cell == r.true_siren
        else:
            assert r.true_siren is None and not r.name
    # duplicates in the headcounts file repeat an earlier row exactly
    headcounts = tables[HEADCOUNTS_CSV]
    for d in truth.defects:
        if d.kind == "duplicate":
            assert headcounts[d.line - 1] in headcounts[1 : d.line - 1]


def test_partner_companies_exist_in_register(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    ul = parquet_columns(root / LEGAL_UNITS, ["siren", "etatAdministratifUniteLegale"])
    state = dict(zip(ul["siren"], ul["etatAdministratifUniteLegale"], strict=True))
    named = {r.true_siren for r in truth.partner_rows if r.true_siren}
    assert named <= set(state)
    assert set(truth.revealed_sirens) <= named
    assert sum(state[s] == "C" for s in named) >= 5  # a few closed companies are listed
    for file in PARTNER_FILES:  # each list mentions several companies also on another list
        here = {r.true_siren for r in truth.partner_rows if r.file == file and r.true_siren}
        elsewhere = {r.true_siren for r in truth.partner_rows if r.file != file}
        assert len(here & elsewhere) >= 50


def test_headcounts_consistent_with_tranches(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    est = parquet_columns(root / ESTABLISHMENTS, ["siret", "trancheEffectifsEtablissement"])
    tranche = dict(zip(est["siret"], est["trancheEffectifsEtablissement"], strict=True))
    flagged = {d.line for d in truth.defects if d.file == HEADCOUNTS_CSV}
    rows = read_table(root, HEADCOUNTS_CSV)[1:]
    decimals = 0
    for line, (siret, value, year) in enumerate(rows, start=2):
        if line in flagged:
            continue
        assert year == "2024" and siret in tranche
        decimals += "." in value
        code = tranche[siret]
        if code not in (None, "NN", "00"):
            low, high = BOUNDS[code]
            assert low <= float(value) <= high
    assert decimals >= 10


def test_truth_file_and_readme(demo: tuple[Path, DemoTruth, float]) -> None:
    root, truth, _ = demo
    assert DemoTruth.load(root / "demo-truth.json") == truth
    assert "synthetic" in truth.note and "no figure" in truth.note
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "synthétiques" in readme and "synthetic" in readme
    assert "healthradar build ." in readme
