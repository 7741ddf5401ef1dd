"""The project's URLs plus three views that fail on purpose, under /api/ and outside it:
what the error handlers answer (tests/pma_governance/test_errors.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from pma_governance import urls


@login_not_required
def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("une erreur du serveur")


@login_not_required
def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def private(request: HttpRequest) -> HttpResponse:
    """An address that asks for a login (no `login_not_required`)."""
    return JsonResponse({"secret": True})


urlpatterns = [
    path("api/v1/_erreur/", crash),
    path("api/v1/_interdit/", forbidden),
    path("api/v1/_prive/", private),
    path("_erreur/", crash),
    *urls.urlpatterns,
]
handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
