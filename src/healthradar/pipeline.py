"""Run a build: preflight, then ingest → validate → resolve → enrich → classify → indicators →
confidentiality → quality → publish. This module only orders the stages, reports progress and
times them.

The preflight reads the config and checks every declared file and required column before
anything is written: a missing file or column raises `FatalInputError` (exit code 2 in the CLI)
and the previous `out/` is untouched. The build writes into a fresh work folder beside `out/`
and replaces `out/` only when everything succeeded, so a failed build never leaves a
half-written barometer behind. A build holds the project's lock from start to end and begins
by repairing what a killed one left (`workspace`).

The confidentiality and publish stages are imported when they run, not with this module: they
bring scipy, altair and vl-convert (about 100 MB of resident memory), which preflight and the
reading stages never use, and the benches and tools that only read inputs import this module
(issue 9: 200,000-row inputs under 400 MB).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from healthradar.bundle_assembly import make_bundle, warnings_of
from healthradar.classify.filieres import classify_entity_filieres, load_filiere_maps
from healthradar.classify.perimeter import classify_perimeter
from healthradar.config import CONFIG_FILE, Config, load_config
from healthradar.config_checks import unknown_input_kind
from healthradar.contracts import HEADCOUNTS, PARTNERS, Contract
from healthradar.engine import Warehouse, open_warehouse
from healthradar.enrich.establishments import Scope, enrich, register_scope_counts
from healthradar.errors import FatalInputError
from healthradar.indicators import Evaluation, QueryContext, Registry, default_registry
from healthradar.ingest.aliases import extend_contracts
from healthradar.ingest.register import RegisterFile, inspect_register
from healthradar.ingest.review_file import read_previous_resolution, read_review_decisions
from healthradar.ingest.stage import IngestPlan, ingest
from healthradar.ingest.tabular import RawTable, read_tabular
from healthradar.ingest.template_rows import example_lines, example_text
from healthradar.quality.build_warnings import BuildWarning
from healthradar.quality.report import build_report, load_reasons
from healthradar.reference import region_departements
from healthradar.resolve.stage import resolve as resolve_partners
from healthradar.validate.chapter_inputs import validate_chapter_input
from healthradar.validate.headcounts import validate_headcounts
from healthradar.validate.partners import validate_partners
from healthradar.workspace import WORK_DIR, BuildLock, Housekeeping, swap_into_place, tidy

OUT_DIR = "out"
REVIEW_DECISIONS = "inputs/review_decisions.csv"

StageHook = Callable[[str], None]


@dataclass
class Plan:
    """Everything the preflight checked, ready to build."""

    project_dir: Path
    config: Config
    raw_config: dict[str, Any]
    registry: Registry
    register: dict[str, RegisterFile]
    tables: dict[str, list[RawTable]]  # input kind -> files read
    contracts: dict[str, Contract]  # input kind -> contract
    review_decisions: pa.Table  # inputs/review_decisions.csv (empty when absent)

    @property
    def scope(self) -> Scope:
        region = self.config.project.region
        deps = None if region == "FR" else region_departements(region)
        return Scope(deps, list(self.config.perimeter.core_naf), self.config.project.vintage)

    @property
    def available_inputs(self) -> set[str]:
        """Inputs this build declares: an indicator needing another one is skipped."""
        return {"register", *(kind for kind, files in self.tables.items() if files)}

    def ingest_plan(self) -> IngestPlan:
        work = self.project_dir / WORK_DIR
        return IngestPlan(
            register=self.register,
            tables=self.tables,
            contracts=self.contracts,
            partner_lists=[(p.id, p.label or p.id) for p in self.config.inputs.partners],
            cache_dir=work / "cache",
            hash_cache=work / "hash-cache.json",
            review_decisions=self.review_decisions,
            previous_resolution=read_previous_resolution(
                self.project_dir / OUT_DIR / "exports" / "resolution.csv"
            ),
        )


@dataclass
class BuildResult:
    out_dir: Path
    plan: Plan
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    evaluation: Evaluation = field(default_factory=Evaluation)
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    housekeeping: Housekeeping = field(default_factory=Housekeeping)
    warnings: list[BuildWarning] = field(default_factory=list)

    @property
    def results(self) -> list[Any]:
        return self.evaluation.results


def _label(project_dir: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_dir.resolve()))
    except ValueError:
        return str(path)


def preflight(project_dir: Path, registry: Registry | None = None) -> Plan:
    """Read the config and check every declared input; raise FatalInputError on the first gap."""
    registry = registry or default_registry()
    config, raw = load_config(project_dir)
    inputs = config.inputs
    contracts: dict[str, Contract] = {"partners": PARTNERS, "headcounts": HEADCOUNTS}
    contracts.update(registry.contracts())
    contracts = extend_contracts(contracts, config.aliases, project_dir / CONFIG_FILE)

    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else project_dir / p

    def read(
        input_id: str, kind: str, path: Path, sheet: str | None, header: int | None
    ) -> RawTable:
        full = resolve(path)
        return read_tabular(
            input_id, contracts[kind], full, _label(project_dir, full), sheet, header
        )

    unknown = sorted(set(inputs.tables) - set(contracts))
    if unknown:
        raise unknown_input_kind(unknown[0], sorted(contracts), project_dir / "healthradar.toml")
    register = {
        role: inspect_register(role, resolve(path), _label(project_dir, resolve(path)))
        for role, path in inputs.register_files.files()
    }
    tables: dict[str, list[RawTable]] = {kind: [] for kind in contracts}
    tables["partners"] = [
        read(p.id, "partners", p.path, p.sheet, p.header_row) for p in inputs.partners
    ]
    if inputs.headcounts is not None:
        h = inputs.headcounts
        tables["headcounts"] = [read("headcounts", "headcounts", h.path, h.sheet, h.header_row)]
    for kind, t in inputs.tables.items():
        tables[kind] = [read(kind, kind, t.path, t.sheet, t.header_row)]
    for kind, files in tables.items():
        for table in files:
            refuse_example_rows(table, contracts[kind])
    review = project_dir / REVIEW_DECISIONS
    decisions = read_review_decisions(review, _label(project_dir, review))
    return Plan(project_dir, config, raw, registry, register, tables, contracts, decisions)


def refuse_example_rows(table: RawTable, contract: Contract) -> None:
    """Fatal when the example row of `init`'s template is still in the file."""
    lines = example_lines(table, contract)
    if lines:
        shown = ", ".join(str(n) for n in lines[:10]) + (" …" if len(lines) > 10 else "")
        raise FatalInputError(
            "template_rows",
            file=table.file,
            message_args={"lines": shown, "value": example_text(contract)},
        )


