"""Join the register: the establishments the barometer can count, with geography and jobs.

Only two kinds of register rows can enter the perimeter: establishments under a core NAF code
and establishments of companies the partners list. The raw scan filters on exactly that, so the
national file is read by the engine and only a few thousand rows are materialised. The two kinds
are selected apart and concatenated, each with a filter the engine evaluates inside its scan
(see `_slice`): two light scans cost less than one whose filter sits above it. The listed
companies come from a semi-join with `entities`, never from a list pasted into the query. Closed
establishments are kept here (the perimeter picks active ones) so that later vintage comparisons
and the quality report can see them.

Jobs: a measured headcount (headcounts input) when present; otherwise the register's tranche
d'effectifs gives low / central / high bounds (`ref_tranches`), and `jobs_source` says which.
An establishment with no tranche has NULL jobs: it is counted, never silently given a value.

The quality report's register counts need a pass over the whole file; they are cached per file
fingerprint and scope (`register_scope_counts`), since a rebuild rarely changes the register.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
from ibis.expr.types import BooleanValue, StringValue, Table

from healthradar.engine import Warehouse
from healthradar.engine.expressions import null_text
from healthradar.ingest.register import clean_columns
from healthradar.quality.records import record_issues
from healthradar.reference import departement_of_commune


@dataclass(frozen=True)
class Scope:
    """Where and what the build counts."""

    departements: list[str] | None  # None: the whole of France (and abroad excluded)
    core_naf: list[str]
    vintage: int

    def in_scope(self, departement: StringValue) -> BooleanValue:
        """Whether a département code is in the build's territory (a few config constants)."""
        if self.departements is None:
            return departement.fill_null("") != ""
        return departement.isin(list(self.departements))

    def naf_forms(self) -> list[str]:
        """The core codes as Sirene writes them ('21.20Z') and as some files do ('2120Z')."""
        return sorted({form for code in self.core_naf for form in (code, code.replace(".", ""))})


def dotted_naf(code: StringValue) -> StringValue:
    """'2120Z' -> '21.20Z' (Sirene's form); anything else is left as it is."""
    return code.re_search("^[0-9]{4}[A-Z]$").ifelse(code.substr(0, 2) + "." + code.substr(2), code)


# Register columns the slice keeps (raw names; absent optional ones read as NULL). `siret` is
# rebuilt from siren || nic (a 5-character column is cheaper to scan than the 14-character SIRET).
SLICE_COLUMNS = (
    "siren", "siret", "nic", "codeCommuneEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement", "dateCreationEtablissement",
    "etablissementSiege", "statutDiffusionEtablissement",
)  # fmt: skip
LEGAL_UNIT_COLUMNS = (
    "siren", "etatAdministratifUniteLegale", "categorieEntreprise",
    "trancheEffectifsUniteLegale", "denominationUniteLegale", "sigleUniteLegale",
    "categorieJuridiqueUniteLegale", "dateCreationUniteLegale", "statutDiffusionUniteLegale",
)  # fmt: skip


def _listed_sirens(wh: Warehouse) -> Table:
    entities = wh.table("entities")
    return entities.filter(entities.status == "resolved").select("siren")


def _slice(wh: Warehouse, scope: Scope, siret_from_nic: bool) -> int:
    """`register_slice`: the register rows that may enter the perimeter, cleaned.

    The raw columns are filtered first into a small table, then the survivors are cleaned: in one
    query the engine would push the département test (on the cleaned commune) down to all 40 M
    rows. The core-NAF rows and the listed companies' rows are selected by two disjoint filters
    and concatenated (same rows as `core OR listed`). Measured on DuckDB 2.0 at 40 M rows: an OR
    with the `entities` sub-query, or a single IN list of the ten NAF forms, is turned into MARK
    joins above the scan, which then emits all 40 M rows of 11 columns; two short IN lists
    (dotted, undotted) stay a filter inside the scan, and the listed rows are a semi-join on the
    rows that are not core (NULL NAF included, so none is lost and none counted twice)."""
    raw = wh.table("register_establishments_raw")
    listed = _listed_sirens(wh)
    raw_cols = [c for c in SLICE_COLUMNS if c not in ("siret", "nic")]

    def pick(t: Table) -> Table:
        return t.select(*raw_cols, siret=t.siren + t.nic if siret_from_nic else t.siret)

    naf_raw, forms = raw.activitePrincipaleEtablissement, scope.naf_forms()
    dotted, undotted = [f for f in forms if "." in f], [f for f in forms if "." not in f]
    core = ibis.literal(False)
    for forms_list in (dotted, undotted):
        if forms_list:
            core = core | naf_raw.isin(forms_list)
    by_naf = pick(raw.filter(core))
    by_listing = pick(raw.filter(~core.fill_null(False)).semi_join(listed, "siren"))
    wh.materialise("register_slice_raw", by_naf.union(by_listing, distinct=False))
    s = clean_columns(wh.table("register_slice_raw"), [*raw_cols, "siret"])
    dep = departement_of_commune(s.codeCommuneEtablissement)
    naf = s.activitePrincipaleEtablissement.upper()
    nomenclature = s.nomenclatureActivitePrincipaleEtablissement
    rows = s.select(
        siren=s.siren,
        siret=s.siret,
        commune_raw=s.codeCommuneEtablissement,
        departement=dep,
        naf_raw=naf,
        nomenclature=nomenclature,
        etat=s.etatAdministratifEtablissement,
        tranche=s.trancheEffectifsEtablissement,
        tranche_year=s.anneeEffectifsEtablissement,
        date_creation=s.dateCreationEtablissement,
        is_siege=s.etablissementSiege == "true",
        diffusion=s.statutDiffusionEtablissement,
        is_core_naf=naf.isin(scope.naf_forms()) & (nomenclature.fill_null("NAFRev2") == "NAFRev2"),
        is_listed=s.siren.isin(listed.siren),
    )
    n = wh.materialise("register_slice", rows.filter(scope.in_scope(rows.departement)))
    wh.drop("register_slice_raw")
    return n


