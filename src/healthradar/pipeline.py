"""Run a build: preflight, then ingest → validate → resolve → enrich → classify → indicators
→ publish.

The preflight reads the config and checks every declared file and required column before
anything is written: a missing file or column raises `FatalInputError` (exit code 2 in the CLI)
and the previous `out/` is untouched. The build itself writes into a fresh work folder beside
`out/` and replaces `out/` only when everything succeeded, so a failed build never leaves a
half-written barometer behind.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from healthradar import __version__
from healthradar.classify.filieres import classify_entity_filieres, load_filiere_maps
from healthradar.classify.perimeter import classify_perimeter
from healthradar.config import Config, load_config
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.engine import Warehouse, connect
from healthradar.enrich.establishments import Scope, enrich, register_scope_counts
from healthradar.indicators import QueryContext, default_registry
from healthradar.indicators.registry import IndicatorResult
from healthradar.ingest.register import RegisterFile, attach_register, inspect_register
from healthradar.ingest.tabular import RawTable, load_raw, read_tabular
from healthradar.issues import (
    QUALITY_BY_REASON_SQL,
    RECONCILIATION_SQL,
    create_quality_tables,
    quality_rows_sql,
)
from healthradar.provenance import file_sha256
from healthradar.publish import Bundle, publish_bundle
from healthradar.reference import region_departements, region_name, register_reference_tables
from healthradar.resolve.exact import resolve_exact
from healthradar.validate.headcounts import validate_headcounts
from healthradar.validate.partners import validate_partners
from healthradar.validate.sql_functions import register_sql_functions

OUT_DIR = "out"
WORK_DIR = ".healthradar"

StageHook = Callable[[str], None]


@dataclass
class Plan:
    """Everything the preflight checked, ready to build."""

    project_dir: Path
    config: Config
    raw_config: dict[str, Any]
    register: dict[str, RegisterFile]
    partners: list[RawTable]
    headcounts: list[RawTable]

    @property
    def scope(self) -> Scope:
        region = self.config.project.region
        deps = None if region == "FR" else region_departements(region)
        return Scope(deps, list(self.config.perimeter.core_naf), self.config.project.vintage)


@dataclass
class BuildResult:
    out_dir: Path
    plan: Plan
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    results: list[IndicatorResult] = field(default_factory=list)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)


def _label(project_dir: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_dir.resolve()))
    except ValueError:
        return str(path)


def preflight(project_dir: Path) -> Plan:
    """Read the config and check every declared input; raise FatalInputError on the first gap."""
    config, raw = load_config(project_dir)
    inputs = config.inputs

    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else project_dir / p

    register = {
        role: inspect_register(role, resolve(path), _label(project_dir, resolve(path)))
        for role, path in (
            ("establishments", inputs.register_files.establishments),
            ("legal_units", inputs.register_files.legal_units),
        )
    }
    partners = [
        read_tabular(
            p.id,
            PARTNERS,
            resolve(p.path),
            _label(project_dir, resolve(p.path)),
            p.sheet,
            p.header_row,
        )
        for p in inputs.partners
    ]
    headcounts = []
    if inputs.headcounts is not None:
        h = inputs.headcounts
        headcounts.append(
            read_tabular(
                "headcounts",
                HEADCOUNTS,
                resolve(h.path),
                _label(project_dir, resolve(h.path)),
                h.sheet,
                h.header_row,
            )
        )
    return Plan(project_dir, config, raw, register, partners, headcounts)


class _Stages:
    """Times each stage and reports it to an optional hook (the CLI's progress display)."""

    def __init__(self, hook: StageHook | None) -> None:
        self.hook = hook
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.hook:
            self.hook(name)
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)


