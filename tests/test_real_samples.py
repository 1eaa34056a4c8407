"""Real INSEE rows from ../shared/data (2019 layout, NAP codes, empty dates): skipped if absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from healthradar.pipeline import build

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sirene"
EST = SHARED / "sirene_as_api_etablissements.csv"
UL = SHARED / "sirene_as_api_unites_legales.csv"

pytestmark = pytest.mark.skipif(not EST.exists(), reason="../shared/data is not beside the repo")

CONFIG = """\
[project]
name = "Real sample"
region = "FR"
vintage = 2024

[inputs.register]
establishments = "inputs/est.csv"
legal_units = "inputs/ul.csv"
"""


def test_real_sirene_rows_build(tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    shutil.copy(EST, tmp_path / "inputs" / "est.csv")
    shutil.copy(UL, tmp_path / "inputs" / "ul.csv")
    (tmp_path / "healthradar.toml").write_text(CONFIG, encoding="utf-8")
    result = build(tmp_path)
    assert result.counts["register"]["rows"] == 3
    con = duckdb.connect(str(result.out_dir / "warehouse.duckdb"), read_only=True)
    try:
        siren = con.execute("SELECT siren FROM register_establishments ORDER BY 1").fetchall()
        perimeter = con.execute("SELECT count(*) FROM perimeter").fetchone()
    finally:
        con.close()
    assert siren[0][0] == "005880034"  # leading zeros kept
    assert perimeter == (0,)  # closed 1984 establishments in the old NAP nomenclature
