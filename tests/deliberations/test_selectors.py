"""Finding deliberations: French full-text search, number, filters, and who sees what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from deliberations.models import Deliberation
from deliberations.selectors import (
    deliberation_list,
    deliberations_for_user,
    drafts_to_finish,
    free_deliberation_items,
    recently_voted,
)
from meetings.models import AgendaItem, Session
from members.models import Body, BodyAccess
from members.selectors import bodies_for_user
from pma_governance.demo.loader import load_demo
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    SessionFactory,
    SuperUserFactory,
    VoteFactory,
    account,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Body:
    """The demo: the PMA's sessions of 4 April and 13 June 2023, and its accounts."""
    return load_demo()


@pytest.fixture
def elu(demo: Body) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="elu")


def _numbers(queryset: Any) -> list[str | None]:
    return [d.number for d in queryset]


def test_search_agence_d_urbanisme_finds_00192_first(elu: Any) -> None:
    found = deliberation_list(elu, text="Agence d'urbanisme")

    assert _numbers(found)[0] == "2023/PMA00192"


def test_search_is_french_stemmed_across_the_texts(elu: Any) -> None:
    # « conventions » (plural) matches « convention » in the dispositifs.
    assert "2023/PMA00192" in _numbers(deliberation_list(elu, text="conventions"))
    # A word found only in the considérants.
    assert "2023/PMA00192" in _numbers(deliberation_list(elu, text="observatoires thématiques"))
    assert _numbers(deliberation_list(elu, text="Mission Bassin Minier"))[0] == "2023/PMA00193"
    assert list(deliberation_list(elu, text="piscine olympique")) == []


def test_search_by_number(elu: Any) -> None:
    assert _numbers(deliberation_list(elu, text="00192")) == ["2023/PMA00192"]
    assert _numbers(deliberation_list(elu, text="2023/PMA00194")) == ["2023/PMA00194"]


def test_filters_status_session_and_matiere(demo: Body, elu: Any) -> None:
    june = Session.objects.get(body=demo, date=dt.date(2023, 6, 13))
    voted = deliberation_list(elu, session=june)

    assert set(_numbers(voted)) >= {"2023/PMA00192", "2023/PMA00193", "2023/PMA00194"}
    assert all(d.item is not None and d.item.session_id == june.pk for d in voted)
    assert list(deliberation_list(elu, status=Deliberation.Status.DRAFT)) == []
    # « 7 » covers 7.5; « 7.1 » does not.
    assert "2023/PMA00192" in _numbers(deliberation_list(elu, matiere="7"))
    assert "2023/PMA00192" in _numbers(deliberation_list(elu, matiere="7.5"))
    assert "2023/PMA00192" not in _numbers(deliberation_list(elu, matiere="7.1"))


def test_a_user_sees_only_his_bodies() -> None:
    mine, other = BodyFactory(), BodyFactory()
    user = account("secretariat", mine)
    kept = DeliberationFactory(item=None, body=mine)
    DeliberationFactory(item=None, body=other, title="Agence d'urbanisme")

    assert list(deliberations_for_user(user)) == [kept]
    assert list(deliberation_list(user, text="Agence d'urbanisme")) == []
    assert list(deliberations_for_user(AnonymousUser())) == []
    assert deliberations_for_user(SuperUserFactory()).count() == 2


def test_an_elu_sees_the_bodies_he_sits_in_and_convened_projets_only() -> None:
    mine, other = BodyFactory(), BodyFactory()
    elu = account("elu", mine)
    # An access granted by mistake to another body opens nothing to an élu.
    BodyAccess.objects.create(user=elu, body=other)
    convened = AgendaItemFactory(session=SessionFactory(body=mine, status=Session.Status.CONVENED))
    planned = AgendaItemFactory(session=SessionFactory(body=mine, status=Session.Status.PLANNED))
    shown = DeliberationFactory(item=convened, body=mine)
    DeliberationFactory(item=planned, body=mine)
    DeliberationFactory(item=None, body=mine)
    DeliberationFactory(item=AgendaItemFactory(session=SessionFactory(body=other)), body=other)

    assert list(bodies_for_user(elu)) == [mine]
    assert list(deliberations_for_user(elu)) == [shown]


def test_latest_first_when_not_searching() -> None:
    body = BodyFactory()
    user = SuperUserFactory()
    older = DeliberationFactory(item=AgendaItemFactory(session=SessionFactory(body=body)))
    newer = DeliberationFactory(
        item=AgendaItemFactory(session=SessionFactory(body=body, date=dt.date(2031, 1, 1)))
    )
    unscheduled = DeliberationFactory(item=None, body=body)

    assert list(deliberation_list(user)) == [unscheduled, newer, older]


def test_dashboard_selectors() -> None:
    body = BodyFactory()
    user = SuperUserFactory()
    soon = SessionFactory(body=body, date=dt.date(2030, 1, 10))
    later = SessionFactory(body=body, date=dt.date(2030, 3, 10))
    draft_later = DeliberationFactory(item=AgendaItemFactory(session=later))
    draft_soon = DeliberationFactory(item=AgendaItemFactory(session=soon))
    draft_free = DeliberationFactory(item=None, body=body)
    item = AgendaItemFactory(session=SessionFactory(body=body, date=dt.date(2023, 6, 13)))
    VoteFactory(item=item)
    voted = DeliberationFactory(
        item=item, status=Deliberation.Status.VOTED, number="2023/X00001", sequence=1
    )

    assert list(drafts_to_finish(user)) == [draft_soon, draft_later, draft_free]
    assert list(recently_voted(user)) == [voted]


def test_free_items_exclude_voted_taken_and_other_kinds() -> None:
    body = BodyFactory()
    session = SessionFactory(body=body)
    free = AgendaItemFactory(session=session, position=1)
    taken = AgendaItemFactory(session=session, position=2)
    mine = DeliberationFactory(item=taken)
    voted = AgendaItemFactory(session=session, position=3)
    VoteFactory(item=voted)
    AgendaItemFactory(session=session, position=4, kind=AgendaItem.Kind.INFORMATION)
    closed = SessionFactory(body=body, status=Session.Status.CLOSED)
    AgendaItemFactory(session=closed, position=1)

    assert list(free_deliberation_items(body)) == [free]
    assert set(free_deliberation_items(body, mine)) == {free, taken}
