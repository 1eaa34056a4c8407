"""The names a legal unit of the register is known by: read by the national word lookup
(`word_lookup`), the lookup among the companies of a row's place (`local_typos`) and the
register side of the comparison (`candidates`)."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse


def unit_names(wh: Warehouse, with_signs: bool = False) -> Table:
    """(siren, variant, name) for every name a legal unit is known by; with its
    establishments' signs and usual names when `with_signs` (to find candidates by them)."""
    lu = wh.table("register_legal_units")
    parts = [
        lu.select("siren", variant=ibis.literal(variant), name=lu[column])
        for variant, column in (
            ("denomination", "denominationUniteLegale"),
            ("sigle", "sigleUniteLegale"),
            ("usual", "denominationUsuelle1UniteLegale"),
        )
    ]
    if with_signs:
        est = wh.table("register_establishments")
        parts += [
            est.select("siren", variant=ibis.literal(variant), name=est[column])
            for variant, column in (
                ("enseigne", "enseigne1Etablissement"),
                ("establishment", "denominationUsuelleEtablissement"),
            )
        ]
    names = parts[0].union(*parts[1:])
    return names.filter(names.name.notnull())
