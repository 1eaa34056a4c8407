"""Masks on a hand-made build (tests/tiny.py), end to end, and a scan of everything published.

In the tiny project one establishment has a measured headcount: A1 (40, core, NAF 21.20Z,
département 69, Biotech/Pharma, company size 2 000+). Every other job figure is a band estimate
anyone can recompute from the open register. So each published cell holding A1 has exactly one
contributor under secrecy: the frequency rule (< 3) masks it, and since A1 appears in no
published cell, nothing needs secondary suppression (the attacker's interval for A1 is [0, ∞)).

Masked cells and their secret-revealing numbers (worked out in tests/tiny.py):
  totals core 122 (low 96, high 148) and total 136.5 (106–167); by_naf core 21.20Z 114.5
  (90–139); by_departement 69: 54.5 (50–59); by_size_class 2 000+: 114.5; by_filiere
  (Biotech/Pharma, core): 114.5; size_by_filiere (Biotech/Pharma, 2 000+): 114.5.
by_departement also publishes shares of jobs, i.e. its total 136.5 (holding A1): that implicit
total is masked, so every share of jobs of the table is.
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from healthradar.pipeline import BuildResult

EXPECTED = {
    ("emploi.totals", ("core",)),
    ("emploi.totals", ("total",)),
    ("emploi.by_naf", ("core", "21.20Z")),
    ("emploi.by_departement", ("69",)),
    ("emploi.by_size_class", ("2\u202f000+",)),
    ("emploi.by_filiere", ("Biotech/Pharma", "core")),
    ("emploi.size_by_filiere", ("Biotech/Pharma", "2\u202f000+")),
}
# Decimal numbers only a masked cell holds (as CSV/JSON and as French/English page text).
SECRET_TEXTS = ("136.5", "136,5", "114.5", "114,5", "54.5", "54,5", "0.3992", "39,9")


def _masked(build: BuildResult) -> set[tuple[str, tuple[str, ...]]]:
    out = set()
    for r in build.results:
        ind = r.indicator
        for row in r.data.to_pylist():
            if row.get("jobs_mask"):
                assert row["jobs_mask"] == "frequency"
                assert (row["jobs"], row["jobs_low"], row["jobs_high"]) == (None, None, None)
                out.add((ind.id, tuple(str(row[d]) for d in ind.dimension_names)))
    return out


def test_every_cell_holding_the_secret_headcount_is_masked(tiny_build: BuildResult) -> None:
    assert _masked(tiny_build) == EXPECTED
    conf = tiny_build.counts["confidentiality"]
    assert conf["masked"] == {"frequency": 7, "dominance": 0, "secondary": 0}
    deps = next(r for r in tiny_build.results if r.indicator.id == "emploi.by_departement")
    assert all(row["share_jobs"] is None for row in deps.data.to_pylist())
    # establishments' shares are open data: published
    assert all(row["share_establishments"] is not None for row in deps.data.to_pylist())


def test_no_published_file_holds_a_masked_number(tiny_build: BuildResult) -> None:
    out = tiny_build.out_dir
    scanned = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name == "warehouse.duckdb":
            continue
        scanned += 1
        if path.suffix == ".parquet":
            text = json.dumps(pq.read_table(path).to_pylist(), default=str)
        elif path.suffix == ".xlsx":
            continue  # the review file: partner rows, no indicator
        else:
            text = path.read_text(encoding="utf-8")
        for secret in SECRET_TEXTS:
            assert secret not in text, (path.relative_to(out), secret)
    assert scanned > 10
    page = (out / "emploi.html").read_text(encoding="utf-8")
    assert "secret statistique" in page  # the legend of 's'
    api = json.loads((out / "api/indicators/emploi.totals.json").read_text(encoding="utf-8"))
    total = next(r for r in api["data"] if r["perimetre"] == "total")
    assert (total["jobs"], total["jobs_mask"]) == (None, "frequency")
    quality = (out / "quality.html").read_text(encoding="utf-8")
    assert "Secret statistique" in quality
