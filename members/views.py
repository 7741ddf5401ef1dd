"""The member register: members in office on a date, persons, mandates, member entities.

Reading is open to every user of the body; each write needs the members permissions of
the secretariat. A refusal re-renders the bound form (status 200) with the reason in
French, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members import selectors, services
from members.access import get_body_for_user, require_perm
from members.certificates import (
    certificate_register,
    certificate_revoke,
    may_register_certificates,
)
from members.forms import (
    CertificateForm,
    EntityForm,
    MandateEndForm,
    MandateForm,
    MandatePromoteForm,
    PersonCreateForm,
    PersonForm,
    RegisterFilterForm,
    SecurityJournalFilterForm,
)
from members.models import Body, Mandate, MemberEntity, Person, SigningCertificate

ADD_MANDATE = "members.add_mandate"
CHANGE_MANDATE = "members.change_mandate"
ADD_ENTITY = "members.add_memberentity"
CHANGE_ENTITY = "members.change_memberentity"
READ_SECURITY_JOURNAL = "members.read_securityevent"


# Access helpers -------------------------------------------------------------------------


def _get_body(request: HttpRequest) -> Body:
    """The body chosen with ?assemblee=SIGLE, or the user's first; 403 when none."""
    return get_body_for_user(request, request.GET.get("assemblee") or None)


def _get_mandate_for_user(request: HttpRequest, pk: int, perm: str) -> Mandate:
    """A mandate of one of the user's bodies (404 otherwise), for a user who may write."""
    mandate = get_object_or_404(
        Mandate.objects.select_related("person", "entity", "body"),
        pk=pk,
        body__in=selectors.bodies_for_user(request.user),
    )
    require_perm(request, perm)
    return mandate


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    """A person with a mandate in one of the user's bodies, with those mandates."""
    try:
        return selectors.person_with_mandates(pk, bodies=selectors.bodies_for_user(request.user))
    except Person.DoesNotExist:
        raise Http404("Élu introuvable.") from None


def _get_entity_for_user(request: HttpRequest, pk: int) -> MemberEntity:
    return get_object_or_404(
        MemberEntity.objects.select_related("body"),
        pk=pk,
        body__in=selectors.bodies_for_user(request.user),
    )


# Helpers --------------------------------------------------------------------------------


def _refuse(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields else None
            for error in errors:
                form.add_error(field, error)
    else:
        form.add_error(None, exc)


def _register_url(body: Body, day: dt.date | None = None) -> str:
    url = reverse("members:register") + f"?assemblee={body.short_name}"
    return url + (f"&date={day.isoformat()}" if day else "")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"nav": "members", **context})


# Register -------------------------------------------------------------------------------


@require_safe
def register(request: HttpRequest) -> HttpResponse:
    body = _get_body(request)
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("date"):
        data["date"] = today.isoformat()
    form = RegisterFilterForm(data, entities=selectors.entities_of(body))
    day, entity, include_ended = today, None, False
    if form.is_valid():
        day = form.cleaned_data["date"]
        entity = form.cleaned_data["adherent"]
        include_ended = form.cleaned_data["historique"]
    return _render(
        request,
        "members/register.html",
        {
            "body": body,
            "bodies": selectors.bodies_for_user(request.user),
            "form": form,
            "today": today,
            "register": selectors.register(body, day, include_ended=include_ended, entity=entity),
        },
    )


# Persons --------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    body = _get_body(request)
    require_perm(request, ADD_MANDATE)
    entities = selectors.entities_of(body)
    if request.method == "POST":
        form = PersonCreateForm(request.POST, entities=entities)
        if form.is_valid():
            try:
                person = services.person_create(body=body, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, f"{person.full_name} est inscrit au registre.")
                return redirect("members:person_detail", pk=person.pk)
    else:
        form = PersonCreateForm(
            entities=entities,
            initial={"role": Mandate.Role.TITULAIRE, "start_date": timezone.localdate()},
        )
    return _render(request, "members/person_create.html", {"body": body, "form": form})


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    return _render(
        request,
        "members/person_detail.html",
        {
            "person": person,
            "mandates": list(person.mandates.all()),
            "today": timezone.localdate(),
            "certificates": list(
                SigningCertificate.objects.filter(person=person).select_related(
                    "registered_by", "revoked_by"
                )
            ),
            "may_register": may_register_certificates(request.user),
        },
    )


# Signing certificates -----------------------------------------------------------------


def _require_registrar(request: HttpRequest) -> None:
    if not may_register_certificates(request.user):
        raise PermissionDenied(
            "Seul un administrateur habilité enregistre les certificats de signature."
        )


# The passphrase never shows in an error report.
@sensitive_post_parameters("passphrase")
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Register (or replace) a person's signing certificate."""
    person = _get_person_for_user(request, pk)
    _require_registrar(request)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificate_register(
                person=person,
                data=form.cleaned_data["file"],
                passphrase=form.cleaned_data["passphrase"],
                by=request.user,
            )
        except ValidationError as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                f"Certificat de signature de {person.full_name} enregistré "
                f"(« {certificate.common_name} », valide jusqu'au "
                f"{timezone.localtime(certificate.not_after):%d/%m/%Y}).",
            )
            return redirect("members:person_detail", pk=person.pk)
    return _render(request, "members/certificate_add.html", {"person": person, "form": form})


