"""The measured side of `bench_emploi.py`: one measurement per fresh interpreter.

Run as ``python bench/_stages.py '<json spec>'``; prints one line ``BENCH_RESULT <json>`` on
stdout. Each mode imports what it needs *before* starting the clock, so interpreter start-up and
imports are not timed (pandas included, which pyarrow would otherwise import lazily inside the
first stage, ~0.4 s); the peak RSS (``VmHWM`` of this process) is the whole process's,
imports included, and the RSS right after the imports is reported too so a reader can see the
floor. On Spark the work happens in a JVM child process: its peak RSS (``VmHWM``) is read from
``/proc`` before the session stops and reported beside the Python one.

Modes:

* ``pipeline`` — ``open_warehouse(engine, …)`` (timed on its own: on Spark it starts the JVM
  and the session), then ``preflight(project)`` and ``run_stages(plan, wh, _Stages(None))``:
  ingest + validate + resolve + enrich + classify + indicators (no quality report, no publish).
  With ``queries``, every warehouse call is timed too, with its Ibis compile time apart.
  The register's scope counts are cached per file fingerprint (``scope_cache_file``): the
  driver deletes that file before a *cold* run; a *warm* run finds it, as a rebuild does.
* ``baseline`` — one hand-written DuckDB aggregate of the same chapter over the same parquet
  (it is the yardstick, not the project's code, so it talks to DuckDB directly).
* ``csv_copy`` — DuckDB's own CSV → parquet conversion of the establishments CSV.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

# Sirene tranche d'effectifs -> central value (same numbers as the packaged ref_tranches).
TRANCHE_CENTRAL = {
    "NN": 0.0,
    "00": 0.0,
    "01": 1.5,
    "02": 4.0,
    "03": 7.5,
    "11": 14.5,
    "12": 34.5,
    "21": 74.5,
    "22": 149.5,
    "31": 224.5,
    "32": 374.5,
    "41": 749.5,
    "42": 1499.5,
    "51": 3499.5,
    "52": 7499.5,
    "53": 15000.0,
}
CORE_NAF = ("21.10Z", "21.20Z", "32.50A", "46.46Z", "72.11Z")


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (10^6 bytes).

    `VmHWM`, not `ru_maxrss`: Linux carries ru_maxrss over fork + exec, so a child would report
    the bench driver's own peak (e.g. after it wrote the CSV) as its floor."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def baseline_sql(parquet: str) -> str:
    """The chapter's core aggregate, written by hand: NAF × département × tranche."""
    values = ", ".join(f"({_lit(k)}, {v}::DOUBLE)" for k, v in TRANCHE_CENTRAL.items())
    core = ", ".join(_lit(c) for c in CORE_NAF)
    return f"""
    WITH tranches(code, central) AS (VALUES {values}),
    est AS (
        SELECT activitePrincipaleEtablissement AS naf,
               CASE WHEN substr(codeCommuneEtablissement, 1, 2) IN ('97', '98')
                    THEN substr(codeCommuneEtablissement, 1, 3)
                    ELSE substr(codeCommuneEtablissement, 1, 2) END AS departement,
               trancheEffectifsEtablissement AS tranche
        FROM read_parquet({_lit(parquet)})
        WHERE activitePrincipaleEtablissement IN ({core})
          AND etatAdministratifEtablissement = 'A'
    )
    SELECT e.naf, e.departement, e.tranche, count(*) AS establishments,
           sum(t.central) AS jobs
    FROM est e LEFT JOIN tranches t ON t.code = e.tranche
    WHERE e.departement IS NOT NULL
    GROUP BY ALL
    """


def _duck_config(spec: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": spec["memory_limit"],
        "temp_directory": spec["tmp_dir"],
    }
    if spec.get("threads"):
        config["threads"] = spec["threads"]
    return config


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process so far: steadier than wall time on a busy
    machine, and the same for DuckDB's threads (they are this process's)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _descendants() -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) summed over this process's live descendants: the Spark JVM.

    Peak RSS is each process's VmHWM; CPU is utime + stime from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    peak_kb, ticks, todo = 0, 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        peak_kb += next(
            (int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM:")), 0
        )
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return peak_kb * 1024 / 1e6, ticks / os.sysconf("SC_CLK_TCK")


