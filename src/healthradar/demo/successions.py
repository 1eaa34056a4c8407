"""The demo's succession links (INSEE `StockEtablissementLiensSuccession` layout).

About half of the closed health companies were taken over: their head office's establishment is
linked to the head office of an active health company of the region, on the day it closed. The
resolve stage reports those successors beside the closed company a partner list still names.
The other links INSEE publishes (moves within one company) are left out: they name no successor.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from healthradar.demo.register import LegalUnit

SUCCESSION_COLUMNS = (
    "siretEtablissementPredecesseur",
    "siretEtablissementSuccesseur",
    "dateLienSuccession",
    "transfertSiege",
    "continuiteEconomique",
    "dateDernierTraitementLienSuccession",
)


def takeovers(rng: random.Random, units: list[LegalUnit]) -> dict[str, str]:
    """Closed health company's SIREN -> the SIREN of the active company that took it over."""
    ordered = sorted(units, key=lambda u: u.siren)
    closed = [u for u in ordered if u.kind != "ordinary" and not u.active]
    buyers = [
        u for u in ordered if u.kind in ("core", "revealed") and u.active and u.siege.in_region
    ]
    return {u.siren: rng.choice(buyers).siren for u in closed if rng.random() < 0.5}


def write_successions(units: list[LegalUnit], taken_over: dict[str, str], path: Path) -> int:
    """Write one link per takeover (siège to siège, dated the day the company closed)."""
    by_siren = {u.siren: u for u in units}
    rows = []
    for closed, buyer in sorted(taken_over.items()):
        before, after = by_siren[closed].siege, by_siren[buyer].siege
        rows.append(
            {
                "siretEtablissementPredecesseur": before.siret,
                "siretEtablissementSuccesseur": after.siret,
                "dateLienSuccession": before.debut,
                "transfertSiege": "false",
                "continuiteEconomique": "true",
                "dateDernierTraitementLienSuccession": f"{before.debut}T00:00:00",
            }
        )
    schema = pa.schema([(c, pa.string()) for c in SUCCESSION_COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression="zstd")
    return len(rows)
