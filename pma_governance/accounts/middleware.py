"""The two middlewares of a logged-in request: the session's lifetime, then the second
factor (settings.MIDDLEWARE places them after OTPMiddleware and the messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from pma_governance.accounts.lifetime import expiry_reason
from pma_governance.accounts.policy import two_factor_required

# What a session that has not entered its code yet may still open.
PENDING_ALLOWED = {
    "login",
    "logout",
    "health",
    "admin:login",
    "admin:logout",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:otp_qr",
}


class SessionLifetimeMiddleware:
    """Log out a session idle for too long or older than its maximum lifetime.

    The request goes on as an anonymous one: LoginRequiredMiddleware sends it to the login
    page, where the message says why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            reason = expiry_reason(request.session)
            if reason is not None:
                logout(request)
                messages.warning(request, reason)
        return self.get_response(request)


class TwoFactorMiddleware:
    """A password alone opens nothing to an account that has a TOTP device or must have one.

    Until the session is verified (django-otp's OTPMiddleware), every page sends it to the
    code page, or to the enrolment page when the account must enrol — the admin included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PENDING_ALLOWED:
            return None
        if user_has_device(user):
            target = "accounts:otp_verify"
        elif two_factor_required(user):
            target = "accounts:otp_enrol"
        else:
            return None
        # A form posted before the code was entered is not replayed: back to the home page.
        back = request.get_full_path() if request.method in ("GET", "HEAD") else reverse("home")
        url = f"{reverse(target)}?{urlencode({'next': back})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the code page into a fragment: the whole page goes there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
