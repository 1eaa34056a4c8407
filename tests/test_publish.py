"""Publish is generic over chapters: a toy chapter gets its page, API entries, exports and
manifest lines without any code of its own in `publish/`. Outputs are safe to open.

The toy chapter, its results and the bundle are written by hand here (no pipeline), so every
expected text below is worked out from these few rows.
"""

from __future__ import annotations

import csv
import json
import re
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from healthradar.i18n import fmt_number
from healthradar.indicators.definition import Chapter, Dimension, KeyFigures, Measure
from healthradar.indicators.registry import (
    IndicatorResult,
    QueryContext,
    Registry,
    SkippedIndicator,
)
from healthradar.publish import Bundle, publish_bundle
from healthradar.publish.exports import neutralise_formulas

if TYPE_CHECKING:
    from healthradar.pipeline import BuildResult

KIND = Dimension(
    "kind",
    {"fr": "Sorte", "en": "Kind"},
    label="kind_label",
    label_title={"fr": "Libellé", "en": "Label"},
    sort="kind_order",
    values={"a": {"fr": "Aînés", "en": "Elders"}, "b": {"fr": "Benjamins", "en": "Youngest"}},
)
COLOUR = Dimension(
    "colour",
    {"fr": "Couleur", "en": "Colour"},
    values=lambda v, lang: f"{'couleur' if lang == 'fr' else 'colour'} {v}",
)
N = Measure("n", "toys", {"fr": "Jouets", "en": "Toys"})
JOBS = Measure(
    "jobs", "jobs", {"fr": "Emplois", "en": "Jobs"}, low="jobs_low", high="jobs_high", units="n"
)
SHARE = Measure("share", "share", {"fr": "Part", "en": "Share"}, kind="share")
SHARE2 = Measure("share2", "share", {"fr": "Autre part", "en": "Other share"}, kind="share")
TEXTS = {"fr": "texte", "en": "text"}


def _never(ctx: QueryContext) -> Any:
    raise AssertionError("publish must not run queries")


def _key_figures(results: Any, lang: str) -> KeyFigures | None:
    if "toy.counts" not in results:
        return None
    total = sum(r["n"] for r in results["toy.counts"].data.to_pylist())
    word = "jouets au total" if lang == "fr" else "toys in all"
    return KeyFigures(f"{fmt_number(total, lang)} {word}", (f"detail-{lang}",))


def toy_registry() -> Registry:
    toy = Chapter(
        "toy",
        title={"fr": "Chapitre jouet", "en": "Toy chapter"},
        intro={"fr": "Les jouets de la région.", "en": "The region's toys."},
        order=50,
        key_figures=_key_figures,
    )
    common: dict[str, Any] = {"description": TEXTS, "sources": ("register", "toys")}
    toy.indicator(
        "counts",
        title={"fr": "Jouets par sorte", "en": "Toys by kind"},
        dimensions=(KIND,),
        measures=(N, JOBS, SHARE),
        requires=("register",),
        caveats={"fr": "Jouets comptés à la main.", "en": "Toys counted by hand."},
        chart={"kind": "bar", "x": "kind", "y": "jobs", "sort": "kind_order"},
        **common,
    )(_never)
    toy.indicator(
        "by_colour",
        title={"fr": "Emplois par sorte et couleur", "en": "Jobs by kind and colour"},
        dimensions=(KIND, COLOUR),
        measures=(N, JOBS),
        requires=("register",),
        chart={"kind": "barh", "y": "kind", "x": "jobs", "color": "colour"},
        **common,
    )(_never)
    toy.indicator(
        "grid",
        title={"fr": "Grille", "en": "Grid"},
        dimensions=(KIND, COLOUR),
        measures=(JOBS,),
        requires=("register",),
        chart={"kind": "heatmap", "x": "colour", "y": "kind", "value": "jobs"},
        **common,
    )(_never)
    toy.indicator(
        "pair",
        title={"fr": "Deux parts", "en": "Two shares"},
        dimensions=(KIND,),
        measures=(SHARE, SHARE2),
        requires=("register",),
        chart={"kind": "share_pair", "y": "kind", "first": "share", "second": "share2"},
        **common,
    )(_never)
    toy.indicator(
        "extra",
        title={"fr": "Jouets rares", "en": "Rare toys"},
        dimensions=(KIND,),
        measures=(N,),
        **common,
    )(_never)
    return Registry([toy])


