"""Contributions grouped by cell without a Python object per row (issue 9, item 7): the rows
each cell gets, and their order, worked out by hand on tiny tables."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from healthradar.confidentiality.contributions import Contributions
from healthradar.indicators.definition import Indicator
from healthradar.indicators.emploi import CHAPTER


def _indicator(name: str) -> Indicator:
    return next(i for i in CHAPTER.indicators if i.id == f"emploi.{name}")


def test_each_cell_gets_its_rows_in_the_engines_order() -> None:
    # by_filiere has two dimensions (filiere, perimetre). Rows 0, 2, 4 are (Pharma, core),
    # rows 1 and 3 (Medtech, core), row 5 has no filière (NULL: its own cell, JSON null).
    table = pa.table(
        {
            "filiere": ["Pharma", "Medtech", "Pharma", "Medtech", "Pharma", None],
            "perimetre": ["core"] * 6,
            "unit": ["c", "b", "a", "a", "b", "z"],
            "secret": [True] * 6,
            "jobs": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    found = Contributions(_indicator("by_filiere"), table)
    pharma = found.rows('{"filiere": "Pharma", "perimetre": "core"}')
    assert pharma.tolist() == [0, 2, 4]
    assert found.rows('{"filiere": "Medtech", "perimetre": "core"}').tolist() == [1, 3]
    assert found.rows('{"filiere": null, "perimetre": "core"}').tolist() == [5]
    assert found.rows('{"filiere": "Biotech", "perimetre": "core"}').tolist() == []
    # by unit: a (row 2), b (row 4), c (row 0)
    assert found.by_unit(pharma).tolist() == [2, 4, 0]
    assert list(found.iter_rows(found.by_unit(pharma), "jobs")) == [
        ("a", True, 3.0),
        ("b", True, 5.0),
        ("c", True, 1.0),
    ]


def test_equal_units_keep_the_order_they_were_given_in() -> None:
    # A table's total gathers every record's rows record after record: unit "u" is row 1 of
    # the "core" cell and row 0 of the "total" cell; given as [total rows..., core rows...]
    # = [0, 2, 1], sorting by unit keeps 0 before 1 (both "u"), then "v" (row 2).
    table = pa.table(
        {
            "perimetre": ["total", "core", "total"],
            "unit": ["u", "u", "v"],
            "secret": [False, False, True],
            "jobs": [1.5, 1.5, 2.0],
        }
    )
    found = Contributions(_indicator("totals"), table)
    everything = [*found.rows('{"perimetre": "total"}'), *found.rows('{"perimetre": "core"}')]
    assert everything == [0, 2, 1]
    assert found.by_unit(np.array(everything)).tolist() == [0, 1, 2]


def test_no_contributions_no_rows() -> None:
    table = pa.table(
        {
            "perimetre": pa.array([], pa.string()),
            "unit": pa.array([], pa.string()),
            "secret": pa.array([], pa.bool_()),
            "jobs": pa.array([], pa.float64()),
        }
    )
    found = Contributions(_indicator("totals"), table)
    assert found.rows('{"perimetre": "core"}').tolist() == []
