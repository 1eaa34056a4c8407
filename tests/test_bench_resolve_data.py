"""The labelled data of the resolution benchmark (bench/resolve_data.py) and its naive baseline."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_resolve
import resolve_data as rd

# Communes of the packaged COG (code, postcode) in three départements.
COMMUNES = [("01004", "01500"), ("01053", "01000"), ("38185", "38000"), ("38421", "38400"),
            ("69123", "69001"), ("69266", "69100"), ("75101", "75001")]  # fmt: skip


def _siren(i: int) -> str:
    base = str(40_000_000 + 7 * i)
    return next(base + c for c in "0123456789" if rd.luhn_ok(base + c))


def write_register(folder: Path, n: int, names: list[str] | None = None) -> tuple[Path, Path]:
    """n legal units, one siège each; 3 in 4 active; names given or 'NAME <i>'."""
    folder.mkdir(parents=True, exist_ok=True)
    sirens = [_siren(i) for i in range(n)]
    names = names or [f"NAME {i}" for i in range(n)]
    ul = pa.table({
        "siren": sirens,
        "etatAdministratifUniteLegale": ["C" if i % 4 == 3 else "A" for i in range(n)],
        "denominationUniteLegale": names,
        "sigleUniteLegale": pa.nulls(n, pa.string()),
        "denominationUsuelle1UniteLegale": pa.nulls(n, pa.string()),
        "nicSiegeUniteLegale": ["00010"] * n,
    })  # fmt: skip
    communes = [COMMUNES[i % len(COMMUNES)][0] for i in range(n)]
    est = pa.table({
        "siren": sirens,
        "siret": [s + "00010" for s in sirens],
        "etablissementSiege": [True] * n,
        "codeCommuneEtablissement": communes,
        "etatAdministratifEtablissement": ["F" if i % 4 == 3 else "A" for i in range(n)],
        "enseigne1Etablissement": [f"ENS {i}" if i % 5 == 0 else None for i in range(n)],
        "enseigne2Etablissement": pa.nulls(n, pa.string()),
        "enseigne3Etablissement": pa.nulls(n, pa.string()),
        "denominationUsuelleEtablissement": pa.nulls(n, pa.string()),
    })  # fmt: skip
    pq.write_table(est, folder / "StockEtablissement_t.parquet")
    pq.write_table(ul, folder / "StockUniteLegale_t.parquet")
    return folder / "StockEtablissement_t.parquet", folder / "StockUniteLegale_t.parquet"


def generate(root: Path, seed: int = 3) -> tuple[Path, Path, Path]:
    est, ul = write_register(root / "src", 3000)
    est2, ul2 = rd.derive_register(est, ul, root / "reg", seed, pair_share=0.1)
    project = root / "project"
    rd.write_partners(project, est2, ul2, root / "reg" / "pairs.parquet", 400, 40, seed)
    return project, est2, ul2


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return generate(tmp_path_factory.mktemp("resolve-data"))


def _truth(project: Path) -> list[dict[str, str]]:
    with (project / "truth.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_noise_kind_is_produced(generated: tuple[Path, Path, Path]) -> None:
    truth = _truth(generated[0])
    produced = {k for t in truth for k in t["kinds"].split("|")}
    expected = {k for group in rd.NOISE.values() for k in group} - {"siren_ok", "place_ok"}
    expected = expected - {"legal_form"} | {"legal_form_missing", "legal_form_extra", "absent"}
    assert expected <= produced, expected - produced
    assert len(truth) == 400 and sum(not t["true_siren"] for t in truth) == 40


def test_truth_is_consistent_with_the_register(generated: tuple[Path, Path, Path]) -> None:
    project, _est, ul = generated
    units = {
        s: (etat, name)
        for s, etat, name in duckdb.execute(
            f"SELECT siren, etatAdministratifUniteLegale, denominationUniteLegale "
            f"FROM read_parquet('{ul}')"
        ).fetchall()
    }
    register_cores = {rd.core_key(name) for _, name in units.values() if name}
    for t in _truth(project):
        kinds, given = t["kinds"].split("|"), "".join(c for c in t["siren_given"] if c.isdigit())
        if "absent" in kinds:
            assert not t["true_siren"] and rd.core_key(t["name"]) not in register_cores
            assert given == "" or (rd.luhn_ok(given) and given not in units)
            continue
        assert units[t["true_siren"]] == ("A", t["register_name"])
        if "siren_other_company" in kinds:
            assert rd.luhn_ok(given) and given in units and given != t["true_siren"]
        elif "siren_digit_swap" in kinds:
            assert len(given) == 9 and not rd.luhn_ok(given)
        elif "siret" in kinds:
            assert len(given) == 14 and given.startswith(t["true_siren"])
        elif "siren_empty" in kinds:
            assert given == ""
        else:
            assert given == t["true_siren"]
        if "no_place" in kinds:
            assert t["city"] == t["postcode"] == ""
        twins = [
            s for s, (_, n) in units.items() if n == t["register_name"] and s != t["true_siren"]
        ]
        if "homonym" in kinds or "closed_predecessor" in kinds:
            assert twins, t
        if "closed_predecessor" in kinds:
            assert any(units[s][0] == "C" for s in twins)


def test_output_is_deterministic_for_a_seed(
    tmp_path: Path, generated: tuple[Path, Path, Path]
) -> None:
    again = generate(tmp_path)[0]
    for name in ("truth.csv", "inputs/partenaires.csv"):
        assert (again / name).read_bytes() == (generated[0] / name).read_bytes()


def test_core_key_drops_legal_forms_and_generic_words() -> None:
    assert rd.core_key("Société KALOVI Médical S.A.S.") == "kalovi medical"
    assert rd.core_key("LABORATOIRES KALOVI ET ASSOCIES") == "kalovi"
    assert rd.luhn_ok("552120222") and not rd.luhn_ok("552120223")


def test_naive_baseline_on_hand_written_rows(tmp_path: Path) -> None:
    # Units 0..6 sit in COMMUNES[0..6]; units 7 and 14 share the name 'TWIN' (also in 0 and 6).
    names = [f"ALPHA {i}" for i in range(15)]
    names[7] = names[14] = "TWIN"
    est, ul = write_register(tmp_path / "reg", 15, names)
    project = rd.write_project(tmp_path / "p", est, ul)
    rows = [
        ["Alpha-1", "", "Bourg-en-Bresse", "01000", ""],  # unit 1 is in 01053, postcode 01000
        ["ALPHA 2", "", "", "01000", ""],  # unit 2 is in Grenoble: wrong commune
        ["alpha  4", "", "", "", ""],  # no place: unique nationally
        ["TWIN", "", "", "", ""],  # two companies: no decision
        ["Twin", "", "Paris", "75001", ""],  # unit 14? no: 14 % 7 = 0 -> 01004; 7 -> 01004 too
        ["ALPHA 6", "", "Paris", "75001", ""],  # unit 6 in 75101, postcode 75001
    ]
    (project / "inputs").mkdir(exist_ok=True)
    with (project / "inputs" / "partenaires.csv").open("w", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";").writerows([rd.CSV_HEADER, *rows])
    found = bench_resolve.naive_baseline(project)
    assert found == {"2": _siren(1), "4": _siren(4), "7": _siren(6)}
    truth = [
        {"line": "2", "true_siren": _siren(1), "kinds": ""},
        {"line": "3", "true_siren": _siren(2), "kinds": "moved"},
        {"line": "4", "true_siren": "", "kinds": "absent"},
    ]
    s = bench_resolve.score(truth, {"2": _siren(1), "4": _siren(4)}, {"3"})
    assert (s["precision"], s["recall"], s["absent_matched"], s["wrong"]) == (0.5, 0.5, 1.0, 1)
    assert s["review_share"] == pytest.approx(1 / 3)
