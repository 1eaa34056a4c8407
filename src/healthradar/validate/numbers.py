"""Numbers as French and English spreadsheets write them, parsed by a column expression.

Accepted: a decimal comma or point, thousands grouped by spaces, no-break spaces, points or
commas ('1 234,5', '1.234,5', '1,234.5'). When a value has both marks, the last one is the
decimal mark; when it has one comma or point followed by groups of exactly three digits
('1,234'), the file's sniffed decimal mark breaks the tie. Only plain decimal notation (with an
optional exponent) reaches the cast, so that DuckDB and Spark, whose casts accept different
extras ('1_000', '1d', 'Infinity'), read the same strings the same way; results that are not
finite are NULL ('1e999' would poison every sum it enters).
"""

from __future__ import annotations

import sys

import ibis
from ibis.expr.types import FloatingValue, IntegerValue, StringValue

# Spaces a grouped number may contain (spelled out: `\s` differs between RE2 and Java).
NUMBER_SPACES = "[ \t\n\r\f\u00a0\u202f]"
PLAIN_NUMBER = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"
_INTEGER = "^[+-]?[0-9]+$"
_COMMA_GROUPS = "^[+-]?[0-9]{1,3}(,[0-9]{3})+$"
_POINT_GROUPS = "^[+-]?[0-9]{1,3}([.][0-9]{3})+$"
# Whole numbers beyond this are not exact in float64 and overflow int64 casts differently.
_MAX_EXACT_INTEGER = 2**53


def plain_number_text(value: StringValue, decimal_mark: StringValue | str) -> StringValue:
    """The value rewritten with '.' as the only mark and no grouping (not yet checked)."""
    s = value.re_replace(NUMBER_SPACES, "")
    has_comma = s.re_search("[,]")
    has_point = s.re_search("[.]")
    comma_is_decimal = s.re_search(",[^.]*$")  # the last mark is a comma
    return ibis.cases(
        (s.re_search(_INTEGER), s),
        (
            has_comma & has_point,
            ibis.ifelse(comma_is_decimal, s.replace(".", "").replace(",", "."), s.replace(",", "")),
        ),
        (
            has_comma,
            ibis.ifelse(
                (decimal_mark == ".") & s.re_search(_COMMA_GROUPS),
                s.replace(",", ""),
                s.replace(",", "."),
            ),
        ),
        (
            has_point,
            ibis.ifelse((decimal_mark == ",") & s.re_search(_POINT_GROUPS), s.replace(".", ""), s),
        ),
        else_=s,
    )


def number_from_plain(text: StringValue) -> FloatingValue:
    """A finite float64 from `plain_number_text`'s output, or NULL when it is not a number."""
    number = ibis.ifelse(text.re_search(PLAIN_NUMBER), text, ibis.null("string")).try_cast(
        "float64"
    )
    finite = number.abs() <= sys.float_info.max  # false for inf; NaN cannot pass PLAIN_NUMBER
    result: FloatingValue = ibis.ifelse(finite, number, ibis.null("float64"))
    return result


def integer_from_number(number: FloatingValue) -> IntegerValue:
    """An int64 when the number is whole ('2024', '2 024', '2024.0'), else NULL."""
    # Casts only ever see exact values: out of range, backends fail or wrap differently, and
    # DuckDB rounds where Spark truncates (the same only for whole numbers).
    exact = ibis.ifelse(number.abs() < _MAX_EXACT_INTEGER, number, ibis.null("float64"))
    as_integer = exact.cast("int64")
    result: IntegerValue = ibis.ifelse(
        as_integer.cast("float64") == exact, as_integer, ibis.null("int64")
    )
    return result


# Each step refers to the previous one several times, and Ibis inlines the expressions: on a
# table, materialise `plain_number_text` first (as validate does) rather than nest these two.
def parse_number(value: StringValue, decimal_mark: StringValue | str) -> FloatingValue:
    """A finite float64, or NULL when the text is not a number."""
    return number_from_plain(plain_number_text(value, decimal_mark))


def parse_integer(value: StringValue, decimal_mark: StringValue | str) -> IntegerValue:
    """An int64 when the text is a whole number, else NULL."""
    return integer_from_number(parse_number(value, decimal_mark))
