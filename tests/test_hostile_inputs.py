"""Partner files as analysts receive them, read one by one (issue 9, reading side).

Each test states a failure seen on real files: a swallowing quote, title lines above the header,
a cover sheet, two columns of one name, an unknown SIREN header, Mac Roman text, control bytes.
Expected values are worked out by hand from the file written in the test.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.errors import REASONS, FatalInputError
from healthradar.ingest.tabular import RawTable, read_tabular


def read(tmp_path: Path, data: bytes | str, name: str = "p.csv", **kw: object) -> RawTable:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_tabular("cluster", PARTNERS, path, name, **kw)  # type: ignore[arg-type]


def column(table: RawTable, name: str) -> list[str | None]:
    return table.to_arrow(PARTNERS).column(name).to_pylist()


def issues(table: RawTable) -> list[tuple[object, ...]]:
    return [(line, col, reason) for line, col, _raw, reason, _detail in table.structure_issues]


# -- records counted independently of the parser --------------------------------------------------
def test_swallowed_records_are_rejected_each_on_its_own_line(tmp_path: Path) -> None:
    # Line 3 opens a quote that closes on line 5: the csv parser makes lines 3-5 one record
    # whose name is 'Beta;111\n...'. Quoting cannot be switched off (line 2 quotes a name with
    # a ';' in it), so lines 4 and 5, each a full record of 3 cells, are rejected on their own
    # line; 4 records counted (lines 2-5) = 2 kept + 2 rejected.
    text = (
        'Nom;SIREN;Ville\n"Alpha; Beta SA";552120222;Lyon\n'
        '"Beta;111;Lyon\nGamma;222;Lyon\nDelta;333";Lyon\n'
    )
    table = read(tmp_path, text)
    assert table.lines == [2, 3]
    assert table.rejected_lines == [4, 5]
    assert table.records_read == 4
    assert issues(table) == [
        (3, "*", "quote_unclosed"),
        (4, "*", "record_swallowed"),
        (5, "*", "record_swallowed"),
    ]
    assert REASONS["record_swallowed"].severity == "rejected"


def test_file_reread_without_quoting_when_that_recovers_the_rows(tmp_path: Path) -> None:
    # A stray quote opens line 3 and is never closed: the parser swallows lines 4 and 5. Read
    # with quoting off every line has the header's 3 cells, so the file is re-read that way:
    # 4 rows kept (the stray quote stays in the name), one warning on line 3.
    text = 'Nom;SIREN;Ville\nAlpha;552120222;Lyon\n"Beta;111;Lyon\nGamma;222;Lyon\nDelta;333;Lyon\n'
    table = read(tmp_path, text)
    assert column(table, "name") == ["Alpha", '"Beta', "Gamma", "Delta"]
    assert table.lines == [2, 3, 4, 5] and table.rejected_lines == []
    assert issues(table) == [(3, "*", "quoting_ignored")]
    assert REASONS["quoting_ignored"].severity == "warning"


def test_a_legitimate_multiline_cell_is_not_flagged(tmp_path: Path) -> None:
    # The name cell of line 2 holds a line break inside closed quotes; line 3 is whole ("Labs"
    # continues the cell): 2 records, no issue.
    text = 'Nom;SIREN;Ville\n"Acme\nLabs";552120222;Lyon\nBeta;;Paris\n'
    table = read(tmp_path, text)
    assert column(table, "name") == ["Acme\nLabs", "Beta"]
    assert table.lines == [2, 4] and table.records_read == 2
    assert issues(table) == []


# -- header detection ------------------------------------------------------------------------------
def test_csv_header_found_below_title_lines(tmp_path: Path) -> None:
    # Lines 1-2: a title and a blank line; the header is line 3; data starts on line 4.
    text = "Adhérents 2024;;\n;;\nRaison sociale;SIREN;Ville\nAlpha;552120222;Lyon\n"
    table = read(tmp_path, text)
    assert table.header_line == 3
    assert column(table, "siren") == ["552120222"] and table.lines == [4]
    assert issues(table) == [(3, "*", "header_detected")]


def test_xlsx_header_found_below_title_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Adhérents 2024 — export du 3 mars"])
    ws.append([])
    ws.append(["Company name", "SIREN", "Sector"])  # row 3
    ws.append(["Alpha", "552120222", "Pharma"])
    wb.save(tmp_path / "p.xlsx")
    table = read_tabular("cluster", PARTNERS, tmp_path / "p.xlsx", "p.xlsx")
    assert table.header_line == 3 and table.lines == [4]
    assert column(table, "name") == ["Alpha"]


def test_data_sheet_found_behind_a_cover_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Couverture"
    cover.append(["Liste des adhérents"])
    cover.append(["Mise à jour : mars 2024"])
    data = wb.create_sheet("Données")
    data.append(["Nom", "SIREN"])
    data.append(["Alpha", "552120222"])
    wb.save(tmp_path / "p.xlsx")
    table = read_tabular("cluster", PARTNERS, tmp_path / "p.xlsx", "p.xlsx")
    assert table.sheet == "Données"
    assert column(table, "name") == ["Alpha"]
    assert (1, "*", "sheet_detected") in issues(table)


def test_missing_column_message_names_header_row_and_sheet(tmp_path: Path) -> None:
    with pytest.raises(FatalInputError) as caught:
        read(tmp_path, "Titre\nfoo;bar\n1;2\n")
    assert "header_row" in caught.value.message("en")
    assert "header_row" in caught.value.message("fr")


# -- duplicate and unknown columns ----------------------------------------------------------------
def test_duplicate_columns_first_one_wins(tmp_path: Path) -> None:
    # Two "SIREN" headers: the first holds the real SIRENs, the second a partner's own code.
    text = "Nom;SIREN;SIREN\nAlpha;552120222;A-17\n"
    table = read(tmp_path, text)
    assert column(table, "siren") == ["552120222"]
    assert (1, "SIREN", "column_duplicate") in issues(table)


def test_unknown_identifier_column_is_a_warning_naming_the_alias(tmp_path: Path) -> None:
    text = "Raison sociale;Numéro SIREN de la société\nAlpha;552120222\n"
    table = read(tmp_path, text)
    found = [i for i in table.structure_issues if i[3] == "column_unmapped"]
    assert [(i[0], i[2]) for i in found] == [(1, "Numéro SIREN de la société")]
    assert found[0][4] == '[aliases.partners] siren = ["Numéro SIREN de la société"]'
    assert REASONS["column_unmapped"].severity == "warning"


def test_aliases_extend_the_contract(tmp_path: Path) -> None:
    contract = PARTNERS.with_aliases({"siren": ["Numéro SIREN de la société"]})
    path = tmp_path / "p.csv"
    path.write_text("Raison sociale;Numéro SIREN de la société\nAlpha;552120222\n")
    table = read_tabular("cluster", contract, path, "p.csv")
    assert table.to_arrow(contract).column("siren").to_pylist() == ["552120222"]
    with pytest.raises(ValueError, match="city"):
        PARTNERS.with_aliases({"siren": ["Ville"]})  # already the city's alias
    with pytest.raises(ValueError, match="sirne"):
        PARTNERS.with_aliases({"sirne": ["x"]})


# -- encodings and control characters -------------------------------------------------------------
def test_mac_roman_file_is_decoded(tmp_path: Path) -> None:
    text = "Raison sociale;Filière;Ville\nSociété Générale Santé;Médecine;Évry\n"
    table = read(tmp_path, text.encode("mac_roman"))
    assert table.encoding == "mac_roman"
    assert column(table, "name") == ["Société Générale Santé"]
    assert column(table, "filiere") == ["Médecine"]


def test_uncertain_encoding_is_a_warning_naming_it(tmp_path: Path) -> None:
    # 0x8E alone: 'é' in Mac Roman, 'Ž' in cp1252 — both plausible to a detector; the French
    # letter decides (mac_roman), and the guess is reported as uncertain.
    table = read(tmp_path, b"Nom;Ville\nCaf\x8e;Lyon\n")
    assert column(table, "name") == ["Café"]
    assert [(i[0], i[3], i[4]) for i in table.structure_issues] == [
        (None, "encoding_uncertain", "mac_roman")
    ]


def test_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    table = read(tmp_path, b"Nom;SIREN\nAc\x00me\x07 Labs;552120222\n")
    assert column(table, "name") == ["Acme Labs"]
    assert [(i[0], i[1], i[2], i[3]) for i in table.structure_issues] == [
        (2, "name", "Ac\\x00me\\x07 Labs", "control_chars_removed")
    ]


def test_headcounts_reader_counts_every_record(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("SIRET;Effectif\n55212022200013;3\n\n55212022200013;4\n")
    table = read_tabular("headcounts", HEADCOUNTS, path, "h.csv")
    assert table.records_read == 3 and table.lines == [2, 3, 4]  # the blank line is a record
