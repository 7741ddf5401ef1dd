"""The seed's act 2023/PMA00192 as the prefecture tests use it."""

from __future__ import annotations

from django.utils import timezone

from deliberations.models import Deliberation
from deliberations.storage import store_signed
from meetings.models import Session

NUMBER = "2023/PMA00192"
IDENTIFIER = "062-200060358-20230613-2023_PMA00192-DE"
SIGNED_PDF = b"%PDF-1.7\n% the act as signed\n%%EOF\n"


def sign(deliberation: Deliberation) -> Deliberation:
    """The act signed as the service leaves it (session frozen, PDF stored), without pyHanko."""
    assert deliberation.item is not None
    now = timezone.now()
    Session.objects.filter(pk=deliberation.item.session_id).update(facts_frozen_at=now)
    Deliberation.objects.filter(pk=deliberation.pk).update(status="signed", signed_at=now)
    store_signed(
        kind="deliberation",
        deliberation=deliberation,
        pdf=SIGNED_PDF,
        signed_at=now,
        signatories=[{"name": "Alain Bavay"}, {"name": "François Lemaire"}],
    )
    return Deliberation.objects.get(pk=deliberation.pk)
