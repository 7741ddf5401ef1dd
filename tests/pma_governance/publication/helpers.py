"""Helpers shared by the prefecture, publication and public-page tests.

`sign_fast` leaves an act as the signing service does (session frozen, signed PDF stored)
without pyHanko, for tests about what happens after signature; the tests that check the
signed bytes themselves sign for real with the demo certificate (`make_certificate`).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from deliberations.models import Deliberation, SignedDocument
from deliberations.storage import store_signed
from meetings.models import ProcesVerbal, Session

PASSPHRASE = "phrase-secrete-de-test"
NUMBER = "2023/PMA00192"
IDENTIFIER = "062-200060358-20230613-2023_PMA00192-DE"
SIGNED_ON = dt.date(2023, 6, 14)


def make_certificate(folder: Path) -> Path:
    """The demo PKCS#12, made by the command `make run` uses."""
    path = folder / "demo.p12"
    with override_settings(SIGNING_PKCS12_PATH=str(path), SIGNING_PKCS12_PASSPHRASE=PASSPHRASE):
        call_command("make_demo_certificate", "--force", stdout=io.StringIO())
    return path


def _signed_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _freeze(session_id: int, at: dt.datetime) -> None:
    Session.objects.filter(pk=session_id, facts_frozen_at__isnull=True).update(facts_frozen_at=at)


def fake_pdf(label: str) -> bytes:
    return f"%PDF-1.7\n% {label}, as signed\n%%EOF\n".encode()


def sign_fast(
    deliberation: Deliberation,
    *,
    on: dt.date = SIGNED_ON,
    frozen_facts: dict[str, Any] | None = None,
) -> SignedDocument:
    """The act signed as the service leaves it, with a small stand-in PDF."""
    assert deliberation.item is not None
    at = _signed_at(on)
    _freeze(deliberation.item.session_id, at)
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status="signed", signed_at=at, frozen_facts=frozen_facts
    )
    deliberation.refresh_from_db()
    return store_signed(
        kind="deliberation",
        deliberation=deliberation,
        pdf=fake_pdf(f"Délibération n° {deliberation.number}"),
        signed_at=at,
        signatories=[{"name": "Alain Bavay"}, {"name": "François Lemaire"}],
    )


def sign_pv_fast(session: Session, *, on: dt.date = SIGNED_ON) -> SignedDocument:
    """The session's PV signed as the service leaves it, with a small stand-in PDF."""
    at = _signed_at(on)
    _freeze(session.pk, at)
    ProcesVerbal.objects.filter(session=session).update(status="signed", signed_at=at)
    return store_signed(
        kind="pv",
        session=session,
        pdf=fake_pdf(f"Procès-verbal du {session.date:%d/%m/%Y}"),
        signed_at=at,
        signatories=[{"name": "Alain Bavay"}, {"name": "François Lemaire"}],
    )


def publish_fast(deliberation: Deliberation, on: dt.date = dt.date(2023, 6, 20)) -> None:
    """Signed then published, as the services leave it."""
    if deliberation.status not in ("signed", "transmitted"):
        sign_fast(deliberation)
    Deliberation.objects.filter(pk=deliberation.pk).update(status="published", published_on=on)
