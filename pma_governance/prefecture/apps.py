from __future__ import annotations

from django.apps import AppConfig


class PrefectureConfig(AppConfig):
    """The contrôle de légalité: the @ctes archive of a signed act, its transmission, the accusé de réception, annexes."""

    name = "pma_governance.prefecture"
    label = "prefecture"
    verbose_name = "Contrôle de légalité"
