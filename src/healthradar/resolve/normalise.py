"""Normalisation for entity resolution, in one import: names (`normalise_names`) and places
(`normalise_places`). Each Ibis expression has a plain-Python twin with the `_py` suffix, the
same answer on the same text (property-tested), for tests and small in-memory code paths."""

from __future__ import annotations

from healthradar.resolve.normalise_names import (
    fold_py,
    lookup_key,
    lookup_key_py,
    name_key,
    name_key_py,
    name_tokens,
    name_tokens_py,
    name_words,
    sigle_key,
    sigle_key_py,
)
from healthradar.resolve.normalise_places import (
    RULES,
    city_key,
    city_key_py,
    commune_candidates,
    postcode_key,
    postcode_key_py,
)

__all__ = [
    "RULES",
    "city_key",
    "city_key_py",
    "commune_candidates",
    "fold_py",
    "lookup_key",
    "lookup_key_py",
    "name_key",
    "name_key_py",
    "name_tokens",
    "name_tokens_py",
    "name_words",
    "postcode_key",
    "postcode_key_py",
    "sigle_key",
    "sigle_key_py",
]
