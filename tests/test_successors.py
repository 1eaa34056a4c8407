"""A closed company is reported with its active successor (`resolve.successors`): succession
links between establishments are followed from legal unit to legal unit, through closed ones,
to the nearest active one."""

from __future__ import annotations

import pyarrow as pa

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.resolve.successors import MAX_HOPS, successors
from tests.resolve_tables import strings

# Legal units, by what the test makes of them (SIRENs are only 9-digit strings here: the
# successor search does not check them).
UNITS = {
    "100000001": ("ALPHA", "C"),  # closed, taken over by BETA
    "100000002": ("BETA", "A"),
    "100000003": ("GAMMA", "C"),  # closed → DELTA (closed) → EPSILON (active): two hops
    "100000004": ("DELTA", "C"),
    "100000005": ("EPSILON", "A"),
    "100000006": ("ZETA", "C"),  # two active successors: the later link wins
    "100000007": ("ETA", "A"),
    "100000008": ("THETA", "A"),
    "100000009": ("IOTA", "C"),  # its only link stays within its own SIREN: no successor
    "100000010": ("KAPPA", "A"),  # active: never looked up, though a link leaves it
    "100000011": ("LAMBDA", "C"),  # chain longer than MAX_HOPS
    "100000012": ("MU", "C"),
    "100000013": ("NU", "C"),
    "100000014": ("XI", "C"),
    "100000015": ("OMICRON", "A"),
    "100000016": ("PI", "C"),  # its successor is not in the register
}


def _siret(siren: str, nic: str = "00011") -> str:
    return siren + nic


LINKS = [
    # predecessor SIRET, successor SIRET, date
    (_siret("100000001"), _siret("100000002"), "2021-03-01"),
    (_siret("100000003"), _siret("100000004"), "2018-01-01"),
    (_siret("100000004"), _siret("100000005"), "2020-06-30"),
    (_siret("100000006"), _siret("100000007"), "2019-01-01"),
    (_siret("100000006", "00029"), _siret("100000008"), "2022-09-15"),
    (_siret("100000009"), _siret("100000009", "00037"), "2023-01-01"),
    (_siret("100000010"), _siret("100000002"), "2024-01-01"),
    (_siret("100000011"), _siret("100000012"), "2015-01-01"),
    (_siret("100000012"), _siret("100000013"), "2016-01-01"),
    (_siret("100000013"), _siret("100000014"), "2017-01-01"),
    (_siret("100000014"), _siret("100000015"), "2018-01-01"),
    (_siret("100000016"), _siret("999999999"), "2020-01-01"),
]


def _register(wh: Warehouse) -> None:
    wh.load_arrow(
        "register_legal_units",
        strings(
            [
                {
                    "siren": siren,
                    "denominationUniteLegale": name,
                    "sigleUniteLegale": None,
                    "etatAdministratifUniteLegale": state,
                }
                for siren, (name, state) in UNITS.items()
            ]
        ),
    )
    wh.load_arrow(
        "register_successions",
        strings(
            [
                {
                    "siretEtablissementPredecesseur": before,
                    "siretEtablissementSuccesseur": after,
                    "dateLienSuccession": day,
                    "transfertSiege": "false",
                    "continuiteEconomique": "true",
                }
                for before, after, day in LINKS
            ]
        ),
    )


def _successors_of(wh: Warehouse, sirens: list[str]) -> dict[str, tuple[str, str, int]]:
    wh.load_arrow("decided", pa.table({"siren": pa.array(sirens, pa.string())}))
    rows = wh.to_rows(successors(wh, wh.table("decided")))
    return {r["siren"]: (r["successor_siren"], r["successor_name"], r["hops"]) for r in rows}


def test_each_closed_company_gets_its_nearest_active_successor() -> None:
    wh = memory_warehouse()
    _register(wh)
    found = _successors_of(wh, sorted(UNITS))
    # Worked out from LINKS by hand: ALPHA → BETA in one link; GAMMA → DELTA (closed) →
    # EPSILON in two; ZETA has two active successors, THETA's link (2022) is later than ETA's
    # (2019); LAMBDA needs four links (> MAX_HOPS = 3); IOTA's link stays in its own SIREN;
    # PI's successor is not in the register; KAPPA is active (not looked up). The closed units
    # inside the chains are looked up too: DELTA → EPSILON (1); MU → NU → XI → OMICRON (3),
    # NU (2), XI (1).
    assert MAX_HOPS == 3
    assert found == {
        "100000001": ("100000002", "BETA", 1),
        "100000003": ("100000005", "EPSILON", 2),
        "100000004": ("100000005", "EPSILON", 1),
        "100000006": ("100000008", "THETA", 1),
        "100000012": ("100000015", "OMICRON", 3),
        "100000013": ("100000015", "OMICRON", 2),
        "100000014": ("100000015", "OMICRON", 1),
    }


def test_only_the_given_companies_are_looked_up() -> None:
    wh = memory_warehouse()
    _register(wh)
    # the same SIREN twice (two partner rows) gives one answer
    assert _successors_of(wh, ["100000003", "100000003", "100000002"]) == {
        "100000003": ("100000005", "EPSILON", 2)
    }


def test_no_succession_file_means_no_successor() -> None:
    wh = memory_warehouse()
    _register(wh)
    wh.load_arrow("register_successions", wh.to_arrow("register_successions").slice(0, 0))
    assert _successors_of(wh, sorted(UNITS)) == {}
