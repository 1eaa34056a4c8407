"""Filière of each establishment: from the NAF map for the core, from partner labels otherwise.

Partners describe companies in their own words ('Biotech / Pharma', 'DM', 'e-santé'...). Labels
are folded (case, accents, punctuation) and looked up in a synonym table; the defaults live in
`reference.filieres`, and `[filieres] labels` in the config extends or overrides them. When the
partners of one company disagree, recognised labels outvote unknown ones, then the most frequent
filière wins, ties going to the order of `FILIERES`. A label that maps to nothing counts as
'Autre' only when the company has no recognised label, and is reported, so the user can extend
the map.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from healthradar.contracts import normalise_header
from healthradar.engine import Warehouse
from healthradar.engine.expressions import fold
from healthradar.quality.records import record_issues
from healthradar.reference.filieres import DEFAULT_LABELS, FILIERES, NOT_GIVEN, OTHER

__all__ = [
    "DEFAULT_LABELS",
    "NOT_GIVEN",
    "OTHER",
    "classify_entity_filieres",
    "load_filiere_maps",
]

# Separator of the labels behind a vote, as the perimeter's `filiere_rule` shows them.
_SEP = " | "
# Width of the rank prefix that orders the labels of a company before it is cut off again.
_RANK_WIDTH = 4


def load_filiere_maps(wh: Warehouse, naf_map: dict[str, str], extra_labels: dict[str, str]) -> None:
    """`filiere_labels` (folded label -> filière), `filiere_naf`, `filiere_order`."""
    labels = {normalise_header(k): v for k, v in DEFAULT_LABELS.items()}
    labels.update({normalise_header(k): v for k, v in extra_labels.items()})
    order = {name: i for i, name in enumerate(FILIERES)}
    names = sorted({*labels.values(), *naf_map.values()}, key=lambda f: (order.get(f, 99), f))
    pairs = sorted(labels.items())
    wh.load_arrow(
        "filiere_labels",
        pa.table(
            {"label_key": [k for k, _ in pairs], "filiere": [v for _, v in pairs]},
            schema=pa.schema([("label_key", pa.string()), ("filiere", pa.string())]),
        ),
    )
    naf = sorted(naf_map.items())
    wh.load_arrow(
        "filiere_naf",
        pa.table(
            {"naf": [k for k, _ in naf], "filiere": [v for _, v in naf]},
            schema=pa.schema([("naf", pa.string()), ("filiere", pa.string())]),
        ),
    )
    wh.load_arrow(
        "filiere_order",
        pa.table(
            {"filiere": names, "ord": list(range(len(names)))},
            schema=pa.schema([("filiere", pa.string()), ("ord", pa.int32())]),
        ),
    )


def _partner_labels(wh: Warehouse) -> int:
    links = wh.table("entity_links")
    links = links.filter(links.filiere_label.notnull())
    keyed = links.select(
        "input", "file", "line", "siren", "filiere_label", key=fold(links.filiere_label)
    )
    labels = wh.table("filiere_labels")
    joined = keyed.left_join(labels, keyed.key == labels.label_key)
    return wh.materialise(
        "partner_labels",
        joined.select(
            "input",
            "file",
            "line",
            "siren",
            "filiere_label",
            filiere=joined.filiere.fill_null(OTHER),
            known=joined.filiere.notnull(),
        ),
    )


def classify_entity_filieres(wh: Warehouse) -> int:
    """`entity_filieres`: one filière per listed company (SIREN), with the labels behind it.

    Columns: siren, filiere (the winning vote), labels (the distinct partner labels, those of
    the winner first, then by rank, alphabetical within a filière), n_candidates."""
    _partner_labels(wh)
    p = wh.table("partner_labels")
    unknown = p.filter(~p.known)
    record_issues(
        wh,
        "classify",
        "filiere_unknown",
        unknown.select(
            "input",
            "file",
            "line",
            column=ibis.literal("filiere"),
            raw_value=unknown.filiere_label,
            reason=ibis.literal("filiere_unknown"),
            detail=ibis.literal(OTHER),
        ),
    )
    p = p.filter(p.siren.notnull())
    order = wh.table("filiere_order").rename(o_filiere="filiere")
    votes = (
        p.left_join(order, p.filiere == order.o_filiere)
        .group_by(["siren", "filiere"])
        .aggregate(
            known=lambda t: t.known.any(),
            n=lambda t: t.count(),
            ord=lambda t: t.ord.max().fill_null(99),
        )
    )
    rank = ibis.row_number().over(
        group_by=votes.siren,
        order_by=[
            votes.known.ifelse(0, 1),
            ibis.desc(votes.n),
            votes.ord,
            votes.filiere,
        ],
    )
    votes = votes.mutate(rank=rank)
    # The labels of each filière, prefixed with its rank so that sorting the collected list
    # puts them in vote order (alphabetical within a filière); the prefix is cut off again.
    distinct = p.select("siren", "filiere", "filiere_label").distinct()
    ranked = distinct.join(votes, ["siren", "filiere"])
    keyed = ranked.select(
        "siren",
        item=ranked.rank.cast(dt.string).lpad(_RANK_WIDTH, "0") + ranked.filiere_label,
    )
    labels = keyed.group_by("siren").aggregate(
        labels=keyed.item.collect().sort().map(lambda x: x.substr(_RANK_WIDTH)).join(_SEP)
    )
    winners = votes.group_by("siren").aggregate(
        filiere=votes.filiere.max(where=votes.rank == 0),
        n_candidates=votes.count(),
    )
    result = winners.join(labels, "siren").select("siren", "filiere", "labels", "n_candidates")
    return wh.materialise("entity_filieres", result)
