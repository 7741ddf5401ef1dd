"""Errors, in French: an HTML page for people, JSON under the API.

The root URLconf names these handlers (`handler400`…`handler500`); the login middleware
(pma_governance.middleware) answers the API the same way. Pages render without the
request: no context processor runs, so a page shows even when the database is down
(templates/500.html). A message of our own views (« Aucune délibération publiée sous ce
numéro. ») is shown, never Django's English ones.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse

from pma_governance.publication import api

# Every address under it answers JSON, the versions to come included.
API_PREFIX = "/api/"
# Django's own message, in English, of get_object_or_404.
_DJANGO_MESSAGE = re.compile(r"No .* matches the given query\.")

API_MESSAGES = {
    400: "Requête invalide : le serveur ne peut pas la traiter.",
    403: "Accès refusé.",
    500: "Erreur interne du serveur : la demande n'a pas abouti. Réessayez plus tard ; si "
    "l'erreur persiste, signalez-la à l'administrateur.",
}
LOGIN_REQUIRED = "Connexion requise : cette adresse de l'API est réservée aux comptes connectés."


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def own_message(exception: Exception | None) -> str:
    """The French message one of our views gave its Http404 or PermissionDenied, or ''."""
    message = exception.args[0] if exception is not None and exception.args else ""
    if not isinstance(message, str) or _DJANGO_MESSAGE.fullmatch(message):
        return ""
    return message


def _page(status: int, context: dict[str, Any] | None = None) -> HttpResponse:
    body = loader.render_to_string(f"{status}.html", context or {})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api.error_response(400, API_MESSAGES[400])
    return _page(400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    detail = own_message(exception)
    if is_api(request):
        return api.error_response(403, detail or API_MESSAGES[403])
    return _page(403, {"detail": detail})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    detail = own_message(exception)
    if is_api(request):
        return api.error_response(
            404, detail or api.UNKNOWN_ADDRESS.format(root=reverse("api:root"))
        )
    return _page(404, {"detail": detail, "path": request.path})


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api.error_response(500, API_MESSAGES[500])
    return _page(500)
