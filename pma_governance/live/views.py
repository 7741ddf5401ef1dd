"""The live session screen: roll call, proxies, arrivals and departures, votes.

Every action posts a small form; with htmx the whole panel (roll, quorum counter, items)
comes back in place, without it the page reloads. A refusal re-renders the panel with
the bound form, so what was typed stays, and says why in French.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from deliberations.majority import Tally
from deliberations.models import Vote
from deliberations.services import vote_cancel, vote_given, vote_record
from meetings import services
from meetings.access import get_session_for_user
from meetings.deports import deports_by_item, deports_reason
from meetings.models import AgendaItem, Attendance, Deport, Proxy, Session
from meetings.prefill import roll_confirm, roll_prefill
from meetings.services import attendance_set, presence_change, proxy_grant
from members.access import can_edit
from members.models import Mandate
from pma_governance.live import display, evote
from pma_governance.live import selectors as screen
from pma_governance.live.forms import AttendanceForm, PresenceMoveForm, ProxyForm, VoteForm
from pma_governance.live.models import ElectronicPoll


def _proxy_form(
    state: screen.LiveState, data: Any = None, *, keep_holder: bool = True
) -> ProxyForm:
    givers = [
        row.mandate
        for row in state.rows
        if row.is_titulaire and not row.present_now and row.gave is None
    ]
    giver_id = None
    if data is not None and str(data.get("giver", "")).isascii() and str(data["giver"]).isdigit():
        giver_id = int(data["giver"])
    elif givers:
        giver_id = givers[0].pk
    holders = state.holder_choices(giver_id) if giver_id else []
    typed = str(data.get("holder", "")) if data is not None else ""
    if (
        keep_holder
        and typed.isascii()
        and typed.isdigit()
        and int(typed) in state.mandates
        and int(typed) not in {h.pk for h in holders}
    ):
        # Keep what was typed on screen even when it is (now) illegal, beside the reason.
        holders = [*holders, state.mandates[int(typed)]]
    return ProxyForm(
        data,
        givers=givers,
        holders=holders,
        all_mandates=list(state.mandates.values()),
        initial={"giver": giver_id} if giver_id else None,
    )


def _vote_form(
    state: screen.LiveState, item: AgendaItem, data: Any = None, deports: Sequence[Deport] = ()
) -> VoteForm:
    count = state.roll.count(item.position)
    voters = [state.mandates[int(i)] for i in count.present]
    named = [m for m, _ in state.voters_for_roll_call(item)]
    # The déports declared in advance are pre-filled; the secretariat may still change them.
    sitting = {m.pk for m in voters}
    declared = [d for d in deports if d.mandate_id in sitting]
    initial = (
        {
            "not_voting": [d.mandate_id for d in declared],
            "not_voting_reason": deports_reason(declared),
        }
        if declared
        else None
    )
    return VoteForm(data, voters=voters, named=named, prefix=f"item{item.pk}", initial=initial)


def _render(
    request: HttpRequest,
    session: Session,
    *,
    status: int = 200,
    proxy_form: ProxyForm | None = None,
    vote_forms: dict[int, VoteForm] | None = None,
    move_form: PresenceMoveForm | None = None,
    errors: list[str] | None = None,
    notices: list[str] | None = None,
    focus: str = "",
) -> HttpResponse:
    state = screen.live_state(session)
    deports = deports_by_item(session)
    forms_by_item = {
        row.item.pk: (vote_forms or {}).get(row.item.pk)
        or _vote_form(state, row.item, deports=deports.get(row.item.pk, ()))
        for row in state.items
        if row.item.is_voted and row.vote is None
    }
    voted_items = [row.item for row in state.items]
    move = move_form or PresenceMoveForm(
        mandates=[r.mandate for r in state.rows], items=voted_items
    )
    ctx = screen.context(
        state,
        proxy_form=proxy_form or _proxy_form(state),
        vote_forms=forms_by_item,
        move_form=move,
        errors=errors or [],
        notices=notices or [],
        editable=can_edit(request.user),
        focus=focus,
        ballots=Vote.Ballot,
        # Changes with every rendering: lets a test (or a script) see the swap happen.
        render_id=uuid.uuid4().hex[:12],
        statuses=Attendance.Status.choices,
        evote=evote.poll_view(session),
        evote_etag=display.etag("scrutin", session.pk, display.session_version(session.pk)),
        poll_modes=ElectronicPoll.Mode.choices,
    )
    template = "live/_panel.html" if request.htmx else "live/live.html"  # type: ignore[attr-defined]
    response = render(request, template, ctx, status=status)
    return response


def _done(request: HttpRequest, session: Session, message: str, focus: str = "") -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        response = _render(request, session, focus=focus)
        response["HX-Trigger"] = "rollChanged"
        return response
    messages.success(request, message)
    return redirect("meetings:live", pk=session.pk)


def _refused(
    request: HttpRequest, session: Session, exc: ValidationError, **forms: Any
) -> HttpResponse:
    # 200 with the errors in place: htmx swaps the panel, the typed values stay.
    return _render(request, session, errors=list(exc.messages), **forms)


@require_safe
def live(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    return _render(request, session)


@require_safe
def quorum_panel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    state = screen.live_state(session)
    return render(request, "live/_quorum.html", screen.context(state))


@require_POST
def attendance_update(request: HttpRequest, pk: int, mandate_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    mandate = get_object_or_404(Mandate.objects.select_related("person"), pk=mandate_pk)
    state = screen.live_state(session)
    form = AttendanceForm(request.POST, absent_titulaires=state.absent_titulaires)
    if not form.is_valid():
        errors = [f"{mandate.person.full_name} : {e}" for e in form.errors.get("__all__", [])]
        errors += [
            f"{mandate.person.full_name} : {e}"
            for field, errs in form.errors.items()
            if field != "__all__"
            for e in errs
        ]
        return _render(request, session, errors=errors, focus=f"m{mandate.pk}")
    try:
        attendance_set(
            session=session,
            mandate=mandate,
            status=form.cleaned_data["status"],
            seated=form.cleaned_data["seated"],
            replaces=form.cleaned_data["replaces"],
        )
    except ValidationError as exc:
        return _refused(request, session, exc, focus=f"m{mandate.pk}")
    return _done(
        request,
        session,
        f"{mandate.person.full_name} : {Attendance.Status(form.cleaned_data['status']).label}.",
        focus=f"m{mandate.pk}",
    )


@require_POST
def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    state = screen.live_state(session)
    if request.POST.get("refresh"):
        # The giver changed: offer that giver's legal holders, keep the rest as typed.
        return _render(
            request,
            session,
            proxy_form=_proxy_form(state, request.POST, keep_holder=False),
            focus="proxy",
        )
    form = _proxy_form(state, request.POST)
    if not form.is_valid():
        return _render(request, session, proxy_form=form, focus="proxy")
    data = form.cleaned_data
    try:
        proxy_grant(
            session=session,
            giver=data["giver"],
            holder=data["holder"],
            received_on=data["received_on"],
            illness=data["illness"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render(request, session, proxy_form=form, focus="proxy")
    return _done(
        request,
        session,
        f"{data['giver'].person.full_name} ayant donné procuration à "
        f"{data['holder'].person.full_name}.",
        focus="proxy",
    )


@require_POST
def proxy_revoke(request: HttpRequest, pk: int, proxy_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    proxy = get_object_or_404(Proxy, pk=proxy_pk, session=session)
    services.proxy_revoke(proxy=proxy)
    return _done(request, session, "Pouvoir révoqué.", focus="proxy")


@require_POST
def presence_move(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    state = screen.live_state(session)
    form = PresenceMoveForm(
        request.POST,
        mandates=[r.mandate for r in state.rows],
        items=[row.item for row in state.items],
    )
    if not form.is_valid():
        return _render(request, session, move_form=form, focus="moves")
    data = form.cleaned_data
    attendance = Attendance.objects.filter(session=session, mandate=data["mandate"]).first()
    arrived = attendance.arrived_at if attendance else None
    left = attendance.left_at if attendance else None
    if data["move"] == "arrived":
        arrived = data["item"]
    else:
        left = data["item"]
    try:
        presence_change(session=session, mandate=data["mandate"], arrived_at=arrived, left_at=left)
    except ValidationError as exc:
        return _refused(request, session, exc, move_form=form)
    verb = "arrive au" if data["move"] == "arrived" else "quitte la séance avant le"
    return _done(
        request,
        session,
        f"{data['mandate'].person.full_name} {verb} point {data['item'].position}.",
        focus="moves",
    )


@require_POST
def vote_entry(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    item = get_object_or_404(
        AgendaItem.objects.select_related("session"), pk=item_pk, session=session
    )
    state = screen.live_state(session)
    form = _vote_form(state, item, request.POST)
    if not form.is_valid():
        return _render(request, session, vote_forms={item.pk: form}, focus=f"item{item.pk}")
    data = form.cleaned_data
    typed = [data[name] for name in ("votes_for", "votes_against", "abstentions", "blank")]
    try:
        # Counts only when typed; names only for a roll call (the radios always post).
        given = vote_given(
            data["mode"],
            tally=None if all(n is None for n in typed) else Tally(*(n or 0 for n in typed)),
            roll_call=form.roll_call_choices() if data["mode"] == "roll_call" else None,  # type: ignore[arg-type]
        )
        vote = vote_record(
            item=item,
            ballot=data["ballot"],
            not_voting=list(data["not_voting"]),
            not_voting_reason=data["not_voting_reason"] or "",
            president_vote=data["president_vote"] or None,
            **given,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render(request, session, vote_forms={item.pk: form}, focus=f"item{item.pk}")
    return _done(
        request,
        session,
        f"Vote enregistré sur « {item.title} » : {vote.get_result_display().lower()}.",
        focus=f"item{item.pk}",
    )


@require_POST
def vote_undo(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    vote = get_object_or_404(Vote, item__pk=item_pk, item__session=session)
    try:
        vote_cancel(vote=vote)
    except ValidationError as exc:
        return _refused(request, session, exc)
    return _done(request, session, "Vote annulé : saisissez-le à nouveau.", focus=f"item{item_pk}")


# --- The roll pre-filled from the members' answers (meetings.prefill) ------------------


@require_POST
def prefill(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's explicit click: fill the empty roll from the answers."""
    session = get_session_for_user(request, pk, edit=True)
    try:
        result = roll_prefill(session=session)
    except ValidationError as exc:
        return _refused(request, session, exc)
    if request.htmx:  # type: ignore[attr-defined]
        response = _render(request, session, notices=[result.summary, *result.left_out])
        response["HX-Trigger"] = "rollChanged"
        return response
    messages.success(request, result.summary)
    for line in result.left_out:
        messages.warning(request, line)
    return redirect("meetings:live", pk=session.pk)


@require_POST
def confirm(request: HttpRequest, pk: int, mandate_pk: int) -> HttpResponse:
    """Confirm one member's declared lines as they stand."""
    session = get_session_for_user(request, pk, edit=True)
    mandate = get_object_or_404(Mandate.objects.select_related("person"), pk=mandate_pk)
    try:
        roll_confirm(session=session, mandate=mandate)
    except ValidationError as exc:
        return _refused(request, session, exc, focus=f"m{mandate.pk}")
    return _done(
        request,
        session,
        f"{mandate.person.full_name} : ligne de l'appel confirmée.",
        focus=f"m{mandate.pk}",
    )


@require_POST
def confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=True)
    try:
        count = roll_confirm(session=session)
    except ValidationError as exc:
        return _refused(request, session, exc)
    plural = "s" if count > 1 else ""
    return _done(request, session, f"{count} ligne{plural} déclarée{plural} confirmée{plural}.")
