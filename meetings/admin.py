from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from pma_governance.lib.history import HistoryAdminMixin, Related

FROZEN_ADMIN_MESSAGE = (
    "Les faits de cette séance sont figés depuis la signature de ses actes : ils ne peuvent "
    "plus être modifiés (corriger par un erratum)."
)


def session_frozen(session: Session | None) -> bool:
    return session is not None and session.facts_frozen_at is not None


class FrozenSessionRowForm(forms.ModelForm):
    """Refuses, with a French message, to write a row of a session whose facts are frozen."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        session = cleaned.get("session") or getattr(self.instance, "session", None)
        if isinstance(session, Session):
            session.refresh_from_db(fields=["facts_frozen_at"])
        if session_frozen(session):
            raise ValidationError(FROZEN_ADMIN_MESSAGE)
        return cleaned


class FrozenSessionInline(admin.TabularInline):
    """An inline of the session's roll or agenda: read-only once the session is frozen."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not session_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not session_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not session_frozen(obj) and super().has_delete_permission(request, obj)


class AgendaItemInline(FrozenSessionInline):
    model = AgendaItem
    fields = ["position", "kind", "title", "rapporteur", "carried_over"]
    autocomplete_fields = ["rapporteur"]


class AttendanceInline(FrozenSessionInline):
    model = Attendance
    fields = ["mandate", "status", "seated", "replaces", "arrived_at", "left_at"]
    autocomplete_fields = ["mandate", "replaces"]


class ProxyInline(FrozenSessionInline):
    model = Proxy
    fk_name = "session"
    fields = ["giver", "holder", "received_on", "illness", "revoked_at"]
    autocomplete_fields = ["giver", "holder"]


@admin.register(Session)
class SessionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["date", "body", "kind", "status", "place", "facts_frozen_at"]
    list_filter = ["body", "status", "kind"]
    date_hierarchy = "date"
    search_fields = ["place", "items__title"]
    list_select_related = ["body"]
    autocomplete_fields = ["president", "secretary"]
    inlines = [AgendaItemInline, AttendanceInline, ProxyInline]
    history_related = [
        Related(AgendaItem, "session_id", "title"),
        Related(Attendance, "session_id", "mandate"),
        Related(Proxy, "session_id", "giver"),
        Related(ProcesVerbal, "session_id"),
    ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str] | tuple[str, ...]:
        return [*super().get_readonly_fields(request, obj), "facts_frozen_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not session_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not session_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenSessionRowAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """A row of a session (item, attendance, proxy): view-only once the session is frozen."""

    form = FrozenSessionRowForm

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and session_frozen(obj.session)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and session_frozen(obj.session)
        return not frozen and super().has_delete_permission(request, obj)


@admin.register(AgendaItem)
class AgendaItemAdmin(FrozenSessionRowAdmin):
    list_display = ["title", "session", "position", "kind"]
    list_filter = ["kind", "session__body"]
    search_fields = ["title", "debate_summary"]
    list_select_related = ["session__body"]


@admin.register(Attendance)
class AttendanceAdmin(FrozenSessionRowAdmin):
    list_display = ["mandate", "session", "status", "seated", "replaces"]
    list_filter = ["status", "session"]
    list_select_related = ["mandate__person", "session__body", "replaces__person"]


@admin.register(Proxy)
class ProxyAdmin(FrozenSessionRowAdmin):
    list_display = ["giver", "holder", "session", "received_on", "revoked_at"]
    list_filter = ["session"]
    list_select_related = ["giver__person", "holder__person", "session__body"]


@admin.register(ProcesVerbal)
class ProcesVerbalAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["session", "status", "version", "signed_at", "published_on"]
    list_filter = ["status"]
    list_select_related = ["session__body"]
    # Signing, adoption and publication go through the services, never a typed status.
    readonly_fields = ["status", "signed_at", "frozen_facts"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        signed = obj is not None and obj.is_signed
        return not signed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        signed = obj is not None and obj.is_signed
        return not signed and super().has_delete_permission(request, obj)
