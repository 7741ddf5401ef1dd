from __future__ import annotations

from django.contrib import admin

from deliberations.models import Deliberation, NamedVote, VisaTemplate, Vote


@admin.register(Deliberation)
class DeliberationAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "body", "matiere", "status", "prefecture_received_on"]
    list_filter = ["body", "status", "nature", "matiere"]
    search_fields = ["number", "title", "considerants", "dispositif"]
    list_select_related = ["body"]
    readonly_fields = ["sequence"]


class NamedVoteInline(admin.TabularInline):
    model = NamedVote
    extra = 0
    autocomplete_fields = ["mandate"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["item", "ballot", "voters", "votes_for", "votes_against", "result"]
    list_filter = ["ballot", "result"]
    list_select_related = ["item__session__body"]
    filter_horizontal = ["not_voting"]
    inlines = [NamedVoteInline]


@admin.register(VisaTemplate)
class VisaTemplateAdmin(admin.ModelAdmin):
    list_display = ["text", "body", "position"]
    list_filter = ["body"]
    search_fields = ["text"]
