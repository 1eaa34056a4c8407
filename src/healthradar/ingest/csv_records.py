"""CSV records, and the physical lines they come from, counted so that none can vanish.

A csv parser turns an unclosed quote into one long cell that swallows the records after it;
counting the records it returns would then still "balance". So every multi-line record is
checked against the physical lines it covers, each read as a record of its own: a legitimate
multi-line cell ("12 rue X⏎Lyon") leaves at most one of those lines with the header's number of
cells, and none of them once the record has its full number of cells; a swallow leaves
several (each line a record of its own). The lines found swallowed are then either
recovered — when the whole file reads cleanly with quoting off (every line the header's
number of cells), it is re-read that way — or rejected one by one, each with its own line
number.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


class CsvRecord(NamedTuple):
    """One record: the physical lines it spans (the first is line 1) and its cells."""

    start: int
    end: int
    cells: list[str]
    # the physical lines of a multi-line record, endings stripped (empty for one line): what
    # `swallowed` checks, kept only while the record is
    lines: tuple[str, ...] = ()


class _Tape:
    """The lines a csv reader takes, held until the record they make is out."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.held: list[str] = []

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.held.append(line)
        return line


def csv_records(lines: Iterable[str], delimiter: str, quoting: bool = True) -> Iterator[CsvRecord]:
    """Every record of a text given as its lines (a file opened with ``newline=""``: a line
    ends at \\r\\n, \\n or \\r), with the physical lines it spans. The text is streamed: one
    record is held at a time."""
    tape = _Tape(lines)
    if quoting:
        reader = csv.reader(tape, delimiter=delimiter)
    else:
        reader = csv.reader(tape, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    start = 1
    for cells in reader:
        end = reader.line_num
        spanned = tuple(line.rstrip("\r\n") for line in tape.held) if end > start else ()
        tape.held.clear()
        yield CsvRecord(start, end, cells if quoting else [_unquote(c) for c in cells], spanned)
        start = end + 1


def _unquote(cell: str) -> str:
    """A cell read with quoting off: a fully quoted cell loses its quotes ("" -> ")."""
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def physical_lines(lines: Iterable[str]) -> Iterator[str]:
    """The lines as the csv reader numbers them (line 1 first), endings stripped."""
    return (line.rstrip("\r\n") for line in lines)


def naive_cells(line: str, delimiter: str) -> list[str]:
    return line.split(delimiter)


def _fits(line: str, delimiter: str, width: int) -> bool:
    """The line, read with quoting off, has exactly `width` cells: one more, even empty, means
    a quoted delimiter that quoting off would split."""
    return len(naive_cells(line, delimiter)) == width


def own_cells(line: str, delimiter: str) -> int:
    """The cells of one physical line read as a record of its own, its quotes honoured: a
    quoted cell holding the delimiter is one cell (split naively, a legitimate multi-line
    record whose next line holds such a cell looked like a swallow: `make fuzz`)."""
    return len(next(csv.reader([line], delimiter=delimiter), []))


def swallowed(lines: Sequence[str], delimiter: str, width: int, parsed_cells: int) -> list[int]:
    """Offsets (1 = second line) of the lines of one multi-line record that are whole records
    of their own: empty when the record is a legitimate multi-line cell."""
    if width < 2 or len(lines) < 2:
        return []
    full = [i for i, line in enumerate(lines) if own_cells(line, delimiter) >= width]
    later = [i for i in full if i > 0]
    if len(full) >= 2 or (parsed_cells < width and later):
        return later
    return []


@dataclass
class Swallow:
    """One record that swallowed others: where it starts and ends, which lines were records
    (and their text, for the issue: the file is not held to look it up later)."""

    start: int
    end: int
    lines: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def quoting_off_recovers(lines: Iterable[str], after: int, delimiter: str, width: int) -> bool:
    """Whether every non-blank line after line `after` has `width` cells with quoting off
    (`lines`: the physical lines, line 1 first)."""
    later = itertools.islice(lines, after, None)
    return all(_fits(line, delimiter, width) for line in later if line.strip())
