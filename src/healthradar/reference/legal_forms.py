"""Legal forms and stop words that `resolve.normalise_names.name_key` removes from company names.

Why reference data: the lists decide which partner rows can meet which register names, so they
are reviewed like any other code list (one reason per entry) and shared by the Ibis expression and
its Python twin. Entries are written as people write them (accents, spaces); the normaliser folds
them the way it folds names, so 'société à responsabilité limitée' is matched as
'societe a responsabilite limitee'. Dotted abbreviations ('S.A.S.', 'S.A.R.L.', 'S.A.') need no
entry of their own: the normaliser first joins single letters separated by dots into one token,
which turns them into 'sas', 'sarl', 'sa'.

Both sides of a comparison (partner row and register) are keyed with the same lists, so a word
removed by mistake ('sel' is also salt, 'se' a pronoun) costs little: both names lose it alike.
"""

from __future__ import annotations

#: Legal forms, abbreviated and spelled out, removed wherever they appear as whole words. Partner
#: lists add, drop or abbreviate them at will ('Dupont SAS', 'SAS Dupont', 'Dupont'), while
#: Sirene's denomination may or may not carry one: they say nothing about which company it is.
LEGAL_FORMS: tuple[str, ...] = (
    # -- abbreviations (Sirene catégories juridiques as written in names) --
    "SAS",  # société par actions simplifiée, the commonest form of new companies
    "SASU",  # the same with a single shareholder
    "SA",  # société anonyme
    "SARL",  # société à responsabilité limitée
    "SARLU",  # SARL unipersonnelle, written so by some registries
    "EURL",  # SARL with a single partner
    "SCI",  # société civile immobilière (property companies of a group)
    "SCP",  # société civile professionnelle (practices of pharmacists, doctors)
    "SCM",  # société civile de moyens (shared premises of practitioners)
    "SNC",  # société en nom collectif
    "SCA",  # société en commandite par actions
    "SCS",  # société en commandite simple
    "SCOP",  # société coopérative (ouvrière) de production
    "SCIC",  # société coopérative d'intérêt collectif
    "GIE",  # groupement d'intérêt économique (research consortia, hospital purchasing)
    "GEIE",  # its European form
    "SEL",  # société d'exercice libéral (medical biology labs, pharmacies)
    "SELARL",  # SEL à responsabilité limitée
    "SELARLU",  # the same, single partner
    "SELAS",  # SEL par actions simplifiée
    "SELASU",  # the same, single shareholder
    "SELAFA",  # SEL à forme anonyme
    "SELCA",  # SEL en commandite par actions
    "SEM",  # société d'économie mixte (local development agencies)
    "SAEM",  # société anonyme d'économie mixte, the older spelling
    "SE",  # societas europaea, the form of large European groups
    "EI",  # entreprise individuelle (sole traders since 2022)
    "EIRL",  # entreprise individuelle à responsabilité limitée (before 2022)
    # -- spelled out (any order here: the normaliser tries the longest first) --
    "société par actions simplifiée",  # SAS in words
    "société par actions simplifiée unipersonnelle",  # SASU in words
    "société anonyme",  # SA in words
    "société anonyme à conseil d'administration",  # SA, board variant written in full
    "société anonyme à directoire",  # SA, two-tier variant written in full
    "société à responsabilité limitée",  # SARL in words
    "société à responsabilité limitée unipersonnelle",  # SARLU in words
    "entreprise unipersonnelle à responsabilité limitée",  # EURL in words
    "société civile immobilière",  # SCI in words
    "société civile professionnelle",  # SCP in words
    "société civile de moyens",  # SCM in words
    "société en nom collectif",  # SNC in words
    "société en commandite simple",  # SCS in words
    "société en commandite par actions",  # SCA in words
    "société coopérative ouvrière de production",  # SCOP in words
    "société coopérative de production",  # SCOP, short wording
    "société coopérative d'intérêt collectif",  # SCIC in words
    "groupement d'intérêt économique",  # GIE in words
    "groupement européen d'intérêt économique",  # GEIE in words
    "société d'exercice libéral",  # SEL in words
    "société d'exercice libéral à responsabilité limitée",  # SELARL in words
    "société d'exercice libéral par actions simplifiée",  # SELAS in words
    "société d'exercice libéral à forme anonyme",  # SELAFA in words
    "société d'exercice libéral en commandite par actions",  # SELCA in words
    "société d'économie mixte",  # SEM in words
    "société européenne",  # SE in words
    "entreprise individuelle",  # EI in words
    "entreprise individuelle à responsabilité limitée",  # EIRL in words
)

#: Words that many unrelated company names share, removed after the legal forms. Keeping them
#: would make 'Laboratoires Dupont' and 'Dupont' look different and every 'Groupe X' look alike.
STOP_WORDS: tuple[str, ...] = (
    # -- French and English articles, prepositions, conjunctions: carry no identity --
    "le",
    "la",
    "les",
    "l",  # the elided article: "L'Oréal" folds to 'l oreal'
    "de",
    "du",
    "des",
    "d",  # elided 'de': "Institut d'Optique"
    "et",  # also what '&' becomes: 'Dupont & Fils' = 'Dupont et Fils'
    "en",
    "au",
    "aux",
    "a",  # 'à' once accents are folded
    "the",
    "of",
    "and",
    # -- generic company words: lists write them or not ('Sté Dupont', 'Dupont') --
    "société",  # 'Société Dupont'
    "ste",  # abbreviation of société (also 'sté')
    "compagnie",  # 'Compagnie des ...', often dropped in lists
    "cie",  # its abbreviation ('Dupont et Cie')
    "établissement",  # 'Établissement Dupont'
    "établissements",  # 'Établissements Dupont', the usual plural
    "ets",  # its abbreviation ('Ets Dupont')
    "groupe",  # 'Groupe Dupont' is listed for the subsidiary Dupont
    "group",  # English form
    "holding",  # the holding company is listed under the group's name
    # -- health-industry words that partner lists add or drop at will --
    "laboratoire",  # 'Laboratoire Dupont' is Sirene's 'DUPONT'
    "laboratoires",  # plural form, the most frequent in pharmaceutical names
    "labo",  # familiar abbreviation
    "labos",
    "laboratory",  # English forms used by foreign subsidiaries
    "laboratories",
    # -- place and scope words: subsidiaries add the country or 'International' --
    "france",  # 'Medtronic France' is Sirene's 'MEDTRONIC FRANCE' or 'MEDTRONIC'
    "international",  # 'Dupont International'
)
