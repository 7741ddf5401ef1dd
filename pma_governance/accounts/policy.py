"""Who must log in with a second factor (a TOTP code): the accounts that sign, transmit or
administer. The others may enrol too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from meetings.models import Session

# Signing a PV or an act, transmitting acts to the prefecture.
SIGN_OR_TRANSMIT = (
    "meetings.sign_procesverbal",
    "deliberations.sign_deliberation",
    "deliberations.transmit_deliberation",
)


def two_factor_required(user: Any) -> bool:
    """The account administers (staff, superuser), may sign or transmit acts, or is the
    account of a session's president or secretary, who sign its PV and acts."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if any(user.has_perm(perm) for perm in SIGN_OR_TRANSMIT):
        return True
    return Session.objects.filter(
        Q(president__person__user=user) | Q(secretary__person__user=user)
    ).exists()
