"""Places of partner rows as the register writes them: postcodes, commune names, INSEE codes.

The matcher blocks candidate pairs on the commune (or its département), so a partner row's
'69001 / LYON 1ER' must become Sirene's `codeCommuneEtablissement` 69381. `postcode_key` and
`city_key` fold what people write (Ibis expressions with plain-Python twins, property-tested
against each other); `commune_candidates` turns them into INSEE codes through the COG tables
that `reference.load_reference_tables` put in the warehouse, with joins only.
"""

from __future__ import annotations

import re

import ibis
from ibis.expr.types import StringValue, Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import fold, null_text
from healthradar.reference import departement_of_commune
from healthradar.resolve.normalise_names import fold_py

# -- postcodes ------------------------------------------------------------------------------------
_SPACES = "[ \t\u00a0\u202f]+"
_COUNTRY_PREFIX = "^F *-? *"  # 'F-69007', 'F 69007': the old European postal prefix
_CEDEX = " *CEDEX.*$"  # '69289 LYON CEDEX 02' written in the postcode cell: the suffix goes


def postcode_key_py(value: str | None) -> str | None:
    """Python twin of `postcode_key`."""
    if value is None:
        return None
    text = re.sub(_SPACES, " ", value.upper()).strip(" ")
    text = re.sub(_CEDEX, "", re.sub(_COUNTRY_PREFIX, "", text)).replace(" ", "")
    if re.fullmatch("[0-9]{5}", text):
        return text
    if re.fullmatch("[0-9]{4}", text):
        return "0" + text
    return None


def postcode_key(value: StringValue) -> StringValue:
    """A French postcode as its 5 digits: spaces ('69 007'), an 'F-' prefix and a 'CEDEX n'
    suffix removed. Four digits get a leading 0 ('1000' -> '01000': spreadsheets drop it in
    the départements 01-09), which is only a candidate: a join with the COG confirms it.
    NULL for anything else (a town name, 'BP 12', six digits)."""
    text = value.upper().re_replace(_SPACES, " ").strip()
    text = text.re_replace(_COUNTRY_PREFIX, "").re_replace(_CEDEX, "").replace(" ", "")
    return ibis.cases(
        (text.re_search("^[0-9]{5}$"), text),
        (text.re_search("^[0-9]{4}$"), "0" + text),
        else_=null_text(),
    )


# -- commune names --------------------------------------------------------------------------------
#: Words written for 'arrondissement' after the number of a Paris, Lyon or Marseille one.
_ARRONDISSEMENT_WORDS = ("arrondissement", "arrondissements", "arr", "arrt", "ardt", "arrdt")
#: An ordinal: '1er', '7e', '7eme' ('ème' folded), '2nd', '15ieme'.
_ORDINAL = "^[0-9]+(er|re|e|eme|ieme|em|me|nd|d)$"
_SAINTS = {"st": "saint", "ste": "sainte"}


def _city_word_py(word: str) -> str:
    if word in _SAINTS:
        return _SAINTS[word]
    if word in _ARRONDISSEMENT_WORDS:
        return ""
    if re.fullmatch(_ORDINAL, word):
        word = re.sub("[a-z]+", "", word)
    return word[1:] if re.fullmatch("0[0-9]", word) else word


def city_key_py(city: str | None) -> str | None:
    """Python twin of `city_key`."""
    if city is None:
        return None
    words = fold_py(city).split(" ")
    kept: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "cedex":
            i += 2 if i + 1 < len(words) and re.fullmatch("[0-9]+", words[i + 1]) else 1
            continue
        kept.append(_city_word_py(words[i]))
        i += 1
    key = " ".join(w for w in kept if w)
    return key or None


def _city_word(word: StringValue) -> StringValue:
    number = word.re_search(_ORDINAL).ifelse(word.re_replace("[a-z]+", ""), word)
    return ibis.cases(
        (word == "st", "saint"),
        (word == "ste", "sainte"),
        (word.isin(_ARRONDISSEMENT_WORDS), ""),
        (number.re_search("^0[0-9]$"), number.substr(1)),
        else_=number,
    )


def city_key(city: StringValue) -> StringValue:
    """A commune name as the COG's and a person's writing share it: folded (`fold`: case,
    accents, hyphens and apostrophes), 'St'/'Ste' read 'saint'/'sainte', 'CEDEX n' removed, and
    an arrondissement reduced to its number ('Lyon 7e', 'LYON 7ème arrondissement',
    'Lyon 07' -> 'lyon 7'; the COG's 'Lyon 7e Arrondissement' gives the same). NULL when empty.

    The CEDEX is removed before the arrondissement: 'Lyon Cedex 07' is a sorting office, not
    the 7th arrondissement."""
    # Spaces doubled and the text padded, so that ' cedex ' also matches a second occurrence.
    padded = " " + fold(city).replace(" ", "  ") + " "
    text = padded.re_replace(" cedex(  [0-9]+)? ", " ").re_replace(" +", " ").strip()
    words = text.re_split(" ").map(_city_word)
    return words.join(" ").re_replace(" +", " ").strip().nullif("")


# -- INSEE commune codes --------------------------------------------------------------------------
RULES = ("postcode+city", "city", "city_homonyms", "postcode", "none")
_ORIGIN = ("input", "file", "line")


def _area(postcode: StringValue) -> StringValue:
    """The postcode's département part: 3 characters overseas (974..), 2 elsewhere; Corsica's
    '20' covers 2A and 2B alike, which is what a comparison of postcodes needs."""
    two = postcode.substr(0, 2)
    return two.isin(["97", "98"]).ifelse(postcode.substr(0, 3), two)


