"""manage.py make_demo_certificate [--force]: the demo PKCS#12 at SIGNING_PKCS12_PATH."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pma_governance.lib.certificates import make_demo_certificate, root_key_path, root_pem_path


class Command(BaseCommand):
    help = (
        "Crée un certificat de signature de démonstration (autorité racine auto-signée "
        "et certificat signataire) à l'emplacement SIGNING_PKCS12_PATH."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Remplace un certificat existant ; seule façon de s'exécuter quand DEBUG "
            "est désactivé.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = options["force"]
        # A demo certificate must never sign real acts by accident.
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG est désactivé : un certificat de démonstration ne doit pas servir en "
                "production. Fournissez le certificat de la collectivité via "
                "SIGNING_PKCS12_PATH, ou relancez avec --force."
            )
        path = Path(settings.SIGNING_PKCS12_PATH)
        if path.exists() and not force:
            self.stdout.write(
                f"Certificat de signature déjà présent : {path} (inchangé ; --force pour le "
                "remplacer)."
            )
            return
        make_demo_certificate(path, settings.SIGNING_PKCS12_PASSPHRASE, force=force)
        self.stdout.write(
            self.style.SUCCESS(f"Certificat de signature de démonstration créé : {path}")
        )
        self.stdout.write(
            f"Autorité racine (à déclarer comme certificat de confiance) : {root_pem_path(path)}"
        )
        self.stdout.write(
            f"Clé de l'autorité (émet les certificats personnels des signataires de la "
            f"démonstration, load_demo) : {root_key_path(path)}"
        )
        self.stdout.write("Phrase secrète : celle de SIGNING_PKCS12_PASSPHRASE.")
