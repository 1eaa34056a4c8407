"""The build configuration (`healthradar.toml`), validated before any work starts.

A barometer project is a folder holding `healthradar.toml` and the input files it names. Paths in
the file are relative to that folder, so a project can be moved or shared as a whole. Validation
is strict (unknown keys are errors) because a typo in a key would otherwise silently fall back to
a default and change published figures.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from healthradar.config_checks import check_distinct_files, config_error
from healthradar.errors import FatalInputError
from healthradar.reference.filieres import DEFAULT_NAF_FILIERES

CONFIG_FILE = "healthradar.toml"

# The reference barometer's "traditional core": pharma manufacturing (2), medical devices,
# pharmaceutical wholesale, biotech R&D.
DEFAULT_CORE_NAF = ["21.10Z", "21.20Z", "32.50A", "46.46Z", "72.11Z"]
DEFAULT_SIZE_BOUNDS = [250, 2000]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ProjectSection(_Strict):
    name: str = "Baromètre santé"
    region: str = Field(
        description="COG code of the region (e.g. '84', '11'), or 'FR' for the whole of France"
    )
    vintage: int = Field(ge=2000, le=2100, description="Year of the headcounts and of the report")
    lang: Literal["fr", "en"] = "fr"
    synthetic: bool = Field(
        default=False, description="True for generated demo data: every page then says so"
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        from healthradar.reference import regions

        value = value.strip().upper()
        if value != "FR" and value not in regions():
            raise ValueError(f"unknown region code {value!r} (expected a COG code such as '84')")
        return value


class RegisterInput(_Strict):
    establishments: Path = Field(description="SIRENE StockEtablissement, parquet or CSV")
    legal_units: Path = Field(description="SIRENE StockUniteLegale, parquet or CSV")
    successions: Path | None = Field(
        default=None,
        description="SIRENE StockEtablissementLiensSuccession, parquet or CSV (optional): a "
        "closed company a partner lists is reported with its active successor",
    )

    def files(self) -> list[tuple[str, Path]]:
        """(role, path) of every declared register file, the optional ones when given."""
        roles = [("establishments", self.establishments), ("legal_units", self.legal_units)]
        if self.successions is not None:
            roles.append(("successions", self.successions))
        return roles


class HeadcountsInput(_Strict):
    path: Path
    sheet: str | None = None
    header_row: int | None = Field(
        default=None, ge=1, description="Line (CSV) or row (XLSX) of the header, if not the first"
    )


class PartnerInput(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Short identifier, used in table names")
    path: Path
    label: str | None = None
    sheet: str | None = None
    header_row: int | None = Field(
        default=None, ge=1, description="Line (CSV) or row (XLSX) of the header, if not the first"
    )


class TableInput(_Strict):
    """A chapter's own input (`[inputs.<kind>]`), read against the chapter's contract."""

    path: Path
    sheet: str | None = None
    header_row: int | None = Field(
        default=None, ge=1, description="Line (CSV) or row (XLSX) of the header, if not the first"
    )


class InputsSection(_Strict):
    register_files: RegisterInput = Field(alias="register")
    headcounts: HeadcountsInput | None = None
    partners: list[PartnerInput] = Field(default_factory=list)
    tables: dict[str, TableInput] = Field(
        default_factory=dict,
        description="chapter inputs, written [inputs.<kind>]; the kind must be declared by a "
        "chapter (checked at preflight)",
    )

    @model_validator(mode="before")
    @classmethod
    def _chapter_inputs(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        fixed = {"register", "register_files", "headcounts", "partners", "tables"}
        tables = dict(data.get("tables", {}))
        rest = {}
        for key, value in data.items():
            if key in fixed:
                rest[key] = value
            elif isinstance(value, dict) and "path" in value:
                tables[key] = value
            else:
                rest[key] = value  # left for the strict check to report
        if tables:
            rest["tables"] = tables
        return rest

    @model_validator(mode="after")
    def _unique_partner_ids(self) -> InputsSection:
        ids = [p.id for p in self.partners]
        twins = sorted({i for i in ids if ids.count(i) > 1})
        if twins:
            raise ValueError(f"partner ids must be unique, repeated: {', '.join(twins)}")
        return self  # the same file twice: `config_checks.check_distinct_files` (resolved)


class PerimeterSection(_Strict):
    core_naf: list[str] = Field(default_factory=lambda: list(DEFAULT_CORE_NAF))
    size_class_bounds: list[int] = Field(default_factory=lambda: list(DEFAULT_SIZE_BOUNDS))
    unknown_jobs_high: float = Field(
        default=9.0,
        ge=0,
        description="high bound of the jobs of an establishment without any headcount "
        "information (no measured headcount, no register band); its central value and low "
        "bound are 0 (docs/confidentiality.md)",
    )

    @field_validator("core_naf")
    @classmethod
    def _naf_codes(cls, codes: list[str]) -> list[str]:
        from healthradar.reference import naf_labels, normalise_naf

        known = naf_labels()
        out = []
        for code in codes:
            norm = normalise_naf(code)
            if norm not in known:
                raise ValueError(f"{code!r} is not a NAF rév. 2 sous-classe (e.g. '21.20Z')")
            out.append(norm)
        return out

    @field_validator("size_class_bounds")
    @classmethod
    def _increasing(cls, bounds: list[int]) -> list[int]:
        if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
            raise ValueError("size_class_bounds must be positive and strictly increasing")
        return bounds


class FilieresSection(_Strict):
    naf: dict[str, str] = Field(
        default_factory=dict, description="NAF -> filière, merged over the defaults"
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="partner label -> filière, merged over the defaults"
    )


class EngineSection(_Strict):
    backend: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="duckdb (embedded, default) or spark (see docs/scale.md)"
    )
    spark_master: str = Field(
        default="local[2]", description="Spark master URL when backend = 'spark'"
    )
    memory_limit: str = Field(default="4GB", pattern=r"^\d+(\.\d+)?\s*([KMGT]i?B)$")
    threads: int = Field(default=0, ge=0, description="0 = DuckDB's default (all cores)")


class QualitySection(_Strict):
    max_rejected_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share of a file's rows rejected above which the build warns (0.2 = 20 %)",
    )


class SourceRules(_Strict):
    """Rules of one confidential source (`[confidentiality.sources.<input>]`), over the defaults."""

    min_units: int | None = Field(default=None, ge=1)
    dominance: list[tuple[int, float]] | None = None
    protection: float | None = Field(default=None, gt=0, lt=1)


class ConfidentialitySection(_Strict):
    """Statistical confidentiality (docs/confidentiality.md): primary rules and protection."""

    min_units: int = Field(default=3, ge=1, description="frequency rule: fewer units are masked")
    dominance: list[tuple[int, float]] = Field(
        default_factory=lambda: [(1, 85.0)],
        description="(n, k) rules: the n largest contributions above k % of the cell are masked",
    )
    protection: float = Field(
        default=0.10, gt=0, lt=1, description="protection interval: ± this share of a cell"
    )
    sources: dict[str, SourceRules] = Field(default_factory=dict)

    @field_validator("dominance")
    @classmethod
    def _dominance(cls, rules: list[tuple[int, float]]) -> list[tuple[int, float]]:
        for n, k in rules:
            if n < 1 or not 0 < k < 100:
                raise ValueError("dominance rules are [n, k] with n ≥ 1 and 0 < k < 100")
        return rules


class Config(_Strict):
    project: ProjectSection
    inputs: InputsSection
    perimeter: PerimeterSection = Field(default_factory=PerimeterSection)
    filieres: FilieresSection = Field(default_factory=FilieresSection)
    engine: EngineSection = Field(default_factory=EngineSection)
    quality: QualitySection = Field(default_factory=QualitySection)
    # [aliases.<input>] <column> = ["header", ...]: a project's own header names, checked
    # against the contracts at preflight (healthradar.ingest.aliases)
    aliases: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    confidentiality: ConfidentialitySection = Field(default_factory=ConfidentialitySection)

    def naf_filieres(self) -> dict[str, str]:
        from healthradar.reference import normalise_naf

        merged = dict(DEFAULT_NAF_FILIERES)
        merged.update({str(normalise_naf(k)): v for k, v in self.filieres.naf.items()})
        return merged


def load_config(project_dir: Path) -> tuple[Config, dict[str, object]]:
    """Read and validate `healthradar.toml`; return the model and the raw mapping.

    Any problem is a FatalInputError naming the file and the offending key, so the CLI can stop
    with exit code 2 before any work.
    """
    path = project_dir / CONFIG_FILE
    if not path.is_file():
        raise FatalInputError("config_missing", file=str(path), message_args={"path": str(path)})
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FatalInputError(
            "config_syntax", file=str(path), message_args={"detail": str(exc)}
        ) from exc
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise config_error(exc, Config, str(path)) from exc
    inputs = config.inputs
    check_distinct_files(
        [
            *((f"register.{role}", path) for role, path in inputs.register_files.files()),
            *((p.id, p.path) for p in inputs.partners),
            *((("headcounts", inputs.headcounts.path),) if inputs.headcounts else ()),
            *((kind, t.path) for kind, t in inputs.tables.items()),
        ],
        project_dir,
        str(path),
    )
    return config, raw
