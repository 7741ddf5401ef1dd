"""Drafting deliberations: list and search, projets, visa library."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from deliberations import selectors, services
from deliberations.access import get_deliberation_for_user
from deliberations.actes import NATURES, matiere_label
from deliberations.executoire import stamped_copy_facts
from deliberations.forms import DeliberationFilterForm, DeliberationForm, VisaTemplateForm
from deliberations.models import Deliberation, VisaTemplate
from meetings.models import AgendaItem
from members.access import get_body_for_user, require_perm
from members.models import Body
from members.selectors import bodies_for_user
from pma_governance.lib.richtext import normalize
from pma_governance.lib.wording import ORIGINAL_LABEL

PAGE_SIZE = 25


def _get_visa(request: HttpRequest, pk: int, perm: str) -> VisaTemplate:
    require_perm(request, perm)
    return get_object_or_404(
        VisaTemplate.objects.select_related("body"),
        pk=pk,
        body__in=bodies_for_user(request.user),
    )


def _can(request: HttpRequest, perm: str) -> bool:
    return bool(request.user.has_perm(perm))


def _draft_refusal(deliberation: Deliberation) -> str:
    return (
        f"La délibération n° {deliberation.number} est "
        f"« {deliberation.get_status_display().lower()} » : elle ne peut plus être modifiée."
    )


# --- List and detail --------------------------------------------------------------------


def deliberation_list(request: HttpRequest) -> HttpResponse:
    form = DeliberationFilterForm(
        request.GET or None, sessions=selectors.sessions_for_filter(request.user)
    )
    filters = form.filters() if request.GET else {}
    queryset = selectors.deliberation_list(request.user, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deliberations/deliberation_list.html",
        {
            "nav": "deliberations",
            "form": form,
            "page": page,
            "searching": bool(filters.get("text")),
            "filtered": any(filters.values()),
            "query": query.urlencode(),
            "can_draft": _can(request, "deliberations.add_deliberation"),
        },
    )


def deliberation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        deliberation = selectors.deliberation_detail(request.user, pk)
    except Deliberation.DoesNotExist as exc:
        raise Http404 from exc
    item = deliberation.item
    vote = getattr(item, "vote", None) if item is not None else None
    return render(
        request,
        "deliberations/deliberation_detail.html",
        {
            "nav": "deliberations",
            "d": deliberation,
            "item": item,
            "vote": vote,
            "not_voting": list(vote.not_voting.all()) if vote is not None else [],
            "matiere": matiere_label(deliberation.matiere),
            "nature": NATURES.get(deliberation.nature, ("", ""))[1],
            # Normalised on save; again here for rows an import wrote unchecked.
            "considerants": normalize(deliberation.considerants),
            "editable": deliberation.status == Deliberation.Status.DRAFT
            and _can(request, "deliberations.change_deliberation"),
            "deletable": deliberation.status == Deliberation.Status.DRAFT
            and _can(request, "deliberations.delete_deliberation"),
            **_documents(deliberation),
        },
    )


# --- Drafting ---------------------------------------------------------------------------


def deliberation_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "deliberations.add_deliberation")
    item: AgendaItem | None = None
    point = request.GET.get("point")
    if point and point.isascii() and point.isdigit():
        item = get_object_or_404(
            AgendaItem.objects.select_related("session__body"),
            pk=int(point),
            session__body__in=bodies_for_user(request.user),
        )
        body: Body = item.session.body
    else:
        body = get_body_for_user(request, request.GET.get("assemblee"))
    initial: dict[str, Any] = {"nature": "1"}
    if item is not None:
        initial.update(item=item.pk, title=item.title)
    form = DeliberationForm(request.POST or None, body=body, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "title": data["title"],
            "matiere": data["matiere"],
            "dispositif": data["dispositif"],
            "nature": data["nature"],
            "visas": data["visas"],
            "considerants": data["considerants"],
            "item": data["item"],
        }
        try:
            deliberation = services.deliberation_create(
                body=body, budget_year=data["budget_year"], **fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Projet de délibération « {deliberation.title} » créé.")
            return redirect("deliberations:detail", pk=deliberation.pk)
    return render(
        request,
        "deliberations/deliberation_form.html",
        {"nav": "deliberations", "form": form, "body": body, "d": None, "item": item},
    )


def deliberation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm="deliberations.change_deliberation")
    if request.method != "POST" and deliberation.status != Deliberation.Status.DRAFT:
        messages.error(request, _draft_refusal(deliberation))
        return redirect("deliberations:detail", pk=deliberation.pk)
    form = DeliberationForm(request.POST or None, body=deliberation.body, deliberation=deliberation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deliberation = services.deliberation_update(
                deliberation=deliberation,
                title=data["title"],
                matiere=data["matiere"],
                dispositif=data["dispositif"],
                nature=data["nature"],
                visas=data["visas"],
                considerants=data["considerants"],
                item=data["item"],
                budget_year=data["budget_year"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Projet de délibération enregistré.")
            return redirect("deliberations:detail", pk=deliberation.pk)
    return render(
        request,
        "deliberations/deliberation_form.html",
        {
            "nav": "deliberations",
            "form": form,
            "body": deliberation.body,
            "d": deliberation,
            "item": deliberation.item,
        },
    )


def deliberation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    deliberation = get_deliberation_for_user(request, pk, perm="deliberations.delete_deliberation")
    if request.method == "POST":
        try:
            services.deliberation_delete(deliberation=deliberation)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("deliberations:detail", pk=deliberation.pk)
        messages.success(request, f"Projet « {deliberation.title} » supprimé.")
        return redirect("deliberations:list")
    if deliberation.status != Deliberation.Status.DRAFT:
        messages.error(request, _draft_refusal(deliberation))
        return redirect("deliberations:detail", pk=deliberation.pk)
    return render(
        request,
        "deliberations/deliberation_confirm_delete.html",
        {"nav": "deliberations", "d": deliberation},
    )


# --- Visa library -----------------------------------------------------------------------


def visa_list(request: HttpRequest) -> HttpResponse:
    body = get_body_for_user(request, request.GET.get("assemblee"))
    form = VisaTemplateForm(request.POST or None)
    if request.method == "POST":
        require_perm(request, "deliberations.add_visatemplate")
        if form.is_valid():
            try:
                visa = services.visa_template_create(
                    body=body,
                    text=form.cleaned_data["text"],
                    position=form.cleaned_data["position"],
                )
            except ValidationError as exc:
                form.add_error("text", exc)
            else:
                messages.success(request, f"Visa ajouté : « VU {visa.text} ».")
                return redirect(request.get_full_path())
    return render(
        request,
        "deliberations/visa_list.html",
        {
            "nav": "deliberations",
            "body": body,
            "bodies": bodies_for_user(request.user).order_by("name"),
            "visas": selectors.visa_library(body),
            "form": form,
            "can_manage": _can(request, "deliberations.change_visatemplate"),
        },
    )


def visa_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visa = _get_visa(request, pk, "deliberations.change_visatemplate")
    form = VisaTemplateForm(
        request.POST or None, initial={"text": visa.text, "position": visa.position}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.visa_template_update(
                visa=visa,
                text=form.cleaned_data["text"],
                position=(
                    visa.position
                    if form.cleaned_data["position"] is None
                    else form.cleaned_data["position"]
                ),
            )
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, "Visa enregistré.")
            return redirect(_visas_url(visa.body))
    return render(
        request,
        "deliberations/visa_form.html",
        {"nav": "deliberations", "form": form, "visa": visa},
    )


def visa_remove(request: HttpRequest, pk: int) -> HttpResponse:
    visa = _get_visa(request, pk, "deliberations.delete_visatemplate")
    if request.method == "POST":
        services.visa_template_delete(visa=visa)
        messages.success(request, "Visa retiré de la bibliothèque.")
        return redirect(_visas_url(visa.body))
    return render(
        request,
        "deliberations/visa_confirm_delete.html",
        {"nav": "deliberations", "visa": visa},
    )


def _visas_url(body: Body) -> str:
    return reverse("deliberations:visas") + f"?assemblee={body.short_name}"


# --- The act's follow-up: contrôle de légalité, annexes, publication ----------------------
# Its panel sits on the act's page; the prefecture and publication features post to it.


def _documents(deliberation: Deliberation) -> dict[str, Any]:
    """The signed original and its stamped copy, as the follow-up panel labels them."""
    return {
        "original_label": ORIGINAL_LABEL,
        "executoire": stamped_copy_facts(deliberation) if deliberation.is_signed else None,
    }


def follow_up_done(request: HttpRequest, deliberation: Deliberation, message: str) -> HttpResponse:
    """Back to the act's follow-up panel, with what was recorded."""
    messages.success(request, message)
    return redirect(reverse("deliberations:detail", args=[deliberation.pk]) + "#prefecture")


def follow_up_page(request: HttpRequest, deliberation: Deliberation, **forms: Any) -> HttpResponse:
    """The follow-up panel on a page of its own: after a refusal, with the errors and the
    typed values of the refused form."""
    return render(
        request,
        "deliberations/follow_up.html",
        {"nav": "deliberations", "d": deliberation, **_documents(deliberation), **forms},
    )
