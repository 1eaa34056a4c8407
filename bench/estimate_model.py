"""Estimate the shipped m and u probabilities and the prior of the resolve model, once, offline.

The model (`healthradar.resolve.model`) scores only the pairs its blocking rules bring together,
and its prior is "one true match among so many *compared* pairs". So that every number has the
same meaning, all of them are measured on the same population: the (partner row, company)
pairs a build compares (`match_pairs`: a company's best entry for the row), of a partner list
drawn for this purpose only:

- the register is a *training* register: the synthetic register renamed with its own seed
  (``resolve_data.derive_register``), never the benchmark's (seeds 8, 9, 10);
- the list is written by ``resolve_data.write_partners`` with that seed: register companies
  with the noise rates of real lists (``resolve_data.NOISE``: typos, legal forms, moved,
  missing places...) and ~1 row in 11 of a company the register does not hold;
- u of a level: its share among the compared pairs whose company is *not* the one the row was
  written from; m: its share among the pairs whose company is; the prior: the share of those
  true pairs among all compared pairs. A row settled by its given SIREN before scoring is not
  compared, as in any build. Pairs at the null level (no name, no place, no SIREN digits) are
  left out of m and u, as Splink leaves them out of the score.
- counts get half a pair added at every level (no level is certain or impossible).

The same script also measures the other consistent definition, Splink's own: u as the share
among *random* (partner row, register entry) pairs (`estimate_u_using_random_sampling` on the
build's scored rows and candidate entries, fixed seed), with the prior as the share of true
pairs among random pairs (`estimate_probability_two_random_records_match` on "same name key
and same commune", whose recall is read off the m above). `docs/resolve.md` gives what each
set of numbers does on the benchmark.

The pairs a build keeps depend on the shipped numbers (a company's best entry is the one with
the best weight): numbers measured with one model should be measured again once shipped, until
they no longer change.
It never reads a benchmark's truth: the figures of `bench_resolve.py` (seeds 8, 9, 10) are
held out.

Usage::

    PYTHONPATH=src .venv/bin/python bench/estimate_model.py --register 4000000 --rows 4000
    PYTHONPATH=src .venv/bin/python bench/estimate_model.py --register 40000000 --rows 20000 \\
        --patterns    # model.PATTERN_PRECISION (~20 min the first time, then --no-build)
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resolve_data  # bench/ is not a package

DATA = Path(__file__).resolve().parent / "data"
#: the comparisons of `model.settings` and their non-null levels, highest first (Splink's order)
LEVELS = {"name": range(9, -1, -1), "place": range(3, -1, -1), "siren_digits": range(1, -1, -1)}


def training_project(register: str, rows: int, seed: int) -> Path:
    """A partner list of `rows` drawn with `seed` against the register renamed with `seed`."""
    est = DATA / f"StockEtablissement_synth_{register}.parquet"
    ul = DATA / f"StockUniteLegale_synth_{register}.parquet"
    if not (est.is_file() and ul.is_file()):
        sys.exit(f"{est.name} is absent: run bench/bench_resolve.py --register {register} first")
    est2, ul2 = resolve_data.derive_register(
        est, ul, DATA / "resolve" / f"training-register-{register}-s{seed}", seed
    )
    project = DATA / "resolve" / "projects" / f"training-r{register}-p{rows}-s{seed}"
    resolve_data.write_partners(
        project, est2, ul2, est2.with_name("pairs.parquet"), rows, round(rows / 11), seed
    )
    resolve_data.write_project(project, est2, ul2, title="Model estimation")
    return project


def shares(counts: Counter[int], levels: range) -> list[float]:
    """Level shares, highest level first, with half a pair added at each level."""
    total = sum(counts[g] for g in levels) + 0.5 * len(levels)
    return [(counts[g] + 0.5) / total for g in levels]


def _truth(project: Path) -> dict[str, str]:
    """The true SIREN of each line of the training list (empty: absent from the register)."""
    with (project / "truth.csv").open(encoding="utf-8", newline="") as f:
        return {t["line"]: t["true_siren"] for t in csv.DictReader(f)}


def _fetch(project: Path, sql: str) -> list[tuple[Any, ...]]:
    """`sql` on a copy of the build's warehouse, so that a running build is not disturbed."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(project / "out" / "warehouse.duckdb", copy)
        con = duckdb.connect(str(copy), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


def measure(project: Path) -> dict[str, Any]:
    truth = _truth(project)
    pairs = _fetch(
        project, "SELECT line, siren, gamma_name, gamma_place, gamma_siren_digits FROM match_pairs"
    )
    true = [p for p in pairs if truth.get(str(p[0])) == p[1]]
    other = [p for p in pairs if truth.get(str(p[0])) != p[1]]
    result: dict[str, Any] = {
        "rows_compared": len({p[0] for p in pairs}),
        "pairs": len(pairs),
        "true_pairs": len(true),
        "prior": len(true) / len(pairs),
    }
    for i, (comparison, levels) in enumerate(LEVELS.items(), start=2):
        result[comparison] = {
            "m": shares(Counter(p[i] for p in true), levels),
            "u": shares(Counter(p[i] for p in other), levels),
            "m_pairs": sum(1 for p in true if p[i] != -1),
            "u_pairs": sum(1 for p in other if p[i] != -1),
        }
    return result


def pattern_precision(project: Path) -> list[dict[str, Any]]:
    """Per agreement pattern (levels of the name, the place and the SIREN digits) of a row's
    best company: how often that company was the row's true one, among the rows an automatic
    link could be made for — scored, not settled by a given SIREN, best company clear of its
    rivals by the ambiguity margin (as `decide` sees them: a closed company is no rival to an
    active best one). What `model.PATTERN_PRECISION` ships for the patterns the model
    overrates. A row of a company absent from the register counts as wrong whatever its best
    company."""
    from healthradar.resolve.model import AMBIGUITY_MARGIN

    truth = _truth(project)
    rows = _fetch(
        project,
        f"""
        SELECT r.line, r.siren, r.gamma_name, r.gamma_place, r.gamma_siren_digits
        FROM match_ranked r JOIN match_decisions d USING (input, file, line)
        WHERE r.position = 0 AND d.decision NOT IN ('exact')
          AND d.rule NOT LIKE 'review:%' AND d.rule <> 'previous_build'
          AND coalesce(r.weight - CASE WHEN r.company_etat = 'A'
              THEN r.next_active_weight ELSE r.next_weight END, 99) >= {AMBIGUITY_MARGIN}
        """,
    )
    cells: dict[tuple[int, int, int], Counter[str]] = {}
    for line, siren, *pattern in rows:
        c = cells.setdefault(tuple(pattern), Counter())
        c["rows"] += 1
        c["true"] += truth.get(str(line)) == siren
    return [
        {"pattern": pattern, "rows": c["rows"], "true": c["true"],
         "precision": c["true"] / c["rows"]}
        for pattern, c in sorted(cells.items(), reverse=True)
    ]  # fmt: skip


def wilson_upper(successes: int, trials: int, z: float = 1.959963984540054) -> float:
    """Upper end of the 95 % Wilson score interval of a share."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return (centre + spread) / (1 + z * z / trials)


def print_patterns(cells: list[dict[str, Any]]) -> None:
    """Every pattern with its rows, then the ones to ship, as `model.PATTERN_PRECISION`: at
    least `MIN_PATTERN_ROWS` rows, and a share under the automatic threshold beyond sampling
    doubt (the upper end of its 95 % Wilson interval under it: 553 right of 560, 0.988, could
    be 0.99)."""
    from healthradar.resolve.model import MATCH_THRESHOLD, MIN_PATTERN_ROWS

    for c in cells:
        upper = wilson_upper(c["true"], c["rows"])
        print(f"{c['pattern']}: {c['true']} / {c['rows']} = {c['precision']:.3f} (≤ {upper:.3f})")
    print("PATTERN_PRECISION = {")
    for c in cells:
        shipped = c["rows"] >= MIN_PATTERN_ROWS
        if shipped and wilson_upper(c["true"], c["rows"]) < MATCH_THRESHOLD:
            print(f"    {c['pattern']}: {c['precision']:.3f},  # {c['true']} / {c['rows']}")
    print("}")


def random_pairs(project: Path, m: dict[str, Any], pairs: float, seed: int) -> dict[str, Any]:
    """u among random (scored row, candidate entry) pairs and the prior among them (Splink)."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    from healthradar.resolve.model import settings

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(project / "out" / "warehouse.duckdb", copy)
        api = DuckDBAPI(duckdb.connect(str(copy)))
        left, right = api.register("resolve_left"), api.register("resolve_register")
        linker = Linker([left, right], settings(), log_level=logging.WARNING)
        linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)
        # recall of "same name key and same commune" among true pairs: the name at one of its
        # two top levels, the place at the commune level (independence, as the model assumes)
        recall = sum(m["name"]["m"][:2]) * m["place"]["m"][0]
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_key", "commune")], recall=recall
        )
        model = linker.misc.save_model_to_json()
    result: dict[str, Any] = {"prior": model["probability_two_random_records_match"]}
    for c in model["comparisons"]:
        if c["output_column_name"] in LEVELS:
            levels = [x for x in c["comparison_levels"] if not x.get("is_null_level")]
            result[c["output_column_name"]] = {"u": [x["u_probability"] for x in levels]}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--register", default="4000000", help="synthetic register size")
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=101, help="not 8, 9 or 10: the benchmark's")
    ap.add_argument("--pairs", type=float, default=2e7, help="random pairs sampled for u")
    ap.add_argument(
        "--patterns",
        action="store_true",
        help="print the precision of each agreement pattern (model.PATTERN_PRECISION) only",
    )
    ap.add_argument(
        "--no-build", action="store_true", help="measure the training project's last build"
    )
    args = ap.parse_args()
    if args.seed in (8, 9, 10):
        sys.exit("seeds 8, 9 and 10 are the benchmark's held-out draws: choose another")
    project = training_project(args.register, args.rows, args.seed)
    if not args.no_build:
        shutil.rmtree(project / "out", ignore_errors=True)
        shutil.rmtree(project / ".healthradar", ignore_errors=True)
        from healthradar.pipeline import build

        build(project)
    if args.patterns:
        print_patterns(pattern_precision(project))
        return
    result = measure(project)
    result["random_pairs"] = random_pairs(project, result, args.pairs, args.seed)
    text = json.dumps(result, indent=1)
    print(text)
    (project / "estimate.json").write_text(text)
    for comparison in LEVELS:
        for k in ("m", "u"):
            values = ", ".join(f"{x:.3g}" for x in result[comparison][k])
            print(f"{comparison} {k}_probabilities=[{values}]")
    print(f"PRIOR = {result['prior']:.3g} (among compared pairs)")
    for comparison in LEVELS:
        values = ", ".join(f"{x:.3g}" for x in result["random_pairs"][comparison]["u"])
        print(f"{comparison} u_probabilities=[{values}] (random pairs)")
    print(f"PRIOR = {result['random_pairs']['prior']:.3g} (among random pairs)")


if __name__ == "__main__":
    main()
