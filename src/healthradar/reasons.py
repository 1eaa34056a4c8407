"""The reason catalogue: every issue and fatal-error code with its severity and its message in
French and English. Stages record codes; the quality report and `errors.render` turn them into
text. Kept apart from `errors` because it is data (one entry per code), not behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["fatal", "rejected", "warning", "info"]


@dataclass(frozen=True)
class Reason:
    code: str
    severity: Severity
    en: str
    fr: str


# `{value}` is the raw cell value, `{detail}` a stage-provided detail (e.g. the row merged into).
_REASONS = (
    # fatal: stop before any work
    Reason(
        "config_missing",
        "fatal",
        "No configuration file: {path}",
        "Fichier de configuration absent : {path}",
    ),
    Reason(
        "config_invalid",
        "fatal",
        "Invalid configuration: {detail}",
        "Configuration invalide : {detail}",
    ),
    Reason(
        "input_missing",
        "fatal",
        "Input file not found: {path}",
        "Fichier d'entrée introuvable : {path}",
    ),
    Reason(
        "input_unreadable",
        "fatal",
        "Cannot read {path}: {detail}",
        "Impossible de lire {path} : {detail}",
    ),
    Reason(
        "column_missing",
        "fatal",
        "Required column '{column}' not found in {path} (columns found: {found}). If the "
        "header is below the first lines, set header_row (and sheet for a workbook) for this "
        "input in healthradar.toml; if a column holds it under another name, declare that name "
        "in [aliases.<input>] (docs/inputs.md)",
        "Colonne obligatoire « {column} » absente de {path} (colonnes trouvées : {found}). Si "
        "l'en-tête n'est pas sur les premières lignes, indiquez header_row (et sheet pour un "
        "classeur) pour cette entrée dans healthradar.toml ; si une colonne la contient sous un "
        "autre nom, déclarez ce nom dans [aliases.<entrée>] (docs/inputs.md)",
    ),
    Reason(
        "config_syntax",
        "fatal",
        "{path} is not valid TOML: {detail}. Fix that line (a key = value per line, text in "
        "quotes)",
        "{path} n'est pas un TOML valide : {detail}. Corrigez cette ligne (une clé = valeur par "
        "ligne, le texte entre guillemets)",
    ),
    Reason(
        "config_key_typo",
        "fatal",
        "Unknown key '{column}' in {path}: did you mean '{suggestion}'? Rename it",
        "Clé inconnue « {column} » dans {path} : vouliez-vous dire « {suggestion} » ? Renommez-la",
    ),
    Reason(
        "config_key_unknown",
        "fatal",
        "Unknown key '{column}' in {path} (valid keys: {valid}): remove or rename it",
        "Clé inconnue « {column} » dans {path} (clés valides : {valid}) : supprimez-la ou "
        "renommez-la",
    ),
    Reason(
        "config_key_missing",
        "fatal",
        "Required key '{column}' missing from {path}: add it{hint}",
        "Clé obligatoire « {column} » absente de {path} : ajoutez-la{hint}",
    ),
    Reason(
        "config_value_invalid",
        "fatal",
        "Invalid value for '{column}' in {path}: {detail}",
        "Valeur invalide pour « {column} » dans {path} : {detail}",
    ),
    Reason(
        "config_same_file",
        "fatal",
        "{path}: one file declared as two inputs ({inputs}); its rows would be counted twice. "
        "Remove one of the two sections from healthradar.toml",
        "{path} : un même fichier déclaré pour deux entrées ({inputs}) ; ses lignes seraient "
        "comptées deux fois. Supprimez l'une des deux sections de healthradar.toml",
    ),
    Reason(
        "region_unknown",
        "fatal",
        "Unknown region '{value}' ({column}): give a COG region code, or FR for the whole of "
        "France: {valid}",
        "Région inconnue « {value} » ({column}) : donnez un code région COG, ou FR pour la France "
        "entière : {valid}",
    ),
    Reason(
        "input_empty",
        "fatal",
        "{path} is empty (0 bytes, or blank lines only): export the file again, or remove its "
        "section from healthradar.toml",
        "{path} est vide (0 octet, ou des lignes blanches seulement) : exportez à nouveau le "
        "fichier, ou supprimez sa section de healthradar.toml",
    ),
    Reason(
        "input_wrong_type",
        "fatal",
        "{path} is {kind_en}, not {expected_en}: {fix_en}",
        "{path} est {kind_fr}, pas {expected_fr} : {fix_fr}",
    ),
    Reason(
        "template_rows",
        "fatal",
        "{path}, line(s) {lines}: the example row of the template written by healthradar init "
        "('{value}') is still there. Delete it, then build again",
        "{path}, ligne(s) {lines} : la ligne d'exemple du modèle écrit par healthradar init "
        "(« {value} ») est toujours là. Supprimez-la, puis relancez la construction",
    ),
    Reason(
        "build_locked",
        "fatal",
        "Another build of this project is running (PID {pid}, started {started}; lock file "
        "{path}). Wait for it to finish, or use --wait SECONDS",
        "Une autre construction de ce projet est en cours (PID {pid}, lancée le {started} ; "
        "verrou {path}). Attendez qu'elle se termine, ou utilisez --wait SECONDES",
    ),
    Reason(
        "port_busy",
        "fatal",
        "Port {port} of {host} is already in use (another healthradar serve?): choose another "
        "one with --port {other}",
        "Le port {port} de {host} est déjà utilisé (un autre healthradar serve ?) : choisissez-en "
        "un autre avec --port {other}",
    ),
    Reason(
        "port_unavailable",
        "fatal",
        "Cannot listen on {host}:{port} ({detail}): choose another address or --port",
        "Impossible d'écouter sur {host}:{port} ({detail}) : choisissez une autre adresse ou "
        "un autre --port",
    ),
    # rejected: the row is not integrated
    Reason("row_empty", "rejected", "Empty row", "Ligne vide"),
    Reason(
        "record_swallowed",
        "rejected",
        "A quote left open on line {detail} swallowed this record: rejected ('{value}')",
        "Un guillemet laissé ouvert ligne {detail} a absorbé cet enregistrement : rejeté "
        "(« {value} »)",
    ),
    Reason(
        "name_missing",
        "rejected",
        "No company name and no usable SIREN",
        "Ni nom d'entreprise ni SIREN exploitable",
    ),
    Reason(
        "siret_invalid",
        "rejected",
        "'{value}' is not a valid SIRET (14 digits, Luhn checksum)",
        "« {value} » n'est pas un SIRET valide (14 chiffres, clé de Luhn)",
    ),
    Reason(
        "number_invalid",
        "rejected",
        "'{value}' is not a number",
        "« {value} » n'est pas un nombre",
    ),
    Reason(
        "number_negative",
        "rejected",
        "'{value}' is negative",
        "« {value} » est négatif",
    ),
    Reason(
        "year_mismatch",
        "rejected",
        "Year {value} is not the build's vintage {detail}",
        "L'année {value} n'est pas le millésime du baromètre {detail}",
    ),
    # warning: the row is integrated, one value was ignored or corrected
    Reason(
        "siren_checksum",
        "warning",
        "SIREN '{value}' fails the Luhn checksum: ignored, company to resolve",
        "SIREN « {value} » : clé de Luhn invalide ; ignoré, entreprise à résoudre",
    ),
    Reason(
        "siren_malformed",
        "warning",
        "'{value}' is neither a SIREN (9 digits) nor a SIRET (14 digits): ignored, to resolve",
        "« {value} » n'est ni un SIREN (9 chiffres) ni un SIRET (14 chiffres) ; ignoré, à résoudre",
    ),
    Reason(
        "siret_as_siren",
        "warning",
        "A SIRET was given: SIREN {detail} derived from '{value}'",
        "Un SIRET a été fourni : SIREN {detail} déduit de « {value} »",
    ),
    Reason(
        "siren_not_in_register",
        "warning",
        "SIREN '{value}' is valid but absent from the register: to resolve",
        "SIREN « {value} » valide mais absent du répertoire : à résoudre",
    ),
    Reason(
        "value_missing",
        "rejected",
        "Required value missing",
        "Valeur obligatoire absente",
    ),
    Reason(
        "value_invalid",
        "rejected",
        "'{value}' does not follow its column's rule ({detail})",
        "« {value} » ne suit pas la règle de sa colonne ({detail})",
    ),
    Reason(
        "value_ignored",
        "warning",
        "'{value}' does not follow its column's rule ({detail}): value ignored, row kept",
        "« {value} » ne suit pas la règle de sa colonne ({detail}) : valeur ignorée, ligne gardée",
    ),
    Reason(
        "review_decision_stale",
        "warning",
        "Review decision '{value}' no longer applies ({detail}): ignored",
        "Décision de revue « {value} » devenue sans objet ({detail}) : ignorée",
    ),
    Reason(
        "siren_name_mismatch",
        "warning",
        "SIREN {value} belongs to a company whose name does not match: {detail}",
        "Le SIREN {value} appartient à une entreprise dont le nom ne correspond pas : {detail}",
    ),
    Reason(
        "number_ignored",
        "warning",
        "'{value}' is not a number: value ignored, row kept",
        "« {value} » n'est pas un nombre : valeur ignorée, ligne gardée",
    ),
    Reason(
        "filiere_unknown",
        "warning",
        "Filière label '{value}' is not in the filière map: counted as '{detail}'",
        "Libellé de filière « {value} » absent de la table des filières : compté « {detail} »",
    ),
    Reason(
        "quote_unclosed",
        "warning",
        "This record (lines {detail}) opens a quote that swallowed whole records: its values "
        "are unreliable, the records swallowed are rejected on their own lines",
        "Cet enregistrement (lignes {detail}) ouvre un guillemet qui a absorbé des "
        "enregistrements entiers : ses valeurs sont douteuses, les enregistrements absorbés sont "
        "rejetés chacun sur sa ligne",
    ),
    Reason(
        "quoting_ignored",
        "warning",
        "An unclosed quote here would have swallowed lines {detail}: the file was read with "
        "quotes taken as plain text, which gives every line its columns",
        "Un guillemet non fermé ici aurait absorbé les lignes {detail} : le fichier a été lu en "
        "traitant les guillemets comme du texte, ce qui rend à chaque ligne ses colonnes",
    ),
    Reason(
        "column_duplicate",
        "warning",
        "Column '{value}' appears twice: the first one is used, this one only fills its empty "
        "cells ({detail})",
        "La colonne « {value} » apparaît deux fois : la première est utilisée, celle-ci ne "
        "complète que ses cellules vides ({detail})",
    ),
    Reason(
        "column_unmapped",
        "warning",
        "Column '{value}' is ignored but looks like a column the build needs: if it is, add "
        "to healthradar.toml: {detail}",
        "La colonne « {value} » est ignorée mais ressemble à une colonne utile : si c'est le "
        "cas, ajoutez à healthradar.toml : {detail}",
    ),
    Reason(
        "encoding_uncertain",
        "warning",
        "Encoding guessed with low confidence: read as {detail}; check the accented letters, "
        "or save the file as UTF-8",
        "Encodage deviné avec peu de certitude : lu comme {detail} ; vérifiez les lettres "
        "accentuées, ou enregistrez le fichier en UTF-8",
    ),
    Reason(
        "control_chars_removed",
        "warning",
        "Control characters removed from '{value}'",
        "Caractères de contrôle retirés de « {value} »",
    ),
    Reason(
        "siret_invalid_siren_kept",
        "warning",
        "'{value}' is not a valid SIRET (check digit), but its SIREN {detail} is valid: SIREN kept",
        "« {value} » n'est pas un SIRET valide (clé), mais son SIREN {detail} est valide : "
        "SIREN retenu",
    ),
    Reason(
        "row_ragged",
        "warning",
        "More cells than headers: extra cells ignored ('{value}')",
        "Plus de cellules que d'en-têtes : cellules en trop ignorées (« {value} »)",
    ),
    # info: how the row was handled
    Reason(
        "siren_missing",
        "info",
        "No SIREN: company kept, to resolve",
        "Pas de SIREN : entreprise gardée, à résoudre",
    ),
    Reason(
        "siret_outside_perimeter",
        "info",
        "SIRET '{value}' is not a health establishment of the register slice: headcount unused",
        "SIRET « {value} » hors des établissements santé du répertoire : effectif non utilisé",
    ),
    Reason(
        "header_detected",
        "info",
        "Header found on line {detail}: the lines above were skipped (set header_row to choose "
        "another)",
        "En-tête trouvé ligne {detail} : les lignes au-dessus sont ignorées (header_row pour en "
        "choisir une autre)",
    ),
    Reason(
        "sheet_detected",
        "info",
        "The first sheet holds no table: data read from sheet '{detail}' (set sheet to choose "
        "another)",
        "La première feuille ne contient pas de tableau : données lues dans la feuille "
        "« {detail} » (sheet pour en choisir une autre)",
    ),
    Reason(
        "column_shared",
        "info",
        "Column '{value}' maps to the same column as an earlier one: it only fills its empty "
        "cells ({detail})",
        "La colonne « {value} » correspond à la même colonne qu'une précédente : elle ne "
        "complète que ses cellules vides ({detail})",
    ),
    Reason(
        "identifier_padded",
        "info",
        "'{value}' lost its leading zeros in a spreadsheet: read as {detail} (checksum valid)",
        "« {value} » a perdu ses zéros initiaux dans un tableur : lu {detail} (clé valide)",
    ),
    Reason(
        "postcode_padded",
        "info",
        "Postcode '{value}' lost its leading zero: read as {detail} (known to the COG)",
        "Code postal « {value} » privé de son zéro initial : lu {detail} (connu du COG)",
    ),
    Reason(
        "duplicate_merged",
        "info",
        "Same SIREN as {detail}: merged",
        "Même SIREN que {detail} : fusionnée",
    ),
)

REASONS: dict[str, Reason] = {r.code: r for r in _REASONS}
