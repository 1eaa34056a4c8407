"""Guess how a partner's CSV is written: encoding, delimiter, decimal mark.

Partner lists come from Excel on Windows (cp1252, `;`, decimal comma), from web tools (UTF-8,
`,`), sometimes with a BOM. The rules are deliberately simple and deterministic, so the quality
report can state exactly what was assumed:

* encoding: a BOM wins; otherwise UTF-8 if the bytes decode strictly; otherwise cp1252 if they
  decode; otherwise latin-1 (which decodes anything).
* delimiter: among `;`, `,`, tab and `|`, the one that splits the sampled lines into the most
  consistent number of fields (ties: more fields, then the order above).
* decimal mark: `,` when numbers written with a comma outnumber those written with a point.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (";", ",", "\t", "|")
_SAMPLE_LINES = 200

_COMMA_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*,\d+$|^-?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f,]\d{3})*\.\d+$|^-?\d+\.\d+$")


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    decimal: str


def sniff_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","
    best: tuple[float, int, int] | None = None
    best_delim = ","
    for rank, delim in enumerate(DELIMITERS):
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (freq / len(counts), mode, -rank)
        if best is None or score > best:
            best, best_delim = score, delim
    return best_delim


def sniff_decimal(values: list[str]) -> str:
    comma = sum(1 for v in values if _COMMA_DECIMAL.match(v.strip()))
    point = sum(1 for v in values if _POINT_DECIMAL.match(v.strip()))
    return "," if comma > point else "."


def sniff_csv(raw: bytes) -> tuple[CsvDialect, str]:
    """Return the dialect and the decoded text of a CSV file's bytes."""
    encoding = sniff_encoding(raw)
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    cells = [
        cell
        for row in csv.reader(
            io.StringIO("\n".join(text.splitlines()[:_SAMPLE_LINES])), delimiter=delimiter
        )
        for cell in row
    ]
    return CsvDialect(encoding, delimiter, sniff_decimal(cells)), text