class _Stages:
    """Times each stage and reports it to an optional hook (the CLI's progress display).

    `before_each` runs before every stage: the warehouse's `release_memory`, so that a stage's
    peak is its own work, not its own work on top of the engine's cache of the stages before
    it (DuckDB keeps what it read until its `memory_limit`, 4 GB by default)."""

    def __init__(self, hook: StageHook | None) -> None:
        self.hook = hook
        self.timings: dict[str, float] = {}
        self.before_each: Callable[[], None] | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.hook:
            self.hook(name)
        if self.before_each:
            self.before_each()
        start = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - start, 4)


def run_stages(plan: Plan, wh: Warehouse, stages: _Stages) -> tuple[dict[str, Any], Evaluation]:
    """All warehouse stages of a build (everything but publishing). Used by `build` and benches."""
    config, scope = plan.config, plan.scope
    counts: dict[str, Any] = {}
    stages.before_each = wh.release_memory
    with stages.stage("ingest"):
        counts["ingest"] = ingest(wh, plan.ingest_plan())
    with stages.stage("validate"):
        counts["partner_rows"] = validate_partners(wh)
        counts["headcount_rows"] = validate_headcounts(wh, config.project.vintage)
        for kind, contract in plan.contracts.items():
            if kind not in ("partners", "headcounts"):
                counts[f"{kind}_rows"] = validate_chapter_input(wh, contract)
    with stages.stage("resolve"):
        counts["resolve"] = resolve_partners(wh)
    with stages.stage("enrich"):
        has_nic = "nic" in plan.register["establishments"].wanted
        counts["enrich"] = enrich(wh, scope, siret_from_nic=has_nic)
        counts["register"] = register_scope_counts(
            wh, scope, cache_file=plan.project_dir / WORK_DIR / "cache" / "scope-counts.json"
        )
    with stages.stage("classify"):
        load_filiere_maps(wh, config.naf_filieres(), dict(config.filieres.labels))
        classify_entity_filieres(wh)
        counts["perimeter"] = classify_perimeter(wh, list(config.perimeter.size_class_bounds))
    with stages.stage("indicators"):
        settings = {
            "departements": scope.departements,
            "vintage": scope.vintage,
            "core_naf": scope.core_naf,
            "size_class_bounds": list(config.perimeter.size_class_bounds),
            "unknown_jobs_high": config.perimeter.unknown_jobs_high,
        }
        ctx = QueryContext(wh, settings)
        evaluation = plan.registry.evaluate(ctx, plan.available_inputs)
    with stages.stage("confidentiality"):
        from healthradar.confidentiality.stage import protect  # scipy: imported late (docstring)

        counts["confidentiality"] = protect(ctx, evaluation, config.confidentiality).as_dict()
    return counts, evaluation


