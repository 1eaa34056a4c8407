"""The demo's user-supplied inputs, with realistic mess: three partner lists and a headcounts file.

Each partner list (CSV in cp1252, XLSX, CSV in UTF-8 with BOM) names companies of the synthetic
register the way partners really write them: name variants, missing or wrong SIRENs, SIRETs in
the SIREN column, their own filière labels, empty rows, duplicates within and across lists. The
headcounts file gets invalid SIRETs, bad numbers, duplicates and a wrong year. Every injected
defect is recorded as a `Defect` with the file, the physical line (header = line 1; XLSX rows
likewise) and the raw cell; every partner row keeps the true SIREN of the company it names, so
that later stages can be scored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from healthradar.demo.names import fold
from healthradar.demo.register import BOUNDS, LegalUnit

FIXED_TIME = dt.datetime(2025, 1, 15, 9, 0, 0)
BP, MT, SN = "Biotech/Pharma", "Medtech", "Santé numérique"
_FILIERE_OF_NAF = {
    "21.10Z": BP, "21.20Z": BP, "46.46Z": BP, "72.11Z": BP, "72.19Z": BP, "20.14Z": BP,
    "71.20B": BP, "32.50A": MT, "32.50B": MT, "26.60Z": MT, "46.69B": MT, "86.90B": MT,
    "62.01Z": SN, "58.29C": SN, "63.11Z": SN,
}  # fmt: skip
_FORM_SUFFIX = {"5710": (" SAS", " S.A.S.", " SAS", " SA"), "5599": (" SA", " S.A.")}
MALFORMED = ("N/A", "12345", "en cours")


@dataclass(frozen=True)
class Defect:
    """One injected problem: where it is (file, line, canonical column), the raw cell, its kind."""

    file: str
    line: int
    column: str
    raw: str
    kind: str


@dataclass(frozen=True)
class PartnerRow:
    """One data row of a partner list and the company it really names (None: no company)."""

    file: str
    line: int
    true_siren: str | None
    name: str
    role: str  # company | duplicate | no_name | empty


@dataclass(frozen=True)
class ListSpec:
    id: str
    label: str
    path: str
    headers: dict[str, str]  # canonical column -> the partner's header, in file order
    labels: dict[str, tuple[str, ...]]  # filière -> the partner's own words for it
    rare: tuple[str, ...]  # labels found in no filière map
    company_rows: int
    duplicates: int
    affinity: dict[str, float]  # how likely each kind of company is on this list


LISTS = (
    ListSpec(
        "incubateur",
        "Incubateur régional (synthétique)",
        "inputs/partners/incubateur.csv",
        {"name": "Raison sociale", "siren": "N° SIREN", "filiere": "Filière", "city": "Ville",
         "postcode": "Code postal", "employees": "Effectif", "revenue_meur": "CA (M€)"},
        {BP: ("Biotech", "biotechnologies", "Pharma", "Biotech / Pharma"),
         MT: ("Medtech", "Dispositifs médicaux", "DM"), SN: ("e-santé", "Santé numérique")},
        ("Silver économie", "Cosmétique"),
        236,
        8,
        {"revealed": 1.4, "core": 0.25, "outside": 1.0, "closed": 1.5},
    ),
    ListSpec(
        "cluster",
        "Cluster santé (synthétique)",
        "inputs/partners/cluster.xlsx",
        {"name": "Company name", "siren": "SIREN/SIRET", "filiere": "Sector", "city": "City",
         "postcode": "Zip code", "employees": "Employees", "revenue_meur": "Revenue (M€)",
         "website": "Website"},
        {BP: ("Biotech", "Pharma", "Biotech / Pharma"), MT: ("Medtech", "Medical devices"),
         SN: ("Digital health", "IA & santé", "e-santé")},
        ("Cosmétique",),
        384,
        12,
        {"revealed": 1.5, "core": 1.4, "outside": 1.0, "closed": 0.7},
    ),
    ListSpec(
        "federation",
        "Fédération professionnelle (synthétique)",
        "inputs/partners/federation.csv",
        {"name": "Nom de l'entreprise", "siren": "SIREN", "filiere": "Secteur",
         "city": "Commune", "postcode": "CP", "employees": "Effectifs", "website": "Site web"},
        {BP: ("Biotechnologies", "Biotech / Pharma", "Pharma"),
         MT: ("Dispositifs médicaux", "DM", "Medtech"),
         SN: ("Santé numérique", "IA & santé", "e-santé")},
        ("Silver économie", "Nutraceutique"),
        236,
        8,
        {"revealed": 0.6, "core": 1.4, "outside": 1.0, "closed": 0.8},
    ),
)  # fmt: skip


@dataclass
class _Row:
    unit: LegalUnit | None
    role: str
    cells: dict[str, str | int | float | None]
    defects: list[tuple[str, str, str]]  # (column, raw, kind)


def _kind(unit: LegalUnit) -> str:
    if not unit.active:
        return "closed"
    if not unit.siege.in_region:
        return "outside"
    return "revealed" if unit.kind == "revealed" else "core"


def choose_companies(rng: random.Random, units: list[LegalUnit]) -> list[LegalUnit]:
    """Every revealed company, some core ones, a few outside the region and a few closed."""
    by_siren = sorted(units, key=lambda u: u.siren)
    health = [u for u in by_siren if u.kind != "ordinary"]
    revealed = [u for u in health if u.kind == "revealed"]
    core = [u for u in health if u.kind in ("core", "group") and _kind(u) == "core"]
    outside = [u for u in health if u.active and _kind(u) == "outside"]
    closed = [u for u in health if not u.active]
    chosen = revealed + rng.sample(core, 215) + rng.sample(outside, 10) + rng.sample(closed, 10)
    rng.shuffle(chosen)
    return chosen


def _memberships(rng: random.Random, companies: list[LegalUnit]) -> dict[str, list[LegalUnit]]:
    """Spread companies over the lists: ~36 % of them on two or three lists."""
    members: dict[str, list[LegalUnit]] = {spec.id: [] for spec in LISTS}
    for unit in companies:
        k = rng.choices((1, 2, 3), weights=(64, 27, 9))[0]
        candidates = list(LISTS)
        for _ in range(k):
            weights = [
                s.affinity[_kind(unit)] * max(0.02, 1 - len(members[s.id]) / s.company_rows)
                for s in candidates
            ]
            spec = rng.choices(candidates, weights=weights)[0]
            candidates.remove(spec)
            members[spec.id].append(unit)
    return members


def _variant(rng: random.Random, unit: LegalUnit, list_id: str) -> str:
    """The name as a partner writes it: case, accents, legal form, 'Labo' for 'Laboratoires'."""
    name = unit.name
    if name.startswith("Laboratoires") and rng.random() < 0.4:
        name = name.replace("Laboratoires", rng.choice(("Labo", "Labo.", "Labos")), 1)
    suffix = rng.choice(_FORM_SUFFIX.get(unit.legal_form, (" SARL",)))
    roll = rng.random()
    if roll < 0.40:
        return name
    if roll < 0.52:
        return name.upper()
    if roll < 0.64:
        return fold(name)
    if roll < 0.80:
        comma = list_id == "federation" and rng.random() < 0.6
        return name + ("," if comma else "") + suffix
    if roll < 0.86:
        return name.lower()
    if roll < 0.93:
        return fold(name).upper() + suffix
    return unit.denomination


def _headcount(unit: LegalUnit) -> int:
    sites = [e for e in unit.establishments if e.active] or unit.establishments
    codes = [e.tranche for e in sites if e.tranche]
    return max(1, round(sum((BOUNDS[c][0] + BOUNDS[c][1]) / 2 for c in codes)))


def _company_row(
    rng: random.Random, spec: ListSpec, unit: LegalUnit, filiere: str, role: str
) -> _Row:
    siege = unit.siege
    declared = max(1, round(_headcount(unit) * rng.uniform(0.8, 1.25)))
    cells: dict[str, str | int | float | None] = {"name": _variant(rng, unit, spec.id)}
    cells["filiere"] = rng.choice(spec.labels[filiere]) if rng.random() < 0.93 else None
    city = siege.commune.city if rng.random() < 0.95 else None
    cells["city"] = (
        city.upper() if city and spec.id == "incubateur" and rng.random() < 0.1 else city
    )
    cells["postcode"] = siege.postcode if rng.random() < 0.92 else None
    row = _Row(unit, role, cells, [])
    roll = rng.random()
    if roll < 0.10:
        cells["employees"] = None
    elif roll < 0.13:
        cells["employees"] = raw = rng.choice(("n.c.", "NC", "10-19"))
        row.defects.append(("employees", raw, "number_invalid"))
    elif spec.id == "incubateur" and rng.random() < 0.08:
        cells["employees"] = f"{declared},5"
    else:
        cells["employees"] = declared
    if "revenue_meur" in spec.headers:
        roll = rng.random()
        revenue = round(declared * rng.uniform(0.08, 0.3), 2)
        if roll < 0.3:
            cells["revenue_meur"] = None
        elif roll < 0.315:
            cells["revenue_meur"] = "NC"
            row.defects.append(("revenue_meur", "NC", "number_invalid"))
        else:
            cells["revenue_meur"] = revenue
    if "website" in spec.headers and rng.random() < 0.75:
        slug = "".join(ch for ch in fold(unit.name).lower() if ch.isalnum())
        cells["website"] = f"https://www.{slug}.{rng.choice(('fr', 'com', 'eu', 'io'))}"
    return row


def _set_siren(rng: random.Random, spec: ListSpec, row: _Row) -> None:
    """The SIREN cell: missing (30 %), wrong checksum (3 %), a SIRET (5 %) or right."""
    assert row.unit is not None
    siren, roll = row.unit.siren, rng.random()
    if roll < 0.30:
        row.cells["siren"] = None
        row.defects.append(("siren", "", "siren_missing"))
    elif roll < 0.33:
        pos = rng.randrange(9)
        digit = rng.choice([d for d in "0123456789" if d != siren[pos]])
        row.cells["siren"] = raw = siren[:pos] + digit + siren[pos + 1 :]
        row.defects.append(("siren", raw, "siren_checksum"))
    elif roll < 0.38:
        row.cells["siren"] = raw = rng.choice(row.unit.establishments).siret
        row.defects.append(("siren", raw, "siret_as_siren"))
    elif spec.id == "cluster" and rng.random() < 0.1:
        row.cells["siren"] = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    else:
        row.cells["siren"] = siren


def _filiere(rng: random.Random, unit: LegalUnit) -> str:
    return _FILIERE_OF_NAF.get(unit.siege.naf) or rng.choice((BP, MT, SN))


def build_lists(
    rng: random.Random, units: list[LegalUnit], cities: list[str]
) -> dict[str, list[_Row]]:
    companies = choose_companies(rng, units)
    filieres = {u.siren: _filiere(rng, u) for u in companies}
    members = _memberships(rng, companies)
    lists: dict[str, list[_Row]] = {}
    for spec in LISTS:
        chosen = members[spec.id]
        rows = [_company_row(rng, spec, u, filieres[u.siren], "company") for u in chosen]
        for unit in rng.sample(chosen, spec.duplicates):
            rows.append(_company_row(rng, spec, unit, filieres[unit.siren], "duplicate"))
        for row in rows:
            _set_siren(rng, spec, row)
        valid = [r for r in rows if not any(d[0] == "siren" for d in r.defects)]
        for row, raw in zip(rng.sample(valid, len(MALFORMED)), MALFORMED, strict=True):
            row.cells["siren"] = raw
            row.defects.append(("siren", raw, "siren_malformed"))
        for i, row in enumerate(rng.sample(rows, 3)):
            row.cells["filiere"] = spec.rare[i % len(spec.rare)]
        rng.shuffle(rows)
        extras = [
            _Row(None, "no_name", {"city": rng.choice(cities)}, [("name", "", "name_missing")])
            for _ in range(4)
        ]
        if spec.path.endswith(".csv"):
            extras += [_Row(None, "empty", {}, [("*", "", "row_empty")]) for _ in range(3)]
        for extra in extras:
            rows.insert(rng.randint(1, len(rows)), extra)
        lists[spec.id] = rows
    return lists


def _text(value: str | int | float | None, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", decimal)
    return str(value)


def _write_csv(spec: ListSpec, rows: list[_Row], path: Path) -> None:
    buffer = io.StringIO()
    # The incubator exports from Excel on Windows (cp1252, ';', decimal comma); the federation
    # from a web tool (UTF-8 with BOM, ',', names with commas quoted).
    delimiter, encoding = (";", "cp1252") if spec.id == "incubateur" else (",", "utf-8-sig")
    decimal = "," if delimiter == ";" else "."
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(spec.headers.values())
    for row in rows:
        writer.writerow([_text(row.cells.get(c), decimal) for c in spec.headers])
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_xlsx(spec: ListSpec, rows: list[_Row], path: Path) -> None:
    """Write with fixed document properties and zip timestamps, so the bytes are reproducible."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Adhérents"
    ws.append(list(spec.headers.values()))
    for row in rows:
        ws.append([row.cells.get(c) for c in spec.headers])
    notes = wb.create_sheet("Lisez-moi")
    notes.append(["Données synthétiques générées par healthradar.demo (aucune entreprise réelle)."])
    notes.append(["Synthetic data generated by healthradar.demo (no real company)."])
    wb.properties.creator = wb.properties.lastModifiedBy = "healthradar demo"
    wb.properties.title = "Adhérents du cluster santé (synthétique)"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(fixed.getvalue())


def write_lists(
    lists: dict[str, list[_Row]], target: Path
) -> tuple[list[Defect], list[PartnerRow], dict[str, int]]:
    """Write the three files; return the defects, the row truth and the data-row counts."""
    defects: list[Defect] = []
    truth: list[PartnerRow] = []
    counts: dict[str, int] = {}
    for spec in LISTS:
        rows = lists[spec.id]
        path = target / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        (_write_xlsx if path.suffix == ".xlsx" else _write_csv)(spec, rows, path)
        counts[spec.path] = len(rows)
        for line, row in enumerate(rows, start=2):
            siren = row.unit.siren if row.unit else None
            name = _text(row.cells.get("name"), ".")
            truth.append(PartnerRow(spec.path, line, siren, name, row.role))
            defects += [Defect(spec.path, line, col, raw, kind) for col, raw, kind in row.defects]
    return defects, truth, counts
