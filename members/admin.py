from __future__ import annotations

from django.contrib import admin

from members.models import Body, BodyAccess, Mandate, MemberEntity, Person, SigningCertificate
from pma_governance.lib.admin import ReadOnlyModelAdmin
from pma_governance.lib.history import HistoryAdminMixin


class MemberEntityInline(admin.TabularInline):
    model = MemberEntity
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "assembly_name", "quorum_fraction", "seat_city"]
    search_fields = ["name", "short_name"]
    inlines = [MemberEntityInline]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "name",
                    "short_name",
                    "assembly_name",
                    "legal_form",
                    "siren",
                    "siret",
                    "department_code",
                    "actes_arrondissement",
                    "actes_nature",
                    "actes_return_email",
                    "seat_city",
                    "address",
                    "administrative_court",
                    "president_title",
                ]
            },
        ),
        (
            "Règles (statuts)",
            {
                "fields": [
                    "quorum_fraction",
                    "quorum_counts_proxies",
                    "max_proxies_per_holder",
                    "substitutes_sit",
                    "convocation_delay_days",
                    "numbering_pattern",
                    "last_deliberation_sequence",
                    "statutes_reference",
                ]
            },
        ),
    ]


@admin.register(MemberEntity)
class MemberEntityAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "body", "seats"]
    list_filter = ["body"]
    search_fields = ["name", "short_name"]


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["entity"]


@admin.register(Person)
class PersonAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "civility", "email"]
    search_fields = ["last_name", "first_name", "email"]
    inlines = [MandateInline]


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["person", "body", "entity", "role", "office", "start_date", "end_date"]
    list_filter = ["body", "role", "entity"]
    search_fields = ["person__last_name", "person__first_name", "external_id"]
    list_select_related = ["person", "body", "entity"]
    autocomplete_fields = ["person", "entity"]


@admin.register(BodyAccess)
class BodyAccessAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["user", "body"]
    list_filter = ["body"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyModelAdmin):
    """Read only: certificates are registered in the app (fiche de l'élu), where the
    passphrase is checked; the encrypted key is never shown here."""

    list_display = ["common_name", "person", "not_after", "registered_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["common_name", "person__last_name", "fingerprint"]
    fields = readonly_fields = (
        "person",
        "subject",
        "issuer",
        "serial",
        "not_before",
        "not_after",
        "fingerprint",
        "registered_at",
        "registered_by",
        "revoked_at",
        "revoked_by",
    )
