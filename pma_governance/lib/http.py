"""HTTP helpers shared by every package: stable URL parts, conditional responses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, quote_etag

from pma_governance.lib.limits import CONTROL_CHARACTERS, french_count, strip_controls


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies,
    the address the outermost of them saw, counted from the end of X-Forwarded-For.

    The left-hand entries of X-Forwarded-For are whatever the client sent: never trusted.
    None when the address is not one (a test client's, a broken proxy's).
    """
    raw = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            raw = forwarded[-proxies]
    try:
        return str(ip_address(raw))
    except ValueError:
        return None


def url_date(value: str) -> dt.date:
    """A session's date as its URL gives it: « 2023-06-13 » only (ValueError otherwise), so
    that a session has one address."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def pdf_response(
    request: HttpRequest,
    content: bytes | Callable[[], bytes],
    *,
    filename: str,
    cache_control: str,
    etag: str = "",
) -> HttpResponse:
    """A PDF shown in the browser, or « 304 Not Modified » when the client's copy is current.

    With `etag`, Django's conditional handling answers If-None-Match; `content` may then
    be a callable, so that a copy the client already has is neither read nor rendered.
    """
    quoted = quote_etag(etag) if etag else ""
    if quoted:
        not_modified = get_conditional_response(request, etag=quoted)
        if not_modified is not None:
            not_modified["ETag"] = quoted
            not_modified["Cache-Control"] = cache_control
            return not_modified
    data = content() if callable(content) else content
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["Content-Length"] = str(len(data))
    if quoted:
        response["ETag"] = quoted
    response["Cache-Control"] = cache_control
    return response


def _cleaned_query(query: Any) -> Any:
    """The query string without control characters (NUL, bidi overrides…), or itself."""
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(v) for v in values])
    cleaned._mutable = False
    return cleaned


def query_controls_stripped(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Middleware: no view reads a NUL byte or a control character from the query string.

    `?q=%00` would otherwise reach PostgreSQL, which refuses NUL in any text; the views
    then read the parameters as typed, without the characters no text may hold.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.GET = _cleaned_query(request.GET)
        return get_response(request)

    return middleware


def request_size_bounded(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Middleware: a request announcing a body over REQUEST_MAX_BYTES is refused unread (413)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Longueur de requête illisible.", status=400)
        limit = int(settings.REQUEST_MAX_BYTES)
        if length > limit:
            return HttpResponse(
                f"Requête trop volumineuse : {french_count(length)} octets pour "
                f"{french_count(limit)} au plus.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
