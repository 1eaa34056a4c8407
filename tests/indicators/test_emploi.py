"""Every emploi indicator on a hand-made perimeter of five establishments.

    row perimetre siren naf    dep filière         size (order)       jobs low  high source
    1   core      A     21.20Z 69  Biotech/Pharma  2 000+ (3)         40   40   40   headcount
    2   core      A     21.20Z 38  Biotech/Pharma  2 000+ (3)         74.5 50   99   tranche
    3   core      B     32.50A 38  Medtech         < 250 (1)          7.5  6    9    tranche
    4   revealed  E     62.01Z 69  Santé numérique < 250 (1)          14.5 10   19   tranche
    5   revealed  F     70.22Z 01  Biotech/Pharma  Non renseignée (4) NULL NULL NULL unknown

Every expected row below is summed from this table by hand; sums over no value are 0. Row 5 has
no headcount information: it counts 0 in jobs and jobs_low and the band-free default 9
(`UNKNOWN_JOBS_HIGH`) in jobs_high, so every cell holding F gets +9 on its high bound: revealed
19 + 9 = 28, total 167 + 9 = 176, and 0 → 9 in the cells where F is alone.
"""

from __future__ import annotations

import pytest

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.indicators import default_registry
from tests.indicator_check import check_indicator, load_tables

PHARMA = "Fabrication de préparations pharmaceutiques"
MEDICO = "Fabrication de matériel médico-chirurgical et dentaire"
BIG, SMALL, UNKNOWN = "2\u202f000+", "< 250", "Non renseignée"


def _row(perimetre, siren, naf, naf_label, dep, filiere, order, size, jobs, low, high, source):
    return {
        "perimetre": perimetre,
        "siren": siren,
        "naf": naf,
        "naf_label": naf_label,
        "departement": dep,
        "filiere": filiere,
        "size_order": order,
        "size_class": size,
        "jobs": jobs,
        "jobs_low": low,
        "jobs_high": high,
        "jobs_source": source,
    }


PERIMETER = [
    _row(
        "core", "A", "21.20Z", PHARMA, "69", "Biotech/Pharma", 3, BIG, 40.0, 40.0, 40.0, "headcount"
    ),
    _row(
        "core", "A", "21.20Z", PHARMA, "38", "Biotech/Pharma", 3, BIG, 74.5, 50.0, 99.0, "tranche"
    ),
    _row("core", "B", "32.50A", MEDICO, "38", "Medtech", 1, SMALL, 7.5, 6.0, 9.0, "tranche"),
    _row(
        "revealed",
        "E",
        "62.01Z",
        "Programmation informatique",
        "69",
        "Santé numérique",
        1,
        SMALL,
        14.5,
        10.0,
        19.0,
        "tranche",
    ),
    _row(
        "revealed",
        "F",
        "70.22Z",
        "Conseil pour les affaires",
        "01",
        "Biotech/Pharma",
        4,
        UNKNOWN,
        None,
        None,
        None,
        "unknown",
    ),
]
DEPARTEMENTS = [
    {"code_departement": "01", "nom": "Ain", "code_region": "84", "zone": "metro"},
    {"code_departement": "38", "nom": "Isère", "code_region": "84", "zone": "metro"},
    {"code_departement": "69", "nom": "Rhône", "code_region": "84", "zone": "metro"},
    {"code_departement": "75", "nom": "Paris", "code_region": "11", "zone": "metro"},
]
REGISTRY = default_registry()


def m(est, comp, jobs, low, high, measured, unknown):
    return {
        "establishments": est,
        "companies": comp,
        "jobs": jobs,
        "jobs_low": low,
        "jobs_high": high,
        "jobs_measured": measured,
        "jobs_unknown": unknown,
    }


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    warehouse = memory_warehouse()
    load_tables(warehouse, {"perimeter": PERIMETER, "ref_departements": DEPARTEMENTS})
    return warehouse


def test_totals(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.totals",
        wh,
        [
            {"perimetre": "core", **m(3, 2, 122.0, 96.0, 148.0, 1, 0)},
            {"perimetre": "revealed", **m(2, 2, 14.5, 10.0, 28.0, 0, 1)},
            {"perimetre": "total", **m(5, 4, 136.5, 106.0, 176.0, 1, 1)},
        ],
    )


