"""Labelled data for the entity-resolution benchmark, written without looking at the matcher.

Two steps, both deterministic for a seed:

1. ``derive_register``: a copy of a SIRENE-shaped register (``gen_sirene_scale.py``) whose names
   are rewritten. That generator combines ``hash(key, salt, seed)`` values whose low bits are
   correlated, so it yields only 1,440 distinct denominations (and 1,440 enseignes, 30 sigles)
   at any scale: names could not tell companies apart. Here names come from syllables and words
   hashed one argument at a time (~64 k roots, millions of names). The copy also plants the two
   hard cases a real register holds: *homonyms* (an active company of another département given
   the same name) and *closed predecessors* (a closed unit of the same département given the name
   of an active one). Both are listed in ``pairs.parquet``.
2. ``write_project``: partner rows drawn from that register with the noise of real lists
   (``NOISE`` below gives every kind and its rate), ~10 % absent companies, a truth file and a
   barometer project folder that ``healthradar.pipeline.build`` accepts.

Only identifiable rows are drawn: an active company whose name core (the name without legal
forms and generic words, ``core_key``) is unique among active companies of its département (and
nationally when the row gives no place). A row nobody could resolve measures nothing.
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

# Name vocabulary of the derived register (plain ASCII capitals, like SIRENE).
SYL1 = "AL BE CA DA EVO FI GA HE IMA JO KA LI MA NO OPA PA QUA RO SA TE UMA VA XE ZE BRI CLA DRO FLO GRA PRO TRI STA VER MOR SEL NOV AR OR IN EX".split()  # noqa: E501, SIM905
SYL2 = "BI CO DI FA GE LA ME NI PO RA SI TO VI ZO LU MI NA RI TA VO DE LE RE SE BA GA PA KA LO NO SO MO DO GO FO HO JU CU TU XI".split()  # noqa: E501, SIM905
SYL3 = "GEN MED TECH LAB VIA SYS NIX PHARM CARE DIS TEK RIS LIS XA NE SA MA TA RA LIA NA VAL DOR MAR TIS COR LYS TEX VIS NOR SAN TIM DYN VEX GOR ZA ROS LOR ON AN".split()  # noqa: E501, SIM905
WORD2 = [
    "MEDICAL", "SANTE", "BIOTECH", "DIAGNOSTIC", "PHARMA", "INNOVATION", "SOLUTIONS",
    "TECHNOLOGIES", "INGENIERIE", "CONSEIL", "DEVELOPPEMENT", "DISTRIBUTION", "SYSTEMES",
    "INSTRUMENTS", "IMAGERIE", "ANALYSES", "DENTAIRE", "OPTIQUE", "ORTHOPEDIE", "SCIENCES",
    "THERAPEUTICS", "DEVICES", "LABS", "GENETICS", "CONCEPT", "SERVICES", "IMMOBILIER",
    "PATRIMOINE", "ENERGIE", "TRANSPORTS", "BATIMENT", "NUMERIQUE", "LOGISTIQUE",
    "ENVIRONNEMENT", "EQUIPEMENT", "CONSULTING", "PARTENAIRES", "BIOLOGIE", "RECHERCHE", "VISION",
]  # fmt: skip
PREFIX = ["", "", "", "", "", "", "", "LABORATOIRES ", "LABORATOIRE ", "SOCIETE ", "GROUPE ",
          "ETS ", "CABINET ", "CLINIQUE ", "PHARMACIE ", "INSTITUT ", "CENTRE "]  # fmt: skip
SUFFIX = ["", "", "", "", "", "", "", " SAS", " SARL", " SA", " SASU", " FRANCE", " EUROPE",
          " INTERNATIONAL", " ET ASSOCIES", " INDUSTRIES"]  # fmt: skip
# Dropped by core_key: legal forms and the generic words a matcher is expected to ignore.
_STOP = (
    "sas sasu sa sarl eurl sci gie selarl snc scop ets etablissements societe ste groupe "
    "laboratoire laboratoires labo france europe international industries et associes fils "
    "cabinet clinique pharmacie institut centre s a"
)
STOPWORDS = frozenset(_STOP.split())
LEGAL_FORMS = ("SAS", "SARL", "SA", "SASU")
EXTRA_FORMS = (" SAS", " SARL", " S.A.", " S.A.S.", " SASU", " (SAS)", " EURL")
ABBREVIATIONS = {
    "LABORATOIRES": "LABOS", "LABORATOIRE": "LABO", "SOCIETE": "STE", "INTERNATIONAL": "INTL",
    "ET": "&", "INDUSTRIES": "IND.", "DEVELOPPEMENT": "DEV", "DISTRIBUTION": "DISTRIB",
    "TECHNOLOGIES": "TECHNO", "INSTITUT": "INST.", "CENTRE": "CTR", "GROUPE": "GPE",
    "INSTRUMENTS": "INSTR.", "ETS": "ETABLISSEMENTS", "ASSOCIES": "ASSOC.",
}  # fmt: skip
ACCENTED = {
    "SOCIETE": "SOCIÉTÉ", "SANTE": "SANTÉ", "MEDICAL": "MÉDICAL", "ASSOCIES": "ASSOCIÉS",
    "DEVELOPPEMENT": "DÉVELOPPEMENT", "SYSTEMES": "SYSTÈMES", "ENERGIE": "ÉNERGIE",
    "INGENIERIE": "INGÉNIERIE", "ORTHOPEDIE": "ORTHOPÉDIE", "THERAPEUTICS": "THÉRAPEUTICS",
    "GENETICS": "GÉNÉTICS", "NUMERIQUE": "NUMÉRIQUE", "EQUIPEMENT": "ÉQUIPEMENT",
    "ETS": "ÉTS", "CENTRE": "CENTRE", "IMMOBILIER": "IMMOBILIER",
}  # fmt: skip
FILIERES = ["Medtech", "Biotech", "Pharma", "e-santé", "Diagnostic", "Dispositifs médicaux", ""]

# Noise kinds and their rates among present rows. Groups marked "one of" are exclusive; the
# others are drawn independently. Absent rows get name noise too, and 25 % a valid SIREN that no
# register company holds.
NOISE: dict[str, dict[str, float]] = {
    "siren (one of)": {"siren_ok": 0.36, "siren_empty": 0.36, "siren_spaced": 0.05,
                       "siret": 0.07, "siren_digit_swap": 0.08, "siren_other_company": 0.08},
    "place (one of)": {"place_ok": 0.62, "moved": 0.10, "no_place": 0.08, "city_only": 0.10,
                       "postcode_only": 0.10},
    "name (independent)": {"case": 0.60, "accents": 0.25, "typo": 0.15, "legal_form": 0.25,
                           "abbreviation": 0.10, "word_order": 0.08},
    "company (share of present rows)": {"sigle": 0.05, "enseigne": 0.04, "homonym": 0.05,
                                        "closed_predecessor": 0.05, "duplicate": 0.02},
}  # fmt: skip
CSV_HEADER = ["Raison sociale", "SIREN", "Ville", "Code postal", "Filière"]


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces (the naive baseline's key too)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def core_key(text: str) -> str:
    return " ".join(t for t in fold(text).split() if t not in STOPWORDS)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: list[str], key: str, salt: str) -> str:
    return f"{_sql_list(values)}[1 + (hash({key} || '{salt}') % {len(values)})::BIGINT]"


def _name_sql(key: str, salt: str) -> str:
    """A name per key; hash() takes one argument so the draws are independent."""
    root = " || ".join(_pick(v, key, f"{salt}{i}") for i, v in enumerate((SYL1, SYL2, SYL3)))
    word2 = f"CASE WHEN hash({key} || '{salt}w') % 3 = 0 THEN ' ' || {_pick(WORD2, key, salt)}"
    return (
        f"({_pick(PREFIX, key, salt + 'p')} || {root} || {word2} ELSE '' END"
        f" || {_pick(SUFFIX, key, salt + 's')})"
    )


def _core_sql(col: str) -> str:
    folded = f"trim(regexp_replace(lower(strip_accents({col})), '[^a-z0-9]+', ' ', 'g'))"
    spaced = f"' ' || replace({folded}, ' ', '  ') || ' '"
    stripped = f"regexp_replace({spaced}, ' ({'|'.join(sorted(STOPWORDS))}) ', ' ', 'g')"
    return f"trim(regexp_replace({stripped}, ' +', ' ', 'g'))"


def _dep_sql(col: str) -> str:
    return f"CASE WHEN {col} LIKE '97%' THEN left({col}, 3) ELSE left({col}, 2) END"


def _lit(value: Path | str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def derive_register(
    establishments: Path, legal_units: Path, out_dir: Path, seed: int = 8, pair_share: float = 0.02
) -> tuple[Path, Path]:
    """Rename every company of a register copy and plant homonyms and closed predecessors."""
    est_out, ul_out = out_dir / "StockEtablissement.parquet", out_dir / "StockUniteLegale.parquet"
    pairs_out, done = out_dir / "pairs.parquet", out_dir / "DONE.json"
    key = {"est": str(establishments), "ul": str(legal_units), "seed": seed, "pairs": pair_share}
    if done.is_file() and json.loads(done.read_text()) == key:
        return est_out, ul_out
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": False})
    s, share = f"'{seed}:'", int(pair_share * 10_000)
    sel = f"hash({s} || siren || 'pair') % 10000"
    con.execute(f"""
