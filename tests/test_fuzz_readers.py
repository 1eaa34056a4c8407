"""Fuzz target: the partner-list and headcount readers on whatever a partner might send.

Random bytes, well-formed tables in random encodings, delimiters, quotes, line endings and
header positions, the same tables with a stray quote, and workbooks of random cells. Whatever
the file, reading either stops with the project's FatalInputError (an unreadable file, a
missing column) or reads it, and then every record ends as exactly one of integrated, merged
or rejected once validated (rows read = kept + rejected, one outcome per line).

Bounded in the normal run (`HEALTHRADAR_FUZZ` unset: a few dozen examples per target); `make
fuzz` sets HEALTHRADAR_FUZZ=long for thousands.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthradar.contracts import HEADCOUNTS, PARTNERS, Contract
from healthradar.engine import Warehouse, memory_warehouse
from healthradar.errors import FatalInputError
from healthradar.ingest.tabular import RawTable, load_raw, read_tabular
from healthradar.quality.records import all_outcomes
from healthradar.reference import postcodes_table
from healthradar.validate.headcounts import validate_headcounts
from healthradar.validate.partners import validate_partners

settings.register_profile(
    "fuzz-ci",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz-long",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = "fuzz-long" if os.environ.get("HEALTHRADAR_FUZZ") == "long" else "fuzz-ci"

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "mac_roman", "latin-1", "utf-16")
ENDINGS = ("\n", "\r\n", "\r")
# Header words each contract knows, plus words it does not
PARTNER_HEADERS = ("Raison sociale", "N° SIREN", "SIRET", "Filière", "Ville", "CP", "Effectif",
                   "CA (M€)", "Site web", "Commentaire", "SIREN", "Nom")  # fmt: skip
HEADCOUNT_HEADERS = ("SIRET", "Effectif salarié", "Année", "Commentaire", "N° SIRET")

# Cells on one line hold anything; cells over several lines hold no delimiter, and their rows
# no extra cell (`csv_files`): a quoted cell whose lines each have the header's number of
# delimiters is, by its shape, a swallow (the documented limit of the record count,
# docs/inputs.md).
one_line = st.text(alphabet="abcXYZ éèàçœÉ0123456789 ;,|\t\"'-./\x00\x07", max_size=12)
several_lines = st.text(alphabet="abc éà0123456789 \"'-.\x00\n\r", max_size=12)
cells = st.one_of(
    one_line,
    several_lines,
    st.sampled_from(["552120222", "55212022200013", "1234566", "1000", "12,5", "2024", ""]),
)


@pytest.fixture(scope="module")
def wh() -> Iterator[Warehouse]:
    warehouse = memory_warehouse()
    warehouse.load_arrow("ref_postcodes", postcodes_table())
    yield warehouse
    warehouse.close()


@st.composite
def csv_files(draw: st.DrawFn, headers: tuple[str, ...]) -> tuple[bytes, int | None]:
    """(bytes, data rows written when the file is well formed, else None)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300)), None
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    ending = draw(st.sampled_from(ENDINGS))
    header = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=12))
    # A row with a cell over several lines keeps to the header's width: one more cell would give
    # each of its lines the header's number of delimiters — the documented limit, where a
    # legitimate cell cannot be told from a swallow (docs/inputs.md; found by `make fuzz`:
    # header 'Nom;Nom', row ';"é61.\r5";' read as two records, quoting ignored)
    rows = [row[: len(header)] if any(ch in "".join(row) for ch in "\r\n") else row for row in rows]
    titles = draw(st.lists(st.sampled_from(["Liste 2024", "", "Export du 3 mars"]), max_size=3))
    table = [[title] for title in titles] + [header, *rows]
    text = "".join(_line(row, delimiter) + ending for row in table)
    well_formed = True
    if draw(st.booleans()):  # a stray quote opening some field
        at = draw(st.integers(0, len(text)))
        text, well_formed = text[:at] + '"' + text[at:], False
    encoding = draw(st.sampled_from(ENCODINGS))
    raw = text.encode(encoding, errors="replace")
    return raw, len(rows) if well_formed else None


