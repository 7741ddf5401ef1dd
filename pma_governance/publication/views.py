"""The public pages (no login): published PVs, listes and deliberations, and open data.

Nothing unpublished is ever shown or served: every query goes through
`selectors_public`, and an act that is not published is a 404 like an unknown one.
Signed PDFs are served exactly as stored (ETag = their SHA-256).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from deliberations.access import get_deliberation_for_user
from deliberations.actes import NATURES, matiere_label, matiere_path
from deliberations.executoire import facts_of_signatories, stamped_copy
from deliberations.models import Deliberation, SignedDocument
from deliberations.selectors import published_pvs
from deliberations.statements import vote_context
from deliberations.storage import document_filename, get_signed, signed_bytes
from deliberations.views.acts import follow_up_done, follow_up_page
from meetings.access import get_session_for_user
from meetings.models import ProcesVerbal, Session
from members.access import require_perm
from members.models import Body
from pma_governance.lib import wording as w
from pma_governance.lib.http import pdf_response, url_date
from pma_governance.publication import selectors as public
from pma_governance.publication.forms import PublishForm
from pma_governance.publication.links import deliberation_pdf_path
from pma_governance.publication.opendata import scdl_csv
from pma_governance.publication.services import deliberation_publish, pv_publish

PAGE_SIZE = 50
SESSIONS_PAGE_SIZE = 20
# Pages and files that grow as acts are published: shared caches keep them a few minutes.
SHORT_CACHE = "public, max-age=300"


def _body(short_name: str) -> Body:
    return get_object_or_404(Body, short_name=short_name)


def _day(value: str) -> dt.date:
    """The date of a session's address: AAAA-MM-JJ only, so that each has one URL."""
    try:
        return url_date(value)
    except ValueError:
        raise Http404("Date inconnue.") from None


# A publication is never withdrawn and a signed PDF never changes.
PUBLISHED_PDF_CACHE = "public, max-age=31536000, immutable"


def _signed_pdf(request: HttpRequest, signed: SignedDocument | None, filename: str) -> HttpResponse:
    """A published signed PDF, byte for byte as stored; public and immutable once online."""
    if signed is None:
        raise Http404("Document introuvable.")
    return pdf_response(
        request,
        lambda: signed_bytes(signed),
        filename=filename,
        cache_control=PUBLISHED_PDF_CACHE,
        etag=signed.sha256,
    )


def _page(request: HttpRequest, items: QuerySet[Any], size: int, param: str) -> Page[Any]:
    """One page of a list; its links keep the other lists' pages of the same page."""
    page = Paginator(items, size).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""  # type: ignore[attr-defined]
    page.next_url = link(page.next_page_number()) if page.has_next() else ""  # type: ignore[attr-defined]
    return page


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html", {"bodies": public.public_bodies()})


@login_not_required
@require_safe
def body_page(request: HttpRequest, short_name: str) -> HttpResponse:
    """The body's published PVs, listes and acts, each list paginated on its own."""
    body = _body(short_name)
    return render(
        request,
        "public/body.html",
        {
            "body": body,
            "pvs": _page(request, public.public_pvs(body), SESSIONS_PAGE_SIZE, "pv"),
            "listes": _page(request, public.liste_sessions(body), SESSIONS_PAGE_SIZE, "listes"),
            "page": _page(request, public.public_deliberations(body), PAGE_SIZE, "page"),
        },
    )


