"""The public pages (no login): published PVs, listes and deliberations, and open data.

Nothing unpublished is ever shown or served: every query goes through
`selectors_public`, and an act that is not published is a 404 like an unknown one.
Signed PDFs are served exactly as stored (ETag = their SHA-256).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from deliberations import selectors_public as public
from deliberations.models import Deliberation, SignedDocument
from deliberations.publication import scdl_csv
from meetings.models import ProcesVerbal, Session
from members.models import Body
from pma_governance.documents import wording as w
from pma_governance.documents.catalog import document_filename
from pma_governance.documents.storage import get_signed, signed_bytes

PAGE_SIZE = 50


def _body(short_name: str) -> Body:
    return get_object_or_404(Body, short_name=short_name)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("Date inconnue.") from None


def _signed_pdf(request: HttpRequest, signed: SignedDocument | None, filename: str) -> HttpResponse:
    """A published signed PDF, byte for byte as stored; public and immutable once online."""
    if signed is None:
        raise Http404("Document introuvable.")
    etag = f'"{signed.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        data = signed_bytes(signed)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
        response["Content-Length"] = str(len(data))
    response["ETag"] = etag
    # A publication is never withdrawn and a signed PDF never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"bodies": public.public_bodies()})


@login_not_required
@require_GET
def body_page(request: HttpRequest, short_name: str) -> HttpResponse:
    body = _body(short_name)
    page = Paginator(public.public_deliberations(body), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/body.html",
        {
            "body": body,
            "pvs": public.public_pvs(body),
            "listes": public.liste_sessions(body),
            "page": page,
        },
    )


@login_not_required
@require_GET
def liste(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    body = _body(short_name)
    try:
        session = public.liste_session(body, _day(day))
    except Session.DoesNotExist:
        raise Http404("Aucune liste publiée pour cette séance.") from None
    subtitle = (
        f"examinées par {w.the(body.assembly_name)} {w.of_the(body.name)} en sa séance du "
        f"{w.long_date(session.date)}"
    )
    return render(
        request,
        "public/liste.html",
        {
            "body": body,
            "session": session,
            "subtitle": subtitle,
            "acts": public.liste_acts(session),
        },
    )


@login_not_required
@require_GET
def deliberation_pdf(request: HttpRequest, short_name: str, pk: int) -> HttpResponse:
    body = _body(short_name)
    try:
        deliberation = public.public_deliberation(body, pk)
    except Deliberation.DoesNotExist:
        raise Http404("Aucune délibération publiée sous ce numéro.") from None
    filename = document_filename("deliberation", deliberation=deliberation)
    return _signed_pdf(request, get_signed("deliberation", deliberation=deliberation), filename)


@login_not_required
@require_GET
def pv_pdf(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    body = _body(short_name)
    try:
        pv = public.public_pv(body, _day(day))
    except ProcesVerbal.DoesNotExist:
        raise Http404("Aucun procès-verbal publié pour cette séance.") from None
    filename = document_filename("pv", session=pv.session)
    return _signed_pdf(request, get_signed("pv", session=pv.session), filename)


@login_not_required
@require_GET
def open_data(request: HttpRequest, short_name: str) -> HttpResponse:
    """The published deliberations in the SCDL « Délibérations » schema (CSV, UTF-8)."""
    body = _body(short_name)

    def url_for(deliberation: Deliberation) -> str:
        path = reverse("public:deliberation_pdf", args=[body.short_name, deliberation.pk])
        return request.build_absolute_uri(path)

    data = scdl_csv(public.scdl_deliberations(body), url_for=url_for)
    response = HttpResponse(data.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{body.short_name}-deliberations-scdl.csv"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
