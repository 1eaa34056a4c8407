"""The validate stage on hand-made raw tables: typed rows, rejects, issues and outcomes.

Every expected value below is worked out by hand from the rules (SIREN/SIRET checksums
included: see the comments), not copied from a run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from healthradar.contracts import HEADCOUNTS, PARTNERS, Column, Contract
from healthradar.engine import Warehouse, memory_warehouse
from healthradar.validate.contract_checks import validate_table
from healthradar.validate.headcounts import validate_headcounts
from healthradar.validate.partners import validate_partners

# 552120222: Luhn over 5 5 2 1 2 0 2 2 2, doubling positions 2, 4, 6, 8 (from the left):
# 5 + (5*2=10 -> 1) + 2 + 2 + 2 + 0 + 2 + 4 + 2 = 20, a multiple of 10: valid.
# 55212022200013: its SIRET (NIC 00013); 14-digit Luhn sum 30: valid.
# 012345674: 0 + 2 + 2 + 6 + 4 + (10 -> 1) + 6 + (14 -> 5) + 4 = 30: valid SIREN.
# 01234567400019: even positions doubled 0,4,8,3,8,0,2 = 25; odd 1+3+5+7+0+0+9 = 25: 50, valid.
# 35600000000048: La Poste's head office, which follows Luhn: doubled 3->6, 6->3, 4->8 and
# plain 5 + 8: 30, valid.


def _raw(contract: Contract, rows: list[dict[str, Any]]) -> pa.Table:
    names = ["_input", "_file", "_line", *(c.name for c in contract.columns)]
    columns: dict[str, list[Any]] = {n: [row.get(n) for row in rows] for n in names}
    schema = pa.schema(
        [("_input", pa.string()), ("_file", pa.string()), ("_line", pa.int32())]
        + [(c.name, pa.string()) for c in contract.columns]
    )
    return pa.table(columns, schema=schema)


def _input_files(files: list[tuple[str, str, str, str]]) -> pa.Table:
    inputs, kinds, names, marks = (list(x) for x in zip(*files, strict=True))
    return pa.table({"input": inputs, "kind": kinds, "file": names, "decimal_mark": marks})


def _issues(wh: Warehouse, *parts: str) -> set[tuple[Any, ...]]:
    rows = [r for p in parts for r in wh.to_rows(f"issues__validate__{p}")]
    return {
        (r["stage"], r["file"], r["line"], r["column"], r["raw_value"], r["reason"], r["detail"])
        for r in rows
    }


def _outcomes(wh: Warehouse, part: str) -> set[tuple[Any, ...]]:
    rows = wh.to_rows(f"outcomes__validate__{part}")
    return {(r["file"], r["line"], r["outcome"], r["entity_id"], r["status"]) for r in rows}


@pytest.fixture
def partners_wh() -> Warehouse:
    return _load_partners(memory_warehouse())


def _load_partners(wh: Warehouse) -> Warehouse:
    from healthradar.reference import postcodes_table

    wh.load_arrow("ref_postcodes", postcodes_table())  # the postcode repair joins it
    a, b = "lists/a.csv", "lists/b.csv"

    def row(file: str, line: int, **cells: str | None) -> dict[str, Any]:
        return {"_input": "cluster", "_file": file, "_line": line, **cells}

    rows = [
        row(a, 2, name="Alpha", siren="552120222", employees="12,5", revenue_meur="1 234,5"),
        row(a, 3, name="Beta", siren="55212022200013"),  # a SIRET: its SIREN is used
        row(a, 4, name="Gamma", siren="552120223"),  # last digit changed: Luhn fails
        row(a, 5, name="Delta", siren="552120222.0"),  # spreadsheet number format
        row(a, 6, name="Epsilon", siren="12345674"),  # leading zero lost
        row(a, 7, name=None, siren="abc", city="Lyon"),  # nothing identifies the company
        row(a, 8, name="  ", siren="", city="\u00a0", website=None),  # empty
        row(a, 9, name=None, siren="552 120 222"),  # no name, but a usable SIREN
        row(a, 10, name="Zeta", employees="n.c.", revenue_meur="1,234"),
        row(a, 11, name="Eta", siren="1234", filiere="Medtech", postcode="69007"),
        row(a, 12, name="Theta", siren="1234567400019"),  # SIRET 01234567400019, zero lost
        row(b, 2, name="Iota", revenue_meur="1,234", employees="1.234,5"),  # file mark '.'
    ]
    wh.load_arrow("raw_partners", _raw(PARTNERS, rows))
    wh.load_arrow(
        "input_files",
        _input_files([("cluster", "partners", a, ","), ("cluster", "partners", b, ".")]),
    )
    return wh


def test_partner_rows(partners_wh: Warehouse) -> None:
    wh = partners_wh
    assert validate_partners(wh) == 12
    rows = wh.to_rows(wh.table("partner_rows").order_by(["file", "line"]))
    assert list(rows[0]) == [
        "input", "file", "line", "name", "siren_raw", "siren_status", "siren", "filiere_label",
        "city", "postcode", "website", "employees_raw", "employees", "revenue_raw",
        "revenue_meur", "reject_reason",
    ]  # fmt: skip
    got = [
        (r["line"], r["name"], r["siren_raw"], r["siren_status"], r["siren"], r["reject_reason"])
        for r in rows
    ]
    assert got == [
        (2, "Alpha", "552120222", "ok", "552120222", None),
        (3, "Beta", "55212022200013", "siret_as_siren", "552120222", None),
        (4, "Gamma", "552120223", "siren_checksum", None, None),
        (5, "Delta", "552120222.0", "ok", "552120222", None),
        (6, "Epsilon", "12345674", "ok", "012345674", None),
        (7, None, "abc", "siren_malformed", None, "name_missing"),
        (8, None, None, "siren_missing", None, "row_empty"),
        (9, None, "552 120 222", "ok", "552120222", None),
        (10, "Zeta", None, "siren_missing", None, None),
        (11, "Eta", "1234", "siren_malformed", None, None),
        (12, "Theta", "1234567400019", "siret_as_siren", "012345674", None),
        (2, "Iota", None, "siren_missing", None, None),
    ]
    numbers = [
        tuple(r[k] for k in ("line", "employees_raw", "employees", "revenue_raw", "revenue_meur"))
        for r in rows
        if r["employees_raw"] or r["revenue_raw"]
    ]
    assert numbers == [
        (2, "12,5", 12.5, "1 234,5", 1234.5),
        (10, "n.c.", None, "1,234", 1.234),  # the file's decimal mark is ','
        (2, "1.234,5", 1234.5, "1,234", 1234.0),  # ... and in b.csv '.'
    ]
    assert (rows[9]["filiere_label"], rows[9]["postcode"]) == ("Medtech", "69007")
    assert rows[5]["city"] == "Lyon" and rows[6]["city"] is None


def test_partner_issues_and_outcomes(partners_wh: Warehouse) -> None:
    wh = partners_wh
    validate_partners(wh)
    a, b = "lists/a.csv", "lists/b.csv"
    v = "validate"
    assert _issues(wh, "partners") == {
        (v, a, 3, "siren", "55212022200013", "siret_as_siren", "552120222"),
        (v, a, 4, "siren", "552120223", "siren_checksum", None),
        (v, a, 7, "name", None, "name_missing", None),
        (v, a, 8, "*", None, "row_empty", None),
        (v, a, 10, "siren", None, "siren_missing", None),
        (v, a, 10, "employees", "n.c.", "number_ignored", None),
        (v, a, 11, "siren", "1234", "siren_malformed", None),
        (v, a, 12, "siren", "1234567400019", "siret_as_siren", "012345674"),
        # issue 9: each restored zero is recorded (the checksums are worked out at the top)
        (v, a, 6, "siren", "12345674", "identifier_padded", "012345674"),
        (v, a, 12, "siren", "1234567400019", "identifier_padded", "01234567400019"),
        (v, b, 2, "siren", None, "siren_missing", None),
    }
    assert _outcomes(wh, "partners") == {
        (a, 7, "rejected", None, None),
        (a, 8, "rejected", None, None),
    }


@pytest.fixture
def headcounts_wh() -> Warehouse:
    return _load_headcounts(memory_warehouse())


def _load_headcounts(wh: Warehouse) -> Warehouse:
    f = "hc.csv"

    def row(line: int, siret: str | None, headcount: str | None, year: str | None = None):
        return {"_input": "urssaf", "_file": f, "_line": line, "siret": siret,
                "headcount": headcount, "year": year}  # fmt: skip

    rows = [
        row(2, "55212022200013", "12,5", "2024"),
        row(3, "552 120 222 00013", "15", ""),  # same SIRET, another value: merged
        row(4, "55212022200013", "12,5"),  # same SIRET, same value: merged
        row(5, "55212022200014", "3"),  # last digit changed: Luhn fails
        row(6, "1234567400019", "1 234,5", "2023"),  # zero lost, repaired; wrong year
        row(7, "01234567400019", "-3", "2024"),
        row(8, "01234567400019", "abc"),
        row(9, None, " ", ""),
        row(10, "01234567400019", "7", "2024.0"),  # first kept row of this SIRET
        row(11, None, "5"),
        row(12, "01234567400019", ""),
        row(13, "35600000000048", "3", "abc"),
        row(14, "35600000000048", "4", "2024"),
    ]
    wh.load_arrow("raw_headcounts", _raw(HEADCOUNTS, rows))
    wh.load_arrow("input_files", _input_files([("urssaf", "headcounts", f, ",")]))
    return wh


def test_headcounts(headcounts_wh: Warehouse) -> None:
    wh = headcounts_wh
    assert validate_headcounts(wh, 2024) == 13
    rows = wh.to_rows(wh.table("headcount_rows").order_by("line"))
    assert list(rows[0]) == [
        "input", "file", "line", "siret_raw", "siret", "headcount_raw", "headcount", "year_raw",
        "year", "reject_reason", "occurrence", "first_origin", "first_headcount",
    ]  # fmt: skip
    got = [(r["line"], r["siret"], r["headcount"], r["year"], r["reject_reason"]) for r in rows]
    assert got == [
        (2, "55212022200013", 12.5, 2024, None),
        (3, "55212022200013", 15.0, None, None),
        (4, "55212022200013", 12.5, None, None),
        (5, "55212022200014", 3.0, None, "siret_invalid"),
        (6, "01234567400019", 1234.5, 2023, "year_mismatch"),
        (7, "01234567400019", -3.0, 2024, "number_negative"),
        (8, "01234567400019", None, None, "number_invalid"),
        (9, None, None, None, "row_empty"),
        (10, "01234567400019", 7.0, 2024, None),
        (11, None, 5.0, None, "siret_invalid"),
        (12, "01234567400019", None, None, "number_invalid"),
        (13, "35600000000048", 3.0, None, "year_mismatch"),
        (14, "35600000000048", 4.0, 2024, None),
    ]
    assert [r["occurrence"] for r in rows] == [1, 2, 3] + [None] * 5 + [1, None, None, None, 1]
    assert wh.to_rows(wh.table("headcounts").order_by("line")) == [
        {"siret": "55212022200013", "headcount": 12.5, "file": "hc.csv", "line": 2},
        {"siret": "01234567400019", "headcount": 7.0, "file": "hc.csv", "line": 10},
        {"siret": "35600000000048", "headcount": 4.0, "file": "hc.csv", "line": 14},
    ]
    f, v = "hc.csv", "validate"
    assert _issues(wh, "headcounts", "headcounts_merged") == {
        (v, f, 3, "siret", "552 120 222 00013", "duplicate_merged", "hc.csv:2 (15.0 ≠ 12.5)"),
        (v, f, 4, "siret", "55212022200013", "duplicate_merged", "hc.csv:2"),
        (v, f, 5, "siret", "55212022200014", "siret_invalid", None),
        (v, f, 6, "year", "2023", "year_mismatch", "2024"),
        (v, f, 7, "headcount", "-3", "number_negative", None),
        (v, f, 8, "headcount", "abc", "number_invalid", None),
        (v, f, 9, "*", None, "row_empty", None),
        (v, f, 11, "siret", None, "siret_invalid", None),
        (v, f, 12, "headcount", None, "number_invalid", None),
        (v, f, 13, "year", "abc", "year_mismatch", "2024"),
    }
    first, other, poste = "siret:55212022200013", "siret:01234567400019", "siret:35600000000048"
    assert _outcomes(wh, "headcounts") == {
        (f, 2, "integrated", first, None),
        (f, 3, "merged", first, None),
        (f, 4, "merged", first, None),
        *((f, line, "rejected", None, None) for line in (5, 6, 7, 8, 9, 11, 12, 13)),
        (f, 10, "integrated", other, None),
        (f, 14, "integrated", poste, None),
    }


TOY = Contract(
    input_kind="toy",
    title_en="Toy",
    title_fr="Jouet",
    columns=(
        Column("code", "text", True, "Code", "Code", pattern="[A-Z]{2}[0-9]{2}"),
        Column("level", "text", False, "Level", "Niveau", codes=("low", "high")),
        Column("amount", "decimal", False, "Amount", "Montant", min_value=10),
        Column("count", "integer", False, "Count", "Nombre", on_invalid="reject"),
        Column("note", "text", False, "Note", "Remarque"),
    ),
)


def test_declared_rules_of_a_toy_contract() -> None:
    """Pattern, code list, minimum, reject and warn, from the declaration alone."""
    wh = memory_warehouse()

    def row(line: int, code: str | None, level: str | None, amount: str | None, count: str | None):
        return {"_input": "t", "_file": "t.csv", "_line": line, "code": code, "level": level,
                "amount": amount, "count": count, "note": "x"}  # fmt: skip

    rows = [
        row(1, "AB12", "low", "12.5", "3"),
        row(2, "ab12", "low", None, None),  # pattern is case-sensitive: warned, value NULL
        row(3, "AB12", "medium", "9", "2.5"),  # count not whole: rejected
        row(4, "AB12", "high", "9", "4"),  # below the minimum: warned, NULL
        row(5, None, None, "x", None),  # required code missing: rejected
        row(6, "AB123", None, None, None),
    ]
    wh.load_arrow("raw_toy", _raw(TOY, rows))
    wh.load_arrow("input_files", _input_files([("t", "toy", "t.csv", ".")]))
    assert validate_table(wh, TOY, "raw_toy", "toy_rows", "toy") == 6
    got = wh.to_rows(wh.table("toy_rows").order_by("line"))
    assert list(got[0]) == [
        "input", "file", "line", "code_raw", "code", "level_raw", "level", "amount_raw",
        "amount", "count_raw", "count", "note", "reject_reason",
    ]  # fmt: skip
    assert [(r["code"], r["level"], r["amount"], r["count"], r["reject_reason"]) for r in got] == [
        ("AB12", "low", 12.5, 3, None),
        (None, "low", None, None, None),
        ("AB12", None, None, None, "number_invalid"),  # warned values are NULL here too
        ("AB12", "high", None, 4, None),
        (None, None, None, None, "value_missing"),
        (None, None, None, None, None),
    ]
    assert _issues(wh, "toy") == {
        ("validate", "t.csv", 2, "code", "ab12", "value_ignored", "[A-Z]{2}[0-9]{2}"),
        ("validate", "t.csv", 3, "count", "2.5", "number_invalid", None),
        ("validate", "t.csv", 4, "amount", "9", "value_ignored", "≥ 10"),
        ("validate", "t.csv", 5, "code", None, "value_missing", None),
        ("validate", "t.csv", 6, "code", "AB123", "value_ignored", "[A-Z]{2}[0-9]{2}"),
    }


@pytest.mark.spark
def test_same_rows_issues_and_outcomes_on_spark(tmp_path: Path) -> None:
    from healthradar.engine.spark_backend import SparkWarehouse

    tables = ("partner_rows", "headcount_rows", "headcounts")
    records = ("partners", "headcounts", "headcounts_merged")
    results = []
    spark = SparkWarehouse(tmp_path / "spark")
    try:
        for make in (memory_warehouse, lambda: spark):
            wh = make()
            _load_partners(wh)
            validate_partners(wh)
            _load_headcounts(wh)
            validate_headcounts(wh, 2024)
            got = {t: wh.to_rows(wh.table(t).order_by(["file", "line"])) for t in tables}
            got["issues"] = sorted(_issues(wh, *records), key=repr)
            got["outcomes"] = sorted(
                _outcomes(wh, "partners") | _outcomes(wh, "headcounts"), key=repr
            )
            results.append(got)
    finally:
        spark.close()
    for name, duckdb_rows in results[0].items():
        assert duckdb_rows == results[1][name], name


# -- repairs of what spreadsheets do to identifiers and postcodes (issue 9) -----------------------
# 001234566: Luhn over 0 0 1 2 3 4 5 6 6, doubling positions 2, 4, 6, 8 from the left:
# 0 + 0 + 1 + 4 + 3 + 8 + 5 + (12 -> 3) + 6 = 30: valid; its 7 digits '1234566' lost two zeros.
# 1234567: Luhn over 0 0 1 2 3 4 5 6 7 (zeros add nothing) = 31: invalid, so never padded.
# 00123456600014: SIRET of 001234566 (NIC 00014); 14-digit Luhn: doubled (from the left, odd
# positions 1, 3, ..., 13) 0,1,3,5,6,0,1 -> 0+2+6+(10->1)+(12->3)+0+2 = 14; plain 0,2,4,6,0,0,4
# = 16: 30, valid. Written '123456600014', it lost two zeros.
# 55212022200014: SIRET 55212022200013 with its last digit changed (14-digit Luhn 31: invalid);
# its first 9 digits 552120222 are a valid SIREN, which is kept with a warning.
# 01000 is Bourg-en-Bresse's postcode in the COG; 09999 is no French postcode.
def test_identifiers_and_postcodes_repaired_only_when_certain() -> None:
    from healthradar.reference import postcodes_table

    wh = memory_warehouse()
    wh.load_arrow("ref_postcodes", postcodes_table())
    a = "lists/a.csv"

    def row(line: int, **cells: str | None) -> dict[str, Any]:
        return {"_input": "cluster", "_file": a, "_line": line, "name": f"Co {line}", **cells}

    wh.load_arrow(
        "raw_partners",
        _raw(
            PARTNERS,
            [
                row(2, siren="1234566"),
                row(3, siren="1234567"),
                row(4, siren="123456600014"),
                row(5, siren="55212022200014"),
                row(6, postcode="1000"),
                row(7, postcode="9999"),
                row(8, postcode="69007"),
            ],
        ),
    )
    wh.load_arrow("input_files", _input_files([("cluster", "partners", a, ",")]))
    validate_partners(wh)
    rows = wh.to_rows(wh.table("partner_rows").order_by("line"))
    assert [(r["line"], r["siren_status"], r["siren"], r["postcode"]) for r in rows] == [
        (2, "ok", "001234566", None),
        (3, "siren_malformed", None, None),
        (4, "siret_as_siren", "001234566", None),
        (5, "siret_invalid_siren_kept", "552120222", None),
        (6, "siren_missing", None, "01000"),
        (7, "siren_missing", None, "9999"),
        (8, "siren_missing", None, "69007"),
    ]
    found = {
        (i[2], i[3], i[4], i[5], i[6])
        for i in _issues(wh, "partners")
        if i[5] not in ("siren_missing",)
    }
    assert found == {
        (2, "siren", "1234566", "identifier_padded", "001234566"),
        (3, "siren", "1234567", "siren_malformed", None),
        (4, "siren", "123456600014", "identifier_padded", "00123456600014"),
        (4, "siren", "123456600014", "siret_as_siren", "001234566"),
        (5, "siren", "55212022200014", "siret_invalid_siren_kept", "552120222"),
        (6, "postcode", "1000", "postcode_padded", "01000"),
    }


def test_headcount_siret_padded_when_its_checksum_confirms() -> None:
    # '123456600014' is SIRET 00123456600014 without its two zeros (see above): integrated;
    # '1234567400019' is 01234567400019 without one zero (valid, top of file): integrated too.
    wh = memory_warehouse()
    rows = [
        {"_input": "u", "_file": "h.csv", "_line": 2, "siret": "123456600014", "headcount": "4"},
        {"_input": "u", "_file": "h.csv", "_line": 3, "siret": "123456600015", "headcount": "4"},
    ]
    wh.load_arrow("raw_headcounts", _raw(HEADCOUNTS, rows))
    wh.load_arrow("input_files", _input_files([("u", "headcounts", "h.csv", ",")]))
    validate_headcounts(wh, 2024)
    got = wh.to_rows(wh.table("headcount_rows").order_by("line"))
    assert [(r["line"], r["siret"], r["reject_reason"]) for r in got] == [
        (2, "00123456600014", None),
        (3, "123456600015", "siret_invalid"),  # checksum fails: not padded, rejected
    ]
