"""Tests of the packaged French reference data and its loaders (healthradar.reference)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.reference import (
    DATA_DIR,
    departement_names,
    departement_of_commune,
    load_reference_tables,
    naf_labels,
    normalise_naf,
    region_departements,
    region_name,
    regions,
)
from healthradar.reference.filieres import (
    DEFAULT_LABELS,
    DEFAULT_NAF_FILIERES,
    FILIERE_TITLES,
    FILIERES,
    NOT_GIVEN,
    OTHER,
)


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    warehouse = memory_warehouse()
    load_reference_tables(warehouse)
    return warehouse


def pairs(wh: Warehouse, expr: ibis.Table) -> dict[Any, Any]:
    """A two-column result as a dict (first column -> second)."""
    first, second = expr.columns
    return {r[first]: r[second] for r in wh.to_rows(expr)}


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
def test_row_counts(wh: Warehouse, table: str, expected: int) -> None:
    assert wh.count(table) == expected


def test_load_is_repeatable(wh: Warehouse) -> None:
    load_reference_tables(wh)
    assert wh.count("ref_regions") == 26


REF_TABLES = (
    "ref_regions",
    "ref_departements",
    "ref_communes",
    "ref_commune_aliases",
    "ref_naf",
    "ref_tranches",
)


def test_code_columns_are_text(wh: Warehouse) -> None:
    types = {(t, c): d for t in REF_TABLES for c, d in wh.table(t).schema().items()}
    for (table, column), dtype in types.items():
        if column.startswith("code"):
            assert dtype.is_string(), (table, column, dtype)
    assert types[("ref_tranches", "central")] == dt.float64
    assert types[("ref_communes", "population")] == dt.int64


def test_corsica_and_drom(wh: Warehouse) -> None:
    deps = wh.table("ref_departements")
    rows = pairs(
        wh,
        deps.filter(
            deps.code_departement.isin(["2A", "2B", "971", "972", "973", "974", "976"])
        ).select("code_departement", "code_region"),
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
    zones = pairs(wh, wh.table("ref_regions").select("code_region", "zone"))
    assert {k for k, v in zones.items() if v == "drom"} == {"01", "02", "03", "04", "06"}
    assert region_name("94") == "Corse"
    assert departement_names()["2A"] == "Corse-du-Sud"


def test_paris_arrondissements(wh: Warehouse) -> None:
    c = wh.table("ref_communes")
    rows = wh.to_rows(
        c.filter(c.code_insee.between("75101", "75120"))
        .select("code_insee", "code_departement", "type")
        .order_by("code_insee")
    )
    assert [r["code_insee"] for r in rows] == [f"751{i:02d}" for i in range(1, 21)]
    assert {(r["code_departement"], r["type"]) for r in rows} == {
        ("75", "arrondissement-municipal")
    }


def test_communes_key_and_text_codes(wh: Warehouse) -> None:
    c = wh.table("ref_communes")
    names = pairs(wh, c.select("code_insee", "nom"))
    assert len(names) == wh.count("ref_communes")  # one row per code
    assert names["01001"] == "L'Abergement-Clémenciat"
    assert wh.scalar(c.code_insee.length().min()) == 5
    assert wh.count(c.filter(~c.type.isin(["commune-actuelle", "arrondissement-municipal"]))) == 0
    postcodes = pairs(wh, c.select("code_insee", "codes_postaux"))
    assert postcodes["2A004"] == "20000|20090|20167"


def test_aliases_point_to_current_communes(wh: Warehouse) -> None:
    aliases, communes = wh.table("ref_commune_aliases"), wh.table("ref_communes")
    n_aliases = wh.count(aliases)
    assert n_aliases > 1000
    assert wh.scalar(aliases.code_insee_ancien.nunique()) == n_aliases
    assert wh.count(aliases.anti_join(communes, "code_insee")) == 0  # no orphan target
    old_is_current = aliases.join(communes, aliases.code_insee_ancien == communes.code_insee)
    assert wh.count(old_is_current) == 0
    # Sutrieu (01414, now a commune déléguée) belongs to Valromey-sur-Séran (01036).
    assert pairs(wh, aliases)["01414"] == "01036"


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


def test_naf_labels(wh: Warehouse) -> None:
    labels = naf_labels()
    assert len(labels) == 732
    assert "pharmaceutiques" in labels["21.20Z"]
    naf = wh.table("ref_naf")
    assert pairs(wh, naf.select("code_sous_classe_sans_point", "code_section"))["2120Z"] == "C"
    assert pairs(wh, naf.select("code_sous_classe", "code_division"))["01.11Z"] == "01"


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


def test_tranches(wh: Warehouse) -> None:
    bounds = {r["code"]: (r["low"], r["high"], r["central"]) for r in wh.to_rows("ref_tranches")}
    assert bounds["12"] == (20.0, 49.0, 34.5)
    assert bounds["NN"] == (0.0, 0.0, 0.0)
    assert bounds["00"] == (0.0, 0.0, 0.0)
    assert bounds["01"] == (1.0, 2.0, 1.5)
    assert bounds["53"] == (10000.0, 20000.0, 15000.0)
    assert pairs(wh, wh.table("ref_tranches").select("code", "libelle_en"))["01"] == (
        "1 or 2 employees"
    )


@pytest.mark.parametrize(
    ("commune", "departement"),
    [("2A004", "2A"), ("97411", "974"), ("75101", "75"), ("01001", "01"), ("98735", "987")],
)
def test_departement_of_commune(wh: Warehouse, commune: str, departement: str) -> None:
    assert wh.scalar(departement_of_commune(ibis.literal(commune))) == departement


def test_departement_of_commune_matches_cog(wh: Warehouse) -> None:
    c = wh.table("ref_communes")
    assert wh.count(c.filter(departement_of_commune(c.code_insee) != c.code_departement)) == 0
    assert wh.scalar(departement_of_commune(ibis.null().cast("string"))) is None


def test_filiere_defaults_are_consistent() -> None:
    assert set(DEFAULT_NAF_FILIERES.values()) <= set(FILIERES)
    assert set(DEFAULT_LABELS.values()) <= set(FILIERES)
    assert set(FILIERE_TITLES) == {*FILIERES, OTHER, NOT_GIVEN}
    assert FILIERE_TITLES["Santé numérique"] == "Digital health"
    assert all(normalise_naf(code) == code for code in DEFAULT_NAF_FILIERES)


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
