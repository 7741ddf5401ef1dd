"""The members' space: sessions by year, documents, one's own attendance."""

from __future__ import annotations

from django.urls import path

from pma_governance.space import views

app_name = "space"

urlpatterns = [
    path("", views.index, name="index"),
    path("seances/<int:pk>/", views.session, name="session"),
    path("seances/<int:pk>/points/<int:item_pk>/deport/", views.deport_add, name="deport_add"),
    path(
        "seances/<int:pk>/deports/<int:deport_pk>/retirer/",
        views.deport_remove,
        name="deport_remove",
    ),
    path("mon-assiduite/", views.attendance, name="attendance"),
    path("projets/<int:pk>/", views.projet, name="projet"),
    path("mes-notes/export/", views.notes_export, name="notes_export"),
    path("mes-courriels/", views.notifications, name="notifications"),
]
