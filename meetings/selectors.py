"""Read queries of the meetings app: querysets whose query count never grows with data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from meetings.models import Session
from members.selectors import bodies_for_user


def sessions_for_user(user: Any) -> QuerySet[Session]:
    return (
        Session.objects.filter(body__in=bodies_for_user(user))
        .select_related("body", "president__person", "secretary__person")
        .order_by("-date")
    )
