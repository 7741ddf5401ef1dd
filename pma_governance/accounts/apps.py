from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """How an account logs in, and for how long."""

    name = "pma_governance.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from pma_governance.accounts.lifetime import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="accounts_stamp_login")
