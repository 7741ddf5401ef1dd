"""HTTP helpers shared by every package: stable URL parts, conditional responses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, quote_etag


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
