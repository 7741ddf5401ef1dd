from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from deliberations.models import (
    Deliberation,
    DeliberationAnnex,
    Erratum,
    NamedVote,
    SignedDocument,
    VisaTemplate,
    Vote,
    VoteNonParticipant,
)
from deliberations.services import erratum_create, erratum_validate
from deliberations.storage import signed_bytes
from meetings.admin import session_frozen
from pma_governance.lib.admin import ReadOnlyModelAdmin
from pma_governance.lib.history import HistoryAdminMixin, Related
from pma_governance.lib.pades import sha256_hex


def _signed(deliberation: Deliberation | None) -> bool:
    return deliberation is not None and deliberation.is_signed


class DeliberationAnnexForm(forms.ModelForm):
    """An annex uploaded as a file: its bytes, name, type and SHA-256 are kept."""

    upload = forms.FileField(label="fichier", required=False)

    class Meta:
        model = DeliberationAnnex
        fields = ["position", "title"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None and not cleaned.get("upload"):
            raise ValidationError("Joignez le fichier de l'annexe.")
        return cleaned

    def save(self, commit: bool = True) -> DeliberationAnnex:
        annex: DeliberationAnnex = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            content = upload.read()
            annex.filename = upload.name
            annex.content_type = upload.content_type or "application/octet-stream"
            annex.content = content
            annex.sha256 = sha256_hex(content)
        if commit:
            annex.save()
        return annex


class DeliberationAnnexInline(admin.TabularInline):
    model = DeliberationAnnex
    form = DeliberationAnnexForm
    extra = 0
    fields = ["position", "title", "upload", "filename", "content_type", "sha256"]
    readonly_fields = ["filename", "content_type", "sha256"]


class ErratumInline(admin.TabularInline):
    """Errata are read here; they are recorded through « Errata › Ajouter »."""

    model = Erratum
    fk_name = "deliberation"
    extra = 0
    fields = ["date", "text", "created_by", "created_at"]
    readonly_fields = ["date", "text", "created_by", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Deliberation)
class DeliberationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "body", "matiere", "status", "prefecture_received_on"]
    list_filter = ["body", "status", "nature", "matiere"]
    search_fields = ["number", "title", "considerants", "dispositif"]
    list_select_related = ["body"]
    # Voting, signing and the prefecture go through the services, never a typed status.
    readonly_fields = ["sequence", "status", "signed_at", "frozen_facts"]
    inlines = [DeliberationAnnexInline, ErratumInline]
    history_related = [
        Related(DeliberationAnnex, "deliberation_id", "title"),
        Related(Erratum, "deliberation_id"),
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _signed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _signed(obj) and super().has_delete_permission(request, obj)


class VoteDetailInline(admin.TabularInline):
    """Named votes and non-participants: read-only once the session's facts are frozen."""

    extra = 0
    autocomplete_fields = ["mandate"]

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and session_frozen(obj.item.session)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class NamedVoteInline(VoteDetailInline):
    model = NamedVote


class VoteNonParticipantInline(VoteDetailInline):
    model = VoteNonParticipant
    verbose_name_plural = "ne prenant pas part au vote"


@admin.register(Vote)
class VoteAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["item", "ballot", "voters", "votes_for", "votes_against", "result"]
    list_filter = ["ballot", "result"]
    list_select_related = ["item__session__body"]
    inlines = [NamedVoteInline, VoteNonParticipantInline]
    history_related = [
        Related(NamedVote, "vote_id", "mandate"),
        Related(VoteNonParticipant, "vote_id", "mandate"),
    ]

    def _frozen(self, obj: Any) -> bool:
        return obj is not None and session_frozen(obj.item.session)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(VisaTemplate)
class VisaTemplateAdmin(admin.ModelAdmin):
    list_display = ["text", "body", "position"]
    list_filter = ["body"]
    search_fields = ["text"]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyModelAdmin):
    """Signed PDFs, as stored: read-only, downloadable byte for byte."""

    list_display = ["kind", "session", "deliberation", "signed_at", "sha256"]
    list_filter = ["kind"]
    list_select_related = ["session__body", "deliberation"]
    fields = ["kind", "session", "deliberation", "signed_at", "sha256", "signatories", "download"]
    readonly_fields = [
        "kind",
        "session",
        "deliberation",
        "signed_at",
        "sha256",
        "signatories",
        "download",
    ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("pdf")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.pdf_view)
        return [
            path("<int:pk>/pdf/", view, name="deliberations_signeddocument_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        document = get_object_or_404(SignedDocument, pk=pk)
        response = HttpResponse(signed_bytes(document), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="document-signe-{pk}.pdf"'
        return response

    @admin.display(description="PDF signé")
    def download(self, obj: SignedDocument) -> SafeString:
        url = reverse("admin:deliberations_signeddocument_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, "Télécharger le PDF tel que signé")


class ErratumForm(forms.ModelForm):
    class Meta:
        model = Erratum
        fields = ["deliberation", "pv", "date", "text"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("date") and cleaned.get("text") is not None:
            erratum_validate(
                deliberation=cleaned.get("deliberation"),
                pv=cleaned.get("pv"),
                text=cleaned["text"],
                date=cleaned["date"],
            )
        return cleaned


@admin.register(Erratum)
class ErratumAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Errata are written once (the database refuses any change), through the service."""

    form = ErratumForm
    list_display = ["date", "deliberation", "pv", "created_by", "created_at"]
    list_select_related = ["deliberation", "pv__session__body", "created_by"]
    autocomplete_fields = ["deliberation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Erratum, form: Any, change: bool) -> None:
        saved = erratum_create(
            deliberation=obj.deliberation,
            pv=obj.pv,
            text=obj.text,
            date=obj.date,
            created_by=request.user,
        )
        obj.pk = saved.pk
        obj.created_by = saved.created_by
        obj.created_at = saved.created_at
