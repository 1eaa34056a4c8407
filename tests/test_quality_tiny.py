"""Nothing lost: every row of the tiny inputs has one outcome, issues carry line and column."""

from __future__ import annotations

import csv
from pathlib import Path

from healthradar.engine import open_warehouse
from healthradar.pipeline import BuildResult, _Stages, preflight, run_stages
from healthradar.quality.report import build_report, load_reasons
from healthradar.reasons import REASONS
from tests.tiny import write_tiny_project


def quality(build: BuildResult) -> list[dict[str, str]]:
    with (build.out_dir / "quality.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_reconciliation_balances(tiny_build: BuildResult) -> None:
    recon = {r["file"]: r for r in tiny_build.reconciliation}
    partners = recon["inputs/partners/cluster.csv"]
    assert partners["rows_read"] == 10
    assert (partners["integrated"], partners["merged"], partners["rejected"]) == (6, 2, 2)
    assert partners["to_resolve"] == 2  # bad checksum (line 7) and no SIREN (line 8)
    assert all(r["balanced"] for r in recon.values())
    headcounts = recon["inputs/headcounts.csv"]
    assert (headcounts["rows_read"], headcounts["rejected"]) == (3, 1)


def test_issues_name_file_line_column_and_reason(tiny_build: BuildResult) -> None:
    found = {
        (q["line"], q["column"], q["reason"])
        for q in quality(tiny_build)
        if q["file"] == "inputs/partners/cluster.csv"
    }
    assert found == {
        ("4", "employees", "number_ignored"),
        ("5", "siren", "duplicate_merged"),
        ("6", "*", "row_empty"),
        ("7", "siren", "siren_checksum"),
        ("8", "siren", "siren_missing"),
        ("9", "name", "name_missing"),
        ("10", "filiere", "filiere_unknown"),
        ("11", "siren", "duplicate_merged"),
        ("11", "siren", "siret_as_siren"),
    }


def test_raw_value_is_kept(tiny_build: BuildResult) -> None:
    q = {(r["line"], r["reason"]): r for r in quality(tiny_build)}
    assert q[("7", "siren_checksum")]["raw_value"] == "123456789"
    assert q[("4", "number_ignored")]["raw_value"] == "n.c."


def test_to_resolve_lists_unresolved_companies(tiny_build: BuildResult) -> None:
    with (tiny_build.out_dir / "to_resolve.csv").open(encoding="utf-8") as handle:
        names = {r["name"]: r for r in csv.DictReader(handle)}
    assert set(names) == {"Inconnue", "Sans Siren"}
    assert names["Inconnue"]["siren_given"] == "123456789"
    assert names["Sans Siren"]["origins"] == "inputs/partners/cluster.csv:8"


def test_partner_companies_summary(tiny_build: BuildResult) -> None:
    import json

    manifest = json.loads((tiny_build.out_dir / "manifest.json").read_text(encoding="utf-8"))
    # A (core), E and F (revealed), H (closed: outside), two rows to resolve
    assert manifest["partner_companies"] == {
        "core": 1,
        "outside": 1,
        "revealed": 2,
        "to_resolve": 2,
    }


def test_register_scope_counts(tiny_build: BuildResult) -> None:
    import json

    manifest = json.loads((tiny_build.out_dir / "manifest.json").read_text(encoding="utf-8"))
    # 9 establishments; D1 is in Paris; C1 and H1 are closed
    assert manifest["register"] == {"rows": 9, "in_region": 8, "active_in_region": 6}


def test_the_report_fetches_the_issues_in_the_build_language_only(tmp_path: Path) -> None:
    """`build_report(wh, lang)` fetches the issues once, in the language the quality page and
    quality.csv are written in (a 200,000-row input can have as many issues)."""
    root = write_tiny_project(tmp_path / "tiny")
    (root / ".healthradar").mkdir()  # `build` makes it; preflight's caches go there
    plan = preflight(root)
    wh = open_warehouse("duckdb", tmp_path, "1GB", 1, None)
    run_stages(plan, wh, _Stages(None))
    load_reasons(wh)
    report = build_report(wh, "en")
    wh.close()
    assert set(report.issues) == {"en"}
    rows = report.issues["en"].to_pylist()
    worded = [r for r in rows if not REASONS[r["reason"]].en.startswith("{")]
    assert worded
    for row in worded:
        head = REASONS[row["reason"]].en.split("{")[0]  # the words before the first value
        assert row["message"].startswith(head), (row["reason"], row["message"])
