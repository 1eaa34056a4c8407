"""Several candidates that only share the row's words are not sent to review: the share of the
evidence the best one holds (`decisions.share_of_evidence`) falls under the review threshold.
Several companies with the row's very name are homonyms: they go to review however many.

Worked out from the shipped model (`resolve.model`): each pair below shares one distinctive
word ('zeta', 'kappa', 'omega'; name level 'one shared distinctive word', m/u = 0.04/0.02 = 2)
in the same commune (m/u = 0.78/2e-3 = 390), prior odds 1e-3/0.999: odds 2 × 390 × 1.001e-3 =
0.7808, probability 0.438 each, above the review threshold (0.30), and no other level fires
('zeta' against 'zeta arnolis': Jaro-Winkler of the keys 0.87 < 0.95).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from healthradar.pipeline import build
from tests.test_resolve_decisions import (
    company,
    resolution_by_origin,
    write_config,
    write_list,
    write_register,
)

pytestmark = pytest.mark.slow

REGISTER = [
    company(21, "ZETA ARNOLIS", "69381", "69001", "Lyon"),
    company(22, "ZETA BRUVEX", "69381", "69001", "Lyon"),
    company(23, "ZETA CORMINE", "69381", "69001", "Lyon"),
    company(24, "KAPPA DUVELOR", "74010", "74000", "Annecy"),
    company(25, "KAPPA ESTRAMO", "74010", "74000", "Annecy"),
    company(26, "OMEGA FILORAN", "38185", "38000", "Grenoble"),
    *(company(30 + i, "LUMIVEX", "01053", "01000", "Bourg-en-Bresse") for i in range(4)),
]
LIST = "inputs/partners/cluster.csv"


def test_alike_candidates_go_unmatched_a_few_to_review(tmp_path: Path) -> None:
    root = tmp_path / "alike"
    write_register(root / "inputs" / "register", REGISTER)
    write_list(
        root / LIST,
        ["Raison sociale", "SIREN", "Ville", "Code postal"],
        [
            # 2: three alike: 0.7808 / (1 + 3 × 0.7808) = 0.234 < 0.30 → unmatched
            ("Zeta", "", "Lyon", "69001"),
            # 3: two alike: 0.7808 / (1 + 2 × 0.7808) = 0.305 ≥ 0.30 → review, a tie
            ("Kappa", "", "Annecy", "74000"),
            # 4: one candidate: 0.7808 / 1.7808 = 0.438, its own probability → review
            ("Omega", "", "Grenoble", "38000"),
            # 5: four companies of that very name in the same commune (same folded name,
            #    2.8e6 × 390 × 1.001e-3 ≈ 1.1e6 odds each): a share of ~0.25 each, but the
            #    row is one of them all but surely → review, homonyms
            ("Lumivex", "", "Bourg-en-Bresse", "01000"),
        ],
    )
    write_config(root, ["cluster"])
    rows = resolution_by_origin(build(root).out_dir)
    zeta, kappa, omega, lumivex = (rows[(LIST, line)] for line in (2, 3, 4, 5))
    assert (zeta["decision"], zeta["rule"]) == ("unmatched", "candidates_alike")
    assert zeta["candidates"].count("|") == 2  # all three still listed for the reader
    assert float(zeta["score"]) == pytest.approx(0.7808 / 1.7808, abs=1e-3)
    assert (kappa["decision"], kappa["rule"]) == ("review", "ambiguous_homonyms")
    assert (omega["decision"], omega["rule"]) == ("review", "uncertain_score")
    assert float(omega["score"]) == pytest.approx(0.7808 / 1.7808, abs=1e-3)
    assert (lumivex["decision"], lumivex["rule"]) == ("review", "ambiguous_homonyms")
