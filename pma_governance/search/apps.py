from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """French full-text search across procès-verbaux and deliberations."""

    name = "pma_governance.search"
    label = "search"
    verbose_name = "Recherche"