def run_stages(
    plan: Plan, wh: Warehouse, stages: _Stages
) -> tuple[dict[str, Any], list[IndicatorResult]]:
    """All warehouse stages of a build (everything but publishing). Used by `build` and benches."""
    config, scope = plan.config, plan.scope
    counts: dict[str, Any] = {}
    cache_dir = plan.project_dir / WORK_DIR / "cache"
    with stages.stage("ingest"):
        register_reference_tables(wh.con)
        register_sql_functions(wh.con)
        create_quality_tables(wh)
        _record_input_files(wh, plan)
        for reg in plan.register.values():
            attach_register(wh, reg, cache_dir)
        counts["raw_partners"] = load_raw(wh, "raw_partners", PARTNERS, plan.partners)
        counts["raw_headcounts"] = load_raw(wh, "raw_headcounts", HEADCOUNTS, plan.headcounts)
        wh.con.execute(
            "CREATE OR REPLACE TABLE partner_inputs (input VARCHAR, ord INTEGER, label VARCHAR)"
        )
        for i, partner in enumerate(config.inputs.partners):
            wh.con.execute(
                "INSERT INTO partner_inputs VALUES (?, ?, ?)",
                [partner.id, i, partner.label or partner.id],
            )
    with stages.stage("validate"):
        counts["partner_rows"] = validate_partners(wh)
        counts["headcount_rows"] = validate_headcounts(wh, config.project.vintage)
    with stages.stage("resolve"):
        counts["resolve"] = resolve_exact(wh)
    with stages.stage("enrich"):
        has_nic = "nic" in plan.register["establishments"].wanted
        counts["enrich"] = enrich(wh, scope, siret_from_nic=has_nic)
        counts["register"] = register_scope_counts(wh, scope)
    with stages.stage("classify"):
        load_filiere_maps(wh, config.naf_filieres(), dict(config.filieres.labels))
        classify_entity_filieres(wh)
        counts["perimeter"] = classify_perimeter(wh, list(config.perimeter.size_class_bounds))
    with stages.stage("indicators"):
        ctx = QueryContext(
            wh,
            {
                "departements": scope.departements,
                "vintage": scope.vintage,
                "core_naf": scope.core_naf,
                "size_class_bounds": list(config.perimeter.size_class_bounds),
            },
        )
        results = default_registry().evaluate(ctx)
    return counts, results


