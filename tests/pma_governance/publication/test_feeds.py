"""The Atom feeds of new publications, the sitemap and robots.txt: public, stable links,
and nothing unpublished."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation
from meetings.models import ProcesVerbal, Session
from members.models import Body
from tests.conftest import CountQueries
from tests.factories import BodyFactory
from tests.pma_governance.publication.helpers import NUMBER, publish_fast, sign_pv_fast
from tests.pma_governance.publication.public_world import Hidden, hidden_things, published_assembly

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def world(seed_session: Session) -> Hidden:
    """The seed's 2023/PMA00192 published on 20 June, its PV on 21 June; 2023/PMA00193
    published on 22 June; and, in another session, everything the public must not see."""
    publish_fast(Deliberation.objects.get(number=NUMBER), on=dt.date(2023, 6, 20))
    publish_fast(Deliberation.objects.get(number="2023/PMA00193"), on=dt.date(2023, 6, 22))
    sign_pv_fast(seed_session, on=dt.date(2023, 6, 14))
    ProcesVerbal.objects.filter(session=seed_session).update(
        status="published", published_on=dt.date(2023, 6, 21)
    )
    return hidden_things(seed_session.body)


def _entries(client: Client, url: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def _text(element: ET.Element, tag: str) -> str:
    return element.findtext(f"{ATOM}{tag}") or ""


def _link(element: ET.Element) -> str:
    link = element.find(f"{ATOM}link[@rel='alternate']")
    assert link is not None
    return link.get("href") or ""


def test_the_feed_lists_new_publications_newest_first(client: Client, world: Hidden) -> None:
    feed, entries = _entries(client, reverse("public:feed"))

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert _text(feed, "title") == "Publications officielles — délibérations et procès-verbaux"
    assert [_text(e, "title") for e in entries] == [
        "Délibération n° 2023/PMA00193 — Partenariat 2023 avec la Mission Bassin Minier",
        "Procès-verbal de la séance du 13 juin 2023",
        "Délibération n° 2023/PMA00192 — "
        "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
    ]
    assert [_text(e, "published")[:10] for e in entries] == [
        "2023-06-22",
        "2023-06-21",
        "2023-06-20",
    ]
    assert all(_text(e, "updated") for e in entries)  # Atom requires it
    assert "Publiée le 20 juin 2023" in _text(entries[2], "summary")
    assert [_link(e) for e in entries] == [
        "http://testserver/public/PMA/deliberations/2023-PMA00193/",
        "http://testserver/public/PMA/seances/2023-06-13/",
        "http://testserver/public/PMA/deliberations/2023-PMA00192/",
    ]
    ids = [_text(e, "id") for e in entries]
    assert len(set(ids)) == len(ids) and all(ids)
    for entry in entries:
        assert client.get(_link(entry)).status_code == 200


def test_the_feed_shows_nothing_unpublished(client: Client, world: Hidden) -> None:
    other = BodyFactory(short_name="MUET")
    hidden_things(other)
    content = client.get(reverse("public:feed")).content.decode()
    for text in [*world.numbers, *world.titles, "2023/PMA00194", "28 novembre 2023"]:
        assert text not in content
    assert "MUET" not in content
    _, entries = _entries(client, reverse("public:body_feed", args=["MUET"]))
    assert entries == []


def test_a_body_feed_holds_that_body_only(client: Client, world: Hidden) -> None:
    published_assembly("AUTRE", sessions=1, acts=2)

    feed, entries = _entries(client, reverse("public:body_feed", args=["PMA"]))

    assert _text(feed, "title") == "Pôle Métropolitain de l'Artois — publications officielles"
    assert len(entries) == 3
    assert all("/public/PMA/" in _link(e) for e in entries)
    _, everything = _entries(client, reverse("public:feed"))
    assert len(everything) == 3 + 3  # AUTRE: two acts and a PV
    assert client.get(reverse("public:body_feed", args=["INCONNU"])).status_code == 404


def test_public_pages_announce_the_feeds(client: Client, world: Hidden) -> None:
    index = client.get(reverse("public:index")).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in index
    assert 'href="/public/flux.atom"' in index
    body = client.get(reverse("public:body", args=["PMA"])).content.decode()
    assert 'href="/public/PMA/flux.atom"' in body


def test_feed_and_sitemap_queries_do_not_grow(
    client: Client,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    small = published_assembly("PETIT", sessions=1, acts=1)
    large = published_assembly("GRAND", sessions=3, acts=4)
    with count_queries() as feed:
        assert client.get(reverse("public:body_feed", args=[small.short_name])).status_code == 200
    with django_assert_num_queries(len(feed)):
        assert client.get(reverse("public:body_feed", args=[large.short_name])).status_code == 200
    with count_queries() as sitemap:
        assert client.get(reverse("sitemap")).status_code == 200
    published_assembly("ENCORE", sessions=3, acts=5)
    with django_assert_num_queries(len(sitemap)):
        assert client.get(reverse("sitemap")).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("public:feed")).status_code == 200


# --- Sitemap and robots.txt ---------------------------------------------------------------------


def _sitemap(client: Client) -> dict[str, str]:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    urlset = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc") or "": url.findtext(f"{SITEMAP}lastmod") or ""
        for url in urlset.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_public_pages_dated_by_publication(client: Client, world: Hidden) -> None:
    BodyFactory(short_name="VIDE")

    urls = _sitemap(client)

    base = "http://testserver/public/"
    assert urls == {
        base: "2023-06-22",
        f"{base}PMA/": "2023-06-22",
        f"{base}PMA/seances/2023-06-13/": "2023-06-22",
        f"{base}PMA/deliberations/2023-PMA00192/": "2023-06-20",
        f"{base}PMA/deliberations/2023-PMA00193/": "2023-06-22",
    }
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_robots_txt_opens_the_public_side_only(client: Client, db: None) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:5] == [
        "User-agent: *",
        "Allow: /public/",
        "Allow: /api/v1/",
        "Allow: /sitemap.xml",
        "Disallow: /",
    ]
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_an_empty_site_has_an_empty_feed_and_sitemap(client: Client, db: None) -> None:
    body = BodyFactory(short_name="SEUL")
    hidden_things(body)
    _, entries = _entries(client, reverse("public:feed"))
    assert entries == []
    assert _sitemap(client) == {"http://testserver/public/": ""}
    assert Body.objects.count() == 1
