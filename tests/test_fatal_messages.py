"""Fatal problems a new user meets, each stopped with one message in the user's language that
names the file (and key or column) and says what to do (issue 9, item 6)."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthradar.cli import app

runner = CliRunner()
PARTNERS = Path("inputs/partners/cluster.csv")


def one_line(output: str) -> str:
    """Rich wraps long messages: compare on the text with its whitespace collapsed."""
    return " ".join(output.split())


def build(project: Path, lang: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build", str(project), "--lang", lang])
    return result.exit_code, one_line(result.output)


def test_empty_file_says_empty_not_missing_column(tiny_project: Path) -> None:
    (tiny_project / PARTNERS).write_bytes(b"")
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "inputs/partners/cluster.csv" in out
    assert "is empty (0 bytes," in out
    assert "not found" not in out  # today: "Required column 'name' not found"
    code, out = build(tiny_project, "fr")
    assert code == 2 and "est vide (0 octet," in out


def test_blank_file_is_empty_too(tiny_project: Path) -> None:
    (tiny_project / PARTNERS).write_bytes(b"\xef\xbb\xbf \r\n\r\n")  # a BOM and blank lines
    code, out = build(tiny_project, "en")
    assert code == 2 and "inputs/partners/cluster.csv is empty" in out


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Raison sociale", "SIREN"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_renamed_csv_is_named_as_a_workbook(tiny_project: Path) -> None:
    (tiny_project / PARTNERS).write_bytes(xlsx_bytes())
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "inputs/partners/cluster.csv is an Excel workbook (XLSX)" in out
    assert ".xlsx" in out  # the fix: rename it
    assert "PK" not in out  # no binary garbage (today: the zip header decoded as text)
    code, out = build(tiny_project, "fr")
    assert code == 2 and "est un classeur Excel (XLSX), pas un fichier texte (CSV)" in out


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an Excel 97-2003 workbook (XLS)"),
        (b"PAR1" + bytes(100), "a Parquet file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(50), "a gzip archive"),
    ],
)
def test_other_binary_files_are_named(tiny_project: Path, head: bytes, kind: str) -> None:
    (tiny_project / PARTNERS).write_bytes(head)
    code, out = build(tiny_project, "en")
    assert code == 2 and f"inputs/partners/cluster.csv is {kind}, not a text file" in out


def test_zip_that_is_not_a_workbook(tiny_project: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("liste.csv", "nom;siren\n")
    (tiny_project / PARTNERS).write_bytes(buffer.getvalue())
    code, out = build(tiny_project, "en")
    assert code == 2 and "inputs/partners/cluster.csv is a ZIP archive" in out


def test_text_named_xlsx_is_named_as_text(tiny_project: Path) -> None:
    target = tiny_project / "inputs" / "partners" / "cluster.xlsx"
    (tiny_project / PARTNERS).rename(target)
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text().replace("cluster.csv", "cluster.xlsx"))
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "inputs/partners/cluster.xlsx is a text file (CSV), not an Excel workbook" in out
    assert "extension .csv" in out


def test_register_renamed_is_named(tiny_project: Path) -> None:
    est = tiny_project / "inputs" / "register" / "StockEtablissement_utf8.csv"
    est.write_bytes(b"PAR1" + bytes(100))
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "inputs/register/StockEtablissement_utf8.csv is a Parquet file" in out


def replace_in_config(project: Path, old: str, new: str) -> None:
    cfg = project / "healthradar.toml"
    text = cfg.read_text()
    assert old in text
    cfg.write_text(text.replace(old, new))


def test_config_typo_names_the_closest_key(tiny_project: Path) -> None:
    replace_in_config(tiny_project, 'region = "84"', 'regoin = "84"')
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "project.regoin" in out and "did you mean 'region'?" in out
    # today: "project.region: Field required" / "Extra inputs are not permitted"
    assert "Field required" not in out and "Extra inputs" not in out
    code, out = build(tiny_project, "fr")
    assert code == 2
    assert "vouliez-vous dire « region » ?" in out and "Field required" not in out


def test_unknown_key_without_close_match_lists_valid_keys(tiny_project: Path) -> None:
    replace_in_config(tiny_project, 'lang = "fr"', 'lang = "fr"\ncolour = "blue"')
    code, out = build(tiny_project, "en")
    assert code == 2
    assert "Unknown key 'project.colour'" in out
    assert "valid keys: lang, name, region, synthetic, vintage" in out
    assert "Extra inputs" not in out


def test_typo_in_a_list_entry_names_the_entry(tiny_project: Path) -> None:
    replace_in_config(tiny_project, 'label = "Cluster"', 'lable = "Cluster"')
    code, out = build(tiny_project, "en")
    assert code == 2 and "inputs.partners.1.lable" in out and "did you mean 'label'?" in out


def test_missing_key_without_typo_says_add_it(tiny_project: Path) -> None:
    replace_in_config(tiny_project, "vintage = 2024\n", "")
    code, out = build(tiny_project, "fr")
    assert code == 2
    assert "Clé obligatoire « project.vintage » absente" in out and "Field required" not in out


def test_same_file_relative_and_absolute_is_refused(tiny_project: Path) -> None:
    absolute = (tiny_project / PARTNERS).resolve()
    with (tiny_project / "healthradar.toml").open("a") as cfg:
        cfg.write(f'\n[[inputs.partners]]\nid = "again"\npath = "{absolute}"\n')
    code, out = build(tiny_project, "en")
    assert code == 2  # today: built with every row counted twice, exit 0
    assert "one file declared as two inputs (cluster, again)" in out
    code, out = build(tiny_project, "fr")
    assert code == 2 and "un même fichier déclaré pour deux entrées (cluster, again)" in out


def test_same_file_through_dot_segments_is_refused(tiny_project: Path) -> None:
    with (tiny_project / "healthradar.toml").open("a") as cfg:
        cfg.write('\n[[inputs.partners]]\nid = "again"\n')
        cfg.write('path = "inputs/../inputs/partners/cluster.csv"\n')
    code, out = build(tiny_project, "en")
    assert code == 2 and "one file declared as two inputs" in out


def test_init_with_an_unknown_region_exits_2_and_lists_codes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "b"), "--region", "99", "--lang", "en"])
    out = one_line(result.output)
    assert result.exit_code == 2  # today: 0, and a config that cannot build
    assert "Unknown region '99'" in out
    assert "84 Auvergne-Rhône-Alpes" in out and "11 Île-de-France" in out and "FR" in out
    assert not (tmp_path / "b" / "healthradar.toml").exists()
    fr = runner.invoke(app, ["init", str(tmp_path / "c"), "--region", "99"])
    assert fr.exit_code == 2 and "Région inconnue « 99 »" in one_line(fr.output)


def test_init_accepts_lowercase_fr(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "b"), "--region", "fr"])
    assert result.exit_code == 0, result.output
    assert 'region = "FR"' in (tmp_path / "b" / "healthradar.toml").read_text()


@pytest.fixture
def built_out(tmp_path: Path) -> Path:
    """A project whose out/ looks built (serve only checks the manifest is there)."""
    out = tmp_path / "p" / "out"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text("{}")
    (tmp_path / "p" / "healthradar.toml").write_text('[project]\nlang = "en"\n')
    return tmp_path / "p"


def test_busy_port_is_a_clear_message(built_out: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", str(built_out), "--port", str(port)])
    out = one_line(result.output)
    assert result.exit_code == 2
    assert f"Port {port} of 127.0.0.1 is already in use" in out and "--port" in out
    assert "Serving" not in out  # today: "Serving … on …" then a raw Errno 98