def _place_tables(wh: Warehouse) -> tuple[Table, Table]:
    """(postcodes, names) of the COG: `postcodes` maps a postcode to the communes it serves,
    `names` a key (folded name, or lower-case code) to a current commune.

    Paris, Lyon and Marseille appear twice in the COG, as the whole city (75056) and as
    arrondissements (75115), and Sirene only uses the latter: the whole city is left out of
    `postcodes` (its arrondissements cover every one of its postcodes), and its name leads to
    the arrondissements only through a postcode (`via_parent`), so that 'Lyon' alone is 69123
    but '69007 Lyon' is 69387."""
    ref = wh.table("ref_communes")
    false = ibis.literal(False)
    keyed = ref.select(
        commune=ref.code_insee,
        dep=ref.code_departement,
        type=ref.type,
        key=city_key(ref.nom),
        cps=ref.codes_postaux,
    )
    arr = keyed.filter(keyed.type == "arrondissement-municipal")
    arr = arr.select("commune", "dep", parent=arr.key.re_replace(" [0-9]+$", ""))
    whole = keyed.semi_join(arr, [keyed.key == arr.parent, keyed.dep == arr.dep])
    whole = whole.select("commune")
    served = keyed.anti_join(whole, "commune")
    postcodes = served.select("commune", postcode=served.cps.re_split("[|]").unnest())

    names = [
        keyed.select("commune", "key", via_parent=false),
        arr.select("commune", key=arr.parent, via_parent=ibis.literal(True)),
        # A city cell holding an INSEE code (current or former) names its commune too.
        ref.select(commune=ref.code_insee, key=ref.code_insee.lower(), via_parent=false),
    ]
    aliases = wh.table("ref_commune_aliases")
    old_code = aliases.code_insee_ancien.lower()
    names.append(aliases.select(commune=aliases.code_insee, key=old_code, via_parent=false))
    if "nom" in aliases.columns:
        # Former communes' names, when the reference build ships them (communes déléguées).
        names.append(
            aliases.select(commune=aliases.code_insee, key=city_key(aliases.nom), via_parent=false)
        )
    return postcodes, ibis.union(*names, distinct=True).filter(lambda t: t.key.notnull())


def commune_candidates(
    wh: Warehouse, table: str | Table, postcode_col: str, city_col: str
) -> Table:
    """The INSEE commune code(s) each row's (postcode, city) designates, through the COG.

    `table` has the origin key (input, file, line). Output: input, file, line, commune,
    departement, rule; one row per candidate, and one row with NULL commune and rule 'none' for
    a row that designates nothing, so every row is there. The first rule that finds a commune
    decides, in this order:

    1. 'postcode+city': the communes of the postcode named so (a Paris/Lyon/Marseille name
       leads to the arrondissement of the postcode: '69007 Lyon' -> 69387);
    2. 'city' / 'city_homonyms': the name among the communes of the postcode's département,
       when the name is not one of the postcode's (a CEDEX postcode such as 38042, unknown to
       the COG, or a neighbouring town's postcode);
    3. 'postcode': every commune of the postcode, the name being unknown or absent (a former
       commune whose name the COG tables do not carry: '74600 Seynod' -> Annecy and the two
       other communes of 74600);
    4. 'city' / 'city_homonyms': the communes of that name anywhere ('Saint-Denis': 11, 30, 93,
       974), 'city_homonyms' when there are several.

    Former communes reach their current commune through `ref_commune_aliases` (by code in the
    city cell, and by name when the table has a `nom` column). A city cell equal to the
    postcode is a postcode written twice and counts as no city."""
    rows = wh.table(table) if isinstance(table, str) else table
    pc = postcode_key(rows[postcode_col].cast("string"))
    ck = city_key(rows[city_col].cast("string"))
    rows = rows.select(*_ORIGIN, pc=pc, ck=(ck == pc).ifelse(null_text(), ck))
    postcodes, names = _place_tables(wh)
    own_names = names.filter(~names.via_parent).select("commune", "key")
    areas = postcodes.select("commune", area=_area(postcodes.postcode)).distinct()

    by_postcode = rows.join(postcodes, rows.pc == postcodes.postcode)
    both = by_postcode.join(
        names, [by_postcode.commune == names.commune, by_postcode.ck == names.key]
    )
    by_name = rows.join(own_names, rows.ck == own_names.key)
    near = by_name.join(areas, [by_name.commune == areas.commune, _area(by_name.pc) == areas.area])
    levels = [
        both.select(*_ORIGIN, "commune", level=ibis.literal(1)),
        near.select(*_ORIGIN, "commune", level=ibis.literal(2)),
        by_postcode.select(*_ORIGIN, "commune", level=ibis.literal(3)),
        by_name.select(*_ORIGIN, "commune", level=ibis.literal(4)),
    ]
    found = ibis.union(*levels, distinct=True)
    per_row = ibis.window(group_by=list(_ORIGIN))
    found = found.mutate(best=found.level.min().over(per_row))
    found = found.filter(found.level == found.best)
    found = found.mutate(n=found.commune.count().over(per_row))
    found = found.select(
        *_ORIGIN,
        "commune",
        departement=departement_of_commune(found.commune),
        rule=ibis.cases(
            (found.level == 1, "postcode+city"),
            (found.level == 3, "postcode"),
            (found.n > 1, "city_homonyms"),
            else_="city",
        ),
    )
    missing = rows.anti_join(found, list(_ORIGIN)).select(
        *_ORIGIN, commune=null_text(), departement=null_text(), rule=ibis.literal("none")
    )
    return found.union(missing)
