from __future__ import annotations

from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.register, name="register"),
    path("elus/nouveau/", views.person_create, name="person_create"),
    path("elus/<int:pk>/", views.person_detail, name="person_detail"),
    path("elus/<int:pk>/modifier/", views.person_edit, name="person_edit"),
    path("elus/<int:pk>/mandats/nouveau/", views.mandate_add, name="mandate_add"),
    path("elus/<int:pk>/certificat/", views.certificate_add, name="certificate_add"),
    path(
        "certificats/<int:pk>/revoquer/",
        views.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path("mandats/<int:pk>/terminer/", views.mandate_end, name="mandate_end"),
    path("mandats/<int:pk>/titulaire/", views.mandate_promote, name="mandate_promote"),
    path("adherents/", views.entity_list, name="entity_list"),
    path("adherents/nouveau/", views.entity_create, name="entity_create"),
    path("adherents/<int:pk>/modifier/", views.entity_edit, name="entity_edit"),
    path("journal-de-securite/", views.security_journal, name="security_journal"),
]
