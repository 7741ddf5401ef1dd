from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membres"

    def ready(self) -> None:
        from members.security import connect_receivers

        # The security journal listens to logins and to changes of rights (issue 11).
        connect_receivers()
