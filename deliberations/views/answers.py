"""The secretariat enters members' answers from the paper form, on the session's page.

An answer entered here is marked « formulaire papier » (`by_secretariat`) with the account
that entered it; it follows the very rules of an answer given online
(`meetings.answers`), and tells the members by e-mail the same way.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from meetings.access import get_session_for_user
from meetings.answers import answer_give, answer_revoke, answers_closed_reason, session_answers
from meetings.forms import PaperAnswerForm
from meetings.models import AttendanceAnswer, Session
from meetings.roll import of_name
from members.access import can_edit

ANCHOR = "reponses"


def paper_answers(request: HttpRequest, session: Session) -> dict[str, Any]:
    """What the « Réponses des membres » block of the session's page shows."""
    closed = answers_closed_reason(session)
    return {
        "member_answers": session_answers(session),
        "answers_closed": closed,
        "paper_form": (
            PaperAnswerForm(session=session) if can_edit(request.user) and not closed else None
        ),
    }


def _back(session: Session) -> HttpResponse:
    return redirect(reverse("meetings:session_detail", args=[session.pk]) + f"#{ANCHOR}")


@require_POST
def paper_answer_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a member's answer from his paper form (it replaces his previous answer)."""
    session = get_session_for_user(request, pk, edit=True)
    form = PaperAnswerForm(request.POST, session=session)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Réponse non enregistrée : {error}")
        return _back(session)
    data = form.cleaned_data
    try:
        answer = answer_give(
            session,
            data["mandate"],
            data["answer"],
            holder=data["holder"],
            substitute=data["substitute"],
            by_secretariat=True,
            user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"Réponse non enregistrée : {message}")
    else:
        messages.success(
            request,
            f"Réponse {of_name(answer.mandate.person.full_name)} enregistrée (formulaire papier) : "
            f"{answer.get_answer_display().lower()}.",
        )
    return _back(session)


@require_POST
def paper_answer_remove(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Withdraw a member's answer (his letter, his call), revoking his pouvoir."""
    session = get_session_for_user(request, pk, edit=True)
    answer = get_object_or_404(
        AttendanceAnswer.objects.select_related("mandate__person", "holder__person"),
        pk=answer_pk,
        session=session,
    )
    try:
        answer_revoke(answer, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Réponse {of_name(answer.mandate.person.full_name)} retirée.")
    return _back(session)
