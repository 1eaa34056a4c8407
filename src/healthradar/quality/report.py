"""The quality report's figures: reconciliation, issues by reason, what became of partner rows.

Every figure here is an Ibis query over the stages' records (`quality.records`), compiled and
logged like an indicator's, so a reader of the manifest can see how "balanced" was computed.
Publish receives the results as Arrow tables and only formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import ordered_join
from healthradar.errors import REASONS
from healthradar.quality.records import all_issues, all_outcomes

SEVERITY_ORDER = {"rejected": 0, "warning": 1, "info": 2}
REASONS_SCHEMA = pa.schema(
    [
        ("reason", pa.string()),
        ("severity", pa.string()),
        ("message_en", pa.string()),
        ("message_fr", pa.string()),
    ]
)


@dataclass
class QualityReport:
    """What publish needs of the quality of a build, computed once."""

    issues: dict[str, pa.Table]  # the build's lang -> every issue with its message in it
    reconciliation: pa.Table
    by_reason: pa.Table
    to_resolve: pa.Table
    partner_summary: dict[str, int]
    input_files: pa.Table
    resolution: pa.Table  # one row per partner row: decision, SIREN, score, rule, candidates
    review_queue: pa.Table  # the rows sent to review, with their candidates
    decisions: pa.Table  # partner rows per list and decision
    changes: pa.Table  # rows new, gone or relinked since the previous build
    rows_read_total: int
    rows_rejected_total: int
    sql: dict[str, str] = field(default_factory=dict)
    confidentiality: pa.Table | None = None  # per indicator: cells masked by reason, jobs lost


def load_reasons(wh: Warehouse) -> None:
    rows = [(r.code, r.severity, r.en, r.fr) for r in REASONS.values()]
    table = pa.Table.from_pylist(
        [dict(zip(REASONS_SCHEMA.names, row, strict=True)) for row in rows], schema=REASONS_SCHEMA
    )
    wh.load_arrow("reasons", table)


def issues_with_messages(wh: Warehouse, lang: str) -> Table:
    """Every issue with its severity and its message in one language, in file/line order."""
    issues, reasons = all_issues(wh), wh.table("reasons")
    j = issues.left_join(reasons, "reason")
    template = (j.message_fr if lang == "fr" else j.message_en).coalesce(j.reason)
    message = template.replace("{value}", j.raw_value.coalesce("")).replace(
        "{detail}", j.detail.coalesce("")
    )
    out = j.select(
        severity=j.severity.coalesce("unknown"),
        stage=j.stage,
        input=j.input,
        file=j.file,
        line=j.line,
        column=j.column,
        raw_value=j.raw_value,
        reason=j.reason,
        message=message,
    )
    return out


def reconciliation(wh: Warehouse) -> Table:
    """Per file: rows read = integrated + merged + rejected, and one outcome per line."""
    o = all_outcomes(wh)
    outcomes = o.group_by("file").aggregate(
        integrated=o.count(where=o.outcome == "integrated").cast("int64"),
        merged=o.count(where=o.outcome == "merged").cast("int64"),
        rejected=o.count(where=o.outcome == "rejected").cast("int64"),
        # NULL status: Spark counts an all-NULL condition as NULL, DuckDB as 0
        to_resolve=o.count(where=(o.outcome == "integrated") & (o.status == "to_resolve"))
        .fill_null(0)
        .cast("int64"),
        rows_with_outcome=o.count().cast("int64"),
        distinct_lines=o.line.nunique().cast("int64"),
    )
    i, r = all_issues(wh), wh.table("reasons")
    warned = i.join(r.filter(r.severity == "warning"), "reason")
    warnings = warned.group_by("file").aggregate(warnings=warned.count().cast("int64"))
    files = wh.table("input_files")
    files = files.filter(files.kind != "register")
    j = files.left_join(outcomes, "file").left_join(warnings, "file")
    zero = ibis.literal(0, "int64")
    integrated, merged, rejected = (
        j[c].coalesce(zero) for c in ("integrated", "merged", "rejected")
    )
    out = j.select(
        input=j.input,
        kind=j.kind,
        file=j.file,
        rows_read=j.rows_read,
        integrated=integrated,
        merged=merged,
        rejected=rejected,
        to_resolve=j.to_resolve.coalesce(zero),
        warnings=j.warnings.coalesce(zero),
        balanced=(j.rows_read == integrated + merged + rejected)
        & (j.rows_with_outcome.coalesce(zero) == j.distinct_lines.coalesce(zero)),
    )
    return out


def by_reason(wh: Warehouse) -> Table:
    i, r = all_issues(wh), wh.table("reasons")
    j = i.left_join(r, "reason")
    j = j.select(severity=j.severity.coalesce("unknown"), reason=j.reason)
    counted = j.group_by(["severity", "reason"]).aggregate(count=j.count().cast("int64"))
    rank = ibis.cases(*((counted.severity == s, n) for s, n in SEVERITY_ORDER.items()), else_=3)
    return counted.mutate(severity_rank=rank)


def to_resolve(wh: Warehouse) -> Table:
    """The companies no SIREN could place yet, with every row that lists them."""
    e, links, rows = wh.table("entities"), wh.table("entity_links"), wh.table("partner_rows")
    pending = e.filter(e.status == "to_resolve")
    j = pending.join(links.select("entity_id", "file", "line"), "entity_id").join(
        rows.select("file", "line", "siren_raw"), ["file", "line"]
    )
    origins = j.mutate(origin=j.file + ":" + j.line.cast("string"))
    given = origins.filter(origins.siren_raw.notnull()).select("entity_id", "siren_raw").distinct()
    given = given.group_by("entity_id").aggregate(
        siren_given=ordered_join(given.siren_raw, " | ", given.siren_raw)
    )
    per_entity = origins.group_by("entity_id").aggregate(
        origins=ordered_join(origins.origin, " | ", origins.file, origins.line)
    )
    out = pending.join(per_entity, "entity_id").left_join(given, "entity_id")
    out = out.select(
        entity_id=out.entity_id,
        name=out.name,
        reason=out.to_resolve_reason,
        inputs=out.inputs,
        city=out.city,
        postcode=out.postcode,
        n_rows=out.n_rows,
        siren_given=out.siren_given,
        origins=out.origins,
    )
    return out


def decisions_by_list(wh: Warehouse) -> Table:
    """How many rows of each partner list ended in each decision."""
    r = wh.table("resolution")
    return r.group_by(["input", "decision"]).aggregate(rows=r.count().cast("int64"))


def partner_summary(wh: Warehouse) -> Table:
    """What became of the companies the partners listed (one count per outcome)."""
    e, p = wh.table("entities"), wh.table("perimeter")
    placed = p.group_by("siren").aggregate(perimetre=p.perimetre.min())
    j = e.left_join(placed, e.siren == placed.siren)
    outcome = ibis.cases(
        (j.status == "to_resolve", "to_resolve"),
        (j.perimetre == "core", "core"),
        (j.perimetre == "revealed", "revealed"),
        else_="outside",
    )
    j = j.select(outcome=outcome)
    return j.group_by("outcome").aggregate(companies=j.count().cast("int64"))


# Bands in percent, without the unit: each page writes it in its language (i18n.fmt_band).
LOSS_BANDS = ((0.0, "0"), (0.01, "< 1"), (0.05, "1–5"), (0.10, "5–10"), (0.25, "10–25"),
              (0.50, "25–50"))  # fmt: skip


def loss_band(share: ibis.Value) -> ibis.Value:
    """The information lost as a band, never as an exact share: an exact share of the masked
    value, next to the published cells of the same table, would give the masked sum back."""
    first, *rest = LOSS_BANDS
    return ibis.cases(
        (share <= first[0], first[1]), *((share < b, label) for b, label in rest), else_="≥ 50"
    )


def confidentiality_summary(wh: Warehouse) -> Table:
    """Per indicator and measure: cells protected, masked by reason, and the band of the
    information lost (share of the measure's value in masked cells). The build-level line is
    `ALL`. Implicit table totals (shares' denominators) are not counted as cells."""
    c = wh.table("confidentiality_cells")
    c = c.filter(c.dimensions != '"*"')
    zero = ibis.literal(0.0)

    def summary(t: Table) -> dict[str, ibis.Value]:
        value = t.value.abs().sum().fill_null(zero)
        lost = t.value.abs().sum(where=t.masked).fill_null(zero)
        return {
            "cells": t.count().cast("int64"),
            "frequency": t.count(where=t.mask_reason == "frequency").fill_null(0).cast("int64"),
            "dominance": t.count(where=t.mask_reason == "dominance").fill_null(0).cast("int64"),
            "secondary": t.count(where=t.mask_reason == "secondary").fill_null(0).cast("int64"),
            "information_lost_pct": loss_band(lost / value.nullif(0)).fill_null("0"),
        }

    per = c.group_by(["indicator_id", "measure"]).aggregate(**summary(c))
    whole = c.aggregate(**summary(c)).mutate(
        indicator_id=ibis.literal("ALL"), measure=ibis.literal("*")
    )
    return per.union(whole.select(*per.columns))


# table -> (query, order of its rows); materialised once, then fetched sorted.
def _report_tables(wh: Warehouse) -> dict[str, tuple[Table, tuple[str, ...]]]:
    return {
        "quality_reconciliation": (reconciliation(wh), ("kind", "input", "file")),
        "quality_by_reason": (by_reason(wh), ("severity_rank", "reason")),
        "quality_to_resolve": (to_resolve(wh), ("name", "entity_id")),
        "quality_partner_summary": (partner_summary(wh), ("outcome",)),
        "quality_decisions": (decisions_by_list(wh), ("input", "decision")),
        "quality_issues_fr": (issues_with_messages(wh, "fr"), ISSUE_ORDER),
        "quality_issues_en": (issues_with_messages(wh, "en"), ISSUE_ORDER),
        **(
            {"quality_confidentiality": (confidentiality_summary(wh), ("indicator_id", "measure"))}
            if wh.has_table("confidentiality_cells")
            else {}
        ),
    }


ISSUE_ORDER = ("file", "line", "column", "reason")


def _sorted(wh: Warehouse, name: str, order: tuple[str, ...]) -> pa.Table:
    t = wh.table(name)
    return wh.to_arrow(t.order_by([ibis.asc(t[c], nulls_first=False) for c in order]))


def build_report(wh: Warehouse, lang: str) -> QualityReport:
    """Materialise the report's tables (so the manifest holds their SQL) and fetch them.

    `issues` and `row_outcomes` gather every stage's records in one table each, for whoever
    opens the warehouse to audit a figure. The issues are materialised with their messages in
    both languages but fetched in the build's language only (`lang`), the one the quality page
    and `quality.csv` are written in: a 200,000-row input can have as many issues."""
    wh.materialise("issues", all_issues(wh))
    wh.materialise("row_outcomes", all_outcomes(wh))
    fetched = {}
    tables = _report_tables(wh)
    for name, (expr, order) in tables.items():
        wh.materialise(name, expr)
        if name.startswith("quality_issues_") and name != f"quality_issues_{lang}":
            continue
        t = wh.table(name)
        fetched[name] = wh.to_arrow(t.order_by([ibis.asc(t[c], nulls_first=False) for c in order]))
    recon = fetched["quality_reconciliation"]
    summary = {
        str(r["outcome"]): int(r["companies"])
        for r in fetched["quality_partner_summary"].to_pylist()
    }
    return QualityReport(
        issues={lang: fetched[f"quality_issues_{lang}"]},
        reconciliation=recon,
        by_reason=fetched["quality_by_reason"].drop_columns(["severity_rank"]),
        to_resolve=fetched["quality_to_resolve"],
        partner_summary=summary,
        input_files=wh.to_arrow(wh.table("input_files").order_by(["kind", "input", "file"])),
        resolution=_sorted(wh, "resolution", ("input", "file", "line")),
        review_queue=_sorted(wh, "review_queue", ("input", "file", "line")),
        decisions=fetched["quality_decisions"],
        changes=_sorted(wh, "resolution_changes", ("change", "input", "row_key")),
        rows_read_total=sum(int(v or 0) for v in recon.column("rows_read").to_pylist()),
        rows_rejected_total=sum(int(v or 0) for v in recon.column("rejected").to_pylist()),
        sql={name: wh.sql_log[name] for name in tables},
        confidentiality=fetched.get("quality_confidentiality"),
    )
