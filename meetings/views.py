"""Preparing a session: sessions, ordre du jour and convocation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from meetings import services
from meetings.access import get_session_for_user
from meetings.bordereau import bordereau_pdf
from meetings.convening import (
    ConvocationSending,
    convocation_send,
    member_receipts,
    not_yet_convened,
    session_dispatches,
)
from meetings.convening_models import ConvocationDispatch
from meetings.convocation import (
    convened_members,
    convocation_deadline,
    convocation_preview,
    french_date,
    french_when,
)
from meetings.forms import (
    PvForm,
    SessionForm,
)
from meetings.models import AgendaItem, Session
from meetings.selectors import sessions_for_user, sessions_matching
from meetings.services import PvConflict, pv_texts, pv_update
from members.access import can_edit, get_body_for_user, require_perm
from members.selectors import bodies_for_user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- Sessions ---------------------------------------------------------------------------


def session_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sessions: QuerySet[Session] = sessions_for_user(request.user).annotate(
        item_count=Count("items")
    )
    upcoming_rows = []
    for session in sessions.filter(date__gte=today).order_by("date"):
        deadline = convocation_deadline(session.date, session.body.convocation_delay_days)
        upcoming_rows.append({"session": session, "deadline": deadline, "late": deadline < today})
    query = request.GET.get("q", "").strip()
    past_sessions = sessions.filter(date__lt=today).order_by("-date")
    if query:
        past_sessions = sessions_matching(past_sessions, query)
    past = Paginator(past_sessions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/session_list.html",
        {
            "nav": "sessions",
            "upcoming_rows": upcoming_rows,
            "past": past,
            "today": today,
            "query": query,
        },
    )


def session_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "meetings.add_session")
    body = get_body_for_user(request, request.GET.get("assemblee"))
    form = SessionForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                body=body,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                kind=data["kind"],
                president=data["president"],
                secretary=data["secretary"],
                reconvenes=data["reconvenes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Séance du {french_date(session.date)} créée : composez maintenant son "
                "ordre du jour.",
            )
            return redirect("meetings:session_detail", pk=session.pk)
    return render(
        request,
        "meetings/session_form.html",
        {
            "nav": "sessions",
            "form": form,
            "body": body,
            "session": None,
            "bodies": bodies_for_user(request.user).order_by("name"),
        },
    )


def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    if session.agenda_locked_reason and request.method != "POST":
        messages.error(
            request,
            "La séance est close ou un de ses actes est signé : elle ne peut plus être modifiée.",
        )
        return redirect("meetings:session_detail", pk=session.pk)
    initial = {
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "place": session.place,
        "kind": session.kind,
        "president": session.president_id,
        "secretary": session.secretary_id,
        "reconvenes": session.reconvenes_id,
    }
    form = SessionForm(request.POST or None, body=session.body, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        before = (session.date, session.start_time, session.place)
        try:
            updated = services.session_update(
                session=session,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"] or session.body.address,
                kind=data["kind"],
                president=data["president"],
                secretary=data["secretary"],
                reconvenes=data["reconvenes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Séance enregistrée.")
            after = (updated.date, updated.start_time, updated.place)
            if updated.convocation_sent_at is not None and after != before:
                messages.warning(
                    request,
                    "La convocation a déjà été envoyée : renvoyez-la pour informer les membres "
                    "du changement de date, d'heure ou de lieu.",
                )
            return redirect("meetings:session_detail", pk=updated.pk)
    return render(
        request,
        "meetings/session_form.html",
        {"nav": "sessions", "form": form, "body": session.body, "session": session},
    )


# --- Convocation ------------------------------------------------------------------------


def convocation(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=request.method == "POST")
    errors: list[str] = []
    if request.method == "POST":
        only_new = request.POST.get("destinataires") == "nouveaux"
        seen = request.POST.get("envoi_precedent")
        try:
            result = convocation_send(
                session=session,
                sent_by=request.user,
                only_new=only_new,
                check_previous=seen is not None,
                previous_dispatch=int(seen) if seen and seen.isdigit() and len(seen) < 12 else None,
            )
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            _sending_messages(request, result)
            return redirect("meetings:convocation", pk=session.pk)
    preview = convocation_preview(session)
    blockers = []
    if session.status in {Session.Status.HELD, Session.Status.CLOSED}:
        blockers.append("La séance s'est tenue : la convocation ne peut plus être envoyée.")
    elif session.date < preview.sent_on:
        blockers.append("La séance est passée : la convocation ne peut plus être envoyée.")
    if not preview.items:
        blockers.append("L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer.")
    if not preview.recipients and not preview.paper:
        blockers.append(
            "Aucun membre en exercice à convoquer : complétez le registre des membres avant "
            "d'envoyer la convocation."
        )
    dispatches = list(session_dispatches(session))
    rows = member_receipts(session) if dispatches else []
    new_members = not_yet_convened(session, convened_members(session)) if dispatches else []
    return render(
        request,
        "meetings/convocation.html",
        {
            "nav": "sessions",
            "session": session,
            "preview": preview,
            "errors": errors,
            "when": french_when(session.date, session.start_time),
            "blockers": blockers,
            "sendable": can_edit(request.user) and not blockers,
            "dispatches": dispatches,
            "rows": rows,
            "paper_rows": [r for r in rows if r.latest.channel == "paper"],
            "new_members": new_members,
        },
        status=400 if errors else 200,
    )


def _sending_messages(request: HttpRequest, result: ConvocationSending) -> None:
    """What the secretariat reads after a sending: how many, the paper list, the delay."""
    verb = "envoyée" if not result.resent else "renvoyée"
    whom = " aux membres pas encore convoqués" if result.only_new else ""
    messages.success(
        request,
        f"Convocation {verb}{whom} par courriel à {result.sent} membre"
        f"{'s' if result.sent > 1 else ''}.",
    )
    if result.paper:
        names = ", ".join(r.mandate.person.full_name for r in result.paper)
        messages.warning(request, f"À envoyer par courrier postal : {names}.")
    if result.late_members:
        dispatch = result.dispatch
        messages.warning(
            request,
            f"Convocation hors délai : {dispatch.clear_days} jour"
            f"{'s' if dispatch.clear_days > 1 else ''} franc"
            f"{'s' if dispatch.clear_days > 1 else ''} laissé"
            f"{'s' if dispatch.clear_days > 1 else ''} au lieu de {dispatch.delay_days}, "
            f"pour : {', '.join(result.late_members)}.",
        )
    if result.warning:
        messages.warning(request, result.warning)


@require_safe
def bordereau(request: HttpRequest, pk: int, dispatch_pk: int) -> HttpResponse:
    """The bordereau d'envoi: as kept at sending (`?etat=envoi`), or with receipts so far."""
    session = get_session_for_user(request, pk, edit=True)
    dispatch = get_object_or_404(
        ConvocationDispatch.objects.select_related("session__body", "sent_by"),
        pk=dispatch_pk,
        session=session,
    )
    at_sending = request.GET.get("etat") == "envoi"
    if at_sending and dispatch.register_pdf:
        pdf = bytes(dispatch.register_pdf)
        suffix = "envoi"
    else:
        pdf = bordereau_pdf(dispatch)
        suffix = f"etat-{timezone.localdate():%Y-%m-%d}"
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"bordereau-convocation-{session.date:%Y-%m-%d}-{dispatch.pk}-{suffix}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Drafting the procès-verbal: the secretariat's texts, beside a live preview ------------
# The PV is assembled from the recorded facts; only the preamble, each item's debate summary
# and the closing are written here. Saves carry the version they started from, so two
# people never silently overwrite each other.


