"""Drafting the procès-verbal: the secretariat's texts beside a live preview of the PV.

The PV is assembled from the recorded facts; only the preamble, each item's debate
summary and the closing are written here. Saves carry the version they started from,
so two people never silently overwrite each other.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from meetings.access import get_session_for_user
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.services import PvConflict, pv_texts, pv_update
from members.access import can_edit


class PvForm(forms.Form):
    """The PV's free texts; one debate field per agenda item."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    preamble = forms.CharField(label="Préambule", required=False, widget=forms.Textarea)
    closing_text = forms.CharField(
        label="Clôture de la séance", required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"debate_{item.pk}"] = forms.CharField(
                label=f"{item.position}. {item.title}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
            )
        for name in ("preamble", "closing_text"):
            self.fields[name].widget.attrs.update({"rows": 4, "class": "form-control"})

    def debate_fields(self) -> list[tuple[AgendaItem, forms.BoundField]]:
        return [(item, self[f"debate_{item.pk}"]) for item in self.items]

    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _pv(session: Session) -> ProcesVerbal:
    pv, _ = ProcesVerbal.objects.get_or_create(session=session)
    return pv


def _items(session: Session) -> list[AgendaItem]:
    return list(session.items.order_by("position"))


def _preview_html(session: Session, texts: dict[str, str] | None = None) -> str:
    """The PV as the document lays it out; unsaved texts are shown, then rolled back."""
    from meetings.documents import pv_context

    if texts is None:
        return render_to_string("pdf/pv.html", pv_context(session) | {"preview": True})
    with transaction.atomic():
        pv = ProcesVerbal.objects.select_for_update().get(session=session)
        pv_update(pv=pv, texts=texts, expected_version=pv.version)
        html = render_to_string("pdf/pv.html", pv_context(session) | {"preview": True})
        # Only a preview: nothing typed here is saved.
        transaction.set_rollback(True)
    return html


@require_http_methods(["GET", "POST"])
def pv_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk, edit=request.method == "POST")
    pv = _pv(session)
    items = _items(session)
    editable = can_edit(request.user) and pv.status == ProcesVerbal.Status.DRAFT
    conflict: dict[str, Any] | None = None
    if request.method == "POST":
        form = PvForm(request.POST, items=items)
        if form.is_valid():
            try:
                pv_update(
                    pv=pv,
                    texts=form.texts(),
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                )
            except PvConflict as exc:
                conflict = _conflict(form, exc, items)
                # The next save is a deliberate choice to keep this version.
                data = request.POST.copy()
                data["version"] = str(exc.pv.version)
                form = PvForm(data, items=items)
                form.is_valid()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Procès-verbal enregistré.")
                return redirect("meetings:pv_edit", pk=session.pk)
    else:
        form = PvForm(initial={"version": pv.version, **pv_texts(pv)}, items=items)
    return render(
        request,
        "meetings/pv_edit.html",
        {
            "session": session,
            "pv": pv,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "nav": "sessions",
        },
    )


def _conflict(form: PvForm, exc: PvConflict, items: list[AgendaItem]) -> dict[str, Any]:
    labels = {"preamble": "Préambule", "closing_text": "Clôture de la séance"}
    labels |= {f"debate_{i.pk}": f"{i.position}. {i.title}" for i in items}
    mine = form.texts()
    who = exc.pv.updated_by.get_full_name() if exc.pv.updated_by else "un autre utilisateur"
    return {
        "who": who or exc.pv.updated_by.username if exc.pv.updated_by else who,
        "when": exc.pv.updated_at,
        "fields": [
            {"label": labels[key], "mine": mine.get(key, ""), "theirs": theirs}
            for key, theirs in exc.theirs.items()
            if key in labels and (mine.get(key, "") or "") != (theirs or "")
        ],
    }


@xframe_options_sameorigin  # shown in the editor's own iframe
@require_http_methods(["GET", "POST"])
def pv_preview(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    texts = None
    if request.method == "POST" and can_edit(request.user):
        form = PvForm(request.POST, items=_items(session))
        if form.is_valid():
            texts = form.texts()
    try:
        html = _preview_html(session, texts)
    except (PvConflict, ValidationError):
        html = _preview_html(session)
    return HttpResponse(html)