def _legal_units(wh: Warehouse) -> int:
    raw = wh.table("register_legal_units_raw")
    sirens = wh.table("register_slice").select("siren").distinct()
    lu = clean_columns(raw.filter(raw.siren.isin(sirens.siren)), LEGAL_UNIT_COLUMNS)
    return wh.materialise(
        "legal_units",
        lu.select(
            siren=lu.siren,
            etat=lu.etatAdministratifUniteLegale,
            category=lu.categorieEntreprise,
            tranche=lu.trancheEffectifsUniteLegale,
            name=lu.denominationUniteLegale,
            sigle=lu.sigleUniteLegale,
            legal_form=lu.categorieJuridiqueUniteLegale,
            date_creation=lu.dateCreationUniteLegale,
            diffusion=lu.statutDiffusionUniteLegale,
        ),
    )


def _establishments(wh: Warehouse, vintage: int) -> int:
    s = wh.table("register_slice")
    alias = wh.table("ref_commune_aliases")
    # A former commune code (merged communes) is brought to its current commune first.
    # (`view`: Ibis 12 cannot chain further joins onto a projection of a join.)
    s = (
        s.left_join(alias, s.commune_raw == alias.code_insee_ancien)
        .select(
            s, commune=ibis.coalesce(alias.code_insee, s.commune_raw), naf=dotted_naf(s.naf_raw)
        )
        .view()
    )
    communes = wh.table("ref_communes").select("code_insee", commune_name="nom")
    deps = wh.table("ref_departements").select(
        "code_departement", departement_name="nom", region="code_region"
    )
    naf = wh.table("ref_naf").select("code_sous_classe", naf_label="libelle_sous_classe")
    tr = wh.table("ref_tranches").select(t_code="code", t_low="low", t_high="high", t_mid="central")
    lu = wh.table("legal_units")
    lu = lu.select(
        lu_siren=lu.siren,
        company_name=ibis.coalesce(lu.name, lu.sigle),
        company_etat=lu.etat,
        company_category=lu.category,
        company_tranche=lu.tranche,
    )
    hc = wh.table("headcounts").select(h_siret="siret", h_count="headcount")
    j = (
        s.left_join(communes, s.commune == communes.code_insee)
        .left_join(deps, s.departement == deps.code_departement)
        .left_join(naf, s.naf == naf.code_sous_classe)
        .left_join(tr, s.tranche == tr.t_code)
        .left_join(lu, s.siren == lu.lu_siren)
        .left_join(hc, s.siret == hc.h_siret)
    )
    jobs_source = ibis.cases(
        (j.h_count.notnull(), "headcount"), (j.t_code.notnull(), "tranche"), else_="unknown"
    )
    expr = j.select(
        "siren", "siret", "commune", "commune_name", "departement", "departement_name",
        "region", "naf", "naf_label", "nomenclature", "etat", "tranche", "tranche_year",
        "date_creation", "is_siege", "diffusion", "is_core_naf", "is_listed", "company_name",
        "company_etat", "company_category", "company_tranche",
        jobs_source=jobs_source,
        jobs=ibis.coalesce(j.h_count.cast(dt.float64), j.t_mid),
        jobs_low=ibis.coalesce(j.h_count.cast(dt.float64), j.t_low),
        jobs_high=ibis.coalesce(j.h_count.cast(dt.float64), j.t_high),
        vintage=ibis.literal(int(vintage), dt.int32),
    )  # fmt: skip
    return wh.materialise("establishments", expr)


