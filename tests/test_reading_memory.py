"""Reading inputs in bounded memory (issue 9, item 7: 200,000-row inputs under 400 MB).

The figures are in `bench/bench_inputs.py`; these tests pin what makes them possible and must
not change a result: a file read in chunks gives the same encoding, dialect, records and issues
as the whole bytes, and importing the pipeline leaves the heavy libraries of the late stages out.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthradar.contracts import PARTNERS
from healthradar.engine import memory_warehouse
from healthradar.ingest.sniff import (
    detect_encoding,
    detect_file_encoding,
    sniff_csv,
    sniff_csv_file,
)
from healthradar.ingest.tabular import load_raw, read_tabular

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _python(code: str, **env: str) -> str:
    """Run `code` in a fresh interpreter (imports and allocator are per process)."""
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    environ["PYTHONPATH"] = SRC + os.pathsep + environ.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**environ, **env},
        check=True,
    )
    return done.stdout.strip()


# -- encoding and dialect from a file read in chunks ----------------------------------------------
def test_utf8_character_split_between_two_chunks_is_still_utf8(tmp_path: Path) -> None:
    # "Nom;Ville\n" is 10 bytes and "Caf" 3 more, so with chunks of 14 bytes the first chunk
    # ends with 0xC3, the first byte of "é" (C3 A9): decoded chunk by chunk without carrying
    # that byte over, the file would look invalid UTF-8 and fall to an 8-bit guess.
    path = tmp_path / "p.csv"
    path.write_bytes("Nom;Ville\nCafé;Lyon\n".encode())
    guess = detect_file_encoding(path, chunk_bytes=14)
    assert (guess.encoding, guess.confidence) == ("utf-8", 1.0)


def test_a_byte_in_a_later_chunk_still_decides(tmp_path: Path) -> None:
    # Byte 27 (0x81, after "Nom;Ville\n" = 10 bytes and "Soci\xe9t\xe9 A;Lyon\n" = 16) is in
    # the fourth chunk of 8 bytes. cp1252 has no character for 0x81, so it cannot be the
    # encoding; latin-1 and latin-9 read it as a C1 control and lose; of the two left, Mac Roman
    # reads "È", "È", "Å" (2 of 3 French letters) and cp850 "Ú", "Ú", "ü" (1 of 3): Mac Roman.
    # A guess from the first chunks alone would have been cp1252 (é, é).
    data = b"Nom;Ville\nSoci\xe9t\xe9 A;Lyon\nX\x81Y;Paris\n"
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    assert detect_file_encoding(path, chunk_bytes=8).encoding == "mac_roman"
    assert detect_file_encoding(path, chunk_bytes=8) == detect_encoding(data)


cells = st.text(
    alphabet=st.sampled_from(list("abcdeéèàçôÉ€’ 0123456789,.-")), min_size=0, max_size=10
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(cells, min_size=2, max_size=4), min_size=1, max_size=30),
    delimiter=st.sampled_from([";", ",", "\t"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_file_sniff_is_the_sniff_of_the_whole_bytes(
    rows: list[list[str]], delimiter: str, ending: str, encoding: str, chunk: int
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_bytes(data)
        assert detect_file_encoding(path, chunk) == detect_encoding(data)
        assert sniff_csv_file(path, chunk) == sniff_csv(data)[0]


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=300), chunk=st.integers(min_value=1, max_value=50))
def test_file_encoding_of_any_bytes_is_that_of_the_whole_bytes(data: bytes, chunk: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_bytes(data)
        assert detect_file_encoding(path, chunk) == detect_encoding(data)


# -- records streamed from the file ---------------------------------------------------------------
def test_swallowed_lines_are_reported_with_their_text_from_the_stream(tmp_path: Path) -> None:
    # The file of test_hostile_inputs' swallow, with a UTF-8 BOM and CRLF endings: line 3 opens
    # a quote closed on line 5; line 2's quoted ';' keeps quoting on, so lines 4 and 5 are
    # rejected. The issue quotes each swallowed line as written, ending stripped: the reader
    # no longer holds the file's lines, it keeps those of the record being checked.
    text = (
        'Nom;SIREN;Ville\r\n"Alpha; Beta SA";552120222;Lyon\r\n'
        '"Beta;111;Lyon\r\nGamma;222;Lyon\r\nDelta;333";Lyon\r\n'
    )
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    table = read_tabular("cluster", PARTNERS, path, "p.csv")
    assert table.headers[0] == "Nom"  # BOM gone
    assert table.lines == [2, 3] and table.rejected_lines == [4, 5]
    assert [(i[0], i[2], i[3]) for i in table.structure_issues] == [
        (3, None, "quote_unclosed"),
        (4, "Gamma;222;Lyon", "record_swallowed"),
        (5, 'Delta;333";Lyon', "record_swallowed"),
    ]


def test_rows_past_one_arrow_chunk_keep_their_lines(tmp_path: Path) -> None:
    # 20,000 rows make one chunk while reading. A header on line 1, then 20,003 named rows and
    # one blank line inserted before the 10,001st of them: the blank line is line 10,002 and a
    # record (empty cells), so 20,004 records on lines 2..20,005, the last named "n20003".
    names = [f"n{i}" for i in range(1, 20_004)]
    body = [f"{n};552120222" for n in names]
    body.insert(10_000, "")  # becomes line 10,002
    path = tmp_path / "p.csv"
    path.write_text("Nom;SIREN\n" + "\n".join(body) + "\n", encoding="utf-8")
    table = read_tabular("cluster", PARTNERS, path, "p.csv")
    assert table.records_read == 20_004
    assert table.lines[0] == 2 and table.lines[-1] == 20_005 and table.lines[10_000] == 10_002
    arrow = table.to_arrow(PARTNERS)
    assert arrow.column("name")[-1].as_py() == "n20003"
    assert arrow.column("_line").type == "int32" and arrow.column("_input")[0].as_py() == "cluster"


def test_rows_handed_to_the_warehouse_are_let_go_once_and_still_counted(tmp_path: Path) -> None:
    # 3 records (lines 2-4, the blank line 3 among them, a record of empty cells): after
    # load_raw the warehouse holds the 3 rows, the reader's copy is gone, the count stays 3,
    # and a second load refuses instead of writing an empty input.
    path = tmp_path / "p.csv"
    path.write_text("Nom;SIREN\nAcme;552120222\n\nBeta;\n", encoding="utf-8")
    table = read_tabular("cluster", PARTNERS, path, "p.csv")
    wh = memory_warehouse()
    try:
        assert load_raw(wh, "raw_partners", PARTNERS, [table]) == 3
        assert wh.to_rows(wh.table("raw_partners").select("_line", "name").order_by("_line")) == [
            {"_line": 2, "name": "Acme"},
            {"_line": 3, "name": None},
            {"_line": 4, "name": "Beta"},
        ]
        assert table.records_read == 3 and table.columns == {}
        with pytest.raises(RuntimeError, match=r"p\.csv"):
            load_raw(wh, "raw_partners", PARTNERS, [table])
    finally:
        wh.close()


# -- what importing the pipeline costs ------------------------------------------------------------
def test_importing_the_pipeline_leaves_late_stage_libraries_out() -> None:
    # preflight, ingest and validate need none of these; confidentiality (scipy) and publish
    # (altair, vl-convert) import them when they run: about 90 MB of resident memory.
    loaded = _python(
        "import sys, healthradar.pipeline; "
        "print(sorted(m for m in ('scipy', 'altair', 'vl_convert') if m in sys.modules))"
    )
    assert loaded == "[]"


def test_arrow_uses_the_system_allocator_unless_the_user_chose_one() -> None:
    code = "import healthradar.engine, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    assert _python(code) == "system"
    assert _python(code, ARROW_DEFAULT_MEMORY_POOL="jemalloc") == "jemalloc"
