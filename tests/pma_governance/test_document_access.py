"""Nothing unpublished, nothing of another body, can be reached by any URL (DESIGN §1).

Every route of the URLconf is tried — including routes added after this test was
written — with the identifiers of a projet still in preparation, of a signed but
unpublished act and procès-verbal, and of another body's documents: as an anonymous
visitor, as an élu of the other body, and as an élu of the body itself (who reads what
was convened or voted, never the secretariat's drafts).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from deliberations.models import Deliberation
from meetings.models import AttendanceAnswer, ProcesVerbal, Session
from members.models import Body
from pma_governance.documents.catalog import KINDS
from pma_governance.lib.roles import ensure_roles
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    SessionFactory,
    VoteFactory,
    login_as,
)
from tests.pma_governance.publication.helpers import sign_fast, sign_pv_fast

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# Words that appear only in the confidential rows: no response may ever contain them.
MARKERS = (
    "PROJET-CONFIDENTIEL",
    "POINT-CONFIDENTIEL",
    "ACTE-SIGNE-NON-PUBLIE",
    "PV-SIGNE-NON-PUBLIE",
    "PROJET-SANS-SEANCE",
    "ACTE-AUTRE-ORGANE",
)
# High, fixed primary keys: no row of the other body can share one (sequences start at 1),
# so a page found under one of them is the confidential row, not a homonym.
PLANNED, SIGNED, OTHER = 7001, 7002, 7003


@dataclass(frozen=True)
class Route:
    path: str  # "seances/<int:pk>/ordre-du-jour/<int:item_pk>/modifier/"
    name: str

    @property
    def params(self) -> list[str]:
        return [m.group(2) for m in PARAM.finditer(self.path)]


def _routes(entries: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[Route]:
    for entry in entries:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regex URLs: staff only, tested in test_access.py
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                yield from _routes(entry.url_patterns, route)
        else:
            yield Route(route, entry.name or route)


ROUTES = sorted(_routes(get_resolver().url_patterns), key=lambda r: r.path)
ROUTES_WITH_IDS = [r for r in ROUTES if r.params]


@dataclass
class Secrets:
    """The confidential rows and the values that fill each URL parameter with them."""

    body: Body
    other: Body
    values: dict[str, list[str]]
    drafts_only: dict[str, list[str]]


@pytest.fixture
def secrets() -> Secrets:
    ensure_roles()
    body = BodyFactory(short_name="PMA")
    other = BodyFactory(short_name="SMB")
    # A session not yet convened: its ordre du jour and projet are the secretariat's.
    planned = SessionFactory(
        pk=PLANNED,
        body=body,
        date=dt.date(2023, 9, 29),
        status=Session.Status.PLANNED,
        convened_on=None,
    )
    planned_item = AgendaItemFactory(pk=PLANNED, session=planned, title="POINT-CONFIDENTIEL")
    DeliberationFactory(pk=PLANNED, body=body, item=planned_item, title="PROJET-CONFIDENTIEL")
    DeliberationFactory(pk=PLANNED + 100, body=body, item=None, title="PROJET-SANS-SEANCE")
    # A held session whose act and PV are signed but not published.
    held = SessionFactory(
        pk=SIGNED, body=body, date=dt.date(2023, 6, 13), status=Session.Status.CLOSED
    )
    ProcesVerbal.objects.filter(session=held).update(preamble="PV-SIGNE-NON-PUBLIE")
    held_item = AgendaItemFactory(pk=SIGNED, session=held, title="Adhésion")
    VoteFactory(item=held_item)
    signed = DeliberationFactory(
        pk=SIGNED,
        body=body,
        item=held_item,
        title="ACTE-SIGNE-NON-PUBLIE",
        number="2023/PMA00192",
        sequence=192,
        status=Deliberation.Status.VOTED,
    )
    # A signed procuration between two members: theirs and the secretariat's to read only.
    AttendanceAnswer.objects.create(
        pk=SIGNED,
        session=held,
        mandate=MandateFactory(body=body),
        answer=AttendanceAnswer.Answer.PROXY,
        holder=MandateFactory(body=body),
        answered_at=timezone.now(),
        procuration_pdf=b"%PDF-1.7 PROCURATION",
        procuration_signed_at=timezone.now(),
    )
    sign_fast(signed)
    sign_pv_fast(held)
    # Another body's session and act.
    foreign = SessionFactory(
        pk=OTHER, body=other, date=dt.date(2023, 5, 2), status=Session.Status.CLOSED
    )
    foreign_item = AgendaItemFactory(pk=OTHER, session=foreign, title="Transport")
    VoteFactory(item=foreign_item)
    DeliberationFactory(
        pk=OTHER,
        body=other,
        item=foreign_item,
        title="ACTE-AUTRE-ORGANE",
        number="2023/SMB00001",
        sequence=1,
        status=Deliberation.Status.VOTED,
    )
    ids = [str(pk) for pk in (PLANNED, PLANNED + 100, SIGNED, OTHER)]
    pvs = [str(pv.pk) for pv in ProcesVerbal.objects.filter(session__in=[planned, held, foreign])]
    numbers = ["2023/PMA00192", "2023-PMA00192", "2023PMA00192", "2023/SMB00001"]
    days = ["2023-09-29", "2023-06-13", "2023-05-02"]
    values = {
        "pk": ids + pvs,
        "item_pk": [str(PLANNED), str(SIGNED), str(OTHER)],
        "mandate_pk": [str(pk) for pk in body.mandates.values_list("pk", flat=True)] or ["1"],
        "proxy_pk": ["1"],
        "deport_pk": ["1"],
        "dispatch_pk": ["1"],
        "poll_pk": ["1"],
        "answer_pk": [str(SIGNED)],
        "annex_pk": ["1"],
        "kind": [*KINDS, "deliberation"],
        "short_name": ["PMA", "SMB"],
        "day": days,
        "number": numbers,
        "slug": [n.replace("/", "-") for n in numbers],
        "year": ["2023"],
        # A deliberation by number or by primary key (API, public pages).
        "ref": [n.replace("/", "-") for n in numbers] + ids,
        # The password reset link: an account's id in base64 and a token (none valid here).
        "uidb64": ["MQ", "NzAwMQ"],
        "token": ["x", "set-password"],
    }
    drafts_only = {
        **values,
        "pk": [str(PLANNED), str(PLANNED + 100)],
        "item_pk": [str(PLANNED)],
        "day": ["2023-09-29"],
        "number": [],
        "slug": [],
        "ref": [str(PLANNED), str(PLANNED + 100)],
    }
    return Secrets(body=body, other=other, values=values, drafts_only=drafts_only)


def _paths(route: Route, values: dict[str, list[str]]) -> list[str]:
    missing = [p for p in route.params if p not in values]
    assert not missing, (
        f"La route {route.name} ({route.path}) a des paramètres que ce test ne sait pas "
        f"remplir : {missing}. Ajoutez des valeurs confidentielles pour eux."
    )
    paths = []
    pieces = PARAM.split(route.path)[:: PARAM.groups + 1]  # the text between parameters
    for combination in itertools.product(*(values[p] for p in route.params)):
        filled = [piece + value for piece, value in zip(pieces, combination, strict=False)]
        paths.append("/" + "".join(filled) + pieces[-1])
    return paths


def _is_public(path: str) -> bool:
    return not getattr(resolve(path).func, "login_required", True)


def _leaks(response: Any, path: str, who: str) -> list[str]:
    """What a response shows that it must not: a confidential word, or a document."""
    if response.status_code != 200:
        return []
    content_type = response["Content-Type"]
    if not content_type.startswith(
        ("text/", "application/json", "application/atom", "application/xml")
    ):
        return [f"{who} : {path} sert un document ({content_type})"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    return [f"{who} : {path} montre « {m} »" for m in MARKERS if m in text]


def test_every_route_with_an_identifier_is_tried() -> None:
    # The URLconf has document routes for sessions, deliberations and the public side.
    names = {r.name for r in ROUTES_WITH_IDS}
    for expected in ("session_document", "deliberation_document", "deliberation_pdf", "pv_pdf"):
        assert expected in names


def test_an_anonymous_visitor_reaches_nothing_unpublished(secrets: Secrets) -> None:
    client = Client()
    login = reverse(settings.LOGIN_URL) + "?next="
    leaks = []
    for route in ROUTES:
        for path in _paths(route, secrets.values):
            response = client.get(path)
            if _is_public(path):
                leaks += _leaks(response, path, "anonyme")
            elif response.status_code != 302 or not response["Location"].startswith(login):
                leaks.append(f"anonyme : {path} répond {response.status_code} sans connexion")
    assert leaks == []


def test_an_elu_of_another_body_reaches_nothing_of_it(secrets: Secrets, client: Client) -> None:
    other = BodyFactory(short_name="SMC")
    login_as(client, "elu", other, mandate=MandateFactory(body=other))
    leaks = []
    for route in ROUTES:
        for path in _paths(route, secrets.values):
            leaks += _leaks(client.get(path), path, "élu d'un autre organe")
    assert leaks == []


def test_an_elu_of_the_body_never_reaches_its_drafts_nor_unpublished_public_pages(
    secrets: Secrets, client: Client
) -> None:
    login_as(client, "elu", secrets.body, mandate=MandateFactory(body=secrets.body))
    leaks = []
    for route in ROUTES:
        public = route.path.startswith(("public/", "api/"))
        for path in _paths(route, secrets.values if public else secrets.drafts_only):
            leaks += [
                leak
                for leak in _leaks(client.get(path), path, "élu de l'organe")
                # His own body's signed act and PV are his to read in the members' space.
                if public or not any(m in leak for m in ("ACTE-SIGNE-NON", "PV-SIGNE-NON"))
            ]
    assert leaks == []


def test_the_elu_of_the_body_does_read_the_signed_act_in_his_space(
    secrets: Secrets, client: Client
) -> None:
    # The counterpart of the tests above: the same walk finds what is his to read.
    login_as(client, "elu", secrets.body, mandate=MandateFactory(body=secrets.body))

    page = client.get(f"/espace/seances/{SIGNED}/").content.decode()
    pdf = client.get(f"/documents/deliberations/{SIGNED}.pdf")

    assert "2023/PMA00192" in page
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_the_pdf_of_a_projet_on_no_ordre_du_jour_is_not_found_not_a_crash(
    secrets: Secrets, client: Client
) -> None:
    login_as(client, "secretariat", secrets.body)

    response = client.get(f"/documents/deliberations/{PLANNED + 100}.pdf")

    assert response.status_code == 404
