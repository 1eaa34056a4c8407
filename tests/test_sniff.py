"""Property tests: the CSV sniffer recovers what a spreadsheet wrote, whatever the dialect."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from healthradar.ingest.sniff import DELIMITERS, sniff_csv, sniff_decimal, sniff_encoding

# Cells as partner lists have them: French text, digits, punctuation; no line breaks.
cell_text = (
    st.text(
        alphabet=st.sampled_from(
            list("abcdefghijklmnopqrstuvwxyzéèêàçôûÉÀ ABCXYZ0123456789-'&()/.")
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    n_cols = draw(st.integers(min_value=2, max_value=6))
    n_rows = draw(st.integers(min_value=1, max_value=15))
    header = [f"col{i}" for i in range(n_cols)]
    body = [[draw(cell_text) for _ in range(n_cols)] for _ in range(n_rows)]
    return [header, *body]


def write(rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@settings(max_examples=150, deadline=None)
@given(
    rows=tables(),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_sniff_recovers_delimiter_and_text(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    text = write(rows, delimiter)
    dialect, decoded = sniff_csv(text.encode(encoding))
    assert dialect.delimiter == delimiter
    assert decoded == text
    parsed = list(csv.reader(io.StringIO(decoded), delimiter=dialect.delimiter))
    assert parsed == rows


@given(st.text(alphabet="abcdefé çà", min_size=1))
def test_bom_and_latin1(text: str) -> None:
    assert sniff_encoding(("\ufeff" + text).encode("utf-8")) == "utf-8-sig"
    latin = ("é" + text).encode("cp1252")
    assert sniff_encoding(latin) == "cp1252"


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=20))
def test_decimal_comma_detected(values: list[float]) -> None:
    french = [f"{v:.2f}".replace(".", ",") for v in values]
    english = [f"{v:.2f}" for v in values]
    assert sniff_decimal(french) == ","
    assert sniff_decimal(english) == "."
