"""enrich + classify on a hand-made register: every perimeter row worked out by hand.

The register (parquet, SIREN typed as a number as some editions do), the entities, their links
and the headcounts are written here; the expected rows below follow from the rules in
`enrich.establishments` and `classify.*`, not from a previous run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ibis.common.exceptions import TableNotFound

from healthradar.classify.filieres import classify_entity_filieres, load_filiere_maps
from healthradar.classify.perimeter import classify_perimeter
from healthradar.engine import Warehouse, memory_warehouse
from healthradar.enrich.establishments import Scope, enrich, register_scope_counts
from healthradar.ingest.register import attach_register, inspect_register
from healthradar.reference import load_reference_tables
from healthradar.reference.filieres import DEFAULT_NAF_FILIERES

SCOPE = Scope(departements=["01", "69"], core_naf=["21.20Z", "32.50A"], vintage=2024)
EST_COLUMNS = (
    "siren", "nic", "siret", "codeCommuneEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement", "etablissementSiege",
)  # fmt: skip
# siren (as a number), nic, commune, NAF, state, tranche. Comments: why each row is there.
ESTABLISHMENTS = [
    (111111111, "00011", "01414", "2120Z", "A", "12"),  # core, former commune, headcount
    (111111111, "00029", "69123", "21.20Z", "F", "12"),  # closed: kept, not in the perimeter
    (222222222, "00017", "69381", "62.01Z", "A", "03"),  # revealed, label vote
    (333333333, "00015", "01053", "72.19Z", "A", "[ND]"),  # revealed, no tranche, no LU row
    (444444444, "00012", "69123", "70.10Z", "A", "21"),  # revealed, tie broken by order
    (555555555, "00010", "01001", "62.02A", "A", "11"),  # listed, company closed
    (666666666, "00018", "2A004", "32.50A", "A", "11"),  # core, outside the scope
    (777777777, "00016", "69123", "62.01Z", "A", "11"),  # to resolve: not listed
    (888888888, "00018", "69266", "46.19B", "A", "01"),  # revealed, no label
    (12345678, "00010", "01001", "32.50A", "A", "NN"),  # core, leading zero lost in the file
    (999999999, "00013", "", "21.20Z", "A", "12"),  # core, abroad (no commune)
]
# siren, state, category, tranche, name
LEGAL_UNITS = [
    ("111111111", "A", "ETI", "41", "Alpha Pharma"),
    ("222222222", "A", "PME", "", "Beta Soft"),
    ("444444444", "A", "GE", "52", "Delta Conseil"),
    ("555555555", "C", "PME", "11", "Epsilon"),
    ("666666666", "A", "PME", "11", "Corse Med"),
    ("777777777", "A", "PME", "11", "Gamma"),
    ("888888888", "A", "PME", "01", "Eta"),
    ("012345678", "A", "PME", "NN", "Zeta"),
]
ENTITIES = [  # siren, status, inputs
    ("111111111", "resolved", "p1"),
    ("222222222", "resolved", "p1, p2, p3"),
    ("333333333", "resolved", "p2"),
    ("444444444", "resolved", "p1, p2"),
    ("555555555", "resolved", "p1"),
    ("888888888", "resolved", "p3"),
    ("777777777", "to_resolve", "p2"),
]
LINKS = [  # input, line, siren, filiere label
    ("p1", 2, "222222222", "Biotech"),
    ("p2", 2, "222222222", "e-santé"),
    ("p3", 2, "222222222", "E-Santé"),
    ("p2", 3, "222222222", "Cosmétique"),
    ("p2", 4, "333333333", "Cosmétique"),
    ("p1", 3, "444444444", "Medtech"),
    ("p2", 5, "444444444", "Pharma"),
    ("p1", 4, "111111111", "Medtech"),
    ("p3", 3, "888888888", None),
    ("p1", 5, None, "Nutrition"),
    ("p1", 6, "555555555", "Pharma"),
]
HEADCOUNTS = [  # line, siret, headcount
    (2, "11111111100011", 40.0),
    (3, "99999999900019", 12.0),  # not an establishment of the slice
    (4, "11111111100029", 3.0),  # closed, but an establishment
]


def _write_register(folder: Path) -> tuple[Path, Path]:
    rows = [
        {
            "siren": s,
            "nic": nic,
            "siret": f"{s:09d}{nic}",
            "codeCommuneEtablissement": commune,
            "activitePrincipaleEtablissement": naf,
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
            "etatAdministratifEtablissement": state,
            "trancheEffectifsEtablissement": tranche,
            "etablissementSiege": "true" if nic == "00011" else "false",
        }
        for s, nic, commune, naf, state, tranche in ESTABLISHMENTS
    ]
    est, lu = folder / "est.parquet", folder / "ul.parquet"
    pq.write_table(pa.Table.from_pylist(rows), est)
    pq.write_table(
        pa.table(
            {
                name: [r[i] for r in LEGAL_UNITS]
                for i, name in enumerate(
                    (
                        "siren",
                        "etatAdministratifUniteLegale",
                        "categorieEntreprise",
                        "trancheEffectifsUniteLegale",
                        "denominationUniteLegale",
                    )
                )
            }
        ),
        lu,
    )
    return est, lu


def _text_table(columns: dict[str, list[Any]], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in columns.items()})


def load_inputs(wh: Warehouse, folder: Path) -> None:
    """The hand-made register and the tables resolve and validate would have written."""
    folder.mkdir(parents=True, exist_ok=True)
    est, lu = _write_register(folder)
    load_reference_tables(wh)
    for role, path in (("establishments", est), ("legal_units", lu)):
        attach_register(wh, inspect_register(role, path, path.name), folder / "cache")
    n = len(ENTITIES)
    wh.load_arrow(
        "entities",
        _text_table(
            {
                "entity_id": [f"siren:{s}" for s, _, _ in ENTITIES],
                "siren": [s for s, _, _ in ENTITIES],
                "name": [None] * n,
                "register_name": [None] * n,
                "register_state": [None] * n,
                "n_rows": [1] * n,
                "inputs": [i for _, _, i in ENTITIES],
                "filiere_labels": [None] * n,
                "city": [None] * n,
                "postcode": [None] * n,
                "status": [st for _, st, _ in ENTITIES],
                "to_resolve_reason": [None] * n,
            },
            {"n_rows": pa.int64()},
        ),
    )
    m = len(LINKS)
    wh.load_arrow(
        "entity_links",
        _text_table(
            {
                "input": [i for i, _, _, _ in LINKS],
                "file": [f"{i}.csv" for i, _, _, _ in LINKS],
                "line": [ln for _, ln, _, _ in LINKS],
                "name": [None] * m,
                "siren": [s for _, _, s, _ in LINKS],
                "filiere_label": [lab for _, _, _, lab in LINKS],
                "city": [None] * m,
                "postcode": [None] * m,
                "entity_id": [f"siren:{s}" if s else None for _, _, s, _ in LINKS],
                "rule": ["siren"] * m,
                "occurrence": [1] * m,
                "first_origin": [None] * m,
            },
            {"line": pa.int64(), "occurrence": pa.int64()},
        ),
    )
    k = len(HEADCOUNTS)
    wh.load_arrow(
        "headcount_rows",
        _text_table(
            {
                "input": ["headcounts"] * k,
                "file": ["effectifs.csv"] * k,
                "line": [ln for ln, _, _ in HEADCOUNTS],
                "siret": [s for _, s, _ in HEADCOUNTS],
                "headcount": [h for _, _, h in HEADCOUNTS],
            },
            {"line": pa.int64(), "headcount": pa.float64()},
        ),
    )
    wh.load_arrow(
        "headcounts",
        _text_table(
            {
                "siret": [s for _, s, _ in HEADCOUNTS],
                "headcount": [h for _, _, h in HEADCOUNTS],
                "file": ["effectifs.csv"] * k,
                "line": [ln for ln, _, _ in HEADCOUNTS],
            },
            {"line": pa.int64(), "headcount": pa.float64()},
        ),
    )


def run_stages(wh: Warehouse) -> dict[str, int]:
    counts = enrich(wh, SCOPE, siret_from_nic=True)
    load_filiere_maps(wh, dict(DEFAULT_NAF_FILIERES), {})
    classify_entity_filieres(wh)
    counts["perimeter"] = classify_perimeter(wh, [250, 2000])
    return counts


PERIMETER_COLUMNS = (
    "siret", "commune", "departement", "perimetre", "filiere", "filiere_rule", "size_class",
    "size_order", "size_rule", "company_category", "jobs", "jobs_low", "jobs_high",
    "jobs_source", "rule",
)  # fmt: skip
NNBSP = "\u202f"
EXPECTED_PERIMETER = [
    # core by its NAF (written without the dot); former commune 01414 -> 01036; the measured
    # headcount replaces the band 12; size from the company's tranche 41 (500-999).
    ("01234567800010", "01001", "01", "core", "Medtech", "naf:32.50A", "< 250", 1,
     "company tranche NN", "PME", 0.0, 0.0, 0.0, "tranche",
     "core: NAF 32.50A is in the core list"),
    ("11111111100011", "01036", "01", "core", "Biotech/Pharma", "naf:21.20Z",
     f"250–1{NNBSP}999", 2, "company tranche 41", "ETI", 40.0, 40.0, 40.0, "headcount",
     "core: NAF 21.20Z is in the core list"),
    # Santé numérique 2 votes > Biotech/Pharma 1 > the unknown 'Cosmétique' (always last).
    ("22222222200017", "69381", "69", "revealed", "Santé numérique",
     "partners:E-Santé | e-santé | Biotech | Cosmétique", "< 250", 1, "establishment jobs",
     "PME", 7.5, 6.0, 9.0, "tranche", "revealed: listed by p1, p2, p3; NAF 62.01Z is not core"),
    # '[ND]' tranche and no legal-unit row: counted, with NULL jobs.
    ("33333333300015", "01053", "01", "revealed", "Autre", "partners:Cosmétique",
     "Non renseignée", 4, "unknown", "Non renseignée", None, None, None, "unknown",
     "revealed: listed by p2; NAF 72.19Z is not core"),
    # Pharma 1 vs Medtech 1: the order of FILIERES decides.
    ("44444444400012", "69123", "69", "revealed", "Biotech/Pharma", "partners:Pharma | Medtech",
     f"2{NNBSP}000+", 3, "company tranche 52", "GE", 74.5, 50.0, 99.0, "tranche",
     "revealed: listed by p1, p2; NAF 70.10Z is not core"),
    ("88888888800018", "69266", "69", "revealed", "Non renseignée", "partners: no label",
     "< 250", 1, "company tranche 01", "PME", 1.5, 1.0, 2.0, "tranche",
     "revealed: listed by p3; NAF 46.19B is not core"),
]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Warehouse, dict[str, int]]:
    wh = memory_warehouse()
    load_inputs(wh, tmp_path_factory.mktemp("register"))
    return wh, run_stages(wh)


def perimeter_rows(wh: Warehouse) -> list[tuple[Any, ...]]:
    rows = wh.to_rows(wh.table("perimeter").select(*PERIMETER_COLUMNS).order_by("siret"))
    return [tuple(r[c] for c in PERIMETER_COLUMNS) for r in rows]


def test_perimeter_rows(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, counts = built
    assert perimeter_rows(wh) == EXPECTED_PERIMETER
    assert counts["perimeter"] == len(EXPECTED_PERIMETER)


def test_perimeter_geography_and_names(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, _ = built
    p = wh.table("perimeter")
    row = wh.to_rows(p.filter(p.siret == "11111111100011"))[0]
    assert (row["commune_name"], row["departement_name"], row["region"]) == (
        "Valromey-sur-Séran",
        "Ain",
        "84",
    )
    assert (row["naf"], row["company_name"], row["vintage"], row["tranche"]) == (
        "21.20Z",
        "Alpha Pharma",
        2024,
        "12",
    )


def test_establishments_keep_closed_and_listed(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, counts = built
    e = wh.table("establishments")
    rows = {
        r["siret"]: r
        for r in wh.to_rows(e.select("siret", "etat", "is_core_naf", "is_listed", "company_etat"))
    }
    # In scope and core or listed: everything but Corsica, the unresolved one and the abroad one.
    assert sorted(rows) == sorted(
        [
            "11111111100011",
            "11111111100029",
            "22222222200017",
            "33333333300015",
            "44444444400012",
            "55555555500010",
            "88888888800018",
            "01234567800010",
        ]
    )
    assert counts == {"register_slice": 8, "establishments": 8, "perimeter": 6}
    assert rows["11111111100029"]["etat"] == "F"
    assert rows["55555555500010"]["company_etat"] == "C"
    assert rows["11111111100011"]["is_listed"] is True
    assert rows["22222222200017"]["is_core_naf"] is False
    assert wh.count("legal_units") == 6  # the companies of the slice that have a row
    with pytest.raises(TableNotFound):
        wh.table("register_slice_raw")  # the intermediate raw slice is dropped


def test_issues(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, _ = built
    cols = ["input", "file", "line", "column", "raw_value", "reason", "detail"]
    outside = wh.to_rows(wh.table("issues__enrich__headcounts_outside").select(*cols))
    assert [tuple(r.values()) for r in outside] == [
        ("headcounts", "effectifs.csv", 3, "siret", "99999999900019", "siret_outside_perimeter",
         None)
    ]  # fmt: skip
    unknown = wh.table("issues__classify__filiere_unknown").select(*cols).order_by("file", "line")
    assert [tuple(r.values()) for r in wh.to_rows(unknown)] == [
        ("p1", "p1.csv", 5, "filiere", "Nutrition", "filiere_unknown", "Autre"),
        ("p2", "p2.csv", 3, "filiere", "Cosmétique", "filiere_unknown", "Autre"),
        ("p2", "p2.csv", 4, "filiere", "Cosmétique", "filiere_unknown", "Autre"),
    ]


def test_entity_filieres(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, _ = built
    rows = wh.to_rows(wh.table("entity_filieres").order_by("siren"))
    assert [tuple(r.values()) for r in rows] == [
        ("111111111", "Medtech", "Medtech", 1),
        ("222222222", "Santé numérique", "E-Santé | e-santé | Biotech | Cosmétique", 3),
        ("333333333", "Autre", "Cosmétique", 1),
        ("444444444", "Biotech/Pharma", "Pharma | Medtech", 2),
        ("555555555", "Biotech/Pharma", "Pharma", 1),
    ]


def test_register_scope_counts(built: tuple[Warehouse, dict[str, int]]) -> None:
    wh, _ = built
    # 11 rows; 9 in Ain or Rhône (not Corsica, not abroad), 8 of them active.
    assert register_scope_counts(wh, SCOPE) == {"rows": 11, "in_region": 9, "active_in_region": 8}
    france = Scope(None, SCOPE.core_naf, 2024)
    assert register_scope_counts(wh, france) == {
        "rows": 11,
        "in_region": 10,
        "active_in_region": 9,
    }


def _fingerprint(wh: Warehouse, sha256: str) -> None:
    """`input_files` as ingest writes it, reduced to what the scope-counts cache reads."""
    wh.load_arrow(
        "input_files",
        pa.table(
            {
                "input": ["register.legal_units", "register.establishments", "p1"],
                "kind": ["register", "register", "partners"],
                "sha256": ["f" * 64, sha256, "e" * 64],
            }
        ),
    )


def test_register_scope_counts_cache(tmp_path: Path) -> None:
    wh = memory_warehouse()
    load_inputs(wh, tmp_path / "register")
    cache = tmp_path / "project" / ".healthradar" / "cache" / "scope-counts.json"
    region = {"rows": 11, "in_region": 9, "active_in_region": 8}  # as in the test above
    france = {"rows": 11, "in_region": 10, "active_in_region": 9}
    _fingerprint(wh, "a" * 64)
    assert register_scope_counts(wh, SCOPE, cache) == region  # counted, then written
    assert register_scope_counts(wh, Scope(None, [], 2024), cache) == france
    stored = json.loads(cache.read_text(encoding="utf-8"))["counts"]
    assert stored == {"a" * 64 + "|01,69": region, "a" * 64 + "|FR": france}

    # The register view now reads as empty: counts that are still right come from the cache,
    # whatever the order of the départements in the config.
    wh.load_arrow("no_rows", wh.to_arrow(wh.table("register_establishments_raw").limit(0)))
    wh.create_view("register_establishments_raw", wh.table("no_rows"))
    assert register_scope_counts(wh, Scope(["69", "01"], [], 2024), cache) == region
    assert register_scope_counts(wh, Scope(None, [], 2024), cache) == france
    # Without a cache file, or for another scope, the (empty) register is counted.
    zero = {"rows": 0, "in_region": 0, "active_in_region": 0}
    assert register_scope_counts(wh, SCOPE) == zero
    assert register_scope_counts(wh, Scope(["01"], [], 2024), cache) == zero

    # Another file (new SHA-256): counted again, and kept beside the older entries.
    _fingerprint(wh, "b" * 64)
    assert register_scope_counts(wh, SCOPE, cache) == zero
    stored = json.loads(cache.read_text(encoding="utf-8"))["counts"]
    assert stored["b" * 64 + "|01,69"] == zero
    assert stored["a" * 64 + "|01,69"] == region


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"format": 0, "counts": {"KEY": {"rows": 5, "in_region": 5, "active_in_region": 5}}}',
        '{"format": 1, "counts": {"KEY": {"rows": 5}}}',
    ],
)
def test_register_scope_counts_bad_cache_is_recounted(tmp_path: Path, content: str) -> None:
    wh = memory_warehouse()
    load_inputs(wh, tmp_path / "register")
    _fingerprint(wh, "c" * 64)
    cache = tmp_path / "scope-counts.json"
    cache.write_text(content.replace("KEY", "c" * 64 + "|01,69"), encoding="utf-8")
    region = {"rows": 11, "in_region": 9, "active_in_region": 8}
    assert register_scope_counts(wh, SCOPE, cache) == region
    assert json.loads(cache.read_text(encoding="utf-8")) == {
        "format": 1,
        "counts": {"c" * 64 + "|01,69": region},
    }


def test_register_scope_counts_without_fingerprint(tmp_path: Path) -> None:
    """No `input_files` (or no register row in it): counted, and nothing is cached."""
    wh = memory_warehouse()
    load_inputs(wh, tmp_path / "register")
    cache = tmp_path / "scope-counts.json"
    assert register_scope_counts(wh, SCOPE, cache)["in_region"] == 9
    assert not cache.exists()


@pytest.mark.spark
def test_spark_gives_the_same_perimeter(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from healthradar.engine.spark_backend import SparkWarehouse

    duck = memory_warehouse()
    load_inputs(duck, tmp_path / "duck")
    run_stages(duck)
    spark = SparkWarehouse(tmp_path / "spark")
    try:
        load_inputs(spark, tmp_path / "spark-inputs")
        run_stages(spark)
        assert perimeter_rows(spark) == perimeter_rows(duck) == EXPECTED_PERIMETER
        for name in ("establishments", "entity_filieres", "perimeter"):
            key = "siren" if name == "entity_filieres" else "siret"
            assert spark.to_rows(spark.table(name).order_by(key)) == duck.to_rows(
                duck.table(name).order_by(key)
            ), name
        assert register_scope_counts(spark, SCOPE) == register_scope_counts(duck, SCOPE)
    finally:
        spark.close()
