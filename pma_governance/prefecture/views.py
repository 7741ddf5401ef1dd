"""The contrôle de légalité and the publication of a signed act (DESIGN §6).

Admins with the transmit permission download the @ctes archive for the prefecture and record
the transmission and the accusé de réception (typed, or imported from its XML); those with the publish permission put the act
(or the session's PV) online. Everyone who may read the act sees where it stands.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from deliberations.access import get_deliberation_for_user
from deliberations.models import DeliberationAnnex
from deliberations.views.acts import follow_up_done, follow_up_page
from pma_governance.prefecture.actes import actes_archive
from pma_governance.prefecture.forms import (
    AnnexForm,
    PrefectureAckForm,
    PrefectureAckImportForm,
    PrefectureSentForm,
)
from pma_governance.prefecture.services import (
    annex_add,
    prefecture_import_ack,
    prefecture_record_ack,
    prefecture_record_sent,
)

TRANSMIT = "deliberations.transmit_deliberation"
ADD_ANNEX = "deliberations.add_deliberationannex"


@require_safe
def prefecture(request: HttpRequest, pk: int) -> HttpResponse:
    return follow_up_page(request, get_deliberation_for_user(request, pk))


@require_safe
def prefecture_zip_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The former ZIP's address: the @ctes archive replaced it."""
    deliberation = get_deliberation_for_user(request, pk, perm=TRANSMIT)
    return redirect("deliberations:prefecture_actes", deliberation.pk)


@require_safe
def prefecture_actes_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The @ctes .tar.gz, the same bytes as `manage.py export_actes` the same day."""
    deliberation = get_deliberation_for_user(request, pk, perm=TRANSMIT)
    try:
        archive = actes_archive(deliberation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(reverse("deliberations:detail", args=[deliberation.pk]) + "#prefecture")
    response = HttpResponse(archive.content, content_type="application/gzip")
    response["Content-Disposition"] = content_disposition_header(True, archive.name)
    response["Content-Length"] = str(len(archive.content))
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
def prefecture_sent(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm=TRANSMIT)
    form = PrefectureSentForm(request.POST)
    if form.is_valid():
        try:
            prefecture_record_sent(deliberation=deliberation, sent_on=form.cleaned_data["sent_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return follow_up_done(
                request,
                deliberation,
                f"Transmission en préfecture enregistrée : le "
                f"{form.cleaned_data['sent_on']:%d/%m/%Y}.",
            )
    return follow_up_page(request, deliberation, sent_form=form)


@require_POST
def prefecture_ack(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm=TRANSMIT)
    form = PrefectureAckForm(request.POST)
    if form.is_valid():
        try:
            deliberation = prefecture_record_ack(
                deliberation=deliberation,
                received_on=form.cleaned_data["received_on"],
                identifier=form.cleaned_data["identifier"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return follow_up_done(
                request,
                deliberation,
                f"Accusé de réception enregistré : reçu en préfecture le "
                f"{deliberation.prefecture_received_on:%d/%m/%Y} — identifiant "
                f"{deliberation.prefecture_identifier}.",
            )
    return follow_up_page(request, deliberation, ack_form=form)


@require_POST
def prefecture_ack_import(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm=TRANSMIT)
    form = PrefectureAckImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            deliberation = prefecture_import_ack(
                deliberation=deliberation, data=form.cleaned_data["data"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return follow_up_done(
                request,
                deliberation,
                f"Accusé de réception importé : reçu en préfecture le "
                f"{deliberation.prefecture_received_on:%d/%m/%Y} — identifiant "
                f"{deliberation.prefecture_identifier}.",
            )
    return follow_up_page(request, deliberation, ack_import_form=form)


@require_POST
def annex_upload(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm=ADD_ANNEX)
    form = AnnexForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            annex = annex_add(deliberation=deliberation, **form.annex())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return follow_up_done(request, deliberation, f"Annexe « {annex.title} » ajoutée.")
    return follow_up_page(request, deliberation, annex_form=form)


@require_safe
def annex_file(request: HttpRequest, pk: int, annex_pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk)
    annex = get_object_or_404(DeliberationAnnex, pk=annex_pk, deliberation=deliberation)
    data = bytes(annex.content)
    # Only a PDF opens in the browser. Any other type an upload claimed (an HTML page, a
    # script) is downloaded as bytes: served inline from this site, it would run as the app.
    is_pdf = annex.content_type == "application/pdf"
    response = HttpResponse(
        data, content_type=annex.content_type if is_pdf else "application/octet-stream"
    )
    response["Content-Disposition"] = (
        content_disposition_header(not is_pdf, annex.filename) or "inline"
    )
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "private, no-cache"
    return response
