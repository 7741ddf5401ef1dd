"""The public pages, without login: `path("public/", include("pma_governance.public_urls"))`."""

from __future__ import annotations

from django.urls import path

from deliberations import views_public

app_name = "public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<slug:short_name>/", views_public.body_page, name="body"),
    path(
        "<slug:short_name>/deliberations.csv",
        views_public.open_data,
        name="open_data",
    ),
    path(
        "<slug:short_name>/deliberations/<int:pk>.pdf",
        views_public.deliberation_pdf,
        name="deliberation_pdf",
    ),
    path("<slug:short_name>/seances/<str:day>/liste/", views_public.liste, name="liste"),
    path(
        "<slug:short_name>/seances/<str:day>/proces-verbal.pdf",
        views_public.pv_pdf,
        name="pv_pdf",
    ),
]
