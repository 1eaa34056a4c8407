"""Portable column expressions shared by the stages (the same result on DuckDB and Spark).

Only operations that both backends compile identically are used: `re_replace` with plain
character classes, `translate`, `lower`, `strip`, `substr`. Python's `unicodedata` (used to fold
headers in `contracts`) has no SQL twin on Spark, so accents are folded with an explicit table
that covers French and the Latin-1/Latin-Extended letters partner lists contain;
`tests/test_expressions.py` checks the two foldings agree on such text.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import StringValue

# Lower-case accented letters and their base letter (ligatures are replaced before).
_ACCENTED = "àáâãäåāăąçćčďèéêëēĕėęěìíîïīĭįıñńňòóôõöøōŏőùúûüūŭůűųýÿźżžšśşţťŕřľĺłğ"
_PLAIN = "aaaaaaaaacccdeeeeeeeeeiiiiiiiinnnooooooooouuuuuuuuuyyzzzsssttrrlllg"
assert len(_ACCENTED) == len(_PLAIN)

# Spaces that spreadsheets and web exports put in values: no-break, narrow no-break, tab.
_ODD_SPACES = "[\u00a0\u202f\t]"


def clean_text(value: StringValue) -> StringValue:
    """Trimmed text, with odd spaces made plain; '' becomes NULL."""
    text = value.re_replace(_ODD_SPACES, " ").strip()
    return text.nullif("")


def fold(value: StringValue) -> StringValue:
    """Case, accents and punctuation folded away: 'Santé numérique' and 'SANTE-NUMERIQUE'
    compare equal. The SQL twin of `contracts.normalise_header`."""
    text = value.lower()
    unfolded = text
    for ligature, plain in (("œ", "oe"), ("æ", "ae"), ("ß", "ss"), ("°", " "), ("€", " eur ")):
        unfolded = unfolded.replace(ligature, plain)
    unfolded = unfolded.translate(_ACCENTED, _PLAIN)
    # Only text with a non-ASCII character is translated: `translate` with multi-byte
    # characters costs ~7 µs a value on DuckDB, and nearly every register name is plain ASCII
    # (the national register's names: minutes saved on every pass).
    text = ibis.ifelse(text.re_search("[^\\x00-\\x7F]"), unfolded, text)
    return text.re_replace("[^a-z0-9]+", " ").strip()


#: a space, tab, line break, vertical tab or form feed at either end (what `strip` removes)
_EDGE_SPACE = "^[ \\t\\n\\r\\x0b\\x0c]|[ \\t\\n\\r\\x0b\\x0c]$"


def strip_spaces(value: StringValue) -> StringValue:
    """`value.strip()`, skipped where there is nothing to strip: DuckDB's trim of several
    characters costs ~0.3 µs a value, and the register's views trim every column of every row
    on every read (measured ~12 s a scan of 4 M establishments × 6 columns); the test costs a
    quarter of that."""
    return ibis.ifelse(value.re_search(_EDGE_SPACE), value.strip(), value)


def digits_only(value: StringValue) -> StringValue:
    """An identifier as written with spaces, dots, dashes or slashes, reduced to its characters."""
    return value.re_replace("[\\s\u00a0\u202f.\\-/]", "")


def null_text() -> StringValue:
    return ibis.null().cast("string")


def ordered_join(value: StringValue, sep: str, *keys: ibis.Value) -> StringValue:
    """`string_agg(value ORDER BY keys)` on every backend: Spark has no ordered string
    aggregate, so the values are collected with their keys as structs, sorted, and joined."""
    fields: dict[str, ibis.Value] = {f"k{i}": key for i, key in enumerate(keys)}
    fields["v"] = value
    return ibis.struct(fields).collect().sort().map(lambda s: s.v).join(sep)
