"""`manage.py backup` and `restore` (issue 11, point 7): a backup of a database holding
signed acts restores into an empty database with the same rows and the same signed PDFs,
byte for byte; a tampered archive or manifest is reported, a non-empty database refused.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deliberations.models import SignedDocument
from pma_governance.lib.backup import connect, manifest_path, row_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _server(sql: str) -> None:
    with connect({**connection.settings_dict, "NAME": "postgres"}) as server:
        server.autocommit = True
        server.execute(sql)


@pytest.fixture
def empty_database() -> Iterator[Callable[[str], str]]:
    """Make empty databases beside the test database; drop them afterwards."""
    made: list[str] = []

    def make(suffix: str) -> str:
        name = f"{connection.settings_dict['NAME']}_{suffix}"
        _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _server(f'CREATE DATABASE "{name}"')
        made.append(name)
        return name

    yield make
    for name in made:
        _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backup(signing_certificate: Path, tmp_path: Path) -> Path:
    """The demo with its acts of 2023 signed, backed up; the archive."""
    call_command("load_demo", "--sign", stdout=io.StringIO())
    assert SignedDocument.objects.count() >= 3
    archive = tmp_path / "sauvegarde.dump"
    out = io.StringIO()
    call_command("backup", "--out", str(archive), stdout=out)
    assert "Sauvegarde écrite" in out.getvalue()
    return archive


def _restore(archive: Path, into: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("restore", str(archive), "--into", into, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _refused_restore(archive: Path, into: str) -> tuple[str, str]:
    stderr = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("restore", str(archive), "--into", into, stdout=io.StringIO(), stderr=stderr)
    return str(excinfo.value), stderr.getvalue()


def _restored(name: str) -> psycopg.Connection[Any]:
    conf = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=conf["USER"],
        password=conf["PASSWORD"] or None,
        host=conf["HOST"] or None,
        port=conf["PORT"] or None,
    )


def test_a_backup_restores_with_every_row_and_every_signed_pdf(
    backup: Path, empty_database: Callable[[str], str]
) -> None:
    manifest = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
    signed = {doc.pk: bytes(doc.pdf) for doc in SignedDocument.objects.all()}
    listed = {
        d["id"]: d["sha256"]
        for d in manifest["documents"]
        if d["modele"].endswith("SignedDocument")
    }
    assert listed == {pk: hashlib.sha256(pdf).hexdigest() for pk, pdf in signed.items()}
    with connect(connection.settings_dict) as source:
        counts = row_counts(source)
    assert manifest["lignes"] == counts and counts["public.deliberations_signeddocument"] == len(
        signed
    )

    name = empty_database("restauree")
    out, _ = _restore(backup, name)

    assert "Vérifiée" in out and f"{len(counts)} tables" in out
    with _restored(name) as restored:
        assert row_counts(restored) == counts
        rows = restored.execute(
            "SELECT id, pdf, sha256 FROM deliberations_signeddocument ORDER BY id"
        ).fetchall()
        assert {pk: bytes(pdf) for pk, pdf, _ in rows} == signed
        assert all(hashlib.sha256(bytes(pdf)).hexdigest() == sha for _, pdf, sha in rows)
        # The freeze came back with the data, still without a bypass.
        names = restored.execute("SELECT array_agg(tgname::text)::text FROM pg_trigger").fetchone()
        assert names is not None
        restored.execute("SELECT set_config('pgtrigger.ignore', %s, false)", [names[0]])
        with pytest.raises(psycopg.errors.RestrictViolation):
            restored.execute("UPDATE deliberations_signeddocument SET pdf = 'faux'")


def test_tampering_is_reported_and_nothing_mixed(
    backup: Path, empty_database: Callable[[str], str], tmp_path: Path
) -> None:
    """A non-empty database, an altered archive, a manifest that differs, none at all."""
    full = empty_database("pleine")
    _restore(backup, full)
    message, _ = _refused_restore(backup, full)
    assert f"La base « {full} » n'est pas vide" in message
    assert "une sauvegarde se restaure dans une base vide" in message

    altered = tmp_path / "alteree.dump"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(bytes(data))
    manifest_path(altered).write_bytes(manifest_path(backup).read_bytes())
    name = empty_database("alteree")
    message, _ = _refused_restore(altered, name)
    assert "ne correspond pas à son manifeste" in message and "Rien n'a été restauré" in message
    with _restored(name) as restored:
        assert row_counts(restored) == {}

    path = manifest_path(backup)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    document = manifest["documents"][0]
    document["sha256"] = "0" * 64
    manifest["lignes"]["public.deliberations_deliberation"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    message, stderr = _refused_restore(backup, empty_database("manifeste"))
    assert "ne correspond pas au manifeste : 2 écart(s)" in message
    assert f"{document['modele']} n° {document['id']} : SHA-256" in stderr
    assert "table public.deliberations_deliberation" in stderr

    path.unlink()
    message, _ = _refused_restore(backup, empty_database("sans_manifeste"))
    assert "Le manifeste sauvegarde.manifest.json est introuvable" in message
