"""Read queries of the members app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from members.models import Body, Mandate


def bodies_for_user(user: Any) -> QuerySet[Body]:
    """Bodies a user may see: all for superusers, those granted by BodyAccess otherwise."""
    if not getattr(user, "is_authenticated", False):
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(accesses__user=user)


def mandates_open_on(body: Body, day: dt.date) -> QuerySet[Mandate]:
    """Mandates (titulaires and suppléants) of a body open on a date."""
    return (
        Mandate.objects.filter(body=body, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person", "entity")
        .order_by("role", "person__last_name", "person__first_name")
    )


def members_in_office(body: Body, day: dt.date) -> QuerySet[Mandate]:
    """Members in office at a date: titulaire mandates open at that date (DESIGN §3)."""
    return mandates_open_on(body, day).filter(role=Mandate.Role.TITULAIRE)
