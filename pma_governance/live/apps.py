from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The live session screen: roll call, proxies, quorum and votes as they happen."""

    name = "pma_governance.live"
    label = "live"
    verbose_name = "Séance en direct"
