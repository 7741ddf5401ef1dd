"""The live room's writes: the item shown on screen, the room display's token."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings.models import AgendaItem, Session
from pma_governance.live.models import SessionScreen


def token_hash(token: str) -> str:
    """What is stored of a display token: its SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _screen(session: Session) -> SessionScreen:
    # Lock the session first, as every service writing its roll does, then its screen row
    # (which the database's triggers lock in that order too): no deadlock between them.
    Session.objects.select_for_update().get(pk=session.pk)
    screen, _ = SessionScreen.objects.select_for_update().get_or_create(session=session)
    return screen


@transaction.atomic
def current_item_set(*, session: Session, item: AgendaItem | None) -> SessionScreen:
    """Show `item` on the room display and the élus' devices (None: no item shown)."""
    if item is not None and item.session_id != session.pk:
        raise ValidationError(
            f"Le point « {item.title} » n'est pas à l'ordre du jour de la séance."
        )
    screen = _screen(session)
    SessionScreen.objects.filter(pk=screen.pk).update(current_item=item, version=F("version") + 1)
    screen.refresh_from_db()
    return screen


@transaction.atomic
def display_token_issue(*, session: Session) -> str:
    """A new token for the room display; the previous one stops working at once.

    Only its hash is kept: the token is shown this once, in the address to open on the
    projector's computer.
    """
    token = secrets.token_urlsafe(32)
    screen = _screen(session)
    SessionScreen.objects.filter(pk=screen.pk).update(
        display_token_hash=token_hash(token), display_token_at=timezone.now()
    )
    return token
