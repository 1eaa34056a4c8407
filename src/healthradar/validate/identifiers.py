"""SIREN/SIRET checks as column expressions, so that validation is one query on any backend.

A per-row Python function (python-stdnum) would be exact but would pin validation to DuckDB and
cost a round trip per row on Spark; the Luhn checksum is short enough to spell out with
`substr` and integer arithmetic over the 9 or 14 digit characters. The rules are those of
python-stdnum 2.2 (`stdnum.fr.siren`, `stdnum.fr.siret`), including the La Poste exception,
and `tests/test_identifiers.py` compares the two on generated numbers.

`identifier_digits` and `repair_identifier` undo what spreadsheets do to identifiers before
they are checked: a number format ('552120222.0'), grouping ('552 120 222', '552.120.222') and
lost leading zeros ('1234566' for SIREN 001234566), restored only when the checksum confirms.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import BooleanValue, IntegerValue, StringValue

from healthradar.engine.expressions import digits_only

# La Poste establishments (all but the head office) do not follow Luhn on the SIRET: the sum of
# their 14 digits is a multiple of 5 instead (stdnum.fr.siret).
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def identifier_digits(value: StringValue) -> StringValue:
    """A cell's identifier characters: number format ('552120222.0') and separators removed."""
    return digits_only(value.re_replace("[.,]0+$", ""))


def repair_identifier(value: StringValue, width: int) -> StringValue:
    """The identifier a cell most likely holds; `width` is 9 (SIREN) or 14 (SIRET)."""
    return repair_digits(identifier_digits(value), width)


def repair_digits(digits: StringValue, width: int) -> StringValue:
    """`repair_identifier` on a cell's identifier characters (`identifier_digits`), best a
    column of them: the value is referred to once per checked digit.

    Leading zeros a spreadsheet dropped are restored only where the result checks out: 7 or 8
    digits padded to a valid SIREN, 12 or 13 digits to a valid SIRET (also where a SIREN is
    expected: partners put SIRETs there). Zeros do not change a Luhn sum, so the check says
    the digits were a valid number before padding; anything else is returned as it is, for
    the checks to refuse."""
    if width not in (9, 14):
        raise ValueError(f"identifier width is 9 or 14, not {width}")
    length = digits.length()
    all_digits = digits.re_search("^[0-9]+$").fill_null(False)
    as_siret = digits.lpad(14, "0")
    short_siret = all_digits & length.isin([12, 13]) & is_siret(as_siret)
    if width == 14:
        return ibis.ifelse(short_siret, as_siret, digits)
    as_siren = digits.lpad(9, "0")
    short_siren = all_digits & length.isin([7, 8]) & is_siren(as_siren)
    return ibis.cases((short_siren, as_siren), (short_siret, as_siret), else_=digits)


def is_digits(value: StringValue, width: int) -> BooleanValue:
    """Exactly `width` ASCII digits (never NULL)."""
    return value.re_search(f"^[0-9]{{{width}}}$").fill_null(False)


def _digit(value: StringValue, position: int, doubled: bool = False) -> IntegerValue:
    """The digit at `position` (NULL if it is not one); `doubled`: its Luhn value, the digits
    of twice it added (2d, or 2d - 9 above 4), read through `translate`. Each digit refers
    to the column once: Ibis inlines expressions, and a guarded copy of the value per digit
    made the query of one SIRET check tens of kilobytes."""
    char = value.substr(position, 1)
    if doubled:
        char = char.translate("0123456789", "0246813579")
    return char.try_cast("int64")


def _luhn_sum(value: StringValue, width: int) -> IntegerValue:
    """Luhn sum of the first `width` characters: from the right, every second digit doubled."""
    total: IntegerValue = ibis.literal(0, "int64")
    for position in range(width):
        total = total + _digit(value, position, doubled=(width - 1 - position) % 2 == 1)
    return total


def is_siren(value: StringValue) -> BooleanValue:
    """A valid SIREN: 9 digits passing the Luhn checksum (never NULL)."""
    return is_digits(value, 9) & (_luhn_sum(value, 9) % 10 == 0).fill_null(False)


def is_siret(value: StringValue) -> BooleanValue:
    """A valid SIRET: 14 digits, Luhn checksum (La Poste: digit sum a multiple of 5), and its
    first 9 digits a valid SIREN (never NULL)."""
    siren_ok = _luhn_sum(value, 9) % 10 == 0
    la_poste = (value.substr(0, 9) == LA_POSTE_SIREN) & (value != LA_POSTE_HEAD_OFFICE)
    digit_sum: IntegerValue = ibis.literal(0, "int64")
    for position in range(14):
        digit_sum = digit_sum + _digit(value, position)
    checksum_ok = ibis.ifelse(la_poste, digit_sum % 5 == 0, _luhn_sum(value, 14) % 10 == 0)
    return is_digits(value, 14) & (siren_ok & checksum_ok).fill_null(False)
