"""Guess how a partner's CSV is written: encoding, delimiter, decimal mark.

Partner lists come from Excel on Windows (cp1252, `;`, decimal comma), from web tools (UTF-8,
`,`), sometimes with a BOM. The rules are deliberately simple and deterministic, so the quality
report can state exactly what was assumed:

* encoding: a BOM wins; otherwise UTF-8 if the bytes decode strictly (certain: 8-bit text
  almost never forms valid UTF-8 sequences); otherwise charset-normalizer chooses among the
  8-bit encodings of Western Europe (cp1252, Mac Roman, latin-1, latin-9, cp850) by how messy
  each decoding reads. Decodings that read equally well are told apart by the letters of French
  (é, è, à, ç...) each produces, and the guess is then *uncertain* (confidence 0.5): the quality
  report says which encoding was used. A decoding producing C1 control characters loses to one
  that does not. No usable decoding at all: cp1252 if it decodes, else
  latin-1 (which decodes anything), confidence 0.
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

import charset_normalizer

DELIMITERS = (";", ",", "\t", "|")
_SAMPLE_LINES = 200

_COMMA_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*,\d+$|^-?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f,]\d{3})*\.\d+$|^-?\d+\.\d+$")


# The 8-bit encodings a French partner's file can be in (Windows, Mac, Unix, old DOS exports).
EIGHT_BIT = ("cp1252", "mac_roman", "latin_1", "iso8859_15", "cp850")
CERTAIN = 0.8  # below: the quality report warns that the encoding was guessed
_FRENCH = set("éèêëàâäçîïôöùûüÿœæÉÈÊËÀÂÄÇÎÏÔÖÙÛÜŸŒÆ«»°€")
_RIVAL_CHAOS = 0.1  # decodings whose mess ratios differ by less than this read equally well
_C1 = re.compile("[\x80-\x9f]")
_DETECT_BYTES = 2_000_000  # charset-normalizer reads samples of at most this much


@dataclass(frozen=True)
class CsvDialect:
    encoding: str
    delimiter: str
    decimal: str
    confidence: float = 1.0


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str
    confidence: float  # 1.0: BOM, valid UTF-8 or a clear winner; < CERTAIN: a guess


def detect_encoding(raw: bytes) -> EncodingGuess:
    """The encoding of a text file's bytes, with how sure the guess is."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return EncodingGuess("utf-8-sig", 1.0)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return EncodingGuess("utf-16", 1.0)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return EncodingGuess("utf-8", 1.0)
    matches = charset_normalizer.from_bytes(
        raw[:_DETECT_BYTES], cp_isolation=list(EIGHT_BIT), explain=False
    )
    found = []
    for match in matches:
        try:
            text = raw.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        found.append((match.encoding, match.chaos, text))
    if not found:
        for encoding in ("cp1252", "latin-1"):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            return EncodingGuess(encoding, 0.0)
    # a decoding that yields C1 control characters (latin-1 reading of 0x80-0x9F) is wrong
    # whenever another one does not
    clean = [f for f in found if not _C1.search(f[2])]
    found = clean or found
    least = min(chaos for _, chaos, _ in found)
    close = [(enc, text) for enc, chaos, text in found if chaos - least < _RIVAL_CHAOS]
    # the most French letters, then the detector's own order (stable sort)
    close.sort(key=lambda pair: -sum(1 for ch in pair[1] if ch in _FRENCH))
    best_encoding, best_text = close[0]
    rivals = [enc for enc, text in close[1:] if text != best_text]
    confidence = 0.5 if rivals else max(0.0, 1.0 - least)
    return EncodingGuess(best_encoding, round(confidence, 3))


def sniff_encoding(raw: bytes) -> str:
    return detect_encoding(raw).encoding


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
    guess = detect_encoding(raw)
    encoding = guess.encoding
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
    return CsvDialect(encoding, delimiter, sniff_decimal(cells), guess.confidence), text
