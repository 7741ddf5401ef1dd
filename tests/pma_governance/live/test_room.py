"""The room display and the élus' live view: access by token or login, and the polling
that answers 304 while nothing was recorded and the new state as soon as something is."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.majority import Tally
from deliberations.models import Vote
from deliberations.services import vote_cancel, vote_record
from meetings.deports import deport_declare, deport_withdraw
from meetings.models import AgendaItem, Attendance, Session
from meetings.services import attendance_set, proxy_revoke
from members.models import Mandate
from pma_governance.interchange.importer import import_document
from pma_governance.live.display import session_version
from pma_governance.live.models import SessionScreen
from pma_governance.live.services import current_item_set, display_token_issue
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BodyFactory,
    SessionFactory,
    login_as,
)
from tests.pma_governance.live.test_views import _unvoted_seed

pytestmark = pytest.mark.django_db


def _text(response: object) -> str:
    content = response.content.decode()  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


@pytest.fixture
def item(session: Session) -> AgendaItem:
    return AgendaItem.objects.get(
        session=session, title__startswith="Partenariat 2023 avec l'Agence"
    )


def _mandate(session: Session, external_id: str) -> Mandate:
    return Mandate.objects.select_related("person").get(body=session.body, external_id=external_id)


def _state_url(session: Session, token: str) -> str:
    return reverse("meetings:room_display_state", args=[session.pk]) + f"?jeton={token}"


def test_without_a_login_the_room_display_needs_its_token(client: Client, session: Session) -> None:
    for name in ("meetings:room_display", "meetings:room_display_state"):
        url = reverse(name, args=[session.pk])
        absent = client.get(url)
        assert absent.status_code == 403
        assert "L'écran de salle s'ouvre avec l'adresse que donne le secrétariat" in _text(absent)

        wrong = client.get(url + "?jeton=pas-le-bon")
        assert wrong.status_code == 403
        assert "Ce jeton d'écran n'est pas valable" in _text(wrong)

    token = display_token_issue(session=session)
    opened = client.get(reverse("meetings:room_display", args=[session.pk]) + f"?jeton={token}")
    assert opened.status_code == 200
    assert opened["Cache-Control"] == "private, no-cache"
    page = _text(opened)
    assert "Comité syndical" in page or session.body.short_name in page
    assert 'lang="fr"' in opened.content.decode()
    # Another session's address with this token: refused.
    other = client.get(
        reverse("meetings:room_display", args=[session.pk + 1000]) + f"?jeton={token}"
    )
    assert other.status_code == 403
    # The hash only is stored.
    assert token not in SessionScreen.objects.get(session=session).display_token_hash


def test_a_new_token_replaces_the_old_one(client: Client, session: Session) -> None:
    secretary = Client()
    login_as(secretary, "secretariat", session.body)
    old = display_token_issue(session=session)

    response = secretary.post(reverse("meetings:display_token_new", args=[session.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    url = re.search(r'data-testid="display-url">([^<]+)<', response.content.decode())
    assert url is not None
    address = html.unescape(url.group(1))
    assert address.startswith(f"http://testserver/seances/{session.pk}/ecran/?jeton=")
    assert client.get(address).status_code == 200
    assert client.get(_state_url(session, old)).status_code == 403


def test_an_elu_cannot_make_a_display_token(client: Client, session: Session) -> None:
    login_as(client, "elu", session.body)

    response = client.post(reverse("meetings:display_token_new", args=[session.pk]))

    assert response.status_code == 403
    assert not SessionScreen.objects.filter(session=session).exclude(display_token_hash="").exists()


def test_logged_in_members_of_the_body_open_the_display_without_token(
    client: Client, session: Session
) -> None:
    login_as(client, "elu", session.body)
    assert client.get(reverse("meetings:room_display", args=[session.pk])).status_code == 200

    stranger = Client()
    login_as(stranger, "elu", BodyFactory(short_name="AUTRE"))
    assert stranger.get(reverse("meetings:room_display", args=[session.pk])).status_code == 404
    assert (
        stranger.get(reverse("meetings:room_display_state", args=[session.pk])).status_code == 404
    )


def test_the_state_is_304_until_a_change_is_recorded(
    client: Client, session: Session, item: AgendaItem
) -> None:
    token = display_token_issue(session=session)
    url = _state_url(session, token)
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]

    same = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert same.status_code == 304
    assert same.content == b""
    assert same["ETag"] == tag

    # An attendance recorded through the service: a new state.
    attendance_set(session=session, mandate=_mandate(session, "duporge"), status="excused")
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304

    # The item shown, then its vote: the display says so.
    current_item_set(session=session, item=item)
    shown = client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert shown.status_code == 200
    assert f"{item.position}. {item.title}" in _text(shown)

    vote_record(item=item, tally=Tally(for_=10, against=5, abstain=1))
    voted = client.get(url, HTTP_IF_NONE_MATCH=shown["ETag"])
    assert voted.status_code == 200
    text = _text(voted)
    assert "Adoptée" in text
    assert "Pour 10 Contre 5 Abstentions 1 Votants 16" in text

    # Deleting the vote changes the version too.
    vote_cancel(vote=Vote.objects.get(item=item))
    undone = client.get(url, HTTP_IF_NONE_MATCH=voted["ETag"])
    assert undone.status_code == 200
    assert "Adoptée" not in _text(undone)


def test_every_recorded_change_moves_the_version(session: Session, item: AgendaItem) -> None:
    laversin = _mandate(session, "laversin")
    seen = [session_version(session.pk).number]

    def moved() -> None:
        now = session_version(session.pk).number
        assert now > seen[-1]
        seen.append(now)

    deport = deport_declare(
        item=item, mandate=laversin, reason="présidente de l'AULA", by_secretariat=True
    )
    moved()
    deport_withdraw(deport=deport, by_secretariat=True)
    moved()
    proxy = session.proxies.filter(revoked_at__isnull=True).first()
    assert proxy is not None
    proxy_revoke(proxy=proxy)
    moved()
    Attendance.objects.filter(session=session, mandate=laversin).delete()
    moved()
    current_item_set(session=session, item=None)
    moved()


def test_a_deleted_session_takes_its_screen_with_it() -> None:
    item = AgendaItemFactory(session=SessionFactory(pv=False))
    AttendanceFactory(session=item.session)
    assert SessionScreen.objects.get(session=item.session).version == 2

    # Its items and attendances are deleted first, and bump a version once more.
    item.session.delete()

    assert not SessionScreen.objects.exists()


def test_the_secretariat_shows_an_item_on_screen(
    client: Client, session: Session, item: AgendaItem
) -> None:
    login_as(client, "secretariat", session.body)
    live = client.get(reverse("meetings:live", args=[session.pk]))
    assert "Afficher ce point à l'écran" in _text(live)

    response = client.post(
        reverse("meetings:current_item_show", args=[session.pk]),
        {"item": item.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert 'data-testid="on-screen"' in response.content.decode()
    assert SessionScreen.objects.get(session=session).current_item == item
    assert "Retirer de l'écran" in _text(response)
    cleared = client.post(
        reverse("meetings:current_item_show", args=[session.pk]), {"item": ""}, follow=True
    )
    assert "Plus aucun point n'est affiché à l'écran de salle." in _text(cleared)
    assert SessionScreen.objects.get(session=session).current_item is None
    other = AgendaItem.objects.exclude(session=session).first()
    if other is not None:
        refused = client.post(
            reverse("meetings:current_item_show", args=[session.pk]), {"item": other.pk}
        )
        assert refused.status_code == 404


def test_an_elu_sees_his_own_state_on_his_device(
    client: Client, session: Session, item: AgendaItem
) -> None:
    bavay = _mandate(session, "bavay")
    login_as(client, "elu", session.body, mandate=bavay)
    url = reverse("space:live", args=[session.pk])

    page = client.get(url)
    assert page.status_code == 200
    text = _text(page)
    assert "Vous êtes compté présent." in text
    assert "Vous détenez le pouvoir de Steve Bossart." in text
    assert "Quorum atteint" in text

    deport_declare(item=item, mandate=bavay, reason="président de l'AULA", by_secretariat=True)
    current_item_set(session=session, item=item)
    state = client.get(reverse("space:live_state", args=[session.pk]), HTTP_IF_NONE_MATCH="x")
    assert state.status_code == 200
    assert "Vous ne prenez pas part au vote sur ce point (déport) : président de l'AULA." in _text(
        state
    )
    unchanged = client.get(
        reverse("space:live_state", args=[session.pk]), HTTP_IF_NONE_MATCH=state["ETag"]
    )
    assert unchanged.status_code == 304


def test_an_elu_of_another_body_cannot_follow_the_session(client: Client, session: Session) -> None:
    login_as(client, "elu", BodyFactory(short_name="AUTRE"))

    for name in ("space:live", "space:live_state"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404


def test_an_unchanged_poll_costs_one_query(
    client: Client, session: Session, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = _state_url(session, display_token_issue(session=session))
    tag = client.get(url)["ETag"]

    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_a_suppleant_who_does_not_sit_is_told_so(client: Client, session: Session) -> None:
    laversin = _mandate(session, "laversin")
    attendance_set(session=session, mandate=laversin, status="present", seated=False)
    login_as(client, "elu", session.body, mandate=laversin)

    text = _text(client.get(reverse("space:live", args=[session.pk])))

    assert "Vous êtes présent comme suppléant, sans siéger" in text


def test_the_display_keeps_its_token_in_a_cookie_of_its_own(
    client: Client, session: Session
) -> None:
    token = display_token_issue(session=session)
    page = client.get(reverse("meetings:room_display", args=[session.pk]) + f"?jeton={token}")

    cookie = page.cookies[f"ecran-{session.pk}"]
    assert cookie.value == token
    assert cookie["path"] == f"/seances/{session.pk}/ecran/"
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    # The polls' address carries no token.
    assert f'data-live-poll="/seances/{session.pk}/ecran/etat/"' in page.content.decode()
    state = reverse("meetings:room_display_state", args=[session.pk])
    assert client.get(state).status_code == 200

    display_token_issue(session=session)
    replaced = client.get(state)
    assert replaced.status_code == 403
    assert "Ce jeton d'écran n'est pas valable" in _text(replaced)
    # A member of the body still opens it, whatever his old cookie says.
    login_as(client, "elu", session.body)
    assert client.get(state).status_code == 200
