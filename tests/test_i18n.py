"""One number formatter for every output, and UI words complete in both languages."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from healthradar.i18n import TEXT, fmt_band, fmt_number, fmt_share, t

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "healthradar" / "publish" / "templates"


def test_halves_round_up_like_the_charts() -> None:
    # Python's format rounds half to even (10480.5 -> 10 480); d3 in the charts gave 10 481.
    assert fmt_number(10480.5, "fr") == "10\u202f481"
    assert fmt_number(10480.5, "en") == "10,481"
    assert fmt_number(2.5, "en") == "3"
    assert fmt_number(0.5, "en") == "1"
    assert fmt_number(1.25, "fr", 1) == "1,3"
    assert fmt_number(-2.5, "en") == "-3"  # half away from zero, as JavaScript's toFixed


def test_missing_and_odd_values() -> None:
    assert fmt_number(None, "fr") == "–"
    assert fmt_number(float("nan"), "en") == "–"
    assert fmt_number(float("inf"), "en") == "–"
    assert fmt_number(-0.4, "en") == "0"  # never '-0'
    assert fmt_number(1234567, "fr") == "1\u202f234\u202f567"
    assert fmt_number(Decimal("1234.5"), "en", 1) == "1,234.5"


def test_shares_round_half_up_on_the_percentage() -> None:
    assert fmt_share(0.1235, "fr") == "12,4\u202f%"  # 12.35 % -> 12.4 (float 0.1235*100 is 12.35)
    assert fmt_share(0.5, "en") == "50.0%"
    assert fmt_share(None, "en") == "–"


def test_percentage_bands_follow_each_language_like_shares() -> None:
    # the same unit spacing as fmt_share: a narrow no-break space before % in French, none in
    # English ('0 %' in an English page was the French spacing)
    assert fmt_band("0", "en") == "0%"
    assert fmt_band("< 1", "en") == "< 1%"
    assert fmt_band("1–5", "fr") == "1–5\u202f%"
    assert fmt_band("≥ 50", "fr") == "≥ 50\u202f%"
    assert fmt_band(None, "en") == "–"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_keep_every_digit(n: int) -> None:
    assert fmt_number(n, "en").replace(",", "") == str(n)
    assert fmt_number(n, "fr").replace("\u202f", "") == str(n)


def test_every_key_exists_in_both_languages() -> None:
    assert set(TEXT["fr"]) == set(TEXT["en"])


def test_no_chapter_words_in_i18n() -> None:
    # Chapter titles and value labels live in the chapter's definitions, not here.
    assert not any(k.startswith(("chapter_", "perimetre_")) for k in TEXT["fr"])


def test_every_key_used_by_a_template_exists() -> None:
    used = set()
    for page in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"tr\(\"([a-z_]+)\"", page.read_text(encoding="utf-8")))
    assert used, 'templates look up their words with tr("key")'
    for key in used:
        assert t("fr", key) and t("en", key), key
