from __future__ import annotations

from django.urls import path

from deliberations import views

app_name = "deliberations"

urlpatterns = [
    path("", views.deliberation_list, name="list"),
    path("nouveau/", views.deliberation_create, name="create"),
    path("<int:pk>/", views.deliberation_detail, name="detail"),
    path("<int:pk>/modifier/", views.deliberation_edit, name="edit"),
    path("<int:pk>/supprimer/", views.deliberation_remove, name="delete"),
    path("visas/", views.visa_list, name="visas"),
    path("visas/<int:pk>/modifier/", views.visa_edit, name="visa_edit"),
    path("visas/<int:pk>/supprimer/", views.visa_remove, name="visa_delete"),
]

# Contrôle de légalité and publication (views_prefecture.py).
from deliberations import views_prefecture  # noqa: E402

urlpatterns += [
    path("<int:pk>/prefecture/", views_prefecture.prefecture, name="prefecture"),
    path(
        "<int:pk>/prefecture/actes.zip",
        views_prefecture.prefecture_zip_download,
        name="prefecture_zip",
    ),
    path(
        "<int:pk>/prefecture/transmission/",
        views_prefecture.prefecture_sent,
        name="prefecture_sent",
    ),
    path("<int:pk>/prefecture/accuse/", views_prefecture.prefecture_ack, name="prefecture_ack"),
    path("<int:pk>/annexes/", views_prefecture.annex_upload, name="annex_add"),
    path("<int:pk>/annexes/<int:annex_pk>/", views_prefecture.annex_file, name="annex_file"),
    path("<int:pk>/publier/", views_prefecture.publish, name="publish"),
    path("seances/<int:pk>/pv/publier/", views_prefecture.pv_publish_view, name="pv_publish"),
]