def _line(cells: list[str], delimiter: str) -> str:
    """One record as a spreadsheet writes it: a cell holding the delimiter, a quote or a line
    break is quoted (csv.writer leaves a lone \\r unquoted when the line ends in \\n)."""

    def quoted(cell: str) -> str:
        if any(ch in cell for ch in (delimiter, '"', "\r", "\n")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return delimiter.join(quoted(c) for c in cells)


@st.composite
def xlsx_files(draw: st.DrawFn, headers: tuple[str, ...]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if draw(st.booleans()):
        ws.title = "Couverture"
        ws.append(["Liste des adhérents"])
        ws = wb.create_sheet("Données")
    for _ in range(draw(st.integers(0, 3))):
        ws.append([draw(st.sampled_from(["Titre", None, "2024"]))])
    ws.append(draw(st.lists(st.sampled_from(headers), min_size=1, max_size=6)))
    value = st.one_of(
        st.none(),
        st.integers(-10, 10**14),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(alphabet="abc éà0123456789;\"'\n", max_size=10),
    )
    for row in draw(st.lists(st.lists(value, max_size=7), max_size=10)):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(tmp: Path, name: str, data: bytes, contract: Contract) -> RawTable | None:
    path = tmp / name
    path.write_bytes(data)
    try:
        return read_tabular("fuzz", contract, path, name)
    except FatalInputError:
        return None  # the one allowed way to refuse a file


def _reconcile(wh: Warehouse, table: RawTable, contract: Contract) -> None:
    """Validate the table alone and check that every record has exactly one outcome."""
    wh.load_arrow(
        "input_files",
        pa.table({"file": [table.file], "decimal_mark": [table.decimal]}),
    )
    for name in wh.list_tables("outcomes__") + wh.list_tables("issues__"):
        wh.drop(name)
    if contract is PARTNERS:
        load_raw(wh, "raw_partners", contract, [table])
        validate_partners(wh)
        rows = wh.table("partner_rows")
        kept = wh.count(rows.filter(rows.reject_reason.isnull()))  # resolve: integrated|merged
    else:
        load_raw(wh, "raw_headcounts", contract, [table])
        validate_headcounts(wh, 2024)
        kept = 0
    outcomes = wh.to_rows(all_outcomes(wh))
    lines = [o["line"] for o in outcomes]
    assert len(lines) == len(set(lines)), "a record has two outcomes"
    assert table.records_read == kept + len(outcomes), (table.records_read, kept, len(outcomes))


@settings(settings.get_profile(PROFILE))
@given(data=csv_files(PARTNER_HEADERS))
def test_partner_csv_reader(wh: Warehouse, tmp_path: Path, data: tuple[bytes, int | None]) -> None:
    raw, written = data
    table = _read(tmp_path, "partners.csv", raw, PARTNERS)
    if table is None:
        return
    _reconcile(wh, table, PARTNERS)
    if written is not None and table.encoding in ("utf-8", "utf-8-sig", "utf-16"):
        # a well-formed file: its records are its rows, whatever the cells hold
        assert table.records_read == written
        assert not table.rejected_lines


@settings(settings.get_profile(PROFILE))
@given(data=csv_files(HEADCOUNT_HEADERS))
def test_headcount_csv_reader(
    wh: Warehouse, tmp_path: Path, data: tuple[bytes, int | None]
) -> None:
    raw, written = data
    table = _read(tmp_path, "headcounts.csv", raw, HEADCOUNTS)
    if table is None:
        return
    _reconcile(wh, table, HEADCOUNTS)
    if written is not None and table.encoding in ("utf-8", "utf-8-sig", "utf-16"):
        assert table.records_read == written


@settings(settings.get_profile(PROFILE))
@given(data=xlsx_files(PARTNER_HEADERS))
def test_partner_xlsx_reader(wh: Warehouse, tmp_path: Path, data: bytes) -> None:
    table = _read(tmp_path, "partners.xlsx", data, PARTNERS)
    if table is None:
        return
    _reconcile(wh, table, PARTNERS)


def test_the_documented_limit_loses_nothing(wh: Warehouse, tmp_path: Path) -> None:
    """`make fuzz` found it: a cell over two lines ('é61.' CR '5') in a row with one cell more
    than the header, so that each of its lines holds the header's one delimiter. By its shape
    it is a swallow: the file is re-read with quoting off (a warning), each line a record —
    4 records for the 3 rows written, every one of them accounted for."""
    raw = b'Nom;Nom\n\x008\xc3\xa9.;\n\n;"\xc3\xa961.\r5";\n'
    table = _read(tmp_path, "partners.csv", raw, PARTNERS)
    assert table is not None
    assert table.records_read == 4  # lines 2, 3, 4 and 5
    assert [(i[0], i[3]) for i in table.structure_issues if i[3] == "quoting_ignored"] == [
        (4, "quoting_ignored")
    ]
    _reconcile(wh, table, PARTNERS)


@pytest.mark.parametrize(
    ("raw", "contract", "name"),
    [
        # a cell over two lines ('12886' CR '51411'), then a quoted cell holding the delimiter:
        # split naively, its second line has the header's 6 cells
        (
            b"Raison sociale;Raison sociale;Raison sociale;Raison sociale;Raison sociale;"
            b'Raison sociale\n"12886\r51411\x00";;;;"\t\xc3\xa8\x07\xc3\xa9\x00/X.;"\n',
            PARTNERS,
            "partners.csv",
        ),
        # the same with tabs: the second line of ' b6 ' CR holds a quoted cell with a tab
        (
            b"SIRET\tSIRET\tEffectif salari\xc3\xa9\tSIRET\tSIRET\n\n\n\n\n\n\n\n"
            b'" b6 \r"\t\t\t"b.\x07\t0."\n',
            HEADCOUNTS,
            "headcounts.csv",
        ),
    ],
)
def test_a_quoted_delimiter_after_a_multi_line_cell_is_no_swallow(
    wh: Warehouse, tmp_path: Path, raw: bytes, contract: Contract, name: str
) -> None:
    """Found by `make fuzz`: well-formed files read as swallows. A line of a multi-line record
    is a record of its own only if, read on its own with its quotes, it has the header's
    number of cells — not when split at every delimiter, quoted ones included."""
    table = _read(tmp_path, name, raw, contract)
    assert table is not None
    # one data row in the first file; in the second, 7 blank lines and one row
    assert table.records_read == (1 if contract is PARTNERS else 8)
    assert not table.rejected_lines
    assert not [i for i in table.structure_issues if i[3] in ("quoting_ignored", "quote_unclosed")]
    _reconcile(wh, table, contract)
