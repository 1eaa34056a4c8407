"""Benchmark: the 'emploi' chapter on a national-scale synthetic SIRENE register.

Prints figures; asserts nothing about time. In one run it

1. makes sure the synthetic register exists for ``--rows`` establishments under ``bench/data/``
   (generated once with ``gen_sirene_scale.py``, reused afterwards; with ``--csv`` also the
   establishments as CSV);
2. writes a barometer project (``healthradar.toml``, region "FR", vintage 2024, no partner lists,
   no headcounts) pointing at those files and checks it with ``load_config``;
3. measures the pipeline (preflight + ingest, validate, resolve, enrich, classify, indicators;
   no publish) in a fresh interpreter: wall time after imports, per-stage timings, peak RSS;
4. measures a raw DuckDB baseline in another fresh interpreter: one hand-written aggregate of the
   same chapter (core NAF × département × tranche, active establishments) over the same parquet;
5. with ``--csv``: DuckDB's own CSV → parquet conversion of the establishments CSV versus the
   pipeline's register ingest of that CSV (cold: its parquet cache is deleted first).

Usage::

    make bench                                              # 4 M rows, parquet
    .venv/bin/python bench/bench_emploi.py --rows 40000000 --csv
    .venv/bin/python bench/bench_emploi.py --rows 4000000 --repeat 3 --stat median

Everything generated (register files, projects, warehouses, caches, results JSON) lives under
``bench/data/`` (git-ignored). Temporary warehouses are deleted after each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
STAGES_SCRIPT = BENCH_DIR / "_stages.py"
DEFAULT_DATA = BENCH_DIR / "data"
DEFAULT_GENERATOR = Path(
    os.environ.get("HEALTHRADAR_SIRENE_GEN", "/work/shared/tools/gen_sirene_scale.py")
)

TARGET_RATIO = 3.0  # pipeline / raw DuckDB baseline
TARGET_RSS_MB = 4000.0  # peak RSS of the pipeline process at national scale
TARGET_CSV_RATIO = 1.5  # pipeline CSV ingest / DuckDB CSV -> parquet

STAGE_ORDER = (
    "preflight",
    "ingest",
    "validate",
    "resolve",
    "enrich",
    "classify",
    "indicators",
)


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
    project: Path, establishments: Path, legal_units: Path, memory_limit: str, threads: int
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
""",
        encoding="utf-8",
    )
    config, _ = load_config(project)
    assert config.project.region == "FR" and not config.inputs.partners
    return project


# --------------------------------------------------------------------------------------------
# Measurements (each in a fresh interpreter)
# --------------------------------------------------------------------------------------------


