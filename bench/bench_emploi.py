"""Benchmark: the 'emploi' chapter on a national-scale synthetic SIRENE register.

Prints figures; asserts nothing about time. In one run it

1. makes sure the synthetic register exists for ``--rows`` establishments under ``bench/data/``
   (generated once with ``gen_sirene_scale.py``, reused afterwards; with ``--csv`` also the
   establishments as CSV);
2. writes a barometer project (``healthradar.toml``, region "FR", vintage 2024, no partner lists,
   no headcounts) pointing at those files, checks it with ``load_config`` and hashes the register
   once into the project's hash cache (a per-file cost, like the CSV cache, not a per-build one);
3. measures the pipeline (preflight + ingest, validate, resolve, enrich, classify, indicators;
   no publish) on each ``--engine`` (DuckDB, Spark in ``local[2]``), each run in a fresh
   interpreter: wall time after imports and after the engine started (the Spark session's
   start-up is reported on its own), per-stage timings, peak RSS (and the JVM's on Spark);
4. measures a raw DuckDB baseline in another fresh interpreter: one hand-written aggregate of the
   same chapter (core NAF × département × tranche, active establishments) over the same parquet;
   every engine's ratio is its pipeline time over this one baseline;
5. with ``--csv``: DuckDB's own CSV → parquet conversion of the establishments CSV versus the
   pipeline's register ingest of that CSV on DuckDB (cold: its parquet cache is deleted first).

Usage::

    make bench                                    # 4 M rows, DuckDB and Spark side by side
    .venv/bin/python bench/bench_emploi.py --rows 40000000 --repeat 3 --stat median
    .venv/bin/python bench/bench_emploi.py --rows 40000000 --csv --engine duckdb

Everything generated (register files, projects, warehouses, caches, results JSON) lives under
``bench/data/`` (git-ignored). Temporary warehouses are deleted after each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _report  # bench/ is not a package: its helpers are found beside the script

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
STAGES_SCRIPT = BENCH_DIR / "_stages.py"
DEFAULT_DATA = BENCH_DIR / "data"
DEFAULT_GENERATOR = Path(
    os.environ.get("HEALTHRADAR_SIRENE_GEN", "/work/shared/tools/gen_sirene_scale.py")
)


ENGINES = ("duckdb", "spark")
# Above this many rows `--engine` defaults to DuckDB alone: the national run is DuckDB's.
BOTH_ENGINES_MAX_ROWS = 4_000_000


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def register_paths(data_dir: Path, rows: int) -> dict[str, Path]:
    est = data_dir / f"StockEtablissement_synth_{rows}.parquet"
    return {
        "establishments": est,
        "legal_units": data_dir / f"StockUniteLegale_synth_{rows}.parquet",
        "csv": est.with_suffix(".csv"),
    }


def ensure_data(data_dir: Path, rows: int, want_csv: bool, generator: Path) -> dict[str, Path]:
    """Generate the synthetic register once (atomically: staged, then moved into place)."""
    paths = register_paths(data_dir, rows)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (paths["establishments"].is_file() and paths["legal_units"].is_file()):
        if not generator.is_file():
            sys.exit(f"generator not found: {generator} (set HEALTHRADAR_SIRENE_GEN)")
        staging = data_dir / f".gen-{rows}"
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [sys.executable, str(generator), "--rows", str(rows), "--out-dir", str(staging)]
        if want_csv:
            cmd.append("--csv")
        print(f"generating {rows:,} rows: {' '.join(cmd)}", flush=True)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=staging.parent)
        for key in ("establishments", "legal_units", "csv"):
            src = staging / paths[key].name
            if src.is_file():
                src.replace(paths[key])
        shutil.rmtree(staging, ignore_errors=True)
        print(f"generated in {time.perf_counter() - start:,.1f} s", flush=True)
    if want_csv and not paths["csv"].is_file():
        # Same statement as the generator's --csv, without regenerating the parquet.
        import duckdb

        part = paths["csv"].with_name(paths["csv"].name + ".part")
        print(f"writing {paths['csv'].name} from the parquet …", flush=True)
        start = time.perf_counter()
        con = duckdb.connect(config={"temp_directory": str(data_dir / "tmp")})
        con.execute(
            f"COPY (SELECT * FROM read_parquet({_lit(str(paths['establishments']))})) "
            f"TO {_lit(str(part))} (FORMAT csv, HEADER true)"
        )
        con.close()
        part.replace(paths["csv"])
        print(f"written in {time.perf_counter() - start:,.1f} s", flush=True)
    for key in ("establishments", "legal_units", *(("csv",) if want_csv else ())):
        size = paths[key].stat().st_size / 1e6
        print(f"  {key:<15} {paths[key].relative_to(ROOT)}  {size:,.0f} MB")
    return paths


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_project(
    project: Path,
    establishments: Path,
    legal_units: Path,
    memory_limit: str,
    threads: int,
    spark_master: str,
) -> Path:
    """A barometer project over the whole of France, register only; validated by load_config."""
    from healthradar.config import load_config

    project.mkdir(parents=True, exist_ok=True)
    (project / "healthradar.toml").write_text(
        f"""\
