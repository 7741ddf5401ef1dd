from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from deliberations.selectors import drafts_to_finish, recently_voted
from meetings.convocation import convocation_deadline
from meetings.models import ProcesVerbal
from meetings.selectors import sessions_for_user
from members.selectors import has_staff_role

logger = logging.getLogger(__name__)


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
    """For the load balancer or the monitoring: 200 when a query goes through, 503 when the
    database does not answer (README « Mise en production »)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: the database does not answer: %s", error)
        response = JsonResponse(
            {
                "status": "indisponible",
                "detail": "La base de données ne répond pas : l'application ne peut pas servir "
                "les pages.",
            },
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = JsonResponse(
            {"status": "ok", "detail": "L'application et sa base de données répondent."},
            json_dumps_params={"ensure_ascii": False},
        )
    response["Cache-Control"] = "no-store"
    return response