def _headcounts_outside(wh: Warehouse) -> int:
    """Headcount rows whose SIRET is not among the establishments: reported, never counted."""
    rows, kept = wh.table("headcount_rows"), wh.table("headcounts")
    est = wh.table("establishments").select("siret")
    matched = rows.join(kept, [rows.file == kept.file, rows.line == kept.line]).select(
        rows.input, rows.file, rows.line, rows.siret, h_siret=kept.siret
    )
    outside = matched.anti_join(est, matched.h_siret == est.siret)
    return record_issues(
        wh,
        "enrich",
        "headcounts_outside",
        outside.select(
            "input",
            "file",
            "line",
            column=ibis.literal("siret"),
            raw_value=outside.siret,
            reason=ibis.literal("siret_outside_perimeter"),
            detail=null_text(),
        ),
    )


def enrich(wh: Warehouse, scope: Scope, siret_from_nic: bool = True) -> dict[str, int]:
    """Materialise `register_slice`, `legal_units` and `establishments`.

    `siret_from_nic`: rebuild the SIRET as siren || nic (true when the file has `nic`).
    """
    n_slice = _slice(wh, scope, siret_from_nic)
    _legal_units(wh)
    n_est = _establishments(wh, scope.vintage)
    _headcounts_outside(wh)
    return {"register_slice": n_slice, "establishments": n_est}


SCOPE_COUNTS_FORMAT = 1  # bump when the counts' definition changes: older caches are ignored
_COUNT_KEYS = ("rows", "in_region", "active_in_region")


def register_scope_counts(
    wh: Warehouse, scope: Scope, cache_file: Path | None = None
) -> dict[str, int]:
    """How many register rows the file has, in the scope, and active there (for the report).

    These depend only on the register file and the scope, yet cost a pass over the whole file
    (2–3 s on the national one, half the baseline): with `cache_file` they are kept there under
    the register's SHA-256 (from `input_files`, already computed by ingest) and the scope, and a
    later build of the same file reads them back. A missing, unreadable or older-format cache, or
    no fingerprint, means counting again.
    """
    key = _scope_key(wh, scope) if cache_file is not None else None
    cached = _read_cache(cache_file) if cache_file is not None else {}
    if key is not None and key in cached:
        return cached[key]
    counts = _count_scope(wh, scope)
    if cache_file is not None and key is not None:
        _write_cache(cache_file, {**cached, key: counts})
    return counts


def _scope_key(wh: Warehouse, scope: Scope) -> str | None:
    if not wh.has_table("input_files"):
        return None
    files = wh.table("input_files")
    est = files.filter((files.kind == "register") & (files.input == "register.establishments"))
    shas = {r["sha256"] for r in wh.to_rows(est.select("sha256"))}
    if len(shas) != 1 or not next(iter(shas)):
        return None
    where = "FR" if scope.departements is None else ",".join(sorted(scope.departements))
    return f"{next(iter(shas))}|{where}"


def _read_cache(path: Path) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != SCOPE_COUNTS_FORMAT:
            return {}
        return {str(key): {k: int(v[k]) for k in _COUNT_KEYS} for key, v in data["counts"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_cache(path: Path, counts: dict[str, dict[str, int]]) -> None:
    """Atomically (write, then rename): a build interrupted mid-write leaves the old cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_text(
            json.dumps({"format": SCOPE_COUNTS_FORMAT, "counts": counts}, indent=1, sort_keys=True),
            encoding="utf-8",
        )
        os.replace(part, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next build the pass over the file


def _count_scope(wh: Warehouse, scope: Scope) -> dict[str, int]:
    """One pass over two raw columns.

    For a region, rows are first counted by the commune code's first three characters (a few
    thousand groups), and the département test runs on those groups: evaluating it on every row
    costs twice as much on the national file.
    """
    raw = wh.table("register_establishments_raw")
    commune, active = raw.codeCommuneEtablissement, raw.etatAdministratifEtablissement == "A"
    if scope.departements is None:
        given = commune.fill_null("") != ""
        counts = raw.aggregate(
            rows=raw.count(),
            in_region=raw.count(where=given),
            active_in_region=raw.count(where=given & active),
        )
    else:
        groups = raw.group_by(p3=commune.substr(0, 3), active=active).aggregate(n=raw.count())
        inside = scope.in_scope(departement_of_commune(groups.p3))
        counts = groups.aggregate(
            rows=groups.n.sum(),
            in_region=groups.n.sum(where=inside),
            active_in_region=groups.n.sum(where=inside & groups.active),
        )
    row = wh.to_rows(counts)[0]
    return {key: int(row[key] or 0) for key in _COUNT_KEYS}
