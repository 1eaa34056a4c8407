"""Data contracts: one schema per input, the single source for ingest, validate, docs and templates.

Every input a user can declare is described once, in `contracts/<input>.py`: its canonical
columns, their type, whether they are required, the rules a value must follow (pattern, code
list, minimum) and the header variants (French/English, accents, case) that map onto them. The
ingest stage uses the aliases to rename headers, the validate stage derives its checks from the
types and rules (`validate.contract_checks`), `healthradar init` writes the templates and
`docs/inputs.md` is generated from the same objects, so they cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

ColumnType = Literal["text", "siren", "siret", "decimal", "integer"]
InvalidAction = Literal["reject", "warn"]
COLUMN_TYPES: tuple[str, ...] = ("text", "siren", "siret", "decimal", "integer")

# What a bad value costs when the column does not say: an identifier that does not check out
# names no establishment, so its row goes; any other value is dropped and the row kept.
DEFAULT_ON_INVALID: dict[str, InvalidAction] = {
    "text": "warn",
    "siren": "reject",
    "siret": "reject",
    "decimal": "warn",
    "integer": "warn",
}


@dataclass(frozen=True)
class Column:
    """One canonical column of an input, with the rules its values follow.

    `required`: the header must be in the file, and a row with no value there is rejected.
    `pattern`: a regular expression the cleaned value must match entirely (text and
    identifiers); keep to what both RE2 and Java regexes read alike (classes, quantifiers,
    alternation). `codes`: the allowed values (text). `min_value`: numbers below are invalid.
    `on_invalid`: "reject" the row or "warn" (value set to NULL, row kept); default by type.
    """

    name: str
    type: ColumnType
    required: bool
    description_en: str
    description_fr: str
    aliases: tuple[str, ...] = ()
    example: str = ""
    pattern: str | None = None
    codes: tuple[str, ...] = ()
    min_value: float | None = None
    on_invalid: InvalidAction | None = None

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.on_invalid not in (None, "reject", "warn"):
            raise ValueError(f"column {self.name}: on_invalid must be 'reject' or 'warn'")
        if self.pattern is not None:
            if self.type in ("decimal", "integer"):
                raise ValueError(f"column {self.name}: a pattern applies to text, not numbers")
            re.compile(self.pattern)
        if self.codes and self.type != "text":
            raise ValueError(f"column {self.name}: a code list applies to text columns")
        if self.min_value is not None and self.type not in ("decimal", "integer"):
            raise ValueError(f"column {self.name}: min_value applies to numbers")

    @property
    def invalid_action(self) -> InvalidAction:
        return self.on_invalid or DEFAULT_ON_INVALID[self.type]

    @property
    def can_be_invalid(self) -> bool:
        """Whether a value can fail a rule (then validate keeps the text as `<name>_raw`)."""
        return self.type != "text" or self.pattern is not None or bool(self.codes)


@dataclass(frozen=True)
class Contract:
    """The schema of one kind of input (partner list, headcounts...)."""

    input_kind: str
    title_en: str
    title_fr: str
    columns: tuple[Column, ...]
    notes_en: str = ""
    notes_fr: str = ""
    alias_index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for col in self.columns:
            for variant in (col.name, *col.aliases):
                key = normalise_header(variant)
                owner = index.setdefault(key, col.name)
                if owner != col.name:
                    raise ValueError(f"alias {variant!r} maps to both {owner} and {col.name}")
                if not key:
                    raise ValueError(f"alias {variant!r} of {col.name} has no letter or digit")
        object.__setattr__(self, "alias_index", index)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def with_aliases(self, extra: dict[str, list[str]]) -> Contract:
        """The contract with more header variants (the `[aliases.<input>]` of a project's
        config), so that a partner's own header names need no renaming of the file. Raises
        ValueError naming the column when a column is unknown or a variant already belongs to
        another column."""
        known = {c.name for c in self.columns}
        unknown = sorted(set(extra) - known)
        if unknown:
            names = ", ".join(c.name for c in self.columns)
            raise ValueError(f"unknown column {unknown[0]!r} (columns: {names})")
        columns = tuple(
            replace(col, aliases=(*col.aliases, *extra.get(col.name, ()))) for col in self.columns
        )
        return replace(self, columns=columns)

    def canonical(self, header: str) -> str | None:
        """Canonical column for a raw header, or None when the contract does not know it."""
        return self.alias_index.get(normalise_header(header))


def normalise_header(header: str) -> str:
    """Fold a header so that 'N° SIREN', 'n°siren ' and 'numero_siren' compare on their words."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("°", " ").replace("€", " eur ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# The contracts live one per module; imported last because they build on the classes above.
from healthradar.contracts.headcounts import HEADCOUNTS  # noqa: E402
from healthradar.contracts.partners import PARTNERS  # noqa: E402
from healthradar.contracts.register import (  # noqa: E402
    REGISTER_COLUMNS,
    REGISTER_ESTABLISHMENT_OPTIONAL,
    REGISTER_ESTABLISHMENT_REQUIRED,
    REGISTER_LEGAL_UNIT_OPTIONAL,
    REGISTER_LEGAL_UNIT_REQUIRED,
    REGISTER_SUCCESSION_OPTIONAL,
    REGISTER_SUCCESSION_REQUIRED,
)

PARTNER_CONTRACTS: dict[str, Contract] = {"partners": PARTNERS, "headcounts": HEADCOUNTS}

__all__ = [
    "COLUMN_TYPES",
    "HEADCOUNTS",
    "PARTNERS",
    "PARTNER_CONTRACTS",
    "REGISTER_COLUMNS",
    "REGISTER_ESTABLISHMENT_OPTIONAL",
    "REGISTER_ESTABLISHMENT_REQUIRED",
    "REGISTER_LEGAL_UNIT_OPTIONAL",
    "REGISTER_LEGAL_UNIT_REQUIRED",
    "REGISTER_SUCCESSION_OPTIONAL",
    "REGISTER_SUCCESSION_REQUIRED",
    "Column",
    "ColumnType",
    "Contract",
    "InvalidAction",
    "normalise_header",
]
