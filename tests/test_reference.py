"""Tests of the packaged French reference data and its loaders (healthradar.reference)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthradar.reference import (
    DATA_DIR,
    departement_names,
    departement_of_commune_sql,
    naf_labels,
    normalise_naf,
    region_departements,
    region_name,
    regions,
    register_reference_tables,
)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    register_reference_tables(connection)
    return connection


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_data_files_present_and_small() -> None:
    names = {p.name for p in DATA_DIR.iterdir()}
    assert {
        "regions.csv",
        "departements.csv",
        "communes.csv.gz",
        "commune_aliases.csv.gz",
        "naf_rev2.csv",
        "tranches_effectifs.csv",
        "NOTICE.md",
    } <= names
    assert (DATA_DIR / "communes.csv.gz").stat().st_size < 1_000_000


@pytest.mark.parametrize(
    ("table", "expected"),
    [("ref_regions", 26), ("ref_departements", 109), ("ref_naf", 732), ("ref_tranches", 16)],
)
def test_row_counts(con: duckdb.DuckDBPyConnection, table: str, expected: int) -> None:
    assert scalar(con, f"SELECT count(*) FROM {table}") == expected


def test_register_is_repeatable(con: duckdb.DuckDBPyConnection) -> None:
    register_reference_tables(con)
    assert scalar(con, "SELECT count(*) FROM ref_regions") == 26


def test_code_columns_are_varchar(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name LIKE 'ref_%'"
    ).fetchall()
    types = {(t, c): d for t, c, d in rows}
    for (table, column), dtype in types.items():
        if column.startswith("code"):
            assert dtype == "VARCHAR", (table, column, dtype)
    assert types[("ref_tranches", "central")] == "DOUBLE"
    assert types[("ref_communes", "population")] == "BIGINT"


def test_corsica_and_drom(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        con.execute(
            "SELECT code_departement, code_region FROM ref_departements "
            "WHERE code_departement IN ('2A', '2B', '971', '972', '973', '974', '976')"
        ).fetchall()
    )
    assert rows == {
        "2A": "94",
        "2B": "94",
        "971": "01",
        "972": "02",
        "973": "03",
        "974": "04",
        "976": "06",
    }
    zones = dict(con.execute("SELECT code_region, zone FROM ref_regions").fetchall())
    assert {k for k, v in zones.items() if v == "drom"} == {"01", "02", "03", "04", "06"}
    assert region_name("94") == "Corse"
    assert departement_names()["2A"] == "Corse-du-Sud"


def test_paris_arrondissements(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT code_insee, code_departement, type FROM ref_communes "
        "WHERE code_insee BETWEEN '75101' AND '75120' ORDER BY code_insee"
    ).fetchall()
    assert [r[0] for r in rows] == [f"751{i:02d}" for i in range(1, 21)]
    assert {(r[1], r[2]) for r in rows} == {("75", "arrondissement-municipal")}


def test_communes_key_and_text_codes(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, "SELECT count(*) - count(DISTINCT code_insee) FROM ref_communes") == 0
    assert scalar(con, "SELECT nom FROM ref_communes WHERE code_insee = '01001'") == (
        "L'Abergement-Clémenciat"
    )
    assert scalar(con, "SELECT min(length(code_insee)) FROM ref_communes") == 5
    assert (
        scalar(
            con,
            "SELECT count(*) FROM ref_communes "
            "WHERE type NOT IN ('commune-actuelle', 'arrondissement-municipal')",
        )
        == 0
    )
    assert scalar(con, "SELECT codes_postaux FROM ref_communes WHERE code_insee = '2A004'") == (
        "20000|20090|20167"
    )


def test_aliases_point_to_current_communes(con: duckdb.DuckDBPyConnection) -> None:
    n_aliases = scalar(con, "SELECT count(*) FROM ref_commune_aliases")
    assert isinstance(n_aliases, int)
    assert n_aliases > 1000
    assert (
        scalar(
            con,
            "SELECT count(*) - count(DISTINCT code_insee_ancien) FROM ref_commune_aliases",
        )
        == 0
    )
    orphans = scalar(
        con,
        "SELECT count(*) FROM ref_commune_aliases a "
        "LEFT JOIN ref_communes c USING (code_insee) WHERE c.code_insee IS NULL",
    )
    assert orphans == 0
    old_is_current = scalar(
        con,
        "SELECT count(*) FROM ref_commune_aliases a "
        "JOIN ref_communes c ON c.code_insee = a.code_insee_ancien",
    )
    assert old_is_current == 0
    # Sutrieu (01414, now a commune déléguée) belongs to Valromey-sur-Séran (01036).
    assert (
        scalar(con, "SELECT code_insee FROM ref_commune_aliases WHERE code_insee_ancien = '01414'")
        == "01036"
    )


def test_region_departements() -> None:
    assert region_departements("84") == [
        "01",
        "03",
        "07",
        "15",
        "26",
        "38",
        "42",
        "43",
        "63",
        "69",
        "73",
        "74",
    ]
    assert region_departements("94") == ["2A", "2B"]
    assert region_departements("04") == ["974"]
    assert region_name("84") == "Auvergne-Rhône-Alpes"
    assert len(regions()) == 26
    assert len(departement_names()) == 109


@pytest.mark.parametrize("bad", ["99", "84 ", "8", ""])
def test_unknown_region_raises(bad: str) -> None:
    with pytest.raises(KeyError, match="unknown region"):
        region_departements(bad)
    with pytest.raises(KeyError, match="unknown region"):
        region_name(bad)


def test_naf_labels(con: duckdb.DuckDBPyConnection) -> None:
    labels = naf_labels()
    assert len(labels) == 732
    assert "pharmaceutiques" in labels["21.20Z"]
    assert (
        scalar(con, "SELECT code_section FROM ref_naf WHERE code_sous_classe_sans_point = '2120Z'")
        == "C"
    )
    assert scalar(con, "SELECT code_division FROM ref_naf WHERE code_sous_classe = '01.11Z'") == (
        "01"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2120Z", "21.20Z"),
        ("21.20Z", "21.20Z"),
        (" 21.20z ", "21.20Z"),
        ("8690e", "86.90E"),
        ("70.2C", "70.2C"),
        ("70.2c", "70.2C"),
        ("57.10", "57.10"),
        (" ", None),
        ("", None),
        (None, None),
        ("[ND]", "[ND]"),
    ],
)
def test_normalise_naf(raw: str | None, expected: str | None) -> None:
    assert normalise_naf(raw) == expected


def test_tranches(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("SELECT low, high, central FROM ref_tranches WHERE code = '12'").fetchone()
    assert row == (20.0, 49.0, 34.5)
    bounds = {
        code: (low, high, central)
        for code, low, high, central in con.execute(
            "SELECT code, low, high, central FROM ref_tranches"
        ).fetchall()
    }
    assert bounds["NN"] == (0.0, 0.0, 0.0)
    assert bounds["00"] == (0.0, 0.0, 0.0)
    assert bounds["01"] == (1.0, 2.0, 1.5)
    assert bounds["53"] == (10000.0, 20000.0, 15000.0)
    assert scalar(con, "SELECT libelle_en FROM ref_tranches WHERE code = '01'") == (
        "1 or 2 employees"
    )


@pytest.mark.parametrize(
    ("commune", "departement"),
    [("2A004", "2A"), ("97411", "974"), ("75101", "75"), ("01001", "01"), ("98735", "987")],
)
def test_departement_of_commune_sql(commune: str, departement: str) -> None:
    expr = departement_of_commune_sql("c")
    got = scalar(duckdb.connect(), f"SELECT {expr} FROM (SELECT '{commune}' AS c)")
    assert got == departement


def test_departement_of_commune_sql_matches_cog(con: duckdb.DuckDBPyConnection) -> None:
    expr = departement_of_commune_sql("code_insee")
    mismatches = scalar(con, f"SELECT count(*) FROM ref_communes WHERE {expr} <> code_departement")
    assert mismatches == 0
    assert scalar(duckdb.connect(), f"SELECT {departement_of_commune_sql('NULL')}") is None


@given(st.one_of(st.none(), st.text()))
def test_normalise_naf_idempotent(text: str | None) -> None:
    once = normalise_naf(text)
    assert normalise_naf(once) == once


@given(st.sampled_from(sorted(naf_labels())), st.sampled_from(["", " ", "\t"]), st.booleans())
def test_normalise_naf_round_trip(code: str, pad: str, lower: bool) -> None:
    bare = code.replace(".", "")
    raw = pad + (bare.lower() if lower else bare) + pad
    assert normalise_naf(raw) == code
    assert normalise_naf(code) == code
