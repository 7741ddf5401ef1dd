from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from deliberations.selectors import drafts_to_finish, recently_voted
from meetings.convocation import convocation_deadline
from meetings.models import ProcesVerbal
from meetings.selectors import sessions_for_user
from members.selectors import has_staff_role


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: next sessions, projets to finish, deliberations recently voted.

    An élu has nothing to prepare: his home is the members' space.
    """
    if not has_staff_role(request.user):
        return redirect("space:index")
    today = timezone.localdate()
    upcoming = (
        sessions_for_user(request.user)
        .filter(date__gte=today)
        .annotate(item_count=Count("items"))
        .order_by("date")[:5]
    )
    next_sessions = []
    for session in upcoming:
        deadline = convocation_deadline(session.date, session.body.convocation_delay_days)
        next_sessions.append({"session": session, "deadline": deadline, "late": deadline < today})
    sessions = sessions_for_user(request.user)
    recent = sessions.filter(date__lt=today).order_by("-date")[:3]
    pvs = (
        ProcesVerbal.objects.filter(
            session__in=sessions, session__date__lt=today, status=ProcesVerbal.Status.DRAFT
        )
        .select_related("session__body")
        .order_by("-session__date")[:5]
    )
    return render(
        request,
        "home.html",
        {
            "next_sessions": next_sessions,
            "recent_sessions": recent,
            "pvs_to_finish": pvs,
            "drafts": drafts_to_finish(request.user),
            "voted": recently_voted(request.user),
            "today": today,
        },
    )


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
