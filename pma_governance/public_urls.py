"""The public pages, without login: `path("public/", include("pma_governance.public_urls"))`.

Every URL here is stable: it is built from the body's short name, the session's date and
the act's number, none of which changes once published.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from deliberations import feeds, views_public

app_name = "public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("flux.atom", login_not_required(feeds.PublicationsFeed()), name="feed"),
    path("deliberations.csv", views_public.open_data_all, name="open_data_all"),
    path("<slug:short_name>/", views_public.body_page, name="body"),
    path(
        "<slug:short_name>/flux.atom",
        login_not_required(feeds.BodyPublicationsFeed()),
        name="body_feed",
    ),
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
    path(
        "<slug:short_name>/deliberations/<slug:ref>/",
        views_public.deliberation_page,
        name="deliberation",
    ),
    path("<slug:short_name>/seances/<str:day>/", views_public.session_page, name="session"),
    path("<slug:short_name>/seances/<str:day>/liste/", views_public.liste, name="liste"),
    path(
        "<slug:short_name>/seances/<str:day>/liste.pdf",
        views_public.liste_pdf_view,
        name="liste_pdf",
    ),
    path(
        "<slug:short_name>/seances/<str:day>/proces-verbal.pdf",
        views_public.pv_pdf,
        name="pv_pdf",
    ),
]
