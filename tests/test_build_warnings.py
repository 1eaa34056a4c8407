"""Build-level warnings the user cannot miss, template rows refused, and a quality page that
stays small when a file has thousands of rejected rows (issue 9, items 5 and 7)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthradar.cli import app
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.errors import FatalInputError
from healthradar.inputs_doc import template_csv
from healthradar.pipeline import preflight
from tests.tiny import SIRET

runner = CliRunner()

N_REJECTED = 3000  # rows of the "bulk" list with neither name nor SIREN: all rejected
N_UNKNOWN = 4  # rows of the "unknown" list: names nowhere in the register, no SIREN


def one_line(text: str) -> str:
    return " ".join(text.split())


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The tiny project, plus: headcounts for 2023 (vintage 2024), a list of 3,000 rows with no
    name and no SIREN, and a list of four companies the register does not know."""
    from tests.tiny import write_tiny_project

    root = write_tiny_project(tmp_path_factory.mktemp("hostile") / "tiny", lang="en")
    write_rows(
        root / "inputs" / "headcounts.csv",
        [
            ["SIRET", "Effectif salarié", "Année"],
            [SIRET["A1"], "40", "2023"],
            [SIRET["G1"], "30", "2023"],
        ],
    )
    bulk = [["Raison sociale", "N° SIREN", "Ville"]]
    bulk += [["", "", f"Ville {i}"] for i in range(N_REJECTED)]
    bulk += [["Labo Alpha SAS", "", "Lyon"]]  # one row integrated
    write_rows(root / "inputs" / "partners" / "bulk.csv", bulk)
    unknown = [["Raison sociale", "Ville"]]
    unknown += [[f"Zzyzx Quux {i}", "Nowhere"] for i in range(N_UNKNOWN)]
    write_rows(root / "inputs" / "partners" / "unknown.csv", unknown)
    with (root / "healthradar.toml").open("a", encoding="utf-8") as cfg:
        cfg.write('\n[[inputs.partners]]\nid = "bulk"\npath = "inputs/partners/bulk.csv"\n')
        cfg.write('\n[[inputs.partners]]\nid = "unknown"\npath = "inputs/partners/unknown.csv"\n')
    result = runner.invoke(app, ["build", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output  # warnings alone do not fail a build
    return root, one_line(result.output)


def test_console_names_every_build_warning(hostile_build: tuple[Path, str]) -> None:
    _, out = hostile_build
    # bulk: 3,000 of 3,001 rows rejected = 99.97 %, above the default 20 %
    assert "inputs/partners/bulk.csv: 3,000 of 3,001 rows rejected (100.0%)" in out
    assert "above the limit of 20.0%" in out
    # headcounts: both rows are for 2023 -> 2 of 2 rejected, and the year named
    assert "inputs/headcounts.csv: its rows are for 2023, not the vintage 2024" in out
    assert "inputs/partners/unknown.csv: all 4 companies are 'to resolve'" in out
    # the cluster list (2 of 10 rejected = 20 %, not above 20 %) is not named
    assert "cluster.csv: 2 of 10" not in out


def test_quality_page_starts_with_the_warnings(hostile_build: tuple[Path, str]) -> None:
    root, _ = hostile_build
    html = (root / "out" / "quality.html").read_text(encoding="utf-8")
    warnings_at = html.index('class="build-warnings"')
    assert warnings_at < html.index("Reconciliation per file")  # above everything else
    block = one_line(html[warnings_at : html.index("</section>", warnings_at)])
    assert "inputs/partners/bulk.csv: 3,000 of 3,001 rows rejected" in block
    assert "not the vintage 2024" in block and "all 4 companies" in block


def test_manifest_lists_the_warnings_with_both_languages(hostile_build: tuple[Path, str]) -> None:
    root, _ = hostile_build
    manifest = json.loads((root / "out" / "manifest.json").read_text(encoding="utf-8"))
    found = {(w["code"], w["file"]) for w in manifest["warnings"]}
    assert found == {
        ("rejected_share", "inputs/partners/bulk.csv"),
        ("rejected_share", "inputs/headcounts.csv"),  # 2 of 2 rejected
        ("year_mismatch", "inputs/headcounts.csv"),
        ("all_to_resolve", "inputs/partners/unknown.csv"),
    }
    year = next(w for w in manifest["warnings"] if w["code"] == "year_mismatch")
    assert "millésime 2024" in year["message"]["fr"] and "vintage 2024" in year["message"]["en"]


def test_quality_page_shows_the_first_rows_per_reason(hostile_build: tuple[Path, str]) -> None:
    root, _ = hostile_build
    page = root / "out" / "quality.html"
    # 3,000 rejected rows at ~250 bytes each would be ~750 kB; 20 per reason stay under 60 kB
    assert page.stat().st_size < 60_000
    html = one_line(page.read_text(encoding="utf-8"))
    assert "20 of 3,000 shown" in html and 'href="quality.csv"' in html
    with (root / "out" / "quality.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["file"] == "inputs/partners/bulk.csv"]
    assert sum(r["reason"] == "name_missing" for r in rows) == N_REJECTED  # every row listed


def test_empty_perimeter_is_a_warning_and_strict_fails(tiny_project: Path) -> None:
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text().replace('region = "84"', 'region = "53"'))  # Bretagne
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en", "--strict"])
    out = one_line(result.output)
    # no commune of the tiny register is in Bretagne (35 29 22 56): 0 of 9 rows in the region
    assert "The register has no establishment in region 53 Bretagne (9 rows read)" in out
    assert result.exit_code == 3  # --strict: warnings fail the build, out/ is still written
    manifest = json.loads((tiny_project / "out" / "manifest.json").read_text())
    # the tiny headcounts reject 1 of 3 rows (an invalid SIRET): 33.3 % > 20 %, whatever the
    # region; the cluster list rejects 2 of 10 (20 %, not above)
    assert [(w["code"], w["file"]) for w in manifest["warnings"]] == [
        ("rejected_share", "inputs/headcounts.csv"),
        ("register_outside_region", None),
    ]


def test_empty_perimeter_in_the_region(tiny_project: Path) -> None:
    cfg = tiny_project / "healthradar.toml"
    text = cfg.read_text().replace(
        "[inputs.headcounts]", '[perimeter]\ncore_naf = ["01.11Z"]\n\n[inputs.headcounts]'
    )
    cfg.write_text(text[: text.index("[[inputs.partners]]")])  # no partner: nothing revealed
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    out = one_line(result.output)
    assert result.exit_code == 0
    assert "No establishment is in the perimeter" in out


def append_row(path: Path, row: list[str], encoding: str) -> None:
    with path.open("a", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=";").writerow(row)


def example_row(contract: object) -> list[str]:
    return template_csv(contract).splitlines()[1].split(";")  # type: ignore[arg-type]


def fatal_of(project: Path) -> FatalInputError:
    with pytest.raises(FatalInputError) as info:
        preflight(project)
    return info.value


def test_template_example_row_is_refused(tiny_project: Path) -> None:
    # the tiny list has 6 columns: name, siren, filière, ville, code postal, effectif
    example = example_row(PARTNERS)[:6]
    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    append_row(partners, example, "cp1252")  # header line 1 + 10 rows: line 12
    error = fatal_of(tiny_project)
    assert error.code == "template_rows" and error.file == "inputs/partners/cluster.csv"
    assert error.message_args["lines"] == "12"
    assert "Laboratoires Exemple SAS" in error.message("en") and "Delete it" in error.message("en")
    assert "Supprimez-la" in error.message("fr")


def test_template_row_resaved_by_a_spreadsheet_is_still_found(tiny_project: Path) -> None:
    # spaces in the SIREN, a decimal point, the name in capitals: still the example row
    resaved = ["LABORATOIRES EXEMPLE SAS", "552 120 222", "Medtech", "Lyon", "69007", "12.5"]
    append_row(tiny_project / "inputs" / "partners" / "cluster.csv", resaved, "cp1252")
    assert fatal_of(tiny_project).message_args["lines"] == "12"


def test_headcount_template_row_is_refused(tiny_project: Path) -> None:
    append_row(tiny_project / "inputs" / "headcounts.csv", example_row(HEADCOUNTS), "utf-8")
    error = fatal_of(tiny_project)
    assert error.file == "inputs/headcounts.csv" and error.message_args["lines"] == "5"


def test_a_real_row_sharing_one_example_value_is_kept(tiny_project: Path) -> None:
    # the example SIREN with a real name and place: one value in common is not the template
    append_row(
        tiny_project / "inputs" / "partners" / "cluster.csv",
        ["Société Générale", "552120222", "", "Paris", "75009", ""],
        "cp1252",
    )
    preflight(tiny_project)  # no error
