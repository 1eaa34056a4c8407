"""The two sides of the comparison: partner rows to resolve, and the register entries they could
designate.

The national register is never compared pairwise with the partner lists. Its legal units are
first narrowed to those sharing a distinctive word with some partner name (`word_lookup`: a
word held by more than `MAX_TOKEN_UNITS` legal units, such as 'sante', only counts when the
whole name matches; a word no register name holds, a typo, is also looked up one edit away),
then each of their establishments becomes one entry per name it is known by (denomination,
sigle, usual name of the legal unit; sign and usual name of the establishment) with its place.
Both sides get the same columns (`model.SIDE_COLUMNS`), so Splink can compare them.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import digits_only, null_text
from healthradar.reference import city_of_commune, departement_of_commune
from healthradar.reference.generic_words import GENERIC_WORDS
from healthradar.resolve import word_lookup
from healthradar.resolve.local_typos import local_key
from healthradar.resolve.model import SIDE_COLUMNS
from healthradar.resolve.normalise import (
    commune_candidates,
    name_key,
    name_tokens,
    name_words,
    postcode_key,
)
from healthradar.resolve.register_names import unit_names


def with_side_keys(t: Table, name: ibis.Value) -> Table:
    """`t` with the comparison keys of `name` (`KEY_COLUMNS`), each stage built from the
    columns of the one before. As one expression, every key repeated the whole expression of
    the name key and its words: about 800 kB of SQL per statement, which cost about 200 MB and
    20 s to plan for a 200,000-row list (issue 9); staged, about 25 kB."""
    t = t.mutate(name_key=name_key(name), name_full=name_words(name))
    t = t.mutate(tokens=name_tokens(t.name_key, key=t.name_key))
    distinctive = t.tokens.filter(lambda w: ~w.isin(GENERIC_WORDS))
    # word order and activity words set aside: 'Clinique Heculis' = 'Heculis Clinique'
    t = t.mutate(core_tokens=ibis.ifelse(distinctive.length() > 0, distinctive, t.tokens).sort())
    core, key = t.core_tokens, t.name_key
    first = core[0]
    last = core[core.length() - 1]  # not [-1]: Ibis compiles it as index 0 on Spark
    return t.mutate(
        sorted_key=t.tokens.sort().join(" "),
        core_key=core.join(" "),
        core_first=first,
        core_last=last,
        # a typo spares one end of a word: blocks on each end of the first and the last
        # distinctive word catch it
        core_head=first.substr(0, 4),
        core_tail=last.right(4),
        first_tail=first.right(4),
        last_head=last.substr(0, 4),
        name_prefix=key.substr(0, 3),
        key_head=key.substr(0, 4),
        key_tail=key.right(4),
    )


KEY_COLUMNS = (
    "sorted_key", "core_key", "core_tokens", "core_first", "core_last", "core_head", "core_tail",
    "first_tail", "last_head", "name_full", "name_key",
    "tokens", "name_prefix", "key_head", "key_tail",
)  # fmt: skip


def _side(t: Table, values: dict[str, ibis.Value]) -> Table:
    """`t` with exactly SIDE_COLUMNS (those not given are NULL of the right type)."""
    types = {
        "unique_id": "int64",
        "line": "int64",
        "tokens": "array<string>",
        "core_tokens": "array<string>",
        "commune_set": "array<string>",
        "near_rare": "array<string>",
        "near_common": "array<string>",
        "near_local": "array<string>",
        "known_words": "array<string>",
        "typo_words": "array<string>",
        "is_siege": "boolean",
    }
    out = {}
    for col in SIDE_COLUMNS:
        dtype = types.get(col, "string")
        out[col] = values[col].cast(dtype) if col in values else ibis.null().cast(dtype)
    return t.select(**out)


def partner_side(wh: Warehouse) -> int:
    """`resolve_partners`: every integrated partner row with its keys and its place."""
    rows = wh.table("partner_rows")
    kept = rows.filter(rows.reject_reason.isnull())
    places = commune_candidates(wh, kept, "postcode", "city")
    per_row = places.group_by(["input", "file", "line"]).aggregate(
        communes=places.commune.nunique(),
        departements=places.departement.nunique(),
        one_commune=places.commune.max(),
        one_departement=places.departement.max(),
        every_commune=places.commune.collect(distinct=True),  # order unused: membership only
    )
    j = kept.left_join(per_row, ["input", "file", "line"])
    j = j.select(
        kept,
        commune=ibis.ifelse(j.communes == 1, j.one_commune, null_text()),
        departement=ibis.ifelse(j.departements == 1, j.one_departement, null_text()),
        # a city name several communes bear ('Villars': 4 of them), or a postcode that serves
        # several communes without a city naming one, still places the row in one of them
        commune_set=ibis.ifelse(j.communes > 1, j.every_commune, ibis.null().cast("array<string>")),
    )
    keyed = with_side_keys(j, j.name).mutate(digits=digits_only(j.siren_raw.fill_null("")))
    # the digits of an unusable SIREN (a typo, a swap): still evidence for the company
    hint = ibis.ifelse(
        keyed.siren.isnull() & keyed.digits.re_search("^[0-9]{9}([0-9]{5})?$"),
        keyed.digits.substr(0, 9),
        null_text(),
    )
    side = _side(
        keyed,
        {
            # no `unique_id`: the rows Splink compares are numbered in `resolve_to_score`; a
            # window over every wide row here held the whole list in memory at once
            "input": keyed.input,
            "file": keyed.file,
            "line": keyed.line,
            "name": keyed.name,
            **{k: keyed[k] for k in KEY_COLUMNS},
            "commune": keyed.commune,
            "commune_set": keyed.commune_set,
            "postcode": postcode_key(keyed.postcode),
            "departement": keyed.departement,
            "siren_key": keyed.siren,
            "siren_hint": hint,
        },
    )
    return wh.materialise("resolve_partners", side)


#: what separates the parts of a name written as two ('NOVPO - Laboratoire Arpalia',
#: 'Dagean Labs (Kami)', 'Arpalia / Novpo'): a dash or slash between spaces, or brackets
_PART_SEPARATORS = " +[-/|–] +|[()\\[\\]]"
#: a part shorter than this (in key characters) is not compared on its own
MIN_PART_KEY = 3


def scoring_side(wh: Warehouse) -> int:
    """`resolve_to_score`: the unsettled rows, and each one again under each part of a name
    written as two (a sigle and the name, a brand and the company). Splink compares every
    entry; `matching` keeps a row's best entry per company, so a part can only add evidence.
    A part that is only a legal form ('(SAS)'), too short, or the whole key again is dropped."""
    rows = wh.table("resolve_unsettled")
    parts = rows.select(
        *(c for c in SIDE_COLUMNS if c not in KEY_COLUMNS and c != "unique_id"),
        full_key=rows.name_key,
        part=rows.name.re_split(_PART_SEPARATORS).unnest(),
    )
    # stripped in a step of its own: Spark refuses an expression around `explode`
    parts = parts.mutate(part=parts.part.strip())
    parts = with_side_keys(parts, parts.part)
    parts = parts.mutate(words=parts.name_full)
    parts = parts.filter(
        parts.words.notnull()
        & (parts.name_key.length() >= MIN_PART_KEY)
        & (parts.name_key != parts.full_key)
    )
    keep = [c for c in SIDE_COLUMNS if c != "unique_id"]
    both = rows.select(*keep).union(parts.select(*keep).distinct())
    w = ibis.window(order_by=["input", "file", "line", "name_key"])
    return wh.materialise("resolve_to_score", both.mutate(unique_id=ibis.row_number().over(w)))


#: largest block of a commune's candidate entries sharing the first three letters of the key
#: that a row is compared with on those letters alone (`gate_partner_side`)
MAX_PREFIX_BLOCK = 100


def gate_partner_side(wh: Warehouse) -> int:
    """`resolve_left`: the rows to score with the columns of the place-free blocking rules
    filled only where they stay small. Nationally a distinctive word may be shared by
    thousands of entries; blocking a row on it without a place would compare the row with
    all of them. So `core_first_rare`/`core_last_rare` are the row's first/last distinctive
    word when at most `RARE_WORD_UNITS` legal units hold it, and `key_ends` (the first and last
    four letters of the key) is set only for a row without any place. Likewise the first three
    letters of the key (`name_prefix`, blocked with the commune) only where the commune's
    candidate entries sharing them are at most `MAX_PREFIX_BLOCK`: in a city, 'cab' or 'pha'
    opens every cabinet or pharmacy (on a crowded register, 1.1 M of 1.4 M pairs came from that
    rule). And `near_rare` / `near_common`: the register words one edit away from the row's,
    with `known_words` / `typo_words` for the model's typo level (`_near_words_of_rows`)."""
    rows = wh.table("resolve_to_score").drop("core_first_rare", "core_last_rare", "key_ends")
    register = wh.table("resolve_register")
    blocks = register.filter(register.commune.notnull() & register.name_prefix.notnull())
    blocks = blocks.group_by(["commune", "name_prefix"]).aggregate(entries=ibis._.count())
    small = blocks.filter(blocks.entries <= MAX_PREFIX_BLOCK).select(
        small_commune=blocks.commune, small_prefix=blocks.name_prefix
    )
    rows = rows.left_join(
        small, (rows.commune == small.small_commune) & (rows.name_prefix == small.small_prefix)
    )
    rows = rows.mutate(
        name_prefix=ibis.ifelse(rows.small_prefix.notnull(), rows.name_prefix, null_text())
    ).drop("small_commune", "small_prefix")
    counts = wh.table("resolve_word_units")
    rare = counts.filter((counts.kind == "word") & (counts.units <= word_lookup.RARE_WORD_UNITS))
    first = rare.select(first_word=rare.key, core_first_rare=rare.key)
    last = rare.select(last_word=rare.key, core_last_rare=rare.key)
    j = rows.left_join(first, rows.core_first == first.first_word)
    j = j.select(rows, first.core_first_rare)
    k = j.left_join(last, j.core_last == last.last_word)
    k = k.select(j, last.core_last_rare)
    gated = k.mutate(
        key_ends=ibis.ifelse(k.departement.isnull(), k.key_head + k.key_tail, null_text())
    )
    gated = gated.drop("near_rare", "near_common", "near_local", "known_words", "typo_words")
    for words in _near_words_of_rows(wh, gated):
        gated = gated.left_join(words, "unique_id").drop("unique_id_right")
    empty = ibis.literal([], type="array<string>")
    gated = gated.mutate(
        known_words=gated.known_words.fill_null(empty), typo_words=gated.typo_words.fill_null(empty)
    )
    return wh.materialise("resolve_left", gated.select(*SIDE_COLUMNS))


