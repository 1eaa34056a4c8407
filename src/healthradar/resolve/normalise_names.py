"""Comparable forms of company names: the key, its tokens and its sigle (acronym).

Each form exists twice: an Ibis expression (`name_key`, ...) that the matcher runs over the
register and the partner rows on DuckDB or Spark, and a plain Python twin (`name_key_py`, ...)
for tests and for code paths that hold a few names in memory. The twins are written
independently (regular expressions over the whole text on the Ibis side, token lists in Python)
and `tests/test_normalise.py` checks that they agree on generated text.

Portability shapes the Ibis side: no look-around and no back-references in patterns (RE2 on
DuckDB and Java on Spark disagree on them), so whole words are removed by doubling every space
and padding the text, which lets ' (word) ' match consecutive words without overlap; and the one
per-token decision (dotted acronyms) maps over `re_split(' ')`, never `split` (a regex on Spark,
a literal on DuckDB).

Only letters that `engine.expressions.fold` knows are folded (French and Latin-1/Extended-A);
other scripts are treated as punctuation, the same way by both twins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import ibis
from ibis.expr.types import ArrayValue, StringValue

from healthradar.engine.expressions import _ACCENTED, _PLAIN, null_text
from healthradar.reference.abbreviations import ABBREVIATIONS
from healthradar.reference.legal_forms import LEGAL_FORMS, STOP_WORDS

# Ligatures become two letters before accents are folded, as in `engine.expressions.fold`.
_LIGATURES = (("œ", "oe"), ("æ", "ae"), ("ß", "ss"))
_ACCENT_TABLE = str.maketrans(_ACCENTED, _PLAIN)

#: A token made of single letters each followed by a dot ('s.a.s.', 's.a', 'a.'): an acronym
#: written with dots, joined into one word ('sas') before legal forms are matched. A dot next to
#: a longer word ('b.braun', 'st.jean') only separates words, so 'B.Braun' keeps its 'b'.
_DOTTED_ACRONYM = "^([a-z][.])+[a-z]?$"

#: Sigles are short: a single-token key of 2 to 6 characters written in capitals is one ('BMI').
_SIGLE_MAX = 6


def _letters_py(text: str) -> str:
    """Lower case, ligatures and accents folded; other characters left for the next step."""
    text = text.lower()
    for ligature, plain in _LIGATURES:
        text = text.replace(ligature, plain)
    return text.translate(_ACCENT_TABLE)


def fold_py(text: str) -> str:
    """Twin of `engine.expressions.fold` with its own letter table (`contracts.normalise_header`
    folds more scripts through Unicode, which SQL cannot follow)."""
    text = _letters_py(text).replace("°", " ").replace("€", " eur ")
    return re.sub("[^a-z0-9]+", " ", text).strip(" ")


def _words_py(text: str) -> list[str]:
    """The folded words of a name: '&' read as 'et', dotted acronyms joined, punctuation out,
    abbreviations read as their word ('ctr' -> 'centre')."""
    text = _letters_py(text)
    # '&' is a word only beside a letter or digit: '&' alone is no name ('Dupont & Fils' is)
    if re.search("[a-z0-9]", text):
        text = text.replace("&", " et ")
    text = re.sub("[^a-z0-9.]+", " ", text)
    words: list[str] = []
    for token in text.split(" "):
        if re.fullmatch(_DOTTED_ACRONYM, token):
            words.append(token.replace(".", ""))
        else:
            words.extend(w for w in token.split(".") if w)
    return [ABBREVIATIONS.get(w, w) for w in words if w]


def _folded_phrases(phrases: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The reference lists as word tuples, folded like names, longest first (so that
    'société par actions simplifiée unipersonnelle' wins over its prefix)."""
    folded = {tuple(_words_py(p)) for p in phrases}
    return sorted(folded, key=lambda words: (-len(" ".join(words)), words))


_FORMS = _folded_phrases(LEGAL_FORMS)
_STOPS = _folded_phrases(STOP_WORDS)
assert all(len(w) == 1 for w in _STOPS), "stop words are single words"
_STOP_SET = {w[0] for w in _STOPS}


