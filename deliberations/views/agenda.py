"""The session's page and its ordre du jour: each point with its projet de délibération.

Served by deliberations because a point of the ordre du jour carries its act: the page
shows each point's projet and vote, and adding a point may attach a draft to it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from deliberations.forms import AgendaItemForm, DeportForm, ItemMoveForm
from deliberations.services import agenda_item_change, agenda_item_create
from deliberations.views.answers import paper_answers
from meetings.access import get_session_for_user
from meetings.convocation import convocation_deadline, delay_warning, french_when
from meetings.deports import deport_declare, deport_withdraw, session_deports
from meetings.expected import expected_attendance
from meetings.models import AgendaItem, Deport, Session
from meetings.reminders import answer_reminder_send, reminder_closed_reason
from meetings.services import agenda_item_move, agenda_item_remove
from members.access import can_edit
from members.models import Mandate
from members.selectors import members_in_office


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _get_item(session: Session, item_pk: int) -> AgendaItem:
    """An item of this session (404 otherwise), with what the rules look at."""
    return get_object_or_404(
        AgendaItem.objects.select_related("session__body", "deliberation", "vote"),
        pk=item_pk,
        session=session,
    )


def _agenda(session: Session) -> list[AgendaItem]:
    """The ordre du jour with everything the hub shows, in one query."""
    return list(
        session.items.select_related(
            "rapporteur__person", "deliberation", "vote", "adopts_pv__session"
        ).order_by("position")
    )


def _hub_url(session: Session, anchor: str = "ordre-du-jour") -> str:
    return reverse("meetings:session_detail", args=[session.pk]) + f"#{anchor}"


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    body = session.body
    locked = session.agenda_locked_reason
    editable = can_edit(request.user) and not locked
    delay = body.convocation_delay_days
    context: dict[str, Any] = {
        "nav": "sessions",
        "session": session,
        "body": body,
        "when": french_when(session.date, session.start_time),
        "items": _agenda(session),
        "editable": editable,
        "locked": locked,
        "in_office": members_in_office(body, session.date).count(),
        "deadline": convocation_deadline(session.date, delay),
        "sent_warning": (
            delay_warning(session.convened_on, session.date, delay) if session.convened_on else ""
        ),
        "add_form": AgendaItemForm(session=session) if editable else None,
        "deports": list(session_deports(session)),
        "deport_form": (
            DeportForm(session=session)
            if can_edit(request.user) and session.facts_frozen_at is None
            else None
        ),
        **paper_answers(request, session),
        "reminder_closed": reminder_closed_reason(session),
    }
    if can_edit(request.user):
        # The members' answers, for the secretariat: once they may answer, or have.
        expected = expected_attendance(session)
        if expected.answered or not context["reminder_closed"]:
            context["expected"] = expected
    return render(request, "deliberations/agenda/session_detail.html", context)


# --- Ordre du jour ----------------------------------------------------------------------


def _item_saved(
    request: HttpRequest, session: Session, item: AgendaItem, verb: str, *, new_draft: bool
) -> HttpResponse:
    """After a point is saved: on to drafting its new projet, or back to it on the page."""
    messages.success(request, f"Point n° {item.position} « {item.title} » {verb}.")
    if new_draft:
        return redirect(reverse("deliberations:create") + f"?point={item.pk}")
    return redirect(_hub_url(session, f"point-{item.pk}"))


def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    form = AgendaItemForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            item = agenda_item_create(session=session, **form.item_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _item_saved(
                request, session, item, "ajouté", new_draft=form.cleaned_data["new_draft"]
            )
    return render(
        request,
        "deliberations/agenda/item_form.html",
        {"nav": "sessions", "session": session, "form": form, "item": None},
    )


def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    item = _get_item(session, item_pk)
    if request.method != "POST" and hasattr(item, "vote"):
        messages.error(
            request, f"Le point « {item.title} » a déjà été voté : il ne peut plus être modifié."
        )
        return redirect(_hub_url(session, f"point-{item.pk}"))
    form = AgendaItemForm(request.POST or None, session=session, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = agenda_item_change(item=item, **form.item_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _item_saved(
                request, session, item, "enregistré", new_draft=form.cleaned_data["new_draft"]
            )
    return render(
        request,
        "deliberations/agenda/item_form.html",
        {"nav": "sessions", "session": session, "form": form, "item": item},
    )


@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    item = _get_item(session, item_pk)
    form = ItemMoveForm(request.POST, item=item)
    error, status = "", ""
    if form.is_valid():
        try:
            moved = agenda_item_move(item=item, position=form.cleaned_data["position"])
        except ValidationError as exc:
            error = " ".join(_messages_of(exc))
        else:
            status = f"Point « {moved.title} » placé au rang {moved.position}."
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if _is_htmx(request):
        return render(
            request,
            "deliberations/agenda/session_agenda.html",
            {
                "session": session,
                "items": _agenda(session),
                "editable": True,
                "agenda_error": error,
                "agenda_status": status,
                "focus_id": f"{request.POST.get('direction') or 'up'}-{item.pk}",
            },
        )
    if error:
        messages.error(request, error)
    return redirect(_hub_url(session, f"point-{item.pk}"))


def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    item = _get_item(session, item_pk)
    locked = session.agenda_locked_reason
    if locked:
        messages.error(request, locked)
        return redirect(_hub_url(session, f"point-{item.pk}"))
    if request.method == "POST":
        title = item.title
        try:
            agenda_item_remove(item=item)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
            return redirect(_hub_url(session, f"point-{item.pk}"))
        messages.success(request, f"Point « {title} » retiré de l'ordre du jour.")
        return redirect(_hub_url(session))
    return render(
        request,
        "deliberations/agenda/item_confirm_remove.html",
        {"nav": "sessions", "session": session, "item": item},
    )


# --- Déports (CGCT L2131-11) ------------------------------------------------------------


@require_POST
def deport_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat records a member's déport (a paper declaration, a call)."""
    session = get_session_for_user(request, pk, edit=True)
    form = DeportForm(request.POST, session=session)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Déport non enregistré : {error}")
        return redirect(_hub_url(session, "deports"))
    data = form.cleaned_data
    try:
        deport = deport_declare(
            item=data["item"], mandate=data["mandate"], reason=data["reason"], by_secretariat=True
        )
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Déport de {deport.mandate.person.full_name} enregistré sur le point "
            f"{deport.item.position} « {deport.item.title} ».",
        )
    return redirect(_hub_url(session, "deports"))


