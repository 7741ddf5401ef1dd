"""French full-text search across procès-verbaux and deliberations."""

from __future__ import annotations

from django.urls import path

from deliberations import views_search

app_name = "search"

urlpatterns = [
    path("", views_search.search, name="index"),
]
