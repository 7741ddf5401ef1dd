"""The contrôle de légalité's URLs, under /deliberations/ in the `deliberations` namespace
(mounted by the root URLconf): the @ctes archive, transmission, acknowledgement, annexes."""

from __future__ import annotations

from django.urls import path

from pma_governance.prefecture import views

deliberation_patterns = [
    path("<int:pk>/prefecture/", views.prefecture, name="prefecture"),
    path(
        "<int:pk>/prefecture/actes.zip",
        views.prefecture_zip_download,
        name="prefecture_zip",
    ),
    path(
        "<int:pk>/prefecture/actes.tar.gz",
        views.prefecture_actes_download,
        name="prefecture_actes",
    ),
    path(
        "<int:pk>/prefecture/transmission/",
        views.prefecture_sent,
        name="prefecture_sent",
    ),
    path("<int:pk>/prefecture/accuse/", views.prefecture_ack, name="prefecture_ack"),
    path(
        "<int:pk>/prefecture/accuse/xml/",
        views.prefecture_ack_import,
        name="prefecture_ack_import",
    ),
    path("<int:pk>/annexes/", views.annex_upload, name="annex_add"),
    path("<int:pk>/annexes/<int:annex_pk>/", views.annex_file, name="annex_file"),
]