@require_POST
def deport_remove(request: HttpRequest, pk: int, deport_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    deport = get_object_or_404(
        Deport.objects.select_related("mandate__person"), pk=deport_pk, session=session
    )
    try:
        deport_withdraw(deport=deport, by_secretariat=True)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, f"Déport de {deport.mandate.person.full_name} retiré.")
    return redirect(_hub_url(session, "deports"))


# --- Expected attendance: reminding who has not answered -------------------------------


def _names(mandates: list[Mandate]) -> str:
    names = [m.person.full_name for m in mandates]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"


@require_POST
def answers_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: e-mail every titulaire who has not said whether he will come."""
    session = get_session_for_user(request, pk, edit=True)
    try:
        sending = answer_reminder_send(session=session)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, f"Aucun rappel envoyé : {message}")
        return redirect(_hub_url(session, "presences-attendues"))
    except OSError:
        messages.error(
            request,
            "Le serveur de courriel n'a pas accepté les rappels : aucun n'est parti, "
            "réessayez plus tard.",
        )
        return redirect(_hub_url(session, "presences-attendues"))
    if sending.nobody:
        messages.info(request, "Tous les titulaires ont répondu : aucun rappel à envoyer.")
    if sending.sent:
        count = len(sending.sent)
        messages.success(
            request,
            f"{count} rappel{'s' if count > 1 else ''} envoyé{'s' if count > 1 else ''} "
            f"par courriel : {_names(sending.sent)}.",
        )
    if sending.declined:
        messages.warning(
            request,
            "Ne reçoivent pas les rappels par courriel (à leur demande) : "
            f"{_names(sending.declined)}.",
        )
    if sending.no_address:
        messages.warning(
            request,
            f"Sans adresse électronique, à joindre autrement : {_names(sending.no_address)}.",
        )
    return redirect(_hub_url(session, "presences-attendues"))
