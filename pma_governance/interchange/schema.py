"""The session document's structure, declared as a JSON Schema (Draft 2020-12) in
`session.schema.json` beside this module and checked with `jsonschema`: types, required
keys, allowed values, the formats of dates and times. Every error is listed, each turned
into the French message the secretariat reads at the JSON path of the value at fault
(`$.session.items[3].vote.for`); the schema's `errorMessage` keyword gives a field's own
message, this module the general ones. A missing key reads as null, and a null where a text
is required as a missing value, as the format has always read them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

SCHEMA: dict[str, Any] = json.loads(
    Path(__file__).with_name("session.schema.json").read_text(encoding="utf-8")
)

MISSING = "valeur obligatoire manquante."
UNEXPECTED = "valeur non conforme au format pma-governance.session/1."
_TYPE_MESSAGES = {
    "object": "un objet JSON est attendu.",
    "array": "une liste JSON est attendue.",
    "string": "une chaîne de caractères est attendue.",
    "boolean": "true ou false est attendu.",
    "integer": "un nombre entier est attendu.",
}


def parse_date(value: Any) -> dt.date | None:
    """A document's date (AAAA-MM-JJ), or None when it is absent or unreadable."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def parse_time(value: Any) -> dt.time | None:
    """A document's time (HH:MM), or None when it is absent or unreadable."""
    try:
        return dt.time.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date")
def _is_date(value: object) -> bool:
    # An empty text is an absent date; `minLength` says when one is required.
    return not isinstance(value, str) or not value or parse_date(value) is not None


@_FORMATS.checks("time")
def _is_time(value: object) -> bool:
    return not isinstance(value, str) or not value or parse_time(value) is not None


# A count is a JSON integer, never 3.0 nor true (JSON Schema would take the first).
_TYPES = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
)
_Validator = validators.extend(Draft202012Validator, type_checker=_TYPES)
VALIDATOR = _Validator(SCHEMA, format_checker=_FORMATS)


def schema_problems(document: Any) -> list[tuple[str, str]]:
    """Every structural problem of a document, as (JSON path, French message) pairs."""
    problems: dict[tuple[str, str], None] = {}  # in order, each once
    for error in VALIDATOR.iter_errors(document):
        path = json_path(error.absolute_path)
        if error.validator == "required":
            properties = error.schema.get("properties", {})
            for key in error.validator_value:
                if key not in error.instance:
                    problems[f"{path}.{key}", _missing_message(properties.get(key, {}))] = None
        else:
            problems[path, _message(error)] = None
    return list(problems)


def json_path(steps: Iterable[str | int]) -> str:
    """`$.session.items[3].vote` for the steps ("session", "items", 3, "vote")."""
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in steps)


def _missing_message(schema: Mapping[str, Any]) -> str:
    """The message for a missing key: the one its value's schema gives null."""
    for error in VALIDATOR.evolve(schema=schema).iter_errors(None):
        return _message(error, is_property=True)
    return MISSING


def _message(error: ValidationError, *, is_property: bool | None = None) -> str:
    if is_property is None:
        is_property = bool(error.absolute_path) and isinstance(error.absolute_path[-1], str)
    types = error.validator_value if error.validator == "type" else ()
    types = [types] if isinstance(types, str) else list(types)
    if is_property and error.instance is None and "string" in types:
        return MISSING
    template = error.schema.get("errorMessage")
    if isinstance(template, Mapping):
        template = template.get(error.validator)
    if isinstance(template, str):
        return _fill(template, error)
    if types:
        return _TYPE_MESSAGES[next(t for t in types if t != "null")]
    if error.validator == "minLength":
        return MISSING
    # Every other keyword of the schema has its `errorMessage` (a test sees to it).
    return UNEXPECTED


def _fill(template: str, error: ValidationError) -> str:
    choices = error.validator_value if error.validator == "enum" else ()
    return (
        template.replace("{value!r}", repr(error.instance))
        .replace("{value}", str(error.instance))
        .replace("{choices}", ", ".join(sorted(str(choice) for choice in choices)))
    )
