from __future__ import annotations

from django.apps import AppConfig


class PublicationConfig(AppConfig):
    """Publication: the public portal, Atom feeds, sitemap, SCDL open data and the read-only JSON API of published acts."""

    name = "pma_governance.publication"
    label = "publication"
    verbose_name = "Publication"
