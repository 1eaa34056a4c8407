"""Messy inputs found in review: each must be reported, never silently absorbed or fatal."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest
from typer.testing import CliRunner

from healthradar.cli import app
from healthradar.pipeline import build
from tests.tiny import SIREN, SIRET

runner = CliRunner()


def quality(root: Path) -> list[dict[str, str]]:
    with (root / "out" / "quality.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def append_partner_rows(root: Path, text: str) -> None:
    with (root / "inputs" / "partners" / "cluster.csv").open("a", encoding="cp1252") as h:
        h.write(text)


def reconciliation_of(result, file: str) -> dict[str, object]:
    return next(r for r in result.reconciliation if r["file"] == file)


def test_unclosed_quote_file_is_reread_without_quoting(tiny_project: Path) -> None:
    # Line 12 opens a quote never closed: the parser would swallow lines 13-14 into its name.
    # Every line has the header's 6 cells with quoting off, so the file is re-read that way:
    # 10 rows written by tiny.py + 3 = 13 rows read, each with an outcome; one warning.
    append_partner_rows(tiny_project, '"Broken;;;;;\r\nNext Co;;;;;\r\nThird Co;;;;;\r\n')
    result = build(tiny_project)
    flagged = [q for q in quality(tiny_project) if q["reason"] == "quoting_ignored"]
    assert [(q["line"], q["column"]) for q in flagged] == [("12", "*")]
    row = reconciliation_of(result, "inputs/partners/cluster.csv")
    assert row["rows_read"] == 13 and row["balanced"]


def test_swallowed_records_are_rejected_and_counted(tiny_project: Path) -> None:
    # Line 12 quotes a name holding ';' (so quoting must stay on), line 13 opens a quote that
    # closes on line 15: lines 14 and 15 are whole records swallowed into line 13's name. They
    # are rejected on their own lines: 10 + 4 = 14 rows read = integrated + merged + rejected,
    # of which the 2 rejected by tiny.py (lines 6 and 9) + the 2 swallowed.
    append_partner_rows(
        tiny_project,
        '"Alpha; Beta";;;;;\r\n"Broken;;;;;\r\nNext Co;;;;;\r\nThird Co";;;;;\r\n',
    )
    result = build(tiny_project)
    swallowed = [q for q in quality(tiny_project) if q["reason"] == "record_swallowed"]
    assert [q["line"] for q in swallowed] == ["14", "15"]
    row = reconciliation_of(result, "inputs/partners/cluster.csv")
    assert (row["rows_read"], row["rejected"], row["balanced"]) == (14, 4, True)


def test_aliases_declared_in_the_config_map_a_header(tiny_project: Path) -> None:
    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    text = partners.read_text(encoding="cp1252").replace("N° SIREN", "Numéro SIREN de la société")
    partners.write_text(text, encoding="cp1252")
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(
        cfg.read_text() + '\n[aliases.partners]\nsiren = ["Numéro SIREN de la société"]\n'
    )
    build(tiny_project)
    con = duckdb.connect(str(tiny_project / "out" / "warehouse.duckdb"), read_only=True)
    try:
        (sirens,) = con.execute("SELECT count(siren) FROM partner_rows").fetchone()
    finally:
        con.close()
    # tiny.py's list: lines 2, 3, 4, 5, 10 hold a valid SIREN and line 11 a SIRET: 6 usable
    assert sirens == 6


def test_alias_for_an_unknown_column_is_a_config_error(tiny_project: Path) -> None:
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text() + '\n[aliases.partners]\nsirne = ["Code"]\n')
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 2
    assert "aliases.partners.sirne" in " ".join(result.output.split())


def test_extra_cells_are_reported(tiny_project: Path) -> None:
    append_partner_rows(tiny_project, "Extra Co;;;;;;surplus\r\n")
    build(tiny_project)
    ragged = [q for q in quality(tiny_project) if q["reason"] == "row_ragged"]
    assert [(q["line"], q["raw_value"]) for q in ragged] == [("12", "surplus")]


def test_non_finite_headcounts_are_rejected(tiny_project: Path) -> None:
    with (tiny_project / "inputs" / "headcounts.csv").open("a", encoding="utf-8") as h:
        h.write(f"{SIRET['B1']};NaN;2024\n{SIRET['E1']};inf;2024\n")
    result = build(tiny_project)
    reasons = {(q["line"], q["reason"]) for q in quality(tiny_project)}
    assert {("5", "number_invalid"), ("6", "number_invalid")} <= reasons
    total = next(r for r in result.results if r.indicator.id == "emploi.totals")
    assert all(row["jobs"] == row["jobs"] for row in total.data.to_pylist())  # no NaN


def test_unknown_labels_do_not_outvote_a_known_one(tiny_project: Path) -> None:
    append_partner_rows(
        tiny_project, f"Phi;{SIREN['F']};Conseil;;;\r\nPhi;{SIREN['F']};Services B2B;;;\r\n"
    )
    result = build(tiny_project)
    rows = next(r for r in result.results if r.indicator.id == "emploi.by_filiere").data.to_pylist()
    assert {(r["filiere"], r["perimetre"]) for r in rows} == {
        ("Biotech/Pharma", "core"),
        ("Biotech/Pharma", "revealed"),
        ("Medtech", "core"),
        ("Santé numérique", "revealed"),
    }


def test_register_with_only_required_columns(tiny_project: Path) -> None:
    from healthradar.contracts import REGISTER_ESTABLISHMENT_REQUIRED, REGISTER_LEGAL_UNIT_REQUIRED

    reg = tiny_project / "inputs" / "register"
    con = duckdb.connect()
    for name, cols in (
        ("StockEtablissement_utf8.csv", REGISTER_ESTABLISHMENT_REQUIRED),
        ("StockUniteLegale_utf8.csv", REGISTER_LEGAL_UNIT_REQUIRED),
    ):
        src = reg / name
        con.execute(
            f"COPY (SELECT {', '.join(cols)} FROM read_csv('{src}', all_varchar=true)) "
            f"TO '{reg / ('min_' + name)}' (FORMAT csv, HEADER true)"
        )
    con.close()
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text().replace("register/Stock", "register/min_Stock"))
    result = build(tiny_project)
    total = next(r for r in result.results if r.indicator.id == "emploi.totals").data.to_pylist()
    assert {r["perimetre"]: r["establishments"] for r in total} == {
        "core": 3,
        "revealed": 2,
        "total": 5,
    }


def test_xlsx_with_title_rows_and_numeric_sirens(tiny_project: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Adhérents 2024 — export"])  # row 1: a title above the table
    ws.append([])
    ws.append(["Company name", "SIREN", "Sector"])  # row 3
    ws.append(["Alpha", int(SIREN["A"]), "Pharma"])  # number: leading zero lost
    ws.append(["Epsilon", float(SIREN["E"]), "e-santé"])  # '...0' as a float
    ws.append(["Nobody", "", ""])
    wb.save(tiny_project / "inputs" / "partners" / "cluster.xlsx")
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text().replace("cluster.csv", "cluster.xlsx") + "header_row = 3\n")
    build(tiny_project)
    con = duckdb.connect(str(tiny_project / "out" / "warehouse.duckdb"), read_only=True)
    try:
        links = con.execute("SELECT line, siren FROM entity_links ORDER BY line").fetchall()
    finally:
        con.close()
    assert links == [(4, SIREN["A"]), (5, SIREN["E"]), (6, None)]


def test_same_file_as_two_inputs_is_refused(tiny_project: Path) -> None:
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(
        cfg.read_text()
        + '\n[[inputs.partners]]\nid = "again"\npath = "inputs/partners/cluster.csv"\n'
    )
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 2
    assert "one file declared as two inputs" in " ".join(result.output.split())


@pytest.mark.parametrize("value", ["lots", "4 parsecs"])
def test_bad_memory_limit_is_a_config_error(tiny_project: Path, value: str) -> None:
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text() + f'\n[engine]\nmemory_limit = "{value}"\n')
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 2 and "engine.memory_limit" in result.output


def test_markup_in_headers_does_not_break_the_message(tiny_project: Path) -> None:
    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    text = partners.read_text(encoding="cp1252").replace("Raison sociale", "[/b]Nom?")
    partners.write_text(text, encoding="cp1252")
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 2 and "[/b]Nom?" in result.output


def test_resolve_can_run_again_without_double_counting(tiny_project: Path) -> None:
    from healthradar.engine.duckdb_backend import DuckDBWarehouse
    from healthradar.quality.report import reconciliation
    from healthradar.resolve.entities import build_entities

    build(tiny_project)
    wh = DuckDBWarehouse(tiny_project / "out" / "warehouse.duckdb")
    try:
        before = wh.to_rows(reconciliation(wh))
        build_entities(wh)
        after = wh.to_rows(reconciliation(wh))
    finally:
        wh.close()
    assert after == before and all(row["balanced"] for row in after)  # still balanced


def test_failed_swap_restores_the_previous_out(tiny_project: Path, monkeypatch) -> None:
    build(tiny_project)
    before = json.loads((tiny_project / "out" / "manifest.json").read_text())["built_at"]
    real_rename = Path.rename

    def flaky(self: Path, target):  # the work folder cannot become out/
        if Path(target).name == "out" and self.name.startswith("build-"):
            raise OSError("file in use")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", flaky)
    with pytest.raises(OSError):
        build(tiny_project)
    assert json.loads((tiny_project / "out" / "manifest.json").read_text())["built_at"] == before
