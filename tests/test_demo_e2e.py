"""End to end on the embedded demo: every injected defect is reported, counts reconcile, and
the chapter's tables match the golden files. The indicators' own tests (tests/indicators/) check
hand-computed values; the golden files only guard the demo against unreviewed drift. The test
run never rewrites them: `python scripts/update_golden.py` does, after a reviewed change."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from healthradar.pipeline import BuildResult

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parent / "golden"

# The generator's defect kinds -> the reason the pipeline must report.
EXPECTED_REASON = {
    ("partners", "number_invalid"): "number_ignored",
    ("headcounts", "duplicate"): "duplicate_merged",
    ("headcounts", "siret_not_in_register"): "siret_outside_perimeter",
}


def truth(build: BuildResult) -> dict:
    return json.loads((build.plan.project_dir / "demo-truth.json").read_text(encoding="utf-8"))


def quality(build: BuildResult) -> list[dict[str, str]]:
    with (build.out_dir / "quality.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_injected_defect_is_in_quality_csv(demo_build: BuildResult) -> None:
    reported = {(q["file"], int(q["line"]), q["column"], q["reason"]) for q in quality(demo_build)}
    defects = truth(demo_build)["defects"]
    assert len(defects) > 400
    missing = []
    for d in defects:
        kind = "partners" if "/partners/" in d["file"] else "headcounts"
        reason = EXPECTED_REASON.get((kind, d["kind"]), d["kind"])
        if (d["file"], d["line"], d["column"], reason) not in reported:
            missing.append(d)
    assert missing == []


def test_raw_values_of_defects_are_kept(demo_build: BuildResult) -> None:
    raw = {(q["file"], int(q["line"]), q["column"]): q["raw_value"] for q in quality(demo_build)}
    for d in truth(demo_build)["defects"]:
        if d["raw"] and d["kind"] in ("siren_checksum", "siret_as_siren", "siren_malformed"):
            assert raw[(d["file"], d["line"], d["column"])] == d["raw"]


def test_counts_reconcile_for_every_file(demo_build: BuildResult) -> None:
    expected_rows = dict(truth(demo_build)["rows"])
    recon = {r["file"]: r for r in demo_build.reconciliation}
    assert set(recon) == set(expected_rows)
    for file, row in recon.items():
        assert row["rows_read"] == expected_rows[file], file
        assert row["integrated"] + row["merged"] + row["rejected"] == row["rows_read"], file
        assert row["balanced"], file


def test_every_row_has_exactly_one_outcome(demo_build: BuildResult) -> None:
    con = duckdb.connect(str(demo_build.out_dir / "warehouse.duckdb"), read_only=True)
    try:
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT file, line FROM row_outcomes GROUP BY ALL "
            "HAVING count(*) <> 1)"
        ).fetchone()[0]
        orphans = con.execute(
            """SELECT count(*) FROM (
                 SELECT _file, _line FROM raw_partners UNION ALL
                 SELECT _file, _line FROM raw_headcounts) r
               ANTI JOIN row_outcomes o ON o.file = r._file AND o.line = r._line"""
        ).fetchone()[0]
    finally:
        con.close()
    assert (dupes, orphans) == (0, 0)


def test_exact_links_agree_with_the_truth(demo_build: BuildResult) -> None:
    """Every SIREN the pipeline derived (given or from a SIRET) is the company's true SIREN."""
    true = {(r["file"], r["line"]): r["true_siren"] for r in truth(demo_build)["partner_rows"]}
    con = duckdb.connect(str(demo_build.out_dir / "warehouse.duckdb"), read_only=True)
    try:
        linked = con.execute("SELECT file, line, siren FROM entity_links WHERE siren IS NOT NULL")
        pairs = linked.fetchall()
    finally:
        con.close()
    assert len(pairs) > 500
    wrong = [(f, line, s) for f, line, s in pairs if true.get((f, line)) != s]
    assert wrong == []


