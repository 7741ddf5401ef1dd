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
from django.utils.text import slugify
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from deliberations.models import Deliberation
from meetings.answers import answer_give, answer_revoke, proxy_decline
from meetings.convening import receipt_of_user
from meetings.deports import deport_declare, deport_withdraw, deports_by_item
from meetings.models import AgendaItem, AttendanceAnswer, Deport, Session
from meetings.procuration import procuration_readers, procuration_render, procuration_sign
from members.access import can_edit, get_body_for_user
from members.models import Mandate, Person
from members.notifications import preferences_of
from members.selectors import bodies_for_user
from members.services import notification_preferences_set
from pma_governance.lib import limits
from pma_governance.lib.http import pdf_response
from pma_governance.space import notes
from pma_governance.space import selectors as space
from pma_governance.space.answers import answer_form, answer_panel
from pma_governance.space.forms import PAPER, AnswerForm, NoteForm, NotificationsForm, SignForm


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
    return _session_page(request, _space_session(request, pk))


def _session_page(
    request: HttpRequest, session: Session, *, answer_form: AnswerForm | None = None
) -> HttpResponse:
    """The session's page; `answer_form`: the élu's answer, refused, shown again as typed."""
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
            "answer_panel": answer_panel(session, mandate, request.user, answer_form),
            "deports": deports,
            "my_deports": {
                item_pk: d
                for item_pk, found in deports.items()
                for d in found
                if mandate is not None and d.mandate_id == mandate.pk
            },
            "deports_open": mandate is not None
            and session.facts_frozen_at is None
            and session.status not in space.HELD,
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


# --- Answers and pouvoirs ---------------------------------------------------------------


def _to_answer(session: Session) -> HttpResponse:
    return redirect(reverse("space:session", args=[session.pk]) + "#ma-reponse")


def _refused(request: HttpRequest, session: Session, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return _to_answer(session)


def _seat(request: HttpRequest, session: Session) -> Mandate:
    mandate = _own_mandate(request, session)
    if mandate is None:
        raise Http404("Vous ne siégez pas dans cette assemblée.")
    return mandate


def _own_answer(request: HttpRequest, session: Session) -> AttendanceAnswer:
    return get_object_or_404(
        AttendanceAnswer.objects.select_related("mandate__person", "holder__person"),
        session=session,
        mandate=_seat(request, session),
    )


@require_POST
def answer_give_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The élu answers for himself; a refusal shows his form again with the reason."""
    session = _space_session(request, pk)
    mandate = _seat(request, session)
    form = answer_form(session, mandate, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            answer = answer_give(
                session,
                mandate,
                data["answer"],
                holder=data["holder"],
                substitute=data["substitute"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Votre réponse est enregistrée : {_said(answer)}.")
            return _to_answer(session)
    return _session_page(request, session, answer_form=form)


def _said(answer: AttendanceAnswer) -> str:
    if answer.holder is not None:
        return f"pouvoir à {answer.holder.person.full_name}"
    if answer.substitute is not None:
        return f"{answer.substitute.person.full_name} siège à votre place"
    return answer.agreed_label().lower()


@require_POST
def answer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The élu withdraws his answer, and with it his pouvoir."""
    session = _space_session(request, pk)
    try:
        answer_revoke(_own_answer(request, session), user=request.user)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, "Votre réponse est retirée.")
    return _to_answer(session)


@require_POST
def pouvoir_decline(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """The holder refuses a pouvoir given to him (never one given to another)."""
    session = _space_session(request, pk)
    answer = get_object_or_404(
        AttendanceAnswer.objects.select_related("mandate__person"),
        pk=answer_pk,
        session=session,
        holder__person__user=request.user.pk,
    )
    try:
        proxy_decline(answer, user=request.user)
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(
        request, f"Pouvoir refusé : {answer.mandate.person.full_name} en est averti par courriel."
    )
    return _to_answer(session)


@sensitive_post_parameters("passphrase")
@require_POST
def procuration_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The mandant signs his procuration (his certificate, else the app's seal)."""
    session = _space_session(request, pk)
    answer = _own_answer(request, session)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _refused(request, session, ValidationError(list(form.errors.get("passphrase", []))))
    try:
        procuration_sign(
            answer,
            request.user,
            passphrase=form.cleaned_data["passphrase"],
            verified=bool(request.user.is_verified()),  # type: ignore[union-attr]
        )
    except ValidationError as exc:
        return _refused(request, session, exc)
    messages.success(request, "Votre procuration est signée.")
    return _to_answer(session)


@require_safe
def procuration(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """The signed procuration, for the mandant, the mandataire and the secretariat only;
    the mandant may read it before signing."""
    session = _space_session(request, pk)
    answer = get_object_or_404(
        AttendanceAnswer.objects.select_related(
            "session__body", "mandate__person", "mandate__entity", "holder__person"
        ),
        pk=answer_pk,
        session=session,
        answer=AttendanceAnswer.Answer.PROXY,
    )
    readers = procuration_readers(answer)
    if request.user.pk not in readers and not can_edit(request.user):
        raise Http404("Procuration introuvable.")
    signed = bytes(answer.procuration_pdf)
    if not signed and request.user.pk != answer.mandate.person.user_id:
        raise Http404("La procuration n'est pas encore signée.")
    name = slugify(answer.mandate.person.full_name)
    return pdf_response(
        request,
        signed or (lambda: procuration_render(answer)),
        filename=f"procuration-{name}-{session.date:%Y-%m-%d}.pdf",
        cache_control="private, no-store",
    )