CREATE TEMP TABLE names AS
WITH ul AS (SELECT siren, etatAdministratifUniteLegale AS etat, denominationUniteLegale AS den
            FROM read_parquet({_lit(legal_units)})),
sieges AS (SELECT siren, {_dep_sql("codeCommuneEtablissement")} AS dep
           FROM read_parquet({_lit(establishments)})
           WHERE CAST(etablissementSiege AS VARCHAR) IN ('true', 'TRUE')),
u AS (SELECT ul.*, sieges.dep, {_name_sql(f"{s} || ul.siren", "n")} AS name
      FROM ul JOIN sieges USING (siren) WHERE den IS NOT NULL AND dep IS NOT NULL),
homo AS (SELECT *, row_number() OVER (ORDER BY hash(siren || {s} || 'h')) AS r FROM u
         WHERE etat = 'A' AND {sel} < {share}),
homo_to AS (SELECT *, row_number() OVER (ORDER BY hash(siren || {s} || 'o')) AS r FROM u
            WHERE etat = 'A' AND {sel} >= {3 * share}),
clo AS (SELECT *, row_number() OVER (PARTITION BY dep ORDER BY hash(siren || {s} || 'c')) AS r
        FROM u WHERE etat = 'A' AND {sel} >= {share} AND {sel} < {2 * share}),