def test_closed_companies_are_reported_with_their_successor(demo_build: BuildResult) -> None:
    """A row linked to a company the demo's succession file says was taken over shows the
    company that took it over; no other row shows a successor."""
    taken_over = truth(demo_build)["taken_over"]
    with (demo_build.out_dir / "exports" / "resolution.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    shown = {(r["siren"], r["successor_siren"]) for r in rows if r["successor_siren"]}
    expected = {(r["siren"], taken_over[r["siren"]]) for r in rows if r["siren"] in taken_over}
    # the partner lists name a few closed companies (`demo.partners.choose_companies`), and the
    # demo's takeovers cover about half of all closed health companies: some are named
    assert expected
    assert shown == expected


def test_core_perimeter_matches_the_generated_register(demo_build: BuildResult) -> None:
    totals = {
        r["perimetre"]: r
        for r in next(
            x for x in demo_build.results if x.indicator.id == "emploi.totals"
        ).data.to_pylist()
    }
    assert totals["core"]["establishments"] == truth(demo_build)["core_active_in_region"]
    revealed = totals["revealed"]["establishments"]
    assert 0 < revealed <= truth(demo_build)["revealed_establishments"]


def _golden_rows(path: Path) -> list[dict[str, object]]:
    """Cells by column name, numbers as rounded floats (parallel sums may differ in the last
    bit); the export's `synthetic_data` flag is not part of the figures."""

    def cell(text: str) -> object:
        try:
            return round(float(text), 6)
        except ValueError:
            return text

    with path.open(encoding="utf-8") as handle:
        return [
            {k: cell(v) for k, v in row.items() if k != "synthetic_data"}
            for row in csv.DictReader(handle)
        ]


@pytest.mark.parametrize(
    "indicator_id",
    [
        "emploi.totals",
        "emploi.by_naf",
        "emploi.by_departement",
        "emploi.by_size_class",
        "emploi.by_filiere",
        "emploi.size_by_filiere",
    ],
)
def test_chapter_tables_match_golden_files(demo_build: BuildResult, indicator_id: str) -> None:
    produced = demo_build.out_dir / "indicators" / f"{indicator_id}.csv"
    golden = GOLDEN / f"{indicator_id}.csv"
    assert _golden_rows(produced) == _golden_rows(golden)


def test_demo_publishes_masked_cells_and_the_attacker_cannot_recover_them(
    demo_build: BuildResult,
) -> None:
    """The attacker LP, rerun from the warehouse on every emploi table of the demo: every masked
    cell keeps ± 10 % of its secret part; with primary masks only, some cell is recovered."""
    from healthradar.confidentiality.audit import certify
    from healthradar.confidentiality.stage import _build_cells, rules_for
    from healthradar.config import ConfidentialitySection
    from healthradar.engine.duckdb_backend import DuckDBWarehouse
    from healthradar.indicators.registry import Evaluation, IndicatorResult, QueryContext

    conf = demo_build.counts["confidentiality"]
    assert conf["masked"]["frequency"] + conf["masked"]["dominance"] > 0
    assert conf["masked"]["secondary"] > 0
    assert conf["narrowest_margin"] >= 1.0
    wh = DuckDBWarehouse(demo_build.out_dir / "warehouse.duckdb")
    try:
        unmasked = Evaluation(
            [
                IndicatorResult(r.indicator, r.sql, wh.to_arrow(r.indicator.table_name))
                for r in demo_build.results
            ]
        )
        ctx = QueryContext(wh, {})
        cells, values, _ = _build_cells(ctx, unmasked, rules_for(ConfidentialitySection()))
        rows = wh.to_rows(wh.table("confidentiality_cells"))
    finally:
        wh.close()
    masked = {f"{r['indicator_id']}|{r['dimensions']}|{r['measure']}" for r in rows if r["masked"]}
    primary = {c.key for c in cells if c.sensitive}
    assert primary < masked
    assert certify(cells, values, masked, 0.10) == []
    assert certify(cells, values, primary, 0.10) != []
    for r in demo_build.results:  # published data: no number where a mask is set
        for row in r.data.to_pylist():
            if row.get("jobs_mask"):
                assert row["jobs"] is None and row["jobs_low"] is None
