"""A row's probability is believed no higher than what training rows of its agreement pattern
achieved (`model.PATTERN_PRECISION`): the model overrates a name within a typo of the row's in
another commune of the département, and the very name in another département or with no place.
A row that names only a city of arrondissements ('Lyon'), or a city name several communes bear
('Villars'), is in the commune of an establishment in any of them.

Worked out from the shipped model (`resolve.model`), prior odds 1e-3/0.999 = 1.001e-3; Bayes
factors m/u: key Jaro-Winkler ≥ .95 0.14/1e-5 = 14,000; the same folded name 0.28/1e-7 =
2.8e6; same commune 0.78/2e-3 = 390; same département only 0.12/1.5e-2 = 8; nothing in common
in the place 0.06/0.98 = 0.0612; no place: no factor. No row gives SIREN digits (level -1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from healthradar.pipeline import build
from healthradar.resolve.model import MATCH_THRESHOLD, PATTERN_PRECISION, REVIEW_THRESHOLD
from tests.test_resolve_decisions import (
    company,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)

REGISTER = [
    company(41, "PHARMACIE JOFORIS", "69381", "69001", "Lyon"),
    company(42, "PHARMACIE MIRADEL", "69381", "69001", "Lyon"),
    company(43, "KELVANOR", "69381", "69001", "Lyon"),
    company(44, "BROVATIS", "38185", "38000", "Grenoble"),
    company(45, "VORTANIS", "42330", "42390", "Villars"),
]
LIST = "inputs/partners/cluster.csv"


def test_shipped_patterns_are_levels_and_shares() -> None:
    """Each pattern names levels the model has, and only overrated patterns are listed."""
    for (name, place, digits), share in PATTERN_PRECISION.items():
        assert name in range(0, 9) and place in range(-1, 4) and digits in (-1, 0, 1)
        assert 0.0 <= share < MATCH_THRESHOLD


def _odds_to_p(odds: float) -> float:
    return odds / (1 + odds)


P_TYPO_ELSEWHERE = _odds_to_p(14_000 * 8 * 1.001e-3)
P_TYPO_HERE = _odds_to_p(14_000 * 390 * 1.001e-3)


@pytest.mark.slow
def test_overrated_patterns_go_to_review_or_unmatched(tmp_path: Path) -> None:
    root = tmp_path / "patterns"
    write_register(root / "inputs" / "register", REGISTER)
    write_list(
        root / LIST,
        ["Raison sociale", "SIREN", "Ville", "Code postal"],
        [
            # 2: a typo in the key, another commune of the département (5, 1, -1):
            #    14,000 × 8 × 1.001e-3 = 112.1, p 0.9912, believed no more than its
            #    share (0.593) → review
            ("Pharmacie Joforiss", "", "Villeurbanne", "69100"),
            # 3: the same kind of typo in the company's commune (5, 3, -1), a pattern that is
            #    not overrated: 14,000 × 390 × 1.001e-3 = 5,465, p 0.99982 → matched
            ("Pharmacie Miradell", "", "Lyon", "69001"),
            # 4: the very name in another département (8, 0, -1): 2.8e6 × 0.0612 × 1.001e-3
            #    = 171.6, p 0.9942, believed no more than 0 → unmatched
            ("Kelvanor", "", "Grenoble", "38000"),
            # 5: the very name, no place (8, -1, -1): 2.8e6 × 1.001e-3 = 2,803, p 0.99964,
            #    believed no more than its share (0.857) → review
            ("Brovatis", "", "", ""),
            # 6: row 2's name with the whole city only: 'Lyon' (69123) is the commune of an
            #    establishment in Lyon 1er (69381) → (5, 3, -1), p 0.99982 → matched
            ("Pharmacie Joforiss", "", "Lyon", ""),
            # 7: the very name and a city name four communes bear (Villars: 24, 28, 42, 84),
            #    one of them the company's → (8, 3, -1): 2.8e6 × 390 × 1.001e-3, p 0.999999
            #    → matched (taken for no place, it was capped at 0.857: review)
            ("Vortanis", "", "Villars", ""),
            # 8: no register company shares anything with it: no probability, no cap (LEAST
            #    skips NULLs: a cap filled alone would link it) → unmatched
            ("Qwyxz Zulberon", "", "Annecy", "74000"),
        ],
    )
    write_config(root, ["cluster"])
    rows = resolution_by_origin(build(root).out_dir)
    typo_elsewhere, typo_here, homonym_elsewhere, no_place, whole_city, one_of_many = (
        rows[(LIST, line)] for line in (2, 3, 4, 5, 6, 7)
    )
    assert PATTERN_PRECISION[(5, 1, -1)] >= REVIEW_THRESHOLD
    assert (typo_elsewhere["decision"], typo_elsewhere["rule"]) == ("review", "pattern_often_wrong")
    assert float(typo_elsewhere["score"]) == pytest.approx(P_TYPO_ELSEWHERE, abs=1e-4)
    assert typo_elsewhere["siren"] == ""
    assert typo_elsewhere["candidates"].startswith(REGISTER[0].siren)

    assert (5, 3, -1) not in PATTERN_PRECISION
    assert (typo_here["decision"], typo_here["rule"]) == ("matched", "name_and_place")
    assert typo_here["siren"] == REGISTER[1].siren
    assert float(typo_here["score"]) == pytest.approx(P_TYPO_HERE, abs=1e-4)

    assert PATTERN_PRECISION[(8, 0, -1)] < REVIEW_THRESHOLD
    assert (homonym_elsewhere["decision"], homonym_elsewhere["rule"]) == (
        "unmatched",
        "pattern_often_wrong",
    )
    expected = _odds_to_p(2.8e6 * 0.06 / 0.98 * 1.001e-3)
    assert float(homonym_elsewhere["score"]) == pytest.approx(expected, abs=1e-4)
    assert homonym_elsewhere["candidates"].startswith(REGISTER[2].siren)

    assert REVIEW_THRESHOLD <= PATTERN_PRECISION[(8, -1, -1)] < MATCH_THRESHOLD
    assert (no_place["decision"], no_place["rule"]) == ("review", "pattern_often_wrong")
    assert float(no_place["score"]) == pytest.approx(_odds_to_p(2.8e6 * 1.001e-3), abs=1e-4)

    assert (whole_city["decision"], whole_city["rule"]) == ("matched", "name_and_place")
    assert whole_city["siren"] == REGISTER[0].siren
    assert float(whole_city["score"]) == pytest.approx(P_TYPO_HERE, abs=1e-4)

    assert (one_of_many["decision"], one_of_many["rule"]) == ("matched", "name_and_place")
    assert one_of_many["siren"] == REGISTER[4].siren
    expected = _odds_to_p(2.8e6 * 390 * 1.001e-3)
    assert float(one_of_many["score"]) == pytest.approx(expected, abs=1e-6)

    nothing = rows[(LIST, 8)]
    assert (nothing["decision"], nothing["rule"], nothing["siren"]) == (
        "unmatched",
        "no_candidate",
        "",
    )
