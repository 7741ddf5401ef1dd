"""The official documents in the browser: downloads (signed ones exactly as stored, others as
marked copies), the PV's live preview, signing in the app and errata."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberations.models import SignatureConsent, SignedDocument
from deliberations.selectors import deliberations_for_user
from deliberations.storage import document_filename, get_signed, signed_bytes
from meetings.access import get_session_for_user
from meetings.forms import PvForm
from members.access import can_edit, require_perm
from pma_governance.documents.catalog import DOCUMENTS, document_pdf
from pma_governance.documents.forms import ErratumForm
from pma_governance.documents.services import (
    ROLE_LABELS,
    erratum_create,
    pv_preview_html,
    signature_give,
    signature_withdraw,
)

SIGNABLE = {"pv", "deliberation"}


def _pdf_response(
    data: bytes, filename: str, *, etag: str = "", immutable: bool = False
) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Length"] = str(len(data))
    if etag:
        response["ETag"] = f'"{etag}"'
    # A signed PDF never changes: browsers may keep it; a draft copy is always fresh.
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if immutable else "private, no-cache"
    )
    return response


def _signed_response(request: HttpRequest, signed: SignedDocument, filename: str) -> HttpResponse:
    if request.headers.get("If-None-Match") == f'"{signed.sha256}"':
        response = HttpResponse(status=304)
        response["ETag"] = f'"{signed.sha256}"'
        return response
    return _pdf_response(signed_bytes(signed), filename, etag=signed.sha256, immutable=True)


@require_GET
def session_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENTS or DOCUMENTS[kind].per_deliberation:
        raise Http404("Document inconnu.")
    session = get_session_for_user(request, pk)
    filename = document_filename(kind, session=session)
    signed = get_signed(kind, session=session)
    if signed is not None:
        return _signed_response(request, signed, filename)
    return _pdf_response(document_pdf(kind, session=session, draft_mark=kind in SIGNABLE), filename)


@require_GET
def deliberation_document(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_object_or_404(deliberations_for_user(request.user), pk=pk)
    if deliberation.item is None:
        raise Http404("Ce projet n'est inscrit à l'ordre du jour d'aucune séance : pas de PDF.")
    filename = document_filename("deliberation", deliberation=deliberation)
    signed = get_signed("deliberation", deliberation=deliberation)
    if signed is not None:
        return _signed_response(request, signed, filename)
    return _pdf_response(
        document_pdf("deliberation", deliberation=deliberation, draft_mark=True), filename
    )


# --- Signing in the app: each signatory signs from his own account ---------------------


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


# --- The PV's live preview, beside the secretariat's editor -----------------------------


@xframe_options_sameorigin  # shown in the editor's own iframe
@require_http_methods(["GET", "POST"])
def pv_preview(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    texts = None
    if request.method == "POST" and can_edit(request.user):
        form = PvForm(request.POST, items=list(session.items.order_by("position")))
        if form.is_valid():
            texts = form.texts()
    return HttpResponse(pv_preview_html(session=session, texts=texts))
