"""Hostile query strings: every page of the URL map answers them, never with a server error.

A NUL byte, a control character, a bidirectional override, a number too big for the
database, a page that is not one, a date that does not exist: each GET parameter the views
read is sent with each such value, on every route (its arguments filled with the seed's own
objects), anonymously and as a secretariat member; 200, 30x, 400 or 404 are all fine
answers, 500 never is.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver

from deliberations.models import Deliberation, VisaTemplate
from meetings.models import Session
from members.models import Body
from tests.factories import account, convocation_link, login_verified
from tests.pma_governance.test_url_map import _routes

pytestmark = pytest.mark.django_db

# Every parameter a view reads from the query string (grep request.GET), and a few more.
PARAMETERS = [
    "q",
    "page",
    "page_seances",
    "assemblee",
    "point",
    "annee",
    "year",
    "matiere",
    "result",
    "resultat",
    "type",
    "statut",
    "seance",
    "date",
    "entite",
    "anciens",
    "per_page",
    "next",
    "etat",
]
HOSTILE_VALUES = [
    "a\x00b",
    "\x01\x1b[31m\x7f\u202eexe.fdp\u2066",
    "\ud800",
    "99999999999999999999999999",
    "-1",
    "²",
    "2023-13-45",
    "x" * 1000,
]


def _filled(route: str, ids: dict[str, str]) -> str:
    """A route with its arguments replaced by the seed's objects (or sample values)."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        key = f"{name}@{route.split('/')[1]}"
        return ids.get(key) or ids.get(name) or {"int": "1"}.get(converter, "x")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


@pytest.fixture
def seed_ids(seed_session: Session) -> dict[str, str]:
    body: Body = seed_session.body
    act = Deliberation.objects.filter(body=body).exclude(number=None).first()
    assert act is not None
    item = seed_session.items.first()
    mandate = body.mandates.first()
    assert item is not None and mandate is not None
    VisaTemplate.objects.create(body=body, text="le Code général des collectivités territoriales")
    dispatch, link = convocation_link(seed_session, mandate)
    return {
        "pk@seances": str(seed_session.pk),
        "pk@documents": str(seed_session.pk),
        "pk@deliberations": str(act.pk),
        "pk@membres": str(mandate.person_id),
        "item_pk": str(item.pk),
        "mandate_pk": str(mandate.pk),
        "short_name": body.short_name,
        "day": seed_session.date.isoformat(),
        "ref": (act.number or "").replace("/", "-"),
        "kind": "pv",
        "dispatch_pk": str(dispatch.pk),
        "token": link.strip("/").split("/")[-1],
    }


def _paths(ids: dict[str, str]) -> list[str]:
    return sorted({_filled(route, ids) for _, route, _ in _routes(get_resolver().url_patterns)})


# Files rendered on each request (PDFs, archives) read no parameter: one hostile value.
FILES = (".pdf", ".tar.gz", ".zip")


def _sweep(client: Client, paths: list[str]) -> list[str]:
    """Each hostile value in every parameter at once, on every path: the 5xx answers."""
    failures = []
    for path in paths:
        for value in HOSTILE_VALUES[:1] if path.endswith(FILES) else HOSTILE_VALUES:
            encoded = quote(value, safe="", errors="surrogatepass")
            query = "&".join(f"{name}={encoded}" for name in PARAMETERS)
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append(f"{path} ({value[:20]!r}) → {response.status_code}")
    return failures


def test_hostile_query_strings_never_give_a_server_error(
    seed_ids: dict[str, str], seed_session: Session
) -> None:
    paths = _paths(seed_ids)
    anonymous = Client(raise_request_exception=False)
    secretariat = Client(raise_request_exception=False)
    login_verified(secretariat, account("secretariat", seed_session.body))

    public = [
        p
        for p in paths
        if p.startswith(("/public/", "/api/", "/sante/", "/connexion/", "/convocations/"))
    ]
    failures = _sweep(anonymous, public) + _sweep(secretariat, paths)

    assert failures == [], "\n".join(failures)


def test_a_nul_byte_in_the_search_is_ignored_not_an_error(
    seed_session: Session, client: Client
) -> None:
    login_verified(client, account("secretariat", seed_session.body))

    response = client.get("/recherche/?q=Artois%00")

    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_an_invalid_utf8_query_string_is_answered(seed_session: Session, client: Client) -> None:
    login_verified(client, account("secretariat", seed_session.body))

    for path in ("/recherche/", "/seances/", "/deliberations/", "/api/v1/organes/"):
        assert client.get(f"{path}?q=%ff%fe&page=%c0").status_code in {200, 400}


@pytest.mark.parametrize("day", ["2023-13-45", "9999-99-99", "2023-06-13%00", "%E2%80%AE", "0"])
def test_a_hostile_day_or_reference_in_a_public_address_is_not_found(
    seed_session: Session, day: str
) -> None:
    client = Client(raise_request_exception=False)
    paths = [
        f"/public/PMA/seances/{day}/",
        f"/public/PMA/seances/{day}/liste/",
        f"/public/PMA/seances/{day}/liste.pdf",
        f"/public/PMA/seances/{day}/proces-verbal.pdf",
        f"/api/v1/organes/PMA/seances/{day}/",
        f"/public/PMA/deliberations/{day}/",
        f"/api/v1/organes/PMA/deliberations/{day}/",
    ]

    statuses = {path: client.get(path).status_code for path in paths}

    assert set(statuses.values()) <= {400, 404}, statuses
