"""Publication's URLs, mounted by the root URLconf, all without login:

- `portal_patterns` under /public/ (namespace `public`): stable pages per body, session
  and act, built from the body's short name, the session's date and the act's number,
  none of which changes once published; Atom feeds and the SCDL open-data CSV;
- `api_patterns` under /api/v1/ (namespace `api`): the read-only JSON API;
- `deliberation_patterns` under /deliberations/ (namespace `deliberations`): the
  secretariat's publication of an act or a PV;
- `urlpatterns`: /sitemap.xml and /robots.txt at the root.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path, re_path

from pma_governance.publication import api, feeds, sitemaps, views

urlpatterns = [
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

portal_patterns = [
    path("", views.index, name="index"),
    path("flux.atom", login_not_required(feeds.PublicationsFeed()), name="feed"),
    path("deliberations.csv", views.open_data_all, name="open_data_all"),
    path("<slug:short_name>/", views.body_page, name="body"),
    path(
        "<slug:short_name>/flux.atom",
        login_not_required(feeds.BodyPublicationsFeed()),
        name="body_feed",
    ),
    path(
        "<slug:short_name>/deliberations.csv",
        views.open_data,
        name="open_data",
    ),
    path(
        "<slug:short_name>/deliberations/<int:pk>.pdf",
        views.deliberation_pdf,
        name="deliberation_pdf",
    ),
    path(
        "<slug:short_name>/deliberations/<int:pk>-executoire.pdf",
        views.deliberation_executoire_pdf,
        name="deliberation_executoire_pdf",
    ),
    path(
        "<slug:short_name>/deliberations/<slug:ref>/",
        views.deliberation_page,
        name="deliberation",
    ),
    path("<slug:short_name>/seances/<str:day>/", views.session_page, name="session"),
    path("<slug:short_name>/seances/<str:day>/liste/", views.liste, name="liste"),
    path(
        "<slug:short_name>/seances/<str:day>/proces-verbal.pdf",
        views.pv_pdf,
        name="pv_pdf",
    ),
]

api_patterns: list[URLPattern | URLResolver] = [
    path("", api.root, name="root"),
    path("organes/", api.bodies, name="bodies"),
    path("organes/<slug:short_name>/", api.body, name="body"),
    path("organes/<slug:short_name>/seances/", api.sessions, name="sessions"),
    path("organes/<slug:short_name>/seances/<str:day>/", api.session, name="session"),
    path("organes/<slug:short_name>/deliberations/", api.deliberations, name="deliberations"),
    path(
        "organes/<slug:short_name>/deliberations/<slug:ref>/",
        api.deliberation,
        name="deliberation",
    ),
    # Anything else under the API answers a JSON 404, not an HTML page.
    re_path(r"^(?P<rest>.*)$", api.not_found, name="not_found"),
]

deliberation_patterns = [
    path("<int:pk>/publier/", views.publish, name="publish"),
    path("seances/<int:pk>/pv/publier/", views.pv_publish_view, name="pv_publish"),
]
