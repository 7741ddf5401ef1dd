from __future__ import annotations

from django.apps import AppConfig


class SpaceConfig(AppConfig):
    """The members' space: an élu's sessions, documents and own attendance."""

    name = "pma_governance.space"
    label = "space"
    verbose_name = "Espace des élus"
