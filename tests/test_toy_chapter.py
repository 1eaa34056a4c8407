"""The plug-in recipe works: a toy chapter with its own input is built, published and documented
by the generic code, and skipped with its reason when its input is not declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healthradar.engine import memory_warehouse
from healthradar.indicators import CHAPTERS, Registry
from healthradar.indicators.catalogue import catalogue_markdown
from healthradar.pipeline import build
from tests.indicator_check import check_indicator, load_tables
from tests.tiny import write_tiny_project
from tests.toy_chapter import TOY

pytestmark = pytest.mark.slow


def toy_registry() -> Registry:
    return Registry([*CHAPTERS, TOY])


def test_toy_indicator_on_a_hand_made_table() -> None:
    wh = memory_warehouse()
    load_tables(
        wh,
        {
            "toy_rounds": [
                {"company": "A", "amount_meur": 1.5, "year": 2023},
                {"company": "B", "amount_meur": 2.0, "year": 2024},
                {"company": "C", "amount_meur": 0.25, "year": 2024},
            ]
        },
    )
    check_indicator(
        toy_registry(),
        "toy.by_year",
        wh,
        [
            {"year": 2023, "amount_meur": 1.5, "rounds": 1},
            {"year": 2024, "amount_meur": 2.25, "rounds": 2},
        ],
    )


def _project_with_toy(root: Path) -> Path:
    write_tiny_project(root)
    rounds = root / "inputs" / "rounds.csv"
    # line 2 and 3 count; line 4 has no amount (required): rejected; 2024 = 2 + 0.5
    rounds.write_text(
        "Entreprise;Montant;Année\nAlpha;2;2024\nBeta;0,5;2024\nGamma;;2023\n", encoding="utf-8"
    )
    with (root / "healthradar.toml").open("a", encoding="utf-8") as h:
        h.write('\n[inputs.toy_rounds]\npath = "inputs/rounds.csv"\n')
    return root


def test_toy_chapter_is_built_published_and_documented(tmp_path: Path) -> None:
    registry = toy_registry()
    result = build(_project_with_toy(tmp_path / "p"), registry=registry)
    out = result.out_dir
    rows = next(r for r in result.results if r.indicator.id == "toy.by_year").data.to_pylist()
    assert rows == [{"year": 2024, "amount_meur": 2.5, "rounds": 2}]
    page = (out / "toy.html").read_text(encoding="utf-8")
    assert "Montants levés par année" in page and "Données jouets." in page
    assert 'href="toy.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert 'href="toy.html"' in (out / "emploi.html").read_text(encoding="utf-8")  # navigation
    api = json.loads((out / "api" / "indicators" / "toy.by_year.json").read_text("utf-8"))
    assert [d["amount_meur"] for d in api["data"]] == [2.5]
    listing = json.loads((out / "api" / "indicators.json").read_text("utf-8"))
    assert "toy.by_year" in {i["id"] for i in listing["indicators"]}
    assert (out / "indicators" / "toy.by_year.csv").is_file()
    assert (out / "indicators" / "toy.by_year.parquet").is_file()
    recon = {r["file"]: r for r in result.reconciliation}
    toy = recon["inputs/rounds.csv"]
    assert (toy["rows_read"], toy["integrated"], toy["rejected"], toy["balanced"]) == (
        3,
        2,
        1,
        True,
    )
    docs = catalogue_markdown(registry)
    assert "toy.by_year" in docs and "Toy rounds" in docs


def test_toy_chapter_is_skipped_with_its_reason_when_its_input_is_absent(tmp_path: Path) -> None:
    result = build(write_tiny_project(tmp_path / "p"), registry=toy_registry())
    assert [s.indicator.id for s in result.evaluation.skipped] == ["toy.by_year"]
    manifest = json.loads((result.out_dir / "manifest.json").read_text("utf-8"))
    assert "toy_rounds" in json.dumps(manifest["skipped_indicators"], ensure_ascii=False)
    page = (result.out_dir / "toy.html").read_text(encoding="utf-8")
    assert "entrée absente" in page and "toy_rounds" in page


def test_init_offers_the_toy_input_with_its_template(tmp_path: Path) -> None:
    from healthradar.config import load_config
    from healthradar.scaffold import scaffold

    written = scaffold(tmp_path / "p", registry=toy_registry())
    template = tmp_path / "p" / "inputs" / "toy_rounds.csv"
    assert template in written
    header = template.read_text(encoding="utf-8").splitlines()[0]
    assert header == "entreprise;montant;année"  # the contract's first (French) aliases
    config = (tmp_path / "p" / "healthradar.toml").read_text(encoding="utf-8")
    assert "# [inputs.toy_rounds]\n# Levées de fonds (jouet)" in config
    config = config.replace("# [inputs.toy_rounds]", "[inputs.toy_rounds]").replace(
        '# path = "inputs/toy_rounds.csv"', 'path = "inputs/toy_rounds.csv"'
    )
    (tmp_path / "p" / "healthradar.toml").write_text(config, encoding="utf-8")
    loaded, _ = load_config(tmp_path / "p")
    assert loaded.inputs.tables["toy_rounds"].path == Path("inputs/toy_rounds.csv")
