"""Real COG communes for the demo register, drawn by population inside or outside the region."""

from __future__ import annotations

import bisect
import csv
import gzip
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from healthradar.demo import names
from healthradar.reference import DATA_DIR, region_departements

REGION = "84"
OUTSIDE_DEPARTEMENTS = ("75", "13", "31", "33", "2A", "44", "67", "59", "35")
_LABELS: dict[str, str] = {}


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    region: str
    population: int
    postcodes: tuple[str, ...]
    arrondissement: bool

    @property
    def label(self) -> str:
        """The commune label of Sirene: upper case, no accents ('SAINT-ETIENNE')."""
        return _LABELS.get(self.code) or _LABELS.setdefault(
            self.code, names.fold(self.name).upper()
        )

    @property
    def city(self) -> str:
        """The name a partner writes: 'Lyon' rather than 'Lyon 7e Arrondissement'."""
        return self.name.split(" ")[0] if self.arrondissement else self.name


class CommunePicker:
    """Draws real COG communes weighted by population, inside or outside the demo region."""

    def __init__(self) -> None:
        inside_deps = set(region_departements(REGION))
        self.by_dep: dict[str, tuple[list[Commune], list[float]]] = {}
        with gzip.open(DATA_DIR / "communes.csv.gz", "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["code_insee"] in ("75056", "69123", "13055") or not row["population"]:
                    continue  # Paris, Lyon, Marseille: Sirene uses the arrondissement codes
                if row["type"] not in ("commune-actuelle", "arrondissement-municipal"):
                    continue
                dep = row["code_departement"]
                if dep not in inside_deps and dep not in OUTSIDE_DEPARTEMENTS:
                    continue
                commune = Commune(
                    row["code_insee"],
                    row["nom"],
                    dep,
                    row["code_region"],
                    int(row["population"]),
                    tuple(p for p in row["codes_postaux"].split("|") if p),
                    row["type"] == "arrondissement-municipal",
                )
                if commune.population > 0 and commune.postcodes:
                    self.by_dep.setdefault(dep, ([], []))[0].append(commune)
        for communes, weights in self.by_dep.values():
            communes.sort(key=lambda c: c.code)
            weights.extend(itertools.accumulate(c.population for c in communes))
        self.inside = self._pool(sorted(inside_deps), 1.0)
        self.outside = self._pool(list(OUTSIDE_DEPARTEMENTS), 1.0)
        # Health companies cluster in cities: weight by population ** 1.4 for them.
        self.urban = (self._pool(sorted(inside_deps), 1.4), self._pool(OUTSIDE_DEPARTEMENTS, 1.4))

    def _pool(self, deps: Sequence[str], power: float) -> tuple[list[Commune], list[float]]:
        communes = [c for d in deps for c in self.by_dep[d][0]]
        return communes, list(itertools.accumulate(c.population**power for c in communes))

    @staticmethod
    def _draw(rng: random.Random, pool: tuple[list[Commune], list[float]]) -> Commune:
        communes, cumulative = pool
        return communes[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]

    def pick(self, rng: random.Random, inside: bool = True, urban: bool = False) -> Commune:
        if urban:
            return self._draw(rng, self.urban[0] if inside else self.urban[1])
        return self._draw(rng, self.inside if inside else self.outside)

    def pick_in(self, rng: random.Random, departement: str) -> Commune:
        return self._draw(rng, self.by_dep[departement])

    def commune(self, code: str) -> Commune:
        return next(c for pool in self.by_dep.values() for c in pool[0] if c.code == code)

    def pick_near(self, rng: random.Random, base: Commune, stay: bool = False) -> Commune:
        """Another site of the same company: same département mostly, same side of the border
        (always when ``stay``, 96 % otherwise)."""
        roll = rng.random()
        if roll < 0.7:
            return self.pick_in(rng, base.departement)
        inside = base.region == REGION
        return self.pick(rng, inside if stay or roll < 0.96 else not inside)
