"""The convocation's personal link (CGCT L2121-10): no login, the token is the key.

`/convocations/<token>/` opens one member's copy of one sending: it records the first
opening, shows that session's convocation — ordre du jour, each item's projet (note de
synthèse, dispositif), read-only — and offers « J'ai bien reçu la convocation ». Only
that session's convocation documents are shown; nothing else of the app is reachable
without a login. The logged-in élu acknowledges from his space page the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from deliberations.models import Deliberation
from meetings.convening import (
    acknowledge_as_user,
    receipt_acknowledge,
    receipt_expired,
    receipt_for_token,
    receipt_open,
)
from meetings.convening_models import ConvocationReceipt
from meetings.convocation import french_when
from meetings.models import AgendaItem, Session
from meetings.selectors import sessions_for_user
from pma_governance.space import selectors as space

UNKNOWN = (
    "Ce lien de convocation est inconnu : vérifiez qu'il a été copié en entier depuis le "
    "courriel, ou connectez-vous à votre espace."
)


def _receipt(token: str) -> ConvocationReceipt:
    receipt = receipt_for_token(token)
    if receipt is None:
        raise Http404(UNKNOWN)
    return receipt


def _items(session: Session) -> list[AgendaItem]:
    """The session's ordre du jour with each item's projet: that session only."""
    projets = Deliberation.objects.only(
        "pk", "item_id", "title", "visas", "considerants", "dispositif", "status", "number"
    )
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("rapporteur__person")
        .prefetch_related(Prefetch("deliberation", queryset=projets))
        .order_by("position")
    )


def _same_person(request: HttpRequest, receipt: ConvocationReceipt) -> bool:
    user = request.user
    return bool(user.is_authenticated) and receipt.mandate.person.user_id == user.pk


@login_not_required
@require_safe
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    """The member's convocation through his personal link; the first visit is recorded."""
    found = _receipt(token)
    session = found.session
    if receipt_expired(found):
        return render(
            request,
            "space/convocation_expired.html",
            {"receipt": found, "session": session},
            status=410,
        )
    if request.method == "GET":
        found = receipt_open(found)
    return render(
        request,
        "space/convocation_link.html",
        {
            "receipt": found,
            "session": session,
            "ack_url": reverse("convocations:acknowledge", args=[token]),
            "when": french_when(session.date, session.start_time),
            "items": _items(session),
            "same_person": _same_person(request, found),
            "in_space": _same_person(request, found)
            and sessions_for_user(request.user).filter(pk=session.pk).exists(),
        },
    )


@login_not_required
@require_POST
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """« J'ai bien reçu la convocation » through the personal link (CSRF-protected)."""
    found = _receipt(token)
    try:
        receipt_acknowledge(found)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Merci : la réception de votre convocation est enregistrée.")
    return redirect("convocations:receipt", token=token)


@require_POST
def acknowledge_in_space(request: HttpRequest, pk: int) -> HttpResponse:
    """The logged-in élu confirms receipt from his space page."""
    try:
        session = space.space_session(request.user, pk)
    except Session.DoesNotExist:
        raise Http404("Séance introuvable.") from None
    try:
        acknowledge_as_user(session, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Merci : la réception de votre convocation est enregistrée.")
    return redirect(reverse("space:session", args=[session.pk]) + "#convocation-recue")
