"""Outputs are safe to open: CSV formula injection neutralised, HTML escaped, nothing remote."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import pyarrow as pa

from healthradar.pipeline import BuildResult, build
from healthradar.publish.exports import neutralise_formulas


def test_formula_cells_are_neutralised() -> None:
    table = pa.table(
        {"name": ['=HYPERLINK("x")', "+33", "@SUM(A1)", "-1", "Alpha"], "n": [1, 2, 3, 4, 5]}
    )
    out = neutralise_formulas(table).to_pydict()
    assert out["name"] == ['\'=HYPERLINK("x")', "'+33", "'@SUM(A1)", "'-1", "Alpha"]
    assert out["n"] == [1, 2, 3, 4, 5]


def test_pages_escape_input_text_and_load_nothing_remote(tiny_project: Path) -> None:
    partners = tiny_project / "inputs" / "partners" / "cluster.csv"
    with partners.open("a", encoding="cp1252", newline="") as handle:
        handle.write("Evil;<script>alert(1)</script>;=cmd|calc;;;n.c.\r\n")
    build(tiny_project)
    out = tiny_project / "out"
    quality = (out / "quality.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in quality
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in quality
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", html), page
        assert not re.search(r"<link[^>]+href=\"https?:", html), page
    with (out / "quality.csv").open(encoding="utf-8") as handle:
        raws = [r["raw_value"] for r in csv.DictReader(handle)]
    assert "'=cmd|calc" in raws
    assert not any(v.startswith(("=", "+", "@")) for v in raws)


def test_manifest_records_inputs_config_and_queries(tiny_build: BuildResult) -> None:
    import json

    manifest = json.loads((tiny_build.out_dir / "manifest.json").read_text(encoding="utf-8"))
    files = {i["file"]: i for i in manifest["inputs"]}
    assert len(files["inputs/partners/cluster.csv"]["sha256"]) == 64
    assert len(files["inputs/register/StockEtablissement_utf8.csv"]["sha256"]) == 64
    assert files["inputs/partners/cluster.csv"]["encoding"] == "cp1252"
    assert manifest["config"]["project"]["region"] == "84"
    queries = {i["id"]: i["query"] for i in manifest["indicators"]}
    assert "perimeter" in queries["emploi.by_departement"]
    assert manifest["healthradar_version"]


def test_chapter_page_shows_pipeline_figures(tiny_build: BuildResult) -> None:
    html = unescape((tiny_build.out_dir / "emploi.html").read_text(encoding="utf-8"))
    assert "5 établissements" in html  # from emploi.totals
    assert html.count("<svg") >= 6  # one chart per indicator, inline
    assert "Fourchette d'estimation : 106 – 167 emplois" in html