def _kinds(**more: list[Any]) -> dict[str, list[Any]]:
    return {
        "kind": ["a", "b"],
        "kind_label": ["<script>alert(1)</script>", "=cmd|calc"],
        "kind_order": [2, 1],
        **more,
    }


def toy_results(registry: Registry) -> list[IndicatorResult]:
    two: dict[str, list[Any]] = {"colour": ["red", "blue"], "n": [3, 1], "jobs": [10480.5, 2.5]}
    data = {
        "toy.counts": _kinds(
            n=[3, 1],
            jobs=[10480.5, 2.5],
            jobs_low=[10000.0, 1.0],
            jobs_high=[11000.0, 4.0],
            share=[0.75, 0.25],
        ),
        "toy.by_colour": _kinds(**two, jobs_low=[1.0, 1.0], jobs_high=[2.0, 2.0]),
        "toy.grid": _kinds(**two, jobs_low=[1.0, 1.0], jobs_high=[2.0, 2.0]),
        "toy.pair": _kinds(share=[0.75, 0.25], share2=[0.5, 0.5]),
    }
    out = []
    for ind_id, columns in data.items():
        ind = registry.get(ind_id)
        table = pa.table(columns)
        table = table.select([c for c in ind.columns if c in columns])
        out.append(IndicatorResult(ind, f"SELECT 1 -- {ind_id}", table))
    return out


