"""Benchmark: entity resolution of partner rows against the register, on labelled data.

Prints figures; asserts nothing. In one run it

1. makes sure the synthetic register exists (``gen_sirene_scale.py``, under ``bench/data/``),
   derives the benchmark register from it and writes a project whose partner list carries the
   noise of real lists and a truth file (``resolve_data.py``, written without the matcher);
2. builds the project with ``healthradar.pipeline.build`` in a fresh interpreter (seconds after
   imports, peak RSS) and scores ``out/exports/resolution.csv`` against the truth;
3. scores, on the same rows, a naive baseline computed here in DuckDB (exact folded name within
   the communes the postcode, else the city, designates; exact name nationally, when unique, for
   a row with neither) and the SIREN as given (valid and in the register), as the tool did
   before the resolve stage.

Usage::

    .venv/bin/python bench/bench_resolve.py                     # 3,300 rows, 400 k register
    .venv/bin/python bench/bench_resolve.py --national          # 20,000 rows, 40 M register
    .venv/bin/python bench/bench_resolve.py --baseline-only     # generator + baseline alone
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resolve_data  # bench/ is not a package

BENCH_DIR = Path(__file__).resolve().parent
DATA = BENCH_DIR / "data"
GENERATOR = Path(os.environ.get("HEALTHRADAR_SIRENE_GEN", "/work/shared/tools/gen_sirene_scale.py"))
AUTOMATIC = ("exact", "matched")
DECISIONS = ("exact", "matched", "review", "unmatched", "merged", "rejected")


def register_files(spec: str, generate: bool) -> tuple[Path, Path]:
    """`spec` is a row count (files under bench/data/, generated if allowed) or a file path."""
    if not spec.isdigit():
        est = Path(spec)
        return est, est.with_name(est.name.replace("StockEtablissement", "StockUniteLegale"))
    est = DATA / f"StockEtablissement_synth_{spec}.parquet"
    ul = DATA / f"StockUniteLegale_synth_{spec}.parquet"
    if not (est.is_file() and ul.is_file()):
        if not generate:
            sys.exit(f"{est.name} is absent: pass --generate to create it ({spec} rows)")
        staging = DATA / f".gen-{spec}"
        staging.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(GENERATOR), "--rows", spec, "--out-dir", str(staging)]
        print("generating:", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        for path in (est, ul):
            (staging / path.name).replace(path)
        staging.rmdir()
    return est, ul


def prepare(args: argparse.Namespace) -> Path:
    small = args.register.isdigit() and int(args.register) <= 4_000_000
    est, ul = register_files(args.register, args.generate or small)
    tag = args.register if args.register.isdigit() else Path(args.register).stem
    start = time.perf_counter()
    # one derived register per seed: runs of two seeds (or two engineers) never rewrite each
    # other's register under a project built on it
    est2, ul2 = resolve_data.derive_register(
        est, ul, DATA / "resolve" / f"register-{tag}-s{args.seed}", args.seed
    )
    project = DATA / "resolve" / "projects" / f"r{tag}-p{args.rows}-s{args.seed}"
    resolve_data.write_partners(
        project, est2, ul2, est2.with_name("pairs.parquet"), args.rows, args.absent, args.seed,
        args.encoding,
    )  # fmt: skip
    resolve_data.write_project(project, est2, ul2)
    print(f"data ready in {time.perf_counter() - start:,.1f} s: {project}", flush=True)
    return project


# --------------------------------------------------------------------------------------------
# What runs in a fresh interpreter
# --------------------------------------------------------------------------------------------


def child(mode: str, project: Path) -> None:
    start = time.perf_counter()
    result: dict[str, Any] = {}
    if mode == "build":
        import logging

        from healthradar.pipeline import build

        # the resolve stage logs the seconds of each step: where the time goes
        logging.basicConfig(level=logging.WARNING, format="  %(name)s %(message)s")
        logging.getLogger("healthradar.resolve").setLevel(logging.INFO)

        build(project)
    else:
        result["decisions"] = naive_baseline(project)
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = peak_rss_mb()
    print("BENCH_RESULT " + json.dumps(result))


def peak_rss_mb() -> float:
    """Peak RSS of this process in MB: `VmHWM`, not `ru_maxrss`, which Linux carries over
    fork + exec (the child would report the driver's peak after it derived the register)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


def run_child(mode: str, project: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, str(project)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    for line in proc.stderr.splitlines():
        if line.startswith("  healthradar.resolve"):
            print(line, flush=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
        return {"error": f"{mode} failed (exit {proc.returncode}):\n{tail}"}
    line = next(x for x in proc.stdout.splitlines() if x.startswith("BENCH_RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
    # Linux reports kB; the maximum over every child waited for so far (build runs last).
    result["children_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000
    return result


def naive_baseline(project: Path) -> dict[str, str]:
    """line -> SIREN when one company has exactly the folded name in the row's communes."""
    import duckdb
    import pyarrow as pa

    from healthradar.reference import read_reference_table

    reg = register_of(project)
    rows = read_partners(project / "inputs" / "partenaires.csv")
    con = duckdb.connect()
    con.register("partners", pa.Table.from_pylist(rows))
    con.register("cog", read_reference_table("ref_communes"))
    fold = "trim(regexp_replace(strip_accents(lower({})), '[^a-z0-9]+', ' ', 'g'))".format
    est, ul = reg["establishments"].replace("'", "''"), reg["legal_units"].replace("'", "''")
    found = con.sql(f"""
WITH p AS (SELECT line, {fold("name")} AS fn, trim(postcode) AS pc, {fold("city")} AS fc
           FROM partners),
places AS (SELECT p.line, c.code_insee FROM p JOIN cog c
             ON list_contains(string_split(c.codes_postaux, '|'), p.pc) WHERE p.pc <> ''
           UNION ALL
           SELECT p.line, c.code_insee FROM p JOIN cog c ON {fold("c.nom")} = p.fc
           WHERE p.pc = '' AND p.fc <> ''),
names AS (SELECT p.line, u.siren FROM p JOIN read_parquet('{ul}') u
            ON {fold("u.denominationUniteLegale")} = p.fn),
local AS (SELECT DISTINCT n.line, n.siren FROM names n JOIN places USING (line)
          JOIN read_parquet('{est}') e
            ON e.siren = n.siren AND e.codeCommuneEtablissement = places.code_insee),
national AS (SELECT DISTINCT line, siren FROM names ANTI JOIN places USING (line))
SELECT line, min(siren) FROM (SELECT * FROM local UNION ALL SELECT * FROM national)
GROUP BY line HAVING count(DISTINCT siren) = 1""").fetchall()
    return {str(line): siren for line, siren in found}


def register_of(project: Path) -> dict[str, str]:
    with (project / "healthradar.toml").open("rb") as f:
        return dict(tomllib.load(f)["inputs"]["register"])


def read_partners(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.reader(text.splitlines(), delimiter=";")
    next(reader)
    keys = ("name", "siren", "city", "postcode", "filiere")
    return [{"line": i, **dict(zip(keys, r, strict=True))} for i, r in enumerate(reader, start=2)]


def siren_as_given(project: Path) -> dict[str, str]:
    """line -> SIREN for a Luhn-valid SIREN (or SIRET's first 9 digits) held by the register."""
    import duckdb

    given = {}
    for r in read_partners(project / "inputs" / "partenaires.csv"):
        digits = "".join(ch for ch in r["siren"] if ch.isdigit())
        if len(digits) in (9, 14) and resolve_data.luhn_ok(digits):
            given[str(r["line"])] = digits[:9]
    ul = register_of(project)["legal_units"].replace("'", "''")
    known = {s for (s,) in duckdb.execute(f"SELECT siren FROM read_parquet('{ul}')").fetchall()}
    return {line: s for line, s in given.items() if s in known}


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def read_resolution(project: Path) -> tuple[dict[str, str], set[str], list[str]]:
    """Automatic links, rows sent to review, and problems with the file itself."""
    path = project / "out" / "exports" / "resolution.csv"
    if not path.is_file():
        sys.exit(
            f"{path} not found: the build ran but wrote no resolution.csv — the resolve stage of "
            "issue 8 has not landed yet (the baseline figures above do not need it)."
        )
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["input"] == "bench"]
    problems, auto, review = [], {}, set()
    seen = Counter(r["line"] for r in rows)
    if twice := [k for k, n in seen.items() if n > 1]:
        problems.append(f"{len(twice)} lines appear more than once")
    for r in rows:
        if r["decision"] not in DECISIONS:
            problems.append(f"line {r['line']}: unknown decision {r['decision']!r}")
        elif r["decision"] in AUTOMATIC or (r["decision"] == "merged" and r["siren"]):
            auto[r["line"]] = r["siren"]
        elif r["decision"] == "review":
            review.add(r["line"])
        elif r["decision"] == "merged":
            auto[r["line"]] = "merged-without-siren"
    return auto, review, [*problems, f"{len(seen)} of the list's lines in resolution.csv"]


def score(truth: list[dict[str, str]], auto: dict[str, str], review: set[str]) -> dict[str, Any]:
    rows = [t for t in truth if auto.get(t["line"]) != "merged-without-siren"]
    present = [t for t in rows if t["true_siren"]]
    absent = [t for t in rows if not t["true_siren"]]
    linked = [t for t in rows if t["line"] in auto]
    right = [t for t in linked if auto[t["line"]] == t["true_siren"]]
    kinds = Counter(k for t in present for k in t["kinds"].split("|") if k)
    by_kind = {
        k: {
            "rows": n,
            "recall": sum(1 for t in right if k in t["kinds"].split("|")) / n,
            "wrong": sum(1 for t in linked if k in t["kinds"].split("|") and t not in right),
        }
        for k, n in sorted(kinds.items())
    }
    return {
        "rows": len(rows),
        "ignored_merged": len(truth) - len(rows),
        "precision": len(right) / len(linked) if linked else float("nan"),
        "recall": len(right) / len(present),
        "review_share": sum(1 for t in rows if t["line"] in review) / len(rows),
        "absent_matched": sum(1 for t in absent if t["line"] in auto) / max(1, len(absent)),
        "wrong": len(linked) - len(right),
        "by_kind": by_kind,
    }


def show(label: str, s: dict[str, Any], run: dict[str, Any] | None = None) -> None:
    extra = f"  {run['seconds']:8.1f} s  {run['peak_mb']:8,.0f} MB" if run else ""
    print(
        f"{label:<16} P {s['precision']:.4f}  R {s['recall']:.4f}  review {s['review_share']:.3f}"
        f"  absent matched {s['absent_matched']:.3f}  wrong {s['wrong']:>4}{extra}"
        + (
            f"  ({s['ignored_merged']} merged rows without SIREN ignored)"
            * bool(s["ignored_merged"])
        )
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="partner rows (default 3,300)")
    ap.add_argument("--absent", type=int, default=None, help="absent companies (default rows/11)")
    ap.add_argument("--register", default=None, help="row count or StockEtablissement path")
    ap.add_argument("--national", action="store_true", help="20,000 rows, 40 M register")
    ap.add_argument("--generate", action="store_true", help="generate a missing large register")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--encoding", default="cp1252", choices=("cp1252", "utf-8"))
    ap.add_argument("--baseline-only", action="store_true", help="do not build the project")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PROJECT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child[0], Path(args.child[1]))
    args.rows = args.rows or (20_000 if args.national else 3_300)
    args.absent = args.absent if args.absent is not None else round(args.rows / 11)
    args.register = args.register or ("40000000" if args.national else "400000")
    project = prepare(args)
    with (project / "truth.csv").open(encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    print(f"{len(truth):,} rows, {sum(not t['true_siren'] for t in truth):,} absent")
    results: dict[str, Any] = {"args": vars(args), "project": str(project)}
    base = run_child("baseline", project)
    if "error" in base:
        sys.exit(base["error"])
    results["baseline"] = score(truth, base.pop("decisions"), set()) | base
    results["siren_as_given"] = score(truth, siren_as_given(project), set())
    show("naive baseline", results["baseline"], base)
    show("SIREN as given", results["siren_as_given"])
    if not args.baseline_only:
        # A fresh build: the previous one's out/ would be carried over (rule previous_build),
        # which measures the carry-over path, not the matcher.
        shutil.rmtree(project / "out", ignore_errors=True)
        shutil.rmtree(project / ".healthradar", ignore_errors=True)
        run = run_child("build", project)
        if "error" in run:
            sys.exit(run["error"])
        auto, review, problems = read_resolution(project)
        results["pipeline"] = score(truth, auto, review) | run | {"problems": problems}
        show("pipeline", results["pipeline"], run)
        print("  " + "; ".join(problems))
    print(f"\n{'kind':<22}{'rows':>6}{'baseline R':>12}" + ("  pipeline R  wrong" * (
        "pipeline" in results)))  # fmt: skip
    for kind, k in results["baseline"]["by_kind"].items():
        p = results.get("pipeline", {}).get("by_kind", {}).get(kind)
        tail = f"{p['recall']:>12.3f}{p['wrong']:>7}" if p else ""
        print(f"{kind:<22}{k['rows']:>6}{k['recall']:>12.3f}{tail}")
    out = DATA / f"results-resolve-{Path(project).name}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()
