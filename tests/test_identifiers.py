"""Property tests for SIREN/SIRET checks and number parsing, as the warehouse runs them."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.fr import siren as stdnum_siren

from healthradar.validate.sql_functions import register_sql_functions


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    register_sql_functions(c)
    yield c
    c.close()  # an open connection holding Python UDFs makes duckdb report leaks at exit


eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(base=eight_digits, position=st.integers(0, 8), shift=st.integers(1, 9))
def test_siren_checksum(
    con: duckdb.DuckDBPyConnection, base: str, position: int, shift: int
) -> None:
    good = base + luhn.calc_check_digit(base)
    digits = list(good)
    digits[position] = str((int(digits[position]) + shift) % 10)
    bad = "".join(digits)
    ok, ko = con.execute("SELECT hr_siren_valid(?), hr_siren_valid(?)", [good, bad]).fetchone()
    assert ok is True
    assert ko is stdnum_siren.is_valid(bad) and ko is False  # one changed digit breaks Luhn


@settings(max_examples=100, deadline=None)
@given(base=eight_digits, nic=st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_siret_yields_its_siren(con: duckdb.DuckDBPyConnection, base: str, nic: str) -> None:
    siren = base + luhn.calc_check_digit(base)
    siret = siren + nic + luhn.calc_check_digit(siren + nic)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    valid, digits = con.execute(
        "SELECT hr_siret_valid(hr_digits(?)), substr(hr_digits(?), 1, 9)", [spaced, spaced]
    ).fetchone()
    assert valid is True and digits == siren


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    style=st.sampled_from(["fr", "fr_nbsp", "en", "plain"]),
)
def test_numbers_as_spreadsheets_write_them(
    con: duckdb.DuckDBPyConnection, value: float, style: str
) -> None:
    text = f"{value:,.2f}"
    if style == "fr":
        text = text.replace(",", " ").replace(".", ",")
        mark = ","
    elif style == "fr_nbsp":
        text = text.replace(",", "\u202f").replace(".", ",")
        mark = ","
    elif style == "en":
        mark = "."
    else:
        text, mark = f"{value:.2f}", "."
    parsed = con.execute("SELECT hr_number(?, ?)", [text, mark]).fetchone()[0]
    assert parsed == pytest.approx(round(value, 2), abs=1e-6)


@pytest.mark.parametrize("raw", ["n.c.", "NC", "10-19", "abc", ""])
def test_non_numbers_are_null(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert con.execute("SELECT hr_number(?, ',')", [raw]).fetchone()[0] is None
