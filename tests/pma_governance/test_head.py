"""HEAD answers wherever GET does: the same status and headers, without the body.

Two sweeps: every route of the URL map (test_url_map) with sample arguments, for an
anonymous visitor and a superuser — a view that takes GET but refuses HEAD answers 405
before looking anything up —; then every link of a published assembly's public side (pages,
signed PDFs, API, feeds, static files) and the home page, followed from page to page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.factories import login_as
from tests.pma_governance.publication.public_world import published_assembly
from tests.pma_governance.test_url_map import SAMPLE_VALUES, _routes

pytestmark = pytest.mark.django_db

SAMPLE_PATHS = sorted(
    re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)
    for _, route, _ in _routes(get_resolver().url_patterns)
)
HEADERS = ("Content-Type", "Content-Length", "Location", "ETag", "Allow")
SERVER = "http://testserver"
LINK = re.compile(r"""(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>""")
START = ("/public/", "/api/v1/", "/sitemap.xml", "/robots.txt", "/sante/")
MAX_PAGES = 200


def _differences(client: Client, path: str) -> tuple[Any, list[str]]:
    """GET's answer, and how HEAD's differs from it (nothing, when it does not). The test
    client drops HEAD's body as servers do: test_production checks none reaches gunicorn.

    The messages an earlier page left (« déjà activée »…) are shown first, so that GET and
    HEAD render the same page: the one that comes first would otherwise show them alone."""
    client.get("/connexion/")  # shows (and so clears) the messages waiting
    get = client.get(path)
    head = client.head(path)
    found = []
    if head.status_code != get.status_code:
        found.append(f"{path}: GET {get.status_code}, HEAD {head.status_code}")
    for header in HEADERS:
        if head.get(header) != get.get(header):
            found.append(f"{path}: {header} {get.get(header)!r} ≠ {head.get(header)!r}")
    return get, found


def test_every_route_answers_head_as_get_for_an_anonymous_visitor(client: Client) -> None:
    differences = [d for path in SAMPLE_PATHS for d in _differences(client, path)[1]]

    assert differences == []


def test_every_route_answers_head_as_get_for_a_superuser(client: Client) -> None:
    login_as(client, "superuser")
    statuses = {}
    differences = []
    for path in SAMPLE_PATHS:
        get, found = _differences(client, path)
        statuses[path] = get.status_code
        differences += found

    assert differences == []
    # The sweep reached the views (not only the login redirect).
    assert statuses["/deliberations/"] == 200
    assert statuses["/seances/1/"] == 404


def _links(response: Any) -> Iterator[str]:
    """The same-site addresses a page, a JSON answer or a sitemap points to."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json"):
        yield from _json_links(json.loads(response.content))
        return
    if not content_type.startswith(("text/html", "application/xml", "application/atom")):
        return
    for match in LINK.finditer(response.content.decode()):
        link = (match.group(1) or match.group(2)).replace("&amp;", "&")
        if link.startswith(SERVER):
            link = link.removeprefix(SERVER)
        if link.startswith("/") and not link.startswith("//"):
            yield link


def _json_links(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_links(item)
    elif isinstance(value, str) and value.startswith(SERVER + "/"):
        yield value.removeprefix(SERVER)


def test_every_public_link_answers_head_as_get(client: Client) -> None:
    published_assembly("PMA", sessions=2, acts=2)
    queue, seen, differences, ok = list(START), set(START), [], []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        get, found = _differences(client, path)
        differences += found
        if get.status_code == 200:
            ok.append(path)
            for link in _links(get):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)

    assert differences == []
    # What the crawl reached: signed PDFs, the API's objects, pages, static files.
    assert any(p.endswith("/proces-verbal.pdf") for p in ok)
    assert any(re.search(r"/deliberations/\d+\.pdf$", p) for p in ok)
    assert any(p.startswith("/api/v1/organes/PMA/deliberations/") for p in ok)
    assert any(p.startswith("/public/PMA/seances/") for p in ok)
    assert any(p.startswith("/static/") for p in ok)


def test_home_answers_head_as_get(client: Client) -> None:
    body = published_assembly("PMA", sessions=1, acts=1)
    login_as(client, "secretariat", body)

    get, differences = _differences(client, "/")

    assert (get.status_code, differences) == (200, [])
