"""manage.py export_session --body SHORT --date YYYY-MM-DD: the session as JSON on stdout."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings.models import Session
from members.models import Body
from pma_governance.interchange.exporter import export_session


class Command(BaseCommand):
    help = "Exporte une séance au format pma-governance.session/1, avec les chiffres calculés."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", required=True, help="Sigle de l'assemblée (ex. PMA)")
        parser.add_argument("--date", required=True, help="Date de la séance (AAAA-MM-JJ)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(f"Date invalide : {options['date']} (AAAA-MM-JJ attendu).") from exc
        body = Body.objects.filter(short_name=options["body"]).first()
        if body is None:
            raise CommandError(f"Aucune assemblée de sigle {options['body']}.")
        if not Session.objects.filter(body=body, date=day).exists():
            raise CommandError(f"Aucune séance du {day:%d/%m/%Y} pour {body.short_name}.")
        document = export_session(body, day)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
