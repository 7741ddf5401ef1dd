"""The admin site is for superusers only (issue 11).

The admin knows nothing of per-body access (`members/selectors.py`): a ModelAdmin lists
every body's rows. So the secretariat and the administrators work in the app's pages,
which check the bodies granted to them, and the admin — configuration of bodies, accounts,
body accesses, persons linked to accounts, raw records and their history — is opened to
superusers alone.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

ADMIN_REFUSED = (
    "L'administration est réservée aux superutilisateurs. Le secrétariat et les "
    "administrateurs des assemblées travaillent depuis les pages de l'application."
)


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form: a correct password of a non-superuser opens nothing."""

    def confirm_login_allowed(self, user: object) -> None:
        super().confirm_login_allowed(user)  # type: ignore[arg-type]
        if not getattr(user, "is_superuser", False):
            raise ValidationError(ADMIN_REFUSED, code="invalid_login")


class SuperuserAdminSite(admin.AdminSite):
    site_header = "PMA Governance — administration"
    site_title = "PMA Governance"
    index_title = "Administration des assemblées"
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