clo_to AS (SELECT *, row_number() OVER (PARTITION BY dep ORDER BY hash(siren || {s} || 'd')) AS r
           FROM u WHERE etat <> 'A'),
pairs AS (SELECT homo.siren, 'homonym' AS kind, homo_to.siren AS other, homo.name FROM homo
          JOIN homo_to USING (r) WHERE homo.dep <> homo_to.dep
          UNION ALL
          SELECT clo.siren, 'closed_predecessor', clo_to.siren, clo.name FROM clo
          JOIN clo_to USING (dep, r))
SELECT u.siren, coalesce(p.name, u.name) AS name, p.kind, p.siren AS pair_of
FROM u LEFT JOIN pairs p ON p.other = u.siren""")
    con.execute(
        f"COPY (SELECT pair_of AS target, kind, siren AS twin FROM names WHERE kind IS NOT NULL) "
        f"TO {_lit(pairs_out)} (FORMAT parquet)"
    )
    con.execute(f"""
COPY (SELECT u.* REPLACE (
        n.name AS denominationUniteLegale,
        CASE WHEN n.name IS NOT NULL AND hash({s} || u.siren || 'g') % 100 < 4
             THEN {_pick(SYL1, f"{s} || u.siren", "x")}
                  || {_pick(SYL2, f"{s} || u.siren", "y")} END AS sigleUniteLegale,
        CASE WHEN denominationUsuelle1UniteLegale IS NOT NULL
             THEN {_name_sql(f"{s} || u.siren", "u")} END AS denominationUsuelle1UniteLegale)
      FROM read_parquet({_lit(legal_units)}) u LEFT JOIN names n USING (siren))
