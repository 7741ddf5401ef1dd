"""manage.py import_session FILE: create or replace a session from its JSON document."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pma_governance.interchange.importer import import_document
from pma_governance.interchange.reading import import_max_bytes, read_document, size_problem
from pma_governance.interchange.validation import DocumentError


class Command(BaseCommand):
    help = "Importe une séance au format pma-governance.session/1 (crée ou remplace)."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier JSON de la séance (« - » pour l'entrée standard)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            raw = self._read(name, options.get("stdin") or sys.stdin)
            session = import_document(read_document(raw))
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

    def _read(self, name: str, stdin: Any) -> bytes:
        """The file's bytes; one over IMPORT_MAX_BYTES is refused before it is read."""
        limit = import_max_bytes()
        try:
            if name == "-":
                raw = getattr(stdin, "buffer", stdin).read(limit + 1)
                return raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
            path = Path(name)
            too_big = size_problem(path.stat().st_size)
            if too_big is not None:
                raise DocumentError([too_big])
            with path.open("rb") as file:
                return file.read(limit + 1)
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {name} : {exc.strerror}") from exc
