"""Signing in the app: each signatory signs an act from their own account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deliberations.models import SignatureConsent
from deliberations.selectors import deliberations_for_user
from deliberations.signing import (
    ROLE_LABELS,
    erratum_create,
    signature_give,
    signature_withdraw,
)
from meetings.access import get_session_for_user
from members.access import require_perm


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
        deliberations_for_user(request.user).select_related("item__session"), pk=pk
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


class ErratumForm(forms.Form):
    date = forms.DateField(
        label="Date de l'erratum", widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label="Texte de l'erratum",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce qui est corrigé, et comment. L'acte signé reste tel qu'il a été signé.",
    )


@require_http_methods(["GET", "POST"])
def erratum_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Correct a signed PV or deliberation by an erratum; the signed act never changes."""
    require_perm(request, "deliberations.add_erratum")
    if kind == "pv":
        session = get_session_for_user(request, pk)
        act: Any = session.pv
        back = reverse("meetings:pv_edit", args=[session.pk])
        label = f"procès-verbal de la séance du {session.date:%d/%m/%Y}"
        target: dict[str, Any] = {"pv": act}
    elif kind == "deliberation":
        act = get_object_or_404(deliberations_for_user(request.user), pk=pk)
        back = reverse("deliberations:detail", args=[act.pk])
        label = f"délibération n° {act.number}"
        target = {"deliberation": act}
    else:
        raise Http404("Acte inconnu.")
    form = ErratumForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            erratum_create(
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                created_by=request.user,
                **target,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Erratum enregistré pour le {label}.")
            return redirect(back)
    return render(
        request,
        "deliberations/erratum_form.html",
        {"form": form, "label": label, "back": back, "nav": "deliberations"},
    )
