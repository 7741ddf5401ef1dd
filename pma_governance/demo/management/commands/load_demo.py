"""manage.py load_demo: the PMA's sessions of 2023 and the demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from meetings.models import Session
from members.models import Body
from pma_governance.demo.loader import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_SIGNING_PASSPHRASE,
    demo_certificates,
    load_demo,
    sign_demo,
)


class Command(BaseCommand):
    help = "Charge la démonstration : séances du PMA de 2023 et comptes de démonstration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Si la démonstration est déjà chargée, seulement émettre les certificats "
            "de signature manquants des signataires.",
        )
        parser.add_argument(
            "--sign",
            action="store_true",
            help=(
                "Signer aussi les actes déjà signés en 2023 (procès-verbal du 4 avril, "
                "délibérations du 13 juin), chaque signataire avec son certificat de démonstration, puis les "
                "publier (portail public, flux, API)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Session.objects.filter(body__short_name="PMA").exists():
            # A demo loaded before the personal certificates gets its signatories' ones.
            with transaction.atomic():
                issued = demo_certificates(Body.objects.get(short_name="PMA"))
            for person in issued:
                self.stdout.write(f"Certificat de signature de démonstration : {person}")
            self.stdout.write("Démonstration déjà chargée.")
            return
        with transaction.atomic():
            body = load_demo()
            if options["sign"]:
                sign_demo(body)
        self.stdout.write(self.style.SUCCESS("Démonstration chargée."))
        for username, *_ in ACCOUNTS:
            self.stdout.write(f"  {username} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"Phrase secrète des certificats de signature (admin, elu) : {DEMO_SIGNING_PASSPHRASE}"
        )
