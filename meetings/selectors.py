"""Read queries of the meetings app: querysets whose query count never grows with data."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from meetings.models import Attendance, Proxy, Session
from members.selectors import bodies_for_user, has_staff_role
from pma_governance.lib.fulltext import search_query


def visible_to_members() -> Q:
    """Sessions an élu may open: convened, held or closed — never the secretariat's plans.

    Until the convocation goes out, the ordre du jour and its projets are work in progress
    of the secretariat (CGCT L2121-10: the convocation is what makes them known).
    """
    return ~Q(status=Session.Status.PLANNED) | Q(convened_on__isnull=False)


def sessions_for_user(user: Any) -> QuerySet[Session]:
    """Sessions of the user's bodies only: never another body's (DESIGN §1).

    The secretariat and administrators see every session of their bodies; an élu only
    those already convened.
    """
    sessions = Session.objects.filter(body__in=bodies_for_user(user))
    if not has_staff_role(user):
        sessions = sessions.filter(visible_to_members())
    return sessions.select_related("body", "president__person", "secretary__person").order_by(
        "-date"
    )


def sessions_matching(sessions: QuerySet[Session], text: str) -> QuerySet[Session]:
    """Sessions whose ordre du jour or procès-verbal speaks of `text` (French full text).

    The PV's stored vector holds its texts and the titles and debates of the session's
    items (pma_governance.lib.fulltext, the same machinery as the archive search).
    """
    query = search_query(text)
    if query is None:
        return sessions
    return sessions.filter(pv__search_vector=query)


def declared_names(session: Session) -> list[str]:
    """Members whose roll lines were pre-filled from their answers and are not confirmed
    yet (meetings.prefill), by name; two queries."""
    names = {
        a.mandate.person.full_name: a.mandate.person.last_name
        for a in Attendance.objects.filter(session=session, declared=True).select_related(
            "mandate__person"
        )
    }
    names.update(
        (p.giver.person.full_name, p.giver.person.last_name)
        for p in Proxy.objects.filter(
            session=session, declared=True, revoked_at__isnull=True
        ).select_related("giver__person")
    )
    return sorted(names, key=lambda name: (names[name].casefold(), name))