# Written by bench/bench_emploi.py: the register is the only input (partner lists and
# headcounts are small; the register is what scales).
[project]
name = "Bench emploi"
region = "FR"
vintage = 2024
synthetic = true

[inputs.register]
establishments = {_toml_str(str(establishments))}
legal_units = {_toml_str(str(legal_units))}

[engine]
memory_limit = {_toml_str(memory_limit)}
threads = {int(threads)}
spark_master = {_toml_str(spark_master)}
""",
        encoding="utf-8",
    )
    config, _ = load_config(project)
    assert config.project.region == "FR" and not config.inputs.partners
    return project


def prime_hash_cache(project: Path, files: list[Path]) -> float:
    """Hash the register into the project's cache, as the first build on these files would."""
    from healthradar.ingest.fingerprints import file_sha256
    from healthradar.pipeline import WORK_DIR

    cache = project / WORK_DIR / "hash-cache.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path in files:
        file_sha256(path, cache)
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# Measurements (each in a fresh interpreter)
# --------------------------------------------------------------------------------------------


def measure(spec: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    tmp = data_dir / "tmp" / f"{spec['mode']}-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir(parents=True)
    spec = {**spec, "tmp_dir": str(tmp)}
    if spec["mode"] == "csv_copy":
        spec["out"] = str(tmp / "x.parquet")
    try:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(STAGES_SCRIPT), json.dumps(spec)],
            cwd=tmp,  # any stray DuckDB spill directory lands here
            stdout=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stdout)
            sys.exit(f"{spec['mode']} failed with exit code {proc.returncode}")
        line = next(x for x in proc.stdout.splitlines() if x.startswith("BENCH_RESULT "))
        result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
        result["process_wall_s"] = wall
        result["loadavg_1min"] = os.getloadavg()[0]  # other work on the machine skews timings
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def warm_page_cache(paths: list[Path]) -> None:
    """Read the files once so that the first measured run does not pay the cold disk."""
    for path in paths:
        with path.open("rb") as fh:
            while fh.read(1 << 24):
                pass


