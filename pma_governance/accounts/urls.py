"""The accounts' pages: the code after the password, the forgotten password (public), and
« Mon compte » (password change, two-factor enrolment)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views import View

from pma_governance.accounts import views
from pma_governance.accounts.forms import ResetForm

app_name = "accounts"


def _page(view: type[View[Any]], template: str, **options: Any) -> Callable[..., Any]:
    """One of Django's auth views with its template in accounts/templates/accounts/."""
    return view.as_view(template_name=f"accounts/{template}.html", **options)


password_reset = _page(
    auth_views.PasswordResetView,
    "password_reset_form",
    form_class=ResetForm,
    success_url=reverse_lazy("accounts:password_reset_done"),
)
reset_confirm = _page(
    views.ResetConfirmView,
    "password_reset_confirm",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_change = _page(
    auth_views.PasswordChangeView,
    "password_change_form",
    success_url=reverse_lazy("accounts:password_change_done"),
)

reset_done = _page(auth_views.PasswordResetDoneView, "password_reset_done")
reset_complete = _page(auth_views.PasswordResetCompleteView, "password_reset_complete")
change_done = _page(auth_views.PasswordChangeDoneView, "password_change_done")

urlpatterns = [
    path("connexion/code/", views.otp_verify, name="otp_verify"),
    path("connexion/mot-de-passe-oublie/", password_reset, name="password_reset"),
    path("connexion/mot-de-passe-oublie/envoye/", reset_done, name="password_reset_done"),
    path(
        "connexion/nouveau-mot-de-passe/<uidb64>/<token>/",
        reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "connexion/nouveau-mot-de-passe/termine/",
        reset_complete,
        name="password_reset_complete",
    ),
    path("compte/", views.index, name="index"),
    path("compte/mot-de-passe/", password_change, name="password_change"),
    path("compte/mot-de-passe/modifie/", change_done, name="password_change_done"),
    path("compte/double-authentification/", views.otp_enrol, name="otp_enrol"),
    path("compte/double-authentification/qr.svg", views.otp_qr, name="otp_qr"),
]
