"""French reference data (COG 2026 geography, NAF rév. 2, Sirene headcount bands) and loaders.

The tables are small CSV files shipped inside the package (built by
``scripts/build_reference.py``; provenance and licences in ``data/NOTICE.md``), so the
pipeline works offline and gives the same answer on every machine.

Every code (région, département, commune, NAF) is kept as **text**: INSEE codes have leading
zeros (``01``, ``01001``) and letters (``2A``, ``2B``), and a numeric reading silently breaks
joins with Sirene.
"""

from __future__ import annotations

import csv
import functools
import gzip
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa
    from ibis.expr.types import StringValue

    from healthradar.engine import Warehouse

__all__ = [
    "ARRONDISSEMENT_CITIES",
    "DATA_DIR",
    "city_of_commune",
    "departement_names",
    "departement_of_commune",
    "load_reference_tables",
    "naf_labels",
    "normalise_naf",
    "read_reference_table",
    "region_departements",
    "region_name",
    "regions",
]

#: Folder holding the packaged reference files. Resolved through importlib.resources so that it
#: points at the installed package data, not at a source checkout.
DATA_DIR: Path = Path(str(resources.files(__name__).joinpath("data")))

# name of the warehouse table -> (file in DATA_DIR, ordered column -> type).
# Types are given explicitly: CSV sniffing would turn '01' into 1 and lose '2A'.
_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "ref_regions": (
        "regions.csv",
        {"code_region": "string", "nom": "string", "zone": "string"},
    ),
    "ref_departements": (
        "departements.csv",
        {
            "code_departement": "string",
            "nom": "string",
            "code_region": "string",
            "zone": "string",
        },
    ),
    "ref_communes": (
        "communes.csv.gz",
        {
            "code_insee": "string",
            "nom": "string",
            "type": "string",
            "code_departement": "string",
            "code_region": "string",
            "population": "int64",
            "codes_postaux": "string",
        },
    ),
    "ref_commune_aliases": (
        "commune_aliases.csv.gz",
        {"code_insee_ancien": "string", "code_insee": "string"},
    ),
    "ref_naf": (
        "naf_rev2.csv",
        {
            "code_sous_classe": "string",
            "code_sous_classe_sans_point": "string",
            "libelle_sous_classe": "string",
            "code_classe": "string",
            "libelle_classe": "string",
            "code_groupe": "string",
            "libelle_groupe": "string",
            "code_division": "string",
            "libelle_division": "string",
            "code_section": "string",
            "libelle_section": "string",
        },
    ),
    "ref_tranches": (
        "tranches_effectifs.csv",
        {
            "code": "string",
            "libelle": "string",
            "libelle_en": "string",
            "low": "float64",
            "high": "float64",
            "central": "float64",
        },
    ),
}

# NAF rév. 2 sous-classe: 2 digits, optional dot, 2 digits, 1 letter (ASCII only: Python's \d
# would also accept Arabic-Indic and other Unicode digits).
_NAF_REV2 = re.compile(r"([0-9]{2})\.?([0-9]{2})([A-Z])")