def toy_bundle(lang: str = "en", synthetic: bool = True) -> Bundle:
    registry = toy_registry()
    quality = pa.table(
        {
            "file": ["inputs/toys.csv"],
            "line": [2],
            "column": ["name"],
            "raw_value": ["=HYPERLINK(1)"],
            "severity": ["warning"],
            "reason": ["odd"],
            "message": ["<b>odd</b>"],
        }
    )
    return Bundle(
        project_name="Toy barometer",
        region_code="84",
        region_name="Toyland",
        vintage=2024,
        lang=lang,
        synthetic=synthetic,
        version="0.0-test",
        built_at="2024-01-01 00:00 UTC",
        config={"project": {"region": "84"}},
        chapters=registry.chapters(),
        results=toy_results(registry),
        skipped=[SkippedIndicator(registry.get("toy.extra"), ("toys",))],
        quality={lang: quality},  # a build fetches its own language only
        reconciliation=pa.table({"file": ["inputs/toys.csv"], "rows_read": [1]}),
        quality_by_reason=pa.table({"severity": ["warning"], "reason": ["odd"], "count": [1]}),
        rows_read_total=1,
        rows_rejected_total=0,
        to_resolve=pa.table({"name": ["=evil"]}),
        input_files=pa.table(
            {
                k: [v]
                for k, v in {
                    "input": "toys",
                    "kind": "toys",
                    "file": "inputs/toys.csv",
                    "size_bytes": 10,
                    "sha256": "0" * 64,
                    "encoding": "utf-8",
                    "delimiter": ";",
                    "decimal_mark": ",",
                    "rows_read": 1,
                }.items()
            }
        ),
        register_counts={"rows": 1},
        partner_summary={"core": 1},
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    publish_bundle(toy_bundle("en"), tmp_path)
    return tmp_path


def _text(path: Path) -> str:
    return unescape(path.read_text(encoding="utf-8"))


def test_formula_cells_are_neutralised() -> None:
    table = pa.table(
        {"name": ['=HYPERLINK("x")', "+33", "@SUM(A1)", "-1", "Alpha"], "n": [1, 2, 3, 4, 5]}
    )
    out = neutralise_formulas(table).to_pydict()
    assert out["name"] == ['\'=HYPERLINK("x")', "'+33", "'@SUM(A1)", "'-1", "Alpha"]
    assert out["n"] == [1, 2, 3, 4, 5]


def test_a_toy_chapter_gets_its_page_api_and_exports(published: Path) -> None:
    evaluated = ("toy.counts", "toy.by_colour", "toy.grid", "toy.pair")
    for ind_id in evaluated:
        assert (published / "indicators" / f"{ind_id}.csv").is_file()
        assert (published / "indicators" / f"{ind_id}.parquet").is_file()
        assert (published / "api" / "indicators" / f"{ind_id}.json").is_file()
    assert not (published / "indicators" / "toy.extra.csv").exists()
    for page in ("index.html", "toy.html", "quality.html"):
        assert (published / page).is_file()
    assert not (published / "emploi.html").exists()


def test_english_page_shows_definitions_labels_and_caveats(published: Path) -> None:
    html = _text(published / "toy.html")
    assert "<h2>Toy chapter</h2>" in html
    assert "The region's toys." in html
    assert "4 toys in all" in html and "detail-en" in html  # the chapter's key figures
    raw = (published / "toy.html").read_text(encoding="utf-8")
    counts = raw[raw.index('id="toy.counts"') : raw.index('id="toy.by_colour"')]
    headers = [unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)</th>", counts)]
    assert headers == ["Kind", "Label", "Toys", "Jobs", "min – max", "Share"]
    cells = [unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", counts)]
    # rows in the result's order; values through Dimension.display, numbers rounded half up
    assert cells[:6] == [
        "Elders",
        "<script>alert(1)</script>",
        "3",
        "10,481",
        "10,000 – 11,000",
        "75.0%",
    ]
    assert cells[6:12] == ["Youngest", "=cmd|calc", "1", "3", "1 – 4", "25.0%"]
    assert "Aînés" not in html
    assert "Toys counted by hand." in html
    assert "colour red" in html  # callable value labels
    # indicator order is the registry's
    ids = re.findall(r'<section class="indicator" id="([^"]+)"', html)
    assert ids == ["toy.counts", "toy.by_colour", "toy.grid", "toy.pair"]


def test_skipped_indicators_are_shown_with_their_reason(published: Path) -> None:
    html = _text(published / "toy.html")
    assert "Rare toys" in html
    assert "not computed: input absent from this build (toys)" in html
    fr = published / "fr"
    publish_bundle(toy_bundle("fr"), fr)
    assert "non calculé : entrée absente de ce baromètre (toys)" in _text(fr / "toy.html")


def test_french_page_uses_french_labels_and_numbers(tmp_path: Path) -> None:
    publish_bundle(toy_bundle("fr"), tmp_path)
    html = _text(tmp_path / "toy.html")
    assert "<h2>Chapitre jouet</h2>" in html and "Aînés" in html and "Elders" not in html
    assert "10\u202f481" in html and "75,0\u202f%" in html
    assert "Jouets comptés à la main." in html and "4 jouets au total" in html


def test_index_and_navigation_list_the_bundle_chapters(published: Path) -> None:
    index = _text(published / "index.html")
    assert '<a href="toy.html">Toy chapter</a>' in index
    assert "4 toys in all" in index
    assert "emploi" not in index
    quality = _text(published / "quality.html")
    assert '<a href="toy.html">Toy chapter</a>' in quality  # navigation on every page


def test_charts_follow_the_hint_and_the_measure_bounds(published: Path) -> None:
    html = (published / "toy.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4

    def spec(ind_id: str) -> dict[str, Any]:
        doc = json.loads((published / "api" / "indicators" / f"{ind_id}.json").read_text())
        chart: dict[str, Any] = doc["chart"]
        return chart

    def rules(chart: dict[str, Any]) -> list[dict[str, Any]]:
        layers = chart.get("layer", [chart])
        return [lay for lay in layers if (lay.get("mark") or {}).get("type") == "rule"]

    counts = spec("toy.counts")
    [rule] = rules(counts)
    assert {rule["encoding"]["y"]["field"], rule["encoding"]["y2"]["field"]} == {
        "jobs_low",
        "jobs_high",
    }
    flat = json.dumps(counts, ensure_ascii=False)
    assert "Elders" in flat and "Aînés" not in flat
    assert rules(spec("toy.pair")) == [] and rules(spec("toy.grid")) == []
    assert "colour red" in json.dumps(spec("toy.by_colour"))
    # chart texts are the table's numbers: formatted once, by fmt_number
    grid = spec("toy.grid")
    [text_layer] = [lay for lay in grid["layer"] if lay["mark"]["type"] == "text"]
    assert text_layer["encoding"]["text"]["type"] == "nominal"
    assert "10,481" in json.dumps(grid) and "10,481" in html.split('id="toy.grid"')[1]


def test_api_metadata_is_generic_and_flags_synthetic_data(published: Path) -> None:
    listing = json.loads((published / "api" / "indicators.json").read_text(encoding="utf-8"))
    assert listing["ok"] is True and listing["synthetic_data"] is True
    assert [c["id"] for c in listing["chapters"]] == ["toy"]
    items = {i["id"]: i for i in listing["indicators"]}
    counts = items["toy.counts"]
    assert counts["href"] == "indicators/toy.counts.json"
    assert counts["chapter"] == "toy" and counts["rows"] == 2
    assert counts["synthetic_data"] is True
    assert counts["sources"] == ["register", "toys"] and counts["requires"] == ["register"]
    assert counts["caveats"]["en"] == "Toys counted by hand."
    assert counts["dimensions"][0] == {
        "name": "kind",
        "title": {"fr": "Sorte", "en": "Kind"},
        "label": "kind_label",
        "label_title": {"fr": "Libellé", "en": "Label"},
        "sort": "kind_order",
    }
    jobs = next(m for m in counts["measures"] if m["name"] == "jobs")
    assert jobs == {
        "name": "jobs",
        "unit": "jobs",
        "title": {"fr": "Emplois", "en": "Jobs"},
        "kind": "number",
        "low": "jobs_low",
        "high": "jobs_high",
        "units": "n",
        "confidential": False,
        "source": None,  # the toy JOBS measure declares no source under secrecy...
        "follows": None,  # ...and follows no other measure
    }
    assert next(m for m in counts["measures"] if m["name"] == "share")["kind"] == "share"
    extra = items["toy.extra"]
    assert extra["skipped"]["en"] == "not computed: input absent from this build (toys)"
    assert extra["missing_inputs"] == ["toys"]
    doc = json.loads((published / "api" / "indicators" / "toy.counts.json").read_text())
    assert doc["synthetic_data"] is True and doc["data"][0]["kind"] == "a"
    assert doc["exports"]["csv"] == "../../indicators/toy.counts.csv"


def test_exports_say_when_data_is_synthetic(published: Path, tmp_path: Path) -> None:
    parquet = pq.read_table(published / "indicators" / "toy.counts.parquet")
    assert parquet.schema.metadata[b"healthradar.synthetic_data"] == b"true"
    assert parquet.column("synthetic_data").to_pylist() == [True, True]
    assert parquet.column("jobs").to_pylist() == [10480.5, 2.5]  # values untouched
    with (published / "indicators" / "toy.counts.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["synthetic_data"] for r in rows] == ["true", "true"]
    assert rows[1]["kind_label"] == "'=cmd|calc"
    real = tmp_path / "real"
    publish_bundle(toy_bundle("en", synthetic=False), real)
    parquet = pq.read_table(real / "indicators" / "toy.counts.parquet")
    assert parquet.schema.metadata[b"healthradar.synthetic_data"] == b"false"
    assert "synthetic_data" not in parquet.column_names
    listing = json.loads((real / "api" / "indicators.json").read_text(encoding="utf-8"))
    assert listing["synthetic_data"] is False


def test_manifest_lists_evaluated_and_skipped(published: Path) -> None:
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in manifest["indicators"]] == [
        "toy.counts",
        "toy.by_colour",
        "toy.grid",
        "toy.pair",
    ]
    assert manifest["indicators"][0]["query"] == "SELECT 1 -- toy.counts"
    [skipped] = manifest["skipped_indicators"]
    assert skipped["id"] == "toy.extra" and skipped["missing_inputs"] == ["toys"]
    assert manifest["synthetic_data"] is True


def test_pages_escape_input_text_and_load_nothing_remote(published: Path) -> None:
    toy = (published / "toy.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in toy
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in toy
    assert "<b>odd</b>" not in (published / "quality.html").read_text(encoding="utf-8")
    for page in published.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", html), page
        assert not re.search(r"<link[^>]+href=\"https?:", html), page
    with (published / "quality.csv").open(encoding="utf-8") as handle:
        raws = [r["raw_value"] for r in csv.DictReader(handle)]
    assert raws == ["'=HYPERLINK(1)"]


def test_information_lost_band_is_written_in_each_language(tmp_path: Path) -> None:
    """The band comes from the warehouse without its unit ('< 1'); each page writes the unit
    its own way, like every share (fmt_share)."""
    conf = pa.table(
        {
            "indicator_id": ["ALL", "toy.counts"],
            "measure": ["*", "jobs"],
            "cells": [4, 4],
            "frequency": [1, 1],
            "dominance": [0, 0],
            "secondary": [1, 1],
            "information_lost_pct": ["< 1", "1–5"],
        }
    )
    for lang, overall, row in (("en", "< 1%", "1–5%"), ("fr", "< 1\u202f%", "1–5\u202f%")):
        bundle = toy_bundle(lang)
        bundle.confidentiality = conf
        publish_bundle(bundle, tmp_path / lang)
        page = _text(tmp_path / lang / "quality.html")
        assert f"{overall} (" in page  # the closing line: '… masked cells: < 1% (as a band).'
        cells = [unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", page)]
        assert row in cells
        assert "< 1 %" not in page and "1–5 %" not in page  # no plain space before the unit
    with (tmp_path / "en" / "confidentiality.csv").open(encoding="utf-8") as handle:
        assert [r["information_lost_pct"] for r in csv.DictReader(handle)] == ["< 1", "1–5"]


def test_results_of_an_unknown_chapter_are_refused(tmp_path: Path) -> None:
    bundle = toy_bundle()
    bundle.chapters = []
    with pytest.raises(ValueError, match="toy"):
        publish_bundle(bundle, tmp_path)


def test_manifest_records_inputs_config_and_queries(tiny_build: BuildResult) -> None:
    """End to end (needs the pipeline): provenance of a real build."""
    manifest = json.loads((tiny_build.out_dir / "manifest.json").read_text(encoding="utf-8"))
    files = {i["file"]: i for i in manifest["inputs"]}
    assert len(files["inputs/partners/cluster.csv"]["sha256"]) == 64
    assert len(files["inputs/register/StockEtablissement_utf8.csv"]["sha256"]) == 64
    assert files["inputs/partners/cluster.csv"]["encoding"] == "cp1252"
    assert manifest["config"]["project"]["region"] == "84"
    queries = {i["id"]: i["query"] for i in manifest["indicators"]}
    assert "perimeter" in queries["emploi.by_departement"]
    # emploi declares its jobs under the headcounts' secrecy and the share of jobs following them
    deps = next(i for i in manifest["indicators"] if i["id"] == "emploi.by_departement")
    measures = {m["name"]: (m["confidential"], m["source"], m["follows"]) for m in deps["measures"]}
    assert measures["jobs"] == (True, "headcounts", None)
    assert measures["share_jobs"] == (True, None, "jobs")
    assert measures["establishments"] == (False, None, None)
    assert manifest["healthradar_version"]
