from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PmaGovernanceConfig(AppConfig):
    name = "pma_governance"
    verbose_name = "PMA Governance"

    def ready(self) -> None:
        from pma_governance.lib.roles import ensure_roles

        # Permissions exist only after migrate: the groups are refreshed then.
        post_migrate.connect(ensure_roles, sender=self)
