"""A row's probability is believed no higher than what training rows of its agreement pattern
achieved (`model.PATTERN_PRECISION`): the model overrates a key within typos of the row's in
another commune of the département, the same key there, and a key within Jaro-Winkler .95 of
the row's when the row gives no place. A row that names only a city of arrondissements ('Lyon'),
or a city name several communes bear ('Villars'), is in the commune of an establishment in any
of them.

Worked out from the shipped model (`resolve.model`), prior odds 1e-3/0.999 = 1.001e-3; Bayes
factors m/u: the key but for typos 0.10/4e-6 = 25,000; key Jaro-Winkler ≥ .95 0.08/1e-5 =
8,000; the same key 0.20/5e-7 = 400,000; the same folded name 0.28/1e-7 = 2.8e6; same commune
0.78/2e-3 = 390; same département only 0.12/1.5e-2 = 8; nothing in common in the place
0.06/0.98 = 0.0612; no place: no factor. No row gives SIREN digits (level -1).
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
        assert name in range(0, 10) and place in range(-1, 4) and digits in (-1, 0, 1)
        assert 0.0 <= share < MATCH_THRESHOLD


def _odds_to_p(odds: float) -> float:
    return odds / (1 + odds)


P_TYPO_ELSEWHERE = _odds_to_p(25_000 * 8 * 1.001e-3)
P_TYPO_HERE = _odds_to_p(25_000 * 390 * 1.001e-3)


@pytest.mark.slow
def test_overrated_patterns_go_to_review_or_unmatched(tmp_path: Path) -> None:
    root = tmp_path / "patterns"
    write_register(root / "inputs" / "register", REGISTER)
    write_list(
        root / LIST,
        ["Raison sociale", "SIREN", "Ville", "Code postal"],
        [
            # 2: 'joforiss' is no register word, one edit from 'joforis': the key but for
            #    typos, another commune of the département (6, 1, -1): 25,000 × 8 × 1.001e-3
            #    = 200.2, p 0.99503, believed no more than its share (0.784) → review
            ("Pharmacie Joforiss", "", "Villeurbanne", "69100"),
            # 3: the same kind of typo in the company's commune (6, 3, -1), a pattern that is
            #    not overrated: 25,000 × 390 × 1.001e-3 = 9,759.75, p 0.999898 → matched
            ("Pharmacie Miradell", "", "Lyon", "69001"),
            # 4: the same key, another commune of the département (8, 1, -1): 400,000 × 8 ×
            #    1.001e-3 = 3,203, p 0.99969, believed no more than 0.920 → review
            ("Laboratoire Kelvanor", "", "Villeurbanne", "69100"),
            # 5: a key within Jaro-Winkler .95 ('pharmacie miradel sud': 17 letters of 21 in
            #    order, Jaro (17/21 + 1 + 1)/3 = 0.9365, 4 letters in common first: 0.9619),
            #    'sud' too short to be a typo, no place (5, -1, -1): 8,000 × 1.001e-3 = 8.008,
            #    p 0.8890, believed no more than 0 → unmatched
            ("Pharmacie Miradel Sud", "", "", ""),
            # 6: row 2's name with the whole city only: 'Lyon' (69123) is the commune of an
            #    establishment in Lyon 1er (69381) → (6, 3, -1), p 0.999898 → matched
            ("Pharmacie Joforiss", "", "Lyon", ""),
            # 7: the very name and a city name four communes bear (Villars: 24, 28, 42, 84),
            #    one of them the company's → (9, 3, -1): 2.8e6 × 390 × 1.001e-3, p 0.999999
            #    → matched (taken for no place, it would be (9, -1, -1), p 0.99964: matched
            #    too, since training rows of that pattern were all right, 97 / 97)
            ("Vortanis", "", "Villars", ""),
            # 8: no register company shares anything with it: no probability, no cap (LEAST
            #    skips NULLs: a cap filled alone would link it) → unmatched
            ("Qwyxz Zulberon", "", "Annecy", "74000"),
            # 9: the very name, no place (9, -1, -1): 2.8e6 × 1.001e-3 = 2,802.8, p 0.99964,
            #    not overrated → matched
            ("Brovatis", "", "", ""),
        ],
    )
    write_config(root, ["cluster"])
    rows = resolution_by_origin(build(root).out_dir)
    typo_elsewhere, typo_here, key_elsewhere, close_no_place, whole_city, one_of_many = (
        rows[(LIST, line)] for line in (2, 3, 4, 5, 6, 7)
    )
    assert REVIEW_THRESHOLD <= PATTERN_PRECISION[(6, 1, -1)] < MATCH_THRESHOLD
    assert (typo_elsewhere["decision"], typo_elsewhere["rule"]) == ("review", "pattern_often_wrong")
    assert float(typo_elsewhere["score"]) == pytest.approx(P_TYPO_ELSEWHERE, abs=1e-5)
    assert typo_elsewhere["siren"] == ""
    assert typo_elsewhere["candidates"].startswith(REGISTER[0].siren)

    assert (6, 3, -1) not in PATTERN_PRECISION
    assert (typo_here["decision"], typo_here["rule"]) == ("matched", "name_and_place")
    assert typo_here["siren"] == REGISTER[1].siren
    assert float(typo_here["score"]) == pytest.approx(P_TYPO_HERE, abs=1e-6)

    assert REVIEW_THRESHOLD <= PATTERN_PRECISION[(8, 1, -1)] < MATCH_THRESHOLD
    assert (key_elsewhere["decision"], key_elsewhere["rule"]) == ("review", "pattern_often_wrong")
    expected = _odds_to_p(400_000 * 8 * 1.001e-3)
    assert float(key_elsewhere["score"]) == pytest.approx(expected, abs=1e-6)
    assert key_elsewhere["candidates"].startswith(REGISTER[2].siren)

    assert PATTERN_PRECISION[(5, -1, -1)] < REVIEW_THRESHOLD
    assert (close_no_place["decision"], close_no_place["rule"]) == (
        "unmatched",
        "pattern_often_wrong",
    )
    assert float(close_no_place["score"]) == pytest.approx(_odds_to_p(8_000 * 1.001e-3), abs=1e-4)
    assert close_no_place["candidates"].startswith(REGISTER[1].siren)

    assert (whole_city["decision"], whole_city["rule"]) == ("matched", "name_and_place")
    assert whole_city["siren"] == REGISTER[0].siren
    assert float(whole_city["score"]) == pytest.approx(P_TYPO_HERE, abs=1e-6)

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

    assert (9, -1, -1) not in PATTERN_PRECISION
    no_place = rows[(LIST, 9)]
    assert (no_place["decision"], no_place["siren"]) == ("matched", REGISTER[3].siren)
    assert float(no_place["score"]) == pytest.approx(_odds_to_p(2.8e6 * 1.001e-3), abs=1e-6)
