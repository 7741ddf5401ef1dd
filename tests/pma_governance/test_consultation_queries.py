"""The main consultation pages keep their number of queries with 10 and with 1 000 sessions.

One archive per size, built in bulk: closed sessions, each with two published acts (vote,
signed PDF) and a published procès-verbal. Each page is asked once to warm what is
loaded once per visitor (session, user), then counted; the counts are the same constants
for both sizes, so a page whose queries grow with the archive fails at 1 000.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation, SignedDocument, Vote
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body
from tests.conftest import analyze
from tests.factories import BodyFactory, MandateFactory, login_as

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% signed stand-in\n%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()
LATEST = dt.date(2023, 12, 5)


def build_archive(body: Body, sessions: int) -> Session:
    """`sessions` weekly sessions back from LATEST, everything published; the latest."""
    signed_at = timezone.make_aware(dt.datetime(2023, 12, 6, 10, 0))
    rows = Session.objects.bulk_create(
        Session(
            body=body,
            date=LATEST - dt.timedelta(days=7 * n),
            status=Session.Status.CLOSED,
            convened_on=LATEST - dt.timedelta(days=7 * n + 5),
            place="au siège, à Lens",
        )
        for n in range(sessions)
    )
    ProcesVerbal.objects.bulk_create(
        ProcesVerbal(session=s, preamble="Le Comité syndical s'est réuni au siège.") for s in rows
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=s,
            position=position,
            kind=AgendaItem.Kind.DELIBERATION,
            title=f"Subvention à l'agence d'urbanisme n° {position}",
            debate_summary="Le Président présente la convention.",
        )
        for s in rows
        for position in (1, 2)
    )
    Vote.objects.bulk_create(
        Vote(
            item=item,
            unanimous=True,
            present=12,
            represented=2,
            voters=14,
            votes_for=14,
            result=Vote.Result.ADOPTED,
        )
        for item in items
    )
    by_session = {s.pk: s for s in rows}
    acts = Deliberation.objects.bulk_create(
        Deliberation(
            body=body,
            item=item,
            number=f"{by_session[item.session_id].date.year}/{body.short_name}{n + 1:05d}",
            sequence=n + 1,
            title=item.title,
            matiere="7.5",
            dispositif="AUTORISE Monsieur le Président à signer la convention.",
            status=Deliberation.Status.VOTED,
        )
        for n, item in enumerate(items)
    )
    SignedDocument.objects.bulk_create(
        [
            *(
                SignedDocument(
                    kind="deliberation",
                    deliberation=d,
                    pdf=PDF,
                    sha256=SHA,
                    signed_at=signed_at,
                    signatories=[{"name": "Alain Bavay"}],
                )
                for d in acts
            ),
            *(
                SignedDocument(
                    kind="pv",
                    session=s,
                    pdf=PDF,
                    sha256=SHA,
                    signed_at=signed_at,
                    signatories=[{"name": "Alain Bavay"}],
                )
                for s in rows
            ),
        ]
    )
    # Then signed and published, as the services leave them (the facts freeze last).
    published = {"signed_at": signed_at, "published_on": dt.date(2023, 12, 8)}
    Deliberation.objects.filter(body=body).update(status="published", **published)
    ProcesVerbal.objects.filter(session__body=body).update(status="published", **published)
    Session.objects.filter(body=body).update(facts_frozen_at=signed_at)
    analyze()
    return rows[0]


def _pages(body: Body, latest: Session) -> dict[str, tuple[str, dict[str, Any]]]:
    short, day = body.short_name, latest.date.isoformat()
    act = Deliberation.objects.filter(item__session=latest).order_by("sequence").first()
    assert act is not None and act.number
    ref = act.number.replace("/", "-")
    return {
        # Public portal, without login.
        "public index": (reverse("public:index"), {}),
        "public body": (reverse("public:body", args=[short]), {}),
        "public session": (reverse("public:session", args=[short, day]), {}),
        "public act": (reverse("public:deliberation", args=[short, ref]), {}),
        "public liste": (reverse("public:liste", args=[short, day]), {}),
        "feed": (reverse("public:feed"), {}),
        "sitemap": (reverse("sitemap"), {}),
        "open data": (reverse("public:open_data", args=[short]), {}),
        "api sessions": (reverse("api:sessions", args=[short]), {}),
        "api deliberations": (reverse("api:deliberations", args=[short]), {"year": "2023"}),
        "api act": (reverse("api:deliberation", args=[short, ref]), {}),
        # Members' space and search, as an élu.
        "space": (reverse("space:index"), {"annee": "2023"}),
        "space session": (reverse("space:session", args=[latest.pk]), {}),
        "attendance": (reverse("space:attendance"), {"annee": "2023"}),
        "search": (reverse("search:index"), {"q": "agence d'urbanisme"}),
        "search filtered": (
            reverse("search:index"),
            {"q": "subvention", "annee": "2023", "matiere": "7", "resultat": "adopted"},
        ),
    }


# Queries per page, the same at 10 and at 1 000 sessions. A logged-in page counts the
# session's TOTP device too (django-otp's OTPMiddleware).
QUERIES = {
    "public index": 1,
    "public body": 7,
    "public session": 5,
    "public act": 6,
    "public liste": 3,
    "feed": 2,
    "sitemap": 7,
    "open data": 2,
    "api sessions": 3,
    "api deliberations": 3,
    "api act": 3,
    "space": 11,
    "space session": 15,  # his seat, the déports, noted projets, his convocation receipt, answer
    "attendance": 12,
    "search": 9,
    "search filtered": 9,
}


@pytest.mark.parametrize("sessions", [10, 1000])
def test_consultation_pages_query_count_does_not_grow_with_the_archive(
    sessions: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    body = BodyFactory(short_name="PMA")
    latest = build_archive(body, sessions)
    elu = Client()
    login_as(elu, "elu", body, mandate=MandateFactory(body=body, start_date=dt.date(2000, 1, 1)))
    anonymous = Client()
    pages = _pages(body, latest)
    assert pages.keys() == QUERIES.keys()
    for name, (url, params) in pages.items():
        client = anonymous if name.startswith(("public", "feed", "sitemap", "open", "api")) else elu
        assert client.get(url, params).status_code == 200, name  # warm the visitor's session
        with django_assert_num_queries(QUERIES[name], info=name):
            response = client.get(url, params)
        assert response.status_code == 200, name
