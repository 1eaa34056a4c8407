"""The demo's headcounts file: one 2024 headcount per health establishment, with defects.

Invalid SIRETs, non-numeric and negative values, duplicated SIRETs, SIRETs absent from the
register and rows of another year are injected and recorded as `Defect`s, like the partner lists'.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from pathlib import Path

from stdnum import luhn

from healthradar.demo.partners import Defect
from healthradar.demo.register import BOUNDS, CORE_NAF, Establishment, LegalUnit


def is_core(est: Establishment) -> bool:
    """An establishment under one of the five core codes (NAF rév. 2 only)."""
    return est.naf in CORE_NAF and est.nomenclature == "NAFRev2"


def _headcount_value(rng: random.Random, est: Establishment) -> str:
    """A 2024 headcount consistent with the establishment's 2023 tranche; some decimals."""
    low, high = BOUNDS[est.tranche] if est.tranche else (0, 3)
    value: float = rng.randint(low, high) if high else rng.choice((0, 1, 1, 2))
    if value > low and rng.random() < 0.12:
        value -= 0.5
    return f"{value:g}"


def write_headcounts(
    rng: random.Random,
    units: list[LegalUnit],
    new_siren: Callable[[], str],
    target: Path,
    file: str,
    vintage: str,
) -> tuple[list[Defect], int]:
    """One row for ~70 % of active core and revealed establishments in the region, plus defects."""
    eligible = sorted(
        (
            e
            for u in units
            for e in u.establishments
            if e.active and e.in_region and (is_core(e) or u.kind == "revealed")
        ),
        key=lambda e: e.siret,
    )
    chosen = rng.sample(eligible, round(0.7 * len(eligible)))
    picked = {e.siret for e in chosen}
    spare = [e for e in eligible if e.siret not in picked]
    rows: list[tuple[list[str], tuple[str, str, str] | None]] = [
        ([e.siret, _headcount_value(rng, e), vintage], None) for e in chosen
    ]
    for est in spare[:5]:
        pos = rng.randrange(14)
        digit = rng.choice([d for d in "0123456789" if d != est.siret[pos]])
        bad = est.siret[:pos] + digit + est.siret[pos + 1 :]
        rows.append(([bad, _headcount_value(rng, est), vintage], ("siret", bad, "siret_invalid")))
    for est, raw in zip(spare[5:8], ("n.c.", "", "abc"), strict=True):
        rows.append(([est.siret, raw, vintage], ("headcount", raw, "number_invalid")))
    for est, raw in zip(spare[8:10], ("-3", "-12.5"), strict=True):
        rows.append(([est.siret, raw, vintage], ("headcount", raw, "number_negative")))
    for est in spare[10:12]:
        rows.append(
            ([est.siret, _headcount_value(rng, est), "2023"], ("year", "2023", "year_mismatch"))
        )
    for _ in range(4):
        stem = new_siren() + "0001"  # a SIREN the register does not hold
        siret = stem + luhn.calc_check_digit(stem)
        value = str(rng.randint(1, 40))
        rows.append(([siret, value, vintage], ("siret", siret, "siret_not_in_register")))
    rng.shuffle(rows)
    for original, _ in rng.sample([r for r in rows if r[1] is None], 3):
        at = rng.randint(rows.index((original, None)) + 1, len(rows))
        rows.insert(at, (list(original), ("siret", original[0], "duplicate")))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["siret", "effectif_salarie", "annee"])
    defects = []
    for line, (cells, defect) in enumerate(rows, start=2):
        writer.writerow(cells)
        if defect:
            defects.append(Defect(file, line, *defect))
    (target / file).write_bytes(buffer.getvalue().encode("utf-8"))
    return defects, len(rows)
