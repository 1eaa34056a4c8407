"""The project's own header names: `[aliases.<input>]` in `healthradar.toml`.

Partners name their columns as they please ("Numéro SIREN de la société"); the contracts ship
the common variants, and a project adds its own instead of renaming columns in every year's
file. Checked before any file is read: an alias for an unknown input or column, or one that
already names another column, stops the build with the key to fix.
"""

from __future__ import annotations

from pathlib import Path

from healthradar.contracts import Contract
from healthradar.errors import FatalInputError


def extend_contracts(
    contracts: dict[str, Contract], aliases: dict[str, dict[str, list[str]]], config_file: Path
) -> dict[str, Contract]:
    """The contracts with the config's aliases added (FatalInputError naming the key)."""

    def fail(key: str, detail: str) -> FatalInputError:
        return FatalInputError(
            "config_invalid",
            file=str(config_file),
            column=key,
            message_args={"detail": f"{key}: {detail}"},
        )

    out = dict(contracts)
    for kind, extra in aliases.items():
        if kind not in contracts:
            raise fail(f"aliases.{kind}", f"no input of that kind (known: {', '.join(contracts)})")
        contract = contracts[kind]
        names = [c.name for c in contract.columns]
        for column in extra:
            if column not in names:
                raise fail(
                    f"aliases.{kind}.{column}",
                    f"the {kind} input has no such column (columns: {', '.join(names)})",
                )
        try:
            out[kind] = contract.with_aliases(extra)
        except ValueError as exc:
            raise fail(f"aliases.{kind}", str(exc)) from exc
    return out