def _near_words_of_rows(wh: Warehouse, rows: Table) -> tuple[Table, Table, Table]:
    """Per row (`unique_id`), what the one-edit lookup tells about its words:

    - `near_rare`, `near_common`: the register words one edit away from its distinctive
      words, for blocking, split as `word_lookup.candidate_units` split
      the words themselves: held (all of them) by at most `RARE_WORD_UNITS` legal units,
      blocked anywhere; by more (and at most `MAX_TOKEN_UNITS`), within the row's département;
    - `known_words`: the words of its key that are not `resolve_unknown_words` (a register
      name holds them, they are activity words, or they are too short to be looked up one edit
      away), and `typo_words`: those and every register word one edit away from its unknown
      ones. The typo level of the name (`model.settings`) reads both: an entry is a typo of the
      row when the words of its key are all among `typo_words` and hold all `known_words`.
      Activity words count: 'Institut Parevez' is no typo of 'CLINIQUE PAREVEX'."""
    near = wh.table("resolve_near_words")
    j = rows.select("unique_id", word=rows.core_tokens.unnest()).join(near, "word")
    words = rows.select("unique_id", word=rows.tokens.unnest())
    rare = j.units <= word_lookup.RARE_WORD_UNITS
    common = (j.units > word_lookup.RARE_WORD_UNITS) & (j.units <= word_lookup.MAX_TOKEN_UNITS)
    none = ibis.null().cast("string")
    blocking = j.group_by("unique_id").aggregate(
        near_rare=ibis.ifelse(rare, j.near, none).collect(distinct=True),
        near_common=ibis.ifelse(common, j.near, none).collect(distinct=True),
    )
    local = wh.table("resolve_local_near")
    blocking = blocking.outer_join(
        local.filter(~local.crowded)
        .group_by("unique_id")
        .aggregate(near_local=local_key(local.commune, local.near).collect(distinct=True)),
        "unique_id",
    )
    blocking = blocking.select(
        unique_id=blocking.unique_id.coalesce(blocking.unique_id_right),
        near_rare=blocking.near_rare,
        near_common=blocking.near_common,
        near_local=blocking.near_local,
    )
    known = words.anti_join(wh.table("resolve_unknown_words"), "word")
    typo = known.select("unique_id", "word").union(
        j.select("unique_id", word=j.near), local.select("unique_id", word=local.near)
    )
    return (
        blocking,
        known.group_by("unique_id").aggregate(known_words=known.word.collect(distinct=True)),
        typo.group_by("unique_id").aggregate(typo_words=typo.word.collect(distinct=True)),
    )


