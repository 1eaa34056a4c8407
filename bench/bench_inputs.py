"""Benchmark: a build whose partner list and headcount file have 200,000 rows each.

Prints figures; asserts nothing (issue 9 asks for a peak RSS under 400 MB: the figure is
printed beside that goal). In one run it

1. writes a project under ``bench/data/inputs/p<rows>-s<seed>/`` (once; kept for the next run):
   a register of ``rows`` companies with one establishment each in Auvergne-Rhône-Alpes, a
   partner list of ``rows`` rows in cp1252 with ';' and a decimal comma, as Excel writes them
   (98 % with the company's SIREN, 1 % without one, 1 % with a SIREN whose leading zero a
   spreadsheet dropped), and a headcount file of ``rows`` rows (one SIRET each, vintage 2024);
2. reads both files, ingests and validates them (the reading side: preflight, ``ingest``,
   ``validate_partners``, ``validate_headcounts``) in a fresh interpreter, which reports its own
   wall seconds (after imports), CPU seconds and peak RSS (``VmHWM`` of that process: not
   ``ru_maxrss``, which Linux carries over fork + exec from this driver);
3. with ``--full``, builds the project the same way (``healthradar.pipeline.build``) and
   prints the figures, the peak RSS of each stage (VmRSS sampled every 0.2 s), whether it was a
   first build or a rebuild (an ``out/`` from an earlier run lets resolve carry rows over), the
   size of ``out/quality.html`` and the reconciliation of both inputs.

Measured (bench/README.md): reading side 373–400 MB (goal met, thinly); whole build 668 MB
(first build, 64 s), down from 1,148 MB; with a 2,000-row list beside the 200,000 headcounts,
476 MB. The goal is not met for a whole build: the
relational stages leave ~330 MB resident, and the Python-side stages (confidentiality's cells,
quality, publish) and resolve's Splink predict add 100–350 MB to that.

Usage::

    .venv/bin/python bench/bench_inputs.py                 # 200,000 rows
    .venv/bin/python bench/bench_inputs.py --rows 20000    # a quicker look
    .venv/bin/python bench/bench_inputs.py --partner-rows 2000 --full  # a realistic big project
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from stdnum import luhn

BENCH_DIR = Path(__file__).resolve().parent
DATA = BENCH_DIR / "data" / "inputs"
GOAL_MB = 400
COMMUNES = [
    ("69381", "69001", "Lyon"),
    ("38185", "38000", "Grenoble"),
    ("01053", "01000", "Bourg-en-Bresse"),
    ("63113", "63000", "Clermont-Ferrand"),
]
NAFS = ("21.20Z", "32.50A", "72.11Z", "62.01Z", "46.46Z", "70.22Z")
FILIERES = ("Pharma", "Medtech", "e-santé", "Biotech", "Santé numérique", "Dispositifs médicaux")

CHILD = """
import json, sys, tempfile, time, resource
from pathlib import Path
from healthradar.pipeline import build, preflight
from healthradar.engine import open_warehouse
from healthradar.ingest.stage import ingest
from healthradar.validate.partners import validate_partners
from healthradar.validate.headcounts import validate_headcounts
def hwm():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
start = time.perf_counter()
if sys.argv[2] == "read":
    Path(sys.argv[1], ".healthradar").mkdir(exist_ok=True)  # build makes it; caches go there
    plan = preflight(Path(sys.argv[1]))
    with tempfile.TemporaryDirectory() as tmp:
        cfg = plan.config.engine
        wh = open_warehouse("duckdb", Path(tmp), cfg.memory_limit, cfg.threads, cfg.spark_master)
        ingest(wh, plan.ingest_plan())
        validate_partners(wh)
        validate_headcounts(wh, plan.config.project.vintage)
        wh.close()
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_kb": hwm(),
                      "cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2])}))
    sys.exit(0)
import threading
def rss():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS'))
marks, samples, done = [(time.perf_counter(), "preflight")], [], threading.Event()
def sample():
    while not done.wait(0.2):
        samples.append((time.perf_counter(), rss()))
threading.Thread(target=sample, daemon=True).start()
rebuild = Path(sys.argv[1], "out", "exports", "resolution.csv").is_file()
result = build(Path(sys.argv[1]), hook=lambda name: marks.append((time.perf_counter(), name)))
done.set()
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
marks.append((time.perf_counter(), "end"))
stage_peaks = {name: max([kb for t, kb in samples if t0 <= t <= t1] or [0])
               for (t0, name), (t1, _) in zip(marks, marks[1:])}
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kb": hwm(), "timings": result.timings, "stage_peaks_kb": stage_peaks,
                  "rebuild": rebuild, "reconciliation": result.reconciliation}, default=str))
