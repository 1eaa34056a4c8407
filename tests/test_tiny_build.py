"""The whole pipeline on the hand-made case of tests/tiny.py (expected values derived there):
CSV register, partner list, headcounts in, every emploi indicator out.

The figures are read from the warehouse's unmasked `ind_<id>` tables: A1's measured headcount
is the only value under secrecy, so every published cell holding A1 is masked (see
tests/confidentiality/test_tiny_masks.py)."""

from __future__ import annotations

import pytest

from healthradar.pipeline import BuildResult


def rows(build: BuildResult, indicator_id: str) -> list[dict]:
    from healthradar.engine.duckdb_backend import DuckDBWarehouse

    result = next(r for r in build.results if r.indicator.id == indicator_id)
    wh = DuckDBWarehouse(build.out_dir / "warehouse.duckdb")
    try:
        return wh.to_rows(wh.table(result.indicator.table_name))
    finally:
        wh.close()


def by(items: list[dict], *keys: str) -> dict:
    return {tuple(i[k] for k in keys) if len(keys) > 1 else i[keys[0]]: i for i in items}


def test_totals(tiny_build: BuildResult) -> None:
    t = by(rows(tiny_build, "emploi.totals"), "perimetre")
    # core: A1 measured 40 + A2 74.5 + B1 7.5; revealed: E1 14.5 + F1 0
    assert (t["core"]["establishments"], t["core"]["jobs"]) == (3, 122.0)
    assert (t["revealed"]["establishments"], t["revealed"]["jobs"]) == (2, 14.5)
    assert t["total"]["jobs"] == 136.5
    # F1's band is NN (non-employer, 0–0): it is not "without information"
    assert (t["total"]["jobs_low"], t["total"]["jobs_high"]) == (106.0, 167.0)
    assert t["total"]["jobs_measured"] == 1
    assert t["total"]["companies"] == 4


def test_by_naf_lists_core_and_revealed_codes(tiny_build: BuildResult) -> None:
    naf = by(rows(tiny_build, "emploi.by_naf"), "perimetre", "naf")
    assert set(naf) == {
        ("core", "21.20Z"),
        ("core", "32.50A"),
        ("revealed", "62.01Z"),
        ("revealed", "70.22Z"),
    }
    assert naf[("core", "21.20Z")]["jobs"] == 114.5
    assert naf[("core", "21.20Z")]["naf_label"] == "Fabrication de préparations pharmaceutiques"


def test_by_departement_lists_every_departement_of_the_region(tiny_build: BuildResult) -> None:
    deps = by(rows(tiny_build, "emploi.by_departement"), "departement")
    assert len(deps) == 12  # Auvergne-Rhône-Alpes
    assert deps["38"]["jobs"] == 82.0 and deps["38"]["establishments"] == 2
    assert deps["69"]["jobs"] == 54.5
    assert deps["03"]["establishments"] == 0
    assert deps["38"]["share_establishments"] == pytest.approx(0.4)
    assert deps["38"]["share_jobs"] == pytest.approx(82 / 136.5)
    assert sum(d["share_jobs"] for d in deps.values()) == pytest.approx(1.0)


def test_by_size_class_uses_company_band(tiny_build: BuildResult) -> None:
    sizes = by(rows(tiny_build, "emploi.by_size_class"), "size_class")
    assert sizes["2\u202f000+"]["establishments"] == 2  # company A is in band 51
    assert sizes["< 250"]["establishments"] == 3


def test_by_filiere_uses_naf_map_and_partner_labels(tiny_build: BuildResult) -> None:
    fil = by(rows(tiny_build, "emploi.by_filiere"), "filiere", "perimetre")
    assert fil[("Biotech/Pharma", "core")]["jobs"] == 114.5
    assert fil[("Medtech", "core")]["establishments"] == 1
    # E is labelled 'e-santé' and 'Santé numérique' by partners; F 'Biotech'
    assert fil[("Santé numérique", "revealed")]["jobs"] == 14.5
    assert fil[("Biotech/Pharma", "revealed")]["establishments"] == 1


def test_size_by_filiere_cells_add_up_to_totals(tiny_build: BuildResult) -> None:
    cells = rows(tiny_build, "emploi.size_by_filiere")
    total = by(rows(tiny_build, "emploi.totals"), "perimetre")["total"]
    assert sum(c["jobs"] for c in cells) == total["jobs"]
    assert sum(c["establishments"] for c in cells) == total["establishments"]


def test_indicator_values_long_format(tiny_build: BuildResult) -> None:
    import json

    from healthradar.engine.duckdb_backend import DuckDBWarehouse

    wh = DuckDBWarehouse(tiny_build.out_dir / "warehouse.duckdb")
    try:
        values = wh.to_rows(wh.table("indicator_values"))
    finally:
        wh.close()
    cell = [
        v
        for v in values
        if v["indicator_id"] == "emploi.totals"
        and v["measure"] == "jobs"
        and json.loads(v["dimensions"]) == {"perimetre": "total"}
    ]
    assert len(cell) == 1
    # 5 establishments stand behind the total, one (A1) under secrecy: masked by the frequency
    # rule, its value kept here in the warehouse
    assert (cell[0]["value"], cell[0]["low"], cell[0]["high"]) == (136.5, 106.0, 167.0)
    assert (cell[0]["unit"], cell[0]["units"], cell[0]["masked"]) == ("jobs", 5, True)
    assert cell[0]["mask_reason"] == "frequency"
    share = [v for v in values if v["measure"] == "share_jobs"]
    assert share and all(v["unit"] == "share" for v in share)
