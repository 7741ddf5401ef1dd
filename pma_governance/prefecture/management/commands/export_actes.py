"""`manage.py export_actes --number 2023/PMA00192 --out DIR`: the act's @ctes archive.

Writes `DIR/EACT--{SIREN}--{AAAAMMJJ}-{n}.tar.gz`, byte for byte what the secretariat's
button « Télécharger pour @ctes » gives the same day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliberations.models import Deliberation
from pma_governance.prefecture.actes import actes_archive


class Command(BaseCommand):
    help = "Écrit l'archive @ctes (.tar.gz) d'une délibération signée."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--number", required=True, help="Numéro de l'acte, ex. 2023/PMA00192")
        parser.add_argument("--out", required=True, help="Dossier où écrire l'archive")
        parser.add_argument("--body", help="Sigle de l'assemblée, si le numéro est ambigu")
        parser.add_argument(
            "--sent-on",
            type=dt.date.fromisoformat,
            help="Jour d'envoi AAAA-MM-JJ (par défaut : la date de transmission, sinon aujourd'hui)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        acts = Deliberation.objects.filter(number=options["number"])
        if options["body"]:
            acts = acts.filter(body__short_name=options["body"])
        found = list(acts[:2])
        if not found:
            raise CommandError(f"Aucune délibération n° {options['number']}.")
        if len(found) > 1:
            raise CommandError(
                f"Plusieurs assemblées ont une délibération n° {options['number']} : "
                "précisez --body."
            )
        out = Path(options["out"])
        if not out.is_dir():
            raise CommandError(f"Le dossier « {out} » n'existe pas.")
        try:
            archive = actes_archive(found[0], sent_on=options["sent_on"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        path = out / archive.name
        path.write_bytes(archive.content)
        self.stdout.write(str(path))
