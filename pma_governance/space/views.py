"""The members' space: an élu consults his bodies' sessions, their documents, his attendance.

Read-only for everyone; what a user may see is decided by the selectors (his bodies
only, convened sessions only for an élu).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from deliberations.models import Deliberation
from meetings.models import Session
from members.access import get_body_for_user
from members.selectors import bodies_for_user
from pma_governance.space import selectors as space


def _year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2200 else None


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Sessions of one body, year by year, each with its documents."""
    if not bodies_for_user(request.user).exists():
        return render(request, "space/no_body.html", {"nav": "space"})
    body = get_body_for_user(request, request.GET.get("assemblee") or None)
    years = space.session_years(request.user, body)
    year = _year(request.GET.get("annee"))
    if year not in years:
        today = timezone.localdate().year
        year = today if today in years else (years[0] if years else today)
    return render(
        request,
        "space/index.html",
        {
            "nav": "space",
            "body": body,
            "bodies": bodies_for_user(request.user).order_by("name"),
            "years": years,
            "year": year,
            "sessions": space.sessions_of_year(request.user, body, year),
        },
    )


@require_safe
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session as an élu reads it: convocation, ordre du jour, projets, votes, PV."""
    try:
        session = space.space_session(request.user, pk)
    except Session.DoesNotExist:
        raise Http404("Séance introuvable.") from None
    items = list(session.items.all())
    signed = space.signed_deliberations(session)
    pv = getattr(session, "pv", None)
    return render(
        request,
        "space/session.html",
        {
            "nav": "space",
            "session": session,
            "items": items,
            "signed": signed,
            "pv": pv,
            "pv_label": space.pv_label(pv, session.pv_signed),  # type: ignore[attr-defined]
            "held": session.status in space.HELD,
            "voted": any(
                getattr(item, "deliberation", None) is not None
                and item.deliberation.status != Deliberation.Status.DRAFT
                for item in items
            ),
        },
    )


@require_safe
def attendance(request: HttpRequest) -> HttpResponse:
    """The user's own attendance, proxies given and received, year by year."""
    history = space.attendance_history(request.user, _year(request.GET.get("annee")))
    return render(
        request,
        "space/attendance.html",
        {"nav": "attendance", "history": history},
    )
