"""The two sides of the comparison: partner rows to resolve, and the register entries they could
designate.

The national register is never compared pairwise with the partner lists. Its legal units are
first narrowed to those sharing a distinctive word with some partner name (a word held by more
than `MAX_TOKEN_UNITS` legal units, such as 'sante', only counts when the whole name matches;
a word no register name holds, a typo, is also looked up one edit away: `near_words`),
then each of their establishments becomes one entry per name it is known by (denomination,
sigle, usual name of the legal unit; sign and usual name of the establishment) with its place.
Both sides get the same columns (`model.SIDE_COLUMNS`), so Splink can compare them.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import digits_only, fold, null_text
from healthradar.reference import city_of_commune, departement_of_commune
from healthradar.reference.generic_words import GENERIC_WORDS
from healthradar.resolve.model import SIDE_COLUMNS
from healthradar.resolve.normalise import (
    commune_candidates,
    name_key,
    name_tokens,
    name_words,
    postcode_key,
)

#: a word (or end of a word) shared by more legal units than this does not alone make a
#: register candidate
MAX_TOKEN_UNITS = 5000
#: shortest word that can make a candidate
MIN_TOKEN_LENGTH = 3


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


def _unit_names(wh: Warehouse, with_signs: bool = False) -> Table:
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


#: shortest distinctive word looked up with one letter changed, added, dropped or two swapped
#: (a shorter one is within one edit of too many others to say anything)
MIN_NEAR_LENGTH = 5


def _one_deletions(word: ibis.StringValue) -> ibis.ArrayValue:
    """`word` and every string it becomes with one letter deleted. Two words one substitution,
    insertion, deletion or transposition apart share one of these (SymSpell's idea): a lookup
    by equality finds a typo without comparing every pair of words."""
    dropped = ibis.range(0, word.length()).map(lambda i: word.substr(0, i) + word.substr(i + 1))
    return ibis.array([word]).concat(dropped)


def _lookup_keys(token: ibis.StringValue) -> ibis.ArrayValue:
    """The keys a register word is looked up by, each prefixed by its kind: the word ('w'), and
    its first and last four letters when it is long ('h', 't': a typo rarely touches both
    ends)."""
    return ibis.array(["w" + token]).concat(
        ibis.ifelse(
            token.length() >= 6,
            ibis.array(["h" + token.substr(0, 4), "t" + token.right(4)]),
            ibis.literal([], type="array<string>"),
        )
    )


def _row_keys(words: Table) -> Table:
    """(departement, kind, key, lookup) for each distinctive word of a partner row: `key` is
    what the row's word is counted under (the word, or one of its ends), `lookup` the prefixed
    key a register word must produce (`_lookup_keys`) to be a hit."""
    w = words.filter(words.token.length() >= MIN_TOKEN_LENGTH)
    w = w.mutate(lookup=_lookup_keys(w.token).unnest())
    prefix = w.lookup.substr(0, 1)
    kind = prefix.cases(("w", "word"), ("h", "head"), ("t", "tail"))
    return w.select("departement", "lookup", kind=kind, key=w.lookup.substr(1))


def register_vocabulary(wh: Warehouse) -> Table:
    """`resolve_vocabulary`: each word of the register's names (three letters or more) with
    how many names hold it (`rows`, an upper bound of the legal units holding it: a unit whose
    establishments share a sign counts once per establishment). Far smaller than the names
    (65,656 words of four letters or more for the 40 M synthetic register's 57 M), it tells
    which fuzzy keys are worth a lookup (`candidate_units`) and which words are one edit away
    from a partner's (`near_words`)."""
    names = _unit_names(wh, with_signs=True)
    tokens = names.select(token=fold(names.name).re_split(" ").unnest())
    tokens = tokens.filter(tokens.token.length() >= MIN_TOKEN_LENGTH)
    wh.materialise("resolve_vocabulary", tokens.group_by("token").aggregate(rows=ibis._.count()))
    return wh.table("resolve_vocabulary")


def near_words(vocabulary: Table, words: Table) -> Table:
    """(word, near): for each of `words` (a `token` column) that no register name holds, the
    register's words one edit away from it, kept only where they are at most `MAX_TOKEN_UNITS`
    occurrences in all (more: the word's neighbourhood is too crowded to say anything). The
    one-letter deletions are taken of each word of the `vocabulary` once, not of every
    occurrence."""
    absent = words.filter(words.token.length() >= MIN_NEAR_LENGTH).select("token").distinct()
    absent = absent.anti_join(vocabulary, "token").select("token").view()  # a join no more
    row_side = absent.select(word=absent.token, key=_one_deletions(absent.token).unnest())
    v = vocabulary.view()  # read again, apart from the anti-join above
    v = v.filter(v.token.length() >= MIN_NEAR_LENGTH - 1)
    register_side = v.select(near=v.token, rows=v.rows, key=_one_deletions(v.token).unnest())
    pairs = row_side.join(register_side, "key").select("word", "near", "rows").distinct()
    crowded = pairs.group_by("word").aggregate(rows=pairs.rows.sum())
    crowded = crowded.filter(crowded.rows > MAX_TOKEN_UNITS)
    return pairs.anti_join(crowded, "word").select("word", "near")


def _crowded_ends(vocabulary: Table) -> Table:
    """(kind, key) of the first and last four letters held by more than `MAX_TOKEN_UNITS`
    occurrences of the register's words: looking them up would only gather legal units to
    discard (at 40 M every end a partner word had was one, 79 M hits)."""
    long = vocabulary.filter(vocabulary.token.length() >= 6)
    ends = long.select(kind=ibis.literal("head"), key=long.token.substr(0, 4), rows=long.rows)
    ends = ends.union(
        long.select(kind=ibis.literal("tail"), key=long.token.right(4), rows=long.rows)
    )
    totals = ends.group_by(["kind", "key"]).aggregate(rows=ends.rows.sum())
    return totals.filter(totals.rows > MAX_TOKEN_UNITS).select("kind", "key")


#: a distinctive word held by at most this many legal units makes candidates (and links a row
#: to every entry that has it) wherever they are; a commoner one only within the row's
#: département
RARE_WORD_UNITS = 100
#: largest block of a commune's candidate entries sharing the first three letters of the key
#: that a row is compared with on those letters alone (`gate_partner_side`)
MAX_PREFIX_BLOCK = 100


def candidate_units(wh: Warehouse) -> int:
    """`resolve_candidate_units`: legal units sharing with a partner row a distinctive word,
    one end of it, or — for a word no register name holds, a typo — a word one edit away from
    it (`near_words`): anywhere when few units hold it, in the row's département otherwise; or
    the whole folded name, or the SIREN it gave. Also `resolve_word_units`, how many legal
    units hold each of those words (or the words near one), which tells a rare word from a
    common one, and `resolve_near_words`, the words near each partner word with that count
    (both for `gate_partner_side`).

    The register's names are read once for the lookup: each of their words is turned into its
    lookup keys (`_lookup_keys`) and kept only if one of them is a partner's (a join with a
    small table), so that nothing the size of the register's words is ever stored. Activity
    words ('pharmacie', 'biologie') are not looked up: they make candidates only through the
    whole name. The candidates mirror the blocking rules (`model.settings`): a unit no rule
    could pair with a row is not a candidate."""
    partners = wh.table("resolve_to_score")
    core = partners.select("departement", token=partners.core_tokens.unnest())
    core = core.filter(~core.token.isin(GENERIC_WORDS))
    vocabulary = register_vocabulary(wh)
    wh.materialise("resolve_near_pairs", near_words(vocabulary, core))
    near = wh.table("resolve_near_pairs")
    near_keys = core.join(near, core.token == near.word).select(
        "departement", lookup="w" + near.near, kind=ibis.literal("near"), key=near.word
    )
    row_keys = _row_keys(core).anti_join(_crowded_ends(vocabulary), ["kind", "key"])
    row_keys = row_keys.select("departement", "lookup", "kind", "key").view()
    row_keys = row_keys.union(near_keys).distinct()
    wanted = row_keys.select("lookup", "kind", "key").distinct()
    whole = partners.select(folded=partners.name_key).distinct()
    names = _unit_names(wh, with_signs=True)
    folded = names.mutate(folded=fold(names.name))
    unit_words = folded.select("siren", token=folded.folded.re_split(" ").unnest())
    unit_words = unit_words.filter(unit_words.token.length() >= MIN_TOKEN_LENGTH)
    looked_up = unit_words.mutate(lookup=_lookup_keys(unit_words.token).unnest())
    hits = looked_up.join(wanted, "lookup").select("siren", "kind", "key", "token").distinct()
    wh.materialise("resolve_word_hits", hits)
    hits = wh.table("resolve_word_hits")
    counts = hits.group_by(["kind", "key"]).aggregate(units=hits.siren.nunique())
    wh.materialise("resolve_word_units", counts)
    counts = wh.table("resolve_word_units")
    near_hits = hits.filter(hits.kind == "near")
    near_hits = near_hits.join(counts, ["kind", "key"]).select(
        word=near_hits.key, near=near_hits.token, units="units"
    )
    wh.materialise("resolve_near_words", near_hits.distinct())
    hits = hits.join(counts, ["kind", "key"])
    rare = hits.filter(hits.units <= RARE_WORD_UNITS).select("siren")
    common = hits.filter((hits.units > RARE_WORD_UNITS) & (hits.units <= MAX_TOKEN_UNITS))
    placed = row_keys.filter(row_keys.departement.notnull()).select("departement", "kind", "key")
    common = common.join(placed, ["kind", "key"]).select("siren", "departement").distinct()
    est = wh.table("register_establishments")
    est = est.select("siren", departement=departement_of_commune(est.codeCommuneEtablissement))
    in_departement = common.join(est.semi_join(common, "siren"), ["siren", "departement"])
    by_name = folded.join(whole, "folded").select("siren")
    # the SIREN a partner gave, valid or one typo away, is always compared with its names
    given = partners.select(siren=partners.siren_key.coalesce(partners.siren_hint))
    given = given.filter(given.siren.notnull())
    units = rare.union(in_departement.select("siren"), by_name, given).distinct()
    n = wh.materialise("resolve_candidate_units", units)
    for table in ("resolve_word_hits", "resolve_near_pairs", "resolve_vocabulary"):
        wh.drop(table)
    return n


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
    rule). And `near_rare` / `near_common`: the register words one edit away from the row's
    (`_near_words_of_rows`)."""
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
    rare = counts.filter((counts.kind == "word") & (counts.units <= RARE_WORD_UNITS))
    first = rare.select(first_word=rare.key, core_first_rare=rare.key)
    last = rare.select(last_word=rare.key, core_last_rare=rare.key)
    j = rows.left_join(first, rows.core_first == first.first_word)
    j = j.select(rows, first.core_first_rare)
    k = j.left_join(last, j.core_last == last.last_word)
    k = k.select(j, last.core_last_rare)
    gated = k.mutate(
        key_ends=ibis.ifelse(k.departement.isnull(), k.key_head + k.key_tail, null_text())
    )
    gated = gated.drop("near_rare", "near_common")
    near = _near_words_of_rows(wh, gated)
    gated = gated.left_join(near, "unique_id").drop("unique_id_right")
    return wh.materialise("resolve_left", gated.select(*SIDE_COLUMNS))


def _near_words_of_rows(wh: Warehouse, rows: Table) -> Table:
    """(unique_id, near_rare, near_common): the register words one edit away from a row's
    distinctive words, split as `candidate_units` split the words themselves: held (all of
    them) by at most `RARE_WORD_UNITS` legal units, blocked anywhere; by more (and at most
    `MAX_TOKEN_UNITS`), blocked within the row's département only."""
    words = rows.select("unique_id", word=rows.core_tokens.unnest())
    near = wh.table("resolve_near_words")
    j = words.join(near, "word")
    rare = j.units <= RARE_WORD_UNITS
    common = (j.units > RARE_WORD_UNITS) & (j.units <= MAX_TOKEN_UNITS)
    none = ibis.null().cast("string")
    return j.group_by("unique_id").aggregate(
        near_rare=ibis.ifelse(rare, j.near, none).collect(distinct=True),
        near_common=ibis.ifelse(common, j.near, none).collect(distinct=True),
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
    unit_names = _unit_names(wh).semi_join(units, "siren")
    by_unit = est.join(unit_names, "siren")
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
    (`candidate_units` runs first)."""
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
            "siren": keyed.siren,
            "siret": keyed.siret,
            "etat": keyed.etat,
            "company_etat": keyed.company_etat,
            "variant": keyed.variant,
            "is_siege": keyed.is_siege,
        },
    )
    return wh.materialise("resolve_register", side)
