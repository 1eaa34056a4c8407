"""Typos found among the companies of the row's own place: for a word no register name holds,
the words within two edits of it in the names of the legal units that have an establishment in
the commune the row names.

The national lookup (`word_lookup.near_words`) only goes one edit away, and gives up on a word
whose neighbourhood is crowded: on the 40 M synthetic register, nearly every word is held by
thousands of names, so 'dpaogor' (for 'DAPOGOR') or 'staocon' (for 'STACOON') had neighbours
in too many names to say anything, and a second typo in a word ('xerqgeun' for 'XERAGEN') was
never looked up. On the training draw, 279 of the 343 present rows whose company was never a
candidate (or never paired) had it in the row's commune. A commune holds a few thousand
companies at most, so every word of their names can be compared with the row's by edit
distance there.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import fold
from healthradar.reference import city_of_commune
from healthradar.resolve.edits import one_edit_apart
from healthradar.resolve.register_names import unit_names

#: most edits (Levenshtein: a swap of two letters counts two) between a row's unknown word and
#: a word of a company of its place; of those, only the closest count (one edit, a swap
#: included, when the place has any: `edits.one_edit_apart`)
MAX_LOCAL_EDITS = 2
#: a row's word near the words of more legal units of its place than this says nothing about
#: which one it is ('servces', near every 'SERVICES' of a city): it makes no candidate, unless
#: the units holding every distinctive word of the row (up to typos) are at most as many
MAX_LOCAL_UNITS = 20
#: shortest distinctive word compared as it is (a word no register name holds is compared up to
#: typos from `word_lookup.MIN_NEAR_LENGTH` letters)
MIN_WORD_LENGTH = 3


def _row_places(wh: Warehouse) -> Table:
    """(unique_id, word, unknown, place): the distinctive words of the rows to score that have
    a place and a word no register name holds (`resolve_unknown_words`: `unknown`), or a city
    name several communes bear (a row the national lookup cannot place in one département), with
    the commune the row names, or each of the communes its city name may be."""
    rows = wh.table("resolve_to_score")
    words = rows.select("unique_id", "commune", "commune_set", word=rows.core_tokens.unnest())
    words = words.filter(words.word.length() >= MIN_WORD_LENGTH)
    typos = wh.table("resolve_unknown_words").select(typo=ibis._.word)
    words = words.left_join(typos, words.word == typos.typo)
    words = words.select(
        "unique_id", "commune", "commune_set", "word", unknown=words.typo.notnull()
    )
    per_row = words.group_by("unique_id").aggregate(typos=words.unknown.ifelse(1, 0).max())
    words = words.join(per_row, "unique_id")
    one = words.filter(words.commune.notnull() & (words.typos == 1))
    one = one.select("unique_id", "word", "unknown", place=one.commune)
    several = words.filter(words.commune.isnull() & words.commune_set.notnull())
    several = several.select("unique_id", "word", "unknown", place=several.commune_set.unnest())
    return one.union(several).distinct()


def _local_units(wh: Warehouse, places: Table) -> Table:
    """(siren, commune, place): the legal units with an establishment in one of `places`, with
    the commune of that establishment as the register side keeps it (a former commune under its
    current code) and the place it is in: the commune itself, or the whole city of an
    arrondissement (a row naming 'Lyon' is in every Lyon arrondissement, as the place level of
    `model.settings` says)."""
    est = wh.table("register_establishments")
    aliases = wh.table("ref_commune_aliases")
    est = est.left_join(aliases, est.codeCommuneEtablissement == aliases.code_insee_ancien)
    est = est.select("siren", commune=est.code_insee.coalesce(est.codeCommuneEtablissement))
    wanted = places.select("place").distinct()
    own = est.mutate(place=est.commune)
    city = est.mutate(place=city_of_commune(est.commune))
    city = city.filter(city.place != city.commune)
    both = own.union(city)
    return both.semi_join(wanted, "place").distinct()


def _local_pairs(places: Table, here: Table) -> Table:
    """(unique_id, word, place, siren, commune, near): each word of `places` with the words of
    the units of its place (`here`) it may be: itself for a word the register holds; for one
    it does not, the closest within `MAX_LOCAL_EDITS` ('tediis' is 'TEDIDIS', a letter dropped,
    not 'HEDILIS', two edits, when the place has both)."""
    cols = ["unique_id", "word", "place", "siren", "commune", "near"]
    known = places.filter(~places.unknown)
    same = known.join(here, [known.place == here.place, known.word == here.token])
    same = same.select(*cols[:3], "siren", "commune", near=same.word)
    typos = places.filter(places.unknown).join(here, "place")
    typos = typos.filter((typos.word.length() - typos.token.length()).abs() <= MAX_LOCAL_EDITS)
    typos = typos.filter(typos.word.levenshtein(typos.token) <= MAX_LOCAL_EDITS)
    typos = typos.mutate(edits=one_edit_apart(typos.word, typos.token).ifelse(1, 2))
    by_word = ["unique_id", "word", "place"]
    closest = typos.group_by(by_word).aggregate(fewest=typos.edits.min())
    typos = typos.join(closest, by_word)
    typos = typos.filter(typos.edits == typos.fewest)
    return same.union(typos.select(*cols[:5], near=typos.token))


def local_near_words(wh: Warehouse) -> int:
    """`resolve_local_near`: (unique_id, word, near, commune, siren, crowded) — a row's word,
    what it may be in a name of a legal unit established in the row's place (`_local_pairs`),
    that establishment's commune and the unit. `crowded` where the word may be the words of
    more than `MAX_LOCAL_UNITS` units of the place, unless the unit holds every word of the
    row (up to typos) and at most that many units of the place do: 'Dpaogor Servces' is one
    edit from 'dapogor', 'dazogor', 'davogor'… and from 'services', each held by a crowd of a
    city's units, but only one of them holds both. The units of uncrowded words become
    register candidates and are blocked with the row in that commune
    (`candidates.gate_partner_side`: `near_local`); every near word, crowded or not, may stand
    for the row's word at the typo level of the name ('servces' for 'SERVICES')."""
    wh.materialise("resolve_local_places", _row_places(wh))
    places = wh.table("resolve_local_places")
    wh.materialise("resolve_local_units", _local_units(wh, places))
    units = wh.table("resolve_local_units")
    names = unit_names(wh, with_signs=True).semi_join(units, "siren")
    words = names.select("siren", token=fold(names.name).re_split(" ").unnest())
    words = words.filter(words.token.length() >= MIN_WORD_LENGTH).distinct()
    here = units.join(words, "siren").select("siren", "commune", "place", "token")
    wh.materialise("resolve_local_pairs", _local_pairs(places, here))
    pairs = wh.table("resolve_local_pairs")
    by_word = ["unique_id", "word", "place"]
    by_row = ["unique_id", "place"]
    crowd = pairs.group_by(by_word).aggregate(units=pairs.siren.nunique())
    needed = places.group_by(by_row).aggregate(needed=places.word.nunique())
    held = pairs.group_by([*by_row, "siren"]).aggregate(held=pairs.word.nunique())
    whole = held.join(needed, by_row)
    whole = whole.filter(whole.held == whole.needed).select(*by_row, "siren")
    few = whole.group_by(by_row).aggregate(units=whole.siren.nunique())
    few = few.filter(few.units <= MAX_LOCAL_UNITS).select(*by_row)
    whole = whole.semi_join(few, by_row).mutate(whole=ibis.literal(True))
    pairs = pairs.join(crowd, by_word).left_join(whole, [*by_row, "siren"])
    local = pairs.select(
        "unique_id", "word", "near", "commune", "siren",
        crowded=(pairs.units > MAX_LOCAL_UNITS) & pairs.whole.isnull(),
    )  # fmt: skip
    n = wh.materialise("resolve_local_near", local.distinct())
    for table in ("resolve_local_places", "resolve_local_units", "resolve_local_pairs"):
        wh.drop(table)
    return n


def local_candidates(wh: Warehouse) -> Table:
    """(siren): the legal units of uncrowded words `local_near_words` found."""
    near = wh.table("resolve_local_near")
    return near.filter(~near.crowded).select("siren")


def local_key(commune: ibis.StringValue, word: ibis.StringValue) -> ibis.StringValue:
    """What `near_local` blocks on, the same string on both sides: a word in a commune."""
    return commune + " " + word