def register_entries(wh: Warehouse, units: Table) -> Table:
    """Every (establishment, name) entry of the legal units in `units` (a `siren` column): the
    names of its legal unit, and its own sign and usual name, with its place and states. What
    `register_side` compares rows with, and what `given_siren` checks a given SIREN against."""
    lu = wh.table("register_legal_units").semi_join(units, "siren")
    est = wh.table("register_establishments").semi_join(units, "siren")
    aliases = wh.table("ref_commune_aliases")
    est = est.left_join(aliases, est.codeCommuneEtablissement == aliases.code_insee_ancien)
    est = est.select(
        "siren",
        siret=est.siret,
        commune=est.code_insee.coalesce(est.codeCommuneEtablissement),
        postcode=est.codePostalEtablissement,
        etat=est.etatAdministratifEtablissement,
        is_siege=est.etablissementSiege == "true",
        enseigne=est.enseigne1Etablissement,
        usual=est.denominationUsuelleEtablissement,
    )
    names = unit_names(wh).semi_join(units, "siren")
    by_unit = est.join(names, "siren")
    by_unit = by_unit.select(
        "siren", "siret", "commune", "postcode", "etat", "is_siege", "variant", "name"
    )
    own = [
        est.filter(est[col].notnull()).select(
            "siren", "siret", "commune", "postcode", "etat", "is_siege",
            variant=ibis.literal(variant), name=est[col],
        )
        for variant, col in (("enseigne", "enseigne"), ("establishment", "usual"))
    ]  # fmt: skip
    entries = by_unit.union(*own).distinct()
    return entries.join(lu.select("siren", company_etat=lu.etatAdministratifUniteLegale), "siren")


