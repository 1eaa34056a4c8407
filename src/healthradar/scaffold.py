"""`healthradar init`: a new barometer folder with a commented config and input templates.

Templates are generated from the contracts, so their headers are always ones the ingest stage
recognises; the example row shows the expected formats (SIREN as text, decimal comma accepted).
"""

from __future__ import annotations

from pathlib import Path

from healthradar.config import CONFIG_FILE, DEFAULT_CORE_NAF
from healthradar.config_checks import unknown_region
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.indicators import Registry, default_registry
from healthradar.inputs_doc import template_csv
from healthradar.reference import regions

CONFIG_TEMPLATE = """\
# healthradar — configuration du baromètre / barometer configuration
# Chemins relatifs à ce dossier. Paths are relative to this folder.

[project]
name = "Baromètre santé"
region = "{region}"        # code région COG (ex. "84", "11") ou "FR" pour la France entière
vintage = {vintage}        # millésime : année des effectifs et du rapport
lang = "{lang}"            # langue des pages et messages : "fr" ou "en"

[inputs.register]
# Fichiers stock SIRENE (INSEE, format v3), parquet ou CSV décompressé.
establishments = "inputs/register/StockEtablissement_utf8.parquet"
legal_units = "inputs/register/StockUniteLegale_utf8.parquet"
# Facultatif : liens de succession (une entreprise fermée est signalée avec son successeur).
# successions = "inputs/register/StockEtablissementLiensSuccession_utf8.parquet"

[inputs.headcounts]
# Effectif par établissement (SIRET) pour le millésime ; optionnel : supprimer la section.
path = "inputs/headcounts.csv"

[[inputs.partners]]
# Une section [[inputs.partners]] par liste partenaire (CSV ou XLSX).
id = "partenaire1"
label = "Partenaire 1"
path = "inputs/partners/partenaire1.csv"
# sheet = "Adhérents"      # XLSX : nom de la feuille (défaut : la première)
# header_row = 3           # ligne (CSV) ou rang (XLSX) des en-têtes s'il y a un titre au-dessus

[perimeter]
# Codes NAF rév. 2 du « cœur » traditionnel (défaut : les cinq codes du baromètre de référence).
core_naf = [{core}]
# Bornes des classes de taille d'entreprise : < 250, 250–1999, 2000+.
size_class_bounds = [250, 2000]

[filieres]
# Compléments à la table NAF → filière et aux synonymes de libellés partenaires, par exemple :
# naf = {{ "26.60Z" = "Medtech" }}
# labels = {{ "silver économie" = "Santé numérique" }}

[quality]
# Avertir quand plus de cette part des lignes d'un fichier est rejetée (0.2 = 20 %).
# max_rejected_share = 0.2

[engine]
# backend = "duckdb"       # "duckdb" (défaut, embarqué) ou "spark" (voir docs/scale.md)
# memory_limit = "4GB"     # DuckDB : mémoire au-delà de laquelle il écrit sur disque
{chapter_inputs}"""

CHAPTER_INPUT = """
# [inputs.{kind}]
# {title_fr} / {title_en} — chapitre « {chapter} » ; modèle : inputs/{kind}.csv
# path = "inputs/{kind}.csv"
"""

REGISTER_README = """\
# inputs/register

Déposez ici les fichiers stock SIRENE de l'INSEE (format v3, « _utf8 ») :
`StockEtablissement_utf8.parquet` (ou `.csv`) et `StockUniteLegale_utf8.parquet` (ou `.csv`),
décompressés ; facultatif, `StockEtablissementLiensSuccession_utf8` (successeurs des entreprises
fermées). Source : data.gouv.fr, « Base Sirene des entreprises et de leurs établissements ».

Put the INSEE SIRENE stock files here (v3 layout), parquet or unzipped CSV; optionally the
succession links file (the active successor of a closed company).
"""


def scaffold(
    project_dir: Path,
    region: str = "84",
    vintage: int = 2024,
    lang: str = "fr",
    registry: Registry | None = None,
) -> list[Path]:
    """The config names every input a chapter of `registry` can read (commented out) and
    `inputs/` holds one template per input, all generated from the contracts."""
    region = region.strip().upper()
    if region != "FR" and region not in regions():
        raise unknown_region(region, "--region")
    registry = registry or default_registry()
    chapter_of = {c.input_kind: ch for ch in registry.chapters() for c in ch.contracts}
    contracts = registry.contracts()
    project_dir.mkdir(parents=True, exist_ok=True)
    config = project_dir / CONFIG_FILE
    if config.exists():
        raise FileExistsError(f"{config} already exists: not overwritten")
    core = ", ".join(f'"{c}"' for c in DEFAULT_CORE_NAF)
    config.write_text(
        CONFIG_TEMPLATE.format(
            region=region,
            vintage=vintage,
            lang=lang,
            core=core,
            chapter_inputs="".join(
                CHAPTER_INPUT.format(
                    kind=kind,
                    title_fr=c.title_fr,
                    title_en=c.title_en,
                    chapter=chapter_of[kind].title["fr"],
                )
                for kind, c in contracts.items()
            ),
        ),
        encoding="utf-8",
    )
    written = [config]
    register = project_dir / "inputs" / "register"
    register.mkdir(parents=True, exist_ok=True)
    (register / "README.md").write_text(REGISTER_README, encoding="utf-8")
    written.append(register / "README.md")
    templates = [
        (PARTNERS, Path("inputs/partners/partenaire1.csv")),
        (HEADCOUNTS, Path("inputs/headcounts.csv")),
        *((c, Path(f"inputs/{kind}.csv")) for kind, c in contracts.items()),
    ]
    for contract, rel in templates:
        path = project_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template_csv(contract), encoding="utf-8")
        written.append(path)
    return written
