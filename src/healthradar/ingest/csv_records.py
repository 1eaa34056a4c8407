"""CSV records, and the physical lines they come from, counted so that none can vanish.

A csv parser turns an unclosed quote into one long cell that swallows the records after it;
counting the records it returns would then still "balance". So every multi-line record is
checked against the physical lines it covers, read with quoting off: a legitimate multi-line
cell ("12 rue X⏎Lyon") leaves at most one of those lines with the header's number of cells,
and none of them once the record has its full number of cells; a swallow leaves several
(each line a record of its own). The lines found swallowed are then either recovered — when
the whole file reads cleanly with quoting off (every line the header's number of cells), it is
re-read that way — or rejected one by one, each with its own line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

# (first line, last line, cells) of one record; lines are physical, the first is line 1
CsvRecord = tuple[int, int, list[str]]


def csv_records(text: str, delimiter: str, quoting: bool = True) -> Iterator[CsvRecord]:
    """Every record of the text with the physical lines it spans (\\r\\n, \\n or \\r ends one)."""
    source = io.StringIO(text, newline="")
    if quoting:
        reader = csv.reader(source, delimiter=delimiter)
    else:
        reader = csv.reader(source, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    start = 1
    for cells in reader:
        end = reader.line_num
        yield start, end, cells if quoting else [_unquote(c) for c in cells]
        start = end + 1


def _unquote(cell: str) -> str:
    """A cell read with quoting off: a fully quoted cell loses its quotes ("" -> ")."""
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def physical_lines(text: str) -> list[str]:
    """The lines as the csv reader numbers them (line 1 at index 0), endings stripped."""
    return [line.rstrip("\r\n") for line in io.StringIO(text, newline="")]


def naive_cells(line: str, delimiter: str) -> list[str]:
    return line.split(delimiter)


def _fits(line: str, delimiter: str, width: int) -> bool:
    """The line, read with quoting off, has exactly `width` cells: one more, even empty, means
    a quoted delimiter that quoting off would split."""
    return len(naive_cells(line, delimiter)) == width


def swallowed(lines: list[str], delimiter: str, width: int, parsed_cells: int) -> list[int]:
    """Offsets (1 = second line) of the lines of one multi-line record that are whole records
    of their own: empty when the record is a legitimate multi-line cell."""
    if width < 2 or len(lines) < 2:
        return []
    full = [i for i, line in enumerate(lines) if len(naive_cells(line, delimiter)) >= width]
    later = [i for i in full if i > 0]
    if len(full) >= 2 or (parsed_cells < width and later):
        return later
    return []


@dataclass
class Swallow:
    """One record that swallowed others: where it starts and ends, which lines were records."""

    start: int
    end: int
    lines: list[int] = field(default_factory=list)


def quoting_off_recovers(lines: list[str], after: int, delimiter: str, width: int) -> bool:
    """Whether every non-blank line after line `after` has `width` cells with quoting off."""
    return all(_fits(line, delimiter, width) for line in lines[after:] if line.strip())