@functools.cache
def read_reference_table(table: str) -> pa.Table:
    """One packaged reference table as Arrow, with its fixed column types.

    Read in Python (the files are small) so that every backend gets the same table: codes as
    text, population int64, tranche bounds float64, empty fields as NULL.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    filename, columns = _TABLES[table]
    path = DATA_DIR / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"reference file {path} is missing: rebuild it with `python scripts/build_reference.py`"
        )
    types = {name: getattr(pa, dtype)() for name, dtype in columns.items()}
    data = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=list(columns),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return data.cast(pa.schema(list(types.items())))


def load_reference_tables(wh: Warehouse) -> None:
    """Create (or replace) the ``ref_*`` tables of the warehouse from the packaged files.

    Tables: ``ref_regions``, ``ref_departements``, ``ref_communes``, ``ref_commune_aliases``,
    ``ref_naf``, ``ref_tranches``, and ``ref_postcodes`` derived from the communes.
    Re-running it is safe: tables are replaced.
    """
    for table in _TABLES:
        wh.load_arrow(table, read_reference_table(table))
    wh.load_arrow("ref_postcodes", postcodes_table())


@functools.cache
def postcodes_table() -> pa.Table:
    """``ref_postcodes``: every postcode of the COG communes, once (column ``postcode``), for
    checks by join (a 4-digit postcode whose leading zero a spreadsheet dropped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    communes = read_reference_table("ref_communes")
    split = pc.split_pattern(communes.column("codes_postaux"), "|")
    codes = pc.unique(pc.list_flatten(split)).drop_null()
    return pa.table({"postcode": codes.take(pc.sort_indices(codes))})


def _read_rows(filename: str) -> list[dict[str, str]]:
    """Read a packaged CSV (optionally gzipped) with every value as a string."""
    path = DATA_DIR / filename
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """Region code -> name, for all 26 COG regions (incl. DROM ``01``-``06`` and COM).

    Cached: the file is tiny and read many times when labelling outputs.
    """
    return {r["code_region"]: r["nom"] for r in _read_rows("regions.csv")}


@functools.lru_cache(maxsize=1)
def departement_names() -> dict[str, str]:
    """Département code -> name, for all 109 COG départements (``2A``, ``2B``, ``971``...)."""
    return {r["code_departement"]: r["nom"] for r in _read_rows("departements.csv")}


@functools.lru_cache(maxsize=1)
def _departements_by_region() -> dict[str, tuple[str, ...]]:
    by_region: dict[str, list[str]] = {}
    for r in _read_rows("departements.csv"):
        by_region.setdefault(r["code_region"], []).append(r["code_departement"])
    return {k: tuple(sorted(v)) for k, v in by_region.items()}


def _check_region(code_region: str) -> str:
    if code_region not in regions():
        raise KeyError(
            f"unknown region code {code_region!r}: expected a COG 2026 code such as '84' or "
            f"'01' (text, with leading zero); known: {', '.join(sorted(regions()))}"
        )
    return code_region


def region_departements(code_region: str) -> list[str]:
    """Sorted département codes of a region, e.g. ``'84'`` -> the 12 of Auvergne-Rhône-Alpes.

    Used to scope a study to one region. Raises ``KeyError`` for an unknown region code
    rather than returning an empty list, so a typo ('84 ' or 84) cannot pass silently.
    """
    _check_region(code_region)
    return list(_departements_by_region().get(code_region, ()))


def region_name(code_region: str) -> str:
    """Name of a region (``'84'`` -> ``'Auvergne-Rhône-Alpes'``); ``KeyError`` if unknown."""
    return regions()[_check_region(code_region)]


@functools.lru_cache(maxsize=1)
def naf_labels() -> dict[str, str]:
    """Dotted NAF rév. 2 sous-classe code (``'21.20Z'``, Sirene's form) -> French label."""
    return {r["code_sous_classe"]: r["libelle_sous_classe"] for r in _read_rows("naf_rev2.csv")}


def normalise_naf(code: str | None) -> str | None:
    """Bring a NAF rév. 2 sous-classe code to Sirene's dotted upper-case form ``NN.NNL``.

    Partner lists and Urssaf files write ``2120Z``, ``21.20z`` or add spaces; Sirene writes
    ``21.20Z``. Anything that is not a NAF rév. 2 pattern (NAF rév. 1 ``70.2C``, NAP ``57.10``)
    is returned stripped and upper-cased but otherwise unchanged, so that it can still be
    reported rather than silently dropped. ``None`` or blank input gives ``None``.
    The function is idempotent.
    """
    if code is None:
        return None
    text = code.strip().upper()
    if not text:
        return None
    match = _NAF_REV2.fullmatch(text)
    if match is None:
        return text
    return f"{match[1]}.{match[2]}{match[3]}"


#: the arrondissements of Paris, Lyon and Marseille (by the start of their INSEE code) and the
#: code of their whole city: Sirene places an establishment in an arrondissement (75113), a
#: partner who writes only 'Paris' names the whole city (75056)
ARRONDISSEMENT_CITIES = (("751", "75056"), ("6938", "69123"), ("132", "13055"))


def city_of_commune(col: StringValue) -> StringValue:
    """The whole city of an arrondissement of Paris, Lyon or Marseille; any other commune
    code is its own city. NULL gives NULL."""
    import ibis

    return ibis.cases(
        *((col.startswith(prefix), ibis.literal(city)) for prefix, city in ARRONDISSEMENT_CITIES),
        else_=col,
    )


def departement_of_commune(col: StringValue) -> StringValue:
    """The département code of the commune code ``col`` (an Ibis string expression).

    Overseas codes have a 3-character département (``97411`` -> ``974``; also ``98`` codes of
    the COM, ``98735`` -> ``987``, matching ``ref_departements``); every other code uses 2
    characters, which keeps ``2A``/``2B`` (``2A004`` -> ``2A``). NULL gives NULL.
    """
    two = col.substr(0, 2)
    return two.isin(["97", "98"]).ifelse(col.substr(0, 3), two)
