"""The official documents in the browser: downloads (signed ones exactly as stored, others as
marked copies), the PV's live preview, signing in the app and errata."""

from __future__ import annotations

import hashlib
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from deliberations.access import get_deliberation_for_user
from deliberations.executoire import stamped_copy
from deliberations.models import SignatureConsent, SignedDocument
from deliberations.selectors import deliberations_for_user, published_deliberations
from deliberations.services import erratum_create
from deliberations.storage import document_filename, get_signed, signed_bytes
from meetings.access import get_session_for_user
from meetings.forms import PvForm
from meetings.models import Session
from members.access import can_edit, require_perm
from members.models import Body
from pma_governance.documents.catalog import DOCUMENTS, document_pdf, liste_pdf
from pma_governance.documents.forms import ErratumForm
from pma_governance.documents.services import (
    ROLE_LABELS,
    SignatureOutcome,
    pv_preview_html,
    signature_give,
    signature_withdraw,
)
from pma_governance.lib.http import pdf_response, url_date

SIGNABLE = {"pv", "deliberation"}


# A signed PDF never changes: browsers may keep it; a draft copy is always fresh.
SIGNED_CACHE = "private, max-age=31536000, immutable"
DRAFT_CACHE = "private, no-cache"


def _signed_response(request: HttpRequest, signed: SignedDocument, filename: str) -> HttpResponse:
    return pdf_response(
        request,
        lambda: signed_bytes(signed),
        filename=filename,
        cache_control=SIGNED_CACHE,
        etag=signed.sha256,
    )


@require_safe
def session_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENTS or DOCUMENTS[kind].per_deliberation:
        raise Http404("Document inconnu.")
    session = get_session_for_user(request, pk)
    filename = document_filename(kind, session=session)
    signed = get_signed(kind, session=session)
    if signed is not None:
        return _signed_response(request, signed, filename)
    return pdf_response(
        request,
        document_pdf(kind, session=session, draft_mark=kind in SIGNABLE),
        filename=filename,
        cache_control=DRAFT_CACHE,
    )


@require_safe  # GET and HEAD
def deliberation_document(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk)
    if deliberation.item is None:
        raise Http404("Ce projet n'est inscrit à l'ordre du jour d'aucune séance : pas de PDF.")
    filename = document_filename("deliberation", deliberation=deliberation)
    signed = get_signed("deliberation", deliberation=deliberation)
    if signed is not None:
        return _signed_response(request, signed, filename)
    return pdf_response(
        request,
        document_pdf("deliberation", deliberation=deliberation, draft_mark=True),
        filename=filename,
        cache_control=DRAFT_CACHE,
    )


@require_safe  # GET and HEAD
def deliberation_executoire_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The act's stamped copy (copie exécutoire), exactly as sealed; the original is above."""
    deliberation = get_deliberation_for_user(request, pk)
    copy = stamped_copy(deliberation)
    if copy is None:
        raise Http404(
            "Pas de copie exécutoire : elle est produite une fois l'accusé de réception de la "
            "préfecture et la publication enregistrés."
        )
    filename = document_filename("executoire", deliberation=deliberation)
    return _signed_response(request, copy, filename)


# --- Signing in the app: each signatory signs from his own account ---------------------


def _outcome(request: HttpRequest, role: str, outcome: SignatureOutcome, what: str) -> None:
    if outcome.voided:
        messages.warning(request, outcome.voided)
    if outcome.signed is not None:
        messages.success(request, f"{what} est signé électroniquement et scellé.")
    else:
        messages.success(
            request,
            f"Signature du {ROLE_LABELS.get(role, '')} apposée avec votre certificat : le "
            "document sera scellé à la signature de l'autre signataire.",
        )


def _give(request: HttpRequest, **subject: Any) -> SignatureOutcome | None:
    """The signature the POST asks for; the passphrase typed is used once, then dropped."""
    try:
        return signature_give(
            role=request.POST.get("role", ""),
            user=request.user,
            passphrase=request.POST.get("passphrase", ""),
            **subject,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None


# The passphrase never shows in an error report.
@sensitive_post_parameters("passphrase")
@require_POST
def pv_signature(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    outcome = _give(request, kind="pv", session=session)
    if outcome is not None:
        _outcome(request, request.POST.get("role", ""), outcome, "Le procès-verbal")
    return redirect("meetings:pv_edit", pk=session.pk)


@sensitive_post_parameters("passphrase")
@require_POST
def deliberation_signature(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_object_or_404(
        deliberations_for_user(request.user).select_related("item__session"), pk=pk
    )
    outcome = _give(request, kind="deliberation", deliberation=deliberation)
    if outcome is not None:
        what = f"L'acte n° {deliberation.number}"
        _outcome(request, request.POST.get("role", ""), outcome, what)
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


@require_http_methods(["GET", "HEAD", "POST"])
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
        act = get_deliberation_for_user(request, pk)
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
        "documents/erratum_form.html",
        {"form": form, "label": label, "back": back, "nav": "deliberations"},
    )


# --- The PV's live preview, beside the secretariat's editor -----------------------------


# Shown in the editor's own iframe: this site may frame it, no other.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]  # typed for (request) only
@require_http_methods(["GET", "HEAD", "POST"])
def pv_preview(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    texts = None
    if request.method == "POST" and can_edit(request.user):
        form = PvForm(request.POST, items=list(session.items.order_by("position")))
        if form.is_valid():
            texts = form.texts()
    return HttpResponse(pv_preview_html(session=session, texts=texts))


# --- The public liste des délibérations, as a PDF ----------------------------------------

# A public liste PDF is rendered once per set of published acts, then served from the cache.
LISTE_PDF_CACHE_SECONDS = 24 * 3600
# It grows as acts are published: shared caches keep it a few minutes.
LISTE_PDF_CACHE = "public, max-age=300"


@login_not_required
@require_safe
def public_liste_pdf(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    """The liste des délibérations as a PDF listing the published acts only (CGCT L2121-25).

    It is not a signed document: it is rendered with the public subset, once per set of
    published acts (the ETag names that set).
    """
    body = get_object_or_404(Body, short_name=short_name)
    try:
        session = Session.objects.select_related("body").get(body=body, date=url_date(day))
    except (ValueError, Session.DoesNotExist):
        raise Http404("Aucune liste publiée pour cette séance.") from None
    published = sorted(
        published_deliberations()
        .filter(item__session=session)
        .order_by()
        .values_list("pk", "published_on")
    )
    if not published:
        raise Http404("Aucune liste publiée pour cette séance.")
    # The acts and their publication dates name the document.
    fingerprint = hashlib.sha256(f"{session.pk}:{published}".encode()).hexdigest()

    def render() -> bytes:
        key = f"public-liste-pdf:{fingerprint}"
        data = cache.get(key)
        if data is None:
            data = liste_pdf(session, only={pk for pk, _ in published})
            cache.set(key, data, LISTE_PDF_CACHE_SECONDS)
        return bytes(data)

    return pdf_response(
        request,
        render,
        filename=document_filename("liste", session=session),
        cache_control=LISTE_PDF_CACHE,
        etag=fingerprint,
    )
