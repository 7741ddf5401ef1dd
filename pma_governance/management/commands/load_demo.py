"""manage.py load_demo: the PMA's sessions of 2023 and the demo accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from meetings.interchange import import_document
from meetings.models import Session
from meetings.services import session_create
from members.models import Body, BodyAccess, Mandate
from pma_governance.roles import ADMINISTRATOR, ELECTED, SECRETARIAT, ensure_roles

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "demo-pma-2023"
ACCOUNTS = [
    # username, first name, last name, role, staff, mandate external id
    ("secretariat", "Élodie", "Sénéchal", SECRETARIAT, True, None),
    ("admin", "Direction", "générale des services", ADMINISTRATOR, True, None),
    ("elu", "Sylvain", "Robert", ELECTED, False, "robert"),
]


class Command(BaseCommand):
    help = "Charge la démonstration : séances du PMA de 2023 et comptes de démonstration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si la démonstration est déjà chargée.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Session.objects.filter(body__short_name="PMA").exists():
            self.stdout.write("Démonstration déjà chargée.")
            return
        with transaction.atomic():
            load_demo()
        self.stdout.write(self.style.SUCCESS("Démonstration chargée."))
        for username, *_ in ACCOUNTS:
            self.stdout.write(f"  {username} / {DEMO_PASSWORD}")


def load_demo() -> Body:
    for name in ("pma-2023-04-04.json", "pma-2023-06-13.json"):
        import_document(json.loads((DEMO_DIR / name).read_text(encoding="utf-8")))
    body = Body.objects.get(short_name="PMA")
    body.siret = body.siret or "20006035800014"
    body.statutes_reference = (
        "Arrêté préfectoral du 15 avril 2022 portant modification des statuts du Syndicat Mixte"
    )
    body.save(update_fields=["siret", "statutes_reference"])
    planned = json.loads((DEMO_DIR / "planned.json").read_text(encoding="utf-8"))
    for entry in planned["sessions"]:
        import datetime as dt

        day = dt.date.fromisoformat(entry["date"])
        if not Session.objects.filter(body=body, date=day).exists():
            session_create(
                body=body,
                date=day,
                start_time=dt.time.fromisoformat(entry["time"]),
                end_time=dt.time.fromisoformat(entry["end_time"]),
                place=entry.get("place", ""),
            )
    groups = ensure_roles()
    user_model = get_user_model()
    for username, first, last, role, staff, mandate_id in ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_staff = first, last, staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role]])
        BodyAccess.objects.get_or_create(user=user, body=body)
        if mandate_id:
            person = Mandate.objects.get(body=body, external_id=mandate_id).person
            person.user = user
            person.save(update_fields=["user"])
    return body
