"""`manage.py make_stamped_copies [--body PMA]`: the copies exécutoires still missing.

Each published deliberation whose accusé de réception is recorded gets its stamped copy,
once: running the command again makes nothing new. The copy is normally made when the
second of the two facts is recorded; this command makes those that could not be (acts
published and acknowledged before the feature, a certificate missing at the time).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliberations.executoire import copies_due, stamped_copy_make


class Command(BaseCommand):
    help = "Produit les copies exécutoires tamponnées des délibérations reçues et publiées."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", help="Sigle de l'assemblée (par défaut : toutes)")

    def handle(self, *args: Any, **options: Any) -> None:
        due = copies_due()
        if options["body"]:
            due = due.filter(body__short_name=options["body"])
        made, failures = 0, []
        for deliberation in due:
            try:
                stamped_copy_make(deliberation=deliberation)
            except ValidationError as exc:
                failures.append(" ".join(exc.messages))
                continue
            made += 1
            self.stdout.write(f"Copie exécutoire produite : délibération n° {deliberation.number}")
        self.stdout.write(f"{made} copie(s) exécutoire(s) produite(s).")
        if failures:
            raise CommandError("\n".join(failures))
