"""The URL map: every URL name, its route and its access rule stay as recorded.

A refactoring moves views between packages; users must not see it. `url_map.txt` records,
for every named route outside the admin, its route, whether it asks for a login, and what
an anonymous visitor gets on an empty database. Rewrite the file on purpose only:
`UPDATE_URL_MAP=1 pytest tests/pma_governance/test_url_map.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

URL_MAP = Path(__file__).with_name("url_map.txt")
SAMPLE_VALUES = {"int": "1", "slug": "x", "str": "x", "path": "x"}


def _routes(
    entries: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(qualified name, route, pattern) of every route-based URL outside the admin."""
    for entry in entries:
        route = prefix + str(entry.pattern)
        if not isinstance(entry.pattern, RoutePattern):
            route = prefix + re.sub(r"\(\?P<\w+>[^)]*\)", "<rest>", str(entry.pattern).strip("^$"))
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, route, inner)
        else:
            yield f"{namespace}{entry.name or '-'}", "/" + route, entry


def url_map(client: Client) -> list[str]:
    lines = []
    for name, route, pattern in _routes(get_resolver().url_patterns):
        sample = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)
        access = "login" if getattr(pattern.callback, "login_required", True) else "public"
        status = client.get(sample).status_code
        lines.append(f"{name}\t{route}\t{access}\tGET {status}")
    return sorted(lines)


def test_every_url_keeps_its_name_route_and_access_rule(client: Client) -> None:
    current = url_map(client)
    if os.environ.get("UPDATE_URL_MAP"):
        URL_MAP.write_text("\n".join(current) + "\n", encoding="utf-8")
    recorded = URL_MAP.read_text(encoding="utf-8").splitlines()

    assert current == recorded
