"""Is the file what its name says? Checked on the first bytes before any parser sees it.

An analyst renames a workbook `.csv`, saves a PDF where a list was expected, or exports an empty
file: read as text, these print binary garbage or report a "missing column" that hides the real
problem. The first bytes of the common binary formats are fixed (magic numbers), so the wrong
type is named exactly, with the fix, and an empty file is called empty.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from healthradar.errors import FatalInputError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_HEAD_BYTES = 4096
_BLANK = b" \t\r\n\x0b\x0c"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Kind:
    en: str
    fr: str
    suffix: str = ""  # the extension under which healthradar reads it, if it does


XLSX = Kind("an Excel workbook (XLSX)", "un classeur Excel (XLSX)", ".xlsx")
ODS = Kind("an OpenDocument spreadsheet (ODS)", "un classeur OpenDocument (ODS)", ".ods")
ZIP = Kind("a ZIP archive", "une archive ZIP")
XLS = Kind("an Excel 97-2003 workbook (XLS)", "un classeur Excel 97-2003 (XLS)", ".xls")
PARQUET = Kind("a Parquet file", "un fichier Parquet", ".parquet")
PDF = Kind("a PDF document", "un document PDF")
GZIP = Kind("a gzip archive", "une archive gzip")
SEVEN_ZIP = Kind("a 7z archive", "une archive 7z")
TEXT = Kind("a text file (CSV)", "un fichier texte (CSV)", ".csv")

_MAGIC: tuple[tuple[bytes, Kind], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", XLS),  # OLE2 compound file (also .doc)
    (b"PAR1", PARQUET),
    (b"%PDF", PDF),
    (b"\x1f\x8b", GZIP),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
)


def sniff_kind(path: Path) -> Kind:
    """The binary format the file's first bytes announce, TEXT for anything else."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return TEXT


def _zip_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return ZIP
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return XLSX
    if "content.xml" in names and "mimetype" in names:
        return ODS
    return ZIP


def is_blank(path: Path) -> bool:
    """Zero bytes, or nothing but a byte-order mark and blank lines."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
        if len(head) == _HEAD_BYTES:
            return False
    for bom in _BOMS:
        head = head.removeprefix(bom)
    return not head.replace(b"\x00", b"").strip(_BLANK)


def _wrong_type(
    file_label: str, found: Kind, expected: Kind, readable: tuple[Kind, ...]
) -> FatalInputError:
    if found in readable:
        fix_en = f"rename it with the extension {found.suffix} and change its path in the config"
        fix_fr = (
            f"renommez-le avec l'extension {found.suffix} et changez son chemin dans la "
            "configuration"
        )
    else:
        fix_en = "extract or export the table as CSV or XLSX and declare that file"
        fix_fr = "extrayez ou exportez le tableau en CSV ou XLSX et déclarez ce fichier"
    return FatalInputError(
        "input_wrong_type",
        file=file_label,
        message_args={
            "kind_en": found.en,
            "kind_fr": found.fr,
            "expected_en": expected.en,
            "expected_fr": expected.fr,
            "fix_en": fix_en,
            "fix_fr": fix_fr,
        },
    )


def check_table_file(path: Path, file_label: str) -> None:
    """Fatal when a partner-style input is empty or not the type its extension says."""
    if is_blank(path):
        raise FatalInputError("input_empty", file=file_label)
    found = sniff_kind(path)
    readable = (TEXT, XLSX, XLS, ODS)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if found is TEXT:
            raise _wrong_type(file_label, found, XLSX, readable)
        return  # a workbook, or a damaged one: the workbook reader names its own problems
    if found is not TEXT:
        raise _wrong_type(file_label, found, TEXT, readable)


def check_register_file(path: Path, file_label: str) -> None:
    """Fatal when a register file is empty or not the parquet / CSV its extension says."""
    if is_blank(path):
        raise FatalInputError("input_empty", file=file_label)
    found = sniff_kind(path)
    readable = (TEXT, PARQUET)
    if path.name.lower().endswith(".parquet"):
        if found is not PARQUET:
            raise _wrong_type(file_label, found, PARQUET, readable)
    elif found is not TEXT:
        raise _wrong_type(file_label, found, TEXT, readable)
