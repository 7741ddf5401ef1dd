"""manage.py import_session FILE: create or replace a session from its JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pma_governance.interchange.importer import import_document
from pma_governance.interchange.validation import DocumentError


class Command(BaseCommand):
    help = "Importe une séance au format pma-governance.session/1 (crée ou remplace)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier JSON de la séance (« - » pour l'entrée standard)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            raw = (
                self.stdin.read()
                if name == "-" and hasattr(self, "stdin")
                else Path(name).read_text(encoding="utf-8")
            )
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {name} : {exc.strerror}") from exc
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"$ : JSON invalide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"
            ) from exc
        try:
            session = import_document(data)
        except DocumentError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Document refusé : {len(exc.problems)} problème(s), rien n'a été enregistré."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Séance du {session.date:%d/%m/%Y} ({session.body.short_name}) importée."
            )
        )
