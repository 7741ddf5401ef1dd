from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration and the synthetic archive: data to try and to measure the app."""

    name = "pma_governance.demo"
    label = "demo"
    verbose_name = "Démonstration et archive synthétique"
