"""Which legal units of the register a partner row could designate, found by the words of their
names: the candidates `candidates.register_side` turns into entries for Splink.

The national register is never compared pairwise with the partner lists: its names are read
for the words partner rows hold (or an end of them, or, for a word no register name holds, a
word one edit away), and a word held by too many legal units only makes candidates in the
row's département, or none at all.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import fold
from healthradar.reference import departement_of_commune
from healthradar.reference.generic_words import GENERIC_WORDS
from healthradar.resolve.edits import one_deletions
from healthradar.resolve.local_typos import local_candidates, local_near_words
from healthradar.resolve.normalise import lookup_key
from healthradar.resolve.register_names import unit_names

#: a word (or end of a word) shared by more legal units than this does not alone make a
#: register candidate
MAX_TOKEN_UNITS = 5000
#: shortest word that can make a candidate
MIN_TOKEN_LENGTH = 3


#: a distinctive word held by at most this many legal units makes candidates (and links a row
#: to every entry that has it) wherever they are; a commoner one only within the row's
#: département
RARE_WORD_UNITS = 100


#: shortest distinctive word looked up with one letter changed, added, dropped or two swapped
#: (a shorter one is within one edit of too many others to say anything)
MIN_NEAR_LENGTH = 5


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
    names = unit_names(wh, with_signs=True)
    tokens = names.select(token=fold(names.name).re_split(" ").unnest())
    tokens = tokens.filter(tokens.token.length() >= MIN_TOKEN_LENGTH)
    wh.materialise("resolve_vocabulary", tokens.group_by("token").aggregate(rows=ibis._.count()))
    return wh.table("resolve_vocabulary")


def unknown_words(vocabulary: Table, words: Table) -> Table:
    """(word): those of `words` (a `token` column) long enough to be looked up one edit away
    (`MIN_NEAR_LENGTH`) that no register name holds: typos, or names the register lacks. The
    model's typo level (`model.settings`) lets only these differ from an entry's words."""
    long = words.filter(words.token.length() >= MIN_NEAR_LENGTH).select("token").distinct()
    return long.anti_join(vocabulary, "token").select(word=long.token)


def near_words(vocabulary: Table, unknown: Table) -> Table:
    """(word, near): for each of the `unknown` words (`unknown_words`), the register's words
    one edit away from it, kept only where they are at most `MAX_TOKEN_UNITS` occurrences in
    all (more: the word's neighbourhood is too crowded to say anything). The one-letter
    deletions are taken of each word of the `vocabulary` once, not of every occurrence."""
    row_side = unknown.select("word", key=one_deletions(unknown.word).unnest())
    v = vocabulary.filter(vocabulary.token.length() >= MIN_NEAR_LENGTH - 1)
    register_side = v.select(near=v.token, rows=v.rows, key=one_deletions(v.token).unnest())
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


def candidate_units(wh: Warehouse) -> int:
    """`resolve_candidate_units`: legal units sharing with a partner row a distinctive word,
    one end of it, or — for a word no register name holds, a typo — a word one edit away from
    it (`near_words`): anywhere when few units hold it, in the row's département otherwise; or
    its whole name (`lookup_key`), or the SIREN it gave. Also `resolve_word_units`, how many legal
    units hold each of those words (or the words near one), which tells a rare word from a
    common one, `resolve_near_words`, the words near each partner word with that count, and
    `resolve_unknown_words`, the partner words no register name holds (all three for
    `gate_partner_side`).

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
    wh.materialise("resolve_unknown_words", unknown_words(vocabulary, core))
    local_near_words(wh)  # reads the unknown words; its units are candidates too
    wh.materialise("resolve_near_pairs", near_words(vocabulary, wh.table("resolve_unknown_words")))
    near = wh.table("resolve_near_pairs")
    near_keys = core.join(near, core.token == near.word).select(
        "departement", lookup="w" + near.near, kind=ibis.literal("near"), key=near.word
    )
    row_keys = _row_keys(core).anti_join(_crowded_ends(vocabulary), ["kind", "key"])
    row_keys = row_keys.select("departement", "lookup", "kind", "key").view()
    row_keys = row_keys.union(near_keys).distinct()
    wanted = row_keys.select("lookup", "kind", "key").distinct()
    whole = partners.select(whole=partners.name_key).distinct()
    names = unit_names(wh, with_signs=True)
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
    # the whole name, legal forms and stop words aside ('Licoris Technologies', no place, is
    # 'LICORIS TECHNOLOGIES SARL' or 'SOCIETE LICORIS TECHNOLOGIES', wherever they are)
    whole_names = folded.mutate(whole=lookup_key(folded.folded))
    by_name = whole_names.join(whole, "whole").select("siren")
    # the SIREN a partner gave, valid or one typo away, is always compared with its names
    given = partners.select(siren=partners.siren_key.coalesce(partners.siren_hint))
    given = given.filter(given.siren.notnull())
    units = rare.union(in_departement.select("siren"), by_name, given, local_candidates(wh))
    units = units.distinct()
    n = wh.materialise("resolve_candidate_units", units)
    for table in ("resolve_word_hits", "resolve_near_pairs", "resolve_vocabulary"):
        wh.drop(table)
    return n
