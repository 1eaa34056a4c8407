"""Config problems told as the analyst sees them: the key, the closest valid key, the fix.

pydantic reports a typo `regoin = "84"` as two English errors ("project.region: Field
required", "project.regoin: Extra inputs are not permitted"). Here the errors of one validation
are read together: an unknown key close to a valid one (difflib) is named as a typo of that key,
whatever else is missing; otherwise the first error becomes one message in the user's language.
The config model is walked along the error's location, so the valid keys are the model's own.

A second check compares the declared files by what they resolve to (a relative and an absolute
path, `..` segments, symlinks): the same file declared twice would count its rows twice.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from healthradar.errors import FatalInputError

# Hints for required keys a new user may drop (shown after "add it").
_EXAMPLES = {
    "region": 'region = "84"',
    "vintage": "vintage = 2024",
    "establishments": 'establishments = "inputs/register/StockEtablissement_utf8.parquet"',
    "legal_units": 'legal_units = "inputs/register/StockUniteLegale_utf8.parquet"',
    "path": 'path = "inputs/…"',
    "id": 'id = "partenaire1"',
}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `X`, `X | None`, `list[X]` or `dict[str, X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    """The keys a TOML table of this model accepts (aliases as written in the file)."""
    return sorted(f.alias or name for name, f in model.model_fields.items())


def _model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model of the table that holds the last key of `loc` (list indices skipped)."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        fields.update(model.model_fields)
        field = fields.get(part)
        if field is None:
            # a dict of models (`tables.<kind>`): the key is the dict's, not a field
            continue
        model = _inner_model(field.annotation)
    return model


def _dotted(loc: tuple[str | int, ...]) -> str:
    """`inputs.partners.1.label` with list positions counted from 1, as a reader counts, and a
    chapter input as written (`inputs.<kind>`, not the model's `inputs.tables.<kind>`)."""
    parts = [p for i, p in enumerate(loc) if not (p == "tables" and i and loc[i - 1] == "inputs")]
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in parts)


def region_list() -> str:
    """Every valid region code with its name, for a message naming a wrong one."""
    from healthradar.reference import regions

    return ", ".join(f"{code} {name}" for code, name in sorted(regions().items())) + ", FR"


def unknown_region(value: str, where: str) -> FatalInputError:
    return FatalInputError(
        "region_unknown", column=where, message_args={"value": value, "valid": region_list()}
    )


def _loc(error: Any) -> tuple[str | int, ...]:
    loc = tuple(error["loc"])
    # `register_files` is the Python name of the `register` table
    return tuple("register" if p == "register_files" else p for p in loc)


def config_error(exc: ValidationError, root: type[BaseModel], file: str) -> FatalInputError:
    """One FatalInputError for the errors of one validation of `healthradar.toml`."""
    errors = exc.errors()
    extras = [e for e in errors if e["type"] == "extra_forbidden"]
    for error in extras:  # a typo explains its "missing" twin: report it first
        loc = _loc(error)
        model = _model_at(root, loc)
        valid = _keys(model) if model is not None else []
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        if close:
            return FatalInputError(
                "config_key_typo",
                file=file,
                column=_dotted(loc),
                message_args={"suggestion": close[0]},
            )
    if extras:
        loc = _loc(extras[0])
        model = _model_at(root, loc)
        return FatalInputError(
            "config_key_unknown",
            file=file,
            column=_dotted(loc),
            message_args={"valid": ", ".join(_keys(model)) if model is not None else "-"},
        )
    first = errors[0]
    loc = _loc(first)
    if first["type"] == "missing":
        example = _EXAMPLES.get(str(loc[-1]))
        return FatalInputError(
            "config_key_missing",
            file=file,
            column=_dotted(loc),
            message_args={"hint": f" ({example})" if example else ""},
        )
    if loc == ("project", "region") and first["type"] == "value_error":
        return unknown_region(str(first.get("input", "")), f"project.region, {file}")
    detail = str(first["msg"]).removeprefix("Value error, ")
    return FatalInputError(
        "config_value_invalid",
        file=file,
        column=_dotted(loc),
        message_args={"detail": detail, "value": str(first.get("input", ""))},
    )


def unknown_input_kind(kind: str, known: list[str], file: Path) -> FatalInputError:
    """`[inputs.<kind>]` that no chapter reads: a typo of a known kind, or an unknown one."""
    close = difflib.get_close_matches(kind, known, n=1, cutoff=0.6)
    column = f"inputs.{kind}"
    if close:
        return FatalInputError(
            "config_key_typo", file=str(file), column=column, message_args={"suggestion": close[0]}
        )
    valid = {"valid": ", ".join(known)}
    return FatalInputError("config_key_unknown", file=str(file), column=column, message_args=valid)


def _identity(path: Path) -> tuple[object, ...]:
    """Equal for two paths naming one file: device and inode when it exists, else the path."""
    try:
        stat = path.stat()
        return ("inode", stat.st_dev, stat.st_ino)
    except OSError:
        return ("path", os.path.normcase(str(path.resolve())))


def check_distinct_files(
    declared: list[tuple[str, Path]], project_dir: Path, config_file: str
) -> None:
    """Fatal when two inputs (id, path relative to the project) are one and the same file."""
    seen: dict[tuple[object, ...], str] = {}
    for input_id, path in declared:
        full = path if path.is_absolute() else project_dir / path
        key = _identity(full)
        if key in seen:
            raise FatalInputError(
                "config_same_file",
                file=str(path),
                column=input_id,
                message_args={"inputs": f"{seen[key]}, {input_id}", "config": config_file},
            )
        seen[key] = input_id
