"""How long a session lasts: it ends after SESSION_IDLE_TIMEOUT without a request, and at
the latest SESSION_MAX_LIFETIME after the login, whatever the activity."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

LOGGED_IN_AT = "accounts_logged_in_at"
SEEN_AT = "accounts_seen_at"
# The last activity is written at most once a minute: most requests do not save the session.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def _now() -> float:
    return timezone.now().timestamp()


def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On every login (user_logged_in): the session's clocks start now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[LOGGED_IN_AT] = now
        session[SEEN_AT] = now


def expiry_reason(session: SessionBase) -> str | None:
    """Why this logged-in session is over, in French; None while it is alive.

    A session without its clocks (opened before they existed) is over too.
    """
    now = _now()
    logged_in_at = session.get(LOGGED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(logged_in_at, float | int) or not isinstance(seen_at, float | int):
        return "Votre session a expiré : reconnectez-vous."
    if now - logged_in_at > settings.SESSION_MAX_LIFETIME.total_seconds():
        return (
            f"Votre session a expiré : une connexion dure au plus "
            f"{duration_text(settings.SESSION_MAX_LIFETIME)}. Reconnectez-vous."
        )
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return (
            f"Votre session a expiré après {duration_text(settings.SESSION_IDLE_TIMEOUT)} "
            "d'inactivité. Reconnectez-vous."
        )
    if now - seen_at >= SEEN_RESOLUTION.total_seconds():
        session[SEEN_AT] = now
    return None


def duration_text(delta: dt.timedelta) -> str:
    """« 1 heure », « 12 heures », « 90 minutes »."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
