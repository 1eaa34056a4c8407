"""The headline of chapter 'emploi': its key figures in words, read from `emploi.totals`.

Kept apart from the chapter's indicator definitions (`emploi`) because it is text, not queries:
the sentence a reader sees first, in French and English, with 's' where statistical
confidentiality masks a figure.
"""

from __future__ import annotations

from collections.abc import Mapping

from healthradar.i18n import fmt_number
from healthradar.indicators.definition import KeyFigures
from healthradar.indicators.registry import IndicatorResult

MASKED = "s"  # what a page shows for a cell masked by statistical confidentiality


def key_figures(results: Mapping[str, IndicatorResult], lang: str) -> KeyFigures | None:
    if "emploi.totals" not in results:
        return None
    rows = {r["perimetre"]: r for r in results["emploi.totals"].data.to_pylist()}
    total, core, rev = (rows.get(k) or {} for k in ("total", "core", "revealed"))

    def n(row: Mapping[str, object], key: str) -> str:
        """A figure of the table; 's' where statistical confidentiality masks it."""
        if not row:
            return fmt_number(0, lang)
        value = row.get(key)
        return MASKED if value is None else fmt_number(value, lang)

    masked = any(r.get(k) is None for r in (total, core, rev) if r for k in ("jobs", "jobs_low"))
    if lang == "fr":
        headline = (
            f"{n(total, 'jobs')} emplois dans {n(total, 'establishments')} établissements, dont "
            f"{n(core, 'jobs')} dans le cœur ({n(core, 'establishments')} établissements) et "
            f"{n(rev, 'jobs')} révélés ({n(rev, 'establishments')} établissements)."
        )
        details = [
            f"Fourchette d'estimation : {n(total, 'jobs_low')} – {n(total, 'jobs_high')} emplois.",
            f"{n(total, 'jobs_measured')} établissements sur {n(total, 'establishments')} ont un "
            f"effectif mesuré, les autres sont estimés depuis la tranche d'effectifs du "
            f"répertoire, sauf {n(total, 'jobs_unknown')} qui n'ont aucune information "
            "d'effectif : comptés 0 dans la valeur centrale et la borne basse, et à la valeur "
            "par défaut sans tranche dans la borne haute.",
        ]
        if masked:
            details.append("s : secret statistique (valeur masquée).")
    else:
        headline = (
            f"{n(total, 'jobs')} jobs in {n(total, 'establishments')} establishments, of which "
            f"{n(core, 'jobs')} in the core ({n(core, 'establishments')} establishments) and "
            f"{n(rev, 'jobs')} revealed ({n(rev, 'establishments')} establishments)."
        )
        details = [
            f"Estimate range: {n(total, 'jobs_low')} – {n(total, 'jobs_high')} jobs.",
            f"{n(total, 'jobs_measured')} of {n(total, 'establishments')} establishments have a "
            "measured headcount and the others are estimated from the register's headcount band, "
            f"except {n(total, 'jobs_unknown')} without any headcount information: counted as 0 "
            "in the central value and the low bound, and at the band-free default in the high "
            "bound.",
        ]
        if masked:
            details.append("s: statistical confidentiality (masked value).")
    return KeyFigures(headline, tuple(details))
