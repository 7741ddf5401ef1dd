"""`manage.py backup [--out FILE]`: a pg_dump archive and its manifest (README « Sauvegardes »).

The archive (`pg_dump` custom format) and its manifest — the archive's SHA-256, every
table's row count, every stored document's SHA-256, read in the archive's own snapshot —
go to var/backups/<base>-<AAAAMMJJ-HHMMSS>.dump and .manifest.json, or to --out. The dump
runs as the owner (DATABASE_MIGRATE_URL) when it is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from pma_governance.lib.backup import ARCHIVE_SUFFIX, BackupError, backup, default_archive
from pma_governance.lib.dbroles import owner_settings


class Command(BaseCommand):
    help = "Sauvegarde la base : archive pg_dump et manifeste des empreintes SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            help=f"fichier de l'archive ({ARCHIVE_SUFFIX}) ; par défaut var/backups/, horodaté",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        conf = owner_settings(connection.settings_dict, settings.DATABASE_MIGRATE_URL)
        if options["out"]:
            archive = Path(options["out"]).resolve()
        else:
            directory = Path(settings.VAR_DIR) / "backups"
            archive = default_archive(directory, str(conf["NAME"]), timezone.localtime())
        if archive.exists():
            raise CommandError(f"{archive} existe déjà : une sauvegarde n'en écrase pas une autre.")
        try:
            result = backup(conf, archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = result.archive.stat().st_size / 1_000_000
        self.stdout.write(f"Sauvegarde écrite : {result.archive} ({size:.1f} Mo)")
        self.stdout.write(f"Manifeste : {result.manifest}")
        self.stdout.write(
            f"{result.tables} tables, {result.rows} lignes, {result.documents} documents "
            "(PDF signés, annexes) avec leur SHA-256."
        )
        for warning in result.warnings:
            self.stderr.write(f"Attention, dans la base sauvegardée : {warning}.")
