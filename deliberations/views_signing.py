"""Signing in the app: each signatory signs an act from their own account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from deliberations.models import Deliberation, SignatureConsent
from deliberations.signing import ROLE_LABELS, signature_give, signature_withdraw
from members.selectors import bodies_for_user
from pma_governance.access import get_session_for_user


def _outcome(request: HttpRequest, role: str, signed: object, what: str) -> None:
    if signed is not None:
        messages.success(request, f"{what} est signé électroniquement et scellé.")
    else:
        messages.success(
            request,
            f"Signature du {ROLE_LABELS.get(role, '')} enregistrée : le document sera scellé "
            "à la signature de l'autre signataire.",
        )


@require_POST
def pv_signature(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    role = request.POST.get("role", "")
    try:
        signed = signature_give(kind="pv", role=role, user=request.user, session=session)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        _outcome(request, role, signed, "Le procès-verbal")
    return redirect("meetings:pv_edit", pk=session.pk)


@require_POST
def deliberation_signature(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_object_or_404(
        Deliberation.objects.select_related("item__session"),
        pk=pk,
        body__in=bodies_for_user(request.user),
    )
    role = request.POST.get("role", "")
    try:
        signed = signature_give(
            kind="deliberation", role=role, user=request.user, deliberation=deliberation
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        _outcome(request, role, signed, f"L'acte n° {deliberation.number}")
    return redirect("deliberations:detail", pk=deliberation.pk)


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        SignatureConsent.objects.select_related("session", "deliberation"), pk=pk
    )
    try:
        signature_withdraw(consent=consent, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Votre signature est retirée.")
    if consent.deliberation_id:
        return redirect("deliberations:detail", pk=consent.deliberation_id)
    return redirect("meetings:pv_edit", pk=consent.session_id)
