"""Build-level warnings: what makes a barometer's figures suspect even though no row failed.

Row-level issues say what happened to each row; some outcomes only mean something as a whole,
and each was once a build that exited 0 with quietly wrong figures: most of a file rejected
(beyond `[quality] max_rejected_share`), a headcount file for another year than the vintage
(every row rejected), a partner list none of whose companies could be placed (a SIREN header
the alias table did not know), a register with nothing in the region, an empty perimeter. They
are computed here, once, from the quality report's figures, and shown by the CLI summary, the
top of the quality page and the manifest. They never stop a build; `healthradar build --strict`
turns them into exit code 3.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from healthradar.i18n import fmt_number, fmt_share, t


@dataclass(frozen=True)
class BuildWarning:
    code: str  # rejected_share | year_mismatch | all_to_resolve | register_outside_region | ...
    file: str | None
    args: dict[str, Any] = field(default_factory=dict)  # int: a count, float: a share

    def message(self, lang: str) -> str:
        shown = {}
        for key, value in self.args.items():
            if isinstance(value, (bool, str)):
                shown[key] = str(value)
            elif isinstance(value, float):
                shown[key] = fmt_share(value, lang)
            else:
                shown[key] = fmt_number(value, lang)
        return t(lang, f"warn_{self.code}", file=self.file or "", **shown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "file": self.file,
            "message": {lang: self.message(lang) for lang in ("fr", "en")},
        }


def _years_by_file(issues: pa.Table) -> dict[str, list[str]]:
    """The years a headcount file gave instead of the vintage, by file."""
    wrong = issues.filter(pc.equal(issues["reason"], "year_mismatch"))
    years: dict[str, set[str]] = defaultdict(set)
    for file, value in zip(wrong["file"].to_pylist(), wrong["raw_value"].to_pylist(), strict=True):
        years[file].add(str(value))
    return {file: sorted(found) for file, found in years.items()}


def build_warnings(
    reconciliation: pa.Table,
    issues: pa.Table,
    register_counts: dict[str, int],
    perimeter_rows: int,
    scope: dict[str, Any],
    max_rejected_share: float,
) -> list[BuildWarning]:
    """Every build-level warning, files in reconciliation order.

    `scope` gives `region` (code), `region_name`, `vintage` and `core_naf`, for the messages."""
    found: list[BuildWarning] = []
    years = _years_by_file(issues)
    for row in reconciliation.to_pylist():
        file, read = row["file"], int(row["rows_read"] or 0)
        rejected, integrated = int(row["rejected"] or 0), int(row["integrated"] or 0)
        if read and rejected / read > max_rejected_share:
            found.append(
                BuildWarning(
                    "rejected_share",
                    file,
                    {
                        "rejected": rejected,
                        "rows": read,
                        "share": rejected / read,
                        "limit": float(max_rejected_share),
                    },
                )
            )
        if file in years and integrated == 0:
            found.append(
                BuildWarning(
                    "year_mismatch",
                    file,
                    {
                        "years": ", ".join(years[file]),
                        "vintage": str(scope["vintage"]),
                        "rows": read,
                        "year": years[file][0],
                    },
                )
            )
        to_resolve = int(row["to_resolve"] or 0)
        if row["kind"] == "partners" and integrated and to_resolve == integrated:
            found.append(BuildWarning("all_to_resolve", file, {"rows": integrated}))
    in_region = int(register_counts.get("in_region", 0) or 0)
    if register_counts and in_region == 0:
        found.append(
            BuildWarning(
                "register_outside_region",
                None,
                {
                    "region": f"{scope['region']} {scope['region_name']}",
                    "rows": int(register_counts.get("rows", 0) or 0),
                },
            )
        )
    elif perimeter_rows == 0:
        found.append(BuildWarning("empty_perimeter", None, {"core": ", ".join(scope["core_naf"])}))
    return found
