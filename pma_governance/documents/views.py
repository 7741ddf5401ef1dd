"""Downloading documents: signed ones exactly as stored, others rendered as marked copies."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from deliberations.models import SignedDocument
from deliberations.selectors import deliberations_for_user
from meetings.access import get_session_for_user
from pma_governance.documents.catalog import (
    DOCUMENTS,
    document_filename,
    document_pdf,
)
from pma_governance.documents.storage import get_signed, signed_bytes

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
