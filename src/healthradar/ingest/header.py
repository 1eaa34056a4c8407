"""Where a table's header is, and what its columns mean.

Exports put titles, dates and blank lines above the table, and workbooks a cover sheet before
it; the analyst should not have to say so. The header is the row, among the first
`HEADER_SCAN`, whose cells name the most columns of the contract (the first such row; ties go
up); a row naming none is no header, and then the first non-blank row is taken, for the
"missing column" message to list what it holds. The config's `header_row` overrides the search.

Headers map to canonical columns through the contract's aliases. When several map to one
column (a list with both "SIREN" and "SIRET", or "SIREN" twice), the first non-empty value
wins, exact canonical names before aliases and, among equals, the leftmost: the later
columns only fill gaps, and each is reported (a warning for the same name twice, an info
for two names of one column). A header the contract does not know but whose words say
identifier, name or postcode, for a column no other header fills, is reported as a warning
that gives the line to add to `healthradar.toml` (`[aliases.<input>]`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from healthradar.contracts import Contract, normalise_header

HEADER_SCAN = 30  # rows searched for the header

# (column, words): a header holding one of the words looks like that column; identifiers first
_SUSPECT_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("siren", frozenset({"siren", "siret", "sirene"})),
    ("siret", frozenset({"siret", "siren", "sirene"})),
    ("postcode", frozenset({"postal", "postcode", "cp", "zip", "zipcode"})),
    (
        "name",
        frozenset({"nom", "name", "raison", "denomination", "entreprise", "societe", "company"}),
    ),
)

Issue = tuple[int | None, str, str | None, str, str | None]  # line, column, raw, reason, detail


@dataclass(frozen=True)
class HeaderMap:
    """Column positions by canonical name (first wins), the headers nobody reads, and what was
    worth saying about them."""

    mapping: dict[str, list[int]]
    ignored: list[str]
    issues: list[Issue]


def header_score(contract: Contract, cells: Sequence[str | None]) -> int:
    """How many distinct contract columns a row's cells name."""
    return len({c for c in (contract.canonical(x or "") for x in cells) if c is not None})


def find_header(
    contract: Contract, rows: Sequence[tuple[int, Sequence[str | None]]]
) -> tuple[int, int]:
    """(index in `rows`, score) of the header among the first rows; (-1, 0) when all are blank."""
    first_blank_free = -1
    best, best_score = -1, 0
    for i, (_line, cells) in enumerate(rows[:HEADER_SCAN]):
        if not any((c or "").strip() for c in cells):
            continue
        if first_blank_free < 0:
            first_blank_free = i
        score = header_score(contract, cells)
        if score > best_score:
            best, best_score = i, score
    if best < 0:
        return first_blank_free, 0
    return best, best_score


def _suspect(contract: Contract, header: str) -> str | None:
    words = set(normalise_header(header).split())
    names = {c.name for c in contract.columns}
    for column, hints in _SUSPECT_WORDS:
        if column in names and words & hints:
            return column
    return None


def alias_hint(input_kind: str, column: str, header: str) -> str:
    """The line of `healthradar.toml` that maps `header` onto `column`."""
    return f"[aliases.{input_kind}] {column} = [{json.dumps(header, ensure_ascii=False)}]"


def map_headers(contract: Contract, headers: list[str], line: int) -> HeaderMap:
    """Canonical column -> header positions, in the order their values are tried."""
    exact: dict[str, list[int]] = {}
    alias: dict[str, list[int]] = {}
    ignored: list[str] = []
    issues: list[Issue] = []
    for idx, header in enumerate(headers):
        canonical = contract.canonical(header)
        if canonical is None:
            if header.strip():
                ignored.append(header)
            continue
        target = exact if normalise_header(header) == canonical else alias
        target.setdefault(canonical, []).append(idx)
    mapping: dict[str, list[int]] = {}
    for col in contract.columns:
        order = exact.get(col.name, []) + alias.get(col.name, [])
        if not order:
            continue
        mapping[col.name] = order
        if len(order) > 1:
            used = headers[order[0]]
            for idx in order[1:]:
                same = normalise_header(headers[idx]) == normalise_header(used)
                reason = "column_duplicate" if same else "column_shared"
                detail = f"{col.name}: {used} (#{order[0] + 1}) > {headers[idx]} (#{idx + 1})"
                issues.append((line, headers[idx], headers[idx], reason, detail))
    for header in ignored:
        suspect = _suspect(contract, header)
        if suspect is not None and suspect not in mapping:
            hint = alias_hint(contract.input_kind, suspect, header)
            issues.append((line, header, header, "column_unmapped", hint))
    return HeaderMap(mapping, ignored, issues)


_SPACES = re.compile(r"\s+")


def clean_header(cell: str | None) -> str:
    """A header cell as one line of text (a wrapped Excel header holds line breaks)."""
    return _SPACES.sub(" ", cell or "").strip()
