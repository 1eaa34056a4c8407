"""The record-linkage model: Splink comparisons, blocking rules and the shipped parameters.

The model compares a partner row with a register entry (an establishment under one of its
names) on three things only: the name, the place, and the digits of an unusable SIREN the
partner wrote (a typo or a swap still points at the company). A valid SIREN is *not* a feature:
it is checked separately (`decisions`), because a valid SIREN of another company must not
outweigh a name and a place that disagree.

Parameters are shipped, not estimated per build: m (how often a true match shows each level)
and u (how often two unrelated records do) were set once from the synthetic national register
(u: share of random establishment pairs at each level) and from the noise rates of real partner
lists (m), then checked on the labelled benchmark (`bench/bench_resolve.py`); the thresholds
below are the ones every build uses. `docs/resolve.md` explains each number.
"""

from __future__ import annotations

from typing import Any

#: match probability from which a link is made without review
MATCH_THRESHOLD = 0.99
#: probability from which a candidate is shown for review (below: unmatched); for a row whose
#: best company agrees on words only (`WORD_LEVELS`), its probability among the row's
#: candidates (`decisions.share_of_evidence`)
REVIEW_THRESHOLD = 0.30
#: a second company this close to the best (in match weight) makes the best one uncertain
AMBIGUITY_MARGIN = 2.0
#: prior: one true match among this many compared pairs of a block
PRIOR = 1e-3

#: levels of the name comparison (Splink's gamma) that can confirm a SIREN the partner gave:
#: the same name (in any order, or with a typo), or the same distinctive words. Not "two shared
#: words", which activity words alone can reach; a pair at that level still confirms when its
#: distinctive words overlap (`matching`).
CONFIRMING_NAME_LEVELS = (9, 8, 7, 6, 5, 4, 3, 1)
#: levels of the name comparison where the evidence is words in common, not the name itself:
#: the same key but for typos of its distinctive words (6), the same distinctive words (4), close
#: distinctive words (3), two shared words (2), one shared distinctive word (1), nothing (0).
#: Several companies of the row's place holding the same words make those words common there:
#: each one's evidence is shared between them (`decisions.share_of_evidence`); the same name
#: held by several companies is a homonym for an analyst to decide.
WORD_LEVELS = (6, 4, 3, 2, 1, 0)

#: The model's probability assumes that the name and the place agree independently; among the
#: pairs the blocking rules bring together they do not (most companies sharing a name with the
#: row are the row's own, or homonyms elsewhere), so some agreement patterns are overrated: a
#: key within a typo of the row's in another commune of the département ('pharmacie jedoris'
#: and 'pharmacie joforis'), the very name in another département. Each pattern below is
#: (name level, place level, SIREN digits level) of a row's best company, with the share of
#: training rows of that pattern, clear of rivals by `AMBIGUITY_MARGIN`, whose best company
#: was the true one (`bench/estimate_model.py --patterns`: 20,000 rows drawn with seed 101
#: against the 40 M synthetic register renamed with that seed; never the benchmark's draws).
#: Listed only where that share is below `MATCH_THRESHOLD` beyond sampling doubt (the upper
#: end of its 95 % Wilson interval under it), over at least `MIN_PATTERN_ROWS` rows; a row's
#: probability is capped by its pattern's share (`decisions.decide`).
PATTERN_PRECISION: dict[tuple[int, int, int], float] = {
    (8, 1, -1): 0.920,  # 23 / 25: the same key, another commune of the département
    (6, 1, -1): 0.784,  # 29 / 37: the key but for typos, another commune of the département
    (5, 1, -1): 0.609,  # 28 / 46: the key within Jaro-Winkler .95, another commune
    (5, -1, -1): 0.000,  # 0 / 51: the same, the row has no place
    (4, 1, -1): 0.000,  # 0 / 131
    (3, 3, -1): 0.368,  # 14 / 38
    (3, 1, -1): 0.012,  # 1 / 84
    (3, -1, -1): 0.000,  # 0 / 21
    (2, 3, -1): 0.720,  # 18 / 25
    (1, 3, -1): 0.714,  # 25 / 35
    (1, 1, -1): 0.000,  # 0 / 24
    (0, 3, -1): 0.464,  # 32 / 69: nothing in common but the commune
}
#: fewest training rows of a pattern for its share to cap the model's probability
MIN_PATTERN_ROWS = 20

#: what a register entry carries besides the compared columns (NULL on the partner side)
REGISTER_FACTS = ("siren", "siret", "etat", "company_etat", "variant", "is_siege")
#: the columns both sides of the comparison have, in this order
SIDE_COLUMNS = (
    "unique_id", "input", "file", "line", "name", "name_full", "name_key", "tokens",
    "sorted_key", "core_key", "core_tokens", "core_first", "core_last", "core_head", "core_tail",
    "first_tail", "last_head",
    "name_prefix", "key_head", "key_tail", "commune", "city", "commune_set", "postcode",
    "departement", "siren_key", "siren_hint", "core_first_rare", "core_last_rare", "key_ends",
    "near_rare", "near_common", "near_local", "known_words", "typo_words", *REGISTER_FACTS,
)  # fmt: skip


