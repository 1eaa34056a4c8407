"""Rows whose valid SIREN the register's names confirm are settled before scoring
(`resolve.given_siren`); every other row is left to the matcher."""

from __future__ import annotations

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.resolve.given_siren import confirm_given_sirens
from tests.resolve_tables import keyed_rows, strings

NOVALYS, KERATEC, NAMELESS, VELUMEA, DUPONT = (
    "111111118", "222222226", "333333334", "444444442", "555555550",
)  # fmt: skip


def _register(wh: Warehouse) -> None:
    units = [
        # siren, denomination, sigle
        (NOVALYS, "LABORATOIRES NOVALYS", None),
        (KERATEC, "KERATEC SAS", "KTC"),
        (NAMELESS, None, None),  # a natural person's business: no name at all
        (VELUMEA, "VELUMEA", None),  # no establishment in this register
        (DUPONT, "SELARL DUPONT", None),  # its pharmacy trades under a sign
    ]
    wh.load_arrow(
        "register_legal_units",
        strings(
            [
                {
                    "siren": s,
                    "denominationUniteLegale": name,
                    "sigleUniteLegale": sigle,
                    "denominationUsuelle1UniteLegale": None,
                    "etatAdministratifUniteLegale": "A",
                }
                for s, name, sigle in units
            ]
        ),
    )
    establishments = [(NOVALYS, None), (KERATEC, None), (NAMELESS, None)]
    establishments.append((DUPONT, "PHARMACIE DES ALPES"))
    wh.load_arrow(
        "register_establishments",
        strings(
            [
                {
                    "siren": s,
                    "siret": s + "00011",
                    "codeCommuneEtablissement": "69123",
                    "codePostalEtablissement": "69001",
                    "etatAdministratifEtablissement": "A",
                    "etablissementSiege": "true",
                    "enseigne1Etablissement": sign,
                    "denominationUsuelleEtablissement": None,
                }
                for s, sign in establishments
            ]
        ),
    )
    wh.load_arrow(
        "ref_commune_aliases",
        strings([{"code_insee_ancien": "00000", "code_insee": "00000"}]),
    )


def _rows(wh: Warehouse, rows: list[tuple[int, str | None, str | None]]) -> None:
    """Rows left after carry-over (line, name, valid SIREN)."""
    given = [{"line": line, "name": name, "siren_key": siren} for line, name, siren in rows]
    keyed_rows(wh, "resolve_uncarried", given)


def test_rows_whose_names_agree_are_settled_the_others_go_on() -> None:
    wh = memory_warehouse()
    _register(wh)
    _rows(
        wh,
        [
            (2, "Novalys", NOVALYS),  # 'novalys' is a distinctive word of the denomination
            (3, "KTC", KERATEC),  # the sigle's key
            (4, "Zorbatique", NOVALYS),  # no word in common: a SIREN of another company?
            (5, None, KERATEC),  # no name: nothing contradicts the SIREN
            (6, "Atelier Martin", NAMELESS),  # the register has no name to compare
            (7, "Velumea", VELUMEA),  # no establishment: no entry to confirm it
            (8, "Keratek", KERATEC),  # a typo: left to Splink's Jaro-Winkler levels
            (9, "Keratec", None),  # no SIREN given
            (10, "Pharmacie des Alpes", DUPONT),  # the establishment's sign
        ],
    )
    assert confirm_given_sirens(wh) == 5
    settled = {
        r["line"]: (r["confirmed_siren"], r["confirmed_name"])
        for r in wh.to_rows(wh.table("resolve_confirmed"))
    }
    assert settled == {
        2: (NOVALYS, "LABORATOIRES NOVALYS"),
        3: (KERATEC, "KTC"),
        5: (KERATEC, "KERATEC SAS"),  # no name: the denomination is shown first
        6: (NAMELESS, None),
        10: (DUPONT, "PHARMACIE DES ALPES"),
    }
    left = sorted(r["line"] for r in wh.to_rows(wh.table("resolve_unsettled")))
    assert left == [4, 7, 8, 9]