def _record_input_files(wh: Warehouse, plan: Plan) -> None:
    wh.con.execute(
        """
        CREATE OR REPLACE TABLE input_files (
            input VARCHAR, kind VARCHAR, file VARCHAR, path VARCHAR, size_bytes BIGINT,
            sha256 VARCHAR, encoding VARCHAR, delimiter VARCHAR, decimal_mark VARCHAR,
            rows_read BIGINT, columns_mapped VARCHAR, columns_ignored VARCHAR
        )
        """
    )
    rows: list[tuple[Any, ...]] = [
        (
            t.input_id,
            t.kind,
            t.file,
            str(t.path),
            t.size_bytes,
            t.sha256,
            t.encoding,
            t.delimiter,
            t.decimal,
            len(t.rows),
            ", ".join(f"{k} ← {', '.join(t.headers[i] for i in v)}" for k, v in t.mapping.items()),
            ", ".join(t.ignored),
        )
        for t in (*plan.partners, *plan.headcounts)
    ]
    rows += [
        (
            f"register.{reg.role}",
            "register",
            reg.file,
            str(reg.path),
            reg.size_bytes,
            None,
            None,
            None,
            None,
            None,
            ", ".join(reg.wanted),
            None,
        )
        for reg in plan.register.values()
    ]
    wh.con.executemany("INSERT INTO input_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


TO_RESOLVE_SQL = """
SELECT e.entity_id, e.name, e.to_resolve_reason AS reason, e.inputs, e.city, e.postcode,
       e.n_rows, string_agg(DISTINCT p.siren_raw, ' | ') AS siren_given,
       string_agg(l.file || ':' || l.line, ' | ' ORDER BY l.file, l.line) AS origins
FROM entities e
JOIN entity_links l USING (entity_id)
JOIN partner_rows p ON p.file = l.file AND p.line = l.line
WHERE e.status = 'to_resolve'
GROUP BY ALL
ORDER BY e.name, e.entity_id
"""


# What became of the companies the partners listed (one row per entity).
PARTNER_SUMMARY_SQL = """
WITH placed AS (SELECT siren, min(perimetre) AS perimetre FROM perimeter GROUP BY siren)
SELECT CASE WHEN e.status = 'to_resolve' THEN 'to_resolve'
            WHEN p.perimetre = 'core' THEN 'core'
            WHEN p.perimetre = 'revealed' THEN 'revealed'
            ELSE 'outside' END AS outcome,
       count(*) AS companies
FROM entities e LEFT JOIN placed p ON p.siren = e.siren
GROUP BY ALL ORDER BY outcome
"""


def make_bundle(
    wh: Warehouse,
    plan: Plan,
    results: list[IndicatorResult],
    counts: dict[str, Any],
    timings: dict[str, float],
    lang: str | None = None,
) -> Bundle:
    """Collect everything publishing needs, so that `publish/` only formats."""
    project = plan.config.project
    region = project.region
    totals = [
        int(v or 0)
        for v in wh.con.execute(
            f"SELECT sum(rows_read), sum(rejected) FROM ({RECONCILIATION_SQL})"
        ).fetchall()[0]
    ]
    arrow = {lang_: wh.con.sql(quality_rows_sql(lang_)).to_arrow_table() for lang_ in ("fr", "en")}
    return Bundle(
        project_name=project.name,
        region_code=region,
        region_name="France" if region == "FR" else region_name(region),
        vintage=project.vintage,
        lang=lang or project.lang,
        synthetic=project.synthetic,
        version=__version__,
        built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        config=plan.raw_config,
        results=results,
        quality=arrow,
        reconciliation=wh.con.sql(RECONCILIATION_SQL).to_arrow_table(),
        quality_by_reason=wh.con.sql(QUALITY_BY_REASON_SQL).to_arrow_table(),
        rows_read_total=totals[0],
        rows_rejected_total=totals[1],
        to_resolve=wh.con.sql(TO_RESOLVE_SQL).to_arrow_table(),
        input_files=wh.con.sql(
            "SELECT * EXCLUDE (path) FROM input_files ORDER BY kind, input, file"
        ).to_arrow_table(),
        register_counts=counts.get("register", {}),
        partner_summary={str(k): int(v) for k, v in wh.con.execute(PARTNER_SUMMARY_SQL).fetchall()},
        counts=counts,
        timings=timings,
    )


def build(project_dir: Path, hook: StageHook | None = None, lang: str | None = None) -> BuildResult:
    """Build the barometer of `project_dir` into `project_dir/out`, atomically."""
    project_dir = project_dir.resolve()
    plan = preflight(project_dir)
    stages = _Stages(hook)
    work_root = project_dir / WORK_DIR
    work_root.mkdir(exist_ok=True)
    work = work_root / f"build-{os.getpid()}-{time.time_ns()}"
    work.mkdir()
    try:
        cfg = plan.config.engine
        con = connect(work / "warehouse.duckdb", cfg.memory_limit, cfg.threads)
        wh = Warehouse(con)
        try:
            counts, results = run_stages(plan, wh, stages)
            with stages.stage("provenance"):
                hashes = {
                    reg.file: file_sha256(reg.path, work_root / "hash-cache.json")
                    for reg in plan.register.values()
                }
                for file, digest in hashes.items():
                    wh.con.execute(
                        "UPDATE input_files SET sha256 = ? WHERE file = ?", [digest, file]
                    )
            with stages.stage("publish"):
                bundle = make_bundle(wh, plan, results, counts, stages.timings, lang)
                publish_bundle(bundle, work)
            reconciliation = bundle.reconciliation.to_pylist()
        finally:
            wh.con.close()
        _swap_into_place(work, project_dir / OUT_DIR)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BuildResult(project_dir / OUT_DIR, plan, stages.timings, counts, results, reconciliation)


def _swap_into_place(work: Path, out: Path) -> None:
    old = out.with_name(out.name + ".previous")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    try:
        work.rename(out)
    except OSError:
        if old.exists() and not out.exists():
            old.rename(out)  # put the previous barometer back
        raise
    if old.exists():
        shutil.rmtree(old)
