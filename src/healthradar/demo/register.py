"""A synthetic SIRENE slice (StockEtablissement + StockUniteLegale) in the official INSEE layout.

The slice is built in memory as `LegalUnit` objects holding their `Establishment`s, then written
as two parquet files whose columns carry the official names and are all strings (empty -> null).
Identifiers are invented but valid: SIREN with a Luhn check digit, NIC chosen so that the SIRET
passes the Luhn check. Communes are real COG communes, drawn by population.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from stdnum import luhn

from healthradar.demo import names
from healthradar.demo.communes import REGION, Commune, CommunePicker
from healthradar.demo.names import (
    CORE_WEIGHTS,
    ORDINARY_NAF,
    REV1,
    REVEALED_NAF,
)

CORE_NAF = ("21.10Z", "21.20Z", "32.50A", "46.46Z", "72.11Z")
TRANCHES = ("NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51",
            "52", "53")  # fmt: skip
BOUNDS: dict[str, tuple[int, int]] = {
    "NN": (0, 0), "00": (0, 0), "01": (1, 2), "02": (3, 5), "03": (6, 9), "11": (10, 19),
    "12": (20, 49), "21": (50, 99), "22": (100, 199), "31": (200, 249), "32": (250, 499),
    "41": (500, 999), "42": (1000, 1999), "51": (2000, 4999), "52": (5000, 9999),
    "53": (10000, 20000),
}  # fmt: skip
STOCK_DAY = dt.date(2025, 1, 31)
HEADCOUNT_YEAR = "2023"

# Weights of the tranche d'effectifs codes (None = not filled) by kind of company.
_T_ORDINARY: Mapping[str | None, float] = {
    None: 33, "NN": 22, "00": 7, "01": 16, "02": 9, "03": 6, "11": 4, "12": 2, "21": 0.6,
    "22": 0.3, "31": 0.05, "32": 0.05,
}  # fmt: skip
_T_CORE: Mapping[str | None, float] = {
    None: 4, "NN": 4, "00": 2, "01": 8, "02": 10, "03": 11, "11": 17, "12": 19, "21": 12,
    "22": 8, "31": 3, "32": 3, "41": 1.5, "42": 0.5,
}  # fmt: skip
_T_REVEALED: Mapping[str | None, float] = {
    None: 3, "NN": 4, "01": 10, "02": 16, "03": 18, "11": 20, "12": 17, "21": 7, "22": 3,
    "31": 1, "32": 1,
}  # fmt: skip

ND = "[ND]"
K = TypeVar("K")


# One site of a new legal unit: (commune, NAF code, active?, tranche d'effectifs).
Site = tuple[Commune, str, bool, str | None]


@dataclass
class Establishment:
    siren: str
    commune: Commune
    naf: str
    active: bool
    tranche: str | None
    created: str = ""
    debut: str = ""
    nomenclature: str = "NAFRev2"
    nic: str = ""
    siege: bool = False
    postcode: str = ""
    address: tuple[str | None, str | None, str | None] = (None, None, None)

    @property
    def siret(self) -> str:
        return self.siren + self.nic

    @property
    def in_region(self) -> bool:
        return self.commune.region == REGION


@dataclass
class LegalUnit:
    siren: str
    kind: str  # ordinary | core | group | revealed | health_outside | health_closed
    name: str  # natural-case name (health companies) or upper-case name (ordinary ones)
    legal_form: str
    establishments: list[Establishment] = field(default_factory=list)
    statut: str = "O"
    person: tuple[str, str, str] | None = None
    keep_accents: bool = False
    forced_tranche: str | None = None
    sigle: str | None = None

    @property
    def active(self) -> bool:
        return any(e.active for e in self.establishments)

    @property
    def siege(self) -> Establishment:
        return next(e for e in self.establishments if e.siege)

    @property
    def denomination(self) -> str:
        return names.register_form(self.name, self.keep_accents)

    def tranche(self) -> str | None:
        """Tranche of the unit: covers the sum of its establishments, at least the largest one."""
        if not self.active:
            return None
        if self.forced_tranche:
            return self.forced_tranche
        codes = [e.tranche for e in self.establishments if e.active and e.tranche]
        if not codes:
            return None
        total = sum((BOUNDS[c][0] + BOUNDS[c][1]) / 2 for c in codes)
        largest = max(TRANCHES.index(c) for c in codes)
        by_sum = next(
            i for i, c in enumerate(TRANCHES) if c not in ("NN",) and BOUNDS[c][1] >= total
        )
        return TRANCHES[max(largest, by_sum if total > 0 else largest)]

    def category(self, tranche: str | None) -> str | None:
        """PME / ETI / GE from the unit's tranche (as returned by `tranche()`)."""
        if not self.active:
            return None
        index = TRANCHES.index(tranche or "NN")
        if index >= TRANCHES.index("52"):
            return "GE"
        return "ETI" if index >= TRANCHES.index("32") else "PME"


