"""Normalisation of names and places for entity resolution.

Property tests: each Ibis expression and its Python twin agree on generated text, the Ibis side
evaluated in one batched query (one Arrow table of values, one query) on DuckDB; the Spark test
runs the same expressions on pyspark and expects the same answers. Hand-written examples give
expected values worked out by hand; `commune_candidates` is checked on the packaged COG.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthradar.engine import Warehouse, memory_warehouse
from healthradar.engine.expressions import fold, strip_spaces
from healthradar.reference import load_reference_tables, read_reference_table
from healthradar.resolve.normalise import (
    city_key,
    city_key_py,
    commune_candidates,
    fold_py,
    lookup_key,
    lookup_key_py,
    name_key,
    name_key_py,
    name_tokens,
    name_tokens_py,
    postcode_key,
    postcode_key_py,
    sigle_key,
    sigle_key_py,
)


@pytest.fixture(scope="module")
def wh() -> Iterator[Warehouse]:
    warehouse = memory_warehouse()
    load_reference_tables(warehouse)
    yield warehouse
    warehouse.close()


# -- generated text -------------------------------------------------------------------------------
# Letters both twins fold (French accents, ligatures, both cases), digits, and the punctuation
# partner lists carry: other scripts are outside what the twins promise to agree on.
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÇœŒæß"
_CHARS = _LETTERS + "0123456789 .&'-,()/\u00a0\t\n\r\x0b\x0c°€"
_NAME_WORDS = (
    "SAS", "S.A.S.", "S.A.S", "s.a.", "SARL", "S.A.R.L.", "SA", "sasu", "EURL", "SELARL", "GIE",
    "Société", "société par actions simplifiée", "Société Anonyme", "SOCIETE A RESPONSABILITE",
    "limitée", "unipersonnelle", "d'exercice libéral", "civile immobilière", "Laboratoires",
    "labo", "France", "Groupe", "Holding", "Cie", "Ets", "&", "et", "de", "L'", "d'", "le",
    "B.Braun", "B. Braun", "A.B.C.", "Bio", "Medical", "Innovation", "BMI", "3M", "Œuvre",
    "Sté", "the", "of", "and", "..", ".", "-", "Ctr", "Intl", "Ind.", "St", "Assoc.", "GPE",
)  # fmt: skip
_CITY_WORDS = (
    "St", "Ste", "Saint", "Sainte", "CEDEX", "cedex", "7e", "1er", "07", "2nd", "15ème",
    "arrondissement", "Arr.", "Lyon", "Paris", "Bourg-en-Bresse", "L'Isle", "d'Abeau", "0",
    "12", "e", "er",
)  # fmt: skip
_SEPARATORS = st.sampled_from([" ", "  ", "-", ".", ", ", "'", "\u00a0", "(", ")", "/", ""])


def _phrases(words: tuple[str, ...]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(words), st.text(alphabet=_CHARS, max_size=8))
    parts = st.lists(st.tuples(piece, _SEPARATORS), max_size=7)
    return parts.map(lambda ps: "".join(p + s for p, s in ps))


def _evaluate(
    wh: Warehouse, values: list[str | None], **exprs: Callable[[ibis.Table], Any]
) -> list[dict[str, Any]]:
    """Load `values` as a table and evaluate every expression over it in one query."""
    wh.load_arrow(
        "values_under_test",
        pa.table(
            {"i": list(range(len(values))), "v": values},
            schema=pa.schema([("i", pa.int64()), ("v", pa.string())]),
        ),
    )
    t = wh.table("values_under_test")
    return wh.to_rows(t.select("i", **{k: f(t) for k, f in exprs.items()}).order_by("i"))


_NAME_EXPRS: dict[str, Callable[[ibis.Table], Any]] = {
    "key": lambda t: name_key(t.v),
    "tokens": lambda t: name_tokens(t.v),
    "sigle": lambda t: sigle_key(t.v),
    # the same, from a key given as a column expression
    "tokens_of_key": lambda t: name_tokens(t.v, key=name_key(t.v)),
    "sigle_of_key": lambda t: sigle_key(t.v, key=name_key(t.v)),
    # the register's cleaning: the same as a plain strip, only cheaper
    "stripped": lambda t: strip_spaces(t.v),
    "lookup": lambda t: lookup_key(fold(t.v)),
}
_PLACE_EXPRS: dict[str, Callable[[ibis.Table], Any]] = {
    "postcode": lambda t: postcode_key(t.v),
    "city": lambda t: city_key(t.v),
}


def _check_names(values: list[str | None], rows: list[dict[str, Any]]) -> None:
    for value, row in zip(values, rows, strict=True):
        assert row["key"] == name_key_py(value), value
        assert row["tokens"] == name_tokens_py(value), value
        assert row["sigle"] == sigle_key_py(value), value
        assert (row["tokens_of_key"], row["sigle_of_key"]) == (row["tokens"], row["sigle"])
        assert row["stripped"] == (None if value is None else value.strip(" \t\n\r\x0b\x0c"))
        assert row["lookup"] == lookup_key_py(None if value is None else fold_py(value)), value


def _check_places(values: list[str | None], rows: list[dict[str, Any]]) -> None:
    for value, row in zip(values, rows, strict=True):
        assert row["postcode"] == postcode_key_py(value), value
        assert row["city"] == city_key_py(value), value


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.one_of(st.none(), _phrases(_NAME_WORDS)), min_size=1, max_size=300))
def test_name_twins_agree(wh: Warehouse, values: list[str | None]) -> None:
    _check_names(values, _evaluate(wh, values, **_NAME_EXPRS))


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_phrases(_NAME_WORDS), min_size=1, max_size=200))
def test_name_key_properties(values: list[str]) -> None:
    """A name with a letter or digit always has a key; the key is folded, single-spaced and a
    fixed point (keying a key changes nothing unless the key is itself only stop words)."""
    for value in values:
        key = name_key_py(value)
        has_alnum = any(ch.isalnum() for ch in value)
        assert (key is not None) == has_alnum, value
        if key is not None:
            assert key == key.strip() and "  " not in key
            assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")


_POSTCODE_LIKE = st.lists(
    st.tuples(
        st.sampled_from(["", "F-", "F ", "f - ", " "]),
        st.text(alphabet="0123456789 \u00a0", min_size=3, max_size=7),
        st.sampled_from(["", " CEDEX", " Cedex 07", "CEDEX9", " x", "-"]),
    ).map("".join),
)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), _phrases(_CITY_WORDS), _POSTCODE_LIKE.map(" ".join)),
        min_size=1,
        max_size=300,
    )
)
def test_place_twins_agree(wh: Warehouse, values: list[str | None]) -> None:
    _check_places(values, _evaluate(wh, values, **_PLACE_EXPRS))


# -- names, by hand -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Laboratoires B. Braun S.A.S.", "b braun"),
        ("B.Braun Medical SAS", "b braun medical"),  # the dot beside a word only separates
        ("S.A.R.L. Dupont & Fils", "dupont fils"),  # '&' is 'et', a stop word
        ("SAS SARL Dupont", "dupont"),  # two forms side by side both go
        ("DUPONT S.A", "dupont"),
        ("Société par actions simplifiée unipersonnelle BIOTECH", "biotech"),
        ("Biotech société à responsabilité limitée", "biotech"),
        ("SELARL d'exercice", "exercice"),
        ("Laboratoires France SA", "laboratoires france"),  # only stop words left: keep them
        ("SARL", "sarl"),  # only a legal form: keep it
        ("L'Oréal", "oreal"),
        ("Établissements ŒUVRE & Cie", "oeuvre"),
        ("A.B.C. Conseil", "abc conseil"),
        ("Groupe  SEB\u00a0International", "seb"),
        ("Johnson-&-Johnson", "johnson johnson"),
        ("The Institute of Cancer", "institute cancer"),
        # abbreviations are read as their word (reference.abbreviations), whole words only
        ("Ctr Roxima Biologie Sarl", "centre roxima biologie"),
        ("Dupont Intl", "dupont"),  # 'international' is a stop word
        ("Inst. St Louis", "institut saint louis"),
        ("Ctrl Dupont", "ctrl dupont"),
        ("...", None),
        ("& ", None),  # found by hypothesis: '&' alone was read as the word 'et'
        ("", None),
        (None, None),
    ],
)
def test_name_key_examples(wh: Warehouse, name: str | None, key: str | None) -> None:
    assert name_key_py(name) == key
    assert _evaluate(wh, [name], k=lambda t: name_key(t.v))[0]["k"] == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # the register's side of the whole-name lookup: `name_key` for these
        ("LICORIS TECHNOLOGIES SARL", "licoris technologies"),
        ("Société Licoris Technologies", "licoris technologies"),
        ("Groupe  SEB\u00a0International", "seb"),
        ("SARL", "sarl"),
        # where it is not `name_key`: nothing but stop words and forms keeps them all; dotted
        # initials are letters apart (the stop word 'a' dropped); abbreviations stay
        ("Laboratoires France SA", "laboratoires france sa"),
        ("A.B.C. Conseil", "b c conseil"),
        ("Ctr Roxima", "ctr roxima"),
        (None, None),
    ],
)
def test_lookup_key_examples(wh: Warehouse, name: str | None, key: str | None) -> None:
    assert lookup_key_py(None if name is None else fold_py(name)) == key
    assert _evaluate(wh, [name], k=lambda t: lookup_key(fold(t.v)))[0]["k"] == key


@pytest.mark.parametrize(
    ("name", "tokens", "sigle"),
    [
        ("Bio Medical Innovation", ["bio", "medical", "innovation"], "bmi"),
        ("Laboratoire Bio Medical Innovation SAS", ["bio", "medical", "innovation"], "bmi"),
        ("BMI", ["bmi"], "bmi"),  # one short word in capitals: a sigle already
        ("B.M.I. SAS", ["bmi"], "bmi"),
        ("IBM France", ["ibm"], "ibm"),
        ("Sanofi", ["sanofi"], None),  # one word in mixed case: a name, not a sigle
        ("ABCDEFGH", ["abcdefgh"], None),  # too long for a sigle
        ("X", ["x"], None),  # too short
        (None, None, None),
    ],
)
def test_tokens_and_sigle_examples(
    wh: Warehouse, name: str | None, tokens: list[str] | None, sigle: str | None
) -> None:
    assert (name_tokens_py(name), sigle_key_py(name)) == (tokens, sigle)
    (row,) = _evaluate(wh, [name], **_NAME_EXPRS)
    assert (row["tokens"], row["sigle"]) == (tokens, sigle)


# -- places, by hand ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "postcode"),
    [
        ("69007", "69007"),
        (" 69 007 ", "69007"),
        ("F-69007", "69007"),
        ("69289 CEDEX 02", "69289"),
        ("38042cedex9", "38042"),
        ("1000", "01000"),  # a lost leading zero: a candidate for the COG to confirm
        ("690070", None),
        ("690", None),
        ("BP 12", None),
        ("Lyon", None),
        ("", None),
        (None, None),
    ],
)
def test_postcode_examples(wh: Warehouse, value: str | None, postcode: str | None) -> None:
    assert postcode_key_py(value) == postcode
    assert _evaluate(wh, [value], p=lambda t: postcode_key(t.v))[0]["p"] == postcode


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Lyon 7e", "lyon 7"),
        ("LYON 7ème arrondissement", "lyon 7"),
        ("Lyon 07", "lyon 7"),
        ("Lyon 7e Arrondissement", "lyon 7"),  # the COG's spelling
        ("Marseille 1er Arrondissement", "marseille 1"),
        ("Paris 15", "paris 15"),
        ("Lyon Cedex 07", "lyon"),  # a sorting office, not an arrondissement
        ("GRENOBLE CEDEX 9", "grenoble"),
        ("St-Étienne", "saint etienne"),
        ("Ste Foy lès Lyon", "sainte foy les lyon"),
        ("L'Isle-d'Abeau", "l isle d abeau"),
        ("Bourg en Bresse", "bourg en bresse"),
        ("  ", None),
        (None, None),
    ],
)
def test_city_key_examples(wh: Warehouse, value: str | None, key: str | None) -> None:
    assert city_key_py(value) == key
    assert _evaluate(wh, [value], c=lambda t: city_key(t.v))[0]["c"] == key


def _candidates(wh: Warehouse, cases: list[tuple[str | None, str | None]]) -> dict[int, Any]:
    table = pa.table(
        {
            "input": ["partners"] * len(cases),
            "file": ["list.csv"] * len(cases),
            "line": list(range(len(cases))),
            "cp": [c[0] for c in cases],
            "ville": [c[1] for c in cases],
        }
    )
    wh.load_arrow("places_under_test", table)
    rows = wh.to_rows(commune_candidates(wh, "places_under_test", "cp", "ville"))
    found: dict[int, Any] = {}
    for row in rows:
        found.setdefault(row["line"], set()).add((row["commune"], row["departement"], row["rule"]))
    return found


_COG_CASES: list[tuple[str | None, str | None]] = [
    ("69007", "Lyon"),
    ("69001", "LYON 1ER"),
    ("", "Villeurbanne"),
    ("38000", "Grenoble"),
    ("01000", "Bourg en Bresse"),
    (None, "01003"),  # a former commune's code in the city cell
    ("75015", "PARIS 15"),
    (None, "Saint-Denis"),
    ("74600", "Seynod"),  # a commune déléguée of Annecy: its name is not in the COG tables
    ("38042", "Grenoble Cedex 9"),  # a CEDEX postcode unknown to the COG
    ("1000", "Bourg-en-Bresse"),
    ("69100", None),
    ("", "Lyon"),
    ("69007", "69007"),  # the postcode written in the city cell too
    ("99999", "Nowhere"),
    (None, None),
]
_COG_EXPECTED: dict[int, Any] = {
    0: {("69387", "69", "postcode+city")},
    1: {("69381", "69", "postcode+city")},
    2: {("69266", "69", "city")},
    3: {("38185", "38", "postcode+city")},
    4: {("01053", "01", "postcode+city")},
    5: {("01165", "01", "city")},
    6: {("75115", "75", "postcode+city")},
    7: {
        ("11339", "11", "city_homonyms"),
        ("30247", "30", "city_homonyms"),
        ("93066", "93", "city_homonyms"),
        ("97411", "974", "city_homonyms"),
    },
    8: {("74010", "74", "postcode"), ("74186", "74", "postcode"), ("74219", "74", "postcode")},
    9: {("38185", "38", "city")},
    10: {("01053", "01", "postcode+city")},
    11: {("69266", "69", "postcode")},
    12: {("69123", "69", "city")},  # the whole city: no postcode to pick an arrondissement
    13: {("69387", "69", "postcode")},
    14: {(None, None, "none")},
    15: {(None, None, "none")},
}


def test_commune_candidates_on_the_cog(wh: Warehouse) -> None:
    aliases = read_reference_table("ref_commune_aliases").to_pylist()
    # Amareins (01003) merged into Francheleins (01165) in 1974; the alias table says so.
    assert {"code_insee_ancien": "01003", "code_insee": "01165"} in aliases
    assert _candidates(wh, _COG_CASES) == _COG_EXPECTED


def test_former_commune_names_when_the_aliases_carry_them() -> None:
    """A build of the reference that ships former names (column `nom`) resolves them too."""
    wh = memory_warehouse()
    wh.load_arrow(
        "ref_communes",
        pa.table(
            {
                "code_insee": ["74010", "74219"],
                "nom": ["Annecy", "Quintal"],
                "type": ["commune-actuelle"] * 2,
                "code_departement": ["74", "74"],
                "codes_postaux": ["74000|74600", "74600"],
            }
        ),
    )
    wh.load_arrow(
        "ref_commune_aliases",
        pa.table({"code_insee_ancien": ["74268"], "code_insee": ["74010"], "nom": ["Seynod"]}),
    )
    assert _candidates(wh, [("74600", "Seynod"), (None, "SEYNOD"), ("74600", None)]) == {
        0: {("74010", "74", "postcode+city")},
        1: {("74010", "74", "city")},
        2: {("74010", "74", "postcode"), ("74219", "74", "postcode")},
    }


# -- Spark ----------------------------------------------------------------------------------------
def _sample(n: int = 400) -> list[str | None]:
    rng = random.Random(8)
    words = _NAME_WORDS + _CITY_WORDS + ("69 007", "F-1000", "38042 CEDEX 9")
    seps = [" ", "-", ".", "'", ""]
    return [
        "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(0, 5)))
        for _ in range(n)
    ] + [None]


@pytest.mark.spark
def test_expressions_and_candidates_agree_on_spark(tmp_path: Path) -> None:
    from healthradar.engine.spark_backend import SparkWarehouse

    values = _sample()
    spark = SparkWarehouse(tmp_path / "spark")
    try:
        rows = _evaluate(spark, values, **_NAME_EXPRS, **_PLACE_EXPRS)
        _check_names(values, rows)
        _check_places(values, rows)
        load_reference_tables(spark)
        assert _candidates(spark, _COG_CASES) == _COG_EXPECTED
    finally:
        spark.close()
