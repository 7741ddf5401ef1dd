"""manage.py render_pdf --body PMA --date 2023-06-13 --doc pv --out FILE.

Documents of a session: pv, liste, convocation, emargement; one act:
`--doc deliberation --number 2023/PMA00192`. A signed document comes out as stored.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliberations.models import Deliberation
from deliberations.storage import stored_pdf
from meetings.models import Session
from members.models import Body
from pma_governance.documents.catalog import KINDS, document_kind, document_pdf


class Command(BaseCommand):
    help = (
        "Produit le PDF d'un document officiel : pv, liste, convocation, emargement d'une "
        "séance, ou deliberation (avec --number)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", required=True, help="Sigle de l'assemblée (ex. PMA)")
        parser.add_argument("--date", help="Date de la séance (AAAA-MM-JJ)")
        parser.add_argument("--doc", required=True, help=f"Document : {', '.join(KINDS)}")
        parser.add_argument("--number", help="Numéro de la délibération (ex. 2023/PMA00192)")
        parser.add_argument("--out", required=True, help="Fichier PDF à écrire (« - » : stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["doc"]
        try:
            spec = document_kind(kind)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        body = Body.objects.filter(short_name=options["body"]).first()
        if body is None:
            raise CommandError(f"Aucune assemblée de sigle « {options['body']} ».")
        day = self._day(options["date"])
        session: Session | None = None
        deliberation: Deliberation | None = None
        if spec.per_deliberation:
            deliberation = self._deliberation(body, options["number"], day)
            session = deliberation.item.session if deliberation.item else None
        else:
            if day is None:
                raise CommandError(f"Indiquez la date de la séance (--date) pour « {kind} ».")
            session = Session.objects.select_related("body").filter(body=body, date=day).first()
            if session is None:
                raise CommandError(f"Aucune séance du {day:%d/%m/%Y} pour {body.short_name}.")

        # A signed document is served as stored, never rendered again (DESIGN §2).
        pdf = stored_pdf(kind, session, deliberation)
        if pdf is None:
            try:
                pdf = document_pdf(kind, session=session, deliberation=deliberation)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self._write(options["out"], pdf)

    def _day(self, raw: str | None) -> dt.date | None:
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise CommandError(f"Date invalide : {raw} (AAAA-MM-JJ attendu).") from exc

    def _deliberation(self, body: Body, number: str | None, day: dt.date | None) -> Deliberation:
        if not number:
            raise CommandError("Indiquez le numéro de la délibération (--number 2023/PMA00192).")
        deliberation = (
            Deliberation.objects.select_related("body", "item__session__body")
            .filter(body=body, number=number)
            .first()
        )
        if deliberation is None:
            raise CommandError(f"Aucune délibération n°{number} pour {body.short_name}.")
        if day is not None and (deliberation.item is None or deliberation.item.session.date != day):
            raise CommandError(
                f"La délibération n°{number} n'a pas été prise en séance du {day:%d/%m/%Y}."
            )
        return deliberation

    def _write(self, out: str, pdf: bytes) -> None:
        if out == "-":
            sys.stdout.buffer.write(pdf)
            sys.stdout.buffer.flush()
            return
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire {out} : {exc.strerror}.") from exc
        self.stdout.write(f"{path} : {len(pdf)} octets.")
