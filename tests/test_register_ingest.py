"""The register is read by column name, from CSV or parquet, typed or not, on any backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthradar.contracts import (
    REGISTER_ESTABLISHMENT_OPTIONAL,
    REGISTER_ESTABLISHMENT_REQUIRED,
    REGISTER_SUCCESSION_OPTIONAL,
    REGISTER_SUCCESSION_REQUIRED,
)
from healthradar.engine import Warehouse, memory_warehouse
from healthradar.errors import FatalInputError
from healthradar.ingest.register import attach_register, inspect_register
from tests.tiny import SIRET, write_register_csv

EST_COLUMNS = [*REGISTER_ESTABLISHMENT_REQUIRED, *REGISTER_ESTABLISHMENT_OPTIONAL]


def view_rows(wh: Warehouse, view: str) -> list[dict[str, Any]]:
    return wh.to_rows(wh.table(view).order_by("siret"))


def attach(wh: Warehouse, role: str, path: Path, cache: Path) -> None:
    attach_register(wh, inspect_register(role, path, path.name), cache)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header), *(",".join(f'"{v}"' for v in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_and_typed_parquet_give_the_same_views(tmp_path: Path) -> None:
    est, _ = write_register_csv(tmp_path / "csv")
    from_csv = memory_warehouse()
    attach(from_csv, "establishments", est, tmp_path / "cache")
    expected = view_rows(from_csv, "register_establishments")
    assert len(expected) == 9
    assert "01053" in {r["codeCommuneEtablissement"] for r in expected}  # leading zero kept

    # An edition that typed codes as numbers (leading zeros lost), in another column order.
    table = pacsv.read_csv(
        est,
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(EST_COLUMNS, pa.string())),
    )
    typed = table.select(list(reversed(table.column_names)))
    for name, dtype in (
        ("siren", pa.int64()),
        ("codeCommuneEtablissement", pa.int32()),
        ("trancheEffectifsEtablissement", pa.float64()),
    ):
        clean = pa.array([None if v in ("", "NN") else v for v in typed[name].to_pylist()])
        typed = typed.set_column(typed.column_names.index(name), name, clean.cast(dtype))
    parquet = tmp_path / "est.parquet"
    pq.write_table(typed, parquet)
    reg = inspect_register("establishments", parquet, "est.parquet")
    assert reg.columns["siren"] == "int64"
    from_parquet = memory_warehouse()
    attach_register(from_parquet, reg, tmp_path / "cache")
    got = view_rows(from_parquet, "register_establishments")
    # 'NN' cannot survive a numeric edition; every other value is the same text.
    for row in expected:
        if row["trancheEffectifsEtablissement"] == "NN":
            row["trancheEffectifsEtablissement"] = None
    assert got == expected
    assert list(got[0]) == EST_COLUMNS  # contract order, whatever the file's


def test_nd_placeholder_blanks_and_absent_columns(tmp_path: Path) -> None:
    header = list(REGISTER_ESTABLISHMENT_REQUIRED)  # no optional column at all
    rows = [
        ["005410394", "00541039400017", " 01053 ", "21.20Z", "A", "[ND]"],
        ["005410394", "00541039400025", "", "21.20Z", "A", "  "],
    ]
    path = write_csv(tmp_path / "est.csv", header, rows)
    wh = memory_warehouse()
    attach(wh, "establishments", path, tmp_path / "cache")
    clean = view_rows(wh, "register_establishments")
    assert [
        (r["siren"], r["codeCommuneEtablissement"], r["trancheEffectifsEtablissement"])
        for r in clean
    ] == [("005410394", "01053", None), ("005410394", None, None)]
    assert {r["nic"] for r in clean} == {None}  # absent optional column: NULL text
    raw = view_rows(wh, "register_establishments_raw")
    assert raw[0]["trancheEffectifsEtablissement"] == "[ND]"  # raw keeps what the file says
    assert raw[0]["codeCommuneEtablissement"] == " 01053 "
    assert wh.table("register_establishments").schema()["nic"].is_string()


def test_csv_register_is_cached_as_parquet(tmp_path: Path) -> None:
    est, lu = write_register_csv(tmp_path / "csv")
    cache = tmp_path / "cache"
    for role, path in (("establishments", est), ("legal_units", lu)):
        attach(memory_warehouse(), role, path, cache)
    cached = sorted(cache.glob("*.parquet"))
    assert len(cached) == 2
    stamp = [p.stat().st_mtime_ns for p in cached]
    wh = memory_warehouse()
    for role, path in (("establishments", est), ("legal_units", lu)):
        attach(wh, role, path, cache)
    assert [p.stat().st_mtime_ns for p in cached] == stamp  # reused, not converted again
    assert wh.count("register_legal_units") == 8
    # A half-written conversion (no marker) is redone rather than read.
    for marker in cache.glob("*.ready"):
        marker.unlink()
    attach(memory_warehouse(), "establishments", est, cache)
    assert len(list(cache.glob("*.ready"))) == 1


def test_bom_header_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "est.csv", list(REGISTER_ESTABLISHMENT_REQUIRED), [])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    reg = inspect_register("establishments", path, "est.csv")
    assert reg.wanted == list(REGISTER_ESTABLISHMENT_REQUIRED)
    assert reg.is_csv


def test_fatal_inputs(tmp_path: Path) -> None:
    def code(path: Path) -> tuple[str, str | None]:
        with pytest.raises(FatalInputError) as info:
            inspect_register("establishments", path, path.name)
        return info.value.code, info.value.column

    assert code(tmp_path / "absent.csv") == ("input_missing", None)
    (tmp_path / "stock.zip").write_bytes(b"PK\x03\x04")
    assert code(tmp_path / "stock.zip") == ("input_unreadable", None)
    # named by its first bytes (issue 9): text is not parquet, an empty file is empty
    (tmp_path / "broken.parquet").write_bytes(b"not a parquet file")
    assert code(tmp_path / "broken.parquet") == ("input_wrong_type", None)
    (tmp_path / "truncated.parquet").write_bytes(b"PAR1 cut short")
    assert code(tmp_path / "truncated.parquet") == ("input_unreadable", None)
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert code(tmp_path / "empty.csv") == ("input_empty", None)
    header = [c for c in REGISTER_ESTABLISHMENT_REQUIRED if c != "siret"]
    assert code(write_csv(tmp_path / "nosiret.csv", header, [])) == ("column_missing", "siret")
    pq.write_table(pa.table({"siren": ["005410394"]}), tmp_path / "thin.parquet")
    assert code(tmp_path / "thin.parquet") == ("column_missing", "siret")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=0, max_value=999_999_999), min_size=1, max_size=20))
def test_numeric_sirens_come_back_as_nine_digits(tmp_path: Path, sirens: list[int]) -> None:
    path = tmp_path / "est.parquet"
    columns: dict[str, pa.Array] = {
        name: pa.array(["x"] * len(sirens)) for name in REGISTER_ESTABLISHMENT_REQUIRED
    }
    columns["siren"] = pa.array(sirens, pa.int64())
    columns["siret"] = pa.array([n * 100_000 + 17 for n in sirens], pa.int64())
    pq.write_table(pa.table(columns), path)
    wh = memory_warehouse()
    attach(wh, "establishments", path, tmp_path / "cache")
    rows = wh.to_rows(wh.table("register_establishments_raw").select("siren", "siret"))
    assert sorted((r["siren"], r["siret"]) for r in rows) == sorted(
        (f"{n:09d}", f"{n:09d}00017") for n in sirens
    )


@pytest.mark.spark
def test_spark_reads_the_csv_register_like_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from healthradar.engine.spark_backend import SparkWarehouse

    est, _ = write_register_csv(tmp_path / "csv")
    duck = memory_warehouse()
    attach(duck, "establishments", est, tmp_path / "cache")
    spark = SparkWarehouse(tmp_path / "spark")
    try:
        attach(spark, "establishments", est, tmp_path / "cache")
        assert view_rows(spark, "register_establishments") == view_rows(
            duck, "register_establishments"
        )
        assert SIRET["A1"] in {r["siret"] for r in view_rows(spark, "register_establishments")}
        # One cache per backend: DuckDB's file and Spark's folder of parts.
        assert len(list((tmp_path / "cache").glob("*.ready"))) == 2
    finally:
        spark.close()


def test_succession_links_are_read_with_their_codes_and_checked(tmp_path: Path) -> None:
    """The optional succession file (INSEE's CSV writes booleans and dates as text; a parquet
    edition may type the SIRETs as numbers: their leading zeros come back)."""
    header = list(REGISTER_SUCCESSION_REQUIRED + REGISTER_SUCCESSION_OPTIONAL)
    row = ["00541039400017", "73282932000074", "2021-03-01", "true", "false"]
    wh = memory_warehouse()
    attach(wh, "successions", write_csv(tmp_path / "links.csv", header, [row]), tmp_path / "c")
    assert wh.to_rows("register_successions") == [dict(zip(header, row, strict=True))]
    typed = pa.table(
        {
            "siretEtablissementPredecesseur": pa.array([541039400017], pa.int64()),
            "siretEtablissementSuccesseur": pa.array([73282932000074], pa.int64()),
            "dateLienSuccession": ["2021-03-01"],
        }
    )
    pq.write_table(typed, tmp_path / "links.parquet")
    wh2 = memory_warehouse()
    attach(wh2, "successions", tmp_path / "links.parquet", tmp_path / "c")
    got = wh2.to_rows("register_successions")[0]
    assert got["siretEtablissementPredecesseur"] == "00541039400017"
    assert got["transfertSiege"] is None  # absent optional column: NULL
    without_date = write_csv(tmp_path / "nodate.csv", header[:2], [row[:2]])
    with pytest.raises(FatalInputError) as info:
        inspect_register("successions", without_date, "nodate.csv")
    assert (info.value.code, info.value.column) == ("column_missing", "dateLienSuccession")