#: the typo level of the name (Splink SQL, DuckDB's dialect, translated for Spark): the words
#: of the entry's key are the row's, except that at least one of them is one edit away from a
#: word of the row that no register name holds (`word_lookup.unknown_words`): every word of the
#: entry is among the row's `typo_words`, every word of the row a register name holds (its
#: `known_words`, activity words included) is the entry's, and both keys have as many words.
#: A row whose words all exist in the register (a company the register lacks, named with words
#: other companies have) never reaches it, nor an entry of another activity ('Institut
#: Parevez', 'CLINIQUE PAREVEX'), nor one lacking a word ('Groupe Pleta Concep', 'PALETA').
TYPO_LEVEL = (
    "array_length(array_intersect(known_words_l, tokens_r))"
    " = array_length(known_words_l)"
    " AND array_length(array_intersect(typo_words_l, tokens_r))"
    " = array_length(array_distinct(tokens_r))"
    " AND array_length(array_distinct(tokens_r)) > array_length(known_words_l)"
    " AND array_length(array_distinct(tokens_r)) = array_length(array_distinct(tokens_l))"
)


def settings() -> Any:
    """The Splink settings with the shipped m and u probabilities (link_only: partner rows on
    the left, register entries on the right; both sides have the columns of `SIDE_COLUMNS`)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="name: the same words, the same key, the same words in any "
        "order, the same key but for typos, key Jaro-Winkler ≥ .95, the same "
        "distinctive words, distinctive words Jaro-Winkler ≥ .92, two shared words, one shared "
        "distinctive word, else",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_full"),
            cll.ExactMatchLevel("name_key"),
            cll.ExactMatchLevel("sorted_key"),
            cll.CustomLevel(TYPO_LEVEL, "typos", base_dialect_str="duckdb"),
            cll.JaroWinklerLevel("name_key", 0.95),
            cll.ExactMatchLevel("core_key"),
            cll.JaroWinklerLevel("core_key", 0.92),
            cll.ArrayIntersectLevel("tokens", 2),
            cll.ArrayIntersectLevel("core_tokens", 1),
            cll.ElseLevel(),
        ],
    ).configure(
        m_probabilities=[0.28, 0.20, 0.06, 0.10, 0.08, 0.08, 0.10, 0.03, 0.04, 0.03],
        u_probabilities=[1e-7, 5e-7, 6e-7, 4e-6, 1e-5, 1e-3, 3e-3, 5e-3, 2e-2, 0.9709848],
    )
    place = cl.CustomComparison(
        output_column_name="place",
        comparison_description="commune (a whole city given: any of its arrondissements; a "
        "city name several communes bear: any of them), else postcode, else département",
        comparison_levels=[
            # no place: no commune, no département, and no city name several communes bear
            # (partner rows are on the left)
            cll.CustomLevel(
                "(commune_l IS NULL OR commune_r IS NULL)"
                " AND (departement_l IS NULL OR departement_r IS NULL)"
                " AND commune_set_l IS NULL",
                label_for_charts="no place",
            ).configure(is_null_level=True),
            # a row that names only 'Lyon' (69123) is in the commune of an establishment in
            # one of Lyon's arrondissements (69381, whose `city` is 69123); a row that names
            # 'Villars' is in the commune of an establishment in any of the Villars
            cll.CustomLevel(
                "(commune_l = commune_r) OR (commune_l = city_r)"
                " OR array_contains(commune_set_l, commune_r)",
                label_for_charts="same commune",
            ),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("departement"),
            cll.ElseLevel(),
        ],
    ).configure(
        m_probabilities=[0.78, 0.04, 0.12, 0.06],
        u_probabilities=[2e-3, 3e-3, 1.5e-2, 0.98],
    )
    siren_digits = cl.CustomComparison(
        output_column_name="siren_digits",
        comparison_description="unusable SIREN written by the partner vs the entry's SIREN",
        comparison_levels=[
            cll.NullLevel("siren_hint"),
            cll.LevenshteinLevel("siren_hint", 2),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.9, 0.1], u_probabilities=[1e-6, 1 - 1e-6])
    # Weightless (m = u): it scores nothing, it only records whether the distinctive words are
    # close (Jaro-Winkler ≥ .80: a typo, an initial dropped), which confirms a given SIREN.
    core_close = cl.CustomComparison(
        output_column_name="core_close",
        comparison_description="distinctive words Jaro-Winkler ≥ .80 (confirmation only)",
        comparison_levels=[
            cll.NullLevel("core_key"),
            cll.JaroWinklerLevel("core_key", 0.80),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.5, 0.5], u_probabilities=[0.5, 0.5])
    return SettingsCreator(
        link_type="link_only",
        comparisons=[name, place, siren_digits, core_close],
        blocking_rules_to_generate_predictions=[
            block_on("siren_key"),
            block_on("name_key"),
            # distinctive words, not the first and last words: 'pharmacie' + a département
            # pairs a row with every pharmacy there
            block_on("core_first", "departement"),
            block_on("core_last", "departement"),
            block_on("commune", "name_prefix"),
            block_on("core_head", "departement"),
            block_on("core_tail", "departement"),
            block_on("first_tail", "departement"),
            block_on("last_head", "departement"),
            # without a place: only on rare words, or on both ends of the key for a row that
            # has no place at all (`candidates.gate_partner_side`)
            block_on("key_ends"),
            block_on("core_first_rare"),
            block_on("core_last_rare"),
            # a distinctive word within one edit of an entry's (`word_lookup.candidate_units`):
            # anywhere when few legal units hold such words, else within the département
            block_on("near_rare", arrays_to_explode=["near_rare"]),
            block_on("near_common", "departement", arrays_to_explode=["near_common"]),
            # a word within two edits of an entry's in the commune of that entry
            # (`local_typos`): 'commune word' on both sides
            block_on("near_local", arrays_to_explode=["near_local"]),
        ],
        probability_two_random_records_match=PRIOR,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["input", "file", "line", "name", *REGISTER_FACTS],
    )
