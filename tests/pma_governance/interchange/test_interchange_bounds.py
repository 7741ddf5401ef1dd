"""Malformed documents, read from their bytes: each refused in French by JSON path, never a
traceback, nothing written — too big, not UTF-8, a key twice, NaN, a number too big, nesting
too deep, a text too long or holding control characters (issue 11, point 4).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetings.models import Session
from pma_governance.interchange.reading import MAX_DEPTH
from pma_governance.lib import limits
from tests.conftest import Refusal, row_counts, seed_document

pytestmark = pytest.mark.django_db

Refuse = Callable[[Any], Refusal]
AULA = 7  # the seed's first deliberation


@pytest.fixture(autouse=True)
def _seed_imported(seed_session: Session) -> None:
    """A previously imported session the refused documents must leave untouched."""


def _refused_bytes(tmp_path: Path, raw: bytes) -> str:
    """Import raw bytes that must be refused; what the command said. Nothing is written."""
    path = tmp_path / "session.json"
    path.write_bytes(raw)
    before = row_counts()
    stderr = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_session", str(path), stdout=io.StringIO(), stderr=stderr)
    assert row_counts() == before
    assert "rien n'a été enregistré" in str(excinfo.value)
    return stderr.getvalue()


def _seed_text() -> str:
    return json.dumps(seed_document(), ensure_ascii=False, indent=1)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 5_000
    raw = _seed_text().encode()

    said = _refused_bytes(tmp_path, raw)

    assert said.strip() == (
        f"$ : fichier trop volumineux : {limits.french_count(len(raw))} octets pour "
        "5\u202f000 au plus (IMPORT_MAX_BYTES)."
    )


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    raw = _seed_text().encode().replace(b"Syndicat", b"Syndic\xe0t", 1)

    said = _refused_bytes(tmp_path, raw)

    assert "$ : le fichier n'est pas en UTF-8 (octet 0xE0 à la ligne" in said


def test_a_syntax_error_is_refused_in_french(tmp_path: Path) -> None:
    said = _refused_bytes(tmp_path, b'{"format": "pma-governance.session/1",}')

    assert said.strip() == (
        "$ : JSON invalide (ligne 1, colonne 39) : un nom de clé entre guillemets est attendu."
    )


def test_a_key_given_twice_is_refused_at_its_object(tmp_path: Path) -> None:
    text = _seed_text().replace(
        '"kind": "deliberation",', '"kind": "deliberation", "kind": "x",', 1
    )

    said = _refused_bytes(tmp_path, text.encode())

    assert "$.session.items[7] : la clé « kind » figure deux fois." in said


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "NaN n'est pas une valeur JSON admise ici : un nombre est attendu."),
        ("-Infinity", "-Infinity n'est pas une valeur JSON admise ici : un nombre est attendu."),
        ("1e400", "nombre hors limites (1e400)."),
        ("9" * 5000, "nombre trop grand (5000 chiffres)."),
    ],
)
def test_numbers_json_should_not_hold_are_refused_where_they_stand(
    tmp_path: Path, value: str, message: str
) -> None:
    text = json.dumps({**seed_document(), "format": "@"}).replace('"@"', value)

    said = _refused_bytes(tmp_path, text.encode())

    assert said.strip() == f"$.format : {message}"


def test_nesting_deeper_than_the_limit_is_refused_at_its_depth(refused_import: Refuse) -> None:
    doc = seed_document()
    nested: list[Any] = []
    doc["session"]["annexe"] = nested
    for _ in range(MAX_DEPTH + 5):
        nested.append([])
        nested = nested[0]

    refusal = refused_import(doc)

    path = "$.session.annexe" + "[0]" * (MAX_DEPTH - 1)
    assert refusal.stderr.strip() == f"{path} : imbrication trop profonde : 32 niveaux au plus."


def test_nesting_beyond_what_python_parses_is_refused_too(tmp_path: Path) -> None:
    said = _refused_bytes(tmp_path, b"[" * 100_000 + b"]" * 100_000)

    assert said.strip() == "$ : imbrication trop profonde : 32 niveaux au plus."


def test_a_text_over_its_limit_is_refused_at_its_path(refused_import: Refuse) -> None:
    doc = seed_document()
    doc["session"]["items"][AULA]["considerants"] = "x" * (limits.CONSIDERANTS + 1)
    doc["session"]["items"][AULA]["dispositif"] = "y" * (limits.DISPOSITIF + 1)
    doc["session"]["items"][AULA]["title"] = "z" * 401

    refusal = refused_import(doc)

    item = f"$.session.items[{AULA}]"
    assert sorted(refusal.stderr.splitlines()) == [
        f"{item}.considerants : ce texte ne peut dépasser 135\u202f000 caractères "
        "(il en compte 135\u202f001).",
        f"{item}.dispositif : ce texte ne peut dépasser 7\u202f500 caractères "
        "(il en compte 7\u202f501).",
        f"{item}.title : ce texte ne peut dépasser 400 caractères (il en compte 401).",
    ]


def test_too_many_visas_are_refused(refused_import: Refuse) -> None:
    doc = seed_document()
    doc["session"]["items"][AULA]["visas"] = ["le Code"] * (limits.VISAS_COUNT + 1)

    refusal = refused_import(doc)

    assert refusal.stderr.strip() == (
        f"$.session.items[{AULA}].visas : Un acte ne peut viser plus de 80 textes (il en vise 81)."
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Partenariat\x00", "U+0000"),
        ("Partenariat \u202egpj.exe", "U+202E"),
        ("\u2066Partenariat\u2069\x1b", "U+001B, U+2066, U+2069"),
        ("Partenariat \ud800", "U+D800"),
    ],
)
def test_control_characters_are_refused_at_their_path(
    refused_import: Refuse, text: str, found: str
) -> None:
    doc = seed_document()
    doc["session"]["items"][AULA]["title"] = text

    refusal = refused_import(json.dumps(doc))

    assert refusal.stderr.strip() == (
        f"$.session.items[{AULA}].title : ce texte contient des caractères de contrôle "
        f"interdits ({found}) : retirez-les."
    )


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (("date", "2023-02-30"), "$.session.date", "date invalide « 2023-02-30 »"),
        (("date", 20230613), "$.session.date", "une chaîne de caractères est attendue."),
        (("items", {"kind": "x"}), "$.session.items", "une liste JSON est attendue."),
    ],
)
def test_bad_dates_and_wrong_types_are_refused_by_path(
    refused_import: Refuse, change: tuple[str, Any], path: str, message: str
) -> None:
    doc = seed_document()
    doc["session"][change[0]] = change[1]

    refusal = refused_import(doc)

    assert path in refusal.paths
    assert message in refusal.stderr


def test_the_standard_input_is_bounded_too(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1_000
    before = row_counts()
    stderr = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_session",
            "-",
            stdin=io.StringIO(_seed_text()),
            stdout=io.StringIO(),
            stderr=stderr,
        )

    assert stderr.getvalue().startswith("$ : fichier trop volumineux")
    assert row_counts() == before
