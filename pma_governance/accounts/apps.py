from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """How an account logs in, and for how long."""

    name = "pma_governance.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from members.security import lockout_record
        from pma_governance.accounts.lifetime import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="accounts_stamp_login")
        # A lockout goes to the security journal, with who and from where.
        user_locked_out.connect(lockout_record, dispatch_uid="accounts_lockout_journal")
