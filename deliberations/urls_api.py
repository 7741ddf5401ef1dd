"""The read-only JSON API of published sessions and deliberations (open data), under
`/api/v1/`. Addresses are stable: body short name, session date, act number."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from deliberations import api

app_name = "api"

urlpatterns: list[URLPattern] = [
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
