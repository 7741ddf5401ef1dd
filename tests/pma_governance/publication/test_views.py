"""The public pages, without login: published PVs, listes and deliberations, the signed
PDFs exactly as stored, the open-data file — and never anything unpublished."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import re
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation, Erratum, SignedDocument
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body
from pma_governance.publication import views as views_public
from tests.conftest import CountQueries
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    SessionFactory,
    UserFactory,
    VoteFactory,
)
from tests.pma_governance.publication.helpers import (
    IDENTIFIER,
    NUMBER,
    publish_fast,
    sign_fast,
    sign_pv_fast,
)
from tests.pma_governance.publication.public_world import (
    SIRET,
    hidden_things,
    published_assembly,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client()


def _act(number: str) -> Deliberation:
    return Deliberation.objects.get(number=number)


def _text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _pdf_url(deliberation: Deliberation) -> str:
    return reverse("public:deliberation_pdf", args=[deliberation.body.short_name, deliberation.pk])


def _pv_url(session: Session) -> str:
    return reverse("public:pv_pdf", args=[session.body.short_name, f"{session.date:%Y-%m-%d}"])


def _liste_url(session: Session) -> str:
    return reverse("public:liste", args=[session.body.short_name, f"{session.date:%Y-%m-%d}"])


@pytest.fixture
def withdrawn(seed_session: Session) -> Deliberation:
    """A projet attached to the session but never voted (its item withdrawn)."""
    return DeliberationFactory(
        body=seed_session.body,
        item=AgendaItemFactory(session=seed_session, position=99, title="Projet retiré"),
    )


@pytest.fixture
def published(seed_session: Session, withdrawn: Deliberation) -> Deliberation:
    """2023/PMA00192 signed, transmitted (the seed's acknowledgement) and published;
    2023/PMA00193 signed but not published; 2023/PMA00194 only voted; a projet withdrawn."""
    aula = _act(NUMBER)
    sign_fast(aula)
    Deliberation.objects.filter(pk=aula.pk).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    sign_fast(_act("2023/PMA00193"))
    return _act(NUMBER)


# --- Reading without login ---------------------------------------------------------------------


def test_anonymous_reads_the_public_pages(anonymous: Client, published: Deliberation) -> None:
    index = anonymous.get(reverse("public:index"))
    assert index.status_code == 200
    assert "Pôle Métropolitain de l'Artois" in _text(index)

    page = anonymous.get(reverse("public:body", args=["PMA"]))
    assert page.status_code == 200
    text = _text(page)
    assert NUMBER in text
    assert "13/06/2023" in text
    assert "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)" in text
    assert f"Reçu en préfecture le 19/06/2023 {IDENTIFIER}" in text
    assert "20/06/2023" in text  # publication date
    assert _pdf_url(published) in page.content.decode()


def test_the_public_pages_show_nothing_unpublished(
    anonymous: Client, published: Deliberation
) -> None:
    text = _text(anonymous.get(reverse("public:body", args=["PMA"])))
    assert "2023/PMA00193" not in text  # signed, not published
    assert "2023/PMA00194" not in text  # voted
    assert "Aucun procès-verbal publié." in text


def test_nothing_published_no_body_listed(anonymous: Client, seed_session: Session) -> None:
    sign_fast(_act(NUMBER))
    assert "Pôle Métropolitain" not in _text(anonymous.get(reverse("public:index")))
    text = _text(anonymous.get(reverse("public:body", args=["PMA"])))
    assert "Aucune délibération publiée." in text
    assert NUMBER not in text


def test_the_acknowledgement_appears_only_with_its_identifier(
    anonymous: Client, published: Deliberation
) -> None:
    Deliberation.objects.filter(pk=published.pk).update(
        prefecture_sent_on=dt.date(2023, 6, 15),
        prefecture_received_on=None,
        prefecture_identifier="",
    )
    text = _text(anonymous.get(reverse("public:body", args=["PMA"])))
    assert "Transmise le 15/06/2023" in text
    assert "Reçu" not in text and "reçu" not in text


# --- Downloads -----------------------------------------------------------------------------------


def test_a_published_deliberation_is_served_exactly_as_stored(
    anonymous: Client, published: Deliberation
) -> None:
    stored = SignedDocument.objects.get(deliberation=published)
    response = anonymous.get(_pdf_url(published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(stored.pdf)
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert "PMA-deliberation-2023-PMA00192.pdf" in response["Content-Disposition"]
    again = anonymous.get(_pdf_url(published), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_unpublished_acts_are_not_found(
    anonymous: Client, published: Deliberation, withdrawn: Deliberation
) -> None:
    signed_only = _act("2023/PMA00193")
    voted = _act("2023/PMA00194")
    for deliberation in (signed_only, voted, withdrawn):
        assert anonymous.get(_pdf_url(deliberation)).status_code == 404
    # Published, but asked under another body: not found either.
    other = BodyFactory(short_name="AUTRE")
    assert (
        anonymous.get(
            reverse("public:deliberation_pdf", args=[other.short_name, published.pk])
        ).status_code
        == 404
    )


def test_a_published_flag_without_status_is_not_enough(
    anonymous: Client, seed_session: Session
) -> None:
    # An import may carry a publication date on a voted act: it is not published here.
    Deliberation.objects.filter(number="2023/PMA00194").update(published_on=dt.date(2023, 6, 20))
    assert anonymous.get(_pdf_url(_act("2023/PMA00194"))).status_code == 404


def test_pv_is_served_once_published_only(anonymous: Client, seed_session: Session) -> None:
    url = _pv_url(seed_session)
    assert anonymous.get(url).status_code == 404  # draft
    stored = sign_pv_fast(seed_session)
    assert anonymous.get(url).status_code == 404  # signed, not published
    ProcesVerbal.objects.filter(session=seed_session).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response.content == bytes(stored.pdf)
    page = _text(anonymous.get(reverse("public:body", args=["PMA"])))
    assert "Procès-verbal de la séance du 13 juin 2023" in page
    assert "publié le 20/06/2023" in page


def test_unknown_body_or_date_is_not_found(anonymous: Client, published: Deliberation) -> None:
    assert anonymous.get(reverse("public:body", args=["INCONNU"])).status_code == 404
    assert anonymous.get(reverse("public:liste", args=["PMA", "2023-13-45"])).status_code == 404
    assert anonymous.get(reverse("public:pv_pdf", args=["PMA", "demain"])).status_code == 404


# --- The liste des délibérations (CGCT L2121-25) --------------------------------------------------


def test_liste_is_public_once_an_act_of_the_session_is_published(
    anonymous: Client, seed_session: Session, withdrawn: Deliberation
) -> None:
    url = _liste_url(seed_session)
    sign_fast(_act(NUMBER))
    assert anonymous.get(url).status_code == 404

    publish_fast(_act(NUMBER))
    response = anonymous.get(url)

    assert response.status_code == 200
    text = _text(response)
    assert "examinées par le Comité syndical du Pôle Métropolitain de l'Artois" in text
    assert "mardi 13 juin 2023" in text
    assert NUMBER in text
    assert "Adoptée à l'unanimité" in text
    assert "Projet retiré" not in text  # never voted: not examined
    # The public never sees an unpublished act, not even its number or title.
    for number in ("2023/PMA00193", "2023/PMA00194"):
        assert number not in text
    assert "Mission Bassin Minier" not in text
    source = response.content.decode()
    assert _pdf_url(_act(NUMBER)) in source
    listes = _text(anonymous.get(reverse("public:body", args=["PMA"])))
    assert "Liste des délibérations de la séance du 13 juin 2023 (1 délibération)" in listes


# --- Open data ------------------------------------------------------------------------------------


def test_open_data_file_is_public_and_links_the_signed_pdfs(
    anonymous: Client, published: Deliberation
) -> None:
    # The seed gives no SIRET, and the file leaves out the acts of a body without one.
    Body.objects.filter(pk=published.body_id).update(siret=SIRET)
    response = anonymous.get(reverse("public:open_data", args=["PMA"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [row["DELIB_ID"] for row in rows] == [NUMBER]
    (row,) = rows
    assert row["PREF_DATE"] == "2023-06-19"
    assert row["DELIB_URL"] == f"http://testserver{_pdf_url(published)}"
    assert anonymous.get(row["DELIB_URL"]).status_code == 200


# --- Query counts do not grow with the data ------------------------------------------------------


def _assembly(short: str, sessions: int, acts: int) -> Body:
    """A body with `sessions` sessions of `acts` published deliberations each, PVs published."""
    body = BodyFactory(short_name=short)
    sequence = 0
    for s in range(sessions):
        session = SessionFactory(body=body, date=dt.date(2023, 1, 10) + dt.timedelta(days=30 * s))
        voted = []
        for a in range(acts):
            sequence += 1
            item = AgendaItemFactory(
                session=session, position=a + 1, kind=AgendaItem.Kind.DELIBERATION
            )
            VoteFactory(item=item)
            voted.append(
                DeliberationFactory(
                    body=body,
                    item=item,
                    status="voted",
                    number=f"2023/{short}{sequence:05d}",
                    sequence=sequence,
                )
            )
        # Signed once the whole session is recorded (signing freezes its facts).
        for deliberation in voted:
            publish_fast(deliberation, on=dt.date(2023, 12, 1))
        sign_pv_fast(session, on=session.date)
        ProcesVerbal.objects.filter(session=session).update(
            status="published", published_on=dt.date(2023, 12, 1)
        )
    return body


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url


def test_public_pages_query_count_does_not_grow(
    anonymous: Client,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    small = _assembly("PETIT", sessions=1, acts=2)
    large = _assembly("GRAND", sessions=4, acts=5)
    for name in ("body", "open_data"):
        with count_queries() as few:
            _get(anonymous, reverse(f"public:{name}", args=[small.short_name]))
        with django_assert_num_queries(len(few), info=name):
            _get(anonymous, reverse(f"public:{name}", args=[large.short_name]))
    small_session = Session.objects.filter(body=small).first()
    large_session = Session.objects.filter(body=large).first()
    assert small_session is not None and large_session is not None
    with count_queries() as few:
        _get(anonymous, _liste_url(small_session))
    with django_assert_num_queries(len(few)):
        _get(anonymous, _liste_url(large_session))
    with django_assert_max_num_queries(2):
        _get(anonymous, reverse("public:index"))


# --- Stable pages per session and per deliberation ------------------------------------------------


def _page_url(deliberation: Deliberation) -> str:
    assert deliberation.number
    return reverse(
        "public:deliberation",
        args=[deliberation.body.short_name, deliberation.number.replace("/", "-")],
    )


def _session_url(session: Session) -> str:
    return reverse("public:session", args=[session.body.short_name, f"{session.date:%Y-%m-%d}"])


def test_a_published_deliberation_has_its_own_page(
    anonymous: Client, published: Deliberation
) -> None:
    Erratum.objects.create(
        deliberation=published,
        text="Lire « 40 000 euros » au lieu de « 40.000 euros ».",
        date=dt.date(2023, 7, 3),
        created_by=UserFactory(),
    )
    response = anonymous.get(_page_url(published))

    assert response.status_code == 200
    assert _page_url(published) == "/public/PMA/deliberations/2023-PMA00192/"
    text = _text(response)
    assert "Délibération n° 2023/PMA00192" in text
    assert "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)" in text
    assert "Séance mardi 13 juin 2023" in text
    assert "Matière 7.5 — Finances locales / Subventions" in text
    assert "Adoptée à l'unanimité" in text
    assert "Madame Corinne Laversin" in text and "ne prenant pas part au vote" in text
    assert "Présents 13 Représentés 4" in text
    assert "Votants 16 Pour 16 Contre 0 Abstentions 0" in text
    assert "publiée le 20/06/2023" in text
    assert f"Reçu en préfecture le 19/06/2023 {IDENTIFIER}" in text
    assert "Erratum du 03/07/2023 : Lire « 40 000 euros » au lieu de « 40.000 euros »." in text
    assert _pdf_url(published) in response.content.decode()


def test_the_deliberation_page_never_says_received_without_an_identifier(
    anonymous: Client, published: Deliberation
) -> None:
    Deliberation.objects.filter(pk=published.pk).update(
        prefecture_sent_on=dt.date(2023, 6, 15),
        prefecture_received_on=None,
        prefecture_identifier="",
    )
    text = _text(anonymous.get(_page_url(published)))
    assert "Transmise le 15/06/2023" in text
    assert "Reçu" not in text and "reçu" not in text


def test_a_session_page_gathers_what_is_published_of_it(
    anonymous: Client, published: Deliberation, seed_session: Session
) -> None:
    url = _session_url(seed_session)
    assert url == "/public/PMA/seances/2023-06-13/"
    text = _text(anonymous.get(url))
    assert "Séance du mardi 13 juin 2023" in text
    assert "Le procès-verbal de cette séance n'est pas encore publié." in text
    assert "Liste des délibérations (publiée le 20/06/2023)" in text
    assert NUMBER in text
    for hidden in ("2023/PMA00193", "2023/PMA00194", "Projet retiré", "Mission Bassin Minier"):
        assert hidden not in text

    sign_pv_fast(seed_session)
    ProcesVerbal.objects.filter(session=seed_session).update(
        status="published", published_on=dt.date(2023, 6, 21)
    )
    text = _text(anonymous.get(url))
    assert "Procès-verbal de la séance du 13 juin 2023 (PDF signé, publié le 21/06/2023)" in text


def test_a_session_with_only_its_pv_published_has_a_page_but_no_liste(
    anonymous: Client, seed_session: Session
) -> None:
    sign_pv_fast(seed_session)
    ProcesVerbal.objects.filter(session=seed_session).update(
        status="published", published_on=dt.date(2023, 6, 21)
    )
    response = anonymous.get(_session_url(seed_session))
    assert response.status_code == 200
    assert "Aucune délibération de cette séance n'est encore publiée." in _text(response)
    assert anonymous.get(_liste_url(seed_session)).status_code == 404


# --- The liste des délibérations as a PDF ---------------------------------------------------------


def _liste_pdf_url(session: Session) -> str:
    return reverse("public:liste_pdf", args=[session.body.short_name, f"{session.date:%Y-%m-%d}"])


def test_the_public_liste_pdf_lists_published_acts_only(
    anonymous: Client, published: Deliberation, seed_session: Session
) -> None:
    from pypdf import PdfReader

    cache.clear()
    response = anonymous.get(_liste_pdf_url(seed_session))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "PMA-2023-06-13-liste-des-deliberations.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert "LISTE DES DÉLIBÉRATIONS" in text
    assert NUMBER in text
    for hidden in ("2023/PMA00193", "2023/PMA00194", "Mission Bassin Minier", "Projet retiré"):
        assert hidden not in text
    # The same set of published acts: not rendered again, and a browser may keep its copy.
    with mock.patch("pma_governance.documents.views.liste_pdf") as render:
        again = anonymous.get(_liste_pdf_url(seed_session))
        assert again.content == response.content
        assert render.call_count == 0
        cached = anonymous.get(_liste_pdf_url(seed_session), HTTP_IF_NONE_MATCH=response["ETag"])
        assert cached.status_code == 304
    # One more act published: a new liste, a new ETag.
    publish_fast(_act("2023/PMA00193"), on=dt.date(2023, 6, 22))
    newer = anonymous.get(_liste_pdf_url(seed_session), HTTP_IF_NONE_MATCH=response["ETag"])
    assert newer.status_code == 200
    assert newer["ETag"] != response["ETag"]


def test_no_liste_pdf_before_an_act_is_published(anonymous: Client, seed_session: Session) -> None:
    sign_fast(_act(NUMBER))
    assert anonymous.get(_liste_pdf_url(seed_session)).status_code == 404


# --- Every public address: open without login, closed to the unpublished -------------------------


def _public_urls(body: Body) -> list[str]:
    session = Session.objects.filter(body=body).order_by("date").first()
    act = Deliberation.objects.filter(body=body, status="published").order_by("sequence").first()
    assert session is not None and act is not None
    return [
        reverse("public:index"),
        reverse("public:feed"),
        reverse("public:open_data_all"),
        reverse("public:body", args=[body.short_name]),
        reverse("public:body_feed", args=[body.short_name]),
        reverse("public:open_data", args=[body.short_name]),
        _session_url(session),
        _liste_url(session),
        _pv_url(session),
        _liste_pdf_url(session),
        _page_url(act),
        _pdf_url(act),
        reverse("sitemap"),
        reverse("robots_txt"),
        reverse("api:root"),
        reverse("api:bodies"),
    ]


def test_every_public_address_works_without_login(anonymous: Client, db: None) -> None:
    body = published_assembly("OUVERT", sessions=1, acts=2)
    for url in _public_urls(body):
        response = anonymous.get(url)
        assert response.status_code == 200, url


def test_nothing_unpublished_is_reachable_by_any_public_address(
    anonymous: Client, db: None
) -> None:
    body = published_assembly("OUVERT", sessions=1, acts=1)
    hidden = hidden_things(body)
    short = body.short_name
    closed = []
    for session in (hidden.session, hidden.empty_session):
        day = f"{session.date:%Y-%m-%d}"
        closed += [
            _session_url(session),
            _liste_url(session),
            _pv_url(session),
            _liste_pdf_url(session),
            reverse("api:session", args=[short, day]),
        ]
    for act in hidden.acts:
        closed.append(_pdf_url(act))
        if act.number:
            slug = act.number.replace("/", "-")
            closed += [
                reverse("public:deliberation", args=[short, slug]),
                reverse("api:deliberation", args=[short, slug]),
            ]
    closed += [
        reverse("public:deliberation", args=[short, "2023-INCONNU00001"]),
        reverse("public:deliberation_pdf", args=[short, 999999]),
        reverse("public:session", args=[short, "2023-02-30"]),
        reverse("public:session", args=[short, "demain"]),
        reverse("public:session", args=[short, "20230110"]),  # one address per session
        reverse("public:body", args=["INCONNU"]),
        reverse("public:body_feed", args=["INCONNU"]),
        reverse("public:open_data", args=["INCONNU"]),
    ]
    for url in closed:
        assert anonymous.get(url).status_code == 404, url

    # Nor listed anywhere.
    listed = "".join(
        anonymous.get(url).content.decode("utf-8", "replace")
        for url in _public_urls(body)
        if not url.endswith(".pdf")
    )
    for text in [*hidden.numbers, *hidden.titles]:
        assert text not in listed, text
    assert "28 novembre 2023" not in listed and "2023-11-28" not in listed


# --- Pagination -----------------------------------------------------------------------------------


def test_each_list_of_a_body_page_is_paginated_on_its_own(
    anonymous: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_assembly("PAGES", sessions=3, acts=3)
    monkeypatch.setattr(views_public, "PAGE_SIZE", 4)
    monkeypatch.setattr(views_public, "SESSIONS_PAGE_SIZE", 2)
    url = reverse("public:body", args=["PAGES"])

    first = _text(anonymous.get(url))
    assert "Page 1 sur 3" in first  # acts: 9 by 4
    assert first.count("Page 1 sur 2") == 2  # PVs and listes: 3 by 2

    page = anonymous.get(url, {"page": "3", "pv": "2"})
    text = _text(page)
    assert "Page 3 sur 3" in text and "Page 2 sur 2" in text
    assert "2023/PAGES00001" in text and "2023/PAGES00009" not in text
    # The links of one list keep the page of the others.
    assert 'href="?page=2&amp;pv=2"' in page.content.decode()
    assert anonymous.get(url, {"page": "99", "pv": "x"}).status_code == 200


# --- Query counts of the new pages ----------------------------------------------------------------


def test_session_and_deliberation_pages_query_count_does_not_grow(
    anonymous: Client,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    small = published_assembly("PETIT", sessions=1, acts=1)
    large = published_assembly("GRAND", sessions=2, acts=6)
    hidden_things(large)

    def urls(body: Body) -> list[str]:
        session = Session.objects.filter(body=body).order_by("date").first()
        act = Deliberation.objects.filter(body=body).order_by("sequence").first()
        assert session is not None and act is not None
        return [_session_url(session), _page_url(act), _liste_url(session)]

    for small_url, large_url in zip(urls(small), urls(large), strict=True):
        with count_queries() as few:
            _get(anonymous, small_url)
        with django_assert_num_queries(len(few), info=small_url):
            _get(anonymous, large_url)
