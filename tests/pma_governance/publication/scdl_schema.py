"""The SCDL « Délibérations » schema (2.1.5, schema.data.gouv.fr/scdl/deliberations) as the
tests check a file against it, written from the schema, not from the exporter.

Per field: required or not, type (string, date, integer, uri) and pattern; per row, the
custom checks the schema declares for Validata: SIRET check digit, ACTES matière name,
budget columns given together, budget year interval, PREF_DATE not before DELIB_DATE,
VOTE_REEL = VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION. Missing values are empty strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    type: str = "string"
    pattern: str | None = None


FIELDS = (
    Field("COLL_NOM", required=True),
    Field("COLL_SIRET", required=True, pattern=r"^\d{14}$"),
    Field("DELIB_ID", required=True),
    Field("DELIB_DATE", required=True, type="date"),
    Field("DELIB_MATIERE_CODE", required=True, pattern=r"^\d\.\d{1,2}$"),
    Field("DELIB_MATIERE_NOM", required=True),
    Field("DELIB_OBJET", required=True),
    Field("BUDGET_ANNEE", pattern=r"^[0-9]{4}(\/[0-9]{4})?$"),
    Field("BUDGET_NOM"),
    # 'PREFNNN', 'SPREFNNNM' or 'SGARNNN'; NNN: the département on 3 characters (02A, 02B).
    Field("PREF_ID", pattern=r"^(PREF[0-9]{2}[0-9AB]|SPREF[0-9]{2}[0-9AB][0-9]|SGAR[0-9]{3})$"),
    Field("PREF_DATE", type="date"),
    Field("VOTE_EFFECTIF", type="integer"),
    Field("VOTE_REEL", type="integer"),
    Field("VOTE_POUR", type="integer"),
    Field("VOTE_CONTRE", type="integer"),
    Field("VOTE_ABSTENTION", type="integer"),
    Field("DELIB_URL", type="uri"),
)
HEADER = [field.name for field in FIELDS]

# The level-1 titles of the ACTES nomenclature, by code (Validata nomenclature-actes-value).
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
    """The INSEE check of a SIRET: Luhn over its 14 digits."""
    total = 0
    for position, char in enumerate(reversed(siret)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _cell_problems(field: Field, value: str) -> list[str]:
    if value == "":
        return [f"{field.name} : valeur obligatoire absente"] if field.required else []
    if value != value.strip():
        return [f"{field.name} : espaces en bord de valeur « {value} »"]
    problems = []
    if field.pattern and not re.fullmatch(field.pattern, value):
        problems.append(f"{field.name} : « {value} » ne suit pas le motif {field.pattern}")
    if field.type == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            problems.append(f"{field.name} : « {value} » n'est pas une date AAAA-MM-JJ")
    elif field.type == "integer" and not re.fullmatch(r"[0-9]+", value):
        problems.append(f"{field.name} : « {value} » n'est pas un nombre entier")
    elif field.type == "uri":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{field.name} : « {value} » n'est pas une URI")
    return problems


def row_problems(row: dict[str, str]) -> list[str]:
    """Every way a row breaks the schema (empty when it is valid)."""
    problems: list[str] = []
    for field in FIELDS:
        problems += _cell_problems(field, row.get(field.name, ""))
    siret = row.get("COLL_SIRET", "")
    if re.fullmatch(r"\d{14}", siret) and not siret_check_digit_ok(siret):
        problems.append(f"COLL_SIRET : « {siret} » n'est pas un SIRET valide (clé)")
    code, name = row.get("DELIB_MATIERE_CODE", ""), row.get("DELIB_MATIERE_NOM", "")
    if name:
        level_1, slash, level_2 = name.partition("/")
        if not slash or not level_2:
            problems.append(f"DELIB_MATIERE_NOM : « {name} » sans « / » entre les deux niveaux")
        if _plain(level_1) not in {_plain(t) for t in ACTES_LEVEL_1.values()}:
            problems.append(f"DELIB_MATIERE_NOM : « {level_1} » n'est pas une matière ACTES")
        elif code[:1] in ACTES_LEVEL_1 and _plain(level_1) != _plain(ACTES_LEVEL_1[code[:1]]):
            problems.append(f"DELIB_MATIERE_NOM : « {name} » ne correspond pas au code {code}")
        if name != name.lower() or re.search(r"[,()]", name):
            problems.append(f"DELIB_MATIERE_NOM : « {name} » en minuscules, sans , ni ()")
    if bool(row.get("BUDGET_ANNEE")) != bool(row.get("BUDGET_NOM")):
        problems.append("BUDGET_ANNEE et BUDGET_NOM : l'un sans l'autre")
    interval = re.fullmatch(r"([0-9]{4})/([0-9]{4})", row.get("BUDGET_ANNEE", ""))
    if interval and int(interval.group(2)) <= int(interval.group(1)):
        problems.append("BUDGET_ANNEE : intervalle d'années décroissant")
    pref_date, delib_date = row.get("PREF_DATE", ""), row.get("DELIB_DATE", "")
    if pref_date and delib_date and pref_date < delib_date:
        problems.append(f"PREF_DATE {pref_date} antérieure à DELIB_DATE {delib_date}")
    if row.get("PREF_DATE") and not row.get("PREF_ID"):
        problems.append("PREF_DATE sans PREF_ID")
    votes = [row.get(name, "") for name in ("VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE")]
    votes.append(row.get("VOTE_ABSTENTION", ""))
    if all(re.fullmatch(r"[0-9]+", v) for v in votes):
        real, *parts = (int(v) for v in votes)
        if real != sum(parts):
            problems.append(
                f"VOTE_REEL {real} ≠ VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION ({sum(parts)})"
            )
    return problems


def file_problems(data: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV file and every problem of its header, rows and identifiers."""
    reader = csv.DictReader(io.StringIO(data, newline=""))
    rows = list(reader)
    problems = []
    if reader.fieldnames != HEADER:
        problems.append(f"en-tête {reader.fieldnames} ≠ {HEADER}")
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(rows, start=2):
        if None in row or len(row) != len(HEADER):
            problems.append(f"ligne {line} : {len(row)} colonnes")
        problems += [f"ligne {line} : {p}" for p in row_problems(row)]
        key = (row.get("COLL_SIRET", ""), row.get("DELIB_ID", ""))
        if key in seen:
            problems.append(f"ligne {line} : DELIB_ID {key[1]} en double")
        seen.add(key)
    return rows, problems