TO {_lit(ul_out)} (FORMAT parquet, COMPRESSION zstd)""")
    # The sigle above is two syllables: short, capitalised, shared by few companies.
    replaced = ", ".join(
        f"CASE WHEN {c} IS NOT NULL THEN {_name_sql(f'{s} || siret', c[:6] + c[-14:])} END AS {c}"
        for c in ("enseigne1Etablissement", "enseigne2Etablissement", "enseigne3Etablissement",
                  "denominationUsuelleEtablissement")
    )  # fmt: skip
    con.execute(f"""COPY (SELECT * REPLACE ({replaced}) FROM read_parquet({_lit(establishments)}))
TO {_lit(est_out)} (FORMAT parquet, COMPRESSION zstd)""")
    con.close()
    done.write_text(json.dumps(key))
    return est_out, ul_out


def _pool(con: Any, est: Path, ul: Path, pairs: Path, limit: int, seed: int) -> list[dict]:
    """Identifiable active companies, in a seeded random order (pair targets drawn apart)."""
    return (
        con.sql(f"""
WITH u AS (SELECT siren, denominationUniteLegale AS name, sigleUniteLegale AS sigle
           FROM read_parquet({_lit(ul)})
           WHERE etatAdministratifUniteLegale = 'A' AND denominationUniteLegale IS NOT NULL),
s AS (SELECT siren, siret, codeCommuneEtablissement AS com, enseigne1Etablissement AS ens,
             etatAdministratifEtablissement AS etat, {_dep_sql("codeCommuneEtablissement")} AS dep
      FROM read_parquet({_lit(est)})
      WHERE CAST(etablissementSiege AS VARCHAR) IN ('true', 'TRUE')),
k AS (SELECT u.*, s.siret, s.com, s.ens, s.etat, s.dep, {_core_sql("u.name")} AS k
      FROM u JOIN s USING (siren) WHERE s.com IS NOT NULL),