def build(
    project_dir: Path,
    hook: StageHook | None = None,
    lang: str | None = None,
    registry: Registry | None = None,
    backend: str | None = None,
    wait_seconds: float = 0.0,
) -> BuildResult:
    """Build the barometer of `project_dir` into `project_dir/out`, atomically, holding the
    project's build lock (refused, or waited for up to `wait_seconds`, while another runs)."""
    project_dir = project_dir.resolve()
    if not (project_dir / CONFIG_FILE).is_file():
        load_config(project_dir)  # the "no configuration" message, before creating anything
    work_root = project_dir / WORK_DIR
    with BuildLock(work_root, wait_seconds) as lock:
        housekeeping = tidy(project_dir / OUT_DIR, work_root)
        housekeeping.stale_pid = lock.stale_pid
        result = _build_locked(project_dir, work_root, hook, lang, registry, backend)
    result.housekeeping = housekeeping
    return result


def _build_locked(
    project_dir: Path,
    work_root: Path,
    hook: StageHook | None,
    lang: str | None,
    registry: Registry | None,
    backend: str | None,
) -> BuildResult:
    plan = preflight(project_dir, registry)
    stages = _Stages(hook)
    work = work_root / f"build-{os.getpid()}-{time.time_ns()}"
    work.mkdir()
    engine = plan.config.engine
    chosen = backend or engine.backend
    try:
        # Spark keeps its state in a folder of the work area that is not published.
        spark_dir = work_root / f"engine-{os.getpid()}-{time.time_ns()}"
        wh = open_warehouse(
            chosen,
            work if chosen == "duckdb" else spark_dir,
            engine.memory_limit,
            engine.threads,
            engine.spark_master,
        )
        try:
            counts, evaluation = run_stages(plan, wh, stages)
            with stages.stage("quality"):
                load_reasons(wh)
                quality = build_report(wh, lang or plan.config.project.lang)
                warnings = warnings_of(plan, quality, counts)
            backend_used = wh.backend
        finally:
            # closed before publishing, which reads only the bundle: the engine's memory
            # (DuckDB's buffer pool, the Spark session) is given back before charts are drawn
            stages.before_each = None
            wh.close()
            shutil.rmtree(spark_dir, ignore_errors=True)
        with stages.stage("publish"):
            from healthradar.publish import publish_bundle

            bundle = make_bundle(
                plan, evaluation, quality, counts, stages.timings, backend_used, lang
            )
            bundle.warnings = warnings
            publish_bundle(bundle, work)
        reconciliation = quality.reconciliation.to_pylist()
        swap_into_place(work, project_dir / OUT_DIR)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BuildResult(
        project_dir / OUT_DIR,
        plan,
        stages.timings,
        counts,
        evaluation,
        reconciliation,
        warnings=warnings,
    )
