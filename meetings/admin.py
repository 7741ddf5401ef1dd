from __future__ import annotations

from django.contrib import admin

from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "title", "rapporteur", "carried_over"]
    autocomplete_fields = ["rapporteur"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["mandate", "status", "seated", "replaces", "arrived_at", "left_at"]
    autocomplete_fields = ["mandate", "replaces"]


class ProxyInline(admin.TabularInline):
    model = Proxy
    extra = 0
    fk_name = "session"
    fields = ["giver", "holder", "received_on", "illness", "revoked_at"]
    autocomplete_fields = ["giver", "holder"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["date", "body", "kind", "status", "place"]
    list_filter = ["body", "status", "kind"]
    date_hierarchy = "date"
    search_fields = ["place", "items__title"]
    list_select_related = ["body"]
    autocomplete_fields = ["president", "secretary"]
    inlines = [AgendaItemInline, AttendanceInline, ProxyInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "position", "kind"]
    list_filter = ["kind", "session__body"]
    search_fields = ["title", "debate_summary"]
    list_select_related = ["session__body"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["mandate", "session", "status", "seated", "replaces"]
    list_filter = ["status", "session"]
    list_select_related = ["mandate__person", "session__body", "replaces__person"]


@admin.register(Proxy)
class ProxyAdmin(admin.ModelAdmin):
    list_display = ["giver", "holder", "session", "received_on", "revoked_at"]
    list_filter = ["session"]
    list_select_related = ["giver__person", "holder__person", "session__body"]


@admin.register(ProcesVerbal)
class ProcesVerbalAdmin(admin.ModelAdmin):
    list_display = ["session", "status", "version", "signed_at", "published_on"]
    list_filter = ["status"]
    list_select_related = ["session__body"]
