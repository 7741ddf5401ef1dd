"""French full-text search across procès-verbaux and deliberations."""

from __future__ import annotations

from django.urls import path

from pma_governance.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="index"),
]