"""


SYLLABLES = ("ba", "ko", "ri", "me", "da", "lu", "ne", "so", "ti", "va", "gen", "pha", "bio",
             "xo", "ly", "mo", "ra", "ze", "fi", "nu", "ca", "dro", "ste", "vi", "qua")  # fmt: skip
SUFFIXES = ("Pharma", "Medical", "Santé", "Biotech", "Diagnostics", "Labs", "Health", "SAS")


def _siren(i: int) -> str:
    base = f"{i + 1_000_000:08d}"  # one leading zero, as in the départements 01-09
    return base + luhn.calc_check_digit(base)


def _name(rng: random.Random) -> str:
    """A company name of 3 or 4 syllables and a suffix: names as distinct as real ones."""
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 4))))
    return f"{word.capitalize()} {rng.choice(SUFFIXES)}"


def _siret(siren: str) -> str:
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


def write_project(root: Path, rows: int, seed: int, partner_rows: int | None = None) -> Path:
    """The project of `rows` companies, the first `partner_rows` of them (default: all) on the
    partner list (written once; the config is the marker)."""
    if (root / "healthradar.toml").is_file():
        return root
    rng = random.Random(seed)
    reg = root / "inputs" / "register"
    reg.mkdir(parents=True, exist_ok=True)
    est_cols = ["siren", "siret", "nic", "codeCommuneEtablissement",
                "activitePrincipaleEtablissement", "etatAdministratifEtablissement",
                "trancheEffectifsEtablissement", "etablissementSiege",
                "codePostalEtablissement"]  # fmt: skip
    lu_cols = ["siren", "etatAdministratifUniteLegale", "categorieEntreprise",
               "trancheEffectifsUniteLegale", "denominationUniteLegale"]  # fmt: skip
    with (
        (reg / "StockEtablissement_utf8.csv").open("w", newline="", encoding="utf-8") as e,
        (reg / "StockUniteLegale_utf8.csv").open("w", newline="", encoding="utf-8") as u,
        (root / "inputs" / "partners.csv").open("w", newline="", encoding="cp1252") as p,
        (root / "inputs" / "headcounts.csv").open("w", newline="", encoding="utf-8") as h,
    ):
        est, lu = csv.writer(e), csv.writer(u)
        part, head = csv.writer(p, delimiter=";"), csv.writer(h, delimiter=";")
        est.writerow(est_cols)
        lu.writerow(lu_cols)
        part.writerow(["Raison sociale", "N° SIREN", "Filière", "Ville", "Code postal", "Effectif"])
        head.writerow(["SIRET", "Effectif salarié", "Année"])
        for i in range(1, rows + 1):
            siren = _siren(i)
            siret = _siret(siren)
            commune, postcode, city = rng.choice(COMMUNES)
            name = _name(rng)
            est.writerow([siren, siret, siret[9:], commune, rng.choice(NAFS), "A", "11", "true",
                          postcode])  # fmt: skip
            lu.writerow([siren, "A", "PME", "11", name.upper()])
            roll = rng.random()
            given = "" if roll < 0.01 else siren[1:] if roll < 0.02 else siren
            filiere, staff = rng.choice(FILIERES), f"{rng.randint(10, 19)},5"
            if partner_rows is None or i <= partner_rows:
                part.writerow([name, given, filiere, city, postcode, staff])
            head.writerow([siret, rng.randint(10, 19), 2024])
    (root / "healthradar.toml").write_text(
        '[project]\nname = "Bench inputs"\nregion = "84"\nvintage = 2024\n\n'
        "[inputs.register]\n"
        'establishments = "inputs/register/StockEtablissement_utf8.csv"\n'
        'legal_units = "inputs/register/StockUniteLegale_utf8.csv"\n\n'
        '[inputs.headcounts]\npath = "inputs/headcounts.csv"\n\n'
        '[[inputs.partners]]\nid = "big"\npath = "inputs/partners.csv"\n',
        encoding="utf-8",
    )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--partner-rows",
        type=int,
        default=None,
        help="rows of the partner list (default: --rows); e.g. 2000 for a regional headcount "
        "file beside a cluster's list, the realistic large project",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="also time a whole build (resolve included: slow at this size)",
    )

    args = parser.parse_args()
    listed = args.rows if args.partner_rows is None else args.partner_rows
    name = (
        f"p{args.rows}-s{args.seed}"
        if listed == args.rows
        else f"p{args.rows}-l{listed}-s{args.seed}"
    )
    root = write_project(DATA / name, args.rows, args.seed, listed)
    src = BENCH_DIR.parent / "src"
    env_path = f"{src}:{os.environ.get('PYTHONPATH', '')}"
    env = {**os.environ, "PYTHONPATH": env_path}

    def run(mode: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), mode],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"{mode} failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    print(f"inputs: {listed:,} partner rows + {args.rows:,} headcount rows ({root})")
    read = run("read")
    peak_mb = read["peak_kb"] / 1024
    verdict = "met" if peak_mb < GOAL_MB else "NOT met"
    print(
        f"read + ingest + validate: {read['seconds']:.1f} s wall, {read['cpu']:.1f} s CPU, "
        f"peak RSS {peak_mb:.0f} MB (goal < {GOAL_MB} MB: {verdict})"
    )
    if not args.full:
        return
    figures = run("build")
    peak_mb = figures["peak_kb"] / 1024
    page = root / "out" / "quality.html"
    kind = (
        "rebuild: resolve carries the previous out/ over" if figures["rebuild"] else "first build"
    )
    print(f"whole build ({kind}): {figures['seconds']:.1f} s wall, {figures['cpu']:.1f} s CPU")
    verdict = "met" if peak_mb < GOAL_MB else "NOT met"
    print(f"peak RSS: {peak_mb:.0f} MB (goal < {GOAL_MB} MB: {verdict})")
    print(f"quality.html: {page.stat().st_size / 1e6:.1f} MB")
    print("stages (s):", ", ".join(f"{k} {v:.1f}" for k, v in figures["timings"].items()))
    peaks = figures["stage_peaks_kb"].items()
    print("peak RSS per stage (MB, VmRSS every 0.2 s):",
          ", ".join(f"{k} {v / 1024:.0f}" for k, v in peaks))  # fmt: skip
    for row in figures["reconciliation"]:
        print(
            f"  {row['file']}: read {row['rows_read']:,} = integrated {row['integrated']:,} + "
            f"merged {row['merged']:,} + rejected {row['rejected']:,}; balanced {row['balanced']}"
        )


if __name__ == "__main__":
    main()
