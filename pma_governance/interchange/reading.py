"""Reading a session document from its bytes, before its schema is checked: a file too big,
not UTF-8 or not JSON, a key given twice, NaN or Infinity, a number too big to mean
anything, nesting too deep, a text too long or holding control characters are each refused
in French, at the JSON path of the value at fault — never a traceback, nothing written.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from deliberations.models import Deliberation, Vote
from meetings.models import AgendaItem, Session
from members.models import Body, Mandate, Person
from pma_governance.interchange.schema import json_path
from pma_governance.interchange.validation import DocumentError, Problem, in_document_order
from pma_governance.lib import limits

# The seed nests 5 levels deep ($.session.items[7].vote.roll_call…): 32 is far beyond.
MAX_DEPTH = 32
# A count, a year or a rank has a few digits; a JSON integer of more means nothing here.
MAX_INTEGER_DIGITS = 15


def _max_length(model: Any, field: str) -> int:
    return int(model._meta.get_field(field).max_length)


# Where each text of the document goes, and so how long it may be; `*` stands for a rank.
# A text found elsewhere (a key the format does not name) is bounded like the longest.
TEXT_LIMITS: dict[str, int] = {
    "$.body.short_name": _max_length(Body, "short_name"),
    "$.body.name": _max_length(Body, "name"),
    "$.body.assembly": _max_length(Body, "assembly_name"),
    "$.body.legal_form": _max_length(Body, "legal_form"),
    "$.body.seat_city": _max_length(Body, "seat_city"),
    "$.body.address": _max_length(Body, "address"),
    "$.body.administrative_court": _max_length(Body, "administrative_court"),
    "$.body.president_title": _max_length(Body, "president_title"),
    "$.body.numbering": _max_length(Body, "numbering_pattern"),
    "$.body.statutes": _max_length(Body, "statutes_reference"),
    "$.mandates[*].id": _max_length(Mandate, "external_id"),
    "$.mandates[*].first_name": _max_length(Person, "first_name"),
    "$.mandates[*].last_name": _max_length(Person, "last_name"),
    "$.mandates[*].email": _max_length(Person, "email"),
    "$.mandates[*].office": _max_length(Mandate, "office"),
    "$.mandates[*].note": _max_length(Mandate, "note"),
    "$.mandates[*].entity": 40,  # MemberEntity.short_name
    "$.session.place": _max_length(Session, "place"),
    "$.session.preamble": limits.PV_TEXT,
    "$.session.closing": limits.PV_TEXT,
    "$.session.items[*].title": _max_length(AgendaItem, "title"),
    "$.session.items[*].debate": limits.DEBATE,
    "$.session.items[*].considerants": limits.CONSIDERANTS,
    "$.session.items[*].dispositif": limits.DISPOSITIF,
    "$.session.items[*].visas[*]": limits.VISA,
    "$.session.items[*].number": _max_length(Deliberation, "number"),
    "$.session.items[*].not_voting_reason": _max_length(Vote, "not_voting_reason"),
}
TEXT_LIMIT_ELSEWHERE = max(limits.CONSIDERANTS, limits.DEBATE)

_JSON_MESSAGES = {
    "Expecting value": "une valeur est attendue",
    "Expecting property name enclosed in double quotes": "un nom de clé entre guillemets est attendu",
    "Expecting ',' delimiter": "une virgule est attendue",
    "Expecting ':' delimiter": "deux-points sont attendus",
    "Unterminated string starting at": "chaîne de caractères non terminée",
    "Invalid control character at": "caractère de contrôle dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\uXXXX invalide",
    "Extra data": "du texte suit la fin du document",
}


def import_max_bytes() -> int:
    """The largest file accepted (IMPORT_MAX_BYTES, 5 Mo unless configured)."""
    return int(settings.IMPORT_MAX_BYTES)


def size_problem(size: int) -> Problem | None:
    """Why a file of `size` bytes is refused before it is even read, or None."""
    limit = import_max_bytes()
    if size <= limit:
        return None
    return Problem(
        "$",
        f"fichier trop volumineux : {limits.french_count(size)} octets pour "
        f"{limits.french_count(limit)} au plus (IMPORT_MAX_BYTES).",
    )


@dataclass(frozen=True)
class _Invalid:
    """A value JSON allows but the format does not: kept to be located, then refused."""

    message: str


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given twice."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    result.duplicates = []
    for key, value in pairs:
        if key in result and key not in result.duplicates:
            result.duplicates.append(key)
        result[key] = value
    return result


def _integer(text: str) -> int | _Invalid:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Invalid(f"nombre trop grand ({len(text.lstrip('-'))} chiffres).")
    return int(text)


def _float(text: str) -> float | _Invalid:
    value = float(text)
    if not math.isfinite(value):
        return _Invalid(f"nombre hors limites ({text[:20]}).")
    return value


def _constant(name: str) -> _Invalid:
    return _Invalid(f"{name} n'est pas une valeur JSON admise ici : un nombre est attendu.")


def read_document(raw: bytes) -> Any:
    """The document in `raw`, or DocumentError listing every problem by JSON path."""
    too_big = size_problem(len(raw))
    if too_big is not None:
        raise DocumentError([too_big])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            [
                Problem(
                    "$",
                    f"le fichier n'est pas en UTF-8 (octet 0x{raw[exc.start]:02X} "
                    f"à la ligne {line}) : enregistrez-le en UTF-8.",
                )
            ]
        ) from exc
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            object_pairs_hook=_object,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        message = _JSON_MESSAGES.get(exc.msg, "syntaxe invalide")
        raise DocumentError(
            [Problem("$", f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {message}.")]
        ) from exc
    except RecursionError as exc:
        raise DocumentError([Problem("$", _too_deep())]) from exc
    problems = list(_problems(data))
    if problems:
        raise DocumentError([Problem(p, m) for p, m in in_document_order(problems, data)])
    return data


def _too_deep() -> str:
    return f"imbrication trop profonde : {MAX_DEPTH} niveaux au plus."


_RANK = re.compile(r"\[\d+\]")


def _problems(document: Any) -> Iterator[tuple[str, str]]:
    """Every value the format refuses before its schema, walked without recursion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        steps, value = stack.pop()
        path = json_path(steps)
        if len(steps) > MAX_DEPTH:
            yield path, _too_deep()
            continue
        if isinstance(value, _Invalid):
            yield path, value.message
        elif isinstance(value, str):
            yield from _text_problems(path, value)
        elif isinstance(value, dict):
            for key in getattr(value, "duplicates", []):
                yield path, f"la clé « {limits.strip_controls(key)[:60]} » figure deux fois."
            for key, child in reversed(value.items()):
                found = limits.control_characters(key)
                if found:
                    yield f"{path}.{limits.strip_controls(key)[:60]}", limits.control_message(found)
                    continue
                stack.append(((*steps, key), child))
        elif isinstance(value, list):
            if _RANK.sub("[*]", path) == "$.session.items[*].visas" and limits.visas_problem(value):
                yield path, limits.visas_problem(value)
            stack.extend(
                ((*steps, rank), child) for rank, child in reversed(list(enumerate(value)))
            )


def _text_problems(path: str, text: str) -> Iterator[tuple[str, str]]:
    limit = TEXT_LIMITS.get(_RANK.sub("[*]", path), TEXT_LIMIT_ELSEWHERE)
    if len(text) > limit:
        yield path, limits.too_long_message(limit, len(text), "ce texte")
    found = limits.control_characters(text)
    if found:
        yield path, limits.control_message(found)
