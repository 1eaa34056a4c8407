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

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
_CHUNK_BYTES = 1 << 20  # files are read in chunks of 1 MiB, never whole
# Characters read for the delimiter and decimal mark: enough for the first lines, however they
# end; a cap only a file whose first 200 lines hold 4 million characters would reach.
_HEAD_CHARS = 4_000_000
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
    return _detect(lambda: iter((raw,)))


def detect_file_encoding(path: Path, chunk_bytes: int = _CHUNK_BYTES) -> EncodingGuess:
    """`detect_encoding` of a file's bytes, read in chunks: the same guess, without holding
    the file (or five decodings of it) in memory."""

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            yield from iter(lambda: handle.read(chunk_bytes), b"")

    return _detect(chunks)


def _detect(chunks: Callable[[], Iterator[bytes]]) -> EncodingGuess:
    """The guess from the bytes `chunks()` yields (called once per pass over the file)."""
    head = _head_bytes(chunks(), _SAMPLE_CHARS * 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return EncodingGuess("utf-8-sig", 1.0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return EncodingGuess("utf-16", 1.0)
    if _decodes(chunks(), "utf-8") is not None:
        return EncodingGuess("utf-8", 1.0)
    found = []
    for encoding in EIGHT_BIT:
        c1 = _decodes(chunks(), encoding, _C1)
        if c1 is None:
            continue
        # 8-bit: one character per byte, so the head's characters are the text's first ones
        found.append((encoding, _evidence(head.decode(encoding), c1)))
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


def _head_bytes(chunks: Iterator[bytes], size: int) -> bytes:
    head = bytearray()
    for chunk in chunks:
        head += chunk
        if len(head) >= size:
            break
    return bytes(head[:size])


def _decodes(
    chunks: Iterator[bytes], encoding: str, probe: re.Pattern[str] | None = None
) -> bool | None:
    """None when the bytes do not decode strictly in `encoding`; else whether `probe` matches
    somewhere in the text (False without a probe). Incremental, so that a character split
    between two chunks decodes as it would in one piece."""
    decoder = codecs.getincrementaldecoder(encoding)()
    found = False
    try:
        for chunk in chunks:
            text = decoder.decode(chunk)
            found = found or (probe is not None and probe.search(text) is not None)
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return found or (probe is not None and probe.search(text) is not None)


@dataclass(frozen=True)
class _Evidence:
    sample: str  # the lines holding non-ASCII characters (up to _SAMPLE_CHARS)
    non_ascii: int
    french_share: float  # share of the non-ASCII characters that French text uses
    chaos: float  # charset-normalizer's mess ratio of the sample (0 = reads cleanly)
    c1: bool


def _evidence(head: str, c1: bool) -> _Evidence:
    """What the first characters of a decoding say; `c1`: the whole decoding has C1 controls."""
    lines = [line for line in _NON_ASCII_LINE.findall(head[: _SAMPLE_CHARS * 20])]
    sample = "\n".join(lines)[:_SAMPLE_CHARS]
    chars = _NON_ASCII.findall(sample)
    french = sum(1 for ch in chars if ch in _FRENCH)
    return _Evidence(
        sample=sample,
        non_ascii=len(chars),
        french_share=french / len(chars) if chars else 0.0,
        chaos=mess_ratio(sample, 1.0) if sample else 0.0,
        c1=c1,
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
    text = raw.decode(guess.encoding).removeprefix("\ufeff")
    return _dialect(text, guess), text


def sniff_csv_file(path: Path, chunk_bytes: int = _CHUNK_BYTES) -> CsvDialect:
    """`sniff_csv`'s dialect of a file, which is read in chunks, never whole: the encoding from
    every byte (`detect_file_encoding`), the delimiter and decimal mark from the first lines."""
    guess = detect_file_encoding(path, chunk_bytes)
    head: list[str] = []
    lf, cr, size = 0, 0, 0
    with path.open(encoding=guess.encoding, newline="") as handle:
        # characters up to the _SAMPLE_LINES-th line ending, whichever way lines end: the
        # first lines are then those of the whole text (`_head_lines`)
        while lf < _SAMPLE_LINES and cr < _SAMPLE_LINES and size < _HEAD_CHARS:
            chunk = handle.read(chunk_bytes)
            if not chunk:
                break
            head.append(chunk)
            lf, cr, size = lf + chunk.count("\n"), cr + chunk.count("\r"), size + len(chunk)
    return _dialect("".join(head).removeprefix("\ufeff"), guess)


def _dialect(text: str, guess: EncodingGuess) -> CsvDialect:
    delimiter = sniff_delimiter(text)
    cells = [
        cell
        for row in csv.reader(io.StringIO("\n".join(_head_lines(text))), delimiter=delimiter)
        for cell in row
    ]
    return CsvDialect(guess.encoding, delimiter, sniff_decimal(cells), guess.confidence)
