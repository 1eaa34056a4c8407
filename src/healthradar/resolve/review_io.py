"""`healthradar review accept`: turn a filled review file into the standing decisions file.

The analyst fills the `decision` column of `out/review/matches_to_review.csv` (or `.xlsx`) with
`accept` or `reject`, and may replace the proposed `siren` with another one. The filled rows are
merged into `inputs/review_decisions.csv` (a later decision on the same row replaces an earlier
one), which the next build re-applies. Rows left blank are not decisions and are skipped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from healthradar.ingest.review_file import REVIEW_COLUMNS

ACTIONS = ("accept", "reject")


@dataclass(frozen=True)
class Accepted:
    added: int
    replaced: int
    skipped: int  # rows without a decision
    invalid: list[str]  # 'file:line: reason' of rows with an unusable decision
    target: Path


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import fastexcel

        sheet = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_arrow()
        return [{k: (v or "") for k, v in row.items()} for row in sheet.to_pylist()]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def accept_review_file(project_dir: Path, source: Path | None = None) -> Accepted:
    source = source or project_dir / "out" / "review" / "matches_to_review.csv"
    target = project_dir / "inputs" / "review_decisions.csv"
    existing: dict[tuple[str, str], dict[str, str]] = {}
    if target.is_file():
        with target.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                existing[(row["input"], row["row_key"])] = row
    added = replaced = skipped = 0
    invalid: list[str] = []
    for row in _rows(source):
        action = (row.get("decision") or "").strip().lower()
        where = f"{row.get('file', '?')}:{row.get('line', '?')}"
        if not action:
            skipped += 1
            continue
        siren = "".join(ch for ch in (row.get("siren") or "") if ch.isdigit())
        if action not in ACTIONS:
            invalid.append(f"{where}: decision {action!r} is neither accept nor reject")
            continue
        if action == "accept" and len(siren) != 9:
            invalid.append(f"{where}: accept needs a 9-digit SIREN, not {row.get('siren')!r}")
            continue
        key = (row.get("input", ""), row.get("row_key", ""))
        replaced += key in existing
        added += key not in existing
        existing[key] = {
            "input": key[0],
            "row_key": key[1],
            "file": row.get("file", ""),
            "line": row.get("line", ""),
            "name": row.get("name", ""),
            "decision": action,
            "siren": siren if action == "accept" else "",
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(existing[k] for k in sorted(existing))
    tmp.replace(target)
    return Accepted(added, replaced, skipped, invalid, target)