@login_not_required
@require_safe
def session_page(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    """One session as the public may read it: its published PV, its liste, its published acts."""
    body = _body(short_name)
    try:
        session = public.public_session(body, _day(day))
    except Session.DoesNotExist:
        raise Http404("Rien n'est publié pour cette séance.") from None
    pv = (
        published_pvs().filter(session=session).prefetch_related("errata").first()
        if getattr(session, "pv_published_on", None) is not None
        else None
    )
    return render(
        request,
        "public/session.html",
        {
            "body": body,
            "session": session,
            "pv": pv,
            "acts": list(public.liste_acts(session)),
        },
    )


def _matiere(code: str) -> dict[str, str]:
    return {
        "code": code,
        "label": matiere_label(code),
        "path": " / ".join(label for _, label in matiere_path(code)),
    }


@login_not_required
@require_safe
def deliberation_page(request: HttpRequest, short_name: str, ref: str) -> HttpResponse:
    """One published deliberation: its facts, its vote, its publication, its PDF."""
    body = _body(short_name)
    try:
        deliberation = public.public_deliberation_by_slug(body, ref)
    except Deliberation.DoesNotExist:
        raise Http404("Aucune délibération publiée sous ce numéro.") from None
    vote = public.vote_with_names(deliberation)
    return render(
        request,
        "public/deliberation.html",
        {
            "body": body,
            "d": deliberation,
            "session": deliberation.item.session if deliberation.item else None,
            "vote": vote,
            "vote_text": vote_context(vote) if vote is not None else None,
            "matiere": _matiere(deliberation.matiere),
            "nature": NATURES.get(deliberation.nature, ("", ""))[1],
            # DESIGN §6: « reçu » only with the acknowledgement's identifier.
            "receipt": w.prefecture_receipt(
                deliberation.prefecture_received_on, deliberation.prefecture_identifier
            ),
            "errata": list(deliberation.errata.all()),
            "executoire": facts_of_signatories(
                getattr(deliberation, "executoire_signatories", None)
            ),
            "original_label": w.ORIGINAL_LABEL,
        },
    )


def _liste_session(body: Body, day: str) -> Session:
    try:
        return public.liste_session(body, _day(day))
    except Session.DoesNotExist:
        raise Http404("Aucune liste publiée pour cette séance.") from None


@login_not_required
@require_safe
def liste(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    body = _body(short_name)
    session = _liste_session(body, day)
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


def _public_deliberation(short_name: str, pk: int) -> Deliberation:
    try:
        return public.public_deliberation(_body(short_name), pk)
    except Deliberation.DoesNotExist:
        raise Http404("Aucune délibération publiée sous ce numéro.") from None


@login_not_required
@require_safe  # GET and HEAD
def deliberation_pdf(request: HttpRequest, short_name: str, pk: int) -> HttpResponse:
    """The signed original, which is authoritative (« fait foi »)."""
    deliberation = _public_deliberation(short_name, pk)
    filename = document_filename("deliberation", deliberation=deliberation)
    return _signed_pdf(request, get_signed("deliberation", deliberation=deliberation), filename)


@login_not_required
@require_safe  # GET and HEAD
def deliberation_executoire_pdf(request: HttpRequest, short_name: str, pk: int) -> HttpResponse:
    """The stamped copy (copie exécutoire): the original sealed with its receipt and publication."""
    deliberation = _public_deliberation(short_name, pk)
    filename = document_filename("executoire", deliberation=deliberation)
    return _signed_pdf(request, stamped_copy(deliberation), filename)


@login_not_required
@require_safe
def pv_pdf(request: HttpRequest, short_name: str, day: str) -> HttpResponse:
    body = _body(short_name)
    try:
        pv = public.public_pv(body, _day(day))
    except ProcesVerbal.DoesNotExist:
        raise Http404("Aucun procès-verbal publié pour cette séance.") from None
    filename = document_filename("pv", session=pv.session)
    return _signed_pdf(request, get_signed("pv", session=pv.session), filename)


def _csv_response(request: HttpRequest, body: Body | None, filename: str) -> HttpResponse:
    def url_for(deliberation: Deliberation) -> str:
        path = deliberation_pdf_path(deliberation.body.short_name, deliberation.pk)
        return request.build_absolute_uri(path)

    data = scdl_csv(public.scdl_deliberations(body), url_for=url_for)
    response = HttpResponse(data.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = SHORT_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
def open_data(request: HttpRequest, short_name: str) -> HttpResponse:
    """The body's published deliberations in the SCDL « Délibérations » schema (CSV, UTF-8)."""
    body = _body(short_name)
    return _csv_response(request, body, f"{body.short_name}-deliberations-scdl.csv")


@login_not_required
@require_safe
def open_data_all(request: HttpRequest) -> HttpResponse:
    """Every body's published deliberations in one SCDL « Délibérations » file."""
    return _csv_response(request, None, "deliberations-scdl.csv")


@login_not_required
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers read the public pages, the open-data API and the sitemap; nothing else."""
    lines = [
        "User-agent: *",
        f"Allow: {reverse('public:index')}",
        f"Allow: {reverse('api:root')}",
        f"Allow: {reverse('sitemap')}",
        "Disallow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- The secretariat publishes a signed act or PV ----------------------------------------

PUBLISH = "deliberations.publish_deliberation"
PUBLISH_PV = "meetings.publish_procesverbal"


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm=PUBLISH)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            deliberation = deliberation_publish(
                deliberation=deliberation, published_on=form.cleaned_data["published_on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return follow_up_done(
                request,
                deliberation,
                f"Délibération n° {deliberation.number} publiée le "
                f"{deliberation.published_on:%d/%m/%Y} : elle figure sur les pages publiques.",
            )
    return follow_up_page(request, deliberation, publish_form=form)


@require_POST
def pv_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the PV of session `pk` (the form sits on the session hub)."""
    require_perm(request, PUBLISH_PV)
    session = get_session_for_user(request, pk)
    pv = get_object_or_404(ProcesVerbal, session=session)
    hub = reverse("meetings:session_detail", args=[session.pk])
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            pv = pv_publish(pv=pv, published_on=form.cleaned_data["published_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Procès-verbal de la séance du {session.date:%d/%m/%Y} publié le "
                f"{pv.published_on:%d/%m/%Y} : il figure sur les pages publiques.",
            )
            return redirect(hub + "#publication")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    # The hub's form shows the date typed again (nothing typed is lost).
    typed = urlencode({"pv_publie_le": request.POST.get("published_on", "")})
    return redirect(f"{hub}?{typed}#publication")
