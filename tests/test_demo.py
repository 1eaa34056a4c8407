"""Tests of the synthetic demo generator (healthradar.demo) and of the ground truth it records."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from healthradar.config import load_config
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.demo import DemoTruth, generate
from healthradar.demo.names import ESTABLISHMENT_COLUMNS, LEGAL_UNIT_COLUMNS, HealthNames
from healthradar.demo.register import BOUNDS
from tests.demo_files import (
    CLUSTER,
    ESTABLISHMENTS,
    FEDERATION,
    HEADCOUNTS_CSV,
    INCUBATEUR,
    LEGAL_UNITS,
    PARTNER_FILES,
    parquet_columns,
    read_table,
)

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
