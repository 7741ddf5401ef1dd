"""Preparing a session: sessions, ordre du jour and convocation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deliberations.services import deliberation_link
from meetings import services
from meetings.access import get_session_for_user
from meetings.convocation import (
    convocation_deadline,
    convocation_preview,
    convocation_send,
    delay_warning,
    french_date,
    french_when,
)
from meetings.forms import (
    AgendaItemForm,
    ItemMoveForm,
    PvForm,
    SessionForm,
    agenda_locked_reason,
)
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.selectors import sessions_for_user, sessions_matching
from meetings.services import PvConflict, pv_texts, pv_update
from members.access import can_edit, get_body_for_user, require_perm
from members.selectors import bodies_for_user, members_in_office


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
            return redirect(_hub_url(session))
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
    if agenda_locked_reason(session) and request.method != "POST":
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


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    body = session.body
    locked = agenda_locked_reason(session)
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
    }
    return render(request, "meetings/session_detail.html", context)


# --- Ordre du jour ----------------------------------------------------------------------


def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    form = AgendaItemForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: the item is not kept if its projet cannot be attached.
            with transaction.atomic():
                item = services.agenda_item_add(
                    session=session,
                    kind=data["kind"],
                    title=data["title"],
                    rapporteur=data["rapporteur"],
                    adopts_pv=data["adopts_pv"],
                )
                if data["draft"] is not None:
                    deliberation_link(item=item, deliberation=data["draft"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Point n° {item.position} « {item.title} » ajouté.")
            if data["new_draft"]:
                return redirect(reverse("deliberations:create") + f"?point={item.pk}")
            return redirect(_hub_url(session, f"point-{item.pk}"))
    return render(
        request,
        "meetings/item_form.html",
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
        data = form.cleaned_data
        current = item.deliberation if hasattr(item, "deliberation") else None
        target = data["draft"]
        try:
            # Detach first (the nature may then change), attach last (it must be a
            # « Délibération » item by then); all or nothing.
            with transaction.atomic():
                if current is not None and target != current:
                    deliberation_link(item=item, deliberation=None)
                item = services.agenda_item_update(
                    item=item,
                    kind=data["kind"],
                    title=data["title"],
                    rapporteur=data["rapporteur"],
                    adopts_pv=data["adopts_pv"],
                )
                if target is not None and target != current:
                    deliberation_link(item=item, deliberation=target)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Point n° {item.position} « {item.title} » enregistré.")
            if data["new_draft"]:
                return redirect(reverse("deliberations:create") + f"?point={item.pk}")
            return redirect(_hub_url(session, f"point-{item.pk}"))
    return render(
        request,
        "meetings/item_form.html",
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
            moved = services.agenda_item_move(item=item, position=form.cleaned_data["position"])
        except ValidationError as exc:
            error = " ".join(_messages_of(exc))
        else:
            status = f"Point « {moved.title} » placé au rang {moved.position}."
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if _is_htmx(request):
        return render(
            request,
            "meetings/session_agenda.html",
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
    locked = agenda_locked_reason(session)
    if locked:
        messages.error(request, locked)
        return redirect(_hub_url(session, f"point-{item.pk}"))
    if request.method == "POST":
        title = item.title
        try:
            services.agenda_item_remove(item=item)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
            return redirect(_hub_url(session, f"point-{item.pk}"))
        messages.success(request, f"Point « {title} » retiré de l'ordre du jour.")
        return redirect(_hub_url(session))
    return render(
        request,
        "meetings/item_confirm_remove.html",
        {"nav": "sessions", "session": session, "item": item},
    )


# --- Convocation ------------------------------------------------------------------------


def convocation(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=request.method == "POST")
    errors: list[str] = []
    if request.method == "POST":
        try:
            result = convocation_send(session=session)
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            verb = "renvoyée" if result.resent else "envoyée"
            messages.success(
                request,
                f"Convocation {verb} par courriel à {result.sent} membre"
                f"{'s' if result.sent > 1 else ''}.",
            )
            if result.missing:
                names = ", ".join(r.mandate.person.full_name for r in result.missing)
                messages.warning(
                    request,
                    f"Sans adresse électronique, à convoquer autrement : {names}.",
                )
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("meetings:session_detail", pk=session.pk)
    preview = convocation_preview(session)
    blockers = []
    if session.status in {Session.Status.HELD, Session.Status.CLOSED}:
        blockers.append("La séance s'est tenue : la convocation ne peut plus être envoyée.")
    elif session.date < preview.sent_on:
        blockers.append("La séance est passée : la convocation ne peut plus être envoyée.")
    if not preview.items:
        blockers.append("L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer.")
    if not preview.recipients:
        blockers.append(
            "Aucun membre en exercice n'a d'adresse électronique : complétez le registre des "
            "membres avant d'envoyer la convocation par courriel."
        )
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
        },
        status=400 if errors else 200,
    )


# --- Drafting the procès-verbal: the secretariat's texts, beside a live preview ------------
# The PV is assembled from the recorded facts; only the preamble, each item's debate summary
# and the closing are written here. Saves carry the version they started from, so two
# people never silently overwrite each other.


@require_http_methods(["GET", "POST"])
def pv_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=request.method == "POST")
    pv = session.pv
    items = list(session.items.order_by("position"))
    editable = can_edit(request.user) and pv.status == ProcesVerbal.Status.DRAFT
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
