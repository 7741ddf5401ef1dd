"""django-axes' hooks: the client's address, and the login page that says an account is
locked (settings.AXES_LOCKOUT_CALLABLE, AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pma_governance.accounts.lifetime import duration_text
from pma_governance.lib import http


def client_ip(request: HttpRequest) -> str:
    """django-axes' view of the client's address (`lib.http.client_ip`)."""
    return http.client_ip(request) or str(request.META.get("REMOTE_ADDR", ""))


def lockout_message() -> str:
    return (
        "Trop de tentatives de connexion ont échoué pour ce compte depuis cette adresse : "
        f"la connexion est bloquée pendant {duration_text(settings.AXES_COOLOFF_TIME)}. "
        "Réessayez plus tard, ou choisissez un nouveau mot de passe avec « Mot de passe "
        "oublié ? »."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with why it refuses: 429 Too Many Requests.

    Serves the app's login and the admin's: both are throttled by username and address.
    """
    username = request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "locked_out": lockout_message(),
        },
        status=429,
    )
