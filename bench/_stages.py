"""The measured side of `bench_emploi.py`: one measurement per fresh interpreter.

Run as ``python bench/_stages.py '<json spec>'``; prints one line ``BENCH_RESULT <json>`` on
stdout. Each mode imports what it needs *before* starting the clock, so interpreter start-up and
imports are not timed; the peak RSS (``ru_maxrss`` of this process) is the whole process's,
imports included, and the RSS right after the imports is reported too so a reader can see the
floor.

Modes:

* ``pipeline`` — ``preflight(project)`` then ``run_stages(plan, Warehouse(connect(...)),
  _Stages(None))``: ingest + validate + resolve + enrich + classify + indicators (no publish).
* ``baseline`` — one hand-written DuckDB aggregate of the same chapter over the same parquet.
* ``csv_copy`` — DuckDB's own CSV → parquet conversion of the establishments CSV.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
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
    """Peak resident set size of this process so far, in MB (10^6 bytes; ru_maxrss is KiB)."""
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


def run_pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    from healthradar.engine import Warehouse, connect
    from healthradar.pipeline import _Stages, preflight, run_stages

    queries: list[tuple[str, float, int]] = []
    if spec.get("queries"):
        # Opt-in: time every table the stages materialise (a thin wrapper, microseconds each).
        materialise = Warehouse.materialise

        def timed(self: Warehouse, name: str, expr: Any) -> int:
            t = time.perf_counter()
            n = materialise(self, name, expr)
            queries.append((name, round(time.perf_counter() - t, 4), n))
            return n

        Warehouse.materialise = timed

    rss_imports = _rss_mb()
    project = Path(spec["project"])
    start = time.perf_counter()
    plan = preflight(project)
    t_preflight = time.perf_counter() - start
    cfg = plan.config.engine
    wh = Warehouse(connect(Path(spec["warehouse"]), cfg.memory_limit, cfg.threads))
    stages = _Stages(None)
    counts, results = run_stages(plan, wh, stages)
    total = time.perf_counter() - start
    rss_peak = _rss_mb()
    # fetchall() everywhere: duckdb 2 refuses new work while a result is only partly fetched.
    perimeter = wh.con.execute("SELECT count(*) FROM perimeter").fetchall()[0][0]
    by_perimeter = {
        str(name): {"establishments": int(n), "jobs": float(jobs or 0)}
        for name, n, jobs in wh.con.execute(
            "SELECT perimetre, count(*), sum(jobs) FROM perimeter GROUP BY perimetre"
        ).fetchall()
    }
    totals = next(r for r in results if r.indicator.id == "emploi.totals").data.to_pylist()
    wh.con.close()
    return {
        "seconds": total,
        "stages": {"preflight": round(t_preflight, 4), **stages.timings},
        "rss_peak_mb": rss_peak,
        "rss_after_imports_mb": rss_imports,
        "perimeter_rows": perimeter,
        "perimeter_by_rule": by_perimeter,
        "emploi_totals": totals,
        "counts": {k: v for k, v in counts.items() if k in ("enrich", "register", "perimeter")},
        "indicators": len(results),
        "queries": queries,
    }


def run_baseline(spec: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    rss_imports = _rss_mb()
    start = time.perf_counter()
    con = duckdb.connect(":memory:", config=_duck_config(spec))
    rows = con.execute(baseline_sql(spec["parquet"])).fetchall()
    total = time.perf_counter() - start
    rss_peak = _rss_mb()
    con.close()
    return {
        "seconds": total,
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