def _caller() -> str:
    """The project function that called the warehouse (labels a query in `--queries`)."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.endswith(
        ("warehouse.py", "_backend.py", "_stages.py")
    ):
        frame = frame.f_back
    return str(frame.f_code.co_name) if frame is not None else "?"


def _time_queries(stages: Any) -> list[dict[str, Any]]:
    """Opt-in: time every warehouse call of the stages, compile (Ibis → SQL) apart from run.

    Thin wrappers on the shared `Warehouse` methods (microseconds each). `to_arrow` / `scalar`
    compile inside Ibis, so their whole time is reported as run time."""
    from healthradar.engine import Warehouse

    log: list[dict[str, Any]] = []
    pending = {"compile": 0.0}
    compile_ = Warehouse.compile

    def timed_compile(self: Any, expr: Any) -> str:
        t = time.perf_counter()
        sql = compile_(self, expr)
        pending["compile"] += time.perf_counter() - t
        return sql

    def wrap(method: str, label: Any) -> None:
        original = getattr(Warehouse, method)

        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(self, "_bench_depth", 0):
                return original(self, *args, **kwargs)  # count() inside materialise etc.
            self._bench_depth = 1
            pending["compile"] = 0.0
            t = time.perf_counter()
            try:
                out = original(self, *args, **kwargs)
            finally:
                self._bench_depth = 0
            total = time.perf_counter() - t
            log.append(
                {
                    "stage": stages.current,
                    "call": method,
                    "name": label(args),
                    "compile_s": round(pending["compile"], 4),
                    "s": round(total, 4),
                    "rows": out if isinstance(out, int) else None,
                }
            )
            return out

        setattr(Warehouse, method, timed)

    Warehouse.compile = timed_compile
    wrap("materialise", lambda a: a[0])
    wrap("create_view", lambda a: a[0])
    wrap("load_arrow", lambda a: a[0])
    wrap("read_parquet", lambda a: Path(a[0]).name)
    wrap("to_arrow", lambda a: a[0] if isinstance(a[0], str) else _caller())
    wrap("scalar", lambda a: _caller())
    wrap("drop", lambda a: a[0])
    return log


def _scope_cache(project_cache: Path) -> bool:
    """Give `register_scope_counts` the project's cache file when `run_stages` does not pass one.

    Until pipeline.py passes ``cache_file=<project>/.healthradar/cache/scope-counts.json``
    itself, this stands in for that one argument (same path); once it does, the caller's value
    is kept and this changes nothing. False when the code measured has no such parameter."""
    import healthradar.pipeline as pipeline

    original = pipeline.register_scope_counts
    if "cache_file" not in inspect.signature(original).parameters:
        return False

    def with_cache(wh: Any, scope: Any, cache_file: Path | None = None) -> Any:
        return original(wh, scope, cache_file=cache_file or project_cache)

    pipeline.register_scope_counts = with_cache
    return True


def run_pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    import pandas  # noqa: F401  pyarrow imports it at the first Arrow array: an import, not work

    from healthradar.engine import open_warehouse
    from healthradar.pipeline import _Stages, preflight, run_stages

    class Stages(_Stages):
        """`_Stages` that also knows which stage is running (to label the timed queries)."""

        current = "preflight"

        @contextmanager
        def stage(self, name: str) -> Iterator[None]:
            self.current = name
            with super().stage(name):
                yield

    stages = Stages(None)
    cache_file = Path(spec["scope_cache_file"])
    cache_found = cache_file.is_file()
    cache_supported = _scope_cache(cache_file)
    queries = _time_queries(stages) if spec.get("queries") else []
    engine = spec["engine"]
    rss_imports = _rss_mb()
    project = Path(spec["project"])
    # The engine starts first and apart: on Spark, JVM + session take seconds that a long-lived
    # cluster session would not pay per build, and they are reported on their own line.
    t0 = time.perf_counter()
    work = Path(spec["tmp_dir"]) / ("spark" if engine == "spark" else "")
    wh = open_warehouse(
        engine, work, spec["memory_limit"], spec["threads"], spec.get("spark_master", "local[2]")
    )
    engine_start = time.perf_counter() - t0
    jvm_cpu0 = _descendants()[1] if engine == "spark" else 0.0
    cpu0 = _cpu_s()
    start = time.perf_counter()
    plan = preflight(project)
    t_preflight = time.perf_counter() - start
    counts, evaluation = run_stages(plan, wh, stages)
    total = time.perf_counter() - start
    cpu = _cpu_s() - cpu0
    stages.current = "read-back"  # the bench's own queries below, not the pipeline's
    rss_peak = _rss_mb()
    jvm_peak, jvm_cpu = _descendants() if engine == "spark" else (0.0, 0.0)
    per = wh.table("perimeter")
    perimeter = wh.count(per)
    by_perimeter = {
        str(r["perimetre"]): {"establishments": int(r["n"]), "jobs": float(r["jobs"] or 0)}
        for r in wh.to_rows(per.group_by("perimetre").aggregate(n=per.count(), jobs=per.jobs.sum()))
    }
    results = evaluation.results
    totals = next(r for r in results if r.indicator.id == "emploi.totals").data.to_pylist()
    wh.close()
    if engine == "spark":
        wh.session.stop()
    return {
        "engine": engine,
        "seconds": total,
        "engine_start_s": engine_start,
        "cpu_s": cpu,
        "jvm_cpu_s": jvm_cpu - jvm_cpu0,
        "stages": {"preflight": round(t_preflight, 4), **stages.timings},
        "rss_peak_mb": rss_peak,
        "jvm_peak_mb": jvm_peak,
        "rss_after_imports_mb": rss_imports,
        "perimeter_rows": perimeter,
        "perimeter_by_rule": by_perimeter,
        "emploi_totals": totals,
        "counts": {k: v for k, v in counts.items() if k in ("enrich", "register", "perimeter")},
        "indicators": len(results),
        "scope_cache": ("warm" if cache_found else "cold") if cache_supported else "unsupported",
        "queries": queries,
    }


def run_baseline(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    rss_imports = _rss_mb()
    cpu0 = _cpu_s()
    start = time.perf_counter()
    con = duckdb.connect(":memory:", config=_duck_config(spec))
    rows = con.execute(baseline_sql(spec["parquet"])).fetchall()
    total = time.perf_counter() - start
    cpu = _cpu_s() - cpu0
    rss_peak = _rss_mb()
    con.close()
    return {
        "seconds": total,
        "cpu_s": cpu,
        "rss_peak_mb": rss_peak,
        "rss_after_imports_mb": rss_imports,
        "cells": len(rows),
        "establishments": sum(r[3] for r in rows),
        "jobs": sum(r[4] or 0 for r in rows),
    }


def run_csv_copy(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    rss_imports = _rss_mb()
    out = spec["out"]
    start = time.perf_counter()
    con = duckdb.connect(":memory:", config=_duck_config(spec))
    con.execute(
        f"COPY (SELECT * FROM read_csv({_lit(spec['csv'])}, all_varchar=true)) TO {_lit(out)}"
    )
    total = time.perf_counter() - start
    rss_peak = _rss_mb()
    con.close()
    return {
        "seconds": total,
        "rss_peak_mb": rss_peak,
        "rss_after_imports_mb": rss_imports,
        "out_bytes": Path(out).stat().st_size,
    }


MODES = {"pipeline": run_pipeline, "baseline": run_baseline, "csv_copy": run_csv_copy}


def main() -> None:
    spec = json.loads(sys.argv[1])
    result = MODES[spec["mode"]](spec)
    print("BENCH_RESULT " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
