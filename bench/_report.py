"""The printed report of `bench_emploi.py` (and its results JSON): tables, checks, verdicts.

Split from the driver so that each stays readable; nothing here measures anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
from pathlib import Path
from typing import Any

TARGET_RATIO = 3.0  # pipeline / raw DuckDB baseline, at 40 M rows
TARGET_RSS_MB = 4000.0  # peak RSS of the pipeline (Python + JVM on Spark) at national scale
TARGET_CSV_RATIO = 1.5  # pipeline CSV ingest / DuckDB CSV -> parquet
STAGE_ORDER = ("preflight", "ingest", "validate", "resolve", "enrich", "classify", "indicators")
ROOT = Path(__file__).resolve().parent.parent


def machine_info(engines: tuple[str, ...]) -> dict[str, Any]:
    import duckdb
    import ibis

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
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "ram_gb": round(mem_kb * 1024 / 1e9, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "healthradar": healthradar.__version__,
        "healthradar_path": str(Path(healthradar.__file__).parent),
        "platform": platform.platform(),
    }
    if "spark" in engines:
        import pyspark

        info["pyspark"] = pyspark.__version__
        try:
            out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
            info["java"] = out.splitlines()[0].strip() if out else "?"
        except OSError:
            info["java"] = "java not found"
    return info


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = " | ".join(f"{{:>{w}}}" for w in widths)
    sep = "-+-".join("-" * w for w in widths)
    return "\n".join([fmt.format(*headers), sep, *(fmt.format(*r) for r in rows)])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def reduce(values: list[float], stat: str) -> float:
    return min(values) if stat == "best" else statistics.median(values)


def pick(runs: list[dict[str, Any]], stat: str) -> dict[str, Any]:
    """The run whose time is the chosen statistic (best, or the median run)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[0] if stat == "best" else ordered[(len(ordered) - 1) // 2]


def peak_mb(run: dict[str, Any]) -> float:
    """The pipeline's memory: the Python process, plus the JVM on Spark."""
    return float(run["rss_peak_mb"]) + float(run.get("jvm_peak_mb") or 0.0)


def same_totals(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """emploi.totals of two engines: counts exact, floats to 1e-9 (relative)."""
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        for key, va in ra.items():
            vb = rb.get(key)
            if isinstance(va, float) or isinstance(vb, float):
                if va is None or vb is None or abs(va - vb) > 1e-9 * max(1.0, abs(va)):
                    return False
            elif va != vb:
                return False
    return True


def _computed(engines: list[str], picked: dict[str, dict[str, Any]], base: dict[str, Any]) -> None:
    print("== what the pipeline computed ==")
    first = picked[engines[0]]
    counts = first["counts"]
    reg = counts.get("register", {})
    print(
        f"register rows {reg.get('rows', 0):,}; in France {reg.get('in_region', 0):,}; "
        f"active {reg.get('active_in_region', 0):,}; register_slice "
        f"{counts.get('enrich', {}).get('register_slice', 0):,}; "
        f"perimeter {first['perimeter_rows']:,} rows; {first['indicators']} indicators"
    )
    print(f"emploi.totals ({engines[0]}):")
    tot = first["emploi_totals"]
    headers = ["perimetre", "establishments", "companies", "jobs", "jobs_low", "jobs_high"]
    print(
        table(
            headers,
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
    for engine in engines:
        rows = picked[engine]["emploi_totals"]
        core = next((r for r in rows if r["perimetre"] == "core"), None) or {
            "establishments": 0,
            "jobs": 0.0,
        }
        same = core["establishments"] == base["establishments"] and abs(
            core["jobs"] - base["jobs"]
        ) < 1e-6 * max(1.0, base["jobs"])
        print(
            f"cross-check {engine} with the baseline ({base['establishments']:,} establishments, "
            f"{base['jobs']:,.1f} jobs in {base['cells']:,} NAF × département × tranche cells): "
            f"{'same core totals' if same else 'DIFFERENT core totals'}"
        )
    for engine in engines[1:]:
        same = same_totals(tot, picked[engine]["emploi_totals"])
        same_reg = picked[engine]["counts"].get("register") == reg
        print(
            f"emploi.totals {engines[0]} vs {engine}: {'identical' if same else 'DIFFERENT'}; "
            f"perimeter rows {first['perimeter_rows']:,} vs {picked[engine]['perimeter_rows']:,}; "
            f"register counts {'same' if same_reg else 'DIFFERENT'}"
        )


def _stages(engines: list[str], picked: dict[str, dict[str, Any]], stat: str) -> None:
    print(f"== per-stage timings ({stat} run of each engine, seconds) ==")
    names: list[str] = [s for s in STAGE_ORDER if any(s in picked[e]["stages"] for e in engines)]
    for e in engines:
        names += [s for s in picked[e]["stages"] if s not in names]
    rows = []
    for s in names:
        row = [s]
        for e in engines:
            v = picked[e]["stages"].get(s)
            share = f" ({100 * v / picked[e]['seconds']:.0f}%)" if v is not None else ""
            row.append(f"{v:.2f}{share}" if v is not None else "-")
        rows.append(row)
    rows.append(["pipeline", *(f"{picked[e]['seconds']:.2f}" for e in engines)])
    rows.append(["engine start (apart)", *(f"{picked[e]['engine_start_s']:.2f}" for e in engines)])
    print(table(["stage", *engines], rows))


def _queries(engine: str, run: dict[str, Any], limit: int = 12) -> None:
    queries = [q for q in run.get("queries") or [] if q["stage"] != "read-back"]
    if not queries:
        return
    print(f"== {engine}: warehouse calls, slowest first (same run; compile = Ibis → SQL) ==")
    slow = sorted(queries, key=lambda q: -q["s"])[:limit]
    print(
        table(
            ["stage", "call", "name", "compile s", "total s", "rows"],
            [
                [
                    q["stage"],
                    q["call"],
                    q["name"],
                    f"{q['compile_s']:.3f}",
                    f"{q['s']:.3f}",
                    "" if q["rows"] is None else f"{q['rows']:,}",
                ]
                for q in slow
            ],
        )
    )
    by_stage: dict[str, list[float]] = {}
    for q in queries:
        acc = by_stage.setdefault(q["stage"], [0.0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += q["compile_s"]
        acc[2] += q["s"]
    print(
        table(
            ["stage", "calls", "compile s", "calls s", "stage s", "outside calls s"],
            [
                [
                    s,
                    f"{int(v[0])}",
                    f"{v[1]:.3f}",
                    f"{v[2]:.3f}",
                    f"{run['stages'].get(s, 0.0):.3f}",
                    f"{run['stages'].get(s, 0.0) - v[2]:.3f}",
                ]
                for s, v in by_stage.items()
            ],
        )
    )


def report(
    args: argparse.Namespace,
    info: dict[str, Any],
    paths: dict[str, Path],
    pipe_runs: dict[str, list[dict[str, Any]]],
    base_runs: list[dict[str, Any]],
    csv_runs: list[dict[str, Any]],
    csv_pipe_runs: list[dict[str, Any]],
    data_dir: Path,
) -> None:
    stat = args.stat
    engines = list(pipe_runs)
    picked = {e: pick(runs, stat) for e, runs in pipe_runs.items()}
    base = pick(base_runs, stat)
    b_s = reduce([r["seconds"] for r in base_runs], stat)
    b_cpu = reduce([r["cpu_s"] for r in base_runs], stat)
    b_rss = max(r["rss_peak_mb"] for r in base_runs)

    print()
    _computed(engines, picked, base)
    print()
    _stages(engines, picked, stat)
    for e in engines:
        if picked[e].get("queries"):
            print()
            _queries(e, picked[e])
    if csv_pipe_runs:
        cp = pick(csv_pipe_runs, stat)
        print()
        print(f"== per-stage timings, DuckDB pipeline on the CSV project, cold cache ({stat}) ==")
        cst = cp["stages"]
        rows = [[s, f"{cst[s]:.2f}"] for s in STAGE_ORDER if s in cst]
        rows.append(["total", f"{cp['seconds']:.2f}"])
        print(table(["stage", "s"], rows))

    print()
    print(
        f"== summary: {info['nproc']} cpu, {info['ram_gb']} GB RAM, duckdb {info['duckdb']}, "
        f"memory_limit {args.memory_limit}, {stat} of {args.repeat} =="
    )
    ratios: dict[str, float] = {}
    rows = []
    for e in engines:
        p_s = reduce([r["seconds"] for r in pipe_runs[e]], stat)
        ratios[e] = p_s / b_s if b_s else float("inf")
        start_s = reduce([r["engine_start_s"] for r in pipe_runs[e]], stat)
        p_cpu = reduce([r["cpu_s"] + r.get("jvm_cpu_s", 0.0) for r in pipe_runs[e]], stat)
        py_peak = max(r["rss_peak_mb"] for r in pipe_runs[e])
        jvm_peak = max(float(r.get("jvm_peak_mb") or 0.0) for r in pipe_runs[e])
        rows.append(
            [
                e.replace("spark", f"spark {args.spark_master}"),
                str(picked[e].get("scope_cache", "?")),
                f"{args.rows:,}",
                f"{start_s:.2f}",
                f"{p_s:.2f}",
                f"{b_s:.2f}",
                f"{ratios[e]:.1f}",
                f"{p_cpu:.1f} / {b_cpu:.1f} = {p_cpu / b_cpu if b_cpu else float('inf'):.1f}",
                f"{py_peak:,.0f}",
                f"{jvm_peak:,.0f}" if e.startswith("spark") else "-",
                f"{b_rss:,.0f}",
            ]
        )
    print(
        table(
            [
                "engine",
                "scope counts",
                "rows",
                "start s",
                "pipeline s",
                "baseline s",
                "ratio",
                "cpu s: pipeline / baseline",
                "python peak MB",
                "JVM peak MB",
                "baseline peak MB",
            ],
            rows,
        )
    )
    print(
        "pipeline s excludes the engine start (JVM + Spark session; DuckDB: opening the file); "
        "ratio = pipeline s / raw DuckDB baseline s; cpu s = user + system seconds of the "
        "process (and of the JVM on Spark), steadier than wall time on a shared machine; scope "
        "counts: cold = counted over the register (first build of a file), warm = read from "
        "<project>/.healthradar/cache/scope-counts.json (a rebuild)"
    )
    for e in engines:
        peak = max(peak_mb(r) for r in pipe_runs[e])
        print(
            f"targets, {e}: ratio <= {TARGET_RATIO:g}: {verdict(ratios[e] <= TARGET_RATIO)}; "
            f"peak < {TARGET_RSS_MB:,.0f} MB: {verdict(peak < TARGET_RSS_MB)} "
            f"(RSS after imports {picked[e]['rss_after_imports_mb']:,.0f} MB)"
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

    loads = [r["loadavg_1min"] for runs in (*pipe_runs.values(), base_runs) for r in runs]
    print(f"machine load (1-min average after each run): {min(loads):.1f} – {max(loads):.1f}")
    tag = "-".join(dict.fromkeys(e.split()[0] for e in engines)) + ("-csv" if args.csv else "")
    out = data_dir / f"results-{args.rows}-{tag}.json"
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "args": {k: str(v) for k, v in vars(args).items()},
                "pipeline": pipe_runs,
                "baseline": base_runs,
                "csv_copy": csv_runs,
                "csv_pipeline": csv_pipe_runs,
                "ratios": ratios,
                "csv_ratio": csv_ratio,
            },
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"\nall runs: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