def engines_of(choice: str | None, rows: int) -> tuple[str, ...]:
    if choice is None:
        choice = "both" if rows <= BOTH_ENGINES_MAX_ROWS else "duckdb"
    return ENGINES if choice == "both" else (choice,)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=4_000_000, help="establishments (40000000: FR)")
    ap.add_argument(
        "--engine",
        choices=(*ENGINES, "both"),
        default=None,
        help=f"pipeline engine(s); default: both up to {BOTH_ENGINES_MAX_ROWS:,} rows, else duckdb",
    )
    ap.add_argument("--csv", action="store_true", help="also measure the CSV ingest (DuckDB)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    ap.add_argument("--stat", choices=("best", "median"), default="best")
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit (both sides)")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = default")
    ap.add_argument("--spark-master", default="local[2]", help="Spark master of the Spark runs")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    ap.add_argument(
        "--queries", action="store_true", help="also time each warehouse call of the stages"
    )
    ap.add_argument("--no-warm", action="store_true", help="skip reading the files beforehand")
    ap.add_argument(
        "--scope-cache",
        choices=("cold", "warm", "both"),
        default="both",
        help="builds without (first build) / with (rebuild) the cached register scope counts",
    )
    args = ap.parse_args(argv)
    data_dir: Path = args.data_dir.resolve()
    engines = engines_of(args.engine, args.rows)

    info = _report.machine_info(engines)
    print(
        f"machine: {info['nproc']} cpu ({info['cpu']}), {info['ram_gb']} GB RAM; "
        f"python {info['python']}, duckdb {info['duckdb']}, ibis {info['ibis']}"
        + (f", pyspark {info['pyspark']} ({info['java']})" if "spark" in engines else "")
        + f", healthradar {info['healthradar']} ({info['healthradar_path']})"
    )
    print(
        f"settings: rows={args.rows:,} engines={','.join(engines)} "
        f"memory_limit={args.memory_limit} threads={args.threads or 'default'} "
        f"spark_master={args.spark_master} repeat={args.repeat} stat={args.stat}"
    )
    paths = ensure_data(data_dir, args.rows, args.csv, args.generator)
    projects = data_dir / "projects"
    settings = (args.memory_limit, args.threads, args.spark_master)
    project = write_project(
        projects / f"fr-{args.rows}-parquet",
        paths["establishments"],
        paths["legal_units"],
        *settings,
    )
    hashed = prime_hash_cache(project, [paths["establishments"], paths["legal_units"]])
    print(
        f"project: {project.relative_to(ROOT)}/healthradar.toml (validated); register hashed "
        f"into its cache in {hashed:.1f} s (once per file version, not timed below)"
    )
    if not args.no_warm:
        warm_page_cache([paths["establishments"], paths["legal_units"]])

    common = {
        "memory_limit": args.memory_limit,
        "threads": args.threads,
        "spark_master": args.spark_master,
        "queries": args.queries,
    }
    scope_cache = project / ".healthradar" / "cache" / "scope-counts.json"
    caches = ("cold", "warm") if args.scope_cache == "both" else (args.scope_cache,)
    variants = [(e, c) for e in engines for c in caches]
    pipe_runs: dict[str, list[dict[str, Any]]] = {f"{e} {c}": [] for e, c in variants}
    base_runs: list[dict[str, Any]] = []
    for k in range(args.repeat):
        for engine, cache in variants:
            spec = {
                "mode": "pipeline",
                "engine": engine,
                "project": str(project),
                "scope_cache_file": str(scope_cache),
                **common,
            }
            if cache == "cold":
                scope_cache.unlink(missing_ok=True)
            elif not scope_cache.is_file():  # warm alone: a first, unmeasured build writes it
                measure(spec, data_dir)
            pipe_runs[f"{engine} {cache}"].append(measure(spec, data_dir))
        base_spec = {"mode": "baseline", "parquet": str(paths["establishments"]), **common}
        base_runs.append(measure(base_spec, data_dir))
        done = "; ".join(
            f"{e} {pipe_runs[e][-1]['seconds']:.2f} s (+{pipe_runs[e][-1]['engine_start_s']:.2f}"
            f" s start, peak {_report.peak_mb(pipe_runs[e][-1]):,.0f} MB)"
            for e in pipe_runs
        )
        print(
            f"  run {k + 1}/{args.repeat}: {done}; baseline {base_runs[-1]['seconds']:.2f} s "
            f"(peak {base_runs[-1]['rss_peak_mb']:,.0f} MB); "
            f"load {base_runs[-1]['loadavg_1min']:.1f}",
            flush=True,
        )

    csv_runs: list[dict[str, Any]] = []
    csv_pipe_runs: list[dict[str, Any]] = []
    if args.csv:
        csv_project = write_project(
            projects / f"fr-{args.rows}-csv", paths["csv"], paths["legal_units"], *settings
        )
        prime_hash_cache(csv_project, [paths["csv"], paths["legal_units"]])
        cache = csv_project / ".healthradar" / "cache"
        if not args.no_warm:
            warm_page_cache([paths["csv"]])
        for k in range(args.repeat):
            csv_runs.append(
                measure({"mode": "csv_copy", "csv": str(paths["csv"]), **common}, data_dir)
            )
            shutil.rmtree(cache, ignore_errors=True)  # cold: the pipeline converts again
            spec = {
                "mode": "pipeline",
                "engine": "duckdb",
                "project": str(csv_project),
                "scope_cache_file": str(cache / "scope-counts.json"),
                **common,
            }
            run = measure(spec, data_dir)
            run["csv_ingest_s"] = run["stages"]["preflight"] + run["stages"]["ingest"]
            csv_pipe_runs.append(run)
            print(
                f"  csv run {k + 1}/{args.repeat}: duckdb csv->parquet "
                f"{csv_runs[-1]['seconds']:.2f} s, pipeline csv ingest "
                f"{run['csv_ingest_s']:.2f} s (whole pipeline {run['seconds']:.2f} s)",
                flush=True,
            )

    _report.report(args, info, paths, pipe_runs, base_runs, csv_runs, csv_pipe_runs, data_dir)


if __name__ == "__main__":
    main()
