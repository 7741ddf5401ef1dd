"""The document's structure (its JSON Schema): each fault one French problem at its JSON path.

No database: the structure is checked before anything is looked up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from deliberations.facts import FORMAT
from deliberations.models import Vote
from meetings.models import AgendaItem
from pma_governance.interchange.schema import SCHEMA, schema_problems
from pma_governance.interchange.validation import in_document_order
from tests.conftest import seed_document

Doc = dict[str, Any]
AULA, MBM = 7, 8  # two deliberations of the seed, the first with a non-participant


def _problems(change: Callable[[Doc], object]) -> list[tuple[str, str]]:
    doc = seed_document()
    change(doc)
    return schema_problems(doc)


def test_the_seed_has_a_sound_structure() -> None:
    assert schema_problems(seed_document()) == []


def test_the_schema_is_a_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["session"]["items"][MBM].update(vote={"for": "17"}),
            f"$.session.items[{MBM}].vote.for",
            "un nombre entier positif ou nul est attendu.",
        ),
        (
            lambda d: d["session"].update(present="bavay"),
            "$.session.present",
            "une liste JSON est attendue.",
        ),
        (
            lambda d: d["body"]["rules"].update(substitutes="oui"),
            "$.body.rules.substitutes",
            "true ou false est attendu.",
        ),
        (
            lambda d: d["session"]["items"][1].update(title=12),
            "$.session.items[1].title",
            "une chaîne de caractères est attendue.",
        ),
        (
            lambda d: d["session"]["proxies"][0].update(to=3),
            "$.session.proxies[0].to",
            "identifiant de mandat inconnu : 3.",
        ),
        (lambda d: d.update(body=[]), "$.body", "un objet JSON est attendu."),
    ],
    ids=["count", "list", "boolean", "text", "mandate id", "object"],
)
def test_a_value_of_the_wrong_type(
    change: Callable[[Doc], object], path: str, message: str
) -> None:
    assert _problems(change) == [(path, message)]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["session"]["items"][1].pop("title"),
            "$.session.items[1].title",
            "valeur obligatoire manquante.",
        ),
        (
            lambda d: d["session"]["items"][1].update(title=None),
            "$.session.items[1].title",
            "valeur obligatoire manquante.",
        ),
        (
            lambda d: d["session"]["items"][1].update(title=""),
            "$.session.items[1].title",
            "valeur obligatoire manquante.",
        ),
        (
            lambda d: d["session"]["proxies"][1].pop("from"),
            "$.session.proxies[1].from",
            "valeur obligatoire manquante.",
        ),
        (
            lambda d: d["mandates"][2].pop("role"),
            "$.mandates[2].role",
            "« titulaire » ou « suppléant » attendu.",
        ),
        (
            lambda d: d.pop("format"),
            "$.format",
            "format « pma-governance.session/1 » attendu, reçu None.",
        ),
        (lambda d: d.pop("session"), "$.session", "un objet JSON est attendu."),
    ],
    ids=["text", "null text", "empty text", "proxy giver", "role", "format", "session"],
)
def test_a_missing_value(change: Callable[[Doc], object], path: str, message: str) -> None:
    assert _problems(change) == [(path, message)]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["session"]["items"][1].update(kind="motion"),
            "$.session.items[1].kind",
            "nature inconnue 'motion' (deliberation, information, pv_adoption, "
            "questions_diverses).",
        ),
        (
            lambda d: d["session"]["items"][MBM].update(ballot="main levée"),
            f"$.session.items[{MBM}].ballot",
            "mode de scrutin inconnu 'main levée'.",
        ),
        (
            lambda d: d["mandates"][0].update(civility="Mlle"),
            "$.mandates[0].civility",
            "« M. » ou « Mme » attendu.",
        ),
        (
            lambda d: d["body"]["rules"].update(quorum_fraction="2/3"),
            "$.body.rules.quorum_fraction",
            "« 1/2 » ou « 1/3 » attendu.",
        ),
        (
            lambda d: d["session"].update(date="13/06/2023"),
            "$.session.date",
            "date invalide « 13/06/2023 » (format AAAA-MM-JJ attendu).",
        ),
        (
            lambda d: d["session"].update(time="14h30"),
            "$.session.time",
            "heure invalide « 14h30 » (format HH:MM attendu).",
        ),
        (
            lambda d: d["session"]["items"][MBM].update(vote={"unanimous": False}),
            f"$.session.items[{MBM}].vote",
            'vote illisible : {"unanimous": true}, des décomptes ou un appel nominal.',
        ),
        (
            lambda d: d["body"].update(numbering="{year}/PMA"),
            "$.body.numbering",
            "le modèle de numérotation doit contenir {seq}.",
        ),
    ],
    ids=["item kind", "ballot", "civility", "quorum", "date", "time", "vote", "numbering"],
)
def test_a_value_not_allowed(change: Callable[[Doc], object], path: str, message: str) -> None:
    assert _problems(change) == [(path, message)]


@pytest.mark.parametrize("count", [17.0, True, -1])
def test_a_count_is_a_json_integer_zero_or_more(count: object) -> None:
    problems = _problems(lambda d: d["session"]["items"][MBM].update(vote={"for": count}))

    assert problems == [
        (f"$.session.items[{MBM}].vote.for", "un nombre entier positif ou nul est attendu.")
    ]


def test_several_problems_are_all_listed() -> None:
    def change(d: Doc) -> None:
        d["format"] = "autre"
        d["mandates"][3]["civility"] = "Monsieur"
        d["session"]["date"] = "2023-06-31"
        d["session"]["items"][1]["kind"] = "motion"
        d["session"]["items"][AULA]["visas"][1] = " "
        d["session"]["items"][MBM]["vote"] = {"for": 10, "against": "deux"}

    assert set(_problems(change)) == {
        ("$.format", "format « pma-governance.session/1 » attendu, reçu 'autre'."),
        ("$.mandates[3].civility", "« M. » ou « Mme » attendu."),
        ("$.session.date", "date invalide « 2023-06-31 » (format AAAA-MM-JJ attendu)."),
        (
            "$.session.items[1].kind",
            "nature inconnue 'motion' (deliberation, information, pv_adoption, "
            "questions_diverses).",
        ),
        (f"$.session.items[{AULA}].visas[1]", "un visa est un texte non vide."),
        (f"$.session.items[{MBM}].vote.against", "un nombre entier positif ou nul est attendu."),
    }


def test_a_deliberations_texts_and_a_vote_are_read_only_where_they_belong() -> None:
    def change(d: Doc) -> None:
        d["session"]["items"][1].update(visas=[""], vote="à main levée", ballot="aucun")

    # An information item is not voted: the checks say so, not the structure.
    assert _problems(change) == []


def test_keys_the_format_does_not_name_are_read_as_given() -> None:
    def change(d: Doc) -> None:
        d["generator"] = "tableur"
        d["session"]["computed"] = {"quorum": 12}
        d["session"]["items"][1]["annexes"] = ["plan.pdf"]

    assert _problems(change) == []


def test_a_document_that_is_no_object_is_one_problem() -> None:
    assert schema_problems([seed_document()]) == [("$", "un objet JSON est attendu.")]


def test_problems_are_listed_from_the_top_of_the_document() -> None:
    doc = seed_document()
    problems = [
        ("$.session.items[2].title", "b"),
        ("$.session.date", "a"),
        ("$.session.items[10].kind", "c"),
        ("$.format", "d"),
        ("$.session.items[2].title", "e"),
    ]

    assert [message for _, message in in_document_order(problems, doc)] == list("dabec")


def test_the_allowed_values_are_those_of_the_application() -> None:
    defs = SCHEMA["$defs"]

    assert SCHEMA["properties"]["format"]["const"] == FORMAT
    assert defs["item"]["properties"]["kind"]["enum"] == sorted(AgendaItem.Kind.values)
    assert set(defs["ballot"]["enum"]) == set(Vote.Ballot.values)


def _refusing(schema: Any) -> Iterator[Mapping[str, Any]]:
    """Every subschema that may refuse a value (an `if` only chooses what applies)."""
    if isinstance(schema, Mapping):
        yield schema
        for key, value in schema.items():
            if key in ("properties", "$defs"):  # names, each with its schema
                for subschema in value.values():
                    yield from _refusing(subschema)
            elif key in ("items", "then", "else", "not"):
                yield from _refusing(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                for subschema in value:
                    yield from _refusing(subschema)


def test_every_constraint_beyond_a_type_has_its_french_message() -> None:
    worded = {"enum", "const", "pattern", "minimum", "anyOf", "format"}
    for schema in _refusing(SCHEMA):
        message = schema.get("errorMessage")
        for keyword in worded & set(schema):
            assert isinstance(message, str) or keyword in (message or {}), (keyword, schema)
