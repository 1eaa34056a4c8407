"""The demo's succession file: INSEE's layout, and each link a takeover of a closed health
company by an active one of the region, as `demo-truth.json` records it."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from healthradar.demo import SUCCESSIONS_FILE, generate
from healthradar.demo.register import build_register
from healthradar.demo.successions import SUCCESSION_COLUMNS, takeovers


def test_succession_links_are_the_recorded_takeovers(tmp_path: Path) -> None:
    truth = generate(tmp_path / "demo")
    table = pq.read_table(tmp_path / "demo" / SUCCESSIONS_FILE)
    # the layout of INSEE's StockEtablissementLiensSuccession (docs: INPUTS-REFERENCE § 1.4)
    assert (
        tuple(table.column_names)
        == SUCCESSION_COLUMNS
        == (
            "siretEtablissementPredecesseur",
            "siretEtablissementSuccesseur",
            "dateLienSuccession",
            "transfertSiege",
            "continuiteEconomique",
            "dateDernierTraitementLienSuccession",
        )
    )
    assert all(t == pa.string() for t in table.schema.types)
    links = {
        (r["siretEtablissementPredecesseur"][:9], r["siretEtablissementSuccesseur"][:9])
        for r in table.to_pylist()
    }
    assert links == set(truth.taken_over.items())
    assert table.num_rows == len(truth.taken_over) > 0


def test_only_closed_companies_are_taken_over_by_active_ones() -> None:
    units = build_register(random.Random(2026)).units
    by_siren = {u.siren: u for u in units}
    taken = takeovers(random.Random(7), units)
    closed = [u for u in units if u.kind != "ordinary" and not u.active]
    assert taken and len(taken) < len(closed)  # about half of them
    for before, after in taken.items():
        assert not by_siren[before].active and by_siren[before].kind != "ordinary"
        assert by_siren[after].active and by_siren[after].siege.in_region
