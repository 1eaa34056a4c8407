"""Guess how a partner's CSV is written: encoding, delimiter, decimal mark.

Partner lists come from Excel on Windows (cp1252, `;`, decimal comma), from web tools (UTF-8,
`,`), sometimes with a BOM. The rules are deliberately simple and deterministic, so the quality
report can state exactly what was assumed:

* encoding: a BOM wins; otherwise UTF-8 if the bytes decode strictly (certain: 8-bit text
  almost never forms valid UTF-8 sequences); otherwise one of the 8-bit encodings of Western
  Europe (cp1252, Mac Roman, latin-1, latin-9, cp850): a decoding producing C1 control
  characters loses to one that does not, then the one whose non-ASCII characters are most
  often letters of French (é, è, à, ç, œ...) wins, then the one charset-normalizer finds least
  messy. The guess is *uncertain* (confidence at most 0.5, and the quality report names the
  encoding used) when another decoding reads as French, when fewer than 3 non-ASCII
  characters give evidence, or when most of them are not French letters; otherwise its
  confidence is 1 minus charset-normalizer's mess ratio.
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

from charset_normalizer.md import mess_ratio

DELIMITERS = (";", ",", "\t", "|")
_SAMPLE_LINES = 200

_COMMA_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f.]\d{3})*,\d+$|^-?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f,]\d{3})*\.\d+$|^-?\d+\.\d+$")


# The 8-bit encodings a French partner's file can be in (Windows, Mac, Unix, old DOS exports).
EIGHT_BIT = ("cp1252", "mac_roman", "latin_1", "iso8859_15", "cp850")
CERTAIN = 0.8  # below: the quality report warns that the encoding was guessed
_FRENCH = set("éèêëàâäçîïôöùûüÿœæÉÈÊËÀÂÄÇÎÏÔÖÙÛÜŸŒÆ«»°€’–—…\u00a0")
_ENOUGH_EVIDENCE = 3  # fewer non-ASCII characters than this: any guess is a guess
_SAMPLE_CHARS = 100_000
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_LINE = re.compile(r"[^\n]*[^\x00-\x7f][^\n]*")
_C1 = re.compile("[\x80-\x9f]")


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
    found = []
    for encoding in EIGHT_BIT:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        found.append((encoding, _evidence(text)))
    if not found:  # cannot happen (latin-1 decodes anything), kept for the type checker
        return EncodingGuess("latin-1", 0.0)
    # a decoding that yields C1 control characters (latin-1 reading of 0x80-0x9F) is wrong
    # whenever another one does not
    clean = [f for f in found if not f[1].c1]
    found = clean or found
    # most French letters among the non-ASCII characters, then the least mess
    found.sort(key=lambda f: (-f[1].french_share, f[1].chaos))
    best_encoding, best = found[0]
    rivals = [
        e
        for e, ev in found[1:]
        if ev.sample != best.sample and ev.french_share >= best.french_share
    ]
    if rivals or best.non_ascii < _ENOUGH_EVIDENCE or best.french_share < 0.5:
        confidence = min(0.5, 1.0 - best.chaos)
    else:
        confidence = 1.0 - best.chaos
    return EncodingGuess(best_encoding, round(max(confidence, 0.0), 3))


@dataclass(frozen=True)
class _Evidence:
    sample: str  # the lines holding non-ASCII characters (up to _SAMPLE_CHARS)
    non_ascii: int
    french_share: float  # share of the non-ASCII characters that French text uses
    chaos: float  # charset-normalizer's mess ratio of the sample (0 = reads cleanly)
    c1: bool


def _evidence(text: str) -> _Evidence:
    lines = [line for line in _NON_ASCII_LINE.findall(text[: _SAMPLE_CHARS * 20])]
    sample = "\n".join(lines)[:_SAMPLE_CHARS]
    chars = _NON_ASCII.findall(sample)
    french = sum(1 for ch in chars if ch in _FRENCH)
    return _Evidence(
        sample=sample,
        non_ascii=len(chars),
        french_share=french / len(chars) if chars else 0.0,
        chaos=mess_ratio(sample, 1.0) if sample else 0.0,
        c1=bool(_C1.search(text)),
    )


def sniff_encoding(raw: bytes) -> str:
    return detect_encoding(raw).encoding


def _head_lines(text: str) -> list[str]:
    """The first lines of a text, without splitting all of it (files of 200,000 rows)."""
    head, count, at = [], 0, 0
    while count < _SAMPLE_LINES and at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end + 1
        head.append(text[at:end])
        count, at = count + 1, end
    return "".join(head).splitlines()[:_SAMPLE_LINES]


def sniff_delimiter(text: str) -> str:
    lines = [line for line in _head_lines(text) if line.strip()]
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
        for row in csv.reader(io.StringIO("\n".join(_head_lines(text))), delimiter=delimiter)
        for cell in row
    ]
    return CsvDialect(encoding, delimiter, sniff_decimal(cells), guess.confidence), text
