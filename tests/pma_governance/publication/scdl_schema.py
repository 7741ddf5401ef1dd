"""A file checked against the SCDL « Délibérations » schema (2.1.5) the way Validata does:
frictionless validates it against the Table Schema (scdl_deliberations_schema.json: header
order, types, formats, required fields, patterns); the schema's custom checks, which Table
Schema cannot express, run as frictionless row constraints (column comparisons, sums, the
budget pair) and as explicit checks (SIRET key, ACTES matière, one row per act).

Written from the schema, not from the exporter; it runs offline.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

from frictionless import Checklist, Resource, Schema, checks

SCHEMA_PATH = Path(__file__).with_name("scdl_deliberations_schema.json")
SCHEMA = Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
HEADER = [field.name for field in SCHEMA.fields]

# Validata's custom checks of the schema, where a formula can say them; missing is None.
ROW_RULES = {
    # compare-columns-value
    "PREF_DATE ≥ DELIB_DATE": "PREF_DATE is None or DELIB_DATE is None or PREF_DATE >= DELIB_DATE",
    "PREF_DATE sans PREF_ID": "PREF_DATE is None or PREF_ID is not None",
    "VOTE_EFFECTIF ≥ VOTE_REEL": "VOTE_EFFECTIF is None or VOTE_REEL is None"
    " or VOTE_EFFECTIF >= VOTE_REEL",
    **{
        f"VOTE_REEL ≥ {part}": f"VOTE_REEL is None or {part} is None or VOTE_REEL >= {part}"
        for part in ("VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION")
    },
    # sum-columns-value: the four figures come together and add up.
    "VOTE_REEL, POUR, CONTRE, ABSTENTION tous ou aucun": "(VOTE_REEL is None)"
    " == (VOTE_POUR is None) == (VOTE_CONTRE is None) == (VOTE_ABSTENTION is None)",
    "VOTE_REEL = VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION": "VOTE_REEL is None"
    " or VOTE_POUR is None or VOTE_CONTRE is None or VOTE_ABSTENTION is None"
    " or VOTE_REEL == VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION",
    # cohesive-columns-value
    "BUDGET_ANNEE et BUDGET_NOM ensemble": "(BUDGET_ANNEE is None) == (BUDGET_NOM is None)",
    # year-interval-value
    "BUDGET_ANNEE : intervalle croissant": "BUDGET_ANNEE is None or BUDGET_ANNEE[5:] == ''"
    " or BUDGET_ANNEE[:4] < BUDGET_ANNEE[5:]",
}
CHECKLIST = Checklist(checks=[checks.row_constraint(formula=f) for f in ROW_RULES.values()])
_RULE_BY_FORMULA = {formula: name for name, formula in ROW_RULES.items()}

# nomenclature-actes-value: the level-1 headings of the ACTES nomenclature, by code.
ACTES_LEVEL_1 = {
    "1": "Commande publique",
    "2": "Urbanisme",
    "3": "Domaine et patrimoine",
    "4": "Fonction publique",
    "5": "Institutions et vie politique",
    "6": "Libertés publiques et pouvoirs de police",
    "7": "Finances locales",
    "8": "Domaines de compétences par thèmes",
    "9": "Autres domaines de compétences",
}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def siret_check_digit_ok(siret: str) -> bool:
    """french-siret-value: the INSEE check of a SIRET, Luhn over its 14 digits."""
    total = 0
    for position, char in enumerate(reversed(siret)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _frictionless_problems(data: str) -> list[str]:
    resource = Resource(data=data.encode("utf-8"), format="csv", encoding="utf-8", schema=SCHEMA)
    report = resource.validate(checklist=CHECKLIST)
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row_number = getattr(error, "row_number", None)  # row errors only
            where = f"ligne {row_number} : " if row_number else ""
            formula = re.search(r'"(.*)"$', getattr(error, "note", "") or "")
            rule = _RULE_BY_FORMULA.get(formula.group(1)) if formula else None
            problems.append(f"{where}{error.type} : {rule or error.message}")
    return problems


def _row_checks(row: dict[str, str]) -> list[str]:
    problems = []
    siret = row.get("COLL_SIRET") or ""
    if re.fullmatch(r"\d{14}", siret) and not siret_check_digit_ok(siret):
        problems.append(f"COLL_SIRET : « {siret} » n'est pas un SIRET valide (clé)")
    code, name = row.get("DELIB_MATIERE_CODE") or "", row.get("DELIB_MATIERE_NOM") or ""
    if name:
        level_1, slash, level_2 = name.partition("/")
        if not slash or not level_1 or not level_2:
            problems.append(f"DELIB_MATIERE_NOM : « {name} » pas de la forme niveau 1/niveau 2")
        if _plain(level_1) not in {_plain(t) for t in ACTES_LEVEL_1.values()}:
            problems.append(f"DELIB_MATIERE_NOM : « {level_1} » n'est pas une matière ACTES")
        elif code[:1] in ACTES_LEVEL_1 and _plain(level_1) != _plain(ACTES_LEVEL_1[code[:1]]):
            problems.append(f"DELIB_MATIERE_NOM : « {name} » ne correspond pas au code {code}")
        # The schema: « en minuscules accentuées, sans virgule ni parenthèse ».
        if name != name.lower() or re.search(r"[,()]", name):
            problems.append(f"DELIB_MATIERE_NOM : « {name} » en minuscules, sans , ni ()")
    return problems


def file_problems(data: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV file and every way it breaks the schema (empty when valid)."""
    problems = _frictionless_problems(data)
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        problems += [f"ligne {line} : {p}" for p in _row_checks(row)]
        key = (row.get("COLL_SIRET") or "", row.get("DELIB_ID") or "")
        if key in seen:
            problems.append(f"ligne {line} : DELIB_ID {key[1]} en double")
        seen.add(key)
    return rows, problems


def row_problems(row: dict[str, str]) -> list[str]:
    """Every way one row breaks the schema, checked as a file of that single row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(row)
    return file_problems(buffer.getvalue())[1]
