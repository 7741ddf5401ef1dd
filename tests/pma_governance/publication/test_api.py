"""The read-only JSON API of published sessions and deliberations (open data, `/api/v1/`):
published data only, paginated, JSON errors, a fixed number of queries per endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation, Erratum, Vote
from meetings.models import ProcesVerbal, Session
from members.models import Body
from pma_governance.publication import api
from tests.factories import BodyFactory, SessionFactory, UserFactory, login_as
from tests.pma_governance.publication.helpers import (
    IDENTIFIER,
    NUMBER,
    publish_fast,
    sign_fast,
    sign_pv_fast,
)
from tests.pma_governance.publication.public_world import (
    Hidden,
    hidden_things,
    published_assembly,
    voted_act,
)

pytestmark = pytest.mark.django_db

SEED_DAY = "2023-06-13"


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    """2023/PMA00192 published (acknowledged by the prefecture), the seed's PV published too;
    2023/PMA00193 signed only, 2023/PMA00194 voted only."""
    act = Deliberation.objects.get(number=NUMBER)
    publish_fast(act, on=dt.date(2023, 6, 20))
    sign_fast(Deliberation.objects.get(number="2023/PMA00193"))
    sign_pv_fast(seed_session, on=dt.date(2023, 6, 14))
    ProcesVerbal.objects.filter(session=seed_session).update(
        status="published", published_on=dt.date(2023, 6, 21)
    )
    return Deliberation.objects.get(pk=act.pk)


@pytest.fixture
def hidden(aula: Deliberation) -> Hidden:
    return hidden_things(aula.body)


def _get(client: Client, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def _url(name: str, *args: str) -> str:
    return reverse(f"api:{name}", args=list(args))


# --- Reading ------------------------------------------------------------------------------------


def test_the_root_points_to_every_resource(client: Client, db: None) -> None:
    data = _get(client, _url("root"))
    assert data["bodies_url"] == "http://testserver/api/v1/organes/"
    assert data["open_data_csv_url"] == "http://testserver/public/deliberations.csv"
    assert data["feed_url"] == "http://testserver/public/flux.atom"
    assert data["sitemap_url"] == "http://testserver/sitemap.xml"


def test_bodies_are_those_with_something_published(
    client: Client, aula: Deliberation, hidden: Hidden
) -> None:
    silent = BodyFactory(short_name="MUET")
    hidden_things(silent)  # only unpublished things
    BodyFactory(short_name="VIDE")

    data = _get(client, _url("bodies"))

    assert data["count"] == 1
    assert (data["next"], data["previous"]) == (None, None)
    (body,) = data["results"]
    assert body["short_name"] == "PMA"
    assert body["name"] == "Pôle Métropolitain de l'Artois"
    assert body["assembly"] == "Comité syndical"
    assert (body["published_deliberations"], body["published_minutes"]) == (1, 1)
    assert body["last_published_on"] == "2023-06-21"
    assert body["sessions_url"] == "http://testserver/api/v1/organes/PMA/seances/"
    assert body["deliberations_url"] == "http://testserver/api/v1/organes/PMA/deliberations/"
    assert body["page_url"] == "http://testserver/public/PMA/"
    assert _get(client, body["url"])["short_name"] == "PMA"
    for name in ("MUET", "VIDE"):
        assert _get(client, _url("body", name), 404)["detail"].startswith("Aucun organe")


def test_sessions_of_a_body(client: Client, aula: Deliberation, hidden: Hidden) -> None:
    data = _get(client, _url("sessions", "PMA"))

    # The hidden session (PV signed, acts unpublished) and the empty one are not listed.
    assert data["count"] == 1
    (session,) = data["results"]
    assert session == {
        "date": SEED_DAY,
        "start_time": session["start_time"],
        "kind": "ordinary",
        "kind_label": "Ordinaire",
        "place": session["place"],
        "published_deliberations": 1,  # 2023/PMA00193 is signed, not published
        "minutes": {
            "published_on": "2023-06-21",
            "pdf_url": f"http://testserver/public/PMA/seances/{SEED_DAY}/proces-verbal.pdf",
        },
        "liste": {
            "published_on": "2023-06-20",
            "url": f"http://testserver/public/PMA/seances/{SEED_DAY}/liste/",
            "pdf_url": f"http://testserver/public/PMA/seances/{SEED_DAY}/liste.pdf",
        },
        "url": f"http://testserver/api/v1/organes/PMA/seances/{SEED_DAY}/",
        "page_url": f"http://testserver/public/PMA/seances/{SEED_DAY}/",
    }
    assert client.get(session["minutes"]["pdf_url"]).status_code == 200
    assert client.get(session["page_url"]).status_code == 200


def test_a_session_with_its_published_deliberations(
    client: Client, aula: Deliberation, hidden: Hidden
) -> None:
    data = _get(client, _url("session", "PMA", SEED_DAY))
    assert data["date"] == SEED_DAY
    assert [d["number"] for d in data["deliberations"]] == [NUMBER]


def test_one_deliberation(client: Client, aula: Deliberation, hidden: Hidden) -> None:
    Erratum.objects.create(
        deliberation=aula,
        text="Lire « 40 000 euros » au lieu de « 40.000 euros ».",
        date=dt.date(2023, 7, 3),
        created_by=UserFactory(),
    )

    data = _get(client, _url("deliberation", "PMA", "2023-PMA00192"))

    assert data["number"] == NUMBER
    assert data["title"] == "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)"
    assert data["date"] == SEED_DAY
    assert data["nature"] == {"code": "1", "label": "Délibérations"}
    assert data["matiere"] == {
        "code": "7.5",
        "label": "Subventions",
        "path": [
            {"code": "7", "label": "Finances locales"},
            {"code": "7.5", "label": "Subventions"},
        ],
    }
    # 13 present + 4 represented; Mme Laversin takes no part (DESIGN §4): 16 votants.
    assert data["vote"] == {
        "ballot": "show_of_hands",
        "unanimous": True,
        "present": 13,
        "represented": 4,
        "not_voting": 1,
        "voters": 16,
        "for": 16,
        "against": 0,
        "abstain": 0,
        "blank": 0,
        "expressed": 16,
        "casting_vote": False,
        "result": "adopted",
    }
    assert data["result"] == "adopted"
    assert data["published_on"] == "2023-06-20"
    assert data["prefecture"]["received_on"] == "2023-06-19"
    assert data["prefecture"]["ack_identifier"] == IDENTIFIER
    assert data["errata"] == [
        {"date": "2023-07-03", "text": "Lire « 40 000 euros » au lieu de « 40.000 euros »."}
    ]
    assert data["url"] == "http://testserver/api/v1/organes/PMA/deliberations/2023-PMA00192/"
    assert data["page_url"] == "http://testserver/public/PMA/deliberations/2023-PMA00192/"
    assert data["session_url"] == f"http://testserver/api/v1/organes/PMA/seances/{SEED_DAY}/"
    pdf = client.get(data["pdf_url"])
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert client.get(data["page_url"]).status_code == 200


def test_no_acknowledgement_without_its_identifier(client: Client, aula: Deliberation) -> None:
    Deliberation.objects.filter(pk=aula.pk).update(
        prefecture_sent_on=dt.date(2023, 6, 15),
        prefecture_received_on=None,
        prefecture_identifier="",
    )
    prefecture = _get(client, _url("deliberation", "PMA", "2023-PMA00192"))["prefecture"]
    assert prefecture == {"sent_on": "2023-06-15", "received_on": None, "ack_identifier": None}


# --- Nothing unpublished ------------------------------------------------------------------------


def test_unpublished_acts_and_sessions_are_not_found(
    client: Client, aula: Deliberation, hidden: Hidden
) -> None:
    for act in hidden.acts:
        if act.number:
            slug = act.number.replace("/", "-")
            data = _get(client, _url("deliberation", "PMA", slug), 404)
            assert data["detail"].startswith("Aucune délibération publiée")
    for number in ("2023/PMA00193", "2023/PMA00194"):
        _get(client, _url("deliberation", "PMA", number.replace("/", "-")), 404)
    for session in (hidden.session, hidden.empty_session):
        _get(client, _url("session", "PMA", session.date.isoformat()), 404)
    _get(client, _url("session", "PMA", "2023-13-45"), 404)
    _get(client, _url("session", "PMA", "20230613"), 404)  # one address per session
    _get(client, _url("session", "PMA", "hier"), 404)
    _get(client, _url("sessions", "INCONNU"), 404)
    _get(client, _url("deliberations", "INCONNU"), 404)
    # Asked under another body, a published act is not found either.
    published_assembly("AUTRE", sessions=1, acts=1)
    _get(client, _url("deliberation", "AUTRE", "2023-PMA00192"), 404)


def test_lists_hold_published_acts_only(client: Client, aula: Deliberation, hidden: Hidden) -> None:
    data = _get(client, _url("deliberations", "PMA"))
    assert [d["number"] for d in data["results"]] == [NUMBER]
    listed = str(_get(client, _url("sessions", "PMA"))) + str(data)
    for text in [*hidden.numbers, *hidden.titles, "2023/PMA00193", "2023/PMA00194"]:
        assert text not in listed


def test_unknown_addresses_under_the_api_are_json_404(client: Client, db: None) -> None:
    data = _get(client, "/api/v1/inconnu/", 404)
    assert "Adresse inconnue" in data["detail"]
    response = client.get("/api/v1/organes")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/organes/")


# --- Filters, pagination, errors -----------------------------------------------------------------


@pytest.fixture
def varied(db: None) -> Body:
    """Published acts over two years, three matières and both results."""
    body = BodyFactory(short_name="VAR")
    spring_23 = SessionFactory(body=body, date=dt.date(2023, 3, 14))
    spring_24 = SessionFactory(body=body, date=dt.date(2024, 3, 12))
    rejected = {
        "unanimous": False,
        "votes_for": 3,
        "votes_against": 7,
        "result": Vote.Result.REJECTED,
    }
    acts = [
        voted_act(spring_23, number="2023/VAR00001", sequence=1, matiere="7.5"),
        voted_act(spring_23, number="2023/VAR00002", sequence=2, matiere="7.10"),
        voted_act(spring_23, number="2023/VAR00003", sequence=3, matiere="7.1", vote=rejected),
        voted_act(spring_24, number="2024/VAR00004", sequence=4, matiere="5.7"),
        voted_act(spring_24, number="2024/VAR00005", sequence=5, matiere="7.5"),
    ]
    for act in acts:
        publish_fast(act, on=act.item.session.date + dt.timedelta(days=5))  # type: ignore[union-attr]
    return body


def _numbers(client: Client, body: str, **params: Any) -> list[str]:
    data = _get(client, _url("deliberations", body), **params)
    return sorted(d["number"] for d in data["results"])


def test_deliberations_are_filtered(client: Client, varied: Body) -> None:
    assert _numbers(client, "VAR", year="2024") == ["2024/VAR00004", "2024/VAR00005"]
    # « 7 » covers 7.x; « 7.1 » is 7.1 only, not 7.10.
    assert _numbers(client, "VAR", matiere="7") == [
        "2023/VAR00001",
        "2023/VAR00002",
        "2023/VAR00003",
        "2024/VAR00005",
    ]
    assert _numbers(client, "VAR", matiere="7.1") == ["2023/VAR00003"]
    assert _numbers(client, "VAR", result="rejected") == ["2023/VAR00003"]
    assert _numbers(client, "VAR", year="2023", matiere="7.5", result="adopted") == [
        "2023/VAR00001"
    ]
    assert _numbers(client, "VAR", year="2022") == []


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "deux"},
        {"page": "1.5"},
        {"page": "9" * 5000},
        {"per_page": "0"},
        {"per_page": "beaucoup"},
        {"year": "23"},
        {"year": "deux mille"},
        {"year": "２０２３"},  # full-width digits
        {"matiere": "7."},
        {"matiere": "sept"},
        {"matiere": "7.5.1.2.3.4"},
        {"result": "peut-être"},
    ],
)
def test_bad_parameters_are_refused_in_french(
    client: Client, varied: Body, params: dict[str, str]
) -> None:
    data = _get(client, _url("deliberations", "VAR"), 400, **params)
    assert data["detail"].startswith("Paramètre « ")


def test_pages_link_to_each_other(client: Client, db: None) -> None:
    published_assembly("GRAND", sessions=3, acts=5)
    url = _url("deliberations", "GRAND")
    first = _get(client, url, per_page="4", year="2023")

    assert first["count"] == 15
    assert len(first["results"]) == 4
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{url}?per_page=4&year=2023&page=2"

    seen, page = [], first
    while True:
        seen += [d["number"] for d in page["results"]]
        if page["next"] is None:
            break
        page = _get(client, page["next"])
    assert len(seen) == len(set(seen)) == 15
    assert len(page["results"]) == 3
    assert page["previous"] == f"http://testserver{url}?per_page=4&year=2023&page=3"
    assert _get(client, url, 404, page="5", per_page="4")["detail"].startswith("Page 5 inexistante")


def test_per_page_is_capped(client: Client, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    published_assembly("GRAND", sessions=2, acts=4)
    monkeypatch.setattr(api, "PER_PAGE_MAX", 3)
    data = _get(client, _url("deliberations", "GRAND"), per_page="1000")
    assert (data["count"], len(data["results"])) == (8, 3)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_the_api_is_read_only(method: str, aula: Deliberation) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in (_url("bodies"), _url("deliberation", "PMA", "2023-PMA00192")):
        response = getattr(client, method)(url)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert "lecture seule" in response.json()["detail"]
    assert Deliberation.objects.get(pk=aula.pk).status == "published"


def test_headers_for_open_data(client: Client, aula: Deliberation) -> None:
    response = client.get(_url("deliberations", "PMA"))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=60"
    bodies = client.get(_url("bodies")).content.decode("utf-8")
    assert "Pôle Métropolitain" in bodies  # UTF-8, not \u escapes
    assert client.head(_url("deliberations", "PMA")).status_code == 200


def test_the_api_needs_no_login_and_shows_no_more_to_a_logged_in_user(
    aula: Deliberation, hidden: Hidden
) -> None:
    admin = Client()
    login_as(admin, "superuser")
    data = _get(admin, _url("deliberations", "PMA"))
    assert [d["number"] for d in data["results"]] == [NUMBER]


# --- Query counts do not grow with the data ------------------------------------------------------

# Per endpoint: the body (1), then the list's count and page (2), or the object (1) and its
# details (1).
QUERIES = {
    "bodies": 2,
    "body": 1,
    "sessions": 3,
    "session": 3,
    "deliberations": 3,
    "deliberation": 3,
}


def _urls(body: Body) -> dict[str, str]:
    short = body.short_name
    session = Session.objects.filter(body=body).order_by("date").first()
    act = Deliberation.objects.filter(body=body).order_by("sequence").first()
    assert session is not None and act is not None and act.number
    return {
        "bodies": _url("bodies"),
        "body": _url("body", short),
        "sessions": _url("sessions", short),
        "session": _url("session", short, session.date.isoformat()),
        "deliberations": _url("deliberations", short),
        "deliberation": _url("deliberation", short, act.number.replace("/", "-")),
    }


def test_query_counts_do_not_grow_with_the_data(
    client: Client, db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small = published_assembly("PETIT", sessions=1, acts=2)
    large = published_assembly("GRAND", sessions=4, acts=6)
    hidden_things(large)
    for body in (small, large):
        for name, url in _urls(body).items():
            with django_assert_num_queries(QUERIES[name]):
                response = client.get(url)
            assert response.status_code == 200, (name, body.short_name)
