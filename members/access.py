"""Access helpers shared by the views: a user sees only the bodies granted to him."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from members.models import Body
from members.selectors import bodies_for_user


def require_perm(request: HttpRequest, perm: str) -> None:
    """Refuse a write to anyone without the permission (secretariat, admin)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")


def can_edit(user: Any) -> bool:
    return bool(user.has_perm("meetings.change_session"))


def get_body_for_user(request: HttpRequest, short_name: str | None = None) -> Body:
    """The body named, or the user's only/first body; 403 when not granted."""
    bodies = bodies_for_user(request.user)
    if short_name:
        return get_object_or_404(bodies, short_name=short_name)
    body = bodies.order_by("name").first()
    if body is None:
        raise PermissionDenied("Aucune assemblée ne vous est ouverte.")
    return body
