"""The project's middleware (settings.MIDDLEWARE)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from pma_governance.errors import LOGIN_REQUIRED, is_api
from pma_governance.publication import api


class HeadWithoutBodyMiddleware:
    """HEAD answers what GET would, headers and Content-Length included, without the body.

    Views treat HEAD as GET (`require_safe`); the body must not reach the wire (RFC 9110),
    and gunicorn logs a warning for each response that sends one. Outermost, so that the
    Content-Length that CommonMiddleware computes is GET's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []  # type: ignore[attr-defined]
            else:
                response.content = b""  # type: ignore[attr-defined]
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, but an API address that would ask for a login answers JSON, not a redirect
    to the login form (every API view is public today: this holds for those to come). 403,
    not 401: a session cookie is no HTTP authentication scheme to name in WWW-Authenticate."""

    # The stubs type Django's answer as a redirect only.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponse:
        if is_api(request):
            return api.error_response(403, LOGIN_REQUIRED)
        return super().handle_no_permission(request, view_func)
