"""User-facing words in French and English, and number formatting for each language.

The product speaks the analyst's language (French by default, `lang` in the config or `--lang`).
Every string shown in pages or CLI messages is looked up here, so adding a language is one table.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "synthetic_banner": "Données synthétiques générées par healthradar.demo : aucun chiffre "
        "de cette page ne décrit une région réelle.",
        "quality": "Rapport qualité",
        "indicators": "Indicateurs",
        "colon": "\u00a0:",
        "resolution": "Identification des entreprises des listes partenaires",
        "resolution_help": "Une ligne par ligne de liste : SIREN donné et confirmé par le nom "
        "(exact), retrouvé par le nom et le lieu (apparié), à revoir (review/"
        "matches_to_review.csv), sans correspondance, fusionnée avec un doublon, rejetée. "
        "Détail : exports/resolution.csv.",
        "list": "Liste",
        "changes_line": "Depuis la construction précédente : {new} lignes nouvelles, {gone} "
        "disparues, {linked} désormais identifiées, {unlinked} qui ne le sont plus, {relinked} "
        "rattachées à une autre entreprise (exports/resolution_changes.csv).",
        "decision_exact": "Exact",
        "decision_matched": "Apparié",
        "decision_review": "À revoir",
        "decision_unmatched": "Sans correspondance",
        "decision_merged": "Fusionné",
        "decision_rejected": "Rejeté",
        "cli_no_review": "Pas de fichier de revue {path} : lancez d'abord healthradar build",
        "cli_review_accepted": "{added} décisions ajoutées, {replaced} remplacées, {skipped} "
        "lignes sans décision ; écrit {target} (appliqué à la prochaine construction)",
        "downloads": "Téléchargements",
        "sources": "Sources",
        "caveats": "Précautions",
        "query": "Requête",
        "chapters": "Chapitres",
        "skipped": "Indicateurs non calculés",
        "min_max": "min – max",
        "masked_legend": "s : secret statistique. La valeur (et sa fourchette) est masquée : "
        "elle révélerait, seule ou par différence avec d'autres cellules publiées, l'effectif "
        "d'un établissement (règles : docs/confidentiality.md).",
        "confidentiality": "Secret statistique",
        "confidentiality_line": "{cells} cellules protégées ; masquées : {frequency} par la "
        "règle de fréquence, {dominance} par la règle de dominance, {secondary} en secret "
        "secondaire ; part des emplois dans les cellules masquées : {lost} (par tranche).",
        "measure": "Mesure",
        "cells": "Cellules",
        "mask_frequency": "Fréquence",
        "mask_dominance": "Dominance",
        "mask_secondary": "Secondaire",
        "information_lost": "Information perdue",
        "not_found": "Page introuvable",
        "reconciliation": "Réconciliation par fichier",
        "rows_read": "Lignes lues",
        "integrated": "Intégrées",
        "merged": "Fusionnées (doublons)",
        "rejected": "Rejetées",
        "to_resolve": "Dont à résoudre",
        "warnings": "Avertissements",
        "balanced": "Équilibré",
        "issues": "Anomalies ligne par ligne",
        "by_reason": "Anomalies par motif",
        "file": "Fichier",
        "line": "Ligne",
        "column": "Colonne",
        "raw_value": "Valeur lue",
        "reason": "Motif",
        "message": "Message",
        "severity": "Gravité",
        "count": "Nombre",
        "register": "Répertoire Sirene",
        "register_rows": "{rows} établissements lus, {in_region} dans le périmètre "
        "géographique, dont {active} actifs.",
        "generated": "Généré par healthradar {version} le {date}.",
        "open_quality": "Voir le rapport qualité",
        "inputs": "Fichiers d'entrée",
        "encoding": "Encodage",
        "delimiter": "Séparateur",
        "decimal": "Décimale",
        "ignored_columns": "Colonnes ignorées",
        "mapped_columns": "Colonnes reconnues",
        "cli_init_next": "Ensuite : déposez les fichiers SIRENE dans inputs/register/, remplissez "
        "les modèles, puis lancez healthradar build {project}",
        "cli_done": "Terminé : {path}",
        "cli_no_build": "Aucun baromètre construit dans {out} : lancez d'abord "
        "healthradar build {project}",
        "cli_serving": "{out} servi sur {url} (Ctrl+C pour arrêter)",
        "partner_companies": "Entreprises listées par les partenaires",
        "partners_core": "dans le cœur NAF",
        "partners_revealed": "révélées (hors cœur, actives dans le périmètre)",
        "partners_outside": "SIREN connu mais hors périmètre (fermée ou hors région)",
        "partners_to_resolve": "à résoudre (en revue ou sans correspondance dans le répertoire)",
        # build start (workspace.py): what an interrupted build left and was repaired
        "cli_stale_lock": "Une construction précédente (PID {pid}) a été interrompue : son "
        "verrou {path} a été repris",
        "cli_restored_out": "out/ a été restauré depuis out.previous (une construction a été "
        "interrompue pendant son remplacement)",
        "cli_removed_leftovers": "{n} dossier(s) de travail laissé(s) par des constructions "
        "interrompues supprimé(s) : {names}",
        # build-level warnings (quality/build_warnings.py)
        "warnings_title": "Avertissements sur cette construction",
        "cli_strict_failed": "{n} avertissement(s) et --strict : code de sortie 3 (out/ est "
        "écrit, voir le rapport qualité)",
        "warn_rejected_share": "{file} : {rejected} lignes sur {rows} rejetées ({share}), "
        "au-delà de la limite de {limit} ([quality] max_rejected_share). Voyez les motifs dans "
        "le rapport qualité et corrigez le fichier",
        "warn_year_mismatch": "{file} : ses lignes sont de {years}, pas du millésime {vintage} ; "
        "les {rows} lignes sont rejetées. Mettez vintage = {year} dans healthradar.toml ou "
        "fournissez les effectifs {vintage}",
        "warn_all_to_resolve": "{file} : les {rows} entreprises sont toutes « à résoudre » : "
        "aucune n'a été retrouvée dans le répertoire. Vérifiez que la colonne SIREN est reconnue "
        "(colonnes reconnues dans le rapport qualité) et les noms",
        "warn_register_outside_region": "Le répertoire n'a aucun établissement dans la région "
        "{region} ({rows} lignes lues) : tous les chiffres sont nuls. Donnez le stock national "
        "ou l'extrait de cette région, ou corrigez project.region",
        "warn_empty_perimeter": "Aucun établissement dans le périmètre (codes NAF du cœur "
        "{core}, entreprises des listes partenaires) : tous les chiffres sont nuls. Vérifiez "
        "perimeter.core_naf et le répertoire",
        "issues_shown": "{shown} sur {total} affichées ; toutes dans",
    },
    "en": {
        "synthetic_banner": "Synthetic data generated by healthradar.demo: no figure on this "
        "page describes a real region.",
        "quality": "Quality report",
        "indicators": "Indicators",
        "colon": ":",
        "resolution": "Identifying the companies of the partner lists",
        "resolution_help": "One line per list row: SIREN given and confirmed by the name "
        "(exact), found by name and place (matched), to review (review/matches_to_review.csv), "
        "no match, merged with a duplicate, rejected. Details: exports/resolution.csv.",
        "list": "List",
        "changes_line": "Since the previous build: {new} new rows, {gone} gone, {linked} now "
        "identified, {unlinked} no longer identified, {relinked} linked to another company "
        "(exports/resolution_changes.csv).",
        "decision_exact": "Exact",
        "decision_matched": "Matched",
        "decision_review": "To review",
        "decision_unmatched": "Unmatched",
        "decision_merged": "Merged",
        "decision_rejected": "Rejected",
        "cli_no_review": "No review file {path}: run healthradar build first",
        "cli_review_accepted": "{added} decisions added, {replaced} replaced, {skipped} rows "
        "without a decision; wrote {target} (applied by the next build)",
        "downloads": "Downloads",
        "sources": "Sources",
        "caveats": "Caveats",
        "query": "Query",
        "chapters": "Chapters",
        "skipped": "Indicators not computed",
        "min_max": "min – max",
        "masked_legend": "s: statistical confidentiality. The value (and its range) is masked: "
        "alone or by difference with other published cells, it would reveal one "
        "establishment's headcount (rules: docs/confidentiality.md).",
        "confidentiality": "Statistical confidentiality",
        "confidentiality_line": "{cells} cells protected; masked: {frequency} by the frequency "
        "rule, {dominance} by the dominance rule, {secondary} by secondary suppression; "
        "share of jobs in masked cells: {lost} (as a band).",
        "measure": "Measure",
        "cells": "Cells",
        "mask_frequency": "Frequency",
        "mask_dominance": "Dominance",
        "mask_secondary": "Secondary",
        "information_lost": "Information lost",
        "not_found": "Page not found",
        "reconciliation": "Reconciliation per file",
        "rows_read": "Rows read",
        "integrated": "Integrated",
        "merged": "Merged (duplicates)",
        "rejected": "Rejected",
        "to_resolve": "Of which to resolve",
        "warnings": "Warnings",
        "balanced": "Balanced",
        "issues": "Row-level issues",
        "by_reason": "Issues by reason",
        "file": "File",
        "line": "Line",
        "column": "Column",
        "raw_value": "Raw value",
        "reason": "Reason",
        "message": "Message",
        "severity": "Severity",
        "count": "Count",
        "register": "Sirene register",
        "register_rows": "{rows} establishments read, {in_region} in the geographic scope, "
        "{active} of them active.",
        "generated": "Generated by healthradar {version} on {date}.",
        "open_quality": "Open the quality report",
        "inputs": "Input files",
        "encoding": "Encoding",
        "delimiter": "Delimiter",
        "decimal": "Decimal mark",
        "ignored_columns": "Ignored columns",
        "mapped_columns": "Recognised columns",
        "cli_init_next": "Next: put the SIRENE files in inputs/register/, fill the templates, "
        "then run healthradar build {project}",
        "cli_done": "Done: {path}",
        "cli_no_build": "No barometer built in {out}: run healthradar build {project} first",
        "cli_serving": "Serving {out} on {url} (Ctrl+C to stop)",
        "partner_companies": "Companies listed by partners",
        "partners_core": "in the NAF core",
        "partners_revealed": "revealed (not core, active in scope)",
        "partners_outside": "known SIREN but out of scope (closed or outside the region)",
        "partners_to_resolve": "to resolve (in review or not found in the register)",
        # build start (workspace.py): what an interrupted build left and was repaired
        "cli_stale_lock": "A previous build (PID {pid}) was interrupted: its lock {path} was "
        "taken over",
        "cli_restored_out": "out/ was restored from out.previous (a build was interrupted while "
        "replacing it)",
        "cli_removed_leftovers": "Removed {n} work folder(s) left by interrupted builds: {names}",
        # build-level warnings (quality/build_warnings.py)
        "warnings_title": "Warnings about this build",
        "cli_strict_failed": "{n} warning(s) and --strict: exit code 3 (out/ is written, see the "
        "quality report)",
        "warn_rejected_share": "{file}: {rejected} of {rows} rows rejected ({share}), above the "
        "limit of {limit} ([quality] max_rejected_share). See the reasons in the quality report "
        "and fix the file",
        "warn_year_mismatch": "{file}: its rows are for {years}, not the vintage {vintage}; all "
        "{rows} rows are rejected. Set vintage = {year} in healthradar.toml or give the "
        "{vintage} headcounts",
        "warn_all_to_resolve": "{file}: all {rows} companies are 'to resolve': none was found in "
        "the register. Check that its SIREN column is recognised (recognised columns in the "
        "quality report) and the names",
        "warn_register_outside_region": "The register has no establishment in region {region} "
        "({rows} rows read): every figure is zero. Give the national stock or this region's "
        "extract, or fix project.region",
        "warn_empty_perimeter": "No establishment is in the perimeter (core NAF codes {core}, "
        "companies of the partner lists): every figure is zero. Check perimeter.core_naf and "
        "the register",
        "issues_shown": "{shown} of {total} shown; all of them in",
    },
}


def t(lang: str, key: str, **args: object) -> str:
    text = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return text.format(**args) if args else text


def fmt_number(value: object, lang: str, digits: int = 0) -> str:
    """'92 300' in French (narrow no-break space), '92,300' in English; '–' for missing.

    Halves round up (away from zero), on the decimal text of the value: 10480.5 -> 10 481. This
    is the one formatter of every output (tables, key figures, chart labels), so a figure reads
    the same everywhere; Python's own format() rounds half to even and d3 half up."""
    number = _decimal(value)
    if number is None:
        return "–"
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never '-0'
    text = f"{rounded:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_share(value: object, lang: str) -> str:
    """A share (0.123) as a percentage with one decimal: '12,3 %' / '12.3%'."""
    number = _decimal(value)
    if number is None:
        return "–"
    return fmt_number(number * 100, lang, 1) + ("\u202f%" if lang == "fr" else "%")


def fmt_band(band: str | None, lang: str) -> str:
    """A band of percentages kept without its unit ('< 1', '1–5') with the unit written as
    `fmt_share` writes it: '< 1 %' (narrow no-break space) / '< 1%'."""
    if band is None:
        return "–"
    return band + ("\u202f%" if lang == "fr" else "%")


def _decimal(value: object) -> Decimal | None:
    """The value as written in decimal (str() of a float is its shortest exact repr)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