def test_by_naf_sorts_by_jobs_within_perimeter(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.by_naf",
        wh,
        [
            {
                "perimetre": "core",
                "naf": "21.20Z",
                "naf_label": PHARMA,
                **m(2, 1, 114.5, 90.0, 139.0, 1, 0),
            },
            {
                "perimetre": "core",
                "naf": "32.50A",
                "naf_label": MEDICO,
                **m(1, 1, 7.5, 6.0, 9.0, 0, 0),
            },
            {
                "perimetre": "revealed",
                "naf": "62.01Z",
                "naf_label": "Programmation informatique",
                **m(1, 1, 14.5, 10.0, 19.0, 0, 0),
            },
            {
                "perimetre": "revealed",
                "naf": "70.22Z",
                "naf_label": "Conseil pour les affaires",
                **m(1, 1, 0.0, 0.0, 9.0, 0, 1),
            },
        ],
    )


def _dep(code, name, measures, share_est, share_jobs):
    return {
        "departement": code,
        "departement_name": name,
        **measures,
        "share_establishments": share_est,
        "share_jobs": share_jobs,
    }


def test_by_departement_lists_every_departement_of_the_scope(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.by_departement",
        wh,
        [
            _dep("01", "Ain", m(1, 1, 0.0, 0.0, 9.0, 0, 1), 1 / 5, 0.0),
            _dep("38", "Isère", m(2, 2, 82.0, 56.0, 108.0, 0, 0), 2 / 5, 82 / 136.5),
            _dep("69", "Rhône", m(2, 2, 54.5, 50.0, 59.0, 1, 0), 2 / 5, 54.5 / 136.5),
        ],
        settings={"departements": ["01", "38", "69"]},
    )


def test_by_departement_without_scope_keeps_departements_with_data(wh: Warehouse) -> None:
    rows = check_indicator(
        REGISTRY,
        "emploi.by_departement",
        wh,
        [
            _dep("01", "Ain", m(1, 1, 0.0, 0.0, 9.0, 0, 1), 1 / 5, 0.0),
            _dep("38", "Isère", m(2, 2, 82.0, 56.0, 108.0, 0, 0), 2 / 5, 82 / 136.5),
            _dep("69", "Rhône", m(2, 2, 54.5, 50.0, 59.0, 1, 0), 2 / 5, 54.5 / 136.5),
        ],
        settings={"departements": None},
    )
    assert "75" not in {r["departement"] for r in rows}


def test_by_size_class_in_size_order(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.by_size_class",
        wh,
        [
            {"size_class": SMALL, "size_order": 1, **m(2, 2, 22.0, 16.0, 28.0, 0, 0)},
            {"size_class": BIG, "size_order": 3, **m(2, 1, 114.5, 90.0, 139.0, 1, 0)},
            {"size_class": UNKNOWN, "size_order": 4, **m(1, 1, 0.0, 0.0, 9.0, 0, 1)},
        ],
    )


def test_by_filiere(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.by_filiere",
        wh,
        [
            {"filiere": "Biotech/Pharma", "perimetre": "core", **m(2, 1, 114.5, 90.0, 139.0, 1, 0)},
            {"filiere": "Biotech/Pharma", "perimetre": "revealed", **m(1, 1, 0.0, 0.0, 9.0, 0, 1)},
            {"filiere": "Medtech", "perimetre": "core", **m(1, 1, 7.5, 6.0, 9.0, 0, 0)},
            {
                "filiere": "Santé numérique",
                "perimetre": "revealed",
                **m(1, 1, 14.5, 10.0, 19.0, 0, 0),
            },
        ],
    )


def test_size_by_filiere(wh: Warehouse) -> None:
    check_indicator(
        REGISTRY,
        "emploi.size_by_filiere",
        wh,
        [
            {
                "filiere": "Biotech/Pharma",
                "size_class": BIG,
                "size_order": 3,
                **m(2, 1, 114.5, 90.0, 139.0, 1, 0),
            },
            {
                "filiere": "Biotech/Pharma",
                "size_class": UNKNOWN,
                "size_order": 4,
                **m(1, 1, 0.0, 0.0, 9.0, 0, 1),
            },
            {
                "filiere": "Medtech",
                "size_class": SMALL,
                "size_order": 1,
                **m(1, 1, 7.5, 6.0, 9.0, 0, 0),
            },
            {
                "filiere": "Santé numérique",
                "size_class": SMALL,
                "size_order": 1,
                **m(1, 1, 14.5, 10.0, 19.0, 0, 0),
            },
        ],
    )
