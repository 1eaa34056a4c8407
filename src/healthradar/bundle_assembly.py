"""What a build hands to its last stage and to its caller, assembled from the stages' results:
the build-level warnings and the bundle that `publish/` formats. Kept out of `pipeline`, which
only orders the stages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from healthradar import __version__
from healthradar.indicators import Evaluation
from healthradar.quality.build_warnings import BuildWarning, build_warnings
from healthradar.quality.report import QualityReport
from healthradar.reference import region_name

if TYPE_CHECKING:
    from healthradar.pipeline import Plan
    from healthradar.publish import Bundle


def warnings_of(plan: Plan, quality: QualityReport, counts: dict[str, Any]) -> list[BuildWarning]:
    """The build-level warnings, from the quality report and the stages' counts."""
    project = plan.config.project
    scope = {
        "region": project.region,
        "region_name": "France" if project.region == "FR" else region_name(project.region),
        "vintage": project.vintage,
        "core_naf": list(plan.config.perimeter.core_naf),
    }
    return build_warnings(
        quality.reconciliation,
        # reasons and values only: the same in either language's table
        next(iter(quality.issues.values())),
        counts.get("register", {}),
        int(counts.get("perimeter", 0) or 0),
        scope,
        plan.config.quality.max_rejected_share,
    )


def make_bundle(
    plan: Plan,
    evaluation: Evaluation,
    quality: QualityReport,
    counts: dict[str, Any],
    timings: dict[str, float],
    backend: str,
    lang: str | None = None,
) -> Bundle:
    """Collect everything publishing needs, so that `publish/` only formats. (The SQL of each
    figure comes with its result and with the quality report, not from here.)"""
    from healthradar.publish import Bundle  # altair and vl-convert: late, see `pipeline`

    project = plan.config.project
    region = project.region
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
        chapters=plan.registry.chapters(),
        results=evaluation.results,
        skipped=evaluation.skipped,
        quality=quality.issues,
        reconciliation=quality.reconciliation,
        quality_by_reason=quality.by_reason,
        rows_read_total=quality.rows_read_total,
        rows_rejected_total=quality.rows_rejected_total,
        to_resolve=quality.to_resolve,
        input_files=quality.input_files,
        register_counts=counts.get("register", {}),
        partner_summary=quality.partner_summary,
        counts=counts,
        timings=timings,
        engine=backend,
        quality_sql=quality.sql,
        resolution=quality.resolution,
        review_queue=quality.review_queue,
        decisions=quality.decisions,
        changes=quality.changes,
        confidentiality=quality.confidentiality,
    )
