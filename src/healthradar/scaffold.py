"""`healthradar init`: a new barometer folder with a commented config and input templates.

Templates are generated from the contracts, so their headers are always ones the ingest stage
recognises; the example row shows the expected formats (SIREN as text, decimal comma accepted).
"""

from __future__ import annotations

from pathlib import Path

from healthradar.config import CONFIG_FILE, DEFAULT_CORE_NAF
from healthradar.contracts import HEADCOUNTS, PARTNERS
from healthradar.inputs_doc import template_csv

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
"""

REGISTER_README = """\
# inputs/register

Déposez ici les fichiers stock SIRENE de l'INSEE (format v3, « _utf8 ») :
`StockEtablissement_utf8.parquet` (ou `.csv`) et `StockUniteLegale_utf8.parquet` (ou `.csv`),
décompressés. Source : data.gouv.fr, « Base Sirene des entreprises et de leurs établissements ».

Put the INSEE SIRENE stock files here (v3 layout), parquet or unzipped CSV.
"""


def scaffold(
    project_dir: Path, region: str = "84", vintage: int = 2024, lang: str = "fr"
) -> list[Path]:
    project_dir.mkdir(parents=True, exist_ok=True)
    config = project_dir / CONFIG_FILE
    if config.exists():
        raise FileExistsError(f"{config} already exists: not overwritten")
    core = ", ".join(f'"{c}"' for c in DEFAULT_CORE_NAF)
    config.write_text(
        CONFIG_TEMPLATE.format(region=region, vintage=vintage, lang=lang, core=core),
        encoding="utf-8",
    )
    written = [config]
    register = project_dir / "inputs" / "register"
    register.mkdir(parents=True, exist_ok=True)
    (register / "README.md").write_text(REGISTER_README, encoding="utf-8")
    written.append(register / "README.md")
    for contract, rel in (
        (PARTNERS, Path("inputs/partners/partenaire1.csv")),
        (HEADCOUNTS, Path("inputs/headcounts.csv")),
    ):
        path = project_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template_csv(contract), encoding="utf-8")
        written.append(path)
    return written
