"""The CLI as a user runs it: init, build, fatal errors with exit code 2 and out/ left intact."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from typer.testing import CliRunner

from healthradar.cli import app
from healthradar.config import load_config
from healthradar.contracts import HEADCOUNTS, PARTNERS

runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_writes_config_and_templates(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "baro"), "--region", "11"])
    assert result.exit_code == 0, result.output
    config, _ = load_config(tmp_path / "baro")
    assert config.project.region == "11"
    for contract, rel in (
        (PARTNERS, "inputs/partners/partenaire1.csv"),
        (HEADCOUNTS, "inputs/headcounts.csv"),
    ):
        with (tmp_path / "baro" / rel).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle, delimiter=";"))
        assert [contract.canonical(h) for h in header] == [c.name for c in contract.columns]


def test_build_then_missing_column_exits_2_and_keeps_out(tiny_project: Path) -> None:
    ok = runner.invoke(app, ["build", str(tiny_project)])
    assert ok.exit_code == 0, ok.output
    manifest = tiny_project / "out" / "manifest.json"
    before = digest(manifest)

    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    text = partners.read_text(encoding="cp1252").replace("Raison sociale", "Commentaire")
    partners.write_text(text, encoding="cp1252")
    failed = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert failed.exit_code == 2
    assert "inputs/partners/cluster.csv" in failed.output
    assert "'name'" in failed.output
    assert digest(manifest) == before  # the previous barometer is untouched
    assert not list((tiny_project / ".healthradar").glob("build-*"))


def test_missing_register_column_is_fatal(tiny_project: Path) -> None:
    est = tiny_project / "inputs" / "register" / "StockEtablissement_utf8.csv"
    est.write_text(est.read_text().replace("trancheEffectifsEtablissement", "tranche"))
    result = runner.invoke(app, ["build", str(tiny_project)])
    assert result.exit_code == 2
    assert "trancheEffectifsEtablissement" in result.output
    assert not (tiny_project / "out").exists()


def test_missing_file_is_fatal_in_french(tiny_project: Path) -> None:
    (tiny_project / "inputs" / "headcounts.csv").unlink()
    result = runner.invoke(app, ["build", str(tiny_project)])
    assert result.exit_code == 2
    assert "Fichier d'entrée introuvable" in result.output
    assert "inputs/headcounts.csv" in result.output


def test_invalid_config_names_the_key(tiny_project: Path) -> None:
    cfg = tiny_project / "healthradar.toml"
    cfg.write_text(cfg.read_text().replace('region = "84"', 'region = "99"'))
    result = runner.invoke(app, ["build", str(tiny_project), "--lang", "en"])
    assert result.exit_code == 2
    assert "project.region" in result.output


def test_bad_rows_never_stop_a_build(tiny_project: Path) -> None:
    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    with partners.open("a", encoding="cp1252", newline="") as handle:
        handle.write('"unterminated;quote\r\n;;;;\r\n\x00garbage;;;\r\n')
    result = runner.invoke(app, ["build", str(tiny_project)])
    assert result.exit_code == 0, result.output


def test_register_alone_builds(tiny_project: Path) -> None:
    """Partner lists and headcounts are optional: the core is counted from the register."""
    cfg = tiny_project / "healthradar.toml"
    text = cfg.read_text()
    cfg.write_text(text[: text.index("[inputs.headcounts]")])
    result = runner.invoke(app, ["build", str(tiny_project)])
    assert result.exit_code == 0, result.output
    import json

    manifest = json.loads((tiny_project / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partner_companies"] == {}


def test_init_refuses_to_overwrite_and_bad_lang_is_refused(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "b")]).exit_code == 0
    again = runner.invoke(app, ["init", str(tmp_path / "b")])
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(app, ["build", str(tmp_path / "b"), "--lang", "de"]).exit_code == 2


def test_serve_without_build_says_so(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path / "b"), "--lang", "en"])
    result = runner.invoke(app, ["serve", str(tmp_path / "b")])
    assert result.exit_code == 2 and "No barometer built" in result.output


def test_help_is_english() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "build", "serve", "demo"):
        assert command in result.output
    assert "Validate, resolve, enrich" in runner.invoke(app, ["build", "--help"]).output
