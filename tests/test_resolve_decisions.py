"""Each decision of the resolve stage, end to end through `build`, on a hand-made register.

The register holds twelve one-establishment companies; two partner lists name them the way
partners do (a wrong-but-valid SIREN, a SIRET, no SIREN, accents and legal forms, homonyms).
Expected decisions are worked out from the shipped model (`resolve.model`) in the comments:
prior odds 1e-3/0.999; Bayes factors m/u: same folded name 0.28/1e-7 = 2.8e6, same name key
0.20/5e-7 = 4e5, no name in common 0.03/0.97 = 0.031; same commune 0.78/2e-3 = 390, nothing in
common in the place 0.06/0.98 = 0.061.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from healthradar.pipeline import BuildResult, build
from tests.tiny import make_siren, make_siret

pytestmark = pytest.mark.slow

REGISTER_EST_COLUMNS = (
    "siren", "siret", "nic", "codeCommuneEtablissement", "codePostalEtablissement",
    "libelleCommuneEtablissement", "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement", "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement", "statutDiffusionEtablissement", "etablissementSiege",
)  # fmt: skip
REGISTER_LU_COLUMNS = (
    "siren", "etatAdministratifUniteLegale", "categorieEntreprise", "trancheEffectifsUniteLegale",
    "denominationUniteLegale", "statutDiffusionUniteLegale",
)  # fmt: skip
CLUSTER = "inputs/partners/cluster.csv"
POLE = "inputs/partners/pole.csv"


@dataclass(frozen=True)
class Company:
    siren: str
    name: str
    commune: str  # INSEE code of its only establishment
    postcode: str
    city: str
    state: str = "A"

    @property
    def siret(self) -> str:
        return make_siret(self.siren, "0001")


def company(i: int, name: str, commune: str, postcode: str, city: str, state: str = "A") -> Company:
    return Company(make_siren(f"{700 + i}12345"), name, commune, postcode, city, state)


def write_register(folder: Path, companies: Iterable[Company]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    companies = list(companies)
    with (folder / "StockEtablissement_utf8.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=REGISTER_EST_COLUMNS)
        writer.writeheader()
        for c in companies:
            writer.writerow(
                {
                    "siren": c.siren,
                    "siret": c.siret,
                    "nic": c.siret[9:],
                    "codeCommuneEtablissement": c.commune,
                    "codePostalEtablissement": c.postcode,
                    "libelleCommuneEtablissement": c.city.upper(),
                    "activitePrincipaleEtablissement": "21.20Z",
                    "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
                    "etatAdministratifEtablissement": "A" if c.state == "A" else "F",
                    "trancheEffectifsEtablissement": "11",
                    "statutDiffusionEtablissement": "O",
                    "etablissementSiege": "true",
                }
            )
    with (folder / "StockUniteLegale_utf8.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=REGISTER_LU_COLUMNS)
        writer.writeheader()
        for c in companies:
            writer.writerow(
                {
                    "siren": c.siren,
                    "etatAdministratifUniteLegale": c.state,
                    "categorieEntreprise": "PME",
                    "trancheEffectifsUniteLegale": "11",
                    "denominationUniteLegale": c.name,
                    "statutDiffusionUniteLegale": "O",
                }
            )


def write_list(path: Path, header: list[str], rows: Iterable[Iterable[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as h:
        writer = csv.writer(h, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def write_config(root: Path, lists: Iterable[str]) -> None:
    text = (
        '[project]\nname = "Resolve"\nregion = "84"\nvintage = 2024\nlang = "en"\n\n'
        "[inputs.register]\n"
        'establishments = "inputs/register/StockEtablissement_utf8.csv"\n'
        'legal_units = "inputs/register/StockUniteLegale_utf8.csv"\n'
    )
    for list_id in lists:
        text += (
            f'\n[[inputs.partners]]\nid = "{list_id}"\nlabel = "{list_id.title()}"\n'
            f'path = "inputs/partners/{list_id}.csv"\n'
        )
    root.mkdir(parents=True, exist_ok=True)
    (root / "healthradar.toml").write_text(text, encoding="utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as h:
        return list(csv.DictReader(h))


def resolution_by_origin(out: Path) -> dict[tuple[str, int], dict[str, str]]:
    rows = read_csv(out / "exports" / "resolution.csv")
    keyed = {(r["file"], int(r["line"])): r for r in rows}
    assert len(keyed) == len(rows), "a partner row appears twice in resolution.csv"
    return keyed


# -- the register --------------------------------------------------------------------------------
NOVALYS = company(1, "NOVALYS BIOPHARMA", "69381", "69001", "Lyon")
KERATEC = company(2, "KERATEC", "38185", "38000", "Grenoble")
ORTHOMEDIX = company(3, "ORTHOMEDIX", "69266", "69100", "Villeurbanne")
VELUMEA = company(4, "VELUMEA", "69381", "69001", "Lyon")
HELIOGENE = company(5, "LABORATOIRES HELIOGENE", "38185", "38000", "Grenoble")
CYTOPHAR_1 = company(6, "CYTOPHAR", "69382", "69002", "Lyon")
CYTOPHAR_2 = company(7, "CYTOPHAR", "69382", "69002", "Lyon")
MEDIVEX_38 = company(8, "MEDIVEX", "38185", "38000", "Grenoble")
MEDIVEX_42 = company(9, "MEDIVEX", "42218", "42000", "Saint-Etienne")
ARTEMEDIS = company(10, "ARTEMEDIS", "69381", "69001", "Lyon")
TRIVALENCE = company(11, "TRIVALENCE", "74010", "74000", "Annecy")
REGISTER = [
    NOVALYS, KERATEC, ORTHOMEDIX, VELUMEA, HELIOGENE, CYTOPHAR_1, CYTOPHAR_2, MEDIVEX_38,
    MEDIVEX_42, ARTEMEDIS, TRIVALENCE,
]  # fmt: skip

# -- list 1, with a SIREN column: name; SIREN; city; postcode --------------------------------------
CLUSTER_ROWS = [
    # 2: SIREN given, register name the same → exact
    ("Novalys Biopharma", NOVALYS.siren, "Lyon", "69001"),
    # 3: Keratec's SIREN (valid) on Orthomedix of Villeurbanne. Pair with Keratec: no name,
    #    no place in common → names disagree. Orthomedix: 1e-3 × 2.8e6 × 390 ≈ 1.1e6 odds
    #    (p > 0.99), Keratec 1e-3 × 0.031 × 0.061: gap ≫ 2 → matched to Orthomedix
    ("Orthomedix", KERATEC.siren, "Villeurbanne", "69100"),
    # 4: Velumea's SIREN on a name found nowhere: 1e-3 × 0.031 × 390 ≈ 0.012 odds (p ≈ 0.012,
    #    below the review threshold 0.30), no other candidate → review, SIREN not believed
    ("Zorbatique", VELUMEA.siren, "Lyon", "69001"),
    # 5: legal form added, accents on: same name key 'heliogene', same commune → matched
    ("Héliogène S.A.S.", "", "Grenoble", "38000"),
    # 6: two CYTOPHAR in Lyon 2e: equal weights (gap 0 < 2) → review, ambiguous
    ("Cytophar", "", "Lyon", "69002"),
    # 7: MEDIVEX in Grenoble and in Saint-Étienne: the city gives 390 vs 0.061 → matched (42)
    ("Medivex", "", "Saint-Étienne", "42000"),
    # 8: no word of the name in the register → no candidate → unmatched
    ("Quintessor Robotique", "", "Lyon", "69001"),
    # 9: a SIRET in the SIREN column: its SIREN, name the same → exact
    ("Artemedis", ARTEMEDIS.siret, "Lyon", "69001"),
    # 10: empty row → rejected
    ("", "", "", ""),
    # 11: no name, no SIREN → rejected
    ("", "", "Lyon", ""),
    # 12: Novalys again (legal form added): exact, then merged into line 2
    ("NOVALYS BIOPHARMA SAS", NOVALYS.siren, "", ""),
]
# -- list 2, no SIREN column at all: name; city ---------------------------------------------------
POLE_ROWS = [
    # 2: Orthomedix again, by name and city only → siren:ORTHOMEDIX, merged into cluster:3
    ("Orthomédix", "Villeurbanne"),
    # 3: by name and city only → matched
    ("Trivalence", "Annecy"),
]


def write_project(root: Path) -> Path:
    write_config(root, ["cluster", "pole"])
    write_register(root / "inputs" / "register", REGISTER)
    write_list(root / CLUSTER, ["Raison sociale", "N° SIREN", "Ville", "Code postal"], CLUSTER_ROWS)
    write_list(root / POLE, ["Nom", "Ville"], POLE_ROWS)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(write_project(tmp_path_factory.mktemp("resolve") / "project"))


@pytest.fixture(scope="module")
def resolution(built: BuildResult) -> dict[tuple[str, int], dict[str, str]]:
    return resolution_by_origin(built.out_dir)


def outcome(row: dict[str, str]) -> tuple[str, str, str]:
    return row["decision"], row["siren"], row["rule"]


def test_valid_siren_whose_name_agrees_is_exact(resolution: dict) -> None:
    row = resolution[(CLUSTER, 2)]
    assert outcome(row) == ("exact", NOVALYS.siren, "siren_given_name_agrees")
    assert row["entity_id"] == f"siren:{NOVALYS.siren}"
    # settled by its names before scoring (`given_siren`): no score, the name that agreed
    assert (row["score"], row["register_name"]) == ("", "NOVALYS BIOPHARMA")


def test_valid_siren_of_another_company_is_caught(resolution: dict) -> None:
    row = resolution[(CLUSTER, 3)]
    assert outcome(row) == ("matched", ORTHOMEDIX.siren, "siren_of_another_company")
    assert row["siren_given"] == KERATEC.siren
    assert row["entity_id"] == f"siren:{ORTHOMEDIX.siren}"


def test_wrong_siren_is_reported_in_the_quality_report(built: BuildResult) -> None:
    issues = [
        q
        for q in read_csv(built.out_dir / "quality.csv")
        if q["reason"] == "siren_name_mismatch" and q["file"] == CLUSTER and q["line"] == "3"
    ]
    assert len(issues) == 1
    assert issues[0]["raw_value"] == KERATEC.siren
    assert "KERATEC" in issues[0]["message"]


def test_valid_siren_whose_names_disagree_goes_to_review(resolution: dict) -> None:
    row = resolution[(CLUSTER, 4)]
    assert outcome(row) == ("review", "", "siren_given_name_disagrees")
    assert row["entity_id"] == "row:cluster:4"


def test_legal_form_and_accents_do_not_stop_a_match(resolution: dict) -> None:
    assert outcome(resolution[(CLUSTER, 5)]) == ("matched", HELIOGENE.siren, "name_and_place")


def test_homonyms_in_one_commune_go_to_review_with_both(
    built: BuildResult, resolution: dict
) -> None:
    assert outcome(resolution[(CLUSTER, 6)]) == ("review", "", "ambiguous_homonyms")
    queue = read_csv(built.out_dir / "review" / "matches_to_review.csv")
    listed = [r for r in queue if r["file"] == CLUSTER and r["line"] == "6"]
    assert len(listed) == 1
    row = listed[0]
    assert {row["candidate1_siren"], row["candidate2_siren"]} == {
        CYTOPHAR_1.siren,
        CYTOPHAR_2.siren,
    }
    assert row["candidate1_name"] == row["candidate2_name"] == "CYTOPHAR"
    # equal weights, both active: the smaller SIREN first, and it is the proposed one
    assert row["siren"] == row["candidate1_siren"] == CYTOPHAR_1.siren
    assert row["decision"] == ""


def test_review_file_lists_only_rows_in_review(built: BuildResult) -> None:
    queue = read_csv(built.out_dir / "review" / "matches_to_review.csv")
    assert sorted((r["file"], r["line"]) for r in queue) == [(CLUSTER, "4"), (CLUSTER, "6")]


def test_homonyms_elsewhere_the_city_decides(resolution: dict) -> None:
    assert outcome(resolution[(CLUSTER, 7)]) == ("matched", MEDIVEX_42.siren, "name_and_place")


def test_company_absent_from_the_register_is_unmatched(resolution: dict) -> None:
    row = resolution[(CLUSTER, 8)]
    assert outcome(row) == ("unmatched", "", "no_candidate")
    assert row["entity_id"] == "row:cluster:8"


def test_siret_in_the_siren_column_is_exact(resolution: dict) -> None:
    row = resolution[(CLUSTER, 9)]
    assert outcome(row) == ("exact", ARTEMEDIS.siren, "siren_given_name_agrees")
    assert row["siren_given"] == ARTEMEDIS.siret


def test_list_without_siren_column_resolves_on_names_and_places(resolution: dict) -> None:
    row = resolution[(POLE, 3)]
    assert outcome(row) == ("matched", TRIVALENCE.siren, "name_and_place")
    assert row["siren_given"] == ""


def test_rejected_rows_appear_with_their_reason(resolution: dict) -> None:
    for line, reason in ((10, "row_empty"), (11, "name_missing")):
        row = resolution[(CLUSTER, line)]
        assert (row["decision"], row["siren"], row["entity_id"], row["rule"]) == (
            "rejected", "", "", reason,
        )  # fmt: skip


def test_duplicates_are_merged_into_the_first_row(resolution: dict) -> None:
    within = resolution[(CLUSTER, 12)]
    assert (within["decision"], within["entity_id"]) == ("merged", f"siren:{NOVALYS.siren}")
    across = resolution[(POLE, 2)]
    assert (across["decision"], across["entity_id"]) == ("merged", f"siren:{ORTHOMEDIX.siren}")
    # the spec: `siren` is empty unless the decision is exact, matched or an accepted review
    assert within["siren"] == across["siren"] == ""


def test_every_row_of_every_list_appears_exactly_once(built: BuildResult) -> None:
    rows = read_csv(built.out_dir / "exports" / "resolution.csv")
    origins = sorted((r["file"], int(r["line"])) for r in rows)
    expected = [(CLUSTER, line) for line in range(2, 2 + len(CLUSTER_ROWS))]
    expected += [(POLE, line) for line in range(2, 2 + len(POLE_ROWS))]
    assert origins == sorted(expected)


def test_every_rule_is_one_the_docs_explain(resolution: dict) -> None:
    """Rules outside `DECISION_RULES` would reach users unexplained (`docs/resolve.md`)."""
    from healthradar.resolve.decisions import DECISION_RULES

    rules = {r["rule"] for r in resolution.values() if r["decision"] != "rejected"}
    assert rules <= set(DECISION_RULES), rules - set(DECISION_RULES)
    assert len(rules) >= 5  # the fixture exercises many paths, not one


def test_decision_counts(resolution: dict) -> None:
    counts: dict[str, int] = {}
    for row in resolution.values():
        counts[row["decision"]] = counts.get(row["decision"], 0) + 1
    # exact: 2, 9 · matched: 3, 5, 7, pole 3 · review: 4, 6 · unmatched: 8
    # rejected: 10, 11 · merged: 12, pole 2
    assert counts == {
        "exact": 2, "matched": 4, "review": 2, "unmatched": 1, "rejected": 2, "merged": 2,
    }  # fmt: skip


def test_reconciliation_still_balances(built: BuildResult) -> None:
    recon = {r["file"]: r for r in built.reconciliation}
    cluster, pole = recon[CLUSTER], recon[POLE]
    # 11 rows: rejected 10, 11; merged 12; integrated the 8 others, of which 4, 6 (review)
    # and 8 (unmatched) have no SIREN, so stay to resolve
    assert (cluster["rows_read"], cluster["integrated"], cluster["merged"]) == (11, 8, 1)
    assert (cluster["rejected"], cluster["to_resolve"]) == (2, 3)
    assert (pole["rows_read"], pole["integrated"], pole["merged"], pole["rejected"]) == (2, 1, 1, 0)
    assert pole["to_resolve"] == 0
    assert all(r["balanced"] for r in recon.values())


def test_scoring_in_chunks_decides_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resolution: dict
) -> None:
    """Splink's pairs scored two partner entries at a time (`matching.PREDICT_CHUNK_ROWS`):
    every row gets the decision worked out above, as in one go."""
    from healthradar.resolve import matching

    monkeypatch.setattr(matching, "PREDICT_CHUNK_ROWS", 2)
    reductions = []
    reduce = matching._best_per_company
    monkeypatch.setattr(matching, "_best_per_company", lambda t: reductions.append(1) or reduce(t))
    chunked = resolution_by_origin(build(write_project(tmp_path / "project")).out_dir)
    # scored: cluster rows 3-8 and pole rows 2-3, one entry each (no name in two parts;
    # cluster 2, 9 and 12 are settled by their names first, 10 and 11 rejected): 8 entries,
    # 4 chunks of 2, each reduced, then all of them once more
    assert len(reductions) == 5
    assert chunked.keys() == resolution.keys()
    for origin, row in resolution.items():
        got = chunked[origin]
        assert (got["decision"], got["siren"], got["rule"], got["score"]) == (
            row["decision"], row["siren"], row["rule"], row["score"],
        ), origin  # fmt: skip