nd AS (SELECT k, dep, count(*) AS n_dep FROM k GROUP BY ALL),
nn AS (SELECT k, count(*) AS n_nat FROM k GROUP BY ALL)
SELECT k.siren, k.siret, k.name, k.sigle, k.ens, k.com, k.dep, nn.n_nat, p.kind AS pair_kind
FROM k JOIN nd USING (k, dep) JOIN nn USING (k) JOIN cog ON cog.code_insee = k.com
LEFT JOIN read_parquet({_lit(pairs)}) p ON p.target = k.siren
WHERE nd.n_dep = 1 AND k.etat = 'A' AND k.k <> ''
QUALIFY row_number() OVER (PARTITION BY p.kind ORDER BY hash('{seed}' || k.siren)) <= {limit}
ORDER BY hash('{seed}' || k.siren)""")
        .to_arrow_table()
        .to_pylist()
    )


def _known_keys(con: Any, est: Path, ul: Path, keys: list[str]) -> set[str]:
    """Which candidate name cores some register name (any state, any field) already has."""
    con.register("cand", pa.table({"k": keys}))
    names = (
        f"SELECT denominationUniteLegale AS x FROM read_parquet({_lit(ul)}) UNION ALL "
        f"SELECT denominationUsuelle1UniteLegale FROM read_parquet({_lit(ul)}) UNION ALL "
        f"SELECT sigleUniteLegale FROM read_parquet({_lit(ul)}) UNION ALL "
        f"SELECT enseigne1Etablissement FROM read_parquet({_lit(est)}) UNION ALL "
        # an establishment's usual name too: without it, 5 of the 102 training rows whose
        # very name the register holds were "absent" companies named like an establishment
        f"SELECT denominationUsuelleEtablissement FROM read_parquet({_lit(est)})"
    )
    rows = con.execute(
        f"SELECT DISTINCT k FROM cand SEMI JOIN ({names}) r ON {_core_sql('r.x')} = cand.k"
    ).fetchall()
    return {r[0] for r in rows}


@dataclass
class _Noise:
    rng: random.Random

    def choose(self, group: str) -> str:
        kinds = NOISE[group]
        return self.rng.choices(list(kinds), weights=list(kinds.values()))[0]

    def name(self, name: str, kinds: list[str]) -> str:
        rng, rates = self.rng, NOISE["name (independent)"]
        words = name.split()
        if rng.random() < rates["abbreviation"] and any(w in ABBREVIATIONS for w in words):
            words = [ABBREVIATIONS.get(w, w) for w in words]
            kinds.append("abbreviation")
        if rng.random() < rates["legal_form"]:
            if len(words) > 1 and words[-1] in LEGAL_FORMS:
                words = words[:-1]
                kinds.append("legal_form_missing")
            else:
                words = [*words, rng.choice(EXTRA_FORMS).strip()]
                kinds.append("legal_form_extra")
        if rng.random() < rates["word_order"] and len(words) > 1:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
            kinds.append("word_order")
        if rng.random() < rates["typo"]:
            words = self._typo(words)
            kinds.append("typo")
        if rng.random() < rates["accents"]:
            accented = [ACCENTED.get(w, re.sub(r"^([^AEIOU])E", r"\1É", w)) for w in words]
            if accented != words:
                words = accented
                kinds.append("accents")
        text = " ".join(words)
        if rng.random() < rates["case"]:
            text = text.title() if rng.random() < 0.8 else text.lower()
            kinds.append("case")
        return text

    def _typo(self, words: list[str]) -> list[str]:
        """One or two edits inside the distinctive words (a typo in 'SAS' changes nothing)."""
        rng = self.rng
        core = [i for i, w in enumerate(words) if fold(w) not in STOPWORDS and len(w) > 3]
        for _ in range(rng.choice((1, 1, 2))):
            i = rng.choice(core or range(len(words)))
            w, pos, op = words[i], rng.randrange(len(words[i])), rng.randrange(4)
            letter = rng.choice("ABCDEFGHIJKLMNOPRSTUVZ")
            if op == 0 and len(w) > 3:
                w = w[:pos] + w[pos + 1 :]
            elif op == 1:
                w = w[:pos] + letter + w[pos:]
            elif op == 2 and pos < len(w) - 1 and w[pos] != w[pos + 1]:
                w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
            else:
                w = w[:pos] + (letter if letter != w[pos] else "Q") + w[pos + 1 :]
            words = [*words[:i], w, *words[i + 1 :]]
        return words

    def swap_digits(self, siren: str) -> str:
        """Two adjacent digits exchanged, or one changed, so that the Luhn check fails."""
        for _ in range(50):
            i = self.rng.randrange(8)
            out = siren[:i] + siren[i + 1] + siren[i] + siren[i + 2 :]
            if out != siren and not luhn_ok(out):
                return out
        return siren[:8] + str((int(siren[8]) + 1) % 10)


def _valid_siren(rng: random.Random) -> str:
    """A Luhn-valid SIREN below 300000000, a range gen_sirene_scale.py never assigns."""
    base = str(rng.randrange(10_000_000, 29_999_999))
    return next(base + c for c in "0123456789" if luhn_ok(base + c))


def write_partners(
    project: Path, est: Path, ul: Path, pairs: Path, rows: int = 3300, absent: int = 300,
    seed: int = 8, encoding: str = "cp1252",
) -> tuple[Path, Path]:  # fmt: skip
    """Write the partner list and its truth file under `project`; return their paths."""
    from healthradar.reference import read_reference_table

    rng, noise = random.Random(seed), _Noise(random.Random(seed + 1))
    cog = read_reference_table("ref_communes")
    by_code = {c["code_insee"]: c for c in cog.to_pylist()}
    by_dep: dict[str, list[str]] = {}
    for c in by_code.values():
        by_dep.setdefault(c["code_departement"], []).append(c["code_insee"])
    con = duckdb.connect()
    con.register("cog", cog)
    present = rows - absent
    share = NOISE["company (share of present rows)"]
    n_dup = round(share["duplicate"] * present)
    pool = _pool(con, est, ul, pairs, 4 * rows, seed)
    need = {
        k: round(share[k] * present) for k in ("homonym", "closed_predecessor", "sigle", "enseigne")
    }
    field = {"homonym": "pair_kind", "closed_predecessor": "pair_kind", "sigle": "sigle",
             "enseigne": "ens"}  # fmt: skip
    chosen: list[tuple[dict, str]] = []
    for kind, n in need.items():
        fits = [c for c in pool if not any(c is x for x, _ in chosen) and (
            c["pair_kind"] == kind if field[kind] == "pair_kind"
            else c[field[kind]] and not c["pair_kind"])]  # fmt: skip
        chosen += [(c, kind) for c in fits[:n]]
    used = {c["siren"] for c, _ in chosen}
    rest = [c for c in pool if c["siren"] not in used and not c["pair_kind"]]
    if len(rest) < present - n_dup - len(chosen):
        raise SystemExit(f"register too small: {len(rest)} companies left for {present} rows")
    chosen += [(c, "") for c in rest[: present - n_dup - len(chosen)]]
    chosen += [(c, "duplicate") for c, _ in rng.sample(chosen, n_dup)]
    others: dict[str, list[dict]] = {}
    for c in pool:
        others.setdefault(c["dep"], []).append(c)
        others.setdefault(c["name"][0], []).append(c)

    records: list[dict[str, Any]] = []
    for c, kind in chosen:
        kinds = [kind] if kind else []
        name = c["name"]
        if kind == "sigle":
            name = rng.choice((c["sigle"], f"{name} ({c['sigle']})", f"{c['sigle']} - {name}"))
        elif kind == "enseigne":
            name = c["ens"]
        siren_kind, place = noise.choose("siren (one of)"), noise.choose("place (one of)")
        if kind in ("homonym", "sigle") and place in ("no_place", "city_only"):
            place = "place_ok"
        if place == "no_place" and c["n_nat"] > 1:
            place = "city_only"
        com = c["com"]
        if place == "moved":
            com = rng.choice([x for x in by_dep[by_code[com]["code_departement"]] if x != com]
                             or [com])  # fmt: skip
        siren = {"siren_ok": c["siren"], "siren_empty": "", "siret": c["siret"],
                 "siren_spaced": f"{c['siren'][:3]} {c['siren'][3:6]} {c['siren'][6:]}",
                 "siren_digit_swap": noise.swap_digits(c["siren"])}.get(siren_kind)  # fmt: skip
        if siren is None:  # another company's valid SIREN: same département, else same letter
            alt = [o for o in others[c["dep"]] if o["siren"] != c["siren"]] or [
                o for o in others[c["name"][0]] if o["siren"] != c["siren"]
            ]
            siren = rng.choice(alt)["siren"]
        kinds += [k for k in (siren_kind, place) if k not in ("siren_ok", "place_ok")]
        records.append(_record(noise.name(name, kinds), siren, by_code[com], place, kinds, rng)
                       | {"true_siren": c["siren"], "register_name": c["name"]})  # fmt: skip

    cands = _absent_names(con, est, ul, rng, absent)
    codes = sorted(by_code)
    for name in cands.values():
        kinds = ["absent"]
        siren = _valid_siren(rng) if rng.random() < 0.25 else ""
        place = rng.choice(["place_ok"] * 8 + ["city_only", "no_place"])
        records.append(_record(noise.name(name, kinds), siren, by_code[rng.choice(codes)], place,
                               kinds, rng) | {"true_siren": "", "register_name": ""})  # fmt: skip
    con.close()
    rng.shuffle(records)
    return _write_files(project, records, encoding)


def _invented(rng: random.Random) -> tuple[str, str]:
    words = [
        rng.choice(PREFIX).strip(),
        "".join(rng.choice(v) for v in (SYL1, SYL2, SYL3)),
        rng.choice(WORD2) if rng.random() < 0.5 else "",
        rng.choice(SUFFIX).strip(),
    ]
    return core_key(" ".join(words)), " ".join(w for w in words if w)


def _absent_names(con: Any, est: Path, ul: Path, rng: random.Random, absent: int) -> dict[str, str]:
    """The first `absent` distinct invented name cores, in draw order, that no register name has
    (a core drawn twice keeps its first place and its last spelling).

    Candidates are drawn in batches and checked with one register scan per batch; `rng` is then
    replayed to the draw that completes the set, so it ends where a one-by-one draw would. On
    the national register nearly every core of the vocabulary is taken (28 M units, ~2.6 M
    cores): ~1 % of draws are usable, and a scan per missing name never ended."""
    start, known = rng.getstate(), set[str]()
    batch = 50 * absent
    while True:
        rng.setstate(start)
        draws = [_invented(rng) for _ in range(batch)]
        fresh = list({k for k, _ in draws} - known)
        known |= _known_keys(con, est, ul, fresh)
        seen: set[str] = set()
        for stop, (k, _) in enumerate(draws, start=1):
            if k not in known and k not in seen:
                seen.add(k)
                if len(seen) == absent:
                    rng.setstate(start)
                    cands: dict[str, str] = {}
                    for k2, name in (_invented(rng) for _ in range(stop)):
                        if k2 not in known:
                            cands[k2] = name
                    return cands
        batch *= 4


def _record(
    name: str, siren: str, com: dict, place: str, kinds: list[str], rng: random.Random
) -> dict[str, Any]:
    city = com["nom"].split()[0] if com["type"] == "arrondissement-municipal" else com["nom"]
    postcode = rng.choice(com["codes_postaux"].split("|")) if com["codes_postaux"] else ""
    return {
        "name": name, "siren_given": siren,
        "city": "" if place in ("no_place", "postcode_only") else city,
        "postcode": "" if place in ("no_place", "city_only") else postcode,
        "filiere": rng.choice(FILIERES), "kinds": "|".join(kinds),
    }  # fmt: skip


def _write_files(project: Path, records: list[dict], encoding: str) -> tuple[Path, Path]:
    partners = project / "inputs" / "partenaires.csv"
    truth = project / "truth.csv"
    partners.parent.mkdir(parents=True, exist_ok=True)
    with partners.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(CSV_HEADER)
        w.writerows([r["name"], r["siren_given"], r["city"], r["postcode"], r["filiere"]]
                    for r in records)  # fmt: skip
    cols = ["input", "file", "line", "true_siren", "kinds", "name", "siren_given", "city",
            "postcode", "register_name"]  # fmt: skip
    with truth.open("w", encoding="utf-8", newline="") as f:
        dw = csv.DictWriter(f, cols, extrasaction="ignore")
        dw.writeheader()
        for line, r in enumerate(records, start=2):
            dw.writerow(r | {"input": "bench", "file": "inputs/partenaires.csv", "line": line})
    return partners, truth


def write_project(project: Path, est: Path, ul: Path, title: str = "Bench resolve") -> Path:
    """The barometer project around the partner list (register paths are absolute)."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "healthradar.toml").write_text(
        f"""# Written by bench/resolve_data.py: labelled partner rows against a renamed register.
[project]
name = {json.dumps(title)}
region = "FR"
vintage = 2024
synthetic = true

[inputs.register]
establishments = {json.dumps(str(est.resolve()))}
legal_units = {json.dumps(str(ul.resolve()))}

[[inputs.partners]]
id = "bench"
path = "inputs/partenaires.csv"
label = "Liste partenaire (benchmark)"
""",
        encoding="utf-8",
    )
    return project