@require_http_methods(["GET", "HEAD", "POST"])
def pv_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=request.method == "POST")
    pv = session.pv
    items = list(session.items.order_by("position"))
    editable = can_edit(request.user) and not pv.is_signed
    conflict: dict[str, Any] | None = None
    if request.method == "POST":
        form = PvForm(request.POST, items=items)
        if form.is_valid():
            try:
                pv_update(
                    pv=pv,
                    texts=form.texts(),
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                )
            except PvConflict as exc:
                conflict = _conflict(form, exc, items)
                # The next save is a deliberate choice to keep this version.
                data = request.POST.copy()
                data["version"] = str(exc.pv.version)
                form = PvForm(data, items=items)
                form.is_valid()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Procès-verbal enregistré.")
                return redirect("meetings:pv_edit", pk=session.pk)
    else:
        form = PvForm(initial={"version": pv.version, **pv_texts(pv)}, items=items)
    return render(
        request,
        "meetings/pv_edit.html",
        {
            "session": session,
            "pv": pv,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "nav": "sessions",
        },
    )


def _conflict(form: PvForm, exc: PvConflict, items: list[AgendaItem]) -> dict[str, Any]:
    labels = {"preamble": "Préambule", "closing_text": "Clôture de la séance"}
    labels |= {f"debate_{i.pk}": f"{i.position}. {i.title}" for i in items}
    mine = form.texts()
    who = exc.pv.updated_by.get_full_name() if exc.pv.updated_by else "un autre utilisateur"
    return {
        "who": who or exc.pv.updated_by.username if exc.pv.updated_by else who,
        "when": exc.pv.updated_at,
        "fields": [
            {"label": labels[key], "mine": mine.get(key, ""), "theirs": theirs}
            for key, theirs in exc.theirs.items()
            if key in labels and (mine.get(key, "") or "") != (theirs or "")
        ],
    }
