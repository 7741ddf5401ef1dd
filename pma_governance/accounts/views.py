"""« Mon compte », the TOTP code and enrolment pages, and Django's password views with the
app's templates."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device

from pma_governance.accounts.forms import CodeForm
from pma_governance.accounts.policy import two_factor_required
from pma_governance.accounts.totp import (
    device_confirm,
    device_verify,
    enrolment_device,
    qr_svg,
    secret_text,
)

NEXT_MAX_LENGTH = 2000


def _next(request: HttpRequest) -> str:
    """Where to go once done: the `next` asked for when it is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site, of a sensible length: never a URL name that `redirect` would try
    # to reverse, never a redirect too long to send.
    if (
        url.startswith("/")
        and len(url) <= NEXT_MAX_LENGTH
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "accounts/index.html",
        {
            "two_factor_enabled": user_has_device(user),
            "two_factor_required": two_factor_required(user),
        },
    )


@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code of the account's authenticator application."""
    user: Any = request.user
    next_url = _next(request)
    if user.is_verified():
        return redirect(next_url)
    if not user_has_device(user):
        if two_factor_required(user):
            return redirect(_with_next("accounts:otp_enrol", next_url))
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = device_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("code", problem)
    return render(
        request,
        "accounts/otp_verify.html",
        # Nothing to navigate to before the code: every page would come back here.
        {"form": form, "next": next_url, "hide_navigation": True},
    )


@never_cache
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator application: scan the QR code (or type the secret), then
    confirm with a first code. Never a second device over a confirmed one: a password
    alone must not replace the phone."""
    user: Any = request.user
    next_url = _next(request)
    if user_has_device(user):
        if not user.is_verified():
            return redirect(_with_next("accounts:otp_verify", next_url))
        messages.info(request, "La double authentification est déjà activée pour votre compte.")
        return redirect("accounts:index")
    device = enrolment_device(user)
    required = two_factor_required(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, problem = device_confirm(device=device, code=form.cleaned_data["code"])
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(
                request,
                "La double authentification est activée : chaque connexion vous demandera "
                "désormais le code de votre application.",
            )
            return redirect(next_url)
        form.add_error("code", problem)
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "next": next_url,
            "secret": secret_text(device),
            "required": required,
            "hide_navigation": required,
        },
    )


@never_cache
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the device being enrolled (SVG drawn here, no outside service)."""
    if user_has_device(request.user):
        raise Http404("Aucune application n'est en cours d'enregistrement.")
    response = HttpResponse(qr_svg(enrolment_device(request.user)), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password chosen from the e-mail also lifts a login lockout."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
