from __future__ import annotations

from django.urls import path

from deliberations.views import acts as views
from deliberations.views import agenda

# Under /deliberations/, in the `deliberations` namespace.
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

# Under /seances/, in the `meetings` namespace: the session's page and its ordre du jour.
session_patterns = [
    path("<int:pk>/", agenda.session_detail, name="session_detail"),
    path("<int:pk>/ordre-du-jour/ajouter/", agenda.item_add, name="item_add"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/modifier/", agenda.item_edit, name="item_edit"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/deplacer/", agenda.item_move, name="item_move"),
    path("<int:pk>/ordre-du-jour/<int:item_pk>/retirer/", agenda.item_remove, name="item_remove"),
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
