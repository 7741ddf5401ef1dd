"""The members' space: an élu consults his bodies' sessions, their documents, his attendance.

Read-only but for an élu's own déports (CGCT L2131-11), which he declares and withdraws
on a coming session's page; what a user may see is decided by the selectors (his bodies
only, convened sessions only for an élu).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from deliberations.models import Deliberation
from meetings.convening import receipt_of_user
from meetings.deports import deport_declare, deport_withdraw, deports_by_item
from meetings.models import AgendaItem, Deport, Session
from members.access import get_body_for_user
from members.models import Mandate, Person
from members.notifications import preferences_of
from members.selectors import bodies_for_user
from members.services import notification_preferences_set
from pma_governance.lib import limits
from pma_governance.space import notes
from pma_governance.space import selectors as space
from pma_governance.space.forms import PAPER, NoteForm, NotificationsForm


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
    mandate = _own_mandate(request, session)
    deports = deports_by_item(session)
    return render(
        request,
        "space/session.html",
        {
            "nav": "space",
            "session": session,
            "items": items,
            "signed": signed,
            "noted": notes.noted(
                request.user,
                [i.deliberation for i in items if getattr(i, "deliberation", None) is not None],
            ),
            "pv": pv,
            "pv_label": space.pv_label(pv, session.pv_signed),  # type: ignore[attr-defined]
            "held": session.status in space.HELD,
            "mandate": mandate,
            "deports": deports,
            "my_deports": {
                item_pk: d
                for item_pk, found in deports.items()
                for d in found
                if mandate is not None and d.mandate_id == mandate.pk
            },
            "deports_open": mandate is not None and session.facts_frozen_at is None,
            "reason_max": limits.NOT_VOTING_REASON,
            "convocation_receipt": receipt_of_user(session, request.user),
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


# --- Notifications ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """Which e-mails the élu receives; convocations always leave (CGCT L2121-10)."""
    person = Person.objects.filter(user=request.user.pk).first()
    if person is None:
        return render(request, "space/notifications.html", {"nav": "notifications", "person": None})
    form = NotificationsForm(
        request.POST if request.method == "POST" else None,
        current=preferences_of(person),
        paper=person.paper_convocation,
    )
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(
            person=person,
            choices=form.choices(),
            paper_convocation=bool(form.cleaned_data[PAPER]),
        )
        messages.success(request, "Vos choix de courriels sont enregistrés.")
        return redirect("space:notifications")
    return render(
        request,
        "space/notifications.html",
        {"nav": "notifications", "person": person, "form": form},
    )


# --- Déports ----------------------------------------------------------------------------


def _own_mandate(request: HttpRequest, session: Session) -> Mandate | None:
    """The user's own seat in the session's body on its day (titulaire first), or None."""
    return (
        Mandate.objects.filter(person__user=request.user.pk, body=session.body_id)
        .filter(start_date__lte=session.date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=session.date))
        .select_related("person")
        .order_by("-role")
        .first()
    )


def _space_session(request: HttpRequest, pk: int) -> Session:
    try:
        return space.space_session(request.user, pk)
    except Session.DoesNotExist:
        raise Http404("Séance introuvable.") from None


def _back(session: Session, item_pk: int) -> HttpResponse:
    return redirect(reverse("space:session", args=[session.pk]) + f"#point-{item_pk}")


@require_POST
def deport_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The élu declares he takes no part in the debate and vote on an item (L2131-11)."""
    session = _space_session(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, session=session)
    mandate = _own_mandate(request, session)
    if mandate is None:
        messages.error(
            request,
            f"Vous ne siégez pas à l'assemblée « {session.body.name} » : "
            "vous ne pouvez vous déporter sur ses points.",
        )
        return _back(session, item.pk)
    try:
        deport_declare(item=item, mandate=mandate, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Déport enregistré : vous ne prendrez part ni au débat ni au vote sur "
            f"« {item.title} ».",
        )
    return _back(session, item.pk)


@require_POST
def deport_remove(request: HttpRequest, pk: int, deport_pk: int) -> HttpResponse:
    """The élu withdraws his own déport (never another member's)."""
    session = _space_session(request, pk)
    deport = get_object_or_404(
        Deport, pk=deport_pk, session=session, mandate__person__user=request.user.pk
    )
    try:
        deport_withdraw(deport=deport)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Déport retiré.")
    return _back(session, deport.item_id)


@require_http_methods(["GET", "HEAD", "POST"])
def projet(request: HttpRequest, pk: int) -> HttpResponse:
    """A projet as an élu reads it, his private note on it, what changed since the convocation."""
    try:
        deliberation = notes.projets_for_user(request.user).get(pk=pk)
    except Deliberation.DoesNotExist:
        raise Http404("Projet introuvable.") from None
    note = notes.note_for(request.user, deliberation)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            saved = notes.save_note(request.user, deliberation, form.cleaned_data["text"])
            messages.success(
                request, "Votre note est enregistrée." if saved else "Votre note est supprimée."
            )
            return redirect("space:projet", pk=deliberation.pk)
    else:
        form = NoteForm(initial={"text": note.text if note else ""})
    return render(
        request,
        "space/projet.html",
        {
            "nav": "space",
            "deliberation": deliberation,
            "session": deliberation.item.session,  # type: ignore[union-attr]
            "note": note,
            "form": form,
            "since": notes.changes_since_convocation(deliberation),
        },
    )


@require_safe
def notes_export(request: HttpRequest) -> HttpResponse:
    """« Exporter mes notes »: the user's own notes, as Markdown or plain text (UTF-8)."""
    markdown = request.GET.get("format") != "texte"
    extension, kind = ("md", "text/markdown") if markdown else ("txt", "text/plain")
    response = HttpResponse(
        notes.export_notes(request.user, markdown), content_type=f"{kind}; charset=utf-8"
    )
    name = f"mes-notes-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