def register_side(wh: Warehouse) -> int:
    """`resolve_register`: one entry per establishment of a candidate unit and per name
    (`word_lookup.candidate_units` runs first)."""
    entries = register_entries(wh, wh.table("resolve_candidate_units"))
    w = ibis.window(order_by=["siret", "variant", "name"])
    keyed = with_side_keys(entries, entries.name)
    side = _side(
        keyed,
        {
            "unique_id": ibis.row_number().over(w),
            "name": keyed.name,
            **{k: keyed[k] for k in KEY_COLUMNS},
            "commune": keyed.commune,
            "city": city_of_commune(keyed.commune),
            "postcode": keyed.postcode,
            "departement": departement_of_commune(keyed.commune),
            "siren_key": keyed.siren,
            "siren_hint": keyed.siren,
            "core_first_rare": keyed.core_first,
            "core_last_rare": keyed.core_last,
            "key_ends": keyed.key_head + keyed.key_tail,
            "near_rare": keyed.core_tokens,
            "near_common": keyed.core_tokens,
            "near_local": keyed.core_tokens.map(lambda t: local_key(keyed.commune, t)),
            "siren": keyed.siren,
            "siret": keyed.siret,
            "etat": keyed.etat,
            "company_etat": keyed.company_etat,
            "variant": keyed.variant,
            "is_siege": keyed.is_siege,
        },
    )
    return wh.materialise("resolve_register", side)
