"""`manage.py restore FILE [--into BASE]`: restore a backup into an empty database, then
check it against its manifest (README « Sauvegardes »).

The archive must match its manifest's SHA-256 and the database must be empty (nothing
is mixed or overwritten); `pg_restore` runs in one transaction. Then every table's rows
are counted and every document's SHA-256 is computed again from the restored bytes, and
compared with the manifest. --into names another database of the same server (created
if missing) or gives its postgresql:// URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pma_governance.lib.backup import BackupError, connect, restore, verify
from pma_governance.lib.dbroles import grant_data_rights, owner_settings
from pma_governance.lib.envconf import database_from_url


def _create_if_missing(conf: dict[str, Any]) -> None:
    with connect({**conf, "NAME": "postgres"}) as server:
        server.autocommit = True
        name = str(conf["NAME"])
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(f'CREATE DATABASE "{name.replace(chr(34), chr(34) * 2)}"')


class Command(BaseCommand):
    help = "Restaure une sauvegarde dans une base vide et la vérifie contre son manifeste."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="l'archive .dump (son manifeste est à côté)")
        parser.add_argument(
            "--into",
            help="base cible : un nom (même serveur, créée au besoin) ou une URL postgresql://",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        conf = owner_settings(connection.settings_dict, settings.DATABASE_MIGRATE_URL)
        into = options["into"]
        try:
            if into and "://" in into:
                conf = {**database_from_url(into)}
            elif into:
                conf = {**conf, "NAME": into}
                _create_if_missing(conf)
            manifest = restore(conf, Path(options["archive"]))
            runtime_role = str(connection.settings_dict["USER"])
            if settings.DATABASE_MIGRATE_URL and runtime_role != conf["USER"]:
                with connect(conf) as target:
                    grant_data_rights(target.cursor(), runtime_role)
            self.stdout.write(
                f"Archive conforme à son manifeste (sauvegarde du {manifest.get('prise_le')}), "
                f"restaurée dans la base « {conf['NAME']} »."
            )
            result = verify(conf, manifest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"Écart : {problem}.")
            raise CommandError(
                f"La base restaurée ne correspond pas au manifeste : {len(result.problems)} "
                "écart(s), ci-dessus."
            )
        self.stdout.write(
            f"Vérifiée : {result.tables} tables et {result.rows} lignes, comme au manifeste ; "
            f"{result.documents} documents (PDF signés, annexes) dont le SHA-256, recalculé "
            "sur les octets restaurés, est celui du manifeste."
        )
