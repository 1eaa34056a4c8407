"""What became of a closed company: its active successor, from INSEE's succession links.

Partner lists often name a company that has since been taken over, or whose head office moved
under a new SIREN. The register records this as links between establishments (predecessor SIRET
→ successor SIRET, with a date: `StockEtablissementLiensSuccession`, declared as
`[inputs.register] successions`). A row decided on a closed legal unit is reported with the
active legal unit its establishments passed to, following up to `MAX_HOPS` links through closed
units (A closed → B closed → C active).

The decision itself is not changed: the partner named that company, and the figures count what
the register says of it. The successor is shown to the analyst, who moves the row with a review
decision (`other SIREN`) when the list meant the successor — one company's takeover by another
is not always the same member of a cluster.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse

#: succession links followed from a closed company before giving up
MAX_HOPS = 3


def succession_links(wh: Warehouse) -> Table:
    """Links between two different legal units (a link between two establishments of one
    company — a move within the same SIREN — says nothing of a successor)."""
    s = wh.table("register_successions")
    links = s.select(
        from_siren=s.siretEtablissementPredecesseur.substr(0, 9),
        to_siren=s.siretEtablissementSuccesseur.substr(0, 9),
        link_date=s.dateLienSuccession,
    )
    usable = links.from_siren.notnull() & links.to_siren.notnull()
    return links.filter(usable & (links.from_siren != links.to_siren)).distinct()


def unit_states(wh: Warehouse) -> Table:
    """Each legal unit's administrative state and the name shown for it."""
    units = wh.table("register_legal_units")
    return units.select(
        "siren",
        state=units.etatAdministratifUniteLegale,
        unit_name=units.denominationUniteLegale.coalesce(units.sigleUniteLegale),
    )


def successors(wh: Warehouse, sirens: Table) -> Table:
    """For each closed legal unit among `sirens` (a table with a `siren` column): its nearest
    active successor (`siren`, `successor_siren`, `successor_name`, `hops`, `link_date`).

    Nearest means fewest links; among successors as near, the latest link wins, then the
    smallest SIREN, so that two builds of the same files report the same successor. A closed
    unit no link leads from to an active one is absent from the result."""
    states = unit_states(wh)
    links = succession_links(wh)
    closed = sirens.select("siren").distinct().join(states.filter(states.state == "C"), "siren")
    frontier = closed.select(start=closed.siren, at=closed.siren)
    reached = []
    for hop in range(1, MAX_HOPS + 1):
        step = frontier.join(links, frontier.at == links.from_siren)
        step = step.select(
            start=step.start, at=step.to_siren, link_date=step.link_date, hops=ibis.literal(hop)
        )
        step = step.filter(step.at != step.start)
        step = step.join(states, step.at == states.siren).select(step, "state", "unit_name")
        reached.append(step.filter(step.state == "A"))
        frontier = step.filter(step.state == "C").select("start", "at").distinct()
    found = ibis.union(*reached, distinct=True)
    rank = ibis.row_number().over(
        group_by="start", order_by=[found.hops, found.link_date.desc(), found.at]
    )
    best = found.mutate(rank=rank)
    best = best.filter(best.rank == 0)
    return best.select(
        siren=best.start,
        successor_siren=best.at,
        successor_name=best.unit_name,
        hops=best.hops.cast("int64"),
        link_date=best.link_date,
    )
