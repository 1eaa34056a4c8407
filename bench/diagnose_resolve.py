"""Why the resolve stage misses the rows it misses, on a benchmark project already built.

Reads the project's truth file and the build's warehouse (``out/warehouse.duckdb``, copied
first so that a running build is not disturbed) and sorts every present row the build did not
link to its true company into one cause:

- ``no_candidate_unit``: the true company was not among the candidate legal units (the word
  lookup of `word_lookup.candidate_units` never brought it);
- ``not_blocked``: it was a candidate, but no blocking rule paired the row with any of its
  entries;
- ``outranked``: scored, but another company scored higher;
- ``below_review`` / ``below_match``: scored best, but under the review / automatic threshold;
- ``ambiguous``: scored best and above the threshold, but a rival came within the margin;
- ``other``: anything else (a given SIREN believed, a merge into a wrong entity...).

For each cause it prints the count, the noise kinds involved and, for scored rows, the levels
of the name and place comparisons that fired. A diagnostic aid: it asserts nothing.

Usage::

    .venv/bin/python bench/diagnose_resolve.py bench/data/resolve/projects/r400000-p3300-s8
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import duckdb


def diagnose(project: Path, show: int = 0) -> dict[str, list[dict[str, object]]]:
    with (project / "truth.csv").open(encoding="utf-8", newline="") as f:
        truth = {t["line"]: t for t in csv.DictReader(f) if t["true_siren"]}
    with (project / "out" / "exports" / "resolution.csv").open(encoding="utf-8-sig") as f:
        res = {r["line"]: r for r in csv.DictReader(f) if r["input"] == "bench"}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(project / "out" / "warehouse.duckdb", copy)
        con = duckdb.connect(str(copy), read_only=True)
        units = {s for (s,) in con.execute("SELECT siren FROM resolve_candidate_units").fetchall()}
        ranked: dict[str, list[tuple]] = {}
        for row in con.execute(
            "SELECT line, siren, probability, weight, gamma_name, gamma_place, position,"
            " register_name FROM match_ranked ORDER BY line, position"
        ).fetchall():
            ranked.setdefault(str(row[0]), []).append(row[1:])
        entries = {
            s for (s,) in con.execute("SELECT DISTINCT siren FROM resolve_register").fetchall()
        }
        con.close()
    causes: dict[str, list[dict[str, object]]] = {}
    for line, t in truth.items():
        r = res[line]
        if r["siren"] == t["true_siren"]:
            continue
        if r["decision"] == "merged" and not r["siren"]:
            continue  # the benchmark ignores these too
        pairs = ranked.get(line, [])
        mine = next((p for p in pairs if p[0] == t["true_siren"]), None)
        if t["true_siren"] not in units:
            cause = "no_candidate_unit"
        elif t["true_siren"] not in entries or mine is None:
            cause = "not_blocked"
        elif mine[5] != 0:
            cause = "outranked"
        elif mine[1] < 0.30:
            cause = "below_review"
        elif mine[1] < 0.99:
            cause = "below_match"
        elif r["rule"] == "ambiguous_homonyms":
            cause = "ambiguous"
        else:
            cause = "other"
        causes.setdefault(cause, []).append(
            {"truth": t, "decision": r["decision"], "rule": r["rule"], "mine": mine,
             "best": pairs[0] if pairs else None}
        )  # fmt: skip
    for cause, rows in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        kinds = Counter(k for x in rows for k in x["truth"]["kinds"].split("|"))  # type: ignore[index]
        print(f"\n{cause}: {len(rows)}")
        print("  kinds:", ", ".join(f"{k} {n}" for k, n in kinds.most_common(8)))
        levels = Counter((x["mine"][3], x["mine"][4]) for x in rows if x["mine"])  # type: ignore[index]
        if levels:
            print("  (gamma_name, gamma_place):", dict(levels.most_common(10)))
        for x in rows[:show]:
            t = x["truth"]
            print(
                f"   L{t['line']} {t['kinds']}: {t['name']!r} [{t['postcode']} {t['city']}]"  # type: ignore[index]
                f" true {t['register_name']!r} -> {x['decision']} {x['rule']};"  # type: ignore[index]
                f" mine {x['mine']}; best {x['best']}"
            )
    return causes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--show", type=int, default=0, help="examples printed per cause")
    args = ap.parse_args()
    diagnose(args.project, args.show)


if __name__ == "__main__":
    main()
