"""Access to sessions: a user reaches a session only through the bodies open to him."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from meetings.models import Session
from meetings.selectors import sessions_for_user
from members.access import require_perm


def get_session_for_user(request: HttpRequest, pk: int, *, edit: bool = False) -> Session:
    """A session of a body the user may see; 404 otherwise, 403 for a write without right.

    An élu sees his own body's sessions, read-only; never another body's.
    """
    session = get_object_or_404(sessions_for_user(request.user).select_related("reconvenes"), pk=pk)
    if edit:
        require_perm(request, "meetings.change_session")
    return session
