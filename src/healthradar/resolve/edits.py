"""Edit distance the register can afford: what makes two words "one edit apart" for the
lookups of typos (`word_lookup`, `local_typos`)."""

from __future__ import annotations

import ibis


def one_deletions(word: ibis.StringValue) -> ibis.ArrayValue:
    """`word` and every string it becomes with one letter deleted. Two words one substitution,
    insertion, deletion or transposition apart share one of these (SymSpell's idea): a lookup
    by equality finds a typo without comparing every pair of words."""
    dropped = ibis.range(0, word.length()).map(lambda i: word.substr(0, i) + word.substr(i + 1))
    return ibis.array([word]).concat(dropped)


def one_edit_apart(a: ibis.StringValue, b: ibis.StringValue) -> ibis.BooleanValue:
    """Whether `a` and `b` share a one-letter deletion (`one_deletions`): one letter changed,
    added, dropped, or two neighbours swapped — what the national lookup calls one edit (a
    swap is two for Levenshtein)."""
    return one_deletions(a).intersect(one_deletions(b)).length() > 0
