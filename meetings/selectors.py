"""Read queries of the meetings app: querysets whose query count never grows with data."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import QuerySet

from meetings.models import Session
from members.selectors import bodies_for_user


def sessions_for_user(user: Any) -> QuerySet[Session]:
    """Sessions of the user's bodies only: never another body's (DESIGN §1)."""
    return (
        Session.objects.filter(body__in=bodies_for_user(user))
        .select_related("body", "president__person", "secretary__person")
        .order_by("-date")
    )


def sessions_matching(sessions: QuerySet[Session], text: str) -> QuerySet[Session]:
    """Sessions whose ordre du jour or procès-verbal speaks of `text` (French full text)."""
    vector = SearchVector(
        "items__title",
        "items__debate_summary",
        "pv__preamble",
        "pv__closing_text",
        config="french",
    )
    query = SearchQuery(text, config="french", search_type="websearch")
    matching = Session.objects.annotate(search=vector).filter(search=query).values("pk")
    return sessions.filter(pk__in=matching)
