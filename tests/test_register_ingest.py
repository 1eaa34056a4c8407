"""The register is read by column name, in DuckDB, from CSV or parquet, typed or not."""

from __future__ import annotations

from pathlib import Path

import duckdb

from healthradar.pipeline import build
from tests.tiny import SIREN


def perimeter(root: Path) -> list[tuple]:
    con = duckdb.connect(str(root / "out" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT siret, commune, departement, naf, perimetre, jobs FROM perimeter ORDER BY siret"
        ).fetchall()
    finally:
        con.close()


def test_parquet_with_typed_codes_gives_the_same_perimeter(tiny_project: Path) -> None:
    build(tiny_project)
    from_csv = perimeter(tiny_project)

    reg = tiny_project / "inputs" / "register"
    con = duckdb.connect()
    # An edition that typed codes as numbers (leading zeros lost) and put columns in another order
    con.execute(
        f"""COPY (SELECT * EXCLUDE (siren, codeCommuneEtablissement),
                         CAST(siren AS BIGINT) AS siren,
                         CAST(codeCommuneEtablissement AS INTEGER) AS codeCommuneEtablissement
                  FROM read_csv('{reg / "StockEtablissement_utf8.csv"}', all_varchar=true))
            TO '{reg / "est.parquet"}' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT * FROM read_csv('{reg / "StockUniteLegale_utf8.csv"}', all_varchar=true))
            TO '{reg / "ul.parquet"}' (FORMAT parquet)"""
    )
    con.close()
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(
        cfg.read_text()
        .replace("inputs/register/StockEtablissement_utf8.csv", "inputs/register/est.parquet")
        .replace("inputs/register/StockUniteLegale_utf8.csv", "inputs/register/ul.parquet")
    )
    build(tiny_project)
    assert perimeter(tiny_project) == from_csv
    assert any(row[1] == "01053" and row[2] == "01" for row in from_csv)  # leading zero kept


def test_nd_placeholder_is_missing(tiny_project: Path) -> None:
    est = tiny_project / "inputs" / "register" / "StockEtablissement_utf8.csv"
    lines = est.read_text().splitlines()
    header = lines[0].split(",")
    idx = header.index("trancheEffectifsEtablissement")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] == SIREN["B"]:
            cells[idx] = "[ND]"
        out.append(",".join(cells))
    est.write_text("\n".join(out) + "\n")
    build(tiny_project)
    con = duckdb.connect(str(tiny_project / "out" / "warehouse.duckdb"), read_only=True)
    try:
        row = con.execute(
            "SELECT tranche, jobs, jobs_source FROM perimeter WHERE siren = ?", [SIREN["B"]]
        ).fetchone()
    finally:
        con.close()
    assert row == (None, None, "unknown")


def test_csv_register_is_cached_as_parquet(tiny_project: Path) -> None:
    build(tiny_project)
    cached = list((tiny_project / ".healthradar" / "cache").glob("*.parquet"))
    assert len(cached) == 2
    stamp = [p.stat().st_mtime_ns for p in cached]
    build(tiny_project)
    assert [p.stat().st_mtime_ns for p in cached] == stamp  # reused, not converted again
