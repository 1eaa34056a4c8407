"""Estimate the u probabilities of the name comparison from register data alone (no labels).

u is how often a pair that is *not* a match shows each level. Splink's own estimator samples
random pairs of the whole register; the shipped model instead counts one true match per
1,000 *compared* pairs (`model.PRIOR`), so its u are frequencies among the pairs the blocking
rules bring together. This script measures exactly that, without any label: it writes a
partner list made of register companies themselves (the siège's exact denomination, postcode
and city; no SIREN), builds it with the shipped model, and counts, among the (row, company)
pairs whose company is *not* the one the row was written from, the share at each level of the
name comparison (each pair as `matching` keeps it: a company's best entry for the row).

The register is a derived benchmark register (``bench/data/resolve/register-<n>``, written by
``resolve_data.derive_register``: realistic name diversity); use one other than the register
the benchmark scores on, so that the estimate is not read off the evaluation data.

Usage::

    .venv/bin/python bench/estimate_u.py --register 4000000 --rows 2000 --seed 101
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resolve_data  # bench/ is not a package

DATA = Path(__file__).resolve().parent / "data"


def write_pseudo_partners(register: Path, project: Path, rows: int, seed: int) -> dict[str, str]:
    """A partner list of `rows` active sièges written exactly; returns line -> SIREN."""
    est, ul = register / "StockEtablissement.parquet", register / "StockUniteLegale.parquet"
    con = duckdb.connect()
    picked = con.execute(
        f"""
SELECT u.siren, u.denominationUniteLegale, e.libelleCommuneEtablissement,
       e.codePostalEtablissement
FROM read_parquet('{ul}') u JOIN read_parquet('{est}') e USING (siren)
WHERE u.etatAdministratifUniteLegale = 'A' AND u.denominationUniteLegale IS NOT NULL
  AND CAST(e.etablissementSiege AS VARCHAR) IN ('true', 'TRUE')
ORDER BY hash(u.siren || '{seed}') LIMIT {rows}"""
    ).fetchall()
    con.close()
    (project / "inputs").mkdir(parents=True, exist_ok=True)
    source = {}
    with (project / "inputs" / "partenaires.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(resolve_data.CSV_HEADER)
        for line, (siren, name, city, postcode) in enumerate(picked, start=2):
            w.writerow([name, "", city or "", postcode or "", ""])
            source[str(line)] = siren
    resolve_data.write_project(project, est, ul, title="u estimation")
    return source


def level_shares(project: Path, source: dict[str, str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w.duckdb"
        shutil.copy(project / "out" / "warehouse.duckdb", copy)
        con = duckdb.connect(str(copy), read_only=True)
        sql = "SELECT line, siren, gamma_name, gamma_place FROM match_pairs"
        pairs = con.execute(sql).fetchall()
        con.close()
    other = [(g, p) for line, siren, g, p in pairs if source.get(str(line)) != siren]
    names, places = Counter(g for g, _ in other), Counter(p for _, p in other)
    n = len(other)
    return {
        "non_match_pairs": n,
        "rows": len(source),
        "gamma_name": {g: names[g] / n for g in sorted(names, reverse=True)},
        "gamma_place": {p: places[p] / n for p in sorted(places, reverse=True)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--register", default="4000000", help="tag of bench/data/resolve/register-*")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=101)
    args = ap.parse_args()
    register = DATA / "resolve" / f"register-{args.register}"
    project = DATA / "resolve" / "projects" / f"u-r{args.register}-p{args.rows}-s{args.seed}"
    shutil.rmtree(project, ignore_errors=True)
    source = write_pseudo_partners(register, project, args.rows, args.seed)
    from healthradar.pipeline import build

    build(project)
    result = level_shares(project, source)
    print(json.dumps(result, indent=1))
    (project / "u.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