def _drop_phrases_py(words: list[str], phrases: list[tuple[str, ...]]) -> list[str]:
    """Words left once every occurrence of the phrases is removed, scanning left to right and
    trying the longest phrase first at each position."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        for phrase in phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            kept.append(words[i])
            i += 1
    return kept


def name_key_py(name: str | None) -> str | None:
    """Python twin of `name_key`: the comparable form of a company name, or None when the name
    has no letter or digit."""
    if name is None:
        return None
    folded = _words_py(name)
    no_forms = _drop_phrases_py(folded, _FORMS)
    no_stops = [w for w in no_forms if w not in _STOP_SET]
    # Never an empty key for a name that had letters: 'Laboratoires France SA' stays
    # 'laboratoires france', and a name that is only a legal form ('SARL') stays itself.
    for words in (no_stops, no_forms, folded):
        if words:
            return " ".join(words)
    return None


#: the words `lookup_key` drops: one-word legal forms and the stop words
_ONE_WORD_DROPS = sorted({p[0] for p in _FORMS if len(p) == 1} | _STOP_SET)


def lookup_key_py(folded: str | None) -> str | None:
    """Python twin of `lookup_key`."""
    if folded is None:
        return None
    kept = " ".join(w for w in folded.split(" ") if w not in _ONE_WORD_DROPS)
    return kept or folded


def name_tokens_py(name: str | None) -> list[str] | None:
    """Python twin of `name_tokens`."""
    key = name_key_py(name)
    return None if key is None else key.split(" ")


def sigle_key_py(name: str | None) -> str | None:
    """Python twin of `sigle_key`."""
    tokens = name_tokens_py(name)
    if name is None or tokens is None:
        return None
    if len(tokens) >= 2:
        return "".join(t[0] for t in tokens)
    key = tokens[0]
    if 2 <= len(key) <= _SIGLE_MAX and key.upper() in name.replace(".", ""):
        return key
    return None


# -- Ibis -----------------------------------------------------------------------------------------
def _alternation(phrases: list[tuple[str, ...]]) -> str:
    """' (a|b  c) ': whole words in a text whose spaces were doubled and which was padded."""
    return " (" + "|".join("  ".join(words) for words in phrases) + ") "


_FORMS_PATTERN = _alternation(_FORMS)
_STOPS_PATTERN = _alternation(_STOPS)


def _squeeze(text: StringValue) -> StringValue:
    return text.re_replace(" +", " ").strip()


def _drop_phrases(text: StringValue, pattern: str) -> StringValue:
    """Remove whole-word phrases from single-spaced text. Spaces are doubled and the text padded
    so that each match consumes one space on each side and the next phrase still finds its own:
    'sas sarl' -> '  sas    sarl  ' -> nothing left. Alternatives are longest first."""
    padded = " " + text.replace(" ", "  ") + " "
    return _squeeze(padded.re_replace(pattern, " "))


def _let(value: ibis.Value, body: Callable[[Any], ibis.Value]) -> Any:
    """`body(value)` with `value` computed once. Ibis has no `let`: a Python variable used three
    times is compiled as three copies of its expression, and the regex work is then done three
    times per row (the SQL of `sigle_key` grew to 100 kB). A one-element array mapped through a
    lambda (`list_transform` on DuckDB, `transform` on Spark) binds the value once."""
    return ibis.array([value]).map(body)[0]


def _folded_words(name: StringValue) -> StringValue:
    """Twin of `_words_py`: the folded words, single-spaced ('' when none)."""
    lowered = name.lower()
    for ligature, plain in _LIGATURES:
        lowered = lowered.replace(ligature, plain)
    # `translate` is the slowest step on DuckDB (half of the key's time); register names are
    # mostly plain ASCII, where it changes nothing, so it only runs on the others.
    text = _let(
        lowered,
        lambda low: low.re_search("[^ -~]").ifelse(low.translate(_ACCENTED, _PLAIN), low),
    )
    text = _let(
        text, lambda t: t.re_search("[a-z0-9]").ifelse(t.replace("&", " et "), t)
    ).re_replace("[^a-z0-9.]+", " ")

    def undot(text: StringValue) -> StringValue:
        """Dotted acronyms joined, other dots made spaces; only names with a dot pay for the
        split into words."""
        words = text.re_split(" ").map(
            lambda t: t.re_search(_DOTTED_ACRONYM).ifelse(t.replace(".", ""), t.replace(".", " "))
        )
        return text.contains(".").ifelse(words.join(" "), text)

    return _let(_squeeze(_let(text, undot)), _expand_abbreviations)


#: abbreviations grouped by the word they stand for, and a pattern finding any of them
_BY_WORD = {
    word: sorted(k for k, v in ABBREVIATIONS.items() if v == word)
    for word in sorted(set(ABBREVIATIONS.values()))
}
_ANY_ABBREVIATION = " (" + "|".join(sorted(ABBREVIATIONS)) + ") "


def _expand_abbreviations(text: StringValue) -> StringValue:
    """Each abbreviation replaced by its word, token by token; only names holding one pay for
    the split into words (a regex over the padded text finds them)."""
    words = text.re_split(" ").map(
        lambda t: ibis.cases(*((t.isin(keys), word) for word, keys in _BY_WORD.items()), else_=t)
    )
    return (" " + text + " ").re_search(_ANY_ABBREVIATION).ifelse(words.join(" "), text)


def name_key(name: StringValue) -> StringValue:
    """The comparable form of a company name: case, accents and punctuation folded, '&' read as
    'et', legal forms and stop words (`reference.legal_forms`) removed, single spaces.
    'Laboratoires B. Braun S.A.S.' -> 'b braun'; 'Dupont & Fils SARL' -> 'dupont fils'.

    Never empty when the name has a letter or a digit: if nothing but stop words and legal forms
    is left, the name without legal forms is kept ('Laboratoires France SA' ->
    'laboratoires france'), and a name that is only a legal form keeps it ('SARL' -> 'sarl').
    NULL for NULL and for names without any letter or digit."""
    return _let(
        _folded_words(name),
        lambda folded: _let(
            _drop_phrases(folded, _FORMS_PATTERN),
            lambda no_forms: ibis.coalesce(
                _drop_phrases(no_forms, _STOPS_PATTERN).nullif(""),
                no_forms.nullif(""),
                folded.nullif(""),
            ),
        ),
    )


def lookup_key(folded: StringValue) -> StringValue:
    """A folded name (`engine.expressions.fold`) without its one-word legal forms and stop
    words, or the folded name when nothing else is left: what a register name is looked up by
    as a whole (`word_lookup.candidate_units`), against the partner's `name_key`. For nearly
    every name it is `name_key` ('LICORIS TECHNOLOGIES SARL' and 'Societe Licoris
    Technologies' both give 'licoris technologies'; multi-word forms, dotted initials and
    abbreviations are what differ), at a third of the cost: the lookup reads every name of the
    register (57 M at national scale: 27 s from the folded names, 87 s for `name_key`)."""
    kept = folded.re_split(" ").filter(lambda w: ~w.isin(_ONE_WORD_DROPS)).join(" ")
    return ibis.coalesce(kept.nullif(""), folded)


def name_words(name: StringValue) -> StringValue:
    """The name's folded words without legal forms, generic words kept: 'Laboratoire Alluvis
    S.A.S.' -> 'laboratoire alluvis', which tells it from 'Société Alluvis SA' although both
    have the key 'alluvis'. NULL when nothing is left."""
    return _drop_phrases(_folded_words(name), _FORMS_PATTERN).nullif("")


def name_tokens(name: StringValue, key: StringValue | None = None) -> ArrayValue:
    """The key's words, for blocking on shared tokens and for token-set comparisons. Give `key`
    when the key is already a column: it is then not computed again.

    `re_split(' ')`, not `split`: Spark's `split` takes a regex, DuckDB's a literal; a space
    means the same to both as a regex. NULL when the key is NULL; never an empty word."""
    return (name_key(name) if key is None else key).re_split(" ")


def sigle_key(name: StringValue, key: StringValue | None = None) -> StringValue:
    """The sigle (acronym) a name may be written as, to meet a register's sigle or a partner's
    abbreviation: the initials of the key's words when it has two or more ('Bio Medical
    Innovation' -> 'bmi'); the key itself when it is one word of 2 to 6 characters written in
    capitals in the name, dots ignored ('BMI', 'B.M.I. SAS' -> 'bmi'); NULL otherwise (a single
    word in lower or mixed case, 'Sanofi', is a name, not a sigle). `key`: as in `name_tokens`."""
    undotted = name.replace(".", "")

    def sigle(key: StringValue) -> StringValue:
        tokens = key.re_split(" ")
        initials = tokens.map(lambda t: t.substr(0, 1)).join("")
        short = (key.length() >= 2) & (key.length() <= _SIGLE_MAX)
        return ibis.cases(
            (tokens.length() >= 2, initials),
            (short & undotted.contains(key.upper()), key),
            else_=null_text(),
        )

    return _let(name_key(name) if key is None else key, sigle)