def measure(spec: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    tmp = data_dir / "tmp" / f"{spec['mode']}-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir(parents=True)
    spec = {**spec, "tmp_dir": str(tmp), "warehouse": str(tmp / "warehouse.duckdb")}
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
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def warm_page_cache(paths: list[Path]) -> None:
    """Read the files once so that the first measured run does not pay the cold disk."""
    for path in paths:
        with path.open("rb") as fh:
            while fh.read(1 << 24):
                pass


def reduce(values: list[float], stat: str) -> float:
    return min(values) if stat == "best" else statistics.median(values)


def pick(runs: list[dict[str, Any]], stat: str) -> dict[str, Any]:
    """The run whose time is the chosen statistic (best, or the median run)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[0] if stat == "best" else ordered[(len(ordered) - 1) // 2]


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    import duckdb

    import healthradar

    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": round(mem_kb * 1024 / 1e9, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "healthradar": healthradar.__version__,
        "platform": platform.platform(),
    }


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = " | ".join(f"{{:>{w}}}" for w in widths)
    sep = "-+-".join("-" * w for w in widths)
    return "\n".join([fmt.format(*headers), sep, *(fmt.format(*r) for r in rows)])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=4_000_000, help="establishments (40000000: FR)")
    ap.add_argument("--csv", action="store_true", help="also measure the CSV ingest")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    ap.add_argument("--stat", choices=("best", "median"), default="best")
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit (both sides)")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads, 0 = default")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    ap.add_argument(
        "--queries", action="store_true", help="also time each table the stages materialise"
    )
    ap.add_argument("--no-warm", action="store_true", help="skip reading the files beforehand")
    args = ap.parse_args(argv)
    data_dir: Path = args.data_dir.resolve()

    info = machine_info()
    print(
        f"machine: {info['nproc']} cpu ({info['cpu']}), {info['ram_gb']} GB RAM; "
        f"python {info['python']}, duckdb {info['duckdb']}, healthradar {info['healthradar']}"
    )
    print(
        f"settings: rows={args.rows:,} memory_limit={args.memory_limit} "
        f"threads={args.threads or 'default'} repeat={args.repeat} stat={args.stat}"
    )
    paths = ensure_data(data_dir, args.rows, args.csv, args.generator)
    projects = data_dir / "projects"
    project = write_project(
        projects / f"fr-{args.rows}-parquet",
        paths["establishments"],
        paths["legal_units"],
        args.memory_limit,
        args.threads,
    )
    print(f"project: {project.relative_to(ROOT)}/healthradar.toml (validated)")
    if not args.no_warm:
        warm_page_cache([paths["establishments"], paths["legal_units"]])

    common = {"memory_limit": args.memory_limit, "threads": args.threads, "queries": args.queries}
    pipe_runs: list[dict[str, Any]] = []
    base_runs: list[dict[str, Any]] = []
    for k in range(args.repeat):
        pipe_runs.append(measure({"mode": "pipeline", "project": str(project), **common}, data_dir))
        base_runs.append(
            measure(
                {"mode": "baseline", "parquet": str(paths["establishments"]), **common}, data_dir
            )
        )
        print(
            f"  run {k + 1}/{args.repeat}: pipeline {pipe_runs[-1]['seconds']:.2f} s "
            f"(peak {pipe_runs[-1]['rss_peak_mb']:,.0f} MB), baseline "
            f"{base_runs[-1]['seconds']:.2f} s (peak {base_runs[-1]['rss_peak_mb']:,.0f} MB)",
            flush=True,
        )

    csv_runs: list[dict[str, Any]] = []
    csv_pipe_runs: list[dict[str, Any]] = []
    if args.csv:
        csv_project = write_project(
            projects / f"fr-{args.rows}-csv",
            paths["csv"],
            paths["legal_units"],
            args.memory_limit,
            args.threads,
        )
        cache = csv_project / ".healthradar" / "cache"
        if not args.no_warm:
            warm_page_cache([paths["csv"]])
        for k in range(args.repeat):
            csv_runs.append(
                measure({"mode": "csv_copy", "csv": str(paths["csv"]), **common}, data_dir)
            )
            shutil.rmtree(cache, ignore_errors=True)  # cold: the pipeline converts again
            run = measure({"mode": "pipeline", "project": str(csv_project), **common}, data_dir)
            run["csv_ingest_s"] = run["stages"]["preflight"] + run["stages"]["ingest"]
            csv_pipe_runs.append(run)
            print(
                f"  csv run {k + 1}/{args.repeat}: duckdb csv->parquet "
                f"{csv_runs[-1]['seconds']:.2f} s, pipeline csv ingest "
                f"{run['csv_ingest_s']:.2f} s (whole pipeline {run['seconds']:.2f} s)",
                flush=True,
            )

    report(args, info, paths, pipe_runs, base_runs, csv_runs, csv_pipe_runs, data_dir)


def report(
    args: argparse.Namespace,
    info: dict[str, Any],
    paths: dict[str, Path],
    pipe_runs: list[dict[str, Any]],
    base_runs: list[dict[str, Any]],
    csv_runs: list[dict[str, Any]],
    csv_pipe_runs: list[dict[str, Any]],
    data_dir: Path,
) -> None:
    stat = args.stat
    pipe, base = pick(pipe_runs, stat), pick(base_runs, stat)
    p_s = reduce([r["seconds"] for r in pipe_runs], stat)
    b_s = reduce([r["seconds"] for r in base_runs], stat)
    p_rss = max(r["rss_peak_mb"] for r in pipe_runs)
    b_rss = max(r["rss_peak_mb"] for r in base_runs)

    print()
    print("== what the pipeline computed ==")
    counts = pipe["counts"]
    reg = counts.get("register", {})
    print(
        f"register rows {reg.get('rows', 0):,}; in France {reg.get('in_region', 0):,}; "
        f"active {reg.get('active_in_region', 0):,}; register_slice "
        f"{counts.get('enrich', {}).get('register_slice', 0):,}; "
        f"perimeter {pipe['perimeter_rows']:,} rows; {pipe['indicators']} indicators"
    )
    print("emploi.totals:")
    tot = pipe["emploi_totals"]
    print(
        table(
            ["perimetre", "establishments", "companies", "jobs", "jobs_low", "jobs_high"],
            [
                [
                    str(r["perimetre"]),
                    f"{r['establishments']:,}",
                    f"{r['companies']:,}",
                    f"{r['jobs']:,.1f}",
                    f"{r['jobs_low']:,.0f}",
                    f"{r['jobs_high']:,.0f}",
                ]
                for r in tot
            ],
        )
    )
    core = next((r for r in tot if r["perimetre"] == "core"), {"establishments": 0, "jobs": 0.0})
    same = core["establishments"] == base["establishments"] and abs(
        core["jobs"] - base["jobs"]
    ) < 1e-6 * max(1.0, base["jobs"])
    print(
        f"cross-check with the baseline: {base['establishments']:,} establishments, "
        f"{base['jobs']:,.1f} jobs in {base['cells']:,} NAF × département × tranche cells "
        f"-> {'same core totals' if same else 'DIFFERENT from the pipeline core totals'}"
    )

    print()
    print(f"== per-stage timings, pipeline ({stat} run, seconds) ==")
    stages = pipe["stages"]
    names = [s for s in STAGE_ORDER if s in stages] + [s for s in stages if s not in STAGE_ORDER]
    rows = [[s, f"{stages[s]:.2f}", f"{100 * stages[s] / pipe['seconds']:.0f}%"] for s in names]
    rows.append(["total", f"{pipe['seconds']:.2f}", "100%"])
    print(table(["stage", "s", "share"], rows))
    if pipe.get("queries"):
        print()
        print("== materialised tables, slowest first (same run) ==")
        slow = sorted(pipe["queries"], key=lambda q: -q[1])[:8]
        print(table(["table", "s", "rows"], [[q[0], f"{q[1]:.2f}", f"{q[2]:,}"] for q in slow]))
        enrich_tables = {"register_slice", "legal_units", "establishments"}
        rest = stages.get("enrich", 0.0) - sum(
            q[1] for q in pipe["queries"] if q[0] in enrich_tables
        )
        print(f"(enrich minus its three tables = register_scope_counts etc.: {rest:.2f} s)")
    if csv_pipe_runs:
        cp = pick(csv_pipe_runs, stat)
        print()
        print(f"== per-stage timings, pipeline on the CSV project, cold cache ({stat} run) ==")
        cst = cp["stages"]
        rows = [[s, f"{cst[s]:.2f}"] for s in STAGE_ORDER if s in cst]
        rows.append(["total", f"{cp['seconds']:.2f}"])
        print(table(["stage", "s"], rows))

    print()
    print(
        f"== summary: {info['nproc']} cpu, {info['ram_gb']} GB RAM, duckdb {info['duckdb']}, "
        f"memory_limit {args.memory_limit}, {stat} of {args.repeat} ==="
    )
    ratio = p_s / b_s if b_s else float("inf")
    print(
        table(
            ["rows", "pipeline s", "baseline s", "ratio", "pipeline peak MB", "baseline peak MB"],
            [
                [
                    f"{args.rows:,}",
                    f"{p_s:.2f}",
                    f"{b_s:.2f}",
                    f"{ratio:.1f}",
                    f"{p_rss:,.0f}",
                    f"{b_rss:,.0f}",
                ]
            ],
        )
    )
    print(
        f"targets: ratio <= {TARGET_RATIO:g}: {verdict(ratio <= TARGET_RATIO)}; pipeline peak "
        f"< {TARGET_RSS_MB:,.0f} MB: {verdict(p_rss < TARGET_RSS_MB)}  (RSS after imports: "
        f"pipeline {pipe['rss_after_imports_mb']:,.0f} MB, baseline "
        f"{base['rss_after_imports_mb']:,.0f} MB)"
    )
    csv_ratio = None
    if csv_runs:
        c_s = reduce([r["seconds"] for r in csv_runs], stat)
        ci_s = reduce([r["csv_ingest_s"] for r in csv_pipe_runs], stat)
        c_rss = max(r["rss_peak_mb"] for r in csv_runs)
        ci_rss = max(r["rss_peak_mb"] for r in csv_pipe_runs)
        csv_ratio = ci_s / c_s if c_s else float("inf")
        size = paths["csv"].stat().st_size / 1e9
        print()
        print(
            table(
                [
                    "csv rows",
                    "csv GB",
                    "duckdb csv->parquet s",
                    "pipeline csv ingest s",
                    "ratio",
                    "duckdb peak MB",
                    "pipeline peak MB",
                ],
                [
                    [
                        f"{args.rows:,}",
                        f"{size:.1f}",
                        f"{c_s:.2f}",
                        f"{ci_s:.2f}",
                        f"{csv_ratio:.2f}",
                        f"{c_rss:,.0f}",
                        f"{ci_rss:,.0f}",
                    ]
                ],
            )
        )
        print(
            "pipeline csv ingest = preflight (reads the CSV header) + ingest stage (CSV -> "
            f"parquet cache of the needed columns); target ratio <= {TARGET_CSV_RATIO:g}: "
            f"{verdict(csv_ratio <= TARGET_CSV_RATIO)}"
        )

    out = data_dir / f"results-{args.rows}{'-csv' if args.csv else ''}.json"
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "args": {k: str(v) for k, v in vars(args).items()},
                "pipeline": pipe_runs,
                "baseline": base_runs,
                "csv_copy": csv_runs,
                "csv_pipeline": csv_pipe_runs,
                "ratio": ratio,
                "csv_ratio": csv_ratio,
            },
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"\nall runs: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