def weighted(rng: random.Random, table: Mapping[K, float]) -> K:
    """One key of ``table`` drawn with the weights it maps to."""
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def iso_day(rng: random.Random, first: dt.date, last: dt.date) -> str:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal())).isoformat()


class RegisterBuilder:
    """Creates legal units and their establishments; keeps every SIREN unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.picker = CommunePicker()
        self.health = names.HealthNames(rng)
        self.sirens: set[str] = set()
        self.units: list[LegalUnit] = []

    def new_siren(self) -> str:
        while True:
            first = "0" if self.rng.random() < 0.02 else str(self.rng.randint(3, 9))
            head = f"{first}{self.rng.randrange(10**7):07d}"
            siren = head + luhn.calc_check_digit(head)
            if siren not in self.sirens and siren != "356000000":
                self.sirens.add(siren)
                return siren

    def add_unit(
        self,
        kind: str,
        name: str,
        legal_form: str,
        sites: Sequence[Site],
        created_from: int,
        old_closures: bool = True,
        keep_tranches: bool = False,
    ) -> LegalUnit:
        """A legal unit whose first site (commune, NAF, active, tranche) is the siège."""
        rng = self.rng
        unit = LegalUnit(self.new_siren(), kind, name, legal_form)
        unit.keep_accents = rng.random() < 0.2
        for commune, naf, active, tranche in sites:
            est = Establishment(unit.siren, commune, naf, active, tranche)
            est.postcode = rng.choice(commune.postcodes)
            number = str(rng.randint(1, 180)) if rng.random() < 0.88 else None
            est.address = (number, rng.choice(names.STREET_TYPES), rng.choice(names.STREET_NAMES))
            if active:
                year = max(created_from, 2024 - int(rng.expovariate(1 / 11)))
                est.created = iso_day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
                est.debut = est.created
                if (year == 2024 or rng.random() < 0.04) and not keep_tranches:
                    est.tranche = None  # no 2023 headcount yet
            else:
                if old_closures and rng.random() < 0.10:
                    closed = iso_day(rng, dt.date(1996, 1, 1), dt.date(2007, 12, 31))
                    est.nomenclature = "NAFRev1"
                    est.naf = REV1.get(naf, "74.1G")
                else:
                    closed = iso_day(rng, dt.date(2008, 1, 1), dt.date(2024, 12, 31))
                first = max(created_from, int(closed[:4]) - 25)
                start = rng.randint(min(first, int(closed[:4]) - 1), int(closed[:4]) - 1)
                est.created = iso_day(rng, dt.date(start, 1, 1), dt.date(start, 12, 31))
                est.debut = closed
                if closed < "2024-01-01":
                    est.tranche = None
            unit.establishments.append(est)
        unit.establishments[0].siege = True
        for seq, est in enumerate(sorted(unit.establishments, key=lambda e: e.created), 1):
            stem = unit.siren + f"{seq:04d}"
            est.nic = stem[9:] + luhn.calc_check_digit(stem)
        self.units.append(unit)
        return unit

    def sites(
        self,
        n: int,
        naf: str,
        inside: bool,
        tranches: Mapping[str | None, float],
        unit_active: bool,
        p_active: float,
        stay: bool = False,
        urban: bool = True,
    ) -> list[Site]:
        rng = self.rng
        siege = self.picker.pick(rng, inside, urban)
        out: list[Site] = [(siege, naf, unit_active, weighted(rng, tranches))]
        for _ in range(n - 1):
            active = unit_active and rng.random() < p_active
            near = self.picker.pick_near(rng, siege, stay)
            out.append((near, naf, active, weighted(rng, tranches)))
        return out


def n_sites(rng: random.Random, table: tuple[tuple[int, float], ...]) -> int:
    return rng.choices([n for n, _ in table], weights=[w for _, w in table])[0]


_SITES_ORDINARY = ((1, 71), (2, 17), (3, 6), (4, 3), (5, 1.3), (6, 0.9), (8, 0.5), (12, 0.3))
_SITES_CORE = ((1, 85), (2, 12), (3, 3))
_SITES_REVEALED = ((1, 80), (2, 14), (3, 6))
ORDINARY_UNITS = 35_250
CORE_ESTABLISHMENTS = 600
REVEALED_UNITS = 350
EXTRA_HEALTH_UNITS = 20


def build_register(rng: random.Random) -> RegisterBuilder:
    """All legal units of the demo slice: groups, core, revealed, other health, ordinary."""
    b = RegisterBuilder(rng)
    _groups(b)
    _core(b)
    _revealed(b)
    _ordinary(b)
    return b


def _groups(b: RegisterBuilder) -> None:
    """Two pharma groups (GE, 5 000+ employees), several big sites in the region, and ETIs."""
    rng, pick = b.rng, b.picker.pick_in
    layouts = (
        ("69387", "5710", [("69", "21.20Z", "51"), ("69", "21.20Z", "42"), ("38", "21.10Z", "41"),
                           ("01", "21.20Z", "32"), ("69", "72.11Z", "22"), ("63", "46.46Z", "21")]),
        ("75108", "5599", [("38", "21.10Z", "51"), ("69", "21.20Z", "41"), ("74", "21.20Z", "32"),
                           ("26", "46.46Z", "21"), ("63", "72.11Z", "12"), ("13", "21.20Z", "32")]),
    )  # fmt: skip
    for code, form, plan in layouts:
        sites: list[Site] = [(b.picker.commune(code), "21.20Z", True, "12")]
        sites += [(pick(rng, dep), naf, True, tranche) for dep, naf, tranche in plan]
        sites.append((pick(rng, "42"), "21.20Z", False, None))
        unit = b.add_unit("group", b.health.core("21.20Z"), form, sites, 1950, keep_tranches=True)
        unit.forced_tranche = "52"
        unit.sigle = "".join(w[0] for w in names.fold(unit.name).upper().split())[:4] or None
    core_naf = {k: v[0] for k, v in CORE_WEIGHTS.items()}
    siege_t = {"22": 3, "31": 2, "32": 3, "41": 1.5, "42": 0.5}
    other_t = {"11": 2, "12": 3, "21": 3, "22": 2, "31": 1}
    for _ in range(12):
        naf = weighted(rng, core_naf)
        siege = b.picker.pick(rng, rng.random() < 0.9, urban=True)
        sites = [(siege, naf, True, weighted(rng, siege_t))]
        for _ in range(rng.randint(1, 3)):
            sites.append((b.picker.pick_near(rng, siege), naf, True, weighted(rng, other_t)))
        form = rng.choice(("5710", "5599"))
        b.add_unit("core", b.health.core(naf), form, sites, 1960, keep_tranches=True)


def _core(b: RegisterBuilder) -> None:
    """Small and mid-sized companies of the five core codes, until ~600 core establishments."""
    rng = b.rng
    core_naf = {k: v[0] for k, v in CORE_WEIGHTS.items()}
    forms = {"5710": 70, "5499": 20, "5599": 10}

    def count() -> int:
        return sum(
            e.naf in CORE_NAF and e.nomenclature == "NAFRev2"
            for u in b.units
            for e in u.establishments
        )

    while count() < CORE_ESTABLISHMENTS:
        naf = weighted(rng, core_naf)
        active = rng.random() < 0.80
        sites = b.sites(n_sites(rng, _SITES_CORE), naf, rng.random() < 0.95, _T_CORE, active, 0.75)
        for i in range(1, len(sites)):
            if rng.random() < 0.15:  # a secondary site under another core code
                commune, _, site_active, tranche = sites[i]
                sites[i] = (commune, weighted(rng, core_naf), site_active, tranche)
        b.add_unit("core", b.health.core(naf), weighted(rng, forms), sites, 1965)


def _revealed(b: RegisterBuilder) -> None:
    """Health companies registered under other codes, plus health companies outside the region
    and closed ones (partner lists mention a few of those too)."""
    rng = b.rng
    codes = {k: v[0] for k, v in REVEALED_NAF.items()}
    plans = (
        ("revealed", REVEALED_UNITS, True, True),
        ("health_outside", EXTRA_HEALTH_UNITS, False, True),
        ("health_closed", EXTRA_HEALTH_UNITS, True, False),
    )
    for kind, how_many, inside, active in plans:
        for _ in range(how_many):
            naf = weighted(rng, codes)
            n = n_sites(rng, _SITES_REVEALED) if kind == "revealed" else rng.randint(1, 2)
            sites = b.sites(n, naf, inside, _T_REVEALED, active, 1.0, stay=True)
            form = "5710" if rng.random() < 0.85 else "5499"
            b.add_unit(kind, b.health.revealed(), form, sites, 2000, old_closures=False)


def _ordinary(b: RegisterBuilder) -> None:
    rng = b.rng
    codes = {k: v[0] for k, v in ORDINARY_NAF.items()}
    for _ in range(ORDINARY_UNITS):
        naf = weighted(rng, codes)
        if naf.startswith("68.20") and rng.random() < 0.7:
            form = "6540"
        else:
            form = rng.choices(("1000", "5710", "5499"), weights=(35, 36, 29))[0]
        n = 1 if form == "1000" else n_sites(rng, _SITES_ORDINARY)
        inside, active = rng.random() < 0.95, rng.random() < 0.61
        sites = b.sites(n, naf, inside, _T_ORDINARY, active, 0.8, urban=False)
        if form == "1000":
            who = names.person(rng)
            name = names.fold(f"{who[0]} {who[1]}").upper()
        else:
            who, name = None, names.ordinary_name(rng, naf)
        unit = b.add_unit("ordinary", name, form, sites, 1960)
        unit.person = who
        if rng.random() < (0.025 if form == "1000" else 0.002):
            unit.statut = "P"
