"""Electronic voting's pages: the secretariat opens, follows, enters and closes a poll on
the live screen; the élu votes from his device (`space:live`). Rules in `live.evote`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from meetings.access import get_session_for_user
from meetings.models import AgendaItem, Session
from members.access import can_edit
from members.models import Mandate
from pma_governance.live import display, evote
from pma_governance.live.forms import BallotForm, PollCloseForm, PollOpenForm
from pma_governance.live.models import ElectronicPoll
from pma_governance.live.room import _conditional
from pma_governance.live.views import _done, _refused

INVALID = "Saisie invalide : choisissez « Pour », « Contre » ou « Abstention »."


def _poll(session: Session, poll_pk: int) -> ElectronicPoll:
    return get_object_or_404(
        ElectronicPoll.objects.select_related("item__session__body"),
        pk=poll_pk,
        item__session=session,
    )


@require_POST
def electronic_vote_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    enabled = request.POST.get("enabled", "") == "1"
    try:
        evote.electronic_vote_set(session=session, enabled=enabled)
    except ValidationError as exc:
        return _refused(request, session, exc)
    word = "activé" if enabled else "désactivé"
    return _done(request, session, f"Vote électronique {word} pour cette séance.")


@require_POST
def poll_open(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_pk, session=session)
    form = PollOpenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choisissez le mode de scrutin : public ou secret.")
        evote.poll_open(item=item, mode=form.cleaned_data["mode"], opened_by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        return _refused(request, session, exc)
    return _done(
        request,
        session,
        f"Vote électronique ouvert sur le point {item.position} : les élus votent depuis "
        "leur appareil.",
        focus="evote",
    )


@require_POST
def poll_enter(request: HttpRequest, pk: int, poll_pk: int) -> HttpResponse:
    """The secretariat enters the vote of a member without a device."""
    session = get_session_for_user(request, pk, edit=True)
    poll = _poll(session, poll_pk)
    form = BallotForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(INVALID)
        mandate = get_object_or_404(
            Mandate.objects.select_related("person"),
            pk=form.cleaned_data["for_mandate"],
            body=session.body,
        )
        evote.ballot_cast(
            poll=poll,
            voter=mandate,
            for_mandate=mandate,
            choice=form.cleaned_data["choice"],
            by_secretariat=True,
        )
    except ValidationError as exc:
        return _refused(request, session, exc)
    return _done(request, session, f"Vote de {mandate.person.full_name} saisi.", focus="evote")


@require_POST
def poll_close(request: HttpRequest, pk: int, poll_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    poll = _poll(session, poll_pk)
    form = PollCloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Saisie invalide pour la clôture du scrutin.")
        vote = evote.poll_close(
            poll=poll,
            missing_not_voting=form.cleaned_data["missing_not_voting"],
            president_vote=form.cleaned_data["president_vote"] or None,
        )
    except ValidationError as exc:
        return _refused(request, session, exc)
    return _done(
        request,
        session,
        f"Scrutin clos, vote enregistré sur « {poll.item.title} » : "
        f"{vote.get_result_display().lower()}.",
        focus=f"item{poll.item_id}",
    )


@require_POST
def poll_cancel(request: HttpRequest, pk: int, poll_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    poll = _poll(session, poll_pk)
    try:
        evote.poll_cancel(poll=poll)
    except ValidationError as exc:
        return _refused(request, session, exc)
    return _done(request, session, "Scrutin annulé : les votes exprimés sont sans effet.")


@require_safe
def poll_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's follow-up of the open poll: who has voted (not how), live."""
    version = display.session_version(pk)
    session = get_session_for_user(request, pk)
    return _conditional(
        request,
        display.etag("scrutin", pk, version),
        lambda: render(
            request,
            "live/_evote.html",
            {
                "session": session,
                "evote": evote.poll_view(session),
                "editable": can_edit(request.user),
            },
        ),
    )


@require_POST
def ballot_cast(request: HttpRequest, pk: int, poll_pk: int) -> HttpResponse:
    """The élu's device: « Pour », « Contre » or « Abstention », for himself or a mandant."""
    session = get_session_for_user(request, pk)
    poll = _poll(session, poll_pk)
    mandate = display.own_mandate(request.user.pk, session)  # type: ignore[arg-type]
    form = BallotForm(request.POST)
    back = redirect("space:live", pk=session.pk)
    try:
        if mandate is None:
            raise ValidationError("Vous ne siégez pas dans cette assemblée : vous ne votez pas.")
        if not form.is_valid():
            raise ValidationError(INVALID)
        for_mandate = get_object_or_404(
            Mandate.objects.select_related("person"),
            pk=form.cleaned_data["for_mandate"],
            body=session.body,
        )
        evote.ballot_cast(
            poll=poll, voter=mandate, for_mandate=for_mandate, choice=form.cleaned_data["choice"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return back
    label = dict(form.fields["choice"].choices)[form.cleaned_data["choice"]]  # type: ignore[attr-defined]
    whose = "" if for_mandate.pk == mandate.pk else f" au nom de {for_mandate.person.full_name}"
    messages.success(request, f"Vote « {label} »{whose} enregistré.")
    return back