@require_POST
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(SigningCertificate.objects.select_related("person"), pk=pk)
    person = _get_person_for_user(request, certificate.person_id)
    _require_registrar(request)
    try:
        certificate_revoke(certificate=certificate, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Le certificat de signature de {person.full_name} est révoqué.")
    return redirect("members:person_detail", pk=person.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    require_perm(request, CHANGE_MANDATE)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.person_update(person=person, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, f"La fiche de {person.full_name} est enregistrée.")
                return redirect("members:person_detail", pk=person.pk)
    else:
        form = PersonForm(
            initial={
                "civility": person.civility,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "phone": person.phone,
                "paper_convocation": person.paper_convocation,
            }
        )
    return _render(request, "members/person_edit.html", {"person": person, "form": form})


# Mandates -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def mandate_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    body = _get_body(request)
    require_perm(request, ADD_MANDATE)
    entities = selectors.entities_of(body)
    if request.method == "POST":
        form = MandateForm(request.POST, entities=entities)
        if form.is_valid():
            try:
                mandate = services.mandate_create(person=person, body=body, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(
                    request,
                    f"Mandat de {mandate.get_role_display().lower()} ajouté à {person.full_name}.",
                )
                return redirect("members:person_detail", pk=person.pk)
    else:
        form = MandateForm(
            entities=entities,
            initial={"role": Mandate.Role.TITULAIRE, "start_date": timezone.localdate()},
        )
    return _render(
        request, "members/mandate_add.html", {"person": person, "body": body, "form": form}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def mandate_end(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _get_mandate_for_user(request, pk, CHANGE_MANDATE)
    if request.method == "POST":
        form = MandateEndForm(request.POST)
        if form.is_valid():
            try:
                ended = services.mandate_end(
                    mandate=mandate, end_date=form.cleaned_data["end_date"]
                )
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(
                    request,
                    f"Le mandat de {ended.person.full_name} prend fin le "
                    f"{ended.end_date:%d/%m/%Y}.",
                )
                return redirect("members:person_detail", pk=ended.person_id)
    else:
        form = MandateEndForm(initial={"end_date": mandate.end_date or timezone.localdate()})
    return _render(request, "members/mandate_end.html", {"mandate": mandate, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def mandate_promote(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = _get_mandate_for_user(request, pk, CHANGE_MANDATE)
    if mandate.role != Mandate.Role.SUPPLEANT:
        messages.error(request, f"{mandate.person.full_name} n'est pas suppléant.")
        return redirect("members:person_detail", pk=mandate.person_id)
    if request.method == "POST":
        form = MandatePromoteForm(request.POST)
        if form.is_valid():
            try:
                titulaire = services.mandate_promote(mandate=mandate, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                entity = f" ({titulaire.entity.short_name})" if titulaire.entity else ""
                messages.success(
                    request,
                    f"{titulaire.person.full_name} devient titulaire{entity} le "
                    f"{titulaire.start_date:%d/%m/%Y}.",
                )
                return redirect(_register_url(titulaire.body, titulaire.start_date))
    else:
        form = MandatePromoteForm(initial={"day": timezone.localdate()})
    return _render(request, "members/mandate_promote.html", {"mandate": mandate, "form": form})


# Member entities ------------------------------------------------------------------------


@require_safe
def entity_list(request: HttpRequest) -> HttpResponse:
    body = _get_body(request)
    today = timezone.localdate()
    return _render(
        request,
        "members/entity_list.html",
        {"body": body, "today": today, "entities": selectors.entities_with_counts(body, today)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entity_create(request: HttpRequest) -> HttpResponse:
    body = _get_body(request)
    require_perm(request, ADD_ENTITY)
    if request.method == "POST":
        form = EntityForm(request.POST)
        if form.is_valid():
            try:
                entity = services.entity_create(body=body, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, f"{entity.name} est ajouté aux membres adhérents.")
                return redirect(reverse("members:entity_list") + f"?assemblee={body.short_name}")
    else:
        form = EntityForm(initial={"seats": 1})
    return _render(request, "members/entity_form.html", {"body": body, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entity = _get_entity_for_user(request, pk)
    require_perm(request, CHANGE_ENTITY)
    if request.method == "POST":
        form = EntityForm(request.POST)
        if form.is_valid():
            try:
                entity = services.entity_update(entity=entity, **form.cleaned_data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, f"{entity.name} est enregistré.")
                return redirect(
                    reverse("members:entity_list") + f"?assemblee={entity.body.short_name}"
                )
    else:
        form = EntityForm(
            initial={"name": entity.name, "short_name": entity.short_name, "seats": entity.seats}
        )
    return _render(
        request,
        "members/entity_form.html",
        {"body": entity.body, "entity": entity, "form": form},
    )


# Security journal -----------------------------------------------------------------------


@require_safe
def security_journal(request: HttpRequest) -> HttpResponse:
    """The security journal, for superusers and whom they grant « Lire le journal de sécurité »."""
    if not request.user.has_perm(READ_SECURITY_JOURNAL):
        raise PermissionDenied("Le journal de sécurité est réservé aux administrateurs.")
    form = SecurityJournalFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.security_events(
        kind=filters.get("kind", ""),
        user=filters.get("user", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/security_journal.html",
        {"nav": "security", "form": form, "page": page, "query": query.urlencode()},
    )
